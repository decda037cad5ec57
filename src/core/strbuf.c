#include "core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/errors.h"

void strbuf_init(strbuf *sb, arena *a, size_t max)
{
    sb->a = a;
    sb->buf = NULL;
    sb->len = 0;
    sb->cap = 0;
    sb->max = max;
    sb->err = IA_OK;
}

int strbuf_error(const strbuf *sb)
{
    return sb->err;
}

/* Makes room for extra more bytes plus the NUL, doubling the capacity up to the maximum. */
static int strbuf_reserve(strbuf *sb, size_t extra)
{
    if (sb->err != IA_OK)
        return sb->err;
    if (extra > sb->max || sb->len > sb->max - extra)
        return sb->err = IA_ERR_TOO_LARGE;
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return IA_OK;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    if (cap > sb->max + 1)
        cap = sb->max + 1;
    char *nb = arena_alloc(sb->a, cap);
    if (nb == NULL)
        return sb->err = IA_ERR_NOMEM;
    if (sb->len > 0)
        memcpy(nb, sb->buf, sb->len);
    nb[sb->len] = '\0';
    sb->buf = nb;
    sb->cap = cap;
    return IA_OK;
}

int strbuf_append(strbuf *sb, const char *s, size_t n)
{
    int rc = strbuf_reserve(sb, n);
    if (rc != IA_OK)
        return rc;
    if (n > 0)
        memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
    return IA_OK;
}

int strbuf_puts(strbuf *sb, const char *s)
{
    return strbuf_append(sb, s, strlen(s));
}

int strbuf_putc(strbuf *sb, char c)
{
    return strbuf_append(sb, &c, 1);
}

int strbuf_appendf(strbuf *sb, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return sb->err = IA_ERR_INVALID;
    if ((size_t)n < sizeof(small))
        return strbuf_append(sb, small, (size_t)n);
    int rc = strbuf_reserve(sb, (size_t)n);
    if (rc != IA_OK)
        return rc;
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
    return IA_OK;
}

int strbuf_json_string(strbuf *sb, const char *s)
{
    int rc = strbuf_putc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; rc == IA_OK && *p; p++) {
        switch (*p) {
        case '"':
            rc = strbuf_append(sb, "\\\"", 2);
            break;
        case '\\':
            rc = strbuf_append(sb, "\\\\", 2);
            break;
        case '\n':
            rc = strbuf_append(sb, "\\n", 2);
            break;
        case '\r':
            rc = strbuf_append(sb, "\\r", 2);
            break;
        case '\t':
            rc = strbuf_append(sb, "\\t", 2);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                rc = strbuf_appendf(sb, "\\u%04x", *p);
            else
                rc = strbuf_putc(sb, (char)*p);
        }
    }
    if (rc == IA_OK)
        rc = strbuf_putc(sb, '"');
    return rc;
}

const char *strbuf_str(const strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}
