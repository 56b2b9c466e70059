// SPDX-License-Identifier: GPL-2.0-or-later
/* The netlink diff: what the config asks of each bridge's interface against what is there. */
#include "nl_diff.h"
#include "error.h"
#include "netlink.h"
#include "nl_uplink.h"
#include "plan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/*
 * One interface of the host the config gives IP settings or ARP hygiene: a bridge's own
 * port, or an internal port of a bridge. What the netlink diff asks of it.
 */
struct host_if {
	const char *name;
	const struct hn_bridge *bridge; /* the bridge, or the port's bridge */
	bool is_bridge;
	bool up;      /* hostnet sets it up: a bridge, a port with addresses or routes */
	unsigned mtu; /* 0: left alone */
	bool hygiene; /* arp_ignore 1, arp_announce 2 */
	const struct hn_prefix *addresses;
	size_t n_addresses;
	const struct hn_route *routes;
	size_t n_routes;
};

/* One route the config asks for, with the interface it goes through. */
struct want_route {
	const struct host_if *dev;
	struct hn_nl_route route;
};

struct diff {
	const struct hn_nl_state *cur;
	const struct hn_config *want;
	struct hn_plan *plan;
	bool *addr_kept;  /* per cur->addrs: the config names it */
	bool *route_kept; /* per cur->routes: the config names it, or a ~ action replaces it */
	struct host_if *ifs;
	size_t n_ifs;
	struct want_route *routes;
	size_t n_routes, cap_routes;
};

char *hn_nl_route_format(const struct hn_nl_route *r, const char *ifname, char *buf)
{
	char dst[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN + 5] = "";
	char dev[IFNAMSIZ + 5] = "";
	bool v6 = r->family == AF_INET6;

	inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? (const void *)&r->dst6 : &r->dst, dst, sizeof(dst));
	if (r->has_gateway) {
		memcpy(gw, " via ", 5);
		inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? (const void *)&r->gateway6 : &r->gateway,
			  gw + 5, sizeof(gw) - 5);
	}
	if (ifname && *ifname)
		snprintf(dev, sizeof(dev), " dev %s", ifname);
	snprintf(buf, HN_NL_ROUTE_STRLEN, "%s/%u%s%s%s", dst, r->dst_len, gw, dev,
		 r->multipath ? " (multipath)" : "");
	return buf;
}

/* Does the kernel add route `to` by itself with address a (on the address's link, with no
 * gateway)? The prefix route of an address /N, N < 32, is "prefix/N dev X scope link". */
static bool prefix_route(const struct hn_prefix *a, const struct hn_prefix *to)
{
	return to->len < 32 && a->len == to->len &&
	       (a->addr.s_addr & hn_prefix_mask(to->len)) == to->addr.s_addr;
}

const char *hn_nl_ifname(const struct hn_nl_state *s, int ifindex, char *buf)
{
	const struct hn_nl_link *l = hn_nl_link_by_index(s, ifindex);

	if (l)
		return l->name;
	if (ifindex == 0)
		return "";
	snprintf(buf, IFNAMSIZ, "if%d", ifindex);
	return buf;
}

/* ---- objects as data ---- */

static void route_object(const struct hn_nl_route *r, const char *ifname, struct hn_object *obj)
{
	char dst[INET_ADDRSTRLEN], name[INET_ADDRSTRLEN + 4], gw[INET_ADDRSTRLEN] = "";

	inet_ntop(AF_INET, &r->dst, dst, sizeof(dst));
	snprintf(name, sizeof(name), "%s/%u", dst, r->dst_len);
	if (r->has_gateway)
		inet_ntop(AF_INET, &r->gateway, gw, sizeof(gw));
	hn_object_set(obj, HN_KIND_ROUTE, name, ifname, gw);
	obj->multipath = r->multipath;
}

static void address_object(const struct hn_prefix *p, const char *ifname, struct hn_object *obj)
{
	char pfx[HN_PREFIX_STRLEN];

	hn_object_set(obj, HN_KIND_ADDRESS, hn_prefix_format(p, pfx), ifname, NULL);
}

static const char *ifname_of(const struct hn_nl_state *s, int ifindex, char *buf)
{
	return hn_nl_ifname(s, ifindex, buf);
}

static struct hn_nl_change *add_action(struct diff *d, enum hn_nl_kind kind, enum hn_op op,
				       const char *ifname, const struct hn_object *obj)
{
	return hn_nl_plan_add(d->plan, kind, op, ifname, obj);
}

struct hn_nl_change *hn_nl_plan_add(struct hn_plan *plan, enum hn_nl_kind kind, enum hn_op op,
				    const char *ifname, const struct hn_object *obj)
{
	struct hn_nl_change *c = calloc(1, sizeof(*c));
	struct hn_action *a;

	if (!c)
		return NULL;
	a = hn_plan_add(plan, op, obj);
	if (!a) {
		free(c);
		return NULL;
	}
	c->kind = kind;
	c->op = op;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	snprintf(a->iface, sizeof(a->iface), "%s", ifname);
	a->priv = c;
	return c;
}

