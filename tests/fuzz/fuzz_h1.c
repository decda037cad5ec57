/* Fuzzes HTTP/1.1 framing (src/http/h1.c), the first code to read a client's bytes. The
 * input is a request as sent: its head is parsed whole and also at every length before the
 * end (a shorter prefix must never parse to something the whole does not); what follows the
 * head is decoded as a chunked body twice, in pieces whose size the first byte sets and in
 * one piece, and the target is percent-decoded. Checked: the head's fields and target lie
 * inside the input, the counts hold, a refusal carries a 4xx or 5xx with a code and detail;
 * the chunked decoder gives the same bytes and the same end however the body is cut, never
 * uses more than it is given, and never outputs more than it used. */
#include <string.h>

#include "fuzz.h"
#include "http/h1.h"

#define PREFIX_TRIES 64

static bool inside(const char *p, size_t n, const char *buf, size_t len)
{
    return p >= buf && p + n <= buf + len;
}

static void check_head(const char *buf, size_t len, const h1_head *h)
{
    fuzz_check(h->head_len <= len, "head longer than the input");
    fuzz_check(inside(h->method, h->method_len, buf, h->head_len), "method outside the head");
    fuzz_check(inside(h->target, h->target_len, buf, h->head_len), "target outside the head");
    fuzz_check(h->minor == 0 || h->minor == 1, "version");
    fuzz_check(h->nfields <= H1_FIELDS_MAX && h->nfields <= h->nfields_all, "field counts");
    for (size_t i = 0; i < h->nfields; i++) {
        const h1_field *f = &h->fields[i];
        fuzz_check(inside(f->name, f->name_len, buf, h->head_len), "name outside the head");
        fuzz_check(inside(f->value, f->value_len, buf, h->head_len), "value outside the head");
    }
    fuzz_check(!(h->chunked && h->has_length), "both framings accepted");
}

/* Decodes body[0..n) as chunked in pieces of piece bytes into out. */
static h1_status decode(const char *body, size_t n, size_t piece, char *out, size_t *out_len,
                        size_t *used_all)
{
    h1_chunked ck;
    memset(&ck, 0, sizeof(ck));
    char *buf = malloc(piece ? piece : 1);
    if (buf == NULL)
        return H1_BAD;
    *out_len = 0;
    *used_all = 0;
    h1_status st = H1_MORE;
    for (size_t off = 0; off < n && st == H1_MORE; off += piece) {
        size_t k = n - off < piece ? n - off : piece;
        memcpy(buf, body + off, k);
        size_t used, got;
        h1_error e;
        st = h1_chunked_decode(&ck, buf, k, &used, &got, &e);
        fuzz_check(used <= k && got <= used, "decoder used more than it was given");
        if (st == H1_BAD)
            fuzz_check(e.status == 400, "chunked refusal status");
        memcpy(out + *out_len, buf, got);
        *out_len += got;
        *used_all += used;
        if (st == H1_MORE)
            fuzz_check(used == k, "decoder stopped early");
    }
    free(buf);
    return st;
}

static void chunked(const char *body, size_t n, size_t piece)
{
    char *a = malloc(n + 1), *b = malloc(n + 1);
    if (a != NULL && b != NULL) {
        size_t alen, blen, aused, bused;
        h1_status sa = decode(body, n, piece, a, &alen, &aused);
        h1_status sb = decode(body, n, n ? n : 1, b, &blen, &bused);
        fuzz_check(sa == sb, "the end depends on how the body is cut");
        if (sa != H1_BAD) {
            fuzz_check(alen == blen && memcmp(a, b, alen) == 0, "decoded bytes depend on the cut");
            fuzz_check(aused == bused, "bytes used depend on the cut");
        }
    }
    free(a);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t piece = 1 + fuzz_take_byte(&data, &size) % 64;
    const char *buf = (const char *)data;
    h1_head *h = malloc(sizeof(*h));
    if (h == NULL)
        return 0;
    h1_error err = { 0 };
    h1_status st = h1_parse_head(buf, size, h, &err);
    if (st == H1_BAD) {
        fuzz_check(err.status >= 400 && err.status <= 505 && err.code && err.detail, "refusal");
    } else if (st == H1_DONE) {
        check_head(buf, size, h);
        size_t head_len = h->head_len;
        /* A prefix of the head is incomplete, never complete or refused differently. */
        size_t step = head_len / PREFIX_TRIES + 1;
        for (size_t n = 0; n < head_len; n += step) {
            h1_error e2;
            h1_status p = h1_parse_head(buf, n, h, &e2);
            fuzz_check(p == H1_MORE || p == H1_BAD, "a prefix parsed as a whole head");
        }
        char *target = malloc(size + 1);
        if (target != NULL) {
            h1_parse_head(buf, size, h, &err);
            memcpy(target, h->target, h->target_len);
            size_t n = h1_unescape(target, h->target_len, true);
            fuzz_check(n <= h->target_len, "decoding grew the target");
            (void)h1_path_encodes_ctl(h->target, h->target_len);
            free(target);
        }
        chunked(buf + head_len, size - head_len, piece);
    } else {
        chunked(buf, size, piece);
    }
    free(h);
    return 0;
}
