/* SQL of interview sessions and their questions (docs/api.md §4, §6). A session belongs to one
 * user; every lookup that serves a request takes the user id, so another user's session is
 * simply not found. State changes carry their precondition in the WHERE clause (a session
 * takes answers only while in_progress and not completing; an evaluation is stored only for
 * the answer revision it was made for), so concurrent requests and jobs cannot interleave
 * into an inconsistent state: a change whose precondition no longer holds is IA_NOT_FOUND. */
#ifndef IA_STORE_INTERVIEWS_STORE_H
#define IA_STORE_INTERVIEWS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

typedef struct {
    const char *id, *user_id, *resume_id;
    const char *status;     /* preparing | in_progress | completed | failed | cancelled (read) */
    const char *difficulty; /* easy | medium | hard | mixed */
    long long question_count;
    const char *focus_areas; /* JSON array text or NULL */
    const char *target_role, *job_description;
    int64_t started_at, completed_at; /* completed_at 0: not completed */
    bool has_final_score;
    double final_score;
    const char *feedback_summary;
    const char *score_breakdown; /* JSON object text or NULL */
    const char *strengths;       /* JSON array text or NULL */
    const char *weaknesses;      /* JSON array text or NULL */
    const char *task_id, *error;
    int64_t completion_requested_at; /* 0: completion not requested */
    int64_t updated_at;
    long long answered_count;     /* questions with an answer (read only) */
    long long total_questions;    /* questions stored (read only) */
    const char *title;            /* the session's name; NULL for sessions older than names */
    int64_t cancelled_at;         /* 0: not cancelled */
    bool follow_ups;              /* the session asks follow-up questions */
    long long time_limit_minutes; /* per answer: 0 (off), 1, 2, 3 or 5 */
    const char *kind; /* interview | practice (one bank question); NULL on insert: interview */
} interview_session_row;

/* The speaking figures of a dictated answer (docs/api.md §4.2), computed by ai/voice.h. */
typedef struct {
    double seconds;          /* how long it was spoken, as the web app measured it */
    double words_per_minute; /* words / minutes */
    long long filler_count;  /* filler words */
} interview_voice;

typedef struct {
    const char *id, *session_id;
    long long order_index;
    const char *question_text, *category, *difficulty, *bank_id;
    const char *rubric; /* the question with its key points and model answer, JSON text */
    const char *answer_text;
    long long answer_revision;
    bool has_time;
    long long time_taken_seconds;
    int64_t answered_at;
    const char *evaluation_status; /* not_answered | pending | evaluated | failed */
    bool has_score;
    double evaluation_score;
    bool has_communication;
    double communication_score;
    const char *feedback_comment;
    const char *strengths, *improvements; /* JSON array text or NULL */
    const char *model_answer, *evaluation_engine;
    int64_t created_at, updated_at;
    const char *draft_text; /* the answer being typed, saved; NULL when none */
    int64_t draft_saved_at; /* 0 when no draft */
    const char *parent_id;  /* the question a follow-up follows up; NULL for the others */
    const char *input_mode; /* text | voice for the current answer; NULL before any */
    bool has_voice;         /* voice holds the current answer's figures */
    interview_voice voice;
} interview_question_row;

/* An earlier attempt at a question (docs/api.md §4.2), kept when the answer was retried. */
typedef struct {
    const char *id, *question_id;
    long long attempt_number;
    const char *answer_text;
    bool has_time;
    long long time_taken_seconds;
    const char *evaluation_status; /* evaluated | failed */
    bool has_score;
    double evaluation_score;
    const char *feedback_comment;
    const char *strengths, *improvements; /* JSON array text or NULL */
    const char *evaluation_engine;
    int64_t answered_at, created_at;
} interview_attempt_row;

/* An evaluation to store for one answer revision. */
typedef struct {
    double score, communication;
    const char *feedback;
    const char *strengths, *improvements; /* JSON array text */
    const char *model_answer;
    const char *engine;
} interview_evaluation;

/* Mean evaluation score of the user's evaluated answers in one category. */
typedef struct {
    const char *category;
    double avg_score;
    long long count;
} interview_category_stat;

/* Counts and scores over the user's sessions (dashboard). */
typedef struct {
    long long total, completed;
    bool has_avg;
    double avg_score;
    bool has_best;
    double best_score;
} interview_totals;

/* Inserts a new session (call inside the transaction that enqueues its generation job). */
int interviews_store_insert(db *d, const interview_session_row *s);

/* The user's session (IA_NOT_FOUND for another user's or none). user_id NULL: any owner. */
int interviews_store_get(db *d, arena *a, const char *user_id, const char *id,
                         interview_session_row *out);

/* A page of the user's sessions, newest first; status may be NULL. */
int interviews_store_list(db *d, arena *a, const char *user_id, const char *status, long long skip,
                          long long limit, interview_session_row **out, size_t *n,
                          long long *total);

/* The session's questions in order_index order. */
int interviews_store_questions(db *d, arena *a, const char *session_id,
                               interview_question_row **out, size_t *n);

/* One question of the session (IA_NOT_FOUND when it belongs to another session). */
int interviews_store_question(db *d, arena *a, const char *session_id, const char *question_id,
                              interview_question_row *out);

/* The first unanswered question by order_index (IA_NOT_FOUND when none is left). */
int interviews_store_next(db *d, arena *a, const char *session_id, interview_question_row *out);

