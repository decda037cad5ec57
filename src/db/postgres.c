/* The PostgreSQL engine (libpq). A connection that drops is noticed by the statement that
 * fails (which reports IA_ERR_UNAVAILABLE, so its request answers 503) and re-established by
 * the next statement outside a transaction; one the server closed while it was idle is
 * noticed and re-established before the next statement. A statement timeout bounds every
 * query. */
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "db/db_internal.h"

#define BOOLOID 16

typedef struct {
    PGconn *conn;
    int statement_timeout_ms;
    bool broken;             /* the connection failed inside a transaction */
    unsigned fault_seen;     /* the injected-fault generation applied to this session */
    char listen_channel[64]; /* re-issued after a reconnect */
} pg_db;

/* Applies the per-session settings after (re)connecting. */
static int pg_session_setup(pg_db *p)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SET statement_timeout = %d; SET TIME ZONE 'UTC'",
             p->statement_timeout_ms);
    PGresult *r = PQexec(p->conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (ok && p->listen_channel[0]) {
        snprintf(sql, sizeof(sql), "LISTEN %s", p->listen_channel);
        r = PQexec(p->conn, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
    }
    return ok ? IA_OK : IA_ERR_UNAVAILABLE;
}

/* Reads, without waiting, what the server sent on an idle connection: notifications, and the
 * end of the stream when the server has closed it (a restart, pg_terminate_backend), which
 * turns the connection's status to CONNECTION_BAD. A few reads at most. */
static void pg_read_idle(pg_db *p)
{
    for (int i = 0; i < 4; i++) {
        struct pollfd pfd = { .fd = PQsocket(p->conn), .events = POLLIN };
        if (pfd.fd < 0 || poll(&pfd, 1, 0) <= 0 || !PQconsumeInput(p->conn))
            return;
    }
}

/* Makes sure the connection is usable, reconnecting when it dropped: also when the server
 * closed it while it was idle, so that the first statement after a database restart does not
 * fail. Inside a transaction a lost connection stays an error until the caller rolls back. */
static int pg_ensure(db *d)
{
    pg_db *p = d->impl;
    if (!d->in_tx && !p->broken && PQstatus(p->conn) == CONNECTION_OK)
        pg_read_idle(p);
    if (PQstatus(p->conn) == CONNECTION_OK && !p->broken)
        return IA_OK;
    if (d->in_tx) {
        p->broken = true;
        return IA_ERR_UNAVAILABLE;
    }
    p->broken = false;
    PQreset(p->conn);
    if (PQstatus(p->conn) != CONNECTION_OK) {
        log_warn("db", "postgresql unreachable", "error", PQerrorMessage(p->conn));
        return IA_ERR_UNAVAILABLE;
    }
    log_info("db", "postgresql connection re-established");
    p->fault_seen = 0; /* a new session: the injected fault, if any, is applied again */
    return pg_session_setup(p);
}

static int pg_map_error(db *d, PGresult *r, const char *sql)
{
    pg_db *p = d->impl;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(p->conn) != CONNECTION_OK || state == NULL || strncmp(state, "08", 2) == 0 ||
        strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0) {
        if (d->in_tx)
            p->broken = true;
        log_warn("db", "postgresql connection lost", "error", PQerrorMessage(p->conn));
        return IA_ERR_UNAVAILABLE;
    }
    if (strcmp(state, "23505") == 0)
        return IA_ERR_CONFLICT;
    if (strcmp(state, "57014") == 0) {
        log_warn("db", "statement timed out", "sql", sql);
        return IA_ERR_TIMEOUT;
    }
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
        return IA_ERR_UNAVAILABLE; /* serialization failure, deadlock, lock not available */
    /* Insufficient resources (53xxx: disk full, out of memory, too many connections), a
     * system or I/O error (58xxx) and a read-only server or transaction (25006, a standby
     * after a failover) pass once the server recovers: 503 with Retry-After, not 500. */
    if (strncmp(state, "53", 2) == 0 || strncmp(state, "58", 2) == 0 ||
        strcmp(state, "25006") == 0) {
        log_warn("db", "postgresql cannot write now", "sqlstate", state, "error",
                 PQresultErrorMessage(r));
        ia_fault_note("database");
        return IA_ERR_UNAVAILABLE;
    }
    log_error("db", "postgresql statement failed", "sqlstate", state, "error",
              PQresultErrorMessage(r), "sql", sql);
    return IA_ERR_INTERNAL;
}

