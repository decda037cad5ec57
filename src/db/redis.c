#include "db/redis.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "obs/metrics.h"

#define REDIS_POOL_MAX    64
#define REPLY_BYTES_MAX   (1u << 20) /* our replies are a few bytes; anything larger is wrong */
#define BACKOFF_FIRST_MS  100
#define BACKOFF_MAX_MS    2000
#define REDIS_DEFAULT_PRT 6379
#define REDIS_ARGS_MAX    20 /* arguments of one command given without lengths */

typedef struct {
    int fd; /* -1 when not connected */
    SSL *ssl;
    redisReader *reader;
} redis_conn;

struct redis_client {
    redis_url url;
    int timeout_ms;
    char fallback[160];
    SSL_CTX *ssl_ctx;
    pthread_mutex_t lock; /* the pool, the state below and the scripts' SHAs */
    pthread_cond_t freed;
    redis_conn conns[REDIS_POOL_MAX];
    bool busy[REDIS_POOL_MAX];
    size_t size;
    bool up;
    int64_t retry_at_ms; /* while down: no attempt before this time */
    int backoff_ms;
};

/* Process-wide figures for /metrics (one Redis per process). */
static atomic_int g_up = 1;
static atomic_int g_configured;
static atomic_ullong g_failures;
static pthread_once_t g_metrics_once = PTHREAD_ONCE_INIT;

static void collect_redis(strbuf *sb, void *ctx)
{
    (void)ctx;
    if (!atomic_load(&g_configured))
        return;
    strbuf_appendf(sb,
                   "# HELP interviewace_redis_up Whether Redis answered the last call (1) or is "
                   "unreachable (0).\n# TYPE interviewace_redis_up gauge\ninterviewace_redis_up "
                   "%d\n",
                   atomic_load(&g_up));
    strbuf_appendf(sb,
                   "# HELP interviewace_redis_failures_total Redis calls that failed (unreachable, "
                   "timed out or refused).\n# TYPE interviewace_redis_failures_total "
                   "counter\ninterviewace_redis_failures_total %llu\n",
                   (unsigned long long)atomic_load(&g_failures));
}

static void register_metrics(void)
{
    metrics_register_collector(collect_redis, NULL);
}

/* ---- URL ---- */

/* Decodes the percent-escapes of src[0..n) into dst (size cap); IA_ERR_INVALID on a bad escape
 * or when it does not fit. */
static int pct_decode(const char *src, size_t n, char *dst, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '%') {
            char hex[3] = { 0 };
            if (i + 2 >= n)
                return IA_ERR_INVALID;
            hex[0] = src[i + 1];
            hex[1] = src[i + 2];
            char *end = NULL;
            long v = strtol(hex, &end, 16);
            if (end != hex + 2 || v <= 0)
                return IA_ERR_INVALID;
            ch = (unsigned char)v;
            i += 2;
        }
        if (o + 1 >= cap)
            return IA_ERR_INVALID;
        dst[o++] = (char)ch;
    }
    dst[o] = '\0';
    return IA_OK;
}

