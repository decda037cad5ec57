/* Response rendering helpers and request accessors of http.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/utf8.h"
#include "http/http.h"

const char *http_header(const http_req *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

const char *http_query(const http_req *req, const char *name)
{
    for (size_t i = 0; i < req->nquery; i++)
        if (strcmp(req->query[i].name, name) == 0)
            return req->query[i].value;
    return NULL;
}

const char *http_param(const http_req *req, const char *name)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (strcmp(req->param_names[i], name) == 0)
            return req->params[i];
    return NULL;
}

int http_hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes one form component ('+' is a space, %XX a byte) into the arena; NULL on a bad
 * escape or a NUL byte. */
static char *form_decode(arena *a, const char *s, size_t n)
{
    char *out = arena_alloc(a, n + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            if (i + 2 >= n)
                return NULL;
            int hi = http_hex_value(s[i + 1]);
            int lo = http_hex_value(s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            c = (char)(hi * 16 + lo);
            i += 2;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
}

const char *http_form_value(http_req *req, const char *name)
{
    if (req->body == NULL)
        return NULL;
    size_t nlen = strlen(name);
    const char *p = req->body, *end = req->body + req->body_len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *pend = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(pend - p));
        const char *kend = eq ? eq : pend;
        char *key = form_decode(req->arena, p, (size_t)(kend - p));
        if (key != NULL && strlen(key) == nlen && memcmp(key, name, nlen) == 0)
            return eq ? form_decode(req->arena, eq + 1, (size_t)(pend - eq - 1)) : "";
        p = amp ? amp + 1 : end;
    }
    return NULL;
}

int http_set_header(http_res *res, const char *name, const char *value)
{
    if (res->nheaders >= HTTP_RES_HEADERS_MAX)
        return IA_ERR_TOO_LARGE;
    char *n = arena_strdup(res->arena, name);
    char *v = arena_strdup(res->arena, value);
    if (n == NULL || v == NULL)
        return IA_ERR_NOMEM;
    res->headers[res->nheaders++] = (http_kv){ n, v };
    return IA_OK;
}

int http_body(http_res *res, int status, const char *content_type, const char *body, size_t len)
{
    char *copy = arena_memdup(res->arena, body, len);
    if (copy == NULL)
        return IA_ERR_NOMEM;
    res->status = status;
    res->content_type = content_type;
    res->body = copy;
    res->body_len = len;
    res->error_code = NULL;
    res->error_detail = NULL;
    return IA_OK;
}

int http_empty(http_res *res, int status)
{
    res->status = status;
    res->content_type = NULL;
    res->body = NULL;
    res->body_len = 0;
    res->error_code = NULL;
    res->error_detail = NULL;
    return IA_OK;
}

/* Renders body (whose reference it takes) as the response. A NULL body means building it
 * failed (out of memory, or a json_pack format that did not match its arguments): that is an
 * error answered through the normal path (500), never a 200 with the text "null". */
int http_json(http_res *res, int status, json_t *body)
{
    if (body == NULL) {
        log_error("http", "response body could not be built", "status_wanted",
                  status >= 200 && status < 300 ? "2xx" : "error");
        return IA_ERR_NOMEM;
    }
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    json_decref(body);
    if (text == NULL) {
        log_error("http", "response body could not be rendered");
        return IA_ERR_NOMEM;
    }
    int rc = http_body(res, status, "application/json", text, strlen(text));
    free(text);
    return rc;
}

int http_error(http_res *res, int status, const char *code, const char *detail)
{
    json_t *o = json_pack("{s:s, s:s}", "detail", detail, "code", code);
    if (o == NULL)
        return IA_ERR_NOMEM;
    int rc = http_json(res, status, o);
    if (rc == IA_OK) {
        res->error_code = arena_strdup(res->arena, code);
        res->error_detail = arena_strdup(res->arena, detail);
    }
    return rc;
}

int http_validation_errors(http_res *res, json_t *items)
{
    json_t *o = json_pack("{s:o, s:s}", "detail", items, "code", "VALIDATION_ERROR");
    if (o == NULL)
        return IA_ERR_NOMEM;
    return http_json(res, 422, o);
}

int http_validation_error(http_res *res, const char *const *loc, const char *msg, const char *type)
{
    json_t *l = json_array();
    for (size_t i = 0; l != NULL && loc[i] != NULL; i++)
        json_array_append_new(l, json_string(loc[i]));
    json_t *item = json_pack("{s:o?, s:s, s:s}", "loc", l, "msg", msg, "type", type);
    json_t *items = json_array();
    if (item == NULL || items == NULL) {
        json_decref(item);
        json_decref(items);
        return IA_ERR_NOMEM;
    }
    json_array_append_new(items, item);
    return http_validation_errors(res, items);
}

int http_body_json_object(http_req *req, http_res *res, json_t **out)
{
    static const char *const body_loc[] = { "body", NULL };
    *out = NULL;
    if (req->body == NULL || req->body_len == 0)
        return IA_OK;
    json_error_t jerr;
    json_t *v =
        json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (v == NULL) {
        char msg[256];
        snprintf(msg, sizeof(msg), "JSON decode error: %s", jerr.text);
        ia_utf8_scrub(msg); /* jansson quotes the offending bytes, which may be cut mid-sequence */
        http_validation_error(res, body_loc, msg, "json_invalid");
        return IA_ERR_INVALID;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        http_validation_error(res, body_loc, "Input should be a valid dictionary or object",
                              "dict_type");
        return IA_ERR_INVALID;
    }
    *out = v;
    return IA_OK;
}
