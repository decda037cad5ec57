#include "ai/dates.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                      "jul", "aug", "sep", "oct", "nov", "dec" };

/* A month name (three letters or more, as in "Sept", "January") at s: its number, 1-12, and
 * how many letters it took; 0 when none. */
static int month_name(const char *s, size_t *len)
{
    size_t n = 0;
    while (isalpha((unsigned char)s[n]))
        n++;
    if (n < 3)
        return 0;
    for (int m = 0; m < 12; m++)
        if (strncasecmp(s, months[m], 3) == 0) {
            *len = n;
            return m + 1;
        }
    return 0;
}

static int digits_at(const char *s, int count)
{
    int v = 0;
    for (int i = 0; i < count; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return isdigit((unsigned char)s[count]) ? -1 : v;
}

/* Parses one date at s: "Jan 2020", "January 2020", "2019-03", "03/2018", "02.2022", "2017".
 * Sets *month (index), *year_only and *len; false when s does not start a date. */
static bool one_date(const char *s, int *month, bool *year_only, size_t *len)
{
    size_t n = 0;
    int m = month_name(s, &n);
    if (m > 0) {
        size_t k = n;
        while (s[k] == ' ' || s[k] == '.' || s[k] == ',')
            k++;
        int y = digits_at(s + k, 4);
        if (y < 1950 || y > 2100)
            return false;
        *month = y * 12 + m - 1;
        *year_only = false;
        *len = k + 4;
        return true;
    }
    if (!isdigit((unsigned char)s[0]) || (s[0] != '0' && s[0] != '1' && s[0] != '2'))
        return false;
    int y = digits_at(s, 4);
    if (y >= 1950 && y <= 2100) {
        if ((s[4] == '-' || s[4] == '/' || s[4] == '.') && (m = digits_at(s + 5, 2)) >= 1 &&
            m <= 12) {
            *month = y * 12 + m - 1;
            *year_only = false;
            *len = 7;
            return true;
        }
        *month = y * 12;
        *year_only = true;
        *len = 4;
        return true;
    }
    m = digits_at(s, 2);
    if (m >= 1 && m <= 12 && (s[2] == '/' || s[2] == '.' || s[2] == '-')) {
        y = digits_at(s + 3, 4);
        if (y >= 1950 && y <= 2100) {
            *month = y * 12 + m - 1;
            *year_only = false;
            *len = 7;
            return true;
        }
    }
    return false;
}

/* Skips a range separator: spaces, '-', "to", "–", "—". Returns how many bytes, 0 if none. */
static size_t separator(const char *s)
{
    size_t k = 0;
    bool seen = false;
    for (;;) {
        if (s[k] == ' ')
            k++;
        else if (s[k] == '-') {
            k++;
            seen = true;
        } else if ((unsigned char)s[k] == 0xe2 && (unsigned char)s[k + 1] == 0x80 &&
                   ((unsigned char)s[k + 2] == 0x93 || (unsigned char)s[k + 2] == 0x94)) {
            k += 3;
            seen = true;
        } else if (strncasecmp(s + k, "to ", 3) == 0 && !seen) {
            k += 3;
            seen = true;
        } else {
            break;
        }
    }
    return seen ? k : 0;
}

static bool open_word(const char *s)
{
    static const char *const words[] = { "present", "now", "current", "today", "ongoing" };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t n = strlen(words[i]);
        if (strncasecmp(s, words[i], n) == 0 && !isalpha((unsigned char)s[n]))
            return true;
    }
    return false;
}

bool ai_date_range(const char *line, int now, ai_range *out)
{
    for (const char *p = line; *p; p++) {
        if (p > line && (isalnum((unsigned char)p[-1])))
            continue;
        int start = 0;
        bool ys = false;
        size_t len = 0;
        if (!one_date(p, &start, &ys, &len))
            continue;
        const char *q = p + len;
        size_t sep = separator(q);
        if (sep == 0)
            continue;
        q += sep;
        int end = 0;
        bool ye = false;
        size_t elen = 0;
        if (open_word(q)) {
            /* A start after now (a typo, or a job not begun) covers nothing: never a range
             * that ends before it starts. */
            *out = (ai_range){ start, now > start ? now : start, true, ys, false };
            return true;
        }
        if (one_date(q, &end, &ye, &elen) && end >= start) {
            *out = (ai_range){ start, end, false, ys, ye };
            return true;
        }
    }
    return false;
}

static int cmp_start(const void *a, const void *b)
{
    const ai_range *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

int ai_months_covered(const ai_range *r, size_t n)
{
    if (n == 0)
        return 0;
    ai_range *s = malloc(n * sizeof(*s));
    if (s == NULL)
        return 0;
    memcpy(s, r, n * sizeof(*s));
    qsort(s, n, sizeof(*s), cmp_start);
    int total = 0, cur_start = s[0].start, cur_end = s[0].end;
    for (size_t i = 1; i < n; i++) {
        if (s[i].start <= cur_end) {
            if (s[i].end > cur_end)
                cur_end = s[i].end;
        } else {
            total += cur_end - cur_start;
            cur_start = s[i].start;
            cur_end = s[i].end;
        }
    }
    total += cur_end - cur_start;
    free(s);
    return total;
}

void ai_month_format(int month, bool year_only, char out[16])
{
    if (year_only)
        snprintf(out, 16, "%04d", month / 12);
    else
        snprintf(out, 16, "%04d-%02d", month / 12, month % 12 + 1);
}
