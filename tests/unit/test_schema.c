/* The one schema every engine's output meets (ai/schema.h): round trips of each structure,
 * clamping of what can be clamped, and refusal, with the field named, of what cannot. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/schema.h"
#include "core/arena.h"
#include "core/errors.h"

static json_t *load(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (j == NULL)
        fail_msg("bad test JSON: %s", e.text);
    return j;
}

static int setup(void **state)
{
    *state = arena_create(4u << 20);
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    arena_destroy(*state);
    return 0;
}

static const char FULL_ANALYSIS[] =
    "{\"name\":\"Ada Park\",\"email\":\"ada@example.com\",\"phone\":\"555-0100\","
    "\"location\":\"Austin, TX\",\"summary\":\"Engineer.\",\"inferred_role\":\"backend "
    "engineer\",\"seniority\":\"senior\",\"years_of_experience\":6.25,"
    "\"links\":[\"https://example.com\"],\"certifications\":[\"CKA\"],\"languages\":"
    "[\"English\"],\"job_titles\":[\"Senior Engineer\"],\"recommendations\":[\"Add numbers\"],"
    "\"skills\":[{\"name\":\"Python\",\"category\":\"language\"},{\"name\":\"Go\","
    "\"category\":\"Language\"},{\"name\":\"Teamwork\",\"category\":\"people\"},\"Kafka\","
    "{\"name\":\"python\",\"category\":\"language\"}],"
    "\"experience\":[{\"job_title\":\"Senior Engineer\",\"company\":\"Acme\",\"start_date\":"
    "\"2020-03\",\"end_date\":null,\"description\":\"Built things\",\"highlights\":[\"Cut "
    "latency 40%\"]},{\"position\":\"Engineer\",\"company\":\"Beta\",\"start_date\":\"March "
    "2018\",\"end_date\":\"2020-13\"}],"
    "\"education\":[{\"degree\":\"BSc\",\"field_of_study\":\"CS\",\"institution\":\"State "
    "University\",\"start_date\":\"2014\",\"end_date\":\"2018\",\"gpa\":3.8}],"
    "\"confidence_score\":1.7,\"engine\":\"offline\",\"job_match\":null}";

static void test_analysis_reads_clamps_and_round_trips(void **state)
{
    arena *a = *state;
    char err[256];
    ai_analysis an;
    json_t *j = load(FULL_ANALYSIS);
    assert_int_equal(ai_analysis_from_json(a, j, &an, err, sizeof(err)), IA_OK);
    json_decref(j);
    assert_string_equal(an.name, "Ada Park");
    assert_string_equal(an.seniority, "senior");
    assert_true(an.has_years);
    assert_true(an.years_of_experience > 6.19 && an.years_of_experience < 6.21); /* half even */
    assert_true(an.confidence_score == 1.0);                                     /* clamped */
    assert_int_equal(an.nskills, 4); /* "python" again is a duplicate */
    assert_string_equal(an.skills[1].category, "language");
    assert_string_equal(an.skills[2].category, "other"); /* unknown category */
    assert_string_equal(an.skills[3].name, "Kafka");
    assert_int_equal(an.nexperience, 2);
    assert_null(an.experience[0].end_date);
    assert_string_equal(an.experience[1].job_title, "Engineer"); /* from "position" */
    assert_null(an.experience[1].start_date);                    /* not a YYYY-MM date */
    assert_null(an.experience[1].end_date);                      /* month 13 */
    assert_string_equal(an.education[0].gpa, "3.8");

    json_t *out = ai_analysis_to_json(&an);
    assert_non_null(out);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(out, "experience"), 0), "position")),
                        "Senior Engineer");
    ai_analysis again;
    assert_int_equal(ai_analysis_from_json(a, out, &again, err, sizeof(err)), IA_OK);
    json_t *out2 = ai_analysis_to_json(&again);
    assert_true(json_equal(out, out2));
    json_decref(out);
    json_decref(out2);
}

