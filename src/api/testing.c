/* Endpoints and job kinds that exist only for the integration tests (TEST_ENDPOINTS=true):
 * a JSON echo that exercises the body rules on the handler pool, a sleep that holds a handler
 * thread (saturation, shutdown drain), a job kind whose runs are recorded in
 * DATA_DIR/test-job-runs.log so that tests can prove each job ran once and never twice at the
 * same time, test.ai, which runs one AI operation through the process's provider chain (so
 * that tests can watch the chain's breaker and metrics in a running server), and direct access
 * to the file storage (put, get, copy, delete, list) so that both backends can be tested end to
 * end; two hooks for the upload's failure atomicity and its orphan sweep: a fault injected
 * into the next upload, and a periodic maintenance task run on demand; and, for error
 * monitoring, a request that ends in a 5xx (also for a signed-in user) and one that crashes the
 * process with a fatal signal; and the router's list
 * of routes, which the OpenAPI document must describe one for one. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ai/request.h"
#include "api/api.h"
#include "api/resumes.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/timeutil.h"
#include "jobs/jobs.h"
#include "store/jobs_store.h"
#include "core/util.h"

#define SLEEP_MAX_MS     10000
#define JOB_SLEEP_MAX_MS 60000
#define ENQUEUE_MAX      5000

static void sleep_for(long long ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static int echo(http_req *req, http_res *res)
{
    json_t *body = NULL;
    int rc = http_body_json_object(req, res, &body);
    if (rc != IA_OK)
        return rc;
    return http_json(res, 200, json_pack("{s:o}", "received", body ? body : json_null()));
}

static int sleep_ms(http_req *req, http_res *res)
{
    static const char *const loc[] = { "query", "ms", NULL };
    const char *v = http_query(req, "ms");
    long long ms = 0;
    if (v != NULL && config_parse_int(v, 0, SLEEP_MAX_MS, &ms) != IA_OK)
        return http_validation_error(res, loc, "Input should be an integer from 0 to 10000",
                                     "int_type");
    sleep_for(ms);
    return http_json(res, 200, json_pack("{s:I}", "slept_ms", (json_int_t)ms));
}

/* Appends one line to the run log with a single write, so lines of concurrent processes
 * never interleave. */
static void record_run(const job_ctx *ctx, const char *what)
{
    char path[4200], line[256];
    snprintf(path, sizeof(path), "%s/test-job-runs.log", ctx->cfg->data_dir);
    int n = snprintf(line, sizeof(line), "%s %s %s %lld\n", what, ctx->id, ctx->owner,
                     (long long)ia_now_ms() * 1000 + (ia_mono_us() % 1000));
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (n > 0 && write(fd, line, (size_t)n) != n)
        n = -1;
    close(fd);
}

/* test.sleep: sleeps payload.ms, fails while the attempt is at most payload.fail_first. */
static int job_test_sleep(job_ctx *ctx)
{
    long long ms = json_integer_value(json_object_get(ctx->payload, "ms"));
    long long fail_first = json_integer_value(json_object_get(ctx->payload, "fail_first"));
    if (ms < 0 || ms > JOB_SLEEP_MAX_MS) {
        snprintf(ctx->error, sizeof(ctx->error), "ms must be 0 to %d", JOB_SLEEP_MAX_MS);
        ctx->permanent = true;
        return IA_ERR_INVALID;
    }
    record_run(ctx, "start");
    sleep_for(ms);
    record_run(ctx, "end");
    if (ctx->attempt <= fail_first) {
        snprintf(ctx->error, sizeof(ctx->error), "Planned failure of attempt %d", ctx->attempt);
        return IA_ERR_UNAVAILABLE;
    }
    ctx->result = json_pack("{s:i, s:s}", "attempt", ctx->attempt, "owner", ctx->owner);
    return IA_OK;
}

/* test.fail: always fails, with payload.error as its error when given; its failure effect is
 * visible in the job's result column. */
