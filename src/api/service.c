/* Service endpoints (docs/api.md §2): health, readiness, metrics and the OpenAPI document. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "http/doc.h"
#include "http/openapi.h"
#include "obs/metrics.h"
#include "core/util.h"

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

/* What the document says about the API as a whole: its conventions, in short (docs/api.md §1
 * has them in full), and the groups of operations. */
static const char api_description[] =
    "Interview practice: upload a resume, have it analysed, run mock interviews tailored to it "
    "and get every answer scored with feedback.\n\n"
    "**Conventions.** JSON in and out (UTF-8); timestamps are ISO-8601 UTC with milliseconds "
    "(`2026-03-02T10:15:30.123Z`); ids are lowercase UUIDs; scores are 0-100 with one decimal "
    "(a resume analysis' `confidence_score` is 0-1). Nullable fields are always present. One "
    "trailing slash is optional on every path; every GET also answers HEAD.\n\n"
    "**Input.** Strings other than passwords and tokens are trimmed before they are checked; "
    "lengths count Unicode code points; unknown body fields, wrong types and control characters "
    "are refused; `null` for an optional field means absent. Every problem is one item of a "
    "422 `VALIDATION_ERROR`.\n\n"
    "**Errors** are `{\"detail\": \"...\", \"code\": \"...\"}`; each operation lists its "
    "codes. The first failing check answers: route (404/405), rate limit (429), "
    "authentication (401/403), body size and type (413/415), path parameters (404), "
    "validation (422), lookup and ownership (404), state and business rules (400/409/423).\n\n"
    "**Authentication**: `Authorization: Bearer <access token>` from `/api/v1/auth/login` or "
    "`/api/v1/auth/refresh`. Another user's resource is a 404, never a 403.\n\n"
    "**Rate limits** per client IP (and per account or user where stated) are announced in "
    "`RateLimit-Policy` and `RateLimit` headers; an exhausted quota is a 429 with "
    "`Retry-After`.\n\n"
    "Every response carries `X-Request-ID`. The numbers here are the defaults; the service's "
    "configuration can change them.";

static const openapi_tag api_tags[] = {
    { "service", "Health, readiness, metrics and this reference" },
    { "auth", "Accounts, sessions, passwords and e-mail verification" },
    { "interviews", "Mock interviews: start, answer, complete, summary" },
    { "questions", "The question bank, to practise one question on its own" },
    { "resumes", "Upload, analysis, job match, sharing, export and versions" },
    { "tasks", "Background tasks" },
    { "dashboard", "Your progress" },
    { "admin", "Administration (role admin)" },
};

static const openapi_info api_info = { "InterviewAce API", IA_VERSION, api_description, api_tags,
                                       COUNT(api_tags) };

/* The document only changes with the route table, which is fixed once the server runs, and
 * building it takes milliseconds: it is built on first request, kept as text for the routes it
 * describes, and freed when the process exits. */
static pthread_mutex_t openapi_lock = PTHREAD_MUTEX_INITIALIZER;
static const http_route *const *openapi_routes;
static size_t openapi_nroutes;
static char *openapi_text;

static void openapi_free(void)
{
    free(openapi_text);
    openapi_text = NULL;
}

/* Builds the text of the document for routes into openapi_text (lock held). */
static int openapi_build(const http_route *const *routes, size_t n)
{
    static bool registered;
    json_t *doc = openapi_document(routes, n, &api_info);
    char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(doc);
    if (text == NULL)
        return IA_ERR_NOMEM;
    if (!registered && atexit(openapi_free) != 0) {
        free(text);
        return IA_ERR_NOMEM;
    }
    registered = true;
    free(openapi_text);
    openapi_text = text;
    openapi_routes = routes;
    openapi_nroutes = n;
    return IA_OK;
}

static int openapi(http_req *req, http_res *res)
{
    size_t n = 0;
    const http_route *const *routes = http_routes(req, &n);
    int rc = IA_OK;
    pthread_mutex_lock(&openapi_lock);
    if (openapi_text == NULL || routes != openapi_routes || n != openapi_nroutes)
        rc = openapi_build(routes, n);
    if (rc == IA_OK)
        rc = http_body(res, 200, "application/json", openapi_text, strlen(openapi_text));
    pthread_mutex_unlock(&openapi_lock);
    return rc;
}

