/* Red flags (src/ai/redflag.c, data/red_flags.json; docs/design.md "AI"): the pattern syntax
 * (stems, alternatives, prefixes, NOT), the negation scope that keeps a correct sentence from
 * firing, the bank's refusal of malformed red flags, and the shipped data itself: every
 * "examples" sentence of every flag fires, and no "safe" sentence, no sentence of the
 * question's own model answer, of an honest tuning answer or of a family model answer does. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/bank.h"
#include "ai/offline.h"
#include "ai/redflag.h"
#include "ai/textutil.h"
#include "core/arena.h"
#include "core/embed.h"
#include "core/errors.h"

extern const embedded_file engine_files[];
extern const size_t engine_files_count;

static arena *A;
static ai_offline *E;
static const ai_text_lexicon *LX; /* the engine's, WordNet included, as evaluations use it */

static int setup(void **state)
{
    (void)state;
    char err[256] = "";
    A = arena_create(256u << 20);
    if (A == NULL)
        return -1;
    if (ai_offline_create(&E, err, sizeof(err)) != IA_OK) {
        print_error("the offline engine refuses to start: %s\n", err);
        return -1;
    }
    LX = ai_offline_lexicon(E);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ai_offline_free(E);
    arena_destroy(A);
    return 0;
}

/* Whether pattern fires on text; *sentence receives the sentence when it does. */
static bool fires_at(const char *pattern, const char *text, size_t *sentence)
{
    ai_redflag_pattern p;
    char err[200] = "";
    if (ai_redflag_compile_pattern(A, LX, pattern, &p, err, sizeof(err)) != IA_OK)
        fail_msg("pattern \"%s\" refused: %s", pattern, err);
    ai_text t;
    assert_int_equal(ai_text_tokenize(A, LX, text, &t), IA_OK);
    return ai_redflag_pattern_find(&t, &p, sentence);
}

static bool fires(const char *pattern, const char *text)
{
    size_t s;
    return fires_at(pattern, text, &s);
}

static void test_words_match_by_stem_in_any_order_within_one_sentence(void **state)
{
    (void)state;
    assert_true(fires("index speed every query", "A B-tree index speeds up every query."));
    assert_true(fires("index speed every query", "Every query speeds up with indexes."));
    assert_true(fires("index speed every query", "Indexing speeds every query up."));
    /* all words in one sentence, not across two */
    assert_false(fires("index speed every query",
                       "We added an index. It made every query fast "
                       "and speed improved."));
    assert_false(fires("index speed every query", "An index speeds up reads."));
    /* the sentence of the match is reported */
    size_t s = 99;
    assert_true(
        fires_at("pain before airway", "I introduce myself. I check pain before the airway.", &s));
    assert_int_equal(s, 1);
}

static void test_order_and_segments(void **state)
{
    (void)state;
    /* ORDER: the same words in the other order deny the claim */
    assert_true(fires("ORDER pain before airway", "I check pain before the airway."));
    assert_false(fires("ORDER pain before airway", "Airway and breathing come before pain."));
    assert_true(fires("pain before airway", "Airway and breathing come before pain."));
    /* a contrastive word or a semicolon splits a sentence */
    const char *p = "assistant assess unstable";
    assert_true(fires(p, "The assistant can assess the unstable patient."));
    assert_false(fires(p,
                       "The assistant helps with stable patients, but I assess the unstable "
                       "patient myself."));
    assert_false(fires(p, "The assistant helps with vitals; I assess the unstable patient."));
    size_t s = 99;
    assert_true(fires_at(p, "Fine; but the assistant will assess the unstable patient.", &s));
    assert_int_equal(s, 0);
}

static void test_alternatives_and_prefixes(void **state)
{
    (void)state;
    assert_true(fires("https hide|encrypt* url", "HTTPS encrypts the URL from everyone."));
    assert_true(fires("https hide|encrypt* url", "HTTPS hides the URL."));
    assert_true(fires("https hide|encrypt* url", "With HTTPS the URL is encrypted."));
    assert_false(fires("https hide|encrypt* url", "HTTPS protects the URL."));
    /* a prefix matches the word it begins, not a word inside another */
    assert_true(fires("delegat* assess*", "Delegation of the assessment is fine."));
    assert_false(fires("delegat* assess*", "A delegate reviewed the reassessment."));
}

