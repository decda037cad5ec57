/* Model answers that fit the candidate (docs/design.md "AI"). Behavioural, general and project
 * questions are asked of every profession, so the question bank's one model answer cannot fit
 * them all. The offline engine therefore carries one answer set per role family
 * (data/model_answers/<family>.json, built into the binary) and a profession-neutral set, and
 * picks, for each question of a session, the answer of the candidate's family: the target role's
 * first, else the resume's. A family without an answer for a question falls back to the neutral
 * answer, never to another profession's. Answers may name the candidate's {job_title},
 * {company} and {skill}; they are filled from the resume's most recent job when that job is in
 * the same family, else from defaults that read naturally. Read-only once loaded; safe to share
 * between threads. */
#ifndef IA_AI_MODELANS_H
#define IA_AI_MODELANS_H

#include <stddef.h>

#include "ai/ai.h"
#include "ai/bank.h"
#include "ai/roles.h"
#include "core/arena.h"

typedef enum {
    AI_FAMILY_NEUTRAL, /* no role known: a profession-neutral answer */
    AI_FAMILY_SOFTWARE,
    AI_FAMILY_PRODUCT,
    AI_FAMILY_HEALTHCARE,
    AI_FAMILY_FINANCE,
    AI_FAMILY_SALES,
    AI_FAMILY_OPERATIONS,
    AI_FAMILY_EDUCATION,
    AI_FAMILY_COUNT
} ai_family;

/* "neutral", "software", "product", "healthcare", "finance", "sales", "operations",
 * "education": the file name of the family's answers. */
const char *ai_family_id(ai_family f);

/* The family of a vocabulary role; AI_FAMILY_NEUTRAL for NULL. */
ai_family ai_family_of_role(const ai_role *r);

/* The candidate's family: the target role's, else the resume's inferred role's, else its most
 * recent job title's, else neutral. */
ai_family ai_family_for(const char *target_role, const ai_analysis *resume);

typedef struct ai_modelans ai_modelans;

/* Creates an empty answer set bound to the question bank (which must outlive it). */
int ai_modelans_create(const ai_bank *bank, ai_modelans **out);
void ai_modelans_free(ai_modelans *m);

/* Adds one family document, {"version":1,"family":"<id>","answers":{"<question id>":"text"}}.
 * The family must be the one expected; every id must be a bank question, every text non-empty
 * with no placeholder other than {job_title}, {company} and {skill}, and a family may be added
 * only once. err says what is wrong. */
int ai_modelans_add(ai_modelans *m, ai_family f, const char *json, size_t len, char *err,
                    size_t errlen);

/* The answer set built into the binary: every data/model_answers/<family>.json it carries;
 * the neutral one is required. */
int ai_modelans_builtin(const ai_bank *bank, ai_modelans **out, char *err, size_t errlen);

/* The raw answer (placeholders unfilled) of family f for a bank question, or NULL. */
const char *ai_modelans_get(const ai_modelans *m, ai_family f, const char *bank_id);

/* Writes into the arena the model answer for bank question q and this candidate: the family's
 * answer, else the neutral one, with its placeholders filled; q's own model answer when neither
 * set has one (technical, coding and design questions). *out is NULL only on IA_ERR_NOMEM. */
int ai_modelans_pick(const ai_modelans *m, arena *a, const ai_question *q, const char *target_role,
                     const ai_analysis *resume, const char **out);

/* Fills the placeholders of text for family f from the resume (NULL: the defaults). */
int ai_modelans_fill(arena *a, ai_family f, const char *text, const ai_analysis *resume,
                     const char **out);

#endif
