/* Unit tests for src/core/netaddr.c: IPv4 and IPv6 literals, IPv4-mapped comparisons, CIDR
 * containment at the edges (/0, /8, /32, /64, /128) and the inputs that must be refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "core/errors.h"
#include "core/netaddr.h"
#include "core/util.h"

/* Parses an address that must be valid. */
static ia_ip ip(const char *s)
{
    ia_ip out;
    if (ia_ip_parse(s, &out) != IA_OK)
        fail_msg("address \"%s\" refused", s);
    return out;
}

/* Parses a range that must be valid. */
static ia_cidr cidr(const char *s)
{
    ia_cidr out;
    if (ia_cidr_parse(s, &out) != IA_OK)
        fail_msg("range \"%s\" refused", s);
    return out;
}

/* An address and whether a range under test should contain it. */
typedef struct {
    const char *addr;
    bool inside;
} probe;

/* Fails unless range contains exactly the probes marked inside. */
static void check_range(const char *range, const probe *probes, size_t n)
{
    ia_cidr c = cidr(range);
    for (size_t i = 0; i < n; i++) {
        ia_ip a = ip(probes[i].addr);
        bool got = ia_cidr_contains(&c, &a);
        if (got != probes[i].inside)
            fail_msg("%s %s %s", range, got ? "contains" : "does not contain", probes[i].addr);
    }
}

static void format_of(const char *s, char *out, size_t outlen)
{
    ia_ip a = ip(s);
    ia_ip_format(&a, out, outlen);
}

/* ---- addresses ------------------------------------------------------------------------------ */

static void test_ipv4_is_held_as_ipv4_mapped_ipv6(void **state)
{
    (void)state;
    static const unsigned char want[16] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1
    };
    ia_ip a = ip("192.0.2.1");
    assert_memory_equal(a.addr, want, 16);
    ia_ip m = ip("::ffff:192.0.2.1");
    assert_memory_equal(m.addr, want, 16);
    ia_ip h = ip("::FFFF:c000:0201");
    assert_memory_equal(h.addr, want, 16);
}

static void test_ipv6_literals_parse_in_any_spelling(void **state)
{
    (void)state;
    ia_ip a = ip("2001:db8::1");
    ia_ip b = ip("2001:0DB8:0000:0000:0000:0000:0000:0001");
    assert_memory_equal(a.addr, b.addr, 16);
    static const unsigned char loop[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    ia_ip l = ip("::1");
    assert_memory_equal(l.addr, loop, 16);
    ia_ip any = ip("::");
    static const unsigned char zero[16] = { 0 };
    assert_memory_equal(any.addr, zero, 16);
}

static void test_addresses_format_canonically(void **state)
{
    (void)state;
    char out[64];
    format_of("192.0.2.1", out, sizeof(out));
    assert_string_equal(out, "192.0.2.1");
    format_of("::ffff:192.0.2.1", out, sizeof(out));
    assert_string_equal(out, "192.0.2.1");
    format_of("2001:0DB8:0:0:0:0:0:1", out, sizeof(out));
    assert_string_equal(out, "2001:db8::1");
    format_of("::1", out, sizeof(out));
    assert_string_equal(out, "::1");
}

static void test_invalid_addresses_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "abc",
        "300.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.4 ",
        " 1.2.3.4",
        "1.2.3.-4",
        "::1::",
        "[::1]",
        "fe80::1%eth0",
        "1.2.3.4:80",
        "1.2.3.4/8",
        "2001:db8::g",
        "12345::",
        "localhost",
        "0000:0000:0000:0000:0000:0000:0000:0000:0000",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        ia_ip a;
        if (ia_ip_parse(bad[i], &a) != IA_ERR_INVALID)
            fail_msg("address \"%s\" accepted", bad[i]);
    }
    ia_ip a;
    assert_int_equal(ia_ip_parse(NULL, &a), IA_ERR_INVALID);
}

/* ---- ranges --------------------------------------------------------------------------------- */

static void test_bare_address_is_a_single_host_range(void **state)
{
    (void)state;
    static const probe v4[] = {
        { "192.0.2.1", true },  { "::ffff:192.0.2.1", true },
        { "192.0.2.2", false }, { "192.0.2.0", false },
        { "::1", false },
    };
    check_range("192.0.2.1", v4, COUNT(v4));
    static const probe v6[] = {
        { "::1", true },
        { "::2", false },
        { "0.0.0.1", false },
        { "127.0.0.1", false },
    };
    check_range("::1", v6, COUNT(v6));
    assert_int_equal(cidr("192.0.2.1").prefix, 128);
    assert_int_equal(cidr("::1").prefix, 128);
}