static int job_test_fail(job_ctx *ctx)
{
    const char *error = json_string_value(json_object_get(ctx->payload, "error"));
    snprintf(ctx->error, sizeof(ctx->error), "%s", error ? error : "This job always fails");
    return IA_ERR_UNAVAILABLE;
}

/* test.ai {op, input}: one AI operation, the input and result shaped as for `interviewace ai`
 * (ai/request.h). */
static int job_test_ai(job_ctx *ctx)
{
    const ia_app *app = ctx->app;
    const char *op = json_string_value(json_object_get(ctx->payload, "op"));
    json_t *input = json_object_get(ctx->payload, "input");
    ctx->permanent = true;
    if (app == NULL || app->ai == NULL) {
        snprintf(ctx->error, sizeof(ctx->error), "no AI engine in this process");
        return IA_ERR_UNAVAILABLE;
    }
    if (op == NULL || !ai_request_op_valid(op)) {
        snprintf(ctx->error, sizeof(ctx->error),
                 "op must be parse, generate, evaluate, summarize or match");
        return IA_ERR_INVALID;
    }
    char err[256] = "";
    json_t *out = NULL;
    int rc = ai_request_run(app->ai, ctx->arena, op, input, &out, err, sizeof(err));
    if (rc != IA_OK) {
        snprintf(ctx->error, sizeof(ctx->error), "%s", err[0] ? err : ia_strerror(rc));
        return rc;
    }
    ctx->result = out;
    return IA_OK;
}

static const job_kind testing_job_kinds[] = {
    { "test.sleep", job_test_sleep, NULL, 3 },
    { "test.fail", job_test_fail, NULL, 2 },
    { "test.ai", job_test_ai, NULL, 1 },
};

int testing_register_job_kinds(void)
{
    return jobs_register(testing_job_kinds, COUNT(testing_job_kinds));
}

/* POST /__test/jobs {kind, count, payload}: queues count jobs in one transaction. */
static int enqueue_jobs(http_req *req, http_res *res)
{
    static const char *const loc[] = { "body", NULL };
    json_t *body = NULL;
    int rc = http_body_json_object(req, res, &body);
    if (rc != IA_OK)
        return rc;
    const char *kind = json_string_value(json_object_get(body, "kind"));
    json_t *count_v = json_object_get(body, "count");
    long long count = count_v ? json_integer_value(count_v) : 1;
    json_t *payload = json_object_get(body, "payload");
    if (kind == NULL || count < 1 || count > ENQUEUE_MAX ||
        (payload != NULL && !json_is_object(payload))) {
        json_decref(body);
        return http_validation_error(res, loc, "Expected {kind, count 1-5000, payload object}",
                                     "value_error");
    }
    db *d = api_db(req);
    if (d == NULL) {
        json_decref(body);
        return IA_ERR_UNAVAILABLE;
    }
    json_t *ids = json_array();
    rc = db_begin(d);
    for (long long i = 0; rc == IA_OK && i < count; i++) {
        char id[37];
        rc = jobs_enqueue(d, kind, payload, NULL, id);
        if (rc == IA_OK)
            json_array_append_new(ids, json_string(id));
    }
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    json_decref(body);
    if (rc == IA_ERR_INVALID) {
        json_decref(ids);
        return http_validation_error(res, loc, "Unknown job kind", "value_error");
    }
    if (rc != IA_OK) {
        json_decref(ids);
        return rc;
    }
    jobs_wake();
    return http_json(res, 201, json_pack("{s:o}", "ids", ids));
}

static json_t *nullable_json(const char *text)
{
    json_t *v = text ? json_loads(text, 0, NULL) : NULL;
    return v ? v : json_null();
}

