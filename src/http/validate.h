/* Request validation per docs/api.md §1.2: a JSON body is checked against a table of fields
 * with strict types, lengths in code points, trimming, control characters and unknown-field
 * refusal; every problem becomes one 422 item, all reported together. Query parameters are
 * checked the same way against their own table. The tables are also what the OpenAPI
 * document (openapi.c) describes, so a route's documented input is the input it validates. */
#ifndef IA_HTTP_VALIDATE_H
#define IA_HTTP_VALIDATE_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"
#include "http/http.h"

typedef enum { V_STRING, V_INT, V_BOOL, V_STRING_LIST } v_type;

enum {
    V_REQUIRED = 1u << 0,
    V_NO_TRIM = 1u << 1,   /* passwords and tokens are taken as sent */
    V_MULTILINE = 1u << 2, /* free text: \n and \t allowed */
    V_EMAIL = 1u << 3,     /* a valid address, lower-cased, at most 254 characters */
    V_POLICY = 1u << 4,    /* the check hook judges length and characters (the password policy);
                              min and max are the lengths it enforces */
    V_UUID = 1u << 5,      /* the id of a row: a UUID in any case, lower-cased */
};
/* Every string that is trimmed (all but passwords and tokens) also refuses the bidirectional
 * control characters U+202A-U+202E and U+2066-U+2069, which would let a name or title shown to
 * other people display differently from what it contains. */

typedef struct {
    const char *name;
    v_type type;
    unsigned flags;
    long long min;              /* strings: characters; ints: value; lists: items */
    long long max;              /* LLONG_MAX: no maximum */
    const char *const *choices; /* NULL-terminated allowed values of a string, or NULL */
    long long item_min;         /* lists: characters of each item */
    long long item_max;
    const char *def;         /* the value taken when the field is absent, as text ("12", "mixed",
                                "false"), or NULL */
    const char *example;     /* a valid value for the document: the text of a string, JSON
                                otherwise ("7", "true", "[\"python\"]") */
    const char *description; /* what the field means, for the document */
} v_field;

/* The number of entries of a field table. */
#define V_COUNT(table) COUNT(table)

/* The query parameters of every paginated list (docs/api.md §1.6); default_limit is text. */
#define V_QUERY_SKIP                                                                               \
    {                                                                                              \
        "skip", V_INT, 0, 0, LLONG_MAX, .def = "0", .description = "Items to skip, from the start" \
    }
#define V_QUERY_LIMIT(default_limit)                                                               \
    {                                                                                              \
        "limit", V_INT, 0, 1, 100, .def = default_limit, .description = "Items per page"           \
    }
/* An optional substring search of at most 100 characters (empty = none). */
#define V_QUERY_SEARCH(what)                                                                       \
    {                                                                                              \
        "search", V_STRING, 0, 0, 100, .description = what                                         \
    }

typedef struct {
    bool present; /* given and not null; absent fields still carry their default */
    const char *s;
    long long i;
    bool b;
    const char **list;
    size_t nlist;
} v_value;

/* A per-field hook that may add items for a present value (e.g. the password policy). */
typedef void (*v_check)(const char *name, const v_value *value, json_t *items);

/* Validates the request body against fields, filling out[i] for fields[i] (an absent field
 * gets its default, with present false). An empty body is an empty object. On failure writes
 * the 422 and returns IA_ERR_INVALID. check (may be NULL) runs for every present field.
 * Strings are copied into the request's arena. */
int validate_body(http_req *req, http_res *res, const v_field *fields, size_t n, v_value *out,
                  v_check check);

/* Validates the query parameters against params (V_INT and V_STRING only), filling out[i] for
 * params[i]. An absent or empty parameter takes its default (present false; a string without
 * one is NULL). Integers must parse and lie in [min, max]; strings must be UTF-8 of min..max
 * characters and one of their choices. Every problem is one 422 item at ["query", name]; on
 * failure writes the 422 and returns IA_ERR_INVALID. */
int validate_query(http_req *req, http_res *res, const v_field *params, size_t n, v_value *out);

/* Adds one 422 item {loc: [where, name], msg, type} to items. */
void validate_add(json_t *items, const char *where, const char *name, const char *msg,
                  const char *type);

/* True when s contains a bidirectional control character (U+202A-U+202E, U+2066-U+2069). */
bool validate_has_bidi(const char *s);

/* True for a canonical-shape UUID (8-4-4-4-12 hexadecimal digits, any case). */
bool validate_uuid(const char *s);

/* True for a plausible e-mail address (one @, a dotted domain, no spaces, <= 254). */
bool validate_email(const char *s);

#endif
