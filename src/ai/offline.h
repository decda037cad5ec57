/* The offline engine (docs/design.md "AI"): built in, deterministic, no network. It is the last
 * provider of every chain, so it must always answer. The engine holds the skills taxonomy and
 * the question bank with the model answers of each role family; each operation is its own file:
 *   resume.c    ai_offline_parse      resume text -> analysis
 *   generate.c  ai_offline_generate   interview questions from the bank and the resume
 *   evaluate.c  ai_offline_evaluate   one answer against its question's rubric
 *   summary.c   ai_offline_summarize  a completed session
 *   match.c     ai_offline_match      a resume against a job description
 * All output lives in the caller's arena; the engine itself is read-only once created and
 * is shared by every worker thread. Its text lexicon (ai/textutil.h: the built-in synonyms and
 * WordNet's) is built once, here, and shared the same way. */
#ifndef IA_AI_OFFLINE_H
#define IA_AI_OFFLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "ai/ai.h"
#include "ai/bank.h"
#include "ai/corpus.h"
#include "ai/lang.h"
#include "ai/modelans.h"
#include "ai/taxonomy.h"
#include "ai/textutil.h"
#include "core/arena.h"

#define AI_OFFLINE_MODEL "offline-1"

typedef struct ai_offline ai_offline;

/* Loads the built-in taxonomy, question bank and model answers and builds the lexicon, with WordNet
 * read from wordnet_dir (the setting WORDNET_DIR; NULL or "" for none; missing files are logged
 * once and leave the built-in synonyms alone); err says what is wrong. */
int ai_offline_create_with(const char *wordnet_dir, ai_offline **out, char *err, size_t errlen);

/* The same with WordNet from its default directory (AI_WORDNET_DIR_DEFAULT). */
int ai_offline_create(ai_offline **out, char *err, size_t errlen);
void ai_offline_free(ai_offline *e);

const ai_taxonomy *ai_offline_taxonomy(const ai_offline *e);
/* The resume language identifier (ai/lang.h); NULL when its fingerprints could not be read. */
ai_lang *ai_offline_lang(const ai_offline *e);
const ai_bank *ai_offline_bank(const ai_offline *e);
/* The bank's word statistics (ai/corpus.h). */
const ai_corpus *ai_offline_corpus(const ai_offline *e);
const ai_text_lexicon *ai_offline_lexicon(const ai_offline *e);
/* What building the lexicon read, and the time and memory it took. */
const ai_text_lexicon_info *ai_offline_lexicon_info(const ai_offline *e);
const ai_modelans *ai_offline_modelans(const ai_offline *e);

/* now_month is the month index (year * 12 + month - 1) that open date ranges end at. */
int ai_offline_parse(const ai_offline *e, arena *a, const char *text, int now_month,
                     ai_analysis *out);
int ai_offline_generate(const ai_offline *e, arena *a, const ai_generate_request *req,
                        ai_questions *out);
int ai_offline_evaluate(const ai_offline *e, arena *a, const ai_evaluate_request *req,
                        ai_evaluation *out);
/* The one follow-up an answer may get: a question on the key points its evaluation missed, or
 * IA_NOT_FOUND when it missed none (docs/api.md §4.6). */
int ai_offline_follow_up(arena *a, const ai_question *parent, const ai_evaluation *ev,
                         ai_question *out);
int ai_offline_summarize(const ai_offline *e, arena *a, const ai_summary_request *req,
                         ai_summary *out);
int ai_offline_match(const ai_offline *e, arena *a, const ai_match_request *req, ai_match *out);

/* What the offline generator will make of a request, known before it runs (docs/api.md §4.1,
 * §4.4): for each of the six question categories whether the interview's role has it (coding
 * and system design make no sense for a nurse or an accountant: a role whose interview mix
 * gives a category no share leaves it out, even when a focus area asks for it) and how many
 * distinct questions of it suit the role; and the notices the start of a session reports: a
 * chosen category left out for the role, focus areas whose categories all were, and chosen
 * categories too few to fill the session (the rest then comes from the nearest categories the
 * role has). A request without a count (0) gets no notice about filling. */
typedef struct {
    const char *category; /* technical | behavioral | project | system_design | coding | general */
    bool available;
    bool allowed;       /* a session of this request may contain it: one of the categories its
                           focus areas chose, else (none chosen, or too few questions in them)
                           any the role has */
    int questions;      /* distinct questions of the category that suit the role */
    const char *reason; /* why it is left out; NULL when available */
} ai_category_status;

typedef struct {
    const char *code;     /* CATEGORY_NOT_FOR_ROLE | FOCUS_CATEGORIES_IGNORED | CATEGORY_SHORT */
    const char *category; /* the category concerned, or NULL */
    const char *message;
} ai_notice;

#define AI_NOTICES_MAX (AI_CATEGORIES_MAX + 2)

typedef struct {
    const char *role; /* the vocabulary role the interview is for (ai/roles.h), NULL when none */
    ai_category_status categories[AI_CATEGORIES_MAX];
    size_t ncategories;
    ai_notice notices[AI_NOTICES_MAX];
    size_t nnotices;
} ai_question_plan;

int ai_offline_plan(const ai_offline *e, arena *a, const ai_generate_request *req,
                    ai_question_plan *out);

#endif
