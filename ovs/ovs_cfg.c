// SPDX-License-Identifier: GPL-2.0-or-later
#include "ovs_cfg.h"
#include "error.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DB "Open_vSwitch"

/* cur_cfg in a monitor's table-updates ({"Open_vSwitch": {uuid: {"new": {...}}}}). */
static bool cur_cfg_of(const json_t *updates, long long *cur)
{
	const json_t *rows = json_object_get(updates, DB);
	const char *uuid;
	json_t *row;

	json_object_foreach ((json_t *)rows, uuid, row) {
		json_t *v = json_object_get(json_object_get(row, "new"), "cur_cfg");

		if (json_is_integer(v)) {
			*cur = json_integer_value(v);
			return true;
		}
	}
	return false;
}

int hn_ovs_cfg_watch_start(struct hn_ovs_rpc *rpc, struct hn_ovs_cfg_watch *w)
{
	json_t *result;
	int r;

	snprintf(w->id, sizeof(w->id), "hostnet-cfg-%u", ++w->serial);
	r = hn_ovs_rpc_call(rpc, "monitor",
			    json_pack("[s, s, {s:{s:[s]}}]", DB, w->id, DB, "columns", "cur_cfg"),
			    &result);
	if (r < 0) {
		w->id[0] = '\0';
		return r;
	}
	w->cur = -1;
	cur_cfg_of(result, &w->cur);
	json_decref(result);
	return 0;
}

int hn_ovs_cfg_wait(struct hn_ovs_rpc *rpc, struct hn_ovs_cfg_watch *w, long long next_cfg,
		    int timeout_ms)
{
	int64_t deadline = hn_ovs_now_ms() + timeout_ms;

	while (w->cur < next_cfg) {
		json_t *msg, *params;
		const char *method, *id;
		int r = hn_ovs_rpc_notification(rpc, deadline, &msg);

		if (r == -ETIMEDOUT)
			return hn_err(-ETIMEDOUT,
				      "ovs-vswitchd did not apply the change within %d ms "
				      "(cur_cfg %lld, waiting for %lld): is ovs-vswitchd running? "
				      "See its log",
				      timeout_ms, w->cur, next_cfg);
		if (r < 0)
			return r;
		method = json_string_value(json_object_get(msg, "method"));
		params = json_object_get(msg, "params");
		id = json_string_value(json_array_get(params, 0));
		if (method && strcmp(method, "update") == 0 && id && strcmp(id, w->id) == 0)
			cur_cfg_of(json_array_get(params, 1), &w->cur);
		json_decref(msg);
	}
	hn_debug("ovs: ovs-vswitchd applied next_cfg %lld, %.1f ms after the transaction went out",
		 next_cfg, hn_ovs_rpc_since_sent(rpc));
	return 0;
}

int hn_ovs_cfg_watch_stop(struct hn_ovs_rpc *rpc, struct hn_ovs_cfg_watch *w)
{
	json_t *result = NULL;
	int r;

	if (!w->id[0])
		return 0;
	r = hn_ovs_rpc_call(rpc, "monitor_cancel", json_pack("[s]", w->id), &result);
	json_decref(result);
	w->id[0] = '\0';
	return r;
}

int hn_ovs_cfg_failed_ifaces(struct hn_ovs_rpc *rpc, struct hn_ovs_strmap *made, size_t *nbad,
			     size_t *first, char *why, size_t len)
{
	json_t *result = NULL;
	int r;

	*nbad = 0;
	r = hn_ovs_rpc_call(rpc, "transact",
			    json_pack("[s, {s:s, s:s, s:[[s, s, i]], s:[s, s]},"
				      " {s:s, s:s, s:[[s, s, [s, []]]], s:[s, s]}]",
				      DB, "op", "select", "table", "Interface", "where", "ofport",
				      "==", -1, "columns", "_uuid", "error", "op", "select",
				      "table", "Interface", "where", "error", "!=", "set",
				      "columns", "_uuid", "error"),
			    &result);
	for (size_t k = 0; r == 0 && k < 2; k++) {
		json_t *rows = json_object_get(json_array_get(result, k), "rows"), *row;
		size_t i, at;

		json_array_foreach (rows, i, row) {
			const char *u = hn_ovs_json_uuid(json_object_get(row, "_uuid"));
			const char *err = json_string_value(json_object_get(row, "error"));

			/* the same interface may be in both lists: count it once */
			if (!u || !hn_ovs_strmap_get(made, u, &at) || at == (size_t)-1)
				continue;
			hn_ovs_strmap_put(made, u, (size_t)-1);
			if (!(*nbad)++) {
				*first = at;
				snprintf(why, len, "%s",
					 err && *err ? err : "it has no OpenFlow port (ofport -1)");
			}
		}
	}
	json_decref(result);
	return r;
}