/* Applies the injected read-only fault (tests only) when it changed since this session last
 * looked, outside a transaction: one atomic load per statement otherwise. */
static int pg_apply_fault(db *d)
{
    pg_db *p = d->impl;
    bool ro = false;
    unsigned gen = db_fault_generation(&ro);
    if (gen == p->fault_seen || d->in_tx)
        return IA_OK;
    PGresult *r = PQexec(p->conn, ro ? "SET default_transaction_read_only = on"
                                     : "SET default_transaction_read_only = off");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok)
        return IA_ERR_UNAVAILABLE;
    p->fault_seen = gen;
    return IA_OK;
}

static int pg_exec(db *d, arena *a, const char *sql, const db_param *params, size_t nparams,
                   db_result **out)
{
    pg_db *p = d->impl;
    int rc = pg_ensure(d);
    if (rc == IA_OK)
        rc = pg_apply_fault(d);
    if (rc != IA_OK)
        return rc;
    const char *values[DB_MAX_PARAMS];
    char numbuf[DB_MAX_PARAMS][32];
    for (size_t i = 0; i < nparams; i++) {
        switch (params[i].type) {
        case DB_P_TEXT:
            values[i] = params[i].s;
            break;
        case DB_P_INT:
            snprintf(numbuf[i], sizeof(numbuf[i]), "%lld", params[i].i);
            values[i] = numbuf[i];
            break;
        case DB_P_BOOL:
            values[i] = params[i].i ? "true" : "false";
            break;
        case DB_P_REAL:
            snprintf(numbuf[i], sizeof(numbuf[i]), "%.17g", params[i].d);
            values[i] = numbuf[i];
            break;
        default:
            values[i] = NULL;
        }
    }
    PGresult *r = PQexecParams(p->conn, sql, (int)nparams, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        rc = pg_map_error(d, r, sql);
        PQclear(r);
        return rc;
    }
    if (a != NULL && out != NULL) {
        size_t ncols = (size_t)PQnfields(r);
        size_t nrows = (size_t)PQntuples(r);
        db_result_builder b;
        rc = db_result_begin(&b, a, ncols);
        for (size_t c = 0; rc == IA_OK && c < ncols; c++)
            rc = db_result_set_colname(&b, c, PQfname(r, (int)c));
        const char *vals[64];
        size_t lens[64];
        if (ncols > 64)
            rc = IA_ERR_INVALID;
        for (size_t row = 0; rc == IA_OK && row < nrows; row++) {
            for (size_t c = 0; c < ncols; c++) {
                if (PQgetisnull(r, (int)row, (int)c)) {
                    vals[c] = NULL;
                    lens[c] = 0;
                } else if (PQftype(r, (int)c) == BOOLOID) {
                    vals[c] = PQgetvalue(r, (int)row, (int)c)[0] == 't' ? "1" : "0";
                    lens[c] = 1;
                } else {
                    vals[c] = PQgetvalue(r, (int)row, (int)c);
                    lens[c] = (size_t)PQgetlength(r, (int)row, (int)c);
                }
            }
            rc = db_result_add_row(&b, vals, lens);
        }
        if (rc == IA_OK) {
            const char *aff = PQcmdTuples(r);
            b.r->affected = aff && *aff ? strtoll(aff, NULL, 10) : 0;
            *out = b.r;
        }
    }
    PQclear(r);
    return rc;
}

static int pg_exec_script(db *d, const char *sql, char *err, size_t errlen)
{
    pg_db *p = d->impl;
    int rc = pg_ensure(d);
    if (rc != IA_OK) {
        snprintf(err, errlen, "database unreachable");
        return rc;
    }
    PGresult *r = PQexec(p->conn, sql);
    ExecStatusType st = PQresultStatus(r);
    rc = IA_OK;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "%s", PQresultErrorMessage(r));
        size_t n = strlen(err);
        while (n > 0 && (err[n - 1] == '\n'))
            err[--n] = '\0';
        rc = IA_ERR_INTERNAL;
    }
    PQclear(r);
    return rc;
}

