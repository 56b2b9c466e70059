// SPDX-License-Identifier: GPL-2.0-or-later
/* `ovn-sync` against the northbound ovsdb-server: read, diff, one transaction. */
#include "error.h"
#include "ovn.h"
#include "ovs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A plan that lost a race with another client is computed again at most this often. */
#define ATTEMPTS 3

/* 0 committed, -EAGAIN a wait failed (the read is stale), else the server's refusal. */
static int commit(struct hn_ovs_rpc *rpc, const struct hn_ovn_plan *plan)
{
	json_t *params = json_pack("[s, {s:s, s:s}]", HN_OVN_NB_DB, "op", "comment", "comment",
				   "hostnet: ovn-sync");
	json_t *result = NULL, *res;
	char text[512];
	size_t i;
	int r;

	if (!params || json_array_extend(params, plan->ops) < 0) {
		json_decref(params);
		return hn_err(-ENOMEM, "out of memory");
	}
	r = hn_ovs_rpc_call(rpc, "transact", params, &result);
	if (r < 0)
		return r;
	json_array_foreach (result, i, res) {
		const char *err = json_string_value(json_object_get(res, "error"));

		if (!err)
			continue;
		if (strcmp(err, "timed out") == 0) {
			r = -EAGAIN;
			break;
		}
		r = hn_err(-EREMOTEIO, "the northbound database refused the transaction: %s",
			   hn_ovs_error_text(res, text, sizeof(text)));
		break;
	}
	json_decref(result);
	return r;
}

int hn_ovn_sync(const char *northbound, const struct hn_config_ovn *want, int timeout_ms,
		bool apply, struct hn_ovn_plan *plan)
{
	struct hn_ovs_rpc *rpc = NULL;
	int r = hn_ovs_rpc_open_peer(northbound, "the northbound ovsdb-server", timeout_ms, &rpc);

	memset(plan, 0, sizeof(*plan));
	for (int attempt = 0; r == 0 && attempt < ATTEMPTS; attempt++) {
		json_t *read = NULL;

		hn_ovn_plan_free(plan);
		r = hn_ovs_rpc_call(rpc, "transact", hn_ovn_read_params(), &read);
		if (r == 0)
			r = hn_ovn_diff(read, want, plan);
		json_decref(read);
		if (r < 0 || !apply || plan->n == 0)
			break;
		r = commit(rpc, plan);
		if (r != -EAGAIN)
			break;
	}
	if (r == -EAGAIN)
		r = hn_err(r, "the northbound database kept changing under ovn-sync (%d tries)",
			   ATTEMPTS);
	hn_ovs_rpc_close(rpc);
	return r;
}
