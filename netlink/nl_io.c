// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Talking to the kernel: the read is a libnl-route cache dump of links and of routes, and a
 * dump of addresses parsed here (libnl 3.7's address object drops IFA_PROTO, the mark of
 * hostnet's addresses); every change is one request whose error comes back with the
 * kernel's own explanation.
 */
#include "nl_io.h"
#include "error.h"
#include "nl_msg.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

HN_DEFINE_CLEANUP(nl_socket_freep, struct nl_sock *, nl_socket_free)
HN_DEFINE_CLEANUP(nl_cb_putp, struct nl_cb *, nl_cb_put)
HN_DEFINE_CLEANUP(nl_cache_freep, struct nl_cache *, nl_cache_free)

/* A dump the kernel says was interrupted by a concurrent change is read again. */
#define DUMP_TRIES 5

/* libnl's own errors (-NLE_*) as an errno, for the few that are not the kernel's. */
static int nle_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN: /* SO_RCVTIMEO ran out */
		return -ETIMEDOUT;
	case NLE_DUMP_INTR:
		return -EINTR;
	default:
		return -EIO;
	}
}

int hn_nl_open(struct nl_sock **skp, int timeout_ms)
{
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	_cleanup_(nl_socket_freep) struct nl_sock *sk = nl_socket_alloc();
	int one = 1, r, fd;

	*skp = NULL;
	if (!sk)
		return hn_err(-ENOMEM, "netlink: out of memory");
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0)
		return hn_err(nle_errno(r), "netlink: cannot open a NETLINK_ROUTE socket: %s",
			      nl_geterror(r));
	fd = nl_socket_get_fd(sk);
	/* A dump bigger than a page is read whole rather than truncated. */
	nl_socket_enable_msg_peek(sk);
	/* The kernel's words for an error ("Nexthop has invalid gateway"), and no copy of
	 * our request in its answer. Old kernels refuse these: the errno alone then. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* The kernel always answers; the bound is against a bug of ours, not a hang of it. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	*skp = TAKE_PTR(sk);
	return 0;
}

void hn_nl_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

/* A copy of the socket's callbacks for one exchange, as libnl's own cache reads take: what
 * is set on the socket (libnl's NLCB debug kinds, the fuzz target's stand-in for the
 * kernel) then holds for every read, not only libnl's. */
static struct nl_cb *socket_cb(struct nl_sock *sk)
{
	struct nl_cb *s = nl_socket_get_cb(sk), *cb = nl_cb_clone(s);

	nl_cb_put(s);
	return cb;
}

/* ---- one request, one answer ---- */

struct answer {
	bool done;
	int err; /* the kernel's, negative */
	char ext[160];
};

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct answer *a = arg;

	a->done = true;
	a->err = 0;
	return NL_STOP;
}

/* The extended ack attributes follow the nlmsgerr and, without CAP_ACK, the request it
 * copies. libnl passed a message that holds the nlmsgerr; the lengths past it are the
 * kernel's word, checked against the message before anything is read. */
static void read_ext_ack(const struct nlmsgerr *e, struct answer *a)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t left = h->nlmsg_len - NLMSG_HDRLEN, skip = sizeof(*e);

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		size_t req = e->msg.nlmsg_len;

		if (req < NLMSG_HDRLEN)
			return;
		skip += ((req + 3) & ~(size_t)3) - NLMSG_HDRLEN;
	}
	if (skip >= left || nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + skip),
				      (int)(left - skip), NULL) < 0)
		return;
	/* The text need not end in a NUL: nla_strlcpy stops at the attribute's end. */
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(a->ext, tb[NLMSGERR_ATTR_MSG], sizeof(a->ext));
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct answer *a = arg;

	a->done = true;
	/* A negative errno; any other number is no answer hostnet can act on. */
	a->err = e->error < 0 && e->error >= -4095 ? e->error : -EPROTO;
	read_ext_ack(e, a);
	return NL_STOP;
}

