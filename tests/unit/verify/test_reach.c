// SPDX-License-Identifier: GPL-2.0-or-later
/* The reach state machine, with the test playing the network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arp_proof.h"
#include "ndp.h"
#include "reach.h"

#include <arpa/inet.h>
#include <string.h>

static const uint8_t probe_mac[6] = {0x02, 1, 2, 3, 0, 1};
static const uint8_t host_end[6] = {0x06, 1, 2, 3, 0, 1};
static const uint8_t target_mac[6] = {0x5e, 0xb3, 0x40, 0x40, 0x1a, 0x4c};
static const uint8_t squatter[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};

static struct in_addr ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

static void init(struct hn_verify_reach_run *r, bool expect_ok)
{
	struct hn_verify_reach_spec spec = {
	    .from_vlan = 99,
	    .to = ip("10.99.1.250"),
	    .expect_ok = expect_ok,
	    .subnet = {.addr = ip("10.99.1.0"), .len = 24},
	    .cand = {ip("10.99.1.254"), ip("10.99.1.253"), ip("10.99.1.252")},
	    .n_cand = 3,
	};

	hn_verify_reach_init(r, &spec, probe_mac, host_end, 0x1122334455667788ULL, 0x4242);
	assert_string_equal(r->name, "reach 10.99.1.250 from vlan 99");
	hn_verify_reach_start(r, 0);
}

static size_t tick(struct hn_verify_reach_run *r, int64_t now, struct hn_verify_frame_out *out)
{
	return hn_verify_reach_tick(r, now, out, HN_VERIFY_REACH_CANDIDATES);
}

static void feed_arp(struct hn_verify_reach_run *r, const uint8_t *from_mac, uint16_t op,
		     const char *spa, const char *tpa, int64_t now)
{
	struct hn_verify_arp a = {.op = op, .spa = ip(spa), .tpa = ip(tpa)};
	uint8_t buf[HN_VERIFY_FRAME_MAX];
	struct hn_verify_eth e;
	size_t len;

	memcpy(a.sha, from_mac, 6);
	memcpy(a.tha, probe_mac, 6);
	len = hn_verify_frame_arp(
	    buf, op == HN_VERIFY_ARP_REPLY ? probe_mac : hn_verify_mac_broadcast, 0, &a);
	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	hn_verify_reach_input(r, &e, now);
}

static void feed_echo_reply(struct hn_verify_reach_run *r, const char *from, const char *to,
			    uint64_t nonce, int64_t now)
{
	struct hn_verify_icmp_echo echo = {
	    .reply = true, .src = ip(from), .dst = ip(to), .id = 0x4242, .seq = 1, .nonce = nonce};
	uint8_t buf[HN_VERIFY_FRAME_MAX];
	struct hn_verify_eth e;
	size_t len = hn_verify_frame_icmp_echo(buf, target_mac, probe_mac, 0, &echo);

	assert_int_equal(hn_verify_eth_parse(buf, len, &e), 0);
	hn_verify_reach_input(r, &e, now);
}

/* IPv6: no candidates, a solicitation from the probe's link-local address, the echo to the
 * MAC that advertised, done on the echo reply with our nonce and no other. */
