/* The question bank of the offline engine (data/questions.json, built into the binary):
 * questions with their category, difficulty, roles, skills, rubric key points and model
 * answer, and the project templates whose {company}, {job_title} and {skill} placeholders
 * the generator fills from a resume's own experience; and the red flags of its questions
 * (data/red_flags.json, docs/design.md "AI"). The bank lives for the process. */
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

/* Attaches red flags to the bank's questions and templates from a document
 * {"version":1,"shared":{"<flag id>":{"claim","correct","patterns":[...]}},
 *  "red_flags":{"<id>":[{"claim","correct","point","patterns":[...]} or {"use":"<flag id>",
 *  "point":n}]}} (other fields, such as a flag's "examples" and "safe" sentences, are ignored).
 * "shared" (optional) holds the flags common to many questions, such as the mistakes of a
 * behavioural story, once: a question lists one by {"use":id,"point":n}, n being the key point
 * of that question it contradicts (or -1), and gets the shared flag's claim, correct and patterns.
 * An unknown question id, a point that is neither -1 nor a key point's index, no patterns, a
 * pattern the matcher refuses (ai/redflag.h), a shared flag with a point, a reference to an id
 * "shared" lacks or with other fields, a shared flag used twice by one question or by none is
 * IA_ERR_INVALID, with err naming the question or shared flag; the bank then keeps no red flag. */
int ai_bank_parse_red_flags(ai_bank *b, const char *json, size_t len, char *err, size_t errlen);

/* The bank built into the binary, with its red flags. */
int ai_bank_builtin(ai_bank **out, char *err, size_t errlen);

void ai_bank_free(ai_bank *b);

size_t ai_bank_count(const ai_bank *b);
const ai_bank_item *ai_bank_get(const ai_bank *b, size_t i);

/* The question or project template with this id, or NULL. */
const ai_bank_item *ai_bank_find(const ai_bank *b, const char *id);

/* The red flags to check q's answer against: q's own, or, when it has none (a question stored
 * before red flags were), those of the bank question its bank_id names. */
void ai_bank_red_flags(const ai_bank *b, const ai_question *q, const ai_red_flag **flags,
                       size_t *n);

/* What a browse of the bank keeps (docs/api.md §4.7); a NULL member keeps every question. */
typedef struct {
    const char *role;       /* a question that names a role holding this text, in any case, or
                               one that suits any role */
    const char *category;   /* exactly */
    const char *difficulty; /* exactly */
    const char *search;     /* text found in the question, in any case */
} ai_bank_filter;

/* The questions (not the project templates) that f keeps, in bank order: skips `skip` of them
 * and writes up to max to out; returns how many it wrote, and *total (may be NULL) receives
 * how many f keeps in all. */
size_t ai_bank_select(const ai_bank *b, const ai_bank_filter *f, size_t skip, size_t max,
                      const ai_bank_item **out, size_t *total);

/* Project templates: category "project", text with placeholders, roles empty. */
size_t ai_bank_template_count(const ai_bank *b);
const ai_bank_item *ai_bank_template(const ai_bank *b, size_t i);

#endif
