// SPDX-License-Identifier: GPL-2.0-or-later
/* The northbound plan: the config's VLAN networks against the switches and ports read. */
#include "error.h"
#include "ovn.h"
#include "ovs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OWNER_KEY   "hostnet-owner"
#define OWNER_VALUE "hostnet"
/* The network's VLAN on its switch, for the VM side to find "VLAN 10's switch" by: the only
 * place an overlay network's VLAN is written (it tags nothing on any wire). */
#define VLAN_KEY "hostnet-vlan"

struct diff {
	const json_t *switches, *ports; /* the rows read */
	const struct hn_config_ovn *want;
	struct hn_ovn_plan *plan;
	const char *cur; /* the switch the changes being made are about */
	unsigned seq;	 /* named uuids */
};

static int oom(void)
{
	return hn_err(-ENOMEM, "out of memory computing the OVN plan");
}

static const char *str(const json_t *row, const char *col)
{
	return json_string_value(json_object_get(row, col));
}

static bool owned(const json_t *row)
{
	const json_t *v = hn_ovs_json_map_get(json_object_get(row, "external_ids"), OWNER_KEY);

	return v && json_is_string(v) && strcmp(json_string_value(v), OWNER_VALUE) == 0;
}

static const json_t *port_by_uuid(const struct diff *d, const char *uuid)
{
	size_t i;
	json_t *row;

	json_array_foreach (d->ports, i, row)
		if (uuid &&
		    strcmp(hn_ovs_json_uuid(json_object_get(row, "_uuid")) ?: "", uuid) == 0)
			return row;
	return NULL;
}

static struct hn_ovn_change *change(struct diff *d, enum hn_op op, const char *detail_fmt, ...)
    __attribute__((format(printf, 3, 4)));

static struct hn_ovn_change *change(struct diff *d, enum hn_op op, const char *detail_fmt, ...)
{
	struct hn_ovn_plan *p = d->plan;
	struct hn_ovn_change *v = realloc(p->v, (p->n + 1) * sizeof(*v)), *c;
	va_list ap;

