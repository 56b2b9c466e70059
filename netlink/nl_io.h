/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one rtnetlink socket of a run: reading the kernel's state, and one request at a time. */
#ifndef HOSTNET_NL_IO_H
#define HOSTNET_NL_IO_H

#include "nl_state.h"

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

/* A connected NETLINK_ROUTE socket; every receive is bounded by timeout_ms. */
int hn_nl_open(struct nl_sock **sk, int timeout_ms);
void hn_nl_close(struct nl_sock *sk);

/* Replace *out with the kernel's links, IPv4 and IPv6 addresses, IPv4 routes and the IPv6
 * routes of the main table (one dump each). On failure *out is empty and hn_errmsg() says
 * why. */
int hn_nl_read(struct nl_sock *sk, struct hn_nl_state *out);

/* Send msg (always freed; NULL stands for out of memory) and wait for the kernel's answer: 0 or a
 * negative errno. On failure why holds the reason as people read it: strerror() of the kernel's
 * errno and, when the kernel explained it (extended ack), its words: "Network is unreachable
 * (Nexthop has invalid gateway)". */
int hn_nl_talk(struct nl_sock *sk, struct nl_msg *msg, char *why, size_t len);

/* The link named name now (ifindex, flags, mtu): -ENODEV when there is none, -EPROTO when
 * the kernel answered without a link. */
int hn_nl_get_link(struct nl_sock *sk, const char *name, struct hn_nl_link *out);

#endif
