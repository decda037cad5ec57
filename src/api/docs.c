/* GET /docs: the interactive API reference (docs/api.md §2), Swagger UI rendering
 * /openapi.json. The page, its own script and style and Swagger UI's bundle are built into the
 * binary by web/build-docs.mjs (from web/docs/ and the pinned swagger-ui-dist package) and
 * tools/embed_files.c. Every file but the page carries its content hash in its name and is
 * cached for a year; nothing is loaded from elsewhere and nothing is inline, so the page works
 * under the service's Content-Security-Policy. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/embed.h"
#include "core/errors.h"
#include "http/doc.h"
#include "core/util.h"

extern const embedded_file docs_files[];
extern const size_t docs_files_count;

#define DOCS_NAME_MAX 128

/* Serves the embedded file `docs/<name>` with the type of its extension; 404 when there is
 * none. */
static int serve(http_res *res, const char *name, const char *cache)
{
    char path[DOCS_NAME_MAX + 8];
    if (strlen(name) <= DOCS_NAME_MAX && strchr(name, '/') == NULL) {
        snprintf(path, sizeof(path), "docs/%s", name);
        for (size_t i = 0; i < docs_files_count; i++) {
            if (strcmp(docs_files[i].path, path) != 0)
                continue;
            int rc = http_body(res, 200, api_web_content_type(name), docs_files[i].data,
                               docs_files[i].len);
            if (rc == IA_OK)
                rc = http_set_header(res, "Cache-Control", cache);
            return rc;
        }
    }
    return http_error(res, 404, "NOT_FOUND", "Not Found");
}

static int docs_page(http_req *req, http_res *res)
{
    (void)req;
    return serve(res, "index.html", "no-cache");
}

/* A file of the page: a fingerprinted name, so its content never changes. The page itself is
 * only /docs (it changes, so it must not be cached under a second name). */
static int docs_asset(http_req *req, http_res *res)
{
    const char *name = http_param(req, "asset");
    if (strcmp(name, "index.html") == 0)
        return http_error(res, 404, "NOT_FOUND", "Not Found");
    return serve(res, name, "public, max-age=31536000, immutable");
}

static const http_doc page_doc = {
    .description = "Swagger UI, served from the binary; it loads nothing from elsewhere.",
    .responses =
        (const doc_response[]){ { 0, DOC_BYTES, .media = "text/html" }, { .shape = DOC_END } },
};

static const http_doc asset_doc = {
    .description =
        "The names are those the page links to; they carry a content hash and may "
        "be cached for a year.",
    .responses =
        (const doc_response[]){ { 0, DOC_BYTES, .media = "text/javascript" },
                                { 0, DOC_BYTES, .media = "text/css" },
                                { 0, DOC_BYTES, .media = "text/plain", .description = "(licence)" },
                                { .shape = DOC_END } },
};

const http_route docs_routes[] = {
    { "GET", "/docs", docs_page, HTTP_INLINE, AUTH_NONE, RL_DEFAULT, 200,
      "Interactive reference of this API", "service", &page_doc },
    { "GET", "/docs/{asset}", docs_asset, HTTP_INLINE, AUTH_NONE, RL_DEFAULT, 200,
      "A script, style sheet or licence of the reference page", "service", &asset_doc },
};
const size_t docs_routes_count = COUNT(docs_routes);
