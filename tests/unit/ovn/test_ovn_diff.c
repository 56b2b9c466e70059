// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The northbound plan: switches and ports as OVN_Northbound's ovsdb-server answers the read
 * (RFC 7047 notation), diffed against the config's networks; the operations it carries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "ovn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINE "[\"map\", [[\"hostnet-owner\", \"hostnet\"]]]"
#define NONE "[\"map\", []]"
/* A switch as hostnet makes it for VLAN 10. */
#define MINE10 "[\"map\", [[\"hostnet-owner\", \"hostnet\"], [\"hostnet-vlan\", \"10\"]]]"

static struct hn_ovn_network nets[2] = {
    {.name = (char *)"vlan10", .vlan = 10, .physnet = (char *)"provider"},
    {.name = (char *)"vlan20", .vlan = 20, .physnet = (char *)"provider"},
};

/* The same VLANs as overlay networks: no physnet. */
static struct hn_ovn_network overlay[2] = {
    {.name = (char *)"vlan10", .vlan = 10},
    {.name = (char *)"vlan20", .vlan = 20},
};

static struct hn_config_ovn want(size_t n)
{
	return (struct hn_config_ovn){.networks = nets, .n_networks = n};
}

/* A read: switches and ports as JSON arrays of rows. */
static json_t *read_of(const char *switches, const char *ports)
{
	char text[4096];
	json_t *j;

	snprintf(text, sizeof(text), "[{\"rows\": %s}, {\"rows\": %s}]", switches, ports);
	j = json_loads(text, 0, NULL);
	if (!j)
		fail_msg("bad test JSON: %s", text);
	return j;
}

static char *ops_text(const struct hn_ovn_plan *p)
{
	return json_dumps(p->ops, JSON_COMPACT);
}

/* vlan10 as hostnet makes it, its port's vlan given. */
static json_t *vlan10_read(int vlan, const char *extra_port)
{
	char sw[1024], ports[2048];

	snprintf(sw, sizeof(sw),
		 "[{\"_uuid\": [\"uuid\", \"5a000000-0000-0000-0000-000000000010\"], "
		 "\"name\": \"vlan10\", \"external_ids\": " MINE10 ", \"ports\": [\"set\", "
		 "[[\"uuid\", \"9b000000-0000-0000-0000-000000000010\"]%s]]}]",
		 extra_port ? ", [\"uuid\", \"9b000000-0000-0000-0000-000000000099\"]" : "");
	snprintf(ports, sizeof(ports),
		 "[{\"_uuid\": [\"uuid\", \"9b000000-0000-0000-0000-000000000010\"], "
		 "\"name\": \"vlan10-localnet\", \"type\": \"localnet\", \"options\": [\"map\", "
		 "[[\"network_name\", \"provider\"]]], \"tag_request\": %d, \"addresses\": "
		 "\"unknown\", \"external_ids\": " MINE "}%s%s]",
		 vlan, extra_port ? ", " : "", extra_port ? extra_port : "");
	return read_of(sw, ports);
}

static void empty_database_gets_one_switch_per_network(void **unused)
{
	struct hn_config_ovn w = want(2);
	struct hn_ovn_plan p;
	json_t *r = read_of("[]", "[]");
	char *t;

	assert_int_equal(hn_ovn_diff(r, &w, &p), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.v[0].op, HN_OP_CREATE);
	assert_string_equal(p.v[0].object, "switch vlan10");
	assert_string_equal(p.v[1].detail,
			    "vlan 20 on physnet provider, localnet port vlan20-localnet");
	t = ops_text(&p);
	/* No switch of the name may appear meanwhile; the port is localnet, tagged, unknown. */
	assert_non_null(strstr(t, "{\"op\":\"wait\",\"table\":\"Logical_Switch\",\"timeout\":0,"
				  "\"where\":[[\"name\",\"==\",\"vlan10\"]]"));
	assert_non_null(strstr(t, "\"type\":\"localnet\",\"options\":[\"map\",[[\"network_name\","
				  "\"provider\"]]],\"tag_request\":10,\"addresses\":[\"set\","
				  "[\"unknown\"]]"));
	assert_non_null(strstr(t, "\"ports\":[\"set\",[[\"named-uuid\",\"lsp0\"]]]"));
	free(t);
	hn_ovn_plan_free(&p);
	json_decref(r);
}

