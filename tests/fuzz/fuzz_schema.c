/* Fuzzes the schema readers (src/ai/schema.c *_from_json), which is how a provider's output
 * enters the service: the first byte picks the reader (analysis, question, questions,
 * evaluation, summary, match) and the rest is the JSON a provider answered. Checked: a refusal
 * says why; what a reader accepts (after clamping) renders as JSON and reads back unchanged,
 * so that everything stored meets the schema. */
#include <jansson.h>

#include "ai/schema.h"
#include "core/arena.h"
#include "core/errors.h"
#include "fuzz.h"

#define ERR_MAX 256

/* Accepted output that cannot be written back is a finding. */
static json_t *written(json_t *j)
{
    fuzz_check(j != NULL, "accepted output renders as JSON");
    return j;
}

/* Reads j with the reader sel names and writes what it accepted back to JSON; NULL when it
 * refused (with err set). */
static json_t *read_write(arena *a, unsigned sel, const json_t *j, char *err)
{
    size_t count = (sel >> 3) % AI_QUESTIONS_MAX + 1;
    json_t *out = NULL;
    int rc;
    switch (sel % 6) {
    case 0: {
        ai_analysis v;
        if ((rc = ai_analysis_from_json(a, j, &v, err, ERR_MAX)) == IA_OK)
            out = written(ai_analysis_to_json(&v));
        break;
    }
    case 1: {
        ai_question v;
        if ((rc = ai_question_from_json(a, j, &v, err, ERR_MAX)) == IA_OK)
            out = written(ai_question_to_json(&v));
        break;
    }
    case 2: {
        ai_questions v;
        if ((rc = ai_questions_from_json(a, j, count, &v, err, ERR_MAX)) == IA_OK) {
            fuzz_check(v.n == count, "exactly the questions asked for");
            out = written(ai_questions_to_json(&v));
        }
        break;
    }
    case 3: {
        ai_evaluation v;
        if ((rc = ai_evaluation_from_json(a, j, &v, err, ERR_MAX)) == IA_OK) {
            fuzz_check(v.score >= 0 && v.score <= 100, "a score is clamped");
            out = written(ai_evaluation_to_json(&v));
        }
        break;
    }
    case 4: {
        ai_summary v;
        if ((rc = ai_summary_from_json(a, j, &v, err, ERR_MAX)) == IA_OK) {
            fuzz_check(v.final_score >= 0 && v.final_score <= 100, "a score is clamped");
            out = written(ai_summary_to_json(&v));
        }
        break;
    }
    default: {
        ai_match v;
        if ((rc = ai_match_from_json(a, j, &v, err, ERR_MAX)) == IA_OK) {
            fuzz_check(v.match_score >= 0 && v.match_score <= 100, "a score is clamped");
            out = written(ai_match_to_json(&v));
        }
        break;
    }
    }
    fuzz_check(rc == IA_OK || err[0] != '\0', "a refusal says why");
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_take_byte(&data, &size);
    json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
    if (j == NULL)
        return 0;
    arena *a = arena_create(64u << 20);
    if (a != NULL) {
        char err[ERR_MAX] = "";
        json_t *out = read_write(a, sel, j, err);
        if (out != NULL) {
            char again_err[ERR_MAX] = "";
            json_t *again = read_write(a, sel, out, again_err);
            if (again == NULL)
                fprintf(stderr, "accepted output refused when read back: %s\n", again_err);
            fuzz_check(again != NULL, "accepted output reads back");
            fuzz_check(json_equal(out, again), "accepted output reads back unchanged");
            json_decref(again);
            json_decref(out);
        }
    }
    arena_destroy(a);
    json_decref(j);
    return 0;
}
