/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One OVS change of a plan (the priv of a struct hn_action): what to write, and what was
 * read at diff time, which is both what the transaction's waits check and how the change
 * is undone.
 */
#ifndef HOSTNET_OVS_ACT_H
#define HOSTNET_OVS_ACT_H

#include <jansson.h>

#define OVS_UUID_LEN 36
/* Names hostnet makes fit IFNAMSIZ; names it only reads (foreign rows) may be longer. */
#define OVS_NAME_MAX 64

enum ovs_act_kind {
	OVS_ADD_BRIDGE,
	OVS_SET_BRIDGE,
	OVS_DEL_BRIDGE,
	OVS_ADD_PORT,
	OVS_SET_PORT,
	OVS_MOVE_PORT,
	OVS_DEL_PORT,
};

struct ovs_act {
	enum ovs_act_kind kind;
	char bridge[OVS_NAME_MAX]; /* the bridge, or the one the port is (to be) on */
	char port[OVS_NAME_MAX];   /* port acts only */
	char from[OVS_NAME_MAX];   /* MOVE: the bridge the port leaves */

	/* Rows as read at diff time; "" = created by this very transaction. */
	char bridge_uuid[OVS_UUID_LEN + 1];
	char from_uuid[OVS_UUID_LEN + 1];
	char port_uuid[OVS_UUID_LEN + 1];

	json_t *cols;	  /* ADD_*: the new Bridge/Port row; SET_*: the columns to write */
	json_t *old_cols; /* SET_*: the same columns as read */
	/* ADD_PORT: the new Interface row; SET_PORT: the columns to write on the interface of
	 * the port's name (an Interface is found by its name, which is unique). */
	json_t *iface_cols;
	json_t *old_iface_cols;
	/* DEL_*: {"bridge": row, "ports": [rows], "ifaces": [rows]}, what goes; the ports' and
	 * interfaces' whole rows come from ovs_attach_details(). */
	json_t *old_rows;

	/* Set when the transaction commits: the rows it created, for undo. */
	char made_uuid[OVS_UUID_LEN + 1];
	char made_iface_uuid[OVS_UUID_LEN + 1];
};

void ovs_act_free(struct ovs_act *a);

#endif
