#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/netaddr.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "http/conntrack.h"
#include "http/cors.h"
#include "http/h1.h"
#include "http/io.h"
#include "http/pool.h"
#include "http/ratelimit.h"
#include "http/reqid.h"
#include "http/router.h"
#include "http/upload.h"
#include "obs/metrics.h"
#include "obs/sentry.h"

#define REQ_ARENA_MAX       (96u * 1024u * 1024u)
#define REQ_HEADERS_MAX     128
#define REQ_QUERY_MAX       64
#define RATE_KEYS_MAX       (1u << 20)
#define RETRY_AFTER_BUSY    "1"
/* Retry-After when the CPU executor's queue is full: a bcrypt check takes a few hundred
 * milliseconds, so a queue of CPU_QUEUE_MAX drains in seconds, not in one. */
#define RETRY_AFTER_CPU     "2"
/* Retry-After while a shared limiter (Redis) cannot decide: its reconnection backoff is at
 * most two seconds. */
#define RETRY_AFTER_LIMITER "2"
/* A chunked body that passes its limit is read on and dropped for at most this many more
 * bytes, so that the client can be told 413; beyond that the connection is closed. */
#define OVERFLOW_DRAIN_MAX  (4u * 1024u * 1024u)
/* Multipart framing around an uploaded file: a Content-Length beyond MAX_FILE_SIZE plus this
 * is refused from the headers alone. */
#define UPLOAD_FRAMING_MAX  (64u * 1024u)

struct http_server {
    const ia_config *cfg;
    void *app;
    router *router;
    io_server *io;
    handler_pool *pool;
    handler_pool *cpu_pool; /* HTTP_CPU routes: password hashing, at a lower priority */
    rl_store *rl;
    atomic_long in_flight;
    atomic_bool draining;
    pthread_mutex_t lock;
    pthread_cond_t idle;
    int port;
    http_auth_fn auth_early;
    http_auth_fn auth_late;
    void (*thread_init)(void *ctx);
    void (*thread_fini)(void *ctx);
    void *thread_ctx;
    void (*on_bound)(void *ctx, int port);
    void *bound_ctx;
    conntrack *conns; /* per-address counts and header deadlines */
};

/* ST_ADMIT: the headers are being checked on a handler thread (a shared rate limiter needs a
 * network round trip, which an I/O thread must not wait for). ST_READY: the answer is in
 * res, to be sent when the connection is resumed. */
typedef enum { ST_HEADERS, ST_ADMIT, ST_BODY, ST_QUEUED, ST_READY, ST_SENT } req_state;

typedef struct {
    http_server *srv;
    io_conn *conn;
    arena *arena;
    http_req req;
    http_res res;
    req_state state;
    int64_t start_us;
    strbuf body;
    bool keep_body;
    const char *route_label;
    const char *origin;
    bool preflight;
    bool is_api;
    bool has_body;
    size_t dropped;        /* body bytes read and dropped after the limit was passed */
    size_t drain_max;      /* how many body bytes may be dropped before the connection is closed */
    uint64_t length;       /* Content-Length (0 when absent) */
    uint64_t received;     /* body bytes handed to us so far */
    bool defer_rate;       /* shared rate limits checked at dispatch (a chunked body, see above) */
    bool bad_path;         /* the raw request target encodes a control character */
    bool bad_header;       /* a header name or value holds a control character */
    bool bad_name;         /* a header name that is not an RFC 9110 token (whitespace, ...) */
    bool http10;           /* an HTTP/1.0 request */
    unsigned nhost;        /* Host headers */
    size_t head_bytes;     /* the header lines as sent: names, values, ": " and CRLF */
    size_t target_bytes;   /* the request target: path and query, decoded */
    const char *bad_query; /* the name of a query parameter with a control character */
    router_match match;
    upload_state *upload;
    http_upload upload_info;
    int sent_status;
    size_t sent_bytes;
    struct {
        int policy;
        long quota;
        rl_result r;
    } rate[RL_POLICY_COUNT];
    size_t nrate;
    char request_id[HTTP_REQUEST_ID_MAX + 1];
    char client_ip[64];
    http_kv headers[REQ_HEADERS_MAX];
    http_kv query[REQ_QUERY_MAX];
} req_ctx;

static const http_kv security_headers[] = {
    { "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
      "frame-ancestors 'none'; form-action 'self'" },
    { "Strict-Transport-Security", "max-age=31536000; includeSubDomains" },
    { "X-Frame-Options", "DENY" },
    { "X-Content-Type-Options", "nosniff" },
    { "Referrer-Policy", "no-referrer" },
    { "Permissions-Policy", "camera=(), geolocation=(), payment=(), microphone=(self)" },
};

/* ---- request accessors that need the server's private state ---- */

bool http_draining(const http_req *req)
{
    return atomic_load(&req->server->draining);
}

const http_route *const *http_routes(const http_req *req, size_t *n)
{
    return router_routes(req->server->router, n);
}

/* Records a policy's result on the request (for the RateLimit headers), replacing an earlier
 * result of the same policy. */
static void rate_record(req_ctx *c, int policy, long quota, const rl_result *r)
{
    for (size_t i = 0; i < c->nrate; i++)
        if (c->rate[i].policy == policy) {
            c->rate[i].quota = quota;
            c->rate[i].r = *r;
            return;
        }
    if (c->nrate < RL_POLICY_COUNT) {
        c->rate[c->nrate].policy = policy;
        c->rate[c->nrate].quota = quota;
        c->rate[c->nrate].r = *r;
        c->nrate++;
    }
}

static void write_429(req_ctx *c, http_res *res, const rl_result *r, int policy)
{
    char ra[24];
    snprintf(ra, sizeof(ra), "%ld", r->retry_after_s > 0 ? r->retry_after_s : 1);
    metrics_ratelimit_rejected(rl_policy_name(policy));
    log_info("http", "rate limited", "policy", rl_policy_name(policy), "client_ip", c->client_ip);
    http_error(res, 429, "RATE_LIMITED", "Rate limit exceeded");
    http_set_header(res, "Retry-After", ra);
}

