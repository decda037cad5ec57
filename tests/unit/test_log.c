/* Logging (src/core/log.c): every e-mail address in a line's message or string field values is
 * masked to its first character (j***@example.com), whatever module wrote it, and text without
 * an address is written as it was. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/log.h"

static void check(const char *in, const char *expected)
{
    arena *a = arena_create(64 * 1024);
    assert_non_null(a);
    const char *out = log_mask_emails(a, in);
    if (strcmp(out, expected) != 0)
        fail_msg("mask(\"%s\")\n  got      \"%s\"\n  expected \"%s\"", in, out, expected);
    arena_destroy(a);
}

static void test_addresses_keep_their_first_character_and_domain(void **state)
{
    (void)state;
    check("jane@example.com", "j***@example.com");
    check("to jane.doe+cv@mail.example.co.uk now", "to j***@mail.example.co.uk now");
    check("<bob@example.org>, \"al@example.net\"", "<b***@example.org>, \"a***@example.net\"");
    check("mailto:jane@example.com.", "mailto:j***@example.com.");
    check("a@b.co and c@d.io", "a***@b.co and c***@d.io");
}

static void test_text_without_an_address_is_kept(void **state)
{
    (void)state;
    check("", "");
    check("no address here", "no address here");
    check("@handle and user@ and @ and x@localhost", "@handle and user@ and @ and x@localhost");
}

/* Runs fn with stdout sent to a temporary file and returns what it wrote. */
static void capture(void (*fn)(void), char *out, size_t outlen)
{
    fflush(stdout);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(tmp), STDOUT_FILENO) >= 0);
    fn();
    fflush(stdout);
    assert_true(dup2(saved, STDOUT_FILENO) >= 0);
    close(saved);
    rewind(tmp);
    size_t n = fread(out, 1, outlen - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
}

static void log_an_address(void)
{
    log_info("test", "sent to jane@example.com", "to", "jane@example.com", "note",
             "cc bob@example.org");
}

static void test_every_line_masks_its_message_and_fields(void **state)
{
    (void)state;
    char text[4096];
    log_configure(LOG_INFO, true);
    capture(log_an_address, text, sizeof(text));
    assert_null(strstr(text, "jane@"));
    assert_null(strstr(text, "bob@"));
    assert_non_null(strstr(text, "\"message\":\"sent to j***@example.com\""));
    assert_non_null(strstr(text, "\"to\":\"j***@example.com\""));
    assert_non_null(strstr(text, "\"note\":\"cc b***@example.org\""));
    log_configure(LOG_INFO, false);
    capture(log_an_address, text, sizeof(text));
    assert_null(strstr(text, "jane@"));
    assert_non_null(strstr(text, "to=j***@example.com"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addresses_keep_their_first_character_and_domain),
        cmocka_unit_test(test_text_without_an_address_is_kept),
        cmocka_unit_test(test_every_line_masks_its_message_and_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
