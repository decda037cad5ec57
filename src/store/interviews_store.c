#include "store/interviews_store.h"

#include <string.h>

#include "core/errors.h"
#include "store/common.h"
#include "core/util.h"

/* A cancelled session reads as `cancelled` whatever state it was cancelled in. */
#define EFFECTIVE_STATUS "CASE WHEN s.cancelled_at IS NOT NULL THEN 'cancelled' ELSE s.status END"

#define SESSION_COLUMNS                                                                            \
    "s.id, s.user_id, s.resume_id, " EFFECTIVE_STATUS                                              \
    ", s.difficulty, s.question_count, s.focus_areas, "                                            \
    "s.target_role, s.job_description, s.started_at, s.completed_at, s.final_score, "              \
    "s.feedback_summary, s.score_breakdown, s.strengths, s.weaknesses, s.task_id, s.error, "       \
    "s.completion_requested_at, s.updated_at, "                                                    \
    "(SELECT COUNT(*) FROM interview_questions q WHERE q.session_id = s.id AND "                   \
    "q.answer_text IS NOT NULL) AS answered_count, "                                               \
    "(SELECT COUNT(*) FROM interview_questions q WHERE q.session_id = s.id) AS total_questions, "  \
    "s.title, s.cancelled_at, s.follow_ups, s.time_limit_minutes, s.kind"

#define LIST_WHERE                                                                                 \
    " FROM interview_sessions s WHERE s.user_id = $1 AND "                                         \
    "(CAST($2 AS TEXT) IS NULL OR " EFFECTIVE_STATUS " = $2)"

#define QUESTION_COLUMNS                                                                           \
    "id, session_id, order_index, question_text, category, difficulty, bank_id, rubric, "          \
    "answer_text, answer_revision, time_taken_seconds, answered_at, evaluation_status, "           \
    "evaluation_score, communication_score, feedback_comment, strengths, improvements, "           \
    "model_answer, evaluation_engine, created_at, updated_at, draft_text, draft_saved_at, "        \
    "parent_id, input_mode, input_seconds, words_per_minute, filler_count"

static void session_from_row(const db_result *r, size_t i, interview_session_row *o)
{
    memset(o, 0, sizeof(*o));
    o->id = db_get(r, i, 0);
    o->user_id = db_get(r, i, 1);
    o->resume_id = db_get(r, i, 2);
    o->status = db_get(r, i, 3);
    o->difficulty = db_get(r, i, 4);
    o->question_count = db_get_int(r, i, 5, 0);
    o->focus_areas = db_get(r, i, 6);
    o->target_role = db_get(r, i, 7);
    o->job_description = db_get(r, i, 8);
    o->started_at = db_get_int(r, i, 9, 0);
    o->completed_at = db_get_int(r, i, 10, 0);
    o->has_final_score = db_get(r, i, 11) != NULL;
    o->final_score = db_get_real(r, i, 11, 0);
    o->feedback_summary = db_get(r, i, 12);
    o->score_breakdown = db_get(r, i, 13);
    o->strengths = db_get(r, i, 14);
    o->weaknesses = db_get(r, i, 15);
    o->task_id = db_get(r, i, 16);
    o->error = db_get(r, i, 17);
    o->completion_requested_at = db_get_int(r, i, 18, 0);
    o->updated_at = db_get_int(r, i, 19, 0);
    o->answered_count = db_get_int(r, i, 20, 0);
    o->total_questions = db_get_int(r, i, 21, 0);
    o->title = db_get(r, i, 22);
    o->cancelled_at = db_get_int(r, i, 23, 0);
    o->follow_ups = db_get_int(r, i, 24, 1) != 0;
    o->time_limit_minutes = db_get_int(r, i, 25, 0);
    o->kind = db_get(r, i, 26);
}

