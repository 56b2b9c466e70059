/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bonded uplink: is every member carrying, and is LACP negotiated? A member down
 * leaves the host reachable through the others (WARNING: the redundancy is gone, fix the
 * link before the other one fails); no member enabled cuts the host off (CRITICAL).
 */
#ifndef HOSTNET_VERIFY_BOND_CHECK_H
#define HOSTNET_VERIFY_BOND_CHECK_H

#include "checks.h"
#include "verify.h"

/* One check per bridge of want whose uplink is a bond, from host->bonds: OK when every
 * member the config names is enabled (and LACP negotiated when lacp is on), WARNING when
 * one is not (or LACP is not negotiated), CRITICAL when none is, UNKNOWN when
 * ovs-vswitchd could not be asked. -ENOMEM. */
int hn_verify_bonds(const struct hn_config *want, const struct hn_verify_host *host,
		    struct hn_verify_checks *out);

#endif
