/* The HTTP surface that resource modules (src/api/) see: the request and response types, the
 * route description, and helpers that render bodies and errors. Nothing here mentions
 * the transport; server.c adapts it. */
#ifndef IA_HTTP_HTTP_H
#define IA_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"

#define HTTP_MAX_PARAMS      4
#define HTTP_RES_HEADERS_MAX 24
#define HTTP_REQUEST_ID_MAX  128

/* Method bits, for route tables and Allow headers. */
enum {
    HTTP_GET = 1u << 0,
    HTTP_HEAD = 1u << 1,
    HTTP_POST = 1u << 2,
    HTTP_PUT = 1u << 3,
    HTTP_PATCH = 1u << 4,
    HTTP_DELETE = 1u << 5,
    HTTP_OPTIONS = 1u << 6,
};

/* Route flags. */
enum {
    HTTP_INLINE = 1u << 0,      /* cheap and non-blocking: answered on the I/O thread */
    HTTP_BODY_JSON = 1u << 1,   /* takes a JSON body: size and content-type rules apply */
    HTTP_BODY_FORM = 1u << 2,   /* also accepts application/x-www-form-urlencoded */
    HTTP_BODY_UPLOAD = 1u << 3, /* multipart/form-data: the part "file" streams to disk */
    HTTP_CPU = 1u << 4,         /* costs milliseconds of CPU (password hashing): runs on the CPU
                                   executor, never on a handler thread (docs/design.md) */
};

#define HTTP_UPLOAD_NAMES_MAX 4

/* What a multipart upload delivered (routes flagged HTTP_BODY_UPLOAD). The first part named
 * "file" with a file name is in a temporary file the server removes after the response;
 * further file parts are only counted. */
typedef struct {
    const char *path; /* the temporary file; NULL when no file part arrived or it was dropped */
    int64_t size;     /* bytes of the first file part */
    int nfiles;       /* file parts named "file" */
    bool too_large;   /* a file part passed MAX_FILE_SIZE (nothing of it was kept) */
    const char *names[HTTP_UPLOAD_NAMES_MAX]; /* their file names as sent */
    size_t nnames;
} http_upload;

/* Who may call a route; checked by the auth layer. */
enum { AUTH_NONE = 0, AUTH_USER = 1, AUTH_ADMIN = 2 };

/* Rate-limit policies of docs/api.md §1.5, as bits; table order is header order. */
enum {
    RL_DEFAULT = 1u << 0,
    RL_REGISTER = 1u << 1,
    RL_LOGIN = 1u << 2,
    RL_LOGIN_ACCOUNT = 1u << 3,
    RL_RESET = 1u << 4,
    RL_RESEND = 1u << 5,
    RL_UPLOAD = 1u << 6,
};

typedef struct {
    const char *name;
    const char *value;
} http_kv;

typedef struct http_req http_req;
typedef struct http_res http_res;
typedef struct http_server http_server;
typedef struct http_doc http_doc; /* what a route takes and answers, for OpenAPI (http/doc.h) */

/* A handler fills res and returns IA_OK, or returns an error code. When it returns an error
 * with res still empty, the server answers 503 (IA_ERR_UNAVAILABLE, IA_ERR_TIMEOUT) or 500
 * (anything else); when res was written (a 4xx from a validator), that response is sent. */
typedef int (*http_handler)(http_req *req, http_res *res);

typedef struct {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/resume/{resume_id:uuid}"; params: {name}, {name:uuid},
                            {name:int} */
    http_handler handler;
    unsigned flags;      /* HTTP_INLINE, HTTP_BODY_JSON */
    unsigned auth;       /* AUTH_NONE, AUTH_USER, AUTH_ADMIN */
    unsigned rate;       /* RL_* bits applied before the handler */
    int status;          /* documented success status, for OpenAPI */
    const char *summary; /* one line, for OpenAPI */
    const char *tag;     /* OpenAPI tag */
    const http_doc *doc; /* its input and output, for OpenAPI; NULL = undocumented */
} http_route;