static struct hn_action *last_action(struct diff *d)
{
	return d->plan->actions[d->plan->n - 1];
}

static void remember_device(const struct diff *d, struct hn_nl_change *c, int ifindex)
{
	hn_nl_remember(d->cur, c, ifindex);
}

void hn_nl_remember(const struct hn_nl_state *s, struct hn_nl_change *c, int ifindex)
{
	const struct hn_nl_link *l = hn_nl_link_by_index(s, ifindex);

	if (!l)
		return;
	snprintf(c->old_ifname, sizeof(c->old_ifname), "%s", l->name);
	c->old_up = l->flags & IFF_UP;
}

/* ---- links ---- */

static void put_uint(char *buf, size_t len, unsigned v)
{
	snprintf(buf, len, "%u", v);
}

/* The link as read: up or down, its MTU (which the config may leave alone) and its ARP
 * knobs (read and shown even where the hygiene is off, as the MTU is). */
static int observe_link(struct diff *d, const struct host_if *h, const struct hn_nl_link *l,
			const struct hn_object *obj)
{
	struct hn_observation *o = hn_plan_observe(d->plan, obj, l != NULL);
	char read[16], want[16], ign[16], ann[16];
	bool arp = l && l->has_arp;

	if (!o)
		return -ENOMEM;
	hn_fields_add(&o->fields, "state", HN_SHOWN_BARE,
		      l ? (l->flags & IFF_UP ? "up" : "down") : NULL, h->up ? "up" : NULL);
	if (l)
		put_uint(read, sizeof(read), l->mtu);
	if (h->mtu)
		put_uint(want, sizeof(want), h->mtu);
	if (l || h->mtu)
		hn_fields_add(&o->fields, "mtu", HN_SHOWN_NAMED, l ? read : NULL,
			      h->mtu ? want : NULL);
	if (arp) {
		put_uint(ign, sizeof(ign), l->arp_ignore);
		put_uint(ann, sizeof(ann), l->arp_announce);
	}
	if (arp || h->hygiene) {
		hn_fields_add(&o->fields, "arp_ignore", HN_SHOWN_NAMED, arp ? ign : NULL,
			      h->hygiene ? "1" : NULL);
		hn_fields_add(&o->fields, "arp_announce", HN_SHOWN_NAMED, arp ? ann : NULL,
			      h->hygiene ? "2" : NULL);
	}
	return 0;
}

/* ARP hygiene asked for and not (known to be) there. */
static bool arp_differs(const struct host_if *h, const struct hn_nl_link *l)
{
	return h->hygiene && (!l || !l->has_arp || l->arp_ignore != HN_NL_ARP_IGNORE ||
			      l->arp_announce != HN_NL_ARP_ANNOUNCE);
}

static int diff_link(struct diff *d, const struct host_if *h)
{
	const struct hn_nl_link *l = hn_nl_link_by_name(d->cur, h->name);
	char read[16], want[16];
	struct hn_fields f = {0};
	struct hn_nl_change *c;
	struct hn_object obj;
	bool arp = arp_differs(h, l);

	hn_object_set(&obj, HN_KIND_LINK, h->name, NULL, NULL);
	if (observe_link(d, h, l, &obj) < 0)
		return -ENOMEM;
	if (h->up && (!l || !(l->flags & IFF_UP)))
		hn_fields_add(&f, "state", HN_SHOWN_BARE, l ? "down" : "absent", "up");
	if (h->mtu && (!l || l->mtu != h->mtu)) {
		if (l)
			put_uint(read, sizeof(read), l->mtu);
		put_uint(want, sizeof(want), h->mtu);
		hn_fields_add(&f, "mtu", HN_SHOWN_NAMED, l ? read : NULL, want);
	}
	if (arp) {
		bool known = l && l->has_arp;

		if (known)
			put_uint(read, sizeof(read), l->arp_ignore);
		hn_fields_add(&f, "arp_ignore", HN_SHOWN_NAMED, known ? read : NULL, "1");
		if (known)
			put_uint(read, sizeof(read), l->arp_announce);
		hn_fields_add(&f, "arp_announce", HN_SHOWN_NAMED, known ? read : NULL, "2");
	}
	if (!f.n)
		return 0;
	c = add_action(d, HN_NL_LINK, HN_OP_CHANGE, h->name, &obj);
	if (!c)
		return -ENOMEM;
	c->up = h->up && (!l || !(l->flags & IFF_UP));
	c->mtu = h->mtu;
	c->arp = arp;
	last_action(d)->fields = f;
	return 0;
}

/* The uplink NIC, and each NIC of a bond, is set up when it is down: OVS makes it a port but
 * never sets a system interface up, and nothing else will once a rename (a kernel or
 * firmware update) has left ifupdown's stanza naming another interface, nor for a bond's
 * other members, which ifupdown does not configure. A NIC that is up is none of hostnet's
 * business: not observed, so verify and plan show it as before. */
