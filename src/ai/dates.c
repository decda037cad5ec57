#include "ai/dates.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/util.h"

#define YEAR_MIN   1950
#define YEAR_MAX   2100
#define WORD_BYTES 16 /* a longer word is never a month, season or open end */

/* Month names in full, English then German (Austrian "Jänner" too); a word is a month when
 * it is one of these or a prefix of one of at least three letters ("Sept", "Okt", "Mär"). */
static const struct {
    const char *name;
    int month;
} month_names[] = {
    { "january", 1 },   { "february", 2 }, { "march", 3 },     { "april", 4 },
    { "may", 5 },       { "june", 6 },     { "july", 7 },      { "august", 8 },
    { "september", 9 }, { "october", 10 }, { "november", 11 }, { "december", 12 },
    { "januar", 1 },    { "jänner", 1 },   { "februar", 2 },   { "märz", 3 },
    { "maerz", 3 },     { "mrz", 3 },      { "mai", 5 },       { "juni", 6 },
    { "juli", 7 },      { "oktober", 10 }, { "dezember", 12 },
};

/* Seasons as the month they begin with: Spring = March, Summer = June, Fall/Autumn =
 * September; Winter = January, as in the "Winter 2018" term of academic calendars, which
 * begins in the January of its year. */
static const struct {
    const char *name;
    int month;
} season_names[] = {
    { "spring", 3 },   { "summer", 6 },   { "fall", 9 },   { "autumn", 9 }, { "winter", 1 },
    { "frühling", 3 }, { "frühjahr", 3 }, { "sommer", 6 }, { "herbst", 9 },
};

/* Words that end a range that is still open. "date" and "now" follow "to", "till" or
 * "until" ("to date", "till date", "until now"); "heute" and "dato" follow "bis". */
static const char *const open_words[] = { "present",    "now",     "current", "currently",
                                          "today",      "ongoing", "date",    "heute",
                                          "dato",       "aktuell", "jetzt",   "laufend",
                                          "gegenwärtig" };

/* Words between the two ends of a range (dashes and arrows are glyphs, below). */
static const char *const range_words[] = { "to", "till", "until", "through", "thru", "bis" };

/* Reads the word of letters (ASCII, or two-byte UTF-8 such as "ä") at s, lower-cased into
 * buf (WORD_BYTES); returns its length in bytes, 0 when s does not start a word or it is too
 * long to be a date word. */
static size_t read_word(const char *s, char buf[WORD_BYTES])
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0;
    for (;;) {
        if (isalpha(u[n])) {
            if (n + 1 >= WORD_BYTES)
                return 0;
            buf[n] = (char)tolower(u[n]);
            n++;
        } else if (u[n] == 0xc3 && u[n + 1] >= 0x80 && u[n + 1] <= 0xbf) {
            if (n + 2 >= WORD_BYTES)
                return 0;
            buf[n] = (char)0xc3;
            /* Latin-1 capitals (Ä = c3 84) to their small letters (ä = c3 a4). */
            buf[n + 1] = (char)(u[n + 1] < 0xa0 && u[n + 1] != 0x97 ? u[n + 1] + 0x20 : u[n + 1]);
            n += 2;
        } else {
            break;
        }
    }
    buf[n] = '\0';
    return n;
}

/* True when the lower-case word w is the name itself or a prefix of it of three letters or
 * more. */
static bool names(const char *w, size_t n, const char *name, bool prefix)
{
    size_t l = strlen(name);
    if (n == l)
        return memcmp(w, name, n) == 0;
    return prefix && n >= 3 && n < l && memcmp(w, name, n) == 0;
}

/* The month (1-12) a month or season word at s names; sets *len (an abbreviation's full
 * stop included) and *season. 0 when s does not start one. */
