// SPDX-License-Identifier: GPL-2.0-or-later
#include "ovs_import.h"
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The mark of verify's probe ports (verify/probe_owner.h): they come and go with a run. */
#define PROBE_MARK_KEY "hostnet-probe"

/* A port libvirt made for a running guest: its interface carries the guest's vm-id or
 * iface-id (libvirt sets them when it plugs a guest in). */
static bool guest_port(const json_t *ifaces, const char *name)
{
	for (size_t i = 0; i < json_array_size(ifaces); i++) {
		const json_t *row = json_array_get(ifaces, i);
		const json_t *ids = json_object_get(row, "external_ids");
		const char *n = json_string_value(json_object_get(row, "name"));

		if (n && strcmp(n, name) == 0)
			return hn_ovs_json_map_get(ids, "vm-id") ||
			       hn_ovs_json_map_get(ids, "iface-id");
	}
	return false;
}

static bool marked(const json_t *row, const char *key)
{
	return hn_ovs_json_map_get(json_object_get(row, "external_ids"), key) != NULL;
}

static int bridge_datapath(const struct hn_ovs_bridge *cb, struct hn_import *im)
{
	enum hn_datapath d =
	    strcmp(cb->datapath_type, "netdev") == 0 ? HN_DATAPATH_NETDEV : HN_DATAPATH_SYSTEM;

	if (im->config.datapath == HN_DATAPATH_AUTO) {
		im->config.datapath = d;
		return 0;
	}
	if (im->config.datapath == d)
		return 0;
	return hn_import_note(im,
			      "bridge %s: datapath %s, unlike the others; ovs.datapath is one for "
			      "every bridge: `up` would change it",
			      cb->name, hn_datapath_name(d));
}

/* Its own port's VLAN role and MTU: a tag and an mtu are all a config gives it. */
static int own_port(const struct hn_ovs_db *db, const struct hn_ovs_port *p, struct hn_bridge *b,
		    struct hn_import *im)
{
	const struct hn_ovs_iface *ci = hn_ovs_db_port_iface(db, p);
	char buf[HN_VLANSET_STRLEN];

	b->tag = p->tag;
	/* mtu_request, not the device's MTU: unset stays unset, as `up` leaves it. */
	b->mtu = ci ? ci->mtu_request : 0;
	if (!hn_vlanset_empty(&p->trunks))
		return hn_import_note(im,
				      "port %s (the bridge's own): trunks %s: a config gives a "
				      "bridge's own port a tag only",
				      p->name, hn_vlanset_format(&p->trunks, buf, sizeof(buf)));
	return 0;
}

/* One port of bridge b: 1 when it goes in the config, 2 when it is a bond (its uplink), 0
 * when it is left out (noted). */
static int take_port(const struct hn_ovs_db *db, const json_t *ifaces, const struct hn_ovs_port *p,
		     const char *bridge, struct hn_import *im)
{
	const struct hn_ovs_iface *ci = hn_ovs_db_port_iface(db, p);

	if (marked(hn_ovs_row_json(p->row), PROBE_MARK_KEY))
		return 0; /* a verify run's, gone when it ends */
	if (guest_port(ifaces, p->name))
		return hn_import_note(im,
				      "port %s on %s: a running guest's (libvirt adds and removes "
				      "it): left out",
				      p->name, bridge)
			   ?: 0;
	if (!ci)
		return 2; /* several interfaces: a bond */
	if (ci->type[0] && strcmp(ci->type, "system") != 0 && strcmp(ci->type, "internal") != 0)
		return hn_import_note(im,
				      "port %s on %s: interface type %s: a config cannot say it; "
				      "left out",
				      p->name, bridge, ci->type)
			   ?: 0;
	return 1;
}

static int add_port(const struct hn_ovs_db *db, const struct hn_ovs_port *p, struct hn_bridge *b,
		    struct hn_import *im)
{
	const struct hn_ovs_iface *ci = hn_ovs_db_port_iface(db, p);
	struct hn_port *port = hn_array_add(&b->ports, &b->n_ports, sizeof(*port));
	char buf[HN_VLANSET_STRLEN];
	int r = 0;

