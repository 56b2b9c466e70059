// SPDX-License-Identifier: GPL-2.0-or-later
#include "uplink.h"
#include "converge.h"
#include "error.h"
#include "verify.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The addresses a link's facts hold (none when it does not exist: a bridge not yet made). */
static size_t held(const struct hn_link_facts *l)
{
	return l->n_addrs < HN_LINK_ADDRS_MAX ? l->n_addrs : HN_LINK_ADDRS_MAX;
}

static size_t held6(const struct hn_link_facts *l)
{
	return l->n_addrs6 < HN_LINK_ADDRS_MAX ? l->n_addrs6 : HN_LINK_ADDRS_MAX;
}

/* IPv6 the config does not name: the NIC's global addresses and default gateway move with
 * it (or the bridge holds them: the move is done), so IPv6 never stays behind on a NIC that
 * no longer receives. A host without IPv6 has none to take. */
static int resolve_ipv6(struct hn_bridge *b, const struct hn_uplink_facts *f)
{
	const struct hn_link_facts *nic = &f->nic;

	if (!b->n_addresses6) {
		const struct hn_link_facts *from = held6(nic) ? nic : &f->bridge;
		size_t n = held6(from);

		if (n) {
			b->addresses6 = calloc(n, sizeof(*b->addresses6));
			if (!b->addresses6)
				return hn_err(-ENOMEM, "out of memory");
			memcpy(b->addresses6, from->addrs6, n * sizeof(*from->addrs6));
			b->n_addresses6 = n;
			hn_debug("%s: takes %zu IPv6 address(es) of %s", b->name, n,
				 from == nic ? b->uplink : b->name);
		}
	}
	if (!b->has_gateway6 && (nic->has_gateway6 || f->bridge.has_gateway6)) {
		b->gateway6 = nic->has_gateway6 ? nic->gateway6 : f->bridge.gateway6;
		b->has_gateway6 = true;
	}
	return 0;
}

static int resolve_gateway(struct hn_bridge *b, const struct hn_uplink_facts *f)
{
	const struct hn_link_facts *nic = &f->nic;

	if (b->has_gateway)
		return 0;
	if (nic->has_gateway || f->bridge.has_gateway) {
		b->gateway = nic->has_gateway ? nic->gateway : f->bridge.gateway;
		b->has_gateway = true;
	} else {
		hn_debug("%s: no default gateway through %s or %s: none to move or probe", b->name,
			 b->uplink, b->name);
	}
	return 0;
}

static int resolve_bridge(struct hn_bridge *b, const struct hn_uplink_facts *f)
{
	const struct hn_link_facts *nic = &f->nic;
	int r;

	if (!nic->exists || !nic->has_mac)
		return hn_err(nic->exists ? -ENOENT : -ENODEV, "%s: the uplink of bridge %s %s",
			      b->uplink, b->name,
			      nic->exists ? "has no MAC address to give the bridge"
					  : "does not exist on this host");
	memcpy(b->uplink_mac, nic->mac, sizeof(b->uplink_mac));
	b->has_uplink_mac = true;

	r = resolve_ipv6(b, f);
	if (r < 0)
		return r;
	if (!b->has_addresses) {
		/* Already moved (or half moved by a killed run): the bridge holds them. */
		const struct hn_link_facts *from = held(nic) ? nic : &f->bridge;
		size_t n = held(from);

		if (n == 0 && !b->n_addresses6)
			return hn_err(
			    -EADDRNOTAVAIL,
			    "%s: bridge %s has no `addresses` in the config and its uplink "
			    "holds no IPv4 nor global IPv6 address to take; write them in the "
			    "config",
			    b->uplink, b->name);
		/* An IPv6-only uplink: nothing of IPv4 to move, nor to probe. */
		b->has_addresses = true;
		if (n == 0)
			return resolve_gateway(b, f);
		b->addresses = calloc(n, sizeof(*b->addresses));
		if (!b->addresses)
			return hn_err(-ENOMEM, "out of memory");
		memcpy(b->addresses, from->addrs, n * sizeof(*from->addrs));
		b->n_addresses = n;
		hn_debug("%s: takes %zu address(es) of %s", b->name, n, b->uplink);
	}
	return resolve_gateway(b, f);
}

/* Is name an interface the config gives another role (a bridge, a port)? */
static const char *config_role(const struct hn_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];

		if (strcmp(b->name, name) == 0)
			return "a bridge";
		for (size_t k = 0; k < b->n_ports; k++)
			if (strcmp(b->ports[k].name, name) == 0)
				return "a port";
	}
	return NULL;
}

