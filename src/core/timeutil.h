/* Clocks and ISO-8601 formatting. Wall-clock time is Unix milliseconds (how timestamps are
 * stored); durations and deadlines use the monotonic clock. */
#ifndef IA_CORE_TIMEUTIL_H
#define IA_CORE_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define IA_ISO8601_LEN 25 /* "2026-03-02T10:15:30.123Z" plus NUL */

int64_t ia_now_ms(void);  /* wall clock, Unix milliseconds */
int64_t ia_mono_ms(void); /* monotonic milliseconds */
int64_t ia_mono_us(void); /* monotonic microseconds */

/* Fills ts with the CLOCK_REALTIME instant ms milliseconds from now, for timed waits. */
void ia_timespec_after(int64_t ms, struct timespec *ts);

/* Writes ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (at least IA_ISO8601_LEN bytes). */
void ia_format_iso8601(int64_t ms, char *out, size_t outlen);

#endif
