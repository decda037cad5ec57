/* HTTP/1.1 message framing (RFC 9112): the request line and header fields of a request, the
 * chunked transfer coding of its body, and percent-decoding of its target. Pure functions over
 * caller-owned bytes: no I/O, no allocation. Anything the parser refuses comes back with the
 * status, code and detail the server answers with (docs/api.md §1.3), so that every refusal
 * of a malformed request is answered like any other error. See docs/design.md "Request
 * lifecycle". */
#ifndef IA_HTTP_H1_H
#define IA_HTTP_H1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Header fields kept for the handler; further fields are checked and counted, not kept. */
#define H1_FIELDS_MAX     128
/* A chunk-size line (with extensions) or a trailer line longer than this is refused. */
#define H1_CHUNK_LINE_MAX 4096

typedef enum { H1_MORE = 0, H1_DONE = 1, H1_BAD = -1 } h1_status;

/* Why a request was refused: the HTTP status, the error code and the detail of the answer. */
typedef struct {
    int status;
    const char *code;
    const char *detail;
} h1_error;

typedef struct {
    const char *name; /* points into the parsed buffer; not NUL-terminated */
    size_t name_len;
    const char *value; /* without surrounding whitespace */
    size_t value_len;
} h1_field;

/* A parsed request head. Pointers point into the buffer given to h1_parse_head. */
typedef struct {
    const char *method;
    size_t method_len;
    const char *target; /* the request target as sent: path and query, still encoded */
    size_t target_len;
    int minor; /* HTTP/1.<minor>: 0 or 1 */
    h1_field fields[H1_FIELDS_MAX];
    size_t nfields;     /* fields kept */
    size_t nfields_all; /* fields sent */
    size_t head_len;    /* bytes of the head, the empty line included */
    size_t fields_len;  /* bytes of the header lines: names, values, ": " and CRLF */
    /* What the fields say, checked here once for every field, kept or not. */
    bool bad_name;        /* a field name that is not an RFC 9110 token */
    bool bad_value;       /* a control character (NUL included) in a value; a tab is allowed */
    unsigned nhost;       /* Host fields */
    bool has_length;      /* a valid Content-Length was sent */
    uint64_t length;      /* its value */
    bool chunked;         /* Transfer-Encoding: chunked */
    bool expect_continue; /* Expect: 100-continue */
    bool conn_close;      /* Connection: close */
    bool conn_keep_alive; /* Connection: keep-alive (an HTTP/1.0 client that keeps it) */
} h1_head;

/* Parses the request head at the start of buf[0..len). H1_MORE when the empty line that ends
 * the head has not arrived yet; H1_DONE with *head filled; H1_BAD with *err filled when the
 * head is malformed: a request line that is not "method SP target SP HTTP/1.x", a field line
 * without a colon or folded onto the next line, a line ending without CR, an invalid or
 * repeated-and-different Content-Length, a Transfer-Encoding other than chunked, or both
 * together (request smuggling). Leading empty lines before the request line are skipped
 * (RFC 9112 §2.2); they count in head_len. Field names and values are checked but a bad one
 * is only flagged (bad_name, bad_value), so that the server can answer in its own order. */
h1_status h1_parse_head(const char *buf, size_t len, h1_head *head, h1_error *err);

/* The state of a chunked body being decoded. Zero-initialise before the first call. */
typedef struct {
    int state;
    uint64_t left;  /* bytes of the current chunk still to come */
    size_t line;    /* bytes of the current size or trailer line so far */
    bool any_digit; /* the size line had a hexadecimal digit */
    bool in_ext;    /* the size line is in its extensions */
} h1_chunked;

/* Decodes the chunked body bytes in[0..n), in place: the chunk data moves to the front of in
 * and *out_len says how much of it there is. *used says how many of the n bytes belong to
 * the body (fewer than n only when the body ended inside them: the rest is the next request).
 * H1_DONE once the last chunk and the trailer section have been read, H1_MORE while more is
 * needed, H1_BAD (with *err) for malformed framing. */
h1_status h1_chunked_decode(h1_chunked *ck, char *in, size_t n, size_t *used, size_t *out_len,
                            h1_error *err);

/* Decodes %XX escapes in s[0..n) in place (and '+' as a space when plus is set); a '%' not
 * followed by two hexadecimal digits stays as it is. Returns the new length; the result may
 * hold any byte, NUL included. */
size_t h1_unescape(char *s, size_t n, bool plus);

/* Whether the raw path (up to '?' or the end) encodes a control character: %00-%1F or %7F. */
bool h1_path_encodes_ctl(const char *target, size_t n);

/* The reason phrase of a status code ("Not Found"); "Unknown" for codes without one. */
const char *h1_reason(int status);

#endif
