/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The uplink MAC guard: the provider blocks the server's switch port when a frame leaves
 * the uplink from a MAC it does not know, and any port of the uplink bridge (a VM's tap on
 * ovs-front, a namespace's veth) can send one. The switch's MAC learning table says which
 * source MACs it has seen on the bridge's ports; every one seen on a port other than the
 * uplink NIC is a MAC that would leave through the uplink. Only the NIC's own MAC (which
 * the bridge carries) and the MACs the config registers (bridges.X.uplink_macs) may.
 */
#ifndef HOSTNET_VERIFY_MAC_GUARD_H
#define HOSTNET_VERIFY_MAC_GUARD_H

#include "checks.h"
#include "verify.h"

/* One check per bridge of want with an uplink: CRITICAL naming every foreign MAC and the
 * port it was seen on, UNKNOWN when the table could not be read. -ENOMEM. */
int hn_verify_mac_guard(const struct hn_config *want, const struct hn_verify_host *host,
			struct hn_verify_checks *out);

#endif
