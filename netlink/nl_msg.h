/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rtnetlink requests hostnet sends, built from the plain state of nl_state.h.
 * No socket here: the unit tests read back what a request says (e.g. that a route
 * removal names hostnet's protocol, so the kernel can only delete hostnet's route).
 * Each returns NULL when out of memory.
 */
#ifndef HOSTNET_NL_MSG_H
#define HOSTNET_NL_MSG_H

#include "error.h"
#include "nl_state.h"

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <stdbool.h>

/* RTM_NEWLINK on an existing link: administratively up or down, and the MTU if mtu != 0. */
struct nl_msg *hn_nl_msg_link(int ifindex, bool up, unsigned mtu);

/* RTM_NEWADDR (create, fails if it exists) or RTM_DELADDR of a at a->ifindex. */
struct nl_msg *hn_nl_msg_addr(int type, const struct hn_nl_addr *a);

/* RTM_NEWROUTE with flags (NLM_F_CREATE | NLM_F_EXCL, or NLM_F_CREATE | NLM_F_REPLACE) or
 * RTM_DELROUTE (flags 0) of r. A removal carries r's protocol, which the kernel matches. */
struct nl_msg *hn_nl_msg_route(int type, int flags, const struct hn_nl_route *r);

/* _cleanup_(hn_nl_msg_freep) struct nl_msg *msg (error.h) */
HN_DEFINE_CLEANUP(hn_nl_msg_freep, struct nl_msg *, nlmsg_free)

#endif
