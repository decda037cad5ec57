/* The offline resume parser (ai_offline_parse): a hand-written resume read field by field,
 * what it must not invent, what it does with sparse, broken, huge or CRLF text. The figures on
 * the labelled fixtures are measured by tools/eval_parse.c (its own test, `eval_parse`). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ai/dates.h"
#include "ai/offline.h"
#include "core/errors.h"
#include "test_util.h"
#include "core/util.h"

#define NOW       (2026 * 12 + 10) /* 2026-11 */
#define ARENA_MAX (64u << 20)

static const char resume[] =
    "ALEX RIVERA\n"
    "Senior Data Engineer\n"
    "Denver, CO | alex.rivera@example.com | (303) 555-0100 | github.com/alex-rivera-example\n"
    "\n"
    "SUMMARY\n"
    "Data engineer with 9 years of batch and streaming pipelines.\n"
    "\n"
    "EXPERIENCE\n"
    "Senior Data Engineer \xe2\x80\x94 Foothill Analytics            Mar 2021 \xe2\x80\x93 "
    "Present\n"
    "\xe2\x80\xa2 Cut pipeline cost 30% by moving batch jobs to Spark on Kubernetes.\n"
    "\xe2\x80\xa2 Built 120 Airflow DAGs feeding the Snowflake warehouse.\n"
    "\n"
    "Data Engineer | Mesa Retail Group | 2017-06 to 2021-02\n"
    "\t- Wrote Python ETL jobs processing 2M orders per day.\n"
    "\n"
    "Education\n"
    "B.S. Computer Science, Front Range University, 2013 \xe2\x80\x93 2017, GPA 3.7\n"
    "\n"
    "Technical Skills:\n"
    "Python, SQL, Apache Spark, Snowflake, Kubernetes\n"
    "\n"
    "CERTIFICATIONS\n"
    "AWS Certified Data Analytics \xe2\x80\x93 Specialty (2022)\n"
    "\n"
    "Languages\n"
    "English (native), Spanish (professional)\n";

static int setup(void **state)
{
    char err[256];
    ai_offline *e = NULL;
    if (ai_offline_create(&e, err, sizeof(err)) != IA_OK)
        fail_msg("%s", err);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    ai_offline_free(*state);
    return 0;
}

static void parse(void **state, arena *a, const char *text, ai_analysis *out)
{
    assert_int_equal(ai_offline_parse(*state, a, text, NOW, out), IA_OK);
}

static bool has_skill(const ai_analysis *an, const char *name)
{
    for (size_t i = 0; i < an->nskills; i++)
        if (strcmp(an->skills[i].name, name) == 0)
            return true;
    return false;
}

