/* Resume against job description in the offline engine: matched and missing skills, a score
 * that rises with the overlap, the years and the role, an empty job description answered, and
 * recommendations that name what is missing; the requirements read from the job description's
 * structure (required and preferred, alternatives, years, degrees, credentials) and the
 * evidence found for them anywhere in the resume. Resumes are built by hand as analyses. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ai/jobreq.h"
#include "ai/offline.h"
#include "ai/schema.h"
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

/* The requirement of m whose text is text, or a failure. */
static const ai_requirement *requirement(const ai_match *m, const char *text)
{
    for (size_t i = 0; i < m->nrequirements; i++)
        if (strcmp(m->requirements[i].text, text) == 0)
            return &m->requirements[i];
    fail_msg("no requirement \"%s\"", text);
    return NULL;
}

static ai_experience backend_jobs[] = {
    { "Senior Backend Engineer",
      "Tollgate Payments",
      "2019-03",
      NULL,
      NULL,
      { (const char *[]){ "Built REST and gRPC APIs in Go for card payments.",
                          "Ran PostgreSQL 14 clusters with logical replication.",
                          "Mentor four engineers and run design reviews." },
        3 } },
};

static void test_alternatives_and_evidence_anywhere(void **state)
{
    engine_fixture *f = *state;
    static const char jd[] =
        "Backend Engineer\n\nRequirements\n"
        "- PostgreSQL or MySQL\n- REST APIs\n- Mentoring\n- Python/Go\n\n"
        "Nice to have\n- Kafka\n";
    ai_analysis r = resume(0, 7, "backend engineer");
    r.experience = backend_jobs;
    r.nexperience = 1;
    ai_match m = match(f, &r, jd);
    const ai_requirement *db = requirement(&m, "PostgreSQL or MySQL");
    assert_true(db->met);
    assert_string_equal(db->kind, "required");
    assert_string_equal(db->evidence, "Ran PostgreSQL 14 clusters with logical replication.");
    assert_true(requirement(&m, "REST APIs")->met);
    assert_true(requirement(&m, "Mentoring")->met);
    assert_true(requirement(&m, "Python/Go")->met);
    const ai_requirement *kafka = requirement(&m, "Kafka");
    assert_false(kafka->met);
    assert_string_equal(kafka->kind, "preferred");
    assert_null(kafka->evidence);
    /* The one met through PostgreSQL does not list MySQL as missing. */
    assert_false(listed(&m.missing_skills, "MySQL"));
    assert_false(listed(&m.missing_skills, "Python"));
    /* Missing required first, then missing preferred, then met: here Kafka leads. */
    assert_string_equal(m.requirements[0].text, "Kafka");
    assert_true(m.match_score < 100);
}

static void test_icu_nurse_without_crrt_is_not_a_perfect_match(void **state)
{
    engine_fixture *f = *state;
    static const char jd[] =
        "Registered Nurse, ICU\n\nRequirements:\n"
        "- Active RN license\n- BLS and ACLS certification\n"
        "- CRRT experience required\n- 2+ years of critical care experience\n"
        "Preferred:\n- CCRN\n";
    static const char *certs[] = { "Registered Nurse (RN)", "Basic Life Support (BLS)",
                                   "Advanced Cardiovascular Life Support (ACLS)" };
    ai_analysis r = resume(0, 5, "nurse");
    r.certifications = (ai_strs){ certs, 3 };
    ai_match m = match(f, &r, jd);
    assert_true(requirement(&m, "Active RN license")->met);
    assert_true(requirement(&m, "BLS")->met);
    assert_true(requirement(&m, "ACLS certification")->met);
    assert_true(requirement(&m, "2+ years of critical care experience")->met);
    const ai_requirement *crrt = &m.requirements[0];
    assert_string_equal(crrt->text, "CRRT experience required");
    assert_false(crrt->met);
    assert_string_equal(m.requirements[1].text, "CCRN");
    assert_true(m.match_score <= 90);
    assert_true(recommended(&m, "The job requires CRRT experience,"));
}

static void test_sales_rep_is_told_the_accountant_job_requires_a_cpa(void **state)
{
    engine_fixture *f = *state;
    static const char jd[] =
        "Senior Accountant\n\nWhat you will do\n- Lead the month-end close\n\n"
        "Qualifications\n- CPA license required\n- Bachelor's degree in Accounting or Finance\n"
        "- 5+ years of accounting experience\n- US GAAP\n\nNice to have\n- NetSuite\n";
    ai_skill_item sales[] = { { "Salesforce", "tool" }, { "Cold Calling", "other" } };
    ai_analysis r = resume(0, 3, "sales representative");
    r.skills = sales;
    r.nskills = 2;
    ai_education aa = {
        "Associate of Arts", "Business", "Valle Verde College", NULL, "2023", NULL
    };
    r.education = &aa;
    r.neducation = 1;
    ai_match m = match(f, &r, jd);
    assert_true(m.match_score < 30);
    assert_true(strstr(m.recommendations.v[0], "The job requires CPA license") != NULL);
    /* Every required one is missing and listed before the preferred one. */
    for (size_t i = 0; i < 4; i++) {
        assert_false(m.requirements[i].met);
        assert_string_equal(m.requirements[i].kind, "required");
    }
    assert_string_equal(m.requirements[4].kind, "preferred");
    /* The duties are not requirements. */
    for (size_t i = 0; i < m.nrequirements; i++)
        assert_null(strstr(m.requirements[i].text, "Lead the month-end close"));
    /* A bachelor's degree is met by a master's. */
    ai_education ms = { "Master of Accountancy", "Accounting", "UW", NULL, "2015", NULL };
    r.education = &ms;
    m = match(f, &r, jd);
    assert_true(requirement(&m, "Bachelor's degree in Accounting or Finance")->met);
}

