// SPDX-License-Identifier: GPL-2.0-or-later
/* Building the one transaction of an `up`, its inverse, and reading its result. */
#include "ovs_txn.h"
#include "error.h"
#include "ovs_chassis.h"
#include "ovsdb_rpc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hn_ovs_txn_free(struct hn_ovs_txn *txn)
{
	json_decref(txn->params);
	free(txn->ops);
	memset(txn, 0, sizeof(*txn));
}

int hn_ovs_txn_push(struct hn_ovs_txn *txn, json_t *op, enum hn_ovs_txn_role role, long act)
{
	if (!op)
		return -ENOMEM;
	if (txn->n_ops == txn->cap) {
		size_t cap = txn->cap ? txn->cap * 2 : 32;
		struct hn_ovs_txn_op *v = realloc(txn->ops, cap * sizeof(*v));

		if (!v) {
			json_decref(op);
			return -ENOMEM;
		}
		txn->ops = v;
		txn->cap = cap;
	}
	if (json_array_append_new(txn->params, op) < 0)
		return -ENOMEM;
	txn->ops[txn->n_ops++] = (struct hn_ovs_txn_op){role, act};
	return 0;
}

static json_t *uuid_ref(const char *uuid)
{
	return json_pack("[s, s]", "uuid", uuid);
}

static json_t *named_ref(const char *name)
{
	return json_pack("[s, s]", "named-uuid", name);
}

static json_t *where_uuid(const char *uuid)
{
	return json_pack("[[s, s, o]]", "_uuid", "==", uuid_ref(uuid));
}

static json_t *where_name(const char *name)
{
	return json_pack("[[s, s, s]]", "name", "==", name);
}

static json_t *insert_op(const char *table, json_t *row, const char *name)
{
	return json_pack("{s:s, s:s, s:o, s:s}", "op", "insert", "table", table, "row", row,
			 "uuid-name", name);
}

static json_t *update_op(const char *table, const char *uuid, json_t *row)
{
	return json_pack("{s:s, s:s, s:o, s:o}", "op", "update", "table", table, "where",
			 where_uuid(uuid), "row", row);
}

/* The interface of a port's name. */
static json_t *update_iface_op(const char *name, json_t *row)
{
	return json_pack("{s:s, s:s, s:o, s:o}", "op", "update", "table", "Interface", "where",
			 where_name(name), "row", row);
}

int hn_ovs_txn_next_cfg(struct hn_ovs_txn *txn)
{
	int r =
	    hn_ovs_txn_push(txn,
			    json_pack("{s:s, s:s, s:[], s:[[s, s, i]]}", "op", "mutate", "table",
				      "Open_vSwitch", "where", "mutations", "next_cfg", "+=", 1),
			    HN_OVS_OP_OTHER, -1);

	if (r == 0)
		r = hn_ovs_txn_push(txn,
				    json_pack("{s:s, s:s, s:[], s:[s]}", "op", "select", "table",
					      "Open_vSwitch", "where", "columns", "next_cfg"),
				    HN_OVS_OP_NEXT_CFG, -1);
	return r;
}

/* One key of the Open_vSwitch row's external_ids: the key (and its marker) deleted, then
 * value inserted unless NULL (a map's insert skips a key that is present: hence the delete).
 * mark: the marker is inserted too; unmark: only deleted. */
static json_t *key_op(const struct hn_ovs_act *a, const char *uuid, const json_t *value, bool mark,
		      bool unmark)
{
	char marker[HN_OVS_NAME_MAX + 32];
	json_t *del = json_array(), *ins = json_array(), *muts;

	snprintf(marker, sizeof(marker), HN_OVS_KEY_OWNER_PREFIX "%s", a->port);
	json_array_append_new(del, json_string(a->port));
	if (mark || unmark)
		json_array_append_new(del, json_string(marker));
	if (value)
		json_array_append_new(ins, json_pack("[s, O]", a->port, value));
	if (value && mark)
		json_array_append_new(ins, json_pack("[s, s]", marker, "hostnet"));
	muts = json_pack("[[s, s, [s, o]]]", "external_ids", "delete", "set", del);
	if (muts && json_array_size(ins))
		json_array_append_new(
		    muts, json_pack("[s, s, [s, O]]", "external_ids", "insert", "map", ins));
	json_decref(ins);
	return json_pack("{s:s, s:s, s:o, s:o}", "op", "mutate", "table", "Open_vSwitch", "where",
			 uuid ? where_uuid(uuid) : json_array(), "mutations", muts);
}

