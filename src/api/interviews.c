/* Interviews (docs/api.md §4): start, history, one session, next question, answer, complete and
 * summary; the practice features — retrying an answer with every attempt kept, drafts
 * (§4.2), cancelling and deleting a session (§4.5), follow-up questions (§4.6); and the
 * background jobs that generate the questions, evaluate each answer (adding a follow-up) and
 * summarise a completed session. Another user's session is 404 on every endpoint: every
 * lookup carries the caller's id.
 *
 * Consistency: an answer is stored in a transaction that first locks the session row on the
 * condition that it takes answers (in_progress, completion not requested), and completion is
 * requested by an update on the same row and condition, so an answer and a completion never
 * interleave. Each answer bumps the question's answer_revision; its evaluation job carries
 * the revision and stores its result only for that revision, so of two concurrent answers
 * the one stored last is the one evaluated, and a replaced answer's evaluation is dropped
 * ("superseded"). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/chain.h"
#include "ai/offline.h"
#include "ai/schema.h"
#include "ai/voice.h"
#include "api/api.h"
#include "api/interviews.h"
#include "api/questions.h"
#include "api/render.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "core/uuid.h"
#include "jobs/jobs.h"
#include "store/interviews_store.h"
#include "store/resumes_store.h"

#define INTERVIEW             "/api/v1/interview"
#define GENERATE_ATTEMPTS     3
#define EVALUATE_ATTEMPTS     4
#define COMPLETE_ATTEMPTS     4
#define RECENT_SESSIONS       5   /* sessions whose questions a new one avoids */
#define RECENT_QUESTIONS_MAX  800 /* texts and bank ids passed to generation */
#define NOT_AVAILABLE_SUMMARY "Not available. Complete the interview to get feedback."
#define ATTEMPTS_MAX          5 /* answers to one question, the first included */
#define GENERAL_TITLE         "General interview"
#define TITLE_MAX             220 /* a role (100) and a resume title (100) with a separator */

static const char *const DIFFICULTIES[] = { "easy", "medium", "hard", "mixed", NULL };
static const char *const STATUSES[] = { "preparing", "in_progress", "completed",
                                        "failed",    "cancelled",   NULL };
static const char *const QUESTION_DIFFICULTIES[] = { "easy", "medium", "hard", NULL };
static const char *const CATEGORIES[] = { "technical", "behavioral", "project", "system_design",
                                          "coding",    "general",    NULL };
static const char *const INPUT_MODES[] = { "text", "voice", NULL };
static const char *const KINDS[] = { "interview", "practice", NULL };
static const char *const EVALUATION_STATUSES[] = { "not_answered", "pending", "evaluated", "failed",
                                                   NULL };

/* ---- rendering ------------------------------------------------------------------------------ */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Parses stored JSON text; a missing or unreadable value becomes `fallback` (a new
 * reference, may be NULL for json null). */
static json_t *stored_json(const char *text, json_t *fallback)
{
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    if (j == NULL)
        return fallback ? fallback : json_null();
    json_decref(fallback);
    return j;
}

/* The earlier attempts of question `qid` among a session's (docs/api.md §4.2), oldest first;
 * *count receives how many there are. */
static json_t *render_attempts(const char *qid, const interview_attempt_row *at, size_t na,
                               long long *count)
{
    json_t *list = json_array();
    *count = 0;
    for (size_t i = 0; at != NULL && i < na; i++) {
        const interview_attempt_row *a = &at[i];
        if (strcmp(a->question_id, qid) != 0)
            continue;
        (*count)++;
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "attempt_number",
                            (json_int_t)a->attempt_number, "answer_text", a->answer_text,
                            "time_taken_seconds",
                            a->has_time ? json_integer(a->time_taken_seconds) : json_null(),
                            "evaluation_status", a->evaluation_status, "evaluation_score",
                            a->has_score ? json_real(a->evaluation_score) : json_null(),
                            "feedback_comment", str_or_null(a->feedback_comment), "strengths",
                            stored_json(a->strengths, json_array()), "improvements",
                            stored_json(a->improvements, json_array()), "evaluation_engine",
                            str_or_null(a->evaluation_engine), "answered_at",
                            render_time(a->answered_at)));
    }
    return list;
}

/* Adds a question's `attempt_number` (of its current answer, 0 before the first) and its
 * earlier `attempts` to its rendering. */
static json_t *with_attempts(json_t *obj, const interview_question_row *q,
                             const interview_attempt_row *at, size_t na)
{
    long long earlier = 0;
    json_t *list = render_attempts(q->id, at, na, &earlier);
    if (obj != NULL) {
        json_object_set_new(obj, "attempt_number",
                            json_integer(q->answer_text ? (json_int_t)earlier + 1 : 0));
        json_object_set_new(obj, "attempts", list);
    } else {
        json_decref(list);
    }
    return obj;
}

/* The speaking figures of a dictated answer (docs/api.md §4.2), or null for a typed one. */
static json_t *render_voice(bool has, const interview_voice *v)
{
    if (!has)
        return json_null();
    return json_pack("{s:f, s:f, s:I}", "seconds", v->seconds, "words_per_minute",
                     v->words_per_minute, "filler_count", (json_int_t)v->filler_count);
}

static json_t *render_question(const interview_question_row *q)
{
    json_t *out = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
        "id", q->id, "session_id", q->session_id, "question_text", q->question_text, "category",
        q->category, "difficulty", q->difficulty, "order_index", (json_int_t)q->order_index,
        "answer_text", str_or_null(q->answer_text), "time_taken_seconds",
        q->has_time ? json_integer(q->time_taken_seconds) : json_null(), "evaluation_status",
        q->evaluation_status, "evaluation_score",
        q->has_score ? json_real(q->evaluation_score) : json_null(), "feedback_comment",
        str_or_null(q->feedback_comment), "strengths", stored_json(q->strengths, NULL),
        "improvements", stored_json(q->improvements, NULL), "model_answer",
        str_or_null(q->model_answer), "evaluation_engine", str_or_null(q->evaluation_engine),
        "created_at", render_time(q->created_at), "updated_at", render_time(q->updated_at));
    if (out != NULL) {
        json_object_set_new(out, "draft_text", str_or_null(q->draft_text));
        json_object_set_new(out, "draft_saved_at", render_time(q->draft_saved_at));
        json_object_set_new(out, "parent_id", str_or_null(q->parent_id));
        json_object_set_new(out, "input_mode", str_or_null(q->input_mode));
        json_object_set_new(out, "voice_stats", render_voice(q->has_voice, &q->voice));
    }
    return out;
}

const char *interviews_session_title(const interview_session_row *s)
{
    if (s->title != NULL)
        return s->title;
    return s->target_role ? s->target_role : GENERAL_TITLE;
}

/* The Session object; questions NULL renders `[]` (preparing, history items). */
static json_t *render_session(const interview_session_row *s, const interview_question_row *qs,
                              size_t nq, const interview_attempt_row *at, size_t na)
{
    json_t *questions = json_array();
    for (size_t i = 0; qs != NULL && i < nq; i++)
        json_array_append_new(questions, with_attempts(render_question(&qs[i]), &qs[i], at, na));
    json_t *out = json_pack(
        "{s:s, s:s, s:o, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, "
        "s:o, s:o, s:o}",
        "id", s->id, "user_id", s->user_id, "resume_id", str_or_null(s->resume_id), "status",
        s->status, "difficulty", s->difficulty, "question_count", (json_int_t)s->question_count,
        "focus_areas", stored_json(s->focus_areas, NULL), "target_role",
        str_or_null(s->target_role), "job_description", str_or_null(s->job_description),
        "started_at", render_time(s->started_at), "completed_at", render_time(s->completed_at),
        "final_score", s->has_final_score ? json_real(s->final_score) : json_null(),
        "feedback_summary", str_or_null(s->feedback_summary), "score_breakdown",
        stored_json(s->score_breakdown, NULL), "strengths", stored_json(s->strengths, NULL),
        "weaknesses", stored_json(s->weaknesses, NULL), "answered_count",
        (json_int_t)s->answered_count, "task_id", str_or_null(s->task_id), "error",
        str_or_null(s->error), "questions", questions);
    if (out != NULL) {
        json_object_set_new(out, "title", json_string(interviews_session_title(s)));
        json_object_set_new(out, "cancelled_at", render_time(s->cancelled_at));
        json_object_set_new(out, "follow_ups", json_boolean(s->follow_ups));
        json_object_set_new(out, "time_limit_minutes", json_integer(s->time_limit_minutes));
        json_object_set_new(out, "kind", json_string(s->kind ? s->kind : "interview"));
    }
    return out;
}

static json_t *render_next(const interview_question_row *q, long long total)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:o}", "question_id", q->id,
                     "question_text", q->question_text, "category", q->category, "difficulty",
                     q->difficulty, "order_index", (json_int_t)q->order_index, "number",
                     (json_int_t)(q->order_index + 1), "total", (json_int_t)total, "parent_id",
                     str_or_null(q->parent_id));
}

/* ---- loading and state checks --------------------------------------------------------------- */

/* The caller's session named by the path, with the handler thread's database in *d; answers
 * 404 (and returns IA_NOT_FOUND) when there is none. */
static int load_own(http_req *req, http_res *res, db **d, interview_session_row *out)
{
    *d = api_db(req);
    if (*d == NULL)
        return IA_ERR_UNAVAILABLE;
    int rc = interviews_store_get(*d, req->arena, req->user_id, http_param(req, "session_id"), out);
    if (rc == IA_NOT_FOUND) {
        http_error(res, 404, "NOT_FOUND", "Interview session not found");
        return IA_NOT_FOUND;
    }
    return rc;
}

/* Answers 409 when the session does not take answers or a completion (docs/api.md §4.2): still
 * preparing, failed, completed or completing. IA_OK when it does. */
static int check_open(http_res *res, const interview_session_row *s)
{
    if (strcmp(s->status, "cancelled") == 0) {
        http_error(res, 409, "SESSION_CANCELLED", "The interview was cancelled");
        return IA_ERR_CONFLICT;
    }
    if (strcmp(s->status, "preparing") == 0) {
        http_error(res, 409, "SESSION_NOT_READY",
                   "The interview is still being prepared; try again in a moment");
        return IA_ERR_CONFLICT;
    }
    if (strcmp(s->status, "failed") == 0) {
        http_error(res, 409, "SESSION_FAILED",
                   "Preparing this interview failed; start a new interview");
        return IA_ERR_CONFLICT;
    }
    if (strcmp(s->status, "completed") == 0 || s->completion_requested_at != 0) {
        http_error(res, 409, "ALREADY_COMPLETED", "The interview is already completed");
        return IA_ERR_CONFLICT;
    }
    return IA_OK;
}

/* After a guarded update found the session no longer open: reloads it and answers the 409
 * that its state now calls for. */
static int report_closed(http_req *req, http_res *res, db *d, const char *id)
{
    interview_session_row s;
    int rc = interviews_store_get(d, req->arena, req->user_id, id, &s);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "Interview session not found");
    if (rc != IA_OK)
        return rc;
    if (check_open(res, &s) == IA_OK)
        return http_error(res, 409, "CONFLICT", "The interview changed meanwhile; try again");
    return IA_ERR_CONFLICT;
}

/* ---- question plan ------------------------------------------------------------------------ */

/* The analysis of a resume row (stored JSON) in the arena; *out NULL when it is not analysed or
 * its analysis is unreadable (then the interview is a general one, and a warning is logged). */
