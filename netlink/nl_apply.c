// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Applying netlink actions. Interfaces are looked up by name here, not at diff time: a
 * bridge's own port is created by the OVS backend in the same `up`, after the diff. What
 * undoing an action needs (the old link state, the ifindex used) is kept in the change.
 */
#include "nl_apply.h"
#include "error.h"
#include "nl_io.h"
#include "nl_msg.h"
#include "nl_neigh.h"
#include "nl_sysctl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define WHY_LEN 256

/* "brint: " or, for a route without a device, nothing. */
static const char *who(const struct hn_nl_change *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", c->ifname, c->ifname[0] ? ": " : "");
	return buf;
}

static int resolve(struct nl_sock *sk, const char *ifname, struct hn_nl_link *l)
{
	int r = hn_nl_get_link(sk, ifname, l);

	if (r == -ENODEV)
		return hn_err(r,
			      "%s: no such interface; it must exist before its addresses and "
			      "routes are set (a bridge's own port is created by the OVS backend)",
			      ifname);
	if (r < 0)
		return hn_err(r, "%s: cannot look the interface up: %s", ifname, strerror(-r));
	return 0;
}

/* buf: at least HN_PREFIX6_STRLEN. */
static const char *prefix_of(const struct hn_nl_addr *a, char *buf)
{
	struct hn_prefix p = {a->local, a->prefixlen};
	struct hn_prefix6 p6 = {a->local6, a->prefixlen};

	return a->family == AF_INET6 ? hn_prefix6_format(&p6, buf) : hn_prefix_format(&p, buf);
}

/* Send msg; on failure record "<ifname>: <verb> <what>: <reason>", and unreachable_hint
 * after it when the kernel said "Network is unreachable". */
static int request(struct nl_sock *sk, struct nl_msg *msg, const struct hn_nl_change *c,
		   const char *verb, const char *what, const char *unreachable_hint)
{
	char why[WHY_LEN], w[IFNAMSIZ + 2];
	int r;

	if (!msg)
		return hn_err(-ENOMEM, "%s%s %s: out of memory", who(c, w, sizeof(w)), verb, what);
	r = hn_nl_talk(sk, msg, why, sizeof(why));
	if (r < 0)
		return hn_err(r, "%s%s %s: %s%s", who(c, w, sizeof(w)), verb, what, why,
			      r == -ENETUNREACH && unreachable_hint ? unreachable_hint : "");
	return 0;
}

/* The ARP hygiene, the knobs' values before it kept for undo (read now: a link made by this
 * run did not exist when the plan was made). */
static int apply_arp(struct hn_nl_change *c)
{
	int r = hn_nl_sysctl_read(c->ifname, "arp_ignore", &c->old_arp_ignore);

	if (r == 0)
		r = hn_nl_sysctl_read(c->ifname, "arp_announce", &c->old_arp_announce);
	if (r == -ENODEV)
		return hn_err(r, "%s: set arp_ignore: no such interface", c->ifname);
	if (r < 0)
		return r;
	r = hn_nl_sysctl_write(c->ifname, "arp_ignore", HN_NL_ARP_IGNORE);
	if (r == 0) {
		c->arp_set = true; /* from here on, undo writes both back */
		r = hn_nl_sysctl_write(c->ifname, "arp_announce", HN_NL_ARP_ANNOUNCE);
	}
	return r;
}

static int apply_link(struct nl_sock *sk, struct hn_nl_change *c)
{
	struct hn_nl_link l;
	unsigned mtu;
	char what[32] = "up";
	int r = resolve(sk, c->ifname, &l);

	if (r < 0)
		return r;
	c->ifindex = l.ifindex;
	c->old_link_up = l.flags & IFF_UP;
	c->old_mtu = l.mtu;
	mtu = c->mtu && c->mtu != l.mtu ? c->mtu : 0;
	if (mtu)
		snprintf(what, sizeof(what), "up, mtu %u", mtu);
	if (c->up || mtu) {
		r = request(sk, hn_nl_msg_link(l.ifindex, true, mtu), c, "set", what, NULL);
		if (r < 0)
			return r;
		c->link_set = true;
	}
	if (c->arp && (r = apply_arp(c)) < 0) {
		/* A failed action changed nothing: take back what it did. */
		struct hn_error later;

		hn_err_push(&later);
		hn_nl_undo_change(sk, c);
		hn_err_pop(&later);
		return r;
	}
	return 0;
}

