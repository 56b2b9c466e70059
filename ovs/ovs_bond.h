/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bond's state as ovs-vswitchd shows it: the text of `bond/show PORT` and of
 * `lacp/show PORT`, asked over its control socket as `fdb/show` is (ovs_fdb.h). OVS 2.15
 * and later say "member", older ones "slave"; both are read.
 *
 *   ---- br0-bond ----
 *   bond_mode: active-backup
 *   lacp_status: off
 *   ...
 *   member eno1: enabled
 *     active member
 *     may_enable: true
 *
 *   member eno2: disabled
 *     may_enable: false
 *
 * and lacp/show's per member line "  member: eno1: current attached".
 */
#ifndef HOSTNET_OVS_BOND_H
#define HOSTNET_OVS_BOND_H

#include "backend.h"

/* bond/show's text into out (zeroed first): 0, or -EPROTO with a message when it names no
 * member. */
int hn_ovs_bond_parse(const char *text, struct hn_bond_state *out);
/* lacp/show's text: each member's LACP words into the member of out of that name. */
void hn_ovs_lacp_parse(const char *text, struct hn_bond_state *out);

#endif
