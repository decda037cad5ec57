/* The measurement tools' shared command line, fixture lookup and helpers (eval_common.h). */
#include "eval_common.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

int eval_parse_args(int argc, char **argv, const char *tool, const char *usage,
                    const char *dir_flag, const eval_flag *extra, size_t nextra, const char *def,
                    eval_args *out)
{
    *out = (eval_args){ .where = def };
    for (int i = 1; i < argc; i++) {
        bool known = true;
        if (strcmp(argv[i], "--check") == 0) {
            out->check = true;
        } else if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
            out->verbose = true;
        } else if (dir_flag != NULL && strcmp(argv[i], dir_flag) == 0 && i + 1 < argc) {
            out->where = argv[++i];
        } else {
            known = false;
            for (size_t k = 0; k < nextra && !known; k++) {
                if (strcmp(argv[i], extra[k].flag) == 0) {
                    *extra[k].on = true;
                    known = true;
                }
            }
        }
        if (!known) {
            fprintf(stderr, "usage: %s %s\n", tool, usage);
            return 2;
        }
    }
    return 0;
}

int eval_locate(const char *tool, const char *where, bool check, const char *const known[],
                size_t n, char *out, size_t len)
{
    const char *root = getenv("IA_SOURCE_ROOT");
    if (root == NULL)
        root = ".";
    if (where[0] == '/')
        snprintf(out, len, "%s", where);
    else
        snprintf(out, len, "%s/%s", root, where);
    char want[PATH_MAX], each[PATH_MAX], have[PATH_MAX];
    bool exists = realpath(out, want) != NULL;
    for (size_t i = 0; exists && i < n; i++) {
        snprintf(each, sizeof(each), "%s/%s", root, known[i]);
        if (realpath(each, have) != NULL && strcmp(have, want) == 0)
            return (int)i;
    }
    if (!check)
        return -1;
    fprintf(stderr, "%s: %s is not a labelled set with floors\n", tool, out);
    return -2;
}

int eval_find_set(const char *tool, const eval_args *args, const void *sets, size_t n,
                  size_t stride, size_t offset, char *out, size_t len)
{
    enum { SETS_MAX = 16 };
    const char *known[SETS_MAX];
    if (n > SETS_MAX)
        n = SETS_MAX;
    for (size_t i = 0; i < n; i++)
        memcpy(&known[i], (const char *)sets + i * stride + offset, sizeof(known[i]));
    return eval_locate(tool, args->where, args->check, known, n, out, len);
}

int eval_scan(const char *tool, const char *dir, int (*filter)(const struct dirent *),
              const char *what, struct dirent ***names)
{
    *names = NULL;
    int count = scandir(dir, names, filter, alphasort);
    if (count <= 0)
        fprintf(stderr, "%s: no labelled %s in %s\n", tool, what, dir);
    return count;
}

ai_offline *eval_engine(const char *tool)
{
    char err[256];
    ai_offline *e = NULL;
    if (ai_offline_create(&e, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "%s: %s\n", tool, err);
        return NULL;
    }
    return e;
}

char *eval_read_text(const char *path, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(cap);
    size_t len = buf != NULL ? fread(buf, 1, cap - 1, f) : 0;
    fclose(f);
    if (buf != NULL)
        buf[len] = '\0';
    return buf;
}

int eval_cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int eval_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