static void assert_strs(const ai_strs *got, const char *const *want, size_t n)
{
    assert_int_equal(got->n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(got->v[i], want[i]);
}

static void test_every_section_of_a_resume_is_read(void **state)
{
    arena *a = arena_create(ARENA_MAX);
    ai_analysis an;
    parse(state, a, resume, &an);
    assert_string_equal(an.name, "Alex Rivera");
    assert_string_equal(an.email, "alex.rivera@example.com");
    assert_string_equal(an.phone, "(303) 555-0100");
    assert_string_equal(an.location, "Denver, CO");
    static const char *const links[] = { "https://github.com/alex-rivera-example" };
    assert_strs(&an.links, links, 1);
    assert_string_equal(an.summary, "Data engineer with 9 years of batch and streaming pipelines.");

    assert_int_equal(an.nexperience, 2);
    const ai_experience *x = &an.experience[0];
    assert_string_equal(x->job_title, "Senior Data Engineer");
    assert_string_equal(x->company, "Foothill Analytics");
    assert_string_equal(x->start_date, "2021-03");
    assert_null(x->end_date);
    assert_null(x->description);
    assert_int_equal(x->highlights.n, 2);
    assert_string_equal(x->highlights.v[1],
                        "Built 120 Airflow DAGs feeding the Snowflake warehouse.");
    x = &an.experience[1];
    assert_string_equal(x->job_title, "Data Engineer");
    assert_string_equal(x->company, "Mesa Retail Group");
    assert_string_equal(x->start_date, "2017-06");
    assert_string_equal(x->end_date, "2021-02");
    assert_int_equal(x->highlights.n, 1);
    assert_string_equal(x->highlights.v[0], "Wrote Python ETL jobs processing 2M orders per day.");
    static const char *const titles[] = { "Senior Data Engineer", "Data Engineer" };
    assert_strs(&an.job_titles, titles, 2);

    assert_int_equal(an.neducation, 1);
    const ai_education *ed = &an.education[0];
    assert_string_equal(ed->degree, "B.S.");
    assert_string_equal(ed->field_of_study, "Computer Science");
    assert_string_equal(ed->institution, "Front Range University");
    assert_string_equal(ed->start_date, "2013");
    assert_string_equal(ed->end_date, "2017");
    assert_string_equal(ed->gpa, "3.7");

    static const char *const certs[] = { "AWS Certified Data Analytics \xe2\x80\x93 Specialty" };
    assert_strs(&an.certifications, certs, 1);
    /* The proficiency is kept as written (docs/api.md §5 "Analysis"). */
    static const char *const langs[] = { "English (native)", "Spanish (professional)" };
    assert_strs(&an.languages, langs, 2);
    assert_true(has_skill(&an, "Python"));
    assert_true(has_skill(&an, "SQL"));
    assert_true(has_skill(&an, "Apache Spark"));
    assert_true(has_skill(&an, "Kubernetes"));
    assert_false(has_skill(&an, "GitHub")); /* a link is not a skill */

    /* 2017-06..2021-02 and 2021-03..2026-11: 44 + 68 months. */
    assert_true(an.has_years);
    assert_true(an.years_of_experience > 9.29 && an.years_of_experience < 9.31);
    assert_string_equal(an.inferred_role, "data engineer");
    assert_string_equal(an.seniority, "senior");
    assert_true(an.confidence_score >= 0.9 && an.confidence_score <= 1.0);
    assert_true(an.recommendations.n <= AI_RECOMMEND_MAX);
    arena_destroy(a);
}

static void test_a_current_job_has_no_end_date(void **state)
{
    static const char *const texts[] = {
        "Experience\nQA Engineer, Harbor Labs, Jan 2020 - Present\n- Wrote 300 tests\n",
        "Experience\nQA Engineer at Harbor Labs (2019 \xe2\x80\x93 now)\n",
        "Work History\nHarbor Labs | QA Engineer | 03/2018 - current\n",
    };
    static const char *const starts[] = { "2020-01", "2019", "2018-03" };
    for (size_t i = 0; i < COUNT(texts); i++) {
        arena *a = arena_create(ARENA_MAX);
        ai_analysis an;
        parse(state, a, texts[i], &an);
        assert_int_equal(an.nexperience, 1);
        assert_string_equal(an.experience[0].job_title, "QA Engineer");
        assert_string_equal(an.experience[0].company, "Harbor Labs");
        assert_string_equal(an.experience[0].start_date, starts[i]);
        assert_null(an.experience[0].end_date);
        arena_destroy(a);
    }
}

/* Each layout holds two roles; the first is Senior Engineer at Orbital Systems from 2021 on,
 * the second Engineer at Pixel Works, 2018 to 2020. */
static void test_entry_layouts_are_read(void **state)
{
    static const char *const layouts[] = {
        /* dates right-aligned on the title line, company below: not a two-column page */
        "Experience\n"
        "Senior Engineer                                              2021 - Present\n"
        "Orbital Systems\n"
        "Engineer                                                     2018 - 2020\n"
        "Pixel Works\n"
        "Developer                                                    2016 - 2018\n"
        "Pixel Works\n"
        "Intern                                                       2015 - 2016\n"
        "Tiny Startup Inc.\n"
        "Intern                                                       2014 - 2015\n"
        "Lab Co.\n"
        "Tutor                                                        2013 - 2014\n"
        "Northern State University\n",
        /* dates above title and company */
        "Employment History:\n\nJan 2021 \xe2\x80\x93 Present\nSenior Engineer\nOrbital Systems\n"
        "\xe2\x80\xa2 Led 4 people\n\n2018 \xe2\x80\x93 2020\nEngineer\nPixel Works\n",
        /* employer first, then title with dates */
        "WORK EXPERIENCE\nOrbital Systems, Austin, TX\nSenior Engineer, 2021 - Present\n- Led 4 "
        "people\n\nPixel Works\nEngineer, 2018 - 2020\n",
        /* company | title | dates, and "Title at Company (dates)" */
        "Professional Experience\nOrbital Systems | Senior Engineer | 2021 - now\n\nEngineer at "
        "Pixel Works (2018 - 2020)\n",
        /* dates first on the line */
        "Experience\n2021 - Present   Senior Engineer, Orbital Systems\n2018 - 2020   Engineer, "
        "Pixel Works\n",
    };
    for (size_t i = 0; i < COUNT(layouts); i++) {
        arena *a = arena_create(ARENA_MAX);
        ai_analysis an;
        parse(state, a, layouts[i], &an);
        if (an.nexperience < 2)
            fail_msg("layout %zu: %zu entries", i, an.nexperience);
        const ai_experience *x = &an.experience[0], *y = &an.experience[1];
        if (!x->job_title || strcmp(x->job_title, "Senior Engineer") != 0 || !x->company ||
            strcmp(x->company, "Orbital Systems") != 0 || strncmp(x->start_date, "2021", 4) != 0 ||
            x->end_date != NULL || !y->job_title || strcmp(y->job_title, "Engineer") != 0 ||
            !y->company || strcmp(y->company, "Pixel Works") != 0 ||
            strncmp(y->start_date, "2018", 4) != 0 || strncmp(y->end_date, "2020", 4) != 0)
            fail_msg("layout %zu: %s | %s | %s, %s | %s | %s", i, x->job_title, x->company,
                     x->start_date, y->job_title, y->company, y->start_date);
        arena_destroy(a);
    }
}

static void test_a_two_column_page_is_read_column_by_column(void **state)
{
    static const char page[] =
        "PAT MORGAN                                  CONTACT\n"
        "Data Analyst                                pat.morgan@example.com\n"
        "                                            Tulsa, OK\n"
        "EXPERIENCE\n"
        "Data Analyst                                SKILLS\n"
        "Prairie Mutual                              SQL \xc2\xb7 Tableau\n"
        "Jun 2022 \xe2\x80\x93 Present                          Excel \xc2\xb7 Python\n"
        "\xe2\x80\xa2 Built 30 dashboards used by\n"
        "underwriters across 4 states.               EDUCATION\n"
        "                                            B.S. Statistics\n"
        "Reporting Intern                            Osage State University\n"
        "Red Earth Bank                              2018 \xe2\x80\x93 2022\n"
        "Jun 2021 \xe2\x80\x93 Aug 2021\n"
        "                                            LANGUAGES\n"
        "                                            English, French, Spanish\n";
    arena *a = arena_create(ARENA_MAX);
    ai_analysis an;
    parse(state, a, page, &an);
    assert_int_equal(an.nexperience, 2);
    assert_string_equal(an.experience[0].job_title, "Data Analyst");
    assert_string_equal(an.experience[0].company, "Prairie Mutual");
    assert_null(an.experience[0].end_date);
    assert_int_equal(an.experience[0].highlights.n, 1);
    assert_string_equal(an.experience[0].highlights.v[0],
                        "Built 30 dashboards used by underwriters across 4 states.");
    assert_string_equal(an.experience[1].company, "Red Earth Bank");
    assert_string_equal(an.experience[1].end_date, "2021-08");
    assert_int_equal(an.neducation, 1);
    assert_string_equal(an.education[0].institution, "Osage State University");
    assert_string_equal(an.education[0].end_date, "2022");
    static const char *const langs[] = { "English", "French", "Spanish" };
    assert_strs(&an.languages, langs, 3);
    assert_true(has_skill(&an, "Tableau"));
    arena_destroy(a);
}

static void test_details_written_in_other_ways(void **state)
{
    arena *a = arena_create(ARENA_MAX);
    ai_analysis an;
    parse(state, a,
          "# Jamie Chen\njamie.chen@example.com\n\n## Experience\n**Staff Nurse**, Mercy "
          "Clinic \xe2\x80\x94 Feb 2022 to Present\n* Cared for 5 patients a shift\n\n"
          "## Education\nBachelor of Arts (B.A.) in Statistics \xe2\x80\x94 Lakeshore "
          "University \xe2\x80\x94 May 2018\n3.9/4.0 GPA, magna cum laude\n"
          "Relevant coursework: Econometrics, Stata\n\n"
          "## Licensure & Certifications\nRN License, Ohio Board of Nursing, exp. 2027\n"
          "BLS, ACLS\nCCRN (in progress)\n",
          &an);
    assert_string_equal(an.name, "Jamie Chen");
    assert_int_equal(an.nexperience, 1);
    assert_string_equal(an.experience[0].job_title, "Staff Nurse");
    assert_string_equal(an.experience[0].company, "Mercy Clinic");
    assert_string_equal(an.seniority, "junior"); /* "Staff" is an engineering level only */
    assert_int_equal(an.neducation, 1);
    assert_string_equal(an.education[0].degree, "Bachelor of Arts (B.A.)");
    assert_string_equal(an.education[0].field_of_study, "Statistics");
    assert_string_equal(an.education[0].institution, "Lakeshore University");
    assert_string_equal(an.education[0].end_date, "2018-05");
    assert_string_equal(an.education[0].gpa, "3.9/4.0");
    assert_true(has_skill(&an, "Stata"));
    assert_false(has_skill(&an, "Statistics")); /* a degree's field is not a skill */
    static const char *const certs[] = { "RN License", "BLS", "ACLS" };
    assert_strs(&an.certifications, certs, 3);
    arena_destroy(a);
}

static void test_a_resume_without_experience_has_no_years(void **state)
{
    arena *a = arena_create(ARENA_MAX);
    ai_analysis full, bare;
    parse(state, a, resume, &full);
    parse(state, a,
          "Jordan Lee\njordan.lee@example.com\n\nEducation\nB.A. Economics, Lakeside College, "
          "2024\n\nSkills\nExcel, SQL, Tableau\n",
          &bare);
    assert_false(bare.has_years);
    assert_int_equal(bare.nexperience, 0);
    assert_int_equal(bare.job_titles.n, 0);
    assert_int_equal(bare.neducation, 1);
    assert_true(bare.confidence_score < full.confidence_score);
    bool asked = false;
    for (size_t i = 0; i < bare.recommendations.n; i++)
        asked = asked || strstr(bare.recommendations.v[i], "work experience") != NULL;
    assert_true(asked);
    arena_destroy(a);
}

static void assert_empty(const ai_analysis *an)
{
    assert_null(an->name);
    assert_null(an->email);
    assert_null(an->phone);
    assert_null(an->summary);
    assert_null(an->inferred_role);
    assert_null(an->seniority);
    assert_false(an->has_years);
    assert_int_equal(an->nexperience, 0);
    assert_int_equal(an->neducation, 0);
    assert_int_equal(an->certifications.n, 0);
    assert_int_equal(an->languages.n, 0);
    assert_true(an->confidence_score < 0.1);
}

static void test_empty_and_garbage_text_give_an_empty_analysis(void **state)
{
    static char binary[4096];
    uint32_t x = 12345;
    for (size_t i = 0; i + 1 < sizeof(binary); i++) {
        x = x * 1103515245u + 12345u;
        binary[i] = (char)(1 + (x >> 16) % 255);
    }
    const char *texts[] = { "",     "   \n\t \r\n  ",   "\xff\xfe\xfd\x01\x02\x03\x80\x81",
                            binary, "Experience\n\n\n", NULL };
    for (size_t i = 0; i < COUNT(texts); i++) {
        arena *a = arena_create(ARENA_MAX);
        ai_analysis an;
        parse(state, a, texts[i], &an);
        assert_empty(&an);
        arena_destroy(a);
    }
}

static void test_nothing_is_invented(void **state)
{
    arena *a = arena_create(ARENA_MAX);
    ai_analysis an;
    parse(state, a,
          "Maria Santos\nSpringfield, IL\n\nExperience\nStore Manager, Corner Books\n"
          "- Ran the store\n",
          &an);
    assert_string_equal(an.name, "Maria Santos");
    assert_null(an.email);
    assert_null(an.phone);
    assert_int_equal(an.links.n, 0);
    assert_null(an.summary);
    assert_int_equal(an.certifications.n, 0);
    assert_int_equal(an.languages.n, 0);
    assert_int_equal(an.neducation, 0);
    /* The role is read, but without dates there is no start, no end and no years. */
    assert_int_equal(an.nexperience, 1);
    assert_string_equal(an.experience[0].job_title, "Store Manager");
    assert_null(an.experience[0].start_date);
    assert_null(an.experience[0].end_date);
    assert_false(an.has_years);
    arena_destroy(a);
}

static void test_programming_languages_are_not_spoken_languages(void **state)
{
    static const char *const texts[] = {
        "Kim Lee\nLanguages: Python, Golang\n",
        "Kim Lee\n\nSkills\nLanguages: Python, Golang\nTools: Docker\n\nLanguages\nKorean, "
        "English (fluent)\n",
    };
    for (size_t i = 0; i < COUNT(texts); i++) {
        arena *a = arena_create(ARENA_MAX);
        ai_analysis an;
        parse(state, a, texts[i], &an);
        assert_true(has_skill(&an, "Python"));
        assert_true(has_skill(&an, "Go"));
        if (i == 0) {
            assert_int_equal(an.languages.n, 0);
        } else {
            static const char *const langs[] = { "Korean", "English (fluent)" };
            assert_strs(&an.languages, langs, 2);
        }
        arena_destroy(a);
    }
}

static void test_huge_input_is_bounded(void **state)
{
    /* A 1 MB line, and 3 MB of the resume repeated. */
    size_t len = 1u << 20;
    char *line = malloc(len + 1);
    assert_non_null(line);
    for (size_t i = 0; i < len; i++)
        line[i] = "Python 2019 - 2020 | Acme @ x.com "[i % 34];
    line[len] = '\0';
    arena *a = arena_create(ARENA_MAX);
    ai_analysis an;
    parse(state, a, line, &an);
    assert_true(an.nskills <= AI_LIST_MAX);
    assert_true(arena_used(a) < 16u << 20);
    arena_destroy(a);
    free(line);

    size_t n = 3u << 20, rl = strlen(resume);
    char *many = malloc(n + 1);
    assert_non_null(many);
    for (size_t i = 0; i < n; i++)
        many[i] = resume[i % rl];
    many[n] = '\0';
    a = arena_create(ARENA_MAX);
    parse(state, a, many, &an);
    assert_true(an.nexperience <= AI_EXPERIENCE_MAX);
    assert_true(an.neducation <= AI_EDUCATION_MAX);
    assert_true(an.nskills <= AI_LIST_MAX);
    assert_true(an.certifications.n <= AI_LIST_MAX);
    assert_true(an.recommendations.n <= AI_RECOMMEND_MAX);
    for (size_t i = 0; i < an.nexperience; i++)
        assert_true(an.experience[i].highlights.n <= AI_HIGHLIGHTS_MAX);
    assert_true(arena_used(a) < 16u << 20);
    arena_destroy(a);
    free(many);
}

/* True when s is well-formed UTF-8 (what the JSON layer accepts). */
static bool valid_utf8(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        size_t n = *u < 0x80             ? 1
                   : (*u & 0xe0) == 0xc0 ? 2
                   : (*u & 0xf0) == 0xe0 ? 3
                   : (*u & 0xf8) == 0xf0 ? 4
                                         : 0;
        if (n == 0)
            return false;
        for (size_t i = 1; i < n; i++)
            if ((u[i] & 0xc0) != 0x80)
                return false;
        u += n;
    }
    return true;
}

