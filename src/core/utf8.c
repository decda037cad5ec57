#include "core/utf8.h"

#include <string.h>

size_t ia_utf8_sequence(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xC2 && s[0] <= 0xDF   ? 2
                 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
                 : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                                : 0;
    if (len > n)
        return 0;
    for (size_t k = 1; k < len; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    /* The second byte's range: no overlong forms (E0, F0), no surrogates (ED), nothing past
     * U+10FFFF (F4). */
    if (len > 0 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
                    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0;
    return len;
}

size_t ia_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = ia_utf8_sequence(s, n);
    static const unsigned char lead_mask[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
    if (len == 0) {
        *cp = 0xFFFD;
        return 0;
    }
    uint32_t v = s[0] & lead_mask[len];
    for (size_t k = 1; k < len; k++)
        v = (v << 6) | (s[k] & 0x3Fu);
    *cp = v;
    return len;
}

size_t ia_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return 0;
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF)
        return 0;
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t ia_utf8_scrub(char *s)
{
    size_t replaced = 0, left = strlen(s);
    unsigned char *p = (unsigned char *)s;
    while (left > 0) {
        size_t k = ia_utf8_sequence(p, left);
        if (k == 0) {
            *p = '?';
            k = 1;
            replaced++;
        }
        p += k;
        left -= k;
    }
    return replaced;
}

bool ia_utf8_is_bidi_control(const unsigned char *s, size_t len)
{
    /* U+202A-U+202E are E2 80 AA-AE; U+2066-U+2069 are E2 81 A6-A9. */
    return len == 3 && s[0] == 0xE2 &&
           ((s[1] == 0x80 && s[2] >= 0xAA && s[2] <= 0xAE) ||
            (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9));
}

size_t ia_utf8_prefix_bytes(const char *s, size_t n)
{
    size_t b = 0;
    while (s[b] && n > 0) {
        b++;
        while (((unsigned char)s[b] & 0xC0) == 0x80)
            b++;
        n--;
    }
    return b;
}

long long ia_utf8_length(const char *s)
{
    long long n = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left > 0) {
        size_t len = ia_utf8_sequence(p, left);
        if (len == 0)
            return -1;
        p += len;
        left -= len;
        n++;
    }
    return n;
}