/* ---- set mutations of Bridge.ports and Open_vSwitch.bridges, grouped per row ---- */

struct set_edit {
	const char *table, *column, *uuid; /* uuid NULL: the Open_vSwitch row (where []) */
	const char *name;		   /* instead of uuid: the row of this name */
	json_t *del, *ins;
	long act; /* the first act that edits it, for messages */
};

struct set_edits {
	struct set_edit *v;
	size_t n, cap; /* a few: one per row, the bridges and the Open_vSwitch row */
};

/* The row of s: by name when either names it, else by uuid (NULL: the Open_vSwitch row). */
static bool same_row(const struct set_edit *s, const char *uuid, const char *name)
{
	if (name || s->name)
		return name && s->name && strcmp(name, s->name) == 0;
	if (uuid || s->uuid)
		return uuid && s->uuid && strcmp(uuid, s->uuid) == 0;
	return true;
}

static struct set_edit *edit_of(struct set_edits *e, const char *table, const char *column,
				const char *uuid, const char *name, long act)
{
	for (size_t i = 0; i < e->n; i++)
		if (same_row(&e->v[i], uuid, name))
			return &e->v[i];
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		struct set_edit *v = realloc(e->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n] = (struct set_edit){table, column, uuid, name, json_array(), json_array(), act};
	if (!e->v[e->n].del || !e->v[e->n].ins) {
		json_decref(e->v[e->n].del);
		json_decref(e->v[e->n].ins);
		return NULL;
	}
	return &e->v[e->n++];
}

static int edit_ref(struct set_edits *e, const char *table, const char *column, const char *uuid,
		    const char *name, long act, bool insert, json_t *ref)
{
	struct set_edit *s = edit_of(e, table, column, uuid, name, act);

	if (!s || !ref) {
		json_decref(ref);
		return -ENOMEM;
	}
	return json_array_append_new(insert ? s->ins : s->del, ref) < 0 ? -ENOMEM : 0;
}

static int edit_add(struct set_edits *e, const char *table, const char *column, const char *uuid,
		    long act, bool insert, json_t *ref)
{
	return edit_ref(e, table, column, uuid, NULL, act, insert, ref);
}

/*
 * A rollback names bridges by name, not by the uuid the diff read: a rollback that spans
 * several transactions of one run (the uplink NIC's step is one of its own) may have made
 * the bridge anew since, under a new uuid, before it puts a port back on it.
 */
static int edit_bridge_ports(struct set_edits *e, const char *bridge, long act, bool insert,
			     json_t *ref)
{
	return edit_ref(e, "Bridge", "ports", NULL, bridge, act, insert, ref);
}

static int edits_flush(struct set_edits *e, struct hn_ovs_txn *txn)
{
	int r = 0;

	for (size_t i = 0; i < e->n; i++) {
		struct set_edit *s = &e->v[i];
		json_t *muts = json_array();

		if (r == 0 && muts && json_array_size(s->del))
			json_array_append_new(
			    muts, json_pack("[s, s, [s, O]]", s->column, "delete", "set", s->del));
		if (r == 0 && muts && json_array_size(s->ins))
			json_array_append_new(
			    muts, json_pack("[s, s, [s, O]]", s->column, "insert", "set", s->ins));
		if (r == 0 && muts)
			r = hn_ovs_txn_push(txn,
					    json_pack("{s:s, s:s, s:o, s:o}", "op", "mutate",
						      "table", s->table, "where",
						      s->name	? where_name(s->name)
						      : s->uuid ? where_uuid(s->uuid)
								: json_array(),
						      "mutations", muts),
					    HN_OVS_OP_OTHER, s->act);
		else
			json_decref(muts);
		if (!muts)
			r = -ENOMEM;
		json_decref(s->del);
		json_decref(s->ins);
	}
	free(e->v);
	memset(e, 0, sizeof(*e));
	return r;
}

/* ---- waits ---- */

struct wait {
	const char *table, *uuid; /* uuid NULL: the row is an Interface found by name */
	const char *name;
	const json_t *row; /* as read */
	json_t *columns;
};