int redis_url_parse(const char *url, redis_url *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->port = REDIS_DEFAULT_PRT;
    const char *p;
    if (strncmp(url, "redis://", 8) == 0) {
        p = url + 8;
    } else if (strncmp(url, "rediss://", 9) == 0) {
        p = url + 9;
        out->tls = true;
    } else {
        snprintf(err, errlen,
                 "not a Redis URL; expected redis://[user:password@]host:port[/db] "
                 "or rediss://... for TLS");
        return IA_ERR_INVALID;
    }
    const char *auth_end = strchr(p, '@'); /* an '@' in a password is written %40 */
    const char *slash = strchr(p, '/');
    if (auth_end != NULL && (slash == NULL || auth_end < slash)) {
        const char *colon = memchr(p, ':', (size_t)(auth_end - p));
        const char *user_end = colon ? colon : auth_end;
        if (pct_decode(p, (size_t)(user_end - p), out->user, sizeof(out->user)) != IA_OK ||
            (colon && pct_decode(colon + 1, (size_t)(auth_end - colon - 1), out->password,
                                 sizeof(out->password)) != IA_OK)) {
            snprintf(err, errlen, "the user name or password is too long or badly escaped");
            return IA_ERR_INVALID;
        }
        p = auth_end + 1;
        slash = strchr(p, '/');
    }
    const char *host_end = slash ? slash : p + strlen(p);
    const char *port_at = NULL;
    const char *h = p, *he = host_end;
    if (*p == '[') {
        const char *close = memchr(p, ']', (size_t)(host_end - p));
        if (close == NULL) {
            snprintf(err, errlen, "an IPv6 address must be closed with ]");
            return IA_ERR_INVALID;
        }
        h = p + 1;
        he = close;
        if (close + 1 < host_end) {
            if (close[1] != ':') {
                snprintf(err, errlen, "unexpected text after the IPv6 address");
                return IA_ERR_INVALID;
            }
            port_at = close + 2;
        }
    } else {
        const char *colon = memchr(p, ':', (size_t)(host_end - p));
        if (colon) {
            he = colon;
            port_at = colon + 1;
        }
    }
    if (he == h || (size_t)(he - h) >= sizeof(out->host)) {
        snprintf(err, errlen, "the host is missing or too long");
        return IA_ERR_INVALID;
    }
    memcpy(out->host, h, (size_t)(he - h));
    out->host[he - h] = '\0';
    for (const char *c = out->host; *c; c++)
        if (*c == '@' || *c == '?' || *c == '#' || *c == ' ' || *c == '[' || *c == ']') {
            snprintf(err, errlen, "the host contains '%c'", *c);
            return IA_ERR_INVALID;
        }
    if (port_at != NULL) {
        char num[8];
        size_t n = (size_t)(host_end - port_at);
        long long port = 0;
        if (n == 0 || n >= sizeof(num)) {
            snprintf(err, errlen, "the port is missing or not a number");
            return IA_ERR_INVALID;
        }
        memcpy(num, port_at, n);
        num[n] = '\0';
        if (num[0] == '-' || num[0] == '+' || config_parse_int(num, 1, 65535, &port) != IA_OK) {
            snprintf(err, errlen, "the port must be a number from 1 to 65535");
            return IA_ERR_INVALID;
        }
        out->port = (int)port;
    }
    if (slash != NULL && slash[1] != '\0') {
        long long db = 0;
        const char *q = slash + 1;
        if (q[0] == '-' || q[0] == '+' || config_parse_int(q, 0, 1000000, &db) != IA_OK) {
            snprintf(err, errlen, "the database after / must be a number such as 0");
            return IA_ERR_INVALID;
        }
        out->db = (int)db;
    }
    return IA_OK;
}

/* ---- state ---- */

/* Records a failed call: the first failure after success logs one warning and starts the
 * backoff; later ones lengthen it. Called with the lock held. */
static void mark_down_locked(redis_client *c, const char *why)
{
    atomic_fetch_add(&g_failures, 1);
    if (c->up) {
        c->up = false;
        atomic_store(&g_up, 0);
        log_warn("redis", "redis unreachable", "error", why, "meanwhile", c->fallback);
        c->backoff_ms = BACKOFF_FIRST_MS;
    } else {
        c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
    }
    c->retry_at_ms = ia_mono_ms() + c->backoff_ms;
}

static void mark_up_locked(redis_client *c)
{
    if (!c->up) {
        c->up = true;
        atomic_store(&g_up, 1);
        log_info("redis", "redis reachable again");
    }
    c->backoff_ms = 0;
}

bool redis_is_up(const redis_client *c)
{
    return c != NULL && atomic_load(&g_up);
}

/* ---- one connection ---- */

static void conn_drop(redis_conn *k)
{
    if (k->ssl != NULL) {
        SSL_free(k->ssl);
        k->ssl = NULL;
    }
    if (k->fd >= 0) {
        close(k->fd);
        k->fd = -1;
    }
    if (k->reader != NULL) {
        redisReaderFree(k->reader);
        k->reader = NULL;
    }
}

/* Waits until fd is ready for events or the deadline passes. */
static int wait_fd(int fd, short events, int64_t deadline_ms)
{
    for (;;) {
        int64_t left = deadline_ms - ia_mono_ms();
        if (left <= 0)
            return IA_ERR_TIMEOUT;
        struct pollfd pfd = { .fd = fd, .events = events };
        int n = poll(&pfd, 1, (int)left);
        if (n > 0)
            return IA_OK;
        if (n < 0 && errno != EINTR)
            return IA_ERR_IO;
    }
}

