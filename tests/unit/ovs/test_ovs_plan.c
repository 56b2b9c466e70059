// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The OVS plan and its transaction: recorded snapshots of a real ovsdb-server (the .json files of
 * data/, made by data/record.sh) diffed against hand-built configs, the operations that come out,
 * the reading of recorded results, and the transaction that undoes a commit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "fake_ovsdb.h"
#include "ovs_act.h"
#include "ovs_db.h"
#include "ovs_diff.h"
#include "ovs_txn.h"
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fixtures ---- */

struct world {
	struct hn_config cfg;
	struct hn_bridge bridges[3];
	struct hn_port ports[4];
	struct hn_ovs_db *db;
	struct hn_plan plan;
};

/* The seed: br0 with uplink eno1, brint with tag 99. */
static void seed_config(struct world *w)
{
	memset(&w->cfg, 0, sizeof(w->cfg));
	memset(w->bridges, 0, sizeof(w->bridges));
	strcpy(w->bridges[0].name, "br0");
	strcpy(w->bridges[0].uplink, "eno1");
	strcpy(w->bridges[1].name, "brint");
	w->bridges[1].tag = 99;
	w->cfg.bridges = w->bridges;
	w->cfg.n_bridges = 2;
	w->cfg.datapath = HN_DATAPATH_AUTO;
}

static struct hn_port *add_port(struct world *w, size_t bridge, const char *name,
				enum hn_port_type type, unsigned tag)
{
	struct hn_bridge *b = &w->bridges[bridge];
	struct hn_port *p;

	if (!b->ports)
		b->ports = &w->ports[0];
	p = &b->ports[b->n_ports++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->type = type;
	p->tag = tag;
	return p;
}

static void load(struct world *w, const char *snapshot)
{
	json_t *snap = fake_data_json(snapshot);

	assert_int_equal(hn_ovs_db_parse(snap, &w->db), 0);
	json_decref(snap);
}

static int diff(struct world *w, bool down)
{
	memset(&w->plan, 0, sizeof(w->plan));
	return hn_ovs_diff(w->db, down ? NULL : &w->cfg, "netdev", &w->plan);
}

static void free_world(struct world *w)
{
	for (size_t i = 0; i < w->plan.n; i++)
		hn_ovs_act_free(w->plan.actions[i]->priv);
	hn_plan_free(&w->plan, NULL);
	hn_ovs_db_free(w->db);
}

static char *plan_text(const struct hn_plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	hn_plan_print(f, p);
	fclose(f);
	return buf;
}

static void assert_plan(const struct hn_plan *p, const char *expected)
{
	char *text = plan_text(p);

	if (strcmp(text, expected) != 0)
		fprintf(stderr, "plan:\n%s\nexpected:\n%s\n", text, expected);
	assert_string_equal(text, expected);
	free(text);
}

static struct hn_ovs_act **acts_of(const struct hn_plan *p)
{
	struct hn_ovs_act **v = calloc(p->n + 1, sizeof(*v));

	for (size_t i = 0; i < p->n; i++)
		v[i] = p->actions[i]->priv;
	return v;
}

/* The operations after the leading comment and waits, and before next_cfg's two. */
static json_t *ops_of(const struct hn_ovs_txn *t, const char *op)
{
	json_t *out = json_array();

	for (size_t i = 1; i < json_array_size(t->params); i++) {
		json_t *o = json_array_get(t->params, i);

		if (strcmp(json_string_value(json_object_get(o, "op")), op) == 0)
			json_array_append(out, o);
	}
	return out;
}

/* Compare with a reviewed golden file of data/. */
static void assert_json_file(const json_t *got, const char *name)
{
	json_t *want = fake_data_json(name);

	if (!json_equal(got, want)) {
		char *g = json_dumps(got, JSON_INDENT(1) | JSON_SORT_KEYS);

		fprintf(stderr, "%s differs; got:\n%s\n", name, g);
		free(g);
	}
	assert_true(json_equal(got, want));
	json_decref(want);
}

/* ---- the read ---- */

static void read_requests_are_the_recorded_ones(void **unused)
{
	json_t *p = hn_ovs_db_read_params("hostnet-read-1"),
	       *rec = fake_data_json("read-request.json");

	/* record.sh replays these requests: the snapshots are what hostnet reads. */
	assert_true(json_equal(p, rec));
	json_decref(p);
	json_decref(rec);
	p = hn_ovs_details_params();
	rec = fake_data_json("details-request.json");
	assert_true(json_equal(p, rec));
	json_decref(p);
	json_decref(rec);
}

/* What the backend does after a diff that removes something: whole rows, for undo. */
static void attach_details(struct world *w, const char *file)
{
	json_t *details = fake_data_json(file);

	assert_true(hn_ovs_plan_removes(&w->plan, 0));
	assert_int_equal(hn_ovs_attach_details(&w->plan, 0, details), 0);
	json_decref(details);
}

static void snapshot_parses(void **unused)
{
	struct world w = {0};
	const struct hn_ovs_bridge *br0, *brint;
	const struct hn_ovs_port *eno1, *p;

	load(&w, "drift.json");
	assert_int_equal(w.db->n_bridges, 2);
	br0 = hn_ovs_db_bridge(w.db, "br0");
	brint = hn_ovs_db_bridge(w.db, "brint");
	assert_non_null(br0);
	assert_non_null(brint);
	assert_string_equal(br0->datapath_type, "system");
	assert_true(br0->owned);
	assert_int_equal(br0->n_ports, 2);
	/* a set of one comes as a bare ["uuid", ...]: still one port */
	assert_int_equal(brint->n_ports, 1);
	eno1 = hn_ovs_db_port(w.db, "eno1");
	assert_non_null(eno1);
	assert_true(hn_vlanset_has(&eno1->trunks, 5) && hn_vlanset_has(&eno1->trunks, 6));
	assert_int_equal(hn_vlanset_count(&eno1->trunks), 2);
	assert_string_equal(eno1->vlan_mode, "native-untagged");
	assert_ptr_equal(&w.db->bridges[eno1->bridge], br0);
	p = hn_ovs_db_port(w.db, "brint");
	assert_int_equal(p->tag, 10);
	assert_null(p->vlan_mode);
	assert_string_equal(hn_ovs_db_port_iface(w.db, p)->type, "internal");
	free_world(&w);
}

static void snapshot_of_wrong_shape_is_refused(void **unused)
{
	struct hn_ovs_db *db;
	json_t *bad = json_pack("[{s:[]}]", "rows");

	assert_int_equal(hn_ovs_db_parse(bad, &db), -EPROTO);
	assert_null(db);
	json_decref(bad);
	bad = json_pack("{s:[]}", "Bridge");
	assert_int_equal(hn_ovs_db_parse(bad, &db), -EPROTO);
	assert_non_null(strstr(hn_errmsg(), "an unexpected shape"));
	json_decref(bad);
}

/* ---- diff + build ---- */

static void seed_from_nothing(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn t;
	struct hn_ovs_act **v;

	seed_config(&w);
	load(&w, "empty.json");
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "+ ovs      bridge br0: datapath netdev\n"
			     "+ ovs      port br0: internal\n"
			     "+ ovs      port eno1 on br0: system\n"
			     "+ ovs      bridge brint: datapath netdev\n"
			     "+ ovs      port brint: internal, tag 99\n");
	v = acts_of(&w.plan);
	assert_int_equal(hn_ovs_txn_build(w.db, v, w.plan.n, &t), 0);
	/* reviewed by hand; the same transaction converged a real ovsdb-server */
	assert_json_file(t.params, "txn-seed.json");
	hn_ovs_txn_free(&t);
	free(v);
	free_world(&w);
}