static void question_from_row(const db_result *r, size_t i, interview_question_row *o)
{
    memset(o, 0, sizeof(*o));
    o->id = db_get(r, i, 0);
    o->session_id = db_get(r, i, 1);
    o->order_index = db_get_int(r, i, 2, 0);
    o->question_text = db_get(r, i, 3);
    o->category = db_get(r, i, 4);
    o->difficulty = db_get(r, i, 5);
    o->bank_id = db_get(r, i, 6);
    o->rubric = db_get(r, i, 7);
    o->answer_text = db_get(r, i, 8);
    o->answer_revision = db_get_int(r, i, 9, 0);
    o->has_time = db_get(r, i, 10) != NULL;
    o->time_taken_seconds = db_get_int(r, i, 10, 0);
    o->answered_at = db_get_int(r, i, 11, 0);
    o->evaluation_status = db_get(r, i, 12);
    o->has_score = db_get(r, i, 13) != NULL;
    o->evaluation_score = db_get_real(r, i, 13, 0);
    o->has_communication = db_get(r, i, 14) != NULL;
    o->communication_score = db_get_real(r, i, 14, 0);
    o->feedback_comment = db_get(r, i, 15);
    o->strengths = db_get(r, i, 16);
    o->improvements = db_get(r, i, 17);
    o->model_answer = db_get(r, i, 18);
    o->evaluation_engine = db_get(r, i, 19);
    o->created_at = db_get_int(r, i, 20, 0);
    o->updated_at = db_get_int(r, i, 21, 0);
    o->draft_text = db_get(r, i, 22);
    o->draft_saved_at = db_get_int(r, i, 23, 0);
    o->parent_id = db_get(r, i, 24);
    o->input_mode = db_get(r, i, 25);
    o->has_voice = db_get(r, i, 26) != NULL && db_get(r, i, 27) != NULL;
    o->voice.seconds = db_get_real(r, i, 26, 0);
    o->voice.words_per_minute = db_get_real(r, i, 27, 0);
    o->voice.filler_count = db_get_int(r, i, 28, 0);
}

static int session_rows(arena *a, const db_result *r, interview_session_row **out, size_t *n)
{
    interview_session_row *list = arena_calloc(a, r->nrows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++)
        session_from_row(r, i, &list[i]);
    *out = list;
    *n = r->nrows;
    return IA_OK;
}

