/* Fuzzes the JSON requests of the AI operations (src/ai/request.c ai_request_run, as
 * `interviewace ai <op>` and the test.ai job read them) through a chain of the offline engine
 * alone: the first byte picks the operation (parse, generate, evaluate, summarize, match) and
 * the rest is its JSON request, whose nested analysis, question and summary items go through
 * the schema readers before the operation runs. Checked: a refusal says why, and a result is
 * an object with the result and the engine that produced it. */
#include <jansson.h>
#include <string.h>

#include "ai/chain.h"
#include "ai/request.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "fuzz.h"

/* A chain with no provider configured: the offline engine alone, made once. */
static ai_chain *chain(void)
{
    static ai_chain *c;
    static ia_config cfg;
    if (c == NULL) {
        log_configure(LOG_ERROR, true);
        cfg.llm_primary_provider = LLM_PROVIDER_OFFLINE;
        char err[256];
        fuzz_check(ai_chain_create(&cfg, &c, err, sizeof(err)) == IA_OK, "the AI chain");
    }
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ops[] = { "parse", "generate", "evaluate", "summarize", "match" };
    const char *op = ops[fuzz_take_byte(&data, &size) % 5];
    json_t *in = json_loadb((const char *)data, size, 0, NULL);
    if (in == NULL)
        return 0;
    arena *a = arena_create(64u << 20);
    if (a != NULL) {
        json_t *out = NULL;
        char err[256] = "";
        int rc = ai_request_run(chain(), a, op, in, &out, err, sizeof(err));
        if (rc == IA_OK) {
            fuzz_check(json_is_object(json_object_get(out, "result")), "a result");
            fuzz_check(json_is_string(json_object_get(out, "engine")), "the engine");
            json_decref(out);
        } else {
            fuzz_check(rc != IA_ERR_INVALID || err[0] != '\0', "a refusal says why");
        }
    }
    arena_destroy(a);
    json_decref(in);
    return 0;
}