static void converged_seed_changes_nothing(void **unused)
{
	struct world w = {0};

	seed_config(&w);
	load(&w, "seed.json");
	assert_int_equal(diff(&w, false), 0);
	assert_int_equal(w.plan.n, 0);
	assert_false(hn_ovs_plan_removes(&w.plan, 0));
	free_world(&w);
}

static void drift_is_set_back_under_waits(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn t;
	struct hn_ovs_act **v;
	json_t *waits;

	seed_config(&w);
	load(&w, "drift.json");
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan,
		    "~ ovs      bridge br0: datapath system -> netdev\n"
		    "~ ovs      port eno1 on br0: trunks [5-6] -> [], vlan_mode native-untagged "
		    "-> default\n"
		    "~ ovs      port brint: tag 10 -> 99\n");
	v = acts_of(&w.plan);
	assert_int_equal(hn_ovs_txn_build(w.db, v, w.plan.n, &t), 0);
	assert_json_file(t.params, "txn-drift.json");
	/* Each wait quotes the value the diff read, so a writer in between fails it. */
	waits = ops_of(&t, "wait");
	assert_int_equal(json_array_size(waits), 3);
	hn_ovs_txn_free(&t);
	json_decref(waits);
	free(v);
	free_world(&w);
}

static void foreign_bridge_untouched_owned_dropped_bridge_pruned(void **unused)
{
	struct world w = {0};

	seed_config(&w);
	load(&w, "mixed.json");
	assert_int_equal(diff(&w, false), 0);
	/* brx and its vnet0 are someone else's; old0 on it, and brold, are hostnet's. */
	assert_plan(&w.plan,
		    "- ovs      bridge brold: created by hostnet, no longer in the config\n"
		    "- ovs      port old0 on brx: created by hostnet, no longer in the config\n");
	free_world(&w);
}

static void down_removes_only_what_hostnet_made(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn t;
	struct hn_ovs_act **v;
	json_t *muts;

	load(&w, "mixed.json");
	assert_int_equal(diff(&w, true), 0);
	assert_int_equal(w.plan.n, 4);
	assert_int_equal(w.plan.actions[3]->obj.kind, HN_KIND_PORT);
	assert_string_equal(w.plan.actions[3]->obj.name, "old0");
	assert_string_equal(w.plan.actions[3]->obj.on, "brx");
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(((struct hn_ovs_act *)w.plan.actions[i]->priv)->kind,
				 HN_OVS_DEL_BRIDGE);
	v = acts_of(&w.plan);
	assert_int_equal(hn_ovs_txn_build(w.db, v, w.plan.n, &t), 0);
	/* one mutate of brx's ports, one of Open_vSwitch's bridges, one of next_cfg */
	muts = ops_of(&t, "mutate");
	assert_int_equal(json_array_size(muts), 3);
	hn_ovs_txn_free(&t);
	json_decref(muts);
	free(v);
	free_world(&w);
}

/* down of the converged seed: eno1 leaves br0 in a step of its own (the NIC stage), and br0
 * goes later without it: its undo makes br0 again with its own port only, eno1's puts eno1
 * back on it. */
