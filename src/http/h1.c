#include "http/h1.h"

#include <string.h>
#include <strings.h>

#include "core/util.h"

#define LENGTH_DIGITS_MAX 19 /* below 2^63: a longer Content-Length is refused */
#define CHUNK_DIGITS_MAX  15 /* a chunk of 2^60 bytes and beyond is refused */

static const h1_error ERR_LINE = { 400, "BAD_REQUEST", "The request line is malformed" };
static const h1_error ERR_VERSION = { 505, "HTTP_VERSION_NOT_SUPPORTED",
                                      "Only HTTP versions 1.0 and 1.1 are supported" };
static const h1_error ERR_FIELD = { 400, "BAD_REQUEST", "A header line is malformed" };
static const h1_error ERR_FOLD = { 400, "BAD_REQUEST",
                                   "Header lines must not be folded onto the next line" };
static const h1_error ERR_CRLF = { 400, "BAD_REQUEST", "Lines must end with CRLF" };
static const h1_error ERR_LENGTH = { 400, "BAD_REQUEST", "Invalid Content-Length" };
static const h1_error ERR_TE = { 501, "NOT_IMPLEMENTED",
                                 "Transfer-Encoding other than chunked is not supported" };
static const h1_error ERR_TE_CL = { 400, "BAD_REQUEST",
                                    "Content-Length and Transfer-Encoding must not be combined" };
static const h1_error ERR_CHUNK = { 400, "BAD_REQUEST", "The chunked body is malformed" };

/* RFC 9110 §5.6.2 token characters. */
static bool tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

static bool name_is(const h1_field *f, const char *name)
{
    size_t n = strlen(name);
    return f->name_len == n && strncasecmp(f->name, name, n) == 0;
}

static bool value_is(const char *v, size_t n, const char *want)
{
    return n == strlen(want) && strncasecmp(v, want, n) == 0;
}

/* Parses "method SP target SP HTTP/1.x" in line[0..n). */
static h1_status parse_request_line(const char *line, size_t n, h1_head *h, h1_error *err)
{
    size_t i = 0;
    while (i < n && tchar((unsigned char)line[i]))
        i++;
    if (i == 0 || i >= n || line[i] != ' ') {
        *err = ERR_LINE;
        return H1_BAD;
    }
    h->method = line;
    h->method_len = i;
    size_t t = ++i;
    while (i < n && line[i] != ' ') {
        if (is_ctl((unsigned char)line[i])) {
            *err = ERR_LINE;
            return H1_BAD;
        }
        i++;
    }
    if (i == t || i >= n) {
        *err = ERR_LINE;
        return H1_BAD;
    }
    h->target = line + t;
    h->target_len = i - t;
    const char *v = line + i + 1;
    size_t vn = n - i - 1;
    if (vn != 8 || memcmp(v, "HTTP/", 5) != 0 || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
        v[7] < '0' || v[7] > '9') {
        *err = ERR_LINE;
        return H1_BAD;
    }
    if (v[5] != '1' || v[7] > '1') {
        *err = ERR_VERSION;
        return H1_BAD;
    }
    h->minor = v[7] - '0';
    return H1_DONE;
}

/* Reads a Content-Length value: digits only. */
static bool parse_length(const char *v, size_t n, uint64_t *out)
{
    if (n == 0 || n > LENGTH_DIGITS_MAX)
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    *out = x;
    return true;
}

/* Whether the comma-separated list v[0..n) holds token (case-insensitive). */
static bool list_has(const char *v, size_t n, const char *token)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ',')
            i++;
        size_t e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e > s && value_is(v + s, e - s, token))
            return true;
    }
    return false;
}

/* Records what a field says about the message: framing, Host, Expect, Connection. */
static h1_status note_field(h1_head *h, const h1_field *f, h1_error *err)
{
    if (name_is(f, "Host")) {
        h->nhost++;
    } else if (name_is(f, "Content-Length")) {
        uint64_t len;
        if (!parse_length(f->value, f->value_len, &len) || (h->has_length && len != h->length)) {
            *err = ERR_LENGTH;
            return H1_BAD;
        }
        h->has_length = true;
        h->length = len;
    } else if (name_is(f, "Transfer-Encoding")) {
        if (!value_is(f->value, f->value_len, "chunked") || h->chunked) {
            *err = ERR_TE;
            return H1_BAD;
        }
        h->chunked = true;
    } else if (name_is(f, "Expect")) {
        h->expect_continue = value_is(f->value, f->value_len, "100-continue");
    } else if (name_is(f, "Connection")) {
        h->conn_close |= list_has(f->value, f->value_len, "close");
        h->conn_keep_alive |= list_has(f->value, f->value_len, "keep-alive");
    }
    return H1_DONE;
}

