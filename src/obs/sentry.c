#include "obs/sentry.h"

#include <ctype.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/scrub.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "obs/metrics.h"
#include "core/util.h"

#define URL_MAX          600
#define AUTH_MAX         300
#define HEADER_MAX       512 /* bytes kept of a rate-limit header */
#define SPOOL_PREFIX     "sentry-crash-"
#define SPOOL_SUFFIX     ".json"
#define CRASH_HEAD_MAX   2048
#define CRASH_WAIT_STEPS 100 /* a second crashing thread waits up to 100 x 10 ms for the first */

/* ---- scrubbed strings ---------------------------------------------------------------------- */

/* Sets key of o to a copy of s cut to max bytes, with e-mail addresses scrubbed when scrub is
 * set (text that may come from users) or kept (names the operator chose: release, environment,
 * host); nothing when s is NULL or empty. Returns false when jansson could not take it. */
static bool put_text(json_t *o, const char *key, const char *s, size_t max, bool scrub)
{
    if (s == NULL || *s == '\0')
        return true;
    char buf[SENTRY_MESSAGE_MAX + 1];
    if (max >= sizeof(buf))
        max = sizeof(buf) - 1;
    if (scrub)
        ia_scrub_text(s, buf, max + 1);
    else
        ia_clean_text(s, buf, max + 1);
    return json_object_set_new(o, key, json_string(buf)) == 0;
}

/* Text that may come from users, scrubbed. */
static bool set_text(json_t *o, const char *key, const char *s, size_t max)
{
    return put_text(o, key, s, max, true);
}

/* A name the operator chose, kept as it is (bounded, valid UTF-8). */
static bool set_name(json_t *o, const char *key, const char *s, size_t max)
{
    return put_text(o, key, s, max, false);
}

/* ---- the envelope -------------------------------------------------------------------------- */

int sentry_endpoint(const config_dsn *dsn, char *url, size_t urllen, char *auth, size_t authlen)
{
    int n = snprintf(url, urllen, "%s://%s%s/api/%s/envelope/", dsn->scheme, dsn->host, dsn->path,
                     dsn->project_id);
    if (n < 0 || (size_t)n >= urllen)
        return IA_ERR_TOO_LARGE;
    n = snprintf(auth, authlen,
                 "Sentry sentry_version=7, sentry_key=%s, sentry_client=interviewace/%s",
                 dsn->public_key, IA_VERSION);
    if (n < 0 || (size_t)n >= authlen)
        return IA_ERR_TOO_LARGE;
    return IA_OK;
}

/* Sets key of parent to v and returns v (now owned by parent), or NULL when v is NULL or
 * could not be set (jansson then frees it). */
static json_t *child(json_t *parent, const char *key, json_t *v)
{
    return json_object_set_new(parent, key, v) == 0 ? v : NULL;
}

/* The event JSON of ev: Sentry's event payload with the exception, tags, user (id only), a
 * fingerprint that groups by reporter, type and transaction, and the SDK's name. */
