/* Login lockout arithmetic (docs/api.md §3.2): failures count within a sliding window that never
 * reaches back past the last success, unlock or lockout end; the attempt that brings the
 * count to the maximum locks; a locked client answers with the seconds left.
 *
 * Which budget counts (README "Login lockout and device cookies"): a client presenting a valid
 * device cookie of the account, whose device is not itself locked, has the device's own
 * budget; every other client of the account is untrusted and shares the account's budget for
 * untrusted clients, and only untrusted clients are refused while the account is locked. */
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

typedef enum {
    LOCKOUT_BUDGET_UNTRUSTED, /* the account's budget for clients without a trusted device */
    LOCKOUT_BUDGET_DEVICE,    /* the presenting device's own budget */
} lockout_budget;

/* The budget that judges a login: the device's when the client presented a valid device
 * cookie of this account whose device is known and not locked at now, else the untrusted
 * one. device_locked_until is 0 when the device is not locked. */
lockout_budget lockout_budget_for(bool valid_device, int64_t device_locked_until, int64_t now);

/* True when a login judged by budget must be refused (423) without checking the password:
 * only untrusted clients are refused, while the account's untrusted lock lasts. */
bool lockout_refuses(lockout_budget budget, int64_t account_locked_until, int64_t now);

#endif