struct http_req {
    arena *arena;
    const ia_config *cfg;
    void *app; /* the application context given to the server */
    const http_server *server;
    unsigned method; /* one HTTP_* bit; HEAD is reported as HEAD */
    const char *method_name;
    const char *path; /* decoded path, without the query string */
    const http_route *route;
    size_t nparams;
    const char *param_names[HTTP_MAX_PARAMS];
    const char *params[HTTP_MAX_PARAMS];
    const http_kv *headers;
    size_t nheaders;
    const http_kv *query;
    size_t nquery;
    const char *body; /* NUL-terminated copy of the body, NULL when there is none */
    size_t body_len;
    const http_upload *upload; /* HTTP_BODY_UPLOAD routes: what arrived */
    const char *request_id;
    const char *client_ip;
    const char *user_id; /* set once authenticated, for logs */
    void *auth;          /* the auth layer's state for this request */
    int64_t deadline_ms; /* monotonic deadline of this request */
    void *priv;          /* the server's own state */
};

struct http_res {
    arena *arena;
    int status; /* 0 until a response is written */
    http_kv headers[HTTP_RES_HEADERS_MAX];
    size_t nheaders;
    const char *content_type;
    const char *body;
    size_t body_len;
    const char *error_code;   /* the "code" of an error written by http_error, else NULL */
    const char *error_detail; /* and its "detail", for error reports; never sent otherwise */
};

/* Case-insensitive request header lookup; NULL when absent. */
const char *http_header(const http_req *req, const char *name);

/* Query parameter lookup (first occurrence); NULL when absent. */
const char *http_query(const http_req *req, const char *name);

/* Path parameter by name; NULL when the route has no such parameter. */
const char *http_param(const http_req *req, const char *name);

/* Adds a response header; name and value are copied into the response's arena. */
int http_set_header(http_res *res, const char *name, const char *value);

/* Renders body (reference stolen, NULL allowed for "null") as the JSON response. */
int http_json(http_res *res, int status, json_t *body);

/* Sends bytes with a content type (copied into the arena). */
int http_body(http_res *res, int status, const char *content_type, const char *body, size_t len);

/* An empty response (204 and friends). */
int http_empty(http_res *res, int status);

/* The error shape of docs/api.md §1.3: {"detail": detail, "code": code}. */
int http_error(http_res *res, int status, const char *code, const char *detail);

/* The value of one hexadecimal digit, or -1. */
int http_hex_value(char c);

/* A 422 VALIDATION_ERROR with one item; loc is a NULL-terminated list ("body", "email"). */
int http_validation_error(http_res *res, const char *const *loc, const char *msg, const char *type);

/* A 422 with the items already built (reference stolen). */
int http_validation_errors(http_res *res, json_t *items);

/* Parses the request body as a JSON object. Returns IA_OK with *out set (NULL when the body is
 * empty); otherwise writes the 422 (json_invalid or dict_type) to res and returns
 * IA_ERR_INVALID. The caller owns *out. */
int http_body_json_object(http_req *req, http_res *res, json_t **out);

/* True when the body is application/x-www-form-urlencoded. */
bool http_body_is_form(const http_req *req);

/* The decoded value of name in a form-encoded body (first occurrence), copied into the
 * request's arena; NULL when absent. */
const char *http_form_value(http_req *req, const char *name);

/* Authentication hooks: early runs on the I/O thread before body checks (stateless token
 * checks), late on the handler thread before the handler (database checks). Each returns IA_OK
 * or writes a 401/403 into res. level is the route's AUTH_* value. */
typedef int (*http_auth_fn)(http_req *req, http_res *res, unsigned level);

/* True while the server is shutting down (readiness reports not ready). */
bool http_draining(const http_req *req);

/* The routes the server knows, for the OpenAPI document. */
const http_route *const *http_routes(const http_req *req, size_t *n);

/* Checks one more rate-limit policy from a handler (login-account by e-mail, upload by user).
 * Returns IA_OK when allowed; when exhausted writes the 429 to res and returns
 * IA_ERR_TOO_LARGE. Either way the policy appears in this response's RateLimit headers. */
int http_rate_check(http_req *req, http_res *res, unsigned policy, const char *key);

#endif