static void down_takes_the_uplink_off_before_its_bridge_goes(void **unused)
{
	struct world w = {0};
	const struct hn_action *eno1 = NULL, *br0 = NULL;

	seed_config(&w);
	w.cfg.down = true;
	load(&w, "seed.json");
	assert_int_equal(hn_ovs_diff(w.db, &w.cfg, "netdev", &w.plan), 0);
	for (size_t i = 0; i < w.plan.n; i++) {
		const struct hn_action *a = w.plan.actions[i];

		if (a->obj.kind == HN_KIND_PORT && strcmp(a->obj.name, "eno1") == 0)
			eno1 = a;
		if (a->obj.kind == HN_KIND_BRIDGE && strcmp(a->obj.name, "br0") == 0)
			br0 = a;
	}
	assert_non_null(eno1);
	assert_non_null(br0);
	assert_int_equal(eno1->op, HN_OP_REMOVE);
	assert_int_equal(eno1->stage, HN_STAGE_NIC);
	assert_true(eno1->uplink);
	assert_int_equal(br0->stage, HN_STAGE_MAIN);
	assert_false(br0->uplink);
	/* br0's undo rows hold its own port, not eno1 (whose undo is its own action's). */
	{
		const json_t *ports =
		    json_object_get(((const struct hn_ovs_act *)br0->priv)->old_rows, "ports");

		assert_int_equal(json_array_size(ports), 1);
	}
	free_world(&w);
}

static void foreign_bridge_named_by_config_is_managed_not_marked(void **unused)
{
	struct world w = {0};
	struct hn_ovs_act *a;

	seed_config(&w);
	strcpy(w.bridges[2].name, "brx");
	w.bridges[2].tag = 30;
	w.cfg.n_bridges = 3;
	load(&w, "mixed.json");
	assert_int_equal(diff(&w, false), 0);
	/* brx's own port gets the tag the config asks; vnet0 (foreign, unnamed) stays;
	 * old0 (hostnet's, unnamed) goes. Nothing marks brx as hostnet's. */
	assert_plan(&w.plan,
		    "~ ovs      port brx: tag none -> 30\n"
		    "- ovs      port old0 on brx: created by hostnet, no longer in the config\n"
		    "- ovs      bridge brold: created by hostnet, no longer in the config\n");
	a = w.plan.actions[0]->priv;
	assert_null(json_object_get(a->cols, "external_ids"));
	free_world(&w);
}

static void port_held_by_a_foreign_bridge_is_refused(void **unused)
{
	struct world w = {0};

	seed_config(&w);
	add_port(&w, 1, "vnet0", HN_PORT_SYSTEM, 10);
	load(&w, "mixed.json");
	assert_int_equal(diff(&w, false), -EEXIST);
	assert_string_equal(hn_errmsg(),
			    "port vnet0 is on bridge brx, which the config does not name and "
			    "hostnet did not create, so hostnet will not take it from there: "
			    "take it off brx first, or name bridge brx in the config");
	free_world(&w);
}

/* mon0 is on brold (hostnet's, dropped): the config now wants it on brint. It moves in
 * the same transaction that removes brold, and the undo puts brold back around it. */
static void port_moves_out_of_a_pruned_bridge(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn t, inv;
	struct hn_ovs_act **v;
	json_t *res, *ins, *o;
	const char *mon0_uuid;
	long long next = 0;
	size_t i, bridges = 0;

	seed_config(&w);
	add_port(&w, 1, "mon0", HN_PORT_INTERNAL, 250);
	load(&w, "mixed.json");
	mon0_uuid = hn_ovs_db_port(w.db, "mon0")->uuid;
	assert_int_equal(diff(&w, false), 0);
	attach_details(&w, "mixed-details.json");
	assert_plan(&w.plan,
		    "~ ovs      port mon0 on brint: bridge brold -> brint\n"
		    "- ovs      bridge brold: created by hostnet, no longer in the config\n"
		    "- ovs      port old0 on brx: created by hostnet, no longer in the config\n");
	v = acts_of(&w.plan);
	assert_int_equal(hn_ovs_txn_build(w.db, v, w.plan.n, &t), 0);
	fake_next_cfg = 4;
	res = fake_commit_result(t.params);
	assert_int_equal(hn_ovs_txn_result(&t, res, v, &next), 0);
	assert_int_equal(next, 4);
	json_decref(res);
	assert_int_equal(hn_ovs_txn_inverse(v, w.plan.n, &inv), 0);
	/* brold comes back holding mon0 by its uuid (it still exists, on brint) next to its
	 * own port, re-made from what was read; mon0 leaves brint. */
	ins = ops_of(&inv, "insert");
	json_array_foreach (ins, i, o) {
		json_t *row = json_object_get(o, "row");
		char *ports;

		if (strcmp(json_string_value(json_object_get(o, "table")), "Bridge") != 0)
			continue;
		assert_string_equal(json_string_value(json_object_get(row, "name")), "brold");
		ports = json_dumps(json_object_get(row, "ports"), JSON_COMPACT);
		assert_non_null(strstr(ports, mon0_uuid));
		assert_non_null(strstr(ports, "named-uuid"));
		free(ports);
		bridges++;
	}
	assert_int_equal(bridges, 1);
	json_decref(ins);
	hn_ovs_txn_free(&inv);
	hn_ovs_txn_free(&t);
	free(v);
	free_world(&w);
}

