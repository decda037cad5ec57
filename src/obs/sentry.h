/* Error monitoring over the Sentry protocol: 5xx answers, jobs that end FAILURE and fatal
 * signals become Sentry events, sent as envelopes (POST {scheme}://{host}/api/<project>/envelope/
 * with X-Sentry-Auth) to the server of SENTRY_DSN.
 *
 * Capturing never waits on the network: sentry_capture() builds the envelope, pushes it to a
 * bounded in-memory queue (SENTRY_QUEUE_MAX; when full the event is dropped and counted) and
 * returns. One sender thread posts the queue through libcurl, one event at a time, under a
 * client-side limit (a token bucket of SENTRY_EVENTS_PER_MINUTE) and the server's limits: a 429
 * with Retry-After, and X-Sentry-Rate-Limits on any answer, stop the categories they name until
 * their deadline, and events of a stopped category are dropped and counted. Every outcome is
 * counted in /metrics as interviewace_sentry_events_total{outcome}.
 *
 * A fatal signal (SIGSEGV, SIGABRT, SIGBUS, SIGFPE) writes a small crash report with
 * async-signal-safe calls only to DATA_DIR/sentry-crash-<pid>.json and then ends the process
 * with the default action of that signal; the next `serve` or `worker` started on that
 * DATA_DIR sends the report and removes the file once the server accepted it.
 *
 * What an event holds is chosen by its caller from identifiers and codes (route template,
 * method, status, request id, account id, job kind); free text (messages, error details) is
 * scrubbed of e-mail addresses and cut to SENTRY_MESSAGE_MAX. Bodies, headers, tokens,
 * passwords and user text are never given to this module. */
#ifndef IA_OBS_SENTRY_H
#define IA_OBS_SENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

#define SENTRY_QUEUE_MAX             64          /* events waiting for the sender */
#define SENTRY_ENVELOPE_MAX          (32 * 1024) /* bytes of one envelope */
#define SENTRY_MESSAGE_MAX           1024        /* bytes of an event's message, scrubbed */
#define SENTRY_TAG_MAX               200         /* bytes of a tag value (Sentry's own limit) */
#define SENTRY_TAGS_MAX              8           /* tags of one event */
#define SENTRY_EVENTS_PER_MINUTE     60          /* client-side limit, also the burst size */
#define SENTRY_TIMEOUT_MS            5000        /* longest one send may take */
#define SENTRY_CONNECT_TIMEOUT_MS    2000        /* of which connecting */
#define SENTRY_FLUSH_MAX_MS          2000        /* longest wait for the queue at shutdown */
#define SENTRY_RETRY_AFTER_DEFAULT_S 60          /* a 429 without a usable delay */
#define SENTRY_LIMIT_MAX_S           86400       /* longest server limit honoured */
#define SENTRY_LIMIT_CATEGORIES      16          /* categories a server limit is kept for */
#define SENTRY_CATEGORY_MAX          32          /* bytes of a category name */
#define SENTRY_SPOOL_MAX             16          /* crash reports sent per start */
#define SENTRY_SPOOL_BYTES_MAX       4096        /* bytes of one crash report file */
#define SENTRY_EVENT_ID_LEN          33          /* 32 hex digits and the NUL */

typedef struct {
    const char *key;
    const char *value;
} sentry_tag;

/* One event, as a caller describes it. Only level and type are required. */
typedef struct {
    const char *level;       /* "fatal", "error", "warning" or "info" */
    const char *logger;      /* the reporting module: "http", "jobs", "crash", "cli" */
    const char *type;        /* what happened, short: "HTTP 500", "JobFailed", "SIGSEGV" */
    const char *message;     /* the readable reason; e-mail addresses are scrubbed */
    const char *transaction; /* the route or job the event belongs to, or NULL */
    const char *user_id;     /* the account's id, or NULL; never anything else about a user */
    sentry_tag tags[SENTRY_TAGS_MAX];
    size_t ntags;
    int64_t timestamp_ms; /* Unix milliseconds; 0 = now */
} sentry_event;

/* Where an event comes from, added to every event of this process. */
typedef struct {
    const char *release;
    const char *environment;
    const char *server_name;
} sentry_meta;

/* ---- the reporter ------------------------------------------------------------------------- */

/* Starts error monitoring for this process; process ("serve", "worker") names it in crash
 * reports. With SENTRY_DSN empty it only registers the metrics. Otherwise it copies the
 * settings it needs (cfg may be freed afterwards), installs the fatal-signal handlers, queues
 * the crash reports earlier processes left in DATA_DIR and starts the sender thread. Returns
 * IA_OK, IA_ERR_CONFLICT when already started, or IA_ERR_NOMEM / IA_ERR_INTERNAL (logged). */
int sentry_start(const ia_config *cfg, const char *process);

/* Stops accepting events and lets the sender post what is queued for up to timeout_ms (a send
 * still in progress then is aborted), counts the rest as dropped and joins the thread. The
 * crash handlers stay installed. Does nothing when not started. */
