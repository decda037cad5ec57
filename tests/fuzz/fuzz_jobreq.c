/* Fuzzes the job-description reader (src/ai/jobreq.c): the input is a pasted job description,
 * read once with the built-in taxonomy and once without (the first byte picks the order).
 * Checked: reading never fails on odd input, at most AI_JOBREQ_MAX requirements come back, each
 * with a text, at most AI_JOBREQ_ALTS non-empty alternatives of valid UTF-8 when the input is
 * valid UTF-8, a positive number of years for a years requirement and a known degree level for
 * a degree one. */
#include <string.h>

#include "ai/jobreq.h"
#include "ai/taxonomy.h"
#include "core/errors.h"
#include "fuzz.h"

/* The built-in taxonomy, loaded once and kept for the process. */
static const ai_taxonomy *taxonomy(void)
{
    static ai_taxonomy *t;
    if (t == NULL) {
        char err[200];
        fuzz_check(ai_taxonomy_builtin(&t, err, sizeof(err)) == IA_OK, "the taxonomy");
    }
    return t;
}

static void read_and_check(const ai_taxonomy *t, const char *jd, bool valid)
{
    arena *a = arena_create(16u << 20);
    if (a == NULL)
        return;
    ai_jobreqs qs;
    int rc = ai_jobreq_read(a, t, jd, &qs);
    fuzz_check(rc == IA_OK || rc == IA_ERR_NOMEM, "reading never fails on odd input");
    fuzz_check(rc != IA_OK || qs.n <= AI_JOBREQ_MAX, "requirements stay bounded");
    for (size_t i = 0; rc == IA_OK && i < qs.n; i++) {
        const ai_jobreq *q = &qs.v[i];
        fuzz_check(q->text != NULL, "a requirement has a text");
        fuzz_check(q->nalts <= AI_JOBREQ_ALTS, "alternatives stay bounded");
        for (size_t k = 0; k < q->nalts; k++)
            fuzz_check(q->alts[k] != NULL && q->alts[k][0] != '\0', "no empty alternative");
        if (q->type == AI_JOBREQ_YEARS)
            fuzz_check(q->years > 0 && q->years <= 30, "years asked are plausible");
        if (q->type == AI_JOBREQ_DEGREE)
            fuzz_check(q->degree > AI_DEGREE_NONE && q->degree <= AI_DEGREE_DOCTOR,
                       "a degree has a level");
        if (valid)
            fuzz_check(fuzz_utf8_valid(q->text, strlen(q->text)), "texts stay valid UTF-8");
    }
    arena_destroy(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_take_byte(&data, &size);
    char *jd = fuzz_strndup(data, size);
    if (jd == NULL)
        return 0;
    bool valid = fuzz_utf8_valid(jd, strlen(jd));
    read_and_check((sel & 1) ? NULL : taxonomy(), jd, valid);
    read_and_check((sel & 1) ? taxonomy() : NULL, jd, valid);
    free(jd);
    return 0;
}