static void uplink_mac_goes_to_other_config_hwaddr(void **unused)
{
	struct world w = {0};
	struct hn_ovs_act *a;
	json_t *want;

	seed_config(&w);
	w.bridges[0].has_uplink_mac = true;
	memcpy(w.bridges[0].uplink_mac, (uint8_t[]){0x52, 0x54, 0, 0xab, 0xcd, 0xef}, 6);
	load(&w, "seed.json");
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "~ ovs      bridge br0: hwaddr none -> 52:54:00:ab:cd:ef\n");
	a = w.plan.actions[0]->priv;
	want = json_pack("[s, [[s, s]]]", "map", "hwaddr", "52:54:00:ab:cd:ef");
	assert_true(json_equal(json_object_get(a->cols, "other_config"), want));
	json_decref(want);
	free_world(&w);
}

static void config_ports_access_trunk_internal(void **unused)
{
	struct world w = {0};
	struct hn_port *t;

	seed_config(&w);
	add_port(&w, 1, "eno2", HN_PORT_SYSTEM, 250);
	add_port(&w, 1, "mon1", HN_PORT_INTERNAL, 250);
	t = add_port(&w, 1, "trunk0", HN_PORT_INTERNAL, 0);
	t->has_trunks = true;
	hn_vlanset_add(&t->trunks, 10);
	hn_vlanset_add(&t->trunks, 20);
	load(&w, "seed.json");
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "+ ovs      port eno2 on brint: system, tag 250\n"
			     "+ ovs      port mon1 on brint: internal, tag 250\n"
			     "+ ovs      port trunk0 on brint: internal, trunks [10,20]\n");
	free_world(&w);
}

/* eno1 is a system port; the config now wants an internal port of that name. The
 * interface is found by its name (unique), under a wait on the type that was read. */
static void interface_type_set_back(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn t;
	struct hn_ovs_act **v;
	json_t *waits, *updates, *want;

	seed_config(&w);
	w.bridges[0].uplink[0] = '\0';
	add_port(&w, 0, "eno1", HN_PORT_INTERNAL, 0);
	load(&w, "seed.json");
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "~ ovs      port eno1 on br0: type system -> internal\n");
	v = acts_of(&w.plan);
	assert_int_equal(hn_ovs_txn_build(w.db, v, w.plan.n, &t), 0);
	waits = ops_of(&t, "wait");
	want = json_pack("{s:s, s:s, s:i, s:[[s, s, s]], s:[s], s:s, s:[{s:s}]}", "op", "wait",
			 "table", "Interface", "timeout", 0, "where", "name", "==", "eno1",
			 "columns", "type", "until", "==", "rows", "type", "");
	assert_int_equal(json_array_size(waits), 1);
	assert_true(json_equal(json_array_get(waits, 0), want));
	json_decref(want);
	updates = ops_of(&t, "update");
	want = json_pack("{s:s, s:s, s:[[s, s, s]], s:{s:s}}", "op", "update", "table", "Interface",
			 "where", "name", "==", "eno1", "row", "type", "internal");
	assert_int_equal(json_array_size(updates), 1);
	assert_true(json_equal(json_array_get(updates, 0), want));
	json_decref(want);
	json_decref(waits);
	json_decref(updates);
	hn_ovs_txn_free(&t);
	free(v);
	free_world(&w);
}

/* mtu: on a bridge and a port is the interface's mtu_request, set on creation and set back
 * when it differs, with the value read kept for undo. */
static void mtu_is_the_interfaces_mtu_request(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn t;
	struct hn_ovs_act **v;
	json_t *updates, *want;

	seed_config(&w);
	w.bridges[1].mtu = 9000;
	add_port(&w, 1, "vm0", HN_PORT_INTERNAL, 10)->mtu = 1400;
	load(&w, "empty.json");
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "+ ovs      bridge br0: datapath netdev\n"
			     "+ ovs      port br0: internal\n"
			     "+ ovs      port eno1 on br0: system\n"
			     "+ ovs      bridge brint: datapath netdev\n"
			     "+ ovs      port brint: internal, tag 99, mtu 9000\n"
			     "+ ovs      port vm0 on brint: internal, tag 10, mtu 1400\n");
	assert_int_equal(
	    json_integer_value(json_object_get(
		((struct hn_ovs_act *)w.plan.actions[4]->priv)->iface_cols, "mtu_request")),
	    9000);
	free_world(&w);

	/* brint's interface read with another mtu_request: set back, the old value kept. */
	seed_config(&w);
	w.bridges[1].mtu = 9000;
	load(&w, "seed.json");
	for (size_t i = 0; i < w.db->n_ifaces; i++)
		if (strcmp(w.db->ifaces[i].name, "brint") == 0) {
			w.db->ifaces[i].mtu_request = 1500;
			json_object_set_new(hn_ovs_row_json(w.db->ifaces[i].row), "mtu_request",
					    json_integer(1500));
		}
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "~ ovs      port brint: mtu 1500 -> 9000\n");
	v = acts_of(&w.plan);
	assert_int_equal(json_integer_value(json_object_get(v[0]->old_iface_cols, "mtu_request")),
			 1500);
	assert_int_equal(hn_ovs_txn_build(w.db, v, w.plan.n, &t), 0);
	updates = ops_of(&t, "update");
	want = json_pack("{s:s, s:s, s:[[s, s, s]], s:{s:i}}", "op", "update", "table", "Interface",
			 "where", "name", "==", "brint", "row", "mtu_request", 9000);
	assert_int_equal(json_array_size(updates), 1);
	assert_true(json_equal(json_array_get(updates, 0), want));
	json_decref(want);
	json_decref(updates);
	hn_ovs_txn_free(&t);
	free(v);
	free_world(&w);

	/* The same value read: nothing to do. */
	seed_config(&w);
	w.bridges[1].mtu = 9000;
	load(&w, "seed.json");
	for (size_t i = 0; i < w.db->n_ifaces; i++)
		if (strcmp(w.db->ifaces[i].name, "brint") == 0)
			w.db->ifaces[i].mtu_request = 9000;
	assert_int_equal(diff(&w, false), 0);
	assert_int_equal(w.plan.n, 0);
	free_world(&w);
}