static void test_negation_keeps_a_correct_sentence_from_firing(void **state)
{
    (void)state;
    const char *p = "delegate assessment";
    assert_true(fires(p, "I would delegate the assessment to the nursing assistant."));
    assert_false(fires(p, "Never delegate the assessment of an unstable patient."));
    assert_false(fires(p, "I don't delegate the assessment."));
    assert_false(fires(p, "I would not delegate the assessment to an aide."));
    /* between the matched words */
    assert_false(fires("pain before airway", "Pain should never come before the airway."));
    /* right after the last matched word, in its clause */
    assert_false(fires(p, "To delegate the assessment is not safe."));
    /* a negation in another clause does not govern the match */
    assert_true(fires(p, "I never panic, so I delegate the assessment to the aide."));
    assert_true(fires(p, "It is not hard: delegate the assessment to the aide."));
    assert_true(fires(p, "I delegate the assessment to the aide, not the doctor."));
    assert_true(fires(p, "Nobody complained because I delegate the assessment to the aide."));
    /* "not only" affirms, unless "only" is the claim's own word */
    assert_false(fires("vital only complain", "I check vitals, not only when they complain."));
    assert_true(fires("vital only complain", "I check vitals only when they complain."));
    assert_false(fires("single root cause", "There is rarely a single root cause."));
    /* "without" negates only what follows it closely */
    assert_false(fires("recursion efficient", "Recursion without memoisation is not efficient."));
    assert_true(fires("NOT test deploy", "We deploy to production without any test."));
    assert_false(
        fires("chart end shift", "I chart in real time rather than at the end of the shift."));
    /* the prefix "non" negates only the word it is joined to */
    assert_false(fires("erlang linear", "Erlang C is non-linear."));
    assert_true(fires("erlang linear", "Erlang C is linear."));
    assert_true(fires("compar* member* prove*", "Comparing members with non-members proves it."));
    /* a hyphenated "no" negates nothing */
    assert_true(fires("show random", "No-shows are random."));
    assert_false(fires("show random", "No-shows are not random."));
    /* two negations cancel */
    assert_true(fires(p, "Not only do I delegate the assessment, I also leave."));
    assert_false(fires(p, "I would avoid having to delegate the assessment."));
    assert_false(fires(p, "Instead of delegating the assessment, I do it myself."));
    assert_true(fires("check airway", "I would never skip the check of the airway."));
}

static void test_not_requires_a_negation_in_scope(void **state)
{
    (void)state;
    const char *p = "NOT need check airway";
    assert_true(fires(p, "You don't need to check the airway first."));
    assert_true(fires(p, "There is no need to check the airway."));
    assert_true(fires(p, "Checking the airway isn't needed when the patient talks."));
    assert_false(fires(p, "You need to check the airway first."));
    assert_false(fires(p, "I would never skip the check, you need the airway checked."));
    assert_false(fires(p, "No, you need to check the airway first."));
    /* NOT may stand anywhere in the pattern */
    assert_true(fires("test NOT deploy", "We deploy without any test."));
    assert_true(fires("NOT encrypt* password*", "Passwords are stored without encryption."));
    assert_false(fires("NOT encrypt* password*", "Passwords are encrypted at rest."));
}

static void refused_pattern(const char *pattern, const char *needle)
{
    ai_redflag_pattern p;
    char err[200] = "";
    assert_int_equal(ai_redflag_compile_pattern(A, LX, pattern, &p, err, sizeof(err)),
                     IA_ERR_INVALID);
    if (strstr(err, needle) == NULL)
        fail_msg("error \"%s\" for \"%s\" does not mention \"%s\"", err, pattern, needle);
}

/* True when the word of text that starts with `word` is dismissed (ai_redflag_dismissed). */
static bool dismissed(const char *text, const char *word)
{
    ai_text t;
    assert_int_equal(ai_text_tokenize(A, LX, text, &t), IA_OK);
    for (size_t i = 0; i < t.n; i++)
        if (strncmp(t.v[i].word, word, strlen(word)) == 0)
            return ai_redflag_dismissed(&t, i, NULL);
    fail_msg("\"%s\" has no word %s", text, word);
    return false;
}