	if (!v)
		return NULL;
	p->v = v;
	c = &v[p->n++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	snprintf(c->lswitch, sizeof(c->lswitch), "%s", d->cur ? d->cur : "");
	va_start(ap, detail_fmt);
	vsnprintf(c->detail, sizeof(c->detail), detail_fmt, ap);
	va_end(ap);
	return c;
}

static int push(struct diff *d, json_t *op)
{
	return op && json_array_append_new(d->plan->ops, op) == 0 ? 0 : oom();
}

static json_t *where_uuid(const char *uuid)
{
	return json_pack("[[s, s, [s, s]]]", "_uuid", "==", "uuid", uuid);
}

/* The transaction fails as a whole when a column the diff read has changed since. */
static int wait_on(struct diff *d, const char *table, const json_t *row, const char *col)
{
	const char *uuid = hn_ovs_json_uuid(json_object_get(row, "_uuid"));
	json_t *v = json_object_get(row, col);

	return push(d, json_pack("{s:s, s:s, s:i, s:o, s:[s], s:s, s:[{s:O}]}", "op", "wait",
				 "table", table, "timeout", 0, "where", where_uuid(uuid), "columns",
				 col, "until", "==", "rows", col, v ? v : json_null()));
}

static char *port_name(const struct hn_ovn_network *n, char *buf, size_t len)
{
	snprintf(buf, len, "%s-localnet", n->name);
	return buf;
}

/* The localnet port's columns hostnet sets, as the network asks. */
static json_t *port_cols(const struct hn_ovn_network *n)
{
	return json_pack("{s:s, s:[s, [[s, s]]], s:i, s:[s, [s]]}", "type", "localnet", "options",
			 "map", "network_name", n->physnet, "tag_request", n->vlan, "addresses",
			 "set", "unknown");
}

static int insert_port(struct diff *d, const struct hn_ovn_network *n, char *named, size_t len)
{
	char name[96];
	json_t *row = port_cols(n);

	snprintf(named, len, "lsp%u", d->seq++);
	if (!row ||
	    json_object_set_new(row, "name", json_string(port_name(n, name, sizeof(name)))) ||
	    json_object_set_new(row, "external_ids",
				json_pack("[s, [[s, s]]]", "map", OWNER_KEY, OWNER_VALUE))) {
		json_decref(row);
		return oom();
	}
	return push(d, json_pack("{s:s, s:s, s:o, s:s}", "op", "insert", "table",
				 "Logical_Switch_Port", "row", row, "uuid-name", named));
}

static int create_switch(struct diff *d, const struct hn_ovn_network *n)
{
	char named[16], name[96], vlan[16];
	struct hn_ovn_change *c;
	json_t *row;
	int r;

	snprintf(vlan, sizeof(vlan), "%u", n->vlan);
	/* Switch names are not unique in the schema: no switch of this name may appear
	 * meanwhile (a wait until the select finds none). */
	r = push(d, json_pack("{s:s, s:s, s:i, s:[[s, s, s]], s:[s], s:s, s:[]}", "op", "wait",
			      "table", "Logical_Switch", "timeout", 0, "where", "name",
			      "==", n->name, "columns", "name", "until", "==", "rows"));
	/* An overlay network's switch has no port of hostnet's: the tunnels carry it. */
	if (r == 0 && n->physnet)
		r = insert_port(d, n, named, sizeof(named));
	if (r == 0) {
		row = json_pack("{s:s, s:[s, [[s, s], [s, s]]]}", "name", n->name, "external_ids",
				"map", OWNER_KEY, OWNER_VALUE, VLAN_KEY, vlan);
		if (row && n->physnet &&
		    json_object_set_new(row, "ports",
					json_pack("[s, [[s, s]]]", "set", "named-uuid", named))) {
			json_decref(row);
			row = NULL;
		}
		r = row ? push(d, json_pack("{s:s, s:s, s:o}", "op", "insert", "table",
					    "Logical_Switch", "row", row))
			: oom();
	}
	if (r < 0)
		return r;
	if (n->physnet)
		c = change(d, HN_OP_CREATE, "vlan %u on physnet %s, localnet port %s", n->vlan,
			   n->physnet, port_name(n, name, sizeof(name)));
	else
		c = change(d, HN_OP_CREATE,
			   "vlan %u, overlay (no localnet port: the tunnels carry it)", n->vlan);
	if (!c)
		return oom();
	snprintf(c->object, sizeof(c->object), "switch %s", n->name);
	return 0;
}

/* What the port differs in from what the network asks, "" when nothing. */
static void port_drift(const json_t *p, const struct hn_ovn_network *n, char *buf, size_t len)
{
	const char *type = str(p, "type") ?: "";
	const char *net =
	    json_string_value(hn_ovs_json_map_get(json_object_get(p, "options"), "network_name"));
	const json_t *tag = json_object_get(p, "tag_request"),
		     *addrs = json_object_get(p, "addresses");
	long long t = json_is_integer(tag) ? json_integer_value(tag) : 0;
	const char *a0 = json_string_value(hn_ovs_json_set_at(addrs, 0));
	size_t used = 0;

	buf[0] = '\0';
	if (strcmp(type, "localnet") != 0)
		used += (size_t)snprintf(buf + used, len - used, "type %s -> localnet",
					 *type ? type : "none");
	if (used < len && (!net || strcmp(net, n->physnet) != 0))
		used += (size_t)snprintf(buf + used, len - used, "%sphysnet %s -> %s",
					 used ? ", " : "", net ? net : "none", n->physnet);
	if (used < len && t != n->vlan)
		used += (size_t)snprintf(buf + used, len - used, "%svlan %lld -> %u",
					 used ? ", " : "", t, n->vlan);
	if (used < len && (hn_ovs_json_set_size(addrs) != 1 || !a0 || strcmp(a0, "unknown") != 0))
		snprintf(buf + used, len - used, "%saddresses -> unknown", used ? ", " : "");
}

/* A localnet port someone else put on an overlay network's switch: its VLAN then leaves the
 * hosts untunnelled, on whatever physical network it names. Not hostnet's to remove: verify
 * says so. */
static void see_foreign_localnet(const json_t *p, struct hn_ovn_seen *seen)
{
	snprintf(seen->localnet, sizeof(seen->localnet), "%s", str(p, "name") ?: "?");
	snprintf(
	    seen->physnet, sizeof(seen->physnet), "%s",
	    json_string_value(hn_ovs_json_map_get(json_object_get(p, "options"), "network_name"))
		?: "?");
}

/* The switch's hostnet-vlan key as the network says (replaced: a map insert keeps a key). */
static int converge_label(struct diff *d, const json_t *ls, const struct hn_ovn_network *n,
			  struct hn_ovn_seen *seen)
{
	const json_t *v = hn_ovs_json_map_get(json_object_get(ls, "external_ids"), VLAN_KEY);
	const char *uuid = hn_ovs_json_uuid(json_object_get(ls, "_uuid"));
	const char *got = json_string_value(v);
	struct hn_ovn_change *c;
	char want[16];
	int r;

