/* Redaction of personal data before text goes to an external provider: every e-mail address,
 * phone number, street address, link and handle of the cases below is replaced, and the
 * ordinary numbers and names of a resume survive unchanged. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/redact.h"
#include "core/arena.h"
#include "core/errors.h"
#include "test_util.h"
#include "core/util.h"

static int setup(void **state)
{
    *state = arena_create(16 * 1024 * 1024);
    return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    arena_destroy(*state);
    return 0;
}

static const char *redact(void **state, const char *text)
{
    const char *out = NULL;
    assert_int_equal(ai_redact(*state, text, &out), IA_OK);
    assert_non_null(out);
    return out;
}

/* Each pair: input, expected output. */
static void check_pairs(void **state, const char *const pairs[][2], size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = redact(state, pairs[i][0]);
        if (strcmp(got, pairs[i][1]) != 0)
            fail_msg("redact(\"%s\")\n  got      \"%s\"\n  expected \"%s\"", pairs[i][0], got,
                     pairs[i][1]);
    }
}

#define CHECK(state, pairs) check_pairs(state, pairs, COUNT(pairs))

static void test_email_addresses_are_replaced(void **state)
{
    static const char *const pairs[][2] = {
        { "jane.doe@example.com", "[email]" },
        { "Email: jane.doe+cv@mail.example.co.uk | Phone", "Email: [email] | Phone" },
        { "(j_smith@example.org)", "([email])" },
        { "E-mail/o'brien@example.net.", "E-mail/[email]." },
        { "mailto:dev@example.io", "mailto:[email]" },
        { "two: a@example.com, b@example.com", "two: [email], [email]" },
        { "JOHN.SMITH@EXAMPLE.COM", "[email]" },
    };
    CHECK(state, pairs);
}

static void test_phone_numbers_in_international_and_local_forms_are_replaced(void **state)
{
    static const char *const pairs[][2] = {
        { "+1 (555) 123-4567", "[phone]" },
        { "Phone: +1-555-123-4567", "Phone: [phone]" },
        { "+44 20 7946 0958", "[phone]" },
        { "+44 (0) 20 7946 0958", "[phone]" },
        { "+91-98765-43210", "[phone]" },
        { "+4915123456789", "[phone]" },
        { "(555) 123-4567", "[phone]" },
        { "555-123-4567", "[phone]" },
        { "555.123.4567", "[phone]" },
        { "555 123 4567", "[phone]" },
        { "5551234567", "[phone]" },
        { "1-800-555-0199", "[phone]" },
        { "07700 900123", "[phone]" },
        { "020 7946 0958", "[phone]" },
        { "555-0199", "[phone]" },
        { "Tel:+33 1 23 45 67 89.", "Tel:[phone]." },
        { "Jane Doe | 555-201-3344 | Springfield", "Jane Doe | [phone] | Springfield" },
    };
    CHECK(state, pairs);
}

static void test_street_addresses_are_replaced(void **state)
{
    static const char *const pairs[][2] = {
        { "12 Main Street, Springfield, IL", "[address], Springfield, IL" },
        { "221B Baker Street, London", "[address], London" },
        { "1600 Pennsylvania Ave NW", "[address] NW" },
        { "742 Evergreen Terrace", "[address]" },
        { "4 Elm Rd., Apt 3B, Leeds", "[address], Leeds" },
        { "350 Fifth Avenue Suite 200", "[address]" },
        { "10 Downing St", "[address]" },
        { "1 Infinite Loop Way", "[address]" },
        { "99 N. 5th Street #12", "[address]" },
    };
    CHECK(state, pairs);
}

static void test_links_and_handles_are_replaced(void **state)
{
    static const char *const pairs[][2] = {
        { "https://www.linkedin.com/in/jane-doe-123/", "[link]" },
        { "linkedin.com/in/janedoe", "[link]" },
        { "github.com/janedoe, gitlab.com/jd", "[link], [link]" },
        { "Portfolio: http://janedoe.dev/work?id=3.", "Portfolio: [link]." },
        { "(www.janedoe.com)", "([link])" },
        { "Site: janedoe.dev", "Site: [link]" },
        { "Twitter: @jane_doe", "Twitter: [handle]" },
        { "see <https://example.org/a>", "see <[link]>" },
    };
    CHECK(state, pairs);
}

