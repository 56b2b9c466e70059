// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe_link.h"
#include "error.h"
#include "probe_owner.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/neighbour.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* The probe's end of the veth pair, inside its own namespace: the name can be the same in
 * every probe. */
#define PEER_NAME "probe"
/* Bytes a probe socket may hold unread: frames cost about 1 KiB each in the kernel. */
#define PROBE_RCVBUF (8 << 20)

int hn_verify_probe_kernel_open(struct hn_verify_probe_kernel *k)
{
	int r;

	k->home_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (k->home_fd < 0)
		return hn_err(-errno, "cannot open this network namespace: %s", strerror(errno));
	k->nl = nl_socket_alloc();
	if (!k->nl) {
		hn_verify_probe_kernel_close(k);
		return hn_err(-ENOMEM, "out of memory opening netlink");
	}
	r = nl_connect(k->nl, NETLINK_ROUTE);
	if (r < 0) {
		hn_verify_probe_kernel_close(k);
		return hn_err(-EIO, "cannot open route netlink: %s", nl_geterror(r));
	}
	return 0;
}

void hn_verify_probe_kernel_close(struct hn_verify_probe_kernel *k)
{
	if (k->nl)
		nl_socket_free(k->nl);
	if (k->home_fd >= 0)
		close(k->home_fd);
	k->nl = NULL;
	k->home_fd = -1;
}

/* Best effort: a knob that is missing (no IPv6) changes nothing verify relies on. */
static void write_knob(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, value, strlen(value)) < 0)
		hn_debug("%s: %s", path, strerror(errno));
	close(fd);
}

/*
 * The new namespace, entered only long enough to open what must belong to it: its own
 * descriptor and the packet socket (a socket stays in the namespace it was made in).
 * IPv6 is off for the links born there, so the probe sends nothing of its own (no DAD,
 * no MLD) into the switch.
 */
static int enter_new_namespace(struct hn_verify_probe_kernel *k, struct hn_verify_probe_link *p)
{
	int err = 0;

	if (unshare(CLONE_NEWNET) < 0)
		return hn_err(-errno, "cannot make a probe namespace: %s", strerror(errno));
	p->ns_fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (p->ns_fd < 0)
		err = hn_err(-errno, "cannot open a probe namespace: %s", strerror(errno));
	write_knob("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	p->sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->sock < 0 && !err)
		err = hn_err(-errno, "cannot open a packet socket: %s", strerror(errno));
	/* Going home cannot be skipped: everything after this runs in this namespace. */
	if (setns(k->home_fd, CLONE_NEWNET) < 0) {
		int e = errno;

		fprintf(stderr, "hostnet: cannot return to the host's network namespace: %s\n",
			strerror(e));
		abort();
	}
	return err;
}

static int add_veth(struct hn_verify_probe_kernel *k, struct hn_verify_probe_link *p)
{
	struct rtnl_link *link = rtnl_link_veth_alloc(), *peer;
	struct nl_addr *mac = NULL, *peer_mac = NULL;
	int r = -NLE_NOMEM;

	if (!link)
		return hn_err(-ENOMEM, "out of memory");
	peer = rtnl_link_veth_get_peer(link);
	mac = nl_addr_build(AF_LLC, p->host_mac, HN_VERIFY_ETH_ALEN);
	peer_mac = nl_addr_build(AF_LLC, p->mac, HN_VERIFY_ETH_ALEN);
	if (peer && mac && peer_mac) {
		rtnl_link_set_name(link, p->host_name);
		rtnl_link_set_addr(link, mac);
		rtnl_link_set_flags(link, IFF_UP);
		if (p->group)
			rtnl_link_set_group(link, p->group);
		rtnl_link_set_name(peer, PEER_NAME);
		rtnl_link_set_addr(peer, peer_mac);
		/* Not IFF_UP here: the kernel configures the peer before the pair is joined
		 * and refuses to open it (ENOTCONN); bind_socket brings it up. */
		rtnl_link_set_ns_fd(peer, p->ns_fd);
		r = rtnl_link_add(k->nl, link, NLM_F_CREATE | NLM_F_EXCL);
	}
	nl_addr_put(mac);
	nl_addr_put(peer_mac);
	if (peer)
		rtnl_link_put(peer);
	rtnl_link_put(link);
	if (r < 0)
		return hn_err(r == -NLE_EXIST ? -EEXIST : -EIO, "cannot make probe link %s: %s",
			      p->host_name, nl_geterror(r));
	return 0;
}

/* The host's end is an OVS port, but on the userspace datapath it is also a kernel interface
 * that receives every frame the probe sends: it must not answer ARP for the host's
 * addresses (arp_ignore 8), or a VLAN that must not reach the host would seem to. */
static void quiet_host_end(const struct hn_verify_probe_link *p)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/arp_ignore", p->host_name);
	write_knob(path, "8");
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", p->host_name);
	write_knob(path, "1");
}

