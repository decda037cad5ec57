/* Unit tests for src/mail/mail.c: the rendered message (headers, CRLF line ends, RFC 2047
 * subjects, 7bit and quoted-printable bodies), the refusal of header injection and malformed
 * input, the sender address taken from SMTP_FROM, and the outbox's start/stop contract in the
 * log-only mode (no SMTP_HOST). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "mail/mail.h"
#include "core/util.h"

/* 2026-03-02T10:15:30.123Z, a Monday. */
#define NOW_MS 1772446530123LL

static char g_out[MAIL_RENDER_MAX];

/* A configuration with only the mail settings the module reads. */
static ia_config test_config(const char *from)
{
    ia_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.smtp_host = "";
    cfg.smtp_port = 587;
    cfg.smtp_user = "";
    cfg.smtp_password = "";
    cfg.smtp_from = (char *)from;
    cfg.smtp_tls = SMTP_TLS_STARTTLS;
    cfg.smtp_timeout_ms = 10000;
    return cfg;
}

/* Renders m with the default sender into g_out and returns the result code. */
static int render(const char *to, const char *subject, const char *text)
{
    ia_config cfg = test_config("InterviewAce <no-reply@example.com>");
    mail_message m = { to, subject, text };
    return mail_render(&cfg, &m, g_out, sizeof(g_out), NOW_MS);
}

/* The body: everything after the first empty line. */
static const char *body_of(const char *msg)
{
    const char *p = strstr(msg, "\r\n\r\n");
    assert_non_null(p);
    return p + 4;
}

/* True when the header block holds a line that starts with prefix. */
static bool has_header_line(const char *msg, const char *prefix)
{
    size_t hlen = (size_t)(body_of(msg) - msg);
    size_t plen = strlen(prefix);
    for (const char *p = msg; p < msg + hlen; p = strstr(p, "\r\n") + 2)
        if (strncmp(p, prefix, plen) == 0)
            return true;
    return false;
}

/* Checks that every line of msg ends in CRLF (no bare CR or LF) and is at most max characters
 * long. */
static void assert_crlf_lines(const char *msg, size_t max)
{
    size_t col = 0;
    for (const char *p = msg; *p; p++) {
        if (*p == '\r') {
            assert_int_equal(p[1], '\n');
            p++;
            col = 0;
            continue;
        }
        assert_int_not_equal(*p, '\n');
        col++;
        assert_true(col <= max);
    }
    assert_true(strlen(msg) >= 2 && strcmp(msg + strlen(msg) - 2, "\r\n") == 0);
}

static void test_render_has_every_header(void **state)
{
    (void)state;
    assert_int_equal(render("alice@example.org", "Verify your e-mail address",
                            "Open http://localhost:8000/verify-email?token=abc123\n"),
                     IA_OK);
    assert_true(has_header_line(g_out, "Date: Mon, 02 Mar 2026 10:15:30 +0000\r\n"));
    assert_true(has_header_line(g_out, "From: InterviewAce <no-reply@example.com>\r\n"));
    assert_true(has_header_line(g_out, "To: <alice@example.org>\r\n"));
    assert_true(has_header_line(g_out, "Subject: Verify your e-mail address\r\n"));
    assert_true(has_header_line(g_out, "Message-ID: <"));
    assert_non_null(strstr(g_out, "@example.com>\r\n"));
    assert_true(has_header_line(g_out, "MIME-Version: 1.0\r\n"));
    assert_true(has_header_line(g_out, "Content-Type: text/plain; charset=utf-8\r\n"));
    assert_true(has_header_line(g_out, "Content-Transfer-Encoding: 7bit\r\n"));
    assert_true(has_header_line(g_out, "Auto-Submitted: auto-generated\r\n"));
    /* An ASCII body travels untouched, so the link can be copied from the raw message. */
    assert_string_equal(body_of(g_out), "Open http://localhost:8000/verify-email?token=abc123\r\n");
}

static void test_message_ids_differ(void **state)
{
    (void)state;
    char first[MAIL_RENDER_MAX];
    assert_int_equal(render("a@example.org", "Hi", "x"), IA_OK);
    memcpy(first, g_out, sizeof(first));
    assert_int_equal(render("a@example.org", "Hi", "x"), IA_OK);
    const char *a = strstr(first, "Message-ID: ");
    const char *b = strstr(g_out, "Message-ID: ");
    assert_non_null(a);
    assert_non_null(b);
    assert_memory_not_equal(a, b, 40);
}

