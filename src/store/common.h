/* Helpers shared by the store files. */
#ifndef IA_STORE_COMMON_H
#define IA_STORE_COMMON_H

#include <stddef.h>

#include "core/arena.h"
#include "db/db.h"

/* Builds a LIKE pattern matching text anywhere, lower-cased, with %, _ and \ escaped (use
 * with ESCAPE '\'). NULL on allocation failure. */
char *store_like_pattern(arena *a, const char *text);

/* Runs a statement that must change at least one row: IA_NOT_FOUND when none changed (no such
 * row of the caller's, or its precondition no longer holds). */
int store_exec_one(db *d, const char *sql, const db_param *p, size_t n);

#endif
