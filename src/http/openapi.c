#include "http/openapi.h"

#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/errors.h"
#include "http/doc.h"
#include "http/validate.h"

#define OPENAPI_OBJECTS_MAX 128
#define OPENAPI_CODES_MAX   32
#define SCHEMA_REF          "#/components/schemas/"
#define HEADER_REF          "#/components/headers/"

/* The state of one document build: the components built so far and whether anything failed
 * (an allocation, or two object tables with one name). */
typedef struct {
    json_t *schemas;
    const j_object *objects[OPENAPI_OBJECTS_MAX];
    size_t nobjects;
    bool failed;
} oa_ctx;

/* Sets obj[key] = val (reference stolen); a NULL val or a failed set marks the build failed. */
static void put(oa_ctx *c, json_t *obj, const char *key, json_t *val)
{
    if (val == NULL || obj == NULL || json_object_set_new(obj, key, val) != 0)
        c->failed = true;
}

/* Appends val (reference stolen) to arr, marking the build failed when that is impossible. */
static void push(oa_ctx *c, json_t *arr, json_t *val)
{
    if (val == NULL || arr == NULL || json_array_append_new(arr, val) != 0)
        c->failed = true;
}

static json_t *ref_to(const char *prefix, const char *name)
{
    char ref[160];
    snprintf(ref, sizeof(ref), "%s%s", prefix, name);
    return json_pack("{s:s}", "$ref", ref);
}

/* Makes schema accept null as well: a second type where the schema has one type (and null
 * among its choices), anyOf otherwise. Returns the schema to use (schema is stolen). */
static json_t *nullable(json_t *schema)
{
    json_t *type = json_object_get(schema, "type");
    if (json_is_string(type)) {
        json_t *types = json_pack("[s,s]", json_string_value(type), "null");
        json_object_set_new(schema, "type", types);
        json_t *choices = json_object_get(schema, "enum");
        if (choices != NULL)
            json_array_append_new(choices, json_null());
        return schema;
    }
    return json_pack("{s:[o,{s:s}]}", "anyOf", schema, "type", "null");
}

static json_t *choices_array(const char *const *choices)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && choices[i] != NULL; i++)
        json_array_append_new(arr, json_string(choices[i]));
    return arr;
}

/* ---- rendered objects (j_object tables) ---------------------------------------------------- */

static json_t *object_ref(oa_ctx *c, const j_object *o);

static json_t *scalar_schema(j_type type)
{
    static const char *const names[] = { "string", "integer", "number", "boolean",
                                         "object", "array",   "object" };
    return json_pack("{s:s}", "type", names[type]);
}

/* The schema of one field of a rendered object. */
static json_t *field_schema(oa_ctx *c, const j_field *f)
{
    json_t *s;
    if (f->type == J_OBJECT) {
        s = f->object ? object_ref(c, f->object) : json_pack("{s:s}", "type", "object");
        if (f->alt != NULL)
            s = json_pack("{s:[o,o]}", "anyOf", s, object_ref(c, f->alt));
    } else if (f->type == J_ARRAY || f->type == J_MAP) {
        json_t *item = f->object ? object_ref(c, f->object) : scalar_schema(f->items);
        if (f->object == NULL && f->choices != NULL)
            put(c, item, "enum", choices_array(f->choices));
        s = f->type == J_ARRAY
                ? json_pack("{s:s, s:o}", "type", "array", "items", item)
                : json_pack("{s:s, s:o}", "type", "object", "additionalProperties", item);
    } else {
        s = scalar_schema(f->type);
        if (f->format != NULL)
            put(c, s, "format", json_string(f->format));
        if (f->choices != NULL)
            put(c, s, "enum", choices_array(f->choices));
        if (f->flags & J_RANGE) {
            put(c, s, "minimum",
                f->type == J_INTEGER ? json_integer((json_int_t)f->min) : json_real(f->min));
            put(c, s, "maximum",
                f->type == J_INTEGER ? json_integer((json_int_t)f->max) : json_real(f->max));
        } else if (f->flags & J_NONNEG) {
            put(c, s, "minimum", json_integer(0));
        }
    }
    if (s != NULL && (f->flags & J_NULLABLE))
        s = nullable(s);
    if (s != NULL && f->description != NULL)
        put(c, s, "description", json_string(f->description));
    if (s == NULL)
        c->failed = true;
    return s;
}

