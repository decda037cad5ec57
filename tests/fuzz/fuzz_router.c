/* Fuzzes route matching and parameter extraction (src/http/router.c). The input is a request
 * line, "METHOD PATH" (no space: the whole input is a GET path), matched against the
 * service's real route table (every resource's routes, /__test ones included); a matched
 * route's parameters are then type-checked. When the first byte is '!', the first line after
 * it is instead a route pattern added to an empty router and the rest a path matched against
 * it, so that pattern parsing is fuzzed too. */
#include <string.h>

#include "api/api.h"
#include "core/arena.h"
#include "core/errors.h"
#include "fuzz.h"
#include "http/router.h"

static int stub(http_req *req, http_res *res)
{
    (void)req;
    (void)res;
    return IA_OK;
}

/* The router of every route the service can serve, built once. */
static router *service_router(void)
{
    static router *r;
    if (r != NULL)
        return r;
    const struct {
        const http_route *routes;
        size_t n;
    } tables[] = {
        { service_routes, service_routes_count },
        { docs_routes, docs_routes_count },
        { auth_routes, auth_routes_count },
        { account_routes, account_routes_count },
        { task_routes, task_routes_count },
        { admin_routes, admin_routes_count },
        { resume_routes, resume_routes_count },
        { resume_share_routes, resume_share_routes_count },
        { interview_routes, interview_routes_count },
        { dashboard_routes, dashboard_routes_count },
        { testing_routes, testing_routes_count },
    };
    r = router_create();
    fuzz_check(r != NULL, "router_create");
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        for (size_t i = 0; i < tables[t].n; i++)
            fuzz_check(router_add(r, &tables[t].routes[i]) == IA_OK, "a service route");
    return r;
}

/* Matches method and path and checks what the match promises. */
static void match(const router *r, arena *a, const char *method, const char *path)
{
    router_match m;
    router_result res = router_match_path(r, a, method, path, &m);
    if (res == ROUTER_NOT_FOUND)
        return;
    fuzz_check(m.pattern != NULL && m.pattern[0] == '/', "a matched pattern");
    fuzz_check(strlen(m.allow) < sizeof(m.allow), "the Allow list fits");
    fuzz_check(m.nparams <= HTTP_MAX_PARAMS, "parameter count");
    fuzz_check((res == ROUTER_FOUND) == (m.route != NULL) || strcmp(method, "OPTIONS") == 0,
               "a found route has a handler");
    for (size_t i = 0; i < m.nparams; i++) {
        fuzz_check(m.names[i] != NULL && m.values[i] != NULL, "a parameter");
        fuzz_check(strchr(m.values[i], '/') == NULL, "a parameter is one segment");
    }
    (void)router_params_valid(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_create(1 << 20);
    if (a == NULL)
        return 0;
    if (size > 0 && data[0] == '!') {
        char *pattern, *path;
        if (fuzz_split_line(data + 1, size - 1, &pattern, &path) == 0) {
            router *r = router_create();
            const http_route route = { "GET", pattern, stub, 0, 0, 0, 200, "fuzz", "fuzz" };
            if (r != NULL && router_add(r, &route) == IA_OK) {
                match(r, a, "GET", path);
                match(r, a, "OPTIONS", path);
            }
            router_free(r);
            free(pattern);
            free(path);
        }
    } else {
        char *line = fuzz_strndup(data, size);
        if (line != NULL) {
            char *sp = strchr(line, ' ');
            if (sp != NULL) {
                *sp = '\0';
                match(service_router(), a, line, sp + 1);
            } else {
                match(service_router(), a, "GET", line);
            }
            free(line);
        }
    }
    arena_destroy(a);
    return 0;
}