static void test_ordinary_numbers_and_names_survive(void **state)
{
    static const char *const same[] = {
        "Reduced latency by 40% across 12 services",
        "2019-2021",
        "2019 - 2021",
        "Jan 2020 – Present",
        "2019-03 to 2021-07",
        "03/2018 - 06/2020",
        "2017 — 2019",
        "2019-03-15",
        "15.03.2019",
        "Grew revenue from $1,200,000 to $3,400,000",
        "$1200000 budget",
        "Handled 10,000,000 requests per day",
        "Scaled from 1000-5000 requests per second",
        "GPA 3.8/4.0",
        "Python 3.11.4, Node.js, ASP.NET, Socket.IO, socket.io, Vue.js",
        "ISO 27001 and SOC 2 Type II",
        "v1.2.3 released",
        "Served 3.14159265 digits",
        "Managed a team of 12 engineers in 3 time zones",
        "Raised NPS by 25 points in Q3 2021",
        "Software Engineer @ Google",
        "Worked @Google for 3 years",
        "Led 5 Product Teams",
        "Deployed to 10.0.0.1 and 192.168.100.200",
        "Increased conversion 12.5% (from 4.0% to 4.5%)",
        "Cut costs 30 percent, saving 250000 dollars",
        "Example Inc. (Example.com)",
        "B.Sc. in Computer Science, 2015",
        "Handled 1200-1500 tickets a month",
        "",
    };
    for (size_t i = 0; i < COUNT(same); i++) {
        const char *got = redact(state, same[i]);
        if (strcmp(got, same[i]) != 0)
            fail_msg("redact changed \"%s\" into \"%s\"", same[i], got);
    }
    const char *out = NULL;
    assert_int_equal(ai_redact(*state, NULL, &out), IA_OK);
    assert_string_equal(out, "");
}

static void test_a_whole_resume_header_keeps_its_content_but_no_contact_details(void **state)
{
    const char *text =
        "JANE DOE\n"
        "Senior Data Engineer\n"
        "12 Main Street, Springfield, IL 62704\n"
        "jane.doe@example.com | +1 (555) 123-4567 | linkedin.com/in/janedoe\n"
        "\n"
        "EXPERIENCE\n"
        "Acme Corp — Data Engineer, 2019-2021\n"
        "- Reduced pipeline latency by 40% and cut costs by $120k\n";
    const char *got = redact(state, text);
    assert_string_equal(got,
                        "JANE DOE\n"
                        "Senior Data Engineer\n"
                        "[address], Springfield, IL 62704\n"
                        "[email] | [phone] | [link]\n"
                        "\n"
                        "EXPERIENCE\n"
                        "Acme Corp — Data Engineer, 2019-2021\n"
                        "- Reduced pipeline latency by 40% and cut costs by $120k\n");
}

/* Every labelled resume: the e-mail, phone and links its label lists are gone after
 * redaction, and nothing else is lost wholesale (the text keeps most of its length). */
static void test_labelled_resumes_lose_their_contact_details(void **state)
{
    char dir[4096];
    DIR *d = test_open_fixtures("resumes", dir, sizeof(dir));
    assert_non_null(d);
    struct dirent *e;
    size_t checked = 0;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0)
            continue;
        char path[8192], label[8192];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        snprintf(label, sizeof(label), "%s/%.*s.json", dir, (int)(n - 4), e->d_name);
        char *text = test_slurp(path);
        json_t *truth = json_load_file(label, 0, NULL);
        assert_non_null(text);
        assert_non_null(truth);
        const char *got = redact(state, text);
        const char *email = json_string_value(json_object_get(truth, "email"));
        const char *phone = json_string_value(json_object_get(truth, "phone"));
        if (email != NULL && strcasestr(got, email) != NULL)
            fail_msg("%s: e-mail %s survived", e->d_name, email);
        if (phone != NULL && strstr(got, phone) != NULL)
            fail_msg("%s: phone %s survived", e->d_name, phone);
        json_t *links = json_object_get(truth, "links");
        for (size_t k = 0; k < json_array_size(links); k++) {
            const char *link = json_string_value(json_array_get(links, k));
            const char *bare = strstr(link, "://") ? strstr(link, "://") + 3 : link;
            if (strncmp(bare, "www.", 4) == 0)
                bare += 4;
            if (strcasestr(got, bare) != NULL)
                fail_msg("%s: link %s survived", e->d_name, link);
        }
        if (strlen(got) * 10 < strlen(text) * 8)
            fail_msg("%s: redaction removed more than a fifth of the text", e->d_name);
        json_decref(truth);
        free(text);
        checked++;
    }
    closedir(d);
    assert_true(checked >= 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_email_addresses_are_replaced),
        cmocka_unit_test(test_phone_numbers_in_international_and_local_forms_are_replaced),
        cmocka_unit_test(test_street_addresses_are_replaced),
        cmocka_unit_test(test_links_and_handles_are_replaced),
        cmocka_unit_test(test_ordinary_numbers_and_names_survive),
        cmocka_unit_test(test_a_whole_resume_header_keeps_its_content_but_no_contact_details),
        cmocka_unit_test(test_labelled_resumes_lose_their_contact_details),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