/* An uplink found by MAC, renamed from eno1 to ens3: eno1's port leaves and ens3's joins,
 * both in the NIC step (one transaction), both guarded; nothing else changes. */
static void renamed_uplink_changes_only_the_ports_name(void **unused)
{
	struct world w = {0};

	seed_config(&w);
	w.bridges[0].uplink_by_mac = true;
	strcpy(w.bridges[0].uplink, "ens3"); /* as hn_uplink_resolve found it */
	load(&w, "seed.json");
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "+ ovs      port ens3 on br0: system\n"
			     "- ovs      port eno1 on br0: created by hostnet; the uplink's old "
			     "name: ens3 has its MAC now\n");
	for (size_t i = 0; i < w.plan.n; i++) {
		assert_true(w.plan.actions[i]->uplink);
		assert_int_equal(w.plan.actions[i]->stage, HN_STAGE_NIC);
	}
	free_world(&w);

	/* By name, the same port is pruned as any other: not part of the move. */
	seed_config(&w);
	strcpy(w.bridges[0].uplink, "ens3");
	load(&w, "seed.json");
	assert_int_equal(diff(&w, false), 0);
	assert_int_equal(w.plan.n, 2);
	assert_false(w.plan.actions[1]->uplink);
	assert_int_equal(w.plan.actions[1]->stage, HN_STAGE_MAIN);
	free_world(&w);
}

/* The seed with br0's uplink a bond of eno1 and eno2, as config.c makes it. */
static void bond_config(struct world *w, enum hn_bond_mode mode, enum hn_lacp lacp)
{
	seed_config(w);
	strcpy(w->bridges[0].bond[0], "eno1");
	strcpy(w->bridges[0].bond[1], "eno2");
	w->bridges[0].n_bond = 2;
	strcpy(w->bridges[0].bond_port, "br0-bond");
	w->bridges[0].bond_mode = mode;
	w->bridges[0].lacp = lacp;
}

static const struct hn_action *action_on(const struct hn_plan *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->actions[i]->obj.name, name) == 0)
			return p->actions[i];
	return NULL;
}

/* One Port with one Interface a member, the bond's columns set, in the NIC step. */
static void bond_is_one_port_of_its_nics(void **unused)
{
	struct world w = {0};
	const struct hn_action *bond;
	struct hn_ovs_txn t;
	struct hn_ovs_act **v;
	json_t *ifaces, *ports, *row, *want;

	bond_config(&w, HN_BOND_ACTIVE_BACKUP, HN_LACP_OFF);
	load(&w, "empty.json");
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "+ ovs      bridge br0: datapath netdev\n"
			     "+ ovs      port br0: internal\n"
			     "+ ovs      port br0-bond on br0: bond eno1,eno2, bond_mode "
			     "active-backup, lacp off\n"
			     "+ ovs      bridge brint: datapath netdev\n"
			     "+ ovs      port brint: internal, tag 99\n");
	bond = action_on(&w.plan, "br0-bond");
	assert_true(bond->uplink);
	assert_int_equal(bond->stage, HN_STAGE_NIC);
	v = acts_of(&w.plan);
	assert_int_equal(hn_ovs_txn_build(w.db, v, w.plan.n, &t), 0);
	ifaces = ops_of(&t, "insert");
	/* br0, eno1, eno2, brint: the interfaces; then the ports and bridges. */
	ports = json_array();
	for (size_t i = 0; i < json_array_size(ifaces); i++) {
		json_t *op = json_array_get(ifaces, i);

		if (strcmp(json_string_value(json_object_get(op, "table")), "Port") == 0)
			json_array_append(ports, json_object_get(op, "row"));
	}
	row = NULL;
	for (size_t i = 0; i < json_array_size(ports); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(ports, i), "name")),
			   "br0-bond") == 0)
			row = json_array_get(ports, i);
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row, "bond_mode")), "active-backup");
	assert_string_equal(json_string_value(json_object_get(row, "lacp")), "off");
	want = json_pack("[s, [[s, s]]]", "map", "bond-primary", "eno1");
	assert_true(json_equal(json_object_get(row, "other_config"), want));
	json_decref(want);
	want = json_pack("[s, [[s, s], [s, s]]]", "set", "named-uuid", "i2", "named-uuid", "i2_1");
	assert_true(json_equal(json_object_get(row, "interfaces"), want));
	json_decref(want);
	{
		size_t names = 0;

		for (size_t i = 0; i < json_array_size(ifaces); i++) {
			json_t *op = json_array_get(ifaces, i);
			const char *n = json_string_value(json_object_get(op, "uuid-name"));

			if (n && (strcmp(n, "i2") == 0 || strcmp(n, "i2_1") == 0))
				names += strcmp(json_string_value(json_object_get(
						    json_object_get(op, "row"), "name")),
						strcmp(n, "i2") == 0 ? "eno1" : "eno2") == 0;
		}
		assert_int_equal(names, 2);
	}
	json_decref(ports);
	json_decref(ifaces);
	hn_ovs_txn_free(&t);
	free(v);
	free_world(&w);
}