	if (!port)
		return hn_err(-ENOMEM, "out of memory");
	snprintf(port->name, sizeof(port->name), "%s", p->name);
	port->type = strcmp(ci->type, "internal") == 0 ? HN_PORT_INTERNAL : HN_PORT_SYSTEM;
	port->tag = p->tag;
	port->mtu = ci->mtu_request;
	if (!hn_vlanset_empty(&p->trunks) && p->tag)
		r = hn_import_note(im,
				   "port %s on %s: tag %u and trunks %s (a native VLAN): a config "
				   "says one; the tag is kept",
				   p->name, b->name, p->tag,
				   hn_vlanset_format(&p->trunks, buf, sizeof(buf)));
	else if (!hn_vlanset_empty(&p->trunks)) {
		port->has_trunks = true;
		port->trunks = p->trunks;
	}
	if (r == 0 && p->vlan_mode && strcmp(p->vlan_mode, p->tag ? "access" : "trunk") != 0)
		r = hn_import_note(im,
				   "port %s on %s: vlan_mode %s: a config cannot say it; `up` "
				   "sets the default back",
				   p->name, b->name, p->vlan_mode);
	return r;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct hn_port *)a)->name, ((const struct hn_port *)b)->name);
}

/* The index of s among names[0..n), or -1. */
static int choice(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/*
 * A bond port: the bridge's uplink bond (a config says a bond only as an uplink), its
 * primary first (the NIC whose MAC the bridge carries; the kernel's read may still put the
 * one with the bridge's MAC first), the mode and LACP as OVS holds them.
 */
static int add_bond(const struct hn_ovs_db *db, const struct hn_ovs_port *p, struct hn_bridge *b,
		    struct hn_import *im)
{
	static const char *const modes[] = {"active-backup", "balance-slb", "balance-tcp"};
	static const char *const lacps[] = {"off", "active", "passive"};
	const struct hn_ovs_iface *f[HN_BOND_MAX + 1];
	size_t n = hn_ovs_db_port_ifaces(db, p, f, HN_BOND_MAX + 1), k = 0;
	int mode = choice(p->bond_mode, modes, 3), lacp = choice(p->lacp, lacps, 3);

	if (b->n_bond || n > HN_BOND_MAX ||
	    snprintf(b->bond_port, sizeof(b->bond_port), "%s-bond", b->name) >=
		(int)sizeof(b->bond_port))
		return hn_import_note(
		    im,
		    "port %s on %s: a bond a config cannot say (a second one, more "
		    "than %d NICs, or a bridge name over 10 bytes); left out",
		    p->name, b->name, HN_BOND_MAX);
	for (size_t i = 0; i < n && p->bond_primary; i++)
		if (strcmp(f[i]->name, p->bond_primary) == 0)
			snprintf(b->bond[k++], IFNAMSIZ, "%s", f[i]->name);
	for (size_t i = 0; i < n; i++)
		if (!p->bond_primary || strcmp(f[i]->name, p->bond_primary) != 0)
			snprintf(b->bond[k++], IFNAMSIZ, "%s", f[i]->name);
	b->n_bond = k;
	snprintf(b->uplink, sizeof(b->uplink), "%s", b->bond[0]);
	b->bond_mode = mode < 0 ? HN_BOND_ACTIVE_BACKUP : (enum hn_bond_mode)mode;
	b->lacp = lacp < 0 ? HN_LACP_OFF : (enum hn_lacp)lacp;
	if (strcmp(p->name, b->bond_port) != 0)
		return hn_import_note(
		    im,
		    "port %s on %s: a bond, said as uplink.bond; hostnet names its "
		    "port %s, so `up` makes %s anew in its place (a move of the "
		    "uplink, guarded by the gateway probes)",
		    p->name, b->name, b->bond_port, b->bond_port);
	return 0;
}

static int add_bridge(const struct hn_ovs_db *db, const json_t *ifaces,
		      const struct hn_ovs_bridge *cb, struct hn_import *im)
{
	struct hn_config *c = &im->config;
	struct hn_bridge *b = hn_array_add(&c->bridges, &c->n_bridges, sizeof(*b));
	int r;

	if (!b)
		return hn_err(-ENOMEM, "out of memory");
	snprintf(b->name, sizeof(b->name), "%s", cb->name);
	r = bridge_datapath(cb, im);
	for (size_t i = 0; r == 0 && i < cb->n_ports; i++) {
		const struct hn_ovs_port *p = &db->ports[cb->ports[i]];

		if (strcmp(p->name, cb->name) == 0) {
			r = own_port(db, p, b, im);
			continue;
		}
		r = take_port(db, ifaces, p, cb->name, im);
		if (r == 1)
			r = add_port(db, p, b, im);
		else if (r == 2)
			r = add_bond(db, p, b, im);
	}
	if (b->n_ports > 1)
		qsort(b->ports, b->n_ports, sizeof(*b->ports), by_name);
	return r;
}

/* ---- OVN: the chassis settings of the Open_vSwitch row ---- */

static const char *root_key(const json_t *root, const char *key)
{
	return json_string_value(hn_ovs_json_map_get(json_object_get(root, "external_ids"), key));
}

/* The integration bridge ovn-controller makes (external_ids:ovn-bridge, default br-int):
 * OVN's, never in a config. ovn-controller makes it as soon as it runs, before the host
 * has any chassis setting (ovn-host installed, nothing configured yet), so the name alone
 * says it. */
static const char *integration_bridge(const json_t *root)
{
	const char *name = root ? root_key(root, "ovn-bridge") : NULL;

	return name ? name : "br-int";
}

static bool is_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

	return *s && !s[n] && n <= 64;
}

