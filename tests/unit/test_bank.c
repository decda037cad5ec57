/* The question bank built into the binary: its size and spread (issue: at least 400 questions
 * across the six categories, each with a rubric and a model answer), the project templates,
 * and that malformed documents are refused with a message that names the problem. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ai/bank.h"
#include "ai/offline.h"
#include "ai/voice.h"
#include "core/arena.h"
#include "core/errors.h"

static void test_builtin_bank_covers_every_category(void **state)
{
    (void)state;
    char err[256];
    ai_bank *b = NULL;
    assert_int_equal(ai_bank_builtin(&b, err, sizeof(err)), IA_OK);
    assert_true(ai_bank_count(b) >= 400);
    static const char *const cats[] = { "technical",     "behavioral", "project",
                                        "system_design", "coding",     "general" };
    static const size_t floors[] = { 150, 80, 20, 40, 40, 40 };
    size_t per[6] = { 0 }, levels[3] = { 0 };
    for (size_t i = 0; i < ai_bank_count(b); i++) {
        const ai_question *q = &ai_bank_get(b, i)->question;
        for (size_t c = 0; c < 6; c++)
            per[c] += strcmp(q->category, cats[c]) == 0;
        levels[0] += strcmp(q->difficulty, "easy") == 0;
        levels[1] += strcmp(q->difficulty, "medium") == 0;
        levels[2] += strcmp(q->difficulty, "hard") == 0;
        assert_true(q->nkey_points >= 3);
        assert_true(strlen(q->model_answer) > 200);
        assert_ptr_equal(ai_bank_find(b, q->bank_id), ai_bank_get(b, i));
    }
    for (size_t c = 0; c < 6; c++)
        assert_true(per[c] >= floors[c]);
    for (size_t l = 0; l < 3; l++)
        assert_true(levels[l] >= ai_bank_count(b) / 5);
    assert_true(ai_bank_template_count(b) >= 12);
    const ai_bank_item *t = ai_bank_template(b, 0);
    assert_string_equal(t->question.category, "project");
    assert_non_null(strstr(t->question.text, "{"));
    assert_ptr_equal(ai_bank_find(b, t->question.bank_id), t);
    assert_null(ai_bank_find(b, "no-such-question"));
    ai_bank_free(b);
}

static void refused(const char *doc, const char *needle)
{
    char err[256] = "";
    ai_bank *b = NULL;
    int rc = ai_bank_parse(doc, strlen(doc), &b, err, sizeof(err));
    assert_int_not_equal(rc, IA_OK);
    assert_null(b);
    if (strstr(err, needle) == NULL)
        fail_msg("error \"%s\" does not mention \"%s\"", err, needle);
}

#define KP "\"key_points\":[{\"point\":\"p\",\"terms\":[\"t\"]}]"

static void test_malformed_banks_are_refused(void **state)
{
    (void)state;
    refused("not json", "question bank");
    refused("{\"questions\":[]}", "must be arrays");
    refused(
        "{\"questions\":[{\"id\":\"a\",\"category\":\"x\",\"difficulty\":\"easy\",\"text\":"
        "\"t\",\"model_answer\":\"m\",\"roles\":[],\"skills\":[]," KP
        "}],"
        "\"project_templates\":[]}",
        "category");
    refused(
        "{\"questions\":[{\"id\":\"a\",\"category\":\"coding\",\"difficulty\":\"easy\","
        "\"text\":\"t\",\"model_answer\":\"m\",\"roles\":[],\"skills\":[],"
        "\"key_points\":[]}],\"project_templates\":[]}",
        "key points");
    refused(
        "{\"questions\":[{\"id\":\"a\",\"category\":\"coding\",\"difficulty\":\"easy\","
        "\"text\":\"t\",\"model_answer\":\"m\",\"roles\":[],\"skills\":[]," KP
        "},"
        "{\"id\":\"a\",\"category\":\"coding\",\"difficulty\":\"easy\",\"text\":\"t\","
        "\"model_answer\":\"m\",\"roles\":[],\"skills\":[]," KP
        "}],"
        "\"project_templates\":[]}",
        "used twice");
}

static void test_offline_engine_loads_its_data(void **state)
{
    (void)state;
    char err[256];
    ai_offline *e = NULL;
    assert_int_equal(ai_offline_create(&e, err, sizeof(err)), IA_OK);
    assert_true(ai_taxonomy_count(ai_offline_taxonomy(e)) >= 600);
    assert_true(ai_bank_count(ai_offline_bank(e)) >= 400);
    assert_string_equal(ai_engine_name(AI_ENGINE_OFFLINE), "offline");
    assert_string_equal(ai_engine_name(AI_ENGINE_GEMINI), "gemini");
    assert_string_equal(ai_engine_name(AI_ENGINE_OPENAI), "openai");
    ai_offline_free(e);
}

/* ai_bank_select: filters combine, role and search ignore case, a question for any role
 * passes every role filter, and skip/max page through the same total. */