int interviews_store_insert(db *d, const interview_session_row *s)
{
    db_param p[] = {
        DB_TEXT(s->id),
        DB_TEXT(s->user_id),
        DB_TEXT(s->resume_id),
        DB_TEXT(s->status),
        DB_TEXT(s->difficulty),
        DB_INT(s->question_count),
        DB_TEXT(s->focus_areas),
        DB_TEXT(s->target_role),
        DB_TEXT(s->job_description),
        DB_INT(s->started_at),
        DB_TEXT(s->task_id),
        DB_INT(s->updated_at),
        DB_TEXT(s->title),
        DB_INT(s->follow_ups ? 1 : 0),
        DB_INT(s->time_limit_minutes),
        DB_TEXT(s->kind ? s->kind : "interview"),
    };
    return db_exec(
        d, NULL,
        "INSERT INTO interview_sessions (id, user_id, resume_id, status, difficulty, "
        "question_count, focus_areas, target_role, job_description, started_at, "
        "task_id, updated_at, title, follow_ups, time_limit_minutes, kind) VALUES ($1, $2, $3, "
        "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        p, COUNT(p), NULL);
}

int interviews_store_get(db *d, arena *a, const char *user_id, const char *id,
                         interview_session_row *out)
{
    db_result *r = NULL;
    int rc = db_query_one(d, a,
                          "SELECT " SESSION_COLUMNS
                          " FROM interview_sessions s WHERE s.id = $1 "
                          "AND (CAST($2 AS TEXT) IS NULL OR s.user_id = $2)",
                          (db_param[]){ DB_TEXT(id), DB_TEXT(user_id) }, 2, &r);
    if (rc == IA_OK)
        session_from_row(r, 0, out);
    return rc;
}

int interviews_store_list(db *d, arena *a, const char *user_id, const char *status, long long skip,
                          long long limit, interview_session_row **out, size_t *n, long long *total)
{
    db_param p[] = { DB_TEXT(user_id), DB_TEXT(status), DB_INT(limit), DB_INT(skip) };
    db_result *r = NULL;
    int rc = db_query_one(d, a, "SELECT COUNT(*)" LIST_WHERE, p, 2, &r);
    if (rc != IA_OK)
        return rc;
    *total = db_get_int(r, 0, 0, 0);
    rc = db_exec(d, a,
                 "SELECT " SESSION_COLUMNS LIST_WHERE
                 " ORDER BY s.started_at DESC, s.id DESC LIMIT $3 OFFSET $4",
                 p, 4, &r);
    return rc == IA_OK ? session_rows(a, r, out, n) : rc;
}

int interviews_store_questions(db *d, arena *a, const char *session_id,
                               interview_question_row **out, size_t *n)
{
    db_result *r = NULL;
    int rc = db_exec(d, a,
                     "SELECT " QUESTION_COLUMNS
                     " FROM interview_questions WHERE session_id = $1 "
                     "ORDER BY order_index",
                     (db_param[]){ DB_TEXT(session_id) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    interview_question_row *list = arena_calloc(a, r->nrows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++)
        question_from_row(r, i, &list[i]);
    *out = list;
    *n = r->nrows;
    return IA_OK;
}

int interviews_store_question(db *d, arena *a, const char *session_id, const char *question_id,
                              interview_question_row *out)
{
    db_result *r = NULL;
    int rc = db_query_one(d, a,
                          "SELECT " QUESTION_COLUMNS
                          " FROM interview_questions WHERE id = $1 AND "
                          "session_id = $2",
                          (db_param[]){ DB_TEXT(question_id), DB_TEXT(session_id) }, 2, &r);
    if (rc == IA_OK)
        question_from_row(r, 0, out);
    return rc;
}

int interviews_store_next(db *d, arena *a, const char *session_id, interview_question_row *out)
{
    db_result *r = NULL;
    int rc = db_query_one(d, a,
                          "SELECT " QUESTION_COLUMNS
                          " FROM interview_questions WHERE "
                          "session_id = $1 AND answer_text IS NULL ORDER BY order_index LIMIT 1",
                          (db_param[]){ DB_TEXT(session_id) }, 1, &r);
    if (rc == IA_OK)
        question_from_row(r, 0, out);
    return rc;
}

int interviews_store_set_questions(db *d, const char *session_id, const interview_question_row *qs,
                                   size_t n, int64_t now)
{
    int rc = store_exec_one(d,
                            "UPDATE interview_sessions SET status = 'in_progress', error = NULL, "
                            "updated_at = $2 WHERE id = $1 AND status = 'preparing' AND "
                            "cancelled_at IS NULL",
                            (db_param[]){ DB_TEXT(session_id), DB_INT(now) }, 2);
    if (rc == IA_OK)
        rc = db_exec(d, NULL, "DELETE FROM interview_questions WHERE session_id = $1",
                     (db_param[]){ DB_TEXT(session_id) }, 1, NULL);
    for (size_t i = 0; rc == IA_OK && i < n; i++) {
        const interview_question_row *q = &qs[i];
        db_param p[] = {
            DB_TEXT(q->id),
            DB_TEXT(session_id),
            DB_INT(q->order_index),
            DB_TEXT(q->question_text),
            DB_TEXT(q->category),
            DB_TEXT(q->difficulty),
            DB_TEXT(q->bank_id),
            DB_TEXT(q->rubric),
            DB_INT(now),
        };
        rc = db_exec(d, NULL,
                     "INSERT INTO interview_questions (id, session_id, order_index, "
                     "question_text, category, difficulty, bank_id, rubric, created_at, "
                     "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                     p, COUNT(p), NULL);
    }
    return rc;
}

int interviews_store_set_failed(db *d, const char *session_id, const char *reason, int64_t now)
{
    return store_exec_one(
        d,
        "UPDATE interview_sessions SET status = 'failed', error = $2, updated_at = $3 "
        "WHERE id = $1 AND status = 'preparing'",
        (db_param[]){ DB_TEXT(session_id), DB_TEXT(reason), DB_INT(now) }, 3);
}

int interviews_store_set_preparing(db *d, const char *session_id, int64_t now)
{
    return store_exec_one(d,
                          "UPDATE interview_sessions SET status = 'preparing', error = NULL, "
                          "updated_at = $2 WHERE id = $1 AND status = 'failed'",
                          (db_param[]){ DB_TEXT(session_id), DB_INT(now) }, 2);
}

int interviews_store_lock_open(db *d, const char *user_id, const char *session_id, int64_t now)
{
    return store_exec_one(
        d,
        "UPDATE interview_sessions SET updated_at = $3 WHERE id = $1 AND "
        "user_id = $2 AND status = 'in_progress' AND completion_requested_at IS NULL AND "
        "cancelled_at IS NULL",
        (db_param[]){ DB_TEXT(session_id), DB_TEXT(user_id), DB_INT(now) }, 3);
}

int interviews_store_answer(db *d, arena *a, const char *session_id, const char *question_id,
                            const char *answer, long long time_taken, const interview_voice *voice,
                            int64_t now, long long *revision)
{
    db_param p[] = { DB_TEXT(question_id),
                     DB_TEXT(session_id),
                     DB_TEXT(answer),
                     time_taken >= 0 ? DB_INT(time_taken) : DB_NULL,
                     DB_INT(now),
                     DB_TEXT(voice ? "voice" : "text"),
                     voice ? DB_REAL(voice->seconds) : DB_NULL,
                     voice ? DB_REAL(voice->words_per_minute) : DB_NULL,
                     voice ? DB_INT(voice->filler_count) : DB_NULL };
    db_result *r = NULL;
    int rc = db_query_one(
        d, a,
        "UPDATE interview_questions SET answer_text = $3, time_taken_seconds = $4, "
        "answered_at = $5, answer_revision = answer_revision + 1, evaluation_status = "
        "'pending', evaluation_score = NULL, communication_score = NULL, feedback_comment = "
        "NULL, strengths = NULL, improvements = NULL, model_answer = NULL, evaluation_engine = "
        "NULL, draft_text = NULL, draft_saved_at = NULL, updated_at = $5, input_mode = $6, "
        "input_seconds = $7, words_per_minute = $8, filler_count = $9 WHERE id = $1 AND "
        "session_id = $2 RETURNING answer_revision",
        p, COUNT(p), &r);
    if (rc == IA_OK)
        *revision = db_get_int(r, 0, 0, 0);
    return rc;
}

int interviews_store_set_evaluation(db *d, const char *question_id, long long revision,
                                    const interview_evaluation *ev, int64_t now)
{
    db_param p[] = {
        DB_TEXT(question_id),      DB_INT(revision),
        DB_REAL(ev->score),        DB_REAL(ev->communication),
        DB_TEXT(ev->feedback),     DB_TEXT(ev->strengths),
        DB_TEXT(ev->improvements), DB_TEXT(ev->model_answer),
        DB_TEXT(ev->engine),       DB_INT(now),
    };
    return store_exec_one(
        d,
        "UPDATE interview_questions SET evaluation_status = 'evaluated', "
        "evaluation_score = $3, communication_score = $4, feedback_comment = $5, "
        "strengths = $6, improvements = $7, model_answer = $8, evaluation_engine = "
        "$9, updated_at = $10 WHERE id = $1 AND answer_revision = $2 AND "
        "answer_text IS NOT NULL AND evaluation_status <> 'evaluated'",
        p, COUNT(p));
}

int interviews_store_set_evaluation_status(db *d, const char *question_id, long long revision,
                                           const char *status, int64_t now)
{
    return store_exec_one(
        d,
        "UPDATE interview_questions SET evaluation_status = $3, updated_at = $4 "
        "WHERE id = $1 AND answer_revision = $2 AND answer_text IS NOT NULL AND "
        "evaluation_status <> 'evaluated'",
        (db_param[]){ DB_TEXT(question_id), DB_INT(revision), DB_TEXT(status), DB_INT(now) }, 4);
}

int interviews_store_request_completion(db *d, const char *session_id, const char *task_id,
                                        int64_t now)
{
    return store_exec_one(
        d,
        "UPDATE interview_sessions SET completion_requested_at = $3, task_id = $2, "
        "updated_at = $3 WHERE id = $1 AND status = 'in_progress' AND "
        "completion_requested_at IS NULL AND cancelled_at IS NULL",
        (db_param[]){ DB_TEXT(session_id), DB_TEXT(task_id), DB_INT(now) }, 3);
}

int interviews_store_set_completion_requested(db *d, const char *session_id, bool requested,
                                              int64_t now)
{
    return store_exec_one(d,
                          requested
                              ? "UPDATE interview_sessions SET completion_requested_at = $2, "
                                "updated_at = $2 WHERE id = $1 AND status = 'in_progress'"
                              : "UPDATE interview_sessions SET completion_requested_at = NULL, "
                                "updated_at = $2 WHERE id = $1 AND status = 'in_progress'",
                          (db_param[]){ DB_TEXT(session_id), DB_INT(now) }, 2);
}

int interviews_store_complete(db *d, const char *session_id, double final_score,
                              const char *breakdown, const char *summary, const char *strengths,
                              const char *weaknesses, int64_t now)
{
    db_param p[] = { DB_TEXT(session_id), DB_REAL(final_score), DB_TEXT(breakdown),
                     DB_TEXT(summary),    DB_TEXT(strengths),   DB_TEXT(weaknesses),
                     DB_INT(now) };
    return store_exec_one(
        d,
        "UPDATE interview_sessions SET status = 'completed', final_score = $2, "
        "score_breakdown = $3, feedback_summary = $4, strengths = $5, weaknesses = "
        "$6, completed_at = $7, updated_at = $7 WHERE id = $1 AND status = "
        "'in_progress'",
        p, COUNT(p));
}

int interviews_store_recent_questions(db *d, arena *a, const char *user_id, const char *exclude_id,
                                      int sessions, size_t max, const char ***out, size_t *n)
{
    db_result *r = NULL;
    int rc = db_exec(d, a,
                     "SELECT q.question_text, q.bank_id FROM interview_questions q JOIN "
                     "interview_sessions s ON s.id = q.session_id WHERE s.user_id = $1 AND s.id "
                     "<> $2 AND (q.answer_text IS NOT NULL OR s.id IN (SELECT id FROM "
                     "interview_sessions WHERE user_id = $1 AND id <> $2 ORDER BY started_at DESC "
                     "LIMIT $3)) ORDER BY q.created_at DESC, q.order_index LIMIT $4",
                     (db_param[]){ DB_TEXT(user_id), DB_TEXT(exclude_id), DB_INT(sessions),
                                   DB_INT((long long)max / 2) },
                     4, &r);
    if (rc != IA_OK)
        return rc;
    const char **list = arena_calloc(a, 2 * r->nrows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        list[k++] = db_get(r, i, 0);
        if (db_get(r, i, 1) != NULL)
            list[k++] = db_get(r, i, 1);
    }
    *out = list;
    *n = k;
    return IA_OK;
}

int interviews_store_totals(db *d, arena *a, const char *user_id, interview_totals *out)
{
    db_result *r = NULL;
    int rc =
        db_query_one(d, a,
                     "SELECT COUNT(*), "
                     "COALESCE(SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END), 0), "
                     "AVG(CASE WHEN status = 'completed' AND kind = 'interview' THEN final_score "
                     "END), "
                     "MAX(CASE WHEN status = 'completed' AND kind = 'interview' THEN final_score "
                     "END) "
                     "FROM interview_sessions WHERE user_id = $1",
                     (db_param[]){ DB_TEXT(user_id) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    memset(out, 0, sizeof(*out));
    out->total = db_get_int(r, 0, 0, 0);
    out->completed = db_get_int(r, 0, 1, 0);
    out->has_avg = db_get(r, 0, 2) != NULL;
    out->avg_score = db_get_real(r, 0, 2, 0);
    out->has_best = db_get(r, 0, 3) != NULL;
    out->best_score = db_get_real(r, 0, 3, 0);
    return IA_OK;
}

int interviews_store_category_stats(db *d, arena *a, const char *user_id,
                                    interview_category_stat **out, size_t *n)
{
    db_result *r = NULL;
    int rc = db_exec(d, a,
                     "SELECT q.category, AVG(q.evaluation_score), COUNT(*) FROM "
                     "interview_questions q JOIN interview_sessions s ON s.id = q.session_id "
                     "WHERE s.user_id = $1 AND s.cancelled_at IS NULL AND q.evaluation_status = "
                     "'evaluated' GROUP BY "
                     "q.category ORDER BY AVG(q.evaluation_score), q.category",
                     (db_param[]){ DB_TEXT(user_id) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    interview_category_stat *list = arena_calloc(a, r->nrows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++) {
        list[i].category = db_get(r, i, 0);
        list[i].avg_score = db_get_real(r, i, 1, 0);
        list[i].count = db_get_int(r, i, 2, 0);
    }
    *out = list;
    *n = r->nrows;
    return IA_OK;
}

int interviews_store_score_trend(db *d, arena *a, const char *user_id, long long limit,
                                 interview_session_row **out, size_t *n)
{
    db_result *r = NULL;
    int rc = db_exec(d, a,
                     "SELECT * FROM (SELECT " SESSION_COLUMNS
                     " FROM interview_sessions s WHERE "
                     "s.user_id = $1 AND s.status = 'completed' AND s.kind = 'interview' ORDER BY "
                     "s.completed_at DESC, "
                     "s.id DESC LIMIT $2) t ORDER BY t.completed_at, t.id",
                     (db_param[]){ DB_TEXT(user_id), DB_INT(limit) }, 2, &r);
    return rc == IA_OK ? session_rows(a, r, out, n) : rc;
}

int interviews_store_cancel(db *d, const char *user_id, const char *id, int64_t now)
{
    return store_exec_one(d,
                          "UPDATE interview_sessions SET cancelled_at = $3, updated_at = $3 "
                          "WHERE id = $1 AND user_id = $2 AND cancelled_at IS NULL AND status IN "
                          "('preparing', 'in_progress') AND completion_requested_at IS NULL",
                          (db_param[]){ DB_TEXT(id), DB_TEXT(user_id), DB_INT(now) }, 3);
}

int interviews_store_delete(db *d, const char *user_id, const char *id)
{
    /* The session's tasks name it in their payload (a UUID, so no LIKE wildcard can occur in
     * it); a worker still running one finds its row gone and its result is dropped. */
    db_param p[] = { DB_TEXT(user_id), DB_TEXT(id) };
    int rc = db_begin(d);
    if (rc != IA_OK)
        return rc;
    rc = db_exec(d, NULL,
                 "DELETE FROM jobs WHERE user_id = $1 AND kind LIKE 'interview.%' AND payload "
                 "LIKE '%\"session_id\":\"' || CAST($2 AS TEXT) || '\"%'",
                 p, 2, NULL);
    if (rc == IA_OK)
        rc = store_exec_one(d, "DELETE FROM interview_sessions WHERE user_id = $1 AND id = $2", p,
                            2);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    return rc;
}

int interviews_store_keep_attempt(db *d, arena *a, const char *attempt_id, const char *session_id,
                                  const char *question_id, long long revision, int64_t now,
                                  long long *number)
{
    db_param p[] = { DB_TEXT(attempt_id), DB_TEXT(question_id), DB_TEXT(session_id),
                     DB_INT(revision), DB_INT(now) };
    db_result *r = NULL;
    int rc = db_query_one(
        d, a,
        "INSERT INTO interview_attempts (id, question_id, session_id, attempt_number, "
        "answer_text, time_taken_seconds, answered_at, evaluation_status, evaluation_score, "
        "communication_score, feedback_comment, strengths, improvements, evaluation_engine, "
        "created_at) SELECT $1, q.id, q.session_id, (SELECT COUNT(*) FROM interview_attempts a "
        "WHERE a.question_id = q.id) + 1, q.answer_text, q.time_taken_seconds, q.answered_at, "
        "q.evaluation_status, q.evaluation_score, q.communication_score, q.feedback_comment, "
        "q.strengths, q.improvements, q.evaluation_engine, $5 FROM interview_questions q WHERE "
        "q.id = $2 AND q.session_id = $3 AND q.answer_revision = $4 AND q.answer_text IS NOT "
        "NULL AND q.evaluation_status IN ('evaluated', 'failed') RETURNING attempt_number",
        p, COUNT(p), &r);
    if (rc == IA_OK)
        *number = db_get_int(r, 0, 0, 0);
    return rc;
}

int interviews_store_attempts(db *d, arena *a, const char *session_id, interview_attempt_row **out,
                              size_t *n)
{
    db_result *r = NULL;
    int rc = db_exec(d, a,
                     "SELECT id, question_id, attempt_number, answer_text, time_taken_seconds, "
                     "evaluation_status, evaluation_score, feedback_comment, strengths, "
                     "improvements, evaluation_engine, answered_at, created_at FROM "
                     "interview_attempts WHERE session_id = $1 ORDER BY question_id, "
                     "attempt_number",
                     (db_param[]){ DB_TEXT(session_id) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    interview_attempt_row *list = arena_calloc(a, r->nrows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++) {
        interview_attempt_row *o = &list[i];
        o->id = db_get(r, i, 0);
        o->question_id = db_get(r, i, 1);
        o->attempt_number = db_get_int(r, i, 2, 0);
        o->answer_text = db_get(r, i, 3);
        o->has_time = db_get(r, i, 4) != NULL;
        o->time_taken_seconds = db_get_int(r, i, 4, 0);
        o->evaluation_status = db_get(r, i, 5);
        o->has_score = db_get(r, i, 6) != NULL;
        o->evaluation_score = db_get_real(r, i, 6, 0);
        o->feedback_comment = db_get(r, i, 7);
        o->strengths = db_get(r, i, 8);
        o->improvements = db_get(r, i, 9);
        o->evaluation_engine = db_get(r, i, 10);
        o->answered_at = db_get_int(r, i, 11, 0);
        o->created_at = db_get_int(r, i, 12, 0);
    }
    *out = list;
    *n = r->nrows;
    return IA_OK;
}

int interviews_store_save_draft(db *d, const char *user_id, const char *session_id,
                                const char *question_id, const char *text, int64_t now)
{
    db_param p[] = { DB_TEXT(question_id), DB_TEXT(session_id), DB_TEXT(text),
                     text ? DB_INT(now) : DB_NULL, DB_TEXT(user_id) };
    return store_exec_one(
        d,
        "UPDATE interview_questions SET draft_text = $3, draft_saved_at = $4 WHERE id = $1 AND "
        "session_id = $2 AND EXISTS (SELECT 1 FROM interview_sessions s WHERE s.id = $2 AND "
        "s.user_id = $5 AND s.status = 'in_progress' AND s.completion_requested_at IS NULL AND "
        "s.cancelled_at IS NULL)",
        p, COUNT(p));
}

int interviews_store_add_follow_up(db *d, const char *session_id, const char *parent_id,
                                   const interview_question_row *q, int64_t now)
{
    db_param p[] = { DB_TEXT(q->id),
                     DB_TEXT(session_id),
                     DB_TEXT(q->question_text),
                     DB_TEXT(q->category),
                     DB_TEXT(q->difficulty),
                     DB_TEXT(q->rubric),
                     DB_TEXT(parent_id),
                     DB_INT(now) };
    return store_exec_one(
        d,
        "INSERT INTO interview_questions (id, session_id, order_index, question_text, category, "
        "difficulty, rubric, parent_id, created_at, updated_at) SELECT $1, $2, (SELECT "
        "MAX(order_index) + 1 FROM interview_questions WHERE session_id = $2), $3, $4, $5, $6, "
        "$7, $8, $8 WHERE EXISTS (SELECT 1 FROM interview_sessions s WHERE s.id = $2 AND "
        "s.follow_ups = 1 AND s.status = 'in_progress' AND s.completion_requested_at IS NULL AND "
        "s.cancelled_at IS NULL) AND EXISTS (SELECT 1 FROM interview_questions WHERE id = $7 AND "
        "session_id = $2 AND parent_id IS NULL) AND NOT EXISTS (SELECT 1 FROM "
        "interview_questions WHERE parent_id = $7)",
        p, COUNT(p));
}

int interviews_store_drop_unanswered_follow_ups(db *d, const char *session_id)
{
    return db_exec(d, NULL,
                   "DELETE FROM interview_questions WHERE session_id = $1 AND parent_id IS NOT "
                   "NULL AND answer_text IS NULL",
                   (db_param[]){ DB_TEXT(session_id) }, 1, NULL);
}
