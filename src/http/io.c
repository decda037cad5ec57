#include "http/io.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"

#define EVENTS_MAX     64
#define ACCEPT_BATCH   32
#define LISTEN_BACKLOG 4096
#define SWEEP_MS       250
#define IN_FIRST       4096          /* a connection's read buffer starts this small */
#define IN_BODY        (64u * 1024u) /* and reads a body this much at a time */
#define HEAD_OUT_MAX   (16u * 1024u) /* status line and headers of an answer */
/* After an answer that closes the connection, what the client still sends is read and
 * dropped for this long, at most this much, so that closing with unread bytes does not reset
 * the connection before the client has read the answer. */
#define LINGER_MS      2000
#define LINGER_BYTES   (1024u * 1024u)

/* What a connection is doing. */
typedef enum {
    C_HEAD,      /* reading a request head */
    C_SERVER,    /* in a callback, or between one and what the server decided */
    C_BODY,      /* reading the body */
    C_SUSPENDED, /* the request runs on another thread */
    C_WRITE,     /* writing the answer */
    C_LINGER,    /* answered and shut down for writing: reading and dropping until the end */
} conn_state;

typedef struct io_thread io_thread;

struct io_conn {
    int fd;
    io_thread *th;
    ct_conn *ct;
    struct sockaddr_storage peer;
    conn_state state;
    void *rq;
    char *in; /* bytes read and not yet consumed: in[0..in_len) */
    size_t in_len, in_cap;
    size_t scanned; /* bytes of in already searched for the end of the head */
    /* the current request */
    bool is_head_method;
    bool keep_alive;
    bool expect_continue;
    bool chunked;
    h1_chunked ck;
    uint64_t body_left; /* Content-Length bytes still to come */
    bool body_done;
    bool end_called; /* on_body_end was called */
    bool aborted;
    bool close_after; /* close once the answer is written */
    bool closed;      /* closed; freed at the end of the thread's loop iteration */
    bool ready;       /* on the thread's ready list */
    uint32_t events;  /* what epoll watches; 0: not registered */
    /* the answer being written: out[0..out_len) then body[0..body_len) */
    char *out;
    size_t out_len;
    const char *body;
    size_t body_len;
    size_t written;
    int64_t last_io_ms;
    io_conn *prev, *next; /* the thread's connections */
    io_conn *resume_next; /* the thread's resume queue */
    io_conn *ready_next;  /* the thread's ready list, or its dead list once closed */
};

struct io_thread {
    io_server *srv;
    pthread_t thread;
    int ep;
    int wake; /* eventfd: resumes and stop */
    io_conn *conns;
    io_conn *ready;       /* kept-alive connections with a pipelined request already read */
    io_conn *dead;        /* closed connections, freed after the events that may name them */
    h1_head head;         /* scratch for the head being parsed */
    pthread_mutex_t lock; /* guards the resume queue */
    io_conn *resume_head, *resume_tail;
    time_t date_at;
    char date[40];
};

struct io_server {
    const ia_config *cfg;
    conntrack *conns;
    io_callbacks cb;
    void *ud;
    int lfd;
    int port;
    size_t nthreads;
    io_thread *threads;
    atomic_bool accepting;
    atomic_bool stop;
    size_t head_max; /* the largest request head read before refusing it */
};

static char listen_mark, wake_mark;

/* ---- setup ---- */

int io_server_create(const ia_config *cfg, conntrack *conns, const io_callbacks *cb, void *ud,
                     io_server **out)
{
    io_server *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return IA_ERR_NOMEM;
    s->cfg = cfg;
    s->conns = conns;
    s->cb = *cb;
    s->ud = ud;
    s->lfd = -1;
    s->nthreads = cfg->http_io_threads > 0 ? (size_t)cfg->http_io_threads : 1;
    /* HTTP_MAX_HEADER_BYTES counts the decoded target and the header lines (server.c); the
     * raw head may be longer (percent-encoding, line syntax), so twice that is read before
     * the head is refused unseen. */
    s->head_max = 2 * (size_t)cfg->http_max_header_bytes + 16u * 1024u;
    atomic_init(&s->accepting, false);
    atomic_init(&s->stop, false);
    *out = s;
    return IA_OK;
}

