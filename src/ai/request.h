/* The five AI operations driven by JSON, for `interviewace ai <op>` and the test.ai job kind.
 * Inputs:
 *   parse      {"text", "now"?: "YYYY-MM" (default: this month)}
 *   generate   {"resume"?: analysis, "target_role"?, "difficulty"?: easy|medium|hard|mixed,
 *               "count"?: 5-30 (12), "focus_areas"?: [], "job_description"?, "avoid"?: [],
 *               "seed"?: integer}
 *   evaluate   {"question": question (ai/schema.h), "answer", "time_taken_seconds"?,
 *               "target_role"?}
 *   summarize  {"target_role"?, "items": [{"question", "category", "difficulty", "answer"?,
 *               "score", "communication"?, "strengths"?, "improvements"?}]}
 *   match      {"analysis": analysis, "job_description"}
 * Output: {"result": <the ai/schema.h JSON of the result>, "engine", "model",
 * "latency_seconds"}. */
#ifndef IA_AI_REQUEST_H
#define IA_AI_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "ai/chain.h"
#include "core/arena.h"

/* Whether op names one of the five operations. */
bool ai_request_op_valid(const char *op);

/* Runs op on input through the chain. IA_ERR_INVALID with err when the input is wrong; any
 * other error when the operation itself failed. *out is a new reference. */
int ai_request_run(ai_chain *c, arena *a, const char *op, const json_t *input, json_t **out,
                   char *err, size_t errlen);

#endif