/* Parses one field line line[0..n) (without its CRLF). */
static h1_status parse_field(const char *line, size_t n, h1_head *h, h1_error *err)
{
    if (line[0] == ' ' || line[0] == '\t') {
        *err = ERR_FOLD;
        return H1_BAD;
    }
    const char *colon = memchr(line, ':', n);
    if (colon == NULL) {
        *err = ERR_FIELD;
        return H1_BAD;
    }
    h1_field f = { .name = line, .name_len = (size_t)(colon - line) };
    bool bad_name = f.name_len == 0;
    for (size_t i = 0; i < f.name_len; i++)
        if (!tchar((unsigned char)line[i]))
            bad_name = true;
    h->bad_name |= bad_name;
    const char *v = colon + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    f.value = v;
    f.value_len = (size_t)(end - v);
    for (size_t i = 0; i < f.value_len; i++)
        if (is_ctl((unsigned char)v[i]) && v[i] != '\t')
            h->bad_value = true;
    h->fields_len += f.name_len + f.value_len + 4;
    h->nfields_all++;
    if (h->nfields < H1_FIELDS_MAX)
        h->fields[h->nfields++] = f;
    if (bad_name)
        return H1_DONE; /* a misspelt framing field is refused as a bad name, not read */
    return note_field(h, &f, err);
}

h1_status h1_parse_head(const char *buf, size_t len, h1_head *head, h1_error *err)
{
    memset(head, 0, sizeof(*head));
    size_t pos = 0;
    while (pos + 1 < len && buf[pos] == '\r' && buf[pos + 1] == '\n')
        pos += 2;
    bool first = true;
    for (;;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        if (nl == NULL)
            return H1_MORE;
        size_t end = (size_t)(nl - buf);
        if (end == pos || buf[end - 1] != '\r') {
            *err = ERR_CRLF;
            return H1_BAD;
        }
        size_t n = end - 1 - pos;
        h1_status st;
        if (first) {
            st = parse_request_line(buf + pos, n, head, err);
            first = false;
        } else if (n == 0) {
            head->head_len = end + 1;
            if (head->chunked && head->has_length) {
                *err = ERR_TE_CL;
                return H1_BAD;
            }
            return H1_DONE;
        } else {
            st = parse_field(buf + pos, n, head, err);
        }
        if (st == H1_BAD)
            return H1_BAD;
        pos = end + 1;
    }
}

/* ---- chunked bodies ---- */

enum {
    CK_SIZE,     /* hexadecimal digits of a chunk size */
    CK_SIZE_END, /* whitespace or extensions after them, up to CR */
    CK_SIZE_LF,
    CK_DATA,
    CK_DATA_CR,
    CK_DATA_LF,
    CK_TRAILER,      /* the start of a trailer line, or the final CRLF */
    CK_TRAILER_LINE, /* inside a trailer line, up to CR */
    CK_TRAILER_LF,
    CK_END_LF,
    CK_DONE,
};

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Advances the line counter of a size or trailer line; false when it is too long. */
static bool line_byte(h1_chunked *ck)
{
    return ++ck->line <= H1_CHUNK_LINE_MAX;
}