static int analysis_of(arena *a, const resume_row *r, ai_analysis **out)
{
    *out = NULL;
    if (r->analysis == NULL || strcmp(r->status, "analyzed") != 0)
        return IA_OK;
    json_t *doc = json_loads(r->analysis, 0, NULL);
    ai_analysis *an = arena_calloc(a, 1, sizeof(*an));
    char err[256];
    int rc = doc && an ? ai_analysis_from_json(a, doc, an, err, sizeof(err)) : IA_ERR_INVALID;
    json_decref(doc);
    if (rc == IA_OK)
        *out = an;
    else
        log_warn("interviews", "stored resume analysis unreadable; general interview", "resume_id",
                 r->id);
    return an == NULL ? IA_ERR_NOMEM : IA_OK;
}

/* The caller's resume named by resume_id, analysed: answers 404 or 409 RESUME_NOT_READY (and
 * returns an error) otherwise. The row itself goes to *row when row is not NULL. */
static int load_analysed(http_req *req, http_res *res, db *d, const char *resume_id,
                         ai_analysis **out, resume_row *row)
{
    resume_row r;
    int rc = ia_uuid_valid(resume_id)
                 ? resumes_store_get(d, req->arena, req->user_id, resume_id, &r)
                 : IA_NOT_FOUND;
    if (rc == IA_NOT_FOUND) {
        http_error(res, 404, "NOT_FOUND", "Resume not found");
        return IA_NOT_FOUND;
    }
    if (rc != IA_OK)
        return rc;
    if (strcmp(r.status, "analyzed") != 0) {
        char detail[160];
        snprintf(detail, sizeof(detail), "The resume is %s; an interview needs an analysed resume",
                 r.status);
        http_error(res, 409, "RESUME_NOT_READY", detail);
        return IA_ERR_CONFLICT;
    }
    if (row != NULL)
        *row = r;
    return analysis_of(req->arena, &r, out);
}

/* The offline engine's plan for a request: the categories of its role and the notices of
 * docs/api.md §4.1. */
static int plan_of(http_req *req, const ai_generate_request *gr, ai_question_plan *plan)
{
    const ai_offline *e = ai_chain_offline(((ia_app *)req->app)->ai);
    return ai_offline_plan(e, req->arena, gr, plan);
}

static json_t *render_notices(const ai_question_plan *plan)
{
    json_t *list = json_array();
    for (size_t i = 0; i < plan->nnotices; i++)
        json_array_append_new(list, json_pack("{s:s, s:o, s:s}", "code", plan->notices[i].code,
                                              "category", str_or_null(plan->notices[i].category),
                                              "message", plan->notices[i].message));
    return list;
}

static const v_field categories_query[] = {
    { "target_role", V_STRING, 0, 1, 100, .example = "Registered Nurse",
      .description = "As in POST /interview/start; absent = the resume's inferred role" },
    { "resume_id", V_STRING, V_UUID, 36, 36, .example = "0190f1c2-7a2b-7c3d-8e4f-5a6b7c8d9e0f",
      .description = "One of your analysed resumes" },
};

/* GET /interview/categories: which question categories an interview for this role and resume
 * has, before it starts (docs/api.md §4.4). */
static int interview_categories(http_req *req, http_res *res)
{
    v_value q[V_COUNT(categories_query)];
    int rc = validate_query(req, res, categories_query, V_COUNT(categories_query), q);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    ai_generate_request gr = { 0 };
    ai_analysis *an = NULL;
    if (q[1].present && (rc = load_analysed(req, res, d, q[1].s, &an, NULL)) != IA_OK)
        return rc;
    gr.resume = an;
    gr.target_role = q[0].present ? q[0].s : NULL;
    ai_question_plan plan;
    if ((rc = plan_of(req, &gr, &plan)) != IA_OK)
        return rc;
    json_t *cats = json_array();
    for (size_t i = 0; i < plan.ncategories; i++) {
        const ai_category_status *c = &plan.categories[i];
        json_array_append_new(cats, json_pack("{s:s, s:b, s:I, s:o}", "category", c->category,
                                              "available", c->available, "questions",
                                              (json_int_t)c->questions, "reason",
                                              str_or_null(c->reason)));
    }
    return http_json(res, 200,
                     json_pack("{s:o, s:o}", "role", str_or_null(plan.role), "categories", cats));
}

/* ---- start ---------------------------------------------------------------------------------- */

static const v_field start_fields[] = {
    { "resume_id", V_STRING, V_UUID, 36, 36, .example = "0190f1c2-7a2b-7c3d-8e4f-5a6b7c8d9e0f",
      .description = "One of your analysed resumes; absent = a general interview" },
    { "question_count", V_INT, 0, 5, 30, .def = "12", .example = "5" },
    { "difficulty", V_STRING, 0, 1, 10, DIFFICULTIES, .def = "mixed", .example = "medium",
      .description = "`mixed`: 30% easy, 30% hard (rounded down), the rest medium; otherwise "
                     "every question at that level" },
    { "focus_areas", V_STRING_LIST, 0, 0, 10, NULL, 1, 50, .example = "[\"system design\"]" },
    { "job_description", V_STRING, V_MULTILINE, 1, 10000,
      .example = "Backend engineer: Python, PostgreSQL, AWS" },
    { "target_role", V_STRING, 0, 1, 100, .example = "Backend Engineer" },
    { "follow_ups", V_BOOL, 0, 0, 0, .def = "true", .example = "true",
      .description = "Ask one follow-up when an answer misses a key point (docs/api.md §4.6)" },
    { "time_limit_minutes", V_INT, 0, 0, 5, .def = "0", .example = "2",
      .description = "Per answer: 0 (off), 1, 2, 3 or 5 minutes; the web app counts it down" },
};

/* time_limit_minutes takes 0, 1, 2, 3 or 5 (docs/api.md §4.1); the range is the table's. */
static void check_start(const char *name, const v_value *value, json_t *items)
{
    if (strcmp(name, "time_limit_minutes") == 0 && value->i == 4)
        validate_add(items, "body", name, "Input should be 0, 1, 2, 3 or 5", "enum");
}

/* JSON array text of a validated string list, or NULL when it was not given. */
static char *list_text(arena *a, const v_value *v)
{
    if (!v->present)
        return NULL;
    json_t *arr = json_array();
    for (size_t i = 0; i < v->nlist; i++)
        json_array_append_new(arr, json_string(v->list[i]));
    char *dump = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    char *out = dump ? arena_strdup(a, dump) : NULL;
    free(dump);
    return out;
}

/* A new session's name (docs/api.md §4.5): "<role> · <resume title>", either alone when the
 * other is missing, or "General interview". */
static char *title_of(arena *a, const char *role, const char *resume_title)
{
    char buf[TITLE_MAX * 4 + 8];
    if (role != NULL && resume_title != NULL && *resume_title)
        snprintf(buf, sizeof(buf), "%s · %s", role, resume_title);
    else if (role != NULL)
        snprintf(buf, sizeof(buf), "%s", role);
    else if (resume_title != NULL && *resume_title)
        snprintf(buf, sizeof(buf), "%s", resume_title);
    else
        snprintf(buf, sizeof(buf), "%s", GENERAL_TITLE);
    return arena_strdup(a, buf);
}

/* Inserts the session and its generation job in one transaction. */
static int insert_with_job(db *d, interview_session_row *s, char task_id[37])
{
    json_t *payload = json_pack("{s:s}", "session_id", s->id);
    if (payload == NULL)
        return IA_ERR_NOMEM;
    int rc = db_begin(d);
    if (rc == IA_OK) {
        rc = jobs_enqueue(d, "interview.generate", payload, s->user_id, task_id);
        s->task_id = task_id;
        if (rc == IA_OK)
            rc = interviews_store_insert(d, s);
        if (rc == IA_OK)
            rc = db_commit(d);
        else
            db_rollback(d);
    }
    json_decref(payload);
    return rc;
}

static int interview_start(http_req *req, http_res *res)
{
    v_value in[V_COUNT(start_fields)];
    int rc = validate_body(req, res, start_fields, V_COUNT(start_fields), in, check_start);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    ai_analysis *an = NULL;
    resume_row resume = { 0 };
    if (in[0].present && (rc = load_analysed(req, res, d, in[0].s, &an, &resume)) != IA_OK)
        return rc; /* 404 or 409 written */
    int64_t now = ia_now_ms();
    char id[IA_UUID_LEN], task_id[37];
    ia_uuid_v7(now, id);
    interview_session_row s = { 0 };
    s.id = id;
    s.user_id = req->user_id;
    s.resume_id = in[0].present ? in[0].s : NULL;
    s.status = "preparing";
    s.difficulty = in[2].s; /* the table's default when absent */
    s.question_count = in[1].i;
    s.focus_areas = list_text(req->arena, &in[3]);
    if (in[3].present && s.focus_areas == NULL)
        return IA_ERR_NOMEM;
    s.job_description = in[4].present ? in[4].s : NULL;
    s.target_role = in[5].present ? in[5].s : NULL;
    if (s.target_role == NULL && an != NULL && an->inferred_role != NULL && *an->inferred_role)
        s.target_role = an->inferred_role; /* the resume's role, docs/api.md §4.1 */
    s.title = title_of(req->arena, s.target_role, in[0].present ? resume.title : NULL);
    if (s.title == NULL)
        return IA_ERR_NOMEM;
    s.follow_ups = in[6].b;
    s.time_limit_minutes = in[7].i;
    s.started_at = s.updated_at = now;
    /* What the session will leave out or fill from elsewhere, said now (docs/api.md §4.1). */
    ai_generate_request gr = { .resume = an,
                               .target_role = s.target_role,
                               .count = (int)s.question_count,
                               .focus_areas = { (const char **)in[3].list, in[3].nlist } };
    ai_question_plan plan;
    if ((rc = plan_of(req, &gr, &plan)) != IA_OK)
        return rc;
    rc = insert_with_job(d, &s, task_id);
    if (rc != IA_OK)
        return rc;
    jobs_wake();
    log_emit(LOG_INFO, "interviews", "interview started",
             (log_field[]){ LOG_STR("session_id", id), LOG_NUM("questions", s.question_count) }, 2);
    json_t *body = render_session(&s, NULL, 0, NULL, 0);
    json_object_set_new(body, "notices", render_notices(&plan));
    return http_json(res, 202, body);
}

/* ---- single-question practice ---------------------------------------------------------------- */

static const v_field practice_fields[] = {
    { "question_id", V_STRING, V_REQUIRED, 1, 100, .example = "tech-py-001",
      .description = "The bank id of a question (GET /api/v1/questions)" },
    { "time_limit_minutes", V_INT, 0, 0, 5, .def = "0", .example = "2",
      .description = "As in POST /interview/start: 0 (off), 1, 2, 3 or 5 minutes" },
};

/* The one question row of a practice session: the bank question with its rubric as JSON. */
static int practice_row(arena *a, const ai_question *q, int64_t now, interview_question_row *row)
{
    char *id = arena_alloc(a, IA_UUID_LEN);
    json_t *rubric = ai_question_to_json(q);
    char *dump = rubric ? json_dumps(rubric, JSON_COMPACT) : NULL;
    json_decref(rubric);
    memset(row, 0, sizeof(*row));
    row->rubric = dump ? arena_strdup(a, dump) : NULL;
    free(dump);
    if (id == NULL || row->rubric == NULL)
        return IA_ERR_NOMEM;
    ia_uuid_v7(now, id);
    row->id = id;
    row->question_text = q->text;
    row->category = q->category;
    row->difficulty = q->difficulty;
    row->bank_id = q->bank_id;
    return IA_OK;
}

