/* Shared by the measurement tools (eval_parse, eval_match, eval_answers, eval_questions): the
 * command line every one of them reads, finding a labelled set's fixtures, and the small file and
 * sorting helpers they all need. */
#ifndef IA_TOOLS_EVAL_COMMON_H
#define IA_TOOLS_EVAL_COMMON_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>

#include "ai/offline.h"
#include "core/util.h"

/* A tool's own switch beyond --check and -v/--verbose: when flag is given, *on becomes true. */
typedef struct {
    const char *flag;
    bool *on;
} eval_flag;

/* What the command line asked for. where is the fixture path given with the tool's path option
 * (dir_flag, e.g. "--dir"), or the default passed in. */
typedef struct {
    bool check;
    bool verbose;
    const char *where;
} eval_args;

/* Reads argv: --check, -v/--verbose, the tool's path option dir_flag followed by a value, and the
 * switches of extra[0..nextra). Anything else prints "usage: tool usage" on stderr and returns 2;
 * otherwise returns 0. out->where starts as def. */
int eval_parse_args(int argc, char **argv, const char *tool, const char *usage,
                    const char *dir_flag, const eval_flag *extra, size_t nextra, const char *def,
                    eval_args *out);

/* Resolves where (absolute, or relative to $IA_SOURCE_ROOT, else the current directory) into
 * out, and returns the index of the entry of known[0..n) (paths relative to that root) naming
 * the same file or directory, or -1 when it is none of them. With check (floors wanted), being
 * none of them is an error: it is reported on stderr and -2 returned. */
int eval_locate(const char *tool, const char *where, bool check, const char *const known[],
                size_t n, char *out, size_t len);

/* eval_locate over a table of labelled sets whose path is the const char * member at offset in
 * each of n entries of size stride starting at sets; see EVAL_FIND_SET. */
int eval_find_set(const char *tool, const eval_args *args, const void *sets, size_t n,
                  size_t stride, size_t offset, char *out, size_t len);

/* The index of args->where among the labelled sets of the array sets (member names each set's
 * path), -1 for another path, -2 (reported) for another path with --check. */
#define EVAL_FIND_SET(tool, args, sets, member, out, len)                                          \
    eval_find_set((tool), (args), (sets), COUNT(sets), sizeof((sets)[0]),                          \
                  (size_t)((const char *)&(sets)[0].member - (const char *)&(sets)[0]), (out),     \
                  (len))

/* Lists dir's entries that filter keeps, sorted by name (scandir); with none, prints "tool: no
 * labelled what in dir" on stderr and returns 0 or less. The caller frees each name and names. */
int eval_scan(const char *tool, const char *dir, int (*filter)(const struct dirent *),
              const char *what, struct dirent ***names);

/* Creates the offline engine, or prints "tool: reason" on stderr and returns NULL. */
ai_offline *eval_engine(const char *tool);

/* Reads the file at path as a string of at most cap - 1 bytes, in a malloc'd buffer the caller
 * frees; NULL when it cannot be opened or memory runs out. */
char *eval_read_text(const char *path, size_t cap);

/* qsort comparators of int64_t and of double, ascending. */
int eval_cmp_i64(const void *a, const void *b);
int eval_cmp_double(const void *a, const void *b);

#endif
