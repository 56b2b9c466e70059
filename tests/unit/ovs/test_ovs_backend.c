// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The OVS backend's apply against a scripted server: a concurrent writer (recorded "wait
 * timed out" reply) is reported with nothing committed, and a new read and diff commit what
 * it calls for; it waits for cur_cfg by monitor, bounded; it names an interface
 * ovs-vswitchd could not open.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backend.h"
#include "error.h"
#include "fake_ovsdb.h"
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

static void setup(struct env *e, const struct fake_step *steps, size_t n, int timeout_ms)
{
	memset(e, 0, sizeof(*e));
	strcpy(e->dir, "/tmp/hostnet-ovs-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->addr, sizeof(e->addr), "unix:%s/db.sock", e->dir);
	fake_ovsdb_listen(&e->fake, e->addr + 5, steps, n);
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

static void teardown(struct env *e, size_t steps_served)
{
	hn_plan_free(&e->plan, backends);
	hn_ovs_backend.close(e->state);
	assert_int_equal(fake_ovsdb_stop(&e->fake), steps_served);
	assert_string_equal(e->fake.failure, "");
	fake_ovsdb_free(&e->fake);
	unlink(e->addr + 5);
	rmdir(e->dir);
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
	json_t *snap = fake_data_json("drift.json"), *row;
	json_t *rows = json_object_get(json_array_get(snap, 2), "rows");
	size_t i;
	char *text, *out;
	size_t len;

	json_array_foreach (rows, i, row) {
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
	    {.method = "transact", .reply = read1},
	    {.method = "monitor", .reply_fn = monitor_stuck},
	    {.method = "transact", .reply_fn = wait_failed_reply},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "transact", .reply = read2},
	    {.method = "monitor", .reply_fn = monitor_then_update},
	    {.method = "transact", .reply_fn = fake_commit_reply},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	};
	struct env e;
	size_t done = 7;

	fake_next_cfg = 12;
	setup(&e, steps, 8, 2000);
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
	teardown(&e, 8);
	free(read1);
	free(read2);
}

/* ovs-vswitchd never catches up: a bounded wait, a clear error, the change counted as
 * made so the agent undoes it, and the undo is one transaction. */
static void switch_that_never_applies_times_out(void **unused)
{
	char *read = reply_with("empty.json");
	const struct fake_step steps[] = {
	    {.method = "transact", .reply = read},
	    {.method = "monitor", .reply_fn = monitor_stuck},
	    {.method = "transact", .reply_fn = fake_commit_reply},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "transact", .reply_fn = fake_commit_reply}, /* the undo */
	};
	struct env e;
	size_t done = 0;
	int64_t t0;

	fake_next_cfg = 1;
	setup(&e, steps, 5, 200);
	plan(&e);
	assert_int_equal(e.plan.n, 5);
	t0 = ovsdb_now_ms();
	assert_int_equal(hn_ovs_backend.apply(e.state, e.plan.actions, e.plan.n, &done),
			 -ETIMEDOUT);
	assert_true(ovsdb_now_ms() - t0 < 1500);
	assert_int_equal(done, 5);
	assert_string_equal(hn_errmsg(),
			    "ovs-vswitchd did not apply the change within 200 ms (cur_cfg 0, "
			    "waiting for 1): is ovs-vswitchd running? See its log");
	assert_int_equal(hn_ovs_backend.undo(e.state, e.plan.actions, done), 0);
	assert_true(commit_has(fake_last_params, "\"comment\":\"hostnet: roll back\""));
	assert_true(commit_has(fake_last_params, "[\"bridges\",\"delete\""));
	teardown(&e, 5);
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
	    {.method = "transact", .reply = read},
	    {.method = "monitor", .reply_fn = monitor_then_update},
	    {.method = "transact", .reply_fn = fake_commit_reply},
	    {.method = "monitor_cancel", .reply = cancel_ok},
	    {.method = "transact", .reply_fn = interfaces_reply},
	};
	struct env e;
	size_t done = 0;

	fake_next_cfg = 5;
	setup(&e, steps, 5, 2000);
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
	teardown(&e, 5);
	free(read);
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
	};

	return cmocka_run_group_tests_name("ovs_backend", tests, NULL, cleanup);
}