/* ---- documentation ---- */

static const char *const HEALTHY[] = { "healthy", NULL };
static const char *const READY[] = { "ready", NULL };
static const char *const NOT_READY[] = { "not_ready", NULL };
static const char *const NOT_READY_CODE[] = { "NOT_READY", NULL };
static const char *const CHECK_DB[] = { "ok", "unavailable", NULL };
static const char *const CHECK_REDIS[] = { "ok", "disabled", "degraded", "unavailable", NULL };
static const char *const CHECK_LLM[] = { "ok", "offline", NULL };

static const j_field health_fields[] = {
    { "status", J_STRING, .choices = HEALTHY },
    { "version", J_STRING, .description = "The service version (= info.version here)" },
};
static const j_object health_schema = J_OBJECT_OF("Health", NULL, health_fields);

static const j_field checks_fields[] = {
    { "database", J_STRING, .choices = CHECK_DB },
    { "redis", J_STRING, .choices = CHECK_REDIS,
      .description = "`disabled` without REDIS_URL; `degraded` while Redis is unreachable and "
                     "RATE_LIMIT_ON_REDIS_FAILURE is local or open (still ready); `unavailable` "
                     "while it is unreachable with closed (not ready)" },
    { "storage", J_STRING, .choices = CHECK_DB, .description = "DATA_DIR and the file storage" },
    { "llm_provider", J_STRING, .choices = CHECK_LLM,
      .description = "`offline` when no provider is configured" },
};
static const j_object checks_schema =
    J_OBJECT_OF("ReadinessChecks", "The state of each dependency", checks_fields);

static const j_field ready_fields[] = {
    { "status", J_STRING, .choices = READY },
    { "checks", J_OBJECT, .object = &checks_schema },
};
static const j_object ready_schema = J_OBJECT_OF("Ready", NULL, ready_fields);

static const j_field not_ready_fields[] = {
    { "status", J_STRING, .choices = NOT_READY },
    { "checks", J_OBJECT, .object = &checks_schema },
    { "detail", J_STRING, .description = "What is not ready" },
    { "code", J_STRING, .choices = NOT_READY_CODE },
};
static const j_object not_ready_schema = J_OBJECT_OF("NotReady", NULL, not_ready_fields);

static const http_doc health_doc = {
    .description = "Answers while the process runs; not rate-limited.",
    .responses = (const doc_response[]){ { 0, DOC_JSON, &health_schema }, { .shape = DOC_END } },
};

static const http_doc ready_doc = {
    .description =
        "Asks the database and the file storage; not rate-limited. While the service "
        "drains after SIGTERM it answers 503 too.",
    .responses =
        (const doc_response[]){
            { 0, DOC_JSON, &ready_schema, .description = "Every dependency answers" },
            { 503, DOC_JSON, &not_ready_schema,
              .description = "A dependency does not answer, or the service is shutting down "
                             "(with `Retry-After`)" },
            { .shape = DOC_END } },
};

static const http_doc metrics_doc = {
    .description =
        "Requests by route template, method and status, latency histogram, handler "
        "queue, tasks, rate-limit rejections, LLM calls, uptime, memory, open files. "
        "Not rate-limited.",
    .responses = (const doc_response[]){ { 0, DOC_BYTES, .media = "text/plain",
                                           .description = "Prometheus text format 0.0.4" },
                                         { .shape = DOC_END } },
};

static const http_doc openapi_doc = {
    .responses = (const doc_response[]){ { 0, DOC_JSON, .description = "This document" },
                                         { .shape = DOC_END } },
};

const http_route service_routes[] = {
    { "GET", "/health", health, HTTP_INLINE, AUTH_NONE, 0, 200, "Liveness", "service",
      &health_doc },
    { "GET", "/ready", ready, 0, AUTH_NONE, 0, 200, "Readiness of every dependency", "service",
      &ready_doc },
    { "GET", "/metrics", metrics, HTTP_INLINE, AUTH_NONE, 0, 200, "Prometheus metrics", "service",
      &metrics_doc },
    { "GET", "/openapi.json", openapi, HTTP_INLINE, AUTH_NONE, RL_DEFAULT, 200,
      "This API's OpenAPI 3.1 document", "service", &openapi_doc },
};
const size_t service_routes_count = COUNT(service_routes);