static void test_every_line_ends_in_crlf(void **state)
{
    (void)state;
    assert_int_equal(render("a@example.org", "Line ends", "unix\nwindows\r\nold mac\rlast"), IA_OK);
    assert_crlf_lines(g_out, 998);
    assert_string_equal(body_of(g_out), "unix\r\nwindows\r\nold mac\r\nlast\r\n");

    assert_int_equal(render("a@example.org", "Line ends", "caf\xc3\xa9\nna\xc3\xafve\r\n"), IA_OK);
    assert_crlf_lines(g_out, 998);
    assert_string_equal(body_of(g_out), "caf=C3=A9\r\nna=C3=AFve\r\n");
}

static void test_non_ascii_subject_is_rfc2047_encoded(void **state)
{
    (void)state;
    assert_int_equal(render("a@example.org", "V\xc3\xa9rifiez votre adresse e-mail", "x"), IA_OK);
    assert_true(has_header_line(
        g_out, "Subject: =?UTF-8?B?VsOpcmlmaWV6IHZvdHJlIGFkcmVzc2UgZS1tYWls?=\r\n"));
    /* No raw 8-bit byte anywhere in the headers. */
    for (const char *p = g_out; p < body_of(g_out); p++)
        assert_true((unsigned char)*p < 0x80);
}

static void test_long_subject_is_folded_on_whole_characters(void **state)
{
    (void)state;
    char subject[MAIL_SUBJECT_MAX + 1];
    size_t n = 0;
    while (n + 2 <= 150) { /* 75 two-byte characters */
        subject[n++] = '\xc3';
        subject[n++] = '\xa9';
    }
    subject[n] = '\0';
    assert_int_equal(render("a@example.org", subject, "x"), IA_OK);
    const char *s = strstr(g_out, "Subject: ");
    assert_non_null(s);
    const char *end = strstr(s, "\r\nMessage-ID:");
    assert_non_null(end);
    int words = 0;
    size_t col = 0;
    for (const char *p = s; p < end; p++) {
        if (p[0] == '\r') {
            assert_int_equal(p[1], '\n');
            assert_int_equal(p[2], ' '); /* a continuation line */
            p++;
            col = 0;
            continue;
        }
        if (strncmp(p, "=?UTF-8?B?", 10) == 0)
            words++;
        assert_true(++col <= 78);
    }
    /* 150 bytes in words of at most 42 bytes (21 characters), never half a character. */
    assert_int_equal(words, 4);
    assert_crlf_lines(g_out, 998);
}

static void test_non_ascii_text_is_quoted_printable(void **state)
{
    (void)state;
    char text[400];
    int w = snprintf(text, sizeof(text),
                     "Bonjour Ren\xc3\xa9"
                     "e,\n"
                     "http://localhost:8000/reset-password?token=%s\n"
                     "trailing space \n",
                     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assert_true(w > 0 && (size_t)w < sizeof(text));
    assert_int_equal(render("a@example.org", "Reset", text), IA_OK);
    assert_true(has_header_line(g_out, "Content-Transfer-Encoding: quoted-printable\r\n"));
    assert_crlf_lines(g_out, 998);
    const char *body = body_of(g_out);
    assert_crlf_lines(body, 76);
    assert_non_null(strstr(body, "Bonjour Ren=C3=A9e,\r\n"));
    assert_non_null(strstr(body, "reset-password?token=3D0123")); /* '=' is encoded */
    assert_non_null(strstr(body, "=\r\n"));                       /* a soft break */
    assert_non_null(strstr(body, "trailing space=20\r\n"));
}

static void test_long_ascii_line_goes_quoted_printable(void **state)
{
    (void)state;
    static char text[1200];
    memset(text, 'a', 1100);
    text[1100] = '\0';
    assert_int_equal(render("a@example.org", "Long", text), IA_OK);
    assert_true(has_header_line(g_out, "Content-Transfer-Encoding: quoted-printable\r\n"));
    assert_crlf_lines(body_of(g_out), 76);
}

static void test_header_injection_is_refused(void **state)
{
    (void)state;
    static const char *const bad_to[] = {
        "a@example.org\r\nBcc: victim@example.net",
        "a@example.org\nBcc: victim@example.net",
        "a@example.org\r",
        "a@example.org\tx",
    };
    for (size_t i = 0; i < COUNT(bad_to); i++) {
        mail_message m = { bad_to[i], "Hi", "x" };
        assert_int_equal(mail_check(&m), IA_ERR_INVALID);
        assert_int_equal(mail_send_async(&m), IA_ERR_INVALID);
        assert_int_equal(render(bad_to[i], "Hi", "x"), IA_ERR_INVALID);
    }
    static const char *const bad_subject[] = {
        "Hi\r\nBcc: victim@example.net",
        "Hi\nBcc: victim@example.net",
        "Hi\r",
        "Hi\x7f",
    };
    for (size_t i = 0; i < COUNT(bad_subject); i++) {
        mail_message m = { "a@example.org", bad_subject[i], "x" };
        assert_int_equal(mail_check(&m), IA_ERR_INVALID);
        assert_int_equal(mail_send_async(&m), IA_ERR_INVALID);
        assert_int_equal(render("a@example.org", bad_subject[i], "x"), IA_ERR_INVALID);
    }
    assert_string_equal(g_out, ""); /* nothing half-rendered is left behind */
}

static void test_recipient_must_be_one_plain_address(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "alice",
        "@example.org",
        "alice@",
        "a@b@",
        "Alice <a@example.org>",
        "a@example.org, b@example.org",
        "a@example.org;b@example.org",
        "a b@example.org",
        "a@.example.org",
        "a@example..org",
        "\"a\"@example.org",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        mail_message m = { bad[i], "Hi", "x" };
        assert_int_equal(mail_check(&m), IA_ERR_INVALID);
    }
    mail_message ok = { "first.last+tag@sub.example.org", "Hi", "x" };
    assert_int_equal(mail_check(&ok), IA_OK);
}