struct waits {
	struct wait *v;
	size_t n, cap;
	struct hn_ovs_strmap by_uuid;
};

static int wait_on(struct waits *w, const char *table, const char *uuid, struct hn_ovs_row *read,
		   const char *column)
{
	const json_t *row = read ? hn_ovs_row_json(read) : NULL;
	const char *key = uuid ? uuid : json_string_value(json_object_get(row, "name"));
	struct wait *x;
	size_t i;

	if (!read)
		return 0; /* created in this transaction: nothing was read */
	if (!row)
		return -ENOMEM;
	if (!key)
		return 0;
	if (!hn_ovs_strmap_get(&w->by_uuid, key, &i)) {
		if (w->n == w->cap) {
			size_t cap = w->cap ? w->cap * 2 : 16;
			struct wait *v = realloc(w->v, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			w->v = v;
			w->cap = cap;
		}
		i = w->n;
		w->v[i] = (struct wait){table, uuid, key, row, json_array()};
		if (!w->v[i].columns || hn_ovs_strmap_put(&w->by_uuid, key, i) < 0) {
			json_decref(w->v[i].columns);
			return -ENOMEM;
		}
		w->n++;
	}
	x = &w->v[i];
	for (size_t k = 0; k < json_array_size(x->columns); k++)
		if (strcmp(json_string_value(json_array_get(x->columns, k)), column) == 0)
			return 0;
	return json_array_append_new(x->columns, json_string(column)) < 0 ? -ENOMEM : 0;
}

/* Every column of cols (an object) on that row. */
static int wait_on_cols(struct waits *w, const char *table, const char *uuid,
			struct hn_ovs_row *row, const json_t *cols)
{
	const char *key;
	json_t *v;
	int r = 0;

	json_object_foreach ((json_t *)cols, key, v) {
		if (r == 0)
			r = wait_on(w, table, uuid, row, key);
	}
	return r;
}

static int waits_flush(struct waits *w, struct hn_ovs_txn *txn)
{
	int r = 0;

	for (size_t i = 0; i < w->n; i++) {
		struct wait *x = &w->v[i];
		json_t *vals = json_object();

		for (size_t k = 0; vals && k < json_array_size(x->columns); k++) {
			const char *c = json_string_value(json_array_get(x->columns, k));
			json_t *v = json_object_get(x->row, c);

			if (v)
				json_object_set(vals, c, v);
		}
		if (r == 0 && vals)
			r = hn_ovs_txn_push(
			    txn,
			    json_pack("{s:s, s:s, s:i, s:o, s:O, s:s, s:[O]}", "op", "wait",
				      "table", x->table, "timeout", 0, "where",
				      x->uuid ? where_uuid(x->uuid) : where_name(x->name),
				      "columns", x->columns, "until", "==", "rows", vals),
			    HN_OVS_OP_WAIT, -1);
		else if (!vals)
			r = -ENOMEM;
		json_decref(vals);
		json_decref(x->columns);
	}
	free(w->v);
	hn_ovs_strmap_free(&w->by_uuid);
	memset(w, 0, sizeof(*w));
	return r;
}

static struct hn_ovs_row *bridge_row(const struct hn_ovs_db *db, const char *uuid)
{
	for (size_t i = 0; *uuid && i < db->n_bridges; i++)
		if (strcmp(db->bridges[i].uuid, uuid) == 0)
			return db->bridges[i].row;
	return NULL;
}

static struct hn_ovs_row *port_row(const struct hn_ovs_db *db, const char *uuid)
{
	size_t i;

	return hn_ovs_strmap_get(&db->port_by_uuid, uuid, &i) ? db->ports[i].row : NULL;
}

static struct hn_ovs_row *iface_row(const struct hn_ovs_db *db, const char *name)
{
	size_t i;

	return hn_ovs_strmap_get(&db->iface_by_name, name, &i) ? db->ifaces[i].row : NULL;
}

/* What each act depends on, as the diff read it. */
static int collect_waits(const struct hn_ovs_db *db, struct hn_ovs_act *const *acts, size_t n,
			 struct waits *w)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct hn_ovs_act *a = acts[i];

		switch (a->kind) {
		case HN_OVS_ADD_BRIDGE:
			r = wait_on(w, "Open_vSwitch", db->root_uuid, db->root_row, "bridges");
			break;
		case HN_OVS_DEL_BRIDGE:
			r = wait_on(w, "Open_vSwitch", db->root_uuid, db->root_row, "bridges");
			if (r == 0)
				r = wait_on(w, "Bridge", a->bridge_uuid,
					    bridge_row(db, a->bridge_uuid), "ports");
			break;
		case HN_OVS_SET_BRIDGE:
			r = wait_on_cols(w, "Bridge", a->bridge_uuid,
					 bridge_row(db, a->bridge_uuid), a->cols);
			break;
		case HN_OVS_MOVE_PORT:
			r = wait_on(w, "Bridge", a->from_uuid, bridge_row(db, a->from_uuid),
				    "ports");
			/* fall through */
		case HN_OVS_ADD_PORT:
		case HN_OVS_DEL_PORT:
			if (r == 0)
				r = wait_on(w, "Bridge", a->bridge_uuid,
					    bridge_row(db, a->bridge_uuid), "ports");
			break;
		case HN_OVS_SET_PORT:
			r = wait_on_cols(w, "Port", a->port_uuid, port_row(db, a->port_uuid),
					 a->cols);
			if (r == 0 && a->iface_cols)
				r = wait_on_cols(w, "Interface", NULL, iface_row(db, a->port),
						 a->iface_cols);
			break;
		case HN_OVS_SET_KEY:
			r = wait_on(w, "Open_vSwitch", db->root_uuid, db->root_row, "external_ids");
			break;
		}
	}
	return r;
}

