#include "api/api.h"
#include "api/interviews.h"
#include "api/resumes.h"

#include "core/errors.h"
#include "core/log.h"
#include "http/server.h"

static _Thread_local db *t_db;

db *api_db(const http_req *req)
{
    if (t_db != NULL)
        return t_db;
    char err[512];
    const ia_config *cfg = req->cfg;
    if (db_open(cfg->database_url, (int)cfg->db_statement_timeout_ms, &t_db, err, sizeof(err)) !=
        IA_OK) {
        log_warn("api", "database unavailable", "error", err);
        t_db = NULL;
    }
    return t_db;
}

void api_note_revoked_sessions(const http_req *req, const session_id_list *ids)
{
    const ia_app *app = req->app;
    revocation_note_sessions(app->redis, ids->items, ids->n,
                             (long)req->cfg->access_token_expire_minutes * 60);
}

void api_note_account(const http_req *req, const char *user_id, revocation_account what)
{
    const ia_app *app = req->app;
    revocation_note_account(app->redis, user_id, what,
                            (long)req->cfg->access_token_expire_minutes * 60);
}

void api_thread_init(void *app)
{
    (void)app; /* connections open lazily, so a database that is down at start-up is not fatal */
}

void api_thread_fini(void *app)
{
    (void)app;
    db_close(t_db);
    t_db = NULL;
}

int api_register_job_kinds(const ia_config *cfg)
{
    int rc = resumes_register_job_kinds();
    if (rc == IA_OK)
        rc = interviews_register_job_kinds();
    if (rc == IA_OK && cfg->test_endpoints)
        rc = testing_register_job_kinds();
    return rc;
}

int api_register(http_server *s, ia_app *app)
{
    http_server_set_thread_hooks(s, api_thread_init, api_thread_fini, app);
    api_auth_install(s);
    api_web_install(s);
    int rc = http_server_add_routes(s, service_routes, service_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, docs_routes, docs_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, auth_routes, auth_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, account_routes, account_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, export_routes, export_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, task_routes, task_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, admin_routes, admin_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, resume_routes, resume_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, resume_share_routes, resume_share_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, interview_routes, interview_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, question_routes, question_routes_count);
    if (rc == IA_OK)
        rc = http_server_add_routes(s, dashboard_routes, dashboard_routes_count);
    if (rc != IA_OK)
        return rc;
    if (app->cfg->test_endpoints) {
        log_warn("api",
                 "TEST_ENDPOINTS is on: /__test routes are served; never do this in "
                 "production");
        rc = http_server_add_routes(s, testing_routes, testing_routes_count);
    }
    return rc;
}
