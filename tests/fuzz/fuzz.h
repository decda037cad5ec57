/* What every fuzz harness in tests/fuzz/ shares: libFuzzer's entry point, which each harness
 * defines for one parser of untrusted input, and small helpers to cut an input into the
 * strings a parser takes. A harness frees everything it allocates (the leak checker runs after
 * each input) and writes nothing outside its own temporary directory. The same harness links
 * either with libFuzzer (`make fuzz`) or with replay.c, which runs it over the seed corpus in
 * the ordinary test suites. */
#ifndef IA_TESTS_FUZZ_FUZZ_H
#define IA_TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/utf8.h"
#include "http/http.h"

/* Runs the parser under test on one input; always returns 0. A crash, a sanitizer report or
 * a failed invariant (fuzz_check) is a finding. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A malloc'ed NUL-terminated copy of size bytes of data (a NUL inside ends the string early,
 * as it would for the C string the parser gets); NULL when out of memory. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (s != NULL) {
        if (size > 0)
            memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

/* Takes the first byte of *data as a selector (0 when the input is empty) and advances past
 * it. */
static inline unsigned fuzz_take_byte(const uint8_t **data, size_t *size)
{
    if (*size == 0)
        return 0;
    unsigned b = (*data)[0];
    (*data)++;
    (*size)--;
    return b;
}

/* Splits the input at its first newline: *head is what comes before it (the whole input when
 * there is none) and *tail what comes after (empty). Both are malloc'ed strings. */
static inline int fuzz_split_line(const uint8_t *data, size_t size, char **head, char **tail)
{
    const uint8_t *nl = size > 0 ? memchr(data, '\n', size) : NULL;
    size_t hlen = nl ? (size_t)(nl - data) : size;
    *head = fuzz_strndup(data, hlen);
    *tail = nl ? fuzz_strndup(nl + 1, size - hlen - 1) : fuzz_strndup(data, 0);
    if (*head == NULL || *tail == NULL) {
        free(*head);
        free(*tail);
        return -1;
    }
    return 0;
}

/* True when the n bytes at s are well-formed UTF-8, as every text the service takes from JSON
 * or from text extraction is. */
static inline bool fuzz_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = ia_utf8_sequence(p + i, n - i);
        if (k == 0)
            return false;
        i += k;
    }
    return true;
}

/* An empty request and response whose memory comes from a, as the server hands them to a
 * handler. */
static inline void fuzz_http_init(http_req *req, http_res *res, arena *a)
{
    memset(req, 0, sizeof(*req));
    memset(res, 0, sizeof(*res));
    req->arena = a;
    res->arena = a;
}

/* Reports a broken invariant of the parser under test and aborts (a finding). */
__attribute__((noreturn)) static inline void fuzz_fail(const char *file, int line, const char *msg)
{
    fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, msg);
    abort();
}

/* Aborts with msg when cond is false. */
#define fuzz_check(cond, msg)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, msg);                                                    \
    } while (0)

/* rmdir of the temporary directory at exit (it is empty by then: each input's files are
 * removed by the harness). */
static char fuzz_tmp_path[256];
static void fuzz_tmp_remove(void)
{
    if (fuzz_tmp_path[0] != '\0')
        rmdir(fuzz_tmp_path);
}

/* A private temporary directory for this process (under $TMPDIR, else /tmp), created on first
 * use and removed at exit; NULL when it cannot be made. The only place a harness writes. */
static inline const char *fuzz_tmpdir(void)
{
    if (fuzz_tmp_path[0] != '\0')
        return fuzz_tmp_path;
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    int n = snprintf(fuzz_tmp_path, sizeof(fuzz_tmp_path), "%s/ia-fuzz-XXXXXX", base);
    if (n < 0 || (size_t)n >= sizeof(fuzz_tmp_path) || mkdtemp(fuzz_tmp_path) == NULL) {
        fuzz_tmp_path[0] = '\0';
        return NULL;
    }
    atexit(fuzz_tmp_remove);
    return fuzz_tmp_path;
}

#endif