int http_rate_check(http_req *req, http_res *res, unsigned policy, const char *key)
{
    req_ctx *c = req->priv;
    int idx = __builtin_ctz(policy);
    long quota = rl_policy_quota(req->cfg, idx);
    if (quota <= 0 || key == NULL)
        return IA_OK;
    char full[400];
    snprintf(full, sizeof(full), "%s:%s", rl_policy_name(idx), key);
    rl_result r;
    int rc = rl_check(c->srv->rl, full, quota, RL_WINDOW_S * 1000, ia_now_ms(), &r);
    if (rc == IA_ERR_UNAVAILABLE) {
        /* Redis is unreachable and RATE_LIMIT_ON_REDIS_FAILURE=closed. */
        http_error(res, 503, "SERVICE_UNAVAILABLE",
                   "Rate limiting is unavailable; retry in a moment");
        http_set_header(res, "Retry-After", RETRY_AFTER_LIMITER);
        return IA_ERR_UNAVAILABLE;
    }
    if (rc != IA_OK)
        return IA_OK; /* RL_SKIPPED ("open"), or the limiter failing: let the request through */
    rate_record(c, idx, quota, &r);
    if (!r.allowed) {
        write_429(c, res, &r, idx);
        return IA_ERR_TOO_LARGE;
    }
    return IA_OK;
}

/* The rate limits keyed by client address; policies keyed by account or user are checked by
 * the handler through http_rate_check once it knows the key. False when one refused (c->res
 * holds the answer). */
static bool address_limits_pass(req_ctx *c)
{
    unsigned ip_policies = RL_DEFAULT | RL_REGISTER | RL_LOGIN | RL_RESET | RL_RESEND;
    for (int p = 0; p < RL_POLICY_COUNT; p++) {
        unsigned bit = 1u << p;
        if (!(c->req.route->rate & bit) || !(ip_policies & bit))
            continue;
        if (http_rate_check(&c->req, &c->res, bit, c->client_ip) != IA_OK)
            return false;
    }
    return true;
}

/* The per-user upload limit, once the token has named the user. */
static bool upload_limit_passes(req_ctx *c)
{
    return !(c->req.route->rate & RL_UPLOAD) ||
           http_rate_check(&c->req, &c->res, RL_UPLOAD, c->req.user_id) == IA_OK;
}

/* ---- client address ---- */

/* Resolves the client address: the socket peer, or, when the peer is a trusted proxy, the
 * first untrusted address of X-Forwarded-For read from the right. */
static void resolve_client_ip(req_ctx *c, const char *xff)
{
    ia_ip peer;
    memset(&peer, 0, sizeof(peer));
    conntrack_peer_ip(io_peer(c->conn), &peer);
    const ia_config *cfg = c->srv->cfg;
    ia_ip chosen = ia_forwarded_client(cfg->trusted_proxies, cfg->n_trusted_proxies, &peer, xff);
    ia_ip_format(&chosen, c->client_ip, sizeof(c->client_ip));
}

/* ---- collecting headers and query ---- */

/* Whether n bytes at s hold a control character: C0 (NUL included, which would cut the C
 * string short) or DEL; a tab is allowed where tab_ok. */
static bool has_ctl(const char *s, size_t n, bool tab_ok)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char u = (unsigned char)s[i];
        if ((u < 0x20 && !(tab_ok && u == '\t')) || u == 0x7f)
            return true;
    }
    return false;
}

/* Copies the kept header fields into the request (the parser checked every field, kept or
 * not: names, control characters, Host). */
static int collect_headers(req_ctx *c, const h1_head *head)
{
    c->bad_header = head->bad_value;
    c->bad_name = head->bad_name;
    c->nhost = head->nhost;
    c->head_bytes = head->fields_len;
    for (size_t i = 0; i < head->nfields && i < REQ_HEADERS_MAX; i++) {
        const h1_field *f = &head->fields[i];
        char *name = arena_strndup(c->arena, f->name, f->name_len);
        char *value = arena_strndup(c->arena, f->value, f->value_len);
        if (name == NULL || value == NULL)
            return IA_ERR_NOMEM;
        c->headers[c->req.nheaders++] = (http_kv){ name, value };
    }
    return IA_OK;
}

/* Splits and decodes the query string q[0..n) ('+' is a space). Parameters past
 * REQ_QUERY_MAX are checked and counted but not kept; a control character (%00 included)
 * in a name or value marks the request (bad_query). */
static int collect_query(req_ctx *c, const char *q, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(q + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - q) : n;
        if (end > i) {
            const char *eq = memchr(q + i, '=', end - i);
            size_t kend = eq ? (size_t)(eq - q) : end;
            char *key = arena_strndup(c->arena, q + i, kend - i);
            char *value = arena_strndup(c->arena, eq ? eq + 1 : "", eq ? end - kend - 1 : 0);
            if (key == NULL || value == NULL)
                return IA_ERR_NOMEM;
            size_t klen = h1_unescape(key, kend - i, true);
            size_t vlen = eq ? h1_unescape(value, end - kend - 1, true) : 0;
            key[klen] = '\0';
            value[vlen] = '\0';
            if (c->bad_query == NULL && (has_ctl(key, klen, false) || has_ctl(value, vlen, false)))
                c->bad_query = key;
            c->target_bytes += klen + vlen + 2;
            if (c->req.nquery < REQ_QUERY_MAX)
                c->query[c->req.nquery++] = (http_kv){ key, value };
        }
        i = end + 1;
    }
    return IA_OK;
}

/* Joins every X-Forwarded-For header into one list, in order. */
static const char *joined_xff(req_ctx *c)
{
    strbuf sb;
    strbuf_init(&sb, c->arena, 4096);
    bool any = false;
    for (size_t i = 0; i < c->req.nheaders; i++) {
        if (strcasecmp(c->headers[i].name, "X-Forwarded-For") != 0)
            continue;
        if (any)
            strbuf_putc(&sb, ',');
        strbuf_puts(&sb, c->headers[i].value);
        any = true;
    }
    if (!any || strbuf_error(&sb) != IA_OK)
        return NULL;
    return strbuf_str(&sb);
}

/* ---- responses ---- */

/* Adds the RateLimit-Policy and RateLimit headers of the policies checked (their text in
 * the request's arena). */
