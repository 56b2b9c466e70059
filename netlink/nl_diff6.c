// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The IPv6 part of the netlink diff, beside the IPv4 one of nl_diff.c and by the same rules:
 * each bridge's IPv6 addresses and routes (its default route through `gateway6`), the
 * uplink move of the NIC's global addresses and IPv6 default route (up: to the bridge, the
 * route in the SWITCH stage, the NIC's addresses leaving last; down: back), and what
 * hostnet added and no longer wants removed. Addresses an uplink move puts on an interface
 * carry IFA_F_NODAD: they are the same host's, and duplicate address detection would keep
 * them tentative (unusable) for a second or more while the host must answer at once.
 */
#include "error.h"
#include "netlink.h"
#include "nl_diff.h"
#include "nl_uplink.h"
#include "plan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct d6 {
	const struct hn_nl_state *cur;
	const struct hn_config *want; /* up; NULL on down */
	struct hn_plan *plan;
	bool *addr_kept;  /* per cur->addrs6 */
	bool *route_kept; /* per cur->routes6 */
};

static struct hn_action *last(struct d6 *d)
{
	return d->plan->actions[d->plan->n - 1];
}

static struct hn_nl_change *add(struct d6 *d, enum hn_nl_kind kind, enum hn_op op,
				const char *ifname, const struct hn_object *obj)
{
	return hn_nl_plan_add(d->plan, kind, op, ifname, obj);
}

static void remember(const struct d6 *d, struct hn_nl_change *c, int ifindex)
{
	hn_nl_remember(d->cur, c, ifindex);
}

static const char *name_of(const struct hn_nl_state *s, int ifindex, char *buf)
{
	return hn_nl_ifname(s, ifindex, buf);
}

static void addr_object(const struct in6_addr *a, unsigned len, const char *ifname,
			struct hn_object *obj)
{
	struct hn_prefix6 p = {*a, (uint8_t)len};
	char pfx[HN_PREFIX6_STRLEN];

	hn_object_set(obj, HN_KIND_ADDRESS, hn_prefix6_format(&p, pfx), ifname, NULL);
}

static void route_object(const struct hn_nl_route *r, const char *ifname, struct hn_object *obj)
{
	struct hn_prefix6 p = {r->dst6, r->dst_len};
	char dst[HN_PREFIX6_STRLEN], gw[INET6_ADDRSTRLEN] = "";

	if (r->has_gateway)
		inet_ntop(AF_INET6, &r->gateway6, gw, sizeof(gw));
	hn_object_set(obj, HN_KIND_ROUTE, hn_prefix6_format(&p, dst), ifname, gw);
	obj->multipath = r->multipath;
}

