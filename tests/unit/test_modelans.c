/* Model answers that fit the candidate (docs/design.md "AI"): every role of the vocabulary
 * belongs to a family; every behavioural, general and project question has an answer in every
 * family; no family's answer tells another profession's story (its marker words); placeholders
 * never survive, with or without a resume; broken documents are refused at load; and a nurse's
 * session carries the healthcare answers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ai/modelans.h"
#include "ai/offline.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/util.h"

/* Words that only one family's stories use, matched as whole words in any case. They name a
 * profession's own world, not the business vocabulary families share: an accountant at a
 * distribution company may visit the warehouse and count inventory, a salesperson meets a
 * buyer's procurement team, a teacher calls the school nurse, gives unit tests and cold-calls
 * in class, anyone may face a security audit, "deal with" a problem or learn "a lesson"; none
 * of them tells a story about a ward, a lesson plan or a pull request. */
static const char *const markers[AI_FAMILY_COUNT][20] = {
    [AI_FAMILY_SOFTWARE] = { "deploy", "deployed", "deployment", "code review", "code reviews",
                             "API", "bug", "bugs", "codebase", "pull request", "pull requests",
                             "refactor", "microservices", "staging", NULL },
    [AI_FAMILY_PRODUCT] = { "wireframe", "wireframes", "Figma", "PRD", "design critique",
                            "usability test", "usability testing", "user interviews",
                            "design system", NULL },
    [AI_FAMILY_HEALTHCARE] = { "patient", "patients", "ward", "medication", "medications",
                               "clinical", "nursing", "bedside", "physician", "care plan", NULL },
    [AI_FAMILY_FINANCE] = { "ledger", "general ledger", "reconciliation", "reconciliations",
                            "month-end", "accounts payable", "accounts receivable", "balance sheet",
                            "journal entries", "NetSuite", NULL },
    [AI_FAMILY_SALES] = { "quota", "sales pipeline", "prospect", "prospects", "closed the deal",
                          "upsell", "pipeline coverage", NULL },
    [AI_FAMILY_OPERATIONS] = { "fulfilment", "fulfillment", "production line", "forklift",
                               "pick rate", NULL },
    [AI_FAMILY_EDUCATION] = { "student", "students", "classroom", "pupil", "pupils", "curriculum",
                              "lesson plan", "lesson plans", "headteacher", "teaching assistant",
                              NULL },
};

typedef struct {
    ai_offline *e;
    const ai_bank *bank;
    const ai_modelans *m;
} fixture;

static int setup(void **state)
{
    static fixture f;
    char err[256];
    if (ai_offline_create(&f.e, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "offline engine: %s\n", err);
        return -1;
    }
    f.bank = ai_offline_bank(f.e);
    f.m = ai_offline_modelans(f.e);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    ai_offline_free(((fixture *)*state)->e);
    return 0;
}

/* Behavioural, general and project questions: the ones every profession is asked. */
static bool shared_question(const ai_question *q)
{
    return strcmp(q->category, "behavioral") == 0 || strcmp(q->category, "general") == 0 ||
           strcmp(q->category, "project") == 0;
}