static void test_ipv4_slash_32_contains_only_that_address(void **state)
{
    (void)state;
    static const probe p[] = {
        { "10.1.2.3", true },
        { "::ffff:10.1.2.3", true },
        { "10.1.2.2", false },
        { "10.1.2.4", false },
    };
    check_range("10.1.2.3/32", p, COUNT(p));
}

static void test_ipv4_slash_8_contains_its_network_only(void **state)
{
    (void)state;
    static const probe p[] = {
        { "10.0.0.0", true },        { "10.255.255.255", true }, { "10.1.2.3", true },
        { "::ffff:10.9.9.9", true }, { "9.255.255.255", false }, { "11.0.0.0", false },
        { "::a01:203", false }, /* the same 32 bits, not IPv4-mapped */
    };
    check_range("10.0.0.0/8", p, COUNT(p));
    /* Host bits in the range are ignored. */
    check_range("10.99.1.1/8", p, COUNT(p));
}

static void test_ipv4_slash_0_contains_every_ipv4_and_no_ipv6_address(void **state)
{
    (void)state;
    static const probe p[] = {
        { "0.0.0.0", true }, { "255.255.255.255", true }, { "192.0.2.1", true },
        { "::1", false },    { "2001:db8::1", false },    { "::", false },
    };
    check_range("0.0.0.0/0", p, COUNT(p));
    assert_int_equal(cidr("0.0.0.0/0").prefix, 96);
}

static void test_ipv6_slash_0_contains_everything(void **state)
{
    (void)state;
    static const probe p[] = {
        { "::", true },          { "::1", true },
        { "2001:db8::1", true }, { "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true },
        { "192.0.2.1", true },
    };
    check_range("::/0", p, COUNT(p));
}

static void test_ipv6_slash_64_contains_its_prefix_only(void **state)
{
    (void)state;
    static const probe p[] = {
        { "2001:db8:1:2::", true },
        { "2001:db8:1:2::1", true },
        { "2001:db8:1:2:ffff:ffff:ffff:ffff", true },
        { "2001:db8:1:3::", false },
        { "2001:db8:1:1:ffff:ffff:ffff:ffff", false },
        { "2001:db9:1:2::1", false },
        { "10.0.0.1", false },
    };
    check_range("2001:db8:1:2::/64", p, COUNT(p));
    check_range("2001:db8:1:2:aaaa:bbbb:cccc:dddd/64", p, COUNT(p));
}

static void test_ipv6_slash_128_and_odd_prefixes(void **state)
{
    (void)state;
    static const probe p128[] = {
        { "2001:db8::1", true },
        { "2001:db8::0", false },
        { "2001:db8::2", false },
    };
    check_range("2001:db8::1/128", p128, COUNT(p128));
    /* A prefix that ends inside a byte. */
    static const probe p12[] = {
        { "172.16.0.0", true },
        { "172.31.255.255", true },
        { "172.15.255.255", false },
        { "172.32.0.0", false },
    };
    check_range("172.16.0.0/12", p12, COUNT(p12));
    static const probe p31[] = {
        { "192.0.2.0", true },
        { "192.0.2.1", true },
        { "192.0.2.2", false },
    };
    check_range("192.0.2.1/31", p31, COUNT(p31));
}

static void test_mapped_ipv6_ranges_cover_ipv4_addresses(void **state)
{
    (void)state;
    static const probe p[] = {
        { "10.1.2.3", true },
        { "11.0.0.0", false },
    };
    check_range("::ffff:10.0.0.0/104", p, COUNT(p));
}

static void test_invalid_ranges_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",           "abc",        "300.1.1.1",  "300.1.1.1/8",  "1.2.3.4/33", "1.2.3.4/",
        "1.2.3.4/-1", "1.2.3.4/8a", "1.2.3.4/ 8", "1.2.3.4/1000", "::1/129",    "::/",
        "/8",         "1.2.3.4//8", "::1/12/8",   "1.2.3.4/0x8",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        ia_cidr c;
        if (ia_cidr_parse(bad[i], &c) != IA_ERR_INVALID)
            fail_msg("range \"%s\" accepted", bad[i]);
    }
}