static void converged_switch_changes_nothing(void **unused)
{
	struct hn_config_ovn w = want(1);
	struct hn_ovn_plan p;
	json_t *r = vlan10_read(10, NULL);

	assert_int_equal(hn_ovn_diff(r, &w, &p), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(json_array_size(p.ops), 0);
	/* What verify reports of it. */
	assert_int_equal(p.n_seen, 1);
	assert_true(p.seen[0].exists && p.seen[0].has_port);
	assert_int_equal(p.seen[0].vlan, 10);
	assert_string_equal(p.seen[0].physnet, "provider");
	hn_ovn_plan_free(&p);
	json_decref(r);
}

static void drifted_vlan_is_set_back_under_a_wait(void **unused)
{
	struct hn_config_ovn w = want(1);
	struct hn_ovn_plan p;
	json_t *r = vlan10_read(11, NULL);
	char *t;

	assert_int_equal(hn_ovn_diff(r, &w, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].op, HN_OP_CHANGE);
	assert_string_equal(p.v[0].object, "port vlan10-localnet on vlan10");
	assert_string_equal(p.v[0].lswitch, "vlan10");
	assert_string_equal(p.v[0].detail, "vlan 11 -> 10");
	assert_int_equal(p.seen[0].vlan, 11);
	t = ops_text(&p);
	assert_non_null(strstr(t, "\"columns\":[\"tag_request\"],\"until\":\"==\",\"rows\":[{"
				  "\"tag_request\":11}]"));
	assert_non_null(strstr(t, "\"op\":\"update\",\"table\":\"Logical_Switch_Port\""));
	free(t);
	hn_ovn_plan_free(&p);
	json_decref(r);
}

static void a_switch_of_the_name_not_hostnets_is_refused(void **unused)
{
	struct hn_config_ovn w = want(1);
	struct hn_ovn_plan p;
	json_t *r =
	    read_of("[{\"_uuid\": [\"uuid\", \"5a000000-0000-0000-0000-000000000010\"], "
		    "\"name\": \"vlan10\", \"external_ids\": " NONE ", \"ports\": [\"set\", []]}]",
		    "[]");

	assert_int_equal(hn_ovn_diff(r, &w, &p), -EEXIST);
	assert_non_null(strstr(hn_errmsg(), "a logical switch vlan10 exists that hostnet did not "
					    "create"));
	hn_ovn_plan_free(&p);
	json_decref(r);
}

/* --down: hostnet's switch goes, naming the VM port someone bound to it; a hand-made
 * switch stays. */
static void down_removes_only_hostnets_switches(void **unused)
{
	struct hn_ovn_plan p;
	json_t *r = read_of(
	    "[{\"_uuid\": [\"uuid\", \"5a000000-0000-0000-0000-000000000010\"], \"name\": "
	    "\"vlan10\", \"external_ids\": " MINE ", \"ports\": [\"set\", [[\"uuid\", "
	    "\"9b000000-0000-0000-0000-000000000099\"]]]}, {\"_uuid\": [\"uuid\", "
	    "\"5a000000-0000-0000-0000-000000000077\"], \"name\": \"byhand\", "
	    "\"external_ids\": " NONE ", \"ports\": [\"set\", []]}]",
	    "[{\"_uuid\": [\"uuid\", \"9b000000-0000-0000-0000-000000000099\"], \"name\": \"vm1\", "
	    "\"type\": \"\", \"options\": " NONE ", \"tag_request\": [\"set\", []], "
	    "\"addresses\": [\"set\", []], \"external_ids\": " NONE "}]");
	char *t;

	assert_int_equal(hn_ovn_diff(r, NULL, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].op, HN_OP_REMOVE);
	assert_string_equal(p.v[0].object, "switch vlan10");
	assert_true(p.v[0].disruptive);
	assert_non_null(strstr(p.v[0].detail, "1 port(s) hostnet did not create go with it (vm1)"));
	t = ops_text(&p);
	assert_non_null(strstr(t, "\"op\":\"delete\""));
	assert_null(strstr(t, "5a000000-0000-0000-0000-000000000077"));
	free(t);
	hn_ovn_plan_free(&p);
	json_decref(r);
}

/* An empty network list is a list: every switch hostnet made goes, as with --down. */
static void empty_networks_remove_hostnets_switches(void **unused)
{
	struct hn_config_ovn w = want(0);
	struct hn_ovn_plan p;
	json_t *r = vlan10_read(10, NULL);

	assert_int_equal(hn_ovn_diff(r, &w, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].op, HN_OP_REMOVE);
	assert_string_equal(p.v[0].detail, "created by hostnet, no longer in the config");
	hn_ovn_plan_free(&p);
	json_decref(r);
}

/* A hostnet port of another name on the switch (the network renamed its port) goes; a
 * foreign one stays. */
static void stray_hostnet_port_goes_foreign_one_stays(void **unused)
{
	struct hn_config_ovn w = want(1);
	struct hn_ovn_plan p;
	json_t *r = vlan10_read(
	    10, "{\"_uuid\": [\"uuid\", \"9b000000-0000-0000-0000-000000000099\"], \"name\": "
		"\"old-localnet\", \"type\": \"localnet\", \"options\": " NONE
		", \"tag_request\": 10, \"addresses\": \"unknown\", \"external_ids\": " MINE "}");

	assert_int_equal(hn_ovn_diff(r, &w, &p), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.v[0].object, "port old-localnet on vlan10");
	assert_int_equal(p.v[0].op, HN_OP_REMOVE);
	hn_ovn_plan_free(&p);
	json_decref(r);
}

static void a_read_of_another_shape_is_refused(void **unused)
{
	struct hn_config_ovn w = want(1);
	struct hn_ovn_plan p;
	json_t *r = json_loads("[{\"error\": \"unknown table\"}]", 0, NULL);

	assert_int_equal(hn_ovn_diff(r, &w, &p), -EPROTO);
	hn_ovn_plan_free(&p);
	json_decref(r);
}

/* An overlay network: one switch, labelled with its VLAN, and no port at all (no localnet:
 * the tunnels carry it). */
static void overlay_network_gets_a_switch_without_localnet_port(void **unused)
{
	struct hn_config_ovn w = {.networks = overlay, .n_networks = 1};
	struct hn_ovn_plan p;
	json_t *r = read_of("[]", "[]");
	char *t;

	assert_int_equal(hn_ovn_diff(r, &w, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].op, HN_OP_CREATE);
	assert_string_equal(p.v[0].object, "switch vlan10");
	assert_string_equal(p.v[0].detail,
			    "vlan 10, overlay (no localnet port: the tunnels carry it)");
	t = ops_text(&p);
	assert_null(strstr(t, "Logical_Switch_Port"));
	assert_null(strstr(t, "\"ports\""));
	assert_non_null(strstr(t, "\"external_ids\":[\"map\",[[\"hostnet-owner\",\"hostnet\"],"
				  "[\"hostnet-vlan\",\"10\"]]]"));
	free(t);
	hn_ovn_plan_free(&p);
	json_decref(r);
}

static json_t *overlay10_read(const char *ids, const char *ports_set, const char *ports)
{
	char sw[1024];

	snprintf(sw, sizeof(sw),
		 "[{\"_uuid\": [\"uuid\", \"5a000000-0000-0000-0000-000000000010\"], "
		 "\"name\": \"vlan10\", \"external_ids\": %s, \"ports\": %s}]",
		 ids, ports_set);
	return read_of(sw, ports);
}

static void converged_overlay_switch_changes_nothing(void **unused)
{
	struct hn_config_ovn w = {.networks = overlay, .n_networks = 1};
	struct hn_ovn_plan p;
	json_t *r = overlay10_read(MINE10, "[\"set\", []]", "[]");

	assert_int_equal(hn_ovn_diff(r, &w, &p), 0);
	assert_int_equal(p.n, 0);
	assert_true(p.seen[0].exists);
	assert_false(p.seen[0].has_port);
	assert_string_equal(p.seen[0].label, "10");
	assert_string_equal(p.seen[0].localnet, "");
	hn_ovn_plan_free(&p);
	json_decref(r);
}

/* vlan10 was on the provider network and the file now makes it an overlay one: hostnet's
 * localnet port goes (the tunnels take over). */
static void physnet_dropped_removes_hostnets_localnet_port(void **unused)
{
	struct hn_config_ovn w = {.networks = overlay, .n_networks = 1};
	struct hn_ovn_plan p;
	json_t *r = vlan10_read(10, NULL);
	char *t;

	assert_int_equal(hn_ovn_diff(r, &w, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].op, HN_OP_REMOVE);
	assert_string_equal(p.v[0].object, "port vlan10-localnet on vlan10");
	t = ops_text(&p);
	assert_non_null(strstr(t, "\"mutations\":[[\"ports\",\"delete\",[\"set\",[[\"uuid\","
				  "\"9b000000-0000-0000-0000-000000000010\"]]]]]"));
	free(t);
	hn_ovn_plan_free(&p);
	json_decref(r);
}

/* A localnet port made by hand on an overlay switch: not hostnet's to remove, seen for
 * verify (which says CRITICAL). */
static void foreign_localnet_on_overlay_is_seen_not_removed(void **unused)
{
	struct hn_config_ovn w = {.networks = overlay, .n_networks = 1};
	struct hn_ovn_plan p;
	json_t *r = overlay10_read(
	    MINE10, "[\"set\", [[\"uuid\", \"9b000000-0000-0000-0000-000000000077\"]]]",
	    "[{\"_uuid\": [\"uuid\", \"9b000000-0000-0000-0000-000000000077\"], \"name\": "
	    "\"byhand-ln\", \"type\": \"localnet\", \"options\": [\"map\", [[\"network_name\", "
	    "\"provider\"]]], \"tag_request\": 10, \"addresses\": \"unknown\", "
	    "\"external_ids\": " NONE "}]");

	assert_int_equal(hn_ovn_diff(r, &w, &p), 0);
	assert_int_equal(p.n, 0);
	assert_string_equal(p.seen[0].localnet, "byhand-ln");
	assert_string_equal(p.seen[0].physnet, "provider");
	hn_ovn_plan_free(&p);
	json_decref(r);
}

/* The label is the overlay network's VLAN: set back when changed, under a wait, without
 * touching the switch's other keys. */
static void relabelled_switch_is_set_back(void **unused)
{
	struct hn_config_ovn w = {.networks = overlay, .n_networks = 1};
	struct hn_ovn_plan p;
	json_t *r =
	    overlay10_read("[\"map\", [[\"hostnet-owner\", \"hostnet\"], [\"hostnet-vlan\", "
			   "\"20\"], [\"neutron\", \"x\"]]]",
			   "[\"set\", []]", "[]");
	char *t;

	assert_int_equal(hn_ovn_diff(r, &w, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].op, HN_OP_CHANGE);
	assert_string_equal(p.v[0].object, "switch vlan10");
	assert_string_equal(p.v[0].detail, "external_ids:hostnet-vlan 20 -> 10");
	t = ops_text(&p);
	assert_non_null(strstr(t, "\"columns\":[\"external_ids\"]"));
	assert_non_null(strstr(t, "[[\"external_ids\",\"delete\",[\"set\",[\"hostnet-vlan\"]]],"
				  "[\"external_ids\",\"insert\",[\"map\",[[\"hostnet-vlan\","
				  "\"10\"]]]]]"));
	/* A mutation, never an update of the whole map (the wait carries it, to compare). */
	assert_null(strstr(t, "\"op\":\"update\""));
	free(t);
	hn_ovn_plan_free(&p);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(empty_database_gets_one_switch_per_network),
	    cmocka_unit_test(converged_switch_changes_nothing),
	    cmocka_unit_test(drifted_vlan_is_set_back_under_a_wait),
	    cmocka_unit_test(a_switch_of_the_name_not_hostnets_is_refused),
	    cmocka_unit_test(down_removes_only_hostnets_switches),
	    cmocka_unit_test(empty_networks_remove_hostnets_switches),
	    cmocka_unit_test(stray_hostnet_port_goes_foreign_one_stays),
	    cmocka_unit_test(a_read_of_another_shape_is_refused),
	    cmocka_unit_test(overlay_network_gets_a_switch_without_localnet_port),
	    cmocka_unit_test(converged_overlay_switch_changes_nothing),
	    cmocka_unit_test(physnet_dropped_removes_hostnets_localnet_port),
	    cmocka_unit_test(foreign_localnet_on_overlay_is_seen_not_removed),
	    cmocka_unit_test(relabelled_switch_is_set_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