/* Connects a non-blocking TCP socket to one of host's addresses before the deadline. */
static int tcp_connect(const redis_url *u, int64_t deadline_ms, int *fd_out, char *why,
                       size_t whylen)
{
    char port[8];
    snprintf(port, sizeof(port), "%d", u->port);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(u->host, port, &hints, &res);
    if (gai != 0) {
        snprintf(why, whylen, "cannot resolve %.100s: %s", u->host, gai_strerror(gai));
        return IA_ERR_UNAVAILABLE;
    }
    int rc = IA_ERR_UNAVAILABLE;
    snprintf(why, whylen, "no address of %.100s accepted the connection", u->host);
    for (struct addrinfo *ai = res; ai != NULL && rc != IA_OK; ai = ai->ai_next) {
        int fd =
            socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            snprintf(why, whylen, "connect to %.100s:%d: %s", u->host, u->port, strerror(errno));
            close(fd);
            continue;
        }
        int soerr = 0;
        socklen_t sl = sizeof(soerr);
        if (wait_fd(fd, POLLOUT, deadline_ms) != IA_OK) {
            snprintf(why, whylen, "connect to %.100s:%d timed out", u->host, u->port);
            close(fd);
            continue;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
            snprintf(why, whylen, "connect to %.100s:%d: %s", u->host, u->port,
                     strerror(soerr ? soerr : errno));
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        *fd_out = fd;
        rc = IA_OK;
    }
    freeaddrinfo(res);
    return rc;
}

/* Runs the TLS handshake on a connected socket, checking the certificate and the host name. */
static int tls_handshake(redis_client *c, redis_conn *k, int64_t deadline_ms, char *why,
                         size_t whylen)
{
    k->ssl = SSL_new(c->ssl_ctx);
    /* The certificate must name the host: an IP address as an IP entry (and no SNI, which
     * takes names only), anything else as a DNS name. */
    unsigned char ip[sizeof(struct in6_addr)];
    bool literal =
        inet_pton(AF_INET, c->url.host, ip) == 1 || inet_pton(AF_INET6, c->url.host, ip) == 1;
    if (k->ssl == NULL || SSL_set_fd(k->ssl, k->fd) != 1 ||
        (literal ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(k->ssl), c->url.host) != 1
                 : SSL_set_tlsext_host_name(k->ssl, c->url.host) != 1 ||
                       SSL_set1_host(k->ssl, c->url.host) != 1)) {
        snprintf(why, whylen, "cannot set up TLS");
        return IA_ERR_UNAVAILABLE;
    }
    for (;;) {
        ERR_clear_error();
        int r = SSL_connect(k->ssl);
        if (r == 1)
            return IA_OK;
        int e = SSL_get_error(k->ssl, r);
        short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
        if (ev == 0) {
            long vr = SSL_get_verify_result(k->ssl);
            snprintf(why, whylen, "TLS handshake with %.100s failed: %.100s", c->url.host,
                     vr != X509_V_OK ? X509_verify_cert_error_string(vr)
                     : ERR_reason_error_string(ERR_peek_last_error())
                         ? ERR_reason_error_string(ERR_peek_last_error())
                         : "connection closed");
            return IA_ERR_UNAVAILABLE;
        }
        if (wait_fd(k->fd, ev, deadline_ms) != IA_OK) {
            snprintf(why, whylen, "TLS handshake with %.100s timed out", c->url.host);
            return IA_ERR_UNAVAILABLE;
        }
    }
}

/* Writes all of buf before the deadline. */
static int conn_write(redis_conn *k, const char *buf, size_t len, int64_t deadline_ms)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n;
        short ev = POLLOUT;
        if (k->ssl != NULL) {
            ERR_clear_error();
            int r = SSL_write(k->ssl, buf + off, (int)(len - off));
            if (r > 0) {
                off += (size_t)r;
                continue;
            }
            int e = SSL_get_error(k->ssl, r);
            if (e == SSL_ERROR_WANT_READ)
                ev = POLLIN;
            else if (e != SSL_ERROR_WANT_WRITE)
                return IA_ERR_IO;
        } else {
            n = send(k->fd, buf + off, len - off, MSG_NOSIGNAL);
            if (n > 0) {
                off += (size_t)n;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                return IA_ERR_IO;
        }
        int rc = wait_fd(k->fd, ev, deadline_ms);
        if (rc != IA_OK)
            return rc;
    }
    return IA_OK;
}

