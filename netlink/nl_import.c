// SPDX-License-Identifier: GPL-2.0-or-later
#include "nl_import.h"
#include "error.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The main table's default route through ifindex, with a gateway (the lowest metric), of
 * either family's list; not one a router advertisement made (the kernel keeps that one up
 * to date by itself). */
static const struct hn_nl_route *default_route(const struct hn_nl_route *v, size_t n, int ifindex)
{
	const struct hn_nl_route *best = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct hn_nl_route *r = &v[i];

		if (r->table != RT_TABLE_MAIN || r->dst_len != 0 || r->oif != ifindex ||
		    !r->has_gateway || r->multipath || r->type != RTN_UNICAST ||
		    r->protocol == RTPROT_RA)
			continue;
		if (!best || r->priority < best->priority)
			best = r;
	}
	return best;
}

/* The system port of b that carries the bridge's MAC: its index in b->ports, or -1. */
static long mac_port(const struct hn_nl_state *st, const struct hn_bridge *b,
		     const struct hn_nl_link *bl)
{
	for (size_t k = 0; bl->has_mac && k < b->n_ports; k++) {
		const struct hn_nl_link *pl = hn_nl_link_by_name(st, b->ports[k].name);

		if (b->ports[k].type == HN_PORT_SYSTEM && pl && pl->has_mac &&
		    memcmp(pl->mac, bl->mac, 6) == 0)
			return (long)k;
	}
	return -1;
}

static int addresses(const struct hn_nl_state *st, int ifindex, struct hn_prefix **v, size_t *n)
{
	for (size_t i = 0; i < st->n_addrs; i++) {
		const struct hn_nl_addr *a = &st->addrs[i];
		struct hn_prefix *p;

		if (a->ifindex != ifindex)
			continue;
		p = hn_array_add(v, n, sizeof(*p));
		if (!p)
			return hn_err(-ENOMEM, "out of memory");
		p->addr = a->local;
		p->len = a->prefixlen;
	}
	return 0;
}

/* The global IPv6 addresses someone gave ifindex. Link-local ones are the kernel's; those
 * that SLAAC or a temporary-address rule made come back by themselves and would be wrong as
 * static ones once the prefix changes, so they are noted and left out. */
static int addresses6(const struct hn_nl_state *st, const char *dev, int ifindex,
		      struct hn_prefix6 **v, size_t *n, struct hn_import *im)
{
	for (size_t i = 0; i < st->n_addrs6; i++) {
		const struct hn_nl_addr *a = &st->addrs6[i];
		struct hn_prefix6 *p;

		if (a->ifindex != ifindex || a->scope != RT_SCOPE_UNIVERSE)
			continue;
		if (!(a->flags & IFA_F_PERMANENT)) {
			struct hn_prefix6 q = {a->local6, a->prefixlen};
			char buf[HN_PREFIX6_STRLEN];
			int e = hn_import_note(im,
					       "address %s dev %s: learned from a router "
					       "advertisement (not permanent); left out",
					       hn_prefix6_format(&q, buf), dev);
			if (e < 0)
				return e;
			continue;
		}
		p = hn_array_add(v, n, sizeof(*p));
		if (!p)
			return hn_err(-ENOMEM, "out of memory");
		p->addr = a->local6;
		p->len = a->prefixlen;
	}
	return 0;
}

/* The routes of the main table through ifindex that someone added (not the kernel's prefix
 * routes), but skip (the uplink's default route, which `gateway:` says). */
static int routes(const struct hn_nl_state *st, const char *dev, int ifindex,
		  const struct hn_nl_route *skip, struct hn_route **v, size_t *n,
		  struct hn_import *im)
{
	for (size_t i = 0; i < st->n_routes; i++) {
		const struct hn_nl_route *r = &st->routes[i];
		char to[INET_ADDRSTRLEN];
		struct hn_route *w;

		if (r == skip || r->table != RT_TABLE_MAIN || r->oif != ifindex ||
		    r->protocol == RTPROT_KERNEL || r->type != RTN_UNICAST)
			continue;
		inet_ntop(AF_INET, &r->dst, to, sizeof(to));
		if (r->multipath || r->priority) {
			int e = hn_import_note(im,
					       "route %s/%u dev %s: %s: a config cannot say it; "
					       "left out",
					       to, r->dst_len, dev,
					       r->multipath ? "several next hops" : "a metric");
			if (e < 0)
				return e;
			continue;
		}
		w = hn_array_add(v, n, sizeof(*w));
		if (!w)
			return hn_err(-ENOMEM, "out of memory");
		w->to.addr = r->dst;
		w->to.len = r->dst_len;
		w->has_via = r->has_gateway;
		w->via = r->gateway;
	}
	return 0;
}

