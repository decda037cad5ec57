/* Fuzzes what is done to user text before it goes to an external LLM provider
 * (src/ai/redact.c ai_redact, src/ai/prompt.c ai_prompt_data): personal data replaced, control
 * characters dropped, delimiter runs cut, the length bounded. Checked: the prepared text never
 * holds "<<<" or ">>>" (it could close its data block), never a control character but newline
 * and tab, fits its bound, and stays valid UTF-8 when the input was (the JSON encoder refuses
 * anything else, which would fail the call). */
#include <jansson.h>
#include <string.h>

#include "ai/prompt.h"
#include "ai/redact.h"
#include "core/arena.h"
#include "core/errors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_take_byte(&data, &size);
    char *text = fuzz_strndup(data, size);
    arena *a = arena_create(64u << 20);
    if (text != NULL && a != NULL) {
        bool valid = fuzz_utf8_valid(text, strlen(text));
        const char *out = NULL;
        if (ai_redact(a, text, &out) == IA_OK) {
            fuzz_check(out != NULL, "redaction writes a text");
            fuzz_check(!valid || fuzz_utf8_valid(out, strlen(out)), "redaction keeps UTF-8 valid");
        }
        /* A small bound now and then, to cut inside characters and placeholders. */
        size_t max = (sel & 1) ? sel : AI_PROMPT_DATA_MAX;
        if (ai_prompt_data(a, text, max, &out) == IA_OK) {
            size_t n = strlen(out);
            fuzz_check(n <= max, "prepared text fits its bound");
            fuzz_check(strstr(out, "<<<") == NULL && strstr(out, ">>>") == NULL,
                       "prepared text cannot close its block");
            for (size_t i = 0; i < n; i++)
                fuzz_check((unsigned char)out[i] >= 0x20 || out[i] == '\n' || out[i] == '\t',
                           "prepared text has no control character");
            fuzz_check(!valid || fuzz_utf8_valid(out, n), "prepared text stays valid UTF-8");
            if (valid) {
                json_t *s = json_string(out);
                fuzz_check(s != NULL, "prepared text goes into JSON");
                json_decref(s);
            }
        }
    }
    arena_destroy(a);
    free(text);
    return 0;
}
