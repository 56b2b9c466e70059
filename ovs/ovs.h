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

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

extern const struct hn_backend hn_ovs_backend;

/*
 * hostnet's OVSDB client (RFC 7047), for any database an ovsdb-server serves: the switch's
 * Open_vSwitch, OVN's OVN_Northbound and OVN_Southbound. A JSON-RPC 1.0 connection over
 * "unix:PATH" or "tcp:IP:PORT"; every call is bounded by the connection's timeout, failures
 * are recorded with hn_err() naming the server and what it did.
 */
struct hn_ovs_rpc;

/* Connect, bounded by timeout_ms. */
int hn_ovs_rpc_open(const char *addr, int timeout_ms, struct hn_ovs_rpc **out);
/* The same to another server that speaks JSON-RPC 1.0 (ovs-vswitchd's control socket, OVN's
 * databases): peer names it in messages, and must outlive the connection. */
int hn_ovs_rpc_open_peer(const char *addr, const char *peer, int timeout_ms,
			 struct hn_ovs_rpc **out);
void hn_ovs_rpc_close(struct hn_ovs_rpc *rpc);
const char *hn_ovs_rpc_name(const struct hn_ovs_rpc *rpc);
/*
 * Send {"method": method, "params": params, "id": N} and wait for the reply with that id,
 * at most the connection's timeout. params is stolen. On success *result is the reply's
 * "result" (the caller's reference). A reply with a non-null "error" is -EREMOTEIO with
 * the server's error and details in the message. Echo requests from the server are
 * answered; notifications that arrive meanwhile are kept for hn_ovs_rpc_notification().
 */
int hn_ovs_rpc_call(struct hn_ovs_rpc *rpc, const char *method, json_t *params, json_t **result);

/* "error: details" of an OVSDB error object ({"error": ..., "details": ...}) into buf. */
const char *hn_ovs_error_text(const json_t *error, char *buf, size_t len);

/* OVSDB's JSON notation (RFC 7047 section 5.1). */
const char *hn_ovs_json_uuid(const json_t *v); /* ["uuid", "..."] */
/* The atoms of a set: ["set", [...]], or a lone atom standing for a set of one. */
size_t hn_ovs_json_set_size(const json_t *v);
json_t *hn_ovs_json_set_at(const json_t *v, size_t i);
/* map lookup in ["map", [[k, v], ...]]; NULL when absent. */
const json_t *hn_ovs_json_map_get(const json_t *map, const char *key);

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