/* The same for IPv6. Every IPv6 route has a metric; the one `ip -6 route add` gives
 * (HN_NL_ROUTE6_METRIC) is what hostnet adds too, so only another one is noted. */
static int routes6(const struct hn_nl_state *st, const char *dev, int ifindex,
		   const struct hn_nl_route *skip, struct hn_route6 **v, size_t *n,
		   struct hn_import *im)
{
	for (size_t i = 0; i < st->n_routes6; i++) {
		const struct hn_nl_route *r = &st->routes6[i];
		struct hn_prefix6 to = {r->dst6, r->dst_len};
		char buf[HN_PREFIX6_STRLEN];
		const char *why = NULL;
		struct hn_route6 *w;

		if (r == skip || r->table != RT_TABLE_MAIN || r->oif != ifindex ||
		    r->protocol == RTPROT_KERNEL || r->type != RTN_UNICAST)
			continue;
		if (r->protocol == RTPROT_RA)
			why = "learned from a router advertisement";
		else if (r->multipath)
			why = "several next hops: a config cannot say it";
		else if (r->priority != HN_NL_ROUTE6_METRIC)
			why = "a metric: a config cannot say it";
		if (why) {
			int e = hn_import_note(im, "route %s dev %s: %s; left out",
					       hn_prefix6_format(&to, buf), dev, why);
			if (e < 0)
				return e;
			continue;
		}
		w = hn_array_add(v, n, sizeof(*w));
		if (!w)
			return hn_err(-ENOMEM, "out of memory");
		w->to = to;
		w->has_via = r->has_gateway;
		w->via = r->gateway6;
	}
	return 0;
}

/* Off when the knobs are not hostnet's: a config that says so plans nothing on them. */
static int hygiene(const struct hn_nl_state *st, const char *name, bool *off, struct hn_import *im)
{
	const struct hn_nl_link *l = hn_nl_link_by_name(st, name);

	if (!l)
		return 0;
	if (!l->has_arp ||
	    (l->arp_ignore == HN_NL_ARP_IGNORE && l->arp_announce == HN_NL_ARP_ANNOUNCE))
		return 0;
	*off = true;
	return hn_import_note(im,
			      "%s: arp_ignore %u, arp_announce %u: it answers ARP for any of the "
			      "host's addresses (a leak between VLANs); delete its "
			      "`arp_hygiene: false` for `up` to set 1 and 2",
			      name, l->arp_ignore, l->arp_announce);
}

/* A bond's member with the bridge's MAC goes first: the uplink whose MAC the bridge keeps. */
static void bond_mac_first(const struct hn_nl_state *st, struct hn_bridge *b,
			   const struct hn_nl_link *bl)
{
	for (size_t k = 1; bl->has_mac && k < b->n_bond; k++) {
		const struct hn_nl_link *ml = hn_nl_link_by_name(st, b->bond[k]);
		char first[IFNAMSIZ];

		if (!ml || !ml->has_mac || memcmp(ml->mac, bl->mac, 6) != 0)
			continue;
		memcpy(first, b->bond[0], IFNAMSIZ);
		memcpy(b->bond[0], b->bond[k], IFNAMSIZ);
		memcpy(b->bond[k], first, IFNAMSIZ);
		memcpy(b->uplink, b->bond[0], IFNAMSIZ);
		return;
	}
}