static void test_a_practice_called_unneeded_is_dismissed(void **state)
{
    (void)state;
    assert_true(dismissed("Rate limiting isn't needed if the passwords are complex.", "rate"));
    assert_true(
        dismissed("There's no need to check sedation or breathing after that.", "sedation"));
    assert_true(dismissed("Lactate is optional and mainly useful for research.", "lactate"));
    assert_true(dismissed("Lactate, cultures and fluids are optional.", "cultures"));
    assert_true(dismissed("A code review is a waste of time for small changes.", "review"));
    assert_true(dismissed("I don't bother with a pilot.", "pilot"));
    assert_true(dismissed("Product requirements and budget barely matter.", "budget"));
    assert_true(dismissed("The risk of respiratory depression is overblown.", "respiratory"));
    /* denied, described rather than dismissed, or about something else */
    assert_false(dismissed("A double-check is never optional.", "double"));
    assert_false(dismissed("A debrief is not a waste of time.", "debrief"));
    assert_false(dismissed("We offer optional multi-factor authentication.", "multi"));
    assert_false(dismissed("Tokens are disabled where unnecessary.", "tokens"));
    assert_false(dismissed("Late data is useless, like live video and games.", "video"));
    assert_false(dismissed("Monitoring is not optional; the rollout waits for it.", "rollout"));
    assert_false(dismissed("Skipping it is unnecessary, but the pilot ran.", "pilot"));
    assert_false(dismissed("We check every dose.", "dose"));
}

static void test_malformed_patterns_are_refused(void **state)
{
    (void)state;
    refused_pattern("", "at least one word");
    refused_pattern("   ", "at least one word");
    refused_pattern("NOT", "at least one word");
    refused_pattern("ORDER NOT", "at least one word");
    refused_pattern("a||b", "empty alternative");
    refused_pattern("a|", "empty alternative");
    refused_pattern("* index", "bare '*'");
    refused_pattern("one two three four five six seven eight nine", "more than 8 words");
    refused_pattern("a|b|c|d|e|f|g|h|i", "more than 8 alternatives");
    refused_pattern("b-tree index", "not one word");
    refused_pattern("index never", "write NOT");
    refused_pattern("index doesn't", "write NOT");
    refused_pattern("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij", "too long");
    /* eight words and NOT are fine */
    ai_redflag_pattern p;
    char err[200];
    assert_int_equal(ai_redflag_compile_pattern(A, LX, "NOT a b c d e f g h", &p, err, sizeof(err)),
                     IA_OK);
    assert_int_equal(p.nslots, 8);
    assert_true(p.negated);
    ai_strs none = { 0 };
    ai_redflag_compiled c;
    assert_int_equal(ai_redflag_compile(A, LX, &none, &c, err, sizeof(err)), IA_ERR_INVALID);
}

#define BANK                                                                                       \
    "{\"questions\":[{\"id\":\"q1\",\"category\":\"technical\",\"difficulty\":\"easy\","           \
    "\"text\":\"How do indexes help?\",\"model_answer\":\"m\",\"roles\":[],\"skills\":[],"         \
    "\"key_points\":[{\"point\":\"p0\",\"terms\":[\"t\"]},{\"point\":\"p1\",\"terms\":[\"u\"]}]}"  \
    "],\"project_templates\":[]}"

static ai_bank *small_bank(void)
{
    char err[256] = "";
    ai_bank *b = NULL;
    assert_int_equal(ai_bank_parse(BANK, strlen(BANK), &b, err, sizeof(err)), IA_OK);
    return b;
}

#define FLAG(point, patterns)                                                                      \
    "{\"claim\":\"c\",\"correct\":\"r\",\"point\":" point ",\"patterns\":" patterns "}"

#define SHARED(patterns) "{\"claim\":\"c\",\"correct\":\"r\",\"patterns\":" patterns "}"

static void flags_refused(const char *doc, const char *needle)
{
    ai_bank *b = small_bank();
    char err[256] = "";
    assert_int_equal(ai_bank_parse_red_flags(b, doc, strlen(doc), err, sizeof(err)),
                     IA_ERR_INVALID);
    if (strstr(err, needle) == NULL)
        fail_msg("error \"%s\" does not mention \"%s\"", err, needle);
    assert_int_equal(ai_bank_find(b, "q1")->question.nred_flags, 0);
    /* the refused document leaves the bank as it was: a good one still loads */
    const char *good = "{\"version\":1,\"red_flags\":{\"q1\":[" FLAG("0", "[\"index\"]") "]}}";
    assert_int_equal(ai_bank_parse_red_flags(b, good, strlen(good), err, sizeof(err)), IA_OK);
    assert_int_equal(ai_bank_find(b, "q1")->question.nred_flags, 1);
    assert_int_equal(ai_bank_parse_red_flags(b, good, strlen(good), err, sizeof(err)),
                     IA_ERR_INVALID);
    assert_non_null(strstr(err, "already"));
    ai_bank_free(b);
}