static void ipv6_target_walks_ndp_then_echo(void **unused)
{
	struct hn_verify_reach_spec spec = {.from_vlan = 99, .v6 = true, .expect_ok = true};
	struct hn_verify_frame_out out[HN_VERIFY_REACH_CANDIDATES];
	struct in6_addr ll, target;
	struct hn_verify_reach_run r;
	uint8_t f[HN_VERIFY_FRAME_MAX];
	struct hn_verify_eth e;
	size_t len;

	inet_pton(AF_INET6, "2001:db8:99::250", &target);
	inet_pton(AF_INET6, "fe80::1:2ff:fe03:1", &ll); /* modified EUI-64 of probe_mac */
	spec.to6 = target;
	hn_verify_reach_init(&r, &spec, probe_mac, host_end, 0x1122334455667788ULL, 0x4242);
	assert_string_equal(r.name, "reach 2001:db8:99::250 from vlan 99");
	assert_memory_equal(&r.src6, &ll, 16);
	hn_verify_reach_start(&r, 0);
	assert_int_equal(r.state, HN_VERIFY_REACH_ARP);
	assert_int_equal(tick(&r, 0, out), 1);
	assert_int_equal(out[0].len, HN_VERIFY_NDP_LEN);
	assert_int_equal(out[0].buf[54], 135); /* a neighbor solicitation */
	/* The target's advertisement, to our MAC. */
	memset(f, 0, sizeof(f));
	hn_verify_ndp_echo(f, target_mac, probe_mac, &target, &ll, 0, 0, 0);
	len = 14 + 40 + 24;
	f[19] = 24; /* payload length */
	f[21] = 255;
	f[54] = 136;
	memcpy(f + 62, &target, 16);
	assert_int_equal(hn_verify_eth_parse(f, len, &e), 0);
	hn_verify_reach_input(&r, &e, 1000);
	assert_int_equal(r.state, HN_VERIFY_REACH_ECHO);
	assert_memory_equal(r.target_mac, target_mac, 6);
	assert_int_equal(tick(&r, 1000, out), 1);
	assert_memory_equal(out[0].buf, target_mac, 6);
	assert_int_equal(out[0].buf[54], 128); /* echo request */
	/* A reply with another nonce is someone else's. */
	len = hn_verify_ndp_echo(f, target_mac, probe_mac, &target, &ll, 0x4242, 1, 7);
	f[54] = 129;
	assert_int_equal(hn_verify_eth_parse(f, len, &e), 0);
	hn_verify_reach_input(&r, &e, 2000);
	assert_int_equal(r.state, HN_VERIFY_REACH_ECHO);
	len = hn_verify_ndp_echo(f, target_mac, probe_mac, &target, &ll, 0x4242, 1,
				 0x1122334455667788ULL);
	f[54] = 129;
	assert_int_equal(hn_verify_eth_parse(f, len, &e), 0);
	hn_verify_reach_input(&r, &e, 2500);
	assert_int_equal(r.state, HN_VERIFY_REACH_DONE);
	assert_true(hn_verify_reach_settled(&r));
}

static void answered_probe_walks_probe_arp_echo(void **unused)
{
	struct hn_verify_reach_run r;
	struct hn_verify_frame_out out[HN_VERIFY_REACH_CANDIDATES];
	struct hn_verify_checks checks = {0};
	struct hn_verify_eth e;
	struct hn_verify_arp a;
	struct hn_verify_icmp_echo echo;

	init(&r, true);
	/* t=0: one RFC 5227 probe per candidate. */
	assert_int_equal(tick(&r, 0, out), 3);
	assert_int_equal(hn_verify_eth_parse(out[1].buf, out[1].len, &e), 0);
	assert_int_equal(hn_verify_frame_parse_arp(&e, &a), 0);
	assert_int_equal(a.spa.s_addr, 0);
	assert_int_equal(a.tpa.s_addr, ip("10.99.1.253").s_addr);
	assert_int_equal(tick(&r, 1000, out), 0);
	assert_int_equal(tick(&r, HN_VERIFY_REACH_PROBE_RESEND, out), 3);
	/* .254 is taken by someone else. */
	feed_arp(&r, squatter, HN_VERIFY_ARP_REPLY, "10.99.1.254", "10.99.1.254", 7000);
	assert_int_equal(tick(&r, HN_VERIFY_REACH_PROBE_WAIT - 1, out), 0);
	/* Decision: .253, and at once the request "who has .250? tell .253". */
	assert_int_equal(tick(&r, HN_VERIFY_REACH_PROBE_WAIT, out), 1);
	assert_int_equal(r.state, HN_VERIFY_REACH_ARP);
	assert_int_equal(r.src.s_addr, ip("10.99.1.253").s_addr);
	assert_int_equal(hn_verify_eth_parse(out[0].buf, out[0].len, &e), 0);
	assert_int_equal(hn_verify_frame_parse_arp(&e, &a), 0);
	assert_int_equal(a.tpa.s_addr, ip("10.99.1.250").s_addr);
	assert_int_equal(a.spa.s_addr, ip("10.99.1.253").s_addr);
	/* The answer: next the echo, to the MAC that answered. */
	feed_arp(&r, target_mac, HN_VERIFY_ARP_REPLY, "10.99.1.250", "10.99.1.253", 21000);
	assert_int_equal(r.state, HN_VERIFY_REACH_ECHO);
	assert_int_equal(tick(&r, 21000, out), 1);
	assert_int_equal(hn_verify_eth_parse(out[0].buf, out[0].len, &e), 0);
	assert_memory_equal(e.dst, target_mac, 6);
	assert_int_equal(hn_verify_frame_parse_icmp_echo(&e, &echo), 0);
	assert_false(echo.reply);
	assert_int_equal(echo.id, 0x4242);
	/* A reply without our nonce is someone else's. */
	feed_echo_reply(&r, "10.99.1.250", "10.99.1.253", 1, 21500);
	assert_false(hn_verify_reach_settled(&r));
	feed_echo_reply(&r, "10.99.1.250", "10.99.1.253", 0x1122334455667788ULL, 21600);
	assert_true(hn_verify_reach_settled(&r));
	assert_int_equal(tick(&r, 30000, out), 0);
	assert_int_equal(hn_verify_reach_evaluate(&r, &checks), 0);
	assert_int_equal(checks.v[0].status, HN_VERIFY_CHECK_OK);
	assert_string_equal(checks.v[0].found, "10.99.1.250 is at 5e:b3:40:40:1a:4c (ARP 21.0 ms, "
					       "echo 21.6 ms, from 10.99.1.253)");
	hn_verify_checks_free(&checks);
}

