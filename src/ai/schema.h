/* The one schema every engine's output is held to: conversions of the ai.h structures to the
 * JSON that is stored and served (docs/api.md §4, §5), and back from JSON -- which is how a
 * provider's output enters the service. Reading validates types and required fields (a wrong
 * type or a missing field is IA_ERR_INVALID with a message naming the field) and clamps what
 * can be clamped: scores into their range, lists to their maximum length, text to
 * AI_TEXT_MAX, unknown categories to "other"/the nearest allowed value. The same reader runs
 * on the offline engine's output in the tests, so every engine meets one contract. */
#ifndef IA_AI_SCHEMA_H
#define IA_AI_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "ai/ai.h"
#include "core/arena.h"

/* Analysis as in docs/api.md §5, without engine, processing_time and job_match (the caller adds
 * them). */
json_t *ai_analysis_to_json(const ai_analysis *an);
int ai_analysis_from_json(arena *a, const json_t *j, ai_analysis *out, char *err, size_t errlen);

/* One question with its rubric: {"question_text","category","difficulty","bank_id",
 * "key_points":[{"point","terms"}],"model_answer","skills"}, and "red_flags":[{"claim",
 * "correct","point","patterns"}] when it has any (omitted when none; read leniently, see
 * read_red_flags in schema.c). */
json_t *ai_question_to_json(const ai_question *q);
int ai_question_from_json(arena *a, const json_t *j, ai_question *out, char *err, size_t errlen);

/* {"questions":[...]}; exactly `count` questions are required (fewer is invalid, more are
 * cut). */
json_t *ai_questions_to_json(const ai_questions *qs);
int ai_questions_from_json(arena *a, const json_t *j, size_t count, ai_questions *out, char *err,
                           size_t errlen);

/* {"score","communication","dimensions":{name:score},"feedback","strengths","improvements",
 * "model_answer"}. */
json_t *ai_evaluation_to_json(const ai_evaluation *ev);
int ai_evaluation_from_json(arena *a, const json_t *j, ai_evaluation *out, char *err,
                            size_t errlen);

/* {"final_score","score_breakdown":{category:score,...},"strengths","weaknesses","summary"}. */
json_t *ai_summary_to_json(const ai_summary *s);
int ai_summary_from_json(arena *a, const json_t *j, ai_summary *out, char *err, size_t errlen);

/* {"match_score","matched_skills","missing_skills","recommendations","requirements"}. */
json_t *ai_match_to_json(const ai_match *m);
int ai_match_from_json(arena *a, const json_t *j, ai_match *out, char *err, size_t errlen);

#endif
