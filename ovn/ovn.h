/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ovn library: the fleet's VLAN networks described to OVN's northbound database
 * (`hostnet ovn-sync`), through the ovs library's OVSDB client. Each network of the config's
 * ovn.networks is a Logical_Switch of its name with one Logical_Switch_Port of type localnet
 * named NETWORK-localnet (options:network_name the physical network, tag_request the VLAN,
 * addresses unknown), both marked external_ids:hostnet-owner=hostnet, the switch also
 * external_ids:hostnet-vlan=VLAN. A network without a physical network is an overlay
 * network: its switch has no localnet port, OVN carries it between chassis through the
 * tunnels only, and its VLAN is that external_ids key alone. Only marked switches
 * and ports are ever changed or removed; a switch of a wanted name that is not hostnet's is
 * refused, never taken over. The chassis settings are the ovs library's (`up`).
 */
#ifndef HOSTNET_OVN_H
#define HOSTNET_OVN_H

#include "backend.h"
#include "model.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define HN_OVN_NB_DB "OVN_Northbound"

/* One change, as a plan line says it: "+ ovn      switch vlan10: vlan 10 on provider". */
struct hn_ovn_change {
	enum hn_op op;
	char lswitch[72]; /* the switch it is, or is on */
	char object[160]; /* "switch vlan10", "port vlan10-localnet on vlan10" */
	char detail[256];
	bool disruptive; /* takes ports hostnet did not make with it */
};

/* What the read holds of a network the config asks for (verify's lines). */
struct hn_ovn_seen {
	const struct hn_ovn_network *want;
	bool exists;	  /* a switch of its name, hostnet's */
	bool has_port;	  /* with hostnet's localnet port */
	long long vlan;	  /* its tag_request; 0 none */
	char physnet[72]; /* its options:network_name; "" none */
	char label[16];	  /* the switch's external_ids:hostnet-vlan; "" none */
	/* An overlay network's switch: a localnet port hostnet did not make (its physnet in
	 * physnet), "" none. */
	char localnet[72];
};

struct hn_ovn_plan {
	struct hn_ovn_change *v;
	size_t n;
	struct hn_ovn_seen *seen; /* one per network of the config, in its order */
	size_t n_seen;
	json_t *ops; /* the transaction's operations, waits first */
};

/* The params of the transact that reads what a diff compares. */
json_t *hn_ovn_read_params(void);
/* Pure: the plan that makes the database read (that transact's result) match want; want
 * NULL: every switch and port hostnet made goes (`ovn-sync --down`). -EEXIST with a message
 * for a switch of a wanted name that is not hostnet's, -EPROTO for a result of another
 * shape. */
int hn_ovn_diff(const json_t *read, const struct hn_config_ovn *want, struct hn_ovn_plan *plan);
void hn_ovn_plan_free(struct hn_ovn_plan *plan);

/*
 * Connect to northbound (bounded by timeout_ms per call), read, diff into plan, and when
 * apply and the plan is not empty commit it as one transaction. Another client changing what
 * the diff read makes the transaction fail as a whole: read and diff again, a few times.
 */
int hn_ovn_sync(const char *northbound, const struct hn_config_ovn *want, int timeout_ms,
		bool apply, struct hn_ovn_plan *plan);

/*
 * verify: an observation (kind chassis, named by the system-id) of this host's chassis as the
 * southbound database (the first tcp: or unix: address of o->remote) has it, with its encap
 * as a field. Registered with the encap given: as wanted. Not registered, or with another
 * encap: wrong (CRITICAL). The database out of reach: unsure (UNKNOWN). Nothing without a
 * chassis in the config. -ENOMEM only.
 */
int hn_ovn_chassis_observe(const struct hn_config_ovn *o, int timeout_ms, struct hn_plan *plan);

/*
 * verify: an observation (kind switch) of each network of the config as the northbound
 * database has it (its localnet port's vlan and physnet), and an action on a switch for each
 * change `ovn-sync` would make (CRITICAL: a VLAN handed to another switch by hand is a leak
 * across hosts). The database out of reach: each observation unsure. Nothing without
 * o->northbound. -ENOMEM only.
 */
int hn_ovn_networks_observe(const struct hn_config_ovn *o, int timeout_ms, struct hn_plan *plan);

#endif
