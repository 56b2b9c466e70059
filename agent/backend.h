/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every backend (ovs/, netlink/, virt/) offers the agent: read the current state,
 * diff it against the desired state into actions, apply actions, undo applied actions.
 * A backend never calls another backend; the agent orders their actions.
 */
#ifndef HOSTNET_BACKEND_H
#define HOSTNET_BACKEND_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Global options, from the command line. */
struct hn_opts {
	const char *config_path; /* default /etc/hostnet/hostnet.yaml */
	const char *ovsdb;	 /* default unix:/var/run/openvswitch/db.sock */
	const char *libvirt;	 /* default qemu:///system */
	int timeout_ms;		 /* bound of every wait on a daemon; default 5000 */
	/* --layers (tests and debugging): bit 1 << enum hn_layer for each layer to use;
	 * 0, the default and the only thing a production run does: every layer. */
	unsigned layers;
	bool json;
	bool dry_run;
};

/* Apply order on `up`; `down` and rollback walk it backwards. */
enum hn_layer {
	HN_LAYER_OVS,
	HN_LAYER_NETLINK,
	HN_LAYER_VIRT,
	HN_LAYER_COUNT,
};

enum hn_op {
	HN_OP_CREATE, /* printed '+' */
	HN_OP_CHANGE, /* printed '~' */
	HN_OP_REMOVE, /* printed '-' */
};

/* What an action or an observation is about. Each kind belongs to one layer
 * (hn_kind_layer). */
enum hn_kind {
	HN_KIND_BRIDGE,	 /* ovs: a bridge */
	HN_KIND_PORT,	 /* ovs: a port, and its interface of the same name, on a bridge */
	HN_KIND_LINK,	 /* netlink: a network interface */
	HN_KIND_ADDRESS, /* netlink: an IPv4 address on a link */
	HN_KIND_ROUTE,	 /* netlink: a route of the main table */
	HN_KIND_NETWORK, /* libvirt: a network */
	HN_KIND_SETTING, /* ovs: a key of the Open_vSwitch row's external_ids (OVN's chassis) */
	HN_KIND_CHASSIS, /* ovs: the host's chassis in OVN's southbound database (verify only) */
	HN_KIND_SWITCH,	 /* ovs: a logical switch of OVN's northbound database (verify only) */
	HN_KIND_COUNT,
};

/*
 * An object of the host, as data. People read it as hn_object_format (plan.h) writes it:
 * "bridge br0", "port br0" (a bridge's own port), "port eno1 on br0", "link brint",
 * "address 10.99.1.250/32 on brint", "route 0.0.0.0/0 via 198.51.100.1 dev br0",
 * "network intern-vlans". Two objects are the same when every member is.
 */
struct hn_object {
	enum hn_kind kind;
	/* A bridge, port, link or network name; an address "10.99.1.250/32"; a route's
	 * destination "0.0.0.0/0". */
	char name[64];
	char on[64];	/* a port's bridge, an address's link, a route's device ("": none) */
	char via[46];	/* a route's gateway, IPv4 or IPv6 ("": none) */
	bool multipath; /* a route with several next hops; `on` is the first one's device */
};

/* How a field reads in a plan line (plan_print.c). */
enum hn_shown {
	HN_SHOWN_NAMED,	   /* "tag 10 -> 99", "mtu -> 9000"; on a create "tag 99" */
	HN_SHOWN_BARE,	   /* the values alone: "absent -> up"; on a create "internal" */
	HN_SHOWN_REPLACED, /* "replaces " and the value read: what holds the object's place */
	HN_SHOWN_NOT,	   /* data only (--json, verify): the action's remark says it */
};

/*
 * Where an action falls in the uplink move, which hn_plan_order follows across layers. On
 * the kernel datapath the NIC's own address stops receiving the moment the NIC joins its
 * bridge, so on `up` the bridge first gets ready (made, up, with the host's address: MAIN),
 * then the NIC joins it (NIC), then the default route and the NIC's address move over
 * (SWITCH); `down` runs it backwards: the NIC gets its address and route back (SWITCH),
 * leaves the bridge (NIC), then the rest goes (MAIN). No frame finds the host without an
 * address on the interface that receives it.
 */
enum hn_stage {
	HN_STAGE_MAIN,	 /* everything but the two below */
	HN_STAGE_NIC,	 /* the uplink NIC joins (up) or leaves (down) its bridge */
	HN_STAGE_SWITCH, /* the default route and the NIC's addresses move */
};

/*
 * One property of an object: the value read from the host and the value the config wants,
 * each formatted by the backend as people write it ("99", "none", "[10,20]", "netdev"), or
 * absent. The values stay in their slots: nothing parses them back.
 */
#define HN_VALUE_LEN  160
#define HN_FIELDS_MAX 8
struct hn_field {
	char name[16]; /* "tag", "datapath", "mtu" */
	bool has_read, has_want;
	char read[HN_VALUE_LEN], want[HN_VALUE_LEN];
	enum hn_shown shown;
};

struct hn_fields {
	struct hn_field v[HN_FIELDS_MAX];
	size_t n;
};

