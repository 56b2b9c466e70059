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

/* Copy gw's link-layer address, known on another device, to a STALE entry on ifindex (the
 * kernel confirms it itself before long). gw is a struct in_addr (AF_INET) or a struct
 * in6_addr (AF_INET6: the IPv6 default route moves too, its gateway often fe80::1). Best
 * effort: a failure costs an ARP or NDP exchange. */
void hn_nl_neigh_carry(struct nl_sock *sk, int family, const void *gw, int ifindex);

#endif