/* A practice session's name: "Practice: " and the question, cut at a word near 80 bytes. */
static char *practice_title(arena *a, const char *text)
{
    char buf[128];
    size_t n = strlen(text);
    if (n > 80) {
        n = 80;
        while (n > 40 && text[n] != ' ')
            n--;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--; /* never inside a UTF-8 character */
    }
    snprintf(buf, sizeof(buf), "Practice: %.*s%s", (int)n, text, n < strlen(text) ? "…" : "");
    return arena_strdup(a, buf);
}

/* POST /interview/practice: a session of one bank question (docs/api.md §4.7), in progress at
 * once, answered, retried and completed like any interview. It asks no follow-up. */
static int interview_practice(http_req *req, http_res *res)
{
    v_value in[V_COUNT(practice_fields)];
    int rc = validate_body(req, res, practice_fields, V_COUNT(practice_fields), in, check_start);
    if (rc != IA_OK)
        return rc;
    const ai_bank_item *it = questions_find(req, in[0].s);
    if (it == NULL)
        return http_error(res, 404, "NOT_FOUND", "Question not found");
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    int64_t now = ia_now_ms();
    char id[IA_UUID_LEN];
    ia_uuid_v7(now, id);
    interview_session_row s = { 0 };
    s.id = id;
    s.user_id = req->user_id;
    s.status = "preparing";
    s.difficulty = it->question.difficulty;
    s.question_count = 1;
    s.title = practice_title(req->arena, it->question.text);
    s.time_limit_minutes = in[1].i;
    s.kind = "practice";
    s.started_at = s.updated_at = now;
    interview_question_row row;
    if (s.title == NULL || (rc = practice_row(req->arena, &it->question, now, &row)) != IA_OK)
        return s.title == NULL ? IA_ERR_NOMEM : rc;
    if ((rc = db_begin(d)) != IA_OK)
        return rc;
    rc = interviews_store_insert(d, &s);
    if (rc == IA_OK)
        rc = interviews_store_set_questions(d, s.id, &row, 1, now);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc != IA_OK)
        return rc;
    log_emit(LOG_INFO, "interviews", "practice started",
             (log_field[]){ LOG_STR("session_id", id), LOG_STR("bank_id", in[0].s) }, 2);
    interview_session_row saved;
    interview_question_row *qs = NULL;
    size_t nq = 0;
    rc = interviews_store_get(d, req->arena, req->user_id, id, &saved);
    if (rc == IA_OK)
        rc = interviews_store_questions(d, req->arena, id, &qs, &nq);
    if (rc != IA_OK)
        return rc;
    return http_json(res, 201, render_session(&saved, qs, nq, NULL, 0));
}

/* ---- history, get, next ------------------------------------------------------------------- */

static const v_field history_query[] = {
    V_QUERY_SKIP,
    V_QUERY_LIMIT("10"),
    { "status", V_STRING, 0, 0, 20, STATUSES, .description = "Only sessions in this status" },
};

static int interview_history(http_req *req, http_res *res)
{
    v_value q[V_COUNT(history_query)];
    int rc = validate_query(req, res, history_query, V_COUNT(history_query), q);
    if (rc != IA_OK)
        return rc;
    long long skip = q[0].i, limit = q[1].i;
    const char *status = q[2].s;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    interview_session_row *list = NULL;
    size_t n = 0;
    long long total = 0;
    rc = interviews_store_list(d, req->arena, req->user_id, status, skip, limit, &list, &n, &total);
    if (rc != IA_OK)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, render_session(&list[i], NULL, 0, NULL, 0));
    return http_json(res, 200, render_page(items, total, skip, limit));
}

static int interview_get(http_req *req, http_res *res)
{
    db *d = NULL;
    interview_session_row s;
    int rc = load_own(req, res, &d, &s);
    if (rc != IA_OK)
        return rc;
    interview_question_row *qs = NULL;
    interview_attempt_row *at = NULL;
    size_t nq = 0, na = 0;
    rc = interviews_store_questions(d, req->arena, s.id, &qs, &nq);
    if (rc == IA_OK)
        rc = interviews_store_attempts(d, req->arena, s.id, &at, &na);
    if (rc != IA_OK)
        return rc;
    return http_json(res, 200, render_session(&s, qs, nq, at, na));
}

/* 409 for a session whose questions are not there to answer (preparing or failed). */
static int check_ready(http_res *res, const interview_session_row *s)
{
    if (strcmp(s->status, "preparing") == 0 || strcmp(s->status, "failed") == 0 ||
        strcmp(s->status, "cancelled") == 0)
        return check_open(res, s);
    return IA_OK;
}

static int interview_next(http_req *req, http_res *res)
{
    db *d = NULL;
    interview_session_row s;
    int rc = load_own(req, res, &d, &s);
    if (rc != IA_OK)
        return rc;
    rc = check_ready(res, &s);
    if (rc != IA_OK)
        return rc;
    interview_question_row q;
    rc = interviews_store_next(d, req->arena, s.id, &q);
    if (rc == IA_NOT_FOUND)
        return http_empty(res, 204);
    if (rc != IA_OK)
        return rc;
    return http_json(res, 200, render_next(&q, s.total_questions));
}

/* ---- answer and complete ------------------------------------------------------------------ */

static const v_field answer_fields[] = {
    { "answer_text", V_STRING, V_REQUIRED | V_MULTILINE, 1, 5000,
      .example = "I led the migration of our payments API to PostgreSQL..." },
    { "time_taken_seconds", V_INT, 0, 0, 3600, .example = "95" },
    { "voice_seconds", V_INT, 0, 1, 3600, .example = "42",
      .description = "Given for a dictated answer: how long the dictation ran, in seconds. The "
                     "server computes its words per minute and filler words (`voice_stats`)" },
};

/* The voice figures of an answer (docs/api.md §4.2) into *voice, *has set when it was
 * dictated (voice_seconds given). */
static int voice_of(http_req *req, const v_value *in, interview_voice *voice, bool *has)
{
    *has = false;
    if (!in[2].present)
        return IA_OK;
    ai_voice_stats st;
    int rc = ai_voice_measure(req->arena, in[0].s, (double)in[2].i, &st);
    if (rc != IA_OK)
        return rc;
    voice->seconds = (double)in[2].i;
    voice->words_per_minute = st.words_per_minute;
    voice->filler_count = (long long)st.fillers;
    *has = true;
    return IA_OK;
}

/* The caller's session of the path and its question {question_id}, for a request that changes
 * the question's answer: 404 for a question of another session, and check_open's answer when
 * the session takes no answers. */
static int load_open_question(http_req *req, http_res *res, db **d, interview_session_row *s,
                              interview_question_row *q)
{
    int rc = load_own(req, res, d, s);
    if (rc != IA_OK)
        return rc;
    rc = interviews_store_question(*d, req->arena, s->id, http_param(req, "question_id"), q);
    if (rc == IA_NOT_FOUND) {
        http_error(res, 404, "NOT_FOUND", "Question not found in this interview");
        return IA_NOT_FOUND;
    }
    if (rc != IA_OK)
        return rc;
    return check_open(res, s);
}

/* Queues the evaluation of revision of a question's answer, inside the caller's transaction. */
static int enqueue_evaluation(db *d, const char *user_id, const char *session_id,
                              const char *question_id, long long revision, char task_id[37])
{
    json_t *payload = json_pack("{s:s, s:s, s:I}", "session_id", session_id, "question_id",
                                question_id, "revision", (json_int_t)revision);
    int rc = payload ? jobs_enqueue(d, "interview.evaluate_answer", payload, user_id, task_id)
                     : IA_ERR_NOMEM;
    json_decref(payload);
    return rc;
}

/* Stores the answer and queues its evaluation in one transaction that holds the session row:
 * IA_NOT_FOUND when the session stopped taking answers. */
static int store_answer(db *d, arena *a, const char *user_id, const char *session_id,
                        const char *question_id, const v_value *in, const interview_voice *voice,
                        char task_id[37])
{
    int64_t now = ia_now_ms();
    long long revision = 0;
    int rc = db_begin(d);
    if (rc != IA_OK)
        return rc;
    rc = interviews_store_lock_open(d, user_id, session_id, now);
    if (rc == IA_OK)
        rc = interviews_store_answer(d, a, session_id, question_id, in[0].s,
                                     in[1].present ? in[1].i : -1, voice, now, &revision);
    if (rc == IA_OK)
        rc = enqueue_evaluation(d, user_id, session_id, question_id, revision, task_id);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    return rc;
}