/* The bond as OVS holds it (recorded): nothing to do; another mode or LACP: set in place;
 * other members: the port made anew; down: the bond leaves first, in the NIC step. */
static void bond_converges_and_goes(void **unused)
{
	struct world w = {0};
	const struct hn_action *a;
	struct hn_ovs_act *act;

	bond_config(&w, HN_BOND_ACTIVE_BACKUP, HN_LACP_OFF);
	load(&w, "bond.json");
	assert_int_equal(diff(&w, false), 0);
	assert_int_equal(w.plan.n, 0);
	free_world(&w);

	bond_config(&w, HN_BOND_BALANCE_TCP, HN_LACP_ACTIVE);
	load(&w, "bond.json");
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "~ ovs      port br0-bond on br0: bond_mode "
			     "active-backup -> balance-tcp, lacp off -> active, bond-primary "
			     "eno1 -> none\n");
	act = w.plan.actions[0]->priv;
	assert_true(w.plan.actions[0]->uplink);
	assert_string_equal(json_string_value(json_object_get(act->old_cols, "bond_mode")),
			    "active-backup");
	assert_int_equal(
	    json_array_size(json_array_get(json_object_get(act->cols, "other_config"), 1)), 0);
	free_world(&w);

	bond_config(&w, HN_BOND_ACTIVE_BACKUP, HN_LACP_OFF);
	strcpy(w.bridges[0].bond[1], "eno3");
	load(&w, "bond.json");
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "- ovs      port br0-bond on br0: its members "
			     "change: made anew\n"
			     "+ ovs      port br0-bond on br0: bond eno1,eno3, bond_mode "
			     "active-backup, lacp off\n");
	for (size_t i = 0; i < w.plan.n; i++)
		assert_int_equal(w.plan.actions[i]->stage, HN_STAGE_NIC);
	free_world(&w);

	bond_config(&w, HN_BOND_ACTIVE_BACKUP, HN_LACP_OFF);
	w.cfg.down = true;
	load(&w, "bond.json");
	assert_int_equal(hn_ovs_diff(w.db, &w.cfg, "netdev", &w.plan), 0);
	a = action_on(&w.plan, "br0-bond");
	assert_non_null(a);
	assert_int_equal(a->op, HN_OP_REMOVE);
	assert_int_equal(a->stage, HN_STAGE_NIC);
	assert_true(a->uplink);
	free_world(&w);
}

/* bond.json with its bond renamed bond0 and not hostnet's: a bond an operator made. */
static void load_hand_made_bond(struct world *w)
{
	json_t *snap = fake_data_json("bond.json");
	char *text = json_dumps(snap, JSON_COMPACT), *at;
	const char *owned = "\"external_ids\":[\"map\",[[\"hostnet-owner\",\"hostnet\"]]],"
			    "\"interfaces\":[\"set\"";

	/* The bond's row is the one whose interfaces are a set: its mark goes, its name too. */
	at = strstr(text, owned);
	assert_non_null(at);
	memcpy(at + 25, "x", 1); /* hostnet-owner -> xostnet-owner */
	at = strstr(text, "\"br0-bond\"");
	assert_non_null(at);
	memcpy(at, "\"bond0\"   ", 10);
	json_decref(snap);
	assert_int_equal(hn_ovs_db_parse_text(text, 0, strlen(text), &w->db), 0);
}

/* A bond of another name holding the NICs: it goes as the bond comes, in the NIC step. */
static void bond_takes_its_nics_from_another_port(void **unused)
{
	struct world w = {0};

	bond_config(&w, HN_BOND_ACTIVE_BACKUP, HN_LACP_OFF);
	load_hand_made_bond(&w);
	assert_false(hn_ovs_db_port(w.db, "bond0")->owned);
	assert_int_equal(diff(&w, false), 0);
	assert_plan(&w.plan, "- ovs      port bond0 on br0: not hostnet's; its NIC eno1 joins the "
			     "bond br0-bond\n"
			     "+ ovs      port br0-bond on br0: bond eno1,eno2, bond_mode "
			     "active-backup, lacp off\n");
	for (size_t i = 0; i < w.plan.n; i++) {
		assert_true(w.plan.actions[i]->uplink);
		assert_int_equal(w.plan.actions[i]->stage, HN_STAGE_NIC);
	}
	free_world(&w);
}

/* The interfaces of the recorded bond, each found by its uuid. */
static void bond_members_are_read(void **unused)
{
	struct world w = {0};
	const struct hn_ovs_iface *f[4];
	const struct hn_ovs_port *p;

	load(&w, "bond.json");
	p = hn_ovs_db_port(w.db, "br0-bond");
	assert_non_null(p);
	assert_string_equal(p->bond_mode, "active-backup");
	assert_string_equal(p->lacp, "off");
	assert_string_equal(p->bond_primary, "eno1");
	assert_int_equal(hn_ovs_db_port_ifaces(w.db, p, f, 4), 2);
	assert_true((strcmp(f[0]->name, "eno1") == 0 && strcmp(f[1]->name, "eno2") == 0) ||
		    (strcmp(f[0]->name, "eno2") == 0 && strcmp(f[1]->name, "eno1") == 0));
	p = hn_ovs_db_port(w.db, "brint");
	assert_int_equal(hn_ovs_db_port_ifaces(w.db, p, f, 4), 1);
	assert_string_equal(f[0]->name, "brint");
	assert_null(p->bond_mode);
	hn_ovs_db_free(w.db);
}

