/* Endpoints and job kinds that exist only for the integration tests (TEST_ENDPOINTS=true):
 * a JSON echo that exercises the body rules on the handler pool, a sleep that holds a handler
 * thread (saturation, shutdown drain), a job kind whose runs are recorded in
 * DATA_DIR/test-job-runs.log so that tests can prove each job ran once and never twice at the
 * same time, and test.ai, which runs one AI operation through the process's provider chain
 * (so that tests can watch the chain's breaker and metrics in a running server). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ai/request.h"
#include "api/api.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/timeutil.h"
#include "jobs/jobs.h"
#include "store/jobs_store.h"

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

/* test.fail: always fails; its failure effect is visible in the job's result column. */
static int job_test_fail(job_ctx *ctx)
{
    snprintf(ctx->error, sizeof(ctx->error), "This job always fails");
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
    return jobs_register(testing_job_kinds,
                         sizeof(testing_job_kinds) / sizeof(testing_job_kinds[0]));
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

const http_route testing_routes[] = {
    { "POST", "/__test/echo", echo, HTTP_BODY_JSON, AUTH_NONE, 0, 200, "Echo a JSON body", "test" },
    { "GET", "/__test/sleep", sleep_ms, 0, AUTH_NONE, 0, 200, "Hold a handler thread", "test" },
    { "POST", "/__test/jobs", enqueue_jobs, HTTP_BODY_JSON, AUTH_NONE, 0, 201, "Queue test jobs",
      "test" },
    { "GET", "/__test/jobs", job_counts, 0, AUTH_NONE, 0, 200, "Jobs per status", "test" },
    { "GET", "/__test/jobs/{job_id:uuid}", get_job, 0, AUTH_NONE, 0, 200, "One job", "test" },
};
const size_t testing_routes_count = sizeof(testing_routes) / sizeof(testing_routes[0]);
