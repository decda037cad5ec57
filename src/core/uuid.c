#include "core/uuid.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void uuid_render(const unsigned char b[16], char out[IA_UUID_LEN])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

void ia_uuid_v4(char out[IA_UUID_LEN])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    uuid_render(b, out);
}

void ia_uuid_v7(int64_t now_ms, char out[IA_UUID_LEN])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    uint64_t ms = (uint64_t)now_ms;
    for (int i = 0; i < 6; i++)
        b[i] = (unsigned char)(ms >> (40 - 8 * i));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x70);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    uuid_render(b, out);
}

bool ia_uuid_valid(const char *s)
{
    if (s == NULL || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

void ia_random_hex(char *out, size_t n)
{
    unsigned char buf[64];
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    while (n > 0) {
        size_t chunk = n < sizeof(buf) ? n : sizeof(buf);
        randombytes_buf(buf, chunk);
        for (size_t i = 0; i < chunk; i++) {
            out[o++] = hex[buf[i] >> 4];
            out[o++] = hex[buf[i] & 15];
        }
        n -= chunk;
    }
    out[o] = '\0';
    sodium_memzero(buf, sizeof(buf));
}
