// SPDX-License-Identifier: GPL-2.0-or-later
#include "uplink.h"
#include "error.h"
#include "gateway_probe.h"
#include "nl_uplink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ADDRS 16

/* The addresses of ifname, or none when it does not exist (a bridge not yet created). */
static size_t link_addresses(const struct hn_nl_state *nl, const char *ifname,
			     struct hn_prefix *out)
{
	size_t n = 0;

	if (hn_nl_link_ipv4(nl, ifname, out, MAX_ADDRS, &n) < 0)
		return 0;
	return n < MAX_ADDRS ? n : MAX_ADDRS;
}

static int resolve_bridge(struct hn_bridge *b, const struct hn_nl_state *nl)
{
	int r = hn_nl_link_mac(nl, b->uplink, b->uplink_mac);

	if (r < 0)
		return hn_err(r, "%s: the uplink of bridge %s %s", b->uplink, b->name,
			      r == -ENODEV ? "does not exist on this host"
					   : "has no MAC address to give the bridge");
	b->has_uplink_mac = true;

	if (!b->has_addresses) {
		struct hn_prefix found[MAX_ADDRS];
		size_t n = link_addresses(nl, b->uplink, found);

		/* Already moved (or half moved by a killed run): the bridge holds them. */
		if (n == 0)
			n = link_addresses(nl, b->name, found);
		if (n == 0)
			return hn_err(
			    -EADDRNOTAVAIL,
			    "%s: bridge %s has no `addresses` in the config and its uplink "
			    "holds no IPv4 address to take; write them in the config",
			    b->uplink, b->name);
		b->addresses = calloc(n, sizeof(*b->addresses));
		if (!b->addresses)
			return hn_err(-ENOMEM, "out of memory");
		memcpy(b->addresses, found, n * sizeof(*found));
		b->n_addresses = n;
		b->has_addresses = true;
		hn_debug("%s: takes %zu address(es) of %s", b->name, n, b->uplink);
	}
	if (!b->has_gateway) {
		if (hn_nl_default_gateway(nl, b->uplink, &b->gateway) == 0 ||
		    hn_nl_default_gateway(nl, b->name, &b->gateway) == 0) {
			b->has_gateway = true;
		} else {
			hn_debug("%s: no default gateway through %s or %s: none to move or probe",
				 b->name, b->uplink, b->name);
		}
	}
	return 0;
}

int hn_uplink_resolve(struct hn_config *c, const struct hn_nl_state *nl)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		if (!c->bridges[i].uplink[0])
			continue;
		int r = resolve_bridge(&c->bridges[i], nl);

		if (r < 0)
			return r;
	}
	return 0;
}

bool hn_plan_moves_uplink(const struct hn_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->actions[i]->uplink)
			return true;
	return false;
}

static bool link_holds(const struct hn_nl_state *nl, const char *ifname, struct in_addr a)
{
	struct hn_prefix found[MAX_ADDRS];
	size_t n = link_addresses(nl, ifname, found);

	for (size_t i = 0; i < n; i++)
		if (found[i].addr.s_addr == a.s_addr)
			return true;
	return false;
}

static bool ovs_removes(const struct hn_plan *plan, const char *iface)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct hn_action *a = plan->actions[i];

		if (a->layer == HN_LAYER_OVS && a->op == HN_OP_REMOVE &&
		    strcmp(a->iface, iface) == 0)
			return true;
	}
	return false;
}

void hn_uplink_mark_kept(struct hn_config *c, const struct hn_plan *plan)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		struct hn_bridge *b = &c->bridges[i];

		b->uplink_kept =
		    b->uplink[0] && !ovs_removes(plan, b->name) && !ovs_removes(plan, b->uplink);
	}
}

int hn_uplink_check_before(const struct hn_config *c, const struct hn_nl_state *nl, int timeout_ms)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];
		char gw[INET_ADDRSTRLEN];
		struct in_addr src;

		if (!b->uplink[0] || !b->has_gateway || !b->n_addresses)
			continue;
		src = b->addresses[0].addr;
		inet_ntop(AF_INET, &b->gateway, gw, sizeof(gw));
		/* A half-moved host may answer from either side; either proves the gateway. */
		if (link_holds(nl, b->name, src) &&
		    hn_gateway_probe(b->name, src, b->gateway, timeout_ms) == 0)
			continue;
		if (hn_gateway_probe(b->uplink, src, b->gateway, timeout_ms) == 0)
			continue;
		return hn_err(-EHOSTUNREACH,
			      "gateway %s does not answer ARP from %s now (waited %d ms): refusing "
			      "to move the uplink; nothing was changed. Check the gateway (or "
			      "`gateway:` in the config) first",
			      gw, b->uplink, timeout_ms);
	}
	return 0;
}

int hn_uplink_check_from(const struct hn_config *c, bool from_nic, int timeout_ms)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];
		const char *from = from_nic && !b->uplink_kept ? b->uplink : b->name;
		int r;

		if (!b->uplink[0] || !b->has_gateway || !b->n_addresses)
			continue;
		r = hn_gateway_probe(from, b->addresses[0].addr, b->gateway, timeout_ms);
		if (r < 0)
			return r;
	}
	return 0;
}