static void test_bank_refuses_malformed_red_flags(void **state)
{
    (void)state;
    flags_refused("nope", "red flags");
    flags_refused("{\"version\":2,\"red_flags\":{}}", "version");
    flags_refused("{\"version\":1,\"red_flags\":{\"nope\":[" FLAG("0", "[\"index\"]") "]}}",
                  "no question or project template has the id \"nope\"");
    flags_refused("{\"version\":1,\"red_flags\":{\"q1\":[" FLAG("2", "[\"index\"]") "]}}",
                  "q1 flag 0: point 2 is not -1 or a key point index (0-1)");
    flags_refused("{\"version\":1,\"red_flags\":{\"q1\":[" FLAG("-2", "[\"index\"]") "]}}",
                  "point -2");
    flags_refused("{\"version\":1,\"red_flags\":{\"q1\":[" FLAG("0", "[]") "]}}",
                  "q1 flag 0 needs 1-8 non-empty patterns");
    flags_refused("{\"version\":1,\"red_flags\":{\"q1\":[" FLAG("0", "[\"\"]") "]}}",
                  "non-empty patterns");
    flags_refused("{\"version\":1,\"red_flags\":{\"q1\":[" FLAG("0", "[\"a||b\"]") "]}}",
                  "q1 flag 0: pattern \"a||b\": an empty alternative");
    flags_refused(
        "{\"version\":1,\"red_flags\":{\"q1\":[{\"claim\":\"c\",\"point\":0,"
        "\"patterns\":[\"index\"]}]}}",
        "needs a claim, a correct and a point");
    flags_refused("{\"version\":1,\"red_flags\":{\"q1\":[]}}", "1-8 flags");
    /* references to shared flags */
    flags_refused("{\"version\":1,\"shared\":{\"s\":" SHARED("[\"index\"]") "},"
                  "\"red_flags\":{\"q1\":[{\"use\":\"nope\",\"point\":0}]}}",
                  "q1 flag 0 uses \"nope\", which is not a shared flag");
    flags_refused("{\"version\":1,\"red_flags\":{\"q1\":[{\"use\":\"s\",\"point\":0}]}}",
                  "q1 flag 0 uses \"s\", which is not a shared flag");
    flags_refused("{\"version\":1,\"shared\":{\"s\":" SHARED("[\"index\"]") "},"
                  "\"red_flags\":{\"q1\":[{\"use\":\"s\",\"point\":2}]}}",
                  "q1 flag 0: point 2 is not -1 or a key point index (0-1)");
    flags_refused("{\"version\":1,\"shared\":{\"s\":" SHARED("[\"index\"]") "},"
                  "\"red_flags\":{\"q1\":[{\"use\":\"s\"}]}}",
                  "q1 flag 0: a reference to a shared flag has a \"use\" string and a \"point\"");
    flags_refused("{\"version\":1,\"shared\":{\"s\":" SHARED("[\"index\"]") "},"
                  "\"red_flags\":{\"q1\":[{\"use\":\"s\",\"point\":0,\"claim\":\"c\"}]}}",
                  "nothing else");
    flags_refused("{\"version\":1,\"shared\":{\"s\":" SHARED("[\"index\"]") "},"
                  "\"red_flags\":{\"q1\":[{\"use\":\"s\",\"point\":0},"
                  "{\"use\":\"s\",\"point\":1}]}}",
                  "q1 uses the shared flag \"s\" twice");
    flags_refused("{\"version\":1,\"shared\":{\"s\":" SHARED("[\"index\"]") ",\"t\":" SHARED(
                      "[\"index\"]") "},\"red_flags\":{\"q1\":[{\"use\":\"s\",\"point\":0}]}}",
                  "no question uses the shared flag \"t\"");
    flags_refused("{\"version\":1,\"shared\":{\"s\":" FLAG("0", "[\"index\"]") "},"
                  "\"red_flags\":{\"q1\":[{\"use\":\"s\",\"point\":0}]}}",
                  "shared flag \"s\": a shared flag needs an id and has no point");
    flags_refused("{\"version\":1,\"shared\":{\"s\":" SHARED("[\"a||b\"]") "},"
                  "\"red_flags\":{\"q1\":[{\"use\":\"s\",\"point\":0}]}}",
                  "shared flag \"s\": pattern \"a||b\": an empty alternative");
    flags_refused(
        "{\"version\":1,\"shared\":{\"s\":{\"claim\":\"c\",\"patterns\":[\"x\"]}},"
        "\"red_flags\":{\"q1\":[{\"use\":\"s\",\"point\":0}]}}",
        "shared flag \"s\" needs a claim, a correct");
    flags_refused(
        "{\"version\":1,\"shared\":[],\"red_flags\":{\"q1\":[" FLAG("0", "[\"index\"]") "]}}",
        "\"shared\" must be an object");
    flags_refused("{\"version\":1,\"red_flags\":{\"q1\":[" FLAG(
                      "0", "[\"index\"]") "],\"q1\":[" FLAG("0", "[\"index\"]") "]}}",
                  "duplicate");
}

