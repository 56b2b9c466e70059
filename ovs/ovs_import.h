/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hostnet import`, the switch's part: the bridges of a database read, their datapath, own
 * port's tag and ports (type, tag, trunks), as a config says them. Ports that libvirt adds
 * for running guests and verify's probe ports are left out; what a config cannot say (a
 * bond, a patch port, a native VLAN) is noted.
 */
#ifndef HOSTNET_OVS_IMPORT_H
#define HOSTNET_OVS_IMPORT_H

#include "backend.h"
#include "ovs_db.h"

/* ifaces: the rows of a select of Interface name and external_ids (which say a guest's
 * port: libvirt sets vm-id and iface-id), or NULL. 0, -ENOMEM. */
int hn_ovs_import(const struct hn_ovs_db *db, const json_t *ifaces, struct hn_import *im);

#endif