static void silence_is_ok_when_no_answer_is_expected(void **unused)
{
	struct hn_verify_reach_run r;
	struct hn_verify_frame_out out[HN_VERIFY_REACH_CANDIDATES];
	struct hn_verify_checks checks = {0};

	init(&r, false);
	tick(&r, 0, out);
	tick(&r, HN_VERIFY_REACH_PROBE_RESEND, out);
	assert_int_equal(tick(&r, HN_VERIFY_REACH_PROBE_WAIT, out), 1);
	/* Repeated while nobody answers; never settled, the window decides. */
	assert_int_equal(tick(&r, HN_VERIFY_REACH_PROBE_WAIT + HN_VERIFY_REACH_RESEND, out), 1);
	assert_false(hn_verify_reach_settled(&r));
	assert_int_equal(hn_verify_reach_evaluate(&r, &checks), 0);
	assert_int_equal(checks.v[0].status, HN_VERIFY_CHECK_OK);
	assert_string_equal(checks.v[0].expected, "no answer");
	assert_string_equal(checks.v[0].found, "no ARP reply from 10.99.1.250 to 10.99.1.254");
	hn_verify_checks_free(&checks);
}

static void an_answer_where_none_is_expected_is_critical(void **unused)
{
	struct hn_verify_reach_run r;
	struct hn_verify_frame_out out[HN_VERIFY_REACH_CANDIDATES];
	struct hn_verify_checks checks = {0};

	init(&r, false);
	tick(&r, 0, out);
	tick(&r, HN_VERIFY_REACH_PROBE_WAIT, out);
	feed_arp(&r, target_mac, HN_VERIFY_ARP_REPLY, "10.99.1.250", "10.99.1.254", 20500);
	assert_int_equal(hn_verify_reach_evaluate(&r, &checks), 0);
	assert_int_equal(checks.v[0].status, HN_VERIFY_CHECK_CRITICAL);
	assert_non_null(strstr(checks.v[0].found, "answers ARP"));
	hn_verify_checks_free(&checks);
}

static void the_host_end_of_the_probe_link_is_not_the_switch(void **unused)
{
	struct hn_verify_reach_run r;
	struct hn_verify_frame_out out[HN_VERIFY_REACH_CANDIDATES];

	init(&r, false);
	tick(&r, 0, out);
	tick(&r, HN_VERIFY_REACH_PROBE_WAIT, out);
	/* The host's kernel answering on the veth's host end: never crossed the switch. */
	feed_arp(&r, host_end, HN_VERIFY_ARP_REPLY, "10.99.1.250", "10.99.1.254", 20500);
	assert_int_equal(r.state, HN_VERIFY_REACH_ARP);
	assert_false(r.arp_answered);
	/* Nor does our own request, looped back, count. */
	feed_arp(&r, probe_mac, HN_VERIFY_ARP_REPLY, "10.99.1.250", "10.99.1.254", 20600);
	assert_false(r.arp_answered);
}

