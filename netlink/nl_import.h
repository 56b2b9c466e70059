/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hostnet import`, the kernel's part, over the bridges and ports the switch's part found:
 * which system port is a bridge's uplink (it carries the bridge's MAC, and the default route
 * goes through the bridge), the addresses and routes of each bridge and internal port, and
 * their ARP hygiene (off when the knobs are not hostnet's values).
 */
#ifndef HOSTNET_NL_IMPORT_H
#define HOSTNET_NL_IMPORT_H

#include "backend.h"
#include "nl_state.h"

/* st as read, with the ARP knobs of im's bridges and internal ports (nl_sysctl.h). 0,
 * -ENOMEM. */
int hn_nl_import(const struct hn_nl_state *st, struct hn_import *im);

#endif
