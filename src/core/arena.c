#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192u
#define ARENA_ALIGN 16u

typedef struct block {
    struct block *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
} block;

struct arena {
    block *head;
    size_t total; /* bytes of block payload allocated from the system */
    size_t max;
    size_t used; /* bytes handed out */
};

static block *block_new(size_t size)
{
    block *b = malloc(sizeof(block) + size);
    if (b == NULL)
        return NULL;
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

arena *arena_create(size_t max_bytes)
{
    arena *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    a->max = max_bytes;
    size_t first = max_bytes < ARENA_BLOCK ? max_bytes : ARENA_BLOCK;
    a->head = block_new(first);
    if (a->head == NULL) {
        free(a);
        return NULL;
    }
    a->total = first;
    return a;
}

void arena_destroy(arena *a)
{
    if (a == NULL)
        return;
    block *b = a->head;
    while (b != NULL) {
        block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

void *arena_alloc(arena *a, size_t size)
{
    if (size == 0)
        size = 1;
    if (size > SIZE_MAX - ARENA_ALIGN || size > a->max - a->used)
        return NULL; /* the maximum counts what is handed out, whatever the block sizes */
    size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    block *b = a->head;
    if (b->size - b->used < need) {
        /* Large requests get a block of their own, placed behind the current one so that
         * the current block's free space is still used by later small requests. */
        size_t bsize = need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK;
        if (bsize > a->max || a->total > a->max - bsize)
            return NULL;
        block *nb = block_new(bsize);
        if (nb == NULL)
            return NULL;
        a->total += bsize;
        if (bsize == need && need > ARENA_BLOCK / 4) {
            nb->next = b->next;
            b->next = nb;
            nb->used = need;
            a->used += size;
            return nb->data;
        }
        nb->next = b;
        a->head = nb;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used += size;
    return p;
}

void *arena_calloc(arena *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    void *p = arena_alloc(a, n * size);
    if (p != NULL)
        memset(p, 0, n * size);
    return p;
}

char *arena_memdup(arena *a, const void *p, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *d = arena_alloc(a, len + 1);
    if (d == NULL)
        return NULL;
    if (len > 0)
        memcpy(d, p, len);
    d[len] = '\0';
    return d;
}

char *arena_strndup(arena *a, const char *s, size_t max)
{
    return arena_memdup(a, s, strnlen(s, max));
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_memdup(a, s, strlen(s));
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return NULL;
    char *d = arena_alloc(a, (size_t)n + 1);
    if (d == NULL)
        return NULL;
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    return d;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *d = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return d;
}

size_t arena_used(const arena *a)
{
    return a->used;
}