static json_t *event_json(const sentry_event *ev, const sentry_meta *meta, const char *event_id,
                          int64_t now_ms)
{
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    const char *logger = ev->logger ? ev->logger : "interviewace";
    char when[IA_ISO8601_LEN];
    ia_format_iso8601(ev->timestamp_ms > 0 ? ev->timestamp_ms : now_ms, when, sizeof(when));
    bool ok = json_object_set_new(o, "event_id", json_string(event_id)) == 0 &&
              json_object_set_new(o, "timestamp", json_string(when)) == 0 &&
              json_object_set_new(o, "platform", json_string("c")) == 0 &&
              set_name(o, "level", ev->level, 16) && set_name(o, "logger", logger, 64) &&
              set_name(o, "release", meta->release, 200) &&
              set_name(o, "environment", meta->environment, 64) &&
              set_name(o, "server_name", meta->server_name, SENTRY_TAG_MAX) &&
              set_text(o, "transaction", ev->transaction, SENTRY_TAG_MAX);
    json_t *exc = ok ? child(o, "exception", json_object()) : NULL;
    json_t *values = exc ? child(exc, "values", json_array()) : NULL;
    json_t *item = values ? json_object() : NULL;
    ok = item != NULL && json_array_append_new(values, item) == 0 &&
         set_text(item, "type", ev->type, SENTRY_TAG_MAX) &&
         set_text(item, "value", ev->message, SENTRY_MESSAGE_MAX);
    json_t *tags = ok ? child(o, "tags", json_object()) : NULL;
    ok = tags != NULL;
    for (size_t i = 0; ok && i < ev->ntags && i < SENTRY_TAGS_MAX; i++) {
        char key[33];
        ia_scrub_text(ev->tags[i].key, key, sizeof(key));
        if (key[0] != '\0')
            ok = set_text(tags, key, ev->tags[i].value, SENTRY_TAG_MAX);
    }
    if (ok && ev->user_id != NULL && *ev->user_id != '\0') {
        json_t *user = child(o, "user", json_object());
        ok = user != NULL && set_text(user, "id", ev->user_id, 64);
    }
    json_t *fp = ok ? child(o, "fingerprint", json_array()) : NULL;
    const char *parts[3] = { logger, ev->type, ev->transaction ? ev->transaction : "" };
    ok = fp != NULL;
    for (size_t i = 0; ok && i < 3; i++) {
        char buf[SENTRY_TAG_MAX + 1];
        ia_scrub_text(parts[i], buf, sizeof(buf));
        ok = json_array_append_new(fp, json_string(buf)) == 0;
    }
    ok = ok &&
         json_object_set_new(
             o, "sdk", json_pack("{s:s, s:s}", "name", "interviewace", "version", IA_VERSION)) == 0;
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int sentry_envelope_build(const sentry_event *ev, const sentry_meta *meta, const char *event_id,
                          int64_t now_ms, char **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (ev->level == NULL || ev->type == NULL || *ev->type == '\0')
        return IA_ERR_INVALID;
    json_t *event = event_json(ev, meta, event_id, now_ms);
    char *payload = event ? json_dumps(event, JSON_COMPACT) : NULL;
    json_decref(event);
    if (payload == NULL)
        return IA_ERR_NOMEM;
    size_t plen = strlen(payload);
    char sent_at[IA_ISO8601_LEN];
    ia_format_iso8601(now_ms, sent_at, sizeof(sent_at));
    char head[256];
    int hn = snprintf(head, sizeof(head),
                      "{\"event_id\":\"%s\",\"sent_at\":\"%s\"}\n"
                      "{\"type\":\"event\",\"length\":%zu,\"content_type\":\"application/json\"}\n",
                      event_id, sent_at, plen);
    if (hn < 0 || (size_t)hn >= sizeof(head)) {
        free(payload);
        return IA_ERR_INVALID;
    }
    size_t total = (size_t)hn + plen + 1;
    if (total > SENTRY_ENVELOPE_MAX) {
        free(payload);
        return IA_ERR_TOO_LARGE;
    }
    char *env = malloc(total + 1);
    if (env == NULL) {
        free(payload);
        return IA_ERR_NOMEM;
    }
    memcpy(env, head, (size_t)hn);
    memcpy(env + hn, payload, plen);
    env[total - 1] = '\n';
    env[total] = '\0';
    free(payload);
    *out = env;
    *outlen = total;
    return IA_OK;
}

/* ---- the server's limits and ours ---------------------------------------------------------- */

/* Parses "<digits>[.<digits>]" at s (n bytes) into whole seconds, a fraction rounding up, at
 * most SENTRY_LIMIT_MAX_S. Returns -1 when it is not such a number. */
static int64_t parse_seconds(const char *s, size_t n)
{
    size_t i = 0;
    int64_t v = 0;
    while (i < n && isdigit((unsigned char)s[i])) {
        if (v <= SENTRY_LIMIT_MAX_S)
            v = v * 10 + (s[i] - '0');
        i++;
    }
    if (i == 0)
        return -1;
    bool fraction = false;
    if (i < n && s[i] == '.') {
        i++;
        size_t d = i;
        while (i < n && isdigit((unsigned char)s[i])) {
            fraction = fraction || s[i] != '0';
            i++;
        }
        if (i == d)
            return -1;
    }
    if (i != n)
        return -1;
    v += fraction ? 1 : 0;
    return v > SENTRY_LIMIT_MAX_S ? SENTRY_LIMIT_MAX_S : v;
}

int64_t sentry_retry_after_ms(const char *value, int64_t now_ms)
{
    if (value == NULL)
        return -1;
    while (*value == ' ' || *value == '\t')
        value++;
    size_t n = strlen(value);
    while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t' || value[n - 1] == '\r' ||
                     value[n - 1] == '\n'))
        n--;
    if (n == 0)
        return -1;
    if (isdigit((unsigned char)value[0])) {
        int64_t s = parse_seconds(value, n);
        return s < 0 ? -1 : s * 1000;
    }
    char date[128];
    if (n >= sizeof(date))
        return -1;
    memcpy(date, value, n);
    date[n] = '\0';
    time_t t = curl_getdate(date, NULL);
    if (t < 0)
        return -1;
    int64_t now_s = now_ms / 1000;
    int64_t s = (int64_t)t > now_s ? (int64_t)t - now_s : 0;
    return (s < SENTRY_LIMIT_MAX_S ? s : SENTRY_LIMIT_MAX_S) * 1000;
}

/* Moves the deadline of one category (n bytes at name; "" = all) to until when later. */
static void limit_category(sentry_limits *l, const char *name, size_t n, int64_t until)
{
    if (n == 0) {
        if (until > l->all_until_ms)
            l->all_until_ms = until;
        return;
    }
    if (n >= SENTRY_CATEGORY_MAX)
        return;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)name[i]) || name[i] == '_'))
            return;
    for (size_t i = 0; i < l->ncat; i++) {
        if (strlen(l->cat[i].name) == n && memcmp(l->cat[i].name, name, n) == 0) {
            if (until > l->cat[i].until_ms)
                l->cat[i].until_ms = until;
            return;
        }
    }
    if (l->ncat >= SENTRY_LIMIT_CATEGORIES)
        return;
    memcpy(l->cat[l->ncat].name, name, n);
    l->cat[l->ncat].name[n] = '\0';
    l->cat[l->ncat].until_ms = until;
    l->ncat++;
}

/* Trims spaces and tabs around s[0..n); returns the new start and sets *len. */
static const char *trim(const char *s, size_t n, size_t *len)
{
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return s;
}

/* Applies one group "<seconds>:<categories>:<scope>..." (n bytes at g). Returns 1 when it was
 * applied, 0 when it is malformed. */