/* Adds the fields of o (after those of its base) to props and required. */
static void add_fields(oa_ctx *c, const j_object *o, json_t *props, json_t *required)
{
    if (o->base != NULL)
        add_fields(c, o->base, props, required);
    for (size_t i = 0; i < o->n; i++) {
        put(c, props, o->fields[i].name, field_schema(c, &o->fields[i]));
        push(c, required, json_string(o->fields[i].name));
    }
}

/* The closed object schema of o: every field present, nothing else. */
static json_t *object_schema(oa_ctx *c, const j_object *o)
{
    json_t *props = json_object(), *required = json_array();
    json_t *s = json_pack("{s:s, s:o, s:o, s:b}", "type", "object", "required", required,
                          "properties", props, "additionalProperties", 0);
    if (s == NULL) {
        c->failed = true;
        return NULL;
    }
    if (o->description != NULL)
        put(c, s, "description", json_string(o->description));
    add_fields(c, o, props, required);
    return s;
}

/* A reference to o's component, building the component on first use. */
static json_t *object_ref(oa_ctx *c, const j_object *o)
{
    for (size_t i = 0; i < c->nobjects; i++)
        if (c->objects[i] == o)
            return ref_to(SCHEMA_REF, o->name);
    if (o->name == NULL || json_object_get(c->schemas, o->name) != NULL ||
        c->nobjects >= OPENAPI_OBJECTS_MAX) {
        c->failed = true; /* unnamed, a second table with a taken name, or too many tables */
        return NULL;
    }
    c->objects[c->nobjects++] = o;
    /* Claim the name before building, so that an object that contains itself ends. */
    put(c, c->schemas, o->name, json_object());
    put(c, c->schemas, o->name, object_schema(c, o));
    return ref_to(SCHEMA_REF, o->name);
}

/* A reference to the page envelope (docs/api.md §1.6) of o's items, "<Name>Page". */
static json_t *page_ref(oa_ctx *c, const j_object *o)
{
    char name[96];
    snprintf(name, sizeof(name), "%sPage", o->name ? o->name : "Item");
    if (json_object_get(c->schemas, name) == NULL) {
        json_t *page = json_pack(
            "{s:s, s:s, s:[s,s,s,s,s], s:b, s:{s:{s:s, s:o}, s:{s:s, s:i}, s:{s:s, s:i}, "
            "s:{s:s, s:i, s:i}, s:{s:s}}}",
            "type", "object", "description", "One page of a list (docs/api.md §1.6)", "required",
            "items", "total", "skip", "limit", "has_more", "additionalProperties", 0, "properties",
            "items", "type", "array", "items", object_ref(c, o), "total", "type", "integer",
            "minimum", 0, "skip", "type", "integer", "minimum", 0, "limit", "type", "integer",
            "minimum", 1, "maximum", 100, "has_more", "type", "boolean");
        put(c, c->schemas, name, page);
    }
    return ref_to(SCHEMA_REF, name);
}

/* ---- validated input (v_field tables) ------------------------------------------------------ */

/* The value of text as the JSON type of a field: a string as it is, anything else parsed. */
static json_t *typed_value(const v_field *f, const char *text)
{
    if (f->type == V_STRING)
        return json_string(text);
    return json_loads(text, JSON_DECODE_ANY, NULL);
}

/* The schema of one validated field (body, form, query or header); nullable for optional
 * body fields, where null means absent (docs/api.md §1.2). */