static int pg_ping(db *d)
{
    return pg_exec(d, NULL, "SELECT 1", NULL, 0, NULL);
}

static int pg_listen(db *d, const char *channel)
{
    pg_db *p = d->impl;
    size_t n = strlen(channel);
    if (n == 0 || n >= sizeof(p->listen_channel))
        return IA_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!((channel[i] >= 'a' && channel[i] <= 'z') || channel[i] == '_'))
            return IA_ERR_INVALID;
    memcpy(p->listen_channel, channel, n + 1);
    char sql[96];
    snprintf(sql, sizeof(sql), "LISTEN %s", channel);
    return pg_exec(d, NULL, sql, NULL, 0, NULL);
}

static int pg_wait_notify(db *d, int timeout_ms)
{
    pg_db *p = d->impl;
    int rc = pg_ensure(d);
    if (rc != IA_OK)
        return rc;
    PGnotify *n = NULL;
    PQconsumeInput(p->conn);
    if ((n = PQnotifies(p->conn)) == NULL) {
        struct pollfd pfd = { .fd = PQsocket(p->conn), .events = POLLIN };
        if (pfd.fd < 0)
            return IA_ERR_UNAVAILABLE;
        int pr = poll(&pfd, 1, timeout_ms);
        if (pr <= 0)
            return IA_ERR_TIMEOUT;
        if (!PQconsumeInput(p->conn))
            return IA_ERR_UNAVAILABLE;
        n = PQnotifies(p->conn);
    }
    if (n == NULL)
        return IA_ERR_TIMEOUT;
    /* Drain the rest: one wake-up is enough for any number of notifications. */
    while (n != NULL) {
        PQfreemem(n);
        n = PQnotifies(p->conn);
    }
    return IA_OK;
}

static void pg_close(db *d)
{
    pg_db *p = d->impl;
    PQfinish(p->conn);
    free(p);
    free(d);
}

static const db_ops pg_ops = {
    pg_exec, pg_exec_script, pg_ping, pg_listen, pg_wait_notify, pg_close
};

/* Server notices ("relation already exists, skipping") go to the debug log, not stderr. */
static void pg_notice(void *arg, const char *message)
{
    (void)arg;
    char msg[512];
    snprintf(msg, sizeof(msg), "%s", message);
    size_t n = strlen(msg);
    while (n > 0 && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_debug("db", "postgresql notice", "notice", msg);
}

int db_postgres_open(const char *url, int statement_timeout_ms, db **out, char *err, size_t errlen)
{
    db *d = calloc(1, sizeof(*d));
    pg_db *p = calloc(1, sizeof(*p));
    if (d == NULL || p == NULL) {
        free(d);
        free(p);
        snprintf(err, errlen, "out of memory");
        return IA_ERR_NOMEM;
    }
    p->statement_timeout_ms = statement_timeout_ms;
    p->conn = PQconnectdb(url);
    if (p->conn != NULL)
        PQsetNoticeProcessor(p->conn, pg_notice, NULL);
    d->engine = DB_POSTGRES;
    d->ops = &pg_ops;
    d->impl = p;
    if (PQstatus(p->conn) != CONNECTION_OK) {
        char redacted[512];
        config_redact_url(url, redacted, sizeof(redacted));
        snprintf(err, errlen, "cannot connect to %s: %s", redacted, PQerrorMessage(p->conn));
        size_t n = strlen(err);
        while (n > 0 && err[n - 1] == '\n')
            err[--n] = '\0';
        pg_close(d);
        return IA_ERR_UNAVAILABLE;
    }
    if (pg_session_setup(p) != IA_OK) {
        snprintf(err, errlen, "cannot configure the PostgreSQL session");
        pg_close(d);
        return IA_ERR_UNAVAILABLE;
    }
    *out = d;
    return IA_OK;
}
