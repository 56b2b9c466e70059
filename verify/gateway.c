// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway.h"
#include "arp.h"
#include "error.h"
#include "verify.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int kernel_checks(const struct hn_bridge *b, const struct hn_link_facts *br,
			 const struct hn_link_facts *up, struct hn_verify_checks *out)
{
	char name[64], expected[64], m1[18], m2[18];
	int r;

	snprintf(name, sizeof(name), "bridge %s mac", b->name);
	if (!br->exists || !up->exists || !br->has_mac || !up->has_mac) {
		snprintf(expected, sizeof(expected), "%s's MAC", b->uplink);
		r = hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, name, expected, "%s",
					 !br->exists   ? "no such link"
					 : !up->exists ? "no uplink link"
						       : "no MAC");
	} else {
		snprintf(expected, sizeof(expected), "%s's MAC %s", b->uplink,
			 hn_verify_mac_format(up->mac, m1));
		r = hn_verify_checks_add(out,
					 memcmp(br->mac, up->mac, HN_VERIFY_ETH_ALEN)
					     ? HN_VERIFY_CHECK_CRITICAL
					     : HN_VERIFY_CHECK_OK,
					 name, expected, "%s", hn_verify_mac_format(br->mac, m2));
	}
	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "uplink %s address", b->uplink);
	if (!up->exists)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, name,
					    "no IPv4 address (moved to the bridge)",
					    "no such link");
	if (up->n_addrs == 0)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_OK, name,
					    "no IPv4 address (moved to the bridge)", "none");
	return hn_verify_checks_add(
	    out, HN_VERIFY_CHECK_CRITICAL, name, "no IPv4 address (moved to the bridge)", "%s/%u%s",
	    inet_ntoa(up->addrs[0].addr), up->addrs[0].len, up->n_addrs > 1 ? " and more" : "");
}

int hn_verify_gateway_prepare(const struct hn_bridge *b, const struct hn_uplink_facts *f,
			      bool probe, struct hn_verify_gateway_probe *g,
			      struct hn_verify_checks *out)
{
	const struct hn_link_facts *br = &f->bridge, *up = &f->nic;
	struct in_addr gw = {0}, src = {0};
	char name[96], gws[INET_ADDRSTRLEN] = "?";
	bool have_gw = b->has_gateway || br->has_gateway, have_src = false;
	int r;

	g->sock = -1;
	gw = b->has_gateway ? b->gateway : br->gateway;
	r = kernel_checks(b, br, up, out);
	if (r < 0 || !probe)
		return r < 0 ? r : 1;
	if (have_gw)
		inet_ntop(AF_INET, &gw, gws, sizeof(gws));
	snprintf(name, sizeof(name), "gateway %s from %s", gws, b->name);
	if (!have_gw)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_UNKNOWN, name, "an ARP reply",
					    "no gateway in the config nor a default route via %s",
					    b->name)
			   ?: 1;
	/* From the bridge's own address in the gateway's subnet. */
	for (size_t i = 0; i < br->n_addrs && i < HN_LINK_ADDRS_MAX && !have_src; i++) {
		if (hn_prefix_contains(&br->addrs[i], gw)) {
			src = br->addrs[i].addr;
			have_src = true;
		}
	}
	if (!br->exists || !br->has_mac || !have_src)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, name, "an ARP reply",
					    "not probed: %s has %s", b->name,
					    !br->exists	   ? "no link"
					    : !br->has_mac ? "no MAC"
							   : "no address in the "
							     "gateway's subnet")
			   ?: 1;
	if (!up->has_mac || memcmp(br->mac, up->mac, HN_VERIFY_ETH_ALEN))
		return hn_verify_checks_add(
			   out, HN_VERIFY_CHECK_CRITICAL, name, "an ARP reply",
			   "not probed: %s's MAC is not %s's, an ARP from it would show "
			   "the provider an unknown MAC",
			   b->name, b->uplink)
			   ?: 1;
	g->sock = hn_verify_arp_socket(br->ifindex);
	if (g->sock < 0)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_UNKNOWN, name, "an ARP reply",
					    "cannot open a packet socket on %s: %s", b->name,
					    strerror(-g->sock))
			   ?: 1;

	struct hn_verify_reach_run *run = &g->run;

	memset(run, 0, sizeof(*run));
	snprintf(run->name, sizeof(run->name), "%s", name);
	snprintf(run->where, sizeof(run->where), "%s", b->name);
	run->to = gw;
	run->expect_ok = true;
	run->arp_only = true;
	run->fixed_source = true;
	run->cand[0] = src;
	run->n_cand = 1;
	memcpy(run->mac, br->mac, HN_VERIFY_ETH_ALEN);
	return 0;
}

int hn_verify_gateway6_check(const struct hn_bridge *b, const struct hn_uplink_facts *f, bool probe,
			     struct hn_verify_checks *out)
{
	const struct hn_link_facts *br = &f->bridge, *up = &f->nic;
	const struct in6_addr *gw = b->has_gateway6 ? &b->gateway6 : &br->gateway6;
	char name[96], gws[INET6_ADDRSTRLEN], a[HN_PREFIX6_STRLEN];
	struct hn_error why;
	int r;

	if (!b->n_addresses6 && !b->has_gateway6 && !br->has_gateway6 && !up->n_addrs6)
		return 0; /* no IPv6 on this uplink */
	snprintf(name, sizeof(name), "uplink %s IPv6 address", b->uplink);
	if (up->n_addrs6)
		r = hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, name,
					 "no global IPv6 address (moved to the bridge)", "%s%s",
					 hn_prefix6_format(&up->addrs6[0], a),
					 up->n_addrs6 > 1 ? " and more" : "");
	else
		r = hn_verify_checks_add(out, HN_VERIFY_CHECK_OK, name,
					 "no global IPv6 address (moved to the bridge)", "none");
	if (r < 0 || !probe || (!b->has_gateway6 && !br->has_gateway6))
		return r;
	inet_ntop(AF_INET6, gw, gws, sizeof(gws));
	snprintf(name, sizeof(name), "gateway %s from %s", gws, b->name);
	if (!br->n_addrs6 || !br->has_mac || !up->has_mac ||
	    memcmp(br->mac, up->mac, HN_VERIFY_ETH_ALEN))
		return hn_verify_checks_add(
		    out, HN_VERIFY_CHECK_CRITICAL, name, "a neighbor advertisement",
		    "not probed: %s has %s", b->name,
		    !br->n_addrs6 ? "no global IPv6 address" : "not the MAC of its uplink");
	/* Its own error context: the probe's failure is this check's line, not the run's. */
	hn_err_push(&why);
	r = hn_verify_gateway_ask6(b->name, &br->addrs6[0].addr, gw, HN_VERIFY_GATEWAY6_MS);
	hn_err_pop(&why);
	if (r == 0)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_OK, name,
					    "a neighbor advertisement", "answered");
	return hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, name, "a neighbor advertisement",
				    "%s", why.msg);
}

void hn_verify_gateway_close(struct hn_verify_gateway_probe *g)
{
	if (g->sock >= 0)
		close(g->sock);
	g->sock = -1;
}
