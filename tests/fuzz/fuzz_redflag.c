/* Fuzzes the red-flag matcher (src/ai/redflag.c): the first line of the input is a pattern,
 * compiled once with the synonym lexicon and once without (the first byte picks which is
 * matched), and the rest is an answer it is matched against. Checked: compiling either accepts
 * the pattern or refuses it with a reason, a compiled pattern keeps its bounds, and a pattern
 * that fires names a sentence of the answer that can be quoted. */
#include <string.h>

#include "ai/redflag.h"
#include "ai/textutil.h"
#include "core/arena.h"
#include "core/errors.h"
#include "fuzz.h"

/* The synonym lexicon, built once and kept for the process. */
static const ai_text_lexicon *lexicon(void)
{
    static arena *keep;
    static const ai_text_lexicon *lx;
    if (lx == NULL) {
        keep = arena_create(16u << 20);
        fuzz_check(keep != NULL && ai_text_lexicon_build(keep, &lx) == IA_OK, "the lexicon");
    }
    return lx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_take_byte(&data, &size);
    char *pattern = NULL, *answer = NULL;
    if (fuzz_split_line(data, size, &pattern, &answer) != 0)
        return 0;
    const ai_text_lexicon *lx = lexicon();
    arena *a = arena_create(64u << 20);
    if (a != NULL) {
        ai_redflag_pattern with, without;
        char err[200] = "";
        int rc = ai_redflag_compile_pattern(a, lx, pattern, &with, err, sizeof(err));
        fuzz_check(rc == IA_OK || err[0] != '\0', "a refused pattern says why");
        err[0] = '\0';
        int rc2 = ai_redflag_compile_pattern(a, NULL, pattern, &without, err, sizeof(err));
        fuzz_check(rc2 == IA_OK || err[0] != '\0', "a refused pattern says why");
        fuzz_check((rc == IA_OK) == (rc2 == IA_OK), "the lexicon does not change validity");
        ai_text t;
        bool lexicon = (sel & 1) != 0;
        if (rc == IA_OK && ai_text_tokenize(a, lexicon ? lx : NULL, answer, &t) == IA_OK) {
            const ai_redflag_pattern *p = lexicon ? &with : &without;
            fuzz_check(p->nslots >= 1 && p->nslots <= AI_REDFLAG_SLOTS, "slots within bounds");
            for (size_t s = 0; s < p->nslots; s++)
                fuzz_check(p->slots[s].n >= 1 && p->slots[s].n <= AI_REDFLAG_ALTS,
                           "alternatives within bounds");
            size_t sentence = 0;
            if (ai_redflag_pattern_find(&t, p, &sentence)) {
                fuzz_check(sentence < t.nsentences, "the sentence is one of the answer's");
                fuzz_check(ai_redflag_quote(a, &t, sentence, 300) != NULL,
                           "the sentence can be quoted");
            }
            ai_strs one = { .v = (const char **)&pattern, .n = 1 };
            ai_redflag_compiled c;
            if (ai_redflag_compile(a, lexicon ? lx : NULL, &one, &c, err, sizeof(err)) == IA_OK)
                fuzz_check(ai_redflag_find(&t, &c, NULL) == ai_redflag_pattern_find(&t, p, NULL),
                           "a flag of one pattern fires as the pattern does");
        }
    }
    arena_destroy(a);
    free(pattern);
    free(answer);
    return 0;
}