/*
 * One change to the host: the object and the fields that change (a removal has none). The
 * plan line people read is derived from them (hn_action_detail, plan.h); `remark` says
 * what the fields do not: a reason ("not hostnet's; the uplink move takes it"), libvirt's
 * steps ("redefine, restart"). `priv` is the backend's own description of the change,
 * including what it needs to undo it (the old value is read at diff time, so the inverse
 * is known before anything is touched).
 */
struct hn_action {
	enum hn_layer layer; /* hn_kind_layer(obj.kind) */
	enum hn_op op;
	struct hn_object obj;
	struct hn_fields fields;
	char remark[256];
	/* The interface the action is about: the bridge, port or link it makes, changes or
	 * removes ("" for a libvirt network). The agent's uplink bookkeeping reads it. */
	char iface[16];
	bool disruptive; /* e.g. restarts a libvirt network VMs are using: announced */
	enum hn_stage stage;
	/* Changes how the host reaches its gateway (the uplink NIC joins or leaves its bridge,
	 * an address or the default route moves): the agent probes the gateway before and
	 * after, and rolls everything back when it stops answering. */
	bool uplink;
	void *priv;
};

/*
 * What a diff read of one object the config asks for, whether or not it plans a change to
 * it: each field with the value read and the value wanted (a reading the diff does not
 * compare, such as a link's MTU the config leaves alone, has no wanted value). `plan` and
 * `up` ignore them; verify reports them, so that what it says it found was read.
 */
struct hn_observation {
	struct hn_object obj;
	bool exists;	  /* on the host; false: the fields hold what is wanted only */
	bool want_absent; /* the config asks for it to be gone (libvirt.undefine) */
	struct hn_fields fields;
	/* Set when the read cannot say whether the object is as wanted, and why. */
	char unsure[192];
	/* Set when the object is not as wanted in a way no action of hostnet's sets right (an
	 * OVN chassis another daemon registers), and why: verify says CRITICAL. */
	char wrong[192];
};

struct hn_plan {
	struct hn_action **actions;
	size_t n, cap;
	/* Observations are kept only when observe is set (verify); otherwise each one the diff
	 * makes lands in scratch and is forgotten, so `plan` and `up` pay nothing for them. */
	bool observe;
	struct hn_observation **observed;
	size_t n_observed, cap_observed;
	struct hn_observation scratch;
	/* What the plan deliberately leaves as it is and the user would otherwise expect to
	 * change (`down` keeping an uplink on a bridge hostnet did not create): one line each. */
	char **notes;
	size_t n_notes;
};

enum hn_layer hn_kind_layer(enum hn_kind kind);
/* obj = {kind, name, on, via}; on and via may be NULL. */
void hn_object_set(struct hn_object *obj, enum hn_kind kind, const char *name, const char *on,
		   const char *via);
bool hn_object_equal(const struct hn_object *a, const struct hn_object *b);

