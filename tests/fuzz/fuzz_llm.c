/* Fuzzes the reading of an LLM provider's HTTP answer (src/ai/llm.c): llm_parse_response on
 * the response body, for the engine the first byte picks (Gemini's candidates envelope or an
 * OpenAI-compatible choices envelope, with the answer text unwrapped from a Markdown fence),
 * and llm_retry_after_ms on the body's first line as a Retry-After header value. Checked: an
 * accepted answer is a JSON object, a refusal says why, and a delay is -1 or not negative. */
#include <jansson.h>
#include <string.h>

#include "ai/llm.h"
#include "core/errors.h"
#include "fuzz.h"

#define NOW_S 1700000000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_take_byte(&data, &size);
    ai_engine engine = (sel & 1) ? AI_ENGINE_OPENAI : AI_ENGINE_GEMINI;
    json_t *out = NULL;
    char why[160] = "";
    int rc = llm_parse_response(engine, (const char *)data, size, &out, why, sizeof(why));
    if (rc == IA_OK) {
        fuzz_check(json_is_object(out), "an answer is a JSON object");
        json_decref(out);
    } else {
        fuzz_check(why[0] != '\0', "a refusal says why");
    }
    char *first, *rest;
    if (fuzz_split_line(data, size, &first, &rest) == 0) {
        long long ms = llm_retry_after_ms(first, NOW_S);
        fuzz_check(ms >= -1, "a delay is -1 or not negative");
        free(first);
        free(rest);
    }
    return 0;
}