static void test_empty_analysis_is_nulls_and_empty_lists(void **state)
{
    arena *a = *state;
    char err[256];
    ai_analysis an;
    json_t *j = load("{\"confidence_score\":0,\"seniority\":\"wizard\",\"name\":\"   \"}");
    assert_int_equal(ai_analysis_from_json(a, j, &an, err, sizeof(err)), IA_OK);
    json_decref(j);
    assert_null(an.name);      /* blank is absent */
    assert_null(an.seniority); /* unknown level is dropped, not guessed */
    assert_false(an.has_years);
    json_t *out = ai_analysis_to_json(&an);
    assert_true(json_is_null(json_object_get(out, "years_of_experience")));
    assert_int_equal(json_array_size(json_object_get(out, "skills")), 0);
    assert_int_equal(json_array_size(json_object_get(out, "education")), 0);
    json_decref(out);
}

static void refused_analysis(arena *a, const char *text, const char *field)
{
    char err[256] = "";
    ai_analysis an;
    json_t *j = load(text);
    assert_int_equal(ai_analysis_from_json(a, j, &an, err, sizeof(err)), IA_ERR_INVALID);
    json_decref(j);
    if (strstr(err, field) == NULL)
        fail_msg("error \"%s\" does not name %s", err, field);
}

static void test_analysis_type_errors_name_the_field(void **state)
{
    arena *a = *state;
    refused_analysis(a, "[]", "analysis");
    refused_analysis(a, "{\"name\":\"x\"}", "confidence_score");
    refused_analysis(a, "{\"confidence_score\":\"high\"}", "confidence_score");
    refused_analysis(a, "{\"confidence_score\":1,\"email\":5}", "email");
    refused_analysis(a, "{\"confidence_score\":1,\"skills\":\"Python\"}", "skills");
    refused_analysis(a, "{\"confidence_score\":1,\"experience\":[5]}", "experience[0]");
    refused_analysis(a, "{\"confidence_score\":1,\"years_of_experience\":\"ten\"}",
                     "years_of_experience");
}

static void test_long_text_is_cut_on_a_character_boundary(void **state)
{
    arena *a = *state;
    size_t n = AI_TEXT_MAX + 100;
    char *s = malloc(n + 1);
    assert_non_null(s);
    s[0] = 'x';
    for (size_t i = 1; i + 1 < n; i += 2) {
        s[i] = (char)0xC3; /* é */
        s[i + 1] = (char)0xA9;
    }
    s[n - (n % 2 == 0 ? 1 : 0)] = '\0';
    json_t *j = json_pack("{s:s,s:i}", "summary", s, "confidence_score", 1);
    free(s);
    assert_non_null(j);
    char err[256];
    ai_analysis an;
    assert_int_equal(ai_analysis_from_json(a, j, &an, err, sizeof(err)), IA_OK);
    json_decref(j);
    assert_true(strlen(an.summary) <= AI_TEXT_MAX);
    json_t *back = json_string(an.summary); /* NULL if the cut split a character */
    assert_non_null(back);
    json_decref(back);
}