static void test_long_text_is_cut_on_character_boundaries(void **state)
{
    /* A bullet, a description line and a summary far longer than what is kept, written in
     * two- and three-byte characters at every offset. */
    size_t n = 9000;
    char *text = malloc(4 * n + 512);
    assert_non_null(text);
    size_t o = (size_t)snprintf(text, 512, "Ana Lima\n\nSummary\n");
    for (size_t i = 0; i < n / 2; i++)
        o += (size_t)snprintf(text + o, 8, "%s", i % 3 ? "\xc3\xa9" : "\xe2\x82\xac");
    o += (size_t)snprintf(text + o, 128, "\n\nExperience\nNurse, Saint Ines Clinic, 2020 - 2024\n");
    for (int line = 0; line < 2; line++) {
        o += (size_t)snprintf(text + o, 8, "%s", line ? "" : "- ");
        for (size_t i = 0; i < n / 4; i++)
            o += (size_t)snprintf(text + o, 8, "%s", i % 2 ? "a\xc3\xa9" : "\xe2\x82\xac");
        text[o++] = '\n';
    }
    text[o] = '\0';
    arena *a = arena_create(ARENA_MAX);
    ai_analysis an;
    parse(state, a, text, &an);
    assert_non_null(an.summary);
    assert_true(valid_utf8(an.summary));
    assert_int_equal(an.nexperience, 1);
    assert_int_equal(an.experience[0].highlights.n, 1);
    assert_true(valid_utf8(an.experience[0].highlights.v[0]));
    assert_true(strlen(an.experience[0].highlights.v[0]) < AI_TEXT_MAX);
    arena_destroy(a);
    free(text);
}

