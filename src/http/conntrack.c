#include "http/conntrack.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/netaddr.h"
#include "core/timeutil.h"

/* How often the housekeeping thread looks for connections past their header deadline, at
 * most: a connection is closed within this much after HTTP_HEADER_TIMEOUT. */
#define SWEEP_MAX_MS 250

/* HTTP_MAX_CONNECTIONS_PER_IP is counted here, so that the addresses of TRUSTED_PROXIES,
 * which carry many clients' connections, are not limited. The counts live in an
 * open-addressing table with room for twice HTTP_MAX_CONNECTIONS, so it never fills; an
 * address leaves it with its last connection. */
struct ip_slot {
    ia_ip ip;
    unsigned count; /* 0: a free slot */
};

/* One open connection. deadline_ms is 0 while a request is in progress; since_ms is when
 * the connection started waiting for its current request line. */
typedef struct ct_conn {
    int fd;
    bool used;
    bool holds_ip; /* counted in the per-address table */
    bool closing;  /* shut down by us; the transport closes it at its next read */
    ia_ip ip;
    int64_t since_ms;
    int64_t deadline_ms;
    struct ct_conn *next_free;
} ct_conn;

struct conntrack {
    const ia_config *cfg;
    pthread_mutex_t lock;
    struct ip_slot *ip_slots; /* NULL when HTTP_MAX_CONNECTIONS_PER_IP is 0 */
    size_t ip_cap;
    ct_conn *conns;
    size_t nconns;
    ct_conn *free_list;
    size_t active;
    size_t crowded; /* more active connections than this: evict before serving */
    pthread_t thread;
    bool running;
    bool stop;
    pthread_cond_t wake;
};

/* Reads the address of a socket peer; IA_ERR_INVALID for other families. */
int conntrack_peer_ip(const struct sockaddr *sa, ia_ip *out)
{
    char buf[INET6_ADDRSTRLEN] = "";
    if (sa != NULL && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof(buf));
    else if (sa != NULL && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof(buf));
    return ia_ip_parse(buf, out);
}

int conntrack_create(const ia_config *cfg, conntrack **out)
{
    conntrack *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return IA_ERR_NOMEM;
    t->cfg = cfg;
    t->nconns = (size_t)cfg->http_max_connections;
    t->conns = calloc(t->nconns, sizeof(*t->conns));
    if (t->conns == NULL)
        goto fail;
    for (size_t i = t->nconns; i-- > 0;) {
        t->conns[i].next_free = t->free_list;
        t->free_list = &t->conns[i];
    }
    size_t max = (size_t)cfg->http_max_connections;
    t->crowded = max - max / 8;
    if (cfg->http_max_connections_per_ip > 0) {
        size_t want = 2 * (size_t)cfg->http_max_connections + 1;
        for (t->ip_cap = 64; t->ip_cap < want; t->ip_cap *= 2)
            continue;
        t->ip_slots = calloc(t->ip_cap, sizeof(*t->ip_slots));
        if (t->ip_slots == NULL)
            goto fail;
    }
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, NULL);
    *out = t;
    return IA_OK;
fail:
    free(t->conns);
    free(t);
    return IA_ERR_NOMEM;
}

/* ---- connections per client address ---- */

/* The slot of ip: the one holding it, or the free slot where it would go. */
static size_t ip_find(const conntrack *t, const ia_ip *ip)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof(ip->addr); i++)
        h = (h ^ ip->addr[i]) * 16777619u;
    size_t i = h & (t->ip_cap - 1);
    while (t->ip_slots[i].count != 0 && memcmp(&t->ip_slots[i].ip, ip, sizeof(*ip)) != 0)
        i = (i + 1) & (t->ip_cap - 1);
    return i;
}

/* Counts one connection from ip less (the lock held); the last one frees its slot, and the
 * slots after it in the same probe run move back so that every address stays reachable from
 * its home slot. */
static void ip_release_locked(conntrack *t, const ia_ip *ip)
{
    size_t mask = t->ip_cap - 1, i = ip_find(t, ip);
    if (t->ip_slots[i].count > 0 && --t->ip_slots[i].count == 0) {
        for (size_t j = (i + 1) & mask; t->ip_slots[j].count != 0; j = (j + 1) & mask) {
            /* A lookup of this entry now stops at the free slot i when its probe run passes
             * there; then the entry moves into it. */
            if (ip_find(t, &t->ip_slots[j].ip) == j)
                continue;
            t->ip_slots[i] = t->ip_slots[j];
            t->ip_slots[j].count = 0;
            i = j;
        }
    }
}

/* ---- header deadlines ---- */

/* Closes a tracked connection from outside its I/O thread (the lock held): the socket is
 * shut down in both directions, so that the connection's next read sees the end and the
 * transport closes it. The descriptor stays valid until conntrack_close, which takes the
 * lock first. */
static void conn_shut(ct_conn *e)
{
    e->closing = true;
    shutdown(e->fd, SHUT_RDWR);
}

/* When the table is crowded, closes the connection that has waited longest for a request
 * line of its own (those with a request in progress are left alone), except keep. */
static void evict_oldest_waiting(conntrack *t, const ct_conn *keep)
{
    ct_conn *oldest = NULL;
    for (size_t i = 0; i < t->nconns; i++) {
        ct_conn *e = &t->conns[i];
        if (!e->used || e->closing || e->deadline_ms == 0 || e == keep)
            continue;
        if (oldest == NULL || e->since_ms < oldest->since_ms)
            oldest = e;
    }
    if (oldest == NULL)
        return;
    conn_shut(oldest);
    /* Debug only: under a flood this happens for every new connection. */
    log_debug("http",
              "connection table nearly full: closed the connection waiting longest for "
              "its request headers");
}

