// Waiting for background work (docs/api.md §1.8): asks again until the answer is final, a little
// less often each time, pausing as long as the service asks when it rate-limits, and stopping
// when the page is left.

export function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal && signal.aborted) {
            reject(new DOMException('Left the page', 'AbortError'));
            return;
        }
        const t = setTimeout(resolve, ms);
        if (signal)
            signal.addEventListener('abort', () => {
                clearTimeout(t);
                reject(new DOMException('Left the page', 'AbortError'));
            }, { once: true });
    });
}

// Calls fetchOnce() until done(value) is true and returns that value; onUpdate(value) sees
// every intermediate answer. Transient failures (rate limit, busy, network) are retried.
export async function pollUntil(fetchOnce, { signal, done, onUpdate, interval = 1000, maxInterval = 4000 } = {}) {
    let wait = interval;
    for (;;) {
        let value;
        try {
            value = await fetchOnce();
        } catch (err) {
            if (err.name === 'AbortError') throw err;
            const transient = err.code === 'RATE_LIMITED' || err.code === 'NETWORK' || err.status === 503;
            if (!transient) throw err;
            await sleep(Math.max(wait, (err.retryAfter || 0) * 1000), signal);
            continue;
        }
        if (onUpdate) onUpdate(value);
        if (done(value)) return value;
        await sleep(wait, signal);
        wait = Math.min(maxInterval, Math.round(wait * 1.25));
    }
}
