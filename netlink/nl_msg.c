// SPDX-License-Identifier: GPL-2.0-or-later
/* Building rtnetlink requests: a link set up, addresses and routes added and removed. */
#include "nl_msg.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <string.h>

/* Flags of a removed address worth giving back when the removal is undone; the others are
 * the kernel's own bookkeeping (secondary, permanent) or IPv6 only. */
#define RESTORED_ADDR_FLAGS (IFA_F_NOPREFIXROUTE | IFA_F_NODAD)

struct nl_msg *hn_nl_msg_link(int ifindex, bool up, unsigned mtu)
{
	struct ifinfomsg ifi = {
	    .ifi_family = AF_UNSPEC,
	    .ifi_index = ifindex,
	    .ifi_flags = up ? IFF_UP : 0,
	    .ifi_change = IFF_UP,
	};
	_cleanup_(hn_nl_msg_freep) struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);

	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (mtu && nla_put_u32(msg, IFLA_MTU, mtu) < 0))
		return NULL;
	return TAKE_PTR(msg);
}

/* What a new address of either family carries besides the address itself. */
static int put_new_addr(struct nl_msg *msg, const struct hn_nl_addr *a)
{
	int r = 0;

	if (a->flags & RESTORED_ADDR_FLAGS)
		r = nla_put_u32(msg, IFA_FLAGS, a->flags & RESTORED_ADDR_FLAGS);
	if (r == 0 && a->proto)
		r = nla_put_u8(msg, IFA_PROTO, a->proto);
	if (r == 0 && a->route_metric)
		r = nla_put_u32(msg, IFA_RT_PRIORITY, a->route_metric);
	return r;
}

/* An IPv6 address: IFA_ADDRESS alone, no broadcast, no label. */
static int put_addr6(struct nl_msg *msg, int type, const struct hn_nl_addr *a)
{
	int r = nla_put(msg, IFA_ADDRESS, 16, &a->local6);

	return r == 0 && type == RTM_NEWADDR ? put_new_addr(msg, a) : r;
}

struct nl_msg *hn_nl_msg_addr(int type, const struct hn_nl_addr *a)
{
	struct ifaddrmsg ifa = {
	    .ifa_family = a->family == AF_INET6 ? AF_INET6 : AF_INET,
	    .ifa_prefixlen = a->prefixlen,
	    .ifa_scope = type == RTM_NEWADDR ? a->scope : 0,
	    .ifa_index = (unsigned)a->ifindex,
	};
	int flags = type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0;
	_cleanup_(hn_nl_msg_freep) struct nl_msg *msg = nlmsg_alloc_simple(type, flags);
	int r;

	if (!msg)
		return NULL;
	r = nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO);
	if (a->family == AF_INET6)
		return r == 0 && put_addr6(msg, type, a) == 0 ? TAKE_PTR(msg) : NULL;
	if (r == 0)
		r = nla_put(msg, IFA_LOCAL, 4, &a->local);
	if (r == 0)
		r = nla_put(msg, IFA_ADDRESS, 4, &a->address);
	if (type == RTM_NEWADDR) {
		if (r == 0 && a->has_broadcast)
			r = nla_put(msg, IFA_BROADCAST, 4, &a->broadcast);
		if (r == 0 && a->label[0])
			r = nla_put_string(msg, IFA_LABEL, a->label);
		if (r == 0)
			r = put_new_addr(msg, a);
	}
	return r < 0 ? NULL : TAKE_PTR(msg);
}

struct nl_msg *hn_nl_msg_route(int type, int flags, const struct hn_nl_route *r)
{
	bool v6 = r->family == AF_INET6;
	struct rtmsg rtm = {
	    .rtm_family = v6 ? AF_INET6 : AF_INET,
	    .rtm_dst_len = r->dst_len,
	    .rtm_tos = r->tos,
	    .rtm_table = r->table < 256 ? (unsigned char)r->table : RT_TABLE_UNSPEC,
	    .rtm_protocol = r->protocol,
	    /* A removal matches any scope: the route was read, not guessed. */
	    .rtm_scope = type == RTM_DELROUTE ? RT_SCOPE_NOWHERE : r->scope,
	    .rtm_type = r->type,
	    .rtm_flags = type == RTM_NEWROUTE && r->onlink ? RTNH_F_ONLINK : 0,
	};
	_cleanup_(hn_nl_msg_freep) struct nl_msg *msg = nlmsg_alloc_simple(type, flags);
	int e;

	if (!msg)
		return NULL;
	e = nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO);
	if (e == 0)
		e = nla_put_u32(msg, RTA_TABLE, r->table);
	if (e == 0 && r->dst_len)
		e = v6 ? nla_put(msg, RTA_DST, 16, &r->dst6) : nla_put(msg, RTA_DST, 4, &r->dst);
	if (e == 0 && r->oif)
		e = nla_put_u32(msg, RTA_OIF, (uint32_t)r->oif);
	if (e == 0 && r->has_gateway)
		e = v6 ? nla_put(msg, RTA_GATEWAY, 16, &r->gateway6)
		       : nla_put(msg, RTA_GATEWAY, 4, &r->gateway);
	if (e == 0 && r->priority)
		e = nla_put_u32(msg, RTA_PRIORITY, r->priority);
	if (e == 0 && r->has_prefsrc && !v6)
		e = nla_put(msg, RTA_PREFSRC, 4, &r->prefsrc);
	return e < 0 ? NULL : TAKE_PTR(msg);
}
