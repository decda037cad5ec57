/* Request validation per API.md §1.2: a JSON body is checked against a list of fields with
 * strict types, lengths in code points, trimming, control characters and unknown-field
 * refusal; every problem becomes one 422 item, all reported together. Query parameters of
 * paginated lists are checked the same way. */
#ifndef IA_HTTP_VALIDATE_H
#define IA_HTTP_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

typedef enum { V_STRING, V_INT, V_BOOL, V_STRING_LIST } v_type;

enum {
    V_REQUIRED = 1u << 0,
    V_NO_TRIM = 1u << 1,   /* passwords and tokens are taken as sent */
    V_MULTILINE = 1u << 2, /* free text: \n and \t allowed */
    V_EMAIL = 1u << 3,     /* a valid address, lower-cased, at most 254 characters */
    V_UUID = 1u << 4,      /* the id of a row: a UUID in any case, lower-cased */
};
/* Every string that is trimmed (all but passwords and tokens) also refuses the bidirectional
 * control characters U+202A-U+202E and U+2066-U+2069, which would let a name or title shown to
 * other people display differently from what it contains. */

typedef struct {
    const char *name;
    v_type type;
    unsigned flags;
    long long min; /* strings: characters; ints: value; lists: items */
    long long max;
    const char *const *choices; /* NULL-terminated allowed values of a string, or NULL */
    long long item_min;         /* lists: characters of each item */
    long long item_max;
} v_field;

typedef struct {
    bool present; /* given and not null */
    const char *s;
    long long i;
    bool b;
    const char **list;
    size_t nlist;
} v_value;

/* A per-field hook that may add items for a present value (e.g. the password policy). */
typedef void (*v_check)(const char *name, const v_value *value, json_t *items);

/* Validates the request body against fields, filling out[i] for fields[i]. An empty body is
 * an empty object. On failure writes the 422 (or 415 never: the server checked the type) and
 * returns IA_ERR_INVALID. check (may be NULL) runs for every present field. Strings are copied
 * into the request's arena. */
int validate_body(http_req *req, http_res *res, const v_field *fields, size_t n, v_value *out,
                  v_check check);

/* Adds one 422 item {loc: [where, name], msg, type} to items. */
void validate_add(json_t *items, const char *where, const char *name, const char *msg,
                  const char *type);

/* The optional `search` query parameter (at most 100 characters of valid UTF-8; empty =
 * none): *out is NULL when there is none. Writes the 422 and returns IA_ERR_INVALID when it is
 * too long or not UTF-8. */
int validate_search(http_req *req, http_res *res, const char **out);

/* An optional query parameter that must be one of choices (NULL-terminated): *out is NULL when
 * it is absent or empty. Writes the 422 (type "enum", "Input should be 'a', 'b' or 'c'") and
 * returns IA_ERR_INVALID for any other value. */
int validate_query_choice(http_req *req, http_res *res, const char *name,
                          const char *const *choices, const char **out);

/* skip (>= 0, default 0) and limit (1..100, default default_limit) from the query string. */
int validate_pagination(http_req *req, http_res *res, long long default_limit, long long *skip,
                        long long *limit);

/* Counts the code points of a UTF-8 string; -1 when it is not well-formed UTF-8 (RFC 3629:
 * no overlong form, surrogate or code point past U+10FFFF). */
long long validate_utf8_length(const char *s);

/* True when s contains a bidirectional control character (U+202A-U+202E, U+2066-U+2069). */
bool validate_has_bidi(const char *s);

/* True for a canonical-shape UUID (8-4-4-4-12 hexadecimal digits, any case). */
bool validate_uuid(const char *s);

/* True for a plausible e-mail address (one @, a dotted domain, no spaces, <= 254). */
bool validate_email(const char *s);

#endif
