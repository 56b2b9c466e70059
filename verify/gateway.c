// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway.h"
#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What the kernel shows of one link. */
struct link_facts {
	bool exists;
	int ifindex;
	bool has_mac;
	uint8_t mac[HN_ETH_ALEN];
	struct in_addr addrs[8];
	uint8_t lens[8];
	size_t n_addrs; /* may exceed 8: only the first 8 are kept */
};

static void read_link(struct hn_probe_kernel *k, const char *name, struct link_facts *f)
{
	struct rtnl_link *l = NULL;

	memset(f, 0, sizeof(*f));
	if (rtnl_link_get_kernel(k->nl, 0, name, &l) < 0 || !l)
		return;
	f->exists = true;
	f->ifindex = rtnl_link_get_ifindex(l);
	struct nl_addr *a = rtnl_link_get_addr(l);

	if (a && nl_addr_get_len(a) == HN_ETH_ALEN) {
		memcpy(f->mac, nl_addr_get_binary_addr(a), HN_ETH_ALEN);
		f->has_mac = true;
	}
	rtnl_link_put(l);
}

static int read_addrs(struct hn_probe_kernel *k, struct link_facts *f)
{
	struct nl_cache *cache = NULL;
	int r;

	if (!f->exists)
		return 0;
	r = rtnl_addr_alloc_cache(k->nl, &cache);
	if (r < 0)
		return hn_err(-EIO, "cannot list addresses: %s", nl_geterror(r));
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);

		if (rtnl_addr_get_family(a) != AF_INET || rtnl_addr_get_ifindex(a) != f->ifindex ||
		    !local || nl_addr_get_len(local) != 4)
			continue;
		if (f->n_addrs < 8) {
			memcpy(&f->addrs[f->n_addrs], nl_addr_get_binary_addr(local), 4);
			f->lens[f->n_addrs] = (uint8_t)rtnl_addr_get_prefixlen(a);
		}
		f->n_addrs++;
	}
	nl_cache_free(cache);
	return 0;
}

/* The gateway of the main table's default route through ifindex, if any. */
static bool read_default_gateway(struct hn_probe_kernel *k, int ifindex, struct in_addr *gw)
{
	struct nl_cache *cache = NULL;
	bool found = false;

	if (rtnl_route_alloc_cache(k->nl, AF_INET, 0, &cache) < 0)
		return false;
	for (struct nl_object *o = nl_cache_get_first(cache); o && !found;
	     o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		struct nl_addr *dst = rtnl_route_get_dst(rt);
		struct rtnl_nexthop *nh;
		struct nl_addr *via;

		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
		    (dst && nl_addr_get_prefixlen(dst)) || rtnl_route_get_nnexthops(rt) != 1)
			continue;
		nh = rtnl_route_nexthop_n(rt, 0);
		via = nh ? rtnl_route_nh_get_gateway(nh) : NULL;
		if (!via || nl_addr_get_len(via) != 4 || rtnl_route_nh_get_ifindex(nh) != ifindex)
			continue;
		memcpy(gw, nl_addr_get_binary_addr(via), 4);
		found = true;
	}
	nl_cache_free(cache);
	return found;
}

static bool same_subnet(struct in_addr a, struct in_addr b, unsigned len)
{
	uint32_t mask = len ? htonl(~UINT32_C(0) << (32 - len)) : 0;

	return (a.s_addr & mask) == (b.s_addr & mask);
}