static json_t *input_schema(oa_ctx *c, const v_field *f, bool null_ok)
{
    json_t *s;
    if (f->type == V_STRING_LIST) {
        json_t *item = json_pack("{s:s}", "type", "string");
        if (f->item_min > 0)
            put(c, item, "minLength", json_integer(f->item_min));
        if (f->item_max != LLONG_MAX)
            put(c, item, "maxLength", json_integer(f->item_max));
        if (f->flags & V_EMAIL)
            put(c, item, "format", json_string("email"));
        s = json_pack("{s:s, s:o}", "type", "array", "items", item);
        if (f->min > 0)
            put(c, s, "minItems", json_integer(f->min));
        put(c, s, "maxItems", json_integer(f->max));
    } else if (f->type == V_INT) {
        s = json_pack("{s:s, s:I}", "type", "integer", "minimum", (json_int_t)f->min);
        if (f->max != LLONG_MAX)
            put(c, s, "maximum", json_integer(f->max));
    } else if (f->type == V_BOOL) {
        s = json_pack("{s:s}", "type", "boolean");
    } else {
        s = json_pack("{s:s}", "type", "string");
        if (f->min > 0)
            put(c, s, "minLength", json_integer(f->min));
        if (f->max != LLONG_MAX)
            put(c, s, "maxLength", json_integer(f->max));
        if (f->flags & V_EMAIL)
            put(c, s, "format", json_string("email"));
        if (f->flags & V_UUID)
            put(c, s, "format", json_string("uuid"));
        if (f->choices != NULL)
            put(c, s, "enum", choices_array(f->choices));
    }
    if (s == NULL) {
        c->failed = true;
        return NULL;
    }
    if (f->def != NULL)
        put(c, s, "default", typed_value(f, f->def));
    if (f->example != NULL)
        put(c, s, "examples", json_pack("[o]", typed_value(f, f->example)));
    char text[1024];
    snprintf(text, sizeof(text), "%s%s%s", f->description ? f->description : "",
             (f->flags & V_NO_TRIM) ? " Taken as sent (not trimmed)." : "",
             (f->flags & V_MULTILINE) ? " May contain line breaks and tabs." : "");
    if (*text == ' ')
        memmove(text, text + 1, strlen(text));
    if (*text)
        put(c, s, "description", json_string(text));
    return null_ok && !(f->flags & V_REQUIRED) ? nullable(s) : s;
}

/* The object schema of a body's fields; open objects accept fields beyond those (forms). */
static json_t *fields_object(oa_ctx *c, const v_field *fields, size_t n, bool open, bool null_ok)
{
    json_t *props = json_object(), *required = json_array();
    json_t *s = json_pack("{s:s, s:o, s:b}", "type", "object", "properties", props,
                          "additionalProperties", open ? 1 : 0);
    for (size_t i = 0; s != NULL && i < n; i++) {
        put(c, props, fields[i].name, input_schema(c, &fields[i], null_ok));
        if (fields[i].flags & V_REQUIRED)
            push(c, required, json_string(fields[i].name));
    }
    if (s != NULL && json_array_size(required) > 0)
        put(c, s, "required", required);
    else
        json_decref(required);
    if (s == NULL)
        c->failed = true;
    return s;
}

static bool any_required(const v_field *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (fields[i].flags & V_REQUIRED)
            return true;
    return false;
}

/* The requestBody object of a route, or NULL when it takes no body. */
static json_t *request_body(oa_ctx *c, const http_route *r, const http_doc *d)
{
    json_t *content = json_object();
    bool required = false;
    if (r->flags & HTTP_BODY_UPLOAD) {
        json_t *file = json_pack("{s:s, s:s}", "type", "string", "contentMediaType",
                                 "application/octet-stream");
        if (d != NULL && d->upload != NULL)
            put(c, file, "description", json_string(d->upload));
        put(c, content, "multipart/form-data",
            json_pack("{s:{s:s, s:[s], s:{s:o}}}", "schema", "type", "object", "required", "file",
                      "properties", "file", file));
        required = true;
    }
    if (r->flags & HTTP_BODY_JSON) {
        json_t *s = d != NULL && d->body_schema != NULL ? json_loads(d->body_schema, 0, NULL)
                    : d != NULL && d->body != NULL
                        ? fields_object(c, d->body, d->nbody, false, true)
                        : json_pack("{s:s}", "type", "object");
        if (s == NULL)
            c->failed = true;
        if (d != NULL && d->body_one_of != NULL) {
            json_t *alts = json_array();
            for (size_t i = 0; d->body_one_of[i] != NULL; i++) /* present and not null */
                push(c, alts,
                     json_pack("{s:[s], s:{s:{s:{s:s}}}}", "required", d->body_one_of[i],
                               "properties", d->body_one_of[i], "not", "type", "null"));
            put(c, s, "anyOf", alts);
        }
        put(c, content, "application/json", json_pack("{s:o}", "schema", s));
        required =
            required || (d != NULL && (any_required(d->body, d->nbody) || d->body_one_of != NULL));
    }
    if ((r->flags & HTTP_BODY_FORM) && d != NULL && d->form != NULL) {
        put(c, content, "application/x-www-form-urlencoded",
            json_pack("{s:o}", "schema", fields_object(c, d->form, d->nform, true, false)));
    }
    if (json_object_size(content) == 0) {
        json_decref(content);
        return NULL;
    }
    return json_pack("{s:b, s:o}", "required", required, "content", content);
}

