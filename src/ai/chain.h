/* The provider chain (docs/design.md "AI"): every AI operation goes to LLM_PRIMARY_PROVIDER first
 * (when configured), then the other configured provider, then the built-in offline engine,
 * which always answers. For each external provider:
 *   - the prompt carries the user's text as delimited data, personal data removed
 *     (ai/prompt.h, ai/redact.h);
 *   - a call is bounded by LLM_TIMEOUT; timeouts, connection errors, 429 (Retry-After honoured
 *     up to AI_RETRY_AFTER_MAX_MS; a longer one moves on at once) and 5xx are retried up to
 *     LLM_MAX_RETRIES times with jittered exponential backoff; any other 4xx moves on;
 *   - the answer is validated and clamped by the ai/schema.h readers; invalid output (not
 *     JSON, wrong types, missing fields) is retried once, then the next provider is tried;
 *   - a circuit breaker skips a provider after LLM_BREAKER_FAILURES consecutive failed
 *     operations for LLM_BREAKER_COOLDOWN, then lets one trial operation through: success
 *     closes it, failure opens it for another cooldown.
 * A session summary's final score and breakdown always come from the offline summarizer (the
 * means of the stored scores); a provider only writes its strengths, weaknesses and summary.
 * An evaluation without a model answer takes the question's own. A resume analysis takes its
 * e-mail, phone and links from the resume text, since providers never see them.
 * The chain is created once per process and shared by every worker thread: the offline
 * engine is read-only and the breaker state is under a lock. Calls block for as long as the
 * providers take (bounded by the settings above), so they belong in background jobs, never
 * on a request thread. Provider calls, failures by reason, latency and the engine that
 * answered each operation are on /metrics. */
#ifndef IA_AI_CHAIN_H
#define IA_AI_CHAIN_H

#include <stddef.h>

#include "ai/ai.h"
#include "ai/offline.h"
#include "core/arena.h"
#include "core/config.h"

#define AI_RETRY_AFTER_MAX_MS 30000 /* longest Retry-After the chain waits for */

typedef struct ai_chain ai_chain;

/* Creates the chain of cfg's providers with the offline engine at its end; err says what is
 * wrong. cfg is copied: it may be freed before the chain. */
int ai_chain_create(const ia_config *cfg, ai_chain **out, char *err, size_t errlen);
void ai_chain_free(ai_chain *c);

/* The offline engine at the end of the chain. */
const ai_offline *ai_chain_offline(const ai_chain *c);

/* The five operations (ai/ai.h). Each fills out in a and meta with the engine, model and
 * latency (retries and fallbacks included); an error means even the offline engine failed. */
int ai_chain_parse(ai_chain *c, arena *a, const char *text, int now_month, ai_analysis *out,
                   ai_meta *meta);
int ai_chain_generate(ai_chain *c, arena *a, const ai_generate_request *req, ai_questions *out,
                      ai_meta *meta);
int ai_chain_evaluate(ai_chain *c, arena *a, const ai_evaluate_request *req, ai_evaluation *out,
                      ai_meta *meta);
int ai_chain_summarize(ai_chain *c, arena *a, const ai_summary_request *req, ai_summary *out,
                       ai_meta *meta);
int ai_chain_match(ai_chain *c, arena *a, const ai_match_request *req, ai_match *out,
                   ai_meta *meta);

#endif
