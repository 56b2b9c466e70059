// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The OVS backend's apply against a scripted server: a concurrent writer (recorded "wait
 * timed out" reply) is reported with nothing committed, and a new read and diff commit what
 * it calls for; it waits for cur_cfg by monitor, bounded; it names an interface
 * ovs-vswitchd could not open. And the ports of ovs.h (verify's probes) on the same
 * transactions and waits: added marked, found by their mark, removed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backend.h"
#include "error.h"
#include "fake_ovsdb.h"
#include "ovs.h"
#include "ovsdb_rpc.h"
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct hn_backend *const backends[HN_LAYER_COUNT] = {
    [HN_LAYER_OVS] = &hn_ovs_backend,
};

struct env {
	char dir[64], addr[128];
	struct hn_opts opts;
	struct hn_config cfg;
	struct hn_bridge bridges[2];
	struct hn_port port;
	struct fake_ovsdb fake;
	void *state;
	struct hn_plan plan;
};

/* The scripted server, listening at e->addr. */
static void serve(struct env *e, const struct fake_step *steps, size_t n)
{
	memset(e, 0, sizeof(*e));
	strcpy(e->dir, "/tmp/hostnet-ovs-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->addr, sizeof(e->addr), "unix:%s/db.sock", e->dir);
	fake_ovsdb_listen(&e->fake, e->addr + 5, steps, n);
}

static void setup(struct env *e, const struct fake_step *steps, size_t n, int timeout_ms)
{
	serve(e, steps, n);
	e->opts.ovsdb = e->addr;
	e->opts.timeout_ms = timeout_ms;
	strcpy(e->bridges[0].name, "br0");
	strcpy(e->bridges[0].uplink, "eno1");
	strcpy(e->bridges[1].name, "brint");
	e->bridges[1].tag = 99;
	e->cfg.bridges = e->bridges;
	e->cfg.n_bridges = 2;
	e->cfg.datapath = HN_DATAPATH_NETDEV;
	assert_int_equal(hn_ovs_backend.open(&e->opts, &e->state), 0);
}

static void plan(struct env *e)
{
	assert_int_equal(hn_ovs_backend.read(e->state), 0);
	assert_int_equal(hn_ovs_backend.diff(e->state, &e->cfg, &e->plan), 0);
}

static void stop_serving(struct env *e, size_t steps_served)
{
	assert_int_equal(fake_ovsdb_stop(&e->fake), steps_served);
	assert_string_equal(e->fake.failure, "");
	fake_ovsdb_free(&e->fake);
	unlink(e->addr + 5);
	rmdir(e->dir);
}

static void teardown(struct env *e, size_t steps_served)
{
	hn_plan_free(&e->plan, backends);
	hn_ovs_backend.close(e->state);
	stop_serving(e, steps_served);
}

/* "{"id":@ID@,"result":<data file>,"error":null}" */
static char *reply_with(const char *file)
{
	char *raw = fake_data(file), *out;
	size_t len = strlen(raw) + 64;

	out = malloc(len);
	snprintf(out, len, "{\"id\":@ID@,\"result\":%s,\"error\":null}", raw);
	free(raw);
	return out;
}

/* drift.json after another client set brint's tag to 42. */
static char *drift_after_writer(void)
{
	json_t *snap = fake_data_json("drift.json"), *update;
	const char *uuid;
	char *text, *out;
	size_t len;

	json_object_foreach (json_object_get(snap, "Port"), uuid, update) {
		json_t *row = json_object_get(update, "initial");

		if (strcmp(json_string_value(json_object_get(row, "name")), "brint") == 0)
			json_object_set_new(row, "tag", json_integer(42));
	}
	text = json_dumps(snap, JSON_COMPACT);
	len = strlen(text) + 64;
	out = malloc(len);
	snprintf(out, len, "{\"id\":@ID@,\"result\":%s,\"error\":null}", text);
	free(text);
	json_decref(snap);
	return out;
}

/* What ovsdb-server 3.1 answers when the first wait fails (recorded; the comment's {}
 * first, then the wait's error, then null for every operation not run). */
static char *wait_failed_reply(const json_t *request)
{
	const json_t *params = json_object_get(request, "params");
	json_t *res = json_array(), *reply;
	char *text;

	json_array_append_new(res, json_object());
	json_array_append_new(res, json_pack("{s:s, s:s}", "details",
					     "\"where\" clause test failed", "error", "timed out"));
	while (json_array_size(res) < json_array_size(params) - 1)
		json_array_append_new(res, json_null());
	reply = json_pack("{s:o, s:n}", "result", res, "error");
	text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	/* splice the id placeholder in front */
	{
		size_t len = strlen(text) + 16;
		char *out = malloc(len);

		snprintf(out, len, "{\"id\":@ID@,%s", text + 1);
		free(text);
		text = out;
	}
	return text;
}

static char *monitor_then_update(const json_t *request)
{
	/* The update names the monitor it answers: "hostnet-cfg-N", a new N each watch. */
	const char *id = json_string_value(json_array_get(json_object_get(request, "params"), 1));
	char *out = malloc(512);

	snprintf(out, 512,
		 "{\"id\":@ID@,\"result\":{\"Open_vSwitch\":{\"fb3bb67e-90fd-408f-9100-"
		 "83697f5235b5\":{\"new\":{\"cur_cfg\":%lld}}}},\"error\":null}"
		 "{\"id\":null,\"method\":\"update\",\"params\":[\"%s\",{\"Open_vSwitch\":"
		 "{\"fb3bb67e-90fd-408f-9100-83697f5235b5\":{\"new\":{\"cur_cfg\":%lld},\"old\":"
		 "{\"cur_cfg\":%lld}}}}]}",
		 fake_next_cfg - 1, id ? id : "?", fake_next_cfg, fake_next_cfg - 1);
	return out;
}

static char *monitor_stuck(const json_t *request)
{
	char *out = malloc(256);

	(void)request;
	snprintf(out, 256,
		 "{\"id\":@ID@,\"result\":{\"Open_vSwitch\":{\"fb3bb67e-90fd-408f-9100-"
		 "83697f5235b5\":{\"new\":{\"cur_cfg\":%lld}}}},\"error\":null}",
		 fake_next_cfg - 1);
	return out;
}

static const char cancel_ok[] = "{\"id\":@ID@,\"result\":{},\"error\":null}";

static bool commit_has(const json_t *params, const char *needle)
{
	char *text = json_dumps(params, JSON_COMPACT);
	bool found = strstr(text, needle) != NULL;

	free(text);
	return found;
}

/* The commit's waits fail: another client wrote what the read saw. Nothing is committed
 * and apply says so (-EAGAIN, done 0) for the agent to plan again and show the new plan;
 * undo then has nothing to send. The same state, read again, diffs and commits the new
 * plan: brint's tag from 42, under a wait that quotes 42. */
static void a_concurrent_writer_is_reported_with_nothing_committed(void **unused)
{
	char *read1 = reply_with("drift.json"), *read2 = drift_after_writer();
	const struct fake_step steps[] = {
	    {.method = "monitor_cond", .reply = read1},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "monitor", .reply_fn = monitor_stuck},
	    {.method = "transact", .reply_fn = wait_failed_reply},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "monitor_cond", .reply = read2},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "monitor", .reply_fn = monitor_then_update},
	    {.method = "transact", .reply_fn = fake_commit_reply},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	};
	struct env e;
	size_t done = 7;

	fake_next_cfg = 12;
	setup(&e, steps, 10, 2000);
	plan(&e);
	assert_int_equal(e.plan.n, 3);
	assert_int_equal(hn_ovs_backend.apply(e.state, e.plan.actions, e.plan.n, &done), -EAGAIN);
	assert_int_equal(done, 0);
	assert_string_equal(hn_errmsg(), "another client changed the OVS database between "
					 "hostnet's read and its write");
	assert_int_equal(hn_ovs_backend.undo(e.state, e.plan.actions, done), 0);

	hn_plan_free(&e.plan, backends);
	assert_int_equal(hn_ovs_backend.read(e.state), 0);
	assert_int_equal(hn_ovs_backend.diff(e.state, &e.cfg, &e.plan), 0);
	assert_int_equal(hn_ovs_backend.apply(e.state, e.plan.actions, e.plan.n, &done), 0);
	assert_int_equal(done, e.plan.n);
	assert_true(commit_has(fake_last_params, "\"columns\":[\"tag\"],\"until\":\"==\","
						 "\"rows\":[{\"tag\":42}]"));
	assert_true(commit_has(fake_last_params, "\"row\":{\"tag\":99}"));
	teardown(&e, 10);
	free(read1);
	free(read2);
}