static void assert_same_str(const char *x, const char *y)
{
    if (x == NULL || y == NULL)
        assert_true(x == y);
    else
        assert_string_equal(x, y);
}

static void assert_same_strs(const ai_strs *x, const ai_strs *y)
{
    assert_int_equal(x->n, y->n);
    for (size_t i = 0; i < x->n; i++)
        assert_string_equal(x->v[i], y->v[i]);
}

static void test_crlf_text_reads_like_lf_text(void **state)
{
    size_t rl = strlen(resume);
    char *crlf = malloc(2 * rl + 1);
    assert_non_null(crlf);
    size_t o = 0;
    for (size_t i = 0; i < rl; i++) {
        if (resume[i] == '\n')
            crlf[o++] = '\r';
        crlf[o++] = resume[i];
    }
    crlf[o] = '\0';
    arena *a = arena_create(ARENA_MAX);
    ai_analysis x, y;
    parse(state, a, resume, &x);
    parse(state, a, crlf, &y);
    assert_same_str(x.name, y.name);
    assert_same_str(x.email, y.email);
    assert_same_str(x.phone, y.phone);
    assert_same_str(x.location, y.location);
    assert_same_str(x.summary, y.summary);
    assert_same_str(x.inferred_role, y.inferred_role);
    assert_same_str(x.seniority, y.seniority);
    assert_same_strs(&x.links, &y.links);
    assert_same_strs(&x.certifications, &y.certifications);
    assert_same_strs(&x.languages, &y.languages);
    assert_same_strs(&x.job_titles, &y.job_titles);
    assert_same_strs(&x.recommendations, &y.recommendations);
    assert_int_equal(x.nskills, y.nskills);
    for (size_t i = 0; i < x.nskills; i++)
        assert_string_equal(x.skills[i].name, y.skills[i].name);
    assert_int_equal(x.nexperience, y.nexperience);
    for (size_t i = 0; i < x.nexperience; i++) {
        assert_same_str(x.experience[i].job_title, y.experience[i].job_title);
        assert_same_str(x.experience[i].company, y.experience[i].company);
        assert_same_str(x.experience[i].start_date, y.experience[i].start_date);
        assert_same_str(x.experience[i].end_date, y.experience[i].end_date);
        assert_same_str(x.experience[i].description, y.experience[i].description);
        assert_same_strs(&x.experience[i].highlights, &y.experience[i].highlights);
    }
    assert_int_equal(x.neducation, y.neducation);
    for (size_t i = 0; i < x.neducation; i++) {
        assert_same_str(x.education[i].degree, y.education[i].degree);
        assert_same_str(x.education[i].institution, y.education[i].institution);
        assert_same_str(x.education[i].end_date, y.education[i].end_date);
        assert_same_str(x.education[i].gpa, y.education[i].gpa);
    }
    assert_true(x.has_years == y.has_years && x.years_of_experience == y.years_of_experience);
    assert_true(x.confidence_score == y.confidence_score);
    arena_destroy(a);
    free(crlf);
}

