// SPDX-License-Identifier: GPL-2.0-or-later
/* The frames verify puts on the wire and reads back, byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frame.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

static const uint8_t mac_a[6] = {0x02, 0x11, 0x22, 0x33, 0x00, 0x01};
static const uint8_t mac_b[6] = {0x02, 0x11, 0x22, 0x33, 0x00, 0x02};

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void checksum_matches_rfc1071_example(void **unused)
{
	/* RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's complement). */
	const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

	assert_int_equal(hn_verify_inet_csum(data, sizeof(data)), (uint16_t)~0xddf2);
	/* An odd length pads with a zero byte. */
	const uint8_t odd[] = {0x01};

	assert_int_equal(hn_verify_inet_csum(odd, 1), (uint16_t)~0x0100);
}

static void probe_frame_round_trips_untagged(void **unused)
{
	struct hn_verify_probe_msg in = {.nonce = 0x0123456789abcdefULL,
					 .emission = 7,
					 .sender = 3,
					 .vlan = 10,
					 .round = 2},
				   out;
	uint8_t buf[HN_VERIFY_FRAME_MAX];
	struct hn_verify_eth e;
	size_t len = hn_verify_frame_probe(buf, mac_a, 0, &in);

	assert_int_equal(len, HN_VERIFY_FRAME_MIN);
	/* Broadcast, our MAC, the experimental EtherType. */
	assert_memory_equal(buf, hn_verify_mac_broadcast, 6);
	assert_memory_equal(buf + 6, mac_a, 6);
	assert_int_equal(buf[12], 0x88);
	assert_int_equal(buf[13], 0xb5);
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_false(e.tagged);
	assert_int_equal(e.type, HN_VERIFY_PROBE_ETHERTYPE);
	assert_int_equal(hn_verify_frame_parse_probe(&e, &out), 0);
	assert_true(out.nonce == in.nonce);
	assert_int_equal(out.emission, 7);
	assert_int_equal(out.sender, 3);
	assert_int_equal(out.vlan, 10);
	assert_int_equal(out.round, 2);
}

static void probe_frame_carries_an_inline_tag(void **unused)
{
	struct hn_verify_probe_msg in = {.nonce = 42, .emission = 1, .sender = 30, .vlan = 250},
				   out;
	uint8_t buf[HN_VERIFY_FRAME_MAX];
	struct hn_verify_eth e;
	size_t len = hn_verify_frame_probe(buf, mac_b, 250, &in);

	assert_int_equal(len, HN_VERIFY_FRAME_MIN);
	assert_int_equal(buf[12], 0x81);
	assert_int_equal(buf[13], 0x00);
	assert_int_equal(((buf[14] << 8) | buf[15]) & 0x0fff, 250);
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_true(e.tagged);
	assert_int_equal(e.tci & 0x0fff, 250);
	assert_int_equal(e.type, HN_VERIFY_PROBE_ETHERTYPE);
	assert_int_equal(hn_verify_frame_parse_probe(&e, &out), 0);
	assert_int_equal(out.vlan, 250);
	assert_int_equal(out.sender, 30);
}

static void probe_parse_refuses_other_frames(void **unused)
{
	struct hn_verify_probe_msg in = {.nonce = 1}, out;
	uint8_t buf[HN_VERIFY_FRAME_MAX];
	struct hn_verify_eth e;
	size_t len = hn_verify_frame_probe(buf, mac_a, 0, &in);

	/* Wrong magic. */
	buf[14] ^= 0xff;
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_int_equal(hn_verify_frame_parse_probe(&e, &out), -ENOMSG);
	buf[14] ^= 0xff;
	/* Another EtherType. */
	buf[13] = 0xb6;
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_int_equal(hn_verify_frame_parse_probe(&e, &out), -ENOMSG);
	buf[13] = 0xb5;
	/* Cut short: the payload no longer holds the message. */
	assert_int_equal(hn_verify_eth_parse(buf, 14 + 20, &e), 0);
	assert_int_equal(hn_verify_frame_parse_probe(&e, &out), -ENOMSG);
	/* Not even an Ethernet header; a tag without what follows. */
	assert_int_equal(hn_verify_eth_parse(buf, 13, &e), -EINVAL);
	len = hn_verify_frame_probe(buf, mac_a, 10, &in);
	assert_int_equal(hn_verify_eth_parse(buf, 16, &e), -EINVAL);
}

static void arp_probe_has_no_sender_address(void **unused)
{
	uint8_t buf[HN_VERIFY_FRAME_MAX];
	struct hn_verify_eth e;
	struct hn_verify_arp a;
	size_t len = hn_verify_frame_arp_probe(buf, mac_a, 0, ip("10.99.1.254"));

	assert_int_equal(len, HN_VERIFY_FRAME_MIN);
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_memory_equal(e.dst, hn_verify_mac_broadcast, 6);
	assert_int_equal(e.type, 0x0806);
	assert_int_equal(hn_verify_frame_parse_arp(&e, &a), 0);
	assert_int_equal(a.op, HN_VERIFY_ARP_REQUEST);
	assert_memory_equal(a.sha, mac_a, 6);
	assert_int_equal(a.spa.s_addr, 0);
	assert_int_equal(a.tpa.s_addr, ip("10.99.1.254").s_addr);
	const uint8_t zero[6] = {0};

	assert_memory_equal(a.tha, zero, 6);
}

