/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An OVN chassis' settings: the keys of the Open_vSwitch row's external_ids that
 * ovn-controller reads (ovn-remote, ovn-encap-type, ovn-encap-ip, system-id,
 * ovn-bridge-mappings, ovn-bridge-datapath-type), diffed against the config's `ovn:`. Pure.
 *
 * Ownership per key: a key hostnet creates gets a marker key beside it
 * (HN_OVS_KEY_OWNER_PREFIX + key = "hostnet"), as a row gets external_ids:hostnet-owner;
 * only a marked key is removed when the config stops naming it, or by `down`. A key that
 * was there before is changed when the config names it, never removed. Every other key of
 * the row (ovn-controller's, the operator's) is left alone.
 */
#ifndef HOSTNET_OVS_CHASSIS_H
#define HOSTNET_OVS_CHASSIS_H

#include "backend.h"
#include "ovs_db.h"

#define HN_OVS_KEY_OWNER_PREFIX "hostnet-owner-"

/* want NULL or want->down: remove the keys hostnet created. */
int hn_ovs_chassis_diff(const struct hn_ovs_db *db, const struct hn_config *want,
			const char *datapath, struct hn_plan *plan);

#endif
