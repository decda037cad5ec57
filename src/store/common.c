#include "store/common.h"

#include <string.h>

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
