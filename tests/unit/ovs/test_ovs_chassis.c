// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * OVN's chassis settings in the Open_vSwitch row: what the diff plans against a root row's
 * external_ids (whose keys are hostnet's, the operator's, ovn-controller's), the mutations
 * the transaction carries, and their undo.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ovs_act.h"
#include "ovs_chassis.h"
#include "ovs_db.h"
#include "ovs_diff.h"
#include "ovs_txn.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct world {
	struct hn_config cfg;
	struct hn_ovn_mapping map;
	struct hn_ovs_db *db;
	struct hn_plan plan;
};

/* A database with no bridge and the root row's external_ids as given (a JSON map). */
static void load(struct world *w, const char *ids)
{
	char text[2048];
	json_t *res;

	snprintf(text, sizeof(text),
		 "{\"Open_vSwitch\": {\"85b03f5b-5623-4e3d-99ab-7dd4057fe25b\": {\"new\": "
		 "{\"bridges\": [\"set\", []], \"cur_cfg\": 1, \"next_cfg\": 1, "
		 "\"external_ids\": %s}}}}",
		 ids);
	res = json_loads(text, 0, NULL);
	assert_non_null(res);
	assert_int_equal(hn_ovs_db_parse(res, &w->db), 0);
	json_decref(res);
}

static void chassis(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->cfg.has_ovn = true;
	w->cfg.ovn.has_chassis = true;
	w->cfg.ovn.remote = (char *)"tcp:192.0.2.1:6642";
	w->cfg.ovn.encap_type = HN_ENCAP_GENEVE;
	strcpy(w->cfg.ovn.encap_ip, "192.0.2.11");
	strcpy(w->cfg.ovn.system_id, "hv1");
	w->map.physnet = (char *)"provider";
	strcpy(w->map.bridge, "brund");
	w->cfg.ovn.mappings = &w->map;
	w->cfg.ovn.n_mappings = 1;
}

static void diff(struct world *w, bool down)
{
	memset(&w->plan, 0, sizeof(w->plan));
	assert_int_equal(hn_ovs_chassis_diff(w->db, down ? NULL : &w->cfg, "netdev", &w->plan), 0);
}

static void free_world(struct world *w)
{
	for (size_t i = 0; i < w->plan.n; i++)
		hn_ovs_act_free(w->plan.actions[i]->priv);
	hn_plan_free(&w->plan, NULL);
	hn_ovs_db_free(w->db);
}

static void assert_plan(const struct hn_plan *p, const char *expected)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	hn_plan_print(f, p);
	fclose(f);
	if (strcmp(buf, expected) != 0)
		fprintf(stderr, "plan:\n%s\nexpected:\n%s\n", buf, expected);
	assert_string_equal(buf, expected);
	free(buf);
}

/* The transaction's operations as compact JSON text, for comparisons. */
static char *txn_text(struct world *w, bool inverse)
{
	struct hn_ovs_act **acts = calloc(w->plan.n + 1, sizeof(*acts));
	struct hn_ovs_txn t;
	char *s;

	for (size_t i = 0; i < w->plan.n; i++)
		acts[i] = w->plan.actions[i]->priv;
	if (inverse)
		assert_int_equal(hn_ovs_txn_inverse(acts, w->plan.n, &t), 0);
	else
		assert_int_equal(hn_ovs_txn_build(w->db, acts, w->plan.n, &t), 0);
	s = json_dumps(t.params, JSON_COMPACT);
	hn_ovs_txn_free(&t);
	free(acts);
	return s;
}

static void new_chassis_sets_every_key_marked(void **unused)
{
	struct world w;
	char *t;

	(void)unused;
	chassis(&w);
	load(&w, "[\"map\", [[\"hostname\", \"vm\"]]]");
	diff(&w, false);
	assert_plan(&w.plan, "+ ovs      setting ovn-remote: tcp:192.0.2.1:6642\n"
			     "+ ovs      setting ovn-encap-type: geneve\n"
			     "+ ovs      setting ovn-encap-ip: 192.0.2.11\n"
			     "+ ovs      setting system-id: hv1\n"
			     "+ ovs      setting ovn-bridge-mappings: provider:brund\n"
			     "+ ovs      setting ovn-bridge-datapath-type: netdev\n");
	t = txn_text(&w, false);
	/* Under a wait on the row's external_ids as read, each key with its marker. */
	assert_non_null(strstr(t, "\"op\":\"wait\",\"table\":\"Open_vSwitch\""));
	assert_non_null(strstr(t, "[\"external_ids\",\"insert\",[\"map\",[[\"ovn-remote\","
				  "\"tcp:192.0.2.1:6642\"],[\"hostnet-owner-ovn-remote\","
				  "\"hostnet\"]]]]"));
	assert_null(strstr(t, "[\"set\",[\"hostname\""));
	free(t);
	/* The undo deletes the key and its marker, and puts nothing back. */
	t = txn_text(&w, true);
	assert_non_null(strstr(t, "[\"external_ids\",\"delete\",[\"set\",[\"system-id\","
				  "\"hostnet-owner-system-id\"]]]"));
	assert_null(strstr(t, "\"insert\""));
	free(t);
	free_world(&w);
}

