#include "http/openapi.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

static void lower(const char *s, char *out, size_t outlen)
{
    size_t i = 0;
    for (; s[i] && i + 1 < outlen; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = '\0';
}

static json_t *error_response(const char *description, const char *schema)
{
    char ref[96];
    snprintf(ref, sizeof(ref), "#/components/schemas/%s", schema);
    return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description, "content",
                     "application/json", "schema", "$ref", ref);
}

/* The path parameters of pattern as OpenAPI parameter objects. */
static json_t *path_parameters(const char *pattern)
{
    json_t *params = json_array();
    const char *p = pattern;
    while (params != NULL && (p = strchr(p, '{')) != NULL) {
        const char *close = strchr(p, '}');
        if (close == NULL)
            break;
        const char *colon = memchr(p, ':', (size_t)(close - p));
        size_t nlen = (size_t)((colon ? colon : close) - p - 1);
        char name[64];
        if (nlen >= sizeof(name))
            nlen = sizeof(name) - 1;
        memcpy(name, p + 1, nlen);
        name[nlen] = '\0';
        json_t *schema;
        if (colon && strncmp(colon + 1, "uuid", 4) == 0)
            schema = json_pack("{s:s, s:s}", "type", "string", "format", "uuid");
        else if (colon && strncmp(colon + 1, "int", 3) == 0)
            schema = json_pack("{s:s, s:i}", "type", "integer", "minimum", 0);
        else
            schema = json_pack("{s:s}", "type", "string");
        json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:o}", "name", name, "in", "path",
                                                "required", 1, "schema", schema));
        p = close;
    }
    return params;
}

static json_t *operation(const http_route *r)
{
    json_t *op = json_object();
    json_t *responses = json_object();
    if (op == NULL || responses == NULL) {
        json_decref(op);
        json_decref(responses);
        return NULL;
    }
    if (r->summary)
        json_object_set_new(op, "summary", json_string(r->summary));
    if (r->tag)
        json_object_set_new(op, "tags", json_pack("[s]", r->tag));
    json_t *params = path_parameters(r->pattern);
    if (params != NULL && json_array_size(params) > 0)
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);
    if (r->auth != AUTH_NONE)
        json_object_set_new(op, "security", json_pack("[{s:[]}]", "bearerAuth"));
    if (r->flags & HTTP_BODY_JSON)
        json_object_set_new(op, "requestBody",
                            json_pack("{s:{s:{s:{s:s}}}}", "content", "application/json", "schema",
                                      "type", "object"));
    char status[8];
    snprintf(status, sizeof(status), "%d", r->status ? r->status : 200);
    json_object_set_new(responses, status, json_pack("{s:s}", "description", "Success"));
    if (r->auth != AUTH_NONE) {
        json_object_set_new(responses, "401", error_response("Not authenticated", "Error"));
        json_object_set_new(responses, "403", error_response("Forbidden", "Error"));
    }
    if (r->flags & HTTP_BODY_JSON) {
        json_object_set_new(responses, "413", error_response("Body too large", "Error"));
        json_object_set_new(responses, "415", error_response("Not JSON", "Error"));
        json_object_set_new(responses, "422",
                            error_response("Validation error", "ValidationError"));
    }
    if (strchr(r->pattern, '{') != NULL)
        json_object_set_new(responses, "404", error_response("Not found", "Error"));
    if (r->rate != 0)
        json_object_set_new(responses, "429", error_response("Rate limited", "Error"));
    if (!(r->flags & HTTP_INLINE))
        json_object_set_new(responses, "503", error_response("Unavailable", "Error"));
    json_object_set_new(op, "responses", responses);
    return op;
}

static const char components_json[] =
    "{\"securitySchemes\":{\"bearerAuth\":{\"type\":\"http\",\"scheme\":\"bearer\","
    "\"bearerFormat\":\"JWT\"}},"
    "\"schemas\":{"
    "\"Error\":{\"type\":\"object\",\"required\":[\"detail\",\"code\"],"
    "\"properties\":{\"detail\":{\"type\":\"string\"},\"code\":{\"type\":\"string\"}}},"
    "\"ValidationError\":{\"type\":\"object\",\"required\":[\"detail\",\"code\"],"
    "\"properties\":{\"code\":{\"type\":\"string\",\"const\":\"VALIDATION_ERROR\"},"
    "\"detail\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"required\":[\"loc\",\"msg\",\"type\"],\"properties\":{"
    "\"loc\":{\"type\":\"array\",\"items\":{\"anyOf\":[{\"type\":\"string\"},"
    "{\"type\":\"integer\"}]}},"
    "\"msg\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"}}}}}}}}";

json_t *openapi_document(const http_route *const *routes, size_t n, const char *version)
{
    json_t *components = json_loads(components_json, 0, NULL);
    json_t *paths = json_object();
    json_t *doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o?, s:o?}", "openapi", "3.1.0", "info",
                            "title", "InterviewAce API", "version", version, "description",
                            "Interview practice: resumes, tailored mock interviews and feedback.",
                            "paths", paths, "components", components);
    if (doc == NULL || paths == NULL || components == NULL) {
        json_decref(doc);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const http_route *r = routes[i];
        if (strncmp(r->pattern, "/__test", 7) == 0)
            continue;
        char path[512], method[16];
        openapi_path(r->pattern, path, sizeof(path));
        lower(r->method, method, sizeof(method));
        json_t *item = json_object_get(paths, path);
        if (item == NULL) {
            item = json_object();
            json_object_set_new(paths, path, item);
        }
        json_t *op = operation(r);
        if (op != NULL)
            json_object_set_new(item, method, op);
    }
    return doc;
}
