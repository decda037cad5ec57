/* The offline answer evaluator and session summary: scores that order answers by quality,
 * structure and clarity measured as promised, feedback that points at the answer itself, and
 * summaries whose figures are exact means. The measured quality on the labelled answers is
 * the eval_answers test (tools/eval_answers.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/offline.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/util.h"

typedef struct {
    ai_offline *e;
    arena *a;
} fixture;

static int setup(void **state)
{
    char err[256];
    fixture *f = calloc(1, sizeof(*f));
    if (f == NULL || ai_offline_create(&f->e, err, sizeof(err)) != IA_OK ||
        (f->a = arena_create(64u * 1024u * 1024u)) == NULL)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    arena_destroy(f->a);
    ai_offline_free(f->e);
    free(f);
    return 0;
}

/* A question written for these tests, not taken from the bank. */
static const char *const cache_terms[][3] = {
    { "cache-aside", "lazy loading", "on a miss" },
    { "ttl", "expire", "invalidat" },
    { "stampede", "lock", "jitter" },
    { "hit ratio", "hit rate", "monitor" },
};
static const char *const cache_points[] = {
    "Cache-aside: read the cache, load from the database on a miss",
    "Invalidate or expire entries when data changes",
    "Protect the database from a stampede on hot keys",
    "Measure the hit ratio",
};

static ai_question cache_question(ai_key_point kp[4])
{
    for (size_t i = 0; i < 4; i++)
        kp[i] = (ai_key_point){ cache_points[i], { (const char **)cache_terms[i], 3 } };
    return (ai_question){
        .text = "How would you add a cache in front of a slow database?",
        .category = "technical",
        .difficulty = "medium",
        .key_points = kp,
        .nkey_points = 4,
        .model_answer =
            "I use cache-aside: read from Redis, and on a miss load from the "
            "database and write the value back with a TTL. On writes I delete the "
            "key so it cannot go stale. To avoid a stampede on hot keys I take a "
            "short lock so one request recomputes, and add jitter to TTLs. I "
            "monitor the hit ratio; on a catalogue service we reached 95 percent "
            "and cut database load by 70 percent.",
    };
}

static const char good_cache[] =
    "I would use the cache-aside pattern with Redis: the service reads the cache first and on "
    "a miss loads the row from PostgreSQL and stores it with a TTL of about five minutes. "
    "When a row changes, I invalidate the key after the transaction commits, because "
    "updating it in place can race with other writers. For hot keys I guard against a "
    "stampede with a short lock so only one request rebuilds the value, and I add jitter to "
    "the TTLs. For example, on our product catalogue this kept the hit ratio at 94 percent "
    "and cut p99 latency from 800 ms to 90 ms. The trade-off is some staleness, so I would "
    "not cache account balances.";

static const char poor_cache[] =
    "Caching is easy, you just put Redis in front of it and "
    "it's fast. I don't really worry about the details.";

static ai_evaluation evaluate(fixture *f, const ai_question *q, const char *answer)
{
    ai_evaluate_request req = { .question = q, .answer = answer, .time_taken_seconds = 120 };
    ai_evaluation ev;
    assert_int_equal(ai_offline_evaluate(f->e, f->a, &req, &ev), IA_OK);
    return ev;
}

static double dimension(const ai_evaluation *ev, const char *name)
{
    for (size_t i = 0; i < ev->ndimensions; i++)
        if (strcmp(ev->dimensions[i].name, name) == 0)
            return ev->dimensions[i].score;
    fail_msg("no dimension %s", name);
    return -1;
}

static bool any_contains(const ai_strs *list, const char *needle)
{
    for (size_t i = 0; i < list->n; i++)
        if (strstr(list->v[i], needle) != NULL)
            return true;
    return false;
}

static void assert_well_formed(const ai_evaluation *ev)
{
    assert_true(ev->score >= 0 && ev->score <= 100);
    assert_true(ev->communication >= 0 && ev->communication <= 100);
    assert_true(ev->ndimensions >= 6 && ev->ndimensions <= AI_DIMENSIONS_MAX);
    for (size_t i = 0; i < ev->ndimensions; i++)
        assert_true(ev->dimensions[i].score >= 0 && ev->dimensions[i].score <= 100);
    assert_true(ev->strengths.n <= AI_FEEDBACK_ITEMS);
    assert_true(ev->improvements.n >= 1 && ev->improvements.n <= AI_FEEDBACK_ITEMS);
    assert_non_null(ev->feedback);
}