static int get_job(http_req *req, http_res *res)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    job_row *j = NULL;
    int rc = jobs_store_get(d, req->arena, http_param(req, "job_id"), NULL, &j);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "Job not found");
    if (rc != IA_OK)
        return rc;
    return http_json(
        res, 200,
        json_pack("{s:s, s:s, s:s, s:i, s:i, s:s?, s:o, s:s?, s:I, s:I, s:I}", "id", j->id, "kind",
                  j->kind, "status", j->status, "attempts", j->attempts, "max_attempts",
                  j->max_attempts, "last_error", j->last_error, "result", nullable_json(j->result),
                  "lease_owner", j->lease_owner, "run_at", (json_int_t)j->run_at, "updated_at",
                  (json_int_t)j->updated_at, "finished_at", (json_int_t)j->finished_at));
}

static int job_counts(http_req *req, http_res *res)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    long long counts[JOB_STATUS_COUNT];
    int rc = jobs_store_counts(d, req->arena, counts);
    if (rc != IA_OK)
        return rc;
    json_t *o = json_object();
    for (int i = 0; i < JOB_STATUS_COUNT; i++)
        json_object_set_new(o, job_statuses[i], json_integer(counts[i]));
    return http_json(res, 200, json_pack("{s:o}", "counts", o));
}

/* ---- file storage ------------------------------------------------------------------------ */

#define STORAGE_LIST_MAX 10000

/* Answers a storage failure with its reason: 422 for a refused key, 404, 413, else 503. */
static int storage_failure(http_res *res, int rc, const char *err)
{
    switch (rc) {
    case IA_ERR_INVALID:
        return http_error(res, 422, "INVALID_KEY", err);
    case IA_NOT_FOUND:
        return http_error(res, 404, "NOT_FOUND", err);
    case IA_ERR_TOO_LARGE:
        return http_error(res, 413, "PAYLOAD_TOO_LARGE", err);
    default:
        return http_error(res, 503, "STORAGE_UNAVAILABLE", err);
    }
}

/* Creates an empty temporary file in DATA_DIR/tmp (the uploads' directory); path receives its
 * name. Returns the open descriptor or -1. */
static int temp_file(const ia_config *cfg, const char *what, char *path, size_t len)
{
    snprintf(path, len, "%s/tmp", cfg->data_dir);
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return -1;
    snprintf(path, len, "%s/tmp/test-%s-XXXXXX", cfg->data_dir, what);
    return mkstemp(path);
}

/* PUT /__test/storage?key=K {"data_base64": "..."}: the decoded bytes go to a temporary file,
 * which is stored under K. */