static void test_recommendations_name_what_is_missing(void **state)
{
    arena *a = arena_create(ARENA_MAX);
    ai_analysis an;
    parse(state, a,
          "Sam Park\nsam.park@example.com\n\nExperience\nBackend Developer, Copperleaf Labs, "
          "2019 - 2024\n- Worked on the billing service\n- Helped the team with deployments\n"
          "\nEducation\nB.S. Computer Science, Lakeside University, 2019\n",
          &an);
    bool summary = false, numbers = false, link = false, months = false;
    for (size_t i = 0; i < an.recommendations.n; i++) {
        const char *r = an.recommendations.v[i];
        summary = summary || strstr(r, "summary") != NULL;
        numbers = numbers || strstr(r, "0 of 2 bullet points") != NULL;
        link = link || strstr(r, "GitHub") != NULL;
        months = months || strstr(r, "month and year") != NULL;
    }
    assert_true(summary);
    assert_true(numbers);
    assert_true(link);
    assert_true(months);
    arena_destroy(a);
}

/* A lower-cased copy of s with runs of white space as one space, for finding what the parser
 * reports in the text it read. */
static char *folded(arena *a, const char *s)
{
    char *out = arena_alloc(a, strlen(s) + 1);
    assert_non_null(out);
    size_t o = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isspace(c)) {
            if (o > 0 && out[o - 1] != ' ')
                out[o++] = ' ';
            continue;
        }
        out[o++] = (char)tolower(c);
    }
    out[o] = '\0';
    return out;
}

