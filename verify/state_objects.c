// SPDX-License-Identifier: GPL-2.0-or-later
#include "state_objects.h"
#include "netlink.h"
#include "ovs.h"
#include "plan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* Appends an object; a name already there is skipped (the config may name an address
 * twice; the backends plan it once). Returns its index, or -ENOMEM. */
static ssize_t add(struct hn_state_objects *o, const char *name, const char *expected_fmt, ...)
    __attribute__((format(printf, 3, 4)));
static ssize_t add(struct hn_state_objects *o, const char *name, const char *expected_fmt, ...)
{
	struct hn_state_object *k;
	va_list ap;

	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].name, name) == 0)
			return (ssize_t)i;
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 16;
		struct hn_state_object *v = realloc(o->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		o->v = v;
		o->cap = cap;
	}
	k = &o->v[o->n];
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
	va_start(ap, expected_fmt);
	vsnprintf(k->expected, sizeof(k->expected), expected_fmt, ap);
	va_end(ap);
	return (ssize_t)o->n++;
}

/* ---- OVS (ovs/ovs_diff.c: "bridge B", "port B", "port P on B") ---- */

static void vlans_text(unsigned tag, bool has_trunks, const struct hn_vlanset *trunks, char *buf,
		       size_t len)
{
	char set[256];

	if (tag)
		snprintf(buf, len, "tag %u", tag);
	else if (has_trunks)
		snprintf(buf, len, "trunks %s", hn_vlanset_format(trunks, set, sizeof(set)));
	else
		snprintf(buf, len, "no tag");
}