static void add_rate_headers(req_ctx *c, http_kv *out, size_t *nout)
{
    if (c->nrate == 0)
        return;
    /* Table order, as docs/api.md asks. */
    char pol[512], cur[512];
    size_t po = 0, co = 0;
    pol[0] = cur[0] = '\0';
    for (int p = 0; p < RL_POLICY_COUNT; p++) {
        for (size_t i = 0; i < c->nrate; i++) {
            if (c->rate[i].policy != p)
                continue;
            const char *sep = po ? ", " : "";
            int n = snprintf(pol + po, sizeof(pol) - po, "%s\"%s\";q=%ld;w=%d", sep,
                             rl_policy_name(p), c->rate[i].quota, RL_WINDOW_S);
            if (n > 0 && (size_t)n < sizeof(pol) - po)
                po += (size_t)n;
            n = snprintf(cur + co, sizeof(cur) - co, "%s\"%s\";r=%ld;t=%ld", sep, rl_policy_name(p),
                         c->rate[i].r.remaining, c->rate[i].r.reset_s);
            if (n > 0 && (size_t)n < sizeof(cur) - co)
                co += (size_t)n;
        }
    }
    const char *p = arena_strdup(c->arena, pol), *r = arena_strdup(c->arena, cur);
    if (p == NULL || r == NULL)
        return;
    out[(*nout)++] = (http_kv){ "RateLimit-Policy", p };
    out[(*nout)++] = (http_kv){ "RateLimit", r };
}

#define SECURITY_HEADERS_N COUNT(security_headers)
/* Every header an answer can carry: the request id, the security headers, Cache-Control,
 * CORS, the two RateLimit headers, Content-Type and the handler's own. */
#define RES_HEADERS_ALL                                                                            \
    (1 + SECURITY_HEADERS_N + 1 + CORS_HEADERS_MAX + 2 + 1 + HTTP_RES_HEADERS_MAX)

/* Sends the response in c->res with the headers every response carries. */
static void send_response(req_ctx *c)
{
    http_res *res = &c->res;
    if (res->status == 0)
        http_error(res, 500, "INTERNAL_ERROR", "Internal server error");
    http_kv h[RES_HEADERS_ALL];
    size_t n = 0;
    h[n++] = (http_kv){ "X-Request-ID", c->request_id };
    for (size_t i = 0; i < SECURITY_HEADERS_N; i++)
        h[n++] = security_headers[i];
    if (c->is_api)
        h[n++] = (http_kv){ "Cache-Control", "no-store" };
    const ia_config *cfg = c->srv->cfg;
    n += cors_headers((const char *const *)cfg->allowed_origins, cfg->n_allowed_origins, c->origin,
                      c->preflight, h + n);
    add_rate_headers(c, h, &n);
    if (res->content_type != NULL && res->body_len > 0)
        h[n++] = (http_kv){ "Content-Type", res->content_type };
    for (size_t i = 0; i < res->nheaders; i++)
        h[n++] = res->headers[i];
    c->state = ST_SENT;
    c->sent_status = res->status;
    c->sent_bytes = res->body_len;
    io_respond(c->conn, res->status, h, n, res->body, res->body_len);
}

/* Answers 503 SERVICE_UNAVAILABLE with Retry-After, naming the dependency that failed when
 * one was noted on this thread (a database or a disk that is full, read-only or failing). */
static void answer_unavailable(http_res *res)
{
    const char *what = ia_fault_take();
    const char *detail = "The service is temporarily unavailable; retry shortly";
    if (what != NULL && strcmp(what, "database") == 0)
        detail =
            "The database is temporarily unavailable (full, read-only or failing); retry "
            "shortly";
    else if (what != NULL && strcmp(what, "storage") == 0)
        detail =
            "File storage is temporarily unavailable (disk full, read-only or failing); "
            "retry shortly";
    http_error(res, 503, "SERVICE_UNAVAILABLE", detail);
    http_set_header(res, "Retry-After", "5");
}

/* Turns a handler's failure code into a response when the handler wrote none. */
static void finish_handler(req_ctx *c, int rc)
{
    if (c->res.status != 0)
        return;
    if (rc == IA_OK) {
        log_error("http", "handler returned no response", "route", c->route_label);
        http_error(&c->res, 500, "INTERNAL_ERROR", "Internal server error");
    } else if (rc == IA_ERR_UNAVAILABLE || rc == IA_ERR_TIMEOUT) {
        answer_unavailable(&c->res);
    } else {
        log_error("http", "handler failed", "route", c->route_label, "error", ia_strerror(rc));
        http_error(&c->res, 500, "INTERNAL_ERROR", "Internal server error");
    }
}

static void run_handler(req_ctx *c)
{
    if (ia_mono_ms() > c->req.deadline_ms) {
        http_error(&c->res, 503, "SERVICE_UNAVAILABLE",
                   "The request waited too long for a handler; retry shortly");
        http_set_header(&c->res, "Retry-After", RETRY_AFTER_BUSY);
        return;
    }
    http_server *s = c->srv;
    if (c->req.route->auth != AUTH_NONE && s->auth_late != NULL) {
        int arc = s->auth_late(&c->req, &c->res, c->req.route->auth);
        if (c->res.status != 0)
            return;
        if (arc != IA_OK) {
            finish_handler(c, arc);
            return;
        }
    }
    (void)ia_fault_take();
    int rc = c->req.route->handler(&c->req, &c->res);
    finish_handler(c, rc);
}

/* Runs on a handler-pool thread; the connection is suspended until we resume it. After the
 * resume the I/O thread owns c again, so nothing touches c after it. */
static void pool_job_run(void *arg)
{
    req_ctx *c = arg;
    log_set_request_id(c->request_id);
    if (!c->defer_rate || (address_limits_pass(c) && upload_limit_passes(c)))
        run_handler(c);
    log_set_request_id(NULL);
    c->state = ST_READY;
    io_resume(c->conn);
}

/* ---- the request pipeline ---- */

static bool is_json_type(const char *ct)
{
    if (ct == NULL)
        return false;
    while (*ct == ' ')
        ct++;
    if (strncasecmp(ct, "application/json", 16) != 0)
        return false;
    char n = ct[16];
    return n == '\0' || n == ';' || n == ' ' || n == '\t';
}

