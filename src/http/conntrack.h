/* Connection bookkeeping of the HTTP server: connections per client address
 * (HTTP_MAX_CONNECTIONS_PER_IP) and the deadline of the request line and headers
 * (HTTP_HEADER_TIMEOUT). Every connection libmicrohttpd starts is tracked from its STARTED
 * notification to its CLOSED one; while it has no request in progress (before its first
 * request, or between two on a kept-alive connection) it has a deadline, and a housekeeping
 * thread closes it once the deadline passes, however slowly its bytes trickle in. When the
 * connection table is nearly full, each new connection closes the oldest connection that has
 * no request in progress, so that clients that never finish their headers cannot keep others
 * out. */
#ifndef IA_HTTP_CONNTRACK_H
#define IA_HTTP_CONNTRACK_H

#include <microhttpd.h>
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

/* Called from the accept policy: reserves a place for the connection's address under
 * HTTP_MAX_CONNECTIONS_PER_IP (addresses in TRUSTED_PROXIES are not counted). False when the
 * address has its maximum already. */
bool conntrack_admit(conntrack *t, const struct sockaddr *addr);

/* The MHD_OPTION_NOTIFY_CONNECTION callback (cls is the conntrack). */
void conntrack_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                      enum MHD_ConnectionNotificationCode code);

/* The connection's request headers are complete: no header deadline while it is served. */
void conntrack_request_began(conntrack *t, struct MHD_Connection *conn);

/* The connection's request ended; it waits for the next one with a deadline again. */
void conntrack_request_ended(conntrack *t, struct MHD_Connection *conn);

#endif
