#include "http/validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/errors.h"
#include "core/strbuf.h"
#include "core/utf8.h"

#define EMAIL_MAX 254

void validate_add(json_t *items, const char *where, const char *name, const char *msg,
                  const char *type)
{
    json_t *loc = name ? json_pack("[s,s]", where, name) : json_pack("[s]", where);
    json_array_append_new(items,
                          json_pack("{s:o, s:s, s:s}", "loc", loc, "msg", msg, "type", type));
}

bool validate_email(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > EMAIL_MAX)
        return false;
    const char *at = strchr(s, '@');
    if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
        return false;
    const char *domain = at + 1;
    size_t dlen = strlen(domain);
    if (dlen < 3 || domain[0] == '.' || domain[0] == '-' || domain[dlen - 1] == '.' ||
        strchr(domain, '.') == NULL || strstr(domain, "..") != NULL)
        return false;
    for (const char *c = s; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u <= ' ' || u >= 0x7f || strchr("()<>[]:;,\\\"", u) != NULL)
            return false;
        if (c > at && !isalnum(u) && u != '.' && u != '-')
            return false;
    }
    if (at - s > 64 || s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
        return false;
    return true;
}

bool validate_has_bidi(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left > 0) {
        size_t len = ia_utf8_sequence(p, left);
        if (len == 0)
            len = 1;
        if (ia_utf8_is_bidi_control(p, len))
            return true;
        p += len;
        left -= len;
    }
    return false;
}

bool validate_uuid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    for (size_t i = 0; i < sizeof(shape) - 1; i++) {
        if (s[i] == '\0')
            return false;
        if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return s[sizeof(shape) - 1] == '\0';
}

/* Removes leading and trailing Unicode-irrelevant ASCII whitespace, in place on a copy. */
static char *trim_copy(arena *a, const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        n--;
    return arena_memdup(a, s, n);
}

static bool has_control(const char *s, bool multiline)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == 0x7f)
            return true;
        if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r')))
            return true;
    }
    return false;
}

/* Checks one string value against a field; returns the value to keep (arena copy) or NULL
 * after adding an item. */
