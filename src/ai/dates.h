/* Dates of resume experience entries: ranges as people write them ("Jan 2020 – Present",
 * "2019-03 to 2021-07", "03/2018 - 06/2020", "2017 — 2019", "02.2022 – present",
 * "(Aug 2025 - now)") and years of experience from them. A month is counted as an index
 * (year * 12 + month - 1); a year alone means its January; an open end is `now`. A range
 * covers its start month up to, not including, its end month. */
#ifndef IA_AI_DATES_H
#define IA_AI_DATES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    int start; /* month index */
    int end;   /* month index; the reference month when open */
    bool open; /* "Present", "now", "current" */
    bool year_only_start, year_only_end;
} ai_range;

/* Finds the first date range in line; false when there is none. now is the month index of
 * today (for open ranges). */
bool ai_date_range(const char *line, int now, ai_range *out);

/* Months covered by the ranges, overlaps counted once. */
int ai_months_covered(const ai_range *r, size_t n);

/* Formats a month index as "YYYY-MM" (or "YYYY" when year_only) into out (16 bytes). */
void ai_month_format(int month, bool year_only, char out[16]);

#endif