/* True when the text (folded) contains what (folded). */
static bool traceable(arena *a, const char *text, const char *what)
{
    return strstr(text, folded(a, what)) != NULL;
}

/* No two items of a list are the same, in any case. */
static void assert_no_duplicates(const char *file, const char *what, const ai_strs *l)
{
    for (size_t i = 0; i < l->n; i++)
        for (size_t k = i + 1; k < l->n; k++)
            if (strcasecmp(l->v[i], l->v[k]) == 0)
                fail_msg("%s: %s \"%s\" twice", file, what, l->v[i]);
}

/* Nothing in the analysis that the resume does not say: over every tuning resume, each title,
 * company, institution and certification is written in the text, each skill by its name or
 * one of its taxonomy aliases; no list repeats itself; no certification is a date word
 * ("current") and no institution is a skill ("SQL"). */
static void test_every_fact_is_traceable_to_the_text(void **state)
{
    char dir[1024];
    DIR *d = test_open_fixtures("resumes", dir, sizeof(dir));
    assert_non_null(d);
    const ai_taxonomy *tax = ai_offline_taxonomy(*state);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        char path[1400];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        static char text[1 << 18];
        size_t n = fread(text, 1, sizeof(text) - 1, f);
        fclose(f);
        text[n] = '\0';
        arena *a = arena_create(ARENA_MAX);
        ai_analysis an;
        parse(state, a, text, &an);
        const char *t = folded(a, text);
        const char *file = e->d_name;
        for (size_t i = 0; i < an.nexperience; i++) {
            const ai_experience *x = &an.experience[i];
            if (x->job_title != NULL && !traceable(a, t, x->job_title))
                fail_msg("%s: title \"%s\" is not in the text", file, x->job_title);
            if (x->company != NULL && !traceable(a, t, x->company))
                fail_msg("%s: company \"%s\" is not in the text", file, x->company);
        }
        for (size_t i = 0; i < an.neducation; i++) {
            const char *inst = an.education[i].institution;
            if (inst != NULL && (!traceable(a, t, inst) || ai_taxonomy_find(tax, inst) != NULL))
                fail_msg("%s: institution \"%s\" is invented", file, inst);
        }
        for (size_t i = 0; i < an.certifications.n; i++) {
            const char *c = an.certifications.v[i];
            if (!traceable(a, t, c) || ai_date_word(c, strlen(c)))
                fail_msg("%s: certification \"%s\" is invented", file, c);
        }
        for (size_t i = 0; i < an.nskills; i++) {
            const ai_skill *sk = ai_taxonomy_find(tax, an.skills[i].name);
            assert_non_null(sk);
            bool seen = false;
            for (size_t k = 0; k < sk->nterms && !seen; k++)
                seen = traceable(a, t, sk->terms[k]);
            if (!seen)
                fail_msg("%s: skill \"%s\" is not in the text", file, sk->name);
            for (size_t k = i + 1; k < an.nskills; k++)
                if (strcmp(an.skills[i].name, an.skills[k].name) == 0)
                    fail_msg("%s: skill \"%s\" twice", file, sk->name);
        }
        assert_no_duplicates(file, "certification", &an.certifications);
        assert_no_duplicates(file, "language", &an.languages);
        assert_no_duplicates(file, "link", &an.links);
        arena_destroy(a);
        files++;
    }
    closedir(d);
    assert_true(files >= 38);
}

