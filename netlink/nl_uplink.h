/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Facts about one link in a read snapshot, for the uplink move (the NIC's address, default
 * route and MAC go to its bridge, so the agent must know them before any diff): the backend
 * hands them to the agent through its uplink_facts verb (backend.h).
 *
 * They look at the snapshot only (no kernel round trip); the helpers return a negative
 * errno with hn_err() text when the link or the fact is missing.
 */
#ifndef HOSTNET_NL_UPLINK_H
#define HOSTNET_NL_UPLINK_H

#include "backend.h"
#include "nl_state.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* Everything below about one link at once; out->exists false when there is no such link. */
void hn_nl_link_facts(const struct hn_nl_state *s, const char *ifname, struct hn_link_facts *out);

/*
 * The NIC that has MAC mac, for an uplink found by its MAC: a link with that address that is
 * not `bridge` (which takes its uplink's MAC) and not of a kind that copies a MAC from the
 * device under it (VLAN, macvlan, bond, team, bridge, OVS and tap devices). *n is how many
 * such links there are; the first is *found (NULL when none), another *also.
 */
void hn_nl_nic_by_mac(const struct hn_nl_state *s, const uint8_t mac[6], const char *bridge,
		      const struct hn_nl_link **found, const struct hn_nl_link **also, unsigned *n);

/* The links of b's uplink as the snapshot has them: its NIC, or each NIC of its bond
 * (those that exist), into out (HN_BOND_MAX at most); how many. */
size_t hn_nl_uplink_nics(const struct hn_nl_state *s, const struct hn_bridge *b,
			 const struct hn_nl_link *out[HN_BOND_MAX]);

/* The link's hardware address. -ENODEV: no such link; -ENOENT: it has none. */
int hn_nl_link_mac(const struct hn_nl_state *s, const char *ifname, uint8_t mac[6]);

/* The link's IPv4 addresses with their prefix length, in the kernel's order (primary
 * first), at most max of them into out; *n is how many the link has (may exceed max).
 * -ENODEV: no such link. */
int hn_nl_link_ipv4(const struct hn_nl_state *s, const char *ifname, struct hn_prefix *out,
		    size_t max, size_t *n);

/* The gateway of the main table's default route through the link (lowest metric).
 * -ENODEV: no such link; -ENOENT: no default route with a gateway through it. */
int hn_nl_default_gateway(const struct hn_nl_state *s, const char *ifname, struct in_addr *gw);

#endif