/* An uplink found by its MAC: the name it has on this host now, into b->uplink. */
static int resolve_by_mac(const struct hn_config *c, struct hn_bridge *b,
			  const struct hn_uplink_facts *f)
{
	const char *role;
	char mac[HN_MAC_STRLEN];

	hn_mac_format(&b->uplink_want_mac, mac);
	if (f->n_by_mac == 0)
		return hn_err(-ENODEV,
			      "bridge %s: no NIC on this host has MAC %s (its uplink.mac); check "
			      "the MAC with `ip link`",
			      b->name, mac);
	if (f->n_by_mac > 1)
		return hn_err(-ENOTUNIQ,
			      "bridge %s: %s and %s both have MAC %s (its uplink.mac): name the "
			      "uplink instead (`uplink: NAME`)",
			      b->name, f->nic_name, f->also_name, mac);
	role = config_role(c, f->nic_name);
	if (role)
		return hn_err(-EINVAL,
			      "bridge %s: the NIC with MAC %s (its uplink.mac) is %s, which the "
			      "config names as %s too",
			      b->name, mac, f->nic_name, role);
	if (strcmp(b->uplink, f->nic_name) != 0)
		hn_debug("%s: its uplink with MAC %s is %s", b->name, mac, f->nic_name);
	snprintf(b->uplink, sizeof(b->uplink), "%s", f->nic_name);
	return 0;
}

/* Append the n prefixes of from (size bytes each) to *v of *n: -ENOMEM with a message. */
static int append(void *vp, size_t *n, const void *from, size_t k, size_t size)
{
	void **v = vp;
	char *grown = realloc(*v, (*n + k) * size);

	if (!grown && *n + k)
		return hn_err(-ENOMEM, "out of memory");
	memcpy(grown + *n * size, from, k * size);
	*v = grown;
	*n += k;
	return 0;
}

/*
 * A bond's other members: they must exist (ovs-vswitchd would add a port that never
 * carries a frame). Normally only the first holds addresses; what another holds moves to the
 * bridge too when the config leaves the addresses to the host (given: from_config), and its
 * gateways count where the first has none. `down` gives them all to the first.
 */
static int resolve_members(struct hn_bridge *b, struct hn_session *s, bool from_config,
			   bool from_config6)
{
	for (size_t i = 1; i < b->n_bond; i++) {
		struct hn_bridge one = {0};
		struct hn_uplink_facts f;
		int r = 0;

		snprintf(one.name, sizeof(one.name), "%s", b->name);
		snprintf(one.uplink, sizeof(one.uplink), "%s", b->bond[i]);
		hn_session_uplink_facts(s, &one, &f);
		if (!f.nic.exists)
			return hn_err(
			    -ENODEV,
			    "%s: in the bond of bridge %s (uplink.bond), does not exist on "
			    "this host",
			    b->bond[i], b->name);
		if (!from_config && held(&f.nic))
			r = append(&b->addresses, &b->n_addresses, f.nic.addrs, held(&f.nic),
				   sizeof(*b->addresses));
		if (r == 0 && !from_config6 && held6(&f.nic))
			r = append(&b->addresses6, &b->n_addresses6, f.nic.addrs6, held6(&f.nic),
				   sizeof(*b->addresses6));
		if (r < 0)
			return r;
		if (!b->has_gateway && f.nic.has_gateway) {
			b->gateway = f.nic.gateway;
			b->has_gateway = true;
		}
		if (!b->has_gateway6 && f.nic.has_gateway6) {
			b->gateway6 = f.nic.gateway6;
			b->has_gateway6 = true;
		}
		if (held(&f.nic) || held6(&f.nic))
			hn_debug("%s: takes the addresses of %s too", b->name, b->bond[i]);
	}
	return 0;
}

int hn_uplink_resolve(struct hn_config *c, struct hn_session *s)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		struct hn_uplink_facts f;
		bool given, given6;
		int r;

		if (!hn_bridge_has_uplink(&c->bridges[i]))
			continue;
		hn_session_uplink_facts(s, &c->bridges[i], &f);
		if (c->bridges[i].uplink_by_mac && (r = resolve_by_mac(c, &c->bridges[i], &f)) < 0)
			return r;
		/* What the config says itself, before the host's fill it in. */
		given = c->bridges[i].has_addresses;
		given6 = c->bridges[i].n_addresses6 > 0;
		r = resolve_bridge(&c->bridges[i], &f);
		if (r == 0)
			r = resolve_members(&c->bridges[i], s, given, given6);
		if (r < 0)
			return r;
	}
	return 0;
}

bool hn_uplink_speaks_lacp(const struct hn_bridge *b)
{
	return b->uplink[0] && b->n_bond && b->lacp != HN_LACP_OFF;
}

bool hn_plan_moves_uplink(const struct hn_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->actions[i]->uplink)
			return true;
	return false;
}

static bool link_holds(const struct hn_link_facts *l, struct in_addr a)
{
	for (size_t i = 0; i < held(l); i++)
		if (l->addrs[i].addr.s_addr == a.s_addr)
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

bool hn_plan_moves_nic(const struct hn_config *c, const struct hn_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct hn_action *a = plan->actions[i];

		if (a->layer != HN_LAYER_OVS || !a->uplink)
			continue;
		for (size_t k = 0; k < c->n_bridges; k++) {
			const struct hn_bridge *b = &c->bridges[k];

			if (b->uplink[0] &&
			    (strcmp(a->iface, b->uplink) == 0 ||
			     strcmp(a->iface, hn_bridge_uplink_port(b)) == 0 ||
			     (a->op == HN_OP_REMOVE && strcmp(a->iface, b->name) == 0)))
				return true;
		}
	}
	return false;
}

