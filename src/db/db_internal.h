/* What the engines share with db.c; not part of the public interface. */
#ifndef IA_DB_DB_INTERNAL_H
#define IA_DB_DB_INTERNAL_H

#include "db/db.h"

#define DB_ROWS_MAX 200000

typedef struct {
    int (*exec)(db *d, arena *a, const char *sql, const db_param *params, size_t nparams,
                db_result **out);
    int (*exec_script)(db *d, const char *sql, char *err, size_t errlen);
    int (*ping)(db *d);
    int (*listen)(db *d, const char *channel);
    int (*wait_notify)(db *d, int timeout_ms);
    void (*close)(db *d);
} db_ops;

struct db {
    db_engine engine;
    const db_ops *ops;
    void *impl;
    bool in_tx;
};

/* The injected read-only fault: its generation (changes on every switch) and whether it is on.
 * An engine applies it to a connection whose last seen generation differs. */
unsigned db_fault_generation(bool *read_only);

int db_sqlite_open(const char *path, db **out, char *err, size_t errlen);
int db_postgres_open(const char *url, int statement_timeout_ms, db **out, char *err, size_t errlen);

/* Growable row storage used by the engines while reading a result. */
typedef struct {
    arena *a;
    db_result *r;
    size_t cap_values;
} db_result_builder;

int db_result_begin(db_result_builder *b, arena *a, size_t ncols);
int db_result_set_colname(db_result_builder *b, size_t col, const char *name);
/* Appends one row; values[i] NULL for SQL NULL; lens[i] their byte lengths. */
int db_result_add_row(db_result_builder *b, const char *const *values, const size_t *lens);

#endif
