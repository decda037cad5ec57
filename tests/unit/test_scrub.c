/* Scrubbing of diagnostic text (src/core/scrub.c): every e-mail address becomes "[email]",
 * whatever surrounds it, the rest of the text is kept, and the copy is cut cleanly: at a
 * character boundary, never inside "[email]", with malformed UTF-8 replaced. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/scrub.h"

static void check(const char *in, const char *expected)
{
    char out[512];
    size_t n = ia_scrub_text(in, out, sizeof(out));
    if (strcmp(out, expected) != 0)
        fail_msg("scrub(\"%s\")\n  got      \"%s\"\n  expected \"%s\"", in, out, expected);
    assert_int_equal(n, strlen(expected));
}

static void test_addresses_are_replaced_wherever_they_stand(void **state)
{
    (void)state;
    check("jane.doe@example.com", "[email]");
    check("Contact jane.doe+cv@mail.example.co.uk now", "Contact [email] now");
    check("to=<bob@example.org>, cc=\"al@example.net\"", "to=<[email]>, cc=\"[email]\"");
    check("(a@b) [c@d] {e@f}", "([email]) [[email]] {[email]}");
    check("user o'brien@example.net; next", "user [email]; next");
    check("mailto:jane@example.com.", "[email]");
    check("line one\njane@example.com\tx", "line one\n[email]\tx");
}

static void test_url_encoded_addresses_are_replaced_too(void **state)
{
    (void)state;
    check("GET /reset?email=jane%40example.com", "GET [email]");
    check("jane%40example.com", "[email]");
    check("JANE%40EXAMPLE.COM", "[email]");
}

static void test_text_without_an_address_is_kept(void **state)
{
    (void)state;
    check("", "");
    check("Planned failure of attempt 2", "Planned failure of attempt 2");
    check("@handle and trailing@ and lone @ sign", "@handle and trailing@ and lone @ sign");
    check("100% done, 40%", "100% done, 40%");
    check("caf\xc3\xa9 na\xc3\xafve", "caf\xc3\xa9 na\xc3\xafve");
}

static void test_malformed_utf8_is_replaced(void **state)
{
    (void)state;
    check("bad \xff\xfe byte", "bad ?? byte");
    check("cut \xe2\x82", "cut ??");
    check("\xc3\xa9@x", "[email]");
}

static void test_a_short_buffer_cuts_at_a_boundary_and_never_inside_the_placeholder(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(ia_scrub_text("caf\xc3\xa9 caf\xc3\xa9", out, 7), 6);
    assert_string_equal(out, "caf\xc3\xa9 ");
    assert_int_equal(ia_scrub_text("ab jane@example.com", out, sizeof(out)), 3);
    assert_string_equal(out, "ab ");
    assert_int_equal(ia_scrub_text("jane@example.com", out, sizeof(out)), 7);
    assert_string_equal(out, "[email]");
    assert_int_equal(ia_scrub_text("abc", out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(ia_scrub_text(NULL, out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addresses_are_replaced_wherever_they_stand),
        cmocka_unit_test(test_url_encoded_addresses_are_replaced_too),
        cmocka_unit_test(test_text_without_an_address_is_kept),
        cmocka_unit_test(test_malformed_utf8_is_replaced),
        cmocka_unit_test(test_a_short_buffer_cuts_at_a_boundary_and_never_inside_the_placeholder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
