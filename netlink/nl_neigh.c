// SPDX-License-Identifier: GPL-2.0-or-later
/* Carrying the gateway's neighbour entry from one device to another (nl_neigh.h). */
#include "nl_neigh.h"
#include "error.h"

#include <linux/neighbour.h>
#include <netlink/netlink.h>
#include <netlink/route/neighbour.h>
#include <sys/socket.h>

#define KNOWN (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT)

struct search {
	struct nl_addr *gw;
	int ifindex;		/* the device the route leaves */
	struct nl_addr *lladdr; /* its entry's, a reference */
};

static void look(struct nl_object *obj, void *arg)
{
	struct rtnl_neigh *n = (struct rtnl_neigh *)obj;
	struct search *s = arg;
	struct nl_addr *ll = rtnl_neigh_get_lladdr(n);

	if (s->lladdr || !ll || rtnl_neigh_get_ifindex(n) != s->ifindex ||
	    !(rtnl_neigh_get_state(n) & KNOWN) || !rtnl_neigh_get_dst(n) ||
	    nl_addr_cmp(rtnl_neigh_get_dst(n), s->gw) != 0)
		return;
	s->lladdr = nl_addr_get(ll);
}

void hn_nl_neigh_carry(struct nl_sock *sk, int family, const void *gw, int from, int to)
{
	struct search s = {.ifindex = from};
	struct nl_cache *cache = NULL;
	struct rtnl_neigh *n = NULL;
	int r;

	s.gw = nl_addr_build(family, gw,
			     family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr));
	if (!s.gw || rtnl_neigh_alloc_cache(sk, &cache) < 0)
		goto out;
	nl_cache_foreach(cache, look, &s);
	if (!s.lladdr || !(n = rtnl_neigh_alloc()))
		goto out;
	rtnl_neigh_set_ifindex(n, to);
	rtnl_neigh_set_family(n, family);
	rtnl_neigh_set_dst(n, s.gw);
	rtnl_neigh_set_lladdr(n, s.lladdr);
	rtnl_neigh_set_state(n, NUD_STALE);
	/* NLM_F_EXCL: an entry the device already has is the kernel's, and better. */
	r = rtnl_neigh_add(sk, n, NLM_F_CREATE | NLM_F_EXCL);
	if (r < 0 && r != -NLE_EXIST)
		hn_debug("netlink: carrying the gateway's neighbour entry: %s", nl_geterror(r));
out:
	rtnl_neigh_put(n);
	nl_addr_put(s.lladdr);
	nl_addr_put(s.gw);
	nl_cache_free(cache);
}
