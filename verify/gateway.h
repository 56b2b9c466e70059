/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The uplink side: for each bridge with an uplink, what the kernel shows (the bridge has the
 * uplink's MAC, the uplink has no IPv4 address left) and whether the gateway answers ARP
 * from the bridge. The ARP goes out of the uplink, so it is sent only from the bridge's own
 * MAC, and only when that MAC is the uplink's (ARCHITECTURE.md, the rules): an unknown MAC on the
 * provider's port gets the server blocked.
 */
#ifndef HOSTNET_VERIFY_GATEWAY_H
#define HOSTNET_VERIFY_GATEWAY_H

#include "backend.h"
#include "checks.h"
#include "reach.h"

struct hn_verify_gateway_probe {
	struct hn_verify_reach_run run;
	int sock; /* AF_PACKET on the bridge, ARP only; -1 when not probing */
};

/*
 * The checks of what the kernel shows of bridge b (which has an uplink): f, read by the
 * agent. Then make g ready for the listening window (0), or append why the gateway is not
 * probed and return 1. With probe false, only the kernel checks. Negative errno: out of
 * memory.
 */
int hn_verify_gateway_prepare(const struct hn_bridge *b, const struct hn_uplink_facts *f,
			      bool probe, struct hn_verify_gateway_probe *g,
			      struct hn_verify_checks *out);
void hn_verify_gateway_close(struct hn_verify_gateway_probe *g);

/* How long verify waits for the IPv6 gateway's advertisement. */
#define HN_VERIFY_GATEWAY6_MS 1000

/*
 * IPv6, for a bridge b with an uplink and a gateway6 (in the config or learned): the NIC has
 * no global IPv6 address left, and, with probe, the gateway answers a neighbor solicitation
 * from the bridge (its MAC, its first global address), within HN_VERIFY_GATEWAY6_MS. Nothing
 * when b has no IPv6. Negative errno: out of memory.
 */
int hn_verify_gateway6_check(const struct hn_bridge *b, const struct hn_uplink_facts *f, bool probe,
			     struct hn_verify_checks *out);

#endif
