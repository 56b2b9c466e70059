/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Desired state vs the OVSDB snapshot -> the OVS actions of a plan. Pure: no I/O, so the
 * unit tests diff recorded snapshots against hand-built configs.
 *
 * Ownership: hostnet marks what it creates (external_ids:hostnet-owner). It changes a
 * row it did not create only when the config names it (the config is the operator's
 * explicit word), and never marks such a row: ownership means "hostnet created it", so
 * only rows hostnet created are ever pruned or removed by `down`.
 */
#ifndef HOSTNET_OVS_DIFF_H
#define HOSTNET_OVS_DIFF_H

#include "backend.h"
#include "ovs_db.h"

/* datapath: the resolved ovs.datapath, "system" or "netdev". want NULL or want->down:
 * remove every bridge and port hostnet owns (`down`; the config, when given, still names
 * the uplinks, whose actions get hn_action.uplink). Each action's priv is a struct
 * hn_ovs_act. */
int hn_ovs_diff(const struct hn_ovs_db *db, const struct hn_config *want, const char *datapath,
		struct hn_plan *plan);

/*
 * The read holds what a diff compares, not whole rows; undoing a removal needs them whole.
 * When the actions from index `from` on remove something, the backend reads
 * hn_ovs_details_params() (the ports and interfaces, every column hostnet can write back)
 * and hn_ovs_attach_details() completes each removal's old rows with that result.
 */
bool hn_ovs_plan_removes(const struct hn_plan *plan, size_t from);
json_t *hn_ovs_details_params(void);
int hn_ovs_attach_details(struct hn_plan *plan, size_t from, const json_t *result);

#endif