static int derive_ovs(const struct hn_config *want, struct hn_state_objects *o)
{
	const char *dp = hn_ovs_datapath(want);
	char name[128], vlans[300];

	for (size_t i = 0; i < want->n_bridges; i++) {
		const struct hn_bridge *b = &want->bridges[i];
		const uint8_t *m = b->uplink_mac;

		snprintf(name, sizeof(name), "bridge %s", b->name);
		/* The diff checks other_config:hwaddr only once the uplink's MAC is known. */
		if ((b->has_uplink_mac &&
		     add(o, name, "datapath %s, hwaddr %02x:%02x:%02x:%02x:%02x:%02x (%s's)", dp,
			 m[0], m[1], m[2], m[3], m[4], m[5], b->uplink) < 0) ||
		    (!b->has_uplink_mac && add(o, name, "datapath %s", dp) < 0))
			return -ENOMEM;
		snprintf(name, sizeof(name), "port %s", b->name);
		vlans_text(b->tag, false, NULL, vlans, sizeof(vlans));
		if (add(o, name, "internal, %s", vlans) < 0)
			return -ENOMEM;
		if (b->uplink[0]) {
			snprintf(name, sizeof(name), "port %s on %s", b->uplink, b->name);
			if (add(o, name, "system, no tag (the uplink)") < 0)
				return -ENOMEM;
		}
		for (size_t k = 0; k < b->n_ports; k++) {
			const struct hn_port *p = &b->ports[k];

			snprintf(name, sizeof(name), "port %s on %s", p->name, b->name);
			vlans_text(p->tag, p->has_trunks, &p->trunks, vlans, sizeof(vlans));
			if (add(o, name, "%s, %s",
				p->type == HN_PORT_INTERNAL ? "internal" : "system", vlans) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* ---- netlink (netlink/nl_diff.c: "link B", "address P on B", "route R") ---- */

static ssize_t add_route(struct hn_state_objects *o, const struct hn_bridge *b,
			 const struct hn_route *rt)
{
	char rs[HN_NETLINK_ROUTE_STRLEN], name[HN_NETLINK_ROUTE_STRLEN + 8];

	snprintf(name, sizeof(name), "route %s", hn_netlink_route_text(rt, b->name, rs));
	return add(o, name, "present");
}

/* The address object of b whose prefix the kernel turns into route `to` by itself: index
 * + 1, or 0. */
static size_t address_bringing(const struct hn_state_objects *o, size_t first,
			       const struct hn_bridge *b, const struct hn_prefix *to)
{
	char pfx[HN_PREFIX_STRLEN], name[128];

	for (size_t i = 0; b->has_addresses && i < b->n_addresses; i++) {
		const struct hn_prefix *p = &b->addresses[i];

		if (!hn_netlink_prefix_route(p, to))
			continue;
		snprintf(name, sizeof(name), "address %s on %s", hn_prefix_format(p, pfx), b->name);
		for (size_t k = first; k < o->n; k++)
			if (strcmp(o->v[k].name, name) == 0)
				return k + 1;
	}
	return 0;
}

static int derive_netlink(const struct hn_config *want, struct hn_state_objects *o)
{
	char name[128], pfx[HN_PREFIX_STRLEN];

	for (size_t i = 0; i < want->n_bridges; i++) {
		const struct hn_bridge *b = &want->bridges[i];
		size_t first = o->n;
		ssize_t at;

		snprintf(name, sizeof(name), "link %s", b->name);
		if ((b->mtu && add(o, name, "up, mtu %u", b->mtu) < 0) ||
		    (!b->mtu && add(o, name, "up") < 0))
			return -ENOMEM;
		for (size_t k = 0; b->has_addresses && k < b->n_addresses; k++) {
			snprintf(name, sizeof(name), "address %s on %s",
				 hn_prefix_format(&b->addresses[k], pfx), b->name);
			if (add(o, name, "present") < 0)
				return -ENOMEM;
		}
		for (size_t k = 0; k < b->n_routes; k++) {
			const struct hn_route *rt = &b->routes[k];

			at = add_route(o, b, rt);
			if (at < 0)
				return -ENOMEM;
			if (!rt->has_via && !o->v[at].comes_with)
				o->v[at].comes_with = address_bringing(o, first, b, &rt->to);
		}
		if (b->has_gateway) {
			const struct hn_route dflt = {.has_via = true, .via = b->gateway};

			at = add_route(o, b, &dflt);
			if (at < 0)
				return -ENOMEM;
			snprintf(o->v[at].expected, sizeof(o->v[at].expected),
				 "present (the default route)");
		}
	}
	return 0;
}

/* ---- libvirt (virt/virt_backend.c: "network N") ---- */

static int derive_virt(const struct hn_config *want, struct hn_state_objects *o)
{
	char name[128];

	for (size_t i = 0; i < want->n_networks; i++) {
		const struct hn_network *n = &want->networks[i];
		char pgs[64];

		if (n->n_portgroups)
			snprintf(pgs, sizeof(pgs), "%zu portgroup%s as configured", n->n_portgroups,
				 n->n_portgroups == 1 ? "" : "s");
		else
			snprintf(pgs, sizeof(pgs), "no portgroup");
		snprintf(name, sizeof(name), "network %s", n->name);
		if (add(o, name, "defined, active, autostart, bridge %s (openvswitch), %s",
			n->bridge, pgs) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < want->n_undefine; i++) {
		snprintf(name, sizeof(name), "network %s", want->undefine[i]);
		if (add(o, name, "absent (libvirt.undefine)") < 0)
			return -ENOMEM;
	}
	return 0;
}

int hn_state_objects_derive(const struct hn_config *want, enum hn_layer layer,
			    struct hn_state_objects *out)
{
	if (!want)
		return 0;
	switch (layer) {
	case HN_LAYER_OVS:
		return derive_ovs(want, out);
	case HN_LAYER_NETLINK:
		return derive_netlink(want, out);
	case HN_LAYER_VIRT:
		return derive_virt(want, out);
	default:
		return 0;
	}
}

/* ---- the report ---- */

/*
 * What the backends write for one changed value, current -> desired: "tag 10 -> 99" into
 * expected "tag 99" and found "tag 10"; "absent -> up" into "up" and "absent". false for
 * anything else, which is quoted whole.
 */
static bool split_change(const char *detail, char *expected, char *found, size_t len)
{
	const char *arrow = strstr(detail, " -> "), *space = strchr(detail, ' ');

	if (!arrow || arrow == detail || strstr(arrow + 4, " -> ") || !arrow[4])
		return false;
	snprintf(found, len, "%.*s", (int)(arrow - detail), detail);
	if (space < arrow) /* a field name, then its value */
		snprintf(expected, len, "%.*s%s", (int)(space + 1 - detail), detail, arrow + 4);
	else
		snprintf(expected, len, "%s", arrow + 4);
	return true;
}

/* What one action says was found, for the line of the object it names. */
static void found_of(const struct hn_action *a, char *found, size_t len)
{
	char expected[HN_DETAIL_STRLEN], detail[HN_DETAIL_STRLEN];
	const char *semi;

	hn_action_detail(a, detail, sizeof(detail));

	switch (a->op) {
	case HN_OP_CREATE:
		snprintf(found, len, "missing");
		return;
	case HN_OP_REMOVE:
		snprintf(found, len, "present%s%s", detail[0] ? ": " : "", detail);
		return;
	case HN_OP_CHANGE:
	default:
		if (split_change(detail, expected, found, len))
			return;
		/* A libvirt network: "DIFFERENCES; STEPS", or the steps alone when it only
		 * needs starting or autostarting (virt_backend.c plan_ensure). */
		if (a->layer == HN_LAYER_VIRT && (semi = strstr(detail, "; ")))
			snprintf(found, len, "%.*s (`hostnet up` would %s)", (int)(semi - detail),
				 detail, semi + 2);
		else if (a->layer == HN_LAYER_VIRT)
			snprintf(found, len, "not as configured (`hostnet up` would %s)", detail);
		/* A route whose place holds another one (nl_diff.c: "replaces R"). */
		else if (strncmp(detail, "replaces ", 9) == 0)
			snprintf(found, len, "in its place: %s", detail + 9);
		else
			snprintf(found, len, "differs: %s", detail[0] ? detail : "(no detail)");
	}
}

/* An action no object of the config names: a line of its own. */
static int drift_check(const struct hn_action *a, struct hn_checks *out)
{
	char expected[HN_DETAIL_STRLEN], found[HN_DETAIL_STRLEN + 64], detail[HN_DETAIL_STRLEN];
	char object[HN_OBJECT_STRLEN];

	hn_action_detail(a, detail, sizeof(detail));
	hn_object_format(&a->obj, object, sizeof(object));

	switch (a->op) {
	case HN_OP_CREATE:
		return hn_checks_add(out, HN_CHECK_CRITICAL, object, "present as configured",
				     "missing%s%s", detail[0] ? ": " : "", detail);
	case HN_OP_REMOVE:
		return hn_checks_add(out, HN_CHECK_CRITICAL, object, "absent", "present%s%s",
				     detail[0] ? ": " : "", detail);
	case HN_OP_CHANGE:
	default:
		if (split_change(detail, expected, found, sizeof(expected)))
			return hn_checks_add(out, HN_CHECK_CRITICAL, object, expected, "%s", found);
		found_of(a, found, sizeof(found));
		return hn_checks_add(out, HN_CHECK_CRITICAL, object, "as configured", "%s", found);
	}
}

static struct hn_state_object *named(struct hn_state_objects *o, const char *object)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].name, object) == 0)
			return &o->v[i];
	return NULL;
}

/* Adds what a to its object's found text: "; " between the actions that name it. */
static int attribute(struct hn_state_object *k, const struct hn_action *a)
{
	char found[HN_DETAIL_STRLEN + 64];
	char *joined;

	found_of(a, found, sizeof(found));
	if (a->op == HN_OP_CREATE)
		k->missing = true;
	if (!k->found)
		joined = strdup(found);
	else if (asprintf(&joined, "%s; %s", k->found, found) < 0)
		joined = NULL;
	if (!joined)
		return -ENOMEM;
	free(k->found);
	k->found = joined;
	return 0;
}

int hn_state_objects_report(struct hn_state_objects *objs, const struct hn_plan *plan,
			    struct hn_checks *out)
{
	bool *matched = calloc(plan->n + 1, sizeof(*matched));
	int r = 0;

	if (!matched)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n && r == 0; i++) {
		char object[HN_OBJECT_STRLEN];
		struct hn_state_object *k =
		    named(objs, hn_object_format(&plan->actions[i]->obj, object, sizeof(object)));

		if (k) {
			r = attribute(k, plan->actions[i]);
			matched[i] = true;
		}
	}
	for (size_t i = 0; i < objs->n && r == 0; i++) {
		const struct hn_state_object *k = &objs->v[i];
		const struct hn_state_object *with =
		    k->comes_with ? &objs->v[k->comes_with - 1] : NULL;

		if (k->found)
			r = hn_checks_add(out, HN_CHECK_CRITICAL, k->name, k->expected, "%s",
					  k->found);
		else if (with && with->missing)
			r = hn_checks_add(out, HN_CHECK_UNKNOWN, k->name, k->expected,
					  "not told apart: the kernel adds it with %s, which is "
					  "missing",
					  with->name);
		else
			r = hn_checks_add(out, HN_CHECK_OK, k->name, k->expected, "%s",
					  strncmp(k->expected, "absent", 6) == 0 ? "absent"
										 : k->expected);
	}
	for (size_t i = 0; i < plan->n && r == 0; i++)
		if (!matched[i])
			r = drift_check(plan->actions[i], out);
	free(matched);
	return r;
}

void hn_state_objects_free(struct hn_state_objects *objs)
{
	for (size_t i = 0; i < objs->n; i++)
		free(objs->v[i].found);
	free(objs->v);
	memset(objs, 0, sizeof(*objs));
}
