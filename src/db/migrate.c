#include "db/migrate.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"

#define ADVISORY_LOCK_KEY "727274101"
#define MIGRATIONS_MAX    1000

static const char create_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

typedef struct {
    int version;
    char name[128];
    const embedded_file *file;
    char checksum[65];
} migration;

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    static const char hex[] = "0123456789abcdef";
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    for (size_t i = 0; i < sizeof(h); i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[64] = '\0';
}

/* Collects the binary's migrations for the engine, in version order. File names must be
 * NNNN_name.sql with a unique version. */
static int load_migrations(db_engine engine, migration **out, size_t *n, char *err, size_t errlen)
{
    const char *dir = engine == DB_SQLITE ? "sqlite/" : "postgres/";
    size_t dlen = strlen(dir);
    migration *list = calloc(migration_files_count + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    size_t count = 0;
    for (size_t i = 0; i < migration_files_count; i++) {
        const embedded_file *f = &migration_files[i];
        if (strncmp(f->path, dir, dlen) != 0)
            continue;
        const char *base = f->path + dlen;
        size_t blen = strlen(base);
        bool ok = blen > 9 && isdigit((unsigned char)base[0]) && isdigit((unsigned char)base[1]) &&
                  isdigit((unsigned char)base[2]) && isdigit((unsigned char)base[3]) &&
                  base[4] == '_' && strcmp(base + blen - 4, ".sql") == 0 &&
                  blen - 9 < sizeof(list[0].name);
        if (!ok) {
            snprintf(err, errlen, "migration file %s is not named NNNN_name.sql", f->path);
            free(list);
            return IA_ERR_INVALID;
        }
        migration *m = &list[count];
        m->version =
            (base[0] - '0') * 1000 + (base[1] - '0') * 100 + (base[2] - '0') * 10 + (base[3] - '0');
        memcpy(m->name, base + 5, blen - 9);
        m->name[blen - 9] = '\0';
        m->file = f;
        sha256_hex(f->data, f->len, m->checksum);
        if (count > 0 && list[count - 1].version >= m->version) {
            snprintf(err, errlen, "migration version %04d of %s is not unique", m->version,
                     f->path);
            free(list);
            return IA_ERR_INVALID;
        }
        count++;
    }
    *out = list;
    *n = count;
    return IA_OK;
}

/* Creates schema_migrations when missing. Two PostgreSQL sessions creating it at once can
 * collide on the catalog's unique index even with IF NOT EXISTS; the loser finds the table
 * there on its second try. */
static int ensure_table(db *d, char *err, size_t errlen)
{
    int rc = db_exec(d, NULL, create_table, NULL, 0, NULL);
    if (rc == IA_ERR_CONFLICT)
        rc = db_exec(d, NULL, create_table, NULL, 0, NULL);
    if (rc != IA_OK)
        snprintf(err, errlen, "cannot create schema_migrations: %s", ia_strerror(rc));
    return rc;
}

static int read_applied(db *d, arena *a, db_result **out, char *err, size_t errlen)
{
    int rc = db_exec(d, a,
                     "SELECT version, name, checksum, applied_at FROM schema_migrations "
                     "ORDER BY version",
                     NULL, 0, out);
    if (rc != IA_OK)
        snprintf(err, errlen, "cannot read schema_migrations: %s", ia_strerror(rc));
    return rc;
}

int migrate_status(db *d, arena *a, migration_status **out, size_t *n, char *err, size_t errlen)
{
    migration *list = NULL;
    size_t count = 0;
    int rc = ensure_table(d, err, errlen);
    if (rc == IA_OK)
        rc = load_migrations(db_engine_of(d), &list, &count, err, errlen);
    if (rc != IA_OK)
        return rc;
    db_result *applied = NULL;
    rc = read_applied(d, a, &applied, err, errlen);
    if (rc != IA_OK) {
        free(list);
        return rc;
    }
    migration_status *st = arena_calloc(a, count + applied->nrows + 1, sizeof(*st));
    if (st == NULL) {
        free(list);
        return IA_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        st[k].version = list[i].version;
        st[k].name = arena_strdup(a, list[i].name);
        st[k].in_binary = true;
        st[k].checksum_ok = true;
        for (size_t r = 0; r < applied->nrows; r++) {
            if (db_get_int(applied, r, 0, -1) != list[i].version)
                continue;
            st[k].applied = true;
            st[k].applied_at = db_get_int(applied, r, 3, 0);
            const char *sum = db_get(applied, r, 2);
            st[k].checksum_ok = sum != NULL && strcmp(sum, list[i].checksum) == 0;
        }
        k++;
    }
    for (size_t r = 0; r < applied->nrows; r++) {
        long long v = db_get_int(applied, r, 0, -1);
        bool known = false;
        for (size_t i = 0; i < count; i++)
            known = known || list[i].version == v;
        if (known)
            continue;
        st[k].version = (int)v;
        st[k].name = db_get(applied, r, 1);
        st[k].applied = true;
        st[k].applied_at = db_get_int(applied, r, 3, 0);
        st[k].checksum_ok = true;
        st[k].in_binary = false;
        k++;
    }
    free(list);
    *out = st;
    *n = k;
    return IA_OK;
}

/* Applies one migration in its own transaction unless it is already recorded (another
 * process may have applied it meanwhile). Sets *did when it ran. */
static int apply_one(db *d, const migration *m, bool *did, char *err, size_t errlen)
{
    *did = false;
    arena *a = arena_create(64 * 1024);
    if (a == NULL)
        return IA_ERR_NOMEM;
    int rc = db_begin(d);
    if (rc != IA_OK) {
        snprintf(err, errlen, "cannot begin a transaction: %s", ia_strerror(rc));
        arena_destroy(a);
        return rc;
    }
    db_result *r = NULL;
    rc = db_query_one(d, a, "SELECT checksum FROM schema_migrations WHERE version = $1",
                      (db_param[]){ DB_INT(m->version) }, 1, &r);
    if (rc == IA_OK) {
        arena_destroy(a);
        return db_commit(d);
    }
    if (rc != IA_NOT_FOUND) {
        snprintf(err, errlen, "cannot read schema_migrations: %s", ia_strerror(rc));
        goto fail;
    }
    char msg[512] = "";
    rc = db_exec_script(d, m->file->data, msg, sizeof(msg));
    if (rc != IA_OK) {
        snprintf(err, errlen, "migration %04d_%s failed: %s", m->version, m->name, msg);
        goto fail;
    }
    rc = db_exec(d, NULL,
                 "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                 "VALUES ($1, $2, $3, $4)",
                 (db_param[]){ DB_INT(m->version), DB_TEXT(m->name), DB_TEXT(m->checksum),
                               DB_INT(ia_now_ms()) },
                 4, NULL);
    if (rc != IA_OK) {
        snprintf(err, errlen, "cannot record migration %04d_%s: %s", m->version, m->name,
                 ia_strerror(rc));
        goto fail;
    }
    rc = db_commit(d);
    if (rc != IA_OK) {
        snprintf(err, errlen, "cannot commit migration %04d_%s: %s", m->version, m->name,
                 ia_strerror(rc));
        arena_destroy(a);
        return rc;
    }
    *did = true;
    arena_destroy(a);
    return IA_OK;
fail:
    db_rollback(d);
    arena_destroy(a);
    return rc;
}

/* Compares the applied migrations' checksums with the binary's files. */
static int verify_checksums(db *d, const migration *list, size_t count, char *err, size_t errlen)
{
    arena *a = arena_create(1024 * 1024);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *applied = NULL;
    int rc = read_applied(d, a, &applied, err, errlen);
    for (size_t r = 0; rc == IA_OK && r < applied->nrows; r++) {
        long long v = db_get_int(applied, r, 0, -1);
        const char *sum = db_get(applied, r, 2);
        for (size_t i = 0; i < count; i++) {
            if (list[i].version != v || (sum != NULL && strcmp(sum, list[i].checksum) == 0))
                continue;
            snprintf(err, errlen,
                     "migration %04d_%s was edited after it was applied (checksum mismatch). "
                     "Applied migrations must never change: restore the original file and put "
                     "the change in a new migration.",
                     list[i].version, list[i].name);
            rc = IA_ERR_CONFLICT;
        }
    }
    arena_destroy(a);
    return rc;
}

int migrate_apply(db *d, int *applied, char *err, size_t errlen)
{
    *applied = 0;
    migration *list = NULL;
    size_t count = 0;
    bool pg = db_engine_of(d) == DB_POSTGRES;
    int rc = IA_OK;
    /* On PostgreSQL everything, the bookkeeping table included, happens under the lock. */
    if (pg) {
        rc = db_exec(d, NULL, "SELECT pg_advisory_lock(" ADVISORY_LOCK_KEY ")", NULL, 0, NULL);
        if (rc != IA_OK) {
            snprintf(err, errlen, "cannot take the migration lock: %s", ia_strerror(rc));
            return rc;
        }
    }
    rc = ensure_table(d, err, errlen);
    if (rc == IA_OK)
        rc = load_migrations(db_engine_of(d), &list, &count, err, errlen);
    if (rc == IA_OK)
        rc = verify_checksums(d, list, count, err, errlen);
    for (size_t i = 0; rc == IA_OK && i < count; i++) {
        bool did = false;
        rc = apply_one(d, &list[i], &did, err, errlen);
        if (rc == IA_OK && did) {
            char v[8];
            snprintf(v, sizeof(v), "%04d", list[i].version);
            log_info("migrate", "applied migration", "version", v, "name", list[i].name);
            (*applied)++;
        }
    }
    if (pg)
        db_exec(d, NULL, "SELECT pg_advisory_unlock(" ADVISORY_LOCK_KEY ")", NULL, 0, NULL);
    free(list);
    return rc;
}

int migrate_check(db *d, char *err, size_t errlen)
{
    arena *a = arena_create(1024 * 1024);
    if (a == NULL)
        return IA_ERR_NOMEM;
    migration_status *st = NULL;
    size_t n = 0;
    int rc = migrate_status(d, a, &st, &n, err, errlen);
    int pending = 0;
    for (size_t i = 0; rc == IA_OK && i < n; i++) {
        if (st[i].applied && !st[i].checksum_ok) {
            snprintf(err, errlen,
                     "migration %04d_%s was edited after it was applied (checksum mismatch). "
                     "Restore the original file and put the change in a new migration.",
                     st[i].version, st[i].name);
            rc = IA_ERR_CONFLICT;
        }
        if (!st[i].applied)
            pending++;
    }
    if (rc == IA_OK && pending > 0) {
        snprintf(err, errlen,
                 "the database schema is behind: %d migration%s pending. Run `interviewace "
                 "migrate` (or start with `interviewace serve --migrate`).",
                 pending, pending == 1 ? " is" : "s are");
        rc = IA_ERR_INVALID;
    }
    arena_destroy(a);
    return rc;
}
