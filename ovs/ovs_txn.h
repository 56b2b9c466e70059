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

enum hn_ovs_txn_role {
	HN_OVS_OP_OTHER,
	HN_OVS_OP_WAIT,
	HN_OVS_OP_INSERT_BRIDGE,
	HN_OVS_OP_INSERT_PORT,
	HN_OVS_OP_INSERT_IFACE,
	HN_OVS_OP_NEXT_CFG, /* the select that reads next_cfg back */
};

struct hn_ovs_txn {
	json_t *params; /* ["Open_vSwitch", op, op, ...] */
	struct hn_ovs_txn_op {
		enum hn_ovs_txn_role role;
		long act; /* index into the acts the transaction was built from; -1: none */
	} * ops;	  /* one per operation, params[1 + i] */
	size_t n_ops, cap;
};

/* A transaction's pieces, for the ones built here and for ovs_ports.c's: an empty
 * transaction with a comment (ovsdb-server logs it), an operation appended (op is stolen,
 * act: the index of the act it belongs to, or -1), and the ending that increments next_cfg
 * and selects it. -ENOMEM. */
int hn_ovs_txn_start(struct hn_ovs_txn *txn, const char *comment);
int hn_ovs_txn_push(struct hn_ovs_txn *txn, json_t *op, enum hn_ovs_txn_role role, long act);
int hn_ovs_txn_next_cfg(struct hn_ovs_txn *txn);

/* The transaction that applies acts[0..n) to the snapshot db (which the diff read). */
int hn_ovs_txn_build(const struct hn_ovs_db *db, struct hn_ovs_act *const *acts, size_t n,
		     struct hn_ovs_txn *txn);
/* The transaction that undoes acts[0..n), committed (their made_* uuids filled in). */
int hn_ovs_txn_inverse(struct hn_ovs_act *const *acts, size_t n, struct hn_ovs_txn *txn);
void hn_ovs_txn_free(struct hn_ovs_txn *txn);

/*
 * Read a transact result. 0: committed; the rows made are written into acts (may be NULL)
 * and *next_cfg is the value the transaction set. -EAGAIN: another client changed what
 * the diff read (a wait failed, or a name was taken meanwhile): re-read and diff again.
 * Other errors are recorded with the server's error and details, and the action failing.
 */
int hn_ovs_txn_result(const struct hn_ovs_txn *txn, const json_t *result,
		      struct hn_ovs_act *const *acts, long long *next_cfg);

#endif
