/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the agent may ask the netlink backend besides the backend verbs: facts about one
 * link from the last read, for the uplink move (issue #6: the NIC's address, default route
 * and MAC go to br0, so the agent must know them before any diff).
 *
 * Use: after hn_netlink_backend.read(state), s = hn_netlink_snapshot(state), then the
 * helpers below on s. They look at the snapshot only (no kernel round trip), return a
 * negative errno with hn_err() text when the link or the fact is missing.
 */
#ifndef HOSTNET_NL_UPLINK_H
#define HOSTNET_NL_UPLINK_H

#include "model.h"
#include "nl_state.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* The state of the last read of the backend state `nl` (the session's netlink state). */
const struct hn_nl_state *hn_netlink_snapshot(void *nl);

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