/* One parameter object for a validated query parameter or request header. */
static json_t *parameter(oa_ctx *c, const v_field *f, const char *in)
{
    json_t *schema = input_schema(c, f, false);
    json_t *desc = json_incref(json_object_get(schema, "description"));
    json_t *p = json_pack("{s:s, s:s, s:b}", "name", f->name, "in", in, "required",
                          (f->flags & V_REQUIRED) != 0);
    if (desc != NULL) {
        json_object_del(schema, "description"); /* said once, on the parameter */
        put(c, p, "description", desc);
    }
    put(c, p, "schema", schema);
    return p;
}

/* Path parameters from the pattern: {name}, {name:uuid}, {name:int}. */
static void path_parameters(oa_ctx *c, const char *pattern, json_t *params)
{
    const char *p = pattern;
    while ((p = strchr(p, '{')) != NULL) {
        const char *close = strchr(p, '}');
        if (close == NULL)
            break;
        const char *colon = memchr(p, ':', (size_t)(close - p));
        int nlen = (int)((colon ? colon : close) - p - 1);
        json_t *schema;
        const char *desc;
        if (colon && strncmp(colon + 1, "uuid", 4) == 0) {
            schema = json_pack("{s:s, s:s}", "type", "string", "format", "uuid");
            desc = "A UUID, in any case; anything else is a 404";
        } else if (colon && strncmp(colon + 1, "int", 3) == 0) {
            schema =
                json_pack("{s:s, s:i, s:i}", "type", "integer", "minimum", 0, "maximum", 999999999);
            desc = "A non-negative integer of at most 9 digits; anything else is a 404";
        } else {
            schema = json_pack("{s:s, s:i}", "type", "string", "minLength", 1);
            desc = NULL;
        }
        json_t *param = json_pack("{s:s#, s:s, s:b, s:o}", "name", p + 1, nlen, "in", "path",
                                  "required", 1, "schema", schema);
        if (desc != NULL)
            put(c, param, "description", json_string(desc));
        push(c, params, param);
        p = close;
    }
}

/* ---- responses ----------------------------------------------------------------------------- */

/* The response object for status in responses, created with description on first use. */
static json_t *response_for(oa_ctx *c, json_t *responses, int status, const char *description)
{
    char key[8];
    snprintf(key, sizeof(key), "%d", status);
    json_t *r = json_object_get(responses, key);
    if (r == NULL) {
        r = json_pack("{s:s}", "description", description ? description : "Success");
        put(c, responses, key, r);
    } else if (description != NULL) {
        /* Several entries of one status: their descriptions are joined. */
        const char *old = json_string_value(json_object_get(r, "description"));
        char joined[1024];
        snprintf(joined, sizeof(joined), "%s %s", old ? old : "", description);
        put(c, r, "description", json_string(joined));
    }
    return r;
}

/* Adds schema (stolen) as the body of media type media; a second body of the same type makes
 * the two alternatives. */
static void add_content(oa_ctx *c, json_t *response, const char *media, json_t *schema)
{
    json_t *content = json_object_get(response, "content");
    if (content == NULL) {
        content = json_object();
        put(c, response, "content", content);
    }
    json_t *existing = json_object_get(content, media);
    if (existing == NULL) {
        put(c, content, media, json_pack("{s:o}", "schema", schema));
        return;
    }
    json_t *old = json_incref(json_object_get(existing, "schema"));
    put(c, existing, "schema", json_pack("{s:[o,o]}", "anyOf", old, schema));
}

