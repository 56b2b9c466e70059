/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What hostnet reads of the Open_vSwitch database: the bridges, their ports and the
 * interfaces' types, as the initial contents of a monitor_cond (one consistent snapshot;
 * ovsdb-server makes them in three quarters of the time the same columns take as a
 * transaction of selects), which is cancelled as soon as it has answered. Only the
 * columns a diff compares are read: ovsdb-server's time to answer grows with every column
 * of every row, and a converged `up` is nothing but this read. monitor_cond, unlike
 * monitor, leaves a column at its default value out of the row: a third less to send and
 * scan for a host of access ports. The reply is read with the
 * scanner (json_scan.h), not built with jansson: that was most of a converged run. The
 * rows stay as the server sent them (text, made json on first use) so waits and undo can
 * quote the old values exactly.
 */
#ifndef HOSTNET_OVS_DB_H
#define HOSTNET_OVS_DB_H

#include "error.h"
#include "model.h"
#include "ovs.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* external_ids key on every Bridge, Port and Interface hostnet creates. */
#define HN_OVS_OWNER_KEY   "hostnet-owner"
#define HN_OVS_OWNER_VALUE "hostnet"
#define HN_OVS_DB_NAME	   "Open_vSwitch"

struct hn_ovs_strmap {
	struct hn_ovs_strmap_slot {
		const char *key;
		size_t value;
	} * slots;
	size_t cap, n;
};

/* The tables read, in the order hn_ovs_row.table names them. */
enum hn_ovs_table { HN_OVS_ROOT, HN_OVS_BRIDGE, HN_OVS_PORT, HN_OVS_IFACE, HN_OVS_N_TABLES };

/* A row as the server sent it: json only for the few rows a change quotes (waits, undo). */
struct hn_ovs_row {
	const char *uuid; /* the monitor's key for it */
	const char *text; /* its columns, without _uuid (hn_ovs_row_json adds it) */
	size_t len;
	enum hn_ovs_table table;
	json_t *json;
};

/* The row as json (borrowed, kept with the db), every column read in it: those the server
 * left out at their default value too. NULL when out of memory. */
json_t *hn_ovs_row_json(struct hn_ovs_row *row);

/* Only name, type and the MTU asked are read: a port's own interface has the port's name,
 * and those are all the diff compares. The device's MTU, which every interface has, is
 * fetched only when verify observes, for those the config gives one
 * (hn_ovs_db_device_mtus_params); removals fetch whole rows later (ovs_diff.h). */
struct hn_ovs_iface {
	const char *uuid;
	const char *name, *type; /* type "" = a system device */
	unsigned mtu_request;	 /* 0 = unset */
	unsigned mtu;		 /* as ovs-vswitchd reports the device's; 0 = unknown */
	struct hn_ovs_row *row;
};

struct hn_ovs_port {
	const char *uuid, *name;
	unsigned tag; /* 0 = none */
	struct hn_vlanset trunks;
	const char *vlan_mode; /* NULL = unset */
	/* A bond's: bond_mode and lacp (NULL = unset), other_config:bond-primary, and the
	 * uuids of its interfaces (every port's; a bond has more than one). */
	const char *bond_mode, *lacp, *bond_primary;
	const char **iface_uuids;
	size_t n_ifaces;
	bool owned;
	long bridge; /* index into db->bridges of the bridge holding it; -1: none */
	struct hn_ovs_row *row;
};

struct hn_ovs_bridge {
	const char *uuid, *name;
	const char *datapath_type; /* "" = the default, system */
	const char *hwaddr;	   /* other_config:hwaddr, NULL when unset */
	bool owned;
	size_t *ports; /* indexes into db->ports */
	size_t n_ports;
	struct hn_ovs_row *row;
};

struct hn_ovs_db {
	char *reply, *strings; /* the reply's text; its decoded strings, which the names use */
	struct hn_ovs_row *rows;
	size_t n_rows;
	const char *root_uuid; /* the Open_vSwitch row */
	struct hn_ovs_row *root_row;
	long long next_cfg, cur_cfg;
	struct hn_ovs_bridge *bridges;
	size_t n_bridges;
	struct hn_ovs_port *ports;
	size_t n_ports;
	struct hn_ovs_iface *ifaces;
	size_t n_ifaces;
	struct hn_ovs_strmap bridge_by_name, port_by_name, port_by_uuid, iface_by_name,
	    iface_by_uuid;
};

/* The params of the `monitor_cond` that reads the snapshot, under monitor_id. */
json_t *hn_ovs_db_read_params(const char *monitor_id);
/* Read the result of that monitor_cond ({table: {uuid: {"initial": row}}}, ovsdb-server(7);
 * a monitor's {"new": row} reads the same):
 * text[off, off + len) of the reply text, which the db takes (freed on failure too).
 * -EPROTO with a message when the reply is not JSON or does not have the expected shape. */
int hn_ovs_db_parse_text(char *text, size_t off, size_t len, struct hn_ovs_db **out);
/* The same from a result already made json (a test's). */
int hn_ovs_db_parse(const json_t *result, struct hn_ovs_db **out);
void hn_ovs_db_free(struct hn_ovs_db *db);
HN_DEFINE_CLEANUP(hn_ovs_db_freep, struct hn_ovs_db *, hn_ovs_db_free)

/* The params of a transaction that reads the device MTU of each interface the config gives
 * an MTU (verify shows it beside that), or NULL when it gives none. */
json_t *hn_ovs_db_device_mtus_params(const struct hn_config *want);
/* Its result into db's interfaces. */
void hn_ovs_db_set_device_mtus(struct hn_ovs_db *db, const json_t *result);

const struct hn_ovs_bridge *hn_ovs_db_bridge(const struct hn_ovs_db *db, const char *name);
const struct hn_ovs_port *hn_ovs_db_port(const struct hn_ovs_db *db, const char *name);
/* The interface of the port's name (a plain port's only one), or NULL. */
const struct hn_ovs_iface *hn_ovs_db_port_iface(const struct hn_ovs_db *db,
						const struct hn_ovs_port *p);

/* The interfaces of port p (a bond's members, in the set's order) into out[0..max): how many
 * it has (those OVSDB did not send are not counted). */
size_t hn_ovs_db_port_ifaces(const struct hn_ovs_db *db, const struct hn_ovs_port *p,
			     const struct hn_ovs_iface **out, size_t max);

/* OVSDB's JSON notation: hn_ovs_json_uuid and friends are in ovs.h. */

/* A small string -> index hash (names and uuids). */
int hn_ovs_strmap_put(struct hn_ovs_strmap *m, const char *key, size_t value);
bool hn_ovs_strmap_get(const struct hn_ovs_strmap *m, const char *key, size_t *value);
void hn_ovs_strmap_free(struct hn_ovs_strmap *m);

#endif
