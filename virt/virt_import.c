// SPDX-License-Identifier: GPL-2.0-or-later
#include "virt_import.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "105" for VLAN 105: what the `access:` shorthand names its portgroups. */
static bool named_by_vlan(const struct hn_virt_pg *pg)
{
	char name[8];

	if (pg->trunk || hn_vlanset_count(&pg->vlans) != 1)
		return false;
	snprintf(name, sizeof(name), "%u", hn_vlanset_next(&pg->vlans, 1));
	return strcmp(name, pg->name) == 0;
}

static int add_portgroup(const struct hn_virt_pg *pg, struct hn_network *n, struct hn_import *im)
{
	struct hn_portgroup *p;

	if (!pg->has_vlan || pg->native)
		return hn_import_note(im,
				      "network %s: portgroup %s: %s: a config cannot say it; left "
				      "out",
				      n->name, pg->name, pg->native ? "a native VLAN" : "no VLAN");
	p = hn_array_add(&n->portgroups, &n->n_portgroups, sizeof(*p));
	if (!p || !(p->name = strdup(pg->name)))
		return hn_err(-ENOMEM, "out of memory");
	p->trunk = pg->trunk;
	if (pg->trunk)
		p->vlans = pg->vlans;
	else
		p->tag = hn_vlanset_next(&pg->vlans, 1);
	p->from_access = named_by_vlan(pg);
	return 0;
}

/* Why def is not a network a config can say, or NULL. */
static const char *unsayable(const struct hn_virt_netdef *def, bool persistent,
			     const struct hn_config *c)
{
	if (!persistent)
		return "transient (no definition to keep)";
	if (strcmp(def->forward, "bridge") != 0)
		return "not a bridge network (forward mode is not bridge)";
	if (!def->virtualport || strcmp(def->virtualport, "openvswitch") != 0)
		return "not on Open vSwitch (no virtualport openvswitch)";
	/* OVN's integration bridge, on a host the config makes a chassis (the OVS layer read
	 * that before): a config says it without portgroups. */
	if (def->bridge && c->ovn.has_chassis && strcmp(def->bridge, "br-int") == 0)
		return def->n_pgs ? "portgroups on br-int, whose VLANs are OVN's logical switches"
				  : NULL;
	if (!def->bridge || !hn_config_bridge(c, def->bridge))
		return "its bridge is not an Open vSwitch bridge of this host";
	return NULL;
}

int hn_virt_import_network(const struct hn_virt_netdef *def, bool persistent, bool active,
			   bool autostart, struct hn_import *im)
{
	struct hn_config *c = &im->config;
	const char *why = unsayable(def, persistent, c);
	struct hn_network *n;
	int r = 0;

	if (why)
		return hn_import_note(im, "network %s: %s: left out", def->name, why);
	n = hn_array_add(&c->networks, &c->n_networks, sizeof(*n));
	if (!n || !(n->name = strdup(def->name)))
		return hn_err(-ENOMEM, "out of memory");
	snprintf(n->bridge, sizeof(n->bridge), "%s", def->bridge);
	for (size_t i = 0; r == 0 && i < def->n_pgs; i++)
		r = add_portgroup(&def->pgs[i], n, im);
	if (r == 0 && (!active || !autostart))
		r = hn_import_note(
		    im, "network %s is %s: `up` %s it", def->name,
		    !active ? (autostart ? "not running" : "not running, nor autostarted")
			    : "not autostarted",
		    !active ? (autostart ? "starts" : "starts and autostarts") : "autostarts");
	return r;
}
