/* Fuzzes address parsing (src/core/netaddr.c): IP literals and CIDR ranges (TRUSTED_PROXIES)
 * and the client address resolved from an X-Forwarded-For list. The first line of the input
 * is parsed as an address and as a range; the rest is an X-Forwarded-For value resolved for a
 * request from a trusted proxy. Checked: a parsed address formats to text that parses back to
 * the same address, a range contains its own network address, and the resolved client is the
 * peer or an address that the list names. */
#include <string.h>

#include "core/errors.h"
#include "core/netaddr.h"
#include "fuzz.h"

static void address(const char *s)
{
    ia_ip ip;
    if (ia_ip_parse(s, &ip) != IA_OK)
        return;
    char text[64];
    ia_ip_format(&ip, text, sizeof(text));
    ia_ip back;
    fuzz_check(ia_ip_parse(text, &back) == IA_OK, "a formatted address parses");
    fuzz_check(memcmp(ip.addr, back.addr, sizeof(ip.addr)) == 0, "format and parse agree");
}

static void range(const char *s)
{
    ia_cidr c;
    if (ia_cidr_parse(s, &c) != IA_OK)
        return;
    fuzz_check(c.prefix >= 0 && c.prefix <= 128, "a prefix is 0..128");
    fuzz_check(ia_cidr_contains(&c, &c.net), "a range contains its network");
}

static void forwarded(const char *first, const char *xff)
{
    ia_cidr trusted[3];
    size_t n = 0;
    if (ia_cidr_parse("10.0.0.0/8", &trusted[n]) == IA_OK)
        n++;
    if (ia_cidr_parse("::1", &trusted[n]) == IA_OK)
        n++;
    if (ia_cidr_parse(first, &trusted[n]) == IA_OK)
        n++;
    ia_ip peer;
    fuzz_check(ia_ip_parse("10.1.2.3", &peer) == IA_OK, "the peer");
    ia_ip got = ia_forwarded_client(trusted, n, &peer, xff);
    if (memcmp(got.addr, peer.addr, sizeof(got.addr)) == 0)
        return;
    /* Anything but the peer must be one of the list's items. */
    char text[64];
    ia_ip_format(&got, text, sizeof(text));
    fuzz_check(text[0] != '\0', "the client formats");
    bool named = false;
    const char *p = xff;
    while (!named && *p) {
        size_t len = strcspn(p, ",");
        char item[64];
        size_t b = 0, e = len;
        while (b < e && (p[b] == ' ' || p[b] == '\t'))
            b++;
        while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'))
            e--;
        ia_ip ip;
        if (e - b < sizeof(item)) {
            memcpy(item, p + b, e - b);
            item[e - b] = '\0';
            named = ia_ip_parse(item, &ip) == IA_OK && memcmp(ip.addr, got.addr, 16) == 0;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    fuzz_check(named, "the client is the peer or in the list");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *first, *rest;
    if (fuzz_split_line(data, size, &first, &rest) != 0)
        return 0;
    address(first);
    range(first);
    forwarded(first, rest);
    free(first);
    free(rest);
    return 0;
}