static bool is_form_type(const char *ct)
{
    if (ct == NULL)
        return false;
    while (*ct == ' ')
        ct++;
    if (strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
        return false;
    char n = ct[33];
    return n == '\0' || n == ';' || n == ' ' || n == '\t';
}

bool http_body_is_form(const http_req *req)
{
    return is_form_type(http_header(req, "Content-Type"));
}

/* Body checks of an upload route, before any of the body is read: multipart/form-data with
 * a boundary (else 415), and a Content-Length that could hold a file within MAX_FILE_SIZE
 * (else 413). The multipart reader then streams the file part to disk. */
static int stage_upload(req_ctx *c, uint64_t length)
{
    const ia_config *cfg = c->srv->cfg;
    int rc = upload_begin(http_header(&c->req, "Content-Type"), cfg, c->arena, &c->upload);
    if (rc == IA_ERR_INVALID) {
        http_error(&c->res, 415, "UNSUPPORTED_MEDIA_TYPE",
                   "Content-Type must be multipart/form-data with a boundary parameter "
                   "(unquoted, 1-70 characters, the last parameter)");
        return rc;
    }
    if (rc != IA_OK) {
        http_error(&c->res, 500, "INTERNAL_ERROR", "Internal server error");
        return rc;
    }
    if (length > (uint64_t)cfg->max_file_size + UPLOAD_FRAMING_MAX) {
        http_error(&c->res, 413, "FILE_TOO_LARGE", "The file is larger than the upload limit");
        return IA_ERR_TOO_LARGE;
    }
    return IA_OK;
}

/* Feeds upload bytes to the multipart reader. A body that keeps coming long after its file
 * passed the limit (possible only without a Content-Length) closes the connection. */
static bool feed_upload(req_ctx *c, const char *data, size_t n)
{
    c->dropped += n; /* all bytes of the body, for the bound below */
    if (c->dropped > (size_t)c->srv->cfg->max_file_size + UPLOAD_FRAMING_MAX + OVERFLOW_DRAIN_MAX) {
        log_info("http", "oversized upload kept coming; closing the connection", "route",
                 c->route_label);
        return false;
    }
    if (c->res.status != 0)
        return true;
    (void)ia_fault_take();
    int rc = upload_feed(c->upload, data, n);
    if (rc == IA_ERR_INVALID) {
        static const char *const loc[] = { "body", NULL };
        http_validation_error(&c->res, loc, "The multipart body is malformed", "value_error");
    } else if (rc == IA_ERR_UNAVAILABLE) {
        answer_unavailable(&c->res);
    } else if (rc != IA_OK) {
        http_error(&c->res, 500, "INTERNAL_ERROR", "Internal server error");
    }
    return true;
}

/* The body of an upload has ended: describe what arrived to the handler. */
static void finish_upload(req_ctx *c)
{
    (void)ia_fault_take();
    int rc = upload_finish(c->upload, &c->upload_info);
    if (rc == IA_ERR_INVALID) {
        static const char *const loc[] = { "body", NULL };
        http_validation_error(&c->res, loc, "The multipart body ended inside a part",
                              "value_error");
    } else if (rc == IA_ERR_UNAVAILABLE) {
        answer_unavailable(&c->res);
    } else if (rc != IA_OK) {
        http_error(&c->res, 500, "INTERNAL_ERROR", "Internal server error");
    } else {
        c->req.upload = &c->upload_info;
    }
}

/* Whether a route has a rate limit to check before its body (an address or upload policy
 * with a quota above zero). */
static bool needs_rate_check(const ia_config *cfg, const http_route *route)
{
    unsigned early = RL_DEFAULT | RL_REGISTER | RL_LOGIN | RL_RESET | RL_RESEND | RL_UPLOAD;
    for (int p = 0; p < RL_POLICY_COUNT; p++)
        if ((route->rate & early & (1u << p)) && rl_policy_quota(cfg, p) > 0)
            return true;
    return false;
}

static void stage_admit(req_ctx *c);

/* After the checks of stage_admit on a handler thread: a refused request with a body
 * pending reads the body and drops it, up to what the route itself would accept, and
 * answers once it has ended, so that the connection stays usable; without a body it answers
 * when resumed. */
static void admit_settle(req_ctx *c)
{
    if (c->res.status == 0)
        return;
    c->state = c->has_body ? ST_BODY : ST_READY;
    const ia_config *cfg = c->srv->cfg;
    size_t route_max = (c->req.route->flags & HTTP_BODY_UPLOAD)
                           ? (size_t)cfg->max_file_size + UPLOAD_FRAMING_MAX
                           : (size_t)cfg->max_json_body;
    c->drain_max = route_max > OVERFLOW_DRAIN_MAX ? route_max : OVERFLOW_DRAIN_MAX;
}

/* Answers the request on the I/O thread because its executor refused it (queue full or
 * stopping): 503 with Retry-After, SERVICE_UNAVAILABLE for the handler pool and CPU_BUSY for
 * the CPU executor (docs/api.md §1.3). */
static void refuse_busy(req_ctx *c, bool cpu)
{
    metrics_handler_rejected();
    log_warn("http", cpu ? "cpu executor queue full" : "handler queue full", "route",
             c->route_label);
    if (cpu) {
        http_error(&c->res, 503, "CPU_BUSY",
                   "Too many password checks are waiting; retry in a moment");
        http_set_header(&c->res, "Retry-After", RETRY_AFTER_CPU);
    } else {
        http_error(&c->res, 503, "SERVICE_UNAVAILABLE", "The server is busy; retry in a moment");
        http_set_header(&c->res, "Retry-After", RETRY_AFTER_BUSY);
    }
}

/* Runs stage_admit on a handler-pool thread while the connection is suspended. */
static void pool_admit_run(void *arg)
{
    req_ctx *c = arg;
    log_set_request_id(c->request_id);
    stage_admit(c);
    log_set_request_id(NULL);
    admit_settle(c);
    io_resume(c->conn);
}

/* Suspends the connection and queues its checks for a handler thread; a full queue answers
 * 503 at once. Returns true (the request continues after the resume). */
static bool admit_on_pool(req_ctx *c)
{
    c->state = ST_ADMIT;
    io_suspend(c->conn);
    if (pool_submit(c->srv->pool, pool_admit_run, c) != IA_OK) {
        refuse_busy(c, false);
        admit_settle(c);
        io_resume(c->conn);
    }
    return true;
}

/* The limits and rules of the request line and headers: the size of the request target
 * (414) and of the headers (431, HTTP_MAX_HEADER_BYTES), header names, and one Host header
 * in HTTP/1.1. Each refusal closes the connection after the answer. False when one refused
 * (c->res holds the answer). */
static bool request_well_formed(req_ctx *c, const char *url)
{
    size_t max = (size_t)c->srv->cfg->http_max_header_bytes;
    c->target_bytes += strlen(url);
    if (c->target_bytes > max)
        http_error(&c->res, 414, "URI_TOO_LONG", "The request target is too long");
    else if (c->head_bytes + c->target_bytes > max)
        http_error(&c->res, 431, "HEADERS_TOO_LARGE", "The request headers are too large");
    else if (c->bad_name)
        http_error(&c->res, 400, "BAD_REQUEST", "Invalid header name");
    else if (c->nhost > 1 || (c->nhost == 0 && !c->http10))
        http_error(&c->res, 400, "BAD_REQUEST", "A request needs exactly one Host header");
    else
        return true;
    http_set_header(&c->res, "Connection", "close");
    c->has_body = true; /* answer at once, without reading a body */
    return false;
}

/* Decodes the request target into the path and the query parameters. */
static int read_target(req_ctx *c, const h1_head *head, const char **url)
{
    const char *t = head->target;
    size_t n = head->target_len;
    const char *q = memchr(t, '?', n);
    size_t plen = q ? (size_t)(q - t) : n;
    c->bad_path = h1_path_encodes_ctl(t, plen);
    char *path = arena_strndup(c->arena, t, plen); /* the parser refused a raw NUL */
    if (path == NULL)
        return IA_ERR_NOMEM;
    path[h1_unescape(path, plen, false)] = '\0';
    *url = path;
    return q ? collect_query(c, q + 1, n - plen - 1) : IA_OK;
}

/* The head of a request: headers, client address, route. Returns true when the checks that
 * follow were handed to a handler thread (the connection is then suspended), false when they
 * ran here (c->res holds the answer if one of them failed). */
static bool stage_headers(req_ctx *c, const h1_head *head)
{
    http_server *s = c->srv;
    const ia_config *cfg = s->cfg;
    http_req *req = &c->req;
    const char *url = "";
    char method[17];
    size_t mlen = head->method_len < sizeof(method) - 1 ? head->method_len : sizeof(method) - 1;
    memcpy(method, head->method, mlen);
    method[mlen] = '\0';
    c->http10 = head->minor == 0;
    if (collect_headers(c, head) != IA_OK || read_target(c, head, &url) != IA_OK) {
        http_error(&c->res, 500, "INTERNAL_ERROR", "Internal server error");
        return false;
    }
    reqid_resolve(http_header(req, "X-Request-ID"), c->request_id);
    resolve_client_ip(c, joined_xff(c));
    c->origin = http_header(req, "Origin");
    c->is_api = strncmp(url, "/api/v1", 7) == 0 && (url[7] == '/' || url[7] == '\0');
    req->request_id = c->request_id;
    req->client_ip = c->client_ip;
    req->method_name = arena_strndup(c->arena, method, 16);
    req->path = arena_strndup(c->arena, url, 8192);
    if (req->method_name == NULL || req->path == NULL) {
        http_error(&c->res, 500, "INTERNAL_ERROR", "Internal server error");
        return false;
    }
    req->method = http_method_bit(method);
    if (!request_well_formed(c, url))
        return false;
    if (c->bad_path || has_ctl(url, strlen(url), false)) {
        http_error(&c->res, 400, "BAD_REQUEST", "The path contains a control character");
        return false;
    }
    if (c->bad_header) {
        http_error(&c->res, 400, "BAD_REQUEST", "A header contains a control character");
        return false;
    }
    uint64_t length = head->has_length ? head->length : 0;
    c->has_body = length > 0 || head->chunked;

    router_match m;
    router_result rr = router_match_path(s->router, c->arena, method, req->path, &m);
    if (rr == ROUTER_NOT_FOUND) {
        http_error(&c->res, 404, "NOT_FOUND", "Not Found");
        return false;
    }
    c->route_label = m.pattern;
    if (rr == ROUTER_METHOD_NOT_ALLOWED) {
        http_error(&c->res, 405, "METHOD_NOT_ALLOWED", "Method Not Allowed");
        http_set_header(&c->res, "Allow", m.allow);
        return false;
    }
    if (req->method == HTTP_OPTIONS) {
        c->preflight = http_header(req, "Access-Control-Request-Method") != NULL;
        http_empty(&c->res, 204);
        http_set_header(&c->res, "Allow", m.allow);
        return false;
    }
    if (c->bad_query != NULL) {
        /* A query parameter is validated like a body field (API.md §1.3). */
        char name[64];
        size_t k = 0;
        for (const char *p = c->bad_query; *p && k + 1 < sizeof(name); p++)
            if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
                name[k++] = *p;
        name[k] = '\0';
        const char *const loc[] = { "query", name, NULL };
        http_validation_error(&c->res, loc, "Value must not contain control characters",
                              "value_error");
        return false;
    }
    req->route = m.route;
    req->nparams = m.nparams;
    for (size_t i = 0; i < m.nparams; i++) {
        req->param_names[i] = m.names[i];
        req->params[i] = m.values[i];
    }
    c->length = length;
    c->match = m;
    if (s->rl->remote && needs_rate_check(cfg, req->route)) {
        /* After a resume, the end of a body of unknown length (chunked) cannot be told from
         * the resume itself: such requests are limited once their body is in, on the handler
         * thread, before the handler runs. */
        if (length > 0 || !c->has_body)
            return admit_on_pool(c);
        c->defer_rate = true;
    }
    stage_admit(c);
    return false;
}

/* The checks between the route and the body, in the order docs/api.md §1 gives: rate limits, the
 * token, the upload limit, body size and type, path parameters. On success the request moves
 * to ST_BODY; otherwise c->res holds the answer. */
static void stage_admit(req_ctx *c)
{
    http_server *s = c->srv;
    const ia_config *cfg = s->cfg;
    http_req *req = &c->req;
    uint64_t length = c->length;

    if (!c->defer_rate && !address_limits_pass(c))
        return;

    if (req->route->auth != AUTH_NONE) {
        if (s->auth_early == NULL || s->auth_late == NULL) {
            http_error(&c->res, 500, "INTERNAL_ERROR", "Internal server error");
            return;
        }
        if (s->auth_early(req, &c->res, req->route->auth) != IA_OK || c->res.status != 0) {
            if (c->res.status == 0)
                http_error(&c->res, 500, "INTERNAL_ERROR", "Internal server error");
            return;
        }
    }

    if (!c->defer_rate && !upload_limit_passes(c))
        return;
    /* Body size and type, before any of the body is read. */
    if (req->route->flags & HTTP_BODY_UPLOAD) {
        if (stage_upload(c, length) != IA_OK)
            return;
    } else if (length > (uint64_t)cfg->max_json_body) {
        http_error(&c->res, 413, "PAYLOAD_TOO_LARGE", "Request body too large");
        return;
    }
    c->keep_body = (req->route->flags & (HTTP_BODY_JSON | HTTP_BODY_FORM)) != 0;
    const char *ctype = http_header(req, "Content-Type");
    bool form_ok = (req->route->flags & HTTP_BODY_FORM) && is_form_type(ctype);
    if (c->keep_body && c->has_body && !is_json_type(ctype) && !form_ok) {
        http_error(&c->res, 415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
        return;
    }
    if (!router_params_valid(&c->match)) {
        http_error(&c->res, 404, "NOT_FOUND", "Not Found");
        return;
    }
    /* UUIDs match in any case (docs/api.md §1.1); handlers see the canonical lower case. */
    for (size_t i = 0; i < c->match.nparams; i++)
        if (c->match.types[i] == 'u')
            for (char *p = (char *)req->params[i]; *p; p++)
                *p = (char)((*p >= 'A' && *p <= 'F') ? *p + 32 : *p);
    strbuf_init(&c->body, c->arena, (size_t)cfg->max_json_body);
    c->state = ST_BODY;
}

/* The body is complete. Inline routes answer now; HTTP_CPU routes go to the CPU executor, so
 * that password hashing never holds a handler thread that cheap requests need
 * (docs/design.md "Request lifecycle"); the rest go to the handler pool. */
static void stage_dispatch(req_ctx *c)
{
    http_server *s = c->srv;
    if (c->keep_body && c->body.len > 0) {
        c->req.body = c->body.buf;
        c->req.body_len = c->body.len;
    }
    if ((c->req.route->flags & HTTP_INLINE) && !c->defer_rate) {
        run_handler(c);
        send_response(c);
        return;
    }
    bool cpu = (c->req.route->flags & HTTP_CPU) && s->cpu_pool != NULL;
    c->state = ST_QUEUED;
    io_suspend(c->conn);
    if (pool_submit(cpu ? s->cpu_pool : s->pool, pool_job_run, c) != IA_OK) {
        refuse_busy(c, cpu);
        c->state = ST_READY;
        io_resume(c->conn);
    }
}

static req_ctx *ctx_new(http_server *s, io_conn *conn)
{
    req_ctx *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->arena = arena_create(REQ_ARENA_MAX);
    if (c->arena == NULL) {
        free(c);
        return NULL;
    }
    c->srv = s;
    c->conn = conn;
    c->start_us = ia_mono_us();
    c->route_label = "-";
    c->req.arena = c->arena;
    c->req.cfg = s->cfg;
    c->req.app = s->app;
    c->req.server = s;
    c->req.priv = c;
    c->req.headers = c->headers;
    c->req.query = c->query;
    c->req.deadline_ms = ia_mono_ms() + s->cfg->http_request_timeout_ms;
    c->drain_max = OVERFLOW_DRAIN_MAX;
    c->res.arena = c->arena;
    c->state = ST_HEADERS;
    return c;
}

/* Begins a request: its context, its place in the in-flight count, the header deadline
 * lifted. NULL when memory is short (the connection is then closed). */
static req_ctx *request_begin(http_server *s, io_conn *conn)
{
    req_ctx *c = ctx_new(s, conn);
    if (c == NULL) {
        io_abort(conn);
        return NULL;
    }
    io_set_request(conn, c);
    atomic_fetch_add(&s->in_flight, 1);
    log_set_request_id(NULL);
    return c;
}

/* A request head arrived (io.h). A head the parser refused is answered here like any other
 * error, with the headers every answer carries, and the connection closed after it. */
static void on_head(void *ud, io_conn *conn, const h1_head *head, const h1_error *err)
{
    http_server *s = ud;
    req_ctx *c = request_begin(s, conn);
    if (c == NULL)
        return;
    if (head == NULL) {
        reqid_resolve(NULL, c->request_id);
        c->req.request_id = c->request_id;
        resolve_client_ip(c, NULL);
        c->req.client_ip = c->client_ip;
        http_error(&c->res, err->status, err->code, err->detail);
        http_set_header(&c->res, "Connection", "close");
        send_response(c);
        return;
    }
    if (stage_headers(c, head) || c->res.status == 0)
        return;
    /* Answered from the headers; with a body pending, the transport closes the connection
     * after the answer rather than read a body that nobody wants. */
    send_response(c);
}

/* A piece of the body (io.h). False closes the connection. */
static bool on_body(void *rq, const char *data, size_t n)
{
    req_ctx *c = rq;
    if (c->state != ST_BODY)
        return true;
    c->received += n;
    if (ia_mono_ms() > c->req.deadline_ms) {
        log_info("http", "request deadline passed while reading the body", "route", c->route_label);
        return false;
    }
    if (c->upload != NULL)
        return feed_upload(c, data, n);
    if (c->res.status != 0) {
        /* Refused already (past the limit, or by the checks before the body): drop what
         * follows, up to a bound, and answer once the body ends. */
        c->dropped += n;
        if (c->dropped > c->drain_max) {
            log_info("http", "refused body kept coming; closing the connection", "route",
                     c->route_label);
            return false;
        }
        return true;
    }
    int rc = IA_OK;
    if (c->keep_body)
        rc = strbuf_append(&c->body, data, n);
    else if (n > c->body.max - c->body.len)
        rc = IA_ERR_TOO_LARGE; /* ignored bodies are counted too: nothing streams unbounded */
    else
        c->body.len += n;
    if (rc != IA_OK)
        http_error(&c->res, 413, "PAYLOAD_TOO_LARGE", "Request body too large");
    return true;
}

/* The body is complete, or there was none (io.h). */
static void on_body_end(void *rq)
{
    req_ctx *c = rq;
    if (c->state == ST_READY || (c->state == ST_BODY && c->res.status != 0)) {
        send_response(c); /* the 413 of an oversized chunked body, a refused admission */
        return;
    }
    if (c->state != ST_BODY) {
        if (c->res.status == 0)
            http_error(&c->res, 500, "INTERNAL_ERROR", "Internal server error");
        send_response(c);
        return;
    }
    if (c->upload != NULL && c->res.status == 0)
        finish_upload(c);
    if (c->res.status != 0) {
        send_response(c); /* a bad upload */
        return;
    }
    stage_dispatch(c);
}

/* The connection is back from a handler thread (io.h): with the answer (ST_READY), or with
 * the admission checks done and the body still to read (ST_BODY). */
static void on_resume(void *rq)
{
    req_ctx *c = rq;
    if (c->state == ST_READY)
        send_response(c);
}

/* Reports a 5xx answer to error monitoring: the route template, method, status, request id,
 * the account when authenticated, and the code and detail of the JSON error when http_error
 * wrote one. Never the path, query, headers or either body. */
static void report_server_error(const req_ctx *c, int status)
{
    const char *method = c->req.method_name ? c->req.method_name : "-";
    char type[24], code[16], transaction[300], message[SENTRY_MESSAGE_MAX];
    snprintf(type, sizeof(type), "HTTP %d", status);
    snprintf(code, sizeof(code), "%d", status);
    snprintf(transaction, sizeof(transaction), "%s %s", method, c->route_label);
    snprintf(message, sizeof(message), "%s: %s",
             c->res.error_code ? c->res.error_code : "HTTP_ERROR",
             c->res.error_detail ? c->res.error_detail : "no error detail");
    sentry_event ev = { .level = "error",
                        .logger = "http",
                        .type = type,
                        .message = message,
                        .transaction = transaction,
                        .user_id = c->req.user_id,
                        .tags = { { "route", c->route_label },
                                  { "method", method },
                                  { "status", code },
                                  { "request_id", c->request_id } },
                        .ntags = 4 };
    sentry_capture(&ev);
}

/* The request is over (io.h): the access log line, the metrics, error reporting, and its
 * memory freed. An answer that was not sent is logged as 408 (idle timeout) or 499 (the
 * connection closed first). */
static void on_done(void *rq, bool sent, bool timed_out)
{
    req_ctx *c = rq;
    http_server *s = c->srv;
    int status = c->sent_status;
    if (c->state != ST_SENT || !sent)
        status = timed_out ? 408 : 499;
    int64_t us = ia_mono_us() - c->start_us;
    log_set_request_id(c->request_id);
    log_field f[7];
    size_t n = 0;
    f[n++] = LOG_STR("method", c->req.method_name ? c->req.method_name : "-");
    f[n++] = LOG_STR("route", c->route_label);
    f[n++] = LOG_NUM("status", status);
    f[n++] = LOG_NUM("bytes", c->sent_bytes);
    f[n++] = LOG_NUM("duration_ms", us / 1000);
    f[n++] = LOG_STR("client_ip", c->client_ip);
    if (c->req.user_id != NULL)
        f[n++] = LOG_STR("user_id", c->req.user_id);
    log_emit(LOG_INFO, "access", "request", f, n);
    log_set_request_id(NULL);
    metrics_observe_request(c->route_label, c->req.method_name ? c->req.method_name : "OTHER",
                            status, (double)us / 1e6);
    if (status >= 500)
        report_server_error(c, status);
    upload_discard(c->upload);
    arena_destroy(c->arena);
    free(c);
    if (atomic_fetch_sub(&s->in_flight, 1) == 1 && atomic_load(&s->draining)) {
        pthread_mutex_lock(&s->lock);
        pthread_cond_broadcast(&s->idle);
        pthread_mutex_unlock(&s->lock);
    }
}

static void collect_server_metrics(strbuf *sb, void *ctx)
{
    http_server *s = ctx;
    strbuf_appendf(sb,
                   "# HELP interviewace_http_requests_in_flight Requests being handled.\n"
                   "# TYPE interviewace_http_requests_in_flight gauge\n"
                   "interviewace_http_requests_in_flight %ld\n"
                   "# HELP interviewace_handler_queue_depth Requests waiting for a handler "
                   "thread.\n# TYPE interviewace_handler_queue_depth gauge\n"
                   "interviewace_handler_queue_depth %zu\n"
                   "# HELP interviewace_handler_queue_capacity Maximum queued requests before "
                   "503.\n# TYPE interviewace_handler_queue_capacity gauge\n"
                   "interviewace_handler_queue_capacity %zu\n"
                   "# HELP interviewace_handler_threads_busy Handler threads running a "
                   "request.\n# TYPE interviewace_handler_threads_busy gauge\n"
                   "interviewace_handler_threads_busy %zu\n",
                   atomic_load(&s->in_flight), s->pool ? pool_depth(s->pool) : 0,
                   s->pool ? pool_capacity(s->pool) : 0, s->pool ? pool_busy(s->pool) : 0);
    handler_pool *cp = s->cpu_pool;
    strbuf_appendf(sb,
                   "# HELP interviewace_cpu_queue_depth Requests waiting for the CPU executor "
                   "(password hashing).\n# TYPE interviewace_cpu_queue_depth gauge\n"
                   "interviewace_cpu_queue_depth %zu\n"
                   "# HELP interviewace_cpu_queue_capacity Maximum requests waiting for the CPU "
                   "executor before 503 CPU_BUSY.\n# TYPE interviewace_cpu_queue_capacity gauge\n"
                   "interviewace_cpu_queue_capacity %zu\n"
                   "# HELP interviewace_cpu_threads CPU executor threads.\n"
                   "# TYPE interviewace_cpu_threads gauge\ninterviewace_cpu_threads %zu\n"
                   "# HELP interviewace_cpu_threads_busy CPU executor threads running a request.\n"
                   "# TYPE interviewace_cpu_threads_busy gauge\ninterviewace_cpu_threads_busy %zu\n"
                   "# HELP interviewace_cpu_threads_niced CPU executor threads running at the "
                   "lower priority of CPU_NICE.\n# TYPE interviewace_cpu_threads_niced gauge\n"
                   "interviewace_cpu_threads_niced %zu\n",
                   cp ? pool_depth(cp) : 0, cp ? pool_capacity(cp) : 0, cp ? pool_threads(cp) : 0,
                   cp ? pool_busy(cp) : 0, cp ? pool_niced(cp) : 0);
}

/* ---- lifecycle ---- */

int http_server_create(const ia_config *cfg, void *app, http_server **out)
{
    http_server *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return IA_ERR_NOMEM;
    s->cfg = cfg;
    s->app = app;
    s->router = router_create();
    s->rl = rl_memory_create(RATE_KEYS_MAX);
    if (s->router == NULL || s->rl == NULL) {
        router_free(s->router);
        rl_destroy(s->rl);
        free(s);
        return IA_ERR_NOMEM;
    }
    atomic_init(&s->in_flight, 0);
    atomic_init(&s->draining, false);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->idle, NULL);
    *out = s;
    return IA_OK;
}

int http_server_use_redis(http_server *s, redis_client *redis, int on_failure)
{
    rl_store *shared = rl_redis_create(redis, on_failure, RATE_KEYS_MAX);
    if (shared == NULL)
        return IA_ERR_NOMEM;
    rl_destroy(s->rl);
    s->rl = shared;
    return IA_OK;
}

int http_server_add_routes(http_server *s, const http_route *routes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = router_add(s->router, &routes[i]);
        if (rc != IA_OK) {
            log_error("http", "cannot register route", "method", routes[i].method, "pattern",
                      routes[i].pattern, "error", ia_strerror(rc));
            return rc;
        }
        if ((routes[i].flags & HTTP_INLINE) && routes[i].auth != AUTH_NONE) {
            log_error("http", "an authenticated route cannot run on the I/O thread", "pattern",
                      routes[i].pattern);
            return IA_ERR_INVALID;
        }
    }
    return IA_OK;
}

