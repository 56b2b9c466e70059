/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OVS actions -> one OVSDB `transact` (RFC 7047 section 5.2), and back: the transaction
 * that undoes a committed one. Pure: json in, json out.
 *
 * The forward transaction starts with `wait` operations (timeout 0) on every row and
 * column the diff read to decide, so a concurrent writer makes it fail as a whole instead
 * of being overwritten; it ends by incrementing next_cfg and selecting it, so the caller
 * can wait for ovs-vswitchd's cur_cfg.
 */
#ifndef HOSTNET_OVS_TXN_H
#define HOSTNET_OVS_TXN_H

#include "ovs_act.h"
#include "ovs_db.h"

#include <jansson.h>
#include <stddef.h>

enum ovs_txn_role {
	OVS_OP_OTHER,
	OVS_OP_WAIT,
	OVS_OP_INSERT_BRIDGE,
	OVS_OP_INSERT_PORT,
	OVS_OP_INSERT_IFACE,
	OVS_OP_NEXT_CFG, /* the select that reads next_cfg back */
};

struct ovs_txn {
	json_t *params; /* ["Open_vSwitch", op, op, ...] */
	struct ovs_txn_op {
		enum ovs_txn_role role;
		long act; /* index into the acts the transaction was built from; -1: none */
	} * ops;	  /* one per operation, params[1 + i] */
	size_t n_ops, cap;
};

/* A transaction's pieces, for the ones built here and for ovs_ports.c's: an empty
 * transaction with a comment (ovsdb-server logs it), an operation appended (op is stolen,
 * act: the index of the act it belongs to, or -1), and the ending that increments next_cfg
 * and selects it. -ENOMEM. */
int ovs_txn_start(struct ovs_txn *txn, const char *comment);
int ovs_txn_push(struct ovs_txn *txn, json_t *op, enum ovs_txn_role role, long act);
int ovs_txn_next_cfg(struct ovs_txn *txn);

/* The transaction that applies acts[0..n) to the snapshot db (which the diff read). */
int ovs_txn_build(const struct ovs_db *db, struct ovs_act *const *acts, size_t n,
		  struct ovs_txn *txn);
/* The transaction that undoes acts[0..n), committed (their made_* uuids filled in). */
int ovs_txn_inverse(struct ovs_act *const *acts, size_t n, struct ovs_txn *txn);
void ovs_txn_free(struct ovs_txn *txn);

/*
 * Read a transact result. 0: committed; the rows made are written into acts (may be NULL)
 * and *next_cfg is the value the transaction set. -EAGAIN: another client changed what
 * the diff read (a wait failed, or a name was taken meanwhile): re-read and diff again.
 * Other errors are recorded with the server's error and details, and the action failing.
 */
int ovs_txn_result(const struct ovs_txn *txn, const json_t *result, struct ovs_act *const *acts,
		   long long *next_cfg);

#endif
