/* Question generation of the offline engine: the count and difficulty split asked for, no
 * repeats within a session or of the user's recent sessions, the focus areas, the job
 * description's missing skills, project questions from the resume's own experience, a
 * category mix that fits the role, determinism, and refused requests. Resumes are built by
 * hand as analyses, independent of the resume parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ai/offline.h"
#include "ai/roles.h"
#include "core/arena.h"
#include "core/errors.h"
#include "test_engine.h"
#include "core/util.h"

/* A backend engineer with Python and PostgreSQL, two positions at fictional companies. */
static ai_skill_item backend_skills[] = { { "Python", "language" },
                                          { "PostgreSQL", "database" },
                                          { "Django", "framework" },
                                          { "Communication", "soft" } };
static const char *highlights_0[] = { "Cut p95 latency of the billing API by 40% with Redis" };
static ai_experience backend_exp[] = {
    { "Backend Engineer",
      "Lumenfield Analytics",
      "2021-03",
      NULL,
      "Built Python services on PostgreSQL for invoicing.",
      { highlights_0, 1 } },
    { "Software Developer",
      "Harbor & Finch Ltd",
      "2018-06",
      "2021-02",
      "Maintained Django applications.",
      { NULL, 0 } },
};
static const ai_analysis backend_resume = {
    .name = "Ada Example",
    .inferred_role = "backend engineer",
    .seniority = "mid",
    .has_years = true,
    .years_of_experience = 5.5,
    .skills = backend_skills,
    .nskills = 4,
    .experience = backend_exp,
    .nexperience = 2,
};

static ai_generate_request request(int count, const char *difficulty)
{
    ai_generate_request r = { 0 };
    r.count = count;
    r.difficulty = difficulty;
    r.seed = 42;
    return r;
}

static ai_questions generate(engine_fixture *f, const ai_generate_request *r)
{
    ai_questions q = { 0 };
    assert_int_equal(ai_offline_generate(f->engine, f->a, r, &q), IA_OK);
    assert_int_equal(q.n, (size_t)r->count);
    return q;
}

static size_t count_category(const ai_questions *q, const char *cat)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++)
        n += strcmp(q->v[i].category, cat) == 0;
    return n;
}

static size_t count_level(const ai_questions *q, const char *lvl)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++)
        n += strcmp(q->v[i].difficulty, lvl) == 0;
    return n;
}

static bool has_skill(const ai_question *q, const char *skill)
{
    for (size_t i = 0; i < q->skills.n; i++)
        if (strcmp(q->skills.v[i], skill) == 0)
            return true;
    return false;
}

static size_t count_skill(const ai_questions *q, const char *skill)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++)
        n += has_skill(&q->v[i], skill);
    return n;
}

/* True when s still holds a template placeholder; for a question filled from a template
 * (bank id proj-tpl-...) any brace at all counts. */
static bool unfilled(const char *s, bool from_template)
{
    if (from_template)
        return strchr(s, '{') != NULL;
    return strstr(s, "{company}") != NULL || strstr(s, "{job_title}") != NULL ||
           strstr(s, "{skill}") != NULL;
}

/* Every question complete: a known category and level, a bank id, text, a model answer and a
 * rubric, and no placeholder left anywhere. */
static void assert_well_formed(const ai_questions *q)
{
    static const char *const cats[] = { "technical",     "behavioral", "project",
                                        "system_design", "coding",     "general" };
    for (size_t i = 0; i < q->n; i++) {
        const ai_question *x = &q->v[i];
        bool known = false;
        for (size_t c = 0; c < 6; c++)
            known = known || strcmp(x->category, cats[c]) == 0;
        assert_true(known);
        assert_non_null(x->bank_id);
        assert_true(x->nkey_points >= 1);
        bool tpl = strncmp(x->bank_id, "proj-tpl-", 9) == 0;
        if (unfilled(x->text, tpl) || unfilled(x->model_answer, tpl))
            fail_msg("placeholder left in %s: %s", x->bank_id, x->text);
        for (size_t k = 0; k < x->nkey_points; k++) {
            assert_false(unfilled(x->key_points[k].point, tpl));
            for (size_t t = 0; t < x->key_points[k].terms.n; t++)
                assert_false(unfilled(x->key_points[k].terms.v[t], tpl));
        }
    }
}