/* hn_nl_talk, with every message of the answer before the ack given to on_valid (when set). */
static int talk(struct nl_sock *sk, struct nl_msg *msg, nl_recvmsg_msg_cb_t on_valid, void *arg,
		char *why, size_t len)
{
	_cleanup_(hn_nl_msg_freep) struct nl_msg *owned = msg; /* freed on every way out */
	_cleanup_(nl_cb_putp) struct nl_cb *cb = socket_cb(sk);
	struct answer a = {0};
	int r;

	why[0] = '\0';
	if (!cb || !owned) {
		snprintf(why, len, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &a);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &a);
	if (on_valid)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, arg);
	r = nl_send_auto(sk, owned);
	while (r >= 0 && !a.done) {
		r = nl_recvmsgs_report(sk, cb);
		if (r == 0 && !a.done)
			r = -NLE_AGAIN; /* nothing came within the timeout */
	}
	if (!a.done) {
		if (r == -NLE_AGAIN)
			snprintf(why, len, "no answer from the kernel in time");
		else
			snprintf(why, len, "netlink: %s", nl_geterror(r));
		return nle_errno(r);
	}
	if (a.err < 0) {
		if (a.ext[0])
			snprintf(why, len, "%s (%s)", strerror(-a.err), a.ext);
		else
			snprintf(why, len, "%s", strerror(-a.err));
	}
	return a.err;
}

int hn_nl_talk(struct nl_sock *sk, struct nl_msg *msg, char *why, size_t len)
{
	return talk(sk, msg, NULL, NULL, why, len);
}

/* ---- the read ---- */

static void fill_link(struct rtnl_link *l, struct hn_nl_link *out)
{
	struct nl_addr *mac = rtnl_link_get_addr(l);

	out->ifindex = rtnl_link_get_ifindex(l);
	snprintf(out->name, sizeof(out->name), "%s", rtnl_link_get_name(l) ?: "");
	out->flags = rtnl_link_get_flags(l);
	out->mtu = rtnl_link_get_mtu(l);
	snprintf(out->kind, sizeof(out->kind), "%s", rtnl_link_get_type(l) ?: "");
	if (mac && nl_addr_get_len(mac) == 6) {
		out->has_mac = true;
		memcpy(out->mac, nl_addr_get_binary_addr(mac), 6);
	}
}

static int read_links(struct nl_sock *sk, struct hn_nl_state *s)
{
	_cleanup_(nl_cache_freep) struct nl_cache *cache = NULL;
	int r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);

	if (r < 0)
		return hn_err(nle_errno(r), "netlink: cannot list the links: %s", nl_geterror(r));
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct hn_nl_link *l = hn_nl_state_add_link(s);

		if (!l)
			return hn_err(-ENOMEM, "netlink: out of memory");
		fill_link((struct rtnl_link *)o, l);
	}
	return 0;
}

static void copy_in4(struct in_addr *to, struct nl_addr *a, bool *has)
{
	bool ok = a && nl_addr_get_family(a) == AF_INET && nl_addr_get_len(a) == 4;

	if (ok)
		memcpy(to, nl_addr_get_binary_addr(a), 4);
	else
		to->s_addr = 0;
	if (has)
		*has = ok;
}

static void copy_in6(struct in6_addr *to, struct nl_addr *a, bool *has)
{
	bool ok = a && nl_addr_get_family(a) == AF_INET6 && nl_addr_get_len(a) == 16;

	if (ok)
		memcpy(to, nl_addr_get_binary_addr(a), 16);
	else
		memset(to, 0, sizeof(*to));
	if (has)
		*has = ok;
}

static void fill_route(struct rtnl_route *rt, struct hn_nl_route *out)
{
	struct nl_addr *dst = rtnl_route_get_dst(rt);

	out->family = (uint8_t)rtnl_route_get_family(rt);
	out->table = rtnl_route_get_table(rt);
	if (out->family == AF_INET6)
		copy_in6(&out->dst6, dst, NULL);
	else
		copy_in4(&out->dst, dst, NULL);
	out->dst_len = dst ? (uint8_t)nl_addr_get_prefixlen(dst) : 0;
	out->tos = rtnl_route_get_tos(rt);
	out->protocol = rtnl_route_get_protocol(rt);
	out->scope = rtnl_route_get_scope(rt);
	out->type = rtnl_route_get_type(rt);
	out->priority = rtnl_route_get_priority(rt);
	out->onlink = rtnl_route_get_flags(rt) & RTNH_F_ONLINK;
	copy_in4(&out->prefsrc, rtnl_route_get_pref_src(rt), &out->has_prefsrc);
	if (rtnl_route_get_nnexthops(rt) == 1) {
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);

		out->oif = rtnl_route_nh_get_ifindex(nh);
		if (out->family == AF_INET6)
			copy_in6(&out->gateway6, rtnl_route_nh_get_gateway(nh), &out->has_gateway);
		else
			copy_in4(&out->gateway, rtnl_route_nh_get_gateway(nh), &out->has_gateway);
	} else {
		out->multipath = rtnl_route_get_nnexthops(rt) > 1;
	}
}