static void test_every_role_has_a_family(void **state)
{
    (void)state;
    assert_true(ai_role_count() >= 31);
    for (size_t i = 0; i < ai_role_count(); i++)
        if (ai_family_of_role(ai_role_at(i)) == AI_FAMILY_NEUTRAL)
            fail_msg("role %s has no family", ai_role_at(i)->name);
    static const struct {
        const char *text;
        ai_family f;
    } cases[] = {
        { "Senior Staff Nurse", AI_FAMILY_HEALTHCARE }, { "Year 5 Teacher", AI_FAMILY_EDUCATION },
        { "Maths tutor", AI_FAMILY_EDUCATION },         { "Backend Developer", AI_FAMILY_SOFTWARE },
        { "Data Scientist", AI_FAMILY_SOFTWARE },       { "UX Designer", AI_FAMILY_PRODUCT },
        { "Staff Accountant", AI_FAMILY_FINANCE },      { "Account Executive", AI_FAMILY_SALES },
        { "Digital Marketing Lead", AI_FAMILY_SALES },  { "Program Manager", AI_FAMILY_OPERATIONS },
        { "Pastry chef", AI_FAMILY_NEUTRAL },
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        if (ai_family_for(cases[i].text, NULL) != cases[i].f)
            fail_msg("%s -> %s, want %s", cases[i].text,
                     ai_family_id(ai_family_for(cases[i].text, NULL)), ai_family_id(cases[i].f));
    /* The target role first; an unknown one is neutral, not the resume's profession. */
    ai_experience x = { .job_title = "Staff Accountant", .company = "Northwind" };
    ai_analysis r = { .inferred_role = "accountant", .experience = &x, .nexperience = 1 };
    assert_int_equal(ai_family_for("nurse", &r), AI_FAMILY_HEALTHCARE);
    assert_int_equal(ai_family_for(NULL, &r), AI_FAMILY_FINANCE);
    assert_int_equal(ai_family_for("", &r), AI_FAMILY_FINANCE);
    assert_int_equal(ai_family_for("Pastry chef", &r), AI_FAMILY_NEUTRAL);
    r.inferred_role = NULL;
    assert_int_equal(ai_family_for(NULL, &r), AI_FAMILY_FINANCE);
}

static void test_every_question_has_an_answer_in_every_family(void **state)
{
    fixture *f = *state;
    size_t missing = 0, shared = 0;
    char list[2048] = "";
    for (size_t i = 0; i < ai_bank_count(f->bank); i++) {
        const ai_question *q = &ai_bank_get(f->bank, i)->question;
        if (!shared_question(q))
            continue;
        shared++;
        for (int fam = 0; fam < AI_FAMILY_COUNT; fam++) {
            if (ai_modelans_get(f->m, (ai_family)fam, q->bank_id) != NULL)
                continue;
            if (missing++ < 40) {
                size_t n = strlen(list);
                snprintf(list + n, sizeof(list) - n, " %s/%s", ai_family_id((ai_family)fam),
                         q->bank_id);
            }
        }
    }
    assert_true(shared >= 140);
    if (missing > 0)
        fail_msg("%zu (family, question) pairs lack a model answer:%s", missing, list);
}

/* The neutral answers cover every shared question: the fallback of a family that lacks one. */
static void test_neutral_covers_every_shared_question(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < ai_bank_count(f->bank); i++) {
        const ai_question *q = &ai_bank_get(f->bank, i)->question;
        if (shared_question(q) && ai_modelans_get(f->m, AI_FAMILY_NEUTRAL, q->bank_id) == NULL)
            fail_msg("neutral lacks %s", q->bank_id);
    }
}

static size_t words(const char *s)
{
    size_t n = 0;
    bool in = false;
    for (; *s; s++) {
        bool w = *s != ' ' && *s != '\n' && *s != '\t';
        n += w && !in;
        in = w;
    }
    return n;
}

static void test_no_answer_tells_another_professions_story(void **state)
{
    fixture *f = *state;
    size_t checked = 0;
    for (int fam = 0; fam < AI_FAMILY_COUNT; fam++) {
        for (size_t i = 0; i < ai_bank_count(f->bank); i++) {
            const ai_question *q = &ai_bank_get(f->bank, i)->question;
            const char *text = ai_modelans_get(f->m, (ai_family)fam, q->bank_id);
            if (text == NULL)
                continue;
            checked++;
            for (int other = 1; other < AI_FAMILY_COUNT; other++) {
                if (other == fam)
                    continue;
                for (size_t k = 0; markers[other][k] != NULL; k++)
                    if (ai_has_word(text, markers[other][k], true))
                        fail_msg("%s answer to %s says \"%s\" (%s)", ai_family_id((ai_family)fam),
                                 q->bank_id, markers[other][k], ai_family_id((ai_family)other));
            }
            /* STAR stories of 110-180 words, general answers of a few
             * sentences. */
            bool general = strcmp(q->category, "general") == 0;
            size_t n = words(text), lo = general ? 60 : 110, hi = general ? 160 : 180;
            if (n < lo || n > hi)
                fail_msg("%s answer to %s has %zu words", ai_family_id((ai_family)fam), q->bank_id,
                         n);
        }
    }
    assert_true(checked >= 140);
}

