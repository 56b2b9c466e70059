// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The OVS backend: reads the switch from ovsdb-server, diffs it against the config,
 * applies every change of an `up` as one transaction, waits for ovs-vswitchd to apply it
 * (cur_cfg), and checks every interface it added.
 */
#include "ovs.h"
#include "error.h"
#include "ovs_act.h"
#include "ovs_db.h"
#include "ovs_cfg.h"
#include "ovs_diff.h"
#include "ovs_bond.h"
#include "ovs_fdb.h"
#include "ovs_import.h"
#include "ovs_txn.h"
#include "ovsdb_rpc.h"
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ovs_state {
	const struct hn_opts *opts;
	struct hn_ovs_rpc *rpc;
	struct hn_ovs_db *db;
	const char *datapath;
	struct hn_ovs_cfg_watch cfg; /* the cur_cfg monitor while an apply runs */
	/* A transaction of this run was committed since db was read: a later one (the uplink
	 * NIC's own step, backend.h) reads again first, for the rows that one made. */
	bool stale;
	json_int_t asked; /* the read's request is out (ovs_ask): its id; 0: none */
	unsigned reads;	  /* monitors made to read, each under its own id */
};

/* The read is a monitor_cond's initial contents (ovs_db.h); the monitor itself is not wanted:
 * it is cancelled in the same breath (the server takes requests in order, so it has
 * answered first), and the reply to that is passed over as any stray reply is. */
static int ask_read(struct ovs_state *s)
{
	json_int_t cancel;
	char id[32];
	int r;

	snprintf(id, sizeof(id), "hostnet-read-%u", ++s->reads);
	r = hn_ovs_rpc_send(s->rpc, "monitor_cond", hn_ovs_db_read_params(id), &s->asked);
	if (r == 0)
		r = hn_ovs_rpc_send(s->rpc, "monitor_cancel", json_pack("[s]", id), &cancel);
	return r;
}

static void free_priv(void *priv)
{
	hn_ovs_act_free(priv);
}

/* The state of a connection to ovsdb-server; ask: made only at once, with the read's
 * request sent (ovs_ask). */
static int open_state(const struct hn_opts *opts, bool ask, void **state)
{
	struct ovs_state *s = calloc(1, sizeof(*s));
	int r;

	*state = NULL;
	if (!s)
		return hn_err(-ENOMEM, "out of memory");
	s->opts = opts;
	r = ask ? hn_ovs_rpc_open_now(opts->ovsdb, opts->timeout_ms, &s->rpc)
		: hn_ovs_rpc_open(opts->ovsdb, opts->timeout_ms, &s->rpc);
	if (r == 0 && ask)
		r = ask_read(s);
	if (r < 0) {
		hn_ovs_rpc_close(s->rpc);
		free(s);
		return r;
	}
	*state = s;
	return 0;
}

static int ovs_open(const struct hn_opts *opts, void **state)
{
	return open_state(opts, false, state);
}

/* The read is most of a converged run's time, and ovsdb-server's answer most of the read:
 * asked before the config loads, it is answered meanwhile. */
static int ovs_ask(const struct hn_opts *opts, void **state)
{
	return open_state(opts, true, state);
}

static void ovs_close(void *state)
{
	struct ovs_state *s = state;

	if (!s)
		return;
	hn_ovs_db_free(s->db);
	hn_ovs_rpc_close(s->rpc);
	free(s);
}

static int ovs_read(void *state)
{
	struct ovs_state *s = state;
	struct hn_ovs_db *db;
	size_t off, len;
	char *text;
	int r;

	/* As text: the reply is most of a converged run, read without jansson (ovs_db.h). */
	r = s->asked ? 0 : ask_read(s);
	if (r == 0)
		r = hn_ovs_rpc_reply_text(s->rpc, "monitor_cond", s->asked, &text, &off, &len);
	s->asked = 0;
	if (r < 0)
		return r;
	r = hn_ovs_db_parse_text(text, off, len, &db);
	if (r < 0)
		return r;
	hn_ovs_db_free(s->db);
	s->db = db;
	s->stale = false;
	hn_debug("ovs: read %zu bridge(s), %zu port(s), %zu interface(s); next_cfg %lld, "
		 "cur_cfg %lld",
		 db->n_bridges, db->n_ports, db->n_ifaces, db->next_cfg, db->cur_cfg);
	return 0;
}

