/* Helpers shared by the unit tests that read the labelled fixtures. */
#ifndef IA_TESTS_UNIT_TEST_UTIL_H
#define IA_TESTS_UNIT_TEST_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

/* Reads a whole file into a malloc'ed, NUL-terminated string; NULL when it cannot. */
static inline char *test_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long len = ftell(f);
        if (len >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len + 1)) != NULL) {
            if (fread(buf, 1, (size_t)len, f) == (size_t)len) {
                buf[len] = '\0';
            } else {
                free(buf);
                buf = NULL;
            }
        }
    }
    fclose(f);
    return buf;
}

/* Opens tests/fixtures/<sub> of the source tree (IA_SOURCE_ROOT, set by the build) and writes
 * its path into dir. NULL when it cannot. */
static inline DIR *test_open_fixtures(const char *sub, char *dir, size_t len)
{
    const char *root = getenv("IA_SOURCE_ROOT");
    snprintf(dir, len, "%s/tests/fixtures/%s", root ? root : ".", sub);
    return opendir(dir);
}

#endif
