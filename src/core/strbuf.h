/* A growable string buffer with a hard maximum, backed by an arena. Appends that would pass
 * the maximum fail with IA_ERR_TOO_LARGE and leave the buffer as it was. The content is always
 * NUL-terminated. */
#ifndef IA_CORE_STRBUF_H
#define IA_CORE_STRBUF_H

#include <stddef.h>

#include "core/arena.h"

typedef struct {
    arena *a;
    char *buf;
    size_t len;
    size_t cap;
    size_t max;
    int err; /* first failure of any append; once set, later appends fail too */
} strbuf;

/* Prepares an empty buffer whose content may never exceed max bytes. */
void strbuf_init(strbuf *sb, arena *a, size_t max);

int strbuf_append(strbuf *sb, const char *s, size_t n);
int strbuf_puts(strbuf *sb, const char *s);
int strbuf_putc(strbuf *sb, char c);
int strbuf_appendf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s as a JSON string literal, quotes included, escaping as RFC 8259 requires. */
int strbuf_json_string(strbuf *sb, const char *s);

/* Returns IA_OK when every append so far succeeded, else the first failure. Builders can
 * append freely and check once at the end. */
int strbuf_error(const strbuf *sb);

/* Returns the content (never NULL, "" when empty). */
const char *strbuf_str(const strbuf *sb);

#endif
