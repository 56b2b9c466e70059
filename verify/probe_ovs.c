// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe_ovs.h"
#include "ovs_cfg.h"
#include "error.h"
#include "ovsdb_rpc.h"
#include "probe_owner.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DB "Open_vSwitch"

struct hn_probe_ovs {
	struct ovsdb_rpc *rpc;
	int timeout_ms;
	struct ovs_cfg_watch cfg;
	bool stalled; /* a wait for ovs-vswitchd timed out: do not wait for it again */
	char bridge[64];
	char mark[HN_PROBE_MARK_LEN];
	json_t *ports; /* ["uuid", U] of the ports attach added */
};

int hn_probe_ovs_open(const char *ovsdb, int timeout_ms, struct hn_probe_ovs **out)
{
	struct hn_probe_ovs *o = calloc(1, sizeof(*o));
	int r;

	if (!o)
		return hn_err(-ENOMEM, "out of memory");
	o->timeout_ms = timeout_ms;
	r = ovsdb_rpc_open(ovsdb, timeout_ms, &o->rpc);
	if (r < 0) {
		free(o);
		return r;
	}
	*out = o;
	return 0;
}

void hn_probe_ovs_close(struct hn_probe_ovs *o)
{
	if (!o)
		return;
	ovsdb_rpc_close(o->rpc);
	json_decref(o->ports);
	free(o);
}

/* ---- OVSDB notation, the little verify reads ---- */

static bool is_pair(const json_t *v, const char *tag)
{
	return json_is_array(v) && json_array_size(v) == 2 &&
	       json_is_string(json_array_get(v, 0)) &&
	       strcmp(json_string_value(json_array_get(v, 0)), tag) == 0;
}

static const char *map_get(const json_t *map, const char *key)
{
	const json_t *pairs = is_pair(map, "map") ? json_array_get(map, 1) : NULL;
	size_t i;
	json_t *kv;

	json_array_foreach (pairs, i, kv) {
		const char *k = json_string_value(json_array_get(kv, 0));

		if (k && strcmp(k, key) == 0)
			return json_string_value(json_array_get(kv, 1));
	}
	return NULL;
}

/* Is uuid a member of the set (or lone atom) v? */
static bool set_has_uuid(const json_t *v, const char *uuid)
{
	size_t i;
	json_t *x;

	if (is_pair(v, "uuid"))
		return strcmp(json_string_value(json_array_get(v, 1)), uuid) == 0;
	if (!is_pair(v, "set"))
		return false;
	json_array_foreach (json_array_get(v, 1), i, x) {
		if (is_pair(x, "uuid") &&
		    strcmp(json_string_value(json_array_get(x, 1)), uuid) == 0)
			return true;
	}
	return false;
}

/* The first error of a transact result (an operation's, or the commit's). */
static int txn_check(const json_t *result, const char *what)
{
	size_t i;
	json_t *op;

	if (!json_is_array(result))
		return hn_err(-EPROTO, "%s: the OVSDB server sent no list of results", what);
	json_array_foreach (result, i, op) {
		const char *err = json_string_value(json_object_get(op, "error"));
		const char *details = json_string_value(json_object_get(op, "details"));

		if (err)
			return hn_err(-EREMOTEIO, "%s: OVSDB refused the transaction: %s%s%s", what,
				      err, details ? ": " : "", details ? details : "");
	}
	return 0;
}

static int transact(struct hn_probe_ovs *o, json_t *params, const char *what, json_t **result)
{
	int r = ovsdb_rpc_call(o->rpc, "transact", params, result);

	if (r < 0)
		return r;
	r = txn_check(*result, what);
	if (r < 0) {
		json_decref(*result);
		*result = NULL;
	}
	return r;
}

/* Append "next_cfg += 1" and a select of it: ovs-vswitchd sets cur_cfg to that value once
 * it has applied everything before. */
static int append_next_cfg(json_t *params)
{
	json_t *mutate = json_pack("{s:s, s:s, s:[], s:[[s, s, i]]}", "op", "mutate", "table", DB,
				   "where", "mutations", "next_cfg", "+=", 1);
	json_t *select = json_pack("{s:s, s:s, s:[], s:[s]}", "op", "select", "table", DB, "where",
				   "columns", "next_cfg");

	if (json_array_append_new(params, mutate) < 0 || json_array_append_new(params, select) < 0)
		return -ENOMEM;
	return 0;
}

static long long last_next_cfg(const json_t *result)
{
	const json_t *rows =
	    json_object_get(json_array_get(result, json_array_size(result) - 1), "rows");

	return json_integer_value(json_object_get(json_array_get(rows, 0), "next_cfg"));
}

/* Bounded wait until ovs-vswitchd's cur_cfg reaches next_cfg (ovs_cfg.h). The monitor is
 * started after the commit: verify is not timed to the millisecond like `up`, and its
 * initial reply already holds cur_cfg, so nothing is missed. */