static void converged_chassis_changes_nothing(void **unused)
{
	struct world w;

	(void)unused;
	chassis(&w);
	load(&w, "[\"map\", [[\"ovn-remote\", \"tcp:192.0.2.1:6642\"], [\"ovn-encap-type\", "
		 "\"geneve\"], [\"ovn-encap-ip\", \"192.0.2.11\"], [\"system-id\", \"hv1\"], "
		 "[\"ovn-bridge-mappings\", \"provider:brund\"], [\"ovn-bridge-datapath-type\", "
		 "\"netdev\"], [\"ovn-installed-by\", \"someone\"]]]");
	diff(&w, false);
	assert_int_equal(w.plan.n, 0);
	free_world(&w);
}

/* A system-id the host had before (Debian's ovs-ctl writes one) is changed, unmarked, and
 * neither `down` nor a config without ovn removes it. */
static void foreign_key_changed_never_removed(void **unused)
{
	struct world w;
	char *t;

	(void)unused;
	chassis(&w);
	load(&w,
	     "[\"map\", [[\"system-id\", \"0c1d-uuid\"], [\"ovn-remote\", \"tcp:192.0.2.1:6642\"],"
	     " [\"hostnet-owner-ovn-remote\", \"hostnet\"]]]");
	diff(&w, false);
	assert_non_null(strstr(w.plan.actions[2]->obj.name, "system-id"));
	assert_int_equal(w.plan.actions[2]->op, HN_OP_CHANGE);
	t = txn_text(&w, true);
	/* Its undo writes the old value back, with no marker. */
	assert_non_null(strstr(t, "[\"system-id\",\"0c1d-uuid\"]"));
	assert_null(strstr(t, "hostnet-owner-system-id"));
	free(t);
	free_world(&w);

	load(&w,
	     "[\"map\", [[\"system-id\", \"0c1d-uuid\"], [\"ovn-remote\", \"tcp:192.0.2.1:6642\"],"
	     " [\"hostnet-owner-ovn-remote\", \"hostnet\"]]]");
	diff(&w, true);
	assert_plan(&w.plan, "- ovs      setting ovn-remote: set by hostnet\n");
	t = txn_text(&w, false);
	assert_non_null(strstr(t, "[\"external_ids\",\"delete\",[\"set\",[\"ovn-remote\","
				  "\"hostnet-owner-ovn-remote\"]]]"));
	free(t);
	/* Undoing the removal puts the key back as hostnet's. */
	t = txn_text(&w, true);
	assert_non_null(strstr(t, "[\"hostnet-owner-ovn-remote\",\"hostnet\"]"));
	free(t);
	free_world(&w);
}

/* Without bridge_mappings the key is not the config's: a marked one goes, with its reason. */
static void dropped_mappings_are_pruned(void **unused)
{
	struct world w;

	(void)unused;
	chassis(&w);
	w.cfg.ovn.n_mappings = 0;
	load(&w, "[\"map\", [[\"ovn-remote\", \"tcp:192.0.2.1:6642\"], [\"ovn-encap-type\", "
		 "\"geneve\"], [\"ovn-encap-ip\", \"192.0.2.11\"], [\"system-id\", \"hv1\"], "
		 "[\"ovn-bridge-mappings\", \"provider:brund\"], [\"ovn-bridge-datapath-type\", "
		 "\"netdev\"], [\"hostnet-owner-ovn-bridge-mappings\", \"hostnet\"]]]");
	diff(&w, false);
	assert_plan(&w.plan, "- ovs      setting ovn-bridge-mappings: set by hostnet, no longer in "
			     "the config\n");
	free_world(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(new_chassis_sets_every_key_marked),
	    cmocka_unit_test(converged_chassis_changes_nothing),
	    cmocka_unit_test(foreign_key_changed_never_removed),
	    cmocka_unit_test(dropped_mappings_are_pruned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