/* ovs-vswitchd never catches up: a bounded wait, a clear error, the change counted as
 * made so the agent undoes it, and the undo is one transaction. */
static void switch_that_never_applies_times_out(void **unused)
{
	char *read = reply_with("empty.json");
	const struct fake_step steps[] = {
	    {.method = "monitor_cond", .reply = read},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "monitor", .reply_fn = monitor_stuck},
	    {.method = "transact", .reply_fn = fake_commit_reply},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "transact", .reply_fn = fake_commit_reply}, /* the undo */
	};
	struct env e;
	size_t done = 0;
	int64_t t0;

	fake_next_cfg = 1;
	setup(&e, steps, 6, 200);
	plan(&e);
	assert_int_equal(e.plan.n, 5);
	t0 = hn_ovs_now_ms();
	assert_int_equal(hn_ovs_backend.apply(e.state, e.plan.actions, e.plan.n, &done),
			 -ETIMEDOUT);
	assert_true(hn_ovs_now_ms() - t0 < 1500);
	assert_int_equal(done, 5);
	assert_string_equal(hn_errmsg(),
			    "ovs-vswitchd did not apply the change within 200 ms (cur_cfg 0, "
			    "waiting for 1): is ovs-vswitchd running? See its log");
	assert_int_equal(hn_ovs_backend.undo(e.state, e.plan.actions, done), 0);
	assert_true(commit_has(fake_last_params, "\"comment\":\"hostnet: roll back\""));
	assert_true(commit_has(fake_last_params, "[\"bridges\",\"delete\""));
	teardown(&e, 6);
	free(read);
}