/* The interfaces of a new port (iface_cols: one row, or an array of a bond's rows), each
 * inserted with a named uuid, and the port's "interfaces" column naming them. */
static int insert_ifaces(struct hn_ovs_txn *txn, const json_t *iface_cols, size_t i, json_t *port)
{
	bool many = json_is_array(iface_cols);
	size_t n = many ? json_array_size(iface_cols) : 1;
	json_t *refs = json_array();
	char name[48];
	int r = refs ? 0 : -ENOMEM;

	for (size_t k = 0; r == 0 && k < n; k++) {
		const json_t *row = many ? json_array_get(iface_cols, k) : iface_cols;

		snprintf(name, sizeof(name), k ? "i%zu_%zu" : "i%zu", i, k);
		r = hn_ovs_txn_push(txn, insert_op("Interface", json_deep_copy(row), name),
				    HN_OVS_OP_INSERT_IFACE, (long)i);
		if (r == 0 && json_array_append_new(refs, named_ref(name)) < 0)
			r = -ENOMEM;
	}
	if (r == 0 && json_object_set_new(port, "interfaces",
					  many ? json_pack("[s, O]", "set", refs)
					       : json_incref(json_array_get(refs, 0))) < 0)
		r = -ENOMEM;
	json_decref(refs);
	return r;
}

static int build_forward(const struct hn_ovs_db *db, struct hn_ovs_act *const *acts, size_t n,
			 struct hn_ovs_txn *txn)
{
	struct waits w = {0};
	struct set_edits e = {0};
	char name[32];
	int r;

	r = collect_waits(db, acts, n, &w);
	r = waits_flush(&w, txn) ?: r;
	/* New rows first (named uuids may be referred to before or after their insert,
	 * but this order reads naturally: interfaces, ports, bridges). */
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct hn_ovs_act *a = acts[i];
		json_t *port;

		if (a->kind != HN_OVS_ADD_PORT)
			continue;
		port = json_deep_copy(a->cols);
		r = port ? insert_ifaces(txn, a->iface_cols, i, port) : -ENOMEM;
		snprintf(name, sizeof(name), "p%zu", i);
		if (r == 0)
			r = hn_ovs_txn_push(txn, insert_op("Port", port, name),
					    HN_OVS_OP_INSERT_PORT, (long)i);
		else
			json_decref(port);
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct hn_ovs_act *a = acts[i];
		json_t *row, *ports;

