/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netlink library: the kernel's links, IPv4 addresses and routes over rtnetlink
 * (libnl-route-3). What other folders may use of it:
 * - the netlink backend (backend.h), whose uplink_facts verb tells the agent what the
 *   kernel shows of an uplink and its bridge;
 * - how its actions name routes, and which routes the kernel adds by itself.
 */
#ifndef HOSTNET_NETLINK_H
#define HOSTNET_NETLINK_H

#include "backend.h"

extern const struct hn_backend hn_netlink_backend;

/* A route as the netlink layer's actions name it: "10.99.1.0/24 dev brint",
 * "0.0.0.0/0 via 198.51.100.1 dev br0"; into buf (at least HN_NETLINK_ROUTE_STRLEN). */
#define HN_NETLINK_ROUTE_STRLEN 80
char *hn_netlink_route_text(const struct hn_route *rt, const char *dev, char *buf);

/* Does the kernel add route `to` by itself with address a (on the address's link, with no
 * gateway)? The prefix route of an address /N, N < 32, is "prefix/N dev X scope link". */
bool hn_netlink_prefix_route(const struct hn_prefix *a, const struct hn_prefix *to);

#endif
