// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway.h"
#include "arp.h"
#include "error.h"
#include "nl_io.h"
#include "nl_uplink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* What the kernel shows of one link. */
struct link_facts {
	bool exists;
	int ifindex;
	bool has_mac;
	uint8_t mac[HN_ETH_ALEN];
	struct in_addr addrs[8];
	uint8_t lens[8];
	size_t n_addrs; /* may exceed 8: only the first 8 are kept */
};

/* One link's facts from a snapshot made by the netlink backend's own reader. */
static void link_facts_of(const struct hn_nl_state *s, const char *name, struct link_facts *f)
{
	const struct hn_nl_link *l = hn_nl_link_by_name(s, name);
	struct hn_prefix p[8];

	memset(f, 0, sizeof(*f));
	if (!l)
		return;
	f->exists = true;
	f->ifindex = l->ifindex;
	f->has_mac = l->has_mac;
	memcpy(f->mac, l->mac, HN_ETH_ALEN);
	if (hn_nl_link_ipv4(s, name, p, 8, &f->n_addrs) < 0)
		return;
	for (size_t i = 0; i < f->n_addrs && i < 8; i++) {
		f->addrs[i] = p[i].addr;
		f->lens[i] = p[i].len;
	}
}

static bool same_subnet(struct in_addr a, struct in_addr b, unsigned len)
{
	uint32_t mask = len ? htonl(~UINT32_C(0) << (32 - len)) : 0;

	return (a.s_addr & mask) == (b.s_addr & mask);
}

static int kernel_checks(const struct hn_bridge *b, const struct link_facts *br,
			 const struct link_facts *up, struct hn_checks *out)
{
	char name[64], expected[64], m1[18], m2[18];
	int r;

	snprintf(name, sizeof(name), "bridge %s mac", b->name);
	if (!br->exists || !up->exists || !br->has_mac || !up->has_mac) {
		snprintf(expected, sizeof(expected), "%s's MAC", b->uplink);
		r = hn_checks_add(out, HN_CHECK_CRITICAL, name, expected, "%s",
				  !br->exists	? "no such link"
				  : !up->exists ? "no uplink link"
						: "no MAC");
	} else {
		snprintf(expected, sizeof(expected), "%s's MAC %s", b->uplink,
			 hn_mac_format(up->mac, m1));
		r = hn_checks_add(
		    out, memcmp(br->mac, up->mac, HN_ETH_ALEN) ? HN_CHECK_CRITICAL : HN_CHECK_OK,
		    name, expected, "%s", hn_mac_format(br->mac, m2));
	}
	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "uplink %s address", b->uplink);
	if (!up->exists)
		return hn_checks_add(out, HN_CHECK_CRITICAL, name,
				     "no IPv4 address (moved to the bridge)", "no such link");
	if (up->n_addrs == 0)
		return hn_checks_add(out, HN_CHECK_OK, name,
				     "no IPv4 address (moved to the bridge)", "none");
	return hn_checks_add(out, HN_CHECK_CRITICAL, name, "no IPv4 address (moved to the bridge)",
			     "%s/%u%s", inet_ntoa(up->addrs[0]), up->lens[0],
			     up->n_addrs > 1 ? " and more" : "");
}

int hn_gateway_prepare(struct hn_probe_kernel *k, const struct hn_bridge *b, bool probe,
		       struct hn_gateway_probe *g, struct hn_checks *out)
{
	struct link_facts br, up;
	struct in_addr gw = {0}, src = {0};
	char name[96], gws[INET_ADDRSTRLEN] = "?";
	bool have_gw = b->has_gateway, have_src = false;
	int r;

	g->sock = -1;
	struct hn_nl_state kernel = {0};

	/* One dump of links, addresses and routes, read as `plan` reads them. */
	r = hn_nl_read(k->nl, &kernel);
	if (r < 0)
		return r;
	link_facts_of(&kernel, b->name, &br);
	link_facts_of(&kernel, b->uplink, &up);
	if (have_gw)
		gw = b->gateway;
	else
		have_gw = hn_nl_default_gateway(&kernel, b->name, &gw) == 0;
	hn_nl_state_clear(&kernel);
	r = kernel_checks(b, &br, &up, out);
	if (r < 0 || !probe)
		return r < 0 ? r : 1;
	if (have_gw)
		inet_ntop(AF_INET, &gw, gws, sizeof(gws));
	snprintf(name, sizeof(name), "gateway %s from %s", gws, b->name);
	if (!have_gw)
		return hn_checks_add(out, HN_CHECK_UNKNOWN, name, "an ARP reply",
				     "no gateway in the config nor a default route via %s", b->name)
			   ?: 1;
	/* From the bridge's own address in the gateway's subnet. */
	for (size_t i = 0; i < br.n_addrs && i < 8 && !have_src; i++) {
		if (same_subnet(br.addrs[i], gw, br.lens[i])) {
			src = br.addrs[i];
			have_src = true;
		}
	}
	if (!br.exists || !br.has_mac || !have_src)
		return hn_checks_add(out, HN_CHECK_CRITICAL, name, "an ARP reply",
				     "not probed: %s has %s", b->name,
				     !br.exists	   ? "no link"
				     : !br.has_mac ? "no MAC"
						   : "no address in the "
						     "gateway's subnet")
			   ?: 1;
	if (!up.has_mac || memcmp(br.mac, up.mac, HN_ETH_ALEN))
		return hn_checks_add(out, HN_CHECK_CRITICAL, name, "an ARP reply",
				     "not probed: %s's MAC is not %s's, an ARP from it would show "
				     "the provider an unknown MAC",
				     b->name, b->uplink)
			   ?: 1;
	g->sock = hn_arp_socket(br.ifindex);
	if (g->sock < 0)
		return hn_checks_add(out, HN_CHECK_UNKNOWN, name, "an ARP reply",
				     "cannot open a packet socket on %s: %s", b->name,
				     strerror(-g->sock))
			   ?: 1;

	struct hn_reach_run *run = &g->run;

	memset(run, 0, sizeof(*run));
	snprintf(run->name, sizeof(run->name), "%s", name);
	snprintf(run->where, sizeof(run->where), "%s", b->name);
	run->to = gw;
	run->expect_ok = true;
	run->arp_only = true;
	run->fixed_source = true;
	run->cand[0] = src;
	run->n_cand = 1;
	memcpy(run->mac, br.mac, HN_ETH_ALEN);
	return 0;
}

void hn_gateway_close(struct hn_gateway_probe *g)
{
	if (g->sock >= 0)
		close(g->sock);
	g->sock = -1;
}