static const char *check_string(arena *a, const v_field *f, const char *raw, json_t *items,
                                long long min, long long max, const char *where)
{
    const char *v = (f->flags & V_NO_TRIM) ? arena_strdup(a, raw) : trim_copy(a, raw);
    if (v == NULL)
        return NULL;
    long long len = ia_utf8_length(v);
    char msg[160];
    if (len < 0 || has_control(v, (f->flags & V_MULTILINE) != 0)) {
        if (!(f->flags & V_NO_TRIM)) /* the password policy reports its own characters */
        {
            validate_add(items, where, f->name, "Value must not contain control characters",
                         "value_error");
            return NULL;
        }
    }
    if (f->flags & V_POLICY)
        return v; /* the check hook reports lengths and characters in its own terms */
    if (!(f->flags & V_NO_TRIM) && validate_has_bidi(v)) {
        validate_add(items, where, f->name,
                     "Value must not contain bidirectional control characters", "value_error");
        return NULL;
    }
    if (f->flags & V_UUID) {
        if (!validate_uuid(v)) {
            validate_add(items, where, f->name, "Input should be a valid UUID", "uuid_parsing");
            return NULL;
        }
        for (char *c = (char *)v; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        return v;
    }
    if (len < min) {
        snprintf(msg, sizeof(msg), "String should have at least %lld character%s", min,
                 min == 1 ? "" : "s");
        validate_add(items, where, f->name, msg, "string_too_short");
        return NULL;
    }
    if (len > max) {
        snprintf(msg, sizeof(msg), "String should have at most %lld character%s", max,
                 max == 1 ? "" : "s");
        validate_add(items, where, f->name, msg, "string_too_long");
        return NULL;
    }
    if (f->flags & V_EMAIL) {
        if (!validate_email(v)) {
            validate_add(items, where, f->name, "value is not a valid email address",
                         "value_error");
            return NULL;
        }
        char *lower = (char *)v;
        for (char *c = lower; *c; c++)
            *c = (char)tolower((unsigned char)*c);
    }
    if (f->choices != NULL) {
        bool ok = false;
        for (size_t i = 0; f->choices[i] != NULL; i++)
            ok = ok || strcmp(f->choices[i], v) == 0;
        if (!ok) {
            strbuf sb;
            strbuf_init(&sb, a, 512);
            strbuf_puts(&sb, "Input should be one of ");
            for (size_t i = 0; f->choices[i] != NULL; i++)
                strbuf_appendf(&sb, "%s'%s'", i ? ", " : "", f->choices[i]);
            validate_add(items, where, f->name,
                         strbuf_error(&sb) == IA_OK ? strbuf_str(&sb) : "Input is not allowed",
                         "enum");
            return NULL;
        }
    }
    return v;
}

/* Gives an absent field its table default (present stays false). */
static void apply_default(const v_field *f, v_value *v)
{
    if (f->def == NULL)
        return;
    if (f->type == V_STRING)
        v->s = f->def;
    else if (f->type == V_INT && config_parse_int(f->def, LLONG_MIN, LLONG_MAX, &v->i) != IA_OK)
        v->i = 0;
    else if (f->type == V_BOOL)
        v->b = strcmp(f->def, "true") == 0;
}

int validate_body(http_req *req, http_res *res, const v_field *fields, size_t n, v_value *out,
                  v_check check)
{
    json_t *body = NULL;
    int rc = http_body_json_object(req, res, &body);
    if (rc != IA_OK)
        return rc;
    json_t *items = json_array();
    if (items == NULL) {
        json_decref(body);
        return IA_ERR_NOMEM;
    }
    memset(out, 0, n * sizeof(*out));
    for (size_t i = 0; i < n; i++)
        apply_default(&fields[i], &out[i]);
    /* Unknown fields first, in body order, so that mass assignment is always refused. */
    const char *key;
    json_t *val;
    json_object_foreach(body, key, val)
    {
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(fields[i].name, key) == 0;
        if (!known)
            validate_add(items, "body", key, "Extra inputs are not permitted", "extra_forbidden");
    }
    for (size_t i = 0; i < n; i++) {
        const v_field *f = &fields[i];
        json_t *v = body ? json_object_get(body, f->name) : NULL;
        if (v == NULL || json_is_null(v)) {
            if (f->flags & V_REQUIRED)
                validate_add(items, "body", f->name, "Field required", "missing");
            continue;
        }
        switch (f->type) {
        case V_STRING:
            if (!json_is_string(v)) {
                validate_add(items, "body", f->name, "Input should be a valid string",
                             "string_type");
                continue;
            }
            out[i].s =
                check_string(req->arena, f, json_string_value(v), items, f->min, f->max, "body");
            out[i].present = out[i].s != NULL;
            break;
        case V_INT:
            if (!json_is_integer(v)) {
                validate_add(items, "body", f->name, "Input should be a valid integer", "int_type");
                continue;
            }
            out[i].i = json_integer_value(v);
            if (out[i].i < f->min || out[i].i > f->max) {
                char msg[96];
                bool low = out[i].i < f->min;
                snprintf(msg, sizeof(msg), "Input should be %s %lld",
                         low ? "greater than or equal to" : "less than or equal to",
                         low ? f->min : f->max);
                validate_add(items, "body", f->name, msg,
                             low ? "greater_than_equal" : "less_than_equal");
                continue;
            }
            out[i].present = true;
            break;
        case V_BOOL:
            if (!json_is_boolean(v)) {
                validate_add(items, "body", f->name, "Input should be a valid boolean",
                             "bool_type");
                continue;
            }
            out[i].b = json_is_true(v);
            out[i].present = true;
            break;
        case V_STRING_LIST: {
            if (!json_is_array(v)) {
                validate_add(items, "body", f->name, "Input should be a valid list", "list_type");
                continue;
            }
            size_t count = json_array_size(v);
            if ((long long)count > f->max) {
                char msg[96];
                snprintf(msg, sizeof(msg), "List should have at most %lld items", f->max);
                validate_add(items, "body", f->name, msg, "too_long");
                continue;
            }
            out[i].list = arena_calloc(req->arena, count + 1, sizeof(char *));
            bool ok = out[i].list != NULL;
            for (size_t k = 0; ok && k < count; k++) {
                json_t *it = json_array_get(v, k);
                if (!json_is_string(it)) {
                    validate_add(items, "body", f->name, "Input should be a valid string",
                                 "string_type");
                    ok = false;
                    break;
                }
                const char *s = check_string(req->arena, f, json_string_value(it), items,
                                             f->item_min, f->item_max, "body");
                ok = s != NULL;
                if (ok)
                    out[i].list[out[i].nlist++] = s;
            }
            out[i].present = ok;
            break;
        }
        }
        if (out[i].present && check != NULL)
            check(f->name, &out[i], items);
    }
    json_decref(body);
    if (json_array_size(items) > 0) {
        http_validation_errors(res, items);
        return IA_ERR_INVALID;
    }
    json_decref(items);
    return IA_OK;
}

/* Adds the enum item of a query parameter: "Input should be 'a', 'b' or 'c'". */
static void add_choice_item(arena *a, json_t *items, const v_field *f)
{
    strbuf sb;
    strbuf_init(&sb, a, 512);
    strbuf_puts(&sb, "Input should be ");
    size_t n = 0;
    while (f->choices[n] != NULL)
        n++;
    for (size_t i = 0; i < n; i++)
        strbuf_appendf(&sb, "%s'%s'", i == 0 ? "" : i + 1 == n ? " or " : ", ", f->choices[i]);
    validate_add(items, "query", f->name,
                 strbuf_error(&sb) == IA_OK ? strbuf_str(&sb) : "Input is not allowed", "enum");
}

/* Checks one integer query parameter; returns false after adding an item. */
static bool query_int(const v_field *f, const char *raw, json_t *items, v_value *out)
{
    long long v = 0;
    char msg[96];
    if (config_parse_int(raw, LLONG_MIN, LLONG_MAX, &v) != IA_OK) {
        validate_add(items, "query", f->name,
                     "Input should be a valid integer, unable to parse string as an integer",
                     "int_type");
        return false;
    }
    if (v < f->min || v > f->max) {
        bool low = v < f->min;
        snprintf(msg, sizeof(msg), "Input should be %s %lld",
                 low ? "greater than or equal to" : "less than or equal to", low ? f->min : f->max);
        validate_add(items, "query", f->name, msg, low ? "greater_than_equal" : "less_than_equal");
        return false;
    }
    out->i = v;
    return true;
}

/* Checks one string query parameter; returns false after adding an item. */
static bool query_string(arena *a, const v_field *f, const char *raw, json_t *items, v_value *out)
{
    long long len = ia_utf8_length(raw);
    char msg[96];
    if (len < 0) {
        validate_add(items, "query", f->name, "Input should be a valid string (UTF-8)",
                     "string_unicode");
        return false;
    }
    if (len < f->min || len > f->max) {
        bool low = len < f->min;
        snprintf(msg, sizeof(msg), "String should have at %s %lld characters",
                 low ? "least" : "most", low ? f->min : f->max);
        validate_add(items, "query", f->name, msg, low ? "string_too_short" : "string_too_long");
        return false;
    }
    if (f->choices != NULL) {
        bool ok = false;
        for (size_t i = 0; f->choices[i] != NULL && !ok; i++)
            ok = strcmp(f->choices[i], raw) == 0;
        if (!ok) {
            add_choice_item(a, items, f);
            return false;
        }
    }
    out->s = raw;
    return true;
}

int validate_query(http_req *req, http_res *res, const v_field *params, size_t n, v_value *out)
{
    json_t *items = json_array();
    if (items == NULL)
        return IA_ERR_NOMEM;
    memset(out, 0, n * sizeof(*out));
    int rc = IA_OK;
    for (size_t i = 0; i < n && rc == IA_OK; i++) {
        const v_field *f = &params[i];
        apply_default(f, &out[i]);
        const char *raw = http_query(req, f->name);
        if (raw == NULL || (f->type == V_STRING && *raw == '\0'))
            continue;
        if (f->type == V_INT)
            out[i].present = query_int(f, raw, items, &out[i]);
        else if (f->type == V_STRING)
            out[i].present = query_string(req->arena, f, raw, items, &out[i]);
        else
            rc = IA_ERR_INTERNAL; /* a table that asks for a type queries do not have */
    }
    if (rc == IA_OK && json_array_size(items) > 0) {
        rc = http_validation_errors(res, items);
        return rc == IA_OK ? IA_ERR_INVALID : rc;
    }
    json_decref(items);
    return rc;
}
