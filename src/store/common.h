/* Helpers shared by the store files. */
#ifndef IA_STORE_COMMON_H
#define IA_STORE_COMMON_H

#include "core/arena.h"

/* Builds a LIKE pattern matching text anywhere, lower-cased, with %, _ and \ escaped (use
 * with ESCAPE '\'). NULL on allocation failure. */
char *store_like_pattern(arena *a, const char *text);

#endif