static void test_bank_attaches_red_flags_and_falls_back_by_bank_id(void **state)
{
    (void)state;
    ai_bank *b = small_bank();
    const char *doc = "{\"version\":1,\"red_flags\":{\"q1\":[" FLAG(
        "1", "[\"index speed every query\",\"index always faster\"]") "," FLAG("-1",
                                                                               "[\"NOT need "
                                                                               "index\"]") "]}}";
    char err[256] = "";
    assert_int_equal(ai_bank_parse_red_flags(b, doc, strlen(doc), err, sizeof(err)), IA_OK);
    const ai_question *q = &ai_bank_find(b, "q1")->question;
    assert_int_equal(q->nred_flags, 2);
    assert_int_equal(q->red_flags[0].point, 1);
    assert_int_equal(q->red_flags[0].patterns.n, 2);
    assert_int_equal(q->red_flags[1].point, -1);

    /* a stored question without flags gets the bank's by its bank_id */
    ai_question stored = { .text = "How do indexes help?", .bank_id = "q1" };
    const ai_red_flag *flags = NULL;
    size_t n = 0;
    ai_bank_red_flags(b, &stored, &flags, &n);
    assert_int_equal(n, 2);
    assert_ptr_equal(flags, q->red_flags);
    stored.bank_id = "gone";
    ai_bank_red_flags(b, &stored, &flags, &n);
    assert_int_equal(n, 0);

    /* the check reports each flag once, with the sentence that makes the claim */
    ai_text t;
    assert_int_equal(ai_text_tokenize(A, LX,
                                      "Indexes are great. An index is always faster. You don't "
                                      "need an index on small tables.",
                                      &t),
                     IA_OK);
    ai_redflag_hit hits[4];
    size_t nhits = 0;
    assert_int_equal(ai_redflag_check(A, LX, q, &t, hits, 4, &nhits), IA_OK);
    assert_int_equal(nhits, 2);
    assert_int_equal(hits[0].index, 0);
    assert_int_equal(hits[0].sentence, 1);
    assert_string_equal(ai_redflag_quote(A, &t, hits[0].sentence, 200),
                        "An index is always faster");
    assert_int_equal(hits[1].index, 1);
    assert_int_equal(hits[1].sentence, 2);
    assert_int_equal(ai_redflag_check(A, LX, q, &t, hits, 1, &nhits), IA_OK);
    assert_int_equal(nhits, 1);
    ai_bank_free(b);
}

#define BANK2                                                                                      \
    "{\"questions\":[{\"id\":\"b1\",\"category\":\"behavioral\",\"difficulty\":\"easy\","          \
    "\"text\":\"Tell me about a conflict.\",\"model_answer\":\"m\",\"roles\":[],\"skills\":[],"    \
    "\"key_points\":[{\"point\":\"p0\",\"terms\":[\"t\"]},{\"point\":\"p1\",\"terms\":[\"u\"]}]}," \
    "{\"id\":\"b2\",\"category\":\"behavioral\",\"difficulty\":\"easy\","                          \
    "\"text\":\"Tell me about a mistake.\",\"model_answer\":\"m\",\"roles\":[],\"skills\":[],"     \
    "\"key_points\":[{\"point\":\"p0\",\"terms\":[\"t\"]}]}],\"project_templates\":[]}"

/* A shared flag is written once and used by several questions, each with its own point, in the
 * place of the list where the reference stands. */