/* One framing byte (not chunk data). Returns false when it is malformed. */
static bool chunk_framing(h1_chunked *ck, char c)
{
    switch (ck->state) {
    case CK_SIZE: {
        int d = hex_digit(c);
        if (d >= 0) {
            if (ck->line >= CHUNK_DIGITS_MAX)
                return false;
            ck->left = ck->left * 16 + (uint64_t)d;
            ck->any_digit = true;
            ck->line++;
            return true;
        }
        if (!ck->any_digit)
            return false;
        ck->state = CK_SIZE_END;
        return chunk_framing(ck, c);
    }
    case CK_SIZE_END:
        if (c == '\r') {
            ck->state = CK_SIZE_LF;
            return true;
        }
        if (c == ';')
            ck->in_ext = true;
        else if (!ck->in_ext && c != ' ' && c != '\t')
            return false;
        if (is_ctl((unsigned char)c) && c != '\t')
            return false;
        return line_byte(ck);
    case CK_SIZE_LF:
        if (c != '\n')
            return false;
        ck->line = 0;
        ck->any_digit = false;
        ck->in_ext = false;
        ck->state = ck->left == 0 ? CK_TRAILER : CK_DATA;
        return true;
    case CK_DATA_CR:
        ck->state = CK_DATA_LF;
        return c == '\r';
    case CK_DATA_LF:
        ck->state = CK_SIZE;
        return c == '\n';
    case CK_TRAILER:
        if (c == '\r') {
            ck->state = CK_END_LF;
            return true;
        }
        ck->state = CK_TRAILER_LINE;
        return chunk_framing(ck, c);
    case CK_TRAILER_LINE:
        if (c == '\r') {
            ck->state = CK_TRAILER_LF;
            return true;
        }
        return c != '\n' && line_byte(ck);
    case CK_TRAILER_LF:
        ck->line = 0;
        ck->state = CK_TRAILER;
        return c == '\n';
    case CK_END_LF:
        ck->state = CK_DONE;
        return c == '\n';
    default:
        return false;
    }
}

h1_status h1_chunked_decode(h1_chunked *ck, char *in, size_t n, size_t *used, size_t *out_len,
                            h1_error *err)
{
    size_t i = 0, o = 0;
    while (i < n && ck->state != CK_DONE) {
        if (ck->state == CK_DATA) {
            size_t take = n - i;
            if ((uint64_t)take > ck->left)
                take = (size_t)ck->left;
            memmove(in + o, in + i, take);
            o += take;
            i += take;
            ck->left -= take;
            if (ck->left == 0)
                ck->state = CK_DATA_CR;
            continue;
        }
        if (!chunk_framing(ck, in[i])) {
            *err = ERR_CHUNK;
            *used = i;
            *out_len = o;
            return H1_BAD;
        }
        i++;
    }
    *used = i;
    *out_len = o;
    return ck->state == CK_DONE ? H1_DONE : H1_MORE;
}

/* ---- targets ---- */

static int hex_pair(const char *s, size_t left)
{
    if (left < 3)
        return -1;
    int hi = hex_digit(s[1]), lo = hex_digit(s[2]);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

size_t h1_unescape(char *s, size_t n, bool plus)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int v = s[i] == '%' ? hex_pair(s + i, n - i) : -1;
        if (v >= 0) {
            s[o++] = (char)v;
            i += 2;
        } else {
            s[o++] = plus && s[i] == '+' ? ' ' : s[i];
        }
    }
    return o;
}

bool h1_path_encodes_ctl(const char *target, size_t n)
{
    for (size_t i = 0; i < n && target[i] != '?'; i++) {
        int v = target[i] == '%' ? hex_pair(target + i, n - i) : -1;
        if (v >= 0 && (v < 0x20 || v == 0x7f))
            return true;
    }
    return false;
}

const char *h1_reason(int status)
{
    static const struct {
        int status;
        const char *reason;
    } reasons[] = {
        { 100, "Continue" },
        { 200, "OK" },
        { 201, "Created" },
        { 202, "Accepted" },
        { 204, "No Content" },
        { 301, "Moved Permanently" },
        { 302, "Found" },
        { 303, "See Other" },
        { 304, "Not Modified" },
        { 307, "Temporary Redirect" },
        { 308, "Permanent Redirect" },
        { 400, "Bad Request" },
        { 401, "Unauthorized" },
        { 403, "Forbidden" },
        { 404, "Not Found" },
        { 405, "Method Not Allowed" },
        { 408, "Request Timeout" },
        { 409, "Conflict" },
        { 410, "Gone" },
        { 411, "Length Required" },
        { 413, "Content Too Large" },
        { 414, "URI Too Long" },
        { 415, "Unsupported Media Type" },
        { 422, "Unprocessable Content" },
        { 423, "Locked" },
        { 429, "Too Many Requests" },
        { 431, "Request Header Fields Too Large" },
        { 500, "Internal Server Error" },
        { 501, "Not Implemented" },
        { 502, "Bad Gateway" },
        { 503, "Service Unavailable" },
        { 504, "Gateway Timeout" },
        { 505, "HTTP Version Not Supported" },
    };
    for (size_t i = 0; i < COUNT(reasons); i++)
        if (reasons[i].status == status)
            return reasons[i].reason;
    return "Unknown";
}
