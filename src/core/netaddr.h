/* IPv4/IPv6 addresses and CIDR ranges, for TRUSTED_PROXIES and client-IP resolution.
 * IPv4 addresses are held as IPv4-mapped IPv6 so that one comparison serves both. */
#ifndef IA_CORE_NETADDR_H
#define IA_CORE_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    unsigned char addr[16];
} ia_ip;

typedef struct {
    ia_ip net;
    int prefix; /* 0..128 on the mapped form */
} ia_cidr;

/* Parses a literal IPv4 or IPv6 address (no brackets, no port, no zone). IA_OK or
 * IA_ERR_INVALID. */
int ia_ip_parse(const char *s, ia_ip *out);

/* Parses "addr" or "addr/prefix"; a bare address is a single-host range. */
int ia_cidr_parse(const char *s, ia_cidr *out);

bool ia_cidr_contains(const ia_cidr *c, const ia_ip *ip);

/* Renders ip in its canonical text form (IPv4 dotted for mapped addresses). */
void ia_ip_format(const ia_ip *ip, char *out, size_t outlen);

/* True when ip lies in one of the n ranges. */
bool ia_cidr_list_contains(const ia_cidr *ranges, size_t n, const ia_ip *ip);

/* The client address of a request whose socket peer is peer and whose X-Forwarded-For list
 * (comma-separated, every header joined; NULL when absent) is xff: the peer itself unless it
 * is one of the trusted ranges; otherwise the list is read from the right, and the first
 * address that is not trusted is the client. An empty, over-long or unreadable item stops the
 * walk (what stands left of it is the client side's word), leaving the last address read. */
ia_ip ia_forwarded_client(const ia_cidr *trusted, size_t ntrusted, const ia_ip *peer,
                          const char *xff);

#endif