int io_server_listen(io_server *s)
{
    const ia_config *cfg = s->cfg;
    struct addrinfo hints = { .ai_family = AF_UNSPEC,
                              .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
    struct addrinfo *res = NULL;
    char port[16];
    snprintf(port, sizeof(port), "%lld", cfg->port);
    int gai = getaddrinfo(cfg->host, port, &hints, &res);
    if (gai != 0 || res == NULL) {
        log_error("http", "cannot resolve HOST", "host", cfg->host, "error", gai_strerror(gai));
        return IA_ERR_INVALID;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        freeaddrinfo(res);
        return IA_ERR_IO;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (cfg->http_reuse_port)
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    if (res->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    int rc = bind(fd, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (rc != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return err == EADDRINUSE ? IA_ERR_CONFLICT : IA_ERR_IO;
    }
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    s->port = (int)cfg->port;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
        s->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                 : ((struct sockaddr_in *)&ss)->sin_port);
    s->lfd = fd;
    return IA_OK;
}

int io_server_port(const io_server *s)
{
    return s->port;
}

void io_server_accept(io_server *s, bool on)
{
    atomic_store(&s->accepting, on);
}

void io_set_request(io_conn *c, void *rq)
{
    c->rq = rq;
}

const struct sockaddr *io_peer(const io_conn *c)
{
    return (const struct sockaddr *)&c->peer;
}

/* ---- connections ---- */

/* Sets what epoll watches for the connection. 0 takes it out of the epoll set altogether:
 * a hang-up would otherwise be reported on every wait while the connection is suspended. */
static void set_events(io_conn *c, uint32_t events)
{
    if (events == c->events)
        return;
    struct epoll_event ev = { .events = events, .data.ptr = c };
    int op = events == 0 ? EPOLL_CTL_DEL : c->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (epoll_ctl(c->th->ep, op, c->fd, &ev) == 0 || op == EPOLL_CTL_DEL)
        c->events = events;
}

/* Closes the connection, ending its request (if any) unanswered. */
static void conn_close(io_conn *c, bool timed_out)
{
    io_thread *th = c->th;
    io_server *s = th->srv;
    if (c->rq != NULL) {
        void *rq = c->rq;
        c->rq = NULL;
        s->cb.on_done(rq, false, timed_out);
    }
    /* The tracker may shut the socket down until it forgets it: before close, never after. */
    conntrack_close(s->conns, c->ct);
    set_events(c, 0);
    close(c->fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        th->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    free(c->in);
    free(c->out);
    c->in = c->out = NULL;
    c->closed = true;
    if (!c->ready) {
        c->ready_next = th->dead;
        th->dead = c;
    }
}

/* Makes room for at least want more bytes in the read buffer, up to max in all. */
static bool in_reserve(io_conn *c, size_t want, size_t max)
{
    if (c->in_cap - c->in_len >= want)
        return true;
    size_t cap = c->in_cap ? c->in_cap : IN_FIRST;
    while (cap - c->in_len < want && cap < max)
        cap *= 2;
    if (cap > max)
        cap = max;
    if (cap <= c->in_cap)
        return c->in_cap > c->in_len;
    char *p = realloc(c->in, cap);
    if (p == NULL)
        return false;
    c->in = p;
    c->in_cap = cap;
    return true;
}

static void in_consume(io_conn *c, size_t n)
{
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
    c->scanned = 0;
}

/* Reads what the socket has, up to the buffer's room. Returns bytes read, 0 at the end of
 * the stream or an error, -1 when nothing is there now. */
static ssize_t conn_read(io_conn *c, size_t max)
{
    if (!in_reserve(c, 1024, max))
        return 0;
    ssize_t n;
    do
        n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : 0;
    c->in_len += (size_t)n;
    c->last_io_ms = ia_mono_ms();
    return n;
}

/* ---- writing ---- */

/* The Date header's value for now, formatted once a second per thread. */
static const char *http_date(io_thread *th)
{
    time_t now = time(NULL);
    if (now != th->date_at) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(th->date, sizeof(th->date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
        th->date_at = now;
    }
    return th->date;
}

static void after_write(io_conn *c);
static void linger(io_conn *c);

/* Writes what is left of the answer; registers for writability when the socket is full. */
static void conn_flush(io_conn *c)
{
    while (c->written < c->out_len + c->body_len) {
        struct iovec iov[2];
        int n = 0;
        if (c->written < c->out_len)
            iov[n++] = (struct iovec){ c->out + c->written, c->out_len - c->written };
        size_t boff = c->written > c->out_len ? c->written - c->out_len : 0;
        if (c->body_len > boff)
            iov[n++] = (struct iovec){ (void *)(c->body + boff), c->body_len - boff };
        struct msghdr msg = { .msg_iov = iov, .msg_iovlen = (size_t)n };
        ssize_t w = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            set_events(c, EPOLLOUT);
            return;
        }
        if (w <= 0) {
            conn_close(c, false);
            return;
        }
        c->written += (size_t)w;
        c->last_io_ms = ia_mono_ms();
    }
    after_write(c);
}

/* Appends a formatted piece to the answer head; false when it does not fit. */
__attribute__((format(printf, 4, 5))) static bool head_add(char *buf, size_t cap, size_t *len,
                                                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap - *len)
        return false;
    *len += (size_t)n;
    return true;
}

/* Whether a header value holds a character that would end the header early. */
static bool unsafe_value(const char *v)
{
    for (; *v; v++)
        if (*v == '\r' || *v == '\n')
            return true;
    return false;
}

int io_respond(io_conn *c, int status, const http_kv *headers, size_t nheaders, const char *body,
               size_t body_len)
{
    io_server *s = c->th->srv;
    bool close_after = !c->keep_alive || !c->body_done || !atomic_load(&s->accepting);
    char *buf = malloc(HEAD_OUT_MAX);
    if (buf == NULL) {
        io_abort(c);
        return IA_ERR_NOMEM;
    }
    size_t len = 0;
    bool ok = head_add(buf, HEAD_OUT_MAX, &len, "HTTP/1.1 %d %s\r\nDate: %s\r\n", status,
                       h1_reason(status), http_date(c->th));
    for (size_t i = 0; ok && i < nheaders; i++) {
        if (strcasecmp(headers[i].name, "Connection") == 0) {
            close_after |= strcasecmp(headers[i].value, "close") == 0;
            continue;
        }
        if (unsafe_value(headers[i].name) || unsafe_value(headers[i].value))
            continue;
        ok = head_add(buf, HEAD_OUT_MAX, &len, "%s: %s\r\n", headers[i].name, headers[i].value);
    }
    bool no_body = status == 204 || status == 304 || status < 200;
    if (ok && !no_body)
        ok = head_add(buf, HEAD_OUT_MAX, &len, "Content-Length: %zu\r\n", body_len);
    if (ok && close_after)
        ok = head_add(buf, HEAD_OUT_MAX, &len, "Connection: close\r\n");
    if (ok)
        ok = head_add(buf, HEAD_OUT_MAX, &len, "\r\n");
    if (!ok) {
        free(buf);
        log_error("http", "the response headers do not fit; closing the connection");
        io_abort(c);
        return IA_ERR_TOO_LARGE;
    }
    free(c->out);
    c->out = buf;
    c->out_len = len;
    c->body = (no_body || c->is_head_method) ? NULL : body;
    c->body_len = c->body ? body_len : 0;
    c->written = 0;
    c->close_after = close_after;
    c->state = C_WRITE;
    c->last_io_ms = ia_mono_ms();
    return IA_OK;
}

void io_suspend(io_conn *c)
{
    c->state = C_SUSPENDED;
}

void io_abort(io_conn *c)
{
    c->aborted = true;
}

void io_resume(io_conn *c)
{
    io_thread *th = c->th;
    pthread_mutex_lock(&th->lock);
    c->resume_next = NULL;
    if (th->resume_tail)
        th->resume_tail->resume_next = c;
    else
        th->resume_head = c;
    th->resume_tail = c;
    pthread_mutex_unlock(&th->lock);
    uint64_t one = 1;
    ssize_t w = write(th->wake, &one, sizeof(one));
    (void)w; /* a full counter already wakes the thread */
}

/* ---- reading requests ---- */

static void conn_drive(io_conn *c);

/* Acts on what the server decided in a callback: the answer written, the connection
 * suspended or closed, the end of a body reported, or the body read on. */
static void after_callback(io_conn *c)
{
    io_server *s = c->th->srv;
    for (;;) {
        if (c->aborted) {
            conn_close(c, false);
            return;
        }
        if (c->state == C_WRITE) {
            conn_flush(c);
            return;
        }
        if (c->state == C_SUSPENDED) {
            set_events(c, 0);
            return;
        }
        if (!c->body_done)
            break;
        if (c->end_called) {
            log_error("http", "a request ended without an answer; closing the connection");
            conn_close(c, false);
            return;
        }
        c->end_called = true;
        s->cb.on_body_end(c->rq);
    }
    c->state = C_BODY;
    c->last_io_ms = ia_mono_ms();
    if (c->expect_continue) {
        /* RFC 9110 §10.1.1: the client waits for this before it sends the body. Small enough
         * to fit any socket buffer; a client that cannot take it is closed. */
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        c->expect_continue = false;
        if (send(c->fd, cont, sizeof(cont) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) !=
            (ssize_t)(sizeof(cont) - 1)) {
            conn_close(c, false);
            return;
        }
    }
    set_events(c, EPOLLIN);
    conn_drive(c);
}

/* Hands buffered body bytes to the server until the body ends or the buffer is empty.
 * Returns false when the connection was closed or is no longer reading its body. */
static bool pump_body(io_conn *c)
{
    io_server *s = c->th->srv;
    while (c->state == C_BODY && !c->body_done && c->in_len > 0) {
        size_t used, out;
        if (c->chunked) {
            h1_error err;
            h1_status st = h1_chunked_decode(&c->ck, c->in, c->in_len, &used, &out, &err);
            if (st == H1_BAD) {
                log_info("http", "malformed chunked body; closing the connection");
                conn_close(c, false);
                return false;
            }
            c->body_done = st == H1_DONE;
        } else {
            used = c->in_len < c->body_left ? c->in_len : (size_t)c->body_left;
            out = used;
            c->body_left -= used;
            c->body_done = c->body_left == 0;
        }
        c->state = C_SERVER;
        bool go = out == 0 || s->cb.on_body(c->rq, c->in, out);
        in_consume(c, used);
        if (!go) {
            conn_close(c, false);
            return false;
        }
        if (c->state != C_SERVER || c->aborted) {
            after_callback(c);
            return false;
        }
        c->state = C_BODY;
    }
    if (c->state == C_BODY && c->body_done) {
        c->state = C_SERVER;
        after_callback(c);
        return false;
    }
    return c->state == C_BODY;
}

/* Looks for the end of a request head in the buffer and hands a complete one to the server.
 * Returns false when the connection needs more bytes (or was closed). */
static bool try_head(io_conn *c)
{
    io_server *s = c->th->srv;
    /* Search only the new bytes (three back, for a split "\n\r\n") before parsing it all. */
    size_t from = c->scanned > 3 ? c->scanned - 3 : 0;
    bool found = false;
    for (size_t i = from; i + 1 < c->in_len && !found; i++)
        found = c->in[i] == '\n' &&
                (c->in[i + 1] == '\n' ||
                 (c->in[i + 1] == '\r' && i + 2 < c->in_len && c->in[i + 2] == '\n'));
    c->scanned = c->in_len;
    h1_head *head = &c->th->head;
    h1_error err = { 0 };
    h1_status st = H1_MORE;
    if (found)
        st = h1_parse_head(c->in, c->in_len, head, &err);
    if (st == H1_MORE && c->in_len < s->head_max)
        return false;
    if (st == H1_MORE) {
        /* Too large to read: the request line or the header fields. */
        bool line_ended = memchr(c->in, '\n', c->in_len) != NULL;
        err = line_ended
                  ? (h1_error){ 431, "HEADERS_TOO_LARGE", "The request headers are too large" }
                  : (h1_error){ 414, "URI_TOO_LONG", "The request target is too long" };
        st = H1_BAD;
    }
    conntrack_request_began(s->conns, c->ct);
    c->state = C_SERVER;
    c->aborted = false;
    c->end_called = false;
    c->written = 0;
    if (st == H1_BAD) {
        c->keep_alive = false;
        c->body_done = true; /* nothing more is read: the answer closes the connection */
        c->end_called = true;
        c->is_head_method = false;
        s->cb.on_head(s->ud, c, NULL, &err);
        c->in_len = 0;
        after_callback(c);
        return false;
    }
    c->is_head_method = head->method_len == 4 && memcmp(head->method, "HEAD", 4) == 0;
    c->keep_alive =
        head->minor == 1 ? !head->conn_close : head->conn_keep_alive && !head->conn_close;
    c->chunked = head->chunked;
    memset(&c->ck, 0, sizeof(c->ck));
    c->body_left = head->has_length ? head->length : 0;
    c->body_done = !c->chunked && c->body_left == 0;
    c->expect_continue = head->expect_continue && !c->body_done && head->minor == 1;
    size_t used = head->head_len;
    s->cb.on_head(s->ud, c, head, NULL);
    in_consume(c, used);
    after_callback(c);
    return false;
}

/* Reads and processes what the connection has, in the state it is in. */
static void conn_drive(io_conn *c)
{
    io_server *s = c->th->srv;
    for (;;) {
        if (c->state == C_HEAD) {
            if (c->in_len > 0 && c->scanned < c->in_len) {
                try_head(c);
                if (c->closed || c->state != C_HEAD)
                    return;
            }
        } else if (c->state == C_BODY) {
            if (!pump_body(c))
                return;
        } else {
            return;
        }
        size_t max = c->state == C_HEAD ? s->head_max : IN_BODY;
        ssize_t n = conn_read(c, max);
        if (n == -1)
            return;
        if (n == 0) {
            conn_close(c, false);
            return;
        }
    }
}

/* Reads and drops what the client still sends after a closing answer, until it closes its
 * side, LINGER_BYTES have come, or (in sweep) LINGER_MS have passed. */
static void linger(io_conn *c)
{
    char sink[4096];
    for (;;) {
        ssize_t n = recv(c->fd, sink, sizeof(sink), 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        c->body_left += n > 0 ? (uint64_t)n : 0;
        if (n <= 0 || c->body_left > LINGER_BYTES) {
            conn_close(c, false);
            return;
        }
    }
}

/* The answer is written: end the request, then close or wait for the next one. */
static void after_write(io_conn *c)
{
    io_server *s = c->th->srv;
    void *rq = c->rq;
    c->rq = NULL;
    if (rq != NULL)
        s->cb.on_done(rq, true, false);
    free(c->out);
    c->out = NULL;
    c->out_len = 0;
    c->body = NULL;
    c->body_len = 0;
    if (c->close_after) {
        shutdown(c->fd, SHUT_WR);
        c->state = C_LINGER;
        c->last_io_ms = ia_mono_ms();
        c->body_left = 0; /* bytes dropped so far */
        free(c->in);
        c->in = NULL;
        c->in_len = c->in_cap = 0;
        set_events(c, EPOLLIN);
        linger(c);
        return;
    }
    conntrack_request_ended(s->conns, c->ct);
    c->state = C_HEAD;
    c->scanned = 0;
    set_events(c, EPOLLIN);
    if (c->in_len == 0) {
        /* An idle kept-alive connection holds no buffer. */
        free(c->in);
        c->in = NULL;
        c->in_cap = 0;
    } else if (!c->ready) {
        /* A pipelined request is already here: read it from the thread's loop, not from
         * here, so that a long pipeline does not nest calls. */
        c->ready = true;
        c->ready_next = c->th->ready;
        c->th->ready = c;
    }
}

/* ---- the I/O threads ---- */

static void accept_batch(io_thread *th)
{
    io_server *s = th->srv;
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        int fd = accept4(s->lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        if (!atomic_load(&s->accepting)) {
            close(fd);
            continue;
        }
        ct_conn *ct = conntrack_open(s->conns, fd, (struct sockaddr *)&ss);
        io_conn *c = ct ? calloc(1, sizeof(*c)) : NULL;
        if (c == NULL) {
            if (ct != NULL)
                conntrack_close(s->conns, ct);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c->fd = fd;
        c->th = th;
        c->ct = ct;
        c->peer = ss;
        c->state = C_HEAD;
        c->last_io_ms = ia_mono_ms();
        c->events = EPOLLIN;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(th->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
            conntrack_close(s->conns, ct);
            close(fd);
            free(c);
            continue;
        }
        c->next = th->conns;
        if (th->conns)
            th->conns->prev = c;
        th->conns = c;
    }
}

/* Runs on_resume for every connection io_resume queued. */
static void run_resumes(io_thread *th)
{
    uint64_t v;
    ssize_t r = read(th->wake, &v, sizeof(v));
    (void)r;
    pthread_mutex_lock(&th->lock);
    io_conn *c = th->resume_head;
    th->resume_head = th->resume_tail = NULL;
    pthread_mutex_unlock(&th->lock);
    while (c != NULL) {
        io_conn *next = c->resume_next;
        c->state = C_SERVER;
        th->srv->cb.on_resume(c->rq);
        after_callback(c);
        c = next;
    }
}

/* Reads the pipelined requests of connections whose answer was just written. */
static void run_ready(io_thread *th)
{
    while (th->ready != NULL) {
        io_conn *c = th->ready;
        th->ready = c->ready_next;
        c->ready = false;
        if (c->closed) {
            c->ready_next = th->dead;
            th->dead = c;
            continue;
        }
        conn_drive(c);
    }
}

/* Closes connections whose body or answer has not moved for HTTP_IDLE_TIMEOUT (a head is
 * bounded by the tracker's deadline instead). */
static void sweep(io_thread *th, int64_t now)
{
    int64_t idle = th->srv->cfg->http_idle_timeout_ms;
    io_conn *c = th->conns;
    while (c != NULL) {
        io_conn *next = c->next;
        if (c->state == C_LINGER && now - c->last_io_ms > LINGER_MS)
            conn_close(c, false);
        else if ((c->state == C_BODY || c->state == C_WRITE) && now - c->last_io_ms > idle) {
            log_info("http", "connection idle past HTTP_IDLE_TIMEOUT; closing it");
            conn_close(c, true);
        }
        c = next;
    }
}

static void free_dead(io_thread *th)
{
    while (th->dead != NULL) {
        io_conn *c = th->dead;
        th->dead = c->ready_next;
        free(c);
    }
}

static void *thread_main(void *arg)
{
    io_thread *th = arg;
    io_server *s = th->srv;
    struct epoll_event evs[EVENTS_MAX];
    int64_t next_sweep = ia_mono_ms() + SWEEP_MS;
    while (!atomic_load(&s->stop)) {
        int n = epoll_wait(th->ep, evs, EVENTS_MAX, SWEEP_MS);
        bool wake = false;
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &listen_mark) {
                accept_batch(th);
            } else if (p == &wake_mark) {
                wake = true;
            } else {
                io_conn *c = p;
                if (c->closed)
                    continue;
                if (c->state == C_WRITE)
                    conn_flush(c);
                else if (c->state == C_LINGER)
                    linger(c);
                else if (c->state == C_HEAD || c->state == C_BODY)
                    conn_drive(c);
                else
                    set_events(c, 0);
            }
        }
        if (wake)
            run_resumes(th);
        run_ready(th);
        int64_t now = ia_mono_ms();
        if (now >= next_sweep) {
            sweep(th, now);
            next_sweep = now + SWEEP_MS;
        }
        free_dead(th);
    }
    return NULL;
}

int io_server_start(io_server *s)
{
    s->threads = calloc(s->nthreads, sizeof(*s->threads));
    if (s->threads == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < s->nthreads; i++) {
        io_thread *th = &s->threads[i];
        th->srv = s;
        th->ep = epoll_create1(EPOLL_CLOEXEC);
        th->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        pthread_mutex_init(&th->lock, NULL);
        if (th->ep < 0 || th->wake < 0)
            return IA_ERR_IO;
        struct epoll_event lev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &listen_mark };
        struct epoll_event wev = { .events = EPOLLIN, .data.ptr = &wake_mark };
        if (epoll_ctl(th->ep, EPOLL_CTL_ADD, s->lfd, &lev) != 0 ||
            epoll_ctl(th->ep, EPOLL_CTL_ADD, th->wake, &wev) != 0)
            return IA_ERR_IO;
    }
    for (size_t i = 0; i < s->nthreads; i++) {
        if (pthread_create(&s->threads[i].thread, NULL, thread_main, &s->threads[i]) != 0) {
            atomic_store(&s->stop, true);
            for (size_t j = 0; j < i; j++)
                pthread_join(s->threads[j].thread, NULL);
            s->nthreads = i;
            return IA_ERR_NOMEM;
        }
    }
    return IA_OK;
}

void io_server_destroy(io_server *s)
{
    if (s == NULL)
        return;
    atomic_store(&s->stop, true);
    for (size_t i = 0; s->threads && i < s->nthreads; i++) {
        uint64_t one = 1;
        ssize_t w = write(s->threads[i].wake, &one, sizeof(one));
        (void)w;
        if (s->threads[i].thread)
            pthread_join(s->threads[i].thread, NULL);
    }
    for (size_t i = 0; s->threads && i < s->nthreads; i++) {
        io_thread *th = &s->threads[i];
        while (th->conns != NULL)
            conn_close(th->conns, false);
        while (th->ready != NULL) {
            io_conn *c = th->ready;
            th->ready = c->ready_next;
            c->ready_next = th->dead;
            th->dead = c;
        }
        free_dead(th);
        if (th->ep >= 0)
            close(th->ep);
        if (th->wake >= 0)
            close(th->wake);
        pthread_mutex_destroy(&th->lock);
    }
    if (s->lfd >= 0)
        close(s->lfd);
    free(s->threads);
    free(s);
}