static int wait_applied(struct hn_probe_ovs *o, long long next_cfg)
{
	int r = ovs_cfg_watch_start(o->rpc, &o->cfg);

	if (r == 0)
		r = ovs_cfg_wait(o->rpc, &o->cfg, next_cfg, o->timeout_ms);
	if (r == -ETIMEDOUT)
		o->stalled = true;
	if (r < 0) {
		char why[1024];

		snprintf(why, sizeof(why), "%s", hn_errmsg() ? hn_errmsg() : "");
		ovs_cfg_watch_stop(o->rpc, &o->cfg);
		return hn_err(r, "%s", why);
	}
	return ovs_cfg_watch_stop(o->rpc, &o->cfg);
}

/* ---- sweep ---- */

int hn_probe_ovs_sweep(struct hn_probe_ovs *o, size_t *removed)
{
	json_t *params = json_pack(
	    "[s, {s:s, s:s, s:[], s:[s, s, s]}, {s:s, s:s, s:[], s:[s, s, s]}]", DB, "op", "select",
	    "table", "Port", "where", "columns", "_uuid", "name", "external_ids", "op", "select",
	    "table", "Bridge", "where", "columns", "_uuid", "name", "ports");
	json_t *result = NULL, *ports, *bridges, *txn = NULL, *row;
	size_t i, stale = 0;
	int r;

	*removed = 0;
	r = transact(o, params, "reading probe ports", &result);
	if (r < 0)
		return r;
	ports = json_object_get(json_array_get(result, 0), "rows");
	bridges = json_object_get(json_array_get(result, 1), "rows");
	txn = json_pack("[s]", DB);
	json_array_foreach (bridges, i, row) {
		json_t *gone = json_array();
		size_t j;
		json_t *port;

		json_array_foreach (ports, j, port) {
			const char *mark =
			    map_get(json_object_get(port, "external_ids"), HN_PROBE_MARK_KEY);
			const json_t *uuid = json_object_get(port, "_uuid");

			if (!mark || hn_probe_mark_alive(mark) || !is_pair(uuid, "uuid") ||
			    !set_has_uuid(json_object_get(row, "ports"),
					  json_string_value(json_array_get(uuid, 1))))
				continue;
			hn_debug("removing probe port %s of a verify run that is gone (%s)",
				 json_string_value(json_object_get(port, "name")), mark);
			json_array_append(gone, (json_t *)uuid);
		}
		if (json_array_size(gone) == 0) {
			json_decref(gone);
			continue;
		}
		stale += json_array_size(gone);
		json_array_append_new(txn,
				      json_pack("{s:s, s:s, s:[[s, s, O]], s:[[s, s, [s, o]]]}",
						"op", "mutate", "table", "Bridge", "where", "_uuid",
						"==", json_object_get(row, "_uuid"), "mutations",
						"ports", "delete", "set", gone));
	}
	json_decref(result);
	if (stale == 0) {
		json_decref(txn);
		return 0;
	}
	if (append_next_cfg(txn) < 0) {
		json_decref(txn);
		return hn_err(-ENOMEM, "out of memory");
	}
	r = transact(o, txn, "removing stale probe ports", &result);
	if (r < 0)
		return r;
	r = wait_applied(o, last_next_cfg(result));
	json_decref(result);
	if (r == 0)
		*removed = stale;
	return r;
}

/* ---- attach / detach ---- */