static void assert_no_duplicates(const ai_questions *q)
{
    for (size_t i = 0; i < q->n; i++)
        for (size_t j = i + 1; j < q->n; j++) {
            if (strcmp(q->v[i].bank_id, q->v[j].bank_id) == 0)
                fail_msg("%s twice", q->v[i].bank_id);
            assert_string_not_equal(q->v[i].text, q->v[j].text);
        }
}

static void test_count_is_honoured(void **state)
{
    engine_fixture *f = *state;
    static const int counts[] = { 5, 12, 30 };
    for (size_t i = 0; i < 3; i++) {
        ai_generate_request r = request(counts[i], "mixed");
        ai_questions general = generate(f, &r);
        assert_well_formed(&general);
        r.resume = &backend_resume;
        ai_questions q = generate(f, &r);
        assert_well_formed(&q);
        assert_true(count_category(&q, "behavioral") >= 1);
        assert_true(count_category(&q, "project") >= 1);
    }
    /* Fewer than five is allowed by the engine, too. */
    ai_generate_request r = request(1, "hard");
    ai_questions one = generate(f, &r);
    assert_string_equal(one.v[0].difficulty, "hard");
}

static void test_mixed_split_is_exact(void **state)
{
    engine_fixture *f = *state;
    static const int counts[] = { 5, 7, 10, 12, 13, 17, 20, 29, 30 };
    static const char *const roles[] = { NULL, "Senior Backend Developer", "Registered Nurse",
                                         "Accountant" };
    for (size_t i = 0; i < COUNT(counts); i++)
        for (size_t k = 0; k < 4; k++) {
            ai_generate_request r = request(counts[i], "mixed");
            r.target_role = roles[k];
            r.resume = k == 1 ? &backend_resume : NULL;
            ai_questions q = generate(f, &r);
            size_t n = (size_t)counts[i], tenth = 3 * n / 10;
            assert_int_equal(count_level(&q, "easy"), tenth);
            assert_int_equal(count_level(&q, "hard"), tenth);
            assert_int_equal(count_level(&q, "medium"), n - 2 * tenth);
        }
}

static void test_single_level_requests_stay_at_that_level(void **state)
{
    engine_fixture *f = *state;
    static const char *const levels[] = { "easy", "medium", "hard" };
    static const char *const roles[] = { "software engineer", "nurse", NULL };
    for (size_t l = 0; l < 3; l++)
        for (size_t k = 0; k < 3; k++) {
            ai_generate_request r = request(30, levels[l]);
            r.target_role = roles[k];
            ai_questions q = generate(f, &r);
            assert_int_equal(count_level(&q, levels[l]), 30);
            assert_no_duplicates(&q);
        }
}

static void test_no_question_twice_in_a_session(void **state)
{
    engine_fixture *f = *state;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        ai_generate_request r = request(30, "mixed");
        r.seed = seed;
        r.resume = &backend_resume;
        ai_questions q = generate(f, &r);
        assert_no_duplicates(&q);
    }
}

static void test_recent_questions_are_avoided(void **state)
{
    engine_fixture *f = *state;
    ai_generate_request r = request(12, "mixed");
    r.resume = &backend_resume;
    ai_questions first = generate(f, &r);
    /* By bank id and by text (the text of a project question names the company). */
    const char *avoid[2 * AI_QUESTIONS_MAX];
    for (size_t i = 0; i < first.n; i++) {
        avoid[2 * i] = first.v[i].bank_id;
        avoid[2 * i + 1] = first.v[i].text;
    }
    r.avoid = (ai_strs){ avoid, 2 * first.n };
    ai_questions second = generate(f, &r);
    for (size_t i = 0; i < first.n; i++)
        for (size_t j = 0; j < second.n; j++) {
            assert_string_not_equal(first.v[i].bank_id, second.v[j].bank_id);
            assert_string_not_equal(first.v[i].text, second.v[j].text);
        }
    /* Texts alone are enough for bank questions. */
    for (size_t i = 0; i < first.n; i++)
        avoid[i] = first.v[i].text;
    r.avoid = (ai_strs){ avoid, first.n };
    ai_questions third = generate(f, &r);
    for (size_t i = 0; i < first.n; i++)
        for (size_t j = 0; j < third.n; j++)
            assert_string_not_equal(first.v[i].text, third.v[j].text);
}

