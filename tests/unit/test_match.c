/* Resume against job description in the offline engine: matched and missing skills, a score
 * that rises with the overlap, the years and the role, an empty job description answered, and
 * recommendations that name what is missing. Resumes are built by hand as analyses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ai/offline.h"
#include "core/arena.h"
#include "core/errors.h"
#include "test_engine.h"

static const char jd_backend[] =
    "Senior Backend Engineer\n"
    "You will design services in Python on PostgreSQL, run them on Kubernetes and keep them "
    "observable. 5+ years of professional experience required. Terraform is a plus.";

/* A backend engineer holding the first nskills of Python, PostgreSQL, Kubernetes, Terraform. */
static ai_skill_item all_skills[] = { { "Python", "language" },
                                      { "postgres", "database" },
                                      { "Kubernetes", "cloud" },
                                      { "Terraform", "tool" } };

static ai_analysis resume(size_t nskills, double years, const char *role)
{
    ai_analysis r = { 0 };
    r.inferred_role = role;
    r.has_years = years >= 0;
    r.years_of_experience = years;
    r.skills = all_skills;
    r.nskills = nskills;
    return r;
}

static ai_match match(engine_fixture *f, const ai_analysis *r, const char *jd)
{
    ai_match m;
    ai_match_request req = { r, jd };
    assert_int_equal(ai_offline_match(f->engine, f->a, &req, &m), IA_OK);
    assert_true(m.match_score >= 0 && m.match_score <= 100);
    assert_true(m.recommendations.n >= 1 && m.recommendations.n <= AI_RECOMMEND_MAX);
    return m;
}

static bool listed(const ai_strs *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], name) == 0)
            return true;
    return false;
}

static bool recommended(const ai_match *m, const char *needle)
{
    for (size_t i = 0; i < m->recommendations.n; i++)
        if (strstr(m->recommendations.v[i], needle) != NULL)
            return true;
    return false;
}

static void test_matched_and_missing_skills(void **state)
{
    engine_fixture *f = *state;
    ai_analysis r = resume(2, 6, "backend engineer"); /* Python, postgres (an alias) */
    ai_match m = match(f, &r, jd_backend);
    assert_int_equal(m.matched_skills.n, 2);
    assert_true(listed(&m.matched_skills, "Python"));
    assert_true(listed(&m.matched_skills, "PostgreSQL"));
    assert_true(listed(&m.missing_skills, "Kubernetes"));
    assert_true(listed(&m.missing_skills, "Terraform"));
    assert_false(listed(&m.missing_skills, "Python"));
    /* Missing skills in the order the job description mentions them. */
    assert_string_equal(m.missing_skills.v[0], "Kubernetes");
}

static void test_score_rises_with_overlap(void **state)
{
    engine_fixture *f = *state;
    double last = -1;
    for (size_t k = 0; k <= 4; k++) {
        ai_analysis r = resume(k, 6, "backend engineer");
        ai_match m = match(f, &r, jd_backend);
        if (m.match_score <= last)
            fail_msg("%zu skills: %.0f, not above %.0f", k, m.match_score, last);
        last = m.match_score;
    }
    assert_true(last >= 90);
}

static void test_years_and_role_count(void **state)
{
    engine_fixture *f = *state;
    ai_analysis junior = resume(2, 2, "backend engineer"),
                senior = resume(2, 8, "backend engineer");
    ai_match mj = match(f, &junior, jd_backend), ms = match(f, &senior, jd_backend);
    assert_true(mj.match_score < ms.match_score);
    assert_true(recommended(&mj, "5+ years"));
    ai_analysis nurse = resume(2, 8, "nurse"), related = resume(2, 8, "software engineer");
    ai_match mn = match(f, &nurse, jd_backend), mr = match(f, &related, jd_backend);
    assert_true(mn.match_score < mr.match_score);
    assert_true(mr.match_score < ms.match_score);
    assert_true(recommended(&mn, "nurse"));
}