static int interview_answer(http_req *req, http_res *res)
{
    v_value in[V_COUNT(answer_fields)];
    int rc = validate_body(req, res, answer_fields, V_COUNT(answer_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    interview_voice voice;
    bool dictated = false;
    if ((rc = voice_of(req, in, &voice, &dictated)) != IA_OK)
        return rc;
    db *d = NULL;
    interview_session_row s;
    interview_question_row q;
    rc = load_open_question(req, res, &d, &s, &q);
    if (rc != IA_OK)
        return rc;
    char task_id[37];
    rc = store_answer(d, req->arena, req->user_id, s.id, q.id, in, dictated ? &voice : NULL,
                      task_id);
    if (rc == IA_NOT_FOUND)
        return report_closed(req, res, d, s.id);
    if (rc != IA_OK)
        return rc;
    jobs_wake();
    interview_question_row next;
    rc = interviews_store_next(d, req->arena, s.id, &next);
    if (rc != IA_OK && rc != IA_NOT_FOUND)
        return rc;
    json_t *nj = rc == IA_OK ? render_next(&next, s.total_questions) : json_null();
    return http_json(res, 200,
                     json_pack("{s:o, s:s, s:o}", "next_question", nj, "evaluation_task_id",
                               task_id, "voice_stats", render_voice(dictated, &voice)));
}

/* Keeps the question's current answer as an attempt, stores the new one and queues its
 * evaluation, in one transaction that holds the session row (docs/api.md §4.2). IA_NOT_FOUND
 * when the session stopped taking answers; IA_ERR_CONFLICT when the answer changed or its
 * evaluation restarted meanwhile. */
static int store_attempt(db *d, arena *a, const char *user_id, const interview_question_row *q,
                         const v_value *in, const interview_voice *voice, long long *number,
                         char task_id[37])
{
    int64_t now = ia_now_ms();
    long long revision = 0;
    char attempt_id[IA_UUID_LEN];
    ia_uuid_v7(now, attempt_id);
    int rc = db_begin(d);
    if (rc != IA_OK)
        return rc;
    rc = interviews_store_lock_open(d, user_id, q->session_id, now);
    if (rc == IA_OK) {
        rc = interviews_store_keep_attempt(d, a, attempt_id, q->session_id, q->id,
                                           q->answer_revision, now, number);
        if (rc == IA_NOT_FOUND)
            rc = IA_ERR_CONFLICT;
    }
    if (rc == IA_OK)
        rc = interviews_store_answer(d, a, q->session_id, q->id, in[0].s,
                                     in[1].present ? in[1].i : -1, voice, now, &revision);
    if (rc == IA_OK)
        rc = enqueue_evaluation(d, user_id, q->session_id, q->id, revision, task_id);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    (*number)++; /* the new answer is the attempt after the one kept */
    return rc;
}

/* POST /interview/{id}/questions/{qid}/attempts: answers an answered question again. The
 * earlier answer stays with its score and feedback; the new one is evaluated like any answer
 * and is the one the session's score counts. */
static int interview_attempt(http_req *req, http_res *res)
{
    v_value in[V_COUNT(answer_fields)];
    int rc = validate_body(req, res, answer_fields, V_COUNT(answer_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    interview_voice voice;
    bool dictated = false;
    if ((rc = voice_of(req, in, &voice, &dictated)) != IA_OK)
        return rc;
    db *d = NULL;
    interview_session_row s;
    interview_question_row q;
    rc = load_open_question(req, res, &d, &s, &q);
    if (rc != IA_OK)
        return rc;
    if (q.answer_text == NULL)
        return http_error(res, 409, "NOT_ANSWERED",
                          "Answer the question first; a retry needs an earlier answer");
    if (strcmp(q.evaluation_status, "pending") == 0)
        return http_error(res, 409, "EVALUATION_PENDING",
                          "The last answer is still being scored; retry once its feedback is in");
    interview_attempt_row *at = NULL;
    size_t na = 0;
    long long earlier = 0;
    rc = interviews_store_attempts(d, req->arena, s.id, &at, &na);
    if (rc != IA_OK)
        return rc;
    json_decref(render_attempts(q.id, at, na, &earlier));
    if (earlier + 1 >= ATTEMPTS_MAX) {
        char detail[96];
        snprintf(detail, sizeof(detail), "A question takes at most %d attempts", ATTEMPTS_MAX);
        return http_error(res, 409, "TOO_MANY_ATTEMPTS", detail);
    }
    long long number = 0;
    char task_id[37];
    rc = store_attempt(d, req->arena, req->user_id, &q, in, dictated ? &voice : NULL, &number,
                       task_id);
    if (rc == IA_NOT_FOUND)
        return report_closed(req, res, d, s.id);
    if (rc == IA_ERR_CONFLICT)
        return http_error(res, 409, "CONFLICT", "The answer changed meanwhile; try again");
    if (rc != IA_OK)
        return rc;
    jobs_wake();
    return http_json(res, 202,
                     json_pack("{s:s, s:s, s:I, s:s, s:o}", "session_id", s.id, "question_id", q.id,
                               "attempt_number", (json_int_t)number, "evaluation_task_id", task_id,
                               "voice_stats", render_voice(dictated, &voice)));
}

static const v_field draft_fields[] = {
    { "draft_text", V_STRING, V_REQUIRED | V_MULTILINE, 0, 5000, .example = "In my last role I...",
      .description = "The answer being typed; empty clears the draft" },
};

/* PUT /interview/{id}/questions/{qid}/draft: saves the answer being typed (docs/api.md §4.2) so
 * that a reload, a navigation or another device finds it; storing the answer clears it. */
static int interview_draft(http_req *req, http_res *res)
{
    v_value in[V_COUNT(draft_fields)];
    int rc = validate_body(req, res, draft_fields, V_COUNT(draft_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    db *d = NULL;
    interview_session_row s;
    interview_question_row q;
    rc = load_open_question(req, res, &d, &s, &q);
    if (rc != IA_OK)
        return rc;
    const char *text = *in[0].s ? in[0].s : NULL;
    int64_t now = ia_now_ms();
    rc = interviews_store_save_draft(d, req->user_id, s.id, q.id, text, now);
    if (rc == IA_NOT_FOUND)
        return report_closed(req, res, d, s.id);
    if (rc != IA_OK)
        return rc;
    return http_json(res, 200,
                     json_pack("{s:s, s:o, s:o}", "question_id", q.id, "draft_text",
                               str_or_null(text), "draft_saved_at", render_time(text ? now : 0)));
}

static int interview_complete(http_req *req, http_res *res)
{
    db *d = NULL;
    interview_session_row s;
    int rc = load_own(req, res, &d, &s);
    if (rc != IA_OK)
        return rc;
    rc = check_open(res, &s);
    if (rc != IA_OK)
        return rc;
    long long unanswered = s.total_questions - s.answered_count;
    if (unanswered > 0) {
        char detail[96];
        snprintf(detail, sizeof(detail), "%lld of %lld questions are unanswered", unanswered,
                 s.total_questions);
        return http_error(res, 400, "UNANSWERED_QUESTIONS", detail);
    }
    char task_id[37];
    json_t *payload = json_pack("{s:s}", "session_id", s.id);
    rc = payload ? db_begin(d) : IA_ERR_NOMEM;
    if (rc == IA_OK) {
        rc = jobs_enqueue(d, "interview.complete", payload, req->user_id, task_id);
        if (rc == IA_OK)
            rc = interviews_store_request_completion(d, s.id, task_id, ia_now_ms());
        if (rc == IA_OK)
            rc = db_commit(d);
        else
            db_rollback(d);
    }
    json_decref(payload);
    if (rc == IA_NOT_FOUND)
        return report_closed(req, res, d, s.id);
    if (rc != IA_OK)
        return rc;
    jobs_wake();
    return http_json(res, 202, json_pack("{s:s, s:s}", "session_id", s.id, "task_id", task_id));
}

/* ---- cancel and delete (docs/api.md §4.5) -------------------------------------------------- */

/* POST /interview/{id}/cancel: stops a session that is preparing or in progress. It stays in
 * the history as cancelled, takes no more answers and leaves the dashboard's averages. */
static int interview_cancel(http_req *req, http_res *res)
{
    db *d = NULL;
    interview_session_row s;
    int rc = load_own(req, res, &d, &s);
    if (rc != IA_OK)
        return rc;
    if (strcmp(s.status, "cancelled") == 0)
        return http_error(res, 409, "ALREADY_CANCELLED", "The interview is already cancelled");
    if (strcmp(s.status, "failed") == 0)
        return check_open(res, &s);
    if (strcmp(s.status, "completed") == 0 || s.completion_requested_at != 0)
        return check_open(res, &s);
    rc = interviews_store_cancel(d, req->user_id, s.id, ia_now_ms());
    if (rc == IA_NOT_FOUND) {
        /* Cancelled, completed or deleted meanwhile: answer what its state now calls for. */
        rc = interviews_store_get(d, req->arena, req->user_id, s.id, &s);
        if (rc == IA_NOT_FOUND)
            return http_error(res, 404, "NOT_FOUND", "Interview session not found");
        if (rc != IA_OK)
            return rc;
        if (strcmp(s.status, "cancelled") == 0)
            return http_error(res, 409, "ALREADY_CANCELLED", "The interview is already cancelled");
        if (check_open(res, &s) == IA_OK)
            return http_error(res, 409, "CONFLICT", "The interview changed meanwhile; try again");
        return IA_ERR_CONFLICT;
    }
    if (rc != IA_OK)
        return rc;
    rc = interviews_store_get(d, req->arena, req->user_id, s.id, &s);
    if (rc != IA_OK)
        return rc;
    log_info("interviews", "interview cancelled", "session_id", s.id);
    return http_json(res, 200, render_session(&s, NULL, 0, NULL, 0));
}

/* DELETE /interview/{id}: the session, its questions and answers and its tasks are gone, in
 * any state; a task running meanwhile finds nothing left to store. */
static int interview_delete(http_req *req, http_res *res)
{
    db *d = NULL;
    interview_session_row s;
    int rc = load_own(req, res, &d, &s);
    if (rc != IA_OK)
        return rc;
    rc = interviews_store_delete(d, req->user_id, s.id);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "Interview session not found");
    if (rc != IA_OK)
        return rc;
    log_info("interviews", "interview deleted", "session_id", s.id);
    return http_empty(res, 204);
}

/* ---- summary -------------------------------------------------------------------------------- */

/* "Strengths:\n- a\n- b\n\nWeaknesses:\n- c" of a completed session (docs/api.md §4.3). */
static json_t *strengths_weaknesses(const interview_session_row *s)
{
    if (strcmp(s->status, "completed") != 0)
        return json_string(NOT_AVAILABLE_SUMMARY);
    json_t *st = stored_json(s->strengths, json_array());
    json_t *wk = stored_json(s->weaknesses, json_array());
    size_t len = 32;
    size_t i;
    json_t *v;
    json_array_foreach(st, i, v) len +=
        strlen(json_string_value(v) ? json_string_value(v) : "") + 3;
    json_array_foreach(wk, i, v) len +=
        strlen(json_string_value(v) ? json_string_value(v) : "") + 3;
    char *out = malloc(len);
    json_t *res = NULL;
    if (out != NULL) {
        size_t o = (size_t)snprintf(out, len, "Strengths:");
        json_array_foreach(st, i, v)
        {
            const char *t = json_string_value(v);
            o += (size_t)snprintf(out + o, len - o, "\n- %s", t ? t : "");
        }
        o += (size_t)snprintf(out + o, len - o, "\n\nWeaknesses:");
        json_array_foreach(wk, i, v)
        {
            const char *t = json_string_value(v);
            o += (size_t)snprintf(out + o, len - o, "\n- %s", t ? t : "");
        }
        res = json_string(out);
        free(out);
    }
    json_decref(st);
    json_decref(wk);
    return res;
}

static int interview_summary(http_req *req, http_res *res)
{
    db *d = NULL;
    interview_session_row s;
    int rc = load_own(req, res, &d, &s);
    if (rc != IA_OK)
        return rc;
    interview_question_row *qs = NULL;
    interview_attempt_row *at = NULL;
    size_t nq = 0, na = 0;
    rc = interviews_store_questions(d, req->arena, s.id, &qs, &nq);
    if (rc == IA_OK)
        rc = interviews_store_attempts(d, req->arena, s.id, &at, &na);
    if (rc != IA_OK)
        return rc;
    json_t *questions = json_array();
    for (size_t i = 0; i < nq; i++) {
        const interview_question_row *q = &qs[i];
        json_array_append_new(
            questions,
            with_attempts(
                json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                          "question_id", q->id, "question", q->question_text, "answer",
                          str_or_null(q->answer_text), "category", q->category, "difficulty",
                          q->difficulty, "evaluation_score",
                          q->has_score ? json_real(q->evaluation_score) : json_null(),
                          "feedback_comment", str_or_null(q->feedback_comment), "strengths",
                          stored_json(q->strengths, json_array()), "improvements",
                          stored_json(q->improvements, json_array()), "model_answer",
                          str_or_null(q->model_answer), "evaluation_engine",
                          str_or_null(q->evaluation_engine), "time_taken_seconds",
                          q->has_time ? json_integer(q->time_taken_seconds) : json_null()),
                q, at, na));
        json_t *last = json_array_get(questions, json_array_size(questions) - 1);
        json_object_set_new(last, "parent_id", str_or_null(q->parent_id));
        json_object_set_new(last, "voice_stats", render_voice(q->has_voice, &q->voice));
    }
    const user_row *me = api_current_user(req);
    json_t *out = json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "session_id", s.id,
        "status", s.status, "user_full_name", me && me->full_name ? me->full_name : "", "resume_id",
        str_or_null(s.resume_id), "started_at", render_time(s.started_at), "completed_at",
        render_time(s.completed_at), "final_score",
        s.has_final_score ? json_real(s.final_score) : json_null(), "feedback_summary",
        str_or_null(s.feedback_summary), "score_breakdown", stored_json(s.score_breakdown, NULL),
        "strengths", stored_json(s.strengths, json_array()), "weaknesses",
        stored_json(s.weaknesses, json_array()), "strengths_weaknesses", strengths_weaknesses(&s),
        "questions", questions);
    if (out != NULL)
        json_object_set_new(out, "title", json_string(interviews_session_title(&s)));
    return http_json(res, 200, out);
}

/* ---- export --------------------------------------------------------------------------------- */

json_t *interviews_export(db *d, arena *a, const char *user_id, int *rc)
{
    interview_session_row *list = NULL;
    size_t n = 0;
    long long total = 0;
    *rc = interviews_store_list(d, a, user_id, NULL, 0, 100000, &list, &n, &total);
    json_t *out = *rc == IA_OK ? json_array() : NULL;
    for (size_t i = 0; out != NULL && i < n; i++) {
        interview_question_row *qs = NULL;
        interview_attempt_row *at = NULL;
        size_t nq = 0, na = 0;
        *rc = interviews_store_questions(d, a, list[i].id, &qs, &nq);
        if (*rc == IA_OK)
            *rc = interviews_store_attempts(d, a, list[i].id, &at, &na);
        if (*rc != IA_OK) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, render_session(&list[i], qs, nq, at, na));
    }
    return out;
}

/* ---- jobs ----------------------------------------------------------------------------------- */

static ai_chain *chain_of(const job_ctx *ctx)
{
    return ((ia_app *)ctx->app)->ai;
}

/* A JSON array of strings as an ai_strs in the arena (non-strings skipped). */
static int strs_of(arena *a, const json_t *arr, ai_strs *out)
{
    out->v = NULL;
    out->n = 0;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return IA_OK;
    out->v = arena_calloc(a, json_array_size(arr), sizeof(*out->v));
    if (out->v == NULL)
        return IA_ERR_NOMEM;
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v)) {
            out->v[out->n] = arena_strdup(a, json_string_value(v));
            if (out->v[out->n] == NULL)
                return IA_ERR_NOMEM;
            out->n++;
        }
    }
    return IA_OK;
}

