// SPDX-License-Identifier: GPL-2.0-or-later
/* `hostnet check`: the desired state as understood, for people (text) and scripts (JSON).
 * Both say the same things, in the same order; defaults are spelled out, not left blank. */
#include "config.h"
#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>

static const char *ip(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static const char *vlans(const struct hn_vlanset *s)
{
	static char buf[HN_VLANSET_STRLEN];

	return hn_vlanset_format(s, buf, sizeof(buf));
}

/* The uplink as a line says it: its name, or "the NIC with that MAC". */
static const char *uplink_name(const struct hn_bridge *b)
{
	return b->uplink_by_mac ? "the NIC with that MAC" : b->uplink;
}

/* An interface's addresses and routes, indented under it. */
static void print_ip(FILE *f, const char *indent, const char *dev, const struct hn_prefix *addrs,
		     size_t n_addrs, const struct hn_route *routes, size_t n_routes)
{
	char buf[HN_PREFIX_STRLEN], a[INET_ADDRSTRLEN];

	for (size_t i = 0; i < n_addrs; i++)
		fprintf(f, "%saddress %s\n", indent, hn_prefix_format(&addrs[i], buf));
	for (size_t i = 0; i < n_routes; i++) {
		const struct hn_route *r = &routes[i];

		fprintf(f, "%sroute %s", indent, hn_prefix_format(&r->to, buf));
		if (r->has_via)
			fprintf(f, " via %s", ip(r->via, a));
		fprintf(f, " dev %s\n", dev);
	}
}

/* The same for IPv6. */
static void print_ip6(FILE *f, const char *indent, const char *dev, const struct hn_prefix6 *addrs,
		      size_t n_addrs, const struct hn_route6 *routes, size_t n_routes)
{
	char buf[HN_PREFIX6_STRLEN], a[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < n_addrs; i++)
		fprintf(f, "%saddress %s\n", indent, hn_prefix6_format(&addrs[i], buf));
	for (size_t i = 0; i < n_routes; i++) {
		const struct hn_route6 *r = &routes[i];

		fprintf(f, "%sroute %s", indent, hn_prefix6_format(&r->to, buf));
		if (r->has_via)
			fprintf(f, " via %s", inet_ntop(AF_INET6, &r->via, a, sizeof(a)));
		fprintf(f, " dev %s\n", dev);
	}
}

static const char *hygiene(bool off)
{
	return off ? "off (arp_ignore and arp_announce left as they are)"
		   : "on (arp_ignore 1, arp_announce 2)";
}

static void print_port(FILE *f, const struct hn_port *p)
{
	fprintf(f, "  port %s (%s)", p->name, p->type == HN_PORT_INTERNAL ? "internal" : "system");
	if (p->tag)
		fprintf(f, " tag %u", p->tag);
	else if (p->has_trunks)
		fprintf(f, " trunk %s", vlans(&p->trunks));
	else
		fputs(" untagged (all VLANs)", f);
	if (p->mtu)
		fprintf(f, " mtu %u", p->mtu);
	fputc('\n', f);
	if (p->type == HN_PORT_INTERNAL)
		fprintf(f, "    arp_hygiene %s\n", hygiene(p->arp_hygiene_off));
	print_ip(f, "    ", p->name, p->addresses, p->n_addresses, NULL, 0);
	print_ip6(f, "    ", p->name, p->addresses6, p->n_addresses6, NULL, 0);
	print_ip(f, "    ", p->name, NULL, 0, p->routes, p->n_routes);
	print_ip6(f, "    ", p->name, NULL, 0, p->routes6, p->n_routes6);
}

/* "  uplink bond br0-bond of eno1, eno2 (active-backup, lacp off; ...)". */
static void print_bond(FILE *f, const struct hn_bridge *b)
{
	fprintf(f, "  uplink bond %s of ", b->bond_port);
	for (size_t i = 0; i < b->n_bond; i++)
		fprintf(f, "%s%s", i ? ", " : "", b->bond[i]);
	fprintf(f, " (%s, lacp %s; %s's MAC, address and default route move to %s)\n",
		hn_bond_mode_name(b->bond_mode), hn_lacp_name(b->lacp), b->uplink, b->name);
}

static void print_bridge(FILE *f, const struct hn_config *c, const struct hn_bridge *b)
{
	char a[INET_ADDRSTRLEN > HN_MAC_STRLEN ? INET_ADDRSTRLEN : HN_MAC_STRLEN];
	char a6[INET6_ADDRSTRLEN];

	fprintf(f, "bridge %s (datapath %s)\n", b->name, hn_datapath_name(c->datapath));
	if (b->uplink_by_mac)
		fprintf(f,
			"  uplink: the NIC with MAC %s, whatever its name (its MAC, address and "
			"default route move to %s)\n",
			hn_mac_format(&b->uplink_want_mac, (char[HN_MAC_STRLEN]){0}), b->name);
	else if (b->n_bond)
		print_bond(f, b);
	else if (b->uplink[0])
		fprintf(f, "  uplink %s (its MAC, address and default route move to %s)\n",
			b->uplink, b->name);
	if (b->tag)
		fprintf(f, "  tag %u (access VLAN of %s's internal port)\n", b->tag, b->name);
	if (b->mtu)
		fprintf(f, "  mtu %u\n", b->mtu);
	if (!b->has_addresses && hn_bridge_has_uplink(b))
		fprintf(f, "  addresses: those %s holds when up runs%s\n", uplink_name(b),
			b->uplink_by_mac ? " (write them here: after a rename at boot, nothing "
					   "gives the renamed NIC its address)"
					 : "");
	else if (b->has_addresses && b->n_addresses == 0 && b->n_addresses6 == 0)
		fputs("  addresses: none\n", f);
	print_ip(f, "  ", b->name, b->addresses, b->n_addresses, NULL, 0);
	print_ip6(f, "  ", b->name, b->addresses6, b->n_addresses6, NULL, 0);
	if (b->has_gateway)
		fprintf(f, "  gateway %s\n", ip(b->gateway, a));
	else if (hn_bridge_has_uplink(b))
		fprintf(f, "  gateway: %s's default gateway when up runs\n", uplink_name(b));
	if (b->has_gateway6)
		fprintf(f, "  gateway6 %s\n", inet_ntop(AF_INET6, &b->gateway6, a6, sizeof(a6)));
	if (hn_bridge_has_uplink(b) && (!b->n_addresses6 || !b->has_gateway6))
		fprintf(f, "  IPv6: %s%s%s %s holds when up runs, if any\n",
			b->n_addresses6 ? "" : "the global addresses",
			!b->n_addresses6 && !b->has_gateway6 ? " and " : "",
			b->has_gateway6 ? "" : "the default gateway", uplink_name(b));
	print_ip(f, "  ", b->name, NULL, 0, b->routes, b->n_routes);
	print_ip6(f, "  ", b->name, NULL, 0, b->routes6, b->n_routes6);
	fprintf(f, "  arp_hygiene %s\n", hygiene(b->arp_hygiene_off));
	if (hn_bridge_has_uplink(b) && !b->n_uplink_macs)
		fprintf(f, "  uplink_macs: none, only %s's MAC may leave through it\n",
			uplink_name(b));
	for (size_t i = 0; i < b->n_uplink_macs; i++)
		fprintf(f, "  uplink_mac %s (may leave through %s)\n",
			hn_mac_format(&b->uplink_macs[i], a), uplink_name(b));
	for (size_t i = 0; i < b->n_ports; i++)
		print_port(f, &b->ports[i]);
}

static void print_network(FILE *f, const struct hn_network *n)
{
	fprintf(f, "network %s (bridge %s, %zu portgroup%s)\n", n->name, n->bridge, n->n_portgroups,
		n->n_portgroups == 1 ? "" : "s");
	for (size_t i = 0; i < n->n_portgroups; i++) {
		const struct hn_portgroup *pg = &n->portgroups[i];

		if (pg->trunk)
			fprintf(f, "  portgroup %s trunk %s\n", pg->name, vlans(&pg->vlans));
		else
			fprintf(f, "  portgroup %s tag %u%s\n", pg->name, pg->tag,
				pg->from_access ? " (access)" : "");
	}
}

static void print_verify(FILE *f, const struct hn_config_verify *v)
{
	char a[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];

	fputs("verify\n", f);
	if (v->has_isolation)
		fprintf(f, "  isolation on %s: vlans %s\n", v->isolation_bridge,
			vlans(&v->isolation_vlans));
	else
		fputs("  isolation: derived from the bridges and networks\n", f);
	if (!v->has_reach)
		fputs("  reach: derived from the bridges and networks\n", f);
	else if (v->n_reach == 0)
		fputs("  reach: none\n", f);
	for (size_t i = 0; i < v->n_reach; i++)
		fprintf(f, "  reach from vlan %u to %s: expect %s\n", v->reach[i].from_vlan,
			v->reach[i].to_v6 ? inet_ntop(AF_INET6, &v->reach[i].to6, a6, sizeof(a6))
					  : ip(v->reach[i].to, a),
			v->reach[i].expect_ok ? "ok" : "fail");
}

/* Only when the file has an ovn section: a file without one reads as before. */
static void print_ovn(FILE *f, const struct hn_config_ovn *o)
{
	fputs("ovn\n", f);
	if (o->has_chassis) {
		fprintf(f, "  chassis %s%s: remote %s, encap %s %s\n", o->system_id,
			o->system_id_given ? "" : " (default)", o->remote,
			hn_encap_name(o->encap_type), o->encap_ip);
		for (size_t i = 0; i < o->n_mappings; i++)
			fprintf(f, "  physnet %s on bridge %s\n", o->mappings[i].physnet,
				o->mappings[i].bridge);
	} else {
		fputs("  chassis: none (up leaves the OVN settings alone)\n", f);
	}
	if (o->northbound)
		fprintf(f, "  northbound %s\n", o->northbound);
	for (size_t i = 0; i < o->n_networks; i++)
		if (o->networks[i].physnet)
			fprintf(f, "  network %s: vlan %u on physnet %s\n", o->networks[i].name,
				o->networks[i].vlan, o->networks[i].physnet);
		else
			fprintf(f, "  network %s: vlan %u, overlay (the tunnels only)\n",
				o->networks[i].name, o->networks[i].vlan);
}

void hn_config_print(FILE *f, const struct hn_config *c)
{
	fprintf(f, "config %s: valid\n", c->path ? c->path : "-");
	fprintf(f, "ovs datapath %s\n", hn_datapath_name(c->datapath));
	if (c->n_bridges == 0)
		fputs("bridges: none\n", f);
	for (size_t i = 0; i < c->n_bridges; i++)
		print_bridge(f, c, &c->bridges[i]);
	for (size_t i = 0; i < c->n_networks; i++)
		print_network(f, &c->networks[i]);
	for (size_t i = 0; i < c->n_undefine; i++)
		fprintf(f, "undefine network %s\n", c->undefine[i]);
	print_verify(f, &c->verify);
	if (c->has_ovn)
		print_ovn(f, &c->ovn);
}

/* ---- JSON ---- */

/* json_*_set_new() take the reference even on failure, so building can go on blindly and
 * one check at the end says whether anything was lost: `ok` goes false on any failure. */
struct jb {
	bool ok;
};

/* Both return value once it is in place, else NULL (and the value is gone). */
static json_t *set(struct jb *jb, json_t *obj, const char *key, json_t *value)
{
	if (!value || json_object_set_new(obj, key, value) < 0) {
		jb->ok = false;
		return NULL;
	}
	return value;
}

static json_t *append(struct jb *jb, json_t *arr, json_t *value)
{
	if (!value || json_array_append_new(arr, value) < 0) {
		jb->ok = false;
		return NULL;
	}
	return value;
}

static json_t *vlan_array(struct jb *jb, const struct hn_vlanset *s)
{
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	hn_vlanset_foreach (v, s)
		append(jb, arr, json_integer(v));
	return arr;
}

static json_t *ip_json(struct in_addr a)
{
	char buf[INET_ADDRSTRLEN];

	return json_string(ip(a, buf));
}

static json_t *ip6_json(const struct in6_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	return json_string(inet_ntop(AF_INET6, a, buf, sizeof(buf)));
}

static json_t *prefix6_json(const struct hn_prefix6 *p)
{
	char buf[HN_PREFIX6_STRLEN];

	return json_string(hn_prefix6_format(p, buf));
}

static json_t *prefix_json(const struct hn_prefix *p)
{
	char buf[HN_PREFIX_STRLEN];

	return json_string(hn_prefix_format(p, buf));
}

/* IPv4 then IPv6, in one list as the config has them. */
static json_t *addresses_json(struct jb *jb, const struct hn_prefix *a, size_t n,
			      const struct hn_prefix6 *a6, size_t n6)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++)
		append(jb, arr, prefix_json(&a[i]));
	for (size_t i = 0; arr && i < n6; i++)
		append(jb, arr, prefix6_json(&a6[i]));
	return arr;
}

