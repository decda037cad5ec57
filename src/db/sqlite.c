/* The SQLite engine: one connection in WAL mode with foreign keys on and a busy timeout, and
 * a small cache of prepared statements keyed by their SQL text. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "db/db_internal.h"

#define STMT_CACHE      64
#define BUSY_TIMEOUT_MS 5000

typedef struct {
    char *sql; /* our own copy of the statement text */
    sqlite3_stmt *stmt;
    unsigned long long used;
} cached_stmt;

typedef struct {
    sqlite3 *conn;
    cached_stmt cache[STMT_CACHE];
    unsigned long long tick;
    char *path;  /* the database file, for reopening */
    bool reopen; /* opened read-only or hit a read-only / I/O fault: reopen before the next use */
    unsigned fault_seen; /* the injected-fault generation applied to this connection */
} sqlite_db;

static int sqlite_connect(sqlite_db *s, char *err, size_t errlen);

/* Maps an SQLite result code to ours, logging what is unexpected. A database that is
 * read-only, full, failing or cannot be opened is IA_ERR_UNAVAILABLE (503, retry later), and a
 * connection that met read-only or I/O trouble is reopened before its next statement: a
 * connection SQLite opened read-only stays read-only after the disk is writable again. */
static int map_error(sqlite_db *s, int rc, const char *sql)
{
    int ext = sqlite3_extended_errcode(s->conn);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        return IA_ERR_CONFLICT;
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return IA_ERR_UNAVAILABLE;
    int primary = ext & 0xff;
    if (primary == SQLITE_READONLY || primary == SQLITE_FULL || primary == SQLITE_IOERR ||
        primary == SQLITE_CANTOPEN) {
        char code[16];
        snprintf(code, sizeof(code), "%d", ext);
        log_warn("db", "sqlite database is full, read-only or failing", "code", code, "error",
                 sqlite3_errmsg(s->conn));
        if (primary != SQLITE_FULL)
            s->reopen = true;
        ia_fault_note("database");
        return IA_ERR_UNAVAILABLE;
    }
    if (rc == SQLITE_INTERRUPT)
        return IA_ERR_TIMEOUT;
    char code[16];
    snprintf(code, sizeof(code), "%d", ext);
    log_error("db", "sqlite statement failed", "code", code, "error", sqlite3_errmsg(s->conn),
              "sql", sql);
    return IA_ERR_INTERNAL;
}

/* Finds or prepares the statement for sql; the least recently used entry makes room. */
static int get_stmt(sqlite_db *s, const char *sql, sqlite3_stmt **out)
{
    cached_stmt *victim = &s->cache[0];
    for (int i = 0; i < STMT_CACHE; i++) {
        cached_stmt *c = &s->cache[i];
        if (c->stmt != NULL && strcmp(c->sql, sql) == 0) {
            c->used = ++s->tick;
            *out = c->stmt;
            return IA_OK;
        }
        if (c->stmt == NULL || c->used < victim->used)
            victim = c;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s->conn, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return map_error(s, rc, sql);
    char *copy = strdup(sql);
    if (copy == NULL) {
        sqlite3_finalize(st);
        return IA_ERR_NOMEM;
    }
    if (victim->stmt != NULL)
        sqlite3_finalize(victim->stmt);
    free(victim->sql);
    victim->sql = copy;
    victim->stmt = st;
    victim->used = ++s->tick;
    *out = st;
    return IA_OK;
}

static int bind_params(sqlite_db *s, sqlite3_stmt *st, const db_param *params, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof(name), "$%zu", i + 1);
        int idx = sqlite3_bind_parameter_index(st, name);
        if (idx == 0)
            continue; /* not used by this statement */
        int rc;
        switch (params[i].type) {
        case DB_P_TEXT:
            rc = sqlite3_bind_text(st, idx, params[i].s, -1, SQLITE_STATIC);
            break;
        case DB_P_INT:
        case DB_P_BOOL:
            rc = sqlite3_bind_int64(st, idx, params[i].i);
            break;
        case DB_P_REAL:
            rc = sqlite3_bind_double(st, idx, params[i].d);
            break;
        default:
            rc = sqlite3_bind_null(st, idx);
        }
        if (rc != SQLITE_OK)
            return map_error(s, rc, "bind");
    }
    return IA_OK;
}

/* Closes the connection and its cached statements; the struct stays for a reconnect. */
static void sqlite_disconnect(sqlite_db *s)
{
    for (int i = 0; i < STMT_CACHE; i++) {
        if (s->cache[i].stmt)
            sqlite3_finalize(s->cache[i].stmt);
        free(s->cache[i].sql);
        s->cache[i].stmt = NULL;
        s->cache[i].sql = NULL;
        s->cache[i].used = 0;
    }
    sqlite3_close(s->conn);
    s->conn = NULL;
}

/* Reopens a connection marked for it, outside a transaction. IA_OK when the new connection
 * can write; else IA_ERR_UNAVAILABLE, and the next statement tries again. */
static int sqlite_recover(db *d)
{
    sqlite_db *s = d->impl;
    if (!s->reopen || d->in_tx)
        return IA_OK;
    sqlite_disconnect(s);
    char err[512];
    if (sqlite_connect(s, err, sizeof(err)) != IA_OK) {
        log_warn("db", "sqlite database cannot be reopened yet", "error", err);
        ia_fault_note("database");
        return IA_ERR_UNAVAILABLE;
    }
    if (!s->reopen)
        log_info("db", "sqlite connection reopened");
    return IA_OK;
}

/* Applies the injected read-only fault (tests only) when it changed since this connection
 * last looked: one atomic load per statement otherwise. */
