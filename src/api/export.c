/* The account export (docs/api.md §3.2): everything stored about the signed-in user, as one JSON
 * attachment. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/interviews.h"
#include "api/render.h"
#include "api/resumes.h"
#include "core/errors.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "http/doc.h"
#include "store/resumes_store.h"
#include "store/users_store.h"

/* How many login attempts and resumes the export holds at most: all of them, in practice. */
#define EXPORT_ROWS_MAX 100000

/* GET /api/v1/auth/me/export: the user, their resumes, interviews, login sessions and login
 * attempts in one JSON attachment (docs/api.md §3.2). */
static int me_export(http_req *req, http_res *res)
{
    const user_row *me = api_current_user(req);
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    login_session_row *sessions = NULL;
    login_attempt_row *attempts = NULL;
    size_t nsessions = 0, nattempts = 0;
    resume_row *resumes = NULL;
    size_t nresumes = 0;
    long long total = 0;
    int rc = users_store_sessions(d, req->arena, me->id, &sessions, &nsessions);
    if (rc == IA_OK)
        rc = users_store_attempts(d, req->arena, me->id, EXPORT_ROWS_MAX, &attempts, &nattempts);
    if (rc == IA_OK)
        rc = resumes_store_list(d, req->arena, me->id, NULL, NULL, 0, EXPORT_ROWS_MAX, &resumes,
                                &nresumes, &total);
    if (rc != IA_OK)
        return rc;
    json_t *interviews = interviews_export(d, req->arena, me->id, &rc);
    if (interviews == NULL)
        return rc != IA_OK ? rc : IA_ERR_NOMEM;
    json_t *rs = json_array();
    for (size_t i = 0; i < nresumes; i++)
        json_array_append_new(rs, resumes_render(&resumes[i]));
    json_t *ls = json_array(), *la = json_array();
    for (size_t i = 0; i < nsessions; i++) {
        const login_session_row *ses = &sessions[i];
        json_array_append_new(
            ls,
            json_pack("{s:s, s:o, s:o, s:o, s:o, s:b}", "id", ses->id, "created_at",
                      render_time(ses->created_at), "last_used_at", render_time(ses->last_used_at),
                      "ip_address", ses->ip_address ? json_string(ses->ip_address) : json_null(),
                      "user_agent", ses->user_agent ? json_string(ses->user_agent) : json_null(),
                      "revoked", ses->revoked));
    }
    for (size_t i = 0; i < nattempts; i++)
        json_array_append_new(la, render_login_attempt(&attempts[i]));
    json_t *body = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}", "exported_at",
                             render_time(ia_now_ms()), "user", render_user(me), "resumes", rs,
                             "interviews", interviews, "login_sessions", ls, "login_attempts", la);
    rc = http_json(res, 200, body);
    if (rc != IA_OK)
        return rc;
    char *cd =
        arena_printf(req->arena, "attachment; filename=\"interviewace-export-%s.json\"", me->id);
    return cd ? http_set_header(res, "Content-Disposition", cd) : IA_ERR_NOMEM;
}

/* ---- documentation ---- */

static const j_field login_session_fields[] = {
    { "id", J_STRING, 0, "uuid" },
    { "created_at", J_STRING, 0, "date-time" },
    { "last_used_at", J_STRING, J_NULLABLE, "date-time" },
    { "ip_address", J_STRING, J_NULLABLE },
    { "user_agent", J_STRING, J_NULLABLE },
    { "revoked", J_BOOLEAN },
};
static const j_object login_session_schema =
    J_OBJECT_OF("LoginSession", "One login and the tokens refreshed from it", login_session_fields);

static const j_field export_fields[] = {
    { "exported_at", J_STRING, 0, "date-time" },
    { "user", J_OBJECT, .object = &render_user_schema },
    { "resumes", J_ARRAY, .object = &resumes_schema },
    { "interviews", J_ARRAY, .object = &interviews_session_schema,
      .description = "Every session with its questions, newest first" },
    { "login_sessions", J_ARRAY, .object = &login_session_schema },
    { "login_attempts", J_ARRAY, .object = &render_login_attempt_schema },
};
static const j_object export_schema =
    J_OBJECT_OF("AccountExport", "Everything stored about you", export_fields);

static const http_doc export_doc = {
    .responses = (const doc_response[]){ { 0, DOC_JSON, &export_schema,
                                           .description = "An attachment "
                                                          "`interviewace-export-<user_id>.json`",
                                           .headers = DOC_H_ATTACHMENT },
                                         { .shape = DOC_END } },
};

const http_route export_routes[] = {
    { "GET", "/api/v1/auth/me/export", me_export, 0, AUTH_USER, RL_DEFAULT, 200,
      "Everything stored about you, as JSON", "auth", &export_doc },
};
const size_t export_routes_count = COUNT(export_routes);