static json_t *port_row(const struct hn_probe_port *p, const char *iface, const char *mark)
{
	json_t *row =
	    json_pack("{s:s, s:[s, s], s:[s, [[s, s]]]}", "name", p->name, "interfaces",
		      "named-uuid", iface, "external_ids", "map", HN_PROBE_MARK_KEY, mark);

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

/* The interfaces ovs-vswitchd could not open; -ENODEV names the first. */
static int check_interfaces(struct hn_probe_ovs *o, size_t n)
{
	json_t *result = NULL, *rows, *row;
	const char *first = NULL, *why = NULL;
	size_t i, bad = 0, seen = 0;
	int r;

	r = transact(o,
		     json_pack("[s, {s:s, s:s, s:[], s:[s, s, s, s]}]", DB, "op", "select", "table",
			       "Interface", "where", "columns", "name", "ofport", "error",
			       "external_ids"),
		     "reading probe interfaces", &result);
	if (r < 0)
		return r;
	rows = json_object_get(json_array_get(result, 0), "rows");
	json_array_foreach (rows, i, row) {
		const char *mark = map_get(json_object_get(row, "external_ids"), HN_PROBE_MARK_KEY);
		const char *err = json_string_value(json_object_get(row, "error"));
		json_t *ofport = json_object_get(row, "ofport");

		if (!mark || strcmp(mark, o->mark))
			continue;
		seen++;
		if ((err && *err) || !json_is_integer(ofport) || json_integer_value(ofport) < 0) {
			if (!bad++) {
				first = json_string_value(json_object_get(row, "name"));
				why = err && *err ? err : "no OpenFlow port number";
			}
		}
	}
	if (bad)
		r = hn_err(-ENODEV, "ovs-vswitchd could not open probe interface %s on %s: %s%s",
			   first ? first : "?", o->bridge, why, bad > 1 ? " (and others)" : "");
	else if (seen != n)
		r = hn_err(-ENODEV, "%zu of %zu probe interfaces are missing from OVSDB", n - seen,
			   n);
	json_decref(result);
	return r;
}

int hn_probe_ovs_attach(struct hn_probe_ovs *o, const char *bridge,
			const struct hn_probe_port *ports, size_t n, const char *mark)
{
	json_t *params = json_pack("[s]", DB), *named = json_array(), *result = NULL;
	long long next_cfg;
	int r = -ENOMEM;

	snprintf(o->bridge, sizeof(o->bridge), "%s", bridge);
	snprintf(o->mark, sizeof(o->mark), "%s", mark);
	if (o->stalled) {
		json_decref(params);
		json_decref(named);
		return hn_err(-ETIMEDOUT,
			      "ovs-vswitchd did not apply a change earlier in this run "
			      "(within %d ms): is it running?",
			      o->timeout_ms);
	}
	if (!params || !named)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		char iface[24], port[24];
		json_t *prow;

		snprintf(iface, sizeof(iface), "i%zu", i);
		snprintf(port, sizeof(port), "p%zu", i);
		prow = port_row(&ports[i], iface, mark);
		if (!prow ||
		    json_array_append_new(
			params, json_pack("{s:s, s:s, s:s, s:{s:s, s:[s, [[s, s]]]}}", "op",
					  "insert", "table", "Interface", "uuid-name", iface, "row",
					  "name", ports[i].name, "external_ids", "map",
					  HN_PROBE_MARK_KEY, mark)) < 0 ||
		    json_array_append_new(params,
					  json_pack("{s:s, s:s, s:s, s:o}", "op", "insert", "table",
						    "Port", "uuid-name", port, "row", prow)) < 0 ||
		    json_array_append_new(named, json_pack("[s, s]", "named-uuid", port)) < 0)
			goto nomem;
	}
	/* The bridge must exist: a mutate of no row would leave the ports unreferenced and
	 * OVSDB would drop them silently. */
	if (json_array_append_new(params, json_pack("{s:s, s:s, s:[[s, s, s]], s:[[s, s, [s, O]]]}",
						    "op", "mutate", "table", "Bridge", "where",
						    "name", "==", bridge, "mutations", "ports",
						    "insert", "set", named)) < 0 ||
	    append_next_cfg(params) < 0)
		goto nomem;
	json_decref(named);
	named = NULL;

	r = transact(o, params, "adding probe ports", &result);
	params = NULL;
	if (r < 0)
		return r;
	if (json_integer_value(json_object_get(json_array_get(result, 2 * n), "count")) != 1) {
		json_decref(result);
		return hn_err(-ENODEV, "no bridge %s in OVSDB to attach probes to", bridge);
	}
	json_decref(o->ports);
	o->ports = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append(o->ports,
				  json_object_get(json_array_get(result, 2 * i + 1), "uuid"));
	next_cfg = last_next_cfg(result);
	json_decref(result);

	r = wait_applied(o, next_cfg);
	if (r == 0)
		r = check_interfaces(o, n);
	if (r < 0) {
		char why[1024];

		snprintf(why, sizeof(why), "%s", hn_errmsg() ? hn_errmsg() : "");
		hn_probe_ovs_detach(o);
		return hn_err(r, "%s", why);
	}
	return 0;
nomem:
	json_decref(params);
	json_decref(named);
	return hn_err(-ENOMEM, "out of memory");
}

int hn_probe_ovs_detach(struct hn_probe_ovs *o)
{
	json_t *params, *result = NULL;
	int r;

	if (!o->ports || json_array_size(o->ports) == 0)
		return 0;
	params = json_pack("[s, {s:s, s:s, s:[[s, s, s]], s:[[s, s, [s, O]]]}]", DB, "op", "mutate",
			   "table", "Bridge", "where", "name", "==", o->bridge, "mutations",
			   "ports", "delete", "set", o->ports);
	if (!params || append_next_cfg(params) < 0) {
		json_decref(params);
		return hn_err(-ENOMEM, "out of memory");
	}
	r = transact(o, params, "removing probe ports", &result);
	if (r < 0)
		return r;
	json_decref(o->ports);
	o->ports = NULL;
	/* An ovs-vswitchd that did not answer before holds nothing to let go of in time. */
	r = o->stalled ? 0 : wait_applied(o, last_next_cfg(result));
	json_decref(result);
	return r;
}