void hn_uplink_mark_kept(struct hn_config *c, const struct hn_plan *plan)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		struct hn_bridge *b = &c->bridges[i];

		b->uplink_kept = b->uplink[0] && !ovs_removes(plan, b->name) &&
				 !ovs_removes(plan, hn_bridge_uplink_port(b));
	}
}

static bool link_holds6(const struct hn_link_facts *l, const struct in6_addr *a)
{
	for (size_t i = 0; i < held6(l); i++)
		if (memcmp(&l->addrs6[i].addr, a, sizeof(*a)) == 0)
			return true;
	return false;
}

bool hn_uplink_held(const struct hn_config *c, struct hn_session *s)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];
		struct hn_uplink_facts f;

		if (!b->uplink[0])
			continue;
		hn_session_uplink_facts(s, b, &f);
		/* Any address on the NIC counts, not only the config's: a typo in `addresses`
		 * must still meet the probes. */
		if (f.nic.n_addrs || f.nic.n_addrs6)
			return true;
		if (b->n_addresses && link_holds(&f.bridge, b->addresses[0].addr))
			return true;
		if (b->n_addresses6 && link_holds6(&f.bridge, &b->addresses6[0].addr))
			return true;
	}
	return false;
}

/* A bridge whose IPv6 gateway the probes ask: one in the config or learned, and a global
 * address of the host to ask from. */
static bool probes6(const struct hn_bridge *b)
{
	return b->uplink[0] && b->has_gateway6 && b->n_addresses6;
}

/* As for IPv4 below: the IPv6 gateway answers a neighbor solicitation from where the
 * host's address is now. */
static int check_before6(const struct hn_config *c, struct hn_session *s, int timeout_ms)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];
		const struct in6_addr *src;
		char gw[INET6_ADDRSTRLEN];
		struct hn_uplink_facts f;

		if (!probes6(b))
			continue;
		src = &b->addresses6[0].addr;
		inet_ntop(AF_INET6, &b->gateway6, gw, sizeof(gw));
		hn_session_uplink_facts(s, b, &f);
		if (link_holds6(&f.bridge, src) &&
		    hn_verify_gateway_ask6(b->name, src, &b->gateway6, timeout_ms) == 0)
			continue;
		if (hn_verify_gateway_ask6(b->uplink, src, &b->gateway6, timeout_ms) == 0)
			continue;
		return hn_err(-EHOSTUNREACH,
			      "IPv6 gateway %s does not answer neighbor solicitation from %s now "
			      "(waited %d ms): refusing to move the uplink; nothing was changed. "
			      "Check the gateway (or `gateway6:` in the config) first",
			      gw, b->uplink, timeout_ms);
	}
	return 0;
}

int hn_uplink_check_before(const struct hn_config *c, struct hn_session *s, int timeout_ms)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];
		struct hn_uplink_facts f;
		char gw[INET_ADDRSTRLEN];
		struct in_addr src;

		if (!b->uplink[0] || !b->has_gateway || !b->n_addresses)
			continue;
		src = b->addresses[0].addr;
		inet_ntop(AF_INET, &b->gateway, gw, sizeof(gw));
		hn_session_uplink_facts(s, b, &f);
		/* A half-moved host may answer from either side; either proves the gateway. */
		if (link_holds(&f.bridge, src) &&
		    hn_verify_gateway_ask(b->name, src, b->gateway, timeout_ms) == 0)
			continue;
		if (hn_verify_gateway_ask(b->uplink, src, b->gateway, timeout_ms) == 0)
			continue;
		return hn_err(-EHOSTUNREACH,
			      "gateway %s does not answer ARP from %s now (waited %d ms): refusing "
			      "to move the uplink; nothing was changed. Check the gateway (or "
			      "`gateway:` in the config) first",
			      gw, b->uplink, timeout_ms);
	}
	return check_before6(c, s, timeout_ms);
}

int hn_uplink_check_from(const struct hn_config *c, bool from_nic, int timeout_ms,
			 const struct hn_bridge **silent)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];
		const char *from = from_nic && !b->uplink_kept ? b->uplink : b->name;
		int r;

		if (!b->uplink[0] || !b->has_gateway || !b->n_addresses)
			continue;
		r = hn_verify_gateway_ask(from, b->addresses[0].addr, b->gateway, timeout_ms);
		if (r < 0) {
			if (silent)
				*silent = b;
			return r;
		}
	}
	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];
		const char *from = from_nic && !b->uplink_kept ? b->uplink : b->name;
		int r;

		if (!probes6(b))
			continue;
		r = hn_verify_gateway_ask6(from, &b->addresses6[0].addr, &b->gateway6, timeout_ms);
		if (r < 0) {
			if (silent)
				*silent = b;
			return r;
		}
	}
	return 0;
}
