/* Unit tests for src/core/arena.c and src/core/strbuf.c: 16-byte alignment, the maximum an
 * arena may reach, large allocations, the strbuf maximum with its sticky error, and JSON string
 * escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/errors.h"
#include "core/strbuf.h"
#include "core/util.h"

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)

static bool aligned16(const void *p)
{
    return ((uintptr_t)p % 16) == 0;
}

/* ---- arena ---------------------------------------------------------------------------------- */

static void test_arena_pointers_are_16_byte_aligned_and_do_not_overlap(void **state)
{
    (void)state;
    static const size_t sizes[] = { 1,    2,    3,    7,    8,    15,    16,   17,
                                    31,   33,   100,  1000, 2047, 2048,  2049, 5000,
                                    8191, 8192, 8193, 9000, 1,    70000, 3,    24 };
    enum { ROUNDS = 4, N = COUNT(sizes) };
    arena *a = arena_create(4 * MIB);
    assert_non_null(a);
    unsigned char *ptrs[ROUNDS * N];
    size_t lens[ROUNDS * N];
    for (size_t i = 0; i < ROUNDS * N; i++) {
        lens[i] = sizes[i % N];
        ptrs[i] = arena_alloc(a, lens[i]);
        if (ptrs[i] == NULL)
            fail_msg("allocation %zu of %zu bytes failed", i, lens[i]);
        if (!aligned16(ptrs[i]))
            fail_msg("allocation %zu of %zu bytes at %p is not 16-byte aligned", i, lens[i],
                     (void *)ptrs[i]);
        memset(ptrs[i], (int)(i & 0xff), lens[i]);
    }
    /* Every allocation still holds its own pattern: none overlapped a later one. */
    for (size_t i = 0; i < ROUNDS * N; i++)
        for (size_t k = 0; k < lens[i]; k++)
            if (ptrs[i][k] != (unsigned char)(i & 0xff))
                fail_msg("allocation %zu was overwritten at byte %zu", i, k);
    arena_destroy(a);
}

static void test_arena_zero_size_allocation_is_a_distinct_aligned_pointer(void **state)
{
    (void)state;
    arena *a = arena_create(64 * KIB);
    void *p = arena_alloc(a, 0);
    void *q = arena_alloc(a, 0);
    assert_non_null(p);
    assert_non_null(q);
    assert_true(p != q);
    assert_true(aligned16(p) && aligned16(q));
    arena_destroy(a);
}

static void test_arena_refuses_to_pass_its_maximum(void **state)
{
    (void)state;
    const size_t max = 64 * KIB;
    arena *a = arena_create(max);
    assert_non_null(a);
    assert_null(arena_alloc(a, max + 1));
    size_t n = 0;
    unsigned char *first = NULL;
    for (;;) {
        unsigned char *p = arena_alloc(a, 1000);
        if (p == NULL)
            break;
        if (first == NULL)
            first = p;
        memset(p, 0xab, 1000);
        n++;
        if (n > max / 1000)
            fail_msg("%zu allocations of 1000 bytes from an arena of at most %zu", n, max);
    }
    assert_true(n > 0);
    assert_true(arena_used(a) <= max);
    assert_true(arena_used(a) >= n * 1000);
    /* Still refused, and what was handed out is intact. */
    assert_null(arena_alloc(a, 1000));
    assert_int_equal(first[999], 0xab);
    arena_destroy(a);
}

/* An arena whose maximum is below the size of its first block must still refuse to hand out
 * more than its maximum. */
static void test_arena_maximum_below_8_kib_is_enforced(void **state)
{
    (void)state;
    arena *a = arena_create(1024);
    assert_non_null(a);
    void *big = arena_alloc(a, 2048);
    void *big2 = arena_alloc(a, 4000);
    size_t used = arena_used(a);
    arena_destroy(a);
    if (big != NULL || big2 != NULL || used > 1024)
        fail_msg(
            "arena_create(1024) handed out 2048 bytes (%s) and 4000 bytes (%s); "
            "arena_used = %zu",
            big ? "allowed" : "refused", big2 ? "allowed" : "refused", used);
}