/* No placeholder survives and nothing reads "a a" or "as a Staff Nurse", with no resume, an
 * empty resume, a resume of the same family and one of another. */
static void test_no_placeholder_survives(void **state)
{
    fixture *f = *state;
    ai_skill_item skills[] = { { "Teamwork", "soft" }, { "Excel", "tool" } };
    ai_experience same[AI_FAMILY_COUNT];
    static const char *const titles[AI_FAMILY_COUNT] = {
        "Pastry Chef",      "Senior Software Engineer", "Product Designer", "Staff Nurse",
        "Staff Accountant", "Account Executive",        "Project Manager",  "Year 5 Teacher",
    };
    ai_analysis empty = { 0 };
    for (int fam = 0; fam < AI_FAMILY_COUNT; fam++) {
        arena *a = arena_create(16 << 20);
        assert_non_null(a);
        same[fam] = (ai_experience){ .job_title = titles[fam], .company = "Northwind" };
        ai_analysis own = {
            .experience = &same[fam], .nexperience = 1, .skills = skills, .nskills = 2
        };
        ai_experience chef = { .job_title = "Pastry Chef", .company = "Le Four" };
        ai_analysis other = { .experience = &chef, .nexperience = 1 };
        const ai_analysis *resumes[] = { NULL, &empty, &own, &other };
        for (size_t i = 0; i < ai_bank_count(f->bank); i++) {
            const char *text =
                ai_modelans_get(f->m, (ai_family)fam, ai_bank_get(f->bank, i)->question.bank_id);
            if (text == NULL)
                continue;
            for (size_t r = 0; r < 4; r++) {
                const char *out = NULL;
                assert_int_equal(ai_modelans_fill(a, (ai_family)fam, text, resumes[r], &out),
                                 IA_OK);
                if (strpbrk(out, "{}") != NULL || strstr(out, " a a ") != NULL ||
                    strstr(out, " a an ") != NULL || strstr(out, " an a ") != NULL ||
                    strstr(out, "a Account") != NULL)
                    fail_msg("%s/%s: %s", ai_family_id((ai_family)fam),
                             ai_bank_get(f->bank, i)->question.bank_id, out);
                /* The chef's job is never put into a profession's story. */
                if (fam != AI_FAMILY_NEUTRAL && r == 3 && strstr(out, "Pastry") != NULL)
                    fail_msg("%s/%s names another profession's job", ai_family_id((ai_family)fam),
                             ai_bank_get(f->bank, i)->question.bank_id);
            }
        }
        arena_destroy(a);
    }
}

static void test_fill_reads_naturally(void **state)
{
    (void)state;
    arena *a = arena_create(1 << 16);
    assert_non_null(a);
    const char *out = NULL;
    const char *text = "{company} hired me as {job_title}; I am a {job_title} who knows {skill}.";
    assert_int_equal(ai_modelans_fill(a, AI_FAMILY_HEALTHCARE, text, NULL, &out), IA_OK);
    assert_string_equal(out,
                        "My current employer hired me as a registered nurse; I am a "
                        "registered nurse who knows patient assessment.");
    ai_skill_item skills[] = { { "Teamwork", "soft" }, { "Epic", "tool" } };
    ai_experience x = { .job_title = " Intensive Care Nurse ", .company = "St Mary's" };
    ai_analysis r = { .experience = &x, .nexperience = 1, .skills = skills, .nskills = 2 };
    assert_int_equal(ai_modelans_fill(a, AI_FAMILY_HEALTHCARE, text, &r, &out), IA_OK);
    assert_string_equal(out,
                        "St Mary's hired me as Intensive Care Nurse; I am an Intensive Care "
                        "Nurse who knows Epic.");
    /* Another family's job is not used: the defaults stand in. */
    assert_int_equal(ai_modelans_fill(a, AI_FAMILY_SALES, text, &r, &out), IA_OK);
    assert_null(strstr(out, "Nurse"));
    assert_null(strstr(out, "St Mary"));
    arena_destroy(a);
}

