/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One OVS change of a plan (the priv of a struct hn_action): what to write, and what was
 * read at diff time, which is both what the transaction's waits check and how the change
 * is undone.
 */
#ifndef HOSTNET_OVS_ACT_H
#define HOSTNET_OVS_ACT_H

#include <jansson.h>
#include <stdbool.h>

#define HN_OVS_UUID_LEN 36
/* Names hostnet makes fit IFNAMSIZ; names it only reads (foreign rows) may be longer. */
#define HN_OVS_NAME_MAX 64
/* The interfaces one port gets: a bond's members at most (HN_BOND_MAX). */
#define HN_OVS_IFACES_MAX 8

enum hn_ovs_act_kind {
	HN_OVS_ADD_BRIDGE,
	HN_OVS_SET_BRIDGE,
	HN_OVS_DEL_BRIDGE,
	HN_OVS_ADD_PORT,
	HN_OVS_SET_PORT,
	HN_OVS_MOVE_PORT,
	HN_OVS_DEL_PORT,
	/* a key of the Open_vSwitch row's external_ids (ovs_chassis.h): port holds the key,
	 * bridge_uuid the row, cols the new value (NULL: remove), old_cols the old (NULL:
	 * absent) */
	HN_OVS_SET_KEY,
};

struct hn_ovs_act {
	enum hn_ovs_act_kind kind;
	char bridge[HN_OVS_NAME_MAX]; /* the bridge, or the one the port is (to be) on */
	char port[HN_OVS_NAME_MAX];   /* port acts only */
	char from[HN_OVS_NAME_MAX];   /* MOVE: the bridge the port leaves */

	/* Rows as read at diff time; "" = created by this very transaction. */
	char bridge_uuid[HN_OVS_UUID_LEN + 1];
	char from_uuid[HN_OVS_UUID_LEN + 1];
	char port_uuid[HN_OVS_UUID_LEN + 1];

	json_t *cols;	  /* ADD_*: the new Bridge/Port row; SET_*: the columns to write */
	json_t *old_cols; /* SET_*: the same columns as read */
	/* ADD_PORT: the new Interface row; SET_PORT: the columns to write on the interface of
	 * the port's name (an Interface is found by its name, which is unique). */
	json_t *iface_cols;
	json_t *old_iface_cols;
	/* DEL_*: {"bridge": row, "ports": [rows], "ifaces": [rows]}, what goes; the ports' and
	 * interfaces' whole rows come from hn_ovs_attach_details(). */
	json_t *old_rows;

	/* SET_KEY: the key's ownership marker is added (a key hostnet creates) or removed (one
	 * hostnet created and removes). */
	bool mark, unmark;

	/* Set when the transaction commits: the rows it created, for undo. */
	char made_uuid[HN_OVS_UUID_LEN + 1];
	char made_iface_uuid[HN_OVS_IFACES_MAX][HN_OVS_UUID_LEN + 1]; /* iface_cols' order */
};

void hn_ovs_act_free(struct hn_ovs_act *a);

#endif
