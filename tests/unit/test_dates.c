/* Date ranges as resumes write them, and years of experience computed with the convention of
 * the labelled fixtures (start month up to the end month, overlaps once, open ends at now). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/dates.h"
#include "test_util.h"
#include "core/util.h"

#define NOW (2026 * 12 + 10) /* 2026-11, the fixtures' reference month */

static void expect(const char *line, const char *start, const char *end, bool open)
{
    ai_range r;
    if (!ai_date_range(line, NOW, &r))
        fail_msg("no range found in '%s'", line);
    char s[16], e[16];
    ai_month_format(r.start, r.year_only_start, s);
    ai_month_format(r.end, r.year_only_end, e);
    if (strcmp(s, start) != 0 || (!open && strcmp(e, end) != 0) || r.open != open)
        fail_msg("'%s': got %s to %s%s", line, s, e, r.open ? " (open)" : "");
}

static void test_written_formats_are_understood(void **state)
{
    (void)state;
    expect("Acme Corp   Jan 2020 – Present", "2020-01", NULL, true);
    expect("Data Engineer, 2019-03 to 2021-07", "2019-03", "2021-07", false);
    expect("03/2018 - 06/2020 | Springfield", "2018-03", "2020-06", false);
    expect("Harbor Bank  2017 — 2019", "2017", "2019", false);
    expect("02.2022 – present", "2022-02", NULL, true);
    expect("January 2020 – Present", "2020-01", NULL, true);
    expect("Nurse Aide (Aug 2025 - now)", "2025-08", NULL, true);
    expect("Sept 2016 to Dec 2018", "2016-09", "2018-12", false);
}

/* German month names and abbreviations, open ends ("heute", "bis heute") and day-first
 * dates, as German CVs write them. */
static void test_german_dates_are_understood(void **state)
{
    (void)state;
    expect("03/2019 – heute", "2019-03", NULL, true);
    expect("März 2019 bis heute", "2019-03", NULL, true);
    expect("Okt. 2015 – Dez. 2018", "2015-10", "2018-12", false);
    expect("Mai 2014 bis Juli 2015", "2014-05", "2015-07", false);
    expect("MÄRZ 2012 - JUNI 2013", "2012-03", "2013-06", false);
    expect("Jänner 2010 – Mrz 2011", "2010-01", "2011-03", false);
    expect("01.04.2016 – 31.12.2018", "2016-04", "2018-12", false);
    expect("seit 2020, 09/2020 - aktuell", "2020-09", NULL, true);
}

/* The other common forms: "Till Date", arrows, em dashes without spaces, two-digit years with
 * an apostrophe, single-digit months, seasons (Summer = June, Fall = September, Spring =
 * March, Winter = January). */
static void test_other_common_forms_are_understood(void **state)
{
    (void)state;
    expect("July 2022 to Till Date", "2022-07", NULL, true);
    expect("Jan 2019 – to date", "2019-01", NULL, true);
    expect("Mar 2017 → Jun 2019", "2017-03", "2019-06", false);
    expect("Rush Medical Center—June 2016—July 2019", "2016-06", "2019-07", false);
    expect("Sept '21 – '23", "2021-09", "2023", false);
    expect("Jan ’19 - Current", "2019-01", NULL, true);
    expect("3/2018 - 11/2020", "2018-03", "2020-11", false);
    expect("2015-09 → 2017-06", "2015-09", "2017-06", false);
    expect("Summer 2018 – Fall 2019", "2018-06", "2019-09", false);
    expect("Spring 2020 until Winter 2021", "2020-03", "2021-01", false);
    expect("Software Intern, Summer 2018", "2018-06", "2018-08", false);
    expect("2012 till now", "2012", NULL, true);
    expect("February 2011 through May 2013", "2011-02", "2013-05", false);
    expect("Apr 2020 ~ Aug 2021", "2020-04", "2021-08", false);
}