static void test_job_description_reading(void **state)
{
    engine_fixture *f = *state;
    static const char jd[] =
        "Staff Accountant\n\nWhat we are looking for:\n"
        "- Part-qualified or qualified accountant (ACCA/CIMA/ACA)\n"
        "- 3-5 years of experience in accounting\n"
        "- Experience with SAP or Oracle NetSuite; strong Excel skills\n"
        "- Knowledge of IFRS is a plus\n\nBenefits\n- Pension\n";
    ai_jobreqs qs;
    assert_int_equal(ai_jobreq_read(f->a, ai_offline_taxonomy(f->engine), jd, &qs), IA_OK);
    assert_int_equal(qs.n, 5);
    assert_int_equal(qs.v[1].type, AI_JOBREQ_YEARS);
    assert_true(qs.v[1].years == 3);
    assert_string_equal(qs.v[2].text, "Experience with SAP or Oracle NetSuite");
    assert_true(qs.v[2].nalts >= 2);
    assert_string_equal(qs.v[3].alts[0], "Excel");
    assert_true(qs.v[4].preferred);
    bool acca = false;
    for (size_t k = 0; k < qs.v[0].nalts; k++)
        acca = acca || strcmp(qs.v[0].alts[k], "ACCA") == 0;
    assert_true(acca);
    assert_int_equal(ai_jobreq_degree_level("B.S. Computer Science"), AI_DEGREE_BACHELOR);
    assert_int_equal(ai_jobreq_degree_level("MBA"), AI_DEGREE_MASTER);
    assert_int_equal(ai_jobreq_degree_level("Associate of Arts"), AI_DEGREE_ASSOCIATE);
    assert_int_equal(ai_jobreq_degree_level("Project manager"), AI_DEGREE_NONE);
}

static void test_years_of_a_tool_need_the_tool(void **state)
{
    engine_fixture *f = *state;
    static const char jd[] =
        "Platform Engineer\nRequirements:\n- 5+ years of Kubernetes\n"
        "- 3+ years of experience\n";
    ai_analysis r = resume(2, 8, "devops engineer"); /* Python, PostgreSQL */
    ai_match m = match(f, &r, jd);
    assert_false(requirement(&m, "5+ years of Kubernetes")->met);
    assert_true(requirement(&m, "3+ years of experience")->met);
    r = resume(3, 8, "devops engineer"); /* and Kubernetes */
    m = match(f, &r, jd);
    assert_true(requirement(&m, "5+ years of Kubernetes")->met);
    r = resume(3, 2, "devops engineer"); /* Kubernetes, but two years */
    m = match(f, &r, jd);
    assert_false(requirement(&m, "5+ years of Kubernetes")->met);
}

static void test_requirements_round_trip_through_json(void **state)
{
    engine_fixture *f = *state;
    ai_analysis r = resume(2, 6, "backend engineer");
    ai_match m = match(f, &r, "Backend Engineer\nRequirements:\n- Python\n- Kubernetes\n");
    json_t *j = ai_match_to_json(&m);
    assert_non_null(j);
    ai_match back;
    char err[200];
    assert_int_equal(ai_match_from_json(f->a, j, &back, err, sizeof(err)), IA_OK);
    assert_int_equal(back.nrequirements, m.nrequirements);
    for (size_t i = 0; i < m.nrequirements; i++) {
        assert_string_equal(back.requirements[i].text, m.requirements[i].text);
        assert_string_equal(back.requirements[i].kind, m.requirements[i].kind);
        assert_int_equal(back.requirements[i].met, m.requirements[i].met);
    }
    json_decref(j);
    /* A provider's match without requirements reads as none. */
    json_t *old = json_pack("{s:f, s:[], s:[], s:[]}", "match_score", 50.0, "matched_skills",
                            "missing_skills", "recommendations");
    assert_int_equal(ai_match_from_json(f->a, old, &back, err, sizeof(err)), IA_OK);
    assert_int_equal(back.nrequirements, 0);
    json_decref(old);
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
        cmocka_unit_test(test_alternatives_and_evidence_anywhere),
        cmocka_unit_test(test_icu_nurse_without_crrt_is_not_a_perfect_match),
        cmocka_unit_test(test_sales_rep_is_told_the_accountant_job_requires_a_cpa),
        cmocka_unit_test(test_job_description_reading),
        cmocka_unit_test(test_years_of_a_tool_need_the_tool),
        cmocka_unit_test(test_requirements_round_trip_through_json),
    };
    return cmocka_run_group_tests(tests, engine_setup, engine_teardown);
}