static void every_candidate_taken_is_unknown(void **unused)
{
	struct hn_verify_reach_run r;
	struct hn_verify_frame_out out[HN_VERIFY_REACH_CANDIDATES];
	struct hn_verify_checks checks = {0};

	init(&r, true);
	tick(&r, 0, out);
	feed_arp(&r, squatter, HN_VERIFY_ARP_REQUEST, "10.99.1.254", "10.99.1.1", 1000);
	/* Another host probing for .253 at the same time (RFC 5227 2.1.1). */
	feed_arp(&r, squatter, HN_VERIFY_ARP_REQUEST, "0.0.0.0", "10.99.1.253", 1000);
	feed_arp(&r, squatter, HN_VERIFY_ARP_REPLY, "10.99.1.252", "10.99.1.252", 1000);
	assert_int_equal(tick(&r, HN_VERIFY_REACH_PROBE_WAIT, out), 0);
	assert_int_equal(r.state, HN_VERIFY_REACH_NO_ADDRESS);
	assert_true(hn_verify_reach_settled(&r));
	assert_int_equal(hn_verify_reach_evaluate(&r, &checks), 0);
	assert_int_equal(checks.v[0].status, HN_VERIFY_CHECK_UNKNOWN);
	assert_string_equal(checks.v[0].found,
			    "all 3 candidate addresses of 10.99.1.0/24 are in use");
	hn_verify_checks_free(&checks);
}

static void the_gateway_check_stops_at_arp(void **unused)
{
	struct hn_verify_reach_run r = {0};
	struct hn_verify_frame_out out[HN_VERIFY_REACH_CANDIDATES];
	struct hn_verify_checks checks = {0};

	snprintf(r.name, sizeof(r.name), "gateway 198.51.100.1 from br0");
	r.to = ip("198.51.100.1");
	r.expect_ok = r.arp_only = r.fixed_source = true;
	r.cand[0] = ip("198.51.100.10");
	r.n_cand = 1;
	memcpy(r.mac, probe_mac, 6);
	hn_verify_reach_start(&r, 0);
	/* No probing from a fixed source: the request goes out at once. */
	assert_int_equal(tick(&r, 0, out), 1);
	feed_arp(&r, target_mac, HN_VERIFY_ARP_REPLY, "198.51.100.1", "198.51.100.10", 800);
	assert_true(hn_verify_reach_settled(&r));
	assert_int_equal(hn_verify_reach_evaluate(&r, &checks), 0);
	assert_int_equal(checks.v[0].status, HN_VERIFY_CHECK_OK);
	assert_string_equal(checks.v[0].expected, "an ARP reply");
	assert_string_equal(
	    checks.v[0].found,
	    "198.51.100.1 is at 5e:b3:40:40:1a:4c (ARP 0.8 ms, from 198.51.100.10)");
	hn_verify_checks_free(&checks);
}

/* An ARP proof question that must get no answer is asked HN_VERIFY_REACH_QUIET_SENDS times,
 * then only listened for; one that must be answered is asked until it is. */
static void the_arp_proof_asks_another_vlan_a_few_times(void **unused)
{
	struct hn_verify_frame_out out[HN_VERIFY_REACH_CANDIDATES];

	for (int ok = 0; ok < 2; ok++) {
		struct hn_verify_reach_spec spec = {.from_vlan = 10,
						    .to = ip("10.99.1.250"),
						    .expect_ok = ok,
						    .arp = true,
						    .n_cand = 1};
		struct hn_verify_reach_run r;
		size_t sent = 0;
		int64_t t;

		hn_verify_reach_init(&r, &spec, probe_mac, host_end, 1, 1);
		hn_verify_reach_start(&r, 0);
		for (t = 0; t < 100 * HN_VERIFY_REACH_RESEND; t += HN_VERIFY_REACH_RESEND)
			sent += tick(&r, t, out);
		assert_int_equal(sent, ok ? 100 : HN_VERIFY_REACH_QUIET_SENDS);
		/* A late answer still counts. */
		feed_arp(&r, squatter, HN_VERIFY_ARP_REPLY, "10.99.1.250", "0.0.0.0", t);
		assert_true(r.arp_answered);
	}
}