static void refused(const ai_bank *bank, ai_family fam, const char *doc, const char *needle)
{
    ai_modelans *m = NULL;
    char err[256] = "";
    assert_int_equal(ai_modelans_create(bank, &m), IA_OK);
    assert_int_not_equal(ai_modelans_add(m, fam, doc, strlen(doc), err, sizeof(err)), IA_OK);
    if (strstr(err, needle) == NULL)
        fail_msg("error \"%s\" does not say \"%s\"", err, needle);
    ai_modelans_free(m);
}

static void test_broken_documents_are_refused(void **state)
{
    fixture *f = *state;
    refused(f->bank, AI_FAMILY_SOFTWARE, "{", "model answers software");
    refused(f->bank, AI_FAMILY_SOFTWARE, "{\"version\":1,\"family\":\"healthcare\",\"answers\":{}}",
            "family");
    refused(f->bank, AI_FAMILY_SOFTWARE, "{\"version\":2,\"family\":\"software\",\"answers\":{}}",
            "version");
    refused(f->bank, AI_FAMILY_SOFTWARE,
            "{\"version\":1,\"family\":\"software\",\"answers\":{\"beh-999\":\"x\"}}",
            "beh-999 is not a bank question");
    refused(f->bank, AI_FAMILY_SOFTWARE,
            "{\"version\":1,\"family\":\"software\",\"answers\":{\"proj-tpl-001\":\"x\"}}",
            "not a bank question");
    refused(f->bank, AI_FAMILY_SOFTWARE,
            "{\"version\":1,\"family\":\"software\",\"answers\":{\"beh-001\":\"  \"}}",
            "beh-001 has an empty answer");
    refused(f->bank, AI_FAMILY_SOFTWARE,
            "{\"version\":1,\"family\":\"software\",\"answers\":{\"beh-001\":\"At {employer}\"}}",
            "placeholder");
    refused(f->bank, AI_FAMILY_SOFTWARE,
            "{\"version\":1,\"family\":\"software\",\"answers\":{\"beh-001\":7}}", "empty");
    ai_modelans *m = NULL;
    char err[256];
    const char *ok = "{\"version\":1,\"family\":\"software\",\"answers\":{\"beh-001\":\"Fine.\"}}";
    assert_int_equal(ai_modelans_create(f->bank, &m), IA_OK);
    assert_int_equal(ai_modelans_add(m, AI_FAMILY_SOFTWARE, ok, strlen(ok), err, sizeof(err)),
                     IA_OK);
    assert_string_equal(ai_modelans_get(m, AI_FAMILY_SOFTWARE, "beh-001"), "Fine.");
    assert_null(ai_modelans_get(m, AI_FAMILY_SOFTWARE, "beh-002"));
    assert_null(ai_modelans_get(m, AI_FAMILY_HEALTHCARE, "beh-001"));
    assert_int_not_equal(ai_modelans_add(m, AI_FAMILY_SOFTWARE, ok, strlen(ok), err, sizeof(err)),
                         IA_OK);
    ai_modelans_free(m);
}

