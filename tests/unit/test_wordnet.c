/* The offline engine's WordNet reader (src/ai/wordnet.c) and its use by the lexicon: the line
 * parsers, synonyms credited to key-point terms ("reduce" matches "cut"), the deny-list,
 * irregular forms ("ran" is "run"), a missing directory, which leaves the built-in table, and
 * the one lexicon serving several threads at once.
 * Reads the WordNet files installed by scripts/install-deps.sh (Debian wordnet-base). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ai/textutil.h"
#include "ai/wordnet.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/util.h"

/* Stands in for the question bank's key points. */
static const char *const texts[] = {
    "Reduce the cost", "customer",        "Explain the error", "go",
    "run the tests",   "purchase orders", "assess the risk",   "Stay calm",
};

typedef struct {
    arena *a;
    const ai_text_lexicon *lx;
    ai_text_lexicon_info info;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    if (f == NULL || (f->a = arena_create(64u * 1024u * 1024u)) == NULL)
        return -1;
    if (ai_text_lexicon_load(f->a, AI_WORDNET_DIR_DEFAULT, texts, COUNT(texts), &f->lx, &f->info) !=
        IA_OK)
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

static bool matches(fixture *f, const ai_text_lexicon *lx, const char *term, const char *text)
{
    ai_text t;
    assert_int_equal(ai_text_tokenize(f->a, lx, text, &t), IA_OK);
    return ai_text_contains(f->a, lx, &t, term);
}

static void test_index_data_and_exception_lines_parse(void **state)
{
    (void)state;
    static const char index[] = "customer n 1 3 @ ~ #m 1 1 09984659  ";
    ai_wordnet_index_line il;
    assert_int_equal(ai_wordnet_parse_index(index, strlen(index), &il), IA_OK);
    assert_string_equal(il.lemma, "customer");
    assert_int_equal(il.noffsets, 1);
    assert_int_equal(il.offsets[0], 9984659);
    assert_int_equal(il.tagged, 1);
    static const char data[] =
        "09984659 18 n 02 customer 0 client 1 012 @ 09612848 n 0000 | "
        "someone who pays for goods or services";
    ai_wordnet_synset ss;
    assert_int_equal(ai_wordnet_parse_data(data, strlen(data), 9984659, &ss), IA_OK);
    assert_int_equal(ss.n, 2);
    assert_string_equal(ss.words[1], "client");
    assert_int_equal(ss.lex_ids[1], 1);
    assert_int_equal(ss.lex_file, 18);
    assert_int_equal(ss.type, 'n');
    assert_int_equal(ai_wordnet_parse_data(data, strlen(data), 42, &ss), IA_ERR_INVALID);
    static const char adj[] = "00001740 00 a 02 able(a) 0 galore(ip) 0 000 | x";
    assert_int_equal(ai_wordnet_parse_data(adj, strlen(adj), -1, &ss), IA_OK);
    assert_string_equal(ss.words[0], "able");
    assert_string_equal(ss.words[1], "galore");
    ai_wordnet_exc_line el;
    assert_int_equal(ai_wordnet_parse_exc("axes ax axis", 12, &el), IA_OK);
    assert_string_equal(el.form, "axes");
    assert_int_equal(el.nbases, 2);
    assert_string_equal(el.bases[1], "axis");
    /* The license header, truncated and empty lines are not lines of the format. */
    assert_int_equal(ai_wordnet_parse_index("  1 This software", 17, &il), IA_ERR_INVALID);
    assert_int_equal(ai_wordnet_parse_index("reduce v 20 7 !", 15, &il), IA_ERR_INVALID);
    assert_int_equal(ai_wordnet_parse_data("0042", 4, -1, &ss), IA_ERR_INVALID);
    assert_int_equal(ai_wordnet_parse_exc("ran", 3, &el), IA_ERR_INVALID);
    assert_int_equal(ai_wordnet_parse_exc("", 0, &el), IA_ERR_INVALID);
}

static void test_synonyms_of_key_point_words_are_credited(void **state)
{
    fixture *f = *state;
    assert_true(f->info.wordnet);
    assert_true(f->info.synonyms > 0);
    assert_true(matches(f, f->lx, "reduce", "We cut the cost by a third."));
    assert_true(matches(f, f->lx, "reduce cost", "We trimmed costs last year."));
    assert_true(matches(f, f->lx, "reduce", "We lowered it and decreased waste."));
    assert_true(matches(f, f->lx, "purchase", "We buy in bulk."));
    assert_true(matches(f, f->lx, "assess", "We evaluated every risk."));
    /* The built-in table still holds domain synonyms WordNet lacks. */
    assert_true(matches(f, f->lx, "customer", "The client called twice."));
    assert_true(matches(f, f->lx, "error", "It was my mistake."));
    assert_true(matches(f, f->lx, "database", "The db was slow."));
    /* Synonyms are of the term's words, not of anything: no credit without them. */
    assert_false(matches(f, f->lx, "reduce", "We grew the team."));
    /* Without the lexicon there are no WordNet synonyms. */
    assert_false(matches(f, NULL, "reduce", "We cut the cost by a third."));
}

static void test_the_deny_list_keeps_nonsense_out(void **state)
{
    fixture *f = *state;
    assert_true(ai_wordnet_denied("run", "tally"));
    assert_true(ai_wordnet_denied("anything", "make"));
    assert_true(ai_wordnet_denied("server", "waiter"));
    assert_false(ai_wordnet_denied("reduce", "cut"));
    /* "test" is "try" in WordNet's sense 1; the deny-list keeps "tried" from testing. */
    assert_false(matches(f, f->lx, "test", "I tried hard."));
    assert_false(matches(f, f->lx, "run", "We kept a tally."));
}

static void test_irregular_forms_match_their_base(void **state)
{
    fixture *f = *state;
    assert_true(f->info.forms > 0);
    assert_true(matches(f, f->lx, "run the tests", "I ran the tests myself."));
    assert_true(matches(f, f->lx, "go", "Then it went live."));
    ai_text t, base;
    assert_int_equal(ai_text_tokenize(f->a, f->lx, "ran", &t), IA_OK);
    assert_int_equal(ai_text_tokenize(f->a, f->lx, "run", &base), IA_OK);
    assert_string_equal(t.v[0].stem, base.v[0].stem);
    /* "found" is a verb of its own ("to found a company"), so it is not taken for "find". */
    assert_int_equal(ai_text_tokenize(f->a, f->lx, "found", &t), IA_OK);
    assert_string_equal(t.v[0].stem, "found");
}

static void test_a_missing_directory_leaves_the_built_in_table(void **state)
{
    fixture *f = *state;
    const ai_text_lexicon *lx = NULL;
    ai_text_lexicon_info info;
    assert_int_equal(
        ai_text_lexicon_load(f->a, "/nonexistent/wordnet", texts, COUNT(texts), &lx, &info), IA_OK);
    assert_non_null(lx);
    assert_false(info.wordnet);
    assert_false(matches(f, lx, "reduce", "We cut the cost by a third."));
    assert_true(matches(f, lx, "customer", "The client called twice."));
    assert_true(matches(f, lx, "reduce", "We decreased the cost."));
    ai_wordnet wn;
    char err[256] = "";
    const char *vocab[] = { "reduce" };
    assert_int_equal(ai_wordnet_load(f->a, "/nonexistent/wordnet", vocab, 1, &wn, err, sizeof(err)),
                     IA_ERR_IO);
    assert_non_null(strstr(err, "/nonexistent/wordnet"));
}

/* One thread's share of the concurrent test: tokenising and matching with the shared lexicon
 * (each call makes its own stemmer), counting the results that differ from the expected. */
static void *match_many(void *arg)
{
    const ai_text_lexicon *lx = arg;
    arena *a = arena_create(8u * 1024u * 1024u);
    size_t wrong = a == NULL;
    for (int i = 0; a != NULL && i < 200; i++) {
        ai_text t;
        if (ai_text_tokenize(a, lx, "We cut costs, then I ran the tests.", &t) != IA_OK ||
            !ai_text_contains(a, lx, &t, "reduce cost") ||
            !ai_text_contains(a, lx, &t, "run the tests") ||
            ai_text_contains(a, lx, &t, "database"))
            wrong++;
    }
    arena_destroy(a);
    return (void *)(uintptr_t)wrong;
}

static void test_the_shared_lexicon_serves_many_threads(void **state)
{
    fixture *f = *state;
    pthread_t th[4];
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, match_many, (void *)f->lx), 0);
    for (size_t i = 0; i < 4; i++) {
        void *wrong = NULL;
        assert_int_equal(pthread_join(th[i], &wrong), 0);
        assert_int_equal((uintptr_t)wrong, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_data_and_exception_lines_parse),
        cmocka_unit_test(test_synonyms_of_key_point_words_are_credited),
        cmocka_unit_test(test_the_deny_list_keeps_nonsense_out),
        cmocka_unit_test(test_irregular_forms_match_their_base),
        cmocka_unit_test(test_a_missing_directory_leaves_the_built_in_table),
        cmocka_unit_test(test_the_shared_lexicon_serves_many_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