/* JSON array text of a list of strings, allocated in the arena. */
static char *strs_text(arena *a, const ai_strs *s)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < s->n; i++)
        json_array_append_new(arr, json_string(s->v[i]));
    char *dump = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    char *out = dump ? arena_strdup(a, dump) : NULL;
    free(dump);
    return out;
}

/* A different seed per session, so that equally good questions vary between sessions. */
static uint64_t session_seed(const char *id)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

/* The analysis of the session's resume when it still exists and is analysed; *out NULL for a
 * general interview. */
static int load_resume_analysis(job_ctx *ctx, const interview_session_row *s, ai_analysis **out)
{
    *out = NULL;
    if (s->resume_id == NULL)
        return IA_OK;
    resume_row r;
    int rc = resumes_store_get(ctx->db, ctx->arena, NULL, s->resume_id, &r);
    if (rc == IA_NOT_FOUND)
        return IA_OK;
    return rc == IA_OK ? analysis_of(ctx->arena, &r, out) : rc;
}

/* The question rows to store for generated questions, each with its rubric as JSON. */
static int question_rows(job_ctx *ctx, const ai_questions *qs, interview_question_row **out)
{
    interview_question_row *rows = arena_calloc(ctx->arena, qs->n + 1, sizeof(*rows));
    if (rows == NULL)
        return IA_ERR_NOMEM;
    int64_t now = ia_now_ms();
    for (size_t i = 0; i < qs->n; i++) {
        char *id = arena_alloc(ctx->arena, IA_UUID_LEN);
        json_t *rubric = ai_question_to_json(&qs->v[i]);
        char *dump = rubric ? json_dumps(rubric, JSON_COMPACT) : NULL;
        json_decref(rubric);
        rows[i].rubric = dump ? arena_strdup(ctx->arena, dump) : NULL;
        free(dump);
        if (id == NULL || rows[i].rubric == NULL)
            return IA_ERR_NOMEM;
        ia_uuid_v7(now, id);
        rows[i].id = id;
        rows[i].order_index = (long long)i;
        rows[i].question_text = qs->v[i].text;
        rows[i].category = qs->v[i].category;
        rows[i].difficulty = qs->v[i].difficulty;
        rows[i].bank_id = qs->v[i].bank_id;
    }
    *out = rows;
    return IA_OK;
}

/* The session of a job's payload. IA_NOT_FOUND when it was deleted meanwhile, with the job's
 * result saying so (nothing is left to do). */
static int job_session(job_ctx *ctx, interview_session_row *s)
{
    const char *id = json_string_value(json_object_get(ctx->payload, "session_id"));
    int rc = id ? interviews_store_get(ctx->db, ctx->arena, NULL, id, s) : IA_NOT_FOUND;
    if (rc == IA_NOT_FOUND)
        ctx->result = json_pack("{s:s, s:s}", "session_id", id ? id : "", "status", "deleted");
    return rc;
}

/* interview.generate: the session's questions from its resume (or none), role, difficulty,
 * count, focus areas and job description, avoiding the user's recent questions. */
static int job_generate(job_ctx *ctx)
{
    interview_session_row s;
    int rc = job_session(ctx, &s);
    if (rc != IA_OK)
        return rc == IA_NOT_FOUND ? IA_OK : rc;
    if (strcmp(s.status, "preparing") != 0) {
        /* Already done by an earlier run of this job. */
        ctx->result = json_pack("{s:s, s:s, s:I}", "session_id", s.id, "status", s.status,
                                "question_count", (json_int_t)s.total_questions);
        return IA_OK;
    }
    ai_generate_request gr = { 0 };
    ai_analysis *resume = NULL;
    rc = load_resume_analysis(ctx, &s, &resume);
    gr.resume = resume;
    json_t *focus = s.focus_areas ? json_loads(s.focus_areas, 0, NULL) : NULL;
    if (rc == IA_OK)
        rc = strs_of(ctx->arena, focus, &gr.focus_areas);
    json_decref(focus);
    if (rc == IA_OK)
        rc =
            interviews_store_recent_questions(ctx->db, ctx->arena, s.user_id, s.id, RECENT_SESSIONS,
                                              RECENT_QUESTIONS_MAX, &gr.avoid.v, &gr.avoid.n);
    if (rc != IA_OK)
        return rc;
    gr.target_role = s.target_role;
    gr.difficulty = s.difficulty;
    gr.count = (int)s.question_count;
    gr.job_description = s.job_description;
    gr.seed = session_seed(s.id);
    ai_questions qs = { 0 };
    ai_meta meta = { 0 };
    rc = ai_chain_generate(chain_of(ctx), ctx->arena, &gr, &qs, &meta);
    if (rc == IA_OK && qs.n != (size_t)s.question_count) {
        snprintf(ctx->error, sizeof(ctx->error), "generation gave %zu of %lld questions", qs.n,
                 s.question_count);
        return IA_ERR_INTERNAL;
    }
    if (rc != IA_OK) {
        snprintf(ctx->error, sizeof(ctx->error), "question generation failed: %s", ia_strerror(rc));
        return rc;
    }
    interview_question_row *rows = NULL;
    rc = question_rows(ctx, &qs, &rows);
    if (rc == IA_OK)
        rc = db_begin(ctx->db);
    if (rc != IA_OK)
        return rc;
    rc = interviews_store_set_questions(ctx->db, s.id, rows, qs.n, ia_now_ms());
    if (rc == IA_OK)
        rc = db_commit(ctx->db);
    else
        db_rollback(ctx->db);
    if (rc == IA_NOT_FOUND) {
        ctx->result = json_pack("{s:s, s:s}", "session_id", s.id, "status", "unchanged");
        return IA_OK;
    }
    if (rc != IA_OK)
        return rc;
    log_info("interviews", "interview questions generated", "session_id", s.id, "engine",
             ai_engine_name(meta.engine));
    ctx->result = json_pack("{s:s, s:s, s:I}", "session_id", s.id, "status", "in_progress",
                            "question_count", (json_int_t)qs.n);
    return IA_OK;
}

static void job_generate_failed(job_ctx *ctx)
{
    const char *id = json_string_value(json_object_get(ctx->payload, "session_id"));
    const char *why = *ctx->error ? ctx->error : "question generation failed";
    int rc = id ? interviews_store_set_failed(ctx->db, id, why, ia_now_ms()) : IA_OK;
    if (rc != IA_OK && rc != IA_NOT_FOUND)
        log_warn("interviews", "cannot mark a session as failed", "session_id", id);
}

static int job_generate_retried(db *d, json_t *payload, int64_t now)
{
    const char *id = json_string_value(json_object_get(payload, "session_id"));
    int rc = id ? interviews_store_set_preparing(d, id, now) : IA_OK;
    return rc == IA_NOT_FOUND ? IA_OK : rc;
}

/* The stored question as the engine's question with its rubric (or, when the rubric is
 * unreadable, the bare question). */
static int question_of(arena *a, const interview_question_row *q, ai_question *out)
{
    json_t *j = q->rubric ? json_loads(q->rubric, 0, NULL) : NULL;
    char err[256];
    int rc = j ? ai_question_from_json(a, j, out, err, sizeof(err)) : IA_ERR_INVALID;
    json_decref(j);
    if (rc == IA_OK)
        return IA_OK;
    memset(out, 0, sizeof(*out));
    out->text = q->question_text;
    out->category = q->category;
    out->difficulty = q->difficulty;
    out->bank_id = q->bank_id;
    return IA_OK;
}

/* The follow-up row to q composed from its evaluation (docs/api.md §4.6), with its rubric;
 * IA_NOT_FOUND when the answer missed nothing. */
static int follow_up_row(job_ctx *ctx, const ai_question *parent, const ai_evaluation *ev,
                         interview_question_row *out)
{
    ai_question fq;
    int rc = ai_offline_follow_up(ctx->arena, parent, ev, &fq);
    if (rc != IA_OK)
        return rc;
    json_t *rubric = ai_question_to_json(&fq);
    char *dump = rubric ? json_dumps(rubric, JSON_COMPACT) : NULL;
    json_decref(rubric);
    char *id = arena_alloc(ctx->arena, IA_UUID_LEN);
    memset(out, 0, sizeof(*out));
    out->rubric = dump ? arena_strdup(ctx->arena, dump) : NULL;
    free(dump);
    if (id == NULL || out->rubric == NULL)
        return IA_ERR_NOMEM;
    ia_uuid_v7(ia_now_ms(), id);
    out->id = id;
    out->question_text = fq.text;
    out->category = fq.category;
    out->difficulty = fq.difficulty;
    return IA_OK;
}

/* Stores an evaluation and, with a follow-up row, adds the follow-up in the same transaction,
 * which holds the session row first so that completion cannot slip in between. A session that
 * stopped taking answers gets the evaluation without the follow-up. */
static int store_evaluation(job_ctx *ctx, const interview_session_row *s,
                            const interview_question_row *q, const interview_evaluation *st,
                            const interview_question_row *follow)
{
    int64_t now = ia_now_ms();
    if (follow == NULL)
        return interviews_store_set_evaluation(ctx->db, q->id, q->answer_revision, st, now);
    int rc = db_begin(ctx->db);
    if (rc != IA_OK)
        return rc;
    bool open = interviews_store_lock_open(ctx->db, s->user_id, s->id, now) == IA_OK;
    rc = interviews_store_set_evaluation(ctx->db, q->id, q->answer_revision, st, now);
    if (rc == IA_OK && open) {
        rc = interviews_store_add_follow_up(ctx->db, s->id, q->id, follow, now);
        if (rc == IA_OK)
            log_info("interviews", "follow-up question added", "session_id", s->id);
        if (rc == IA_NOT_FOUND)
            rc = IA_OK; /* it has one already, or the session no longer asks */
    }
    if (rc == IA_OK)
        rc = db_commit(ctx->db);
    else
        db_rollback(ctx->db);
    return rc;
}

/* Evaluates the stored answer of q (revision q->answer_revision) and stores the result, with a
 * follow-up question when `follow_up` and the answer missed a key point; IA_NOT_FOUND when
 * the answer was replaced or evaluated meanwhile. */
