/* Response rendering helpers and request accessors of http.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"
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
    return IA_OK;
}

int http_empty(http_res *res, int status)
{
    res->status = status;
    res->content_type = NULL;
    res->body = NULL;
    res->body_len = 0;
    return IA_OK;
}

int http_json(http_res *res, int status, json_t *body)
{
    char *text = json_dumps(body ? body : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(body);
    if (text == NULL)
        return IA_ERR_NOMEM;
    int rc = http_body(res, status, "application/json", text, strlen(text));
    free(text);
    return rc;
}

int http_error(http_res *res, int status, const char *code, const char *detail)
{
    json_t *o = json_pack("{s:s, s:s}", "detail", detail, "code", code);
    if (o == NULL)
        return IA_ERR_NOMEM;
    return http_json(res, status, o);
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