		if (a->kind != HN_OVS_ADD_BRIDGE)
			continue;
		ports = json_array();
		/* Its ports: new ones and ones moved in. */
		for (size_t k = 0; ports && k < n; k++) {
			const struct hn_ovs_act *p = acts[k];

			if ((p->kind != HN_OVS_ADD_PORT && p->kind != HN_OVS_MOVE_PORT) ||
			    p->bridge_uuid[0] || strcmp(p->bridge, a->bridge) != 0)
				continue;
			snprintf(name, sizeof(name), "p%zu", k);
			json_array_append_new(ports, p->kind == HN_OVS_ADD_PORT
							 ? named_ref(name)
							 : uuid_ref(p->port_uuid));
		}
		row = json_deep_copy(a->cols);
		if (!ports || !row ||
		    json_object_set_new(row, "ports", json_pack("[s, O]", "set", ports)) < 0) {
			json_decref(ports);
			json_decref(row);
			r = -ENOMEM;
			break;
		}
		json_decref(ports);
		snprintf(name, sizeof(name), "b%zu", i);
		r = hn_ovs_txn_push(txn, insert_op("Bridge", row, name), HN_OVS_OP_INSERT_BRIDGE,
				    (long)i);
		if (r == 0)
			r = edit_add(&e, "Open_vSwitch", "bridges", NULL, (long)i, true,
				     named_ref(name));
	}
	for (size_t i = 0; r == 0 && i < n; i++) {
		const struct hn_ovs_act *a = acts[i];

		snprintf(name, sizeof(name), "p%zu", i);
		switch (a->kind) {
		case HN_OVS_ADD_PORT:
			if (a->bridge_uuid[0])
				r = edit_add(&e, "Bridge", "ports", a->bridge_uuid, (long)i, true,
					     named_ref(name));
			break;
		case HN_OVS_MOVE_PORT:
			r = edit_add(&e, "Bridge", "ports", a->from_uuid, (long)i, false,
				     uuid_ref(a->port_uuid));
			if (r == 0 && a->bridge_uuid[0])
				r = edit_add(&e, "Bridge", "ports", a->bridge_uuid, (long)i, true,
					     uuid_ref(a->port_uuid));
			break;
		case HN_OVS_DEL_PORT:
			r = edit_add(&e, "Bridge", "ports", a->bridge_uuid, (long)i, false,
				     uuid_ref(a->port_uuid));
			break;
		case HN_OVS_DEL_BRIDGE:
			r = edit_add(&e, "Open_vSwitch", "bridges", NULL, (long)i, false,
				     uuid_ref(a->bridge_uuid));
			break;
		case HN_OVS_SET_BRIDGE:
			r = hn_ovs_txn_push(
			    txn, update_op("Bridge", a->bridge_uuid, json_deep_copy(a->cols)),
			    HN_OVS_OP_OTHER, (long)i);
			break;
		case HN_OVS_SET_PORT:
			if (json_object_size(a->cols))
				r = hn_ovs_txn_push(
				    txn, update_op("Port", a->port_uuid, json_deep_copy(a->cols)),
				    HN_OVS_OP_OTHER, (long)i);
			if (r == 0 && a->iface_cols)
				r = hn_ovs_txn_push(
				    txn, update_iface_op(a->port, json_deep_copy(a->iface_cols)),
				    HN_OVS_OP_OTHER, (long)i);
			break;
		case HN_OVS_SET_KEY:
			r = hn_ovs_txn_push(txn,
					    key_op(a, a->bridge_uuid, a->cols, a->mark, a->unmark),
					    HN_OVS_OP_OTHER, (long)i);
			break;
		case HN_OVS_ADD_BRIDGE:
			break;
		}
	}
	r = edits_flush(&e, txn) ?: r;
	return r;
}

int hn_ovs_txn_start(struct hn_ovs_txn *txn, const char *comment)
{
	memset(txn, 0, sizeof(*txn));
	txn->params = json_pack("[s]", HN_OVS_DB_NAME);
	if (!txn->params)
		return -ENOMEM;
	return hn_ovs_txn_push(txn, json_pack("{s:s, s:s}", "op", "comment", "comment", comment),
			       HN_OVS_OP_OTHER, -1);
}

int hn_ovs_txn_build(const struct hn_ovs_db *db, struct hn_ovs_act *const *acts, size_t n,
		     struct hn_ovs_txn *txn)
{
	int r = hn_ovs_txn_start(txn, "hostnet: converge");

	if (r == 0)
		r = build_forward(db, acts, n, txn);
	if (r == 0)
		r = hn_ovs_txn_next_cfg(txn);
	if (r < 0) {
		hn_ovs_txn_free(txn);
		return hn_err(r, "out of memory building the OVS transaction");
	}
	return 0;
}

