/* Dates of resume experience entries: ranges as people write them ("Jan 2020 – Present",
 * "2019-03 to 2021-07", "03/2018 - 06/2020", "2017 — 2019", "02.2022 – present",
 * "(Aug 2025 - now)", "März 2019 bis heute", "July 2022 to Till Date", "Summer 2018",
 * "Sept '21 → '23") and years of experience from them. Month names and abbreviations are
 * English or German. A month is counted as an index (year * 12 + month - 1); a year alone
 * means its January; an open end is `now`. A range covers its start month up to, not
 * including, its end month. */
#ifndef IA_AI_DATES_H
#define IA_AI_DATES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int start; /* month index */
    int end;   /* month index; the reference month when open */
    bool open; /* "Present", "now", "current", "till date", "heute" */
    bool year_only_start, year_only_end;
    size_t at, len; /* where the range is written in the line: bytes [at, at + len) */
    bool season;    /* a season alone ("Summer 2018"): its three months */
} ai_range;

/* Finds the first date range in line; false when there is none. now is the month index of
 * today (for open ranges). A season with its year alone ("Summer 2018") is a range of the
 * season's three months. */
bool ai_date_range(const char *line, int now, ai_range *out);

/* Finds the last single date of line ("2016", "May 2024", "06/2019", "Summer 2018"): its
 * month index, whether it is a year alone, and where it is written ([*b, *e)). */
bool ai_date_last(const char *line, int *month, bool *year_only, size_t *b, size_t *e);

/* True for a word that is part of a written date: a month or season name in English or
 * German, or an open end such as "Present", "heute" or "date" (as in "till date"). */
bool ai_date_word(const char *w, size_t n);

/* Months covered by the ranges, overlaps counted once. */
int ai_months_covered(const ai_range *r, size_t n);

/* Formats a month index as "YYYY-MM" (or "YYYY" when year_only) into out (16 bytes). */
void ai_month_format(int month, bool year_only, char out[16]);

#endif
