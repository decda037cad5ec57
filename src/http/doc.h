/* Declarative descriptions of what a route takes and answers, written next to the route tables
 * in src/api/: the JSON objects a resource renders (field tables, j_object), the query
 * parameters and body fields it validates (the v_field tables of validate.h, the very tables
 * its handler passes to validate_query and validate_body), its success responses, and the
 * error codes it answers beyond those every route of its kind has. openapi.c builds the OpenAPI
 * document from them; the integration tests hold every real response to that document. Nothing
 * here names a resource: the tables are the resource files' own. */
#ifndef IA_HTTP_DOC_H
#define IA_HTTP_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "http/validate.h"

/* The type of one value of a rendered JSON object. */
typedef enum {
    J_STRING,
    J_INTEGER,
    J_NUMBER,
    J_BOOLEAN,
    J_OBJECT, /* an object of `object`, or any object when `object` is NULL */
    J_ARRAY,  /* a list of `object`, or of `items` scalars */
    J_MAP,    /* an object with free keys whose values are `object`, or `items` scalars */
} j_type;

enum {
    J_NULLABLE = 1u << 0, /* null is one of its values (it is still always present) */
    J_RANGE = 1u << 1,    /* numbers: lies in [min, max] */
    J_NONNEG = 1u << 2,   /* numbers: at least 0 */
};

typedef struct j_object j_object;

/* One field of a rendered object. Every field is always present (docs/api.md §1.1). */
typedef struct {
    const char *name;
    j_type type;
    unsigned flags;
    const char *format;         /* strings: "uuid", "date-time", "email", "uri" */
    const char *const *choices; /* strings (or lists and maps of strings): the allowed values,
                                   NULL-terminated */
    const j_object *object;     /* J_OBJECT, and J_ARRAY / J_MAP of objects */
    const j_object *alt;        /* J_OBJECT: a second shape the value may take instead */
    j_type items;               /* J_ARRAY / J_MAP of scalars: their type */
    double min, max;            /* J_RANGE */
    const char *description;
} j_field;

/* A rendered JSON object: its fields, after those of `base` when it extends another. */
struct j_object {
    const char *name; /* the component name in the document ("User") */
    const char *description;
    const j_object *base;
    const j_field *fields;
    size_t n;
};

/* A j_object literal from a field table: J_OBJECT_OF("User", "An account", user_fields). */
#define J_OBJECT_OF(name_, description_, table)                                                    \
    {                                                                                              \
        .name = name_, .description = description_, .fields = table, .n = V_COUNT(table)           \
    }

typedef enum {
    DOC_END,   /* ends a response list */
    DOC_JSON,  /* one object of `object` (any JSON object when NULL) */
    DOC_LIST,  /* a JSON array of `object` */
    DOC_PAGE,  /* the page envelope of docs/api.md §1.6 around `object` items */
    DOC_EMPTY, /* no body (204) */
    DOC_BYTES, /* a body of content type `media` */
} doc_shape;

/* Response headers a success response may carry. */
enum {
    DOC_H_ATTACHMENT = 1u << 0, /* Content-Disposition: attachment */
    DOC_H_SET_COOKIE = 1u << 1, /* Set-Cookie: the refresh-token cookie (docs/api.md §3.3) */
    DOC_H_NOINDEX = 1u << 2,    /* X-Robots-Tag: noindex */
};

/* One response a route gives. Several entries may share a status (content types of one
 * download, the 503 of readiness next to the success). */
typedef struct {
    int status; /* 0 = the route's own success status */
    doc_shape shape;
    const j_object *object;
    const char *media; /* DOC_BYTES: the content type, without parameters */
    const char *description;
    unsigned headers; /* DOC_H_* */
} doc_response;

/* An error code a route answers beyond the ones openapi.c adds for every route of its kind
 * (authentication, path parameters, body rules, rate limits, saturation). */
typedef struct {
    int status;
    const char *code;
    const char *when;
} doc_error;

/* Everything a route takes and answers. Lists of responses end with DOC_END, errors with a
 * zero status. */
struct http_doc {
    const char *description; /* the rules and effects that the summary line leaves out */
    const v_field *query;    /* the query parameters its handler validates */
    size_t nquery;
    const v_field *body; /* the JSON body fields its handler validates */
    size_t nbody;
    const char *const *body_one_of; /* at least one of these body fields is required */
    const char *body_schema; /* a JSON body the field tables cannot describe (lists of objects):
                                its JSON Schema text; its handler validates it itself */
    const v_field *form;     /* application/x-www-form-urlencoded fields (login) */
    size_t nform;
    const v_field *headers; /* request headers it reads */
    size_t nheaders;
    const char *upload;   /* multipart/form-data: what the part "file" may be */
    bool optional_bearer; /* takes a bearer token without requiring one (refresh) */
    const doc_response *responses;
    const doc_error *errors;
};

#endif