static int apply_addr(struct nl_sock *sk, struct hn_nl_change *c)
{
	struct hn_nl_addr a = c->addr;
	char pfx[HN_PREFIX6_STRLEN];
	struct hn_nl_link l;
	int r;

	prefix_of(&a, pfx);
	if (c->op == HN_OP_REMOVE) {
		char why[WHY_LEN], w[IFNAMSIZ + 2];

		c->ifindex = a.ifindex;
		r = hn_nl_talk(sk, hn_nl_msg_addr(RTM_DELADDR, &a), why, sizeof(why));
		if (r == -EADDRNOTAVAIL || r == -ENODEV) {
			/* Removed since the read, or its interface was: nothing to restore. */
			c->already_gone = true;
			return 0;
		}
		if (r < 0)
			return hn_err(r, "%sremove %s: %s", who(c, w, sizeof(w)), pfx, why);
		return 0;
	}
	r = resolve(sk, c->ifname, &l);
	if (r < 0)
		return r;
	c->ifindex = a.ifindex = l.ifindex;
	return request(sk, hn_nl_msg_addr(RTM_NEWADDR, &a), c, "add", pfx, NULL);
}

/* The route's gateway as its family keeps it (family 0 is IPv4, as in nl_state.h). */
static const void *gw_of(const struct hn_nl_route *rt)
{
	return rt->family == AF_INET6 ? (const void *)&rt->gateway6 : (const void *)&rt->gateway;
}

static int apply_route(struct nl_sock *sk, struct hn_nl_change *c)
{
	struct hn_nl_route rt = c->route;
	char what[HN_NL_ROUTE_STRLEN + 8], hint[128] = "", gw[INET6_ADDRSTRLEN];
	struct hn_nl_link l;
	int r, flags;

	if (c->op == HN_OP_REMOVE) {
		char why[WHY_LEN], w[IFNAMSIZ + 2];

		snprintf(what, sizeof(what), "route ");
		hn_nl_route_format(&c->old, NULL, what + 6);
		c->ifindex = c->old.oif;
		r = hn_nl_talk(sk, hn_nl_msg_route(RTM_DELROUTE, 0, &c->old), why, sizeof(why));
		if (r == -ESRCH || r == -ENODEV) {
			c->already_gone = true;
			return 0;
		}
		if (r < 0)
			return hn_err(r, "%sremove %s: %s", who(c, w, sizeof(w)), what, why);
		return 0;
	}
	r = resolve(sk, c->ifname, &l);
	if (r < 0)
		return r;
	c->ifindex = rt.oif = l.ifindex;
	snprintf(what, sizeof(what), "route ");
	hn_nl_route_format(&rt, NULL, what + 6);
	/* The kernel says "Nexthop has invalid gateway": say what to look at. */
	if (rt.has_gateway)
		snprintf(hint, sizeof(hint), ": the gateway %s is on no subnet of %s",
			 rt.family == AF_INET6 ? inet_ntop(AF_INET6, &rt.gateway6, gw, sizeof(gw))
					       : inet_ntop(AF_INET, &rt.gateway, gw, sizeof(gw)),
			 c->ifname);
	flags = NLM_F_CREATE | (c->op == HN_OP_CHANGE ? NLM_F_REPLACE : NLM_F_EXCL);
	if (rt.has_gateway && c->op == HN_OP_CHANGE)
		hn_nl_neigh_carry(sk, rt.family == AF_INET6 ? AF_INET6 : AF_INET, gw_of(&rt),
				  c->old.oif, rt.oif);
	return request(sk, hn_nl_msg_route(RTM_NEWROUTE, flags, &rt), c,
		       c->op == HN_OP_CHANGE ? "replace" : "add", what, hint[0] ? hint : NULL);
}

int hn_nl_apply_change(struct nl_sock *sk, struct hn_nl_change *c)
{
	switch (c->kind) {
	case HN_NL_LINK:
		return apply_link(sk, c);
	case HN_NL_ADDR:
		return apply_addr(sk, c);
	case HN_NL_ROUTE:
		return apply_route(sk, c);
	}
	return hn_err(-EINVAL, "netlink: unknown action");
}

/* ---- undo ---- */

static int undo_talk(struct nl_sock *sk, struct nl_msg *msg, int fine, const char *what,
		     const struct hn_nl_change *c)
{
	char reason[WHY_LEN], w[IFNAMSIZ + 2];
	int r;

	if (!msg)
		return hn_err(-ENOMEM, "%sundo %s: out of memory", who(c, w, sizeof(w)), what);
	r = hn_nl_talk(sk, msg, reason, sizeof(reason));
	if (r == fine)
		return 0;
	if (r < 0)
		return hn_err(r, "%sundo %s: %s", who(c, w, sizeof(w)), what, reason);
	return r;
}