static int apply_group(sentry_limits *l, const char *g, size_t n, int64_t now_ms)
{
    const char *c1 = memchr(g, ':', n);
    if (c1 == NULL)
        return 0;
    size_t slen;
    const char *secs = trim(g, (size_t)(c1 - g), &slen);
    int64_t s = parse_seconds(secs, slen);
    if (s < 0)
        return 0;
    const char *cats = c1 + 1;
    const char *end = g + n;
    const char *c2 = memchr(cats, ':', (size_t)(end - cats));
    if (c2 == NULL)
        return 0; /* the scope is required */
    int64_t until = now_ms + s * 1000;
    size_t clen;
    const char *list = trim(cats, (size_t)(c2 - cats), &clen);
    if (clen == 0) {
        limit_category(l, "", 0, until);
        return 1;
    }
    const char *p = list, *lend = list + clen;
    while (p < lend) {
        const char *semi = memchr(p, ';', (size_t)(lend - p));
        const char *e = semi ? semi : lend;
        size_t nlen;
        const char *name = trim(p, (size_t)(e - p), &nlen);
        if (nlen > 0)
            limit_category(l, name, nlen, until);
        p = semi ? semi + 1 : lend;
    }
    return 1;
}

int sentry_limits_apply(sentry_limits *l, const char *value, int64_t now_ms)
{
    if (value == NULL)
        return 0;
    int applied = 0;
    const char *p = value;
    const char *end = value + strlen(value);
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *e = comma ? comma : end;
        size_t glen;
        const char *g = trim(p, (size_t)(e - p), &glen);
        if (glen > 0)
            applied += apply_group(l, g, glen, now_ms);
        p = comma ? comma + 1 : end;
    }
    return applied;
}

void sentry_limits_update(sentry_limits *l, long status, const char *rate_limits,
                          const char *retry_after, int64_t now_ms)
{
    if (rate_limits != NULL && *rate_limits != '\0') {
        sentry_limits_apply(l, rate_limits, now_ms);
        return;
    }
    if (status != 429)
        return;
    int64_t ms = sentry_retry_after_ms(retry_after, now_ms);
    if (ms < 0)
        ms = SENTRY_RETRY_AFTER_DEFAULT_S * 1000;
    limit_category(l, "", 0, now_ms + ms);
}

int64_t sentry_limits_until(const sentry_limits *l, const char *category)
{
    int64_t until = l->all_until_ms;
    for (size_t i = 0; i < l->ncat; i++)
        if (strcmp(l->cat[i].name, category) == 0 && l->cat[i].until_ms > until)
            until = l->cat[i].until_ms;
    return until;
}

void sentry_bucket_init(sentry_bucket *b, int64_t now_ms)
{
    b->milli = (int64_t)SENTRY_EVENTS_PER_MINUTE * 1000;
    b->last_ms = now_ms;
}

bool sentry_bucket_take(sentry_bucket *b, int64_t now_ms)
{
    const int64_t cap = (int64_t)SENTRY_EVENTS_PER_MINUTE * 1000;
    if (now_ms > b->last_ms) {
        int64_t elapsed = now_ms - b->last_ms;
        /* SENTRY_EVENTS_PER_MINUTE tokens per 60,000 ms, in thousandths of a token. */
        int64_t add = elapsed >= 60000 ? cap : elapsed * SENTRY_EVENTS_PER_MINUTE / 60;
        b->milli = b->milli + add > cap ? cap : b->milli + add;
        b->last_ms = now_ms;
    }
    if (b->milli < 1000)
        return false;
    b->milli -= 1000;
    return true;
}

/* ---- crash reports ------------------------------------------------------------------------- */

static char g_crash_path[4096];
static char g_crash_head[CRASH_HEAD_MAX];
static size_t g_crash_head_len;
static atomic_flag g_crashing = ATOMIC_FLAG_INIT;
static volatile sig_atomic_t g_crash_written;
static const int crash_signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE };

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGABRT:
        return "SIGABRT";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    default:
        return "signal";
    }
}

/* Writes the decimal digits of v into buf (at least 20 bytes); returns their count. Only
 * arithmetic: safe in a signal handler. */
static size_t put_decimal(char *buf, unsigned long long v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

/* write() until all n bytes are written or it fails. Async-signal-safe. */
static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* The fatal-signal handler: the first crashing thread writes the pre-formatted report with the
 * signal number and the time (open, write and close only); a second one waits a moment for it.
 * SA_RESETHAND has restored the default action and SA_NODEFER lets raise() deliver it at once,
 * so the process ends with this signal, as it would have without the handler. */
static void crash_handler(int sig)
{
    int saved = errno;
    if (!atomic_flag_test_and_set(&g_crashing)) {
        int fd = open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0) {
            char tail[64];
            size_t n = put_decimal(tail, (unsigned long long)sig);
            static const char time_key[] = ",\"time\":";
            for (size_t i = 0; i < sizeof(time_key) - 1; i++)
                tail[n++] = time_key[i];
            struct timespec ts = { 0, 0 };
            clock_gettime(CLOCK_REALTIME, &ts);
            n += put_decimal(tail + n, (unsigned long long)(ts.tv_sec > 0 ? ts.tv_sec : 0));
            tail[n++] = '}';
            tail[n++] = '\n';
            write_all(fd, g_crash_head, g_crash_head_len);
            write_all(fd, tail, n);
            close(fd);
        }
        g_crash_written = 1;
    } else {
        for (int i = 0; i < CRASH_WAIT_STEPS && !g_crash_written; i++) {
            struct timespec ts = { 0, 10 * 1000000L };
            nanosleep(&ts, NULL);
        }
    }
    errno = saved;
    raise(sig);
}

