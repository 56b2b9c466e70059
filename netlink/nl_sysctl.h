/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The per-interface IPv4 knobs of /proc/sys/net/ipv4/conf/NAME/ that hostnet reads and
 * sets: arp_ignore and arp_announce (the ARP hygiene of the host's own interfaces on the
 * switch). Through the files: rtnetlink has no request for them, and hostnet starts no
 * program (sysctl(8)).
 */
#ifndef HOSTNET_NL_SYSCTL_H
#define HOSTNET_NL_SYSCTL_H

#include "nl_state.h"

/* One knob of ifname: 0 and *value, -ENODEV when the interface is gone, another negative
 * errno (with hn_err text naming the file) when it cannot be read or is not a number. */
int hn_nl_sysctl_read(const char *ifname, const char *knob, unsigned *value);
/* Set it: 0, or a negative errno with hn_err text naming the file. */
int hn_nl_sysctl_write(const char *ifname, const char *knob, unsigned value);

/* The ARP knobs of link into it (has_arp); left unread when either cannot be read. */
void hn_nl_arp_read(struct hn_nl_link *link);

#endif
