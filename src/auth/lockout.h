/* Login lockout arithmetic (docs/api.md §3.2): failures count within a sliding window that never
 * reaches back past the last success, unlock or lockout end; the attempt that brings the
 * count to the maximum locks the account; a locked account answers with the seconds left. */
#ifndef IA_AUTH_LOCKOUT_H
#define IA_AUTH_LOCKOUT_H

#include <stdbool.h>
#include <stdint.h>

/* The instant from which failures count: the window's start, or the reset point if later. */
int64_t lockout_window_start(int64_t now_ms, int64_t window_ms, int64_t reset_at_ms);

/* True when `failures` (this one included) reach the maximum. */
bool lockout_reached(long long failures, long long max_attempts);

/* Whole seconds until locked_until, at least 1 while locked, 0 when not locked. */
int64_t lockout_retry_after_s(int64_t locked_until_ms, int64_t now_ms);

#endif