static void test_good_answer_beats_poor_answer(void **state)
{
    fixture *f = *state;
    ai_key_point kp[4];
    ai_question q = cache_question(kp);
    ai_evaluation good = evaluate(f, &q, good_cache), poor = evaluate(f, &q, poor_cache);
    assert_well_formed(&good);
    assert_well_formed(&poor);
    assert_true(good.score >= 70);
    assert_true(poor.score < 40);
    assert_true(dimension(&good, "coverage") == 100);
    assert_true(dimension(&good, "specificity") > dimension(&poor, "specificity"));
    assert_true(good.strengths.n >= 3);
    assert_true(any_contains(&good.strengths, "Covered"));
    /* The poor answer misses points and is told which, and that it deflects. */
    assert_true(any_contains(&poor.improvements, "Cover \u201cInvalidate"));
    assert_non_null(strstr(poor.feedback, "don't really"));
    assert_string_equal(good.model_answer, q.model_answer);
}

static void test_empty_answer_scores_zero_and_says_why(void **state)
{
    fixture *f = *state;
    ai_key_point kp[4];
    ai_question q = cache_question(kp);
    static const char *const empty[] = { "", "   \n\t  ", " ... ?! ", NULL };
    for (size_t i = 0; i < 4; i++) {
        ai_evaluation ev = evaluate(f, &q, empty[i]);
        assert_true(ev.score == 0);
        assert_true(ev.communication == 0);
        assert_non_null(strstr(ev.feedback, "No answer was given"));
        assert_int_equal(ev.strengths.n, 0);
        assert_int_equal(ev.improvements.n, 1);
        assert_string_equal(ev.model_answer, q.model_answer);
    }
    ai_evaluate_request req = { .question = NULL, .answer = "x" };
    ai_evaluation ev;
    assert_int_equal(ai_offline_evaluate(f->e, f->a, &req, &ev), IA_ERR_INVALID);
}

static void test_star_answer_has_more_structure(void **state)
{
    fixture *f = *state;
    const ai_bank_item *item = ai_bank_find(ai_offline_bank(f->e), "beh-001");
    assert_non_null(item);
    const char *star =
        "Last spring our biggest client moved their launch forward by three weeks, and the "
        "reporting module we owed them was only half built. As the lead analyst my job was to "
        "get a usable version out for launch day. I met the client to agree which six reports "
        "mattered most, I split the work into daily milestones and I asked a colleague to take "
        "over testing. In the end we delivered two days early, the client used it all launch "
        "week, and I learned to negotiate scope before working longer hours.";
    const char *flat =
        "Deadlines are stressful but they are part of the job and everybody "
        "has them. Good time management is important and staying calm helps. "
        "Teams should communicate and plan well so that deadlines are met and "
        "work is good quality in general for all projects and clients.";
    ai_evaluation s = evaluate(f, &item->question, star), u = evaluate(f, &item->question, flat);
    assert_true(dimension(&s, "structure") == 100);
    assert_true(dimension(&u, "structure") <= 25);
    assert_true(s.score > u.score + 20);
    assert_true(any_contains(&s.strengths, "STAR"));
    assert_true(any_contains(&u.improvements, "Use STAR"));
    /* What one would do is not a story of what one did. */
    ai_evaluation h = evaluate(f, &item->question,
                               "I would talk to my manager, I would cut scope and I'd work late "
                               "to deliver the project on time for the client.");
    assert_true(dimension(&h, "structure") < 40);
    assert_true(any_contains(&h.improvements, "real example"));
}

