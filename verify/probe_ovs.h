/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Probe ports on the switch: all of a run's ports added in ONE OVSDB transaction, removed in
 * one, each marked external_ids:hostnet-probe=PID:STARTTIME (probe_owner.h) so a later run
 * can tell a killed run's leftovers from a live run's probes. Built on the ovs room's RFC
 * 7047 connection (ovs/ovsdb_rpc.h); verify has no OVSDB client of its own.
 */
#ifndef HOSTNET_VERIFY_PROBE_OVS_H
#define HOSTNET_VERIFY_PROBE_OVS_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>

struct hn_probe_ovs;

struct hn_probe_port {
	const char *name;		 /* the host-side link */
	unsigned tag;			 /* access port on this VLAN; 0 for a trunk */
	const struct hn_vlanset *trunks; /* trunk port carrying this set; NULL for access */
};

int hn_probe_ovs_open(const char *ovsdb, int timeout_ms, struct hn_probe_ovs **out);
void hn_probe_ovs_close(struct hn_probe_ovs *o);

/* Remove every marked port whose run is gone, from whatever bridge holds it, in one
 * transaction. *removed counts them. */
int hn_probe_ovs_sweep(struct hn_probe_ovs *o, size_t *removed);

/*
 * Add ports[0..n) to bridge in one transaction marked with mark, then wait (bounded) until
 * ovs-vswitchd has applied it and opened every interface. On failure what was added is
 * removed again. -ENODEV: an interface could not be opened (message names it).
 */
int hn_probe_ovs_attach(struct hn_probe_ovs *o, const char *bridge,
			const struct hn_probe_port *ports, size_t n, const char *mark);
/*
 * Remove what attach added, in one transaction, and wait (bounded) until ovs-vswitchd has
 * let go of the interfaces: a link deleted while it still reads from it fills its log with
 * errors. On the userspace datapath that wait is most of a run's clean-up: ovs-vswitchd
 * closes one packet socket per port, each close waiting out a kernel RCU grace period.
 */
int hn_probe_ovs_detach(struct hn_probe_ovs *o);

#endif