static void test_system_design_focus_fills_half(void **state)
{
    engine_fixture *f = *state;
    static const int counts[] = { 5, 12, 30 };
    const char *focus[] = { "system design" };
    for (size_t i = 0; i < 3; i++) {
        ai_generate_request r = request(counts[i], "mixed");
        r.target_role = "backend engineer";
        r.focus_areas = (ai_strs){ focus, 1 };
        ai_questions q = generate(f, &r);
        /* A category focus is honoured exactly: nothing else while the bank has enough. */
        assert_int_equal(count_category(&q, "system_design"), q.n);
    }
    /* A role whose interview has no system design does not get it, even when asked. */
    ai_generate_request r = request(12, "mixed");
    r.target_role = "product manager";
    r.focus_areas = (ai_strs){ focus, 1 };
    ai_questions pm = generate(f, &r);
    assert_int_equal(count_category(&pm, "system_design"), 0);
    assert_int_equal(count_category(&pm, "coding"), 0);
}

static size_t count_naming(const ai_questions *q, const char *const *words, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < q->n; i++) {
        bool hit = false;
        for (size_t w = 0; w < n && !hit; w++)
            hit = ai_has_word(q->v[i].text, words[w], true);
        k += hit;
    }
    return k;
}

/* Focus areas naming categories keep the session to them, for every count. */
static void test_category_focus_is_exact(void **state)
{
    engine_fixture *f = *state;
    const char *focus[] = { "Technical", "Behavioral", "System design" };
    static const int counts[] = { 5, 12, 30 };
    for (size_t i = 0; i < 3; i++) {
        ai_generate_request r = request(counts[i], "mixed");
        r.resume = &backend_resume;
        r.focus_areas = (ai_strs){ focus, 3 };
        ai_questions q = generate(f, &r);
        size_t in = count_category(&q, "technical") + count_category(&q, "behavioral") +
                    count_category(&q, "system_design");
        assert_int_equal(in, q.n);
    }
}

/* Coding and system design never reach a nurse or an accountant, asked for or not; the plan
 * says which asked categories were left out, and why. */
static void test_role_inappropriate_categories_are_left_out(void **state)
{
    engine_fixture *f = *state;
    static const char *const roles[] = { "Registered Nurse", "Accountant", "Sales Representative" };
    const char *focus[] = { "coding", "SQL", "behavioral" };
    for (size_t i = 0; i < 3; i++) {
        ai_generate_request r = request(12, "mixed");
        r.target_role = roles[i];
        r.focus_areas = (ai_strs){ focus, 3 };
        ai_questions q = generate(f, &r);
        assert_int_equal(count_category(&q, "coding"), 0);
        assert_int_equal(count_category(&q, "system_design"), 0);
        assert_int_equal(count_category(&q, "behavioral"), q.n);
        ai_question_plan plan;
        assert_int_equal(ai_offline_plan(f->engine, f->a, &r, &plan), IA_OK);
        assert_int_equal(plan.nnotices, 1);
        assert_string_equal(plan.notices[0].code, "CATEGORY_NOT_FOR_ROLE");
        assert_string_equal(plan.notices[0].category, "coding");
        assert_int_equal(plan.ncategories, 6);
        for (size_t c = 0; c < plan.ncategories; c++) {
            bool no = strcmp(plan.categories[c].category, "coding") == 0 ||
                      strcmp(plan.categories[c].category, "system_design") == 0;
            assert_int_equal(plan.categories[c].available, !no);
            assert_true(no ? plan.categories[c].reason != NULL : plan.categories[c].reason == NULL);
        }
    }
    /* Without a role every category is there. */
    ai_generate_request r = request(0, "mixed");
    ai_question_plan plan;
    assert_int_equal(ai_offline_plan(f->engine, f->a, &r, &plan), IA_OK);
    assert_null(plan.role);
    for (size_t c = 0; c < plan.ncategories; c++)
        assert_true(plan.categories[c].available);
}