void http_server_set_fallback(http_server *s, const http_route *route, const char *const *reserved)
{
    router_set_fallback(s->router, route, reserved);
}

/* The CPU executor's size: CPU_THREADS, or one thread per online core when it is 0. */
static size_t cpu_threads(const ia_config *cfg)
{
    if (cfg->cpu_threads > 0)
        return (size_t)cfg->cpu_threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

int http_server_start(http_server *s)
{
    const ia_config *cfg = s->cfg;
    int rc = pool_create((size_t)cfg->handler_threads, (size_t)cfg->handler_queue_max, 0,
                         s->thread_init, s->thread_fini, s->thread_ctx, &s->pool);
    if (rc != IA_OK)
        return rc;
    rc = pool_create(cpu_threads(cfg), (size_t)cfg->cpu_queue_max, (int)cfg->cpu_nice,
                     s->thread_init, s->thread_fini, s->thread_ctx, &s->cpu_pool);
    if (rc != IA_OK)
        return rc;
    rc = conntrack_create(cfg, &s->conns);
    if (rc != IA_OK)
        return rc;
    static const io_callbacks cb = { .on_head = on_head,
                                     .on_body = on_body,
                                     .on_body_end = on_body_end,
                                     .on_resume = on_resume,
                                     .on_done = on_done };
    rc = io_server_create(cfg, s->conns, &cb, s, &s->io);
    if (rc != IA_OK)
        return rc;
    rc = io_server_listen(s->io);
    if (rc != IA_OK) {
        int err = errno;
        char port[24];
        snprintf(port, sizeof(port), "%lld", cfg->port);
        if (rc == IA_ERR_CONFLICT)
            log_error("http",
                      "cannot listen: the port is in use by another process (set "
                      "HTTP_REUSE_PORT=true for instances that share it)",
                      "host", cfg->host, "port", port, "error", strerror(err));
        else if (rc != IA_ERR_INVALID)
            log_error("http", "cannot listen", "host", cfg->host, "port", port, "error",
                      strerror(err));
        return IA_ERR_IO;
    }
    rc = io_server_start(s->io);
    if (rc != IA_OK)
        return rc;
    rc = conntrack_start(s->conns);
    if (rc != IA_OK)
        return rc;
    s->port = io_server_port(s->io);
    if (s->on_bound != NULL)
        s->on_bound(s->bound_ctx, s->port);
    io_server_accept(s->io, true);
    metrics_register_collector(collect_server_metrics, s);
    log_emit(LOG_INFO, "http", "listening",
             (log_field[]){ LOG_STR("host", cfg->host), LOG_NUM("port", s->port),
                            LOG_NUM("io_threads", cfg->http_io_threads),
                            LOG_NUM("handler_threads", cfg->handler_threads),
                            LOG_NUM("cpu_threads", (long long)pool_threads(s->cpu_pool)),
                            LOG_NUM("cpu_nice", cfg->cpu_nice) },
             6);
    return IA_OK;
}

void http_server_set_thread_hooks(http_server *s, void (*init)(void *ctx), void (*fini)(void *ctx),
                                  void *ctx)
{
    s->thread_init = init;
    s->thread_fini = fini;
    s->thread_ctx = ctx;
}

void http_server_set_bound_hook(http_server *s, void (*fn)(void *ctx, int port), void *ctx)
{
    s->on_bound = fn;
    s->bound_ctx = ctx;
}

void http_server_set_auth(http_server *s, http_auth_fn early, http_auth_fn late)
{
    s->auth_early = early;
    s->auth_late = late;
}

int http_server_port(const http_server *s)
{
    return s->port;
}

int http_server_drain(http_server *s, int64_t timeout_ms)
{
    /* From now on every new connection is closed as soon as it is accepted, and kept-alive
     * connections close after their current answer. */
    atomic_store(&s->draining, true);
    if (s->io != NULL)
        io_server_accept(s->io, false);
    int64_t deadline = ia_mono_ms() + timeout_ms;
    pthread_mutex_lock(&s->lock);
    while (atomic_load(&s->in_flight) > 0) {
        int64_t left = deadline - ia_mono_ms();
        if (left <= 0)
            break;
        struct timespec ts;
        ia_timespec_after(left < 100 ? left : 100, &ts);
        pthread_cond_timedwait(&s->idle, &s->lock, &ts);
    }
    pthread_mutex_unlock(&s->lock);
    long left = atomic_load(&s->in_flight);
    if (left > 0) {
        log_emit(LOG_WARN, "http", "shutdown timeout with requests still in flight",
                 (log_field[]){ LOG_NUM("in_flight", left) }, 1);
        return IA_ERR_TIMEOUT;
    }
    return IA_OK;
}

void http_server_destroy(http_server *s)
{
    if (s == NULL)
        return;
    if (atomic_load(&s->in_flight) > 0) {
        /* Handlers are still running on suspended connections; stopping the transport under
         * them is not allowed, and the process is about to exit anyway. */
        return;
    }
    io_server_destroy(s->io);
    pool_destroy(s->pool);
    pool_destroy(s->cpu_pool);
    rl_destroy(s->rl);
    router_free(s->router);
    pthread_cond_destroy(&s->idle);
    pthread_mutex_destroy(&s->lock);
    conntrack_destroy(s->conns);
    free(s);
}
