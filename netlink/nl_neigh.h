/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The gateway's neighbour entry carried to the device its route moves to, so that the first
 * packets after the switch leave at once instead of waiting for an ARP answer that, on `down`,
 * cannot come: the NIC is still a port of its bridge, where the answer goes.
 */
#ifndef HOSTNET_NL_NEIGH_H
#define HOSTNET_NL_NEIGH_H

#include <netinet/in.h>

struct nl_sock;

/* Copy gw's link-layer address, as device `from` (the one the route leaves) knows it, to a
 * STALE entry on device `to` (the kernel confirms it itself before long). Only from that
 * device: another one's entry for the same address may be older than the gateway's present
 * MAC (a bond member without an address answers ARP and learns from it too), and the kernel
 * lets no reply correct a MAC within a second of its entry being set. gw is a struct in_addr
 * (AF_INET) or a struct in6_addr (AF_INET6: the IPv6 default route moves too, its gateway
 * often fe80::1). Best effort: a failure costs an ARP or NDP exchange. */
void hn_nl_neigh_carry(struct nl_sock *sk, int family, const void *gw, int from, int to);

#endif