static int storage_put(http_req *req, http_res *res)
{
    static const char *const loc[] = { "body", "data_base64", NULL };
    ia_app *app = req->app;
    json_t *body = NULL;
    int rc = http_body_json_object(req, res, &body);
    if (rc != IA_OK)
        return rc;
    const char *b64 = json_string_value(json_object_get(body, "data_base64"));
    size_t b64_len = b64 ? json_string_length(json_object_get(body, "data_base64")) : 0;
    unsigned char *bin = b64 ? arena_alloc(req->arena, b64_len / 4 * 3 + 4) : NULL;
    size_t bin_len = 0;
    if (b64 == NULL || bin == NULL ||
        sodium_base642bin(bin, b64_len / 4 * 3 + 4, b64, b64_len, NULL, &bin_len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0) {
        json_decref(body);
        return bin == NULL && b64 != NULL
                   ? IA_ERR_NOMEM
                   : http_validation_error(res, loc, "Expected base64 data", "value_error");
    }
    json_decref(body);
    char path[4200], err[1024];
    int fd = temp_file(req->cfg, "upload", path, sizeof(path));
    if (fd < 0)
        return IA_ERR_IO;
    bool written = true;
    for (size_t off = 0; off < bin_len && written;) {
        ssize_t w = write(fd, bin + off, bin_len - off);
        written = w > 0;
        off += written ? (size_t)w : 0;
    }
    close(fd);
    rc = written ? storage_put_file(app->storage, http_query(req, "key"), path, err, sizeof(err))
                 : IA_ERR_IO;
    unlink(path);
    if (rc != IA_OK)
        return storage_failure(res, rc, written ? err : "cannot write the temporary file");
    return http_json(
        res, 201,
        json_pack("{s:s, s:I}", "key", http_query(req, "key"), "size", (json_int_t)bin_len));
}

/* Reads the whole file at path into a's memory. */
static int read_local(arena *a, const char *path, char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return IA_ERR_IO;
    int rc = IA_ERR_IO;
    char *buf = fstat(fd, &st) == 0 ? arena_alloc(a, (size_t)st.st_size + 1) : NULL;
    if (buf != NULL && read(fd, buf, (size_t)st.st_size) == (ssize_t)st.st_size) {
        buf[st.st_size] = '\0';
        *data = buf;
        *len = (size_t)st.st_size;
        rc = IA_OK;
    }
    close(fd);
    return rc;
}

/* GET /__test/storage?key=K[&max=N][&via=file]: the object's bytes, read into memory or (via
 * file) through a local file, at most max bytes (MAX_FILE_SIZE by default). */
static int storage_fetch(http_req *req, http_res *res)
{
    static const char *const loc[] = { "query", "max", NULL };
    ia_app *app = req->app;
    const char *key = http_query(req, "key");
    const char *max_s = http_query(req, "max");
    long long max = req->cfg->max_file_size;
    if (max_s != NULL && config_parse_int(max_s, 0, 64LL * 1024 * 1024, &max) != IA_OK)
        return http_validation_error(res, loc, "Expected a size in bytes", "int_type");
    const char *via = http_query(req, "via");
    char err[1024];
    char *data = NULL;
    size_t len = 0;
    int rc;
    if (via != NULL && strcmp(via, "file") == 0) {
        char path[4200];
        int fd = temp_file(req->cfg, "fetch", path, sizeof(path));
        if (fd < 0)
            return IA_ERR_IO;
        close(fd);
        rc = storage_get_file(app->storage, key, path, (size_t)max, err, sizeof(err));
        if (rc == IA_OK && read_local(req->arena, path, &data, &len) != IA_OK) {
            snprintf(err, sizeof(err), "cannot read the local copy");
            rc = IA_ERR_IO;
        }
        unlink(path);
    } else {
        rc = storage_get(app->storage, req->arena, key, (size_t)max, &data, &len, err, sizeof(err));
    }
    if (rc != IA_OK)
        return storage_failure(res, rc, err);
    return http_body(res, 200, "application/octet-stream", data, len);
}

static int storage_remove(http_req *req, http_res *res)
{
    ia_app *app = req->app;
    char err[1024];
    int rc = storage_delete(app->storage, http_query(req, "key"), err, sizeof(err));
    if (rc != IA_OK)
        return storage_failure(res, rc, err);
    return http_empty(res, 204);
}

/* POST /__test/storage/copy?from=A&to=B */
static int storage_duplicate(http_req *req, http_res *res)
{
    ia_app *app = req->app;
    char err[1024];
    int rc = storage_copy(app->storage, http_query(req, "from"), http_query(req, "to"), err,
                          sizeof(err));
    if (rc != IA_OK)
        return storage_failure(res, rc, err);
    return http_empty(res, 204);
}

static int collect_key(const char *key, int64_t modified_ms, void *ctx)
{
    json_t *keys = ctx;
    if (json_array_size(keys) >= STORAGE_LIST_MAX)
        return IA_ERR_TOO_LARGE;
    return json_array_append_new(keys, json_pack("{s:s, s:I}", "key", key, "modified_ms",
                                                 (json_int_t)modified_ms)) == 0
               ? IA_OK
               : IA_ERR_NOMEM;
}

/* GET /__test/storage/list?prefix=P: {"backend", "keys": [{key, modified_ms}]} */
static int storage_keys(http_req *req, http_res *res)
{
    ia_app *app = req->app;
    const char *prefix = http_query(req, "prefix");
    json_t *keys = json_array();
    if (keys == NULL)
        return IA_ERR_NOMEM;
    char err[1024];
    int rc = storage_list(app->storage, prefix ? prefix : "", collect_key, keys, err, sizeof(err));
    if (rc != IA_OK) {
        json_decref(keys);
        return storage_failure(res, rc, err);
    }
    return http_json(
        res, 200,
        json_pack("{s:s, s:o}", "backend", storage_backend_name(app->storage), "keys", keys));
}

/* ---- failure atomicity and maintenance ------------------------------------------------------ */

/* POST /__test/faults?upload=STEP: the next upload fails at STEP (store, insert, enqueue,
 * commit; none clears), as if that dependency had failed. ?database=readonly makes every
 * database connection refuse writes as a read-only database does, until ?database=none. */
static int inject_fault(http_req *req, http_res *res)
{
    static const char *const loc[] = { "query", "upload", NULL };
    static const char *const db_loc[] = { "query", "database", NULL };
    const char *database = http_query(req, "database");
    if (database != NULL) {
        if (strcmp(database, "readonly") != 0 && strcmp(database, "none") != 0)
            return http_validation_error(res, db_loc, "Input should be 'readonly' or 'none'",
                                         "enum");
        db_inject_read_only(strcmp(database, "readonly") == 0);
        if (http_query(req, "upload") == NULL)
            return http_empty(res, 204);
    }
    if (resumes_inject_upload_fault(http_query(req, "upload")) != IA_OK)
        return http_validation_error(
            res, loc, "Input should be 'store', 'insert', 'enqueue', 'commit' or 'none'", "enum");
    return http_empty(res, 204);
}

/* POST /__test/periodic?name=NAME: runs the periodic maintenance task NAME now (e.g.
 * sweep_orphan_files) and answers {"task", "changed"}. */
static int run_periodic(http_req *req, http_res *res)
{
    const char *name = http_query(req, "name");
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    long long changed = 0;
    int rc = name ? jobs_run_periodic(name, d, req->app, req->cfg, &changed) : IA_NOT_FOUND;
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "No periodic task has that name");
    if (rc != IA_OK)
        return rc;
    if (changed < 0)
        return (int)changed;
    return http_json(res, 200,
                     json_pack("{s:s, s:I}", "task", name, "changed", (json_int_t)changed));
}

