/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The netlink library: the kernel's links, IPv4 and IPv6 addresses and routes over rtnetlink
 * (libnl-route-3). What other folders may use of it: the netlink backend (backend.h), whose
 * uplink_facts verb tells the agent what the kernel shows of an uplink and its bridge.
 */
#ifndef HOSTNET_NETLINK_H
#define HOSTNET_NETLINK_H

#include "backend.h"

extern const struct hn_backend hn_nl_backend;

#endif