/* A family without an answer falls back to the neutral one, never to another family's. */
static void test_missing_answer_falls_back_to_neutral(void **state)
{
    fixture *f = *state;
    ai_modelans *m = NULL;
    char err[256];
    const char *neutral =
        "{\"version\":1,\"family\":\"neutral\",\"answers\":{\"beh-001\":\"Neutral.\"}}";
    const char *sales = "{\"version\":1,\"family\":\"sales\",\"answers\":{\"beh-001\":\"Sales.\"}}";
    assert_int_equal(ai_modelans_create(f->bank, &m), IA_OK);
    assert_int_equal(
        ai_modelans_add(m, AI_FAMILY_NEUTRAL, neutral, strlen(neutral), err, sizeof(err)), IA_OK);
    assert_int_equal(ai_modelans_add(m, AI_FAMILY_SALES, sales, strlen(sales), err, sizeof(err)),
                     IA_OK);
    arena *a = arena_create(1 << 16);
    assert_non_null(a);
    const ai_question *q = &ai_bank_find(f->bank, "beh-001")->question;
    const char *out = NULL;
    assert_int_equal(ai_modelans_pick(m, a, q, "nurse", NULL, &out), IA_OK);
    assert_string_equal(out, "Neutral.");
    assert_int_equal(ai_modelans_pick(m, a, q, "account executive", NULL, &out), IA_OK);
    assert_string_equal(out, "Sales.");
    /* A question no set answers keeps the bank's own answer. */
    const ai_question *t = &ai_bank_get(f->bank, 0)->question;
    assert_int_equal(ai_modelans_pick(m, a, t, "nurse", NULL, &out), IA_OK);
    assert_string_equal(out, t->model_answer);
    arena_destroy(a);
    ai_modelans_free(m);
}

/* A nurse's generated session: every behavioural question carries the healthcare answer, both
 * when the role is the target and when it is only the resume's. */
static void test_nurse_session_has_healthcare_answers(void **state)
{
    fixture *f = *state;
    arena *a = arena_create(4 << 20);
    assert_non_null(a);
    ai_experience x = { .job_title = "Staff Nurse", .company = "St Mary's Hospital" };
    ai_analysis r = { .inferred_role = "nurse", .experience = &x, .nexperience = 1 };
    const char *targets[] = { "Registered Nurse", NULL };
    for (size_t t = 0; t < 2; t++) {
        size_t behavioural = 0;
        for (uint64_t seed = 1; seed <= 4; seed++) {
            ai_generate_request req = { .resume = t == 0 ? NULL : &r,
                                        .target_role = targets[t],
                                        .difficulty = "mixed",
                                        .count = 15,
                                        .seed = seed };
            ai_questions qs;
            assert_int_equal(ai_offline_generate(f->e, a, &req, &qs), IA_OK);
            for (size_t i = 0; i < qs.n; i++) {
                if (strncmp(qs.v[i].bank_id, "beh-", 4) != 0)
                    continue;
                behavioural++;
                const char *raw = ai_modelans_get(f->m, AI_FAMILY_HEALTHCARE, qs.v[i].bank_id);
                assert_non_null(raw);
                const char *want = NULL;
                assert_int_equal(ai_modelans_fill(a, AI_FAMILY_HEALTHCARE, raw, req.resume, &want),
                                 IA_OK);
                assert_string_equal(qs.v[i].model_answer, want);
                assert_string_not_equal(
                    qs.v[i].model_answer,
                    ai_bank_find(f->bank, qs.v[i].bank_id)->question.model_answer);
            }
        }
        assert_true(behavioural >= 4);
    }
    arena_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_role_has_a_family),
        cmocka_unit_test(test_every_question_has_an_answer_in_every_family),
        cmocka_unit_test(test_neutral_covers_every_shared_question),
        cmocka_unit_test(test_no_answer_tells_another_professions_story),
        cmocka_unit_test(test_no_placeholder_survives),
        cmocka_unit_test(test_fill_reads_naturally),
        cmocka_unit_test(test_broken_documents_are_refused),
        cmocka_unit_test(test_missing_answer_falls_back_to_neutral),
        cmocka_unit_test(test_nurse_session_has_healthcare_answers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
