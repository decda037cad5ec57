/* The prompts InterviewAce sends to an external LLM provider, one per operation, and the JSON
 * schema each answer must follow (the shapes of ai/schema.h, with enums for categories,
 * difficulties and seniority and ranges for scores and counts). Text that comes from a user
 * (resume, job description, answers, target role, focus areas) is data: it goes inside
 * delimiter lines (<<<RESUME ... RESUME>>>) that the instructions name as data, after personal
 * data is removed (ai/redact.h), and any run of three or more '<' or '>' inside it is cut to
 * two, so the text can never close its block or open another. Prompts live in the caller's
 * arena; the schema is a jansson value the caller releases with ai_prompt_free. */
#ifndef IA_AI_PROMPT_H
#define IA_AI_PROMPT_H

#include <jansson.h>
#include <stddef.h>

#include "ai/ai.h"
#include "core/arena.h"

/* The most bytes of one block of user text that a prompt carries. */
#define AI_PROMPT_DATA_MAX   AI_TEXT_MAX
#define AI_PROMPT_ANSWER_MAX 1500 /* of each answer quoted in a session summary */

typedef struct {
    const char *op;          /* "parse", "generate", "evaluate", "summarize", "match" */
    const char *system;      /* the instructions */
    const char *user;        /* the task, with the user's text in delimited blocks */
    const char *schema_name; /* a name for the schema, [a-z_]+ */
    json_t *schema;          /* the answer's JSON schema (OpenAI strict form); owned */
} ai_prompt;

/* now_month (year * 12 + month - 1) is the month open date ranges end at. */
int ai_prompt_parse(arena *a, const char *text, int now_month, ai_prompt *out);
int ai_prompt_generate(arena *a, const ai_generate_request *req, ai_prompt *out);
int ai_prompt_evaluate(arena *a, const ai_evaluate_request *req, ai_prompt *out);
/* scores: the offline summary whose final score and breakdown the prose must agree with. */
int ai_prompt_summarize(arena *a, const ai_summary_request *req, const ai_summary *scores,
                        ai_prompt *out);
int ai_prompt_match(arena *a, const ai_match_request *req, ai_prompt *out);

/* Releases the schema (the strings live in the arena). */
void ai_prompt_free(ai_prompt *p);

/* Prepares one piece of user text for a prompt: personal data removed, control characters
 * (other than newline and tab) turned into spaces, runs of '<' or '>' longer than two cut to
 * two, and the result cut to at most max bytes on a character boundary. */
int ai_prompt_data(arena *a, const char *text, size_t max, const char **out);

#endif