/* ---- error monitoring -------------------------------------------------------------------- */

/* POST /__test/fail (and /__test/fail/user, authenticated) {status?, detail?}: a server error.
 * With a status of 500-599 the handler answers it with code TEST_FAILURE and the detail; without
 * one it fails, and the server answers its own 500. The rest of the body is ignored. */
static int fail_request(http_req *req, http_res *res)
{
    static const char *const loc[] = { "body", "status", NULL };
    json_t *body = NULL;
    int rc = http_body_json_object(req, res, &body);
    if (rc != IA_OK)
        return rc;
    json_t *status = json_object_get(body, "status");
    const char *detail = json_string_value(json_object_get(body, "detail"));
    json_int_t code = json_integer_value(status);
    if (status != NULL && (!json_is_integer(status) || code < 500 || code > 599)) {
        json_decref(body);
        return http_validation_error(res, loc, "Input should be an integer from 500 to 599",
                                     "int_type");
    }
    if (status == NULL) {
        json_decref(body);
        return IA_ERR_IO;
    }
    rc = http_error(res, (int)code, "TEST_FAILURE", detail ? detail : "Planned failure");
    json_decref(body);
    return rc;
}

/* POST /__test/crash?signal=SIGSEGV|SIGABRT|SIGBUS|SIGFPE: raises that signal on the handler
 * thread, so that the crash handler of error monitoring runs; the process dies (no core file)
 * and the request gets no answer. */
