// SPDX-License-Identifier: GPL-2.0-or-later
/* Ports outside the config (ovs.h): verify's probes, on the backend's client and transactions. */
#include "error.h"
#include "ovs.h"
#include "ovs_cfg.h"
#include "ovs_db.h"
#include "ovs_txn.h"
#include "ovsdb_rpc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hn_ovs_ports {
	struct hn_ovs_rpc *rpc;
	int timeout_ms;
	struct hn_ovs_cfg_watch cfg;
	bool stalled; /* a wait for ovs-vswitchd timed out: do not wait for it again */
	char bridge[HN_OVS_NAME_MAX];
	json_t *added; /* ["uuid", U] of the ports hn_ovs_ports_add added */
};

int hn_ovs_ports_open(const char *ovsdb, int timeout_ms, struct hn_ovs_ports **out)
{
	struct hn_ovs_ports *o = calloc(1, sizeof(*o));
	int r;

	if (!o)
		return hn_err(-ENOMEM, "out of memory");
	o->timeout_ms = timeout_ms;
	r = hn_ovs_rpc_open(ovsdb, timeout_ms, &o->rpc);
	if (r < 0) {
		free(o);
		return r;
	}
	*out = o;
	return 0;
}

void hn_ovs_ports_close(struct hn_ovs_ports *o)
{
	if (!o)
		return;
	hn_ovs_rpc_close(o->rpc);
	json_decref(o->added);
	free(o);
}

/* End txn (r: how building it went) with next_cfg and commit it; *result (when result is not
 * NULL) is the server's answer. The caller frees txn. */
static int commit(struct hn_ovs_ports *o, struct hn_ovs_txn *txn, int r, json_t **result,
		  long long *next_cfg)
{
	json_t *answer = NULL;

	if (r == 0)
		r = hn_ovs_txn_next_cfg(txn);
	if (r < 0)
		return hn_err(r, "out of memory");
	r = hn_ovs_rpc_call(o->rpc, "transact", json_incref(txn->params), &answer);
	if (r == 0)
		r = hn_ovs_txn_result(txn, answer, NULL, next_cfg);
	/* A name taken since the read: hn_ovs_txn_result calls it a conflict, unexplained. */
	if (r == -EAGAIN)
		r = hn_err(-EEXIST, "a port or interface of the same name is already in OVSDB");
	if (r == 0 && result)
		*result = answer;
	else
		json_decref(answer);
	return r;
}

/* Bounded wait until ovs-vswitchd's cur_cfg reaches next_cfg (ovs_cfg.h). The monitor is
 * started after the commit: probes are not timed to the millisecond like `up`, and its
 * initial reply already holds cur_cfg, so nothing is missed. */
static int wait_applied(struct hn_ovs_ports *o, long long next_cfg)
{
	int r = hn_ovs_cfg_watch_start(o->rpc, &o->cfg);

	if (r == 0)
		r = hn_ovs_cfg_wait(o->rpc, &o->cfg, next_cfg, o->timeout_ms);
	if (r == -ETIMEDOUT)
		o->stalled = true;
	if (r < 0) {
		struct hn_error cancel; /* only tidies up: the wait's failure is reported */

		hn_err_push(&cancel);
		hn_ovs_cfg_watch_stop(o->rpc, &o->cfg);
		hn_err_pop(&cancel);
		return r;
	}
	return hn_ovs_cfg_watch_stop(o->rpc, &o->cfg);
}

/* ---- marked ports ---- */

static bool in_set(const json_t *set, const char *uuid)
{
	for (size_t i = 0; i < hn_ovs_json_set_size(set); i++) {
		const char *u = hn_ovs_json_uuid(hn_ovs_json_set_at(set, i));

		if (u && strcmp(u, uuid) == 0)
			return true;
	}
	return false;
}

static int add_marked(struct hn_ovs_marked **v, size_t *n, const json_t *port, const json_t *bridge,
		      const char *mark)
{
	struct hn_ovs_marked *grown = realloc(*v, (*n + 1) * sizeof(**v)), *m;

	if (!grown)
		return -ENOMEM;
	*v = grown;
	m = &grown[(*n)++];
	snprintf(m->name, sizeof(m->name), "%s",
		 json_string_value(json_object_get(port, "name")) ?: "");
	snprintf(m->mark, sizeof(m->mark), "%s", mark);
	snprintf(m->uuid, sizeof(m->uuid), "%s", hn_ovs_json_uuid(json_object_get(port, "_uuid")));
	snprintf(m->bridge_uuid, sizeof(m->bridge_uuid), "%s",
		 hn_ovs_json_uuid(json_object_get(bridge, "_uuid")) ?: "");
	return 0;
}