/* When the chosen categories cannot fill a session, the rest comes from the nearest categories
 * the role has, and the plan says so. */
static void test_short_categories_fill_from_the_nearest(void **state)
{
    engine_fixture *f = *state;
    const char *focus[] = { "technical" };
    ai_generate_request r = request(30, "mixed");
    r.target_role = "Accountant";
    r.focus_areas = (ai_strs){ focus, 1 };
    ai_question_plan plan;
    assert_int_equal(ai_offline_plan(f->engine, f->a, &r, &plan), IA_OK);
    int have = plan.categories[0].questions;
    assert_true(have > 0 && have < 30);
    assert_int_equal(plan.nnotices, 1);
    assert_string_equal(plan.notices[0].code, "CATEGORY_SHORT");
    ai_questions q = generate(f, &r);
    assert_int_equal(q.n, 30);
    assert_int_equal(count_category(&q, "technical"), (size_t)have);
    assert_int_equal(count_category(&q, "coding") + count_category(&q, "system_design"), 0);
}

/* With a resume at least half the questions name its skills, employers or titles; with a job
 * description at least a third name its requirements, and one the resume lacks says so. */
static void test_questions_draw_on_the_resume_and_the_job(void **state)
{
    engine_fixture *f = *state;
    static const char *const mine[] = { "Python",
                                        "PostgreSQL",
                                        "Django",
                                        "Lumenfield Analytics",
                                        "Harbor & Finch Ltd",
                                        "Backend Engineer",
                                        "Software Developer" };
    static const char *const asked[] = { "Kubernetes", "Kafka", "AWS", "PostgreSQL", "Python" };
    static const int counts[] = { 5, 12, 30 };
    for (size_t i = 0; i < 3; i++) {
        ai_generate_request r = request(counts[i], "mixed");
        r.resume = &backend_resume;
        ai_questions q = generate(f, &r);
        assert_true(2 * count_naming(&q, (const char *const *)mine, 7) >= q.n);
        r.job_description =
            "Backend engineer: Kubernetes, Kafka and AWS, with Python and PostgreSQL.";
        q = generate(f, &r);
        assert_true(2 * count_naming(&q, (const char *const *)mine, 7) >= q.n);
        assert_true(3 * count_naming(&q, (const char *const *)asked, 5) >= q.n);
        bool says = false;
        for (size_t k = 0; k < q.n; k++)
            says = says || strstr(q.v[k].text, "your resume does not") != NULL;
        assert_true(says);
        /* The prefaces vary: not every requirement is introduced the same way. */
        size_t same = 0, other = 0;
        for (size_t k = 0; k < q.n; k++) {
            const char *t = q.v[k].text;
            same += strncmp(t, "The role asks for", 17) == 0;
            other += strncmp(t, "This job", 8) == 0 || strncmp(t, "The job description", 19) == 0 ||
                     strncmp(t, "You used", 8) == 0 || strncmp(t, "Both your resume", 16) == 0;
        }
        assert_true(same < 2 || other > 0);
        assert_well_formed(&q);
    }
}

