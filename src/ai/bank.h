/* The question bank of the offline engine (data/questions.json, built into the binary):
 * questions with their category, difficulty, roles, skills, rubric key points and model
 * answer, and the project templates whose {company}, {job_title} and {skill} placeholders
 * the generator fills from a resume's own experience. The bank lives for the process. */
#ifndef IA_AI_BANK_H
#define IA_AI_BANK_H

#include <stddef.h>

#include "ai/ai.h"

typedef struct {
    ai_question question; /* question.bank_id is the bank id */
    ai_strs roles;        /* lower-case role names it suits; empty = any role */
} ai_bank_item;

typedef struct ai_bank ai_bank;

/* Parses a question bank document; err says what is wrong (which question, which field). */
int ai_bank_parse(const char *json, size_t len, ai_bank **out, char *err, size_t errlen);

/* The bank built into the binary. */
int ai_bank_builtin(ai_bank **out, char *err, size_t errlen);

void ai_bank_free(ai_bank *b);

size_t ai_bank_count(const ai_bank *b);
const ai_bank_item *ai_bank_get(const ai_bank *b, size_t i);

/* The question or project template with this id, or NULL. */
const ai_bank_item *ai_bank_find(const ai_bank *b, const char *id);

/* Project templates: category "project", text with placeholders, roles empty. */
size_t ai_bank_template_count(const ai_bank *b);
const ai_bank_item *ai_bank_template(const ai_bank *b, size_t i);

#endif