/* Reads until the reader holds one complete reply, before the deadline. */
static int conn_read_reply(redis_conn *k, int64_t deadline_ms, redisReply **out)
{
    size_t total = 0;
    for (;;) {
        void *reply = NULL;
        if (redisReaderGetReply(k->reader, &reply) != REDIS_OK)
            return IA_ERR_IO; /* a protocol error: the stream cannot be trusted any more */
        if (reply != NULL) {
            *out = reply;
            return IA_OK;
        }
        char buf[4096];
        ssize_t n;
        short ev = POLLIN;
        if (k->ssl != NULL) {
            ERR_clear_error();
            int r = SSL_read(k->ssl, buf, sizeof(buf));
            if (r > 0) {
                n = r;
            } else {
                int e = SSL_get_error(k->ssl, r);
                if (e == SSL_ERROR_WANT_WRITE)
                    ev = POLLOUT;
                else if (e != SSL_ERROR_WANT_READ)
                    return IA_ERR_IO;
                n = -1;
            }
        } else {
            n = recv(k->fd, buf, sizeof(buf), 0);
            if (n == 0)
                return IA_ERR_IO;
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return IA_ERR_IO;
        }
        if (n > 0) {
            total += (size_t)n;
            if (total > REPLY_BYTES_MAX || redisReaderFeed(k->reader, buf, (size_t)n) != REDIS_OK)
                return IA_ERR_IO;
            continue;
        }
        int rc = wait_fd(k->fd, ev, deadline_ms);
        if (rc != IA_OK)
            return rc;
    }
}

/* Sends one formatted command and reads its reply. */
static int conn_roundtrip(redis_conn *k, int argc, const char **argv, const size_t *lens,
                          int64_t deadline_ms, redisReply **out)
{
    size_t local_lens[REDIS_ARGS_MAX];
    if (lens == NULL) {
        if (argc > REDIS_ARGS_MAX)
            return IA_ERR_INVALID;
        for (int i = 0; i < argc; i++)
            local_lens[i] = strlen(argv[i]);
        lens = local_lens;
    }
    char *cmd = NULL;
    int len = redisFormatCommandArgv(&cmd, argc, argv, lens);
    if (len < 0 || cmd == NULL)
        return IA_ERR_NOMEM;
    int rc = conn_write(k, cmd, (size_t)len, deadline_ms);
    redisFreeCommand(cmd);
    if (rc != IA_OK)
        return rc;
    return conn_read_reply(k, deadline_ms, out);
}

/* Connects k and authenticates and selects the database; on failure why says what failed. */
static int conn_open(redis_client *c, redis_conn *k, int64_t deadline_ms, char *why, size_t whylen)
{
    k->reader = redisReaderCreate();
    if (k->reader == NULL)
        return IA_ERR_NOMEM;
    int rc = tcp_connect(&c->url, deadline_ms, &k->fd, why, whylen);
    if (rc == IA_OK && c->url.tls)
        rc = tls_handshake(c, k, deadline_ms, why, whylen);
    if (rc == IA_OK && c->url.password[0] != '\0') {
        redisReply *r = NULL;
        const char *argv[3] = { "AUTH", c->url.user, c->url.password };
        bool with_user = c->url.user[0] != '\0';
        rc = with_user ? conn_roundtrip(k, 3, argv, NULL, deadline_ms, &r)
                       : conn_roundtrip(k, 2, (const char *[]){ "AUTH", c->url.password }, NULL,
                                        deadline_ms, &r);
        if (rc == IA_OK && r->type == REDIS_REPLY_ERROR) {
            snprintf(why, whylen, "AUTH refused: %.100s", r->str);
            rc = IA_ERR_UNAVAILABLE;
        } else if (rc != IA_OK) {
            snprintf(why, whylen, "no answer to AUTH");
        }
        redis_reply_free(r);
    }
    if (rc == IA_OK && c->url.db != 0) {
        char db[16];
        snprintf(db, sizeof(db), "%d", c->url.db);
        redisReply *r = NULL;
        rc = conn_roundtrip(k, 2, (const char *[]){ "SELECT", db }, NULL, deadline_ms, &r);
        if (rc == IA_OK && r->type == REDIS_REPLY_ERROR) {
            snprintf(why, whylen, "SELECT %s refused: %.100s", db, r->str);
            rc = IA_ERR_UNAVAILABLE;
        } else if (rc != IA_OK) {
            snprintf(why, whylen, "no answer to SELECT");
        }
        redis_reply_free(r);
    }
    if (rc != IA_OK) {
        conn_drop(k);
        return rc == IA_ERR_NOMEM ? rc : IA_ERR_UNAVAILABLE;
    }
    return IA_OK;
}

