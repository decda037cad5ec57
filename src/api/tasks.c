/* GET /api/v1/tasks/{task_id}: a background task of the caller (API.md §1.8). Another user's
 * task, an unknown one and one pruned after TASK_RETENTION_DAYS are all 404. */
#include "api/api.h"
#include "api/render.h"
#include "core/errors.h"
#include "store/jobs_store.h"

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

const http_route task_routes[] = {
    { "GET", "/api/v1/tasks/{task_id:uuid}", task_get, 0, AUTH_USER, RL_DEFAULT, 200,
      "A background task of yours", "tasks" },
};
const size_t task_routes_count = sizeof(task_routes) / sizeof(task_routes[0]);
