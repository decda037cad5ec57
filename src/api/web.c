/* The web app (docs/api.md §9): every GET or HEAD outside the service's own paths answers with a
 * file of the single-page app built into the binary from web/ (web/build.mjs, embedded by
 * tools/embed_files.c), or with its index.html so that the app's client routes
 * (/verify-email, /reset-password, /resume/shared/{token}, ...) load the app. Files under
 * /assets/ carry a content hash in their names and are cached for a year; index.html is
 * revalidated on every use. Every answer has a strong ETag and a matching If-None-Match gets
 * 304. Nothing is read from the file system, so no path can reach outside the app. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/embed.h"
#include "core/errors.h"
#include "http/server.h"
#include "core/util.h"

extern const embedded_file webapp_files[];
extern const size_t webapp_files_count;

#define WEB_NAME_MAX     256
#define WEB_HASH_BYTES   16
#define WEB_ETAG_SIZE    (2 * WEB_HASH_BYTES + 3)
#define CACHE_IMMUTABLE  "public, max-age=31536000, immutable"
#define CACHE_REVALIDATE "no-cache"

/* The trees that belong to the service itself: unknown paths there stay JSON 404s. */
static const char *const reserved_paths[] = {
    "/api", "/health", "/ready", "/metrics", "/openapi.json", "/docs", "/__test", NULL,
};

static const struct {
    const char *ext;
    const char *type;
} content_types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js", "text/javascript; charset=utf-8" },
    { ".mjs", "text/javascript; charset=utf-8" },
    { ".css", "text/css; charset=utf-8" },
    { ".svg", "image/svg+xml" },
    { ".png", "image/png" },
    { ".ico", "image/x-icon" },
    { ".json", "application/json" },
    { ".webmanifest", "application/manifest+json" },
    { ".txt", "text/plain; charset=utf-8" },
    { ".woff2", "font/woff2" },
};

const char *api_web_content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot != NULL && strchr(dot, '/') == NULL)
        for (size_t i = 0; i < COUNT(content_types); i++)
            if (strcmp(dot, content_types[i].ext) == 0)
                return content_types[i].type;
    return "application/octet-stream";
}

/* True when a decoded request path can name an app file: no empty, "." or ".." segment, no
 * backslash and no control character. Anything else is refused before any lookup. */
static bool path_acceptable(const char *path)
{
    if (path[0] != '/' || strlen(path) > WEB_NAME_MAX)
        return false;
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
            return false;
    const char *seg = path + 1;
    while (*seg) {
        const char *slash = strchr(seg, '/');
        size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
        if ((len == 0 && slash != NULL) || (len == 1 && seg[0] == '.') ||
            (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        if (slash == NULL)
            break;
        seg = slash + 1;
    }
    return true;
}

/* The embedded file dir/name, or NULL. */
static const embedded_file *find_file(const char *dir, const char *name)
{
    char want[WEB_NAME_MAX + 16];
    int n = snprintf(want, sizeof(want), "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof(want))
        return NULL;
    for (size_t i = 0; i < webapp_files_count; i++)
        if (strcmp(webapp_files[i].path, want) == 0)
            return &webapp_files[i];
    return NULL;
}

/* Writes the strong entity tag of f ("<32 hex digits of its BLAKE2b hash>") into etag. */
static void entity_tag(const embedded_file *f, char etag[WEB_ETAG_SIZE])
{
    unsigned char h[WEB_HASH_BYTES];
    char hex[2 * WEB_HASH_BYTES + 1];
    crypto_generichash(h, sizeof(h), (const unsigned char *)f->data, f->len, NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    snprintf(etag, WEB_ETAG_SIZE, "\"%s\"", hex);
}

/* True when an If-None-Match value (a list of entity tags, or "*") matches etag. The
 * comparison is the weak one RFC 9110 asks for here: a W/ prefix is ignored. */
static bool etag_matches(const char *header, const char *etag)
{
    size_t elen = strlen(etag);
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        const char *end = p;
        while (*end && *end != ',')
            end++;
        const char *last = end;
        while (last > p && (last[-1] == ' ' || last[-1] == '\t'))
            last--;
        if ((size_t)(last - p) == elen && memcmp(p, etag, elen) == 0)
            return true;
        p = end;
    }
    return false;
}

/* GET and HEAD of any path outside the service's own: the named app file, else index.html;
 * fingerprinted assets that do not exist are 404 rather than a page. */
static int web_file(http_req *req, http_res *res)
{
    const char *path = req->path;
    if (!path_acceptable(path))
        return http_error(res, 404, "NOT_FOUND", "Not Found");
    const embedded_file *f;
    const char *name;
    bool immutable = strncmp(path, "/assets/", 8) == 0;
    if (immutable) {
        name = path + 8;
        f = find_file("assets", name);
        if (f == NULL)
            return http_error(res, 404, "NOT_FOUND", "Not Found");
    } else {
        name = path[1] != '\0' ? path + 1 : "index.html";
        f = find_file("root", name);
        if (f == NULL) {
            name = "index.html";
            f = find_file("root", name);
        }
        if (f == NULL)
            return http_error(res, 404, "NOT_FOUND", "Not Found");
    }
    char etag[WEB_ETAG_SIZE];
    entity_tag(f, etag);
    const char *inm = http_header(req, "If-None-Match");
    int rc;
    if (inm != NULL && etag_matches(inm, etag))
        rc = http_empty(res, 304);
    else
        rc = http_body(res, 200, api_web_content_type(name), f->data, f->len);
    if (rc == IA_OK)
        rc = http_set_header(res, "ETag", etag);
    if (rc == IA_OK)
        rc = http_set_header(res, "Cache-Control", immutable ? CACHE_IMMUTABLE : CACHE_REVALIDATE);
    return rc;
}

/* Answered on the I/O thread (no database, no blocking) and never rate-limited (§1.5). */
static const http_route web_route = {
    "GET", "/{web app file}", web_file, HTTP_INLINE, AUTH_NONE, 0, 200, "The web app", "web",
};

void api_web_install(http_server *s)
{
    http_server_set_fallback(s, &web_route, reserved_paths);
}
