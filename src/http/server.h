/* The HTTP server: the HTTP/1.1 transport (io.c) with its epoll I/O threads, the route table, the
 * middleware every request passes (request id, security headers, CORS, rate limits, body
 * limits), and the bounded handler pool that runs blocking handlers on suspended connections.
 * See docs/design.md "Request lifecycle". */
#ifndef IA_HTTP_SERVER_H
#define IA_HTTP_SERVER_H

#include <stdint.h>

#include "core/config.h"
#include "db/redis.h"
#include "http/http.h"

/* Creates a server for cfg (which must outlive it). app is handed to every handler as
 * req->app. */
int http_server_create(const ia_config *cfg, void *app, http_server **out);

/* Keeps the rate-limit counters in Redis, shared by every replica, instead of this process's
 * memory; on_failure (RL_FAILURE_*) says what happens while Redis is unreachable. Checks then
 * run on handler threads, never on an I/O thread. The client must outlive the server. Call
 * before http_server_start. */
int http_server_use_redis(http_server *s, redis_client *redis, int on_failure);

/* Registers routes (the array must outlive the server). Call before http_server_start. */
int http_server_add_routes(http_server *s, const http_route *routes, size_t n);

/* Sets the route that answers GET and HEAD on paths no route matches, outside the reserved
 * trees (see router_set_fallback). Both must outlive the server. Call before
 * http_server_start. */
void http_server_set_fallback(http_server *s, const http_route *route, const char *const *reserved);

/* Sets functions run on each handler thread as it starts and stops (per-thread resources such
 * as a database connection). Call before http_server_start. */
void http_server_set_thread_hooks(http_server *s, void (*init)(void *ctx), void (*fini)(void *ctx),
                                  void *ctx);

/* Sets a function run once the server is bound, with the port actually bound (the real one
 * with PORT=0), before the first connection is accepted and before "listening" is logged.
 * Call before http_server_start. */
void http_server_set_bound_hook(http_server *s, void (*fn)(void *ctx, int port), void *ctx);

/* Installs the authentication hooks for routes whose auth level is not AUTH_NONE. */
void http_server_set_auth(http_server *s, http_auth_fn early, http_auth_fn late);

/* Binds HOST:PORT, starts the I/O and handler threads and logs "listening". */
int http_server_start(http_server *s);

/* The port actually bound (useful with PORT=0). */
int http_server_port(const http_server *s);

/* Stops accepting connections and waits up to timeout_ms for in-flight requests. Returns
 * IA_OK when all finished, IA_ERR_TIMEOUT otherwise. */
int http_server_drain(http_server *s, int64_t timeout_ms);

/* Stops the server (after a drain) and frees it. If requests are still running after a
 * drain timeout, the daemon is left to the process exit rather than stopped under them. */
void http_server_destroy(http_server *s);

#endif
