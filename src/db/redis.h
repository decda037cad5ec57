/* A Redis client for what several replicas share: rate-limit counters and revoked tokens.
 * hiredis formats commands and parses replies; the sockets (plain TCP, or TLS with OpenSSL for
 * rediss://) are ours, so that connecting, writing and reading are each bounded by the
 * client's timeout. A small pool of connections serves every thread; a caller waits for a
 * free connection no longer than the timeout.
 *
 * Failure: a call that cannot reach the server, or gets no answer in time, returns
 * IA_ERR_UNAVAILABLE and marks the client down. While down, calls fail at once, without
 * touching the network, until the next reconnection attempt (backoff from 100 ms doubling to
 * 2 s), so a dead Redis costs a request nothing. Each change between up and down is logged
 * once and shown by the interviewace_redis_up gauge.
 *
 * Only handler, worker and maintenance threads call into the client, never an HTTP I/O
 * thread. */
#ifndef IA_DB_REDIS_H
#define IA_DB_REDIS_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>

#define REDIS_HOST_MAX 256
#define REDIS_USER_MAX 128
#define REDIS_PASS_MAX 512

/* The parts of a redis://[user:password@]host[:port][/db] or rediss://... URL. */
typedef struct {
    bool tls;
    char host[REDIS_HOST_MAX]; /* a name, an IPv4 address or an IPv6 address without brackets */
    int port;                  /* 6379 when absent */
    char user[REDIS_USER_MAX]; /* empty: AUTH with the password alone (or no AUTH) */
    char password[REDIS_PASS_MAX];
    int db; /* 0-15 by default Redis configuration; 0 when absent */
} redis_url;

/* Parses url; on failure err says what is wrong (never the password). Percent-escapes in the
 * user name and password are decoded. */
int redis_url_parse(const char *url, redis_url *out, char *err, size_t errlen);

typedef struct redis_client redis_client;

/* Creates a client of at most pool_size connections; timeout_ms bounds connecting, each
 * command and the wait for a free connection. fallback says, for the log line written when
 * the server becomes unreachable, what the service does meanwhile. No connection is made
 * here. */
int redis_open(const char *url, int timeout_ms, size_t pool_size, const char *fallback,
               redis_client **out, char *err, size_t errlen);
void redis_close(redis_client *c);

/* Runs one command given as argc strings (lens may be NULL for NUL-terminated ones). On IA_OK
 * *reply holds the server's answer, an error reply included (type REDIS_REPLY_ERROR); free it
 * with redis_reply_free. IA_ERR_UNAVAILABLE: unreachable or too slow (see above);
 * IA_ERR_TIMEOUT: every pooled connection stayed busy for the whole timeout (the server is not
 * marked down for that). */
int redis_command(redis_client *c, int argc, const char **argv, const size_t *lens,
                  redisReply **reply);
void redis_reply_free(redisReply *r);

/* A Lua script run by its SHA1: loaded once per process (SCRIPT LOAD), then called with
 * EVALSHA, and loaded again when the server answers NOSCRIPT (after a restart or a SCRIPT
 * FLUSH). Declare one per script with static storage: { .source = "..." }. */
typedef struct {
    const char *source;
    char sha[41]; /* filled by the first load; guarded by the client */
} redis_script;

/* Runs script with nkeys keys followed by nargs arguments (all in args); like redis_command
 * otherwise. */
int redis_eval(redis_client *c, redis_script *script, int nkeys, int nargs, const char **args,
               redisReply **reply);

/* One PING round trip: IA_OK when the server answers PONG. */
int redis_ping(redis_client *c);

/* Whether the last call reached the server (true before the first call). */
bool redis_is_up(const redis_client *c);

#endif
