/* The offline session summary's closing advice (ai_offline_summarize): built from this
 * session's weakest category, most recurring improvement and a key point its weakest answer
 * missed, so that two different sessions never end with the same line. The scores and the
 * breakdown are tested with the evaluator (test_evaluate.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ai/offline.h"
#include "core/errors.h"
#include "test_engine.h"

static const char *next_steps(const ai_summary *s)
{
    const char *p = strstr(s->summary, "Next steps: ");
    assert_non_null(p);
    return p;
}

static void test_advice_comes_from_this_sessions_answers(void **state)
{
    engine_fixture *f = *state;
    const char *star[] = { "Use STAR: say the situation first" };
    const char *cover[] = { "Cover \u201cTrade-offs of caching\u201d: name what it costs" };
    ai_strs none = { NULL, 0 };
    ai_summary_item behavioral[] = {
        { "Tell me about a conflict.", "behavioral", "medium", "a", 35, 60, none, { star, 1 } },
        { "Tell me about a failure.", "behavioral", "medium", "b", 40, 60, none, { star, 1 } },
        { "How does Redis work?", "technical", "medium", "c", 85, 80, none, none },
    };
    ai_summary_item technical[] = {
        { "How does Redis work?", "technical", "hard", "a", 30, 70, none, { cover, 1 } },
        { "What is a CDN?", "technical", "easy", "b", 50, 70, none, none },
        { "Tell me about a conflict.", "behavioral", "medium", "c", 90, 85, none, none },
    };
    ai_summary a, b;
    ai_summary_request ra = { "Backend Engineer", behavioral, 3 };
    ai_summary_request rb = { "Backend Engineer", technical, 3 };
    assert_int_equal(ai_offline_summarize(f->engine, f->a, &ra, &a), IA_OK);
    assert_int_equal(ai_offline_summarize(f->engine, f->a, &rb, &b), IA_OK);
    const char *sa = next_steps(&a), *sb = next_steps(&b);
    assert_string_not_equal(sa, sb);
    /* The weakest category, with what to practise for it. */
    assert_non_null(strstr(sa, "for behavioral questions, your lowest at 37.5"));
    assert_non_null(strstr(sb, "for technical questions, your lowest at 40.0"));
    /* The recurring improvement, counted. */
    assert_non_null(strstr(sa, "situation, task, action and result"));
    assert_non_null(strstr(sa, "in 2 of 3 answers"));
    /* The missed key point of the weakest answer, with its question. */
    assert_non_null(strstr(sb, "\u201cTrade-offs of caching\u201d"));
    assert_non_null(strstr(sb, "How does Redis work?"));
}

static void test_blank_answers_come_first(void **state)
{
    engine_fixture *f = *state;
    ai_strs none = { NULL, 0 };
    ai_summary_item items[] = {
        { "Q1", "general", "easy", NULL, 0, 0, none, none },
        { "Q2", "general", "easy", "b", 90, 90, none, none },
    };
    ai_summary s;
    ai_summary_request r = { NULL, items, 2 };
    assert_int_equal(ai_offline_summarize(f->engine, f->a, &r, &s), IA_OK);
    assert_non_null(strstr(next_steps(&s), "answer every question"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_advice_comes_from_this_sessions_answers),
        cmocka_unit_test(test_blank_answers_come_first),
    };
    return cmocka_run_group_tests(tests, engine_setup, engine_teardown);
}
