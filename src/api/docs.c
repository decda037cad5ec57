/* GET /docs: the interactive API reference (API.md §2), a page and its script and style built
 * into the binary from web/docs/. The script renders /openapi.json; nothing is loaded from
 * elsewhere, and nothing inline, so it works under the service's Content-Security-Policy. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/embed.h"
#include "core/errors.h"

extern const embedded_file docs_files[];
extern const size_t docs_files_count;

/* Serves the embedded file `docs/<name>` with its content type. */
static int serve(http_res *res, const char *name, const char *type)
{
    char path[64];
    snprintf(path, sizeof(path), "docs/%s", name);
    for (size_t i = 0; i < docs_files_count; i++) {
        if (strcmp(docs_files[i].path, path) != 0)
            continue;
        int rc = http_body(res, 200, type, docs_files[i].data, docs_files[i].len);
        if (rc == IA_OK)
            rc = http_set_header(res, "Cache-Control", "no-cache");
        return rc;
    }
    return http_error(res, 404, "NOT_FOUND", "Not Found");
}

static int docs_page(http_req *req, http_res *res)
{
    (void)req;
    return serve(res, "index.html", "text/html; charset=utf-8");
}

static int docs_script(http_req *req, http_res *res)
{
    (void)req;
    return serve(res, "docs.js", "text/javascript; charset=utf-8");
}

static int docs_style(http_req *req, http_res *res)
{
    (void)req;
    return serve(res, "docs.css", "text/css; charset=utf-8");
}

const http_route docs_routes[] = {
    { "GET", "/docs", docs_page, HTTP_INLINE, AUTH_NONE, RL_DEFAULT, 200,
      "Interactive reference of this API", "service" },
    { "GET", "/docs/docs.js", docs_script, HTTP_INLINE, AUTH_NONE, RL_DEFAULT, 200,
      "Script of the reference page", "service" },
    { "GET", "/docs/docs.css", docs_style, HTTP_INLINE, AUTH_NONE, RL_DEFAULT, 200,
      "Style of the reference page", "service" },
};
const size_t docs_routes_count = sizeof(docs_routes) / sizeof(docs_routes[0]);
