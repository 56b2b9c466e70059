// SPDX-License-Identifier: GPL-2.0-or-later
/* The read snapshot: growing its arrays, finding links, and the uplink facts of nl_uplink.h. */
#include "nl_uplink.h"
#include "error.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

void hn_nl_state_clear(struct hn_nl_state *s)
{
	free(s->links);
	free(s->addrs);
	free(s->routes);
	free(s->addrs6);
	free(s->routes6);
	memset(s, 0, sizeof(*s));
}

/* v with room for one more entry than n (cap updated), or NULL with v left as it was. */
static void *grow(void *v, size_t n, size_t *cap, size_t size)
{
	size_t ncap;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 16;
	v = realloc(v, ncap * size);
	if (v)
		*cap = ncap;
	return v;
}

#define APPEND(vec, n, cap)                                                                        \
	({                                                                                         \
		__typeof__(vec) v_ = grow((vec), (n), &(cap), sizeof(*(vec)));                     \
		if (v_) {                                                                          \
			(vec) = v_;                                                                \
			memset(&v_[n], 0, sizeof(*v_));                                            \
			v_ = &v_[(n)++];                                                           \
		}                                                                                  \
		v_;                                                                                \
	})

struct hn_nl_link *hn_nl_state_add_link(struct hn_nl_state *s)
{
	return APPEND(s->links, s->n_links, s->cap_links);
}

struct hn_nl_addr *hn_nl_state_add_addr(struct hn_nl_state *s)
{
	return APPEND(s->addrs, s->n_addrs, s->cap_addrs);
}

struct hn_nl_route *hn_nl_state_add_route(struct hn_nl_state *s)
{
	return APPEND(s->routes, s->n_routes, s->cap_routes);
}

struct hn_nl_addr *hn_nl_state_add_addr6(struct hn_nl_state *s)
{
	struct hn_nl_addr *a = APPEND(s->addrs6, s->n_addrs6, s->cap_addrs6);

	if (a)
		a->family = AF_INET6;
	return a;
}

struct hn_nl_route *hn_nl_state_add_route6(struct hn_nl_state *s)
{
	struct hn_nl_route *r = APPEND(s->routes6, s->n_routes6, s->cap_routes6);

	if (r)
		r->family = AF_INET6;
	return r;
}

struct hn_nl_link *hn_nl_link_by_name_mut(struct hn_nl_state *s, const char *name)
{
	for (size_t i = 0; i < s->n_links; i++)
		if (strcmp(s->links[i].name, name) == 0)
			return &s->links[i];
	return NULL;
}

const struct hn_nl_link *hn_nl_link_by_name(const struct hn_nl_state *s, const char *name)
{
	return hn_nl_link_by_name_mut((struct hn_nl_state *)s, name);
}

const struct hn_nl_link *hn_nl_link_by_index(const struct hn_nl_state *s, int ifindex)
{
	for (size_t i = 0; i < s->n_links; i++)
		if (s->links[i].ifindex == ifindex)
			return &s->links[i];
	return NULL;
}

static const struct hn_nl_link *need_link(const struct hn_nl_state *s, const char *ifname, int *err)
{
	const struct hn_nl_link *l = hn_nl_link_by_name(s, ifname);

	*err = l ? 0 : hn_err(-ENODEV, "%s: no such interface", ifname);
	return l;
}

int hn_nl_link_mac(const struct hn_nl_state *s, const char *ifname, uint8_t mac[6])
{
	int err;
	const struct hn_nl_link *l = need_link(s, ifname, &err);

	if (!l)
		return err;
	if (!l->has_mac)
		return hn_err(-ENOENT, "%s: the interface has no Ethernet address", ifname);
	memcpy(mac, l->mac, 6);
	return 0;
}

int hn_nl_link_ipv4(const struct hn_nl_state *s, const char *ifname, struct hn_prefix *out,
		    size_t max, size_t *n)
{
	int err;
	const struct hn_nl_link *l = need_link(s, ifname, &err);

	*n = 0;
	if (!l)
		return err;
	for (size_t i = 0; i < s->n_addrs; i++) {
		const struct hn_nl_addr *a = &s->addrs[i];

		if (a->ifindex != l->ifindex)
			continue;
		if (*n < max) {
			out[*n].addr = a->local;
			out[*n].len = a->prefixlen;
		}
		(*n)++;
	}
	return 0;
}