int hn_ovs_ports_marked(struct hn_ovs_ports *o, const char *key, struct hn_ovs_marked **out,
			size_t *n)
{
	json_t *result = NULL, *ports, *bridges, *bridge, *port;
	size_t i, j;
	int r;

	*out = NULL;
	*n = 0;
	r = hn_ovs_rpc_call(
	    o->rpc, "transact",
	    json_pack("[s, {s:s, s:s, s:[], s:[s, s, s]}, {s:s, s:s, s:[], s:[s, s, s]}]",
		      HN_OVS_DB_NAME, "op", "select", "table", "Port", "where", "columns", "_uuid",
		      "name", "external_ids", "op", "select", "table", "Bridge", "where", "columns",
		      "_uuid", "name", "ports"),
	    &result);
	/* A read: no operation of a transaction of ours to name in an error. */
	if (r == 0)
		r = hn_ovs_txn_result(&(struct hn_ovs_txn){0}, result, NULL, NULL);
	ports = json_object_get(json_array_get(result, 0), "rows");
	bridges = json_object_get(json_array_get(result, 1), "rows");
	json_array_foreach (bridges, i, bridge) {
		json_array_foreach (ports, j, port) {
			const char *mark = json_string_value(
			    hn_ovs_json_map_get(json_object_get(port, "external_ids"), key));
			const char *uuid = hn_ovs_json_uuid(json_object_get(port, "_uuid"));

			if (r == 0 && mark && uuid &&
			    in_set(json_object_get(bridge, "ports"), uuid))
				r = add_marked(out, n, port, bridge, mark);
		}
	}
	json_decref(result);
	if (r < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return r == -ENOMEM ? hn_err(r, "out of memory") : r;
}

/* Append to txn the removal of refs (["uuid", U]...) from the bridge that where selects. */
static int remove_op(struct hn_ovs_txn *txn, json_t *where, json_t *refs)
{
	return hn_ovs_txn_push(txn,
			       json_pack("{s:s, s:s, s:o, s:[[s, s, [s, o]]]}", "op", "mutate",
					 "table", "Bridge", "where", where, "mutations", "ports",
					 "delete", "set", refs),
			       HN_OVS_OP_OTHER, -1);
}

static json_t *uuid_ref(const char *uuid)
{
	return json_pack("[s, s]", "uuid", uuid);
}

int hn_ovs_ports_remove(struct hn_ovs_ports *o, const struct hn_ovs_marked *ports, size_t n)
{
	struct hn_ovs_txn txn;
	long long next_cfg = 0;
	int r;

	if (n == 0)
		return 0;
	r = hn_ovs_txn_start(&txn, "hostnet: remove probe ports");
	/* One mutation per bridge: ports come bridge after bridge (hn_ovs_ports_marked). */
	for (size_t i = 0; r == 0 && i < n;) {
		const char *bridge = ports[i].bridge_uuid;
		json_t *refs = json_array();

		for (; refs && i < n && strcmp(ports[i].bridge_uuid, bridge) == 0; i++)
			json_array_append_new(refs, uuid_ref(ports[i].uuid));
		r = refs
			? remove_op(&txn, json_pack("[[s, s, o]]", "_uuid", "==", uuid_ref(bridge)),
				    refs)
			: -ENOMEM;
	}
	r = commit(o, &txn, r, NULL, &next_cfg);
	hn_ovs_txn_free(&txn);
	return r < 0 ? r : wait_applied(o, next_cfg);
}

/* ---- adding ports, and removing what was added ---- */

static json_t *port_row(const struct hn_ovs_port_spec *p, const char *iface, const char *key,
			const char *value)
{
	json_t *row = json_pack("{s:s, s:[s, s], s:[s, [[s, s]]]}", "name", p->name, "interfaces",
				"named-uuid", iface, "external_ids", "map", key, value);

	if (!row)
		return NULL;
	if (p->trunks) {
		json_t *vlans = json_array();

		hn_vlanset_foreach (v, p->trunks)
			json_array_append_new(vlans, json_integer(v));
		json_object_set_new(row, "vlan_mode", json_string("trunk"));
		json_object_set_new(row, "trunks", json_pack("[s, o]", "set", vlans));
	} else {
		json_object_set_new(row, "vlan_mode", json_string("access"));
		json_object_set_new(row, "tag", json_integer(p->tag));
	}
	return row;
}

/* The transaction of hn_ovs_ports_add: an Interface and a Port per port, the bridge's
 * mutation at *mutate_at. */
static int add_txn(const char *bridge, const struct hn_ovs_port_spec *ports, size_t n,
		   const char *key, const char *value, struct hn_ovs_txn *txn, size_t *mutate_at)
{
	json_t *named = json_array();
	int r = named ? hn_ovs_txn_start(txn, "hostnet: add probe ports") : -ENOMEM;

	for (size_t i = 0; r == 0 && i < n; i++) {
		char iface[24], port[24];

		snprintf(iface, sizeof(iface), "i%zu", i);
		snprintf(port, sizeof(port), "p%zu", i);
		r = hn_ovs_txn_push(txn,
				    json_pack("{s:s, s:s, s:s, s:{s:s, s:[s, [[s, s]]]}}", "op",
					      "insert", "table", "Interface", "uuid-name", iface,
					      "row", "name", ports[i].name, "external_ids", "map",
					      key, value),
				    HN_OVS_OP_INSERT_IFACE, (long)i);
		if (r == 0)
			r = hn_ovs_txn_push(txn,
					    json_pack("{s:s, s:s, s:s, s:o}", "op", "insert",
						      "table", "Port", "uuid-name", port, "row",
						      port_row(&ports[i], iface, key, value)),
					    HN_OVS_OP_INSERT_PORT, (long)i);
		if (r == 0 && json_array_append_new(named, json_pack("[s, s]", "named-uuid", port)))
			r = -ENOMEM;
	}
	*mutate_at = txn->n_ops;
	/* The bridge must exist: a mutate of no row would leave the ports unreferenced and
	 * OVSDB would drop them silently (hence its count, checked). */
	if (r == 0)
		r = hn_ovs_txn_push(txn,
				    json_pack("{s:s, s:s, s:[[s, s, s]], s:[[s, s, [s, O]]]}", "op",
					      "mutate", "table", "Bridge", "where", "name", "==",
					      bridge, "mutations", "ports", "insert", "set", named),
				    HN_OVS_OP_OTHER, -1);
	json_decref(named);
	return r;
}

/* Every interface added must have been opened by ovs-vswitchd. */
static int check_interfaces(struct hn_ovs_ports *o, const struct hn_ovs_txn *txn,
			    const json_t *result, const struct hn_ovs_port_spec *ports)
{
	struct hn_ovs_strmap made = {0};
	size_t nbad = 0, first = 0;
	char why[512];
	int r = 0;

	for (size_t i = 0; r == 0 && i < txn->n_ops; i++)
		if (txn->ops[i].role == HN_OVS_OP_INSERT_IFACE)
			r = hn_ovs_strmap_put(
			    &made,
			    hn_ovs_json_uuid(json_object_get(json_array_get(result, i), "uuid")),
			    (size_t)txn->ops[i].act);
	if (r == 0)
		r = hn_ovs_cfg_failed_ifaces(o->rpc, &made, &nbad, &first, why, sizeof(why));
	hn_ovs_strmap_free(&made);
	if (r == -ENOMEM)
		return hn_err(r, "out of memory");
	if (r < 0 || !nbad)
		return r;
	return hn_err(-ENODEV, "ovs-vswitchd could not open probe interface %s on %s: %s%s",
		      ports[first].name, o->bridge, why, nbad > 1 ? " (and others)" : "");
}

int hn_ovs_ports_add(struct hn_ovs_ports *o, const char *bridge,
		     const struct hn_ovs_port_spec *ports, size_t n, const char *key,
		     const char *value)
{
	struct hn_ovs_txn txn;
	json_t *result = NULL;
	long long next_cfg = 0;
	size_t mutate_at = 0;
	int r;

	snprintf(o->bridge, sizeof(o->bridge), "%s", bridge);
	if (o->stalled)
		return hn_err(-ETIMEDOUT,
			      "ovs-vswitchd did not apply a change earlier in this run "
			      "(within %d ms): is it running?",
			      o->timeout_ms);
	r = add_txn(bridge, ports, n, key, value, &txn, &mutate_at);
	r = commit(o, &txn, r, &result, &next_cfg);
	if (r == 0 &&
	    json_integer_value(json_object_get(json_array_get(result, mutate_at), "count")) != 1)
		r = hn_err(-ENODEV, "no bridge %s in OVSDB to attach probes to", bridge);
	if (r == 0) {
		json_decref(o->added);
		o->added = json_array();
		for (size_t i = 0; i < txn.n_ops; i++)
			if (txn.ops[i].role == HN_OVS_OP_INSERT_PORT)
				json_array_append(
				    o->added, json_object_get(json_array_get(result, i), "uuid"));
		r = wait_applied(o, next_cfg);
		if (r == 0)
			r = check_interfaces(o, &txn, result, ports);
		if (r < 0) {
			struct hn_error undo; /* the failure to report is the one before */

			hn_err_push(&undo);
			hn_ovs_ports_remove_added(o);
			hn_err_pop(&undo);
		}
	}
	hn_ovs_txn_free(&txn);
	json_decref(result);
	return r;
}

int hn_ovs_ports_remove_added(struct hn_ovs_ports *o)
{
	struct hn_ovs_txn txn;
	long long next_cfg = 0;
	int r;

	if (!o->added || json_array_size(o->added) == 0)
		return 0;
	r = hn_ovs_txn_start(&txn, "hostnet: remove probe ports");
	if (r == 0)
		r = remove_op(&txn, json_pack("[[s, s, s]]", "name", "==", o->bridge),
			      json_incref(o->added));
	r = commit(o, &txn, r, NULL, &next_cfg);
	hn_ovs_txn_free(&txn);
	if (r < 0)
		return r;
	json_decref(o->added);
	o->added = NULL;
	return 0;
}