static int uplink_up(struct diff *d, const struct hn_bridge *b)
{
	size_t n = b->n_bond ? b->n_bond : b->uplink[0] != '\0';

	for (size_t k = 0; k < n; k++) {
		const char *nic = b->n_bond ? b->bond[k] : b->uplink;
		const struct hn_nl_link *l = hn_nl_link_by_name(d->cur, nic);
		struct hn_fields f = {0};
		struct hn_nl_change *c;
		struct hn_object obj;

		if (!l || (l->flags & IFF_UP))
			continue;
		hn_object_set(&obj, HN_KIND_LINK, l->name, NULL, NULL);
		hn_fields_add(&f, "state", HN_SHOWN_BARE, "down", "up");
		c = add_action(d, HN_NL_LINK, HN_OP_CHANGE, l->name, &obj);
		if (!c)
			return -ENOMEM;
		c->up = true;
		last_action(d)->fields = f;
		hn_action_remark(last_action(d), "(%s of %s: OVS does not set it up)",
				 b->n_bond ? "in the bonded uplink" : "the uplink", b->name);
	}
	return 0;
}

/* ---- addresses ---- */

/* An address's IFA_PROTO (IFAPROT_*), as a reading. */
static const char *addr_proto_name(uint8_t proto, char *buf)
{
	static const char *const names[] = {"unspec", "kernel_lo", "kernel_ra", "kernel_ll"};

	if (proto < sizeof(names) / sizeof(names[0]))
		return names[proto];
	if (proto == HN_NL_PROTO)
		return "hostnet";
	snprintf(buf, 8, "%u", proto);
	return buf;
}

static bool addr_is(const struct hn_nl_addr *a, int ifindex, const struct hn_prefix *p)
{
	return a->ifindex == ifindex && a->local.s_addr == p->addr.s_addr && a->prefixlen == p->len;
}

/* The config names p earlier in the same list. */
static bool named_before(const struct hn_prefix *addrs, size_t upto, const struct hn_prefix *p)
{
	for (size_t i = 0; i < upto; i++)
		if (addrs[i].addr.s_addr == p->addr.s_addr && addrs[i].len == p->len)
			return true;
	return false;
}

/* The address is there (whoever added it): keep it. Else plan it. */
static int diff_addresses(struct diff *d, const struct host_if *h)
{
	const struct hn_nl_link *l = hn_nl_link_by_name(d->cur, h->name);

	for (size_t i = 0; i < h->n_addresses; i++) {
		const struct hn_prefix *p = &h->addresses[i];
		const struct hn_nl_addr *found = NULL;
		struct hn_observation *o;
		struct hn_nl_change *c;
		struct hn_object obj;
		char proto[16];

		if (named_before(h->addresses, i, p))
			continue; /* named twice */
		for (size_t k = 0; l && k < d->cur->n_addrs; k++) {
			if (addr_is(&d->cur->addrs[k], l->ifindex, p)) {
				d->addr_kept[k] = true;
				found = found ? found : &d->cur->addrs[k];
			}
		}
		address_object(p, h->name, &obj);
		o = hn_plan_observe(d->plan, &obj, found != NULL);
		if (!o)
			return -ENOMEM;
		/* Who added it: not compared (an address is kept whoever added it). The kernel
		 * sends IFA_PROTO only when it is set. */
		if (found && found->proto)
			hn_fields_add(&o->fields, "proto", HN_SHOWN_NAMED,
				      addr_proto_name(found->proto, proto), NULL);
		if (found)
			continue;
		c = add_action(d, HN_NL_ADDR, HN_OP_CREATE, h->name, &obj);
		if (!c)
			return -ENOMEM;
		c->addr.local = c->addr.address = p->addr;
		c->addr.prefixlen = p->len;
		c->addr.scope = RT_SCOPE_UNIVERSE;
		c->addr.proto = HN_NL_PROTO;
		if (h->is_bridge && h->bridge->uplink[0])
			c->addr.route_metric = HN_NL_UPLINK_BRIDGE_METRIC;
		/* The usual broadcast address: the host bits all set. */
		if (p->len <= 30) {
			c->addr.has_broadcast = true;
			c->addr.broadcast.s_addr = p->addr.s_addr | ~hn_prefix_mask(p->len);
		}
	}
	return 0;
}

/* The address this plan adds whose prefix route the kernel itself will add as r (an
 * address /N, N < 32, brings "prefix/N dev X scope link"): adding r too would fail with
 * "File exists". NULL: none. */
