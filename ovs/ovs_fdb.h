/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bridge's MAC learning table, as ovs-vswitchd holds it: asked with `fdb/show` over its
 * control socket (unixctl, JSON-RPC 1.0), as OVS's own control client asks, with no program
 * started.
 * The answer is text, one entry a line:
 *
 *    port  VLAN  MAC                Age
 *   LOCAL     0  3e:cb:7f:32:ba:4a    0
 *       1     0  0a:95:11:c0:b1:66  static
 */
#ifndef HOSTNET_OVS_FDB_H
#define HOSTNET_OVS_FDB_H

#include "backend.h"

/* The entries of that text into out (port left ""): 0, or -EPROTO with a message naming the
 * line that does not parse, -ENOMEM. */
int hn_ovs_fdb_parse(const char *text, struct hn_learned *out);

/* The control socket of the ovs-vswitchd whose pid file is in rundir:
 * "unix:RUNDIR/ovs-vswitchd.PID.ctl" into buf. 0, or a negative errno with a message. */
int hn_ovs_fdb_ctl_path(const char *rundir, char *buf, size_t len);

/* Where ovs-vswitchd runs beside the ovsdb-server at ovsdb ("unix:DIR/db.sock" gives DIR;
 * any other address, the packaged /var/run/openvswitch) into buf. */
void hn_ovs_fdb_rundir(const char *ovsdb, char *buf, size_t len);

#endif