static void test_feedback_quotes_the_answer(void **state)
{
    fixture *f = *state;
    ai_key_point kp[4];
    ai_question q = cache_question(kp);
    ai_evaluation ev = evaluate(f, &q, good_cache);
    /* A quoted phrase in the feedback is taken verbatim from the answer. */
    const char *open = strstr(ev.feedback, "\u201c");
    assert_non_null(open);
    const char *close = strstr(open, "\u201d");
    assert_non_null(close);
    size_t len = (size_t)(close - open) - 3;
    assert_true(len >= 10);
    char quoted[256];
    snprintf(quoted, sizeof(quoted), "%.*s", (int)len, open + 3);
    assert_non_null(strstr(good_cache, quoted));
    /* Named figures and the key point it shows. */
    assert_non_null(strstr(ev.feedback, "addresses"));
    assert_non_null(strstr(ev.feedback, "Figures such as"));
    /* Missed points are named in a weaker answer. */
    ai_evaluation part = evaluate(f, &q,
                                  "I use cache-aside with Redis: on a miss I read the "
                                  "database and store the value.");
    assert_non_null(strstr(part.feedback, "1 of 4 key points"));
    assert_non_null(strstr(part.feedback, "It misses \u201cInvalidate"));
}

static void test_filler_words_are_named_in_an_improvement(void **state)
{
    fixture *f = *state;
    ai_key_point kp[4];
    ai_question q = cache_question(kp);
    const char *fillers =
        "Um, so basically I would, like, use a cache, you know. Um, the "
        "cache-aside thing, basically, where you, like, load on a miss and, "
        "um, set a TTL, you know, and watch the hit ratio, basically.";
    const char *plain =
        "I would use a cache with the cache-aside pattern: load on a miss and "
        "set a TTL. Then I would watch the hit ratio.";
    ai_evaluation ev = evaluate(f, &q, fillers), clean = evaluate(f, &q, plain);
    assert_true(dimension(&ev, "clarity") < dimension(&clean, "clarity") - 20);
    assert_true(any_contains(&ev.improvements, "filler words"));
    assert_true(any_contains(&ev.improvements, "\u201cum\u201d \u00d73"));
    assert_non_null(strstr(ev.feedback, "Filler words came up"));
    assert_false(any_contains(&clean.improvements, "filler"));
    assert_true(ev.communication < clean.communication);
}

static void test_scores_stay_in_range_and_are_deterministic(void **state)
{
    fixture *f = *state;
    ai_key_point kp[4];
    ai_question q = cache_question(kp);
    char *big = malloc(5001);
    assert_non_null(big);
    for (size_t i = 0; i < 5000; i++)
        big[i] = "ab \xc3\xa9.,9%\n\xf0\x9f\x98\x80$"[i % 16];
    big[5000] = '\0';
    char *repeated = malloc(5001);
    assert_non_null(repeated);
    for (size_t i = 0; i < 5000; i++)
        repeated[i] = "I would use Redis. "[i % 19];
    repeated[5000] = '\0';
    const char *answers[] = { good_cache, poor_cache, big, repeated, "\xff\xfe\xfd", "Redis" };
    for (size_t i = 0; i < COUNT(answers); i++) {
        ai_evaluation a1 = evaluate(f, &q, answers[i]), a2 = evaluate(f, &q, answers[i]);
        assert_well_formed(&a1);
        assert_true(a1.score == a2.score);
        assert_string_equal(a1.feedback, a2.feedback);
        assert_int_equal(a1.improvements.n, a2.improvements.n);
    }
    /* Repetition and noise earn little. */
    assert_true(evaluate(f, &q, repeated).score < 35);
    assert_true(evaluate(f, &q, big).score < 25);
    free(big);
    free(repeated);
    /* A question without key points is scored against its model answer. */
    ai_question bare = q;
    bare.nkey_points = 0;
    ai_evaluation b = evaluate(f, &bare, good_cache);
    assert_well_formed(&b);
    assert_true(b.score >= 60);
}

/* ---- summary ------------------------------------------------------------------------------- */

static const char *const some_strengths[] = { "Quantified the answer (\u201c40 percent\u201d)",
                                              "Named concrete tools and skills: Redis" };
static const char *const some_improvements[] = {
    "Cut the filler words (\u201cum\u201d \u00d73); pause instead",
    "Cover \u201cMeasure the hit ratio\u201d \u2014 e.g. mention hit ratio",
};

