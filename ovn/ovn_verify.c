// SPDX-License-Identifier: GPL-2.0-or-later
/* What verify reads of OVN: is this host's chassis in the southbound database with the encap
 * it was given; are the fleet's switches in the northbound database as the file says? */
#include "error.h"
#include "ovn.h"
#include "ovs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first address of ovn.remote that hostnet's client speaks (tcp: or unix:), into buf. */
static bool client_address(const char *remote, char *buf, size_t len)
{
	const char *item = remote;

	while (item && *item) {
		size_t n = strcspn(item, ",");

		if (strncmp(item, "tcp:", 4) == 0 || strncmp(item, "unix:", 5) == 0) {
			snprintf(buf, len, "%.*s", (int)n, item);
			return true;
		}
		item = item[n] ? item + n + 1 : NULL;
	}
	return false;
}

/* "geneve 192.0.2.11, vxlan 192.0.2.11" of the Encap rows read. */
static void encaps_text(const json_t *rows, char *buf, size_t len)
{
	size_t used = 0, i;
	json_t *row;

	buf[0] = '\0';
	json_array_foreach (rows, i, row) {
		const char *type = json_string_value(json_object_get(row, "type"));
		const char *ip = json_string_value(json_object_get(row, "ip"));

		if (used < len)
			used +=
			    (size_t)snprintf(buf + used, len - used, "%s%s %s", used ? ", " : "",
					     type ? type : "?", ip ? ip : "?");
	}
}

int hn_ovn_chassis_observe(const struct hn_config_ovn *o, int timeout_ms, struct hn_plan *plan)
{
	char addr[256], want[128], found[256] = "", msg[192] = "";
	struct hn_ovs_rpc *rpc = NULL;
	struct hn_observation *obs;
	const json_t *chassis = NULL, *encaps = NULL;
	json_t *result = NULL;
	struct hn_object obj;
	struct hn_error err = {0};
	int r;

	if (!o->has_chassis)
		return 0;
	snprintf(want, sizeof(want), "%s %s", hn_encap_name(o->encap_type), o->encap_ip);
	hn_object_set(&obj, HN_KIND_CHASSIS, o->system_id, NULL, NULL);
	if (!client_address(o->remote, addr, sizeof(addr))) {
		snprintf(
		    msg, sizeof(msg),
		    "hostnet reads the southbound database over tcp: or unix: only, not %.120s",
		    o->remote);
	} else {
		/* Whatever fails here is said on the line, not as the run's error. */
		hn_err_push(&err);
		r = hn_ovs_rpc_open_peer(addr, "the southbound ovsdb-server", timeout_ms, &rpc);
		if (r == 0)
			r = hn_ovs_rpc_call(
			    rpc, "transact",
			    json_pack("[s, {s:s, s:s, s:[[s, s, s]], s:[s]},"
				      " {s:s, s:s, s:[[s, s, s]], s:[s, s]}]",
				      "OVN_Southbound", "op", "select", "table", "Chassis", "where",
				      "name", "==", o->system_id, "columns", "name", "op", "select",
				      "table", "Encap", "where", "chassis_name", "==", o->system_id,
				      "columns", "type", "ip"),
			    &result);
		if (r < 0)
			snprintf(msg, sizeof(msg), "cannot read the southbound database: %.150s",
				 err.msg);
		hn_err_pop(&err);
		hn_ovs_rpc_close(rpc);
		chassis = json_array_get(json_object_get(json_array_get(result, 0), "rows"), 0);
		encaps = json_object_get(json_array_get(result, 1), "rows");
		if (r == 0 && (!json_is_array(encaps) ||
			       !json_is_array(json_object_get(json_array_get(result, 0), "rows"))))
			snprintf(msg, sizeof(msg),
				 "the southbound database answered with an unexpected shape");
	}
	obs = hn_plan_observe(plan, &obj, chassis != NULL);
	if (!obs) {
		json_decref(result);
		return hn_err(-ENOMEM, "out of memory");
	}
	if (msg[0]) {
		snprintf(obs->unsure, sizeof(obs->unsure), "%s", msg);
	} else {
		encaps_text(encaps, found, sizeof(found));
		hn_fields_add(&obs->fields, "encap", HN_SHOWN_NAMED, chassis ? found : NULL, want);
		if (!chassis)
			snprintf(obs->wrong, sizeof(obs->wrong),
				 "not registered in %.100s: does ovn-controller run and reach it?",
				 addr);
		else if (strcmp(found, want) != 0)
			snprintf(obs->wrong, sizeof(obs->wrong),
				 "registered with another encap: ovn-controller has not caught up, "
				 "or another host uses system-id %s",
				 o->system_id);
	}
	json_decref(result);
	return 0;
}