/* Stores the generated questions of a preparing session and moves it to in_progress, inside
 * the caller's transaction. IA_NOT_FOUND when the session is no longer preparing. */
int interviews_store_set_questions(db *d, const char *session_id, const interview_question_row *qs,
                                   size_t n, int64_t now);

/* Generation failed: a preparing session becomes failed with the reason. */
int interviews_store_set_failed(db *d, const char *session_id, const char *reason, int64_t now);

/* An administrator retries the generation: a failed session goes back to preparing. */
int interviews_store_set_preparing(db *d, const char *session_id, int64_t now);

/* Locks the user's session for an answer, inside the caller's transaction: IA_NOT_FOUND
 * unless it is in_progress with no completion requested. */
int interviews_store_lock_open(db *d, const char *user_id, const char *session_id, int64_t now);

/* Replaces the answer of a question (time_taken -1: not given; voice NULL: typed, otherwise
 * dictated with these figures), clears its evaluation to pending and its draft, and bumps its
 * revision, which *revision receives. Inside the caller's transaction, after
 * interviews_store_lock_open. */
int interviews_store_answer(db *d, arena *a, const char *session_id, const char *question_id,
                            const char *answer, long long time_taken, const interview_voice *voice,
                            int64_t now, long long *revision);

/* Keeps answer revision `revision` of a question, with its finished evaluation, as attempt
 * number (earlier attempts + 1), which *number receives; inside the caller's transaction,
 * before the new answer replaces it. IA_NOT_FOUND when that revision is no longer the
 * question's, or is not answered with a finished (evaluated or failed) evaluation. */
int interviews_store_keep_attempt(db *d, arena *a, const char *attempt_id, const char *session_id,
                                  const char *question_id, long long revision, int64_t now,
                                  long long *number);

/* The earlier attempts of every question of the session, by question and attempt number. */
int interviews_store_attempts(db *d, arena *a, const char *session_id, interview_attempt_row **out,
                              size_t *n);

/* Saves (text NULL: clears) the draft of a question of the user's session while it takes
 * answers; IA_NOT_FOUND when the session does not take answers (or is not the user's). */
int interviews_store_save_draft(db *d, const char *user_id, const char *session_id,
                                const char *question_id, const char *text, int64_t now);

/* Stores the evaluation of answer revision `revision`; IA_NOT_FOUND when the answer was
 * replaced meanwhile or that revision is already evaluated (the first evaluation stands). */
int interviews_store_set_evaluation(db *d, const char *question_id, long long revision,
                                    const interview_evaluation *ev, int64_t now);

/* Sets evaluation_status of answer revision `revision` unless it is evaluated (a failed
 * evaluation, or pending again when an administrator retries it). */
int interviews_store_set_evaluation_status(db *d, const char *question_id, long long revision,
                                           const char *status, int64_t now);

/* Accepts completion: records the request and its task; IA_NOT_FOUND unless the session is
 * in_progress with no completion requested. */
int interviews_store_request_completion(db *d, const char *session_id, const char *task_id,
                                        int64_t now);

/* A failed completion reopens the session for answers; an administrator's retry requests it
 * again (requested true). */
int interviews_store_set_completion_requested(db *d, const char *session_id, bool requested,
                                              int64_t now);

/* Stores the summary and marks the session completed (IA_NOT_FOUND unless in_progress). */
int interviews_store_complete(db *d, const char *session_id, double final_score,
                              const char *breakdown, const char *summary, const char *strengths,
                              const char *weaknesses, int64_t now);

/* Adds follow-up q (id, text, category, difficulty, rubric) to parent_id's session after its
 * last question, inside the caller's transaction; IA_NOT_FOUND unless the session asks
 * follow-ups and takes answers, the parent is no follow-up itself and has none yet. */
int interviews_store_add_follow_up(db *d, const char *session_id, const char *parent_id,
                                   const interview_question_row *q, int64_t now);

/* Removes the follow-ups still unanswered when the session completes. */
int interviews_store_drop_unanswered_follow_ups(db *d, const char *session_id);

/* Cancels the user's session (docs/api.md §4.5): IA_NOT_FOUND unless it is preparing or
 * in_progress, not completing and not cancelled already. Its rows stay; it reads as cancelled. */
int interviews_store_cancel(db *d, const char *user_id, const char *id, int64_t now);

/* Deletes the user's session with its questions and its interview tasks, in one transaction
 * of its own; IA_NOT_FOUND when the user has no such session. */
int interviews_store_delete(db *d, const char *user_id, const char *id);

/* Question texts and bank ids for generation to avoid: every question the user has answered in
 * any session, and every question of the user's `sessions` most recent sessions, all but
 * exclude_id's, newest first; *out receives up to `max` strings. */
int interviews_store_recent_questions(db *d, arena *a, const char *user_id, const char *exclude_id,
                                      int sessions, size_t max, const char ***out, size_t *n);

/* Dashboard figures over the user's sessions. */
int interviews_store_totals(db *d, arena *a, const char *user_id, interview_totals *out);
int interviews_store_category_stats(db *d, arena *a, const char *user_id,
                                    interview_category_stat **out, size_t *n);
/* The user's last `limit` completed sessions, completed_at ascending. */
int interviews_store_score_trend(db *d, arena *a, const char *user_id, long long limit,
                                 interview_session_row **out, size_t *n);

#endif
