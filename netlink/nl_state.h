/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's network state as the netlink backend sees it: plain data, filled by nl_read.c
 * from one dump of each table, read by the pure diff (nl_diff.c) and the uplink helpers.
 * Nothing in here holds a socket, so unit tests build these by hand.
 */
#ifndef HOSTNET_NL_STATE_H
#define HOSTNET_NL_STATE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The mark hostnet puts on what it adds: rtm_protocol of its routes and IFA_PROTO of its
 * addresses. 104 ('h') is none of the kernel's RTPROT_* values, none of the distribution's
 * rt_protos table, FRR's (186-198), BIRD's (12) or Calico's (80). Route listings show it
 * as "proto 104"; a line "104 hostnet" in an rt_protos.d file makes them say "hostnet".
 *
 * Why IFA_PROTO for addresses, not a state file or an IFA_LABEL:
 * - The kernel keeps the mark on the address itself, so it lives exactly as long as the
 *   address: gone at reboot, gone when someone deletes the address, and a hand-made copy
 *   of the same address is not mistaken for hostnet's. A state file (even in /run, which
 *   does reset at reboot like the addresses do) can disagree with the kernel after any of
 *   those, must be rolled back with the address, and /run is shared by every network
 *   namespace of the machine while addresses are per namespace (running hostnet inside a
 *   namespace is how it acts on a host that is one).
 * - An IFA_LABEL ("brint:hn") is the old alias mechanism: SIOCGIFCONF, and the old tools
 *   built on it, show it as a separate interface; it must start with the interface name,
 *   and a 15-byte name leaves no room for a suffix.
 * IFA_PROTO exists since Linux 6.0 (Debian 12 runs 6.1). An older kernel drops the
 * attribute silently; hostnet then sees its addresses as foreign and never removes them,
 * which is the safe way to be wrong.
 */
#define HN_NL_PROTO 104

/*
 * The metric of the prefix route of an address hostnet puts on an uplink bridge. While the
 * uplink NIC and its bridge both hold the host's address (the uplink move, both ways), two
 * prefix routes to the same subnet exist and the kernel sends by the lower metric: the NIC's
 * (0) must win, since it sends on the wire whether or not it is the bridge's port yet,
 * while the bridge only does once the NIC is its port. Once the move is done the bridge's
 * is the only one, and its metric changes nothing.
 */
#define HN_NL_UPLINK_BRIDGE_METRIC 1

/* ARP hygiene: arp_ignore 1 (answer only for an address of the interface the request came
 * in on), arp_announce 2 (ask from an address of the interface the request goes out of). */
#define HN_NL_ARP_IGNORE   1
#define HN_NL_ARP_ANNOUNCE 2

struct hn_nl_link {
	int ifindex;
	char name[IFNAMSIZ];
	unsigned flags; /* IFF_* */
	unsigned mtu;
	bool has_mac;
	uint8_t mac[6];
	char kind[16]; /* IFLA_INFO_KIND ("veth", "vlan", "openvswitch"); "" for a NIC */
	/* /proc/sys/net/ipv4/conf/NAME/arp_ignore and arp_announce: read (nl_sysctl.h) only
	 * for the interfaces the config names, has_arp false for the others. */
	bool has_arp;
	unsigned arp_ignore, arp_announce;
};

/* The metric of the prefix route of an IPv6 address hostnet puts on an uplink bridge: above
 * the kernel's own for an address (256, IP6_RT_PRIO_ADDRCONF), which the NIC's has, for the
 * reason above. */
#define HN_NL_UPLINK_BRIDGE_METRIC6 257

/* The metric the kernel gives an IPv6 route added without one (IP6_RT_PRIO_USER): hostnet's
 * IPv6 routes have it, as `ip -6 route add` and ifupdown's do, so that one takes the place
 * of the other. */
#define HN_NL_ROUTE6_METRIC 1024

/* One address. IPv4 ones (family 0 or AF_INET) live in hn_nl_state.addrs, IPv6 ones
 * (AF_INET6, in local6) in addrs6. */
struct hn_nl_addr {
	uint8_t family;
	struct in6_addr local6; /* AF_INET6: IFA_ADDRESS */
	int ifindex;
	struct in_addr local;	/* IFA_LOCAL (IFA_ADDRESS when no IFA_LOCAL) */
	struct in_addr address; /* IFA_ADDRESS: the peer on point-to-point links, else local */
	uint8_t prefixlen;
	uint8_t scope;
	uint8_t proto; /* IFA_PROTO; 0 when the kernel sent none */
	/* IFA_RT_PRIORITY: the metric of the prefix route the kernel adds with the address;
	 * 0, the kernel's default (not read back: only hostnet's own adds set it). */
	uint32_t route_metric;
	uint32_t flags;
	bool has_broadcast;
	struct in_addr broadcast;
	char label[IFNAMSIZ];
};

/* One route with a single next hop (multipath routes are kept, marked, never matched). IPv4
 * (family 0 or AF_INET) in hn_nl_state.routes; IPv6 (AF_INET6: dst6, gateway6) in routes6,
 * main table only. */
struct hn_nl_route {
	uint8_t family;
	struct in6_addr dst6, gateway6;
	uint32_t table;
	struct in_addr dst;
	uint8_t dst_len;
	uint8_t tos;
	uint8_t protocol;
	uint8_t scope;
	uint8_t type;
	uint32_t priority; /* metric */
	int oif;
	bool has_gateway;
	struct in_addr gateway;
	bool has_prefsrc;
	struct in_addr prefsrc;
	/* RTNH_F_ONLINK: the gateway is reached on the device whatever its addresses (ifupdown
	 * sets it; a gateway outside the host's subnet needs it). Kept when a route is put back
	 * or carried from the uplink NIC to its bridge. */
	bool onlink;
	bool multipath;
};

struct hn_nl_state {
	struct hn_nl_link *links;
	size_t n_links, cap_links;
	struct hn_nl_addr *addrs;
	size_t n_addrs, cap_addrs;
	struct hn_nl_route *routes;
	size_t n_routes, cap_routes;
	struct hn_nl_addr *addrs6;
	size_t n_addrs6, cap_addrs6;
	struct hn_nl_route *routes6;
	size_t n_routes6, cap_routes6;
};

void hn_nl_state_clear(struct hn_nl_state *s);
/* Append a zeroed entry; NULL on allocation failure. */
struct hn_nl_link *hn_nl_state_add_link(struct hn_nl_state *s);
struct hn_nl_addr *hn_nl_state_add_addr(struct hn_nl_state *s);
struct hn_nl_route *hn_nl_state_add_route(struct hn_nl_state *s);
struct hn_nl_addr *hn_nl_state_add_addr6(struct hn_nl_state *s);
struct hn_nl_route *hn_nl_state_add_route6(struct hn_nl_state *s);

const struct hn_nl_link *hn_nl_link_by_name(const struct hn_nl_state *s, const char *name);
struct hn_nl_link *hn_nl_link_by_name_mut(struct hn_nl_state *s, const char *name);
const struct hn_nl_link *hn_nl_link_by_index(const struct hn_nl_state *s, int ifindex);

#endif