static void test_questions_count_and_clamp(void **state)
{
    arena *a = *state;
    char err[256];
    ai_questions qs;
    json_t *j = load(
        "{\"questions\":[{\"question_text\":\"Q1\",\"category\":\"System "
        "Design\",\"difficulty\":\"HARD\",\"key_points\":[{\"point\":\"p\","
        "\"terms\":[\"a\",\"b\"]},\"plain point\"]},{\"question_text\":\"Q2\","
        "\"category\":\"trivia\",\"difficulty\":\"insane\"},{\"question_text\":"
        "\"Q3\"}]}");
    assert_int_equal(ai_questions_from_json(a, j, 2, &qs, err, sizeof(err)), IA_OK);
    assert_int_equal(qs.n, 2); /* more than asked are cut */
    assert_string_equal(qs.v[0].category, "system_design");
    assert_string_equal(qs.v[0].difficulty, "hard");
    assert_int_equal(qs.v[0].nkey_points, 2);
    assert_int_equal(qs.v[0].key_points[0].terms.n, 2);
    assert_string_equal(qs.v[1].category, "general");
    assert_string_equal(qs.v[1].difficulty, "medium");
    assert_int_equal(ai_questions_from_json(a, j, 4, &qs, err, sizeof(err)), IA_ERR_INVALID);
    assert_non_null(strstr(err, "4 questions were asked for, 3 came back"));
    json_decref(j);

    j = load("{\"questions\":[{\"question_text\":\"Same\"},{\"question_text\":\"same\"}]}");
    assert_int_equal(ai_questions_from_json(a, j, 2, &qs, err, sizeof(err)), IA_ERR_INVALID);
    assert_non_null(strstr(err, "repeats"));
    json_decref(j);
    j = load("{\"questions\":[{\"category\":\"coding\"}]}");
    assert_int_equal(ai_questions_from_json(a, j, 1, &qs, err, sizeof(err)), IA_ERR_INVALID);
    assert_non_null(strstr(err, "question_text"));
    json_decref(j);

    ai_question q = {
        .text = "Why?", .category = "behavioral", .difficulty = "easy", .model_answer = "Because."
    };
    ai_questions one = { &q, 1 };
    json_t *out = ai_questions_to_json(&one);
    assert_int_equal(ai_questions_from_json(a, out, 1, &qs, err, sizeof(err)), IA_OK);
    assert_string_equal(qs.v[0].model_answer, "Because.");
    assert_null(qs.v[0].bank_id);
    json_decref(out);
}

/* A question's red flags are stored with it and read back; none means no "red_flags" field, and
 * what the matcher could not use is dropped rather than refusing the question. */
static void test_question_red_flags_round_trip(void **state)
{
    arena *a = *state;
    char err[256];
    ai_key_point kps[2] = { { .point = "Check airway first" }, { .point = "Escalate" } };
    const char *patterns[] = { "pain before airway", "NOT need check airway" };
    ai_red_flag flags[1] = { { .claim = "Assessing pain before airway and breathing",
                               .correct = "Airway and breathing come first.",
                               .point = 0,
                               .patterns = { patterns, 2 } } };
    ai_question q = { .text = "Triage?",
                      .category = "technical",
                      .difficulty = "medium",
                      .bank_id = "tech-hc-001",
                      .key_points = kps,
                      .nkey_points = 2,
                      .red_flags = flags,
                      .nred_flags = 1 };
    json_t *out = ai_question_to_json(&q);
    assert_non_null(out);
    ai_question back;
    assert_int_equal(ai_question_from_json(a, out, &back, err, sizeof(err)), IA_OK);
    assert_int_equal(back.nred_flags, 1);
    assert_string_equal(back.red_flags[0].claim, flags[0].claim);
    assert_string_equal(back.red_flags[0].correct, flags[0].correct);
    assert_int_equal(back.red_flags[0].point, 0);
    assert_int_equal(back.red_flags[0].patterns.n, 2);
    assert_string_equal(back.red_flags[0].patterns.v[1], "NOT need check airway");
    json_decref(out);

    q.nred_flags = 0;
    out = ai_question_to_json(&q);
    assert_null(json_object_get(out, "red_flags"));
    assert_int_equal(ai_question_from_json(a, out, &back, err, sizeof(err)), IA_OK);
    assert_int_equal(back.nred_flags, 0);
    json_decref(out);

    json_t *j = load(
        "{\"question_text\":\"Q\",\"key_points\":[\"p\"],\"red_flags\":["
        "{\"claim\":\"c\",\"correct\":\"r\",\"point\":7,\"patterns\":[\"a||b\","
        "\"index\"]},{\"claim\":\"c\",\"correct\":\"r\",\"patterns\":[\"\"]},"
        "{\"claim\":\"c\",\"patterns\":[\"x\"]},\"flag\"]}");
    assert_int_equal(ai_question_from_json(a, j, &back, err, sizeof(err)), IA_OK);
    assert_int_equal(back.nred_flags, 1);
    assert_int_equal(back.red_flags[0].point, -1);
    assert_int_equal(back.red_flags[0].patterns.n, 1);
    assert_string_equal(back.red_flags[0].patterns.v[0], "index");
    json_decref(j);
    j = load("{\"question_text\":\"Q\",\"red_flags\":{}}");
    assert_int_equal(ai_question_from_json(a, j, &back, err, sizeof(err)), IA_ERR_INVALID);
    assert_non_null(strstr(err, "red_flags"));
    json_decref(j);
}