/* How long undo waits for a device to come back: the OVS undo that re-creates a bridge does
 * not wait for ovs-vswitchd (it may be what failed). */
#define DEVICE_BACK_MS 3000

/*
 * The device of what undo puts back, as it is now: found again by name (undoing `down`
 * re-creates the OVS bridges with new ifindexes) and set up again if it was up when read.
 * *ifindex is left alone when the change recorded no device.
 */
static int device_back(struct nl_sock *sk, const struct hn_nl_change *c, int *ifindex)
{
	struct timespec step = {0, 10 * 1000 * 1000};
	struct hn_nl_link l;
	int r, waited = 0;

	if (!c->old_ifname[0])
		return 0;
	while ((r = hn_nl_get_link(sk, c->old_ifname, &l)) == -ENODEV && waited < DEVICE_BACK_MS) {
		nanosleep(&step, NULL);
		waited += 10;
	}
	if (r < 0)
		return hn_err(r, "%s: undo: the interface is %s", c->old_ifname,
			      r == -ENODEV ? "gone" : strerror(-r));
	*ifindex = l.ifindex;
	if (c->old_up && !(l.flags & IFF_UP)) {
		r = undo_talk(sk, hn_nl_msg_link(l.ifindex, true, 0), 0, "set up", c);
		if (r < 0)
			return r;
	}
	return 0;
}

int hn_nl_undo_change(struct nl_sock *sk, const struct hn_nl_change *c)
{
	char what[HN_NL_ROUTE_STRLEN + 16];
	struct hn_nl_addr a = c->addr;
	struct hn_nl_route rt, old = c->old;
	int r;

	if (c->already_gone)
		return 0;
	switch (c->kind) {
	case HN_NL_LINK:
		r = 0;
		if (c->arp_set) {
			r = hn_nl_sysctl_write(c->ifname, "arp_ignore", c->old_arp_ignore);
			if (r == 0)
				r = hn_nl_sysctl_write(c->ifname, "arp_announce",
						       c->old_arp_announce);
			if (r == -ENODEV)
				r = 0; /* the interface is gone, its knobs with it */
		}
		if (!c->link_set)
			return r;
		snprintf(what, sizeof(what), "set %s", c->old_link_up ? "up" : "down");
		return undo_talk(sk,
				 hn_nl_msg_link(c->ifindex, c->old_link_up,
						c->mtu && c->mtu != c->old_mtu ? c->old_mtu : 0),
				 0, what, c)
			   ?: r;
	case HN_NL_ADDR:
		a.ifindex = c->ifindex;
		snprintf(what, sizeof(what), "%s ", c->op == HN_OP_CREATE ? "add" : "remove");
		prefix_of(&a, what + strlen(what));
		if (c->op == HN_OP_CREATE)
			return undo_talk(sk, hn_nl_msg_addr(RTM_DELADDR, &a), -EADDRNOTAVAIL, what,
					 c);
		if ((r = device_back(sk, c, &a.ifindex)) < 0)
			return r;
		return undo_talk(sk, hn_nl_msg_addr(RTM_NEWADDR, &a), -EEXIST, what, c);
	case HN_NL_ROUTE:
		snprintf(what, sizeof(what), "%s route ",
			 c->op == HN_OP_CREATE	 ? "add"
			 : c->op == HN_OP_CHANGE ? "replace"
						 : "remove");
		if (c->op != HN_OP_CREATE && (r = device_back(sk, c, &old.oif)) < 0)
			return r;
		if (c->op == HN_OP_REMOVE) {
			hn_nl_route_format(&old, NULL, what + strlen(what));
			return undo_talk(
			    sk, hn_nl_msg_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &old),
			    -EEXIST, what, c);
		}
		rt = c->route;
		rt.oif = c->ifindex;
		hn_nl_route_format(&rt, NULL, what + strlen(what));
		if (c->op == HN_OP_CHANGE && old.has_gateway)
			hn_nl_neigh_carry(sk, old.family == AF_INET6 ? AF_INET6 : AF_INET,
					  gw_of(&old), c->ifindex, old.oif);
		if (c->op == HN_OP_CHANGE)
			return undo_talk(
			    sk, hn_nl_msg_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &old),
			    0, what, c);
		return undo_talk(sk, hn_nl_msg_route(RTM_DELROUTE, 0, &rt), -ESRCH, what, c);
	}
	return hn_err(-EINVAL, "netlink: unknown action");
}
