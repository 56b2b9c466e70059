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

/*
 * One change to the host. The text fields are for people and for --json; `priv` is the
 * backend's own description of the change, including what it needs to undo it (the old
 * value is read at diff time, so the inverse is known before anything is touched).
 */
struct hn_action {
	enum hn_layer layer;
	enum hn_op op;
	char object[128]; /* "bridge br0", "port brint", "address 10.99.1.250/32 on brint" */
	/* The interface the action is about: the bridge, port or link it makes, changes or
	 * removes ("" for a libvirt network). The agent's uplink bookkeeping reads it. */
	char iface[16];
	char detail[256]; /* "tag 10 -> 99"; may be empty */
	bool disruptive;  /* e.g. restarts a libvirt network VMs are using: announced */
	/* Changes how the host reaches its gateway (the uplink NIC joins or leaves its bridge,
	 * an address or the default route moves): the agent probes the gateway before and
	 * after, and rolls everything back when it stops answering. */
	bool uplink;
	void *priv;
};

struct hn_plan {
	struct hn_action **actions;
	size_t n, cap;
	/* What the plan deliberately leaves as it is and the user would otherwise expect to
	 * change (`down` keeping an uplink on a bridge hostnet did not create): one line each. */
	char **notes;
	size_t n_notes;
};

/* Append a new zeroed action to plan; NULL on allocation failure. */
struct hn_action *hn_plan_add(struct hn_plan *plan, enum hn_layer layer, enum hn_op op,
			      const char *object_fmt, ...) __attribute__((format(printf, 4, 5)));
void hn_action_detail(struct hn_action *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
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
};

/* A bridge with an uplink: its NIC and the bridge's own interface, as the last read saw them. */
struct hn_uplink_facts {
	struct hn_link_facts nic, bridge;
};

struct hn_backend {
	const char *name; /* "ovs", "netlink", "libvirt" */
	enum hn_layer layer;

	/* Connect (bounded by opts->timeout_ms). *state is the backend's own. */
	int (*open)(const struct hn_opts *opts, void **state);
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
};

/* Each backend is declared in its library's public header: hn_ovs_backend (ovs.h),
 * hn_netlink_backend (netlink.h), hn_virt_backend (virt.h). */

#endif