/* The ARP proof of 10.99.1.250 from VLANs 99, 250 and 10: an RFC 5227 probe (sender
 * 0.0.0.0) from each; VLAN 99 must answer, the others must not. */
static void arp_proof(bool leak, struct hn_verify_checks *checks)
{
	static const unsigned from[] = {99, 250, 10};
	struct hn_verify_reach_spec specs[3];
	struct hn_verify_reach_run runs[3];
	struct hn_verify_probe_plan p = {.bridge = "brint", .reach = specs, .n_reach = 3};
	struct hn_verify_frame_out out[HN_VERIFY_REACH_CANDIDATES];

	for (size_t i = 0; i < 3; i++) {
		specs[i] = (struct hn_verify_reach_spec){.from_vlan = from[i],
							 .to = ip("10.99.1.250"),
							 .expect_ok = from[i] == 99,
							 .derived = true,
							 .arp = true,
							 .n_cand = 1};
		hn_verify_reach_init(&runs[i], &specs[i], probe_mac, host_end, 1, 1);
		hn_verify_reach_start(&runs[i], 0);
		assert_int_equal(tick(&runs[i], 0, out), 1); /* at once, from 0.0.0.0 */
	}
	assert_string_equal(runs[1].name, "arp 10.99.1.250 from vlan 250");
	feed_arp(&runs[0], target_mac, HN_VERIFY_ARP_REPLY, "10.99.1.250", "0.0.0.0", 300);
	assert_true(hn_verify_reach_settled(&runs[0]));
	if (leak)
		feed_arp(&runs[1], squatter, HN_VERIFY_ARP_REPLY, "10.99.1.250", "0.0.0.0", 400);
	/* A reply to another asker is not an answer to the probe. */
	feed_arp(&runs[2], squatter, HN_VERIFY_ARP_REPLY, "10.99.1.250", "10.0.0.1", 400);
	assert_int_equal(hn_verify_arp_proof_evaluate(&p, runs, checks), 0);
	assert_int_equal(checks->n, 1);
	assert_string_equal(checks->v[0].name, "arp 10.99.1.250");
	assert_string_equal(checks->v[0].expected, "an answer on VLAN 99 only");
}

static void the_arp_proof_is_one_check_per_address(void **unused)
{
	struct hn_verify_checks checks = {0};

	arp_proof(false, &checks);
	assert_int_equal(checks.v[0].status, HN_VERIFY_CHECK_OK);
	assert_string_equal(checks.v[0].found, "answered on 99; no answer on 10,250");
	hn_verify_checks_free(&checks);

	arp_proof(true, &checks);
	assert_int_equal(checks.v[0].status, HN_VERIFY_CHECK_CRITICAL);
	assert_string_equal(
	    checks.v[0].found,
	    "answered on 99,250; no answer on 10 (VLAN 250 from 52:54:00:aa:bb:cc): "
	    "a host port answers for an address it does not hold, a leak between "
	    "VLANs");
	hn_verify_checks_free(&checks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(answered_probe_walks_probe_arp_echo),
	    cmocka_unit_test(ipv6_target_walks_ndp_then_echo),
	    cmocka_unit_test(silence_is_ok_when_no_answer_is_expected),
	    cmocka_unit_test(an_answer_where_none_is_expected_is_critical),
	    cmocka_unit_test(the_host_end_of_the_probe_link_is_not_the_switch),
	    cmocka_unit_test(every_candidate_taken_is_unknown),
	    cmocka_unit_test(the_gateway_check_stops_at_arp),
	    cmocka_unit_test(the_arp_proof_asks_another_vlan_a_few_times),
	    cmocka_unit_test(the_arp_proof_is_one_check_per_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
