/* Shared by the measurement tools (eval_parse, eval_answers): finding a labelled set's fixtures
 * from the command line. */
#ifndef IA_TOOLS_EVAL_COMMON_H
#define IA_TOOLS_EVAL_COMMON_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Resolves where (absolute, or relative to $IA_SOURCE_ROOT, else the current directory) into
 * out, and returns the index of the entry of known[0..n) (paths relative to that root) naming
 * the same file or directory, or -1 when it is none of them. With check (floors wanted), being
 * none of them is an error: it is reported on stderr and -2 returned. */
static int eval_locate(const char *tool, const char *where, bool check, const char *const known[],
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

#endif