/*
 * Bring the probe's end up and bind the socket to it. Both go through the socket, whose
 * ioctls act in the socket's namespace: no need to enter it again.
 */
static int bind_socket(struct hn_verify_probe_link *p)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL)};
	struct ifreq ifr = {0};
	int one = 1, rcvbuf = PROBE_RCVBUF;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", PEER_NAME);
	if (ioctl(p->sock, SIOCGIFINDEX, &ifr) < 0)
		return hn_err(-errno, "probe %s: no probe end in its namespace: %s", p->host_name,
			      strerror(errno));
	p->ifindex = ifr.ifr_ifindex;
	if (ioctl(p->sock, SIOCGIFFLAGS, &ifr) < 0)
		return hn_err(-errno, "probe %s: cannot read its flags: %s", p->host_name,
			      strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(p->sock, SIOCSIFFLAGS, &ifr) < 0)
		return hn_err(-errno, "probe %s: cannot bring it up: %s", p->host_name,
			      strerror(errno));
	sll.sll_ifindex = p->ifindex;
	/* A trunk probe hears one frame per VLAN from each sender at once: room for a few
	 * thousand, beyond net.core.rmem_max (root may). Best effort: the window's later rounds
	 * still cover a frame dropped, and a missing one is reported as such. */
	if (setsockopt(p->sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		hn_debug("probe %s: receive buffer left as it is: %s", p->host_name,
			 strerror(errno));
	if (setsockopt(p->sock, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0 ||
	    bind(p->sock, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return hn_err(-errno, "probe %s: cannot bind its packet socket: %s", p->host_name,
			      strerror(errno));
	return 0;
}

int hn_verify_probe_link_create(struct hn_verify_probe_kernel *k, struct hn_verify_probe_link *p)
{
	int r;

	p->ns_fd = p->sock = -1;
	r = enter_new_namespace(k, p);
	if (r == 0)
		r = add_veth(k, p);
	if (r == 0) {
		quiet_host_end(p);
		r = bind_socket(p);
	}
	if (r < 0)
		hn_verify_probe_link_close(p);
	return r;
}

void hn_verify_probe_link_close(struct hn_verify_probe_link *p)
{
	if (p->sock >= 0)
		close(p->sock);
	if (p->ns_fd >= 0)
		close(p->ns_fd);
	p->sock = p->ns_fd = -1;
}

/* Is every link of the group one of ours? Then one request may delete the group. */
static bool group_is_ours(struct hn_verify_probe_kernel *k, uint32_t group,
			  const struct hn_verify_probe_link *p, size_t n)
{
	struct nl_cache *cache = NULL;
	bool ours = true;

	if (rtnl_link_alloc_cache(k->nl, AF_UNSPEC, &cache) < 0)
		return false;
	for (struct nl_object *o = nl_cache_get_first(cache); o && ours; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *name = rtnl_link_get_name(l);
		bool found = false;

		if (rtnl_link_get_group(l) != group)
			continue;
		for (size_t i = 0; i < n && !found; i++)
			found = name && strcmp(name, p[i].host_name) == 0;
		ours = found;
	}
	nl_cache_free(cache);
	return ours;
}

static int delete_group(struct hn_verify_probe_kernel *k, uint32_t group)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
	int r;

	if (!msg)
		return -NLE_NOMEM;
	r = nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	if (r == 0)
		r = nla_put_u32(msg, IFLA_GROUP, group);
	if (r == 0)
		r = nl_send_sync(k->nl, msg); /* frees msg */
	else
		nlmsg_free(msg);
	return r;
}

static int delete_one(struct hn_verify_probe_kernel *k, const char *name)
{
	struct rtnl_link *l = rtnl_link_alloc();
	int r;

	if (!l)
		return -NLE_NOMEM;
	rtnl_link_set_name(l, name);
	r = rtnl_link_delete(k->nl, l);
	rtnl_link_put(l);
	return r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV ? 0 : r;
}

static void *close_in_thread(void *fd)
{
	close((int)(intptr_t)fd);
	return NULL;
}

/* Sockets being closed by threads of their own: each close waits out a grace period. */
struct closer {
	pthread_t *threads;
	bool *started;
	size_t n;
};

static void close_sockets_start(struct closer *c, struct hn_verify_probe_link *p, size_t n)
{
	c->n = n;
	c->threads = calloc(n ? n : 1, sizeof(*c->threads));
	c->started = calloc(n ? n : 1, sizeof(*c->started));
	for (size_t i = 0; i < n; i++) {
		if (p[i].sock < 0)
			continue;
		if (c->threads && c->started &&
		    pthread_create(&c->threads[i], NULL, close_in_thread,
				   (void *)(intptr_t)p[i].sock) == 0)
			c->started[i] = true;
		else
			close(p[i].sock);
		p[i].sock = -1;
	}
}

static void close_sockets_join(struct closer *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->started && c->started[i])
			pthread_join(c->threads[i], NULL);
	free(c->threads);
	free(c->started);
}

int hn_verify_probe_links_remove(struct hn_verify_probe_kernel *k, struct hn_verify_probe_link *p,
				 size_t n)
{
	struct closer closer;
	int first = 0;

	if (n == 0)
		return 0;
	/* The sockets close while the links go: their grace periods overlap. */
	close_sockets_start(&closer, p, n);
	if (k->nl) {
		uint32_t group = p[0].group;
		bool batch = group != 0 && group_is_ours(k, group, p, n);

		if (!batch || delete_group(k, group) < 0) {
			for (size_t i = 0; i < n; i++) {
				int r = delete_one(k, p[i].host_name);

				if (r < 0 && !first)
					first = hn_err(-EIO, "cannot remove probe link %s: %s",
						       p[i].host_name, nl_geterror(r));
			}
		}
	}
	close_sockets_join(&closer);
	for (size_t i = 0; i < n; i++)
		hn_verify_probe_link_close(&p[i]);
	return first;
}

static const struct hn_verify_probe_addr *used_by_probe(const struct hn_verify_probe_addr *used,
							size_t n, struct rtnl_neigh *neigh)
{
	struct nl_addr *dst = rtnl_neigh_get_dst(neigh), *ll = rtnl_neigh_get_lladdr(neigh);

	if (rtnl_neigh_get_family(neigh) != AF_INET || !dst || nl_addr_get_len(dst) != 4 || !ll ||
	    nl_addr_get_len(ll) != HN_VERIFY_ETH_ALEN)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (memcmp(nl_addr_get_binary_addr(dst), &used[i].addr, 4) == 0 &&
		    memcmp(nl_addr_get_binary_addr(ll), used[i].mac, HN_VERIFY_ETH_ALEN) == 0)
			return &used[i];
	return NULL;
}

int hn_verify_probe_neigh_forget(struct hn_verify_probe_kernel *k,
				 const struct hn_verify_probe_addr *used, size_t n)
{
	struct nl_cache *cache = NULL;
	int r, first = 0;

	if (n == 0)
		return 0;
	r = rtnl_neigh_alloc_cache(k->nl, &cache);
	if (r < 0)
		return hn_err(-EIO, "cannot list neighbours: %s", nl_geterror(r));
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		const struct hn_verify_probe_addr *u =
		    used_by_probe(used, n, (struct rtnl_neigh *)o);

		if (!u)
			continue;
		r = rtnl_neigh_delete(k->nl, (struct rtnl_neigh *)o, 0);
		if (r < 0 && r != -NLE_OBJ_NOTFOUND && !first)
			first = hn_err(-EIO,
				       "cannot remove the neighbour entry of probe address "
				       "%s: %s",
				       inet_ntoa(u->addr), nl_geterror(r));
	}
	nl_cache_free(cache);
	return first;
}

int hn_verify_probe_links_sweep(struct hn_verify_probe_kernel *k, size_t *removed)
{
	struct nl_cache *cache = NULL;
	int r = rtnl_link_alloc_cache(k->nl, AF_UNSPEC, &cache), first = 0;

	*removed = 0;
	if (r < 0)
		return hn_err(-EIO, "cannot list links: %s", nl_geterror(r));
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *name = rtnl_link_get_name(l);
		unsigned index;
		pid_t pid;

		if (!name || !hn_verify_probe_link_name_parse(name, &pid, &index))
			continue;
		if (pid != getpid() && hn_verify_probe_pid_alive(pid))
			continue;
		hn_debug("removing link %s left by a verify run that is gone", name);
		r = rtnl_link_delete(k->nl, l);
		if (r < 0 && r != -NLE_OBJ_NOTFOUND && r != -NLE_NODEV && !first)
			first = hn_err(-EIO, "cannot remove stale probe link %s: %s", name,
				       nl_geterror(r));
		else if (r >= 0)
			(*removed)++;
	}
	nl_cache_free(cache);
	return first;
}