static void test_questions_use_a_shared_flag_with_their_own_point(void **state)
{
    (void)state;
    char err[256] = "";
    ai_bank *b = NULL;
    assert_int_equal(ai_bank_parse(BANK2, strlen(BANK2), &b, err, sizeof(err)), IA_OK);
    const char *doc =
        "{\"version\":1,\"shared\":{\"blame\":{\"claim\":\"Blaming others\",\"correct\":\"Own "
        "it\",\"patterns\":[\"blame* colleague*\"],\"examples\":[\"x\"],\"safe\":[\"y\"]}},"
        "\"red_flags\":{\"b1\":[" FLAG("0", "[\"index\"]") ",{\"use\":\"blame\",\"point\":1}],"
        "\"b2\":[{\"use\":\"blame\",\"point\":-1}]}}";
    if (ai_bank_parse_red_flags(b, doc, strlen(doc), err, sizeof(err)) != IA_OK)
        fail_msg("%s", err);
    const ai_question *q1 = &ai_bank_find(b, "b1")->question;
    const ai_question *q2 = &ai_bank_find(b, "b2")->question;
    assert_int_equal(q1->nred_flags, 2);
    assert_string_equal(q1->red_flags[0].claim, "c");
    assert_string_equal(q1->red_flags[1].claim, "Blaming others");
    assert_string_equal(q1->red_flags[1].correct, "Own it");
    assert_int_equal(q1->red_flags[1].point, 1);
    assert_int_equal(q2->nred_flags, 1);
    assert_ptr_equal(q2->red_flags[0].claim, q1->red_flags[1].claim);
    assert_int_equal(q2->red_flags[0].point, -1);
    assert_int_equal(q2->red_flags[0].patterns.n, 1);
    ai_text t;
    assert_int_equal(ai_text_tokenize(A, LX, "Honestly, I blamed my colleague for it.", &t), IA_OK);
    ai_redflag_hit hits[2];
    size_t nhits = 0;
    assert_int_equal(ai_redflag_check(A, LX, q2, &t, hits, 2, &nhits), IA_OK);
    assert_int_equal(nhits, 1);
    assert_int_equal(ai_redflag_check(A, LX, q1, &t, hits, 2, &nhits), IA_OK);
    assert_int_equal(nhits, 1);
    assert_int_equal(hits[0].index, 1);
    ai_bank_free(b);
}

/* Runs a list of sentences of one flag through its compiled patterns; counts failures. */
static size_t check_sentences(const char *id, size_t k, const ai_redflag_compiled *c,
                              const json_t *list, bool want, size_t *count)
{
    size_t bad = 0;
    for (size_t i = 0; i < json_array_size(list); i++) {
        const char *s = json_string_value(json_array_get(list, i));
        assert_non_null(s);
        ai_text t;
        assert_int_equal(ai_text_tokenize(A, LX, s, &t), IA_OK);
        (*count)++;
        if (ai_redflag_find(&t, c, NULL) != want) {
            print_error("%s flag %zu: %s \"%s\"\n", id, k, want ? "does not fire on" : "fires on",
                        s);
            bad++;
        }
    }
    return bad;
}

static const embedded_file *shipped_flags(void)
{
    for (size_t i = 0; i < engine_files_count; i++)
        if (strcmp(engine_files[i].path, "data/red_flags.json") == 0)
            return &engine_files[i];
    fail_msg("the binary carries no data/red_flags.json");
    return NULL;
}

static void test_every_shipped_example_fires_and_every_safe_sentence_does_not(void **state)
{
    (void)state;
    const embedded_file *f = shipped_flags();
    json_error_t jerr;
    json_t *doc = json_loadb(f->data, f->len, 0, &jerr);
    assert_non_null(doc);
    char err[256] = "";
    ai_bank *b = NULL;
    if (ai_bank_builtin(&b, err, sizeof(err)) != IA_OK)
        fail_msg("%s", err);
    size_t questions = 0, flags = 0, references = 0, patterns = 0, examples = 0, safe = 0, bad = 0;
    const char *id;
    json_t *list;
    json_object_foreach(json_object_get(doc, "red_flags"), id, list)
    {
        const ai_question *q = &ai_bank_find(b, id)->question;
        assert_int_equal(q->nred_flags, json_array_size(list));
        questions++;
        for (size_t k = 0; k < q->nred_flags; k++) {
            /* a reference to a shared flag is checked with the shared flag's sentences, against
             * this question's model answer */
            json_t *flag = json_array_get(list, k), *use = json_object_get(flag, "use");
            if (use != NULL) {
                flag = json_object_get(json_object_get(doc, "shared"), json_string_value(use));
                assert_non_null(flag);
                references++;
            }
            json_t *ex = json_object_get(flag, "examples"), *ok = json_object_get(flag, "safe");
            if (json_array_size(ex) < 2 || json_array_size(ok) < 1) {
                print_error("%s flag %zu: needs 2 examples and 1 safe sentence\n", id, k);
                bad++;
            }
            ai_redflag_compiled c;
            assert_int_equal(
                ai_redflag_compile(A, LX, &q->red_flags[k].patterns, &c, err, sizeof(err)), IA_OK);
            flags++;
            patterns += c.n;
            bad += check_sentences(id, k, &c, ex, true, &examples);
            bad += check_sentences(id, k, &c, ok, false, &safe);
            /* the question's own model answer is right, so none of its flags fires on it */
            ai_text model;
            size_t sentence;
            assert_int_equal(ai_text_tokenize(A, LX, q->model_answer, &model), IA_OK);
            for (size_t i = 0; i < c.n; i++)
                if (ai_redflag_pattern_find(&model, &c.v[i], &sentence)) {
                    print_error("%s flag %zu: \"%s\" fires on the model answer: \"%s\"\n", id, k,
                                c.v[i].text, ai_redflag_quote(A, &model, sentence, 300));
                    bad++;
                }
        }
    }
    print_message(
        "red flags: %zu questions, %zu flags (%zu of them references to %zu shared), "
        "%zu patterns, %zu examples, %zu safe\n",
        questions, flags, references, json_object_size(json_object_get(doc, "shared")), patterns,
        examples, safe);
    assert_int_equal(bad, 0);
    assert_true(questions >= 300);
    json_decref(doc);
    ai_bank_free(b);
}