int sentry_crash_install(const char *path, const sentry_meta *meta, const char *process)
{
    int n = snprintf(g_crash_path, sizeof(g_crash_path), "%s", path);
    if (n < 0 || (size_t)n >= sizeof(g_crash_path))
        return IA_ERR_TOO_LARGE;
    /* The report up to the signal number: the handler appends the number, the time and '}'. */
    json_t *o = json_object();
    int rc = IA_ERR_NOMEM;
    if (o != NULL && json_object_set_new(o, "v", json_integer(1)) == 0 &&
        json_object_set_new(o, "pid", json_integer((json_int_t)getpid())) == 0 &&
        set_name(o, "process", process, 31) && set_name(o, "release", meta->release, 200) &&
        set_name(o, "environment", meta->environment, 64) &&
        set_name(o, "server_name", meta->server_name, 255)) {
        char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        size_t len = text ? strlen(text) : 0;
        static const char key[] = ",\"signal\":";
        if (text == NULL) {
            rc = IA_ERR_NOMEM;
        } else if (len < 2 || len - 1 + sizeof(key) > sizeof(g_crash_head)) {
            rc = IA_ERR_TOO_LARGE;
        } else {
            memcpy(g_crash_head, text, len - 1); /* without the closing brace */
            memcpy(g_crash_head + len - 1, key, sizeof(key) - 1);
            g_crash_head_len = len - 1 + sizeof(key) - 1;
            rc = IA_OK;
        }
        free(text);
    }
    json_decref(o);
    if (rc != IA_OK)
        return rc;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = crash_handler;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < COUNT(crash_signals); i++)
        if (sigaction(crash_signals[i], &sa, NULL) != 0)
            return IA_ERR_INTERNAL;
    return IA_OK;
}

/* Copies the string member key of o into out (outlen bytes). Returns false when it is missing,
 * not a string, empty or too long. */
static bool get_text(const json_t *o, const char *key, char *out, size_t outlen)
{
    const json_t *v = json_object_get(o, key);
    const char *s = json_string_value(v);
    if (s == NULL)
        return false;
    size_t n = json_string_length(v);
    if (n == 0 || n >= outlen || strlen(s) != n)
        return false;
    memcpy(out, s, n + 1);
    return true;
}

int sentry_crash_parse(const char *text, size_t len, sentry_crash *out)
{
    memset(out, 0, sizeof(*out));
    if (text == NULL || len == 0 || len > SENTRY_SPOOL_BYTES_MAX)
        return IA_ERR_INVALID;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
    int rc = IA_ERR_INVALID;
    const json_t *sig = json_object_get(o, "signal");
    const json_t *when = json_object_get(o, "time");
    const json_t *pid = json_object_get(o, "pid");
    if (json_is_object(o) && json_integer_value(json_object_get(o, "v")) == 1 &&
        json_is_integer(sig) && json_integer_value(sig) > 0 && json_integer_value(sig) < 65 &&
        json_is_integer(when) && json_integer_value(when) >= 0 && json_is_integer(pid) &&
        json_integer_value(pid) > 0 && get_text(o, "process", out->process, sizeof(out->process)) &&
        get_text(o, "release", out->release, sizeof(out->release)) &&
        get_text(o, "environment", out->environment, sizeof(out->environment)) &&
        get_text(o, "server_name", out->server_name, sizeof(out->server_name))) {
        out->signal = (int)json_integer_value(sig);
        out->time_s = (int64_t)json_integer_value(when);
        out->pid = (long long)json_integer_value(pid);
        rc = IA_OK;
    }
    json_decref(o);
    if (rc != IA_OK)
        memset(out, 0, sizeof(*out));
    return rc;
}

/* ---- sending ------------------------------------------------------------------------------- */

typedef struct {
    long status;                  /* HTTP status, 0 without an answer */
    char rate_limits[HEADER_MAX]; /* X-Sentry-Rate-Limits, "" when absent */
    char retry_after[64];         /* Retry-After, "" when absent */
    char error[CURL_ERROR_SIZE + 64];
} post_result;

/* Abort point of a send in progress (monotonic ms), moved by sentry_stop. */
static atomic_llong g_abort_at = LLONG_MAX;

static size_t discard_body(char *data, size_t size, size_t nmemb, void *userp)
{
    (void)data;
    (void)userp;
    return size * nmemb;
}

/* Copies the value of a header line into out when its name is name (with the colon). */
static void take_header(const char *line, size_t n, const char *name, char *out, size_t outlen)
{
    size_t k = strlen(name);
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
        n--;
    if (n <= k || strncasecmp(line, name, k) != 0)
        return;
    size_t vlen;
    const char *v = trim(line + k, n - k, &vlen);
    if (vlen >= outlen)
        vlen = outlen - 1;
    memcpy(out, v, vlen);
    out[vlen] = '\0';
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    post_result *r = userp;
    size_t n = size * nmemb;
    take_header(data, n, "x-sentry-rate-limits:", r->rate_limits, sizeof(r->rate_limits));
    take_header(data, n, "retry-after:", r->retry_after, sizeof(r->retry_after));
    return n;
}

static int on_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)clientp;
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return ia_mono_ms() >= atomic_load(&g_abort_at) ? 1 : 0;
}

/* Posts one envelope. Returns IA_OK when the server answered 2xx, else IA_ERR_UNAVAILABLE
 * (IA_ERR_NOMEM when libcurl cannot start) with the reason in r->error; r->status and the
 * rate-limit headers are filled in whenever there was an answer. */
