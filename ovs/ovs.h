/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ovs library: Open vSwitch through its database (RFC 7047), on hostnet's own client.
 * What other folders may use of it:
 * - the OVS backend (backend.h);
 * - ports outside the config, for verify's probes: added and removed in one transaction each,
 *   marked in external_ids so that a later run finds what a killed one left. They go
 *   through the same connection code, transactions and cur_cfg wait as the backend's.
 */
#ifndef HOSTNET_OVS_H
#define HOSTNET_OVS_H

#include "backend.h"

#include <stdbool.h>
#include <stddef.h>

extern const struct hn_backend hn_ovs_backend;

/* A connection for ports outside the config. */
struct hn_ovs_ports;

struct hn_ovs_port_spec {
	const char *name;		 /* a system device: the port and its interface */
	unsigned tag;			 /* access port on this VLAN; 0 for a trunk */
	const struct hn_vlanset *trunks; /* trunk port carrying this set; NULL for access */
};

/* A marked port, as found on a bridge. */
struct hn_ovs_marked {
	char name[64];
	char mark[64]; /* the value of the mark's key */
	char uuid[40], bridge_uuid[40];
};

int hn_ovs_ports_open(const char *ovsdb, int timeout_ms, struct hn_ovs_ports **out);
void hn_ovs_ports_close(struct hn_ovs_ports *o);

/* Every port on a bridge whose external_ids hold key, from one read: *out (free() it),
 * bridge after bridge. */
int hn_ovs_ports_marked(struct hn_ovs_ports *o, const char *key, struct hn_ovs_marked **out,
			size_t *n);
/* Remove ports[0..n), as hn_ovs_ports_marked found them, from their bridges in one
 * transaction, and wait (bounded) until ovs-vswitchd has applied it. */
int hn_ovs_ports_remove(struct hn_ovs_ports *o, const struct hn_ovs_marked *ports, size_t n);

/*
 * Add ports[0..n) to bridge in one transaction, each port and interface marked
 * external_ids:key=value, then wait (bounded) until ovs-vswitchd has applied it and opened
 * every interface. On failure what was added is removed again. -ENODEV: no such bridge, or
 * an interface could not be opened (the message names it).
 */
int hn_ovs_ports_add(struct hn_ovs_ports *o, const char *bridge,
		     const struct hn_ovs_port_spec *ports, size_t n, const char *key,
		     const char *value);
/*
 * Remove what hn_ovs_ports_add added, in one transaction, without waiting for ovs-vswitchd
 * to let go of the interfaces: on the userspace datapath that takes it a kernel RCU grace
 * period per port (it closes one packet socket each), most of a probe run's time. A link
 * deleted meanwhile makes it log one "Network is down" for the port; a later run's
 * hn_ovs_ports_add waits for the rest, as it waits for its own ports.
 */
int hn_ovs_ports_remove_added(struct hn_ovs_ports *o);

#endif
