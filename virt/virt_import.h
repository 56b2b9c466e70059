/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hostnet import`, libvirt's part: a network on an Open vSwitch bridge of the config, as
 * the config says it (its bridge, portgroups: a trunk or a tag each; the access portgroups
 * named by their VLAN, which the config's `access:` shorthand makes). What a config cannot
 * say (a NAT network, a native VLAN, a transient network) is noted and left out.
 */
#ifndef HOSTNET_VIRT_IMPORT_H
#define HOSTNET_VIRT_IMPORT_H

#include "backend.h"
#include "virt_xml.h"

/* One network, its definition def (the persistent one), active and autostart as libvirt
 * says. 0, -ENOMEM. */
int hn_virt_import_network(const struct hn_virt_netdef *def, bool persistent, bool active,
			   bool autostart, struct hn_import *im);

#endif
