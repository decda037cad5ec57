#include "auth/lockout.h"

int64_t lockout_window_start(int64_t now_ms, int64_t window_ms, int64_t reset_at_ms)
{
    int64_t start = now_ms - window_ms;
    return reset_at_ms > start ? reset_at_ms : start;
}

bool lockout_reached(long long failures, long long max_attempts)
{
    return max_attempts > 0 && failures >= max_attempts;
}

int64_t lockout_retry_after_s(int64_t locked_until_ms, int64_t now_ms)
{
    if (locked_until_ms <= now_ms)
        return 0;
    return (locked_until_ms - now_ms + 999) / 1000;
}

lockout_budget lockout_budget_for(bool valid_device, int64_t device_locked_until, int64_t now)
{
    if (valid_device && device_locked_until <= now)
        return LOCKOUT_BUDGET_DEVICE;
    return LOCKOUT_BUDGET_UNTRUSTED;
}

bool lockout_refuses(lockout_budget budget, int64_t account_locked_until, int64_t now)
{
    return budget == LOCKOUT_BUDGET_UNTRUSTED && account_locked_until > now;
}