static int evaluate_one(job_ctx *ctx, const interview_session_row *s,
                        const interview_question_row *q, bool follow_up, double *score)
{
    ai_question aq;
    int rc = question_of(ctx->arena, q, &aq);
    if (rc != IA_OK)
        return rc;
    ai_evaluate_request er = { &aq, q->answer_text, q->has_time ? (int)q->time_taken_seconds : -1,
                               s->target_role };
    ai_evaluation ev = { 0 };
    ai_meta meta = { 0 };
    rc = ai_chain_evaluate(chain_of(ctx), ctx->arena, &er, &ev, &meta);
    if (rc != IA_OK) {
        snprintf(ctx->error, sizeof(ctx->error), "answer evaluation failed: %s", ia_strerror(rc));
        return rc;
    }
    interview_evaluation st = { ev.score,
                                ev.communication,
                                ev.feedback,
                                strs_text(ctx->arena, &ev.strengths),
                                strs_text(ctx->arena, &ev.improvements),
                                ev.model_answer,
                                ai_engine_name(meta.engine) };
    if (st.strengths == NULL || st.improvements == NULL)
        return IA_ERR_NOMEM;
    interview_question_row follow;
    bool with_follow = false;
    if (follow_up) {
        rc = follow_up_row(ctx, &aq, &ev, &follow);
        if (rc != IA_OK && rc != IA_NOT_FOUND)
            return rc;
        with_follow = rc == IA_OK;
    }
    rc = store_evaluation(ctx, s, q, &st, with_follow ? &follow : NULL);
    if (rc == IA_OK)
        *score = ev.score;
    return rc;
}

/* The superseded result of an evaluation whose answer was replaced (nothing stored). */
static void superseded(job_ctx *ctx, const char *session_id, const char *question_id)
{
    ctx->result = json_pack("{s:s, s:s, s:b}", "session_id", session_id ? session_id : "",
                            "question_id", question_id ? question_id : "", "superseded", 1);
}

/* interview.evaluate_answer: one answer revision, scored with feedback. */
static int job_evaluate(job_ctx *ctx)
{
    const char *sid = json_string_value(json_object_get(ctx->payload, "session_id"));
    const char *qid = json_string_value(json_object_get(ctx->payload, "question_id"));
    long long revision = json_integer_value(json_object_get(ctx->payload, "revision"));
    interview_session_row s;
    interview_question_row q;
    int rc = sid && qid ? interviews_store_get(ctx->db, ctx->arena, NULL, sid, &s) : IA_NOT_FOUND;
    if (rc == IA_OK)
        rc = interviews_store_question(ctx->db, ctx->arena, sid, qid, &q);
    if (rc == IA_NOT_FOUND ||
        (rc == IA_OK && (q.answer_revision != revision || q.answer_text == NULL ||
                         strcmp(q.evaluation_status, "evaluated") == 0))) {
        superseded(ctx, sid, qid);
        return IA_OK;
    }
    if (rc != IA_OK)
        return rc;
    double score = 0;
    /* One follow-up per question, never of a follow-up, while the session asks them. */
    rc = evaluate_one(ctx, &s, &q, s.follow_ups && q.parent_id == NULL, &score);
    if (rc == IA_NOT_FOUND) {
        superseded(ctx, sid, qid);
        return IA_OK;
    }
    if (rc != IA_OK)
        return rc;
    ctx->result = json_pack("{s:s, s:s, s:f}", "session_id", sid, "question_id", qid,
                            "evaluation_score", score);
    return IA_OK;
}

static void job_evaluate_failed(job_ctx *ctx)
{
    const char *qid = json_string_value(json_object_get(ctx->payload, "question_id"));
    long long revision = json_integer_value(json_object_get(ctx->payload, "revision"));
    int rc =
        qid ? interviews_store_set_evaluation_status(ctx->db, qid, revision, "failed", ia_now_ms())
            : IA_OK;
    if (rc != IA_OK && rc != IA_NOT_FOUND)
        log_warn("interviews", "cannot mark an evaluation as failed", "question_id", qid);
}

static int job_evaluate_retried(db *d, json_t *payload, int64_t now)
{
    const char *qid = json_string_value(json_object_get(payload, "question_id"));
    long long revision = json_integer_value(json_object_get(payload, "revision"));
    int rc = qid ? interviews_store_set_evaluation_status(d, qid, revision, "pending", now) : IA_OK;
    return rc == IA_NOT_FOUND ? IA_OK : rc;
}

/* The summarizer's input: every question with its stored answer, score and feedback. */
static int summary_items(job_ctx *ctx, const interview_question_row *qs, size_t nq,
                         ai_summary_item **out)
{
    ai_summary_item *items = arena_calloc(ctx->arena, nq + 1, sizeof(*items));
    if (items == NULL)
        return IA_ERR_NOMEM;
    int rc = IA_OK;
    for (size_t i = 0; rc == IA_OK && i < nq; i++) {
        items[i].question = qs[i].question_text;
        items[i].category = qs[i].category;
        items[i].difficulty = qs[i].difficulty;
        items[i].answer = qs[i].answer_text;
        items[i].score = qs[i].evaluation_score;
        items[i].communication = qs[i].communication_score;
        json_t *st = qs[i].strengths ? json_loads(qs[i].strengths, 0, NULL) : NULL;
        json_t *im = qs[i].improvements ? json_loads(qs[i].improvements, 0, NULL) : NULL;
        rc = strs_of(ctx->arena, st, &items[i].strengths);
        if (rc == IA_OK)
            rc = strs_of(ctx->arena, im, &items[i].improvements);
        json_decref(st);
        json_decref(im);
    }
    *out = items;
    return rc;
}

/* Stores the summary of the session's evaluated questions and completes it. */
static int store_summary(job_ctx *ctx, const interview_session_row *s,
                         const interview_question_row *qs, size_t nq, double *final_score)
{
    ai_summary_item *items = NULL;
    int rc = summary_items(ctx, qs, nq, &items);
    ai_summary_request sr = { s->target_role, items, nq };
    ai_summary sum = { 0 };
    ai_meta meta = { 0 };
    if (rc == IA_OK)
        rc = ai_chain_summarize(chain_of(ctx), ctx->arena, &sr, &sum, &meta);
    if (rc != IA_OK) {
        snprintf(ctx->error, sizeof(ctx->error), "summary failed: %s", ia_strerror(rc));
        return rc;
    }
    json_t *doc = ai_summary_to_json(&sum);
    char *breakdown =
        doc ? json_dumps(json_object_get(doc, "score_breakdown"), JSON_COMPACT) : NULL;
    json_decref(doc);
    const char *strengths = strs_text(ctx->arena, &sum.strengths);
    const char *weaknesses = strs_text(ctx->arena, &sum.weaknesses);
    rc = breakdown && strengths && weaknesses
             ? interviews_store_complete(ctx->db, s->id, sum.final_score, breakdown, sum.summary,
                                         strengths, weaknesses, ia_now_ms())
             : IA_ERR_NOMEM;
    free(breakdown);
    if (rc == IA_OK)
        *final_score = sum.final_score;
    return rc;
}

/* interview.complete: evaluates every answer not yet evaluated, then stores the summary. */
static int job_complete(job_ctx *ctx)
{
    interview_session_row s;
    int rc = job_session(ctx, &s);
    if (rc != IA_OK)
        return rc == IA_NOT_FOUND ? IA_OK : rc;
    if (strcmp(s.status, "in_progress") != 0) {
        if (strcmp(s.status, "completed") == 0) {
            ctx->result = json_pack("{s:s, s:o}", "session_id", s.id, "final_score",
                                    s.has_final_score ? json_real(s.final_score) : json_null());
            return IA_OK;
        }
        snprintf(ctx->error, sizeof(ctx->error), "the session is %s", s.status);
        ctx->permanent = true;
        return IA_ERR_CONFLICT;
    }
    interview_question_row *qs = NULL;
    size_t nq = 0;
    /* A follow-up added after completion was accepted is not asked (docs/api.md §4.6). */
    rc = interviews_store_drop_unanswered_follow_ups(ctx->db, s.id);
    if (rc == IA_OK)
        rc = interviews_store_questions(ctx->db, ctx->arena, s.id, &qs, &nq);
    bool evaluated_any = false;
    for (size_t i = 0; rc == IA_OK && i < nq; i++) {
        if (qs[i].answer_text == NULL || strcmp(qs[i].evaluation_status, "evaluated") == 0)
            continue;
        double score = 0;
        rc = evaluate_one(ctx, &s, &qs[i], false, &score);
        if (rc == IA_NOT_FOUND)
            rc = IA_OK; /* evaluated meanwhile by its own job */
        evaluated_any = true;
    }
    if (rc == IA_OK && evaluated_any)
        rc = interviews_store_questions(ctx->db, ctx->arena, s.id, &qs, &nq);
    double final_score = 0;
    if (rc == IA_OK)
        rc = store_summary(ctx, &s, qs, nq, &final_score);
    if (rc == IA_NOT_FOUND) {
        /* Completed by an earlier run that finished meanwhile. */
        rc = interviews_store_get(ctx->db, ctx->arena, NULL, s.id, &s);
        if (rc == IA_OK && strcmp(s.status, "completed") == 0) {
            ctx->result = json_pack("{s:s, s:f}", "session_id", s.id, "final_score", s.final_score);
            return IA_OK;
        }
        snprintf(ctx->error, sizeof(ctx->error), "the session changed during completion");
        return IA_ERR_CONFLICT;
    }
    if (rc != IA_OK)
        return rc;
    log_emit(LOG_INFO, "interviews", "interview completed",
             (log_field[]){ LOG_STR("session_id", s.id), LOG_NUM("final_score", final_score) }, 2);
    ctx->result = json_pack("{s:s, s:f}", "session_id", s.id, "final_score", final_score);
    return IA_OK;
}

static void job_complete_failed(job_ctx *ctx)
{
    const char *id = json_string_value(json_object_get(ctx->payload, "session_id"));
    int rc =
        id ? interviews_store_set_completion_requested(ctx->db, id, false, ia_now_ms()) : IA_OK;
    if (rc != IA_OK && rc != IA_NOT_FOUND)
        log_warn("interviews", "cannot reopen a session", "session_id", id);
}

static int job_complete_retried(db *d, json_t *payload, int64_t now)
{
    const char *id = json_string_value(json_object_get(payload, "session_id"));
    int rc = id ? interviews_store_set_completion_requested(d, id, true, now) : IA_OK;
    return rc == IA_NOT_FOUND ? IA_OK : rc;
}

static const job_kind interview_job_kinds[] = {
    { "interview.generate", job_generate, job_generate_failed, GENERATE_ATTEMPTS,
      job_generate_retried },
    { "interview.evaluate_answer", job_evaluate, job_evaluate_failed, EVALUATE_ATTEMPTS,
      job_evaluate_retried },
    { "interview.complete", job_complete, job_complete_failed, COMPLETE_ATTEMPTS,
      job_complete_retried },
};

int interviews_register_job_kinds(void)
{
    return jobs_register(interview_job_kinds, COUNT(interview_job_kinds));
}

/* ---- documentation -------------------------------------------------------------------------- */

static const char *const ATTEMPT_STATUSES[] = { "evaluated", "failed", NULL };

