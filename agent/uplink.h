/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The uplink move (ARCHITECTURE.md): the NIC's address, default route and MAC go
 * to its bridge. The backends do the moving (OVS: the port and other_config:hwaddr; netlink:
 * addresses and routes); this file supplies what the config leaves to the live host and
 * guards the move with gateway probes.
 */
#ifndef HOSTNET_UPLINK_H
#define HOSTNET_UPLINK_H

#include "backend.h"

struct hn_session;

/* Default bound of the gateway probe after a move; `up --gateway-timeout MS` changes it. */
#define HN_GATEWAY_TIMEOUT_MS 3000

/*
 * For every bridge with an uplink: its MAC (always), and, when the config omits them, the
 * IPv4 addresses and default gateway the NIC holds now, or the bridge if the move is
 * already done; from the session's read of the kernel (hn_session_uplink_facts). -ENODEV
 * with a message when the uplink NIC does not exist.
 */
int hn_uplink_resolve(struct hn_config *c, struct hn_session *s);

bool hn_plan_moves_uplink(const struct hn_plan *plan);

/*
 * Does plan put an uplink NIC on its bridge (`up`) or take it off (`down`, or the bridge
 * removed with it)? When not, the plan only finishes a move that is half done: the NIC is a
 * port of its bridge already, where on the kernel datapath an address left on the NIC is out
 * of reach, so neither a silent gateway nor a rollback can make the host reachable again.
 */
bool hn_plan_moves_nic(const struct hn_config *c, const struct hn_plan *plan);

/*
 * Does some uplink NIC hold any address, or its bridge the config's first one (IPv4, and
 * IPv6)? When not (a NIC renamed at boot: ifupdown's stanza names the old name, so nothing
 * gave the new one its address), the host cannot be reached as it is: the move cannot cut it
 * off, and a gateway silent from nowhere is no reason to refuse it.
 */
bool hn_uplink_held(const struct hn_config *c, struct hn_session *s);

/*
 * `down`, once the OVS part of plan is known: which uplink bridges stay with their NIC on
 * them (neither is removed: hostnet did not create them), so that the netlink part leaves
 * the address on the bridge instead of giving it back to the NIC (hn_bridge.uplink_kept).
 */
void hn_uplink_mark_kept(struct hn_config *c, const struct hn_plan *plan);

/*
 * Before the move: each uplink bridge's gateway must answer ARP from where the host's
 * address is now (the NIC, or the bridge for a half-moved host). Refuse (-EHOSTUNREACH)
 * otherwise: a host that cannot reach its gateway now would be blamed on the move.
 */
int hn_uplink_check_before(const struct hn_config *c, struct hn_session *s, int timeout_ms);

/* Is b's uplink a bond speaking LACP? Its provider's switch forwards by the NIC only once
 * its own LACP has timed out (`down`) or negotiated (`up`), which a gateway that does not
 * answer within the timeout may be waiting for. */
bool hn_uplink_speaks_lacp(const struct hn_bridge *b);

/* The gateway answers ARP from each uplink bridge's NIC (from_nic) or from the bridge; a
 * bridge that keeps its uplink on `down` (uplink_kept) is probed from the bridge. On failure
 * *silent (when silent is not NULL) is the bridge whose gateway did not answer. */
int hn_uplink_check_from(const struct hn_config *c, bool from_nic, int timeout_ms,
			 const struct hn_bridge **silent);

#endif
