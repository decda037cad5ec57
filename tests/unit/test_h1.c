/* Unit tests for src/http/h1.c: request heads (request line, fields, framing), chunked bodies
 * fed in every split, and target decoding (docs/design.md "Request lifecycle"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "http/h1.h"

static h1_status parse(const char *s, h1_head *h, h1_error *e)
{
    return h1_parse_head(s, strlen(s), h, e);
}

static void assert_refused(const char *s, int status, const char *code)
{
    h1_head h;
    h1_error e = { 0 };
    if (parse(s, &h, &e) != H1_BAD)
        fail_msg("not refused: %s", s);
    assert_int_equal(e.status, status);
    assert_string_equal(e.code, code);
    assert_non_null(e.detail);
}

static void test_a_simple_head(void **state)
{
    (void)state;
    const char *req =
        "\r\nGET /a%20b?x=1 HTTP/1.1\r\nHost: example\r\nX-Tab:\t a\tb \r\n"
        "Content-Length: 12\r\nConnection: keep-alive, close\r\n\r\nBODY";
    h1_head h;
    h1_error e;
    assert_int_equal(parse(req, &h, &e), H1_DONE);
    assert_int_equal(h.method_len, 3);
    assert_memory_equal(h.method, "GET", 3);
    assert_int_equal(h.target_len, strlen("/a%20b?x=1"));
    assert_int_equal(h.minor, 1);
    assert_int_equal(h.nfields, 4);
    assert_int_equal(h.fields[1].value_len, 3); /* "a\tb": outer whitespace trimmed */
    assert_memory_equal(h.fields[1].value, "a\tb", 3);
    assert_false(h.bad_value);
    assert_false(h.bad_name);
    assert_int_equal(h.nhost, 1);
    assert_true(h.has_length);
    assert_int_equal(h.length, 12);
    assert_true(h.conn_close);
    assert_true(h.conn_keep_alive);
    assert_int_equal(h.head_len, strlen(req) - 4);
}

static void test_incomplete_heads_ask_for_more(void **state)
{
    (void)state;
    const char *req = "POST /x HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    h1_head h;
    h1_error e;
    for (size_t n = 0; n < strlen(req); n++)
        assert_int_equal(h1_parse_head(req, n, &h, &e), H1_MORE);
    assert_int_equal(parse(req, &h, &e), H1_DONE);
    assert_int_equal(h.minor, 0);
    assert_true(h.chunked);
    assert_false(h.has_length);
}

static void test_fields_are_checked_and_flagged(void **state)
{
    (void)state;
    h1_head h;
    h1_error e;
    static const char nul[] = "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n";
    assert_int_equal(h1_parse_head(nul, sizeof(nul) - 1, &h, &e), H1_DONE);
    assert_true(h.bad_value);
    assert_int_equal(parse("GET / HTTP/1.1\r\nX Y: a\r\n\r\n", &h, &e), H1_DONE);
    assert_true(h.bad_name);
    assert_int_equal(parse("GET / HTTP/1.1\r\n: a\r\n\r\n", &h, &e), H1_DONE);
    assert_true(h.bad_name);
    assert_int_equal(parse("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", &h, &e), H1_DONE);
    assert_true(h.bad_value);
    /* A misspelt framing field is a bad name, not a length. */
    assert_int_equal(parse("GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\n", &h, &e), H1_DONE);
    assert_true(h.bad_name);
    assert_false(h.has_length);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", &h, &e), H1_DONE);
    assert_int_equal(h.nhost, 2);
}

static void test_fields_past_the_kept_ones_are_counted_and_checked(void **state)
{
    (void)state;
    char req[16384];
    size_t n = (size_t)snprintf(req, sizeof(req), "GET / HTTP/1.1\r\n");
    for (int i = 0; i < H1_FIELDS_MAX + 20; i++)
        n += (size_t)snprintf(req + n, sizeof(req) - n, "X-%d: v\r\n", i);
    n += (size_t)snprintf(req + n, sizeof(req) - n, "Content-Length: 7\r\nX-Late: \x01\r\n\r\n");
    h1_head h;
    h1_error e;
    assert_int_equal(h1_parse_head(req, n, &h, &e), H1_DONE);
    assert_int_equal(h.nfields, H1_FIELDS_MAX);
    assert_int_equal(h.nfields_all, H1_FIELDS_MAX + 22);
    assert_true(h.bad_value);
    assert_true(h.has_length);
    assert_int_equal(h.length, 7);
}