/* A tailored question keeps its bank question's rubric. */
static void test_tailored_questions_keep_the_bank_rubric(void **state)
{
    engine_fixture *f = *state;
    ai_generate_request r = request(12, "mixed");
    r.resume = &backend_resume;
    ai_questions q = generate(f, &r);
    size_t tailored = 0;
    for (size_t i = 0; i < q.n; i++) {
        const ai_bank_item *it = ai_bank_find(ai_offline_bank(f->engine), q.v[i].bank_id);
        assert_non_null(it);
        if (strncmp(q.v[i].bank_id, "proj-tpl-", 9) == 0 ||
            strcmp(q.v[i].text, it->question.text) == 0)
            continue;
        tailored++;
        size_t n = strlen(it->question.text), m = strlen(q.v[i].text);
        assert_true(m > n);
        assert_string_equal(q.v[i].text + m - n, it->question.text);
        assert_int_equal(q.v[i].nkey_points, it->question.nkey_points);
        for (size_t k = 0; k < q.v[i].nkey_points; k++)
            assert_string_equal(q.v[i].key_points[k].point, it->question.key_points[k].point);
    }
    assert_true(tailored > 0);
}

/* A repeat session asks nothing the avoid list names while the bank has enough questions,
 * even at the cost of the difficulty plan. */
static void test_avoid_is_strict(void **state)
{
    engine_fixture *f = *state;
    ai_generate_request r = request(12, "hard");
    r.target_role = "Registered Nurse";
    ai_questions first = generate(f, &r);
    const char *avoid[AI_QUESTIONS_MAX];
    for (size_t i = 0; i < first.n; i++)
        avoid[i] = first.v[i].bank_id;
    r.avoid = (ai_strs){ avoid, first.n };
    ai_questions second = generate(f, &r);
    for (size_t i = 0; i < first.n; i++)
        for (size_t j = 0; j < second.n; j++)
            assert_string_not_equal(first.v[i].bank_id, second.v[j].bank_id);
}

static void test_skill_focus_brings_that_skill(void **state)
{
    engine_fixture *f = *state;
    const char *focus[] = { "Kubernetes" };
    ai_generate_request r = request(12, "mixed");
    r.resume = &backend_resume;
    r.focus_areas = (ai_strs){ focus, 1 };
    ai_questions q = generate(f, &r);
    assert_true(count_skill(&q, "Kubernetes") >= 3);
    /* An alias finds it too. */
    const char *alias[] = { "k8s" };
    r.focus_areas = (ai_strs){ alias, 1 };
    q = generate(f, &r);
    assert_true(count_skill(&q, "Kubernetes") >= 3);
    /* Without the focus, a Python backend resume gets few or none. */
    r.focus_areas = (ai_strs){ NULL, 0 };
    q = generate(f, &r);
    assert_true(count_skill(&q, "Kubernetes") <= 1);
}

static size_t count_resume_skills(const ai_questions *q)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++)
        n += has_skill(&q->v[i], "Python") || has_skill(&q->v[i], "PostgreSQL") ||
             has_skill(&q->v[i], "Django");
    return n;
}

static void test_resume_skills_raise_their_questions(void **state)
{
    engine_fixture *f = *state;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        ai_generate_request r = request(12, "mixed");
        r.seed = seed;
        r.target_role = "backend engineer";
        ai_questions plain = generate(f, &r);
        size_t without = count_resume_skills(&plain);
        r.resume = &backend_resume;
        ai_questions q = generate(f, &r);
        assert_true(count_resume_skills(&q) >= 3);
        assert_true(count_resume_skills(&q) > without);
    }
}

static void test_job_description_skill_missing_from_resume_is_asked(void **state)
{
    engine_fixture *f = *state;
    ai_generate_request r = request(12, "mixed");
    r.resume = &backend_resume;
    r.job_description = "We run Python services and provision everything with Terraform.";
    for (uint64_t seed = 1; seed <= 4; seed++) {
        r.seed = seed;
        ai_questions q = generate(f, &r);
        assert_true(count_skill(&q, "Terraform") >= 1);
    }
    r.job_description = NULL;
    ai_questions plain = generate(f, &r);
    assert_int_equal(count_skill(&plain, "Terraform"), 0);
}