static int post_envelope(const char *url, const char *auth, const char *body, size_t len,
                         post_result *r)
{
    memset(r, 0, sizeof(*r));
    char auth_line[AUTH_MAX + 32];
    snprintf(auth_line, sizeof(auth_line), "X-Sentry-Auth: %s", auth);
    struct curl_slist *h = curl_slist_append(NULL, auth_line);
    struct curl_slist *h2 =
        h ? curl_slist_append(h, "Content-Type: application/x-sentry-envelope") : NULL;
    struct curl_slist *h3 = h2 ? curl_slist_append(h2, "Expect:") : NULL;
    CURL *c = h3 ? curl_easy_init() : NULL;
    if (c == NULL) {
        curl_slist_free_all(h);
        snprintf(r->error, sizeof(r->error), "out of memory");
        return IA_ERR_NOMEM;
    }
    char cerr[CURL_ERROR_SIZE];
    cerr[0] = '\0';
    CURLcode cc = CURLE_OK;
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (cc == CURLE_OK)                                                                        \
            cc = curl_easy_setopt(c, opt, val);                                                    \
    } while (0)
    SET(CURLOPT_URL, url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_HTTPHEADER, h);
    SET(CURLOPT_POST, 1L);
    SET(CURLOPT_POSTFIELDS, body);
    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    SET(CURLOPT_USERAGENT, "interviewace/" IA_VERSION);
    SET(CURLOPT_TIMEOUT_MS, (long)SENTRY_TIMEOUT_MS);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)SENTRY_CONNECT_TIMEOUT_MS);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_WRITEFUNCTION, discard_body);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, r);
    SET(CURLOPT_ERRORBUFFER, cerr);
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
#undef SET
    if (cc == CURLE_OK)
        cc = curl_easy_perform(c);
    long status = 0;
    if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
        status = 0;
    r->status = status;
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    if (cc != CURLE_OK) {
        snprintf(r->error, sizeof(r->error), "%s%s%s", curl_easy_strerror(cc),
                 cerr[0] != '\0' ? ": " : "", cerr);
        return IA_ERR_UNAVAILABLE;
    }
    if (status < 200 || status > 299) {
        snprintf(r->error, sizeof(r->error), "HTTP %ld", status);
        return IA_ERR_UNAVAILABLE;
    }
    return IA_OK;
}

/* ---- the sender ---------------------------------------------------------------------------- */

enum { OUT_SENT, OUT_DROPPED, OUT_FAILED, OUT_RATE_LIMITED, OUT_SAMPLED_OUT, OUT_COUNT, OUT_NONE };
static const char *const outcome_names[OUT_COUNT] = { "sent", "dropped", "failed", "rate_limited",
                                                      "sampled_out" };

typedef struct {
    char *body; /* an envelope, or NULL for a crash report */
    size_t len;
    char *spool; /* the crash report's path, or NULL */
} sentry_item;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool started, accepting, stopping, enabled, curl_ready;
    pthread_t thread;
    sentry_item *ring[SENTRY_QUEUE_MAX + SENTRY_SPOOL_MAX];
    size_t head, count;
    int64_t deadline_ms;
    unsigned long long n[OUT_COUNT];
    bool failing; /* the last send failed: logged once until one succeeds */
    /* settings, fixed while started */
    char url[URL_MAX];
    char auth[AUTH_MAX];
    char release[201];
    char environment[65];
    char server_name[256];
    double sample_rate;
} g = { .lock = PTHREAD_MUTEX_INITIALIZER };

#define RING_CAP (SENTRY_QUEUE_MAX + SENTRY_SPOOL_MAX)

static pthread_once_t g_metrics_once = PTHREAD_ONCE_INIT;

static void item_free(sentry_item *it)
{
    if (it == NULL)
        return;
    free(it->body);
    free(it->spool);
    free(it);
}

static void count(int outcome)
{
    if (outcome < 0 || outcome >= OUT_COUNT)
        return;
    pthread_mutex_lock(&g.lock);
    g.n[outcome]++;
    pthread_mutex_unlock(&g.lock);
}

static void collect_metrics(strbuf *sb, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&g.lock);
    unsigned long long n[OUT_COUNT];
    memcpy(n, g.n, sizeof(n));
    size_t depth = g.count;
    bool enabled = g.enabled;
    pthread_mutex_unlock(&g.lock);
    strbuf_puts(sb,
                "# HELP interviewace_sentry_events_total Error reports by outcome: sent "
                "(accepted), dropped (queue full or shutdown), failed (not accepted), "
                "rate_limited (our limit or the server's), sampled_out (SENTRY_SAMPLE_RATE)."
                "\n# TYPE interviewace_sentry_events_total counter\n");
    for (int i = 0; i < OUT_COUNT; i++)
        strbuf_appendf(sb, "interviewace_sentry_events_total{outcome=\"%s\"} %llu\n",
                       outcome_names[i], n[i]);
    strbuf_appendf(sb,
                   "# HELP interviewace_sentry_queue_depth Error reports waiting to be sent.\n"
                   "# TYPE interviewace_sentry_queue_depth gauge\n"
                   "interviewace_sentry_queue_depth %zu\n"
                   "# HELP interviewace_sentry_enabled 1 when SENTRY_DSN is set.\n"
                   "# TYPE interviewace_sentry_enabled gauge\n"
                   "interviewace_sentry_enabled %d\n",
                   depth, enabled ? 1 : 0);
}

static void register_metrics(void)
{
    metrics_register_collector(collect_metrics, NULL);
}