/* True when the next hops of a route's RTA_MULTIPATH tile it: each at least a struct
 * rtnexthop, none past the attribute. libnl's route parser steps by a next hop's length
 * without checking it: on a length of 0 it allocates next hops for ever, on an unaligned
 * last one it walks past the attribute (libnl 3.7 to 3.12). */
static bool next_hops_tile(const struct nlattr *mp)
{
	const unsigned char *p = nla_data(mp);
	size_t left = (size_t)nla_len(mp);

	while (left >= sizeof(struct rtnexthop)) {
		const struct rtnexthop *nh = (const struct rtnexthop *)p;
		size_t step = RTNH_ALIGN((size_t)nh->rtnh_len);

		if (nh->rtnh_len < sizeof(*nh) || step > left)
			return false;
		p += step;
		left -= step;
	}
	return true;
}

/* Seen before libnl parses a message of the route dump: a route it cannot parse safely is
 * left out. The kernel never sends one. */
static int route_guard(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *mp;

	if (h->nlmsg_type != RTM_NEWROUTE || !nlmsg_valid_hdr(h, sizeof(struct rtmsg)))
		return NL_OK;
	mp = nlmsg_find_attr(h, sizeof(struct rtmsg), RTA_MULTIPATH);
	return mp && !next_hops_tile(mp) ? NL_SKIP : NL_OK;
}

static int read_routes(struct nl_sock *sk, struct hn_nl_state *s)
{
	_cleanup_(nl_cache_freep) struct nl_cache *cache = NULL;
	/* Filled apart: rtnl_route_alloc_cache frees a cache whose dump failed with free(),
	 * leaking its hash table and the routes read before the failure (libnl 3.7 to 3.12). */
	int r = rtnl_route_alloc_cache(NULL, AF_UNSPEC, 0, &cache);

	if (r == 0) {
		/* The cache's read takes the socket's callbacks: the guard is there for it only. */
		nl_socket_modify_cb(sk, NL_CB_MSG_IN, NL_CB_CUSTOM, route_guard, NULL);
		r = nl_cache_refill(sk, cache);
		nl_socket_modify_cb(sk, NL_CB_MSG_IN, NL_CB_DEFAULT, NULL, NULL);
	}
	if (r < 0)
		return hn_err(nle_errno(r), "netlink: cannot list the routes: %s", nl_geterror(r));
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		struct hn_nl_route *out;

		/* IPv6: the main table only; the local one holds a route per address. */
		if (rtnl_route_get_family(rt) == AF_INET6 &&
		    rtnl_route_get_table(rt) == RT_TABLE_MAIN)
			out = hn_nl_state_add_route6(s);
		else if (rtnl_route_get_family(rt) == AF_INET)
			out = hn_nl_state_add_route(s);
		else
			continue;
		if (!out)
			return hn_err(-ENOMEM, "netlink: out of memory");
		fill_route(rt, out);
	}
	return 0;
}

struct addr_dump {
	struct hn_nl_state *s;
	int err;
};

/* What both families' addresses carry alike. nlmsg_parse without a policy checks no
 * attribute's size: each is checked here. */
static void fill_addr(struct hn_nl_addr *a, const struct ifaddrmsg *ifa, struct nlattr **tb)
{
	a->ifindex = (int)ifa->ifa_index;
	a->prefixlen = ifa->ifa_prefixlen;
	a->scope = ifa->ifa_scope;
	a->flags = tb[IFA_FLAGS] && nla_len(tb[IFA_FLAGS]) >= 4 ? nla_get_u32(tb[IFA_FLAGS])
								: ifa->ifa_flags;
	if (tb[IFA_PROTO] && nla_len(tb[IFA_PROTO]) >= 1)
		a->proto = nla_get_u8(tb[IFA_PROTO]);
}

static int on_addr6(struct addr_dump *d, const struct ifaddrmsg *ifa, struct nlattr **tb)
{
	struct hn_nl_addr *a;

	if (!tb[IFA_ADDRESS] || nla_len(tb[IFA_ADDRESS]) != 16)
		return NL_SKIP;
	a = hn_nl_state_add_addr6(d->s);
	if (!a) {
		d->err = -ENOMEM;
		return NL_STOP;
	}
	fill_addr(a, ifa, tb);
	memcpy(&a->local6, nla_data(tb[IFA_ADDRESS]), 16);
	return NL_OK;
}

