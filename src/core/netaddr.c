#include "core/netaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

static const unsigned char v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int ia_ip_parse(const char *s, ia_ip *out)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (s == NULL || strlen(s) > 45)
        return IA_ERR_INVALID;
    if (inet_pton(AF_INET, s, &a4) == 1) {
        memcpy(out->addr, v4_prefix, 12);
        memcpy(out->addr + 12, &a4, 4);
        return IA_OK;
    }
    if (inet_pton(AF_INET6, s, &a6) == 1) {
        memcpy(out->addr, &a6, 16);
        return IA_OK;
    }
    return IA_ERR_INVALID;
}

int ia_cidr_parse(const char *s, ia_cidr *out)
{
    char host[64];
    const char *slash = strchr(s, '/');
    size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
    if (hlen == 0 || hlen >= sizeof(host))
        return IA_ERR_INVALID;
    memcpy(host, s, hlen);
    host[hlen] = '\0';
    if (ia_ip_parse(host, &out->net) != IA_OK)
        return IA_ERR_INVALID;
    bool v4 = strchr(host, ':') == NULL;
    int maxp = v4 ? 32 : 128;
    int prefix = maxp;
    if (slash != NULL) {
        const char *p = slash + 1;
        if (*p == '\0' || strlen(p) > 3)
            return IA_ERR_INVALID;
        prefix = 0;
        for (; *p; p++) {
            if (*p < '0' || *p > '9')
                return IA_ERR_INVALID;
            prefix = prefix * 10 + (*p - '0');
        }
        if (prefix > maxp)
            return IA_ERR_INVALID;
    }
    out->prefix = v4 ? prefix + 96 : prefix;
    /* Clear host bits so that containment is a masked compare. */
    for (int bit = out->prefix; bit < 128; bit++)
        out->net.addr[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
    return IA_OK;
}

bool ia_cidr_contains(const ia_cidr *c, const ia_ip *ip)
{
    int full = c->prefix / 8;
    if (memcmp(c->net.addr, ip->addr, (size_t)full) != 0)
        return false;
    int rem = c->prefix % 8;
    if (rem == 0)
        return true;
    unsigned char mask = (unsigned char)(0xffu << (8 - rem));
    return (c->net.addr[full] & mask) == (ip->addr[full] & mask);
}

void ia_ip_format(const ia_ip *ip, char *out, size_t outlen)
{
    if (memcmp(ip->addr, v4_prefix, 12) == 0) {
        if (inet_ntop(AF_INET, ip->addr + 12, out, (socklen_t)outlen) == NULL && outlen > 0)
            out[0] = '\0';
    } else if (inet_ntop(AF_INET6, ip->addr, out, (socklen_t)outlen) == NULL && outlen > 0) {
        out[0] = '\0';
    }
}

bool ia_cidr_list_contains(const ia_cidr *ranges, size_t n, const ia_ip *ip)
{
    for (size_t i = 0; i < n; i++)
        if (ia_cidr_contains(&ranges[i], ip))
            return true;
    return false;
}

ia_ip ia_forwarded_client(const ia_cidr *trusted, size_t ntrusted, const ia_ip *peer,
                          const char *xff)
{
    ia_ip chosen = *peer;
    if (xff == NULL || ntrusted == 0 || !ia_cidr_list_contains(trusted, ntrusted, peer))
        return chosen;
    size_t end = strlen(xff);
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        size_t b = start, e = end;
        while (b < e && (xff[b] == ' ' || xff[b] == '\t'))
            b++;
        while (e > b && (xff[e - 1] == ' ' || xff[e - 1] == '\t'))
            e--;
        char item[64];
        ia_ip ip;
        if (e - b == 0 || e - b >= sizeof(item))
            break;
        memcpy(item, xff + b, e - b);
        item[e - b] = '\0';
        if (ia_ip_parse(item, &ip) != IA_OK)
            break; /* garbage from the client side: trust nothing further left */
        chosen = ip;
        if (!ia_cidr_list_contains(trusted, ntrusted, &ip))
            break;
        end = start > 0 ? start - 1 : 0;
    }
    return chosen;
}