/* Logs a change between "sends work" and "sends fail", once each way. */
static void note_result(int rc, const post_result *r)
{
    pthread_mutex_lock(&g.lock);
    bool was = g.failing;
    g.failing = rc != IA_OK && r->status != 429;
    bool now = g.failing;
    pthread_mutex_unlock(&g.lock);
    if (now && !was)
        log_warn("sentry", "error reports cannot be sent", "error", r->error);
    else if (!now && was && rc == IA_OK)
        log_info("sentry", "error reports are sent again");
    else if (r->status == 429)
        log_info("sentry", "error reports rate-limited by the server", "retry_after",
                 r->retry_after[0] ? r->retry_after : NULL, "rate_limits",
                 r->rate_limits[0] ? r->rate_limits : NULL);
}

/* Sends one queued event under our limit and the server's. Returns its outcome. */
static int send_event(const sentry_item *it, sentry_limits *limits, sentry_bucket *bucket)
{
    if (sentry_limits_until(limits, "error") > ia_now_ms())
        return OUT_RATE_LIMITED;
    if (!sentry_bucket_take(bucket, ia_mono_ms()))
        return OUT_RATE_LIMITED;
    post_result r;
    int rc = post_envelope(g.url, g.auth, it->body, it->len, &r);
    sentry_limits_update(limits, r.status, r.rate_limits, r.retry_after, ia_now_ms());
    note_result(rc, &r);
    if (rc == IA_OK)
        return OUT_SENT;
    return r.status == 429 ? OUT_RATE_LIMITED : OUT_FAILED;
}

/* Turns a crash report into its event: level fatal, the signal as the type. type and message
 * are the caller's buffers. */
static void crash_event(const sentry_crash *cr, sentry_event *ev, char *message, size_t msglen,
                        char *sig, size_t siglen)
{
    snprintf(message, msglen, "Fatal signal %s (%d) in %s, pid %lld", signal_name(cr->signal),
             cr->signal, cr->process, cr->pid);
    snprintf(sig, siglen, "%d", cr->signal);
    *ev = (sentry_event){ .level = "fatal",
                          .logger = "crash",
                          .type = signal_name(cr->signal),
                          .message = message,
                          .transaction = cr->process,
                          .tags = { { "process", cr->process }, { "signal", sig } },
                          .ntags = 2,
                          .timestamp_ms = cr->time_s * 1000 };
}

/* Sends the crash report at path unless another process holds it (an advisory lock) or has
 * sent it already; removes it once the server accepted it, or refused it for good (a 4xx
 * other than 429), or when it cannot be read. Returns the outcome, OUT_NONE when skipped. */
static int send_spool(const char *path, sentry_limits *limits)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return OUT_NONE;
    struct stat st;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0 || fstat(fd, &st) != 0 || st.st_nlink == 0) {
        close(fd);
        return OUT_NONE;
    }
    char buf[SENTRY_SPOOL_BYTES_MAX + 1];
    size_t n = 0;
    ssize_t got;
    while (n < sizeof(buf) && (got = read(fd, buf + n, sizeof(buf) - n)) > 0)
        n += (size_t)got;
    sentry_crash cr;
    if (n > SENTRY_SPOOL_BYTES_MAX || sentry_crash_parse(buf, n, &cr) != IA_OK) {
        log_warn("sentry", "unreadable crash report removed", "path", path);
        unlink(path);
        close(fd);
        return OUT_FAILED;
    }
    int outcome = OUT_RATE_LIMITED;
    if (sentry_limits_until(limits, "error") <= ia_now_ms()) {
        sentry_event ev;
        char message[256], sig[16], id[SENTRY_EVENT_ID_LEN];
        crash_event(&cr, &ev, message, sizeof(message), sig, sizeof(sig));
        sentry_meta meta = { cr.release, cr.environment, cr.server_name };
        ia_random_hex(id, 16);
        char *body = NULL;
        size_t len = 0;
        outcome = OUT_FAILED;
        if (sentry_envelope_build(&ev, &meta, id, ia_now_ms(), &body, &len) == IA_OK) {
            post_result r;
            int rc = post_envelope(g.url, g.auth, body, len, &r);
            sentry_limits_update(limits, r.status, r.rate_limits, r.retry_after, ia_now_ms());
            note_result(rc, &r);
            outcome = rc == IA_OK ? OUT_SENT : r.status == 429 ? OUT_RATE_LIMITED : OUT_FAILED;
            bool refused = r.status >= 400 && r.status < 500 && r.status != 429;
            if (rc == IA_OK || refused) {
                unlink(path);
                log_emit(rc == IA_OK ? LOG_INFO : LOG_WARN, "sentry",
                         rc == IA_OK ? "crash report sent" : "crash report refused; removed",
                         (log_field[]){ LOG_STR("signal", signal_name(cr.signal)),
                                        LOG_NUM("pid", cr.pid), LOG_NUM("status", r.status) },
                         3);
            }
        }
        free(body);
    }
    close(fd);
    return outcome;
}

/* The sender thread: posts queued events in order until sentry_stop, then keeps posting until
 * the queue is empty or the stop deadline passes, and drops what is left. */