static void test_prefix_bounds_are_accepted(void **state)
{
    (void)state;
    assert_int_equal(cidr("1.2.3.4/32").prefix, 128);
    assert_int_equal(cidr("1.2.3.4/0").prefix, 96);
    assert_int_equal(cidr("::1/128").prefix, 128);
    assert_int_equal(cidr("::1/0").prefix, 0);
    assert_int_equal(cidr("2001:db8::/64").prefix, 64);
}

/* The client address behind proxies: xff is resolved against the trusted ranges 10.0.0.0/8
 * and ::1 for a request from peer; the result must be want. */
static void check_client(const char *peer, const char *xff, const char *want)
{
    const ia_cidr trusted[] = { cidr("10.0.0.0/8"), cidr("::1") };
    ia_ip p = ip(peer);
    ia_ip got = ia_forwarded_client(trusted, 2, &p, xff);
    char text[64];
    ia_ip_format(&got, text, sizeof(text));
    if (strcmp(text, want) != 0)
        fail_msg("peer %s, X-Forwarded-For \"%s\": client %s, want %s", peer, xff ? xff : "(none)",
                 text, want);
}

static void test_forwarded_for_is_read_from_the_right_past_trusted_proxies(void **state)
{
    (void)state;
    check_client("10.0.0.1", "203.0.113.7", "203.0.113.7");
    check_client("10.0.0.1", "198.51.100.1, 203.0.113.7, 10.2.3.4", "203.0.113.7");
    check_client("::1", "\t2001:db8::5 ,10.9.9.9", "2001:db8::5");
    /* every hop trusted: the leftmost address */
    check_client("10.0.0.1", "10.1.1.1,10.2.2.2", "10.1.1.1");
}

static void test_forwarded_for_is_ignored_from_untrusted_peers(void **state)
{
    (void)state;
    check_client("203.0.113.9", "198.51.100.1", "203.0.113.9");
    check_client("10.0.0.1", NULL, "10.0.0.1");
    const ia_cidr none[1] = { cidr("10.0.0.0/8") };
    ia_ip p = ip("10.0.0.1");
    ia_ip got = ia_forwarded_client(none, 0, &p, "198.51.100.1");
    assert_memory_equal(got.addr, p.addr, sizeof(p.addr));
}

static void test_forwarded_for_stops_at_garbage(void **state)
{
    (void)state;
    check_client("10.0.0.1", "198.51.100.1, junk, 10.2.3.4", "10.2.3.4");
    check_client("10.0.0.1", "198.51.100.1,,10.2.3.4", "10.2.3.4");
    check_client("10.0.0.1", "198.51.100.1,", "10.0.0.1");
    check_client("10.0.0.1", "", "10.0.0.1");
    check_client("10.0.0.1", ",,,", "10.0.0.1");
    check_client("10.0.0.1",
                 "198.51.100.1,0000000000000000000000000000000000000000000000000000000000000001",
                 "10.0.0.1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_is_held_as_ipv4_mapped_ipv6),
        cmocka_unit_test(test_ipv6_literals_parse_in_any_spelling),
        cmocka_unit_test(test_addresses_format_canonically),
        cmocka_unit_test(test_invalid_addresses_are_refused),
        cmocka_unit_test(test_bare_address_is_a_single_host_range),
        cmocka_unit_test(test_ipv4_slash_32_contains_only_that_address),
        cmocka_unit_test(test_ipv4_slash_8_contains_its_network_only),
        cmocka_unit_test(test_ipv4_slash_0_contains_every_ipv4_and_no_ipv6_address),
        cmocka_unit_test(test_ipv6_slash_0_contains_everything),
        cmocka_unit_test(test_ipv6_slash_64_contains_its_prefix_only),
        cmocka_unit_test(test_ipv6_slash_128_and_odd_prefixes),
        cmocka_unit_test(test_mapped_ipv6_ranges_cover_ipv4_addresses),
        cmocka_unit_test(test_invalid_ranges_are_refused),
        cmocka_unit_test(test_prefix_bounds_are_accepted),
        cmocka_unit_test(test_forwarded_for_is_read_from_the_right_past_trusted_proxies),
        cmocka_unit_test(test_forwarded_for_is_ignored_from_untrusted_peers),
        cmocka_unit_test(test_forwarded_for_stops_at_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