/* The good answers of the evaluator's tuning set (tests/fixtures/answers.json) are correct, so
 * none of their question's red flags fires on them. */
/* Checks one honest answer against its question's flags; returns how many fired. */
static size_t fires_on(const ai_bank *b, const char *id, const char *answer, const char *label)
{
    const ai_bank_item *q = id ? ai_bank_find(b, id) : NULL;
    if (q == NULL || answer == NULL)
        fail_msg("unknown question %s", id ? id : "(none)");
    ai_text t;
    assert_int_equal(ai_text_tokenize(A, LX, answer, &t), IA_OK);
    ai_redflag_hit hits[AI_RED_FLAGS_MAX];
    size_t n = 0;
    assert_int_equal(ai_redflag_check(A, LX, &q->question, &t, hits, AI_RED_FLAGS_MAX, &n), IA_OK);
    for (size_t h = 0; h < n; h++)
        print_error("%s flag %zu fires on a %s answer: \"%s\"\n", id, hits[h].index, label,
                    ai_redflag_quote(A, &t, hits[h].sentence, 300));
    return n;
}

static json_t *load_fixture(const char *name)
{
    char path[1024];
    const char *root = getenv("IA_SOURCE_ROOT");
    snprintf(path, sizeof(path), "%s/tests/fixtures/%s", root ? root : ".", name);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (doc == NULL)
        fail_msg("%s: %s", path, jerr.text);
    return doc;
}

/* No flag fires on an honest answer of the tuning sets: the good answers of answers.json, and
 * the good, plainly worded good and fair answers of adversarial.json (a fair answer is thin,
 * not wrong). */
static void test_no_flag_fires_on_an_honest_tuning_answer(void **state)
{
    (void)state;
    char err[256] = "";
    ai_bank *b = NULL;
    if (ai_bank_builtin(&b, err, sizeof(err)) != IA_OK)
        fail_msg("%s", err);
    size_t checked = 0, bad = 0;
    json_t *doc = load_fixture("answers.json"), *item, *q, *ans;
    size_t i, k;
    json_array_foreach(json_object_get(doc, "answers"), i, item)
    {
        const char *label = json_string_value(json_object_get(item, "label"));
        if (label == NULL || strcmp(label, "good") != 0)
            continue;
        bad += fires_on(b, json_string_value(json_object_get(item, "question_id")),
                        json_string_value(json_object_get(item, "answer")), label);
        checked++;
    }
    json_decref(doc);
    doc = load_fixture("adversarial.json");
    json_array_foreach(json_object_get(doc, "questions"), i, q)
    {
        json_array_foreach(json_object_get(q, "answers"), k, ans)
        {
            const char *kind = json_string_value(json_object_get(ans, "kind"));
            if (kind == NULL || (strcmp(kind, "good") != 0 && strcmp(kind, "good_plain") != 0 &&
                                 strcmp(kind, "fair") != 0))
                continue;
            bad += fires_on(b, json_string_value(json_object_get(q, "question_id")),
                            json_string_value(json_object_get(ans, "answer")), kind);
            checked++;
        }
    }
    json_decref(doc);
    assert_true(checked >= 80);
    assert_int_equal(bad, 0);
    ai_bank_free(b);
}

