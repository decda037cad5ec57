#include "http/router.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/uuid.h"

#define SEGMENT_MAX 256

typedef struct {
    char *text; /* literal text, or the parameter name */
    bool param;
    char type; /* 's', 'u', 'i' for parameters */
} segment;

typedef struct {
    char *pattern; /* normalised: no trailing slash, types stripped */
    segment seg[ROUTER_MAX_SEGMENTS];
    size_t nseg;
    unsigned methods;
    const http_route *by_method[7];
} entry;

struct router {
    entry *entries;
    size_t n;
    const http_route **routes;
    size_t nroutes;
    const http_route *fallback;
    const char *const *reserved;
};

static const char *const method_names[7] = { "GET",   "HEAD",   "POST",   "PUT",
                                             "PATCH", "DELETE", "OPTIONS" };

unsigned http_method_bit(const char *method)
{
    for (unsigned i = 0; i < 7; i++)
        if (strcmp(method, method_names[i]) == 0)
            return 1u << i;
    return 0;
}

static int method_index(unsigned bit)
{
    for (int i = 0; i < 7; i++)
        if (bit == 1u << i)
            return i;
    return -1;
}

router *router_create(void)
{
    return calloc(1, sizeof(router));
}

void router_free(router *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->entries[i].pattern);
        for (size_t j = 0; j < r->entries[i].nseg; j++)
            free(r->entries[i].seg[j].text);
    }
    free(r->entries);
    free(r->routes);
    free(r);
}

/* Parses a pattern into segments; returns IA_OK or IA_ERR_INVALID. */
static int parse_pattern(const char *pattern, entry *e)
{
    if (pattern[0] != '/')
        return IA_ERR_INVALID;
    const char *p = pattern + 1;
    e->nseg = 0;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 0)
            return IA_ERR_INVALID; /* an empty segment: "//" */
        if (e->nseg >= ROUTER_MAX_SEGMENTS)
            return IA_ERR_INVALID;
        segment *s = &e->seg[e->nseg];
        if (p[0] == '{') {
            if (p[len - 1] != '}' || len < 3)
                return IA_ERR_INVALID;
            const char *colon = memchr(p, ':', len);
            size_t nlen = colon ? (size_t)(colon - p - 1) : len - 2;
            s->param = true;
            s->type = 's';
            if (colon) {
                size_t tlen = (size_t)(p + len - 1 - colon - 1);
                if (tlen == 4 && strncmp(colon + 1, "uuid", 4) == 0)
                    s->type = 'u';
                else if (tlen == 3 && strncmp(colon + 1, "int", 3) == 0)
                    s->type = 'i';
                else
                    return IA_ERR_INVALID;
            }
            if (nlen == 0)
                return IA_ERR_INVALID;
            s->text = strndup(p + 1, nlen);
        } else {
            s->param = false;
            s->type = 0;
            s->text = strndup(p, len);
        }
        if (s->text == NULL)
            return IA_ERR_NOMEM;
        e->nseg++;
        if (slash == NULL || slash[1] == '\0')
            break; /* the end, or one trailing slash */
        p = slash + 1;
    }
    return IA_OK;
}

/* Renders the OpenAPI-style pattern ("/a/{id}") of parsed segments. */
static char *render_pattern(const entry *e)
{
    size_t len = 2;
    for (size_t i = 0; i < e->nseg; i++)
        len += strlen(e->seg[i].text) + 3;
    char *out = malloc(len);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    if (e->nseg == 0)
        out[o++] = '/';
    for (size_t i = 0; i < e->nseg; i++) {
        out[o++] = '/';
        if (e->seg[i].param)
            out[o++] = '{';
        size_t n = strlen(e->seg[i].text);
        memcpy(out + o, e->seg[i].text, n);
        o += n;
        if (e->seg[i].param)
            out[o++] = '}';
    }
    out[o] = '\0';
    return out;
}

/* Two entries have the same shape when their literals match and parameters sit at the same
 * places; such patterns are one path with several methods. */
static bool same_shape(const entry *a, const entry *b)
{
    if (a->nseg != b->nseg)
        return false;
    for (size_t i = 0; i < a->nseg; i++) {
        if (a->seg[i].param != b->seg[i].param)
            return false;
        if (!a->seg[i].param && strcmp(a->seg[i].text, b->seg[i].text) != 0)
            return false;
    }
    return true;
}

static void entry_free_segments(entry *e)
{
    for (size_t i = 0; i < e->nseg; i++)
        free(e->seg[i].text);
    e->nseg = 0;
}

int router_add(router *r, const http_route *route)
{
    unsigned bit = http_method_bit(route->method);
    if (bit == 0 || bit == HTTP_OPTIONS || route->handler == NULL)
        return IA_ERR_INVALID;
    entry tmp;
    memset(&tmp, 0, sizeof(tmp));
    int rc = parse_pattern(route->pattern, &tmp);
    if (rc != IA_OK) {
        entry_free_segments(&tmp);
        return rc;
    }
    const http_route **nr = realloc(r->routes, (r->nroutes + 1) * sizeof(*nr));
    if (nr == NULL) {
        entry_free_segments(&tmp);
        return IA_ERR_NOMEM;
    }
    r->routes = nr;
    for (size_t i = 0; i < r->n; i++) {
        entry *e = &r->entries[i];
        if (!same_shape(e, &tmp))
            continue;
        entry_free_segments(&tmp);
        if (e->methods & bit)
            return IA_ERR_CONFLICT;
        e->methods |= bit;
        e->by_method[method_index(bit)] = route;
        r->routes[r->nroutes++] = route;
        return IA_OK;
    }
    entry *ne = realloc(r->entries, (r->n + 1) * sizeof(*ne));
    if (ne == NULL) {
        entry_free_segments(&tmp);
        return IA_ERR_NOMEM;
    }
    r->entries = ne;
    tmp.pattern = render_pattern(&tmp);
    if (tmp.pattern == NULL) {
        entry_free_segments(&tmp);
        return IA_ERR_NOMEM;
    }
    tmp.methods = bit;
    tmp.by_method[method_index(bit)] = route;
    r->entries[r->n++] = tmp;
    r->routes[r->nroutes++] = route;
    return IA_OK;
}