static void test_arena_serves_large_allocations(void **state)
{
    (void)state;
    arena *a = arena_create(16 * MIB);
    assert_non_null(a);
    unsigned char *small1 = arena_alloc(a, 10);
    unsigned char *big = arena_alloc(a, 4 * MIB);
    unsigned char *small2 = arena_alloc(a, 10);
    unsigned char *big2 = arena_alloc(a, 9 * MIB);
    assert_non_null(small1);
    assert_non_null(big);
    assert_non_null(small2);
    assert_non_null(big2);
    assert_true(aligned16(big) && aligned16(big2) && aligned16(small2));
    memset(big, 1, 4 * MIB);
    memset(big2, 2, 9 * MIB);
    memset(small1, 3, 10);
    memset(small2, 4, 10);
    assert_int_equal(big[4 * MIB - 1], 1);
    assert_int_equal(big2[0], 2);
    assert_true(arena_used(a) >= 13 * MIB + 20);
    /* 13 MiB handed out; 4 more do not fit in 16. */
    assert_null(arena_alloc(a, 4 * MIB));
    arena_destroy(a);
}

static void test_arena_refuses_impossible_sizes(void **state)
{
    (void)state;
    arena *a = arena_create(64 * KIB);
    assert_null(arena_alloc(a, SIZE_MAX));
    assert_null(arena_alloc(a, SIZE_MAX - 8));
    assert_null(arena_alloc(a, SIZE_MAX / 2));
    assert_null(arena_calloc(a, SIZE_MAX / 2, 4));
    assert_null(arena_memdup(a, "x", SIZE_MAX));
    assert_non_null(arena_alloc(a, 16)); /* still usable */
    arena_destroy(a);
    arena_destroy(NULL);
}

static void test_arena_calloc_and_string_copies(void **state)
{
    (void)state;
    arena *a = arena_create(64 * KIB);
    unsigned char *z = arena_calloc(a, 100, 3);
    assert_non_null(z);
    for (size_t i = 0; i < 300; i++)
        assert_int_equal(z[i], 0);
    assert_string_equal(arena_strdup(a, "hello"), "hello");
    assert_string_equal(arena_strndup(a, "hello", 3), "hel");
    assert_string_equal(arena_strndup(a, "hi", 10), "hi");
    char *m = arena_memdup(a, "a\0b", 3);
    assert_memory_equal(m, "a\0b\0", 4);
    assert_string_equal(arena_printf(a, "%s-%d-%05.1f", "x", 42, 2.5), "x-42-002.5");
    size_t before = arena_used(a);
    assert_non_null(arena_alloc(a, 100));
    assert_true(arena_used(a) >= before + 100);
    arena_destroy(a);
}

/* ---- strbuf --------------------------------------------------------------------------------- */

static void test_strbuf_appends_and_is_empty_string_at_first(void **state)
{
    (void)state;
    arena *a = arena_create(64 * KIB);
    strbuf sb;
    strbuf_init(&sb, a, 1024);
    assert_string_equal(strbuf_str(&sb), "");
    assert_int_equal(strbuf_puts(&sb, "abc"), IA_OK);
    assert_int_equal(strbuf_putc(&sb, '-'), IA_OK);
    assert_int_equal(strbuf_append(&sb, "xyz123", 3), IA_OK);
    assert_int_equal(strbuf_appendf(&sb, "=%d%s", 42, "!"), IA_OK);
    assert_string_equal(strbuf_str(&sb), "abc-xyz=42!");
    assert_int_equal(sb.len, 11);
    assert_int_equal(strbuf_error(&sb), IA_OK);
    arena_destroy(a);
}

