/* A per-request (or per-task) bump allocator. Everything allocated from an arena is freed at
 * once by arena_destroy; there is no per-object free. Each arena has a maximum total size, so
 * a hostile request cannot make one request consume unbounded memory. */
#ifndef IA_CORE_ARENA_H
#define IA_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

/* Creates an arena that will refuse to grow beyond max_bytes in total. Returns NULL when the
 * first block cannot be allocated. */
arena *arena_create(size_t max_bytes);

/* Frees every block of the arena and the arena itself. NULL is accepted. */
void arena_destroy(arena *a);

/* Returns size bytes aligned for any type, or NULL when the arena's maximum would be passed. */
void *arena_alloc(arena *a, size_t size);

/* Like arena_alloc, with the memory zeroed. */
void *arena_calloc(arena *a, size_t n, size_t size);

/* Copies at most max bytes of s (stopping at its NUL) into the arena, NUL-terminated. */
char *arena_strndup(arena *a, const char *s, size_t max);

/* Copies the NUL-terminated string s into the arena. */
char *arena_strdup(arena *a, const char *s);

/* Copies len bytes (not necessarily a string) and adds a NUL after them. */
char *arena_memdup(arena *a, const void *p, size_t len);

/* printf into a fresh arena string; NULL on allocation failure. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Bytes handed out so far, for metrics and tests. */
size_t arena_used(const arena *a);

#endif
