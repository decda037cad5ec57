/* The two external LLM providers, spoken over HTTPS with libcurl (docs/design.md "AI"):
 *   gemini  POST {GEMINI_BASE_URL}/v1beta/models/{model}:generateContent, the key in the
 *           x-goog-api-key header, JSON output constrained by generationConfig.responseSchema;
 *           the answer is candidates[0].content.parts[].text.
 *   openai  POST {OPENAI_BASE_URL}/chat/completions (OpenAI, Ollama, llama.cpp server, vLLM,
 *           LM Studio), "Authorization: Bearer" only when a key is set, a system and a user
 *           message and response_format json_schema (strict); the answer is
 *           choices[0].message.content. The schema is also written into the system message,
 *           so a server that ignores response_format still knows the shape; content that is
 *           not a JSON object is invalid output.
 * One call is one HTTP request, bounded by the provider's timeout (connection included) and a
 * response body cap; retries, fallback and the circuit breaker are the chain's (ai/chain.h).
 * Nothing here logs: the chain logs provider, operation, outcome, status and latency, never a
 * key or prompt text. */
#ifndef IA_AI_LLM_H
#define IA_AI_LLM_H

#include <jansson.h>
#include <stddef.h>

#include "ai/ai.h"
#include "ai/prompt.h"

#define LLM_BODY_MAX (2u * 1024u * 1024u) /* largest response body accepted */

/* How one call ended; the names (llm_outcome_name) are the metrics' reason labels. */
typedef enum {
    LLM_OK = 0,
    LLM_TIMEOUT,        /* no complete answer within the timeout */
    LLM_CONNECT,        /* name lookup, connection, TLS or transfer error */
    LLM_HTTP_429,       /* rate limited */
    LLM_HTTP_5XX,       /* server error */
    LLM_HTTP_4XX,       /* any other non-2xx answer: not worth retrying */
    LLM_TOO_LARGE,      /* the body passed LLM_BODY_MAX */
    LLM_INVALID_OUTPUT, /* 2xx, but no JSON object where the answer should be */
    LLM_OUTCOME_COUNT
} llm_outcome;

const char *llm_outcome_name(llm_outcome o);

typedef struct {
    ai_engine engine; /* AI_ENGINE_GEMINI or AI_ENGINE_OPENAI */
    const char *base_url;
    const char *model;
    const char *api_key; /* NULL or "" for an openai server without keys */
    long long timeout_ms;
} llm_provider;

typedef struct {
    llm_outcome outcome;
    long http_status;         /* 0 when no answer arrived */
    long long retry_after_ms; /* from a Retry-After header, else -1 */
    json_t *output;           /* LLM_OK: the JSON object the model wrote (owned) */
    char detail[160];         /* a short reason for logs; never prompt text or keys */
} llm_result;

/* Makes one call. Returns IA_OK with out->output set, or an error code with out->outcome
 * saying why: IA_ERR_TIMEOUT, IA_ERR_UNAVAILABLE (connection, 429, 5xx), IA_ERR_INVALID
 * (other 4xx, invalid output), IA_ERR_TOO_LARGE, IA_ERR_NOMEM. */
int llm_call(const llm_provider *p, const ai_prompt *pr, llm_result *out);

/* The request URL of a call, into buf; IA_ERR_TOO_LARGE when it does not fit. */
int llm_request_url(const llm_provider *p, char *buf, size_t len);

/* The request body of a call (a new reference). */
json_t *llm_request_body(const llm_provider *p, const ai_prompt *pr);

/* A schema in the OpenAPI subset Gemini's responseSchema takes: upper-case types, nullable
 * instead of type lists, no additionalProperties (a new reference). */
json_t *llm_gemini_schema(const json_t *schema);

/* The JSON object inside a response body of a provider; IA_ERR_INVALID (with why) when the
 * envelope or its text is not what the API promises. A text wrapped in a Markdown code fence
 * is unwrapped first. */
int llm_parse_response(ai_engine engine, const char *body, size_t len, json_t **out, char *why,
                       size_t whylen);

/* A Retry-After value (delay-seconds or an HTTP date, against now_s) in milliseconds; -1 when
 * it cannot be read. */
long long llm_retry_after_ms(const char *value, long long now_s);

#endif
