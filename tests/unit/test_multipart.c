/* Unit tests for src/http/multipart.c: parts, names and content come out the same however
 * the body is cut; delimiter-like bytes inside content are content; malformed bodies are
 * refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "core/util.h"
#include "http/multipart.h"

#define BOUNDARY "xYz-123"

typedef struct {
    char log[8192]; /* "[name|filename]content" per part */
    size_t len;
} sink;

static void add(sink *s, const char *p, size_t n)
{
    if (s->len + n < sizeof(s->log)) {
        memcpy(s->log + s->len, p, n);
        s->len += n;
        s->log[s->len] = '\0';
    }
}

static int on_part(void *ud, const char *name, const char *filename)
{
    sink *s = ud;
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "[%s|%s]", name ? name : "-", filename ? filename : "-");
    add(s, buf, (size_t)n);
    return IA_OK;
}

static int on_data(void *ud, const char *data, size_t n)
{
    add(ud, data, n);
    return IA_OK;
}

/* Feeds body in pieces of piece bytes; returns feed's first error or finish's result. */
static int read_body(const char *body, size_t n, size_t piece, sink *s)
{
    static const multipart_callbacks cb = { on_part, on_data };
    memset(s, 0, sizeof(*s));
    multipart *m = multipart_create(BOUNDARY, strlen(BOUNDARY), &cb, s);
    assert_non_null(m);
    int rc = IA_OK;
    for (size_t off = 0; off < n && rc == IA_OK; off += piece)
        rc = multipart_feed(m, body + off, n - off < piece ? n - off : piece);
    if (rc == IA_OK)
        rc = multipart_finish(m);
    multipart_free(m);
    return rc;
}

static const char BODY[] =
    "preamble --" BOUNDARY
    " not yet\r\n"
    "--" BOUNDARY
    "\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
    "My \r\n--xYz-12x is content\r\n--" BOUNDARY
    "  \t\r\n"
    "content-disposition: form-data; filename=\"a\\\\b \\\"c.txt\"; name=file\r\n"
    "Content-Type: text/plain\r\n\r\n"
    "line1\r\n\r\r\n-\r\n--xYz\r\n--" BOUNDARY
    "\r\n"
    "\r\n"
    "no headers\r\n--" BOUNDARY "--\r\nepilogue --" BOUNDARY "\r\n";

static const char WANT[] =
    "[title|-]My \r\n--xYz-12x is content"
    "[file|a\\\\b \\]line1\r\n\r\r\n-\r\n--xYz"
    "[-|-]no headers";

static void test_every_cut_gives_the_same_parts(void **state)
{
    (void)state;
    size_t n = sizeof(BODY) - 1;
    for (size_t piece = 1; piece <= n; piece++) {
        sink s;
        assert_int_equal(read_body(BODY, n, piece, &s), IA_OK);
        if (strcmp(s.log, WANT) != 0)
            fail_msg("piece %zu gave \"%s\"", piece, s.log);
    }
}

static void test_malformed_bodies_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        /* ends inside a part */
        "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc",
        /* no close delimiter */
        "--" BOUNDARY "\r\n\r\nabc\r\n--" BOUNDARY "\r\n",
        /* only a preamble */
        "nothing here",
        /* a delimiter followed by junk */
        "--" BOUNDARY "junk\r\n\r\n\r\n--" BOUNDARY "--",
        /* a single dash after the delimiter */
        "--" BOUNDARY "-x",
        /* a header line without a colon */
        "--" BOUNDARY "\r\nNoColon\r\n\r\nx\r\n--" BOUNDARY "--",
        /* CR without LF after the delimiter */
        "--" BOUNDARY "\rX",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        sink s;
        if (read_body(bad[i], strlen(bad[i]), 1, &s) != IA_ERR_INVALID)
            fail_msg("not refused: %s", bad[i]);
    }
}

static void test_header_blocks_are_bounded(void **state)
{
    (void)state;
    static char body[MULTIPART_HEADERS_MAX + 256];
    int n = snprintf(body, sizeof(body), "--%s\r\nX-Pad: ", BOUNDARY);
    memset(body + n, 'a', MULTIPART_HEADERS_MAX);
    size_t len = (size_t)n + MULTIPART_HEADERS_MAX;
    memcpy(body + len, "\r\n\r\n", 4);
    sink s;
    assert_int_equal(read_body(body, len + 4, 4096, &s), IA_ERR_INVALID);
    /* Just under the bound is fine. */
    n = snprintf(body, sizeof(body), "--%s\r\nX-Pad: ", BOUNDARY);
    memset(body + n, 'a', MULTIPART_HEADERS_MAX - (size_t)n - 64);
    len = MULTIPART_HEADERS_MAX - 64;
    len += (size_t)snprintf(body + len, sizeof(body) - len, "\r\n\r\nx\r\n--%s--", BOUNDARY);
    assert_int_equal(read_body(body, len, 4096, &s), IA_OK);
}

static void test_boundaries_out_of_range_are_refused(void **state)
{
    (void)state;
    static const multipart_callbacks cb = { on_part, on_data };
    char b[MULTIPART_BOUNDARY_MAX + 1];
    memset(b, 'b', sizeof(b));
    assert_null(multipart_create(b, 0, &cb, NULL));
    assert_null(multipart_create(b, sizeof(b), &cb, NULL));
    multipart *m = multipart_create(b, MULTIPART_BOUNDARY_MAX, &cb, NULL);
    assert_non_null(m);
    multipart_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_cut_gives_the_same_parts),
        cmocka_unit_test(test_malformed_bodies_are_refused),
        cmocka_unit_test(test_header_blocks_are_bounded),
        cmocka_unit_test(test_boundaries_out_of_range_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