/* The datapath_type of the bridges of want (NULL: the default): ovs.datapath, whose auto
 * is the kernel datapath when its module is loaded, else userspace. "system" or "netdev". */
static const char *datapath_of(const struct hn_config *want)
{
	if (want && want->datapath == HN_DATAPATH_SYSTEM)
		return "system";
	if (want && want->datapath == HN_DATAPATH_NETDEV)
		return "netdev";
	return access("/sys/module/openvswitch", F_OK) == 0 ? "system" : "netdev";
}

/* The device MTU of the interfaces the config gives one, which verify shows beside it:
 * asked only then (ovs_db.h). */
static int read_device_mtus(struct ovs_state *s, const struct hn_config *want,
			    const struct hn_plan *plan)
{
	json_t *params = plan->observe ? hn_ovs_db_device_mtus_params(want) : NULL, *result;
	int r;

	if (!params)
		return 0;
	r = hn_ovs_rpc_call(s->rpc, "transact", params, &result);
	if (r < 0)
		return r;
	hn_ovs_db_set_device_mtus(s->db, result);
	json_decref(result);
	return 0;
}

/* Diff, then fetch the whole rows that removals need for their undo (rarely: the read
 * is kept to what a diff compares). */
static int diff_into(struct ovs_state *s, const struct hn_config *want, struct hn_plan *plan)
{
	size_t from = plan->n;
	json_t *result;
	int r = read_device_mtus(s, want, plan);

	if (r == 0)
		r = hn_ovs_diff(s->db, want, s->datapath, plan);
	if (r < 0 || !hn_ovs_plan_removes(plan, from))
		return r;
	r = hn_ovs_rpc_call(s->rpc, "transact", hn_ovs_details_params(), &result);
	if (r < 0)
		return r;
	r = hn_ovs_attach_details(plan, from, result);
	json_decref(result);
	return r;
}

static int ovs_diff_state(void *state, const struct hn_config *want, struct hn_plan *plan)
{
	struct ovs_state *s = state;

	if (!s->db)
		return hn_err(-EINVAL, "ovs: diff before read");
	s->datapath = datapath_of(want);
	return diff_into(s, want, plan);
}

static bool makes_bridge(struct hn_ovs_act *const *acts, size_t n, const char *bridge)
{
	for (size_t i = 0; i < n; i++)
		if (acts[i]->kind == HN_OVS_ADD_BRIDGE && strcmp(acts[i]->bridge, bridge) == 0)
			return true;
	return false;
}

/*
 * Ports bound for a bridge that an earlier transaction of this run made (the uplink NIC
 * joining a new br0): the diff could not know its uuid; the read since has it.
 */
static int resolve_new_bridges(struct ovs_state *s, struct hn_ovs_act *const *acts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct hn_ovs_act *a = acts[i];
		const struct hn_ovs_bridge *b;

		if ((a->kind != HN_OVS_ADD_PORT && a->kind != HN_OVS_MOVE_PORT) ||
		    a->bridge_uuid[0] || makes_bridge(acts, n, a->bridge))
			continue;
		b = hn_ovs_db_bridge(s->db, a->bridge);
		if (!b)
			return hn_err(-ENOENT,
				      "bridge %s, made by this run, is gone from OVSDB: "
				      "another client removed it",
				      a->bridge);
		snprintf(a->bridge_uuid, sizeof(a->bridge_uuid), "%s", b->uuid);
	}
	return 0;
}

/* The name of interface k that act a inserted: the port's own, or a bond member's. */
static const char *made_iface_name(const struct hn_ovs_act *a, size_t k)
{
	const json_t *row = json_is_array(a->iface_cols) ? json_array_get(a->iface_cols, k) : NULL;
	const char *name = json_string_value(json_object_get(row, "name"));

	return name ? name : a->port;
}