static void *sender_main(void *arg)
{
    (void)arg;
    sentry_limits limits;
    memset(&limits, 0, sizeof(limits));
    sentry_bucket bucket;
    sentry_bucket_init(&bucket, ia_mono_ms());
    pthread_mutex_lock(&g.lock);
    for (;;) {
        while (g.count == 0 && !g.stopping)
            pthread_cond_wait(&g.cond, &g.lock);
        if (g.count == 0)
            break;
        if (g.stopping && ia_mono_ms() >= g.deadline_ms)
            break;
        sentry_item *it = g.ring[g.head];
        g.ring[g.head] = NULL;
        g.head = (g.head + 1) % RING_CAP;
        g.count--;
        pthread_mutex_unlock(&g.lock);
        int outcome = it->spool ? send_spool(it->spool, &limits) : send_event(it, &limits, &bucket);
        item_free(it);
        pthread_mutex_lock(&g.lock);
        if (outcome >= 0 && outcome < OUT_COUNT)
            g.n[outcome]++;
    }
    while (g.count > 0) {
        sentry_item *it = g.ring[g.head];
        g.ring[g.head] = NULL;
        g.head = (g.head + 1) % RING_CAP;
        g.count--;
        if (it->spool == NULL)
            g.n[OUT_DROPPED]++; /* a crash report stays on disk for the next start */
        item_free(it);
    }
    pthread_mutex_unlock(&g.lock);
    return NULL;
}

/* Pushes an item, bounded: events up to SENTRY_QUEUE_MAX, crash reports into the reserve
 * above it. Called with the lock held; false when there is no room. */
static bool push_locked(sentry_item *it)
{
    size_t cap = it->spool ? RING_CAP : SENTRY_QUEUE_MAX;
    if (g.count >= cap)
        return false;
    g.ring[(g.head + g.count) % RING_CAP] = it;
    g.count++;
    pthread_cond_signal(&g.cond);
    return true;
}

/* Queues the crash reports that earlier processes left in dir, up to SENTRY_SPOOL_MAX. Called
 * before the sender starts. */
static void queue_spool(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    size_t queued = 0;
    while (queued < SENTRY_SPOOL_MAX && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        size_t pl = sizeof(SPOOL_PREFIX) - 1, sl = sizeof(SPOOL_SUFFIX) - 1;
        if (n <= pl + sl || strncmp(e->d_name, SPOOL_PREFIX, pl) != 0 ||
            strcmp(e->d_name + n - sl, SPOOL_SUFFIX) != 0)
            continue;
        sentry_item *it = calloc(1, sizeof(*it));
        char path[4352];
        int w = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (it == NULL || w < 0 || (size_t)w >= sizeof(path) ||
            (it->spool = strdup(path)) == NULL) {
            item_free(it);
            continue;
        }
        pthread_mutex_lock(&g.lock);
        bool ok = push_locked(it);
        pthread_mutex_unlock(&g.lock);
        if (!ok) {
            item_free(it);
            break;
        }
        queued++;
    }
    closedir(d);
    if (queued > 0)
        log_emit(LOG_INFO, "sentry", "crash reports of earlier processes queued",
                 (log_field[]){ LOG_NUM("reports", queued) }, 1);
}

/* Copies the settings the reporter needs from cfg. Returns IA_OK or IA_ERR_INVALID. */
static int copy_settings(const ia_config *cfg)
{
    config_dsn dsn;
    const char *why = NULL;
    if (config_parse_dsn(cfg->sentry_dsn, &dsn, &why) != IA_OK ||
        sentry_endpoint(&dsn, g.url, sizeof(g.url), g.auth, sizeof(g.auth)) != IA_OK)
        return IA_ERR_INVALID;
    snprintf(g.release, sizeof(g.release), "%s", cfg->sentry_release);
    snprintf(g.environment, sizeof(g.environment), "%s", cfg->sentry_environment);
    if (gethostname(g.server_name, sizeof(g.server_name) - 1) != 0)
        snprintf(g.server_name, sizeof(g.server_name), "unknown");
    g.server_name[sizeof(g.server_name) - 1] = '\0';
    g.sample_rate = cfg->sentry_sample_rate;
    return IA_OK;
}

int sentry_start(const ia_config *cfg, const char *process)
{
    pthread_once(&g_metrics_once, register_metrics);
    if (cfg->sentry_dsn == NULL || cfg->sentry_dsn[0] == '\0')
        return IA_OK;
    pthread_mutex_lock(&g.lock);
    if (g.started) {
        pthread_mutex_unlock(&g.lock);
        return IA_ERR_CONFLICT;
    }
    int rc = copy_settings(cfg);
    pthread_mutex_unlock(&g.lock);
    if (rc != IA_OK) {
        log_error("sentry", "SENTRY_DSN is not usable");
        return rc;
    }
    char path[4352];
    snprintf(path, sizeof(path), "%s/" SPOOL_PREFIX "%d" SPOOL_SUFFIX, cfg->data_dir,
             (int)getpid());
    sentry_meta meta = { g.release, g.environment, g.server_name };
    rc = sentry_crash_install(path, &meta, process);
    if (rc != IA_OK) {
        log_error("sentry", "cannot install the crash handler", "error", ia_strerror(rc));
        return rc;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_error("sentry", "cannot initialise libcurl");
        return IA_ERR_INTERNAL;
    }
    if (pthread_cond_init(&g.cond, NULL) != 0) {
        curl_global_cleanup();
        return IA_ERR_INTERNAL;
    }
    pthread_mutex_lock(&g.lock);
    g.head = g.count = 0;
    g.stopping = false;
    g.failing = false;
    g.curl_ready = true;
    pthread_mutex_unlock(&g.lock);
    atomic_store(&g_abort_at, LLONG_MAX);
    queue_spool(cfg->data_dir);
    if (pthread_create(&g.thread, NULL, sender_main, NULL) != 0) {
        pthread_mutex_lock(&g.lock);
        while (g.count > 0) {
            item_free(g.ring[g.head]);
            g.ring[g.head] = NULL;
            g.head = (g.head + 1) % RING_CAP;
            g.count--;
        }
        g.curl_ready = false;
        pthread_mutex_unlock(&g.lock);
        pthread_cond_destroy(&g.cond);
        curl_global_cleanup();
        log_error("sentry", "cannot start the sender thread");
        return IA_ERR_INTERNAL;
    }
    (void)pthread_setname_np(g.thread, "ia-sentry"); /* cosmetic: a name in top and gdb */
    pthread_mutex_lock(&g.lock);
    g.started = true;
    g.accepting = true;
    g.enabled = true;
    pthread_mutex_unlock(&g.lock);
    char rate[32];
    snprintf(rate, sizeof(rate), "%g", g.sample_rate);
    log_info("sentry", "error monitoring started", "endpoint", g.url, "environment", g.environment,
             "release", g.release, "sample_rate", rate);
    return IA_OK;
}