int hn_nl_default_gateway(const struct hn_nl_state *s, const char *ifname, struct in_addr *gw)
{
	const struct hn_nl_route *best = NULL;
	int err;
	const struct hn_nl_link *l = need_link(s, ifname, &err);

	if (!l)
		return err;
	for (size_t i = 0; i < s->n_routes; i++) {
		const struct hn_nl_route *r = &s->routes[i];

		if (r->table != RT_TABLE_MAIN || r->dst_len != 0 || r->type != RTN_UNICAST ||
		    r->multipath || !r->has_gateway || r->oif != l->ifindex)
			continue;
		if (!best || r->priority < best->priority)
			best = r;
	}
	if (!best)
		return hn_err(-ENOENT, "%s: no default route through it in the main table", ifname);
	*gw = best->gateway;
	return 0;
}

/* Kinds of link whose MAC is another device's, or may be: never the uplink NIC itself. */
static bool copies_a_mac(const char *kind)
{
	static const char *const kinds[] = {"vlan", "macvlan", "macvtap",     "ipvlan", "bond",
					    "team", "bridge",  "openvswitch", "tun",	NULL};

	for (size_t i = 0; kinds[i]; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

void hn_nl_nic_by_mac(const struct hn_nl_state *s, const uint8_t mac[6], const char *bridge,
		      const struct hn_nl_link **found, const struct hn_nl_link **also, unsigned *n)
{
	*found = *also = NULL;
	*n = 0;
	for (size_t i = 0; i < s->n_links; i++) {
		const struct hn_nl_link *l = &s->links[i];

		if (!l->has_mac || memcmp(l->mac, mac, 6) != 0 || strcmp(l->name, bridge) == 0 ||
		    copies_a_mac(l->kind))
			continue;
		if (!*found)
			*found = l;
		else if (!*also)
			*also = l;
		(*n)++;
	}
}

/* The global IPv6 addresses of ifindex and its IPv6 default gateway (lowest metric). */
static void link_ipv6(const struct hn_nl_state *s, int ifindex, struct hn_link_facts *out)
{
	const struct hn_nl_route *best = NULL;

	for (size_t i = 0; i < s->n_addrs6; i++) {
		const struct hn_nl_addr *a = &s->addrs6[i];

		if (a->ifindex != ifindex || a->scope != RT_SCOPE_UNIVERSE ||
		    (a->flags & IFA_F_TEMPORARY))
			continue;
		if (out->n_addrs6 < HN_LINK_ADDRS_MAX)
			out->addrs6[out->n_addrs6] =
			    (struct hn_prefix6){.addr = a->local6, .len = a->prefixlen};
		out->n_addrs6++;
	}
	for (size_t i = 0; i < s->n_routes6; i++) {
		const struct hn_nl_route *r = &s->routes6[i];

		if (r->table != RT_TABLE_MAIN || r->dst_len != 0 || r->type != RTN_UNICAST ||
		    r->multipath || !r->has_gateway || r->oif != ifindex)
			continue;
		if (!best || r->priority < best->priority)
			best = r;
	}
	out->has_gateway6 = best != NULL;
	if (best)
		out->gateway6 = best->gateway6;
}

void hn_nl_link_facts(const struct hn_nl_state *s, const char *ifname, struct hn_link_facts *out)
{
	const struct hn_nl_link *l = hn_nl_link_by_name(s, ifname);

	memset(out, 0, sizeof(*out));
	if (!l)
		return;
	out->exists = true;
	out->ifindex = l->ifindex;
	out->has_mac = hn_nl_link_mac(s, ifname, out->mac) == 0;
	hn_nl_link_ipv4(s, ifname, out->addrs, HN_LINK_ADDRS_MAX, &out->n_addrs);
	out->has_gateway = hn_nl_default_gateway(s, ifname, &out->gateway) == 0;
	link_ipv6(s, l->ifindex, out);
}

size_t hn_nl_uplink_nics(const struct hn_nl_state *s, const struct hn_bridge *b,
			 const struct hn_nl_link *out[HN_BOND_MAX])
{
	size_t n = 0;

	if (!b->n_bond && b->uplink[0] && (out[0] = hn_nl_link_by_name(s, b->uplink)))
		return 1;
	for (size_t i = 0; i < b->n_bond; i++)
		if ((out[n] = hn_nl_link_by_name(s, b->bond[i])))
			n++;
	return n;
}