static json_t *routes_json(struct jb *jb, const char *dev, const struct hn_route *routes, size_t n,
			   const struct hn_route6 *routes6, size_t n6)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n + n6; i++) {
		json_t *r = append(jb, arr, json_object());

		if (!r)
			continue;
		if (i < n) {
			set(jb, r, "to", prefix_json(&routes[i].to));
			if (routes[i].has_via)
				set(jb, r, "via", ip_json(routes[i].via));
		} else {
			set(jb, r, "to", prefix6_json(&routes6[i - n].to));
			if (routes6[i - n].has_via)
				set(jb, r, "via", ip6_json(&routes6[i - n].via));
		}
		set(jb, r, "dev", json_string(dev));
	}
	return arr;
}

/* {"bond": [...], "mode": ..., "lacp": ..., "port": ...}: as the config says it, and the port. */
static json_t *bond_json(const struct hn_bridge *b)
{
	json_t *members = json_array();

	for (size_t i = 0; members && i < b->n_bond; i++)
		json_array_append_new(members, json_string(b->bond[i]));
	return members ? json_pack("{s:o, s:s, s:s, s:s}", "bond", members, "mode",
				   hn_bond_mode_name(b->bond_mode), "lacp", hn_lacp_name(b->lacp),
				   "port", b->bond_port)
		       : NULL;
}