static void add_header(oa_ctx *c, json_t *response, const char *name)
{
    json_t *headers = json_object_get(response, "headers");
    if (headers == NULL) {
        headers = json_object();
        put(c, response, "headers", headers);
    }
    put(c, headers, name, ref_to(HEADER_REF, name));
}

/* One error code a status can carry. */
typedef struct {
    int status;
    const char *code;
    const char *when;
} oa_error;

typedef struct {
    oa_error v[OPENAPI_CODES_MAX];
    size_t n;
} oa_errors;

static void add_error(oa_ctx *c, oa_errors *e, int status, const char *code, const char *when)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].status == status && strcmp(e->v[i].code, code) == 0)
            return;
    if (e->n >= OPENAPI_CODES_MAX) {
        c->failed = true;
        return;
    }
    e->v[e->n++] = (oa_error){ status, code, when };
}

/* The error codes of r: those every route of its kind answers, then the route's own. */
static void route_errors(oa_ctx *c, const http_route *r, const http_doc *d, oa_errors *e)
{
    bool body = (r->flags & (HTTP_BODY_JSON | HTTP_BODY_FORM)) != 0;
    if (r->auth != AUTH_NONE) {
        add_error(c, e, 401, "NOT_AUTHENTICATED", "no `Authorization: Bearer` header");
        add_error(c, e, 401, "INVALID_TOKEN",
                  "a malformed or badly signed token, a refresh token, or an unknown user");
        add_error(c, e, 401, "TOKEN_EXPIRED", "the access token has expired");
        add_error(c, e, 401, "TOKEN_REVOKED", "the token or its session was revoked");
        add_error(c, e, 403, "ACCOUNT_DISABLED", "the account is deactivated");
        if (r->auth == AUTH_ADMIN)
            add_error(c, e, 403, "FORBIDDEN", "the account is not an administrator");
    }
    if (strchr(r->pattern, '{') != NULL)
        add_error(c, e, 404, "NOT_FOUND",
                  "a malformed path parameter, an unknown id, or another user's resource");
    if (r->flags & HTTP_BODY_UPLOAD) {
        add_error(c, e, 413, "FILE_TOO_LARGE", "the file is over MAX_FILE_SIZE");
        add_error(c, e, 415, "UNSUPPORTED_MEDIA_TYPE", "the body is not multipart/form-data");
    } else {
        add_error(c, e, 413, "PAYLOAD_TOO_LARGE",
                  body ? "the body is over MAX_JSON_BODY"
                       : "a body (which this route ignores) over MAX_JSON_BODY");
    }
    if (body)
        add_error(c, e, 415, "UNSUPPORTED_MEDIA_TYPE",
                  (r->flags & HTTP_BODY_FORM) ? "a body that is neither JSON nor a form"
                                              : "a non-empty body that is not `application/json`");
    if (body || (r->flags & HTTP_BODY_UPLOAD) || (d != NULL && d->nquery > 0))
        add_error(c, e, 422, "VALIDATION_ERROR", "the input breaks a rule of its schema");
    if (r->rate != 0)
        add_error(c, e, 429, "RATE_LIMITED", "a rate-limit policy of this route is exhausted");
    add_error(c, e, 500, "INTERNAL_ERROR", "an unexpected failure (no details are given)");
    if (!(r->flags & HTTP_INLINE))
        add_error(c, e, 503, "SERVICE_UNAVAILABLE",
                  "the database or file storage is unreachable, or the server is saturated");
    if (r->flags & HTTP_CPU)
        add_error(c, e, 503, "CPU_BUSY",
                  "too many password checks are waiting for the CPU executor (CPU_QUEUE_MAX)");
    for (size_t i = 0; d != NULL && d->errors != NULL && d->errors[i].status != 0; i++)
        add_error(c, e, d->errors[i].status, d->errors[i].code, d->errors[i].when);
}

