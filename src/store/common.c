#include "store/common.h"

#include <string.h>

#include "core/errors.h"

char *store_like_pattern(arena *a, const char *text)
{
    size_t n = strlen(text);
    char *p = arena_alloc(a, 2 * n + 3);
    if (p == NULL)
        return NULL;
    size_t o = 0;
    p[o++] = '%';
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (c == '%' || c == '_' || c == '\\')
            p[o++] = '\\';
        p[o++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    p[o++] = '%';
    p[o] = '\0';
    return p;
}

int store_exec_one(db *d, const char *sql, const db_param *p, size_t n)
{
    /* db_exec reports affected rows only into a result, which needs an arena. */
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *r = NULL;
    int rc = db_exec(d, a, sql, p, n, &r);
    if (rc == IA_OK && (r == NULL || r->affected < 1))
        rc = IA_NOT_FOUND;
    arena_destroy(a);
    return rc;
}