static bool same_in6(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static const struct hn_nl_link *uplink_of(const struct d6 *d, const struct hn_bridge *b)
{
	return b->uplink[0] ? hn_nl_link_by_name(d->cur, b->uplink) : NULL;
}

/* The address p/len on ifindex, as read: its index in cur->addrs6, or -1. */
static ssize_t held(const struct d6 *d, int ifindex, const struct in6_addr *p, unsigned len)
{
	for (size_t k = 0; k < d->cur->n_addrs6; k++) {
		const struct hn_nl_addr *a = &d->cur->addrs6[k];

		if (a->ifindex == ifindex && a->prefixlen == len && same_in6(&a->local6, p))
			return (ssize_t)k;
	}
	return -1;
}

static bool named_before(const struct hn_prefix6 *v, size_t upto, const struct hn_prefix6 *p)
{
	for (size_t i = 0; i < upto; i++)
		if (v[i].len == p->len && same_in6(&v[i].addr, &p->addr))
			return true;
	return false;
}

/* An address to add: hostnet's mark when on its bridge (mark), and on an uplink move's
 * interfaces no DAD (move) and, on the bridge, the prefix route behind the NIC's. */
static struct hn_nl_change *add_address(struct d6 *d, const struct hn_prefix6 *p,
					const char *ifname, bool mark, bool move)
{
	struct hn_nl_change *c;
	struct hn_object obj;

	addr_object(&p->addr, p->len, ifname, &obj);
	c = add(d, HN_NL_ADDR, HN_OP_CREATE, ifname, &obj);
	if (!c)
		return NULL;
	c->addr.family = AF_INET6;
	c->addr.local6 = p->addr;
	c->addr.prefixlen = p->len;
	c->addr.scope = RT_SCOPE_UNIVERSE;
	c->addr.flags = move ? IFA_F_NODAD : 0;
	c->addr.proto = mark ? HN_NL_PROTO : 0;
	c->addr.route_metric = mark && move ? HN_NL_UPLINK_BRIDGE_METRIC6 : 0;
	return c;
}

/* ---- up: the config's addresses on a bridge or an internal port ---- */

/* move: the bridge of an uplink move (its addresses come from the NIC: no DAD). */
static int diff_addresses(struct d6 *d, const char *ifname, const struct hn_prefix6 *v, size_t n,
			  bool move)
{
	const struct hn_nl_link *l = hn_nl_link_by_name(d->cur, ifname);

	for (size_t i = 0; i < n; i++) {
		const struct hn_prefix6 *p = &v[i];
		ssize_t k = l ? held(d, l->ifindex, &p->addr, p->len) : -1;
		struct hn_object obj;

		if (named_before(v, i, p))
			continue;
		addr_object(&p->addr, p->len, ifname, &obj);
		if (!hn_plan_observe(d->plan, &obj, k >= 0))
			return -ENOMEM;
		if (k >= 0) {
			d->addr_kept[k] = true;
			continue;
		}
		if (!add_address(d, p, ifname, true, move))
			return -ENOMEM;
	}
	return 0;
}

static int diff_interfaces(struct d6 *d, const struct hn_bridge *b)
{
	int r = diff_addresses(d, b->name, b->addresses6, b->n_addresses6, b->uplink[0] != '\0');

	for (size_t k = 0; r == 0 && k < b->n_ports; k++)
		r = diff_addresses(d, b->ports[k].name, b->ports[k].addresses6,
				   b->ports[k].n_addresses6, false);
	return r;
}

/* ---- up: routes ---- */

static bool owned_route(const struct hn_nl_route *r)
{
	return r->protocol == HN_NL_PROTO && r->type == RTN_UNICAST && !r->multipath &&
	       r->table == RT_TABLE_MAIN;
}

static bool same_slot(const struct hn_nl_route *a, const struct hn_nl_route *b)
{
	return a->table == b->table && a->dst_len == b->dst_len && same_in6(&a->dst6, &b->dst6) &&
	       a->priority == b->priority;
}

static bool same_path(const struct hn_nl_route *cur, const struct hn_nl_route *want, int ifindex)
{
	return !cur->multipath && cur->type == RTN_UNICAST && cur->oif == ifindex &&
	       cur->has_gateway == want->has_gateway &&
	       (!want->has_gateway || same_in6(&cur->gateway6, &want->gateway6));
}

static struct hn_nl_route want_route(const struct in6_addr *to, unsigned len, bool has_via,
				     const struct in6_addr *via)
{
	struct hn_nl_route r = {
	    .family = AF_INET6,
	    .dst6 = *to,
	    .dst_len = (uint8_t)len,
	    .table = RT_TABLE_MAIN,
	    .protocol = HN_NL_PROTO,
	    .scope = RT_SCOPE_UNIVERSE,
	    .type = RTN_UNICAST,
	    .priority = HN_NL_ROUTE6_METRIC,
	    .has_gateway = has_via,
	};

	if (has_via)
		r.gateway6 = *via;
	return r;
}

/* A route through ifname: a bridge (b, whose uplink move may take the NIC's default route)
 * or an internal port (b NULL). */
static int diff_route(struct d6 *d, const char *ifname, const struct hn_bridge *b,
		      const struct hn_nl_route *w)
{
	const struct hn_nl_link *l = hn_nl_link_by_name(d->cur, ifname);
	const struct hn_nl_link *u = b ? uplink_of(d, b) : NULL;
	char rs[HN_NL_ROUTE_STRLEN], os[HN_NL_ROUTE_STRLEN], name[IFNAMSIZ];
	ssize_t mine = -1, foreign = -1;
	struct hn_nl_change *c;
	struct hn_object obj;
	bool taken = false;

	hn_nl_route_format(w, ifname, rs);
	route_object(w, ifname, &obj);
	for (size_t i = 0; i < d->cur->n_routes6; i++) {
		const struct hn_nl_route *cr = &d->cur->routes6[i];

		if (!same_slot(cr, w))
			continue;
		if (l && same_path(cr, w, l->ifindex)) {
			d->route_kept[i] = true;
			return hn_plan_observe(d->plan, &obj, true) ? 0 : -ENOMEM;
		}
		if (owned_route(cr)) {
			if (!d->route_kept[i] && mine < 0)
				mine = (ssize_t)i;
		} else if (foreign < 0) {
			foreign = (ssize_t)i;
		}
	}
	if (foreign >= 0 && mine < 0 && u && w->dst_len == 0 &&
	    hn_bridge_is_uplink_nic(b, name_of(d->cur, d->cur->routes6[foreign].oif, name)) &&
	    !d->cur->routes6[foreign].multipath) {
		/* The uplink move: the NIC's IPv6 default route becomes the bridge's. */
		mine = foreign;
		foreign = -1;
		taken = true;
	}
	if (foreign >= 0) {
		const struct hn_nl_route *cr = &d->cur->routes6[foreign];

		return hn_err(-EEXIST,
			      "route %s: the main table already has %s (metric %u), which hostnet "
			      "did not add; remove it or change the config",
			      rs, hn_nl_route_format(cr, name_of(d->cur, cr->oif, name), os),
			      cr->priority);
	}
	if (!hn_plan_observe(d->plan, &obj, false))
		return -ENOMEM;
	c = add(d, HN_NL_ROUTE, mine >= 0 ? HN_OP_CHANGE : HN_OP_CREATE, ifname, &obj);
	if (!c)
		return -ENOMEM;
	c->route = *w;
	if (u && w->dst_len == 0)
		last(d)->stage = HN_STAGE_SWITCH;
	if (mine >= 0) {
		const struct hn_nl_route *cr = &d->cur->routes6[mine];

		d->route_kept[mine] = true;
		c->old = *cr;
		remember(d, c, cr->oif);
		hn_fields_add(&last(d)->fields, "instead", HN_SHOWN_REPLACED,
			      hn_nl_route_format(cr, name_of(d->cur, cr->oif, name), os), NULL);
		if (taken)
			hn_action_remark(last(d), "(not hostnet's; the uplink move takes it)");
	}
	return 0;
}

/* The routes of one interface that go through a gateway (via) or not. */
static int diff_route_list(struct d6 *d, const char *ifname, const struct hn_bridge *b,
			   const struct hn_route6 *v, size_t n, bool via)
{
	for (size_t k = 0; k < n; k++) {
		struct hn_nl_route w;
		int r;

		if (v[k].has_via != via)
			continue;
		w = want_route(&v[k].to.addr, v[k].to.len, v[k].has_via, &v[k].via);
		if ((r = diff_route(d, ifname, b, &w)) < 0)
			return r;
	}
	return 0;
}

/* Routes through the device first, then through gateways, then the default routes. */
static int diff_routes(struct d6 *d)
{
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < d->want->n_bridges; i++) {
			const struct hn_bridge *b = &d->want->bridges[i];
			struct hn_nl_route w;
			int r;

			if (pass == 2) {
				w = want_route(&in6addr_any, 0, true, &b->gateway6);
				if (b->has_gateway6 && (r = diff_route(d, b->name, b, &w)) < 0)
					return r;
				continue;
			}
			r = diff_route_list(d, b->name, b, b->routes6, b->n_routes6, pass == 1);
			for (size_t k = 0; r == 0 && k < b->n_ports; k++)
				r = diff_route_list(d, b->ports[k].name, NULL, b->ports[k].routes6,
						    b->ports[k].n_routes6, pass == 1);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ---- the uplink move ---- */

static bool bridge_takes(const struct hn_bridge *b, const struct hn_nl_addr *a)
{
	for (size_t i = 0; i < b->n_addresses6; i++)
		if (same_in6(&b->addresses6[i].addr, &a->local6))
			return true;
	return false;
}

/* up: the NIC's other IPv6 default routes, then the addresses the bridge holds now, leave
 * it: last (the SWITCH stage), as for IPv4. */
static int release_nic(struct d6 *d, const struct hn_bridge *b, const struct hn_nl_link *u)
{
	struct hn_nl_change *c;
	struct hn_object obj;

	for (size_t i = 0; u && i < d->cur->n_routes6; i++) {
		const struct hn_nl_route *cr = &d->cur->routes6[i];

		if (cr->oif != u->ifindex || cr->dst_len != 0 || d->route_kept[i])
			continue;
		route_object(cr, u->name, &obj);
		if (!(c = add(d, HN_NL_ROUTE, HN_OP_REMOVE, u->name, &obj)))
			return -ENOMEM;
		c->old = *cr;
		remember(d, c, cr->oif);
		last(d)->stage = HN_STAGE_SWITCH;
		hn_action_remark(last(d), "leaves with the uplink's address (not hostnet's; the "
					  "uplink move takes it)");
	}
	for (size_t i = 0; u && i < d->cur->n_addrs6; i++) {
		const struct hn_nl_addr *ca = &d->cur->addrs6[i];

		if (ca->ifindex != u->ifindex || !bridge_takes(b, ca))
			continue;
		addr_object(&ca->local6, ca->prefixlen, u->name, &obj);
		if (!(c = add(d, HN_NL_ADDR, HN_OP_REMOVE, u->name, &obj)))
			return -ENOMEM;
		c->addr = *ca;
		/* Given back by undo at once: DAD against our own copy on the bridge. */
		c->addr.flags |= IFA_F_NODAD;
		remember(d, c, ca->ifindex);
		last(d)->stage = HN_STAGE_SWITCH;
		hn_action_remark(last(d), "moved to %s (not hostnet's; the uplink move takes it)",
				 b->name);
	}
	return 0;
}

/* The uplink NIC, or each NIC of the bond. */
static int release(struct d6 *d, const struct hn_bridge *b)
{
	const struct hn_nl_link *nics[HN_BOND_MAX];
	size_t n = hn_nl_uplink_nics(d->cur, b, nics);
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++)
		r = release_nic(d, b, nics[i]);
	return r;
}

/* down: the NIC gets its IPv6 addresses and default route back while it is still the
 * bridge's port (the SWITCH stage), unmarked: they are the NIC's own again. */
static int give_back(struct d6 *d, const struct hn_bridge *b)
{
	const struct hn_nl_link *u = uplink_of(d, b);
	const struct hn_nl_link *l = hn_nl_link_by_name(d->cur, b->name);
	char rs[HN_NL_ROUTE_STRLEN];
	struct hn_nl_change *c;
	struct hn_object obj;

	if (!u || b->uplink_kept)
		return 0;
	for (size_t i = 0; i < b->n_addresses6; i++) {
		const struct hn_prefix6 *p = &b->addresses6[i];

		if (held(d, u->ifindex, &p->addr, p->len) >= 0 || named_before(b->addresses6, i, p))
			continue;
		if (!add_address(d, p, u->name, false, true))
			return -ENOMEM;
		last(d)->stage = HN_STAGE_SWITCH;
		hn_action_remark(last(d), "back from %s", b->name);
	}
	for (size_t i = 0; l && i < d->cur->n_routes6; i++) {
		const struct hn_nl_route *cr = &d->cur->routes6[i];

		if (!owned_route(cr) || cr->dst_len != 0 || cr->oif != l->ifindex ||
		    !cr->has_gateway || d->route_kept[i])
			continue;
		d->route_kept[i] = true;
		route_object(cr, u->name, &obj);
		if (!(c = add(d, HN_NL_ROUTE, HN_OP_CHANGE, u->name, &obj)))
			return -ENOMEM;
		c->old = *cr;
		remember(d, c, cr->oif);
		c->route = *cr;
		c->route.protocol = RTPROT_BOOT;
		c->route.oif = u->ifindex;
		hn_fields_add(&last(d)->fields, "instead", HN_SHOWN_NOT,
			      hn_nl_route_format(cr, l->name, rs), NULL);
		last(d)->stage = HN_STAGE_SWITCH;
		hn_action_remark(last(d), "back from %s", b->name);
	}
	return 0;
}

/* ---- what hostnet added and no longer wants ---- */

static int prune(struct d6 *d)
{
	char name[IFNAMSIZ];
	struct hn_nl_change *c;
	struct hn_object obj;

	for (size_t i = 0; i < d->cur->n_routes6; i++) {
		const struct hn_nl_route *cr = &d->cur->routes6[i];
		const char *ifname = name_of(d->cur, cr->oif, name);

		if (!owned_route(cr) || d->route_kept[i])
			continue;
		route_object(cr, ifname, &obj);
		if (!(c = add(d, HN_NL_ROUTE, HN_OP_REMOVE, ifname, &obj)))
			return -ENOMEM;
		c->old = *cr;
		remember(d, c, cr->oif);
	}
	for (size_t i = 0; i < d->cur->n_addrs6; i++) {
		const struct hn_nl_addr *ca = &d->cur->addrs6[i];
		const char *ifname = name_of(d->cur, ca->ifindex, name);

		if (ca->proto != HN_NL_PROTO || d->addr_kept[i])
			continue;
		addr_object(&ca->local6, ca->prefixlen, ifname, &obj);
		if (!(c = add(d, HN_NL_ADDR, HN_OP_REMOVE, ifname, &obj)))
			return -ENOMEM;
		c->addr = *ca;
		c->addr.flags |= IFA_F_NODAD;
		remember(d, c, ca->ifindex);
	}
	return 0;
}

int hn_nl_diff6(const struct hn_nl_state *cur, const struct hn_config *config, struct hn_plan *plan)
{
	const struct hn_config *down = config && config->down ? config : NULL;
	struct d6 d = {.cur = cur, .want = config && !config->down ? config : NULL, .plan = plan};
	int r = 0;

	d.addr_kept = calloc(cur->n_addrs6 + 1, sizeof(bool));
	d.route_kept = calloc(cur->n_routes6 + 1, sizeof(bool));
	if (!d.addr_kept || !d.route_kept)
		r = -ENOMEM;
	for (size_t i = 0; r == 0 && down && i < down->n_bridges; i++)
		r = give_back(&d, &down->bridges[i]);
	for (size_t i = 0; r == 0 && d.want && i < d.want->n_bridges; i++)
		r = diff_interfaces(&d, &d.want->bridges[i]);
	if (r == 0 && d.want)
		r = diff_routes(&d);
	if (r == 0)
		r = prune(&d);
	for (size_t i = 0; r == 0 && d.want && i < d.want->n_bridges; i++)
		r = release(&d, &d.want->bridges[i]);
	free(d.addr_kept);
	free(d.route_kept);
	return r;
}
