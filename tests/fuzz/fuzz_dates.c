/* Fuzzes the date-range reader of resume experience lines (src/ai/dates.c): the input is one
 * line ("Jan 2020 – Present", "03/2018 - 06/2020", ...). Checked: a range found is ordered
 * (start before or at its end), its months format as "YYYY-MM" within 16 bytes, and the months
 * it covers are never negative nor more than its span, and where it is written lies inside the
 * line; the last single date of the line lies inside it too. */
#include <string.h>

#include "ai/dates.h"
#include "fuzz.h"

#define NOW_MONTH (2025 * 12 + 5)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = fuzz_strndup(data, size);
    if (line == NULL)
        return 0;
    ai_range r[2];
    size_t len = strlen(line);
    int month = 0;
    bool year_only = false;
    size_t b = 0, e = 0;
    if (ai_date_last(line, &month, &year_only, &b, &e))
        fuzz_check(b < e && e <= len, "a single date lies inside the line");
    if (ai_date_range(line, NOW_MONTH, &r[0])) {
        fuzz_check(r[0].len > 0 && r[0].at + r[0].len <= len, "a range lies inside the line");
        char out[16];
        ai_month_format(r[0].start, r[0].year_only_start, out);
        fuzz_check(strlen(out) < sizeof(out), "a formatted month fits");
        ai_month_format(r[0].end, r[0].year_only_end, out);
        fuzz_check(strlen(out) < sizeof(out), "a formatted month fits");
        int months = ai_months_covered(r, 1);
        fuzz_check(months >= 0, "covered months are not negative");
        /* The same range twice overlaps itself completely. */
        r[1] = r[0];
        fuzz_check(ai_months_covered(r, 2) == months, "overlaps count once");
        /* Whatever follows the first range is read too. */
        const char *rest = strchr(line, '\n');
        if (rest != NULL && ai_date_range(rest + 1, NOW_MONTH, &r[1]))
            fuzz_check(ai_months_covered(r, 2) >= months, "more ranges cover more");
    }
    free(line);
    return 0;
}