static void port_named_twice_is_refused(void **unused)
{
	struct world w = {0};

	seed_config(&w);
	add_port(&w, 1, "eno1", HN_PORT_SYSTEM, 10);
	load(&w, "empty.json");
	assert_int_equal(diff(&w, false), -EINVAL);
	assert_string_equal(hn_errmsg(), "port eno1 is named twice (bridges br0 and brint)");
	free_world(&w);
}

/* ---- results, recorded from ovsdb-server 3.1 ---- */

static void build_drift(struct world *w, struct hn_ovs_txn *t, struct hn_ovs_act ***v)
{
	seed_config(w);
	load(w, "drift.json");
	assert_int_equal(diff(w, false), 0);
	*v = acts_of(&w->plan);
	assert_int_equal(hn_ovs_txn_build(w->db, *v, w->plan.n, t), 0);
}

static void failed_wait_means_retry(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn t;
	struct hn_ovs_act **v;
	/* [comment, wait (failed), ...]: the server leaves the rest null */
	json_t *res = json_loads("[{},{\"details\":\"\\\"where\\\" clause test failed\","
				 "\"error\":\"timed out\"},null,null,null,null,null,null,null]",
				 0, NULL);

	build_drift(&w, &t, &v);
	assert_int_equal(hn_ovs_txn_result(&t, res, v, NULL), -EAGAIN);
	json_decref(res);
	hn_ovs_txn_free(&t);
	free(v);
	free_world(&w);
}

static void name_taken_meanwhile_means_retry(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn t;
	struct hn_ovs_act **v;
	json_t *res;

	seed_config(&w);
	load(&w, "empty.json");
	assert_int_equal(diff(&w, false), 0);
	v = acts_of(&w.plan);
	assert_int_equal(hn_ovs_txn_build(w.db, v, w.plan.n, &t), 0);
	/* every operation went through; the commit then found a second bridge "br0" */
	res = fake_commit_result(t.params);
	json_array_append_new(res, fake_data_json("error-index-clash.json"));
	assert_int_equal(hn_ovs_txn_result(&t, res, v, NULL), -EAGAIN);
	json_decref(res);
	hn_ovs_txn_free(&t);
	free(v);
	free_world(&w);
}

static void refused_operation_names_the_change(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn t;
	struct hn_ovs_act **v;
	json_t *res;
	size_t port_update = 0;

	build_drift(&w, &t, &v);
	for (size_t i = 0; i < t.n_ops; i++)
		if (t.ops[i].act >= 0 &&
		    ((struct hn_ovs_act *)v[t.ops[i].act])->kind == HN_OVS_SET_PORT) {
			port_update = i;
			break;
		}
	assert_true(port_update > 0);
	res = json_array();
	for (size_t i = 0; i < port_update; i++)
		json_array_append_new(res, json_object());
	json_array_append_new(res,
			      json_pack("{s:s, s:s}", "details",
					"bogus is not one of the allowed values ([access, "
					"dot1q-tunnel, native-tagged, native-untagged, trunk])",
					"error", "constraint violation"));
	assert_int_equal(hn_ovs_txn_result(&t, res, v, NULL), -EREMOTEIO);
	assert_string_equal(hn_errmsg(),
			    "ovsdb-server refused the transaction (changing port eno1 on br0): "
			    "constraint violation: bogus is not one of the allowed values "
			    "([access, dot1q-tunnel, native-tagged, native-untagged, trunk])");
	json_decref(res);
	hn_ovs_txn_free(&t);
	free(v);
	free_world(&w);
}

/* ---- undo ---- */

static void undo_of_drift_repair_writes_the_old_values(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn t, inv;
	struct hn_ovs_act **v;

	build_drift(&w, &t, &v);
	assert_int_equal(hn_ovs_txn_inverse(v, w.plan.n, &inv), 0);
	assert_json_file(inv.params, "undo-drift.json");
	hn_ovs_txn_free(&inv);
	hn_ovs_txn_free(&t);
	free(v);
	free_world(&w);
}

static void undo_of_seed_removes_the_bridges_made(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn inv;
	struct hn_ovs_act **v;
	json_t *muts, *want;

	seed_config(&w);
	load(&w, "empty.json");
	assert_int_equal(diff(&w, false), 0);
	v = acts_of(&w.plan);
	strcpy(v[0]->made_uuid, "00000000-0000-4000-8000-000000000001");
	strcpy(v[3]->made_uuid, "00000000-0000-4000-8000-000000000002");
	assert_int_equal(hn_ovs_txn_inverse(v, w.plan.n, &inv), 0);
	/* ports go with their bridges: one mutation of Open_vSwitch.bridges, and next_cfg */
	muts = ops_of(&inv, "mutate");
	assert_int_equal(json_array_size(muts), 2);
	want = json_pack("[[s, s, [s, [[s, s], [s, s]]]]]", "bridges", "delete", "set", "uuid",
			 "00000000-0000-4000-8000-000000000002", "uuid",
			 "00000000-0000-4000-8000-000000000001");
	assert_true(json_equal(json_object_get(json_array_get(muts, 0), "mutations"), want));
	json_decref(want);
	json_decref(muts);
	hn_ovs_txn_free(&inv);
	free(v);
	free_world(&w);
}