static const struct hn_action *route_comes_with_new_address(const struct diff *d,
							    const struct want_route *w)
{
	const struct hn_nl_route *r = &w->route;
	const struct hn_prefix to = {r->dst, r->dst_len};

	if (r->has_gateway)
		return NULL;
	for (size_t i = 0; i < d->plan->n; i++) {
		const struct hn_action *a = d->plan->actions[i];
		const struct hn_nl_change *c = a->priv;

		if (a->layer != HN_LAYER_NETLINK || !c || c->kind != HN_NL_ADDR ||
		    c->op != HN_OP_CREATE || strcmp(c->ifname, w->dev->name) != 0)
			continue;
		if (prefix_route(&(struct hn_prefix){c->addr.local, c->addr.prefixlen}, &to))
			return a;
	}
	return NULL;
}

/* ---- routes ---- */

/* Names of the protocols (RTPROT_*) a host's routes usually come from. */
static const char *proto_name(uint8_t proto, char *buf)
{
	static const char *const names[] = {
	    [RTPROT_REDIRECT] = "redirect", [RTPROT_KERNEL] = "kernel", [RTPROT_BOOT] = "boot",
	    [RTPROT_STATIC] = "static",	    [RTPROT_RA] = "ra",		[RTPROT_DHCP] = "dhcp",
	};

	if (proto < sizeof(names) / sizeof(names[0]) && names[proto])
		return names[proto];
	if (proto == HN_NL_PROTO)
		return "hostnet";
	snprintf(buf, 8, "%u", proto);
	return buf;
}

/* hostnet adds single-path unicast routes only: anything else with its number is not its. */
static bool owned_route(const struct hn_nl_route *r)
{
	return r->protocol == HN_NL_PROTO && r->type == RTN_UNICAST && !r->multipath &&
	       r->table == RT_TABLE_MAIN;
}

/* Same place in the kernel's FIB: one of them must go for the other to be added. */
static bool same_slot(const struct hn_nl_route *a, const struct hn_nl_route *b)
{
	return a->table == b->table && a->dst.s_addr == b->dst.s_addr && a->dst_len == b->dst_len &&
	       a->tos == b->tos && a->priority == b->priority;
}

static bool same_path(const struct hn_nl_route *cur, const struct hn_nl_route *want, int ifindex)
{
	return !cur->multipath && cur->type == RTN_UNICAST && cur->oif == ifindex &&
	       cur->has_gateway == want->has_gateway &&
	       (!want->has_gateway || cur->gateway.s_addr == want->gateway.s_addr);
}

static int want_route(struct diff *d, const struct host_if *h, struct in_addr to, unsigned len,
		      bool has_via, struct in_addr via)
{
	struct want_route *w;

	if (d->n_routes == d->cap_routes) {
		size_t cap = d->cap_routes ? d->cap_routes * 2 : 8;
		void *v = realloc(d->routes, cap * sizeof(*d->routes));

		if (!v)
			return -ENOMEM;
		d->routes = v;
		d->cap_routes = cap;
	}
	w = &d->routes[d->n_routes++];
	memset(w, 0, sizeof(*w));
	w->dev = h;
	w->route.table = RT_TABLE_MAIN;
	w->route.dst = to;
	w->route.dst_len = (uint8_t)len;
	w->route.protocol = HN_NL_PROTO;
	w->route.scope = has_via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	w->route.type = RTN_UNICAST;
	w->route.has_gateway = has_via;
	w->route.gateway = via;
	return 0;
}

/* Routes through a device first, then through gateways (whose gateway may be on-link only
 * thanks to a route of the first kind), then default routes. */
