/* Connection bookkeeping of the HTTP server: the connection table (HTTP_MAX_CONNECTIONS),
 * connections per client address (HTTP_MAX_CONNECTIONS_PER_IP) and the deadline of the
 * request line and headers (HTTP_HEADER_TIMEOUT). Every connection the transport (io.c)
 * accepts is tracked from conntrack_open to conntrack_close; while it has no request in
 * progress (before its first request, or between two on a kept-alive connection) it has a
 * deadline, and a housekeeping thread shuts it down once the deadline passes, however slowly
 * its bytes trickle in. When the table is nearly full, each new connection closes the oldest
 * connection that has no request in progress, so that clients that never finish their
 * headers cannot keep others out. */
#ifndef IA_HTTP_CONNTRACK_H
#define IA_HTTP_CONNTRACK_H

#include <stdbool.h>
#include <sys/socket.h>

#include "core/config.h"
#include "core/netaddr.h"

typedef struct conntrack conntrack;

/* Sizes the tables for cfg's HTTP_MAX_CONNECTIONS and HTTP_IO_THREADS. */
int conntrack_create(const ia_config *cfg, conntrack **out);

/* Starts the housekeeping thread that enforces HTTP_HEADER_TIMEOUT. */
int conntrack_start(conntrack *t);

/* Stops the housekeeping thread and frees the tables; after the daemon has stopped (its
 * CLOSED notifications use them). */
void conntrack_destroy(conntrack *t);

/* Reads the address of a socket peer; IA_ERR_INVALID for other families. */
int conntrack_peer_ip(const struct sockaddr *sa, ia_ip *out);

typedef struct ct_conn ct_conn;

/* Tracks a connection just accepted on fd from addr. NULL when it must be closed at once:
 * the table is full (HTTP_MAX_CONNECTIONS) or the address has HTTP_MAX_CONNECTIONS_PER_IP
 * open already (addresses in TRUSTED_PROXIES are not counted). */
ct_conn *conntrack_open(conntrack *t, int fd, const struct sockaddr *addr);

/* Forgets a connection; call before closing its descriptor. NULL is accepted. */
void conntrack_close(conntrack *t, ct_conn *e);

/* The connection's request head is complete: no header deadline while it is served. */
void conntrack_request_began(conntrack *t, ct_conn *e);

/* The connection's request ended; it waits for the next one with a deadline again. */
void conntrack_request_ended(conntrack *t, ct_conn *e);

#endif