static int on_addr(struct nl_msg *msg, void *arg)
{
	struct addr_dump *d = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFA_MAX + 1];
	struct ifaddrmsg *ifa;
	struct hn_nl_addr *a;

	if (h->nlmsg_type != RTM_NEWADDR || nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
		return NL_SKIP;
	ifa = nlmsg_data(h);
	if (ifa->ifa_family == AF_INET6)
		return on_addr6(d, ifa, tb);
	if (ifa->ifa_family != AF_INET)
		return NL_SKIP;
	a = hn_nl_state_add_addr(d->s);
	if (!a) {
		d->err = -ENOMEM;
		return NL_STOP;
	}
	fill_addr(a, ifa, tb);
	if (tb[IFA_ADDRESS] && nla_len(tb[IFA_ADDRESS]) == 4)
		memcpy(&a->address, nla_data(tb[IFA_ADDRESS]), 4);
	if (tb[IFA_LOCAL] && nla_len(tb[IFA_LOCAL]) == 4)
		memcpy(&a->local, nla_data(tb[IFA_LOCAL]), 4);
	else
		a->local = a->address;
	if (tb[IFA_BROADCAST] && nla_len(tb[IFA_BROADCAST]) == 4) {
		a->has_broadcast = true;
		memcpy(&a->broadcast, nla_data(tb[IFA_BROADCAST]), 4);
	}
	if (tb[IFA_LABEL])
		nla_strlcpy(a->label, tb[IFA_LABEL], sizeof(a->label));
	return NL_OK;
}

static int read_addrs_once(struct nl_sock *sk, struct hn_nl_state *s)
{
	struct ifaddrmsg req = {.ifa_family = AF_UNSPEC};
	struct addr_dump d = {.s = s};
	struct nl_cb *cb = socket_cb(sk);
	int r;

	if (!cb)
		return -NLE_NOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_addr, &d);
	r = nl_send_simple(sk, RTM_GETADDR, NLM_F_DUMP, &req, sizeof(req));
	if (r >= 0)
		r = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (d.err)
		return -NLE_NOMEM;
	return r < 0 ? r : 0;
}

static int read_addrs(struct nl_sock *sk, struct hn_nl_state *s)
{
	int r;

	for (int i = 0; i < DUMP_TRIES; i++) {
		s->n_addrs = s->n_addrs6 = 0;
		r = read_addrs_once(sk, s);
		if (r != -NLE_DUMP_INTR)
			break;
	}
	if (r < 0)
		return hn_err(nle_errno(r), "netlink: cannot list the addresses: %s",
			      nl_geterror(r));
	return 0;
}

int hn_nl_read(struct nl_sock *sk, struct hn_nl_state *out)
{
	int r;

	out->n_links = out->n_addrs = out->n_routes = out->n_addrs6 = out->n_routes6 = 0;
	r = read_links(sk, out);
	if (r == 0)
		r = read_addrs(sk, out);
	if (r == 0)
		r = read_routes(sk, out);
	if (r < 0)
		out->n_links = out->n_addrs = out->n_routes = out->n_addrs6 = out->n_routes6 = 0;
	return r;
}

struct link_answer {
	struct hn_nl_link *out;
	bool found;
};

static void take_link(struct nl_object *o, void *arg)
{
	struct link_answer *la = arg;

	if (!la->found)
		fill_link((struct rtnl_link *)o, la->out);
	la->found = true;
}

static int on_link(struct nl_msg *msg, void *arg)
{
	if (nlmsg_hdr(msg)->nlmsg_type == RTM_NEWLINK)
		nl_msg_parse(msg, take_link, arg);
	return NL_OK;
}

/* The answer is walked here, not by rtnl_link_get_kernel: that one keeps the last link of an
 * answer holding several and leaks the others (libnl 3.7 to 3.12). */
int hn_nl_get_link(struct nl_sock *sk, const char *name, struct hn_nl_link *out)
{
	struct link_answer la = {.out = out};
	struct nl_msg *msg;
	char why[200];
	int r;

	memset(out, 0, sizeof(*out));
	if (rtnl_link_build_get_request(0, name, &msg) < 0)
		msg = NULL; /* talk says -ENOMEM */
	r = talk(sk, msg, on_link, &la, why, sizeof(why));
	if (r < 0)
		return r; /* the kernel's -ENODEV when there is no such link */
	/* An answer of an ack alone, or of something else. */
	return la.found ? 0 : -EPROTO;
}