static void test_malformed_or_oversized_input_is_refused(void **state)
{
    (void)state;
    mail_message missing = { "a@example.org", NULL, "x" };
    assert_int_equal(mail_check(&missing), IA_ERR_INVALID);
    assert_int_equal(mail_check(NULL), IA_ERR_INVALID);
    mail_message empty_subject = { "a@example.org", "", "x" };
    assert_int_equal(mail_check(&empty_subject), IA_ERR_INVALID);
    mail_message bad_utf8 = { "a@example.org", "Hi", "caf\xc3" };
    assert_int_equal(mail_check(&bad_utf8), IA_ERR_INVALID);
    mail_message overlong = { "a@example.org", "\xc0\xaf", "x" };
    assert_int_equal(mail_check(&overlong), IA_ERR_INVALID);
    mail_message control = { "a@example.org", "Hi", "bell\a" };
    assert_int_equal(mail_check(&control), IA_ERR_INVALID);

    static char big[MAIL_TEXT_MAX + 2];
    memset(big, 'x', MAIL_TEXT_MAX + 1);
    mail_message too_long = { "a@example.org", "Hi", big };
    assert_int_equal(mail_check(&too_long), IA_ERR_TOO_LARGE);
    big[MAIL_TEXT_MAX] = '\0';
    mail_message longest = { "a@example.org", "Hi", big };
    assert_int_equal(mail_check(&longest), IA_OK);

    /* The rendered message must fit the caller's buffer. */
    ia_config cfg = test_config("no-reply@example.com");
    mail_message m = { "a@example.org", "Hi", "hello" };
    char small[64];
    assert_int_equal(mail_render(&cfg, &m, small, sizeof(small), NOW_MS), IA_ERR_TOO_LARGE);
    /* The largest text, all non-ASCII, still fits MAIL_RENDER_MAX. */
    for (size_t i = 0; i + 2 <= MAIL_TEXT_MAX; i += 2) {
        big[i] = '\xc3';
        big[i + 1] = '\xa9';
    }
    assert_int_equal(render("a@example.org", "Hi", big), IA_OK);
}

static void test_from_address_extraction(void **state)
{
    (void)state;
    static const struct {
        const char *from;
        const char *addr;
    } cases[] = {
        { "InterviewAce <no-reply@localhost>", "no-reply@localhost" },
        { "no-reply@example.com", "no-reply@example.com" },
        { "  no-reply@example.com  ", "no-reply@example.com" },
        { "<no-reply@example.com>", "no-reply@example.com" },
        { "\"Interview Ace, Inc.\" <x@example.com>", "x@example.com" },
        { "Ren\xc3\xa9 <r@example.com> ", "r@example.com" },
    };
    char out[MAIL_ADDR_MAX];
    for (size_t i = 0; i < COUNT(cases); i++) {
        assert_int_equal(mail_from_address(cases[i].from, out, sizeof(out)), IA_OK);
        assert_string_equal(out, cases[i].addr);
    }
    static const char *const bad[] = {
        "",
        "InterviewAce",
        "InterviewAce <>",
        "InterviewAce <no-reply>",
        "InterviewAce <a@b",
        "InterviewAce <a@b> trailing",
        "A <a@b>\r\nBcc: c@d",
        NULL,
    };
    for (size_t i = 0; i < COUNT(bad); i++)
        assert_int_equal(mail_from_address(bad[i], out, sizeof(out)), IA_ERR_INVALID);
    char tiny[4];
    assert_int_equal(mail_from_address("no-reply@example.com", tiny, sizeof(tiny)),
                     IA_ERR_TOO_LARGE);
}

