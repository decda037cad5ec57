/* The HTTP/1.1 transport: the listening socket, HTTP_IO_THREADS epoll threads that accept,
 * read and write every connection, keep-alive and pipelining, request bodies (Content-Length
 * or chunked) and the idle timeout. It knows nothing of routes or responses' meaning: the
 * server (server.c) is told of each request head, body piece and end through callbacks, and
 * answers with io_respond, on the connection's I/O thread. A request whose work runs on
 * another thread suspends its connection (io_suspend) and is resumed from there
 * (io_resume), which hands it back to its I/O thread. See docs/design.md "Request
 * lifecycle". */
#ifndef IA_HTTP_IO_H
#define IA_HTTP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "core/config.h"
#include "http/conntrack.h"
#include "http/h1.h"
#include "http/http.h"

typedef struct io_server io_server;
typedef struct io_conn io_conn;

/* What the server is told, always on the connection's I/O thread. rq is what the server
 * attached to the connection with io_set_request. */
typedef struct {
    /* A request head arrived (head), or the head was malformed or too large (err; head is
     * NULL then). The server attaches its request with io_set_request, then answers, suspends
     * or returns to have the body read. */
    void (*on_head)(void *ud, io_conn *c, const h1_head *head, const h1_error *err);
    /* A piece of the body (decoded when chunked). False closes the connection. */
    bool (*on_body)(void *rq, const char *data, size_t n);
    /* The body is complete (called at once when there is none). */
    void (*on_body_end)(void *rq);
    /* The connection was resumed (io_resume). */
    void (*on_resume)(void *rq);
    /* The request is over: its answer was written (sent), or the connection closed first
     * (timed_out: by the idle timeout). The server may free rq. */
    void (*on_done)(void *rq, bool sent, bool timed_out);
} io_callbacks;

/* Creates the transport for cfg (HOST, PORT, HTTP_IO_THREADS, HTTP_MAX_HEADER_BYTES,
 * HTTP_IDLE_TIMEOUT, HTTP_REUSE_PORT). conns tracks connections per address and header
 * deadlines; it must outlive the transport. */
int io_server_create(const ia_config *cfg, conntrack *conns, const io_callbacks *cb, void *ud,
                     io_server **out);

/* Binds and listens. IA_ERR_CONFLICT when the port is in use, IA_ERR_INVALID when HOST does
 * not resolve, IA_ERR_IO otherwise (errno tells). */
int io_server_listen(io_server *s);

/* The port bound (the real one with PORT=0). */
int io_server_port(const io_server *s);

/* Starts the I/O threads. New connections are closed at once until io_server_accept(s,
 * true). */
int io_server_start(io_server *s);

/* Whether new connections are served; while false they are closed as soon as accepted, and
 * every kept-alive connection closes after its current answer (draining). */
void io_server_accept(io_server *s, bool on);

/* Stops the threads and closes every connection. Call only when no request is suspended. */
void io_server_destroy(io_server *s);

/* Attaches the server's request to the connection (from on_head). */
void io_set_request(io_conn *c, void *rq);

/* The connection's peer address. */
const struct sockaddr *io_peer(const io_conn *c);

/* Answers the current request: status, headers (Content-Length, Date and Connection are
 * added here), body. A HEAD request gets the headers only. When the request body has not
 * been read, the connection closes after the answer; so it does when a header says
 * "Connection: close", when the client asked for that, and while draining. IA_ERR_NOMEM when
 * the head cannot be built (the connection is closed). */
int io_respond(io_conn *c, int status, const http_kv *headers, size_t nheaders, const char *body,
               size_t body_len);

/* Stops reading the connection until io_resume; call on its I/O thread, before handing the
 * request to another thread. */
void io_suspend(io_conn *c);

/* Hands a suspended connection back to its I/O thread, which calls on_resume. Any thread. */
void io_resume(io_conn *c);

/* Closes the connection once the current callback returns, without an answer. */
void io_abort(io_conn *c);

#endif
