/* Fuzzes the offline engine's readers of free text a user types (src/ai/evaluate.c,
 * match.c, generate.c and the text utilities under them): the first byte picks the operation
 * (its value modulo 3) and a question of the built-in bank, and the rest is text, used as the
 * answer to that question, as a job description to match a fixed resume against, or as the
 * job description and focus area of a generated interview. Checked for valid UTF-8 input (answers
 * and job descriptions arrive as JSON strings): scores stay in 0-100 and every result renders as
 * the JSON that is stored. */
#include <jansson.h>
#include <string.h>

#include "ai/offline.h"
#include "ai/schema.h"
#include "core/arena.h"
#include "core/errors.h"
#include "fuzz.h"

#define NOW_MONTH (2025 * 12 + 5)

static const char resume_text[] =
    "Jane Doe\nBackend Engineer\njane@example.com | +1 555 123 4567 | Austin, TX\n\n"
    "EXPERIENCE\nSenior Software Engineer, Acme Corp\nJan 2020 - Present\n"
    "- Built Python and PostgreSQL services on AWS with Docker and Kubernetes\n\n"
    "EDUCATION\nB.S. Computer Science, University of Texas, 2015 - 2019\n\n"
    "SKILLS\nPython, Go, PostgreSQL, Redis, AWS, Docker, Kubernetes, communication\n";

static const ai_offline *engine;
static const ai_analysis *resume;

/* The engine and a parsed resume, made once and kept for the process. */
static void setup(void)
{
    static ai_offline *e;
    static ai_analysis an;
    static arena *keep; /* the resume's memory, kept for the process */
    if (e != NULL)
        return;
    char err[256];
    fuzz_check(ai_offline_create(&e, err, sizeof(err)) == IA_OK, "the offline engine");
    keep = arena_create(16u << 20);
    fuzz_check(keep != NULL, "an arena");
    fuzz_check(ai_offline_parse(e, keep, resume_text, NOW_MONTH, &an) == IA_OK, "the resume");
    engine = e;
    resume = &an;
}

static void renders(json_t *j, bool valid)
{
    fuzz_check(j != NULL || !valid, "a result of valid text renders as JSON");
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    unsigned sel = fuzz_take_byte(&data, &size);
    char *text = fuzz_strndup(data, size);
    arena *a = arena_create(64u << 20);
    if (text != NULL && a != NULL) {
        bool valid = fuzz_utf8_valid(text, strlen(text));
        const ai_bank *bank = ai_offline_bank(engine);
        unsigned op = sel % 3;
        if (op == 0) {
            const ai_bank_item *item = ai_bank_get(bank, (sel / 3) % ai_bank_count(bank));
            ai_evaluate_request er = { &item->question, text, (int)sel - 1, "backend engineer" };
            ai_evaluation ev;
            if (ai_offline_evaluate(engine, a, &er, &ev) == IA_OK) {
                fuzz_check(ev.score >= 0 && ev.score <= 100, "an answer's score is 0-100");
                renders(ai_evaluation_to_json(&ev), valid);
            }
        } else if (op == 1) {
            ai_match_request mr = { resume, text };
            ai_match m;
            if (ai_offline_match(engine, a, &mr, &m) == IA_OK) {
                fuzz_check(m.match_score >= 0 && m.match_score <= 100, "a match score is 0-100");
                renders(ai_match_to_json(&m), valid);
            }
        } else {
            const char *focus[1] = { text };
            ai_generate_request gr = { resume,       NULL, "mixed",     5,
                                       { focus, 1 }, text, { NULL, 0 }, sel };
            ai_questions qs;
            if (ai_offline_generate(engine, a, &gr, &qs) == IA_OK) {
                fuzz_check(qs.n == 5, "the questions asked for");
                renders(ai_questions_to_json(&qs), valid);
            }
        }
    }
    arena_destroy(a);
    free(text);
    return 0;
}
