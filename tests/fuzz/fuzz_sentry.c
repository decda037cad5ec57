/* Fuzzes what error monitoring (src/obs/sentry.c) reads from outside the process: the
 * server's X-Sentry-Rate-Limits and Retry-After headers, a crash report file left in DATA_DIR,
 * a SENTRY_DSN value (config_parse_dsn) and, through the scrubber (src/core/scrub.c), any text
 * an event may carry. The first byte picks the status of the answer (429 when odd); the first
 * line is the X-Sentry-Rate-Limits value, the DSN and the text to scrub, the second the
 * Retry-After value; the whole rest is read as a crash report. Checked: deadlines lie between
 * now and the longest limit honoured, category names are well-formed, a delay is -1 or within
 * bounds, a parsed crash report builds a well-formed envelope, a parsed DSN gives an endpoint,
 * and scrubbed text is well-formed UTF-8 without an address and does not change when scrubbed
 * again. */
#include <jansson.h>
#include <string.h>

#include "core/config.h"
#include "core/errors.h"
#include "core/scrub.h"
#include "fuzz.h"
#include "obs/sentry.h"

#define NOW_MS 1700000000000LL

static void check_limits(const sentry_limits *l)
{
    const int64_t latest = NOW_MS + (int64_t)SENTRY_LIMIT_MAX_S * 1000;
    fuzz_check(l->all_until_ms == 0 || (l->all_until_ms >= NOW_MS && l->all_until_ms <= latest),
               "the deadline of every category lies within the longest limit");
    fuzz_check(l->ncat <= SENTRY_LIMIT_CATEGORIES, "categories are bounded");
    for (size_t i = 0; i < l->ncat; i++) {
        size_t n = strnlen(l->cat[i].name, SENTRY_CATEGORY_MAX);
        fuzz_check(n > 0 && n < SENTRY_CATEGORY_MAX, "a category name is 1-31 bytes");
        fuzz_check(strspn(l->cat[i].name, "abcdefghijklmnopqrstuvwxyz_") == n,
                   "a category name is lowercase letters and '_'");
        fuzz_check(l->cat[i].until_ms >= NOW_MS && l->cat[i].until_ms <= latest,
                   "a category's deadline lies within the longest limit");
    }
}

static void rate_limits(unsigned sel, const char *header, const char *retry_after)
{
    sentry_limits l;
    memset(&l, 0, sizeof(l));
    int applied = sentry_limits_apply(&l, header, NOW_MS);
    fuzz_check(applied >= 0, "a count of groups");
    check_limits(&l);
    memset(&l, 0, sizeof(l));
    sentry_limits_update(&l, (sel & 1) ? 429 : 200, (sel & 2) ? header : NULL, retry_after, NOW_MS);
    check_limits(&l);
    int64_t ms = sentry_retry_after_ms(retry_after, NOW_MS);
    fuzz_check(ms == -1 || (ms >= 0 && ms <= (int64_t)SENTRY_LIMIT_MAX_S * 1000),
               "a delay is -1 or within the longest limit");
}

/* Splits an envelope into its three lines and checks them against each other. */
static void check_envelope(const char *env, size_t len)
{
    fuzz_check(len > 0 && env[len - 1] == '\n', "an envelope ends with a newline");
    const char *nl1 = memchr(env, '\n', len);
    fuzz_check(nl1 != NULL, "an envelope has a header line");
    const char *nl2 = memchr(nl1 + 1, '\n', len - (size_t)(nl1 + 1 - env));
    fuzz_check(nl2 != NULL, "an envelope has an item header line");
    json_t *head = json_loadb(env, (size_t)(nl1 - env), 0, NULL);
    json_t *item = json_loadb(nl1 + 1, (size_t)(nl2 - nl1 - 1), 0, NULL);
    fuzz_check(json_is_object(head) && json_is_object(item), "header lines are JSON objects");
    size_t plen = (size_t)json_integer_value(json_object_get(item, "length"));
    fuzz_check(plen == len - (size_t)(nl2 + 1 - env) - 1, "the item length is the payload's");
    json_t *event = json_loadb(nl2 + 1, plen, 0, NULL);
    fuzz_check(json_is_object(event), "the payload is a JSON object");
    json_decref(head);
    json_decref(item);
    json_decref(event);
}

static void crash_report(const char *text, size_t len)
{
    sentry_crash cr;
    if (sentry_crash_parse(text, len, &cr) != IA_OK)
        return;
    fuzz_check(cr.signal > 0 && cr.signal < 65 && cr.pid > 0 && cr.time_s >= 0,
               "a crash report's numbers are in range");
    sentry_meta meta = { cr.release, cr.environment, cr.server_name };
    sentry_event ev = { .level = "fatal",
                        .logger = "crash",
                        .type = "SIGSEGV",
                        .message = cr.process,
                        .transaction = cr.process,
                        .tags = { { "process", cr.process } },
                        .ntags = 1,
                        .timestamp_ms = cr.time_s * 1000 };
    char *env = NULL;
    size_t n = 0;
    int rc =
        sentry_envelope_build(&ev, &meta, "0123456789abcdef0123456789abcdef", NOW_MS, &env, &n);
    fuzz_check(rc == IA_OK, "a parsed crash report makes an envelope");
    check_envelope(env, n);
    free(env);
}

static void dsn(const char *value)
{
    config_dsn d;
    const char *why = NULL;
    if (config_parse_dsn(value, &d, &why) != IA_OK) {
        fuzz_check(why != NULL && why[0] != '\0', "a refused DSN says why");
        return;
    }
    char url[600], auth[300];
    fuzz_check(sentry_endpoint(&d, url, sizeof(url), auth, sizeof(auth)) == IA_OK,
               "a parsed DSN gives an endpoint");
    fuzz_check(strncmp(url, d.scheme, strlen(d.scheme)) == 0, "the endpoint keeps the scheme");
    fuzz_check(strchr(url, '@') == NULL, "the endpoint never carries the key");
}

static void scrub(const char *text)
{
    size_t cap = 3 * strlen(text) + 16;
    char *once = malloc(cap), *twice = malloc(cap);
    if (once != NULL && twice != NULL) {
        size_t n = ia_scrub_text(text, once, cap);
        fuzz_check(n < cap && strlen(once) == n, "the copy fits and is terminated");
        fuzz_check(fuzz_utf8_valid(once, n), "scrubbed text is well-formed UTF-8");
        ia_scrub_text(once, twice, cap);
        fuzz_check(strcmp(once, twice) == 0, "scrubbing again changes nothing");
        char small[16];
        size_t k = ia_scrub_text(text, small, sizeof(small));
        fuzz_check(k < sizeof(small) && fuzz_utf8_valid(small, k), "a short copy is cut cleanly");
    }
    free(once);
    free(twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sel = fuzz_take_byte(&data, &size);
    char *first, *rest;
    if (fuzz_split_line(data, size, &first, &rest) != 0)
        return 0;
    char *second, *tail;
    if (fuzz_split_line((const uint8_t *)rest, strlen(rest), &second, &tail) == 0) {
        rate_limits(sel, first, second);
        free(second);
        free(tail);
    }
    crash_report((const char *)data, size);
    dsn(first);
    scrub(first);
    free(first);
    free(rest);
    return 0;
}