/* field_confidence says how each field was found: every field 0-1, a field the text does not
 * have low, a labelled one high; the overall score follows from them and is never 1. A name
 * the parser cannot read makes it ask the user to check the field, not to reformat. */
static void test_confidence_says_how_each_field_was_found(void **state)
{
    arena *a = arena_create(ARENA_MAX);
    ai_analysis an;
    parse(state, a, resume, &an);
    for (int f = 0; f < AI_FIELD_COUNT; f++) {
        assert_true(an.field_confidence[f] >= 0 && an.field_confidence[f] <= 1);
        assert_non_null(ai_field_names[f]);
        assert_int_equal(ai_field_of(ai_field_names[f]), f);
    }
    assert_true(an.field_confidence[AI_FIELD_EMAIL] >= 0.9);
    assert_true(an.field_confidence[AI_FIELD_EXPERIENCE] >= 0.8);
    assert_true(an.field_confidence[AI_FIELD_SKILLS] >= 0.8);
    assert_true(an.confidence_score > 0.6 && an.confidence_score < 1.0);
    double full = an.confidence_score;

    parse(state, a, "Experience\nStore Manager, Corner Books, 2019 - 2021\n- Ran the store\n", &an);
    assert_null(an.name);
    assert_true(an.field_confidence[AI_FIELD_NAME] <= 0.2);
    assert_true(an.field_confidence[AI_FIELD_EMAIL] <= 0.2);
    assert_true(an.confidence_score < full);
    bool asks = false;
    for (size_t i = 0; i < an.recommendations.n; i++) {
        asks = asks || strstr(an.recommendations.v[i], "Check your name") != NULL;
        assert_null(strstr(an.recommendations.v[i], "first line"));
    }
    assert_true(asks);
    arena_destroy(a);
}

/* German, Indian, UK, Europass and Australian layouts: the document's title and the personal
 * data heading are never a name; addresses give their town; "Till Date" and "heute" keep the
 * job open. */