void sentry_stop(int64_t timeout_ms)
{
    pthread_mutex_lock(&g.lock);
    if (!g.started || g.stopping) {
        pthread_mutex_unlock(&g.lock);
        return;
    }
    g.accepting = false;
    g.stopping = true;
    g.deadline_ms = ia_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    atomic_store(&g_abort_at, g.deadline_ms);
    pthread_cond_broadcast(&g.cond);
    pthread_mutex_unlock(&g.lock);

    pthread_join(g.thread, NULL);

    pthread_mutex_lock(&g.lock);
    g.started = false;
    g.stopping = false;
    g.enabled = false;
    pthread_cond_destroy(&g.cond);
    if (g.curl_ready)
        curl_global_cleanup();
    g.curl_ready = false;
    log_field f[] = { LOG_NUM("sent", g.n[OUT_SENT]), LOG_NUM("dropped", g.n[OUT_DROPPED]),
                      LOG_NUM("failed", g.n[OUT_FAILED]),
                      LOG_NUM("rate_limited", g.n[OUT_RATE_LIMITED]) };
    pthread_mutex_unlock(&g.lock);
    atomic_store(&g_abort_at, LLONG_MAX);
    log_emit(LOG_INFO, "sentry", "error monitoring stopped", f, 4);
}

void sentry_capture(const sentry_event *ev)
{
    pthread_mutex_lock(&g.lock);
    bool on = g.accepting;
    double rate = g.sample_rate;
    /* Under a flood of errors the queue is full: drop before building anything. */
    bool full = on && g.count >= SENTRY_QUEUE_MAX;
    if (full)
        g.n[OUT_DROPPED]++;
    pthread_mutex_unlock(&g.lock);
    if (!on || full)
        return;
    /* The settings do not change while the reporter accepts events. */
    if (rate < 1.0 && (double)randombytes_uniform(1000000) >= rate * 1000000.0) {
        count(OUT_SAMPLED_OUT);
        return;
    }
    char id[SENTRY_EVENT_ID_LEN];
    ia_random_hex(id, 16);
    sentry_meta meta = { g.release, g.environment, g.server_name };
    sentry_item *it = calloc(1, sizeof(*it));
    if (it == NULL ||
        sentry_envelope_build(ev, &meta, id, ia_now_ms(), &it->body, &it->len) != IA_OK) {
        item_free(it);
        count(OUT_DROPPED);
        return;
    }
    pthread_mutex_lock(&g.lock);
    bool queued = g.accepting && push_locked(it);
    if (!queued)
        g.n[OUT_DROPPED]++;
    pthread_mutex_unlock(&g.lock);
    if (!queued)
        item_free(it);
}

int sentry_send_test(const ia_config *cfg, long *status, char event_id[SENTRY_EVENT_ID_LEN],
                     char *err, size_t errlen)
{
    *status = 0;
    event_id[0] = '\0';
    config_dsn dsn;
    const char *why = "it is empty";
    char url[URL_MAX], auth[AUTH_MAX];
    if (cfg->sentry_dsn == NULL || cfg->sentry_dsn[0] == '\0' ||
        config_parse_dsn(cfg->sentry_dsn, &dsn, &why) != IA_OK ||
        sentry_endpoint(&dsn, url, sizeof(url), auth, sizeof(auth)) != IA_OK) {
        snprintf(err, errlen, "SENTRY_DSN is not usable: %s", why);
        return IA_ERR_INVALID;
    }
    char host[256] = "unknown";
    if (gethostname(host, sizeof(host) - 1) != 0)
        snprintf(host, sizeof(host), "unknown");
    sentry_meta meta = { cfg->sentry_release, cfg->sentry_environment, host };
    sentry_event ev = { .level = "info",
                        .logger = "cli",
                        .type = "TestEvent",
                        .message = "Test event sent by `interviewace sentry test`",
                        .transaction = "sentry test" };
    ia_random_hex(event_id, 16);
    char *body = NULL;
    size_t len = 0;
    int rc = sentry_envelope_build(&ev, &meta, event_id, ia_now_ms(), &body, &len);
    if (rc != IA_OK) {
        snprintf(err, errlen, "cannot build the event: %s", ia_strerror(rc));
        return rc;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        free(body);
        snprintf(err, errlen, "cannot initialise libcurl");
        return IA_ERR_INTERNAL;
    }
    post_result r;
    rc = post_envelope(url, auth, body, len, &r);
    curl_global_cleanup();
    free(body);
    *status = r.status;
    if (rc != IA_OK) {
        snprintf(err, errlen, "%s", r.error);
        return IA_ERR_UNAVAILABLE;
    }
    return IA_OK;
}
