/* The offline engine (docs/design.md "AI"): built in, deterministic, no network. It is the last
 * provider of every chain, so it must always answer. The engine holds the skills taxonomy and
 * the question bank with the model answers of each role family; each operation is its own file:
 *   resume.c    ai_offline_parse      resume text -> analysis
 *   generate.c  ai_offline_generate   interview questions from the bank and the resume
 *   evaluate.c  ai_offline_evaluate   one answer against its question's rubric
 *   summary.c   ai_offline_summarize  a completed session
 *   match.c     ai_offline_match      a resume against a job description
 * All output lives in the caller's arena; the engine itself is read-only once created and
 * is shared by every worker thread. */
#ifndef IA_AI_OFFLINE_H
#define IA_AI_OFFLINE_H

#include <stddef.h>

#include "ai/ai.h"
#include "ai/bank.h"
#include "ai/modelans.h"
#include "ai/taxonomy.h"
#include "core/arena.h"

#define AI_OFFLINE_MODEL "offline-1"

typedef struct ai_offline ai_offline;

/* Loads the built-in taxonomy, question bank and model answers; err says what is wrong. */
int ai_offline_create(ai_offline **out, char *err, size_t errlen);
void ai_offline_free(ai_offline *e);

const ai_taxonomy *ai_offline_taxonomy(const ai_offline *e);
const ai_bank *ai_offline_bank(const ai_offline *e);
const ai_modelans *ai_offline_modelans(const ai_offline *e);

/* now_month is the month index (year * 12 + month - 1) that open date ranges end at. */
int ai_offline_parse(const ai_offline *e, arena *a, const char *text, int now_month,
                     ai_analysis *out);
int ai_offline_generate(const ai_offline *e, arena *a, const ai_generate_request *req,
                        ai_questions *out);
int ai_offline_evaluate(const ai_offline *e, arena *a, const ai_evaluate_request *req,
                        ai_evaluation *out);
int ai_offline_summarize(const ai_offline *e, arena *a, const ai_summary_request *req,
                         ai_summary *out);
int ai_offline_match(const ai_offline *e, arena *a, const ai_match_request *req, ai_match *out);

#endif
