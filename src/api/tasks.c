/* GET /api/v1/tasks/{task_id}: a background task of the caller (docs/api.md §1.8). Another user's
 * task, an unknown one and one pruned after TASK_RETENTION_DAYS are all 404. */
#include "api/api.h"
#include "api/render.h"
#include "core/errors.h"
#include "store/jobs_store.h"
#include "core/util.h"

static int task_get(http_req *req, http_res *res)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    job_row *j = NULL;
    int rc = jobs_store_get(d, req->arena, http_param(req, "task_id"), req->user_id, &j);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "Task not found");
    if (rc != IA_OK)
        return rc;
    return http_json(res, 200, render_task(j));
}

static const http_doc task_doc = {
    .description =
        "An unknown task, another user's, or one removed after TASK_RETENTION_DAYS "
        "is a 404.",
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &render_task_schema }, { .shape = DOC_END } },
};

const http_route task_routes[] = {
    { "GET", "/api/v1/tasks/{task_id:uuid}", task_get, 0, AUTH_USER, RL_DEFAULT, 200,
      "A background task of yours", "tasks", &task_doc },
};
const size_t task_routes_count = COUNT(task_routes);