/* Every interface the transaction added (each of a bond's) must have been opened by
 * ovs-vswitchd. */
static int check_interfaces(struct ovs_state *s, struct hn_ovs_act *const *acts, size_t n)
{
	struct hn_ovs_strmap made = {0};
	size_t nbad = 0, first = 0;
	char why[512], more[64] = "";
	const struct hn_ovs_act *a;
	int r = 0;

	/* Each interface stands for act i, interface k: i * HN_OVS_IFACES_MAX + k. */
	for (size_t i = 0; r == 0 && i < n; i++)
		for (size_t k = 0; r == 0 && acts[i]->kind == HN_OVS_ADD_PORT &&
				   k < HN_OVS_IFACES_MAX && acts[i]->made_iface_uuid[k][0];
		     k++)
			r = hn_ovs_strmap_put(&made, acts[i]->made_iface_uuid[k],
					      i * HN_OVS_IFACES_MAX + k);
	if (r == 0 && made.n)
		r = hn_ovs_cfg_failed_ifaces(s->rpc, &made, &nbad, &first, why, sizeof(why));
	hn_ovs_strmap_free(&made);
	if (r == -ENOMEM)
		return hn_err(r, "out of memory");
	if (r < 0 || !nbad)
		return r;
	if (nbad > 1)
		snprintf(more, sizeof(more), " (and %zu more interface(s))", nbad - 1);
	a = acts[first / HN_OVS_IFACES_MAX];
	return hn_err(-ENODEV, "ovs-vswitchd could not open interface %s (port %s on %s): %s%s",
		      made_iface_name(a, first % HN_OVS_IFACES_MAX), a->port, a->bridge, why, more);
}