int hn_ovn_networks_observe(const struct hn_config_ovn *o, int timeout_ms, struct hn_plan *plan)
{
	struct hn_ovn_plan nb;
	struct hn_error err = {0};
	char vlan[16], found_vlan[16];
	int r;

	if (!o->northbound)
		return 0;
	hn_err_push(&err);
	r = hn_ovn_sync(o->northbound, o, timeout_ms, false, &nb);
	hn_err_pop(&err);
	for (size_t i = 0; i < o->n_networks; i++) {
		const struct hn_ovn_seen *s = r == 0 ? &nb.seen[i] : NULL;
		struct hn_observation *obs;
		struct hn_object obj;

		hn_object_set(&obj, HN_KIND_SWITCH, o->networks[i].name, NULL, NULL);
		obs = hn_plan_observe(plan, &obj, s && s->exists);
		if (!obs) {
			hn_ovn_plan_free(&nb);
			return hn_err(-ENOMEM, "out of memory");
		}
		snprintf(vlan, sizeof(vlan), "%u", o->networks[i].vlan);
		snprintf(found_vlan, sizeof(found_vlan), "%lld", s ? s->vlan : 0);
		if (o->networks[i].physnet) {
			hn_fields_add(&obs->fields, "vlan", HN_SHOWN_NAMED,
				      s && s->has_port ? found_vlan : NULL, vlan);
			hn_fields_add(&obs->fields, "physnet", HN_SHOWN_NAMED,
				      s && s->has_port ? s->physnet : NULL, o->networks[i].physnet);
		} else {
			/* An overlay network: its VLAN is the switch's label, and no localnet
			 * port may take its frames out of the tunnels. */
			hn_fields_add(&obs->fields, "vlan", HN_SHOWN_NAMED,
				      s && s->exists && s->label[0] ? s->label : NULL, vlan);
			hn_fields_add(
			    &obs->fields, "physnet", HN_SHOWN_NAMED,
			    s && s->exists ? (s->localnet[0] ? s->physnet : "none") : NULL, "none");
			if (s && s->localnet[0])
				snprintf(obs->wrong, sizeof(obs->wrong),
					 "localnet port %.40s, not hostnet's, takes this overlay "
					 "network out of the tunnels (ovn-nbctl lsp-del it)",
					 s->localnet);
		}
		if (r < 0)
			snprintf(obs->unsure, sizeof(obs->unsure),
				 "cannot read the northbound database: %.150s", err.msg);
	}
	/* What ovn-sync would change: each a CRITICAL line, on its switch's. */
	for (size_t i = 0; r == 0 && i < nb.n; i++) {
		const struct hn_ovn_change *c = &nb.v[i];
		struct hn_action *a;
		struct hn_object obj;

		hn_object_set(&obj, HN_KIND_SWITCH, c->lswitch, NULL, NULL);
		a = hn_plan_add(plan, c->op, &obj);
		if (!a) {
			hn_ovn_plan_free(&nb);
			return hn_err(-ENOMEM, "out of memory");
		}
		a->disruptive = c->disruptive;
		hn_action_remark(a, "%s: %s (`hostnet ovn-sync` sets it right)", c->object,
				 c->detail);
	}
	hn_ovn_plan_free(&nb);
	return 0;
}