	snprintf(want, sizeof(want), "%u", n->vlan);
	snprintf(seen->label, sizeof(seen->label), "%s", got ?: "");
	if (got && strcmp(got, want) == 0)
		return 0;
	r = wait_on(d, "Logical_Switch", ls, "external_ids");
	if (r == 0)
		r = push(d,
			 json_pack("{s:s, s:s, s:o, s:[[s, s, [s, [s]]], [s, s, [s, [[s, s]]]]]}",
				   "op", "mutate", "table", "Logical_Switch", "where",
				   where_uuid(uuid), "mutations", "external_ids", "delete", "set",
				   VLAN_KEY, "external_ids", "insert", "map", VLAN_KEY, want));
	if (r < 0)
		return r;
	c = change(d, HN_OP_CHANGE, "external_ids:%s %s -> %s", VLAN_KEY, got ?: "none", want);
	if (!c)
		return oom();
	snprintf(c->object, sizeof(c->object), "switch %s", n->name);
	return 0;
}

static int converge_switch(struct diff *d, const json_t *ls, const struct hn_ovn_network *n,
			   struct hn_ovn_seen *seen)
{
	const char *uuid = hn_ovs_json_uuid(json_object_get(ls, "_uuid"));
	const json_t *ports = json_object_get(ls, "ports");
	char want_name[96], drift[256], named[16];
	const json_t *mine = NULL;
	struct hn_ovn_change *c;
	int r = 0;