static void undo_of_down_rebuilds_what_it_removed(void **unused)
{
	struct world w = {0};
	struct hn_ovs_txn inv;
	struct hn_ovs_act **v;

	load(&w, "mixed.json");
	assert_int_equal(diff(&w, true), 0);
	attach_details(&w, "mixed-details.json");
	v = acts_of(&w.plan);
	assert_int_equal(hn_ovs_txn_inverse(v, w.plan.n, &inv), 0);
	assert_json_file(inv.params, "undo-down.json");
	hn_ovs_txn_free(&inv);
	free(v);
	free_world(&w);
}

/* One rollback that takes ports off many bridges: each bridge's mutation holds its own port,
 * never another bridge's (the edits of a transaction are grouped by bridge). */
static void undo_on_many_bridges_keeps_each_port_on_its_own(void **unused)
{
	enum { N = 16 };
	struct hn_ovs_act acts[N], *v[N];
	struct hn_ovs_txn inv;
	json_t *mutates;
	bool seen[N] = {false};
	size_t n = 0;

	memset(acts, 0, sizeof(acts));
	for (int i = 0; i < N; i++) {
		acts[i].kind = HN_OVS_ADD_PORT;
		snprintf(acts[i].bridge, sizeof(acts[i].bridge), "br%d", i);
		snprintf(acts[i].port, sizeof(acts[i].port), "p%d", i);
		snprintf(acts[i].bridge_uuid, sizeof(acts[i].bridge_uuid),
			 "00000000-0000-0000-0000-%012d", i);
		snprintf(acts[i].made_uuid, sizeof(acts[i].made_uuid),
			 "11111111-0000-0000-0000-%012d", i);
		v[i] = &acts[i];
	}
	assert_int_equal(hn_ovs_txn_inverse(v, N, &inv), 0);
	mutates = ops_of(&inv, "mutate");
	for (size_t i = 0; i < json_array_size(mutates); i++) {
		const char *table, *col, *eq, *bridge, *mcol, *mop, *set, *tag, *port;
		char want[HN_OVS_UUID_LEN + 1];
		int k;

		/* {"table": "Bridge", "where": [["name", "==", BRIDGE]], "mutations": [["ports",
		 * "delete", ["set", [["uuid", PORT]]]]]}: one per bridge, its own port only */
		if (json_unpack(json_array_get(mutates, i), "{s:s}", "table", &table) != 0 ||
		    strcmp(table, "Bridge") != 0)
			continue;
		assert_int_equal(json_unpack(json_array_get(mutates, i),
					     "{s:[[s,s,s]], s:[[s,s,[s,[[s,s]]]]]}", "where", &col,
					     &eq, &bridge, "mutations", &mcol, &mop, &set, &tag,
					     &port),
				 0);
		assert_int_equal(sscanf(bridge, "br%d", &k), 1);
		assert_false(seen[k]);
		seen[k] = true;
		snprintf(want, sizeof(want), "11111111-0000-0000-0000-%012d", k);
		assert_string_equal(port, want);
		n++;
	}
	assert_int_equal(n, N);
	hn_ovs_txn_free(&inv);
	json_decref(mutates);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(read_requests_are_the_recorded_ones),
	    cmocka_unit_test(snapshot_parses),
	    cmocka_unit_test(snapshot_of_wrong_shape_is_refused),
	    cmocka_unit_test(seed_from_nothing),
	    cmocka_unit_test(converged_seed_changes_nothing),
	    cmocka_unit_test(drift_is_set_back_under_waits),
	    cmocka_unit_test(foreign_bridge_untouched_owned_dropped_bridge_pruned),
	    cmocka_unit_test(down_removes_only_what_hostnet_made),
	    cmocka_unit_test(down_takes_the_uplink_off_before_its_bridge_goes),
	    cmocka_unit_test(foreign_bridge_named_by_config_is_managed_not_marked),
	    cmocka_unit_test(port_held_by_a_foreign_bridge_is_refused),
	    cmocka_unit_test(port_moves_out_of_a_pruned_bridge),
	    cmocka_unit_test(uplink_mac_goes_to_other_config_hwaddr),
	    cmocka_unit_test(config_ports_access_trunk_internal),
	    cmocka_unit_test(interface_type_set_back),
	    cmocka_unit_test(mtu_is_the_interfaces_mtu_request),
	    cmocka_unit_test(renamed_uplink_changes_only_the_ports_name),
	    cmocka_unit_test(bond_is_one_port_of_its_nics),
	    cmocka_unit_test(bond_converges_and_goes),
	    cmocka_unit_test(bond_members_are_read),
	    cmocka_unit_test(bond_takes_its_nics_from_another_port),
	    cmocka_unit_test(port_named_twice_is_refused),
	    cmocka_unit_test(failed_wait_means_retry),
	    cmocka_unit_test(name_taken_meanwhile_means_retry),
	    cmocka_unit_test(refused_operation_names_the_change),
	    cmocka_unit_test(undo_of_drift_repair_writes_the_old_values),
	    cmocka_unit_test(undo_of_seed_removes_the_bridges_made),
	    cmocka_unit_test(undo_of_down_rebuilds_what_it_removed),
	    cmocka_unit_test(undo_on_many_bridges_keeps_each_port_on_its_own),
	};

	return cmocka_run_group_tests_name("ovs_plan", tests, NULL, NULL);
}
