// SPDX-License-Identifier: GPL-2.0-or-later
/* The frames of up's IPv6 gateway probe: the solicitation byte by byte (RFC 4861 section
 * 4.3, its checksum by RFC 4443's pseudo-header), and which advertisements answer it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ndp.h"

#include <arpa/inet.h>
#include <string.h>

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* The ones' complement sum over the pseudo-header and the message: 0xffff when valid. */
static uint16_t verify_sum(const uint8_t *ip)
{
	uint32_t sum = 0;
	size_t len = (size_t)(ip[4] << 8 | ip[5]);

	for (size_t i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += (uint32_t)len + 58;
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)(ip[40 + i] << 8 | ip[40 + i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void solicitation(void **unused)
{
	struct in6_addr src = ip6("2001:db8:100::10"), gw = ip6("fe80::1:2:3");
	struct in6_addr group = ip6("ff02::1:ff02:3");
	uint8_t f[HN_VERIFY_NDP_LEN];
	const uint8_t *ip = f + 14, *icmp = f + 54;

	assert_int_equal(hn_verify_ndp_solicit(f, mac, &src, &gw), 86);
	assert_memory_equal(f, ((uint8_t[]){0x33, 0x33, 0xff, 0x02, 0x00, 0x03}), 6);
	assert_memory_equal(f + 6, mac, 6);
	assert_int_equal(f[12] << 8 | f[13], 0x86dd);
	assert_int_equal(ip[0], 0x60);
	assert_int_equal(ip[4] << 8 | ip[5], 32);
	assert_int_equal(ip[6], 58);
	assert_int_equal(ip[7], 255);
	assert_memory_equal(ip + 8, &src, 16);
	assert_memory_equal(ip + 24, &group, 16);
	assert_int_equal(icmp[0], 135);
	assert_int_equal(icmp[1], 0);
	assert_memory_equal(icmp + 8, &gw, 16);
	assert_memory_equal(icmp + 24, ((uint8_t[]){1, 1}), 2); /* source link-layer address */
	assert_memory_equal(icmp + 26, mac, 6);
	assert_int_equal(verify_sum(ip), 0xffff);
}

/* What the gateway sends back: to our MAC, from its own, target itself. */
static size_t advert(uint8_t *f, const struct in6_addr *target, const uint8_t *to)
{
	memset(f, 0, 86);
	memcpy(f, to, 6);
	memcpy(f + 6, ((uint8_t[]){0x02, 0, 0, 0, 0, 1}), 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	f[14] = 0x60;
	f[19] = 32;
	f[20] = 58;
	f[21] = 255;
	f[54] = 136;
	f[58] = 0x60; /* solicited, override */
	memcpy(f + 62, target, 16);
	return 86;
}

static void advertisement(void **unused)
{
	static const uint8_t other[6] = {0x52, 0x54, 0, 0, 0, 9};
	struct in6_addr gw = ip6("fe80::1"), not_gw = ip6("fe80::2");
	uint8_t f[86];
	size_t n;

	n = advert(f, &gw, mac);
	assert_true(hn_verify_ndp_advertises(f, n, &gw, mac));
	assert_false(hn_verify_ndp_advertises(f, n, &not_gw, mac)); /* another neighbor */
	assert_false(hn_verify_ndp_advertises(f, 60, &gw, mac));    /* cut short */
	n = advert(f, &gw, other);
	assert_false(hn_verify_ndp_advertises(f, n, &gw, mac)); /* to someone else */
	n = advert(f, &gw, mac);
	f[21] = 64; /* routed from afar: RFC 4861 says drop */
	assert_false(hn_verify_ndp_advertises(f, n, &gw, mac));
	f[21] = 255;
	f[54] = 135; /* a solicitation, not an answer */
	assert_false(hn_verify_ndp_advertises(f, n, &gw, mac));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(solicitation),
	    cmocka_unit_test(advertisement),
	};

	return cmocka_run_group_tests_name("verify_ndp", tests, NULL, NULL);
}
