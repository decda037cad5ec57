/* The skills taxonomy built into the binary and its matcher, measured on the labelled resumes
 * of tests/fixtures/resumes: the floors sit a little below today's figures, so a change that
 * makes matching worse fails here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/taxonomy.h"
#include "core/errors.h"
#include "test_util.h"

#define MAX_FOUND       512
#define PRECISION_FLOOR 0.85
#define RECALL_FLOOR    0.93

static int setup(void **state)
{
    char err[256];
    ai_taxonomy *t = NULL;
    if (ai_taxonomy_builtin(&t, err, sizeof(err)) != IA_OK)
        fail_msg("%s", err);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    ai_taxonomy_free(*state);
    return 0;
}

static bool found_named(const ai_taxonomy *t, const size_t *found, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ai_taxonomy_get(t, found[i])->name, name) == 0)
            return true;
    return false;
}

static void test_builtin_taxonomy_is_large_and_complete(void **state)
{
    const ai_taxonomy *t = *state;
    assert_true(ai_taxonomy_count(t) >= 600);
    static const char *const categories[] = { "language", "framework", "database", "cloud",
                                              "tool",     "soft",      "other" };
    for (size_t i = 0; i < ai_taxonomy_count(t); i++) {
        const ai_skill *s = ai_taxonomy_get(t, i);
        bool ok = false;
        for (size_t c = 0; c < 7; c++)
            ok = ok || strcmp(s->category, categories[c]) == 0;
        if (!ok)
            fail_msg("%s has category %s", s->name, s->category);
    }
}

static void test_names_and_aliases_are_found_in_any_case(void **state)
{
    const ai_taxonomy *t = *state;
    assert_non_null(ai_taxonomy_find(t, "kubernetes"));
    assert_string_equal(ai_taxonomy_find(t, "K8S")->name, "Kubernetes");
    assert_null(ai_taxonomy_find(t, "no such skill at all"));
}

static void test_matching_respects_word_boundaries(void **state)
{
    const ai_taxonomy *t = *state;
    size_t found[MAX_FOUND], n = 0;
    assert_int_equal(ai_taxonomy_match(t, "Built services in C++ and Golang on K8s; knows SQL.",
                                       found, MAX_FOUND, &n),
                     IA_OK);
    assert_true(found_named(t, found, n, "C++"));
    assert_true(found_named(t, found, n, "Go"));
    assert_true(found_named(t, found, n, "Kubernetes"));
    assert_true(found_named(t, found, n, "SQL"));
    assert_false(found_named(t, found, n, "C")); /* inside "C++" */
    /* A one-letter name only as a list item. */
    assert_int_equal(ai_taxonomy_match(t, "Led R&D at a company", found, MAX_FOUND, &n), IA_OK);
    assert_false(found_named(t, found, n, "R"));
    assert_int_equal(ai_taxonomy_match(t, "Languages: Python, R, SQL", found, MAX_FOUND, &n),
                     IA_OK);
    assert_true(found_named(t, found, n, "R"));
    assert_int_equal(ai_taxonomy_match(t, "", found, MAX_FOUND, &n), IA_OK);
    assert_int_equal(n, 0);
}

static void test_skill_precision_and_recall_on_labelled_resumes(void **state)
{
    const ai_taxonomy *t = *state;
    char dir[1024];
    DIR *d = test_open_fixtures("resumes", dir, sizeof(dir));
    assert_non_null(d);
    long tp = 0, fp = 0, fn = 0, files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        char path[1400];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        char *text = test_slurp(path);
        snprintf(path + strlen(path) - 4, 6, ".json");
        json_t *truth = json_load_file(path, 0, NULL);
        assert_non_null(text);
        assert_non_null(truth);
        size_t found[MAX_FOUND], n = 0;
        assert_int_equal(ai_taxonomy_match(t, text, found, MAX_FOUND, &n), IA_OK);
        json_t *skills = json_object_get(truth, "skills");
        for (size_t i = 0; i < json_array_size(skills); i++) {
            if (found_named(t, found, n, json_string_value(json_array_get(skills, i))))
                tp++;
            else
                fn++;
        }
        for (size_t i = 0; i < n; i++) {
            bool expected = false;
            for (size_t k = 0; k < json_array_size(skills) && !expected; k++)
                expected = strcmp(json_string_value(json_array_get(skills, k)),
                                  ai_taxonomy_get(t, found[i])->name) == 0;
            fp += !expected;
        }
        json_decref(truth);
        free(text);
        files++;
    }
    closedir(d);
    double precision = tp + fp ? (double)tp / (double)(tp + fp) : 0;
    double recall = tp + fn ? (double)tp / (double)(tp + fn) : 0;
    printf("skills on %ld resumes: precision %.3f recall %.3f (tp %ld fp %ld fn %ld)\n", files,
           precision, recall, tp, fp, fn);
    assert_true(files >= 30);
    if (precision < PRECISION_FLOOR || recall < RECALL_FLOOR)
        fail_msg("precision %.3f (floor %.2f), recall %.3f (floor %.2f)", precision,
                 PRECISION_FLOOR, recall, RECALL_FLOOR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_taxonomy_is_large_and_complete),
        cmocka_unit_test(test_names_and_aliases_are_found_in_any_case),
        cmocka_unit_test(test_matching_respects_word_boundaries),
        cmocka_unit_test(test_skill_precision_and_recall_on_labelled_resumes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