static void arp_request_and_reply_round_trip(void **unused)
{
	uint8_t buf[HN_VERIFY_FRAME_MAX];
	struct hn_verify_eth e;
	struct hn_verify_arp a, reply = {.op = HN_VERIFY_ARP_REPLY};
	size_t len =
	    hn_verify_frame_arp_request(buf, mac_a, 99, ip("10.99.1.254"), ip("10.99.1.250"));

	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_true(e.tagged);
	assert_int_equal(e.tci, 99);
	assert_int_equal(hn_verify_frame_parse_arp(&e, &a), 0);
	assert_int_equal(a.op, HN_VERIFY_ARP_REQUEST);
	assert_int_equal(a.spa.s_addr, ip("10.99.1.254").s_addr);

	memcpy(reply.sha, mac_b, 6);
	reply.spa = ip("10.99.1.250");
	memcpy(reply.tha, mac_a, 6);
	reply.tpa = ip("10.99.1.254");
	len = hn_verify_frame_arp(buf, mac_a, 0, &reply);
	assert_memory_equal(buf, mac_a, 6);
	assert_memory_equal(buf + 6, mac_b, 6);
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_int_equal(hn_verify_frame_parse_arp(&e, &a), 0);
	assert_int_equal(a.op, HN_VERIFY_ARP_REPLY);
	assert_memory_equal(a.sha, mac_b, 6);
	assert_memory_equal(a.tha, mac_a, 6);

	/* Not IPv4 over Ethernet: refused. */
	buf[14 + 2] = 0x86;
	assert_int_equal(hn_verify_frame_parse_arp(&e, &a), -ENOMSG);
}

static void icmp_echo_round_trips_with_valid_checksums(void **unused)
{
	struct hn_verify_icmp_echo in = {.src = ip("10.99.1.254"),
					 .dst = ip("10.99.1.250"),
					 .id = 0xbeef,
					 .seq = 3,
					 .nonce = 0xfeedfacecafef00dULL},
				   out;
	uint8_t buf[HN_VERIFY_FRAME_MAX];
	struct hn_verify_eth e;
	size_t len = hn_verify_frame_icmp_echo(buf, mac_a, mac_b, 0, &in);

	assert_int_equal(len, HN_VERIFY_FRAME_MIN);
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_int_equal(e.type, 0x0800);
	/* Both checksums verify to zero over their headers. */
	assert_int_equal(hn_verify_inet_csum(e.payload, 20), 0);
	assert_int_equal(hn_verify_inet_csum(e.payload + 20, 16), 0);
	assert_int_equal(e.payload[8], 64); /* TTL */
	assert_int_equal(hn_verify_frame_parse_icmp_echo(&e, &out), 0);
	assert_false(out.reply);
	assert_int_equal(out.id, 0xbeef);
	assert_int_equal(out.seq, 3);
	assert_true(out.nonce == in.nonce);
	assert_int_equal(out.src.s_addr, in.src.s_addr);
	assert_int_equal(out.dst.s_addr, in.dst.s_addr);

	in.reply = true;
	len = hn_verify_frame_icmp_echo(buf, mac_b, mac_a, 20, &in);
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_true(e.tagged);
	assert_int_equal(hn_verify_frame_parse_icmp_echo(&e, &out), 0);
	assert_true(out.reply);
}

static void icmp_parse_refuses_damage(void **unused)
{
	struct hn_verify_icmp_echo in = {.src = ip("10.0.0.1"),
					 .dst = ip("10.0.0.2"),
					 .id = 1,
					 .seq = 1},
				   out;
	uint8_t buf[HN_VERIFY_FRAME_MAX];
	struct hn_verify_eth e;
	size_t len = hn_verify_frame_icmp_echo(buf, mac_a, mac_b, 0, &in);

	/* A flipped bit in the ICMP data: the checksum no longer holds. */
	buf[14 + 20 + 9] ^= 1;
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_int_equal(hn_verify_frame_parse_icmp_echo(&e, &out), -ENOMSG);
	buf[14 + 20 + 9] ^= 1;
	assert_int_equal(hn_verify_frame_parse_icmp_echo(&e, &out), 0);
	/* A damaged IP header. */
	buf[14 + 8] = 1;
	assert_int_equal(hn_verify_frame_parse_icmp_echo(&e, &out), -ENOMSG);
	buf[14 + 8] = 64;
	/* A fragment (more-fragments bit), checksum fixed so only that is wrong. */
	len = hn_verify_frame_icmp_echo(buf, mac_a, mac_b, 0, &in);
	buf[14 + 6] = 0x20;
	buf[14 + 10] = buf[14 + 11] = 0;
	uint16_t c = hn_verify_inet_csum(buf + 14, 20);

	buf[14 + 10] = (uint8_t)(c >> 8);
	buf[14 + 11] = (uint8_t)c;
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_int_equal(hn_verify_frame_parse_icmp_echo(&e, &out), -ENOMSG);
	/* Another IP protocol. */
	len = hn_verify_frame_icmp_echo(buf, mac_a, mac_b, 0, &in);
	buf[14 + 9] = 17;
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	assert_int_equal(hn_verify_frame_parse_icmp_echo(&e, &out), -ENOMSG);
}

static void mac_formats_lowercase(void **unused)
{
	char buf[18];

	assert_string_equal(hn_verify_mac_format(mac_a, buf), "02:11:22:33:00:01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(checksum_matches_rfc1071_example),
	    cmocka_unit_test(probe_frame_round_trips_untagged),
	    cmocka_unit_test(probe_frame_carries_an_inline_tag),
	    cmocka_unit_test(probe_parse_refuses_other_frames),
	    cmocka_unit_test(arp_probe_has_no_sender_address),
	    cmocka_unit_test(arp_request_and_reply_round_trip),
	    cmocka_unit_test(icmp_echo_round_trips_with_valid_checksums),
	    cmocka_unit_test(icmp_parse_refuses_damage),
	    cmocka_unit_test(mac_formats_lowercase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