static void test_summary_means_and_breakdown_are_exact(void **state)
{
    fixture *f = *state;
    ai_strs st = { (const char **)some_strengths, 2 }, im = { (const char **)some_improvements, 2 };
    ai_strs none = { NULL, 0 };
    ai_summary_item items[] = {
        { "Q1", "technical", "easy", "a", 80.0, 70.0, st, im },
        { "Q2", "behavioral", "medium", "b", 50.0, 60.0, none, im },
        { "Q3", "technical", "hard", "c", 61.0, 90.0, st, none },
        { "Q4", "general", "medium", NULL, 75.0, 75.0, none, none }, /* unanswered: 0 */
        { "Q5", "coding", "easy", "e", 33.3, 44.4, none, im },
    };
    ai_summary_request req = { .target_role = "Backend Engineer", .items = items, .n = 5 };
    ai_summary s;
    assert_int_equal(ai_offline_summarize(f->e, f->a, &req, &s), IA_OK);
    /* (80 + 50 + 61 + 0 + 33.3) / 5 = 44.86 */
    assert_true(s.final_score == 44.9);
    static const char *const cats[] = { "technical", "behavioral",    "coding",
                                        "general",   "communication", "overall" };
    static const double want[] = { 70.5, 50.0, 33.3, 0.0, 52.9, 44.9 };
    assert_int_equal(s.nbreakdown, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(s.breakdown[i].category, cats[i]);
        if (s.breakdown[i].score != want[i])
            fail_msg("%s: %.2f, expected %.1f", cats[i], s.breakdown[i].score, want[i]);
    }
    assert_true(s.strengths.n >= 1 && s.strengths.n <= AI_FEEDBACK_ITEMS);
    assert_true(s.weaknesses.n >= 1 && s.weaknesses.n <= AI_FEEDBACK_ITEMS);
    assert_true(any_contains(&s.strengths, "Strongest area: technical questions, averaging 70.5"));
    assert_true(any_contains(&s.weaknesses, "Weakest area: general questions, averaging 0.0"));
    assert_true(any_contains(&s.weaknesses, "1 of 5 questions unanswered"));
    assert_true(any_contains(&s.weaknesses, "(in 3 of 4 answers)"));
    assert_true(any_contains(&s.strengths, "Quantified answers with figures (in 2 of 4"));
    assert_non_null(strstr(s.summary, "Backend Engineer"));
    assert_non_null(strstr(s.summary, "44.9"));
    assert_non_null(strstr(s.summary, "technical (70.5)"));
    assert_non_null(strstr(s.summary, "Next step"));

    /* Many recurring items still give at most five of each. */
    static const char *const many[] = { "Alpha one",    "Beta two", "Gamma three", "Delta four",
                                        "Epsilon five", "Zeta six", "Eta seven" };
    ai_strs lots = { (const char **)many, 7 };
    ai_summary_item same[] = { { "Q", "project", "easy", "x", 90, 90, lots, lots },
                               { "Q", "project", "easy", "y", 20, 30, lots, lots } };
    ai_summary_request r2 = { .items = same, .n = 2 };
    assert_int_equal(ai_offline_summarize(f->e, f->a, &r2, &s), IA_OK);
    assert_true(s.strengths.n <= AI_FEEDBACK_ITEMS && s.weaknesses.n <= AI_FEEDBACK_ITEMS);
    assert_true(s.final_score == 55.0);
    assert_string_equal(s.breakdown[0].category, "project");
    assert_null(strstr(s.summary, " role"));
}

static void test_summary_of_nothing_is_invalid(void **state)
{
    fixture *f = *state;
    ai_summary s;
    ai_summary_request req = { .items = NULL, .n = 0 };
    assert_int_equal(ai_offline_summarize(f->e, f->a, &req, &s), IA_ERR_INVALID);
    ai_summary_item one = { "Q", "technical", "easy", "a", 50, 50, { NULL, 0 }, { NULL, 0 } };
    req = (ai_summary_request){ .items = &one, .n = 0 };
    assert_int_equal(ai_offline_summarize(f->e, f->a, &req, &s), IA_ERR_INVALID);
    assert_int_equal(ai_offline_summarize(f->e, f->a, NULL, &s), IA_ERR_INVALID);
}

/* ---- answers that try to fool the evaluator (issue: substance, not vocabulary) -------------- */