static json_t *port_json(struct jb *jb, const struct hn_port *p)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	set(jb, o, "name", json_string(p->name));
	set(jb, o, "type", json_string(p->type == HN_PORT_INTERNAL ? "internal" : "system"));
	if (p->tag)
		set(jb, o, "tag", json_integer(p->tag));
	if (p->has_trunks)
		set(jb, o, "trunk", vlan_array(jb, &p->trunks));
	if (p->mtu)
		set(jb, o, "mtu", json_integer(p->mtu));
	set(jb, o, "addresses",
	    addresses_json(jb, p->addresses, p->n_addresses, p->addresses6, p->n_addresses6));
	set(jb, o, "routes",
	    routes_json(jb, p->name, p->routes, p->n_routes, p->routes6, p->n_routes6));
	/* null: a system port, where hostnet never sets it. */
	set(jb, o, "arp_hygiene",
	    p->type == HN_PORT_INTERNAL ? json_boolean(!p->arp_hygiene_off) : json_null());
	return o;
}

static json_t *bridge_json(struct jb *jb, const struct hn_config *c, const struct hn_bridge *b)
{
	json_t *o = json_object(), *arr;

	if (!o)
		return NULL;
	set(jb, o, "name", json_string(b->name));
	set(jb, o, "datapath", json_string(hn_datapath_name(c->datapath)));
	if (b->uplink_by_mac)
		set(jb, o, "uplink",
		    json_pack("{s:s}", "mac",
			      hn_mac_format(&b->uplink_want_mac, (char[HN_MAC_STRLEN]){0})));
	else if (b->n_bond)
		set(jb, o, "uplink", bond_json(b));
	else
		set(jb, o, "uplink", b->uplink[0] ? json_string(b->uplink) : json_null());
	set(jb, o, "tag", b->tag ? json_integer(b->tag) : json_null());
	set(jb, o, "mtu", b->mtu ? json_integer(b->mtu) : json_null());
	/* null: not in the config (an uplink bridge takes the NIC's when `up` runs). */
	if (b->has_addresses) {
		set(jb, o, "addresses",
		    addresses_json(jb, b->addresses, b->n_addresses, b->addresses6,
				   b->n_addresses6));
	} else {
		set(jb, o, "addresses", json_null());
	}
	set(jb, o, "gateway", b->has_gateway ? ip_json(b->gateway) : json_null());
	set(jb, o, "gateway6", b->has_gateway6 ? ip6_json(&b->gateway6) : json_null());
	set(jb, o, "routes",
	    routes_json(jb, b->name, b->routes, b->n_routes, b->routes6, b->n_routes6));
	set(jb, o, "arp_hygiene", json_boolean(!b->arp_hygiene_off));
	arr = set(jb, o, "uplink_macs", json_array());
	for (size_t i = 0; arr && i < b->n_uplink_macs; i++) {
		char mac[HN_MAC_STRLEN];

		append(jb, arr, json_string(hn_mac_format(&b->uplink_macs[i], mac)));
	}
	arr = set(jb, o, "ports", json_array());
	for (size_t i = 0; arr && i < b->n_ports; i++)
		append(jb, arr, port_json(jb, &b->ports[i]));
	return o;
}

