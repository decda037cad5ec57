/* Unit tests for src/api/resume_edit.c: a correction body validated (trimmed text, "" as null,
 * skills as names or objects counted once, entries in their full shape, 422 items located
 * inside lists) and applied to an analysis (categories kept, corrected fields joined in order,
 * field confidence 1.0 where the analysis has one, the version number, job titles). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "api/resume_edit.h"
#include "core/arena.h"
#include "core/errors.h"
#include "http/http.h"

typedef struct {
    arena *a;
    http_req req;
    http_res res;
} fixture;

/* Validates body; returns the patch (NULL when refused: fx->res holds the 422). */
static json_t *validate(fixture *fx, const char *body)
{
    memset(fx, 0, sizeof(*fx));
    fx->a = arena_create(1 << 20);
    assert_non_null(fx->a);
    fx->req.arena = fx->a;
    fx->res.arena = fx->a;
    fx->req.body = body;
    fx->req.body_len = strlen(body);
    json_t *patch = NULL;
    int rc = resume_edit_validate(&fx->req, &fx->res, &patch);
    return rc == IA_OK ? patch : NULL;
}

static void test_a_valid_body_is_normalised(void **state)
{
    (void)state;
    fixture fx;
    json_t *p = validate(&fx,
                         "{\"name\":\"  Jane Roe \",\"location\":\"\",\"seniority\":null,"
                         "\"years_of_experience\":4.56,"
                         "\"skills\":[\"Go\",{\"name\":\"SQL\",\"category\":\"database\"},\"go\"],"
                         "\"experience\":[{\"position\":\"Nurse\",\"start_date\":\"2016-06\","
                         "\"end_date\":\"2019\",\"highlights\":[\" ICU \"]}]}");
    assert_non_null(p);
    assert_string_equal(json_string_value(json_object_get(p, "name")), "Jane Roe");
    assert_true(json_is_null(json_object_get(p, "location")));
    assert_null(json_object_get(p, "seniority")); /* null = omitted */
    assert_true(json_real_value(json_object_get(p, "years_of_experience")) == 4.6);
    json_t *skills = json_object_get(p, "skills");
    assert_int_equal(json_array_size(skills), 2); /* "go" repeats "Go" */
    assert_true(json_is_null(json_object_get(json_array_get(skills, 0), "category")));
    json_t *e = json_array_get(json_object_get(p, "experience"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "job_title")), "Nurse");
    assert_string_equal(json_string_value(json_object_get(e, "position")), "Nurse");
    assert_true(json_is_null(json_object_get(e, "company")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(e, "highlights"), 0)),
                        "ICU");
    json_decref(p);
    arena_destroy(fx.a);
}

static void test_problems_are_located_inside_lists(void **state)
{
    (void)state;
    fixture fx;
    assert_null(validate(&fx,
                         "{\"experience\":[{\"job_title\":\"A\"},{\"job_title\":\"B\","
                         "\"start_date\":\"2020-02\",\"end_date\":\"2020-01\"}],"
                         "\"education\":[{\"gpa\":\"4\"}],\"skills\":[{\"name\":\"x\","
                         "\"level\":3}],\"id\":1}"));
    assert_int_equal(fx.res.status, 422);
    const char *b = fx.res.body;
    assert_non_null(strstr(b, "[\"body\", \"experience\", 1, \"end_date\"]")
                        ? strstr(b, "[\"body\", \"experience\", 1, \"end_date\"]")
                        : strstr(b, "[\"body\",\"experience\",1,\"end_date\"]"));
    assert_non_null(strstr(b, "\"education\",0]") ? strstr(b, "\"education\",0]")
                                                  : strstr(b, "\"education\", 0]"));
    assert_non_null(strstr(b, "extra_forbidden"));
    assert_non_null(strstr(b, "level"));
    assert_non_null(strstr(b, "\"id\""));
    assert_null(strstr(b, "\"experience\",0") ? strstr(b, "\"experience\",0")
                                              : strstr(b, "\"experience\", 0"));
    arena_destroy(fx.a);
    assert_null(
        validate(&fx, "{\"experience\":[{\"job_title\":\"A\",\"start_date\":\"2020-13\"}]}"));
    assert_non_null(strstr(fx.res.body, "YYYY-MM"));
    arena_destroy(fx.a);
}

static void test_a_patch_is_applied_as_a_version(void **state)
{
    (void)state;
    fixture fx;
    json_t *p = validate(&fx,
                         "{\"skills\":[\"python\",\"Elixir\"],\"name\":\"Jane\","
                         "\"experience\":[{\"job_title\":\"Engineer\",\"company\":\"A\"},"
                         "{\"job_title\":\"Engineer\",\"company\":\"B\"}]}");
    assert_non_null(p);
    json_t *an = json_loads(
        "{\"name\":\"Curriculum Vitae\",\"skills\":[{\"name\":\"Python\","
        "\"category\":\"language\"}],\"corrected_fields\":[\"location\"],"
        "\"field_confidence\":{\"name\":0.2,\"skills\":0.5,\"location\":1.0}}",
        0, NULL);
    assert_int_equal(resume_edit_apply(an, p, 3), IA_OK);
    assert_string_equal(json_string_value(json_object_get(an, "name")), "Jane");
    json_t *skills = json_object_get(an, "skills");
    assert_string_equal(json_string_value(json_object_get(json_array_get(skills, 0), "category")),
                        "language");
    assert_string_equal(json_string_value(json_object_get(json_array_get(skills, 1), "category")),
                        "other");
    char *corrected = json_dumps(json_object_get(an, "corrected_fields"), JSON_COMPACT);
    assert_string_equal(corrected, "[\"name\",\"location\",\"skills\",\"experience\"]");
    free(corrected);
    json_t *fc = json_object_get(an, "field_confidence");
    assert_true(json_real_value(json_object_get(fc, "name")) == 1.0);
    assert_true(json_real_value(json_object_get(fc, "skills")) == 1.0);
    assert_int_equal(json_integer_value(json_object_get(an, "analysis_version")), 3);
    assert_int_equal(json_array_size(json_object_get(an, "job_titles")), 1);
    json_decref(an);
    json_decref(p);
    arena_destroy(fx.a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_valid_body_is_normalised),
        cmocka_unit_test(test_problems_are_located_inside_lists),
        cmocka_unit_test(test_a_patch_is_applied_as_a_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