/* Adds one response per error status, with the codes it carries. */
static void error_responses(oa_ctx *c, json_t *responses, const oa_errors *e)
{
    bool done[OPENAPI_CODES_MAX] = { false };
    for (size_t i = 0; i < e->n; i++) {
        if (done[i])
            continue;
        int status = e->v[i].status;
        char text[1024];
        size_t o = 0;
        json_t *codes = json_array();
        for (size_t k = i; k < e->n; k++) {
            if (e->v[k].status != status)
                continue;
            done[k] = true;
            push(c, codes, json_string(e->v[k].code));
            int w = snprintf(text + o, sizeof(text) - o, "%s`%s`: %s", o ? "; " : "", e->v[k].code,
                             e->v[k].when);
            if (w > 0 && (size_t)w < sizeof(text) - o)
                o += (size_t)w;
        }
        text[o] = '\0';
        json_t *resp = response_for(c, responses, status, text);
        json_t *schema;
        if (status == 422) {
            json_decref(codes);
            schema = ref_to(SCHEMA_REF, "ValidationError");
        } else {
            schema = json_pack("{s:[o,{s:{s:{s:o}}}]}", "allOf", ref_to(SCHEMA_REF, "Error"),
                               "properties", "code", "enum", codes);
        }
        add_content(c, resp, "application/json", schema);
        if (status == 401)
            add_header(c, resp, "WWW-Authenticate");
        if (status == 423 || status == 429 || status == 503)
            add_header(c, resp, "Retry-After");
    }
}

/* The success responses a route's documentation lists. */
static void declared_responses(oa_ctx *c, const http_route *r, const http_doc *d, json_t *responses)
{
    for (size_t i = 0; d != NULL && d->responses != NULL && d->responses[i].shape != DOC_END; i++) {
        const doc_response *dr = &d->responses[i];
        int status = dr->status ? dr->status : r->status;
        json_t *resp = response_for(c, responses, status, dr->description);
        switch (dr->shape) {
        case DOC_JSON:
            add_content(c, resp, "application/json",
                        dr->object ? object_ref(c, dr->object)
                                   : json_pack("{s:s}", "type", "object"));
            break;
        case DOC_LIST:
            add_content(
                c, resp, "application/json",
                json_pack("{s:s, s:o}", "type", "array", "items", object_ref(c, dr->object)));
            break;
        case DOC_PAGE:
            add_content(c, resp, "application/json", page_ref(c, dr->object));
            break;
        case DOC_BYTES:
            add_content(c, resp, dr->media, json_pack("{s:s}", "type", "string"));
            break;
        case DOC_EMPTY:
        case DOC_END:
            break;
        }
        if (dr->headers & DOC_H_ATTACHMENT)
            add_header(c, resp, "Content-Disposition");
        if (dr->headers & DOC_H_SET_COOKIE)
            add_header(c, resp, "Set-Cookie");
        if (dr->headers & DOC_H_NOINDEX)
            add_header(c, resp, "X-Robots-Tag");
    }
    /* A route without documentation still has its success status. */
    char key[8];
    snprintf(key, sizeof(key), "%d", r->status ? r->status : 200);
    if (json_object_get(responses, key) == NULL)
        response_for(c, responses, r->status ? r->status : 200, "Success");
}

/* ---- operations ---------------------------------------------------------------------------- */

/* Writes pattern without parameter types and without a trailing slash: the OpenAPI path. */
static void openapi_path(const char *pattern, char *out, size_t outlen)
{
    size_t o = 0;
    bool in_param = false, skipping = false;
    for (const char *p = pattern; *p && o + 1 < outlen; p++) {
        if (*p == '{')
            in_param = true;
        if (in_param && *p == ':')
            skipping = true;
        if (*p == '}') {
            in_param = false;
            skipping = false;
        }
        if (!skipping)
            out[o++] = *p;
    }
    if (o > 1 && out[o - 1] == '/')
        o--;
    out[o] = '\0';
}

/* The operationId: the method, then each segment after /api/v1 in camel case, parameters as
 * "By<Name>" ("getResumeAnalysisByResumeIdSkills"). */