static json_t *network_json(struct jb *jb, const struct hn_network *n)
{
	json_t *o = json_object(), *arr;

	if (!o)
		return NULL;
	set(jb, o, "name", json_string(n->name));
	set(jb, o, "bridge", json_string(n->bridge));
	arr = set(jb, o, "portgroups", json_array());
	for (size_t i = 0; arr && i < n->n_portgroups; i++) {
		const struct hn_portgroup *pg = &n->portgroups[i];
		json_t *p = append(jb, arr, json_object());

		if (!p)
			continue;
		set(jb, p, "name", json_string(pg->name));
		if (pg->trunk)
			set(jb, p, "trunk", vlan_array(jb, &pg->vlans));
		else
			set(jb, p, "tag", json_integer(pg->tag));
		set(jb, p, "from_access", json_boolean(pg->from_access));
	}
	return o;
}

static json_t *verify_json(struct jb *jb, const struct hn_config_verify *v)
{
	json_t *o = json_object(), *arr;

	if (!o)
		return NULL;
	/* "derived": not in the config, verify works it out from the rest. */
	if (v->has_isolation) {
		json_t *iso = set(jb, o, "isolation", json_object());

		if (iso) {
			set(jb, iso, "bridge", json_string(v->isolation_bridge));
			set(jb, iso, "vlans", vlan_array(jb, &v->isolation_vlans));
		}
	} else {
		set(jb, o, "isolation", json_string("derived"));
	}
	if (!v->has_reach) {
		set(jb, o, "reach", json_string("derived"));
		return o;
	}
	arr = set(jb, o, "reach", json_array());
	for (size_t i = 0; arr && i < v->n_reach; i++) {
		json_t *r = append(jb, arr, json_object());

		if (!r)
			continue;
		set(jb, r, "from", json_integer(v->reach[i].from_vlan));
		set(jb, r, "to",
		    v->reach[i].to_v6 ? ip6_json(&v->reach[i].to6) : ip_json(v->reach[i].to));
		set(jb, r, "expect", json_string(v->reach[i].expect_ok ? "ok" : "fail"));
	}
	return o;
}