/* ---- pool ---- */

int redis_open(const char *url, int timeout_ms, size_t pool_size, const char *fallback,
               redis_client **out, char *err, size_t errlen)
{
    redis_client *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return IA_ERR_NOMEM;
    int rc = redis_url_parse(url, &c->url, err, errlen);
    if (rc != IA_OK) {
        free(c);
        return rc;
    }
    if (c->url.tls) {
        c->ssl_ctx = SSL_CTX_new(TLS_client_method());
        if (c->ssl_ctx == NULL || SSL_CTX_set_default_verify_paths(c->ssl_ctx) != 1 ||
            SSL_CTX_set_min_proto_version(c->ssl_ctx, TLS1_2_VERSION) != 1) {
            snprintf(err, errlen, "cannot set up TLS");
            SSL_CTX_free(c->ssl_ctx);
            free(c);
            return IA_ERR_INTERNAL;
        }
        SSL_CTX_set_verify(c->ssl_ctx, SSL_VERIFY_PEER, NULL);
    }
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
    c->size = pool_size < 1 ? 1 : pool_size > REDIS_POOL_MAX ? REDIS_POOL_MAX : pool_size;
    for (size_t i = 0; i < REDIS_POOL_MAX; i++)
        c->conns[i].fd = -1;
    snprintf(c->fallback, sizeof(c->fallback), "%s", fallback ? fallback : "");
    c->up = true;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->freed, NULL);
    atomic_store(&g_up, 1);
    atomic_store(&g_configured, 1);
    pthread_once(&g_metrics_once, register_metrics);
    *out = c;
    return IA_OK;
}

void redis_close(redis_client *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < REDIS_POOL_MAX; i++)
        conn_drop(&c->conns[i]);
    SSL_CTX_free(c->ssl_ctx);
    pthread_cond_destroy(&c->freed);
    pthread_mutex_destroy(&c->lock);
    explicit_bzero(&c->url, sizeof(c->url));
    free(c);
}

void redis_reply_free(redisReply *r)
{
    if (r != NULL)
        freeReplyObject(r);
}

/* Takes a free pooled connection, waiting at most until the deadline. While the server is
 * down and its retry time has not come, fails at once; when it has come, this caller is the
 * one that tries (others keep failing fast). */
static int pool_take(redis_client *c, int64_t deadline_ms, size_t *slot)
{
    pthread_mutex_lock(&c->lock);
    if (!c->up) {
        int64_t now = ia_mono_ms();
        if (now < c->retry_at_ms) {
            pthread_mutex_unlock(&c->lock);
            return IA_ERR_UNAVAILABLE;
        }
        c->retry_at_ms = now + (c->backoff_ms > 0 ? c->backoff_ms : BACKOFF_FIRST_MS);
    }
    for (;;) {
        for (size_t i = 0; i < c->size; i++)
            if (!c->busy[i]) {
                c->busy[i] = true;
                *slot = i;
                pthread_mutex_unlock(&c->lock);
                return IA_OK;
            }
        int64_t left = deadline_ms - ia_mono_ms();
        if (left <= 0) {
            pthread_mutex_unlock(&c->lock);
            return IA_ERR_TIMEOUT;
        }
        struct timespec ts;
        ia_timespec_after(left, &ts);
        if (pthread_cond_timedwait(&c->freed, &c->lock, &ts) == ETIMEDOUT) {
            pthread_mutex_unlock(&c->lock);
            return IA_ERR_TIMEOUT;
        }
    }
}

static void pool_give(redis_client *c, size_t slot, bool ok, const char *why)
{
    pthread_mutex_lock(&c->lock);
    c->busy[slot] = false;
    if (ok)
        mark_up_locked(c);
    else
        mark_down_locked(c, why);
    pthread_cond_signal(&c->freed);
    pthread_mutex_unlock(&c->lock);
}