static void operation_id(const char *method, const char *path, char *out, size_t outlen)
{
    size_t o = 0;
    for (const char *m = method; *m && o + 1 < outlen; m++)
        out[o++] = (char)tolower((unsigned char)*m);
    if (strncmp(path, "/api/v1/", 8) == 0)
        path += 7;
    bool upper = true;
    for (const char *p = path; *p && o + 3 < outlen; p++) {
        if (*p == '{') {
            out[o++] = 'B';
            out[o++] = 'y';
            upper = true;
        } else if (*p == '/' || *p == '-' || *p == '_' || *p == '.' || *p == '}') {
            upper = true;
        } else if (isalnum((unsigned char)*p)) {
            out[o++] = upper ? (char)toupper((unsigned char)*p) : *p;
            upper = false;
        }
    }
    out[o] = '\0';
}

/* The responses object with its statuses in ascending order (responses is stolen). */
static json_t *sorted_by_status(oa_ctx *c, json_t *responses)
{
    json_t *out = json_object();
    for (int status = 100; status < 600 && out != NULL; status++) {
        char key[8];
        snprintf(key, sizeof(key), "%d", status);
        json_t *r = json_object_get(responses, key);
        if (r != NULL)
            put(c, out, key, json_incref(r));
    }
    if (json_object_size(out) != json_object_size(responses))
        c->failed = true;
    json_decref(responses);
    return out;
}

static json_t *operation(oa_ctx *c, const http_route *r, const char *path)
{
    const http_doc *d = r->doc;
    json_t *op = json_object(), *responses = json_object(), *params = json_array();
    char id[160];
    operation_id(r->method, path, id, sizeof(id));
    put(c, op, "operationId", json_string(id));
    if (r->summary)
        put(c, op, "summary", json_string(r->summary));
    if (d != NULL && d->description != NULL)
        put(c, op, "description", json_string(d->description));
    if (r->tag)
        put(c, op, "tags", json_pack("[s]", r->tag));
    path_parameters(c, r->pattern, params);
    for (size_t i = 0; d != NULL && i < d->nquery; i++)
        push(c, params, parameter(c, &d->query[i], "query"));
    for (size_t i = 0; d != NULL && i < d->nheaders; i++)
        push(c, params, parameter(c, &d->headers[i], "header"));
    if (json_array_size(params) > 0)
        put(c, op, "parameters", params);
    else
        json_decref(params);
    if (r->auth != AUTH_NONE)
        put(c, op, "security", json_pack("[{s:[]}]", "bearerAuth"));
    else if (d != NULL && d->optional_bearer)
        put(c, op, "security", json_pack("[{}, {s:[]}]", "bearerAuth"));
    if (r->auth == AUTH_ADMIN)
        put(c, op, "x-required-role", json_string("admin"));
    json_t *body = request_body(c, r, d);
    if (body != NULL)
        put(c, op, "requestBody", body);
    declared_responses(c, r, d, responses);
    oa_errors errors = { .n = 0 };
    route_errors(c, r, d, &errors);
    error_responses(c, responses, &errors);
    if (r->rate != 0) {
        const char *key;
        json_t *resp;
        json_object_foreach(responses, key, resp)
        {
            add_header(c, resp, "RateLimit");
            add_header(c, resp, "RateLimit-Policy");
        }
    }
    put(c, op, "responses", sorted_by_status(c, responses));
    return op;
}

/* ---- the document -------------------------------------------------------------------------- */