void sentry_stop(int64_t timeout_ms);

/* Queues ev and returns at once, from any thread. Reports are best-effort: when monitoring is
 * off nothing happens, and every other outcome (queued, sampled out by SENTRY_SAMPLE_RATE,
 * dropped because the queue is full) is counted in the metrics rather than returned. */
void sentry_capture(const sentry_event *ev);

/* `interviewace sentry test`: builds one test event and posts it synchronously to SENTRY_DSN.
 * Returns IA_OK when the server answered 2xx, IA_ERR_INVALID when SENTRY_DSN is empty or
 * invalid, else IA_ERR_UNAVAILABLE with the reason in err. *status receives the HTTP status
 * (0 without an answer) and event_id the event's id. */
int sentry_send_test(const ia_config *cfg, long *status, char event_id[SENTRY_EVENT_ID_LEN],
                     char *err, size_t errlen);

/* ---- the protocol, exposed for tests ------------------------------------------------------ */

/* Writes the envelope endpoint of dsn ({scheme}://{host}{path}/api/{project}/envelope/) and
 * the value of its X-Sentry-Auth header. Returns IA_OK or IA_ERR_TOO_LARGE. */
int sentry_endpoint(const config_dsn *dsn, char *url, size_t urllen, char *auth, size_t authlen);

/* Builds the envelope of one event: the envelope header, an item header of type "event" with
 * the payload's length, and the event JSON, each on its own line. Every string is scrubbed
 * (e-mail addresses, malformed UTF-8) and cut to its bound. *out is malloc'ed. Returns IA_OK,
 * IA_ERR_INVALID without a level or type, IA_ERR_TOO_LARGE past SENTRY_ENVELOPE_MAX, or
 * IA_ERR_NOMEM. */
int sentry_envelope_build(const sentry_event *ev, const sentry_meta *meta, const char *event_id,
                          int64_t now_ms, char **out, size_t *outlen);

/* The server's rate limits: a deadline (Unix milliseconds) for every category, and one for
 * all of them. */
typedef struct {
    int64_t all_until_ms;
    struct {
        char name[SENTRY_CATEGORY_MAX];
        int64_t until_ms;
    } cat[SENTRY_LIMIT_CATEGORIES];
    size_t ncat;
} sentry_limits;

/* The delay of a Retry-After value, in milliseconds: delay-seconds (a fraction rounds up) or
 * an HTTP date relative to now_ms, at most SENTRY_LIMIT_MAX_S; -1 when it is neither. */
int64_t sentry_retry_after_ms(const char *value, int64_t now_ms);

/* Applies an X-Sentry-Rate-Limits value: comma-separated groups
 * "<seconds>:<categories>:<scope>[:<reason>...]", the categories separated by ';' (none means
 * every category). Deadlines only move later; a malformed group is skipped; categories past
 * SENTRY_LIMIT_CATEGORIES are ignored. Returns how many groups were applied. */
int sentry_limits_apply(sentry_limits *l, const char *value, int64_t now_ms);

/* Applies one answer of the server: its X-Sentry-Rate-Limits when present (whatever the
 * status), else for a 429 its Retry-After (SENTRY_RETRY_AFTER_DEFAULT_S when missing or
 * unusable) to every category. Either header may be NULL or empty. */
void sentry_limits_update(sentry_limits *l, long status, const char *rate_limits,
                          const char *retry_after, int64_t now_ms);

/* Until when events of category are refused (Unix milliseconds), 0 when never limited. */
int64_t sentry_limits_until(const sentry_limits *l, const char *category);

/* The client-side limit: a token bucket holding SENTRY_EVENTS_PER_MINUTE tokens, refilled at
 * that rate (in thousandths of a token, so that the refill is exact). */
typedef struct {
    int64_t milli;
    int64_t last_ms;
} sentry_bucket;

void sentry_bucket_init(sentry_bucket *b, int64_t now_ms);

/* Takes one token; false when the bucket is empty. now_ms is monotonic. */
bool sentry_bucket_take(sentry_bucket *b, int64_t now_ms);

/* A crash report as the signal handler writes it. */
typedef struct {
    int signal;
    int64_t time_s;
    long long pid;
    char process[32];
    char release[201];
    char environment[65];
    char server_name[256];
} sentry_crash;

/* Parses a crash report file's content. Returns IA_OK or IA_ERR_INVALID. */
int sentry_crash_parse(const char *text, size_t len, sentry_crash *out);

/* Installs the handlers of SIGSEGV, SIGABRT, SIGBUS and SIGFPE that write a crash report
 * naming meta and process to path, then end the process with the signal's default action. The
 * report is formatted here, up to the signal number and the time, so that the handler only
 * writes. Returns IA_OK or IA_ERR_TOO_LARGE / IA_ERR_NOMEM / IA_ERR_INTERNAL. */
int sentry_crash_install(const char *path, const sentry_meta *meta, const char *process);

#endif