static const j_field attempt_fields[] = {
    { "attempt_number", J_INTEGER, J_RANGE, .min = 1, .max = ATTEMPTS_MAX },
    { "answer_text", J_STRING },
    { "time_taken_seconds", J_INTEGER, J_NULLABLE | J_NONNEG },
    { "evaluation_status", J_STRING, .choices = ATTEMPT_STATUSES },
    { "evaluation_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 100 },
    { "feedback_comment", J_STRING, J_NULLABLE },
    { "strengths", J_ARRAY, .items = J_STRING },
    { "improvements", J_ARRAY, .items = J_STRING },
    { "evaluation_engine", J_STRING, J_NULLABLE, .choices = ai_engine_names },
    { "answered_at", J_STRING, J_NULLABLE, "date-time" },
};
static const j_object attempt_schema = J_OBJECT_OF(
    "AnswerAttempt", "An earlier answer to a question, kept with its evaluation", attempt_fields);

static const j_field voice_fields[] = {
    { "seconds", J_NUMBER, J_NONNEG, .description = "How long the dictation ran" },
    { "words_per_minute", J_NUMBER, J_NONNEG, .description = "Words spoken per minute" },
    { "filler_count", J_INTEGER, J_NONNEG,
      .description = "Filler words (\"um\", \"uh\", \"like\" as a pause, \"you know\"...)" },
};
static const j_object voice_schema =
    J_OBJECT_OF("VoiceStats", "The speaking figures of a dictated answer", voice_fields);

static const j_field question_fields[] = {
    { "id", J_STRING, 0, "uuid" },
    { "session_id", J_STRING, 0, "uuid" },
    { "question_text", J_STRING },
    { "category", J_STRING, .choices = CATEGORIES },
    { "difficulty", J_STRING, .choices = QUESTION_DIFFICULTIES },
    { "order_index", J_INTEGER, J_NONNEG, .description = "0-based and contiguous" },
    { "answer_text", J_STRING, J_NULLABLE },
    { "time_taken_seconds", J_INTEGER, J_NULLABLE | J_NONNEG },
    { "evaluation_status", J_STRING, .choices = EVALUATION_STATUSES },
    { "evaluation_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 100 },
    { "feedback_comment", J_STRING, J_NULLABLE },
    { "strengths", J_ARRAY, J_NULLABLE, .items = J_STRING },
    { "improvements", J_ARRAY, J_NULLABLE, .items = J_STRING },
    { "model_answer", J_STRING, J_NULLABLE },
    { "evaluation_engine", J_STRING, J_NULLABLE, .choices = ai_engine_names,
      .description = "The engine that graded the answer; null until evaluated" },
    { "created_at", J_STRING, 0, "date-time" },
    { "updated_at", J_STRING, 0, "date-time" },
    { "attempt_number", J_INTEGER, J_NONNEG,
      .description = "Which attempt the current answer is (1 for the first); 0 before any" },
    { "attempts", J_ARRAY, .object = &attempt_schema,
      .description = "The earlier attempts, oldest first; the current answer is not among them" },
    { "draft_text", J_STRING, J_NULLABLE,
      .description = "The saved draft of the next answer; null when none" },
    { "draft_saved_at", J_STRING, J_NULLABLE, "date-time" },
    { "parent_id", J_STRING, J_NULLABLE, "uuid",
      .description = "For a follow-up, the question it follows up; null otherwise" },
    { "input_mode", J_STRING, J_NULLABLE, .choices = INPUT_MODES,
      .description = "How the current answer was given; null before any" },
    { "voice_stats", J_OBJECT, J_NULLABLE, .object = &voice_schema,
      .description = "For a dictated answer, its speaking figures; null otherwise" },
};
static const j_object question_schema = J_OBJECT_OF(
    "Question", "One question; answer and evaluation fields are null until set", question_fields);

static const j_field session_fields[] = {
    { "id", J_STRING, 0, "uuid" },
    { "user_id", J_STRING, 0, "uuid" },
    { "resume_id", J_STRING, J_NULLABLE, "uuid",
      .description = "Null for a general interview or once the resume is deleted" },
    { "status", J_STRING, .choices = STATUSES },
    { "difficulty", J_STRING, .choices = DIFFICULTIES },
    { "question_count", J_INTEGER, J_RANGE, .min = 1, .max = 30,
      .description = "5-30 for an interview, 1 for a single-question practice" },
    { "focus_areas", J_ARRAY, J_NULLABLE, .items = J_STRING },
    { "target_role", J_STRING, J_NULLABLE },
    { "job_description", J_STRING, J_NULLABLE },
    { "started_at", J_STRING, 0, "date-time" },
    { "completed_at", J_STRING, J_NULLABLE, "date-time" },
    { "final_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 100 },
    { "feedback_summary", J_STRING, J_NULLABLE },
    { "score_breakdown", J_MAP, J_NULLABLE, .items = J_NUMBER,
      .description = "Per category the mean score, plus `communication` and `overall`" },
    { "strengths", J_ARRAY, J_NULLABLE, .items = J_STRING },
    { "weaknesses", J_ARRAY, J_NULLABLE, .items = J_STRING },
    { "answered_count", J_INTEGER, J_NONNEG },
    { "task_id", J_STRING, J_NULLABLE, "uuid",
      .description = "The latest generation or completion task" },
    { "error", J_STRING, J_NULLABLE, .description = "Why it failed" },
    { "questions", J_ARRAY, .object = &question_schema,
      .description = "By order_index; [] while preparing and in history items" },
    { "title", J_STRING,
      .description = "The session's one name: its role and resume title, or \"General "
                     "interview\"" },
    { "cancelled_at", J_STRING, J_NULLABLE, "date-time",
      .description = "When it was cancelled (status `cancelled`); null otherwise" },
    { "follow_ups", J_BOOLEAN, .description = "Whether the session asks follow-up questions" },
    { "time_limit_minutes", J_INTEGER, J_RANGE, .min = 0, .max = 5,
      .description = "Time limit per answer: 0 (off), 1, 2, 3 or 5 minutes" },
    { "kind", J_STRING, .choices = KINDS,
      .description = "`practice`: one bank question practised on its own (docs/api.md §4.7), "
                     "left out of the dashboard's session averages and trend" },
};
const j_object interviews_session_schema = J_OBJECT_OF(
    "Session", "A mock interview; completion fields are null until completed", session_fields);

static const char *const NOTICE_CODES[] = { "CATEGORY_NOT_FOR_ROLE", "FOCUS_CATEGORIES_IGNORED",
                                            "CATEGORY_SHORT", NULL };

static const j_field notice_fields[] = {
    { "code", J_STRING, .choices = NOTICE_CODES },
    { "category", J_STRING, J_NULLABLE, .choices = CATEGORIES,
      .description = "The category concerned, or null" },
    { "message", J_STRING, .description = "A sentence for the user" },
};
static const j_object notice_schema = J_OBJECT_OF(
    "SessionNotice", "Something the session leaves out or fills from elsewhere", notice_fields);

static const j_field started_fields[] = {
    { "notices", J_ARRAY, .object = &notice_schema,
      .description = "What the session leaves out or fills from elsewhere; [] when nothing" },
};
static const j_object started_schema = { .name = "SessionStarted",
                                         .description = "A new session, with its notices",
                                         .base = &interviews_session_schema,
                                         .fields = started_fields,
                                         .n = V_COUNT(started_fields) };

static const j_field category_fields[] = {
    { "category", J_STRING, .choices = CATEGORIES },
    { "available", J_BOOLEAN },
    { "questions", J_INTEGER, J_NONNEG,
      .description = "Distinct questions of the category that suit the role" },
    { "reason", J_STRING, J_NULLABLE, .description = "Why it is left out; null when available" },
};
static const j_object category_schema =
    J_OBJECT_OF("QuestionCategory", "One question category for a role", category_fields);

static const j_field categories_fields[] = {
    { "role", J_STRING, J_NULLABLE,
      .description = "The role the interview is for, as the question bank names it; null when "
                     "none is known (every category is then available)" },
    { "categories", J_ARRAY, .object = &category_schema,
      .description = "All six, in the order of the Session's categories" },
};
static const j_object categories_schema =
    J_OBJECT_OF("QuestionCategories", NULL, categories_fields);

static const http_doc categories_doc = {
    .description =
        "The question categories an interview for this role and resume has, before "
        "it starts: coding and system design are left out of non-software roles "
        "(a nurse, an accountant) even when a focus area asks for them.",
    .query = categories_query,
    .nquery = V_COUNT(categories_query),
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &categories_schema }, { .shape = DOC_END } },
    .errors = (const doc_error[]){ { 404, "NOT_FOUND", "resume_id is not one of your resumes" },
                                   { 409, "RESUME_NOT_READY", "the resume is not analyzed" },
                                   { 0 } },
};

static const j_field next_fields[] = {
    { "question_id", J_STRING, 0, "uuid" },
    { "question_text", J_STRING },
    { "category", J_STRING, .choices = CATEGORIES },
    { "difficulty", J_STRING, .choices = QUESTION_DIFFICULTIES },
    { "order_index", J_INTEGER, J_NONNEG },
    { "number", J_INTEGER, J_NONNEG, .description = "order_index + 1" },
    { "total", J_INTEGER, J_NONNEG,
      .description = "Questions in the session, follow-ups added so far included" },
    { "parent_id", J_STRING, J_NULLABLE, "uuid",
      .description = "For a follow-up, the question it follows up; null otherwise" },
};
static const j_object next_schema = J_OBJECT_OF("NextQuestion", NULL, next_fields);

static const j_field answered_fields[] = {
    { "next_question", J_OBJECT, J_NULLABLE, .object = &next_schema,
      .description = "The first unanswered question, null when none is left" },
    { "evaluation_task_id", J_STRING, 0, "uuid",
      .description = "The `interview.evaluate_answer` task" },
    { "voice_stats", J_OBJECT, J_NULLABLE, .object = &voice_schema,
      .description = "For a dictated answer, its speaking figures; null otherwise" },
};
static const j_object answered_schema = J_OBJECT_OF("AnswerAccepted", NULL, answered_fields);

static const j_field attempted_fields[] = {
    { "session_id", J_STRING, 0, "uuid" },
    { "question_id", J_STRING, 0, "uuid" },
    { "attempt_number", J_INTEGER, J_RANGE, .min = 2, .max = ATTEMPTS_MAX,
      .description = "Which attempt the new answer is" },
    { "evaluation_task_id", J_STRING, 0, "uuid",
      .description = "The `interview.evaluate_answer` task" },
    { "voice_stats", J_OBJECT, J_NULLABLE, .object = &voice_schema,
      .description = "For a dictated answer, its speaking figures; null otherwise" },
};
static const j_object attempted_schema = J_OBJECT_OF("AttemptAccepted", NULL, attempted_fields);

static const j_field draft_saved_fields[] = {
    { "question_id", J_STRING, 0, "uuid" },
    { "draft_text", J_STRING, J_NULLABLE, .description = "Null when the draft was cleared" },
    { "draft_saved_at", J_STRING, J_NULLABLE, "date-time" },
};
static const j_object draft_saved_schema = J_OBJECT_OF("DraftSaved", NULL, draft_saved_fields);

static const j_field completing_fields[] = {
    { "session_id", J_STRING, 0, "uuid" },
    { "task_id", J_STRING, 0, "uuid", .description = "The `interview.complete` task" },
};
static const j_object completing_schema =
    J_OBJECT_OF("CompletionAccepted", NULL, completing_fields);

static const j_field summary_question_fields[] = {
    { "question_id", J_STRING, 0, "uuid" },
    { "question", J_STRING },
    { "answer", J_STRING, J_NULLABLE },
    { "category", J_STRING, .choices = CATEGORIES },
    { "difficulty", J_STRING, .choices = QUESTION_DIFFICULTIES },
    { "evaluation_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 100 },
    { "feedback_comment", J_STRING, J_NULLABLE },
    { "strengths", J_ARRAY, .items = J_STRING },
    { "improvements", J_ARRAY, .items = J_STRING },
    { "model_answer", J_STRING, J_NULLABLE },
    { "evaluation_engine", J_STRING, J_NULLABLE, .choices = ai_engine_names,
      .description = "The engine that graded the answer; null until evaluated" },
    { "time_taken_seconds", J_INTEGER, J_NULLABLE | J_NONNEG },
    { "attempt_number", J_INTEGER, J_NONNEG,
      .description = "Which attempt the answer is (1 for the first); 0 before any" },
    { "attempts", J_ARRAY, .object = &attempt_schema,
      .description = "The earlier attempts, oldest first" },
    { "parent_id", J_STRING, J_NULLABLE, "uuid",
      .description = "For a follow-up, the question it follows up; null otherwise" },
    { "voice_stats", J_OBJECT, J_NULLABLE, .object = &voice_schema,
      .description = "For a dictated answer, its speaking figures; null otherwise" },
};
static const j_object summary_question_schema =
    J_OBJECT_OF("SummaryQuestion", NULL, summary_question_fields);

static const j_field summary_fields[] = {
    { "session_id", J_STRING, 0, "uuid" },
    { "status", J_STRING, .choices = STATUSES },
    { "user_full_name", J_STRING },
    { "resume_id", J_STRING, J_NULLABLE, "uuid" },
    { "started_at", J_STRING, 0, "date-time" },
    { "completed_at", J_STRING, J_NULLABLE, "date-time" },
    { "final_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 100 },
    { "feedback_summary", J_STRING, J_NULLABLE },
    { "score_breakdown", J_MAP, J_NULLABLE, .items = J_NUMBER },
    { "strengths", J_ARRAY, .items = J_STRING },
    { "weaknesses", J_ARRAY, .items = J_STRING },
    { "strengths_weaknesses", J_STRING,
      .description = "The strengths and weaknesses as text, or a note until completed" },
    { "questions", J_ARRAY, .object = &summary_question_schema, .description = "By order_index" },
    { "title", J_STRING, .description = "The session's one name, as in the Session" },
};
static const j_object summary_schema = J_OBJECT_OF(
    "InterviewSummary", "Persisted data only: the same on every reload", summary_fields);

static const doc_response session_response[] = { { 0, DOC_JSON, &interviews_session_schema },
                                                 { .shape = DOC_END } };

static const doc_error open_errors[] = {
    { 409, "SESSION_CANCELLED", "the interview was cancelled" },
    { 409, "SESSION_NOT_READY", "the questions are still being generated" },
    { 409, "SESSION_FAILED", "generating the questions failed" },
    { 409, "ALREADY_COMPLETED", "the interview is completed or completing" },
    { 409, "CONFLICT", "the session changed meanwhile; try again" },
    { 0 }
};

static const http_doc start_doc = {
    .description =
        "An empty body or `{}` takes every default. The `interview.generate` task "
        "moves the session to `in_progress` with its questions (avoiding those you "
        "answered before and those of your recent sessions), or to `failed`. Focus "
        "areas that name categories keep the session to them; `notices` says which "
        "were left out for the role and when the rest had to come from nearby ones.",
    .body = start_fields,
    .nbody = V_COUNT(start_fields),
    .responses = (const doc_response[]){ { 0, DOC_JSON, &started_schema,
                                           .description = "Preparing, with `task_id`, no "
                                                          "questions yet and the notices" },
                                         { .shape = DOC_END } },
    .errors = (const doc_error[]){ { 404, "NOT_FOUND", "resume_id is not one of your resumes" },
                                   { 409, "RESUME_NOT_READY", "the resume is not analyzed" },
                                   { 0 } },
};

static const http_doc practice_doc = {
    .description =
        "Starts a single-question practice: a session of `kind` `practice` holding one "
        "question of the bank, already `in_progress`. It is answered, retried, completed and "
        "summarised like any interview and shows in the history; it asks no follow-up, and the "
        "dashboard leaves it out of its session averages and score trend.",
    .body = practice_fields,
    .nbody = V_COUNT(practice_fields),
    .responses = (const doc_response[]){ { 0, DOC_JSON, &interviews_session_schema,
                                           .description = "In progress, with its question" },
                                         { .shape = DOC_END } },
    .errors = (const doc_error[]){ { 404, "NOT_FOUND", "no bank question has this id" }, { 0 } },
};

static const http_doc history_doc = {
    .description = "Newest first, without questions.",
    .query = history_query,
    .nquery = V_COUNT(history_query),
    .responses =
        (const doc_response[]){ { 0, DOC_PAGE, &interviews_session_schema }, { .shape = DOC_END } },
};

static const http_doc get_doc = { .responses = session_response };

static const http_doc next_doc = {
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &next_schema },
                                { 204, DOC_EMPTY, .description = "Every question is answered" },
                                { .shape = DOC_END } },
    .errors = (const doc_error[]){ { 409, "SESSION_NOT_READY",
                                     "the questions are still being generated" },
                                   { 409, "SESSION_FAILED", "generating the questions failed" },
                                   { 409, "SESSION_CANCELLED", "the interview was cancelled" },
                                   { 0 } },
};

static const http_doc answer_doc = {
    .description =
        "Stores the answer (replacing an earlier one, whose evaluation is dropped) "
        "and starts its evaluation in the background.",
    .body = answer_fields,
    .nbody = V_COUNT(answer_fields),
    .responses = (const doc_response[]){ { 0, DOC_JSON, &answered_schema }, { .shape = DOC_END } },
    .errors = open_errors,
};

static const http_doc attempt_doc = {
    .description =
        "Answers an answered question again. The earlier answer is kept with its score and "
        "feedback in the question's `attempts`; the new one is evaluated in the background and "
        "is the one the session's score counts. Not after completion (409 ALREADY_COMPLETED).",
    .body = answer_fields,
    .nbody = V_COUNT(answer_fields),
    .responses = (const doc_response[]){ { 0, DOC_JSON, &attempted_schema }, { .shape = DOC_END } },
    .errors =
        (const doc_error[]){
            { 409, "NOT_ANSWERED", "the question has no answer to retry yet" },
            { 409, "EVALUATION_PENDING", "the last answer is still being scored" },
            { 409, "TOO_MANY_ATTEMPTS", "the question has had its 5 attempts" },
            { 409, "SESSION_CANCELLED", "the interview was cancelled" },
            { 409, "SESSION_NOT_READY", "the questions are still being generated" },
            { 409, "SESSION_FAILED", "generating the questions failed" },
            { 409, "ALREADY_COMPLETED", "the interview is completed or completing" },
            { 409, "CONFLICT", "the answer or the session changed meanwhile; try again" },
            { 0 } },
};

static const http_doc draft_doc = {
    .description =
        "Saves the answer being typed to a question, so that a reload, a navigation or another "
        "device finds it in the question's `draft_text`; an empty text clears it, and storing "
        "an answer (or a new attempt) clears it too.",
    .body = draft_fields,
    .nbody = V_COUNT(draft_fields),
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &draft_saved_schema }, { .shape = DOC_END } },
    .errors = open_errors,
};