static void test_malformed_heads_are_refused(void **state)
{
    (void)state;
    assert_refused("GET /\r\n\r\n", 400, "BAD_REQUEST");
    assert_refused("GET  / HTTP/1.1\r\n\r\n", 400, "BAD_REQUEST");
    assert_refused("GET / HTTP/1.1 \r\n\r\n", 400, "BAD_REQUEST");
    assert_refused("G@T / HTTP/1.1\r\n\r\n", 400, "BAD_REQUEST");
    assert_refused("GET /\x01 HTTP/1.1\r\n\r\n", 400, "BAD_REQUEST");
    assert_refused("GET / HTTP/2.0\r\n\r\n", 505, "HTTP_VERSION_NOT_SUPPORTED");
    assert_refused("GET / HTTP/1.2\r\n\r\n", 505, "HTTP_VERSION_NOT_SUPPORTED");
    assert_refused("GET / HTTP/x.1\r\n\r\n", 400, "BAD_REQUEST");
    assert_refused("GET / HTTP/1.1\nHost: a\n\n", 400, "BAD_REQUEST");
    assert_refused("GET / HTTP/1.1\r\nHost: a\n\r\n", 400, "BAD_REQUEST");
    assert_refused("GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400, "BAD_REQUEST");
    assert_refused("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400, "BAD_REQUEST");
    static const char *const lengths[] = {
        "-1", "abc", "1x", "+5", "0x10", "", "5, 5", "18446744073709551616", "99999999999999999999"
    };
    for (size_t i = 0; i < COUNT(lengths); i++) {
        char req[128];
        snprintf(req, sizeof(req), "POST / HTTP/1.1\r\nContent-Length: %s\r\n\r\n", lengths[i]);
        assert_refused(req, 400, "BAD_REQUEST");
    }
    assert_refused("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", 400,
                   "BAD_REQUEST");
    assert_refused("POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
                   400, "BAD_REQUEST");
    assert_refused("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501,
                   "NOT_IMPLEMENTED");
    assert_refused(
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 501,
        "NOT_IMPLEMENTED");
    /* The same length twice is one length. */
    h1_head h;
    h1_error e;
    assert_int_equal(
        parse("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", &h, &e),
        H1_DONE);
    assert_int_equal(h.length, 3);
}

/* Decodes body fed in pieces of size piece; returns the status and the decoded bytes. */
static h1_status decode_in_pieces(const char *body, size_t n, size_t piece, char *out,
                                  size_t *out_len, size_t *consumed)
{
    h1_chunked ck;
    memset(&ck, 0, sizeof(ck));
    char buf[512];
    *out_len = 0;
    *consumed = 0;
    h1_status st = H1_MORE;
    for (size_t off = 0; off < n && st == H1_MORE; off += piece) {
        size_t k = n - off < piece ? n - off : piece;
        memcpy(buf, body + off, k);
        size_t used, got;
        h1_error e;
        st = h1_chunked_decode(&ck, buf, k, &used, &got, &e);
        memcpy(out + *out_len, buf, got);
        *out_len += got;
        *consumed += used;
    }
    return st;
}

static void test_chunked_bodies_in_every_split(void **state)
{
    (void)state;
    static const char body[] =
        "5\r\nhello\r\n1;ext=\"a b\"\r\n \r\n0a \r\n0123456789\r\n"
        "0\r\nTrailer: x\r\n\r\nGET /next";
    size_t n = sizeof(body) - 1;
    for (size_t piece = 1; piece <= n; piece++) {
        char out[64];
        size_t len, used;
        assert_int_equal(decode_in_pieces(body, n, piece, out, &len, &used), H1_DONE);
        assert_int_equal(len, 16);
        assert_memory_equal(out, "hello 0123456789", 16);
        assert_int_equal(used, n - strlen("GET /next"));
    }
}

static void test_malformed_chunked_bodies_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "zz\r\n",
        "\r\n",
        "5\r\nhelloXX",
        "5\nhello\r\n",
        "-1\r\n",
        "1 2\r\n",
        "10000000000000000\r\n",
        "0\r\nTrailer\n",
        "3\r\nabc\r\n0\r\n\n",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        char out[64];
        size_t len, used;
        if (decode_in_pieces(bad[i], strlen(bad[i]), 1, out, &len, &used) != H1_BAD)
            fail_msg("not refused: %s", bad[i]);
    }
    /* A size line longer than H1_CHUNK_LINE_MAX (long extensions). */
    h1_chunked ck;
    memset(&ck, 0, sizeof(ck));
    char line[H1_CHUNK_LINE_MAX + 16];
    line[0] = '1';
    line[1] = ';';
    memset(line + 2, 'x', sizeof(line) - 2);
    size_t used, got;
    h1_error e;
    assert_int_equal(h1_chunked_decode(&ck, line, sizeof(line), &used, &got, &e), H1_BAD);
    assert_int_equal(e.status, 400);
}

static void test_targets_are_decoded(void **state)
{
    (void)state;
    char s[] = "a%20b+c%2Bd%zz%4";
    size_t n = h1_unescape(s, strlen(s), true);
    assert_int_equal(n, strlen("a b c+d%zz%4"));
    assert_memory_equal(s, "a b c+d%zz%4", n);
    char p[] = "a+b%00c";
    n = h1_unescape(p, strlen(p), false);
    assert_int_equal(n, 5);
    assert_memory_equal(p, "a+b\0c", 5);
    assert_true(h1_path_encodes_ctl("/a%00b", 6));
    assert_true(h1_path_encodes_ctl("/a%7f", 5));
    assert_true(h1_path_encodes_ctl("/%1F", 4));
    assert_false(h1_path_encodes_ctl("/a?x=%00", 8));
    assert_false(h1_path_encodes_ctl("/a%20%C3%A9", 11));
    assert_string_equal(h1_reason(404), "Not Found");
    assert_string_equal(h1_reason(299), "Unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_simple_head),
        cmocka_unit_test(test_incomplete_heads_ask_for_more),
        cmocka_unit_test(test_fields_are_checked_and_flagged),
        cmocka_unit_test(test_fields_past_the_kept_ones_are_counted_and_checked),
        cmocka_unit_test(test_malformed_heads_are_refused),
        cmocka_unit_test(test_chunked_bodies_in_every_split),
        cmocka_unit_test(test_malformed_chunked_bodies_are_refused),
        cmocka_unit_test(test_targets_are_decoded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