static void test_recommendations_name_missing_skills(void **state)
{
    engine_fixture *f = *state;
    ai_analysis r = resume(2, 6, "backend engineer");
    ai_match m = match(f, &r, jd_backend);
    assert_true(recommended(&m, "Kubernetes"));
    assert_true(recommended(&m, "Terraform"));
    assert_true(recommended(&m, "Highlight Python and PostgreSQL"));
}

static void test_empty_job_description_gets_a_valid_result(void **state)
{
    engine_fixture *f = *state;
    ai_analysis r = resume(4, 6, "backend engineer");
    static const char *const jds[] = { "", "   \n", "Backend Engineer" };
    for (size_t i = 0; i < 3; i++) {
        ai_match m = match(f, &r, jds[i]);
        assert_int_equal(m.matched_skills.n, 0);
        assert_int_equal(m.missing_skills.n, 0);
        assert_true(recommended(&m, "no skill"));
    }
    /* With no skills named, the role title decides. */
    ai_match same = match(f, &r, "Backend Engineer");
    ai_analysis nurse = resume(4, 6, "nurse");
    ai_match other = match(f, &nurse, "Backend Engineer");
    assert_true(same.match_score > other.match_score);
}

static void test_optional_skills_weigh_less(void **state)
{
    engine_fixture *f = *state;
    static const char jd[] =
        "Backend Engineer\nRequirements:\n- Python\n- Go\n\n"
        "Nice to have:\n- Terraform\n- Kubernetes\n";
    ai_skill_item core[] = { { "Python", "language" }, { "Go", "language" } };
    ai_skill_item extras[] = { { "Python", "language" }, { "Terraform", "tool" } };
    ai_analysis a = resume(0, 6, "backend engineer"), b = a;
    a.skills = core;
    a.nskills = 2;
    b.skills = extras;
    b.nskills = 2;
    ai_match ma = match(f, &a, jd), mb = match(f, &b, jd);
    assert_true(ma.match_score > mb.match_score);
    assert_true(recommended(&ma, "Terraform and Kubernetes as a plus"));
    assert_true(recommended(&mb, "The job requires Go,"));
    /* The same skills in a sentence that says so. */
    ai_match mc = match(f, &a, "Backend Engineer. Python and Go. Terraform is a plus.");
    assert_true(recommended(&mc, "Terraform as a plus"));
    /* A range of years counts from its lower end. */
    ai_analysis four = resume(2, 4, "backend engineer");
    ai_match md = match(f, &four, "Python developer, 3-5 years of experience");
    assert_true(recommended(&md, "meet the 3+ years"));
}

static void test_deterministic_and_refuses_no_resume(void **state)
{
    engine_fixture *f = *state;
    ai_analysis r = resume(3, 4, "devops engineer");
    ai_match a = match(f, &r, jd_backend), b = match(f, &r, jd_backend);
    assert_true(a.match_score == b.match_score);
    assert_int_equal(a.recommendations.n, b.recommendations.n);
    for (size_t i = 0; i < a.recommendations.n; i++)
        assert_string_equal(a.recommendations.v[i], b.recommendations.v[i]);
    ai_match m;
    ai_match_request req = { NULL, jd_backend };
    assert_int_equal(ai_offline_match(f->engine, f->a, &req, &m), IA_ERR_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matched_and_missing_skills),
        cmocka_unit_test(test_score_rises_with_overlap),
        cmocka_unit_test(test_years_and_role_count),
        cmocka_unit_test(test_recommendations_name_missing_skills),
        cmocka_unit_test(test_empty_job_description_gets_a_valid_result),
        cmocka_unit_test(test_optional_skills_weigh_less),
        cmocka_unit_test(test_deterministic_and_refuses_no_resume),
    };
    return cmocka_run_group_tests(tests, engine_setup, engine_teardown);
}
