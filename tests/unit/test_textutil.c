/* The offline engine's text utilities: the stemmer, British spellings, synonyms, phrase
 * matching, figures, filler words and hedging, and tokenising any byte sequence safely. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/textutil.h"
#include "core/arena.h"
#include "core/errors.h"

typedef struct {
    arena *a;
    const ai_text_lexicon *lx;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (f == NULL || (f->a = arena_create(32u * 1024u * 1024u)) == NULL)
        return -1;
    if (ai_text_lexicon_build(f->a, &f->lx) != IA_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    arena_destroy(f->a);
    free(f);
    return 0;
}

static const char *stem(const char *w)
{
    static char out[AI_TEXT_WORD_MAX + 1];
    ai_text_stem(w, out, sizeof(out));
    return out;
}

static const char *spell(const char *w)
{
    static char out[AI_TEXT_WORD_MAX + 1];
    ai_text_spelling(w, out, sizeof(out));
    return out;
}

static ai_text tokens(fixture *f, const char *text)
{
    ai_text t;
    assert_int_equal(ai_text_tokenize(f->a, f->lx, text, &t), IA_OK);
    return t;
}

static void test_stemmer_conflates_inflections(void **state)
{
    (void)state;
    /* The brief's examples: one stem for each family. */
    assert_string_equal(stem("scaled"), "scale");
    assert_string_equal(stem("scaling"), "scale");
    assert_string_equal(stem("scales"), "scale");
    assert_string_equal(stem("scale"), "scale");
    char caching[AI_TEXT_WORD_MAX + 1];
    ai_text_stem("caching", caching, sizeof(caching));
    assert_string_equal(caching, stem("cache"));
    /* The Snowball English stemmer's examples (Porter's, where the two agree). */
    assert_string_equal(stem("caresses"), "caress");
    assert_string_equal(stem("ponies"), "poni");
    assert_string_equal(stem("hopping"), "hop");
    assert_string_equal(stem("relational"), "relat");
    assert_string_equal(stem("generalization"), "general");
    assert_string_equal(stem("generously"), "generous");
    assert_string_equal(stem("knightly"), "knight");
    assert_string_equal(stem("controlling"), "control");
    assert_string_equal(stem("effective"), "effect");
    /* "tie" and "ties" stay together; possessives and short words are kept apart. */
    assert_string_equal(stem("ties"), "tie");
    assert_string_equal(stem("team's"), "team");
    assert_string_equal(stem("go"), "go");
    assert_string_equal(stem("401k"), "401k");
}

static void test_german_words_have_their_snowball_stems(void **state)
{
    (void)state;
    char out[AI_TEXT_WORD_MAX + 1];
    assert_int_equal(ai_text_stem_lang("de", "h\xc3\xa4user", out, sizeof(out)), IA_OK);
    assert_string_equal(out, "haus");
    assert_int_equal(ai_text_stem_lang("german", "entwicklung", out, sizeof(out)), IA_OK);
    assert_string_equal(out, "entwickl");
    assert_int_equal(ai_text_stem_lang("de", "entwickler", out, sizeof(out)), IA_OK);
    assert_string_equal(out, "entwickl");
    assert_int_equal(ai_text_stem_lang("en", "scaling", out, sizeof(out)), IA_OK);
    assert_string_equal(out, "scale");
    assert_int_equal(ai_text_stem_lang("xx", "word", out, sizeof(out)), IA_ERR_INVALID);
    assert_int_equal(ai_text_stem_lang(NULL, "word", out, sizeof(out)), IA_ERR_INVALID);
}

static void test_british_spellings_become_american(void **state)
{
    (void)state;
    assert_string_equal(spell("optimise"), "optimize");
    assert_string_equal(spell("optimisation"), "optimization");
    assert_string_equal(spell("prioritised"), "prioritized");
    assert_string_equal(spell("behaviour"), "behavior");
    assert_string_equal(spell("behavioural"), "behavioral");
    assert_string_equal(spell("colour"), "color");
    assert_string_equal(spell("centre"), "center");
    assert_string_equal(spell("centred"), "centered");
    assert_string_equal(spell("analyse"), "analyze");
    assert_string_equal(spell("modelling"), "modeling");
    assert_string_equal(spell("learnt"), "learned");
    assert_string_equal(spell("paediatric"), "pediatric");
    /* Words that keep -ise in American English too. */
    assert_string_equal(spell("advertise"), "advertise");
    assert_string_equal(spell("compromise"), "compromise");
    assert_string_equal(spell("exercise"), "exercise");
    assert_string_equal(spell("otherwise"), "otherwise");
    assert_string_equal(spell("noise"), "noise");
    assert_string_equal(spell("surprised"), "surprised");
}