static void test_project_questions_come_from_the_resume(void **state)
{
    engine_fixture *f = *state;
    static const int counts[] = { 5, 12, 30 };
    for (size_t i = 0; i < 3; i++) {
        ai_generate_request r = request(counts[i], "mixed");
        r.resume = &backend_resume;
        ai_questions q = generate(f, &r);
        assert_well_formed(&q);
        size_t own = 0;
        for (size_t k = 0; k < q.n; k++)
            if (strncmp(q.v[k].bank_id, "proj-tpl-", 9) == 0) {
                assert_string_equal(q.v[k].category, "project");
                assert_true(strstr(q.v[k].text, "Lumenfield Analytics") != NULL ||
                            strstr(q.v[k].text, "Harbor & Finch Ltd") != NULL ||
                            strstr(q.v[k].text, "Backend Engineer") != NULL ||
                            strstr(q.v[k].text, "Software Developer") != NULL);
                own++;
            }
        assert_true(own >= 1);
    }
    /* Without a resume the project questions are the bank's generic ones. */
    ai_generate_request r = request(12, "mixed");
    ai_questions q = generate(f, &r);
    for (size_t k = 0; k < q.n; k++)
        assert_int_not_equal(strncmp(q.v[k].bank_id, "proj-tpl-", 9), 0);
    assert_true(count_category(&q, "project") >= 1);
}

static void test_nurse_gets_no_coding(void **state)
{
    engine_fixture *f = *state;
    static const char *const roles[] = { "Registered Nurse", "nurse", "Accountant" };
    for (size_t k = 0; k < 3; k++)
        for (uint64_t seed = 1; seed <= 3; seed++) {
            ai_generate_request r = request(30, "mixed");
            r.target_role = roles[k];
            r.seed = seed;
            ai_questions q = generate(f, &r);
            assert_int_equal(count_category(&q, "coding"), 0);
            assert_int_equal(count_category(&q, "system_design"), 0);
            assert_true(count_category(&q, "technical") >= 5);
            assert_true(count_category(&q, "behavioral") >= 5);
        }
    ai_generate_request r = request(12, "mixed");
    r.target_role = "Registered Nurse";
    ai_questions q = generate(f, &r);
    assert_true(count_skill(&q, "Patient Care") >= 1);
}

static void test_software_role_gets_coding_and_design(void **state)
{
    engine_fixture *f = *state;
    ai_generate_request r = request(12, "mixed");
    r.target_role = "Senior Backend Developer";
    ai_questions q = generate(f, &r);
    assert_true(count_category(&q, "coding") >= 1);
    assert_true(count_category(&q, "system_design") >= 1);
    assert_true(count_category(&q, "technical") >= 2);
}

static bool same_questions(const ai_questions *a, const ai_questions *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].text, b->v[i].text) != 0)
            return false;
    return true;
}

static void test_same_seed_same_questions(void **state)
{
    engine_fixture *f = *state;
    const char *focus[] = { "caching", "leadership" };
    ai_generate_request r = request(12, "mixed");
    r.resume = &backend_resume;
    r.focus_areas = (ai_strs){ focus, 2 };
    r.job_description = "Kubernetes, Go and PostgreSQL";
    ai_questions a = generate(f, &r);
    ai_questions b = generate(f, &r);
    assert_true(same_questions(&a, &b));
    size_t differ = 0;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        r.seed = 42 + seed;
        ai_questions c = generate(f, &r);
        differ += !same_questions(&a, &c);
    }
    assert_true(differ >= 4);
}

static void test_warm_up_first_and_behavioral_spread(void **state)
{
    engine_fixture *f = *state;
    ai_generate_request r = request(12, "mixed");
    r.target_role = "software engineer";
    ai_questions q = generate(f, &r);
    assert_string_equal(q.v[0].difficulty, "easy");
    /* No two behavioral questions next to each other when there are few. */
    size_t beh = count_category(&q, "behavioral");
    assert_true(beh >= 1 && beh <= 4);
    for (size_t i = 1; i < q.n; i++)
        assert_false(strcmp(q.v[i].category, "behavioral") == 0 &&
                     strcmp(q.v[i - 1].category, "behavioral") == 0);
}