/* ---- undo ---- */

/* The columns of a row that hostnet can write back (ofport, error, statistics and the
 * like belong to ovs-vswitchd). */
static json_t *writable(const json_t *row, const char *const *cols)
{
	json_t *out = json_object();

	for (size_t i = 0; out && cols[i]; i++) {
		json_t *v = json_object_get(row, cols[i]);

		if (v && json_object_set(out, cols[i], v) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

static const char *const iface_cols[] = {"name",	"type",		"options",
					 "mtu_request", "external_ids", NULL};
static const char *const port_cols[] = {"name", "tag", "trunks", "vlan_mode", "external_ids", NULL};
static const char *const bridge_cols[] = {"name", "datapath_type", "other_config", "external_ids",
					  NULL};

/*
 * Re-insert the ports in old ({"ports": [...], "ifaces": [...]}), except those whose
 * uuid is in alive (moved by the same transaction, so they still exist). Appends to refs
 * a reference to every port (new or alive) in old order.
 */
static int restore_ports(struct hn_ovs_txn *txn, const json_t *old,
			 const struct hn_ovs_strmap *alive, unsigned *seq, json_t *refs)
{
	const json_t *ports = json_object_get(old, "ports"),
		     *ifaces = json_object_get(old, "ifaces");
	struct hn_ovs_strmap named = {0};
	char(*names)[16] = calloc(json_array_size(ifaces) + 1, sizeof(*names));
	json_t *row;
	size_t i, dummy;
	int r = names ? 0 : -ENOMEM;

	json_array_foreach (ifaces, i, row) {
		const char *u = hn_ovs_json_uuid(json_object_get(row, "_uuid"));

		if (r || !u)
			continue;
		snprintf(names[i], sizeof(names[i]), "ri%u", (*seq)++);
		r = hn_ovs_strmap_put(&named, u, i);
	}
	json_array_foreach (ports, i, row) {
		const char *u = hn_ovs_json_uuid(json_object_get(row, "_uuid"));
		json_t *ifs = json_object_get(row, "interfaces"), *list, *prow;
		char pname[16];

		if (r || !u)
			continue;
		if (alive && hn_ovs_strmap_get(alive, u, &dummy)) {
			r = json_array_append_new(refs, uuid_ref(u)) < 0 ? -ENOMEM : 0;
			continue;
		}
		list = json_array();
		for (size_t k = 0; list && r == 0 && k < hn_ovs_json_set_size(ifs); k++) {
			const char *iu = hn_ovs_json_uuid(hn_ovs_json_set_at(ifs, k));
			size_t idx;

			if (!iu || !hn_ovs_strmap_get(&named, iu, &idx))
				continue;
			r = hn_ovs_txn_push(
			    txn,
			    insert_op("Interface",
				      writable(json_array_get(ifaces, idx), iface_cols),
				      names[idx]),
			    HN_OVS_OP_OTHER, -1);
			if (r == 0)
				json_array_append_new(list, named_ref(names[idx]));
		}
		prow = writable(row, port_cols);
		if (r || !list || !prow ||
		    json_object_set_new(prow, "interfaces", json_pack("[s, O]", "set", list)) < 0) {
			json_decref(prow);
			json_decref(list);
			r = r ?: -ENOMEM;
			continue;
		}
		json_decref(list);
		snprintf(pname, sizeof(pname), "rp%u", (*seq)++);
		r = hn_ovs_txn_push(txn, insert_op("Port", prow, pname), HN_OVS_OP_OTHER, -1);
		if (r == 0 && json_array_append_new(refs, named_ref(pname)) < 0)
			r = -ENOMEM;
	}
	hn_ovs_strmap_free(&named);
	free(names);
	return r;
}

static int undo_one(struct hn_ovs_txn *txn, struct set_edits *e, const struct hn_ovs_act *a, long i,
		    const struct hn_ovs_strmap *moved, const struct hn_ovs_strmap *deleted,
		    unsigned *seq)
{
	json_t *refs;
	size_t dummy;
	int r = 0;

	switch (a->kind) {
	case HN_OVS_ADD_BRIDGE:
		/* Its ports and interfaces go with it (garbage collection). */
		return a->made_uuid[0] ? edit_add(e, "Open_vSwitch", "bridges", NULL, i, false,
						  uuid_ref(a->made_uuid))
				       : 0;
	case HN_OVS_SET_KEY:
		/* The old value back; the marker back only on a key hostnet had created. */
		return hn_ovs_txn_push(txn, key_op(a, NULL, a->old_cols, a->unmark, a->mark),
				       HN_OVS_OP_OTHER, i);
	case HN_OVS_ADD_PORT:
		if (a->bridge_uuid[0] && a->made_uuid[0])
			return edit_bridge_ports(e, a->bridge, i, false, uuid_ref(a->made_uuid));
		return 0;
	case HN_OVS_SET_BRIDGE:
		return hn_ovs_txn_push(
		    txn, update_op("Bridge", a->bridge_uuid, json_deep_copy(a->old_cols)),
		    HN_OVS_OP_OTHER, i);
	case HN_OVS_SET_PORT:
		if (json_object_size(a->old_cols))
			r = hn_ovs_txn_push(
			    txn, update_op("Port", a->port_uuid, json_deep_copy(a->old_cols)),
			    HN_OVS_OP_OTHER, i);
		if (r == 0 && a->old_iface_cols)
			r = hn_ovs_txn_push(
			    txn, update_iface_op(a->port, json_deep_copy(a->old_iface_cols)),
			    HN_OVS_OP_OTHER, i);
		return r;
	case HN_OVS_MOVE_PORT:
		if (a->bridge_uuid[0])
			r = edit_bridge_ports(e, a->bridge, i, false, uuid_ref(a->port_uuid));
		/* A bridge removed by the same transaction is re-created with it. */
		if (r == 0 && !hn_ovs_strmap_get(deleted, a->from, &dummy))
			r = edit_bridge_ports(e, a->from, i, true, uuid_ref(a->port_uuid));
		return r;
	case HN_OVS_DEL_PORT:
		refs = json_array();
		r = refs ? restore_ports(txn, a->old_rows, NULL, seq, refs) : -ENOMEM;
		for (size_t k = 0; r == 0 && k < json_array_size(refs); k++)
			r = edit_bridge_ports(e, a->bridge, i, true,
					      json_incref(json_array_get(refs, k)));
		json_decref(refs);
		return r;
	case HN_OVS_DEL_BRIDGE: {
		json_t *row = writable(json_object_get(a->old_rows, "bridge"), bridge_cols);
		char bname[16];

		refs = json_array();
		r = refs && row ? restore_ports(txn, a->old_rows, moved, seq, refs) : -ENOMEM;
		if (r == 0 &&
		    json_object_set_new(row, "ports", json_pack("[s, O]", "set", refs)) < 0)
			r = -ENOMEM;
		json_decref(refs);
		snprintf(bname, sizeof(bname), "rb%u", (*seq)++);
		if (r == 0) {
			r = hn_ovs_txn_push(txn, insert_op("Bridge", row, bname), HN_OVS_OP_OTHER,
					    i);
			row = NULL;
		}
		json_decref(row);
		if (r == 0)
			r = edit_add(e, "Open_vSwitch", "bridges", NULL, i, true, named_ref(bname));
		return r;
	}
	}
	return 0;
}

int hn_ovs_txn_inverse(struct hn_ovs_act *const *acts, size_t n, struct hn_ovs_txn *txn)
{
	struct hn_ovs_strmap moved = {0}, deleted = {0};
	struct set_edits e = {0};
	unsigned seq = 0;
	int r = hn_ovs_txn_start(txn, "hostnet: roll back");

	for (size_t i = 0; r == 0 && i < n; i++) {
		if (acts[i]->kind == HN_OVS_MOVE_PORT)
			r = hn_ovs_strmap_put(&moved, acts[i]->port_uuid, i);
		else if (acts[i]->kind == HN_OVS_DEL_BRIDGE)
			r = hn_ovs_strmap_put(&deleted, acts[i]->bridge, i);
	}
	for (size_t i = n; r == 0 && i-- > 0;)
		r = undo_one(txn, &e, acts[i], (long)i, &moved, &deleted, &seq);
	r = edits_flush(&e, txn) ?: r;
	if (r == 0)
		r = hn_ovs_txn_next_cfg(txn);
	hn_ovs_strmap_free(&moved);
	hn_ovs_strmap_free(&deleted);
	if (r < 0) {
		hn_ovs_txn_free(txn);
		return hn_err(r, "out of memory building the OVS rollback transaction");
	}
	return 0;
}

/* ---- the result ---- */

static bool is_conflict(const struct hn_ovs_txn *txn, size_t at, const char *error,
			const char *details)
{
	if (at < txn->n_ops && txn->ops[at].role == HN_OVS_OP_WAIT)
		return strcmp(error, "timed out") == 0;
	/* A name taken since the read: the index on name refuses the second row. */
	return strcmp(error, "constraint violation") == 0 && details &&
	       strstr(details, "identical values");
}

static const char *act_text(const struct hn_ovs_act *a, char *buf, size_t len)
{
	static const char *const verb[] = {
	    [HN_OVS_ADD_BRIDGE] = "adding",   [HN_OVS_SET_BRIDGE] = "changing",
	    [HN_OVS_DEL_BRIDGE] = "removing", [HN_OVS_ADD_PORT] = "adding",
	    [HN_OVS_SET_PORT] = "changing",   [HN_OVS_MOVE_PORT] = "moving",
	    [HN_OVS_DEL_PORT] = "removing",   [HN_OVS_SET_KEY] = "setting",
	};

	if (a->kind == HN_OVS_SET_KEY)
		snprintf(buf, len, " (%s external_ids:%s)", verb[a->kind], a->port);
	else if (a->port[0])
		snprintf(buf, len, " (%s port %s on %s)", verb[a->kind], a->port, a->bridge);
	else
		snprintf(buf, len, " (%s bridge %s)", verb[a->kind], a->bridge);
	return buf;
}

/* An interface act a inserted: into the next free slot, in the order of its inserts. */
static void made_iface(struct hn_ovs_act *a, const char *uuid)
{
	for (size_t k = 0; k < HN_OVS_IFACES_MAX; k++)
		if (!a->made_iface_uuid[k][0]) {
			snprintf(a->made_iface_uuid[k], HN_OVS_UUID_LEN + 1, "%s", uuid);
			return;
		}
}

int hn_ovs_txn_result(const struct hn_ovs_txn *txn, const json_t *result,
		      struct hn_ovs_act *const *acts, long long *next_cfg)
{
	size_t i;
	json_t *res;

	if (!json_is_array(result))
		return hn_err(-EPROTO, "ovsdb-server answered the transaction with no result list");
	json_array_foreach (result, i, res) {
		json_t *err = json_object_get(res, "error");
		char text[768], who[160] = "";

		if (!err || json_is_null(err))
			continue;
		if (is_conflict(txn, i, json_string_value(err) ?: "",
				json_string_value(json_object_get(res, "details"))))
			return -EAGAIN;
		if (acts && i < txn->n_ops && txn->ops[i].act >= 0)
			act_text(acts[txn->ops[i].act], who, sizeof(who));
		return hn_err(-EREMOTEIO, "ovsdb-server refused the transaction%s: %s", who,
			      hn_ovs_error_text(res, text, sizeof(text)));
	}
	if (json_array_size(result) < txn->n_ops)
		return hn_err(-EPROTO, "ovsdb-server answered %zu of %zu operations",
			      json_array_size(result), txn->n_ops);
	for (i = 0; i < txn->n_ops; i++) {
		const struct hn_ovs_txn_op *op = &txn->ops[i];
		const json_t *r = json_array_get(result, i);
		const char *u = hn_ovs_json_uuid(json_object_get(r, "uuid"));

		if (op->role == HN_OVS_OP_NEXT_CFG) {
			json_t *v = json_object_get(json_array_get(json_object_get(r, "rows"), 0),
						    "next_cfg");

			if (next_cfg)
				*next_cfg = json_is_integer(v) ? json_integer_value(v) : 0;
			continue;
		}
		if (!acts || op->act < 0 || !u)
			continue;
		if (op->role == HN_OVS_OP_INSERT_IFACE)
			made_iface(acts[op->act], u);
		else if (op->role == HN_OVS_OP_INSERT_PORT || op->role == HN_OVS_OP_INSERT_BRIDGE)
			snprintf(acts[op->act]->made_uuid, HN_OVS_UUID_LEN + 1, "%s", u);
	}
	return 0;
}