/* Append a new action on obj to plan (its layer is obj's); NULL on allocation failure. */
struct hn_action *hn_plan_add(struct hn_plan *plan, enum hn_op op, const struct hn_object *obj);
void hn_action_remark(struct hn_action *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append what the diff read of obj; NULL on allocation failure. */
struct hn_observation *hn_plan_observe(struct hn_plan *plan, const struct hn_object *obj,
				       bool exists);
/* Append a field; read or want NULL: absent. Values longer than HN_VALUE_LEN are cut. */
void hn_fields_add(struct hn_fields *f, const char *name, enum hn_shown shown, const char *read,
		   const char *want);
/* Append a note to plan; -ENOMEM when it cannot be stored. */
int hn_plan_note(struct hn_plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What the kernel shows of one link, for the uplink move and its checks. */
#define HN_LINK_ADDRS_MAX 16
struct hn_link_facts {
	bool exists;
	int ifindex;
	bool has_mac;
	uint8_t mac[6];
	/* Its IPv4 addresses in the kernel's order (primary first); n_addrs counts them all,
	 * addrs holds the first HN_LINK_ADDRS_MAX. */
	struct hn_prefix addrs[HN_LINK_ADDRS_MAX];
	size_t n_addrs;
	/* The gateway of the main table's default route through it (the lowest metric). */
	bool has_gateway;
	struct in_addr gateway;
	/* IPv6: its global addresses (not link-local, not temporary privacy ones), the first
	 * HN_LINK_ADDRS_MAX, and the gateway of its IPv6 default route. */
	struct hn_prefix6 addrs6[HN_LINK_ADDRS_MAX];
	size_t n_addrs6;
	bool has_gateway6;
	struct in6_addr gateway6;
};

/* A bridge with an uplink: its NIC and the bridge's own interface, as the last read saw them.
 * For an uplink found by MAC (hn_bridge.uplink_by_mac), nic is the link with that MAC: its
 * name in nic_name, and how many links have it in n_by_mac (0: none, nic.exists false; more
 * than 1: one of the others in also_name). */
struct hn_uplink_facts {
	struct hn_link_facts nic, bridge;
	char nic_name[IFNAMSIZ];
	unsigned n_by_mac;
	char also_name[IFNAMSIZ];
};

/* One entry of a bridge's MAC learning table: a source MAC the switch saw on a port. */
struct hn_learned_mac {
	struct hn_mac mac;
	unsigned vlan;
	/* The port it was seen on, as OVSDB names it; "" when the switch names a port OVSDB
	 * does not know (then ofport says which). */
	char port[64];
	unsigned ofport; /* OpenFlow port number; 65534 for the bridge's own port */
	int age;	 /* seconds since it was last seen; -1 for a static entry */
};

struct hn_learned {
	struct hn_learned_mac *v; /* malloc'd: free() it */
	size_t n;
};

/* One member of a bond as ovs-vswitchd shows it (bond/show, lacp/show). */
struct hn_bond_member {
	char name[64];
	bool enabled; /* "member eno1: enabled": the bond may send through it */
	bool active;  /* the active member (active-backup) */
	/* lacp/show's word for it ("current attached", "defaulted detached"); "" without
	 * LACP. */
	char lacp[64];
};

/* A bond port's state: its members, and whether LACP is negotiated. */
struct hn_bond_state {
	char lacp_status[32]; /* bond/show's lacp_status: "off", "negotiated", "configured" */
	struct hn_bond_member members[HN_BOND_MAX];
	size_t n_members; /* those shown, at most HN_BOND_MAX */
};

/*
 * `hostnet import`: the host described as a config, each layer adding what it reads, and
 * what a config cannot say about it, one line each (written as YAML comments).
 */
struct hn_import {
	struct hn_config config;
	char **notes;
	size_t n_notes;
};
/* Append a note; -ENOMEM when it cannot be stored. */
int hn_import_note(struct hn_import *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct hn_backend {
	const char *name; /* "ovs", "netlink", "libvirt" */
	enum hn_layer layer;

	/* Optional: the set-up that asks no daemon (a client library's own), run once, in a
	 * thread of its own while the other layers work (hn_backend_preload). */
	void (*prepare)(void);
	/* Connect (bounded by opts->timeout_ms). *state is the backend's own. */
	int (*open)(const struct hn_opts *opts, void **state);
	/* Optional: open as open() does, but only at once (waiting for nothing), and ask the
	 * daemon for the state the first read() then takes: the agent asks before it loads the
	 * config, which the daemon's answer overlaps. A negative errno: the agent opens as
	 * usual, and says nothing of it. */
	int (*ask)(const struct hn_opts *opts, void **state);
	/* Read the current state of the host (may be called again after apply). */
	int (*read)(void *state);
	/* Append to plan the actions that turn the current state into want. want == NULL or
	 * want->down: remove everything hostnet owns (`down`); with want->down the config
	 * still says which NIC was each bridge's uplink, so it gets its address back. */
	int (*diff)(void *state, const struct hn_config *want, struct hn_plan *plan);
	/* Apply acts[0..n) in order; *done says how many took effect (for undo). -EAGAIN
	 * with *done == 0: another client changed what the last read saw, and nothing was
	 * applied; the agent then reads and diffs the layer again, shows the new actions and
	 * applies them, unless they remove or disrupt something the user was not shown. */
	int (*apply)(void *state, struct hn_action **acts, size_t n, size_t *done);
	/* Undo acts[0..n), which were applied, in reverse order. Best effort: goes on
	 * after a failure and returns the first error. */
	int (*undo)(void *state, struct hn_action **acts, size_t n);
	void (*free_priv)(void *priv);
	void (*close)(void *state);
	/* Optional, the layer that reads the kernel (netlink): what its last read shows of
	 * bridge b's uplink NIC and of b's own interface. The agent completes the config with
	 * them (the NIC's MAC, addresses and gateway) and guards the uplink move. */
	void (*uplink_facts)(void *state, const struct hn_bridge *b, struct hn_uplink_facts *out);
	/* Optional, the layer of the switch (ovs): bridge's MAC learning table as the switch
	 * holds it now (verify's uplink MAC guard), asked of ovs-vswitchd beside the --ovsdb
	 * socket (its pid file and control socket in the same directory). 0, or a negative
	 * errno with hn_err text. */
	int (*learned_macs)(void *state, const char *bridge, struct hn_learned *out);
	/* Optional, the layer of the switch (ovs): bond port's state as ovs-vswitchd holds it
	 * now (bond/show, and lacp/show when lacp), asked as learned_macs is. 0, or a negative
	 * errno with hn_err text. */
	int (*bond_state)(void *state, const char *port, bool lacp, struct hn_bond_state *out);
	/* Optional (import): add to im what the last read shows of this layer's part of the
	 * host. The layers before it (enum hn_layer's order) have added theirs: the kernel
	 * finds the uplink among the ports the switch holds, libvirt's networks name the
	 * bridges. 0, or a negative errno with hn_err text. */
	int (*describe)(void *state, struct hn_import *im);
};

/* Each backend is declared in its library's public header: hn_ovs_backend (ovs.h),
 * hn_nl_backend (netlink.h), hn_virt_backend (virt.h). */

#endif
