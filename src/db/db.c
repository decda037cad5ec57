#include "db/db.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "db/db_internal.h"

int db_open(const char *url, int statement_timeout_ms, db **out, char *err, size_t errlen)
{
    *out = NULL;
    if (strncmp(url, "sqlite:///", 10) == 0) {
        const char *path = url + 10; /* "sqlite:////abs" leaves "/abs" */
        if (*path == '\0') {
            snprintf(err, errlen, "DATABASE_URL has no file path");
            return IA_ERR_INVALID;
        }
        return db_sqlite_open(path, out, err, errlen);
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return db_postgres_open(url, statement_timeout_ms, out, err, errlen);
    snprintf(err, errlen, "DATABASE_URL must start with sqlite:/// or postgresql://");
    return IA_ERR_INVALID;
}

void db_close(db *d)
{
    if (d != NULL)
        d->ops->close(d);
}

db_engine db_engine_of(const db *d)
{
    return d->engine;
}

int db_exec(db *d, arena *a, const char *sql, const db_param *params, size_t nparams,
            db_result **out)
{
    if (out != NULL)
        *out = NULL;
    if (nparams > DB_MAX_PARAMS)
        return IA_ERR_INVALID;
    return d->ops->exec(d, a, sql, params, nparams, out);
}

int db_query_one(db *d, arena *a, const char *sql, const db_param *params, size_t nparams,
                 db_result **out)
{
    db_result *r = NULL;
    int rc = db_exec(d, a, sql, params, nparams, &r);
    if (rc != IA_OK)
        return rc;
    if (r == NULL || r->nrows == 0)
        return IA_NOT_FOUND;
    *out = r;
    return IA_OK;
}

int db_exec_script(db *d, const char *sql, char *err, size_t errlen)
{
    return d->ops->exec_script(d, sql, err, errlen);
}

/* Transactions are plain statements; SQLite takes the write lock at BEGIN so that two
 * writers never deadlock on a lock upgrade. */
int db_begin(db *d)
{
    int rc = db_exec(d, NULL, d->engine == DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN", NULL, 0, NULL);
    if (rc == IA_OK)
        d->in_tx = true;
    return rc;
}

int db_commit(db *d)
{
    int rc = db_exec(d, NULL, "COMMIT", NULL, 0, NULL);
    if (rc != IA_OK)
        db_rollback(d);
    d->in_tx = false;
    return rc;
}

int db_rollback(db *d)
{
    d->in_tx = false;
    return db_exec(d, NULL, "ROLLBACK", NULL, 0, NULL);
}

int db_ping(db *d)
{
    return d->ops->ping(d);
}

int db_check_write(db *d, long long now_ms)
{
    static const char sql[] =
        "INSERT INTO service_health (id, checked_at) VALUES (1, $1) "
        "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at";
    const db_param p[] = { DB_INT(now_ms) };
    return db_exec(d, NULL, sql, p, 1, NULL);
}

/* The injected fault: the low bit is "read-only", the rest counts the switches. Zero means
 * never injected, which every new connection has already "seen". */
static _Atomic unsigned g_fault;

void db_inject_read_only(bool on)
{
    unsigned cur = atomic_load(&g_fault);
    unsigned next;
    do
        next = ((cur >> 1) + 1) << 1 | (on ? 1u : 0u);
    while (!atomic_compare_exchange_weak(&g_fault, &cur, next));
}

unsigned db_fault_generation(bool *read_only)
{
    unsigned v = atomic_load_explicit(&g_fault, memory_order_relaxed);
    *read_only = (v & 1u) != 0;
    return v;
}

int db_listen(db *d, const char *channel)
{
    return d->ops->listen ? d->ops->listen(d, channel) : IA_ERR_INVALID;
}

int db_wait_notify(db *d, int timeout_ms)
{
    return d->ops->wait_notify ? d->ops->wait_notify(d, timeout_ms) : IA_ERR_INVALID;
}

const char *db_get(const db_result *r, size_t row, size_t col)
{
    if (r == NULL || row >= r->nrows || col >= r->ncols)
        return NULL;
    return r->values[row * r->ncols + col];
}

long long db_get_int(const db_result *r, size_t row, size_t col, long long fallback)
{
    const char *v = db_get(r, row, col);
    if (v == NULL)
        return fallback;
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    return end != v ? n : fallback;
}

double db_get_real(const db_result *r, size_t row, size_t col, double fallback)
{
    const char *v = db_get(r, row, col);
    if (v == NULL)
        return fallback;
    char *end = NULL;
    double n = strtod(v, &end);
    return end != v ? n : fallback;
}

bool db_get_bool(const db_result *r, size_t row, size_t col)
{
    const char *v = db_get(r, row, col);
    return v != NULL && (v[0] == '1' || v[0] == 't');
}

int db_result_begin(db_result_builder *b, arena *a, size_t ncols)
{
    b->a = a;
    b->cap_values = 0;
    b->r = arena_calloc(a, 1, sizeof(db_result));
    if (b->r == NULL)
        return IA_ERR_NOMEM;
    b->r->ncols = ncols;
    b->r->colnames = arena_calloc(a, ncols ? ncols : 1, sizeof(char *));
    return b->r->colnames ? IA_OK : IA_ERR_NOMEM;
}

int db_result_set_colname(db_result_builder *b, size_t col, const char *name)
{
    if (col >= b->r->ncols)
        return IA_ERR_INVALID;
    b->r->colnames[col] = arena_strdup(b->a, name);
    return b->r->colnames[col] ? IA_OK : IA_ERR_NOMEM;
}

int db_result_add_row(db_result_builder *b, const char *const *values, const size_t *lens)
{
    db_result *r = b->r;
    if (r->nrows >= DB_ROWS_MAX)
        return IA_ERR_TOO_LARGE;
    size_t need = (r->nrows + 1) * r->ncols;
    if (need > b->cap_values) {
        size_t cap = b->cap_values ? b->cap_values * 2 : r->ncols * 16;
        if (cap < need)
            cap = need;
        const char **nv = arena_alloc(b->a, cap * sizeof(char *));
        if (nv == NULL)
            return IA_ERR_NOMEM;
        if (r->values != NULL)
            memcpy(nv, r->values, r->nrows * r->ncols * sizeof(char *));
        r->values = nv;
        b->cap_values = cap;
    }
    for (size_t c = 0; c < r->ncols; c++) {
        const char *v = NULL;
        if (values[c] != NULL) {
            v = arena_memdup(b->a, values[c], lens[c]);
            if (v == NULL)
                return IA_ERR_NOMEM;
        }
        r->values[r->nrows * r->ncols + c] = v;
    }
    r->nrows++;
    return IA_OK;
}