/* The bridge holds the uplink's default routes: its gateways say them. */
static void take_gateways(struct hn_bridge *b, const struct hn_nl_route *def,
			  const struct hn_nl_route *def6, const struct hn_nl_route **gw,
			  const struct hn_nl_route **gw6)
{
	b->has_addresses = true;
	if (def) {
		b->has_gateway = true;
		b->gateway = def->gateway;
		*gw = def;
	}
	if (def6) {
		b->has_gateway6 = true;
		b->gateway6 = def6->gateway6;
		*gw6 = def6;
	}
}

static int uplink(const struct hn_nl_state *st, struct hn_bridge *b, const struct hn_nl_link *bl,
		  const struct hn_nl_route **gw, const struct hn_nl_route **gw6,
		  struct hn_import *im)
{
	const struct hn_nl_route *def = default_route(st->routes, st->n_routes, bl->ifindex);
	const struct hn_nl_route *def6 = default_route(st->routes6, st->n_routes6, bl->ifindex);
	long k;

	*gw = *gw6 = NULL;
	if (b->n_bond) {
		/* The bond is the uplink (ovs_import.c): its routes and gateways are the bridge's.
		 */
		bond_mac_first(st, b, bl);
		if (def || def6)
			take_gateways(b, def, def6, gw, gw6);
		return 0;
	}
	k = mac_port(st, b, bl);
	if (!def && !def6)
		return 0;
	if (k < 0)
		return hn_import_note(im,
				      "bridge %s holds the default route but none of its ports "
				      "carries its MAC: no uplink said; the route is one of its "
				      "routes",
				      b->name);
	snprintf(b->uplink, sizeof(b->uplink), "%s", b->ports[k].name);
	memmove(&b->ports[k], &b->ports[k + 1], (b->n_ports - (size_t)k - 1) * sizeof(*b->ports));
	b->n_ports--;
	take_gateways(b, def, def6, gw, gw6);
	return 0;
}

static int bridge(const struct hn_nl_state *st, struct hn_bridge *b, struct hn_import *im)
{
	const struct hn_nl_link *bl = hn_nl_link_by_name(st, b->name);
	const struct hn_nl_route *gw = NULL, *gw6 = NULL;
	int r;

	if (!bl)
		return hn_import_note(im, "bridge %s has no interface in the kernel", b->name);
	r = uplink(st, b, bl, &gw, &gw6, im);
	if (r == 0)
		r = addresses(st, bl->ifindex, &b->addresses, &b->n_addresses);
	if (r == 0)
		r = addresses6(st, b->name, bl->ifindex, &b->addresses6, &b->n_addresses6, im);
	if (r == 0 && (b->n_addresses || b->n_addresses6))
		b->has_addresses = true;
	if (r == 0)
		r = routes(st, b->name, bl->ifindex, gw, &b->routes, &b->n_routes, im);
	if (r == 0)
		r = routes6(st, b->name, bl->ifindex, gw6, &b->routes6, &b->n_routes6, im);
	if (r == 0)
		r = hygiene(st, b->name, &b->arp_hygiene_off, im);
	for (size_t k = 0; r == 0 && k < b->n_ports; k++) {
		struct hn_port *p = &b->ports[k];
		const struct hn_nl_link *pl = hn_nl_link_by_name(st, p->name);

		if (p->type != HN_PORT_INTERNAL || !pl)
			continue;
		r = addresses(st, pl->ifindex, &p->addresses, &p->n_addresses);
		if (r == 0)
			r = addresses6(st, p->name, pl->ifindex, &p->addresses6, &p->n_addresses6,
				       im);
		if (r == 0)
			r = routes(st, p->name, pl->ifindex, NULL, &p->routes, &p->n_routes, im);
		if (r == 0)
			r = routes6(st, p->name, pl->ifindex, NULL, &p->routes6, &p->n_routes6, im);
		if (r == 0)
			r = hygiene(st, p->name, &p->arp_hygiene_off, im);
	}
	return r;
}

int hn_nl_import(const struct hn_nl_state *st, struct hn_import *im)
{
	for (size_t i = 0; i < im->config.n_bridges; i++) {
		int r = bridge(st, &im->config.bridges[i], im);

		if (r < 0)
			return r;
	}
	return 0;
}