/* Where the range is written, for cutting it out of a job line. */
static void test_the_span_of_a_range_is_reported(void **state)
{
    (void)state;
    ai_range r;
    const char *line = "Staff Nurse — Rush — June 2016 to July 2019 (3 yrs)";
    assert_true(ai_date_range(line, NOW, &r));
    assert_int_equal(r.at, strstr(line, "June") - line);
    assert_int_equal(r.at + r.len, strstr(line, " (3") - line);
    int m = 0;
    bool yo = false;
    size_t b = 0, e = 0;
    assert_true(ai_date_last("B.Sc. Physics, Summer 2014", &m, &yo, &b, &e));
    assert_int_equal(m, 2014 * 12 + 5);
    assert_false(yo);
    assert_true(ai_date_last("Class of '09", &m, &yo, &b, &e));
    assert_int_equal(m, 2009 * 12);
    assert_true(yo);
    assert_false(ai_date_last("Marketing Manager", &m, &yo, &b, &e));
}

static void test_lines_without_a_range_give_none(void **state)
{
    (void)state;
    ai_range r;
    static const char *const lines[] = {
        "Grew revenue 35% in 2021", "Phone 555-302-8841",        "B.A. Economics, 2014",
        "ISO 9001 and 2015 audits", "Reduced cost from 2000 to", "Marketing 2020 plan",
        "it's 23 degrees",          "Mark 2019 - Summit",        ""
    };
    for (size_t i = 0; i < COUNT(lines); i++)
        if (ai_date_range(lines[i], NOW, &r))
            fail_msg("a range was found in '%s'", lines[i]);
}

/* An open range that starts after the reference month (a typo such as 2099) covers nothing,
 * rather than a negative number of months (found by tests/fuzz/fuzz_dates). */
static void test_open_range_starting_after_now_covers_nothing(void **state)
{
    (void)state;
    ai_range r;
    assert_true(ai_date_range("Engineer, Jan 2099 - Present", NOW, &r));
    assert_true(r.open);
    assert_true(r.end >= r.start);
    assert_int_equal(ai_months_covered(&r, 1), 0);
}

static void test_overlapping_ranges_count_once(void **state)
{
    (void)state;
    ai_range r[] = { { 2020 * 12, 2022 * 12, false, false, false },
                     { 2021 * 12, 2023 * 12, false, false, false },
                     { 2024 * 12, 2024 * 12 + 6, false, false, false } };
    assert_int_equal(ai_months_covered(r, 3), 36 + 6);
    assert_int_equal(ai_months_covered(r, 0), 0);
}

static int month_of(const char *s, bool *year_only)
{
    int y = 0, m = 1;
    *year_only = sscanf(s, "%d-%d", &y, &m) < 2;
    return y * 12 + m - 1;
}

static void test_years_match_the_labelled_resumes(void **state)
{
    (void)state;
    char dir[1024];
    DIR *d = test_open_fixtures("resumes", dir, sizeof(dir));
    assert_non_null(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        char path[1400];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        json_t *t = json_load_file(path, 0, NULL);
        assert_non_null(t);
        json_t *exp = json_object_get(t, "experience");
        ai_range r[64];
        size_t n = 0;
        for (size_t i = 0; i < json_array_size(exp) && n < 64; i++) {
            json_t *x = json_array_get(exp, i);
            const char *s = json_string_value(json_object_get(x, "start_date"));
            const char *en = json_string_value(json_object_get(x, "end_date"));
            if (s == NULL)
                continue;
            bool ys, ye = false;
            r[n].start = month_of(s, &ys);
            r[n].end = en ? month_of(en, &ye) : NOW;
            r[n].open = en == NULL;
            n++;
        }
        /* One decimal, halves to even (9.25 -> 9.2), as the fixtures were labelled. */
        double years = rint(ai_months_covered(r, n) / 12.0 * 10) / 10;
        double truth = json_real_value(json_object_get(t, "years_of_experience")) +
                       (double)json_integer_value(json_object_get(t, "years_of_experience"));
        if (fabs(years - truth) > 0.05)
            fail_msg("%s: %.1f years computed, %.1f labelled", e->d_name, years, truth);
        json_decref(t);
        files++;
    }
    closedir(d);
    assert_true(files >= 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_written_formats_are_understood),
        cmocka_unit_test(test_german_dates_are_understood),
        cmocka_unit_test(test_other_common_forms_are_understood),
        cmocka_unit_test(test_the_span_of_a_range_is_reported),
        cmocka_unit_test(test_lines_without_a_range_give_none),
        cmocka_unit_test(test_overlapping_ranges_count_once),
        cmocka_unit_test(test_open_range_starting_after_now_covers_nothing),
        cmocka_unit_test(test_years_match_the_labelled_resumes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