	port_name(n, want_name, sizeof(want_name));
	r = converge_label(d, ls, n, seen);
	/* hostnet's ports on it: the localnet port it wants stays, any other goes (all of them
	 * on an overlay network's switch). */
	for (size_t i = 0; r == 0 && i < hn_ovs_json_set_size(ports); i++) {
		const char *pu = hn_ovs_json_uuid(hn_ovs_json_set_at(ports, i));
		const json_t *p = port_by_uuid(d, pu);

		if (p && !owned(p) && !n->physnet && !seen->localnet[0] &&
		    strcmp(str(p, "type") ?: "", "localnet") == 0)
			see_foreign_localnet(p, seen);
		if (!p || !owned(p))
			continue;
		if (!mine && n->physnet && strcmp(str(p, "name") ?: "", want_name) == 0) {
			mine = p;
			continue;
		}
		r = wait_on(d, "Logical_Switch", ls, "ports");
		if (r == 0)
			r = push(d, json_pack("{s:s, s:s, s:o, s:[[s, s, [s, [[s, s]]]]]}", "op",
					      "mutate", "table", "Logical_Switch", "where",
					      where_uuid(uuid), "mutations", "ports", "delete",
					      "set", "uuid", pu));
		c = r == 0 ? change(d, HN_OP_REMOVE, "created by hostnet, no longer in the config")
			   : NULL;
		if (r == 0 && !c)
			r = oom();
		if (c)
			snprintf(c->object, sizeof(c->object), "port %s on %s", str(p, "name"),
				 n->name);
	}
	if (r < 0 || !n->physnet)
		return r;
	if (!mine) {
		r = wait_on(d, "Logical_Switch", ls, "ports");
		if (r == 0)
			r = insert_port(d, n, named, sizeof(named));
		if (r == 0)
			r = push(d, json_pack("{s:s, s:s, s:o, s:[[s, s, [s, [[s, s]]]]]}", "op",
					      "mutate", "table", "Logical_Switch", "where",
					      where_uuid(uuid), "mutations", "ports", "insert",
					      "set", "named-uuid", named));
		c = r == 0 ? change(d, HN_OP_CREATE, "localnet, vlan %u on physnet %s", n->vlan,
				    n->physnet)
			   : NULL;
		if (r == 0 && !c)
			return oom();
		if (c)
			snprintf(c->object, sizeof(c->object), "port %s on %s", want_name, n->name);
		return r;
	}
	seen->has_port = true;
	if (json_is_integer(json_object_get(mine, "tag_request")))
		seen->vlan = json_integer_value(json_object_get(mine, "tag_request"));
	snprintf(
	    seen->physnet, sizeof(seen->physnet), "%s",
	    json_string_value(hn_ovs_json_map_get(json_object_get(mine, "options"), "network_name"))
		?: "");
	port_drift(mine, n, drift, sizeof(drift));
	if (!drift[0])
		return 0;
	for (const char *const *col =
		 (const char *const[]){"type", "options", "tag_request", "addresses", NULL};
	     r == 0 && *col; col++)
		r = wait_on(d, "Logical_Switch_Port", mine, *col);
	if (r == 0)
		r = push(d, json_pack("{s:s, s:s, s:o, s:o}", "op", "update", "table",
				      "Logical_Switch_Port", "where",
				      where_uuid(hn_ovs_json_uuid(json_object_get(mine, "_uuid"))),
				      "row", port_cols(n)));
	c = r == 0 ? change(d, HN_OP_CHANGE, "%s", drift) : NULL;
	if (r == 0 && !c)
		return oom();
	if (c)
		snprintf(c->object, sizeof(c->object), "port %s on %s", want_name, n->name);
	return r;
}

/* A switch hostnet made that the config no longer has: it goes, with every port on it
 * (the database collects them); ports hostnet did not make are named, DISRUPTIVE. */
static int remove_switch(struct diff *d, const json_t *ls)
{
	const json_t *ports = json_object_get(ls, "ports");
	char names[160] = "";
	size_t foreign = 0, used = 0;
	struct hn_ovn_change *c;
	int r = wait_on(d, "Logical_Switch", ls, "ports");

	if (r == 0)
		r = push(d, json_pack("{s:s, s:s, s:o}", "op", "delete", "table", "Logical_Switch",
				      "where",
				      where_uuid(hn_ovs_json_uuid(json_object_get(ls, "_uuid")))));
	if (r < 0)
		return r;
	for (size_t i = 0; i < hn_ovs_json_set_size(ports); i++) {
		const json_t *p = port_by_uuid(d, hn_ovs_json_uuid(hn_ovs_json_set_at(ports, i)));

		if (p && !owned(p) && foreign++ < 4 && used < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 used ? ", " : "", str(p, "name") ?: "?");
	}
	if (foreign)
		c = change(
		    d, HN_OP_REMOVE,
		    "created by hostnet; %zu port(s) hostnet did not create go with it (%s%s)",
		    foreign, names, foreign > 4 ? ", ..." : "");
	else
		c = change(d, HN_OP_REMOVE, "%s",
			   d->want ? "created by hostnet, no longer in the config"
				   : "created by hostnet");
	if (!c)
		return oom();
	c->disruptive = foreign > 0;
	snprintf(c->object, sizeof(c->object), "switch %s", str(ls, "name"));
	return 0;
}

static const struct hn_ovn_network *wanted(const struct diff *d, const char *name)
{
	for (size_t i = 0; d->want && name && i < d->want->n_networks; i++)
		if (strcmp(d->want->networks[i].name, name) == 0)
			return &d->want->networks[i];
	return NULL;
}

json_t *hn_ovn_read_params(void)
{
	return json_pack("[s, {s:s, s:s, s:[], s:[s, s, s, s]},"
			 " {s:s, s:s, s:[], s:[s, s, s, s, s, s, s]}]",
			 HN_OVN_NB_DB, "op", "select", "table", "Logical_Switch", "where",
			 "columns", "_uuid", "name", "ports", "external_ids", "op", "select",
			 "table", "Logical_Switch_Port", "where", "columns", "_uuid", "name",
			 "type", "options", "tag_request", "addresses", "external_ids");
}

int hn_ovn_diff(const json_t *read, const struct hn_config_ovn *want, struct hn_ovn_plan *plan)
{
	struct diff d = {
	    .switches = json_object_get(json_array_get(read, 0), "rows"),
	    .ports = json_object_get(json_array_get(read, 1), "rows"),
	    .want = want,
	    .plan = plan,
	};
	size_t i;
	json_t *ls;
	int r = 0;

	memset(plan, 0, sizeof(*plan));
	if (want && want->n_networks) {
		plan->seen = calloc(want->n_networks, sizeof(*plan->seen));
		if (!plan->seen)
			return oom();
		plan->n_seen = want->n_networks;
	}
	if (!json_is_array(d.switches) || !json_is_array(d.ports))
		return hn_err(-EPROTO, "the northbound database answered the read with an "
				       "unexpected shape; is it OVN_Northbound?");
	plan->ops = json_array();
	if (!plan->ops)
		return oom();
	for (size_t k = 0; r == 0 && want && k < want->n_networks; k++) {
		const struct hn_ovn_network *n = &want->networks[k];
		const json_t *found = NULL;

		plan->seen[k].want = n;
		d.cur = n->name;
		json_array_foreach (d.switches, i, ls) {
			if (strcmp(str(ls, "name") ?: "", n->name) != 0)
				continue;
			if (found || !owned(ls))
				return hn_err(
				    -EEXIST,
				    "ovn.networks.%s: a logical switch %s exists that "
				    "hostnet did not create; rename the network, or remove "
				    "that switch (ovn-nbctl ls-del)",
				    n->name, n->name);
			found = ls;
		}
		plan->seen[k].exists = found != NULL;
		r = found ? converge_switch(&d, found, n, &plan->seen[k]) : create_switch(&d, n);
	}
	json_array_foreach (d.switches, i, ls) {
		d.cur = str(ls, "name");
		if (r == 0 && owned(ls) && !wanted(&d, d.cur))
			r = remove_switch(&d, ls);
	}
	return r;
}

void hn_ovn_plan_free(struct hn_ovn_plan *plan)
{
	free(plan->v);
	free(plan->seen);
	json_decref(plan->ops);
	memset(plan, 0, sizeof(*plan));
}
