/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Desired (struct hn_config) against current (struct hn_nl_state) -> netlink actions.
 * Pure: no socket, no kernel, so every rule here is unit-tested.
 *
 * For each bridge, on the interface of the same name (the bridge's own internal port):
 * the link up (and its MTU when the config sets one), the config's IPv4 addresses with
 * their exact prefix, its routes in the main table (a bare prefix: dev <bridge>, scope
 * link; {to, via}: through a gateway) and, with `gateway`, a default route through it; the
 * same for an internal port with addresses or routes (without a gateway). ARP hygiene
 * (arp_ignore 1, arp_announce 2, on the link's line) on each bridge's port and internal
 * port, unless the config turns it off; the knobs are read into the state's links by the
 * backend (nl_sysctl.h), a link not read counts as not having them.
 * What hostnet added carries HN_NL_PROTO (nl_state.h); only that is ever removed.
 */
#ifndef HOSTNET_NL_DIFF_H
#define HOSTNET_NL_DIFF_H

#include "backend.h"
#include "netlink.h"
#include "nl_state.h"

enum hn_nl_kind {
	HN_NL_LINK,
	HN_NL_ADDR,
	HN_NL_ROUTE,
};

/* One netlink action: the action's priv. It carries what undoing it needs. */
struct hn_nl_change {
	enum hn_nl_kind kind;
	enum hn_op op;
	/* The interface acted on, by name: a bridge's port may not exist at diff time
	 * (the OVS backend creates it in the same `up`), so its ifindex is looked up when
	 * the action is applied. "" for a route to be removed that has no device. */
	char ifname[IFNAMSIZ];

	/* HN_NL_LINK (always HN_OP_CHANGE): set up (up), the MTU (mtu != 0), the ARP hygiene
	 * (arp: arp_ignore 1, arp_announce 2). */
	bool up, arp;
	unsigned mtu;

	/* HN_NL_ADDR: the address added (CREATE) or removed (REMOVE, as read). */
	struct hn_nl_addr addr;

	/* HN_NL_ROUTE: `route` is the route added (CREATE) or put in place (CHANGE, with
	 * NLM_F_REPLACE); `old` the route replaced (CHANGE) or removed (REMOVE, as read). */
	struct hn_nl_route route, old;

	/* Filled by apply, read by undo. */
	int ifindex;
	bool old_link_up; /* HN_NL_LINK: the link was up before */
	unsigned old_mtu; /* HN_NL_LINK */
	bool link_set;	  /* HN_NL_LINK: up or the MTU was set */
	bool arp_set;	  /* HN_NL_LINK: the ARP knobs were written; their values before: */
	unsigned old_arp_ignore, old_arp_announce;
	bool already_gone; /* REMOVE found nothing to remove: undo has nothing to restore */
	/* What undo puts back (a removed address, a removed or replaced route) lives on this
	 * device, which was up or not when read. By name: undoing `down` re-creates the OVS
	 * bridges, so the device may come back with another ifindex, and down. */
	char old_ifname[IFNAMSIZ];
	bool old_up;
};

/* Append to plan the actions from cur to want (want == NULL or want->down: remove all
 * hostnet owns).
 * Order: links, + addresses, + and ~ routes, - routes, - addresses (new addresses before
 * the routes through them; removing an interface's last address makes the kernel flush
 * its routes, so removals come last). Returns 0, -ENOMEM, or -EEXIST with hn_err() text
 * when the config asks for a route whose place (same prefix, metric 0, main table) is
 * held by a route hostnet did not add, or asks for one twice. */
int hn_nl_diff(const struct hn_nl_state *cur, const struct hn_config *want, struct hn_plan *plan);

/* Helpers of both diffs (nl_diff.c, nl_diff6.c). A new action on obj about ifname appended
 * to plan, its priv a zeroed change of kind and op; NULL: out of memory. */
struct hn_nl_change *hn_nl_plan_add(struct hn_plan *plan, enum hn_nl_kind kind, enum hn_op op,
				    const char *ifname, const struct hn_object *obj);
/* Undo will put back something that lives on ifindex: remember the device by name, and
 * whether it was up. */
void hn_nl_remember(const struct hn_nl_state *s, struct hn_nl_change *c, int ifindex);
/* ifindex's name as read, "ifN" for one not there, "" for 0. buf: IFNAMSIZ bytes. */
const char *hn_nl_ifname(const struct hn_nl_state *s, int ifindex, char *buf);

/* The IPv6 part of hn_nl_diff (nl_diff6.c): the bridges' IPv6 addresses and routes, the
 * uplink move of the NIC's global addresses and IPv6 default route, IPv6 removals. Appends
 * to plan; on failure the caller drops what it appended. */
int hn_nl_diff6(const struct hn_nl_state *cur, const struct hn_config *config,
		struct hn_plan *plan);

/* "10.99.1.0/24 dev brint", "0.0.0.0/0 via 198.51.100.1 dev br0" into buf. */
#define HN_NL_ROUTE_STRLEN 128
char *hn_nl_route_format(const struct hn_nl_route *r, const char *ifname, char *buf);

#endif