static int sqlite_apply_fault(sqlite_db *s)
{
    bool ro = false;
    unsigned gen = db_fault_generation(&ro);
    if (gen == s->fault_seen)
        return IA_OK;
    char *msg = NULL;
    if (sqlite3_exec(s->conn, ro ? "PRAGMA query_only = 1" : "PRAGMA query_only = 0", NULL, NULL,
                     &msg) != SQLITE_OK) {
        log_warn("db", "cannot apply the injected fault", "error", msg ? msg : "?");
        sqlite3_free(msg);
        return IA_ERR_INTERNAL;
    }
    s->fault_seen = gen;
    return IA_OK;
}

static int sqlite_exec(db *d, arena *a, const char *sql, const db_param *params, size_t nparams,
                       db_result **out)
{
    sqlite_db *s = d->impl;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_recover(d);
    if (rc == IA_OK)
        rc = sqlite_apply_fault(s);
    if (rc != IA_OK)
        return rc;
    rc = get_stmt(s, sql, &st);
    if (rc != IA_OK)
        return rc;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    rc = bind_params(s, st, params, nparams);
    if (rc != IA_OK)
        return rc;
    size_t ncols = (size_t)sqlite3_column_count(st);
    db_result_builder b;
    bool collect = a != NULL && out != NULL;
    if (collect) {
        rc = db_result_begin(&b, a, ncols);
        for (size_t c = 0; rc == IA_OK && c < ncols; c++)
            rc = db_result_set_colname(&b, c, sqlite3_column_name(st, (int)c));
        if (rc != IA_OK)
            return rc;
    }
    const char *vals[64];
    size_t lens[64];
    if (ncols > 64)
        return IA_ERR_INVALID;
    for (;;) {
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            break;
        if (step != SQLITE_ROW) {
            rc = map_error(s, step, sql);
            sqlite3_reset(st);
            return rc;
        }
        if (!collect)
            continue;
        for (size_t c = 0; c < ncols; c++) {
            vals[c] = (const char *)sqlite3_column_text(st, (int)c);
            lens[c] = (size_t)sqlite3_column_bytes(st, (int)c);
        }
        rc = db_result_add_row(&b, vals, lens);
        if (rc != IA_OK) {
            sqlite3_reset(st);
            return rc;
        }
    }
    long long changes = sqlite3_changes(s->conn);
    sqlite3_reset(st);
    if (collect) {
        b.r->affected = changes;
        *out = b.r;
    }
    return IA_OK;
}

/* Runs a script on the raw connection (setup and migrations). */
static int script_on(sqlite_db *s, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    int rc = sqlite3_exec(s->conn, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        int primary = sqlite3_extended_errcode(s->conn) & 0xff;
        if (primary == SQLITE_READONLY || primary == SQLITE_FULL || primary == SQLITE_IOERR ||
            primary == SQLITE_CANTOPEN) {
            ia_fault_note("database");
            return IA_ERR_UNAVAILABLE;
        }
        return IA_ERR_INTERNAL;
    }
    return IA_OK;
}

static int sqlite_exec_script(db *d, const char *sql, char *err, size_t errlen)
{
    int rc = sqlite_recover(d);
    if (rc != IA_OK) {
        snprintf(err, errlen, "the database cannot be reopened");
        return rc;
    }
    return script_on(d->impl, sql, err, errlen);
}

static int sqlite_ping(db *d)
{
    return sqlite_exec(d, NULL, "SELECT 1", NULL, 0, NULL);
}

static void sqlite_close(db *d)
{
    sqlite_db *s = d->impl;
    sqlite_disconnect(s);
    free(s->path);
    free(s);
    free(d);
}

static const db_ops sqlite_ops = { sqlite_exec, sqlite_exec_script, sqlite_ping, NULL,
                                   NULL,        sqlite_close };

/* Opens s->path with the settings every connection has. A connection SQLite could only open
 * read-only (a read-only disk) is kept but marked for reopening, so that it becomes writable
 * again once the disk is. */
static int sqlite_connect(sqlite_db *s, char *err, size_t errlen)
{
    int rc = sqlite3_open_v2(
        s->path, &s->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open SQLite database %s: %s", s->path,
                 s->conn ? sqlite3_errmsg(s->conn) : sqlite3_errstr(rc));
        sqlite3_close(s->conn);
        s->conn = NULL;
        s->reopen = true;
        return IA_ERR_UNAVAILABLE;
    }
    sqlite3_busy_timeout(s->conn, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->conn, 1);
    static const char setup[] =
        "PRAGMA journal_mode = WAL;"
        "PRAGMA synchronous = NORMAL;"
        "PRAGMA foreign_keys = ON;";
    if (script_on(s, setup, err, errlen) != IA_OK) {
        sqlite3_close(s->conn);
        s->conn = NULL;
        s->reopen = true;
        return IA_ERR_UNAVAILABLE;
    }
    s->reopen = sqlite3_db_readonly(s->conn, "main") == 1;
    s->fault_seen = 0;
    return IA_OK;
}

int db_sqlite_open(const char *path, db **out, char *err, size_t errlen)
{
    db *d = calloc(1, sizeof(*d));
    sqlite_db *s = calloc(1, sizeof(*s));
    char *copy = strdup(path);
    if (d == NULL || s == NULL || copy == NULL) {
        free(d);
        free(s);
        free(copy);
        snprintf(err, errlen, "out of memory");
        return IA_ERR_NOMEM;
    }
    s->path = copy;
    if (sqlite_connect(s, err, errlen) != IA_OK) {
        free(s->path);
        free(s);
        free(d);
        return IA_ERR_UNAVAILABLE;
    }
    d->engine = DB_SQLITE;
    d->ops = &sqlite_ops;
    d->impl = s;
    *out = d;
    return IA_OK;
}