static int collect_routes(struct diff *d)
{
	enum { THROUGH_DEVICE, THROUGH_GATEWAY, DEFAULT_ROUTE };

	for (int pass = THROUGH_DEVICE; pass <= DEFAULT_ROUTE; pass++) {
		for (size_t i = 0; i < d->n_ifs; i++) {
			const struct host_if *h = &d->ifs[i];
			const struct hn_bridge *b = h->bridge;
			int r;

			if (pass == DEFAULT_ROUTE) {
				if (h->is_bridge && b->has_gateway &&
				    (r = want_route(d, h, (struct in_addr){0}, 0, true,
						    b->gateway)) < 0)
					return r;
				continue;
			}
			for (size_t k = 0; k < h->n_routes; k++) {
				const struct hn_route *rt = &h->routes[k];

				if (rt->has_via != (pass == THROUGH_GATEWAY))
					continue;
				r = want_route(d, h, rt->to.addr, rt->to.len, rt->has_via, rt->via);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

static bool uplink_route(const struct diff *d, const struct want_route *w,
			 const struct hn_nl_route *cr);

/* A route of the config as read: the route itself (cr, with who added it, which is not
 * compared), or nothing, or another route in its place. */
static int observe_route(struct diff *d, const struct hn_object *obj, const struct hn_nl_route *cr,
			 const struct hn_nl_route *instead)
{
	struct hn_observation *o = hn_plan_observe(d->plan, obj, cr != NULL);
	char buf[HN_NL_ROUTE_STRLEN], name[IFNAMSIZ];

	if (!o)
		return -ENOMEM;
	if (cr)
		hn_fields_add(&o->fields, "proto", HN_SHOWN_NAMED, proto_name(cr->protocol, buf),
			      NULL);
	if (instead)
		hn_fields_add(
		    &o->fields, "instead", HN_SHOWN_NAMED,
		    hn_nl_route_format(instead, ifname_of(d->cur, instead->oif, name), buf), NULL);
	return 0;
}

static int diff_route(struct diff *d, size_t wi)
{
	const struct want_route *w = &d->routes[wi];
	const struct hn_nl_link *l = hn_nl_link_by_name(d->cur, w->dev->name);
	int ifindex = l ? l->ifindex : 0;
	char rs[HN_NL_ROUTE_STRLEN], os[HN_NL_ROUTE_STRLEN], name[IFNAMSIZ];
	ssize_t mine = -1, foreign = -1;
	bool taken = false; /* a route hostnet did not add, taken over by the uplink move */
	const struct hn_action *with;
	struct hn_observation *o;
	struct hn_nl_change *c;
	struct hn_object obj;

	hn_nl_route_format(&w->route, w->dev->name, rs);
	route_object(&w->route, w->dev->name, &obj);
	for (size_t i = 0; i < wi; i++) {
		if (same_slot(&d->routes[i].route, &w->route))
			return hn_err(
			    -EEXIST,
			    "route %s: the config asks for %s/%u twice (on %s and on %s), "
			    "the main table has room for one",
			    rs, inet_ntop(AF_INET, &w->route.dst, os, sizeof(os)), w->route.dst_len,
			    d->routes[i].dev->name, w->dev->name);
	}
	for (size_t i = 0; i < d->cur->n_routes; i++) {
		const struct hn_nl_route *cr = &d->cur->routes[i];

		if (!same_slot(cr, &w->route))
			continue;
		if (l && same_path(cr, &w->route, ifindex)) {
			d->route_kept[i] = true;
			return observe_route(d, &obj, cr, NULL);
		}
		if (owned_route(cr)) {
			if (!d->route_kept[i] && mine < 0)
				mine = (ssize_t)i;
		} else if (foreign < 0) {
			foreign = (ssize_t)i;
		}
	}
	if (foreign >= 0 && mine < 0 && uplink_route(d, w, &d->cur->routes[foreign])) {
		/* The uplink move: eno1's default route becomes br0's, in one replace, so the
		 * host is never without one. Undo puts eno1's back as it was read. */
		mine = foreign;
		foreign = -1;
		taken = true;
	}
	if (foreign >= 0) {
		const struct hn_nl_route *cr = &d->cur->routes[foreign];
		char proto[8];

		return hn_err(-EEXIST,
			      "route %s: the main table already has %s (proto %s), which hostnet "
			      "did not add; remove it or change the config",
			      rs, hn_nl_route_format(cr, ifname_of(d->cur, cr->oif, name), os),
			      proto_name(cr->protocol, proto));
	}
	if (mine < 0 && (with = route_comes_with_new_address(d, w))) {
		char addr[HN_OBJECT_STRLEN];

		o = hn_plan_observe(d->plan, &obj, false);
		if (!o)
			return -ENOMEM;
		snprintf(o->unsure, sizeof(o->unsure),
			 "the kernel adds it with %s, which is missing",
			 hn_object_format(&with->obj, addr, sizeof(addr)));
		return 0;
	}
	if (observe_route(d, &obj, NULL, mine >= 0 ? &d->cur->routes[mine] : NULL) < 0)
		return -ENOMEM;
	c = add_action(d, HN_NL_ROUTE, mine >= 0 ? HN_OP_CHANGE : HN_OP_CREATE, w->dev->name, &obj);
	if (!c)
		return -ENOMEM;
	c->route = w->route;
	/* An uplink bridge's default route moves only once the NIC is on the bridge (backend.h):
	 * before, frames sent through the bridge go nowhere. */
	if (w->dev->is_bridge && w->dev->bridge->uplink[0] && w->route.dst_len == 0)
		last_action(d)->stage = HN_STAGE_SWITCH;
	if (mine >= 0) {
		const struct hn_nl_route *cr = &d->cur->routes[mine];

		d->route_kept[mine] = true;
		c->old = *cr;
		if (taken)
			c->route.onlink = cr->onlink; /* as the NIC's route had it */
		remember_device(d, c, cr->oif);
		hn_fields_add(&last_action(d)->fields, "instead", HN_SHOWN_REPLACED,
			      hn_nl_route_format(cr, ifname_of(d->cur, cr->oif, name), os), NULL);
		if (taken)
			hn_action_remark(last_action(d),
					 "(not hostnet's; the uplink move takes it)");
	}
	return 0;
}

/* ---- the uplink move (ARCHITECTURE.md, "Rules that keep a host alive") ---- */

static const struct hn_nl_link *uplink_of(const struct diff *d, const struct hn_bridge *b)
{
	return b->uplink[0] ? hn_nl_link_by_name(d->cur, b->uplink) : NULL;
}

/* Is ifindex b's uplink NIC, or a NIC of its bond? */
static bool uplink_index(const struct diff *d, const struct hn_bridge *b, int ifindex)
{
	char name[IFNAMSIZ];

	return b->uplink[0] && hn_bridge_is_uplink_nic(b, ifname_of(d->cur, ifindex, name));
}

/* cr, in the place of w, is the default route of w's bridge's uplink NIC (or of one of its
 * bond's: the move takes them all). */
static bool uplink_route(const struct diff *d, const struct want_route *w,
			 const struct hn_nl_route *cr)
{
	return w->dev->is_bridge && w->route.dst_len == 0 && !cr->multipath &&
	       cr->type == RTN_UNICAST && uplink_index(d, w->dev->bridge, cr->oif);
}

static bool bridge_takes(const struct hn_bridge *b, const struct hn_nl_addr *a)
{
	for (size_t i = 0; i < b->n_addresses; i++)
		if (b->addresses[i].addr.s_addr == a->local.s_addr)
			return true;
	return false;
}

/* up: the addresses the bridge now holds leave the NIC u. Last of all (the SWITCH stage,
 * after the route): the bridge has them, the NIC is its port and the default route goes
 * through it, so nothing the host answers on is lost. */
static int release_nic(struct diff *d, const struct hn_bridge *b, const struct hn_nl_link *u)
{
	/* Other default routes through the NIC (another metric, e.g. DHCP's): the kernel would
	 * flush them with the address; removing them first lets undo bring them back. */
	for (size_t i = 0; u && i < d->cur->n_routes; i++) {
		const struct hn_nl_route *cr = &d->cur->routes[i];
		struct hn_nl_change *c;
		struct hn_object obj;

		if (cr->oif != u->ifindex || cr->dst_len != 0 || d->route_kept[i] ||
		    cr->table != RT_TABLE_MAIN)
			continue;
		route_object(cr, u->name, &obj);
		c = add_action(d, HN_NL_ROUTE, HN_OP_REMOVE, u->name, &obj);
		if (!c)
			return -ENOMEM;
		c->old = *cr;
		remember_device(d, c, cr->oif);
		last_action(d)->stage = HN_STAGE_SWITCH;
		hn_action_remark(last_action(d),
				 "leaves with the uplink's address (not hostnet's; the uplink move "
				 "takes it)");
	}
	for (size_t i = 0; u && i < d->cur->n_addrs; i++) {
		const struct hn_nl_addr *ca = &d->cur->addrs[i];
		struct hn_prefix p = {ca->local, ca->prefixlen};
		struct hn_nl_change *c;
		struct hn_object obj;

		if (ca->ifindex != u->ifindex || !bridge_takes(b, ca))
			continue;
		address_object(&p, u->name, &obj);
		c = add_action(d, HN_NL_ADDR, HN_OP_REMOVE, u->name, &obj);
		if (!c)
			return -ENOMEM;
		c->addr = *ca;
		remember_device(d, c, ca->ifindex);
		last_action(d)->stage = HN_STAGE_SWITCH;
		hn_action_remark(last_action(d),
				 "moved to %s (not hostnet's; the uplink move takes it)", b->name);
	}
	return 0;
}

/* The uplink NIC, or each NIC of the bond (normally only the first holds addresses). */
static int uplink_release(struct diff *d, const struct hn_bridge *b)
{
	const struct hn_nl_link *nics[HN_BOND_MAX];
	size_t n = hn_nl_uplink_nics(d->cur, b, nics);
	int r = 0;

	for (size_t i = 0; r == 0 && i < n; i++)
		r = release_nic(d, b, nics[i]);
	return r;
}

/* down, on a bridge that stays with its NIC on it (hostnet did not create it): the bridge
 * keeps its addresses and default route, also those hostnet put there (a boot that finished
 * the move onto a bridge made by hand): with the NIC still its port, they are the host's only
 * way out. hostnet says so, since `down` usually gives them back. */
static int uplink_stays(struct diff *d, const struct hn_bridge *b, const struct hn_nl_link *l)
{
	char pfx[HN_PREFIX_STRLEN];
	bool noted = false;

	for (size_t i = 0; l && i < d->cur->n_routes; i++) {
		const struct hn_nl_route *cr = &d->cur->routes[i];

		if (cr->oif == l->ifindex && cr->dst_len == 0 && cr->has_gateway &&
		    cr->table == RT_TABLE_MAIN)
			d->route_kept[i] = true;
	}
	for (size_t i = 0; l && i < b->n_addresses; i++) {
		for (size_t k = 0; k < d->cur->n_addrs; k++) {
			if (!addr_is(&d->cur->addrs[k], l->ifindex, &b->addresses[i]))
				continue;
			d->addr_kept[k] = true;
			if (!noted &&
			    hn_plan_note(
				d->plan,
				"%s keeps %s and its uplink %s: hostnet did not create %s, "
				"so down leaves the uplink as it is (`ovs-vsctl "
				"br-set-external-id %s hostnet-owner hostnet` hands it over)",
				b->name, hn_prefix_format(&b->addresses[i], pfx), b->uplink,
				b->name, b->name) < 0)
				return -ENOMEM;
			noted = true;
		}
	}
	return 0;
}

/* down: the NIC gets back the bridge's addresses and default route (the SWITCH stage: while
 * it is still the bridge's port, which receives for it), before it leaves the bridge and
 * hostnet's own are removed from the bridge. The address is the NIC's again, so it carries
 * no mark. */
static int uplink_return(struct diff *d, const struct hn_bridge *b)
{
	const struct hn_nl_link *u = uplink_of(d, b);
	const struct hn_nl_link *l = hn_nl_link_by_name(d->cur, b->name);

	if (!u)
		return 0;
	if (b->uplink_kept)
		return uplink_stays(d, b, l);
	for (size_t i = 0; i < b->n_addresses; i++) {
		const struct hn_prefix *p = &b->addresses[i];
		struct hn_nl_change *c;
		struct hn_object obj;
		bool held = false;

		for (size_t k = 0; k < d->cur->n_addrs; k++)
			held |= addr_is(&d->cur->addrs[k], u->ifindex, p);
		if (held || named_before(b->addresses, i, p))
			continue;
		address_object(p, u->name, &obj);
		c = add_action(d, HN_NL_ADDR, HN_OP_CREATE, u->name, &obj);
		if (!c)
			return -ENOMEM;
		c->addr.local = c->addr.address = p->addr;
		c->addr.prefixlen = p->len;
		c->addr.scope = RT_SCOPE_UNIVERSE;
		if (p->len <= 30) {
			c->addr.has_broadcast = true;
			c->addr.broadcast.s_addr = p->addr.s_addr | ~hn_prefix_mask(p->len);
		}
		last_action(d)->stage = HN_STAGE_SWITCH;
		hn_action_remark(last_action(d), "back from %s", b->name);
	}
	for (size_t i = 0; l && i < d->cur->n_routes; i++) {
		const struct hn_nl_route *cr = &d->cur->routes[i];
		char rs[HN_NL_ROUTE_STRLEN];
		struct hn_nl_change *c;
		struct hn_object obj;

		if (!owned_route(cr) || cr->dst_len != 0 || cr->oif != l->ifindex ||
		    !cr->has_gateway || d->route_kept[i])
			continue;
		d->route_kept[i] = true;	 /* replaced, not removed */
		route_object(cr, u->name, &obj); /* the same route, through the NIC again */
		c = add_action(d, HN_NL_ROUTE, HN_OP_CHANGE, u->name, &obj);
		if (!c)
			return -ENOMEM;
		c->old = *cr;
		remember_device(d, c, cr->oif);
		c->route = *cr;
		c->route.protocol = RTPROT_BOOT; /* the NIC's own again, as `ip route add` makes */
		c->route.oif = u->ifindex;
		hn_fields_add(&last_action(d)->fields, "instead", HN_SHOWN_NOT,
			      hn_nl_route_format(cr, l->name, rs), NULL);
		last_action(d)->stage = HN_STAGE_SWITCH;
		hn_action_remark(last_action(d), "back from %s", b->name);
	}
	return 0;
}

/* The gateway is probed around any change to an uplink bridge or its NIC. */
static void mark_uplink_actions(struct diff *d, size_t first, const struct hn_config *c)
{
	for (size_t i = first; c && i < d->plan->n; i++) {
		struct hn_action *a = d->plan->actions[i];
		const struct hn_nl_change *ch = a->priv;

		for (size_t k = 0; k < c->n_bridges; k++) {
			const struct hn_bridge *b = &c->bridges[k];

			if (b->uplink[0] && (strcmp(ch->ifname, b->name) == 0 ||
					     hn_bridge_is_uplink_nic(b, ch->ifname)))
				a->uplink = true;
		}
	}
}

/* ---- what hostnet added and the config no longer names ---- */

static int prune_routes(struct diff *d)
{
	for (size_t i = 0; i < d->cur->n_routes; i++) {
		const struct hn_nl_route *cr = &d->cur->routes[i];
		char name[IFNAMSIZ];
		const char *ifname;
		struct hn_nl_change *c;
		struct hn_object obj;

		if (!owned_route(cr) || d->route_kept[i])
			continue;
		ifname = ifname_of(d->cur, cr->oif, name);
		route_object(cr, ifname, &obj);
		c = add_action(d, HN_NL_ROUTE, HN_OP_REMOVE, ifname, &obj);
		if (!c)
			return -ENOMEM;
		c->old = *cr;
		remember_device(d, c, cr->oif);
	}
	return 0;
}

static int prune_addresses(struct diff *d)
{
	for (size_t i = 0; i < d->cur->n_addrs; i++) {
		const struct hn_nl_addr *ca = &d->cur->addrs[i];
		struct hn_prefix p = {ca->local, ca->prefixlen};
		char name[IFNAMSIZ];
		const char *ifname;
		struct hn_nl_change *c;
		struct hn_object obj;

		if (ca->proto != HN_NL_PROTO || d->addr_kept[i])
			continue;
		ifname = ifname_of(d->cur, ca->ifindex, name);
		address_object(&p, ifname, &obj);
		c = add_action(d, HN_NL_ADDR, HN_OP_REMOVE, ifname, &obj);
		if (!c)
			return -ENOMEM;
		c->addr = *ca;
		remember_device(d, c, ca->ifindex);
	}
	return 0;
}

static int diff_all(struct diff *d, const struct hn_config *down)
{
	int r = 0;

	for (size_t i = 0; down && i < down->n_bridges && r == 0; i++)
		r = uplink_return(d, &down->bridges[i]);

	if (d->want) {
		for (size_t i = 0; i < d->n_ifs && r == 0; i++)
			r = diff_link(d, &d->ifs[i]);
		for (size_t i = 0; i < d->want->n_bridges && r == 0; i++)
			r = uplink_up(d, &d->want->bridges[i]);
		for (size_t i = 0; i < d->n_ifs && r == 0; i++)
			r = diff_addresses(d, &d->ifs[i]);
		if (r == 0)
			r = collect_routes(d);
		for (size_t i = 0; i < d->n_routes && r == 0; i++)
			r = diff_route(d, i);
	}
	if (r == 0)
		r = prune_routes(d);
	if (r == 0)
		r = prune_addresses(d);
	for (size_t i = 0; d->want && i < d->want->n_bridges && r == 0; i++)
		r = uplink_release(d, &d->want->bridges[i]);
	return r == 0 ? hn_nl_diff6(d->cur, down ? down : d->want, d->plan) : r;
}

/* The host's interfaces on the switch: every bridge's own port, then each internal port,
 * bridge after bridge (the uplink NICs: uplink_up). */
static int host_ifs(struct diff *d)
{
	const struct hn_config *c = d->want;
	size_t n = 0;

	for (size_t i = 0; c && i < c->n_bridges; i++)
		n += 1 + c->bridges[i].n_ports;
	d->ifs = calloc(n + 1, sizeof(*d->ifs));
	if (!d->ifs)
		return -ENOMEM;
	for (size_t i = 0; c && i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];

		d->ifs[d->n_ifs++] = (struct host_if){
		    .name = b->name,
		    .bridge = b,
		    .is_bridge = true,
		    .up = true,
		    .mtu = b->mtu,
		    .hygiene = !b->arp_hygiene_off,
		    .addresses = b->has_addresses ? b->addresses : NULL,
		    .n_addresses = b->has_addresses ? b->n_addresses : 0,
		    .routes = b->routes,
		    .n_routes = b->n_routes,
		};
	}
	for (size_t i = 0; c && i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];

		for (size_t k = 0; k < b->n_ports; k++) {
			const struct hn_port *p = &b->ports[k];
			bool ip = p->n_addresses || p->n_routes || p->n_addresses6 || p->n_routes6;

			/* One with nothing asked of it is still read, for verify to show. */
			if (p->type != HN_PORT_INTERNAL)
				continue;
			d->ifs[d->n_ifs++] = (struct host_if){
			    .name = p->name,
			    .bridge = b,
			    .up = ip,
			    .hygiene = hn_port_arp_hygiene(p),
			    .addresses = p->addresses,
			    .n_addresses = p->n_addresses,
			    .routes = p->routes,
			    .n_routes = p->n_routes,
			};
		}
	}
	return 0;
}

int hn_nl_diff(const struct hn_nl_state *cur, const struct hn_config *want, struct hn_plan *plan)
{
	/* `down` (want->down): the config is there for the uplink's sake; netlink removes
	 * what it owns, as with no config at all. */
	struct diff d = {.cur = cur, .want = want && !want->down ? want : NULL, .plan = plan};
	size_t first = plan->n, first_observed = plan->n_observed;
	int r;

	d.addr_kept = calloc(cur->n_addrs + 1, sizeof(bool));
	d.route_kept = calloc(cur->n_routes + 1, sizeof(bool));
	r = d.addr_kept && d.route_kept ? host_ifs(&d) : -ENOMEM;
	if (r == 0)
		r = diff_all(&d, want && want->down ? want : NULL);
	if (r == 0)
		mark_uplink_actions(&d, first, want);
	if (r == -ENOMEM)
		hn_err(r, "netlink: out of memory while computing the plan");
	if (r < 0) {
		/* Leave the plan as it was: a failed diff adds nothing. */
		for (size_t i = first; i < plan->n; i++) {
			free(plan->actions[i]->priv);
			free(plan->actions[i]);
		}
		plan->n = first;
		for (size_t i = first_observed; i < plan->n_observed; i++)
			free(plan->observed[i]);
		plan->n_observed = first_observed;
	}
	free(d.addr_kept);
	free(d.route_kept);
	free(d.ifs);
	free(d.routes);
	return r;
}