/* Compares two matching entries: negative when a is more specific (a literal where b has a
 * parameter, at the first position they differ). */
static int specificity(const entry *a, const entry *b)
{
    for (size_t i = 0; i < a->nseg && i < b->nseg; i++) {
        if (a->seg[i].param != b->seg[i].param)
            return a->seg[i].param ? 1 : -1;
    }
    return 0;
}

static void build_allow(router_match *m)
{
    size_t o = 0;
    m->allow[0] = '\0';
    for (unsigned i = 0; i < 7; i++) {
        if (!(m->methods & (1u << i)))
            continue;
        size_t n = strlen(method_names[i]);
        if (o + n + 3 > sizeof(m->allow))
            break;
        if (o > 0) {
            memcpy(m->allow + o, ", ", 2);
            o += 2;
        }
        memcpy(m->allow + o, method_names[i], n);
        o += n;
        m->allow[o] = '\0';
    }
}

void router_set_fallback(router *r, const http_route *route, const char *const *reserved)
{
    r->fallback = route;
    r->reserved = reserved;
}

/* True when path lies in one of the reserved trees: equal to a prefix, or below it. */
static bool path_reserved(const router *r, const char *path)
{
    for (const char *const *p = r->reserved; p != NULL && *p != NULL; p++) {
        size_t n = strlen(*p);
        if (strncmp(path, *p, n) == 0 && (path[n] == '\0' || path[n] == '/'))
            return true;
    }
    return false;
}

/* Answers an unmatched path with the fallback route when the method and path allow it. */
static router_result match_fallback(const router *r, const char *method, const char *path,
                                    router_match *m)
{
    unsigned bit = http_method_bit(method);
    if (r->fallback == NULL || (bit != HTTP_GET && bit != HTTP_HEAD) || path_reserved(r, path))
        return ROUTER_NOT_FOUND;
    m->route = r->fallback;
    m->pattern = r->fallback->pattern;
    m->methods = HTTP_GET | HTTP_HEAD;
    build_allow(m);
    return ROUTER_FOUND;
}

router_result router_match_path(const router *r, arena *a, const char *method, const char *path,
                                router_match *m)
{
    memset(m, 0, sizeof(*m));
    if (path[0] != '/')
        return ROUTER_NOT_FOUND;
    /* Split the path once. */
    const char *segs[ROUTER_MAX_SEGMENTS];
    size_t lens[ROUTER_MAX_SEGMENTS];
    size_t nseg = 0;
    const char *p = path + 1;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 0 || nseg >= ROUTER_MAX_SEGMENTS || len > SEGMENT_MAX)
            return match_fallback(r, method, path, m); /* "//", too deep or too long */
        segs[nseg] = p;
        lens[nseg] = len;
        nseg++;
        if (slash == NULL || slash[1] == '\0')
            break; /* the end, or one optional trailing slash */
        p = slash + 1;
    }
    const entry *best = NULL;
    for (size_t i = 0; i < r->n; i++) {
        const entry *e = &r->entries[i];
        if (e->nseg != nseg)
            continue;
        bool ok = true;
        for (size_t j = 0; j < nseg && ok; j++) {
            const segment *s = &e->seg[j];
            if (!s->param)
                ok = strlen(s->text) == lens[j] && memcmp(s->text, segs[j], lens[j]) == 0;
        }
        if (ok && (best == NULL || specificity(e, best) < 0))
            best = e;
    }
    if (best == NULL)
        return match_fallback(r, method, path, m);

    m->pattern = best->pattern;
    m->methods = best->methods | HTTP_OPTIONS;
    if (best->methods & HTTP_GET)
        m->methods |= HTTP_HEAD;
    build_allow(m);
    for (size_t j = 0; j < nseg; j++) {
        const segment *s = &best->seg[j];
        if (!s->param || m->nparams >= HTTP_MAX_PARAMS)
            continue;
        char *v = arena_memdup(a, segs[j], lens[j]);
        if (v == NULL)
            return ROUTER_NOT_FOUND;
        m->names[m->nparams] = s->text;
        m->values[m->nparams] = v;
        m->types[m->nparams] = s->type;
        m->nparams++;
    }
    unsigned bit = http_method_bit(method);
    if (bit == HTTP_OPTIONS)
        return ROUTER_FOUND;
    if (bit == HTTP_HEAD && !(best->methods & HTTP_HEAD))
        bit = HTTP_GET;
    if (bit == 0 || !(best->methods & bit))
        return ROUTER_METHOD_NOT_ALLOWED;
    m->route = best->by_method[method_index(bit)];
    return ROUTER_FOUND;
}

bool router_params_valid(const router_match *m)
{
    for (size_t i = 0; i < m->nparams; i++) {
        const char *v = m->values[i];
        if (m->types[i] == 'u' && !ia_uuid_valid(v))
            return false;
        if (m->types[i] == 'i') {
            size_t n = strlen(v);
            if (n == 0 || n > 9)
                return false;
            for (size_t k = 0; k < n; k++)
                if (!isdigit((unsigned char)v[k]))
                    return false;
        }
    }
    return true;
}

const http_route *const *router_routes(const router *r, size_t *n)
{
    *n = r->nroutes;
    return r->routes;
}
