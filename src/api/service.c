/* Service endpoints (API.md §2): health, readiness, metrics and the OpenAPI document. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "http/openapi.h"
#include "obs/metrics.h"

#define METRICS_MAX (4u * 1024u * 1024u)

static int health(http_req *req, http_res *res)
{
    (void)req;
    return http_json(res, 200, json_pack("{s:s, s:s}", "status", "healthy", "version", IA_VERSION));
}

#define PROBE_BYTES 4096

/* Writes, syncs and removes a small file in dir: IA_OK when that works, else the errno. A
 * full disk, a read-only mount or a failing device shows here, where access() would still
 * say writable (it checks permissions, and does not see a full disk). */
static int probe_write(const char *dir)
{
    char path[4200];
    int n = snprintf(path, sizeof(path), "%s/.ready-probe-%ld", dir, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof(path))
        return ENAMETOOLONG;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno;
    static const char zeros[PROBE_BYTES];
    int e = 0;
    ssize_t w = write(fd, zeros, sizeof(zeros));
    if (w != (ssize_t)sizeof(zeros))
        e = w < 0 ? errno : ENOSPC;
    if (e == 0 && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    unlink(path);
    return e;
}

/* True when the data directory (the database file, temporary uploads) exists and this
 * process can write a file in it, and the file storage answers; else why not, in reason. */
static bool storage_ok(const http_req *req, char *reason, size_t len)
{
    const ia_config *cfg = req->cfg;
    struct stat st;
    if (stat(cfg->data_dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
        access(cfg->data_dir, W_OK | X_OK) != 0) {
        snprintf(reason, len, "DATA_DIR is missing or not writable");
        return false;
    }
    int e = probe_write(cfg->data_dir);
    if (e != 0) {
        snprintf(reason, len, "DATA_DIR cannot be written: %s", strerror(e));
        return false;
    }
    const ia_app *app = req->app;
    if (app == NULL || app->storage == NULL)
        return true;
    char err[512];
    if (storage_check(app->storage, err, sizeof(err)) != IA_OK) {
        snprintf(reason, len, "%s", err);
        return false;
    }
    return true;
}

/* "ok" when an LLM provider is configured, "offline" when the built-in engine answers alone
 * (the provider itself is not called: it may bill per request). */
static const char *llm_check(const ia_config *cfg)
{
    return config_gemini_configured(cfg) || config_openai_configured(cfg) ? "ok" : "offline";
}

/* Readiness runs on a handler thread, since it asks the database and the file storage. */
static int ready(http_req *req, http_res *res)
{
    bool draining = http_draining(req);
    char reason[600] = "";
    bool files_ok = storage_ok(req, reason, sizeof(reason));
    db *d = api_db(req);
    /* A write, not a ping: a database that answers reads but is read-only, full or failing
     * cannot serve the API. */
    bool database = d != NULL && db_check_write(d, ia_now_ms()) == IA_OK;
    /* Without Redis the service still answers (RATE_LIMIT_ON_REDIS_FAILURE says how), so an
     * unreachable Redis is "degraded", not a reason to take the replica out of rotation,
     * unless the policy refuses every limited request. */
    const ia_app *app = req->app;
    const char *redis = "disabled";
    bool redis_blocks = false;
    if (app != NULL && app->redis != NULL) {
        bool up = redis_ping(app->redis) == IA_OK;
        redis_blocks = !up && req->cfg->rate_limit_on_redis_failure == RL_FAILURE_CLOSED;
        redis = up ? "ok" : redis_blocks ? "unavailable" : "degraded";
    }
    json_t *checks = json_pack("{s:s, s:s, s:s, s:s}", "database", database ? "ok" : "unavailable",
                               "redis", redis, "storage", files_ok ? "ok" : "unavailable",
                               "llm_provider", llm_check(req->cfg));
    if (checks == NULL)
        return IA_ERR_NOMEM;
    if (!draining && files_ok && database && !redis_blocks)
        return http_json(res, 200, json_pack("{s:s, s:o}", "status", "ready", "checks", checks));
    char storage_detail[700];
    snprintf(storage_detail, sizeof(storage_detail), "Storage is unavailable: %s", reason);
    if (!files_ok)
        log_warn("service", "storage is not ready", "reason", reason);
    const char *detail = draining    ? "The service is shutting down"
                         : !database ? "The database is unreachable or cannot be written"
                         : !files_ok
                             ? storage_detail
                             : "Redis is unreachable and RATE_LIMIT_ON_REDIS_FAILURE=closed";
    int rc = http_json(res, 503,
                       json_pack("{s:s, s:o, s:s, s:s}", "status", "not_ready", "checks", checks,
                                 "detail", detail, "code", "NOT_READY"));
    if (rc == IA_OK)
        rc = http_set_header(res, "Retry-After", "5");
    return rc;
}

static int metrics(http_req *req, http_res *res)
{
    strbuf sb;
    strbuf_init(&sb, req->arena, METRICS_MAX);
    int rc = metrics_render(&sb);
    if (rc != IA_OK)
        return rc;
    return http_body(res, 200, "text/plain; version=0.0.4; charset=utf-8", strbuf_str(&sb), sb.len);
}

static int openapi(http_req *req, http_res *res)
{
    size_t n = 0;
    const http_route *const *routes = http_routes(req, &n);
    json_t *doc = openapi_document(routes, n, IA_VERSION);
    if (doc == NULL)
        return IA_ERR_NOMEM;
    return http_json(res, 200, doc);
}

const http_route service_routes[] = {
    { "GET", "/health", health, HTTP_INLINE, AUTH_NONE, 0, 200, "Liveness", "service" },
    { "GET", "/ready", ready, 0, AUTH_NONE, 0, 200, "Readiness of every dependency", "service" },
    { "GET", "/metrics", metrics, HTTP_INLINE, AUTH_NONE, 0, 200, "Prometheus metrics", "service" },
    { "GET", "/openapi.json", openapi, HTTP_INLINE, AUTH_NONE, RL_DEFAULT, 200,
      "This API's OpenAPI 3.1 document", "service" },
};
const size_t service_routes_count = sizeof(service_routes) / sizeof(service_routes[0]);
