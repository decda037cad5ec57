#include "core/scrub.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

/* True for the bytes that end a word: white space, control characters, quotes, brackets and
 * the list separators. Bytes from 0x80 up belong to words (non-ASCII letters). */
static bool ends_word(unsigned char c)
{
    return c <= ' ' || c == 0x7f || strchr("\"<>()[]{},;", c) != NULL;
}

/* True when the word s[0..n) holds an '@' or "%40" with a byte of the word on each side. */
static bool holds_address(const char *s, size_t n)
{
    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] == '@')
            return true;
        if (s[i] == '%' && i + 3 < n && strncasecmp(s + i, "%40", 3) == 0)
            return true;
    }
    return false;
}

/* The copy behind ia_scrub_text and ia_clean_text; emails says whether addresses go. */
static size_t copy_text(const char *text, char *out, size_t outlen, bool emails)
{
    if (outlen == 0)
        return 0;
    size_t o = 0;
    const char *p = text ? text : "";
    size_t left = strlen(p);
    while (left > 0) {
        size_t wlen = 0;
        while (wlen < left && !ends_word((unsigned char)p[wlen]))
            wlen++;
        if (emails && wlen > 0 && holds_address(p, wlen)) {
            size_t r = sizeof(IA_SCRUB_EMAIL) - 1;
            if (o + r >= outlen)
                break;
            memcpy(out + o, IA_SCRUB_EMAIL, r);
            o += r;
            p += wlen;
            left -= wlen;
            continue;
        }
        /* The word (or, when wlen is 0, the one byte that ends it), character by character. */
        size_t take = wlen > 0 ? wlen : 1;
        bool full = false;
        while (take > 0) {
            size_t k = ia_utf8_sequence((const unsigned char *)p, left);
            if (k == 0 || k > take)
                k = 0;
            size_t w = k > 0 ? k : 1;
            if (o + w >= outlen) {
                full = true;
                break;
            }
            if (k > 0)
                memcpy(out + o, p, k);
            else
                out[o] = '?';
            o += w;
            p += w;
            left -= w;
            take -= w;
        }
        if (full)
            break;
    }
    out[o] = '\0';
    return o;
}

size_t ia_scrub_text(const char *text, char *out, size_t outlen)
{
    return copy_text(text, out, outlen, true);
}

size_t ia_clean_text(const char *text, char *out, size_t outlen)
{
    return copy_text(text, out, outlen, false);
}