static void test_evaluation_clamps_scores_and_lists(void **state)
{
    arena *a = *state;
    char err[256];
    ai_evaluation ev;
    json_t *j = load(
        "{\"score\":150,\"dimensions\":{\"coverage\":-3,\"clarity\":55},"
        "\"feedback\":\"Good.\",\"strengths\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\","
        "\"g\"],\"improvements\":[\"x\",7,\"x\"]}");
    assert_int_equal(ai_evaluation_from_json(a, j, &ev, err, sizeof(err)), IA_OK);
    json_decref(j);
    assert_true(ev.score == 100.0);
    assert_true(ev.communication == 100.0); /* absent: the score stands for it */
    assert_int_equal(ev.ndimensions, 2);
    assert_true(ev.dimensions[0].score == 0.0);
    assert_int_equal(ev.strengths.n, AI_FEEDBACK_ITEMS);
    assert_int_equal(ev.improvements.n, 1); /* non-strings skipped, duplicates once */
    assert_null(ev.model_answer);

    json_t *out = ai_evaluation_to_json(&ev);
    ai_evaluation again;
    assert_int_equal(ai_evaluation_from_json(a, out, &again, err, sizeof(err)), IA_OK);
    json_t *out2 = ai_evaluation_to_json(&again);
    assert_true(json_equal(out, out2));
    json_decref(out);
    json_decref(out2);

    j = load("{\"score\":50}");
    assert_int_equal(ai_evaluation_from_json(a, j, &ev, err, sizeof(err)), IA_ERR_INVALID);
    assert_non_null(strstr(err, "feedback"));
    json_decref(j);
    j = load("{\"score\":\"50\",\"feedback\":\"f\"}");
    assert_int_equal(ai_evaluation_from_json(a, j, &ev, err, sizeof(err)), IA_ERR_INVALID);
    assert_non_null(strstr(err, "score"));
    json_decref(j);
}

static void test_summary_and_match(void **state)
{
    arena *a = *state;
    char err[256];
    ai_summary s;
    json_t *j = load(
        "{\"final_score\":101,\"score_breakdown\":{\"technical\":80,\"System "
        "Design\":60,\"bogus\":1,\"communication\":70},\"strengths\":[\"s\"],"
        "\"weaknesses\":[],\"summary\":\"Solid.\"}");
    assert_int_equal(ai_summary_from_json(a, j, &s, err, sizeof(err)), IA_OK);
    json_decref(j);
    assert_true(s.final_score == 100.0);
    assert_int_equal(s.nbreakdown, 3); /* the unknown category is dropped */
    assert_string_equal(s.breakdown[1].category, "system_design");
    json_t *out = ai_summary_to_json(&s);
    assert_true(json_real_value(json_object_get(json_object_get(out, "score_breakdown"),
                                                "communication")) == 70.0);
    json_decref(out);

    ai_match m;
    j = load(
        "{\"match_score\":-4,\"matched_skills\":[\"Go\"],\"missing_skills\":[\"Rust\"],"
        "\"recommendations\":[\"Learn Rust\"]}");
    assert_int_equal(ai_match_from_json(a, j, &m, err, sizeof(err)), IA_OK);
    json_decref(j);
    assert_true(m.match_score == 0.0);
    out = ai_match_to_json(&m);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(out, "missing_skills"), 0)), "Rust");
    json_decref(out);
    j = load("{\"matched_skills\":[]}");
    assert_int_equal(ai_match_from_json(a, j, &m, err, sizeof(err)), IA_ERR_INVALID);
    assert_non_null(strstr(err, "match_score"));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_analysis_reads_clamps_and_round_trips, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_empty_analysis_is_nulls_and_empty_lists, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_analysis_type_errors_name_the_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_text_is_cut_on_a_character_boundary, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_questions_count_and_clamp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_question_red_flags_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evaluation_clamps_scores_and_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_summary_and_match, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