static int month_word(const char *s, size_t *len, bool *season)
{
    char w[WORD_BYTES];
    size_t n = read_word(s, w);
    if (n < 3)
        return 0;
    int m = 0;
    *season = false;
    for (size_t i = 0; i < COUNT(month_names) && m == 0; i++)
        if (names(w, n, month_names[i].name, true))
            m = month_names[i].month;
    for (size_t i = 0; i < COUNT(season_names) && m == 0; i++)
        if (names(w, n, season_names[i].name, false)) {
            m = season_names[i].month;
            *season = true;
        }
    if (m == 0)
        return 0;
    *len = n + (s[n] == '.');
    return m;
}

bool ai_date_word(const char *w, size_t n)
{
    char buf[WORD_BYTES];
    size_t len = 0;
    bool season = false;
    if (n >= WORD_BYTES)
        return false;
    memcpy(buf, w, n);
    buf[n] = '\0';
    if (month_word(buf, &len, &season) > 0 && len == n)
        return true;
    char low[WORD_BYTES];
    if (read_word(buf, low) != n)
        return false;
    for (size_t i = 0; i < COUNT(open_words); i++)
        if (strcmp(low, open_words[i]) == 0)
            return true;
    for (size_t i = 0; i < COUNT(range_words); i++)
        if (strcmp(low, range_words[i]) == 0)
            return true;
    return false;
}

/* The number written with exactly count digits at s (no digit after them); -1 otherwise. */
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

/* Length of an apostrophe at s: ' or the right single quotation mark ’ (e2 80 99); 0 if
 * none. */
static size_t apostrophe(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == '\'')
        return 1;
    return u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0x99 ? 3 : 0;
}

/* A year at s: four digits (1950-2100) or an apostrophe and two ("'23" is 2023, "'98" is
 * 1998: two-digit years up to 50 are this century's). Sets *len; -1 when none. */
static int year_at(const char *s, size_t *len)
{
    int y = digits_at(s, 4);
    if (y >= YEAR_MIN && y <= YEAR_MAX) {
        *len = 4;
        return y;
    }
    size_t a = apostrophe(s);
    if (a == 0 || (y = digits_at(s + a, 2)) < 0 || isalpha((unsigned char)s[a + 2]))
        return -1;
    *len = a + 2;
    return y <= 50 ? 2000 + y : 1900 + y;
}

/* Parses one date at s: "Jan 2020", "January 2020", "März 2019", "Sept '21", "Summer 2018",
 * "2019-03", "03/2018", "3/2018", "02.2022", "15.03.2019", "2017", "'23". Sets *month
 * (index), *year_only, *season and *len; false when s does not start a date. */
static bool one_date(const char *s, int *month, bool *year_only, bool *season, size_t *len)
{
    size_t n = 0, yl = 0;
    *season = false;
    int m = month_word(s, &n, season);
    if (m > 0) {
        size_t k = n;
        while (s[k] == ' ' || s[k] == '.' || s[k] == ',')
            k++;
        int y = year_at(s + k, &yl);
        if (y < 0)
            return false;
        *month = y * 12 + m - 1;
        *year_only = false;
        *len = k + yl;
        return true;
    }
    if (!isdigit((unsigned char)s[0])) {
        int y = year_at(s, &yl);
        if (y < 0)
            return false;
        *month = y * 12;
        *year_only = true;
        *len = yl;
        return true;
    }
    int y = digits_at(s, 4);
    if (y >= YEAR_MIN && y <= YEAR_MAX) {
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
    /* "15.03.2019": a day first, as German CVs write it; the day is dropped. */
    int d = digits_at(s, 2);
    size_t skip = 0;
    if (d >= 1 && d <= 31 && s[2] == '.' && digits_at(s + 3, 2) >= 1 && s[5] == '.' &&
        digits_at(s + 6, 4) >= YEAR_MIN)
        skip = 3;
    size_t md = isdigit((unsigned char)s[skip + 1]) ? 2 : 1;
    m = digits_at(s + skip, (int)md);
    char sep = s[skip + md];
    if (m >= 1 && m <= 12 && (sep == '/' || sep == '.' || (sep == '-' && md == 2))) {
        y = digits_at(s + skip + md + 1, 4);
        if (y >= YEAR_MIN && y <= YEAR_MAX) {
            *month = y * 12 + m - 1;
            *year_only = false;
            *len = skip + md + 5;
            return true;
        }
    }
    return false;
}

/* Length of a dash or arrow glyph at s: – — → (and ⟶); 0 if none. */
static size_t dash_glyph(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0x93 || u[2] == 0x94 || u[2] == 0x92))
        return 3;
    if (u[0] == 0xe2 && u[1] == 0x86 && u[2] == 0x92)
        return 3;
    if (u[0] == 0xe2 && u[1] == 0x9f && u[2] == 0xb6)
        return 3;
    return 0;
}