/* Interfaces as ovs-vswitchd leaves them: eno9 does not exist on the host, so it has
 * ofport -1 and an error, and both selects (ofport == -1, error != []) list it. */
static char *interfaces_reply(const json_t *request)
{
	json_t *rows = json_array(), *reply, *op;
	size_t i, len;
	char *text, *out;

	(void)request;
	json_array_foreach (fake_last_params, i, op) {
		const char *table = json_string_value(json_object_get(op, "table"));
		const char *name;

		if (i == 0 || strcmp(json_string_value(json_object_get(op, "op")), "insert") != 0 ||
		    strcmp(table, "Interface") != 0)
			continue;
		name = json_string_value(json_object_get(json_object_get(op, "row"), "name"));
		if (strcmp(name, "eno9") == 0)
			json_array_append_new(
			    rows,
			    json_pack(
				"{s:O, s:s}", "_uuid",
				json_object_get(json_array_get(fake_last_result, i - 1), "uuid"),
				"error", "could not open network device eno9 (No such device)"));
	}
	reply = json_pack("[{s:O}, {s:O}]", "rows", rows, "rows", rows);
	json_decref(rows);
	text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	len = strlen(text) + 64;
	out = malloc(len);
	snprintf(out, len, "{\"id\":@ID@,\"result\":%s,\"error\":null}", text);
	free(text);
	return out;
}

static void interface_the_switch_could_not_open_is_named(void **unused)
{
	char *read = reply_with("seed.json");
	const struct fake_step steps[] = {
	    {.method = "monitor_cond", .reply = read},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "monitor", .reply_fn = monitor_then_update},
	    {.method = "transact", .reply_fn = fake_commit_reply},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "transact", .reply_fn = interfaces_reply},
	};
	struct env e;
	size_t done = 0;

	fake_next_cfg = 5;
	setup(&e, steps, 6, 2000);
	strcpy(e.port.name, "eno9");
	e.port.tag = 7;
	e.bridges[0].ports = &e.port;
	e.bridges[0].n_ports = 1;
	plan(&e);
	assert_int_equal(e.plan.n, 1);
	assert_int_equal(hn_ovs_backend.apply(e.state, e.plan.actions, e.plan.n, &done), -ENODEV);
	assert_int_equal(done, 1);
	assert_string_equal(hn_errmsg(),
			    "ovs-vswitchd could not open interface eno9 (port eno9 on br0): "
			    "could not open network device eno9 (No such device)");
	teardown(&e, 6);
	free(read);
}

/* A bond whose first member ovs-vswitchd could not open: named, with the bond's port (each
 * member's interface is checked, not only the one inserted last). */