static void test_strbuf_fills_exactly_to_its_maximum_then_refuses(void **state)
{
    (void)state;
    arena *a = arena_create(64 * KIB);
    strbuf sb;
    strbuf_init(&sb, a, 10);
    assert_int_equal(strbuf_puts(&sb, "0123456789"), IA_OK);
    assert_int_equal(strbuf_putc(&sb, 'x'), IA_ERR_TOO_LARGE);
    assert_string_equal(strbuf_str(&sb), "0123456789");
    assert_int_equal(sb.len, 10);
    assert_int_equal(strbuf_error(&sb), IA_ERR_TOO_LARGE);
    arena_destroy(a);
}

static void test_strbuf_append_past_maximum_leaves_content_and_error_is_sticky(void **state)
{
    (void)state;
    arena *a = arena_create(64 * KIB);
    strbuf sb;
    strbuf_init(&sb, a, 8);
    assert_int_equal(strbuf_puts(&sb, "abcd"), IA_OK);
    assert_int_equal(strbuf_puts(&sb, "efghi"), IA_ERR_TOO_LARGE);
    assert_string_equal(strbuf_str(&sb), "abcd");
    /* Later appends fail too, even ones that would fit. */
    assert_int_equal(strbuf_puts(&sb, "e"), IA_ERR_TOO_LARGE);
    assert_int_equal(strbuf_putc(&sb, 'e'), IA_ERR_TOO_LARGE);
    assert_int_equal(strbuf_append(&sb, "", 0), IA_ERR_TOO_LARGE);
    assert_int_equal(strbuf_appendf(&sb, "%d", 1), IA_ERR_TOO_LARGE);
    assert_int_equal(strbuf_json_string(&sb, ""), IA_ERR_TOO_LARGE);
    assert_string_equal(strbuf_str(&sb), "abcd");
    assert_int_equal(strbuf_error(&sb), IA_ERR_TOO_LARGE);
    arena_destroy(a);
}

static void test_strbuf_long_formatted_append_respects_the_maximum(void **state)
{
    (void)state;
    char word[1001];
    memset(word, 'w', 1000);
    word[1000] = '\0';
    arena *a = arena_create(64 * KIB);
    strbuf sb;
    strbuf_init(&sb, a, 2500);
    assert_int_equal(strbuf_appendf(&sb, "[%s]", word), IA_OK);
    assert_int_equal(strbuf_appendf(&sb, "[%s]", word), IA_OK);
    assert_int_equal(sb.len, 2004);
    assert_int_equal(strlen(strbuf_str(&sb)), 2004);
    assert_int_equal(strbuf_str(&sb)[1002], '[');
    assert_int_equal(strbuf_appendf(&sb, "[%s]", word), IA_ERR_TOO_LARGE);
    assert_int_equal(sb.len, 2004);
    assert_int_equal(strlen(strbuf_str(&sb)), 2004);
    assert_int_equal(strbuf_error(&sb), IA_ERR_TOO_LARGE);
    arena_destroy(a);
}

static void test_strbuf_grows_one_byte_at_a_time_up_to_the_maximum(void **state)
{
    (void)state;
    arena *a = arena_create(1 * MIB);
    strbuf sb;
    strbuf_init(&sb, a, 10000);
    for (int i = 0; i < 10000; i++)
        if (strbuf_putc(&sb, (char)('a' + i % 26)) != IA_OK)
            fail_msg("append %d refused below the maximum", i);
    assert_int_equal(strlen(strbuf_str(&sb)), 10000);
    assert_int_equal(strbuf_str(&sb)[9999], 'a' + 9999 % 26);
    assert_int_equal(strbuf_putc(&sb, 'x'), IA_ERR_TOO_LARGE);
    arena_destroy(a);
}

static void test_strbuf_reports_an_exhausted_arena(void **state)
{
    (void)state;
    arena *a = arena_create(16 * KIB);
    strbuf sb;
    strbuf_init(&sb, a, 1 * MIB);
    char chunk[1024];
    memset(chunk, 'c', sizeof(chunk));
    int rc = IA_OK;
    for (int i = 0; i < 64 && rc == IA_OK; i++)
        rc = strbuf_append(&sb, chunk, sizeof(chunk));
    assert_int_equal(rc, IA_ERR_NOMEM);
    assert_int_equal(strbuf_error(&sb), IA_ERR_NOMEM);
    assert_int_equal(strbuf_putc(&sb, 'x'), IA_ERR_NOMEM);
    assert_int_equal(strlen(strbuf_str(&sb)), sb.len);
    arena_destroy(a);
}