static int kernel_checks(const struct hn_bridge *b, const struct link_facts *br,
			 const struct link_facts *up, struct hn_checks *out)
{
	char name[64], expected[64], m1[18], m2[18];
	int r;

	snprintf(name, sizeof(name), "bridge %s mac", b->name);
	if (!br->exists || !up->exists || !br->has_mac || !up->has_mac) {
		snprintf(expected, sizeof(expected), "%s's MAC", b->uplink);
		r = hn_checks_add(out, HN_CHECK_CRITICAL, name, expected, "%s",
				  !br->exists	? "no such link"
				  : !up->exists ? "no uplink link"
						: "no MAC");
	} else {
		snprintf(expected, sizeof(expected), "%s's MAC %s", b->uplink,
			 hn_mac_format(up->mac, m1));
		r = hn_checks_add(
		    out, memcmp(br->mac, up->mac, HN_ETH_ALEN) ? HN_CHECK_CRITICAL : HN_CHECK_OK,
		    name, expected, "%s", hn_mac_format(br->mac, m2));
	}
	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "uplink %s address", b->uplink);
	if (!up->exists)
		return hn_checks_add(out, HN_CHECK_CRITICAL, name,
				     "no IPv4 address (moved to the bridge)", "no such link");
	if (up->n_addrs == 0)
		return hn_checks_add(out, HN_CHECK_OK, name,
				     "no IPv4 address (moved to the bridge)", "none");
	return hn_checks_add(out, HN_CHECK_CRITICAL, name, "no IPv4 address (moved to the bridge)",
			     "%s/%u%s", inet_ntoa(up->addrs[0]), up->lens[0],
			     up->n_addrs > 1 ? " and more" : "");
}

static int open_arp_socket(int ifindex)
{
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP), .sll_ifindex = ifindex};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ARP));

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int hn_gateway_prepare(struct hn_probe_kernel *k, const struct hn_bridge *b, bool probe,
		       struct hn_gateway_probe *g, struct hn_checks *out)
{
	struct link_facts br, up;
	struct in_addr gw = {0}, src = {0};
	char name[96], gws[INET_ADDRSTRLEN] = "?";
	bool have_gw = b->has_gateway, have_src = false;
	int r;

	g->sock = -1;
	read_link(k, b->name, &br);
	read_link(k, b->uplink, &up);
	r = read_addrs(k, &br);
	if (r == 0)
		r = read_addrs(k, &up);
	if (r < 0)
		return r;
	r = kernel_checks(b, &br, &up, out);
	if (r < 0 || !probe)
		return r < 0 ? r : 1;

	if (have_gw)
		gw = b->gateway;
	else if (br.exists)
		have_gw = read_default_gateway(k, br.ifindex, &gw);
	if (have_gw)
		inet_ntop(AF_INET, &gw, gws, sizeof(gws));
	snprintf(name, sizeof(name), "gateway %s from %s", gws, b->name);
	if (!have_gw)
		return hn_checks_add(out, HN_CHECK_UNKNOWN, name, "an ARP reply",
				     "no gateway in the config nor a default route via %s", b->name)
			   ?: 1;
	/* From the bridge's own address in the gateway's subnet. */
	for (size_t i = 0; i < br.n_addrs && i < 8 && !have_src; i++) {
		if (same_subnet(br.addrs[i], gw, br.lens[i])) {
			src = br.addrs[i];
			have_src = true;
		}
	}
	if (!br.exists || !br.has_mac || !have_src)
		return hn_checks_add(out, HN_CHECK_CRITICAL, name, "an ARP reply",
				     "not probed: %s has %s", b->name,
				     !br.exists	   ? "no link"
				     : !br.has_mac ? "no MAC"
						   : "no address in the "
						     "gateway's subnet")
			   ?: 1;
	if (!up.has_mac || memcmp(br.mac, up.mac, HN_ETH_ALEN))
		return hn_checks_add(out, HN_CHECK_CRITICAL, name, "an ARP reply",
				     "not probed: %s's MAC is not %s's, an ARP from it would show "
				     "the provider an unknown MAC",
				     b->name, b->uplink)
			   ?: 1;
	g->sock = open_arp_socket(br.ifindex);
	if (g->sock < 0)
		return hn_checks_add(out, HN_CHECK_UNKNOWN, name, "an ARP reply",
				     "cannot open a packet socket on %s: %s", b->name,
				     strerror(-g->sock))
			   ?: 1;

	struct hn_reach_run *run = &g->run;

	memset(run, 0, sizeof(*run));
	snprintf(run->name, sizeof(run->name), "%s", name);
	snprintf(run->where, sizeof(run->where), "%s", b->name);
	run->to = gw;
	run->expect_ok = true;
	run->arp_only = true;
	run->fixed_source = true;
	run->cand[0] = src;
	run->n_cand = 1;
	memcpy(run->mac, br.mac, HN_ETH_ALEN);
	return 0;
}

void hn_gateway_close(struct hn_gateway_probe *g)
{
	if (g->sock >= 0)
		close(g->sock);
	g->sock = -1;
}
