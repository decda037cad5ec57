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
