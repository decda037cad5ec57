/* Unit tests for src/core/utf8.c: well-formed sequences of every length and what RFC 3629
 * forbids (stray continuation bytes, truncated sequences, overlong forms, surrogates, code
 * points past U+10FFFF, the bytes C0, C1 and F5-FF), and decoding to and encoding from code
 * points. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/utf8.h"
#include "core/util.h"

static size_t seq(const char *s)
{
    return ia_utf8_sequence((const unsigned char *)s, strlen(s) ? strlen(s) : 1);
}

static void test_well_formed_sequences_have_their_length(void **state)
{
    (void)state;
    assert_int_equal(seq("a"), 1);
    assert_int_equal(seq("\x7f"), 1);
    assert_int_equal(seq("\xc2\x80"), 2);         /* U+0080 */
    assert_int_equal(seq("\xc3\xa9xyz"), 2);      /* é, then more text */
    assert_int_equal(seq("\xe0\xa0\x80"), 3);     /* U+0800 */
    assert_int_equal(seq("\xed\x9f\xbf"), 3);     /* U+D7FF, below the surrogates */
    assert_int_equal(seq("\xee\x80\x80"), 3);     /* U+E000, above them */
    assert_int_equal(seq("\xf0\x90\x80\x80"), 4); /* U+10000 */
    assert_int_equal(seq("\xf4\x8f\xbf\xbf"), 4); /* U+10FFFF */
}

static void test_what_rfc_3629_forbids_is_zero(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\x80",
        "\xbf", /* stray continuation bytes */
        "\xc0\xaf",
        "\xc1\xbf", /* overlong two-byte forms */
        "\xe0\x80\xaf",
        "\xe0\x9f\xbf",     /* overlong three-byte forms */
        "\xf0\x80\x80\xaf", /* overlong four-byte form */
        "\xed\xa0\x80",
        "\xed\xbf\xbf",     /* surrogates */
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "\xf5\x80\x80\x80",
        "\xff", /* bytes that never start a sequence */
        "\xc3",
        "\xc3x",
        "\xe2\x82", /* truncated */
    };
    for (size_t i = 0; i < COUNT(bad); i++)
        if (seq(bad[i]) != 0)
            fail_msg("case %zu: accepted as %zu bytes", i, seq(bad[i]));
}

static void test_a_sequence_longer_than_the_bytes_left_is_zero(void **state)
{
    (void)state;
    const unsigned char euro[] = { 0xe2, 0x82, 0xac };
    assert_int_equal(ia_utf8_sequence(euro, 3), 3);
    assert_int_equal(ia_utf8_sequence(euro, 2), 0);
    assert_int_equal(ia_utf8_sequence(euro, 1), 0);
}

static void test_scrub_replaces_what_is_not_utf8(void **state)
{
    (void)state;
    char ok[] = "caf\xc3\xa9 \xe2\x82\xac";
    assert_int_equal(ia_utf8_scrub(ok), 0);
    assert_string_equal(ok, "caf\xc3\xa9 \xe2\x82\xac");
    /* jansson's message for a body cut inside a character (tests/fuzz/fuzz_validate) */
    char cut[] = "invalid escape near '\"\\u000\xcf'";
    assert_int_equal(ia_utf8_scrub(cut), 1);
    assert_string_equal(cut, "invalid escape near '\"\\u000?'");
    char bad[] = "\xff\xc0\xaf\xed\xa0\x80x";
    assert_int_equal(ia_utf8_scrub(bad), 6);
    assert_string_equal(bad, "??????x");
}

static void test_decode_gives_the_code_point_or_replacement(void **state)
{
    (void)state;
    uint32_t cp = 0;
    const unsigned char a[] = "a", e[] = "\xc3\xa9", euro[] = "\xe2\x82\xac",
                        face[] = "\xf0\x9f\x98\x80", bad[] = "\xed\xa0\x80";
    assert_int_equal(ia_utf8_decode(a, 1, &cp), 1);
    assert_int_equal(cp, 'a');
    assert_int_equal(ia_utf8_decode(e, 2, &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(ia_utf8_decode(euro, 3, &cp), 3);
    assert_int_equal(cp, 0x20AC);
    assert_int_equal(ia_utf8_decode(face, 4, &cp), 4);
    assert_int_equal(cp, 0x1F600);
    assert_int_equal(ia_utf8_decode(euro, 2, &cp), 0); /* truncated */
    assert_int_equal(cp, 0xFFFD);
    assert_int_equal(ia_utf8_decode(bad, 3, &cp), 0); /* a surrogate */
    assert_int_equal(cp, 0xFFFD);
}

static void test_encode_round_trips_and_refuses_non_characters(void **state)
{
    (void)state;
    static const uint32_t cps[] = { 0,      'z',    0x7F,   0x80,    0x7FF,   0x800,   0xE9,
                                    0x20AC, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF };
    for (size_t i = 0; i < COUNT(cps); i++) {
        char buf[4];
        uint32_t back = 0;
        size_t len = ia_utf8_encode(cps[i], buf);
        assert_true(len >= 1 && len <= 4);
        assert_int_equal(ia_utf8_decode((const unsigned char *)buf, len, &back), len);
        assert_int_equal(back, cps[i]);
    }
    char buf[4];
    assert_int_equal(ia_utf8_encode(0xD800, buf), 0);
    assert_int_equal(ia_utf8_encode(0x110000, buf), 0);
}

/* A prefix of n characters never splits one; a shorter string is kept whole. */
static void test_prefix_bytes_counts_whole_characters(void **state)
{
    (void)state;
    assert_int_equal(ia_utf8_prefix_bytes("abc", 2), 2);
    assert_int_equal(ia_utf8_prefix_bytes("abc", 10), 3);
    assert_int_equal(ia_utf8_prefix_bytes("", 3), 0);
    assert_int_equal(ia_utf8_prefix_bytes("\xc3\xa9t\xc3\xa9", 1), 2); /* "été" */
    assert_int_equal(ia_utf8_prefix_bytes("\xc3\xa9t\xc3\xa9", 3), 5);
    assert_int_equal(ia_utf8_prefix_bytes("\xe2\x80\x94x", 1), 3); /* an em dash */
    assert_int_equal(ia_utf8_prefix_bytes("\xf0\x9f\x98\x80"
                                          "ab",
                                          2),
                     5); /* an emoji */
    assert_int_equal(ia_utf8_prefix_bytes("abc", 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_well_formed_sequences_have_their_length),
        cmocka_unit_test(test_what_rfc_3629_forbids_is_zero),
        cmocka_unit_test(test_a_sequence_longer_than_the_bytes_left_is_zero),
        cmocka_unit_test(test_scrub_replaces_what_is_not_utf8),
        cmocka_unit_test(test_decode_gives_the_code_point_or_replacement),
        cmocka_unit_test(test_encode_round_trips_and_refuses_non_characters),
        cmocka_unit_test(test_prefix_bytes_counts_whole_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