static void bond_member_the_switch_could_not_open_is_named(void **unused)
{
	/* The removal's whole rows, for undo: none found is as good here. */
	static const char no_rows[] =
	    "{\"id\":@ID@,\"result\":[{\"rows\":[]},{\"rows\":[]}],\"error\":null}";
	char *read = reply_with("bond.json");
	const struct fake_step steps[] = {
	    {.method = "monitor_cond", .reply = read},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "transact", .reply = no_rows},
	    {.method = "monitor", .reply_fn = monitor_then_update},
	    {.method = "transact", .reply_fn = fake_commit_reply},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "transact", .reply_fn = interfaces_reply},
	};
	struct env e;
	size_t done = 0;

	fake_next_cfg = 5;
	setup(&e, steps, 7, 2000);
	strcpy(e.bridges[0].uplink, "eno9");
	strcpy(e.bridges[0].bond[0], "eno9");
	strcpy(e.bridges[0].bond[1], "eno1");
	e.bridges[0].n_bond = 2;
	strcpy(e.bridges[0].bond_port, "br0-bond");
	plan(&e);
	/* The recorded bond of eno1 and eno2 goes, the one of eno9 and eno1 comes. */
	assert_int_equal(e.plan.n, 2);
	assert_int_equal(hn_ovs_backend.apply(e.state, e.plan.actions, e.plan.n, &done), -ENODEV);
	assert_int_equal(done, 2);
	assert_string_equal(hn_errmsg(),
			    "ovs-vswitchd could not open interface eno9 (port br0-bond on br0): "
			    "could not open network device eno9 (No such device)");
	teardown(&e, 7);
	free(read);
}

/* ---- ports outside the config (ovs.h) ---- */

static const char no_failed_interfaces[] =
    "{\"id\":@ID@,\"result\":[{\"rows\":[]},{\"rows\":[]}],\"error\":null}";

/* An access and a trunk port, marked, in one transaction; once ovs-vswitchd has applied it
 * (cur_cfg) and opened both, they are removed again in one, not waited for. */
static void ports_added_marked_and_removed(void **unused)
{
	const struct fake_step steps[] = {
	    {.method = "transact", .reply_fn = fake_commit_reply},
	    {.method = "monitor", .reply_fn = monitor_then_update},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "transact", .reply = no_failed_interfaces},
	    {.method = "transact", .reply_fn = fake_commit_reply},
	};
	struct hn_vlanset trunks = {0};
	struct hn_ovs_port_spec ports[] = {{.name = "hnv1-0", .tag = 99}, {.name = "hnv1-1"}};
	struct hn_ovs_ports *o;
	struct env e;

	hn_vlanset_add(&trunks, 10);
	hn_vlanset_add(&trunks, 20);
	ports[1].trunks = &trunks;
	fake_next_cfg = 8;
	serve(&e, steps, 5);
	assert_int_equal(hn_ovs_ports_open(e.addr, 2000, &o), 0);
	assert_int_equal(hn_ovs_ports_add(o, "brint", ports, 2, "hostnet-probe", "1:2"), 0);
	assert_true(commit_has(fake_last_params, "\"external_ids\":[\"map\",[[\"hostnet-probe\","
						 "\"1:2\"]]]"));
	assert_true(commit_has(fake_last_params, "\"tag\":99"));
	assert_true(commit_has(fake_last_params, "\"trunks\":[\"set\",[10,20]]"));
	assert_true(commit_has(fake_last_params, "[\"name\",\"==\",\"brint\"]"));
	assert_int_equal(hn_ovs_ports_remove_added(o), 0);
	assert_true(commit_has(fake_last_params, "\"mutations\":[[\"ports\",\"delete\""));
	hn_ovs_ports_close(o);
	stop_serving(&e, 5);
}

/* Marked ports on two bridges (one a lone uuid, as OVSDB writes a set of one) and one on no
 * bridge: the two on bridges are found, and removed with one mutation per bridge. */