static void test_from_header_quotes_or_encodes_the_name(void **state)
{
    (void)state;
    mail_message m = { "a@example.org", "Hi", "x" };
    ia_config cfg = test_config("\"Interview Ace, Inc.\" <x@example.com>");
    assert_int_equal(mail_render(&cfg, &m, g_out, sizeof(g_out), NOW_MS), IA_OK);
    assert_true(has_header_line(g_out, "From: \"Interview Ace, Inc.\" <x@example.com>\r\n"));

    cfg = test_config("Ren\xc3\xa9 <r@example.com>");
    assert_int_equal(mail_render(&cfg, &m, g_out, sizeof(g_out), NOW_MS), IA_OK);
    assert_true(has_header_line(g_out, "From: =?UTF-8?B?UmVuw6k=?= <r@example.com>\r\n"));

    cfg = test_config("no-reply@example.com");
    assert_int_equal(mail_render(&cfg, &m, g_out, sizeof(g_out), NOW_MS), IA_OK);
    assert_true(has_header_line(g_out, "From: <no-reply@example.com>\r\n"));
    assert_non_null(strstr(g_out, "@example.com>\r\nAuto-Submitted"));

    cfg = test_config("broken");
    assert_int_equal(mail_render(&cfg, &m, g_out, sizeof(g_out), NOW_MS), IA_ERR_INVALID);
}

static void test_mail_enabled_follows_smtp_host(void **state)
{
    (void)state;
    ia_config cfg = test_config("no-reply@example.com");
    assert_false(mail_enabled(&cfg));
    cfg.smtp_host = "smtp.example.com";
    assert_true(mail_enabled(&cfg));
    assert_false(mail_enabled(NULL));
}

static void test_outbox_lifecycle_without_smtp(void **state)
{
    (void)state;
    mail_message m = { "a@example.org", "Hi", "hello" };
    assert_int_equal(mail_send_async(&m), IA_ERR_UNAVAILABLE); /* not started */

    ia_config cfg = test_config("InterviewAce <no-reply@localhost>");
    char dir[] = "/tmp/ia-mail-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    cfg.data_dir = dir;
    assert_int_equal(mail_start(&cfg), IA_OK);
    assert_int_equal(mail_start(&cfg), IA_ERR_CONFLICT);
    for (int i = 0; i < 10; i++)
        assert_int_equal(mail_send_async(&m), IA_OK);
    mail_stop(5000);
    assert_int_equal(mail_send_async(&m), IA_ERR_UNAVAILABLE); /* stopped */
    mail_stop(5000);                                           /* harmless twice */

    /* Without SMTP every message is a private file of its own in DATA_DIR/outbox. */
    char outbox[64];
    snprintf(outbox, sizeof(outbox), "%s/outbox", dir);
    DIR *d = opendir(outbox);
    assert_non_null(d);
    int files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[384];
        snprintf(path, sizeof(path), "%s/%s", outbox, e->d_name);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_non_null(strstr(e->d_name, ".eml"));
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        char buf[1024];
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        fclose(f);
        assert_non_null(strstr(buf, "To: <a@example.org>\r\n"));
        assert_non_null(strstr(buf, "hello"));
        assert_int_equal(unlink(path), 0);
        files++;
    }
    closedir(d);
    assert_int_equal(files, 10);
    assert_int_equal(rmdir(outbox), 0);

    /* It can start again, and refuses a sender without an address or a bad host. */
    assert_int_equal(mail_start(&cfg), IA_OK);
    mail_stop(0);
    snprintf(outbox, sizeof(outbox), "%s/outbox", dir);
    rmdir(outbox); /* only when it stayed empty: the stop above drops what is queued */
    assert_int_equal(rmdir(dir), 0);
    ia_config bad = test_config("InterviewAce");
    assert_int_equal(mail_start(&bad), IA_ERR_INVALID);
    bad = test_config("no-reply@example.com");
    bad.smtp_host = "smtp.example.com/evil";
    assert_int_equal(mail_start(&bad), IA_ERR_INVALID);
}

int main(void)
{
    log_configure(LOG_ERROR + 1, false); /* the outbox's log lines are not this test's output */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_has_every_header),
        cmocka_unit_test(test_message_ids_differ),
        cmocka_unit_test(test_every_line_ends_in_crlf),
        cmocka_unit_test(test_non_ascii_subject_is_rfc2047_encoded),
        cmocka_unit_test(test_long_subject_is_folded_on_whole_characters),
        cmocka_unit_test(test_non_ascii_text_is_quoted_printable),
        cmocka_unit_test(test_long_ascii_line_goes_quoted_printable),
        cmocka_unit_test(test_header_injection_is_refused),
        cmocka_unit_test(test_recipient_must_be_one_plain_address),
        cmocka_unit_test(test_malformed_or_oversized_input_is_refused),
        cmocka_unit_test(test_from_address_extraction),
        cmocka_unit_test(test_from_header_quotes_or_encodes_the_name),
        cmocka_unit_test(test_mail_enabled_follows_smtp_host),
        cmocka_unit_test(test_outbox_lifecycle_without_smtp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
