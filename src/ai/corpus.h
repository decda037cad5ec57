/* Word statistics of the question bank: in how many of its questions each word stem occurs, so
 * that the evaluator can tell a word that says what an answer is about ("triage", "ledger") from
 * one that any answer uses ("team", "time"). Built once with the engine, read-only afterwards and
 * shared by every thread. */
#ifndef IA_AI_CORPUS_H
#define IA_AI_CORPUS_H

#include <stdbool.h>
#include <stddef.h>

#include "ai/bank.h"
#include "ai/textutil.h"
#include "core/arena.h"

typedef struct ai_corpus ai_corpus;

/* A set of stems in an arena: pushed in any order (repeats allowed), then sorted and made
 * unique by ai_stems_finish, then searched by ai_stems_has. The bank's statistics and the
 * evaluator's reference vocabularies are such sets. */
typedef struct {
    const char **v;
    size_t n, cap;
} ai_stems;

int ai_stems_push(arena *a, ai_stems *s, const char *stem);
void ai_stems_finish(ai_stems *s);
bool ai_stems_has(const ai_stems *s, const char *stem);
/* The place of stem in a finished set, or -1. */
long ai_stems_index(const ai_stems *s, const char *stem);

/* Counts the content stems of every bank question and project template (its text, key points,
 * terms and model answer), each question one document. With lx NULL, the corpus builds the
 * built-in lexicon itself, so that its stems are the evaluator's. */
int ai_corpus_build(const ai_bank *b, const ai_text_lexicon *lx, ai_corpus **out);
void ai_corpus_free(ai_corpus *c);

/* How telling the stem is, from 0 (in every question) to 1 (in none): the inverse document
 * frequency log((N + 1) / (df + 1)) divided by its largest value log(N + 1). A NULL corpus
 * weighs every stem 1. */
double ai_corpus_weight(const ai_corpus *c, const char *stem);

/* The vocabulary of one role: the stems of every bank question tagged with it. */
typedef struct ai_corpus_domain ai_corpus_domain;

/* The domain of a bank role name ("nurse", as ai/roles.h spells it), or NULL. */
const ai_corpus_domain *ai_corpus_domain_of(const ai_corpus *c, const char *role);

/* True when a question of the domain uses the stem. */
bool ai_corpus_domain_has(const ai_corpus_domain *d, const char *stem);

#endif