static int crash(http_req *req, http_res *res)
{
    static const char *const loc[] = { "query", "signal", NULL };
    static const struct {
        const char *name;
        int sig;
    } signals[] = {
        { "SIGSEGV", SIGSEGV }, { "SIGABRT", SIGABRT }, { "SIGBUS", SIGBUS }, { "SIGFPE", SIGFPE }
    };
    const char *name = http_query(req, "signal");
    for (size_t i = 0; name != NULL && i < COUNT(signals); i++) {
        if (strcmp(name, signals[i].name) != 0)
            continue;
        struct rlimit none = { 0, 0 };
        setrlimit(RLIMIT_CORE, &none);
        raise(signals[i].sig);
        return IA_ERR_INTERNAL; /* not reached: the default action of each ends the process */
    }
    return http_validation_error(res, loc,
                                 "Input should be 'SIGSEGV', 'SIGABRT', 'SIGBUS' or "
                                 "'SIGFPE'",
                                 "enum");
}

/* GET /__test/routes: {"routes": [{"method", "pattern", "auth", "documented"}]}, every route
 * the router has (these included), as it was registered. */
static int list_routes(http_req *req, http_res *res)
{
    static const char *const auth[] = { "none", "user", "admin" };
    size_t n = 0;
    const http_route *const *routes = http_routes(req, &n);
    json_t *list = json_array();
    for (size_t i = 0; list != NULL && i < n; i++)
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:s, s:b}", "method", routes[i]->method,
                                        "pattern", routes[i]->pattern, "auth",
                                        auth[routes[i]->auth <= AUTH_ADMIN ? routes[i]->auth : 0],
                                        "documented", routes[i]->doc != NULL));
    return http_json(res, 200, json_pack("{s:o}", "routes", list ? list : json_array()));
}

const http_route testing_routes[] = {
    { "GET", "/__test/routes", list_routes, HTTP_INLINE, AUTH_NONE, 0, 200,
      "Every route the router has", "test" },
    { "POST", "/__test/echo", echo, HTTP_BODY_JSON, AUTH_NONE, 0, 200, "Echo a JSON body", "test" },
    { "GET", "/__test/sleep", sleep_ms, 0, AUTH_NONE, 0, 200, "Hold a handler thread", "test" },
    { "POST", "/__test/jobs", enqueue_jobs, HTTP_BODY_JSON, AUTH_NONE, 0, 201, "Queue test jobs",
      "test" },
    { "GET", "/__test/jobs", job_counts, 0, AUTH_NONE, 0, 200, "Jobs per status", "test" },
    { "GET", "/__test/jobs/{job_id:uuid}", get_job, 0, AUTH_NONE, 0, 200, "One job", "test" },
    { "PUT", "/__test/storage", storage_put, HTTP_BODY_JSON, AUTH_NONE, 0, 201,
      "Store base64 data under a key", "test" },
    { "GET", "/__test/storage", storage_fetch, 0, AUTH_NONE, 0, 200, "A stored object's bytes",
      "test" },
    { "DELETE", "/__test/storage", storage_remove, 0, AUTH_NONE, 0, 204, "Delete a stored object",
      "test" },
    { "POST", "/__test/storage/copy", storage_duplicate, 0, AUTH_NONE, 0, 204,
      "Copy a stored object", "test" },
    { "GET", "/__test/storage/list", storage_keys, 0, AUTH_NONE, 0, 200, "Stored keys", "test" },
    { "POST", "/__test/faults", inject_fault, 0, AUTH_NONE, 0, 204,
      "Make the next upload fail at a step", "test" },
    { "POST", "/__test/periodic", run_periodic, 0, AUTH_NONE, 0, 200,
      "Run a periodic maintenance task now", "test" },
    { "POST", "/__test/fail", fail_request, HTTP_BODY_JSON, AUTH_NONE, 0, 500,
      "Answer a server error", "test" },
    { "POST", "/__test/fail/user", fail_request, HTTP_BODY_JSON, AUTH_USER, 0, 500,
      "Answer a server error to an authenticated user", "test" },
    { "POST", "/__test/crash", crash, 0, AUTH_NONE, 0, 200, "Raise a fatal signal", "test" },
};
const size_t testing_routes_count = COUNT(testing_routes);