static void test_tokens_are_lower_case_with_places_and_flags(void **state)
{
    fixture *f = *state;
    const char *text = "We cut P99 latency by 40% in 3 weeks. Then, um, Redis helped.";
    ai_text t = tokens(f, text);
    assert_int_equal(t.nsentences, 2);
    assert_string_equal(t.v[0].word, "we");
    assert_true(t.v[0].flags & AI_TEXT_SENT_START);
    assert_string_equal(t.v[2].word, "p99");
    assert_true(t.v[2].flags & AI_TEXT_CAPITAL);
    assert_string_equal(t.v[5].word, "40");
    assert_true(t.v[5].flags & AI_TEXT_NUMBER);
    assert_string_equal(t.v[6].word, "percent"); /* "%" */
    assert_memory_equal(text + t.v[3].start, "latency", t.v[3].len);
    assert_int_equal(t.v[9].sentence, 0);
    assert_int_equal(t.v[10].sentence, 1);
    assert_true(t.v[10].flags & AI_TEXT_PAUSE_AFTER); /* "Then," */
    /* Abbreviations and decimals do not end sentences; thousands separators are dropped. */
    t = tokens(f, "We used e.g. Redis 3.5 times and 2,000 rows.");
    assert_int_equal(t.nsentences, 1);
    assert_string_equal(t.v[5].word, "3.5");
    assert_string_equal(t.v[8].word, "2000");
}

static void test_synonyms_share_a_stem(void **state)
{
    fixture *f = *state;
    ai_text t = tokens(f, "The DB and the k8s cluster served each client.");
    ai_text u = tokens(f, "The database and the Kubernetes cluster served each customer.");
    assert_int_equal(t.n, u.n);
    for (size_t i = 0; i < t.n; i++)
        assert_string_equal(t.v[i].stem, u.v[i].stem);
    ai_text verified = tokens(f, "verified"), tests = tokens(f, "tests");
    assert_string_equal(verified.v[0].stem, tests.v[0].stem);
    /* Without the lexicon they stay apart. */
    ai_text plain;
    assert_int_equal(ai_text_tokenize(f->a, NULL, "client", &plain), IA_OK);
    ai_text customer = tokens(f, "customer");
    assert_string_not_equal(plain.v[0].stem, customer.v[0].stem);
}

static void test_phrases_match_stemmed_with_synonym_variants(void **state)
{
    fixture *f = *state;
    ai_text t = tokens(f,
                       "We reduced the response times of the API after caching the "
                       "prioritised queries; I was responsible for the rollout.");
    /* A multi-word synonym: "latency" ~ "response time". */
    ai_text_term term;
    assert_int_equal(ai_text_term_compile(f->a, f->lx, "latency", &term), IA_OK);
    assert_true(term.nvariants >= 2);
    size_t len = 0;
    assert_int_equal(ai_text_find(&t, &term, 0, &len), 3);
    assert_int_equal(len, 2);
    assert_true(ai_text_contains(f->a, f->lx, &t, "cache"));
    assert_true(ai_text_contains(f->a, f->lx, &t, "prioritize query"));
    assert_true(ai_text_contains(f->a, f->lx, &t, "responsib")); /* a truncated term */
    assert_true(ai_text_contains(f->a, f->lx, &t, "reduce"));
    /* Order matters, and a short word does not match the words it begins. */
    assert_false(ai_text_contains(f->a, f->lx, &t, "queries prioritised"));
    assert_false(ai_text_contains(f->a, f->lx, &t, "cach response"));
    ai_text memory = tokens(f, "the eventual memory");
    assert_false(ai_text_contains(f->a, f->lx, &memory, "memo"));
    assert_false(ai_text_contains(f->a, f->lx, &memory, "event"));
    ai_text_term none;
    assert_int_equal(ai_text_term_compile(f->a, f->lx, " -- ", &none), IA_ERR_INVALID);
}

static void test_figures_percentages_durations_and_money(void **state)
{
    fixture *f = *state;
    ai_text_counts c;
    ai_text t = tokens(f,
                       "It took three weeks, cut latency 40% to 120ms and saved $40k "
                       "or 2 million dollars a year.");
    ai_text_count(&t, &c);
    assert_int_equal(c.numbers, 6); /* three, 40, 120ms, 40k, 2, million */
    assert_int_equal(c.percentages, 1);
    assert_int_equal(c.durations, 2); /* three weeks, 120ms */
    assert_int_equal(c.money, 2);     /* $40k, million dollars */
    assert_int_equal(c.sentences, 1);
    t = tokens(f, "One of them was fine.");
    ai_text_count(&t, &c);
    assert_int_equal(c.numbers, 0); /* "one" is a pronoun here */
}

static void test_fillers_and_hedges_are_counted(void **state)
{
    fixture *f = *state;
    ai_text t = tokens(f,
                       "Um, so basically it was, like, slow, you know. I think we sort "
                       "of fixed it, maybe. I'd like a cache like Redis; that kind of "
                       "problem is common.");
    ai_text_hit h[8];
    size_t total = 0, n = ai_text_fillers(&t, h, 8, &total);
    assert_int_equal(total, 4); /* um, basically, like (as a pause), you know */
    assert_int_equal(n, 4);
    assert_string_equal(h[0].cue, "um");
    assert_int_equal(h[0].first, 0);
    ai_text_counts c;
    ai_text_count(&t, &c);
    assert_int_equal(c.fillers, 4);
    assert_int_equal(c.hedges, 3); /* I think, sort of, maybe; not "that kind of problem" */
    n = ai_text_hedges(&t, h, 1, &total);
    assert_int_equal(n, 1);
    assert_string_equal(h[0].cue, "i think"); /* the first one used */
    /* Any cue list, with '*' prefixes. */
    static const char *const cues[] = { "fix*", "cache", "no such phrase" };
    n = ai_text_cues(&t, cues, 3, h, 8, &total);
    assert_int_equal(n, 2);
    assert_int_equal(total, 2);
}