static const http_doc complete_doc = {
    .description =
        "The `interview.complete` task evaluates what is left, then stores the "
        "final score, breakdown, summary, strengths and weaknesses.",
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &completing_schema }, { .shape = DOC_END } },
    .errors =
        (const doc_error[]){
            { 400, "UNANSWERED_QUESTIONS", "`<k> of <n> questions are unanswered`" },
            { 409, "SESSION_CANCELLED", "the interview was cancelled" },
            { 409, "SESSION_NOT_READY", "the questions are still being generated" },
            { 409, "SESSION_FAILED", "generating the questions failed" },
            { 409, "ALREADY_COMPLETED", "the interview is completed or completing" },
            { 409, "CONFLICT", "the session changed meanwhile" },
            { 0 } },
};

static const http_doc cancel_doc = {
    .description =
        "Stops a session that is preparing or in progress. It stays in the history with status "
        "`cancelled`, takes no more answers and is left out of the dashboard's averages.",
    .responses = session_response,
    .errors = (const doc_error[]){ { 409, "ALREADY_CANCELLED", "the interview is cancelled" },
                                   { 409, "ALREADY_COMPLETED",
                                     "the interview is completed or completing" },
                                   { 409, "SESSION_FAILED", "generating the questions failed" },
                                   { 409, "CONFLICT", "the session changed meanwhile" },
                                   { 0 } },
};

static const http_doc delete_doc = {
    .description =
        "Deletes a session in any state with its questions, answers and tasks; it "
        "leaves the history and the dashboard.",
    .responses = (const doc_response[]){ { 204, DOC_EMPTY, .description = "Deleted" },
                                         { .shape = DOC_END } },
};

static const http_doc summary_doc = {
    .description = "Available in every status; fields are null or [] until filled.",
    .responses = (const doc_response[]){ { 0, DOC_JSON, &summary_schema }, { .shape = DOC_END } },
};

/* ---- routes --------------------------------------------------------------------------------- */

#define SID "/{session_id:uuid}"

const http_route interview_routes[] = {
    { "POST", INTERVIEW "/start", interview_start, HTTP_BODY_JSON, AUTH_USER, RL_DEFAULT, 202,
      "Start an interview (questions are generated in the background)", "interviews", &start_doc },
    { "POST", INTERVIEW "/practice", interview_practice, HTTP_BODY_JSON, AUTH_USER, RL_DEFAULT, 201,
      "Practise one question of the bank on its own", "interviews", &practice_doc },
    { "GET", INTERVIEW "/categories", interview_categories, 0, AUTH_USER, RL_DEFAULT, 200,
      "The question categories an interview for a role has", "interviews", &categories_doc },
    { "GET", INTERVIEW "/history", interview_history, 0, AUTH_USER, RL_DEFAULT, 200,
      "Your interview sessions, newest first", "interviews", &history_doc },
    { "GET", INTERVIEW SID, interview_get, 0, AUTH_USER, RL_DEFAULT, 200,
      "One interview session with its questions", "interviews", &get_doc },
    { "GET", INTERVIEW SID "/next", interview_next, 0, AUTH_USER, RL_DEFAULT, 200,
      "The first unanswered question (204 when none is left)", "interviews", &next_doc },
    { "POST", INTERVIEW SID "/{question_id:uuid}/answer", interview_answer, HTTP_BODY_JSON,
      AUTH_USER, RL_DEFAULT, 200, "Answer a question (evaluated in the background)", "interviews",
      &answer_doc },
    { "POST", INTERVIEW SID "/questions/{question_id:uuid}/attempts", interview_attempt,
      HTTP_BODY_JSON, AUTH_USER, RL_DEFAULT, 202,
      "Answer a question again, keeping the earlier attempts", "interviews", &attempt_doc },
    { "PUT", INTERVIEW SID "/questions/{question_id:uuid}/draft", interview_draft, HTTP_BODY_JSON,
      AUTH_USER, RL_DEFAULT, 200, "Save the answer being typed as a draft", "interviews",
      &draft_doc },
    { "POST", INTERVIEW SID "/complete", interview_complete, 0, AUTH_USER, RL_DEFAULT, 202,
      "Complete an interview (summarised in the background)", "interviews", &complete_doc },
    { "GET", INTERVIEW SID "/summary", interview_summary, 0, AUTH_USER, RL_DEFAULT, 200,
      "The persisted summary of an interview", "interviews", &summary_doc },
    { "POST", INTERVIEW SID "/cancel", interview_cancel, 0, AUTH_USER, RL_DEFAULT, 200,
      "Cancel an interview (kept in the history as cancelled)", "interviews", &cancel_doc },
    { "DELETE", INTERVIEW SID, interview_delete, 0, AUTH_USER, RL_DEFAULT, 204,
      "Delete an interview with its answers and tasks", "interviews", &delete_doc },
};
const size_t interview_routes_count = COUNT(interview_routes);