/* acts committed in one transaction, then taken by ovs-vswitchd (watched through s->cfg). */
static int commit(struct ovs_state *s, struct hn_action **acts, size_t n, size_t *done)
{
	_cleanup_free_ struct hn_ovs_act **v = calloc(n + 1, sizeof(*v));
	_cleanup_(hn_ovs_txn_free) struct hn_ovs_txn txn = {0};
	json_auto_t *result = NULL;
	long long next_cfg = 0;
	int r;

	if (!v)
		return hn_err(-ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = acts[i]->priv;
	/* A second transaction of one run (the uplink NIC's step comes apart from the rest,
	 * backend.h) waits on the rows as the first one left them, not as the diff read them:
	 * read again. A writer between the diff and this read goes unseen by the waits; the
	 * re-read after apply (`up`'s confirm) still sees what it changed. */
	if ((s->stale && (r = ovs_read(s)) < 0) || (r = resolve_new_bridges(s, v, n)) < 0 ||
	    (r = hn_ovs_txn_build(s->db, v, n, &txn)) < 0)
		return r;
	r = hn_ovs_rpc_call(s->rpc, "transact", json_incref(txn.params), &result);
	if (r < 0)
		return hn_err(r, "%s; whether OVS took the change is unknown: run `hostnet plan`",
			      hn_errmsg() ? hn_errmsg() : "");
	r = hn_ovs_txn_result(&txn, result, v, &next_cfg);
	/* The transaction's waits failed: another client wrote what hostnet read. Nothing was
	 * committed; the agent reads and plans again and shows the new plan (backend.h). */
	if (r == -EAGAIN)
		return hn_err(-EAGAIN, "another client changed the OVS database between "
				       "hostnet's read and its write");
	if (r < 0)
		return r;
	/* From here on the database holds the change: the agent must undo it on failure. */
	s->stale = true;
	*done = n;
	if (!n)
		return 0;
	hn_debug("ovs: committed %zu change(s), next_cfg %lld", n, next_cfg);
	r = hn_ovs_cfg_wait(s->rpc, &s->cfg, next_cfg, s->opts->timeout_ms);
	if (r == 0)
		r = hn_ovs_cfg_watch_stop(s->rpc, &s->cfg);
	if (r == 0)
		r = check_interfaces(s, v, n);
	return r;
}

static int ovs_apply(void *state, struct hn_action **acts, size_t n, size_t *done)
{
	struct ovs_state *s = state;
	struct hn_error cancel;
	int r;

	*done = 0;
	r = hn_ovs_cfg_watch_start(s->rpc, &s->cfg);
	if (r == 0)
		r = commit(s, acts, n, done);
	if (!s->cfg.id[0])
		return r;
	if (r == 0)
		return hn_ovs_cfg_watch_stop(s->rpc, &s->cfg);
	/* after a failure, the cancel only tidies up: its own failure is not reported */
	hn_err_push(&cancel);
	hn_ovs_cfg_watch_stop(s->rpc, &s->cfg);
	hn_err_pop(&cancel);
	return r;
}

static int ovs_undo(void *state, struct hn_action **acts, size_t n)
{
	struct ovs_state *s = state;
	_cleanup_free_ struct hn_ovs_act **v = calloc(n + 1, sizeof(*v));
	_cleanup_(hn_ovs_txn_free) struct hn_ovs_txn txn = {0};
	json_auto_t *result = NULL;
	int r;

	if (!v)
		return hn_err(-ENOMEM, "out of memory");
	if (!n)
		return 0;
	/* acts are what one apply committed: one transaction, inverted as a whole. */
	for (size_t i = 0; i < n; i++)
		v[i] = acts[i]->priv;
	r = hn_ovs_txn_inverse(v, n, &txn);
	if (r < 0)
		return r;
	/* No wait for ovs-vswitchd here: undo often follows its failure, and the database is
	 * what it converges to whenever it runs. */
	r = hn_ovs_rpc_call(s->rpc, "transact", json_incref(txn.params), &result);
	if (r == 0)
		r = hn_ovs_txn_result(&txn, result, NULL, NULL);
	s->stale = true;
	return r;
}

/* The port on bridge b holding the interface called name: the port of that name, or the
 * bond whose member it is (the switch learns a bond's MACs on one member's number). */
static const struct hn_ovs_port *port_of_iface(const struct hn_ovs_db *db,
					       const struct hn_ovs_bridge *b, const char *name)
{
	const struct hn_ovs_port *p = hn_ovs_db_port(db, name);

	if (p)
		return p;
	for (size_t i = 0; i < b->n_ports; i++) {
		const struct hn_ovs_port *bp = &db->ports[b->ports[i]];
		const struct hn_ovs_iface *f[HN_BOND_MAX];
		size_t n = hn_ovs_db_port_ifaces(db, bp, f, HN_BOND_MAX);

		for (size_t k = 0; n > 1 && k < n && k < HN_BOND_MAX; k++)
			if (strcmp(f[k]->name, name) == 0)
				return bp;
	}
	return NULL;
}

/* The OpenFlow port numbers of bridge's ports (a port's own interface has its name, a bond's
 * have its members'). */
static int name_ports(struct ovs_state *s, const struct hn_ovs_bridge *b, struct hn_learned *l)
{
	json_auto_t *result = NULL;
	json_t *rows;
	int r = hn_ovs_rpc_call(s->rpc, "transact",
				json_pack("[s, {s:s, s:s, s:[], s:[s, s]}]", HN_OVS_DB_NAME, "op",
					  "select", "table", "Interface", "where", "columns",
					  "name", "ofport"),
				&result);

	if (r < 0)
		return r;
	rows = json_object_get(json_array_get(result, 0), "rows");
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *row = json_array_get(rows, i);
		const char *name = json_string_value(json_object_get(row, "name"));
		json_t *ofport = json_object_get(row, "ofport");
		const struct hn_ovs_port *p = name ? port_of_iface(s->db, b, name) : NULL;

		/* Port numbers are per bridge: only this bridge's ports count. */
		if (!p || p->bridge < 0 || &s->db->bridges[p->bridge] != b ||
		    !json_is_integer(ofport))
			continue;
		for (size_t k = 0; k < l->n; k++)
			if (l->v[k].ofport == (unsigned)json_integer_value(ofport))
				snprintf(l->v[k].port, sizeof(l->v[k].port), "%s", p->name);
	}
	return 0;
}