static void test_any_bytes_are_tokenised_safely(void **state)
{
    fixture *f = *state;
    /* Invalid UTF-8, truncated sequences, emoji, combining marks and control bytes. */
    const char bad[] =
        "\xff\xfe caf\xc3\xa9 \xc3\x28 na\xc3\xafve \xe2\x82 \xf0\x9f\x98\x80 "
        "\x01\x7f x\xcc\x81 \xe2\x80\x9cquoted\xe2\x80\x9d \xf0\x9f";
    ai_text t = tokens(f, bad);
    bool cafe = false, quoted = false;
    for (size_t i = 0; i < t.n; i++) {
        cafe = cafe || strcmp(t.v[i].word, "caf\xc3\xa9") == 0;
        quoted = quoted || strcmp(t.v[i].word, "quoted") == 0;
        assert_true(t.v[i].start + t.v[i].len <= sizeof(bad) - 1);
    }
    assert_true(cafe);
    assert_true(quoted);
    /* Capitals outside ASCII are lowered; a long word is cut on a character boundary. */
    ai_text ecole = tokens(f,
                           "\xc3\x89"
                           "COLE");
    assert_string_equal(ecole.v[0].word,
                        "\xc3\xa9"
                        "cole");
    char longword[300];
    for (size_t i = 0; i < 299; i += 2)
        memcpy(longword + i, "\xc3\xa9", 2);
    longword[299] = '\0';
    ai_text lw = tokens(f, longword);
    assert_int_equal(lw.n, 1);
    assert_true(strlen(lw.v[0].word) <= AI_TEXT_WORD_MAX);
    assert_int_equal(strlen(lw.v[0].word) % 2, 0);
    /* Empty and blank texts have no tokens. */
    assert_int_equal(tokens(f, "").n, 0);
    assert_int_equal(tokens(f, " \t\n ... !").n, 0);
    /* A quoted span is cut on a character boundary. */
    ai_text q = tokens(f, "na\xc3\xafve   text\nhere");
    assert_string_equal(ai_text_span(f->a, &q, 0, q.n, 64), "na\xc3\xafve text here");
    assert_string_equal(ai_text_span(f->a, &q, 0, q.n, 3), "na");
}

static void test_everyday_wording_matches_key_point_terms(void **state)
{
    fixture *f = *state;
    ai_text t = tokens(f,
                       "I gave regular paracetamol, kept the Narcan close, watched for drowsiness, "
                       "counted breaths per minute and checked again half an hour later.");
    assert_true(ai_text_contains(f->a, f->lx, &t, "acetaminophen"));
    assert_true(ai_text_contains(f->a, f->lx, &t, "naloxone"));
    assert_true(ai_text_contains(f->a, f->lx, &t, "sedation"));
    assert_true(ai_text_contains(f->a, f->lx, &t, "respiratory"));
    assert_true(ai_text_contains(f->a, f->lx, &t, "30 minutes"));
    ai_text fin =
        tokens(f, "Net profit rose while the cost of sales fell; capital spending was flat.");
    assert_true(ai_text_contains(f->a, f->lx, &fin, "net income"));
    assert_true(ai_text_contains(f->a, f->lx, &fin, "cogs"));
    assert_true(ai_text_contains(f->a, f->lx, &fin, "capex"));
    /* A group joins one meaning only: an ordinary "sat" is not oxygen saturation. */
    ai_text sat = tokens(f, "She sat with the patient and checked the oxygen level.");
    assert_true(ai_text_contains(f->a, f->lx, &sat, "oxygen saturation"));
    ai_text sat2 = tokens(f, "She sat with the patient.");
    assert_false(ai_text_contains(f->a, f->lx, &sat2, "oxygen saturation"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stemmer_conflates_inflections),
        cmocka_unit_test(test_german_words_have_their_snowball_stems),
        cmocka_unit_test(test_british_spellings_become_american),
        cmocka_unit_test(test_tokens_are_lower_case_with_places_and_flags),
        cmocka_unit_test(test_synonyms_share_a_stem),
        cmocka_unit_test(test_phrases_match_stemmed_with_synonym_variants),
        cmocka_unit_test(test_everyday_wording_matches_key_point_terms),
        cmocka_unit_test(test_figures_percentages_durations_and_money),
        cmocka_unit_test(test_fillers_and_hedges_are_counted),
        cmocka_unit_test(test_any_bytes_are_tokenised_safely),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
