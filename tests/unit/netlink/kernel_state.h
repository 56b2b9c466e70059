/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's network state built by hand, as nl_io.c reads it (struct hn_nl_state), for the
 * unit tests of what reads it: the netlink diff, verify's state lines. Include after cmocka.h.
 */
#ifndef HOSTNET_TEST_KERNEL_STATE_H
#define HOSTNET_TEST_KERNEL_STATE_H

#include "model.h"
#include "nl_state.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

static inline struct in_addr ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static inline struct hn_prefix pfx(const char *s, unsigned len)
{
	return (struct hn_prefix){ip(s), (uint8_t)len};
}

/* A link with a MAC of its own: 52:54:00:00:00:<ifindex>, and its ARP knobs read as the ARP
 * hygiene sets them (arp_ignore 1, arp_announce 2; link_arp_ changes them). */
static inline void link_(struct hn_nl_state *s, int ifindex, const char *name, bool up,
			 unsigned mtu)
{
	struct hn_nl_link *l = hn_nl_state_add_link(s);

	assert_non_null(l);
	l->ifindex = ifindex;
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->flags = up ? IFF_UP : 0;
	l->mtu = mtu;
	l->has_mac = true;
	memcpy(l->mac, (uint8_t[]){0x52, 0x54, 0, 0, 0, (uint8_t)ifindex}, 6);
	l->has_arp = true;
	l->arp_ignore = HN_NL_ARP_IGNORE;
	l->arp_announce = HN_NL_ARP_ANNOUNCE;
}

/* The ARP knobs of link name as read; has false: not read. */
static inline void link_arp_(struct hn_nl_state *s, const char *name, bool has, unsigned ignore,
			     unsigned announce)
{
	struct hn_nl_link *l = hn_nl_link_by_name_mut(s, name);

	assert_non_null(l);
	l->has_arp = has;
	l->arp_ignore = ignore;
	l->arp_announce = announce;
}

/* An IPv4 address; proto is its IFA_PROTO (HN_NL_PROTO: hostnet's). */
static inline void addr_(struct hn_nl_state *s, int ifindex, const char *a, unsigned len,
			 uint8_t proto)
{
	struct hn_nl_addr *x = hn_nl_state_add_addr(s);

	assert_non_null(x);
	x->ifindex = ifindex;
	x->local = x->address = ip(a);
	x->prefixlen = (uint8_t)len;
	x->proto = proto;
}

/* A unicast route of the main table through oif (and via, when not NULL). */
static inline struct hn_nl_route *route_(struct hn_nl_state *s, const char *dst, unsigned len,
					 const char *via, int oif, uint8_t proto)
{
	struct hn_nl_route *r = hn_nl_state_add_route(s);

	assert_non_null(r);
	r->table = RT_TABLE_MAIN;
	r->dst = ip(dst);
	r->dst_len = (uint8_t)len;
	r->protocol = proto;
	r->type = RTN_UNICAST;
	r->scope = via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	r->oif = oif;
	if (via) {
		r->has_gateway = true;
		r->gateway = ip(via);
	}
	return r;
}

static inline struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* An IPv6 address, global unless it is link-local, permanent as `ip -6 addr add` makes it
 * (clear IFA_F_PERMANENT for one SLAAC made). */
static inline void addr6_(struct hn_nl_state *s, int ifindex, const char *a, unsigned len,
			  uint8_t proto)
{
	struct hn_nl_addr *x = hn_nl_state_add_addr6(s);

	assert_non_null(x);
	x->ifindex = ifindex;
	x->local6 = ip6(a);
	x->prefixlen = (uint8_t)len;
	x->scope = IN6_IS_ADDR_LINKLOCAL(&x->local6) ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	x->flags = IFA_F_PERMANENT;
	x->proto = proto;
}

/* An IPv6 unicast route of the main table, metric 1024 as `ip -6 route add` makes it. */
static inline struct hn_nl_route *route6_(struct hn_nl_state *s, const char *dst, unsigned len,
					  const char *via, int oif, uint8_t proto)
{
	struct hn_nl_route *r = hn_nl_state_add_route6(s);

	assert_non_null(r);
	r->table = RT_TABLE_MAIN;
	r->dst6 = ip6(dst);
	r->dst_len = (uint8_t)len;
	r->protocol = proto;
	r->type = RTN_UNICAST;
	r->scope = RT_SCOPE_UNIVERSE;
	r->priority = 1024;
	r->oif = oif;
	if (via) {
		r->has_gateway = true;
		r->gateway6 = ip6(via);
	}
	return r;
}

#endif