static void test_invalid_requests_are_refused(void **state)
{
    engine_fixture *f = *state;
    ai_questions q = { 0 };
    ai_generate_request r = request(0, "mixed");
    assert_int_equal(ai_offline_generate(f->engine, f->a, &r, &q), IA_ERR_INVALID);
    r = request(AI_QUESTIONS_MAX + 1, "mixed");
    assert_int_equal(ai_offline_generate(f->engine, f->a, &r, &q), IA_ERR_INVALID);
    r = request(-3, "easy");
    assert_int_equal(ai_offline_generate(f->engine, f->a, &r, &q), IA_ERR_INVALID);
    r = request(12, "extreme");
    assert_int_equal(ai_offline_generate(f->engine, f->a, &r, &q), IA_ERR_INVALID);
    r = request(12, "Easy");
    assert_int_equal(ai_offline_generate(f->engine, f->a, &r, &q), IA_ERR_INVALID);
    const char *many[11] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k" };
    r = request(12, "mixed");
    r.focus_areas = (ai_strs){ many, 11 };
    assert_int_equal(ai_offline_generate(f->engine, f->a, &r, &q), IA_ERR_INVALID);
    assert_int_equal(ai_offline_generate(f->engine, f->a, NULL, &q), IA_ERR_INVALID);
    assert_int_equal(q.n, 0);
}

static void test_role_words_map_onto_the_vocabulary(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        { "Senior Backend Developer", "backend engineer" },
        { "SRE", "site reliability engineer" },
        { "data science", "data scientist" },
        { "Registered Nurse (ICU)", "nurse" },
        { "Staff Software Engineer", "software engineer" },
        { "Front-End Engineer", "frontend engineer" },
        { "Full-stack developer", "full stack engineer" },
        { "Clinical Data Analyst", "clinical data analyst" },
        { "Marketing Data Analyst", "data analyst" },
        { "FP&A Analyst", "financial analyst" },
        { "Engineering Manager", "engineering manager" },
        { "iOS Developer", "mobile engineer" },
        { "We are hiring a Senior Platform Engineer to keep our security tooling running",
          "devops engineer" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        const ai_role *role = ai_role_find(cases[i][0]);
        if (role == NULL || strcmp(role->name, cases[i][1]) != 0)
            fail_msg("%s -> %s, want %s", cases[i][0], role ? role->name : "none", cases[i][1]);
    }
    assert_null(ai_role_find("Pastry chef"));
    assert_null(ai_role_find(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_is_honoured),
        cmocka_unit_test(test_mixed_split_is_exact),
        cmocka_unit_test(test_single_level_requests_stay_at_that_level),
        cmocka_unit_test(test_no_question_twice_in_a_session),
        cmocka_unit_test(test_recent_questions_are_avoided),
        cmocka_unit_test(test_system_design_focus_fills_half),
        cmocka_unit_test(test_skill_focus_brings_that_skill),
        cmocka_unit_test(test_resume_skills_raise_their_questions),
        cmocka_unit_test(test_job_description_skill_missing_from_resume_is_asked),
        cmocka_unit_test(test_project_questions_come_from_the_resume),
        cmocka_unit_test(test_nurse_gets_no_coding),
        cmocka_unit_test(test_software_role_gets_coding_and_design),
        cmocka_unit_test(test_same_seed_same_questions),
        cmocka_unit_test(test_warm_up_first_and_behavioral_spread),
        cmocka_unit_test(test_invalid_requests_are_refused),
        cmocka_unit_test(test_role_words_map_onto_the_vocabulary),
        cmocka_unit_test(test_category_focus_is_exact),
        cmocka_unit_test(test_role_inappropriate_categories_are_left_out),
        cmocka_unit_test(test_short_categories_fill_from_the_nearest),
        cmocka_unit_test(test_questions_draw_on_the_resume_and_the_job),
        cmocka_unit_test(test_tailored_questions_keep_the_bank_rubric),
        cmocka_unit_test(test_avoid_is_strict),
    };
    return cmocka_run_group_tests(tests, engine_setup, engine_teardown);
}