static void marked_ports_found_and_removed(void **unused)
{
	static const char read[] =
	    "{\"id\":@ID@,\"error\":null,\"result\":[{\"rows\":["
	    "{\"_uuid\":[\"uuid\",\"a\"],\"name\":\"hnv7-0\",\"external_ids\":[\"map\","
	    "[[\"hostnet-probe\",\"7:70\"]]]},"
	    "{\"_uuid\":[\"uuid\",\"b\"],\"name\":\"eno1\",\"external_ids\":[\"map\",[]]},"
	    "{\"_uuid\":[\"uuid\",\"c\"],\"name\":\"hnv8-0\",\"external_ids\":[\"map\","
	    "[[\"hostnet-probe\",\"8:80\"]]]},"
	    "{\"_uuid\":[\"uuid\",\"d\"],\"name\":\"hnv9-0\",\"external_ids\":[\"map\","
	    "[[\"hostnet-probe\",\"9:90\"]]]}]},{\"rows\":["
	    "{\"_uuid\":[\"uuid\",\"br0\"],\"name\":\"br0\",\"ports\":[\"set\",[[\"uuid\","
	    "\"a\"],[\"uuid\",\"b\"]]]},"
	    "{\"_uuid\":[\"uuid\",\"brint\"],\"name\":\"brint\",\"ports\":[\"uuid\",\"c\"]}"
	    "]}]}";
	const struct fake_step steps[] = {
	    {.method = "transact", .reply = read},
	    {.method = "transact", .reply_fn = fake_commit_reply},
	    {.method = "monitor", .reply_fn = monitor_then_update},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	};
	struct hn_ovs_marked *m;
	struct hn_ovs_ports *o;
	struct env e;
	size_t n;

	fake_next_cfg = 3;
	serve(&e, steps, 4);
	assert_int_equal(hn_ovs_ports_open(e.addr, 2000, &o), 0);
	assert_int_equal(hn_ovs_ports_marked(o, "hostnet-probe", &m, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].name, "hnv7-0");
	assert_string_equal(m[0].mark, "7:70");
	assert_string_equal(m[0].bridge_uuid, "br0");
	assert_string_equal(m[1].name, "hnv8-0");
	assert_string_equal(m[1].bridge_uuid, "brint");
	assert_int_equal(hn_ovs_ports_remove(o, m, n), 0);
	assert_true(commit_has(fake_last_params, "\"where\":[[\"_uuid\",\"==\",[\"uuid\","
						 "\"br0\"]]],\"mutations\":[[\"ports\",\"delete\","
						 "[\"set\",[[\"uuid\",\"a\"]]]]]"));
	assert_true(commit_has(fake_last_params, "[\"set\",[[\"uuid\",\"c\"]]]"));
	free(m);
	hn_ovs_ports_close(o);
	stop_serving(&e, 4);
}

/* Ports for a bridge OVSDB does not have: the mutation counts no row, and nothing waits. */
static char *no_such_bridge(const json_t *request)
{
	json_t *result = fake_commit_result(json_object_get(request, "params"));
	size_t i;
	json_t *res;

	json_array_foreach (result, i, res) {
		if (json_object_get(res, "count"))
			json_object_set_new(res, "count", json_integer(0));
	}
	return fake_reply(result);
}

static void ports_for_a_missing_bridge_are_refused(void **unused)
{
	const struct fake_step steps[] = {{.method = "transact", .reply_fn = no_such_bridge}};
	struct hn_ovs_port_spec port = {.name = "hnv1-0", .tag = 10};
	struct hn_ovs_ports *o;
	struct env e;

	fake_next_cfg = 2;
	serve(&e, steps, 1);
	assert_int_equal(hn_ovs_ports_open(e.addr, 2000, &o), 0);
	assert_int_equal(hn_ovs_ports_add(o, "brx", &port, 1, "hostnet-probe", "1:2"), -ENODEV);
	assert_string_equal(hn_errmsg(), "no bridge brx in OVSDB to attach probes to");
	assert_int_equal(hn_ovs_ports_remove_added(o), 0); /* nothing was added */
	hn_ovs_ports_close(o);
	stop_serving(&e, 1);
}

static int cleanup(void **unused)
{
	json_decref(fake_last_params);
	json_decref(fake_last_result);
	fake_last_params = fake_last_result = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_concurrent_writer_is_reported_with_nothing_committed),
	    cmocka_unit_test(switch_that_never_applies_times_out),
	    cmocka_unit_test(interface_the_switch_could_not_open_is_named),
	    cmocka_unit_test(bond_member_the_switch_could_not_open_is_named),
	    cmocka_unit_test(ports_added_marked_and_removed),
	    cmocka_unit_test(marked_ports_found_and_removed),
	    cmocka_unit_test(ports_for_a_missing_bridge_are_refused),
	};

	return cmocka_run_group_tests_name("ovs_backend", tests, NULL, cleanup);
}