/* No flag fires on a model answer written for a role family (data/model_answers/<family>.json,
 * built into the binary; docs/design.md "AI"): each is a correct answer to the question it is
 * keyed by, shown to candidates of that family in place of the bank's own. */
static void test_no_flag_fires_on_a_family_model_answer(void **state)
{
    (void)state;
    static const char dir[] = "data/model_answers/";
    char err[256] = "";
    ai_bank *b = NULL;
    if (ai_bank_builtin(&b, err, sizeof(err)) != IA_OK)
        fail_msg("%s", err);
    size_t files = 0, checked = 0, bad = 0;
    for (size_t i = 0; i < engine_files_count; i++) {
        const embedded_file *f = &engine_files[i];
        if (strncmp(f->path, dir, sizeof(dir) - 1) != 0)
            continue;
        json_error_t jerr;
        json_t *doc = json_loadb(f->data, f->len, 0, &jerr);
        if (doc == NULL)
            fail_msg("%s: %s", f->path, jerr.text);
        const char *id;
        json_t *text;
        json_object_foreach(json_object_get(doc, "answers"), id, text)
        {
            bad += fires_on(b, id, json_string_value(text), f->path);
            checked++;
        }
        json_decref(doc);
        files++;
    }
    print_message("family model answers: %zu files, %zu answers checked\n", files, checked);
    assert_true(files >= 8);
    assert_true(checked >= 100);
    assert_int_equal(bad, 0);
    ai_bank_free(b);
}

/* Generated questions carry the red flags of the bank questions they come from, as copies. */
static void test_generated_questions_inherit_red_flags(void **state)
{
    (void)state;
    char err[256] = "";
    ai_offline *e = NULL;
    if (ai_offline_create(&e, err, sizeof(err)) != IA_OK)
        fail_msg("%s", err);
    const ai_bank *b = ai_offline_bank(e);
    size_t with_flags = 0;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        static const char *focus[] = { "System design", "Technical" };
        ai_generate_request r = { .count = 30,
                                  .difficulty = "mixed",
                                  .seed = seed,
                                  .target_role = seed % 2 ? "backend engineer" : "registered nurse",
                                  .focus_areas = { focus, seed % 2 ? 2 : 1 } };
        ai_questions qs = { 0 };
        assert_int_equal(ai_offline_generate(e, A, &r, &qs), IA_OK);
        for (size_t i = 0; i < qs.n; i++) {
            const ai_question *q = &qs.v[i], *src = &ai_bank_find(b, q->bank_id)->question;
            assert_int_equal(q->nred_flags, src->nred_flags);
            with_flags += q->nred_flags > 0;
            for (size_t k = 0; k < q->nred_flags; k++) {
                assert_ptr_not_equal(q->red_flags[k].claim, src->red_flags[k].claim);
                assert_string_equal(q->red_flags[k].claim, src->red_flags[k].claim);
                assert_string_equal(q->red_flags[k].correct, src->red_flags[k].correct);
                assert_int_equal(q->red_flags[k].point, src->red_flags[k].point);
                assert_int_equal(q->red_flags[k].patterns.n, src->red_flags[k].patterns.n);
            }
        }
    }
    assert_true(with_flags > 0);
    ai_offline_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_match_by_stem_in_any_order_within_one_sentence),
        cmocka_unit_test(test_order_and_segments),
        cmocka_unit_test(test_alternatives_and_prefixes),
        cmocka_unit_test(test_negation_keeps_a_correct_sentence_from_firing),
        cmocka_unit_test(test_not_requires_a_negation_in_scope),
        cmocka_unit_test(test_a_practice_called_unneeded_is_dismissed),
        cmocka_unit_test(test_malformed_patterns_are_refused),
        cmocka_unit_test(test_bank_refuses_malformed_red_flags),
        cmocka_unit_test(test_bank_attaches_red_flags_and_falls_back_by_bank_id),
        cmocka_unit_test(test_questions_use_a_shared_flag_with_their_own_point),
        cmocka_unit_test(test_every_shipped_example_fires_and_every_safe_sentence_does_not),
        cmocka_unit_test(test_no_flag_fires_on_an_honest_tuning_answer),
        cmocka_unit_test(test_no_flag_fires_on_a_family_model_answer),
        cmocka_unit_test(test_generated_questions_inherit_red_flags),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