static void test_copied_question_earns_nothing(void **state)
{
    fixture *f = *state;
    ai_key_point kp[4];
    ai_question q = cache_question(kp);
    ai_evaluation ev = evaluate(f, &q,
                                "How would you add a cache in front of a slow database? That is "
                                "how I would add a cache in front of a slow database.");
    assert_well_formed(&ev);
    assert_true(ev.score <= 5.0);
    assert_int_equal(ev.strengths.n, 0);
    assert_non_null(strstr(ev.feedback, "repeats the question"));
}

static void test_dont_know_earns_nothing_and_no_praise(void **state)
{
    fixture *f = *state;
    ai_key_point kp[4];
    ai_question q = cache_question(kp);
    ai_evaluation ev = evaluate(f, &q, "I don't know, sorry. I have never done this.");
    assert_true(ev.score <= 5.0);
    assert_int_equal(ev.strengths.n, 0);
    assert_true(ev.improvements.n >= 1);
}

static void test_keyword_list_is_capped_and_told_why(void **state)
{
    fixture *f = *state;
    ai_key_point kp[4];
    ai_question q = cache_question(kp);
    ai_evaluation list = evaluate(f, &q,
                                  "Cache-aside, Redis, lazy loading, TTL, expire, invalidation, "
                                  "stampede, lock, jitter, hit ratio, monitor, 95 percent, "
                                  "PostgreSQL, latency, write-through, eviction, LRU.");
    ai_evaluation good = evaluate(f, &q, good_cache);
    assert_true(list.score < 40.0);
    assert_true(list.score < good.score - 30.0);
    assert_non_null(strstr(list.feedback, "lists terms"));
    assert_false(any_contains(&list.strengths, "Covered"));
    /* The same list split by full stops is still a list. */
    ai_evaluation dots = evaluate(f, &q,
                                  "Cache-aside. Redis. Lazy loading. TTL. Expire. Invalidation. "
                                  "Stampede. Lock. Jitter. Hit ratio. Monitor.");
    assert_true(dots.score < 40.0);
}

static void test_off_topic_answer_is_capped(void **state)
{
    fixture *f = *state;
    ai_key_point kp[4];
    ai_question q = cache_question(kp);
    ai_evaluation ev = evaluate(
        f, &q,
        "Last spring I baked bread for our neighbourhood market every weekend. The situation "
        "was that my sourdough starter kept failing, so my task was to make the loaves rise "
        "reliably. I measured the flour and water by weight, kept the dough at 24 degrees and "
        "extended the proof to twelve hours. As a result the loaves rose every time and I sold "
        "all forty of them each Saturday, doubling my sales within two months.");
    assert_true(ev.score < 30.0);
    assert_non_null(strstr(ev.feedback, "something other than the question"));
    assert_false(any_contains(&ev.strengths, "STAR"));
}

static void test_negated_practices_earn_no_credit(void **state)
{
    fixture *f = *state;
    ai_key_point kp[4];
    ai_question q = cache_question(kp);
    ai_evaluation ev = evaluate(f, &q,
                                "On our service we did not use cache-aside or lazy loading, we "
                                "never set a TTL or expired anything, and we didn't protect "
                                "against a stampede with a lock or jitter. Nobody looked at the "
                                "hit ratio either, and we didn't monitor it.");
    ai_evaluation good = evaluate(f, &q, good_cache);
    assert_true(dimension(&ev, "coverage") <= 25.0);
    assert_true(ev.score < 40.0 && ev.score < good.score - 30.0);
}

static void test_measured_change_in_any_form_credits_a_measure_point(void **state)
{
    fixture *f = *state;
    ai_key_point kp[1] = {
        { "A measurable result", { (const char *[]){ "percent" }, 1 } },
    };
    ai_question q = { .text = "Tell me about a time you made a process faster.",
                      .category = "behavioral",
                      .difficulty = "medium",
                      .key_points = kp,
                      .nkey_points = 1 };
    static const char *const forms[] = {
        "When I joined the build team, the nightly build was slow, so I split the test suite "
        "across four runners and the build time dropped from 9 minutes to 45 seconds.",
        "When I joined the build team, the nightly build was slow, so I split the test suite "
        "across four runners and we halved the build time within a month.",
        "When I joined the build team, the nightly build was slow, so I split the test suite "
        "across four runners and cut the build time by a third.",
        "When I joined the build team, the nightly build was slow, so I split the test suite "
        "across four runners, which made the build 3x faster.",
    };
    for (size_t i = 0; i < COUNT(forms); i++) {
        ai_evaluation ev = evaluate(f, &q, forms[i]);
        assert_true(dimension(&ev, "coverage") == 100.0);
    }
}