/* ovs-vswitchd's answer to the unixctl command `method arg` (its text, in *result) over
 * its control socket beside the --ovsdb socket. 0, or a negative errno with hn_err text. */
static int ctl_text(struct ovs_state *s, const char *method, const char *arg, json_t **result)
{
	struct hn_ovs_rpc *ctl = NULL;
	char rundir[4096], addr[4200];
	int r;

	*result = NULL;
	hn_ovs_fdb_rundir(s->opts->ovsdb, rundir, sizeof(rundir));
	r = hn_ovs_fdb_ctl_path(rundir, addr, sizeof(addr));
	if (r == 0)
		r = hn_ovs_rpc_open_peer(addr, "ovs-vswitchd", s->opts->timeout_ms, &ctl);
	if (r == 0)
		r = hn_ovs_rpc_call(ctl, method, json_pack("[s]", arg), result);
	hn_ovs_rpc_close(ctl);
	if (r == 0 && !json_is_string(*result))
		r = hn_err(-EPROTO, "ovs-vswitchd answered %s %s without text", method, arg);
	return r;
}

static int ovs_learned_macs(void *state, const char *bridge, struct hn_learned *out)
{
	struct ovs_state *s = state;
	const struct hn_ovs_bridge *b = s->db ? hn_ovs_db_bridge(s->db, bridge) : NULL;
	json_auto_t *result = NULL;
	int r;

	out->v = NULL;
	out->n = 0;
	if (!b)
		return hn_err(-ENOENT, "bridge %s is not in OVSDB", bridge);
	r = ctl_text(s, "fdb/show", bridge, &result);
	if (r == 0)
		r = hn_ovs_fdb_parse(json_string_value(result), out);
	if (r == 0)
		r = name_ports(s, b, out);
	if (r < 0) {
		free(out->v);
		out->v = NULL;
		out->n = 0;
	}
	return r;
}

static int ovs_bond_state(void *state, const char *port, bool lacp, struct hn_bond_state *out)
{
	struct ovs_state *s = state;
	json_auto_t *shown = NULL;
	json_auto_t *lacp_shown = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	r = ctl_text(s, "bond/show", port, &shown);
	if (r == 0)
		r = hn_ovs_bond_parse(json_string_value(shown), out);
	if (r < 0 || !lacp)
		return r;
	/* lacp/show is detail: bond/show's lacp_status already says whether it negotiated. */
	if (ctl_text(s, "lacp/show", port, &lacp_shown) == 0)
		hn_ovs_lacp_parse(json_string_value(lacp_shown), out);
	hn_err_clear();
	return 0;
}

static int ovs_describe(void *state, struct hn_import *im)
{
	struct ovs_state *s = state;
	json_auto_t *result = NULL;
	int r;

	if (!s->db)
		return hn_err(-EINVAL, "ovs: describe before read");
	/* The interfaces' external_ids say which ports libvirt made for guests; the read
	 * that plans leaves them out, as it does every column a diff does not compare. */
	r = hn_ovs_rpc_call(s->rpc, "transact",
			    json_pack("[s, {s:s, s:s, s:[], s:[s, s]}]", HN_OVS_DB_NAME, "op",
				      "select", "table", "Interface", "where", "columns", "name",
				      "external_ids"),
			    &result);
	if (r < 0)
		return r;
	return hn_ovs_import(s->db, json_object_get(json_array_get(result, 0), "rows"), im);
}

const struct hn_backend hn_ovs_backend = {
    .name = "ovs",
    .layer = HN_LAYER_OVS,
    .open = ovs_open,
    .ask = ovs_ask,
    .read = ovs_read,
    .diff = ovs_diff_state,
    .apply = ovs_apply,
    .undo = ovs_undo,
    .free_priv = free_priv,
    .close = ovs_close,
    .learned_macs = ovs_learned_macs,
    .bond_state = ovs_bond_state,
    .describe = ovs_describe,
};