int redis_command(redis_client *c, int argc, const char **argv, const size_t *lens,
                  redisReply **reply)
{
    *reply = NULL;
    int64_t deadline = ia_mono_ms() + c->timeout_ms;
    size_t slot = 0;
    int rc = pool_take(c, deadline, &slot);
    if (rc != IA_OK)
        return rc;
    redis_conn *k = &c->conns[slot];
    char why[256] = "";
    /* A pooled connection may have been closed by a server restart since its last use: one
     * failure on it is retried once on a fresh connection before the server counts as down. */
    bool reused = k->fd >= 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (k->fd < 0) {
            rc = conn_open(c, k, deadline, why, sizeof(why));
            if (rc != IA_OK)
                break;
        }
        rc = conn_roundtrip(k, argc, argv, lens, deadline, reply);
        if (rc == IA_OK)
            break;
        snprintf(why, sizeof(why), "%s",
                 rc == IA_ERR_TIMEOUT ? "no answer in time" : "connection lost");
        conn_drop(k);
        if (!reused || rc == IA_ERR_TIMEOUT || rc == IA_ERR_NOMEM)
            break;
        reused = false;
    }
    pool_give(c, slot, rc == IA_OK, why);
    return rc == IA_OK || rc == IA_ERR_NOMEM ? rc : IA_ERR_UNAVAILABLE;
}

int redis_ping(redis_client *c)
{
    redisReply *r = NULL;
    int rc = redis_command(c, 1, (const char *[]){ "PING" }, NULL, &r);
    if (rc == IA_OK && (r->type != REDIS_REPLY_STATUS || strcmp(r->str, "PONG") != 0))
        rc = IA_ERR_UNAVAILABLE;
    redis_reply_free(r);
    return rc;
}

/* Loads script (SCRIPT LOAD) and records its SHA1. */
static int script_load(redis_client *c, redis_script *s)
{
    redisReply *r = NULL;
    int rc = redis_command(c, 3, (const char *[]){ "SCRIPT", "LOAD", s->source }, NULL, &r);
    if (rc == IA_OK && (r->type != REDIS_REPLY_STRING || r->len != 40)) {
        log_warn("redis", "SCRIPT LOAD refused", "error",
                 r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
        rc = IA_ERR_INTERNAL;
    }
    if (rc == IA_OK) {
        pthread_mutex_lock(&c->lock);
        memcpy(s->sha, r->str, 40);
        s->sha[40] = '\0';
        pthread_mutex_unlock(&c->lock);
    }
    redis_reply_free(r);
    return rc;
}

#define EVAL_ARGS_MAX (REDIS_ARGS_MAX - 3)

int redis_eval(redis_client *c, redis_script *script, int nkeys, int nargs, const char **args,
               redisReply **reply)
{
    *reply = NULL;
    if (nkeys < 0 || nargs < nkeys || nargs > EVAL_ARGS_MAX)
        return IA_ERR_INVALID;
    /* At most: load, call, (NOSCRIPT) load again, call. */
    for (int attempt = 0; attempt < 4; attempt++) {
        char sha[41];
        pthread_mutex_lock(&c->lock);
        memcpy(sha, script->sha, sizeof(sha));
        pthread_mutex_unlock(&c->lock);
        if (sha[0] == '\0') {
            int rc = script_load(c, script);
            if (rc != IA_OK)
                return rc;
            continue;
        }
        char nk[12];
        snprintf(nk, sizeof(nk), "%d", nkeys);
        const char *argv[EVAL_ARGS_MAX + 3] = { "EVALSHA", sha, nk };
        for (int i = 0; i < nargs; i++)
            argv[3 + i] = args[i];
        int rc = redis_command(c, 3 + nargs, argv, NULL, reply);
        if (rc != IA_OK)
            return rc;
        if ((*reply)->type == REDIS_REPLY_ERROR && strncmp((*reply)->str, "NOSCRIPT", 8) == 0) {
            /* The server lost its scripts (restart, SCRIPT FLUSH): load again and retry. */
            redis_reply_free(*reply);
            *reply = NULL;
            pthread_mutex_lock(&c->lock);
            script->sha[0] = '\0';
            pthread_mutex_unlock(&c->lock);
            continue;
        }
        return IA_OK;
    }
    return IA_ERR_UNAVAILABLE;
}
