/* Fuzzes the offline resume parser (src/ai/resume.c ai_offline_parse and the contact, date,
 * taxonomy and role readers it calls): the input is the text extracted from an uploaded
 * resume. The engine is created once and shared, as in the service. Checked: the analysis
 * passes the schema every engine's output is held to (ai/schema.h), which is how it is
 * stored: written to JSON and read back. */
#include <jansson.h>
#include <string.h>

#include "ai/offline.h"
#include "ai/schema.h"
#include "core/arena.h"
#include "core/errors.h"
#include "fuzz.h"

#define NOW_MONTH (2025 * 12 + 5)

static const ai_offline *engine(void)
{
    static ai_offline *e;
    if (e == NULL) {
        char err[256];
        fuzz_check(ai_offline_create(&e, err, sizeof(err)) == IA_OK, "the offline engine");
    }
    return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size);
    arena *a = arena_create(64u << 20);
    if (text != NULL && a != NULL) {
        ai_analysis an;
        /* Extracted text is always valid UTF-8; other bytes are parsed for memory safety
         * alone. */
        if (ai_offline_parse(engine(), a, text, NOW_MONTH, &an) == IA_OK &&
            fuzz_utf8_valid(text, strlen(text))) {
            json_t *j = ai_analysis_to_json(&an);
            fuzz_check(j != NULL, "an analysis renders as JSON");
            ai_analysis back;
            char err[256];
            fuzz_check(ai_analysis_from_json(a, j, &back, err, sizeof(err)) == IA_OK,
                       "an offline analysis meets the schema");
            char *dump = json_dumps(j, JSON_COMPACT);
            fuzz_check(dump != NULL, "an analysis serialises");
            free(dump);
            json_decref(j);
        }
    }
    arena_destroy(a);
    free(text);
    return 0;
}