/* "physnet:bridge,...", each pair whose bridge the config has. */
static int import_mappings(const char *text, struct hn_import *im)
{
	struct hn_config_ovn *o = &im->config.ovn;
	char *copy = strdup(text), *save = NULL;
	int r = copy ? 0 : -ENOMEM;

	for (char *item = copy ? strtok_r(copy, ",", &save) : NULL; r == 0 && item;
	     item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		struct hn_ovn_mapping *m;

		if (colon)
			*colon = '\0';
		if (!colon || !is_name(item) || !hn_config_bridge(&im->config, colon + 1)) {
			r = hn_import_note(im,
					   "ovn-bridge-mappings: '%s%s%s' names no bridge of "
					   "this config: left out",
					   item, colon ? ":" : "", colon ? colon + 1 : "");
			continue;
		}
		m = hn_array_add(&o->mappings, &o->n_mappings, sizeof(*m));
		if (!m || !(m->physnet = strdup(item)))
			r = -ENOMEM;
		else
			snprintf(m->bridge, sizeof(m->bridge), "%s", colon + 1);
	}
	free(copy);
	return r == -ENOMEM ? hn_err(r, "out of memory") : r;
}

static int import_chassis(const json_t *root, struct hn_import *im)
{
	struct hn_config_ovn *o = &im->config.ovn;
	const char *remote = root_key(root, "ovn-remote"), *type = root_key(root, "ovn-encap-type");
	const char *ip = root_key(root, "ovn-encap-ip"), *id = root_key(root, "system-id");
	const char *maps = root_key(root, "ovn-bridge-mappings");

	if (!remote)
		return 0;
	if (!type || !ip || (strcmp(type, "geneve") != 0 && strcmp(type, "vxlan") != 0) ||
	    strchr(ip, ','))
		return hn_import_note(im,
				      "OVN chassis (ovn-remote %s): encap '%s' '%s' is not one "
				      "geneve or vxlan tunnel and address: no ovn section",
				      remote, type ? type : "", ip ? ip : "");
	im->config.has_ovn = true;
	o->has_chassis = true;
	o->remote = strdup(remote);
	if (!o->remote)
		return hn_err(-ENOMEM, "out of memory");
	o->encap_type = strcmp(type, "vxlan") == 0 ? HN_ENCAP_VXLAN : HN_ENCAP_GENEVE;
	snprintf(o->encap_ip, sizeof(o->encap_ip), "%s", ip);
	/* Said even when it is the default: a chassis renamed is another chassis to OVN. */
	if (id && is_name(id)) {
		snprintf(o->system_id, sizeof(o->system_id), "%s", id);
		o->system_id_given = true;
	}
	return maps ? import_mappings(maps, im) : 0;
}

int hn_ovs_import(const struct hn_ovs_db *db, const json_t *ifaces, struct hn_import *im)
{
	const struct hn_ovs_bridge **order = calloc(db->n_bridges + 1, sizeof(*order));
	json_t *root = db->root_row ? hn_ovs_row_json(db->root_row) : NULL;
	const char *br_int = integration_bridge(root);
	int r = 0;

	if (!order)
		return hn_err(-ENOMEM, "out of memory");
	for (size_t i = 0; i < db->n_bridges; i++)
		order[i] = &db->bridges[i];
	/* By name: the same host gives the same file. */
	for (size_t i = 1; i < db->n_bridges; i++)
		for (size_t k = i; k > 0 && strcmp(order[k - 1]->name, order[k]->name) > 0; k--) {
			const struct hn_ovs_bridge *t = order[k];

			order[k] = order[k - 1];
			order[k - 1] = t;
		}
	for (size_t i = 0; r == 0 && i < db->n_bridges; i++) {
		if (br_int && strcmp(order[i]->name, br_int) == 0) {
			r = hn_import_note(im,
					   "bridge %s: OVN's integration bridge, ovn-controller "
					   "makes and owns it: left out",
					   br_int);
			continue;
		}
		r = add_bridge(db, ifaces, order[i], im);
	}
	free(order);
	if (r == 0 && root)
		r = import_chassis(root, im);
	return r;
}