/* Appends s as a JSON string to a fresh buffer and compares with want. */
static void check_json(const char *s, const char *want)
{
    arena *a = arena_create(64 * KIB);
    strbuf sb;
    strbuf_init(&sb, a, 4096);
    int rc = strbuf_json_string(&sb, s);
    if (rc != IA_OK || strcmp(strbuf_str(&sb), want) != 0) {
        char got[4200];
        memcpy(got, strbuf_str(&sb), sb.len + 1);
        arena_destroy(a);
        fail_msg("json string: got %s (rc %d), expected %s", got, rc, want);
    }
    arena_destroy(a);
}

static void test_json_string_escapes_quotes_backslash_and_control_characters(void **state)
{
    (void)state;
    check_json("", "\"\"");
    check_json("plain text", "\"plain text\"");
    check_json("say \"hi\"", "\"say \\\"hi\\\"\"");
    check_json("C:\\dir\\file", "\"C:\\\\dir\\\\file\"");
    check_json("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
    check_json("\x01", "\"\\u0001\"");
    check_json("\x08\x0c", "\"\\u0008\\u000c\"");
    check_json("\x1f", "\"\\u001f\"");
    check_json("\x7f", "\"\\u007f\"");
    check_json("</script>", "\"</script>\"");
    check_json("caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\"");
}

static void test_json_string_appends_after_existing_content(void **state)
{
    (void)state;
    arena *a = arena_create(64 * KIB);
    strbuf sb;
    strbuf_init(&sb, a, 4096);
    assert_int_equal(strbuf_puts(&sb, "{\"k\":"), IA_OK);
    assert_int_equal(strbuf_json_string(&sb, "v\"1"), IA_OK);
    assert_int_equal(strbuf_putc(&sb, '}'), IA_OK);
    assert_string_equal(strbuf_str(&sb), "{\"k\":\"v\\\"1\"}");
    arena_destroy(a);
}

static void test_json_string_past_the_maximum_fails_with_too_large(void **state)
{
    (void)state;
    arena *a = arena_create(64 * KIB);
    strbuf sb;
    strbuf_init(&sb, a, 5);
    assert_int_equal(strbuf_json_string(&sb, "a\"b"), IA_ERR_TOO_LARGE); /* needs 7 */
    assert_int_equal(strbuf_error(&sb), IA_ERR_TOO_LARGE);
    arena_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_pointers_are_16_byte_aligned_and_do_not_overlap),
        cmocka_unit_test(test_arena_zero_size_allocation_is_a_distinct_aligned_pointer),
        cmocka_unit_test(test_arena_refuses_to_pass_its_maximum),
        cmocka_unit_test(test_arena_maximum_below_8_kib_is_enforced),
        cmocka_unit_test(test_arena_serves_large_allocations),
        cmocka_unit_test(test_arena_refuses_impossible_sizes),
        cmocka_unit_test(test_arena_calloc_and_string_copies),
        cmocka_unit_test(test_strbuf_appends_and_is_empty_string_at_first),
        cmocka_unit_test(test_strbuf_fills_exactly_to_its_maximum_then_refuses),
        cmocka_unit_test(test_strbuf_append_past_maximum_leaves_content_and_error_is_sticky),
        cmocka_unit_test(test_strbuf_long_formatted_append_respects_the_maximum),
        cmocka_unit_test(test_strbuf_grows_one_byte_at_a_time_up_to_the_maximum),
        cmocka_unit_test(test_strbuf_reports_an_exhausted_arena),
        cmocka_unit_test(test_json_string_escapes_quotes_backslash_and_control_characters),
        cmocka_unit_test(test_json_string_appends_after_existing_content),
        cmocka_unit_test(test_json_string_past_the_maximum_fails_with_too_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