static void test_select_filters_and_pages(void **state)
{
    (void)state;
    char err[256];
    ai_bank *b = NULL;
    assert_int_equal(ai_bank_builtin(&b, err, sizeof(err)), IA_OK);
    const ai_bank_item *page[100];
    size_t total = 0;
    ai_bank_filter all = { 0 };
    assert_int_equal(ai_bank_select(b, &all, 0, 10, page, &total), 10);
    assert_int_equal(total, ai_bank_count(b));
    assert_ptr_equal(page[0], ai_bank_get(b, 0));
    assert_int_equal(ai_bank_select(b, &all, total - 3, 10, page, NULL), 3);
    ai_bank_filter f = { .category = "coding", .difficulty = "hard" };
    size_t n = ai_bank_select(b, &f, 0, 100, page, &total);
    assert_true(n > 0 && n == (total < 100 ? total : 100));
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(page[i]->question.category, "coding");
        assert_string_equal(page[i]->question.difficulty, "hard");
    }
    ai_bank_filter role = { .role = "BACKEND Engineer" };
    n = ai_bank_select(b, &role, 0, 100, page, &total);
    assert_true(n > 0 && total < ai_bank_count(b));
    for (size_t i = 0; i < n; i++) {
        bool ok = page[i]->roles.n == 0;
        for (size_t k = 0; k < page[i]->roles.n; k++)
            ok = ok || strstr(page[i]->roles.v[k], "backend engineer") != NULL;
        assert_true(ok);
    }
    ai_bank_filter search = { .search = "GENERATOR" };
    assert_true(ai_bank_select(b, &search, 0, 100, page, &total) > 0);
    assert_non_null(strstr(page[0]->question.text, "generator"));
    ai_bank_filter none = { .search = "no such words at all" };
    assert_int_equal(ai_bank_select(b, &none, 0, 100, page, &total), 0);
    assert_int_equal(total, 0);
    ai_bank_free(b);
}

/* ai_voice_measure: words per minute over the spoken seconds, filler words counted ("like" only
 * as a pause), none without a duration. */
static void test_voice_figures(void **state)
{
    (void)state;
    arena *a = arena_create(1u << 20);
    ai_voice_stats st;
    assert_int_equal(ai_voice_measure(a,
                                      "Um, I used a queue, uh, and you know, it was, like, "
                                      "fast. I like Redis.",
                                      6.0, &st),
                     IA_OK);
    assert_int_equal(st.words, 16);
    assert_int_equal(st.fillers, 4);
    assert_true(st.has_wpm);
    assert_true(st.words_per_minute > 159.9 && st.words_per_minute < 160.1);
    assert_int_equal(ai_voice_measure(a, "Plain words here.", 0, &st), IA_OK);
    assert_int_equal(st.words, 3);
    assert_int_equal(st.fillers, 0);
    assert_false(st.has_wpm);
    assert_int_equal(ai_voice_measure(a, "", 10, &st), IA_OK);
    assert_int_equal(st.words, 0);
    assert_true(st.has_wpm && st.words_per_minute == 0);
    arena_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_bank_covers_every_category),
        cmocka_unit_test(test_malformed_banks_are_refused),
        cmocka_unit_test(test_offline_engine_loads_its_data),
        cmocka_unit_test(test_select_filters_and_pages),
        cmocka_unit_test(test_voice_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