static json_t *ovn_json(struct jb *jb, const struct hn_config_ovn *o)
{
	json_t *v = json_object(), *x, *arr;

	if (!v)
		return NULL;
	if (o->has_chassis) {
		x = set(jb, v, "chassis", json_object());
		if (x) {
			set(jb, x, "system_id", json_string(o->system_id));
			set(jb, x, "remote", json_string(o->remote));
			set(jb, x, "encap",
			    json_pack("{s:s, s:s}", "type", hn_encap_name(o->encap_type), "ip",
				      o->encap_ip));
			arr = set(jb, x, "bridge_mappings", json_object());
			for (size_t i = 0; arr && i < o->n_mappings; i++)
				set(jb, arr, o->mappings[i].physnet,
				    json_string(o->mappings[i].bridge));
		}
	} else {
		set(jb, v, "chassis", json_null());
	}
	set(jb, v, "northbound", o->northbound ? json_string(o->northbound) : json_null());
	arr = set(jb, v, "networks", json_array());
	for (size_t i = 0; arr && i < o->n_networks; i++)
		append(jb, arr,
		       json_pack("{s:s, s:i, s:s?}", "name", o->networks[i].name, "vlan",
				 o->networks[i].vlan, "physnet", o->networks[i].physnet));
	return v;
}

int hn_config_print_json(FILE *f, const struct hn_config *c)
{
	struct jb jb = {.ok = true};
	json_t *doc = json_object(), *arr, *ovs, *libvirt, *path;
	int r = 0;

	if (!doc)
		return hn_err(-ENOMEM, "check: out of memory");
	/* A file name need not be UTF-8; JSON strings must be. */
	path = json_string(c->path ? c->path : "-");
	set(&jb, doc, "config", path ? path : json_string("?"));
	set(&jb, doc, "valid", json_true());
	ovs = set(&jb, doc, "ovs", json_object());
	if (ovs)
		set(&jb, ovs, "datapath", json_string(hn_datapath_name(c->datapath)));
	arr = set(&jb, doc, "bridges", json_array());
	for (size_t i = 0; arr && i < c->n_bridges; i++)
		append(&jb, arr, bridge_json(&jb, c, &c->bridges[i]));
	libvirt = set(&jb, doc, "libvirt", json_object());
	if (libvirt) {
		arr = set(&jb, libvirt, "undefine", json_array());
		for (size_t i = 0; arr && i < c->n_undefine; i++)
			append(&jb, arr, json_string(c->undefine[i]));
		arr = set(&jb, libvirt, "networks", json_array());
		for (size_t i = 0; arr && i < c->n_networks; i++)
			append(&jb, arr, network_json(&jb, &c->networks[i]));
	}
	set(&jb, doc, "verify", verify_json(&jb, &c->verify));
	if (c->has_ovn)
		set(&jb, doc, "ovn", ovn_json(&jb, &c->ovn));
	if (!jb.ok)
		r = hn_err(-ENOMEM, "check: out of memory building the JSON document");
	else if (json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 ||
		 fputc('\n', f) == EOF)
		r = hn_err(-EIO, "check: cannot write the JSON document");
	json_decref(doc);
	return r;
}
