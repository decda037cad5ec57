/* Versioned schema migrations. The SQL files under migrations/<engine>/NNNN_name.sql are
 * embedded into the binary at build time; `interviewace migrate` applies the pending ones in
 * order, each in its own transaction, and records them with a checksum in schema_migrations.
 * A migration edited after it was applied is refused. On PostgreSQL an advisory lock makes
 * concurrent runs safe; on SQLite the write lock of each transaction does. */
#ifndef IA_DB_MIGRATE_H
#define IA_DB_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/embed.h"
#include "db/db.h"

extern const embedded_file migration_files[];
extern const size_t migration_files_count;

typedef struct {
    int version;
    const char *name;
    bool applied;
    int64_t applied_at; /* Unix ms, 0 when pending */
    bool checksum_ok;   /* false when the applied file was edited since */
    bool in_binary;     /* false for a version applied by a newer release */
} migration_status;

/* Lists every migration known to the binary or recorded in the database, in version order. */
int migrate_status(db *d, arena *a, migration_status **out, size_t *n, char *err, size_t errlen);

/* Applies every pending migration; *applied says how many. On failure err names the migration
 * and the database's message, and nothing of that migration remains. */
int migrate_apply(db *d, int *applied, char *err, size_t errlen);

/* IA_OK when the schema is current; IA_ERR_INVALID when migrations are pending and
 * IA_ERR_CONFLICT when an applied migration was edited, with a message saying what to do. */
int migrate_check(db *d, char *err, size_t errlen);

#endif