/* Skips a range separator: spaces, '-', '~', "->", dashes and arrows, and the words "to",
 * "till", "until", "through", "bis" (in any mix: "– to", "to Till"). Returns how many bytes,
 * 0 if there is none. */
static size_t separator(const char *s)
{
    size_t k = 0, g = 0;
    bool seen = false;
    for (;;) {
        if (s[k] == ' ') {
            k++;
        } else if (s[k] == '-' || s[k] == '~' || (s[k] == '>' && seen)) {
            k++;
            seen = true;
        } else if ((g = dash_glyph(s + k)) > 0) {
            k += g;
            seen = true;
        } else {
            char w[WORD_BYTES];
            size_t n = read_word(s + k, w);
            bool word = false;
            for (size_t i = 0; i < COUNT(range_words) && n > 0 && !word; i++)
                word = strcmp(w, range_words[i]) == 0;
            if (!word || s[k + n] != ' ')
                break;
            k += n;
            seen = true;
        }
    }
    return seen ? k : 0;
}

/* Length of an open end at s ("Present", "heute", "date"), 0 if none. */
static size_t open_word(const char *s)
{
    char w[WORD_BYTES];
    size_t n = read_word(s, w);
    for (size_t i = 0; i < COUNT(open_words) && n > 0; i++)
        if (strcmp(w, open_words[i]) == 0)
            return n;
    return 0;
}

bool ai_date_range(const char *line, int now, ai_range *out)
{
    for (const char *p = line; *p; p++) {
        if (p > line && (isalnum((unsigned char)p[-1]) || (unsigned char)p[-1] >= 0xc3))
            continue;
        int start = 0;
        bool ys = false, season = false;
        size_t len = 0;
        if (!one_date(p, &start, &ys, &season, &len))
            continue;
        const char *q = p + len;
        size_t sep = separator(q);
        size_t at = (size_t)(p - line);
        if (sep == 0) {
            if (!season)
                continue;
            /* "Summer 2018" alone: the season's three months (June to August). */
            *out = (ai_range){ start, start + 2, false, false, false, at, len, true };
            return true;
        }
        q += sep;
        int end = 0;
        bool ye = false, se = false;
        size_t elen = 0;
        if ((elen = open_word(q)) > 0) {
            /* A start after now (a typo, or a job not begun) covers nothing: never a range
             * that ends before it starts. */
            *out = (ai_range){ start, now > start ? now : start, true, ys, false,
                               at,    (size_t)(q + elen - p) };
            return true;
        }
        if (one_date(q, &end, &ye, &se, &elen) && end >= start) {
            *out = (ai_range){ start, end, false, ys, ye, at, (size_t)(q + elen - p) };
            return true;
        }
    }
    return false;
}

bool ai_date_last(const char *line, int *month, bool *year_only, size_t *b, size_t *e)
{
    bool found = false;
    for (const char *p = line; *p; p++) {
        if (p > line && (isalnum((unsigned char)p[-1]) || (unsigned char)p[-1] >= 0xc3))
            continue;
        int m = 0;
        bool yo = false, season = false;
        size_t len = 0;
        if (!one_date(p, &m, &yo, &season, &len))
            continue;
        *month = m;
        *year_only = yo;
        *b = (size_t)(p - line);
        *e = *b + len;
        found = true;
        p += len - 1;
    }
    return found;
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