/* Whether ip may open one more connection under HTTP_MAX_CONNECTIONS_PER_IP, counting it
 * when it may (the lock held). Addresses of TRUSTED_PROXIES are not counted. */
static bool ip_admit_locked(conntrack *t, const ia_ip *ip, bool *holds)
{
    const ia_config *cfg = t->cfg;
    *holds = false;
    if (t->ip_slots == NULL ||
        ia_cidr_list_contains(cfg->trusted_proxies, cfg->n_trusted_proxies, ip))
        return true;
    size_t i = ip_find(t, ip);
    if (t->ip_slots[i].count >= (unsigned)cfg->http_max_connections_per_ip) {
        if (log_enabled(LOG_DEBUG)) {
            char text[64];
            ia_ip_format(ip, text, sizeof(text));
            log_debug("http", "connection refused: HTTP_MAX_CONNECTIONS_PER_IP reached",
                      "client_ip", text);
        }
        return false;
    }
    t->ip_slots[i].ip = *ip;
    t->ip_slots[i].count++;
    *holds = true;
    return true;
}

ct_conn *conntrack_open(conntrack *t, int fd, const struct sockaddr *addr)
{
    ia_ip ip;
    bool known = conntrack_peer_ip(addr, &ip) == IA_OK;
    pthread_mutex_lock(&t->lock);
    ct_conn *e = t->free_list;
    bool holds = false;
    if (e == NULL) {
        pthread_mutex_unlock(&t->lock);
        log_debug("http", "connection refused: HTTP_MAX_CONNECTIONS reached");
        return NULL;
    }
    if (known && !ip_admit_locked(t, &ip, &holds)) {
        pthread_mutex_unlock(&t->lock);
        return NULL;
    }
    t->free_list = e->next_free;
    int64_t now = ia_mono_ms();
    *e = (ct_conn){ .fd = fd,
                    .used = true,
                    .holds_ip = holds,
                    .ip = ip,
                    .since_ms = now,
                    .deadline_ms = now + t->cfg->http_header_timeout_ms };
    if (!known)
        memset(&e->ip, 0, sizeof(e->ip));
    if (++t->active > t->crowded)
        evict_oldest_waiting(t, e);
    pthread_mutex_unlock(&t->lock);
    return e;
}

void conntrack_close(conntrack *t, ct_conn *e)
{
    if (e == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    if (e->holds_ip)
        ip_release_locked(t, &e->ip);
    e->used = false;
    e->next_free = t->free_list;
    t->free_list = e;
    t->active--;
    pthread_mutex_unlock(&t->lock);
}

void conntrack_request_began(conntrack *t, ct_conn *e)
{
    if (e == NULL)
        return;
    pthread_mutex_lock(&t->lock);
    e->deadline_ms = 0;
    pthread_mutex_unlock(&t->lock);
}

void conntrack_request_ended(conntrack *t, ct_conn *e)
{
    if (e == NULL)
        return;
    /* A kept-alive connection may stay idle for HTTP_IDLE_TIMEOUT; from its first byte on,
     * the next request line and headers have HTTP_HEADER_TIMEOUT. Which byte is the first is
     * not known here, so the deadline allows both. */
    const ia_config *cfg = t->cfg;
    int64_t now = ia_mono_ms();
    pthread_mutex_lock(&t->lock);
    e->since_ms = now;
    e->deadline_ms = now + cfg->http_idle_timeout_ms + cfg->http_header_timeout_ms;
    pthread_mutex_unlock(&t->lock);
}

/* The housekeeping thread: closes the connections past their header deadline. */
static void *sweep_main(void *arg)
{
    conntrack *t = arg;
    int64_t every = t->cfg->http_header_timeout_ms / 4;
    if (every > SWEEP_MAX_MS)
        every = SWEEP_MAX_MS;
    if (every < 10)
        every = 10;
    pthread_mutex_lock(&t->lock);
    while (!t->stop) {
        struct timespec ts;
        ia_timespec_after(every, &ts);
        pthread_cond_timedwait(&t->wake, &t->lock, &ts);
        int64_t now = ia_mono_ms();
        long closed = 0;
        for (size_t i = 0; i < t->nconns; i++) {
            ct_conn *e = &t->conns[i];
            if (e->used && !e->closing && e->deadline_ms != 0 && now >= e->deadline_ms) {
                conn_shut(e);
                closed++;
            }
        }
        if (closed > 0) {
            pthread_mutex_unlock(&t->lock);
            log_emit(LOG_INFO, "http",
                     "closed connections whose request headers did not arrive "
                     "within HTTP_HEADER_TIMEOUT",
                     (log_field[]){ LOG_NUM("connections", closed) }, 1);
            pthread_mutex_lock(&t->lock);
        }
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

int conntrack_start(conntrack *t)
{
    if (pthread_create(&t->thread, NULL, sweep_main, t) != 0)
        return IA_ERR_NOMEM;
    t->running = true;
    return IA_OK;
}

void conntrack_destroy(conntrack *t)
{
    if (t == NULL)
        return;
    if (t->running) {
        pthread_mutex_lock(&t->lock);
        t->stop = true;
        pthread_cond_signal(&t->wake);
        pthread_mutex_unlock(&t->lock);
        pthread_join(t->thread, NULL);
    }
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->lock);
    free(t->ip_slots);
    free(t->conns);
    free(t);
}