static const char components_json[] =
    "{\"securitySchemes\":{\"bearerAuth\":{\"type\":\"http\",\"scheme\":\"bearer\","
    "\"bearerFormat\":\"JWT\",\"description\":\"An access token from login or refresh "
    "(HS256 JWT, 15 minutes by default). Refresh tokens are refused here.\"}},"
    "\"headers\":{"
    "\"RateLimit\":{\"description\":\"Requests left and seconds until the quota is restored, "
    "one item per policy of this route (draft-ietf-httpapi-ratelimit-headers)\","
    "\"schema\":{\"type\":\"string\"}},"
    "\"RateLimit-Policy\":{\"description\":\"Quota and window of each policy of this route\","
    "\"schema\":{\"type\":\"string\"}},"
    "\"Retry-After\":{\"description\":\"Seconds to wait before trying again\","
    "\"schema\":{\"type\":\"integer\",\"minimum\":0}},"
    "\"WWW-Authenticate\":{\"description\":\"`Bearer`, or `Bearer error=\\\"invalid_token\\\"` "
    "when a token was given\",\"schema\":{\"type\":\"string\"}},"
    "\"Content-Disposition\":{\"description\":\"`attachment` with the file name\","
    "\"schema\":{\"type\":\"string\"}},"
    "\"Set-Cookie\":{\"description\":\"Cookie mode only: the refresh token as an HttpOnly, "
    "Secure, SameSite=Strict cookie scoped to /api/v1/auth, or its removal\","
    "\"schema\":{\"type\":\"string\"}},"
    "\"X-Robots-Tag\":{\"description\":\"`noindex`\",\"schema\":{\"type\":\"string\"}}},"
    "\"schemas\":{"
    "\"Error\":{\"type\":\"object\",\"description\":\"Every error but a validation error "
    "(docs/api.md §1.3)\",\"required\":[\"detail\",\"code\"],\"additionalProperties\":false,"
    "\"properties\":{\"detail\":{\"type\":\"string\",\"description\":\"A readable message\"},"
    "\"code\":{\"type\":\"string\",\"description\":\"The machine code\"}}},"
    "\"ValidationError\":{\"type\":\"object\",\"description\":\"A 422: one item per problem, "
    "all reported together (docs/api.md §1.3)\",\"required\":[\"detail\",\"code\"],"
    "\"additionalProperties\":false,"
    "\"properties\":{\"code\":{\"type\":\"string\",\"const\":\"VALIDATION_ERROR\"},"
    "\"detail\":{\"type\":\"array\",\"minItems\":1,"
    "\"items\":{\"$ref\":\"#/components/schemas/ValidationErrorItem\"}}}},"
    "\"ValidationErrorItem\":{\"type\":\"object\",\"required\":[\"loc\",\"msg\",\"type\"],"
    "\"additionalProperties\":false,\"properties\":{"
    "\"loc\":{\"type\":\"array\",\"minItems\":1,\"description\":\"Where: `body` or `query`, "
    "then the field\",\"items\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}},"
    "\"msg\":{\"type\":\"string\"},\"type\":{\"type\":\"string\",\"description\":\"missing, "
    "extra_forbidden, json_invalid, dict_type, string_type, string_too_short, "
    "string_too_long, string_unicode, int_type, bool_type, list_type, too_long, "
    "greater_than_equal, less_than_equal, enum, value_error, empty_file, too_many_files, "
    "password_* (docs/api.md §3.1)\"}}}}}";

json_t *openapi_document(const http_route *const *routes, size_t n, const openapi_info *info)
{
    json_t *components = json_loads(components_json, 0, NULL);
    json_t *paths = json_object(), *tags = json_array();
    oa_ctx c = { .schemas = json_object_get(components, "schemas") };
    json_t *doc =
        json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:o, s:o}", "openapi", "3.1.0", "info", "title",
                  info->title, "version", info->version, "description", info->description, "tags",
                  tags, "paths", paths, "components", components);
    if (doc == NULL || c.schemas == NULL) {
        json_decref(doc);
        return NULL;
    }
    for (size_t i = 0; i < info->ntags; i++)
        push(&c, tags,
             json_pack("{s:s, s:s}", "name", info->tags[i].name, "description",
                       info->tags[i].description));
    for (size_t i = 0; i < n && !c.failed; i++) {
        const http_route *r = routes[i];
        if (strncmp(r->pattern, "/__test", 7) == 0)
            continue;
        char path[512], method[16];
        openapi_path(r->pattern, path, sizeof(path));
        size_t k = 0;
        for (; r->method[k] && k + 1 < sizeof(method); k++)
            method[k] = (char)tolower((unsigned char)r->method[k]);
        method[k] = '\0';
        json_t *item = json_object_get(paths, path);
        if (item == NULL) {
            item = json_object();
            put(&c, paths, path, item);
        }
        put(&c, item, method, operation(&c, r, path));
    }
    if (c.failed) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}