static void test_layouts_beyond_the_us_are_read(void **state)
{
    arena *a = arena_create(ARENA_MAX);
    ai_analysis an;
    parse(
        state, a,
        "Lebenslauf\n\nPersönliche Daten\nAnna Schmidt\nHauptstraße 5, 80331 München\n"
        "anna.schmidt@example.de\n\nBerufserfahrung\n\n04/2018 – heute\nProjektleiterin\n"
        "Alpenbau GmbH, München\n• Leitung von Bauprojekten mit zwölf Mitarbeitern\n\n"
        "Ausbildung\n\n2012 – 2017\nMaster of Science Bauingenieurwesen\n"
        "Technische Universität München\n\nSprachkenntnis\nDeutsch (Muttersprache), Englisch (C1)\n"
        "\nZertifikat\nPMP – Project Management Professional\n",
        &an);
    assert_string_equal(an.name, "Anna Schmidt");
    assert_string_equal(an.location, "München");
    assert_int_equal(an.nexperience, 1);
    assert_string_equal(an.experience[0].company, "Alpenbau GmbH");
    assert_string_equal(an.experience[0].start_date, "2018-04");
    assert_null(an.experience[0].end_date);
    assert_int_equal(an.languages.n, 2);
    assert_string_equal(an.languages.v[1], "English (C1)");
    /* Headings in another form than the table's, matched by their German stems. */
    assert_int_equal(an.certifications.n, 1);

    parse(state, a,
          "CURRICULUM VITAE\n\nRAHUL SHARMA\nEmail: rahul.sharma@example.in\n"
          "Address: 12, MG Road, Pune, Maharashtra 411001\n\nWORK EXPERIENCE\n"
          "Software Engineer\nTata Consultancy Services, Pune\nJuly 2022 to Till Date\n"
          "- Built Java services\n\nEDUCATIONAL QUALIFICATIONS\n"
          "Degree | Board/University | Year | Percentage\n"
          "B.Tech | Savitribai Phule Pune University | 2022 | 81%\n\nDECLARATION\n"
          "I hereby declare that the above information is true.\n",
          &an);
    assert_string_equal(an.name, "Rahul Sharma");
    assert_string_equal(an.location, "Pune, Maharashtra");
    assert_int_equal(an.nexperience, 1);
    assert_string_equal(an.experience[0].start_date, "2022-07");
    assert_null(an.experience[0].end_date);
    assert_true(an.has_years);
    assert_int_equal(an.neducation, 1);
    assert_string_equal(an.education[0].institution, "Savitribai Phule Pune University");

    parse(state, a,
          "Jane Doe\nSydney NSW 2000 | jane@example.com\n\nEXPERIENCE\n"
          "Nurse — Royal North Shore Hospital — Summer 2018\n"
          "Staff Nurse — St Vincent's Hospital — June 2019 to Present\n\nVOLUNTEERING\n"
          "Red Cross blood drives\n\nAWARDS\nNurse of the Year 2021\n",
          &an);
    assert_string_equal(an.location, "Sydney NSW");
    assert_int_equal(an.nexperience, 2);
    assert_string_equal(an.experience[0].start_date, "2018-06");
    assert_string_equal(an.experience[1].company, "St Vincent's Hospital");
    assert_int_equal(an.volunteering.n, 1);
    assert_int_equal(an.awards.n, 1);
    arena_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_section_of_a_resume_is_read),
        cmocka_unit_test(test_a_current_job_has_no_end_date),
        cmocka_unit_test(test_entry_layouts_are_read),
        cmocka_unit_test(test_a_two_column_page_is_read_column_by_column),
        cmocka_unit_test(test_details_written_in_other_ways),
        cmocka_unit_test(test_a_resume_without_experience_has_no_years),
        cmocka_unit_test(test_empty_and_garbage_text_give_an_empty_analysis),
        cmocka_unit_test(test_nothing_is_invented),
        cmocka_unit_test(test_programming_languages_are_not_spoken_languages),
        cmocka_unit_test(test_every_fact_is_traceable_to_the_text),
        cmocka_unit_test(test_confidence_says_how_each_field_was_found),
        cmocka_unit_test(test_layouts_beyond_the_us_are_read),
        cmocka_unit_test(test_huge_input_is_bounded),
        cmocka_unit_test(test_long_text_is_cut_on_character_boundaries),
        cmocka_unit_test(test_crlf_text_reads_like_lf_text),
        cmocka_unit_test(test_recommendations_name_what_is_missing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