static void test_tools_are_named_as_written_and_with_their_case(void **state)
{
    fixture *f = *state;
    ai_key_point kp[1] = {
        { "Move the work off the request path", { (const char *[]){ "queue" }, 1 } },
    };
    ai_question q = { .text = "How would you speed up a slow sign-up page?",
                      .category = "technical",
                      .difficulty = "medium",
                      .key_points = kp,
                      .nkey_points = 1,
                      .model_answer =
                          "I would move slow work such as the welcome e-mail and "
                          "image resizing to a background queue, so the page "
                          "answers at once, and measure the response time before "
                          "and after." };
    ai_evaluation ev = evaluate(
        f, &q,
        "I would move the welcome e-mail and the avatar resizing to a background queue in "
        "postgresql, because the page waits for both today. It is safe because we go through "
        "review, and I excel at explaining it, so the team would adopt it quickly. On a similar "
        "page this cut the response time from 2 seconds to 300 ms.");
    size_t named = 0;
    for (size_t i = 0; i < ev.strengths.n; i++) {
        const char *s = ev.strengths.v[i];
        if (strncmp(s, "Named concrete tools", 20) != 0)
            continue;
        named++;
        /* As the answer wrote it, and never an ordinary word ("safe", "go", "excel") taken
         * for a tool. */
        assert_string_equal(s, "Named concrete tools and skills: postgresql");
    }
    assert_int_equal(named, 1);
}

static void test_hints_name_whole_words_and_say_what_was_checked(void **state)
{
    fixture *f = *state;
    ai_key_point kp[1] = {
        { "Your role and responsibility", { (const char *[]){ "responsib", "my role" }, 2 } },
    };
    ai_question q = { .text = "Tell me about a project you led.",
                      .category = "behavioral",
                      .difficulty = "medium",
                      .key_points = kp,
                      .nkey_points = 1,
                      .model_answer = "I was responsible for the launch." };
    ai_evaluation ev = evaluate(f, &q,
                                "We shipped a new checkout page last year and the team was "
                                "happy with how the launch went in the end.");
    bool hint = false;
    for (size_t i = 0; i < ev.improvements.n; i++)
        if (strstr(ev.improvements.v[i], "e.g. mention") != NULL) {
            hint = true;
            assert_null(strstr(ev.improvements.v[i], "responsib "));
            assert_non_null(strstr(ev.improvements.v[i], "responsibility"));
        }
    assert_true(hint);
    assert_non_null(strstr(ev.feedback, "does not verify every fact"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_answer_beats_poor_answer),
        cmocka_unit_test(test_empty_answer_scores_zero_and_says_why),
        cmocka_unit_test(test_star_answer_has_more_structure),
        cmocka_unit_test(test_feedback_quotes_the_answer),
        cmocka_unit_test(test_filler_words_are_named_in_an_improvement),
        cmocka_unit_test(test_scores_stay_in_range_and_are_deterministic),
        cmocka_unit_test(test_summary_means_and_breakdown_are_exact),
        cmocka_unit_test(test_summary_of_nothing_is_invalid),
        cmocka_unit_test(test_copied_question_earns_nothing),
        cmocka_unit_test(test_dont_know_earns_nothing_and_no_praise),
        cmocka_unit_test(test_keyword_list_is_capped_and_told_why),
        cmocka_unit_test(test_off_topic_answer_is_capped),
        cmocka_unit_test(test_negated_practices_earn_no_credit),
        cmocka_unit_test(test_measured_change_in_any_form_credits_a_measure_point),
        cmocka_unit_test(test_tools_are_named_as_written_and_with_their_case),
        cmocka_unit_test(test_hints_name_whole_words_and_say_what_was_checked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
