// SPDX-License-Identifier: GPL-2.0-or-later
/* What `hostnet import` writes: hostnet.yaml (hostnet.yaml(5)), or the same keys as JSON. */
#include "import.h"
#include "error.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <string.h>

/* ---- YAML ---- */

/* "[10, 20, 100-109]": the config's list of VLANs and ranges. */
static void vlan_list(FILE *f, const struct hn_vlanset *s)
{
	static char buf[HN_VLANSET_STRLEN];
	const char *p = hn_vlanset_format(s, buf, sizeof(buf));

	fputc('[', f);
	for (; *p; p++)
		if (*p == ',')
			fputs(", ", f);
		else
			fputc(*p, f);
	fputc(']', f);
}

/* An interface's addresses and routes are one list in the config, IPv4 first, then IPv6. */
static void prefixes(FILE *f, const struct hn_prefix *v, size_t n, const struct hn_prefix6 *v6,
		     size_t n6)
{
	char buf[HN_PREFIX6_STRLEN];

	fputc('[', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", hn_prefix_format(&v[i], buf));
	for (size_t i = 0; i < n6; i++)
		fprintf(f, "%s%s", i || n ? ", " : "", hn_prefix6_format(&v6[i], buf));
	fputc(']', f);
}

static void route_yaml(FILE *f, const char *to, const char *via)
{
	if (via)
		fprintf(f, "{ to: %s, via: %s }", to, via);
	else
		fputs(to, f);
}

static void routes(FILE *f, const struct hn_route *v, size_t n, const struct hn_route6 *v6,
		   size_t n6)
{
	char buf[HN_PREFIX6_STRLEN], via[INET6_ADDRSTRLEN];

	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		route_yaml(f, hn_prefix_format(&v[i].to, buf),
			   v[i].has_via ? inet_ntop(AF_INET, &v[i].via, via, sizeof(via)) : NULL);
	}
	for (size_t i = 0; i < n6; i++) {
		fputs(i || n ? ", " : "", f);
		route_yaml(f, hn_prefix6_format(&v6[i].to, buf),
			   v6[i].has_via ? inet_ntop(AF_INET6, &v6[i].via, via, sizeof(via))
					 : NULL);
	}
	fputc(']', f);
}

static void port_yaml(FILE *f, const struct hn_port *p)
{
	const char *sep = " ";

	fprintf(f, "      %s: {", p->name);
	if (p->type == HN_PORT_INTERNAL) {
		fputs(" type: internal", f);
		sep = ", ";
	}
	if (p->tag) {
		fprintf(f, "%stag: %u", sep, p->tag);
		sep = ", ";
	} else if (p->has_trunks) {
		fprintf(f, "%strunk: ", sep);
		vlan_list(f, &p->trunks);
		sep = ", ";
	}
	if (p->mtu) {
		fprintf(f, "%smtu: %u", sep, p->mtu);
		sep = ", ";
	}
	if (p->n_addresses || p->n_addresses6) {
		fprintf(f, "%saddresses: ", sep);
		prefixes(f, p->addresses, p->n_addresses, p->addresses6, p->n_addresses6);
		sep = ", ";
	}
	if (p->n_routes || p->n_routes6) {
		fprintf(f, "%sroutes: ", sep);
		routes(f, p->routes, p->n_routes, p->routes6, p->n_routes6);
		sep = ", ";
	}
	if (p->type == HN_PORT_INTERNAL && p->arp_hygiene_off)
		fprintf(f, "%sarp_hygiene: false", sep);
	fputs(strcmp(sep, " ") == 0 ? "}\n" : " }\n", f);
}

static void bridge_yaml(FILE *f, const struct hn_bridge *b)
{
	char a[INET6_ADDRSTRLEN];

	fprintf(f, "  %s:\n", b->name);
	if (b->n_bond) {
		fputs("    uplink: { bond: [", f);
		for (size_t i = 0; i < b->n_bond; i++)
			fprintf(f, "%s%s", i ? ", " : "", b->bond[i]);
		fprintf(f, "], mode: %s, lacp: %s }\n", hn_bond_mode_name(b->bond_mode),
			hn_lacp_name(b->lacp));
	} else if (b->uplink[0]) {
		fprintf(f, "    uplink: %s\n", b->uplink);
	}
	if (b->tag)
		fprintf(f, "    tag: %u\n", b->tag);
	if (b->mtu)
		fprintf(f, "    mtu: %u\n", b->mtu);
	if (b->has_addresses && (b->n_addresses || b->n_addresses6)) {
		fputs("    addresses: ", f);
		prefixes(f, b->addresses, b->n_addresses, b->addresses6, b->n_addresses6);
		fputc('\n', f);
	}
	if (b->has_gateway)
		fprintf(f, "    gateway: %s\n", inet_ntop(AF_INET, &b->gateway, a, sizeof(a)));
	if (b->has_gateway6)
		fprintf(f, "    gateway6: %s\n", inet_ntop(AF_INET6, &b->gateway6, a, sizeof(a)));
	if (b->n_routes || b->n_routes6) {
		fputs("    routes: ", f);
		routes(f, b->routes, b->n_routes, b->routes6, b->n_routes6);
		fputc('\n', f);
	}
	if (b->arp_hygiene_off)
		fputs("    arp_hygiene: false\n", f);
	if (b->n_ports)
		fputs("    ports:\n", f);
	for (size_t k = 0; k < b->n_ports; k++)
		port_yaml(f, &b->ports[k]);
}

static void network_yaml(FILE *f, const struct hn_network *n)
{
	struct hn_vlanset access = {0};
	bool named = false;

	fprintf(f, "    %s:\n      bridge: %s\n", n->name, n->bridge);
	for (size_t k = 0; k < n->n_portgroups; k++) {
		const struct hn_portgroup *pg = &n->portgroups[k];

		if (pg->from_access) {
			hn_vlanset_add(&access, pg->tag);
			continue;
		}
		if (!named)
			fputs("      portgroups:\n", f);
		named = true;
		fprintf(f, "        %s: { ", pg->name);
		if (pg->trunk) {
			fputs("trunk: ", f);
			vlan_list(f, &pg->vlans);
		} else {
			fprintf(f, "tag: %u", pg->tag);
		}
		fputs(" }\n", f);
	}
	if (!hn_vlanset_empty(&access)) {
		fputs("      access: ", f);
		vlan_list(f, &access);
		fputc('\n', f);
	}
}

/* The chassis as its keys say it; the values were checked by the import (names, one encap)
 * except remote, which is quoted as read. */
static void ovn_yaml(FILE *f, const struct hn_config_ovn *o)
{
	fprintf(f, "ovn:\n  remote: \"%s\"\n  encap: { type: %s, ip: %s }\n", o->remote,
		hn_encap_name(o->encap_type), o->encap_ip);
	if (o->system_id_given)
		fprintf(f, "  system_id: %s\n", o->system_id);
	if (o->n_mappings)
		fputs("  bridge_mappings:\n", f);
	for (size_t i = 0; i < o->n_mappings; i++)
		fprintf(f, "    %s: %s\n", o->mappings[i].physnet, o->mappings[i].bridge);
}

void hn_import_print_yaml(FILE *f, const struct hn_import *im)
{
	const struct hn_config *c = &im->config;

	fputs("# hostnet.yaml written by `hostnet import` from the live host.\n", f);
	if (im->n_notes)
		fputs("# What a config does not say of this host, or says as it is:\n", f);
	for (size_t i = 0; i < im->n_notes; i++)
		fprintf(f, "#   %s\n", im->notes[i]);
	if (c->datapath != HN_DATAPATH_AUTO)
		fprintf(f, "ovs:\n  datapath: %s\n", hn_datapath_name(c->datapath));
	fputs(c->n_bridges ? "bridges:\n" : "bridges: {}\n", f);
	for (size_t i = 0; i < c->n_bridges; i++)
		bridge_yaml(f, &c->bridges[i]);
	if (c->has_libvirt && (c->n_networks || c->n_undefine)) {
		fputs("libvirt:\n", f);
		if (c->n_undefine) {
			fputs("  undefine: [", f);
			for (size_t i = 0; i < c->n_undefine; i++)
				fprintf(f, "%s%s", i ? ", " : "", c->undefine[i]);
			fputs("]\n", f);
		}
		if (c->n_networks)
			fputs("  networks:\n", f);
		for (size_t i = 0; i < c->n_networks; i++)
			network_yaml(f, &c->networks[i]);
	}
	if (c->verify.has_isolation) {
		fprintf(f,
			"verify:\n  isolation: { bridge: %s, vlans: ", c->verify.isolation_bridge);
		vlan_list(f, &c->verify.isolation_vlans);
		fputs(" }\n", f);
	}
	if (c->has_ovn)
		ovn_yaml(f, &c->ovn);
}

/* ---- JSON: the same keys, with jansson ---- */

/* VLAN lists as the config writes them: numbers, and ranges as "100-109". */
static json_t *vlans_json(const struct hn_vlanset *s)
{
	json_t *a = json_array();

	for (unsigned v = hn_vlanset_next(s, 1); a && v; v = hn_vlanset_next(s, v + 1)) {
		unsigned end = v;

		while (end < HN_VLAN_MAX && hn_vlanset_has(s, end + 1))
			end++;
		if (end - v >= 2) {
			char r[24];

			snprintf(r, sizeof(r), "%u-%u", v, end);
			json_array_append_new(a, json_string(r));
			v = end;
		} else {
			json_array_append_new(a, json_integer(v));
		}
	}
	return a;
}

static json_t *prefixes_json(const struct hn_prefix *v, size_t n, const struct hn_prefix6 *v6,
			     size_t n6)
{
	json_t *a = json_array();
	char buf[HN_PREFIX6_STRLEN];

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(hn_prefix_format(&v[i], buf)));
	for (size_t i = 0; a && i < n6; i++)
		json_array_append_new(a, json_string(hn_prefix6_format(&v6[i], buf)));
	return a;
}

static json_t *route_json(const char *to, const char *via)
{
	return via ? json_pack("{s:s, s:s}", "to", to, "via", via) : json_string(to);
}

static json_t *routes_json(const struct hn_route *v, size_t n, const struct hn_route6 *v6,
			   size_t n6)
{
	json_t *a = json_array();
	char buf[HN_PREFIX6_STRLEN], via[INET6_ADDRSTRLEN];

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(
		    a, route_json(hn_prefix_format(&v[i].to, buf),
				  v[i].has_via ? inet_ntop(AF_INET, &v[i].via, via, sizeof(via))
					       : NULL));
	for (size_t i = 0; a && i < n6; i++)
		json_array_append_new(
		    a, route_json(hn_prefix6_format(&v6[i].to, buf),
				  v6[i].has_via ? inet_ntop(AF_INET6, &v6[i].via, via, sizeof(via))
						: NULL));
	return a;
}

static json_t *port_json(const struct hn_port *p)
{
	json_t *o = json_object();

	if (p->type == HN_PORT_INTERNAL)
		json_object_set_new(o, "type", json_string("internal"));
	if (p->tag)
		json_object_set_new(o, "tag", json_integer(p->tag));
	else if (p->has_trunks)
		json_object_set_new(o, "trunk", vlans_json(&p->trunks));
	if (p->mtu)
		json_object_set_new(o, "mtu", json_integer(p->mtu));
	if (p->n_addresses || p->n_addresses6)
		json_object_set_new(
		    o, "addresses",
		    prefixes_json(p->addresses, p->n_addresses, p->addresses6, p->n_addresses6));
	if (p->n_routes || p->n_routes6)
		json_object_set_new(o, "routes",
				    routes_json(p->routes, p->n_routes, p->routes6, p->n_routes6));
	if (p->type == HN_PORT_INTERNAL && p->arp_hygiene_off)
		json_object_set_new(o, "arp_hygiene", json_false());
	return o;
}

static json_t *bridge_json(const struct hn_bridge *b)
{
	json_t *o = json_object(), *ports = json_object();
	char a[INET6_ADDRSTRLEN];

	if (b->n_bond) {
		json_t *members = json_array();

		for (size_t i = 0; i < b->n_bond; i++)
			json_array_append_new(members, json_string(b->bond[i]));
		json_object_set_new(o, "uplink",
				    json_pack("{s:o, s:s, s:s}", "bond", members, "mode",
					      hn_bond_mode_name(b->bond_mode), "lacp",
					      hn_lacp_name(b->lacp)));
	} else if (b->uplink[0]) {
		json_object_set_new(o, "uplink", json_string(b->uplink));
	}
	if (b->tag)
		json_object_set_new(o, "tag", json_integer(b->tag));
	if (b->mtu)
		json_object_set_new(o, "mtu", json_integer(b->mtu));
	if (b->has_addresses && (b->n_addresses || b->n_addresses6))
		json_object_set_new(
		    o, "addresses",
		    prefixes_json(b->addresses, b->n_addresses, b->addresses6, b->n_addresses6));
	if (b->has_gateway)
		json_object_set_new(o, "gateway",
				    json_string(inet_ntop(AF_INET, &b->gateway, a, sizeof(a))));
	if (b->has_gateway6)
		json_object_set_new(o, "gateway6",
				    json_string(inet_ntop(AF_INET6, &b->gateway6, a, sizeof(a))));
	if (b->n_routes || b->n_routes6)
		json_object_set_new(o, "routes",
				    routes_json(b->routes, b->n_routes, b->routes6, b->n_routes6));
	if (b->arp_hygiene_off)
		json_object_set_new(o, "arp_hygiene", json_false());
	for (size_t k = 0; k < b->n_ports; k++)
		json_object_set_new(ports, b->ports[k].name, port_json(&b->ports[k]));
	if (b->n_ports)
		json_object_set_new(o, "ports", ports);
	else
		json_decref(ports);
	return o;
}

static json_t *network_json(const struct hn_network *n)
{
	json_t *o = json_pack("{s:s}", "bridge", n->bridge), *pgs = json_object();
	struct hn_vlanset access = {0};

	for (size_t k = 0; k < n->n_portgroups; k++) {
		const struct hn_portgroup *pg = &n->portgroups[k];

		if (pg->from_access)
			hn_vlanset_add(&access, pg->tag);
		else if (pg->trunk)
			json_object_set_new(pgs, pg->name,
					    json_pack("{s:o}", "trunk", vlans_json(&pg->vlans)));
		else
			json_object_set_new(pgs, pg->name, json_pack("{s:i}", "tag", pg->tag));
	}
	if (json_object_size(pgs))
		json_object_set_new(o, "portgroups", pgs);
	else
		json_decref(pgs);
	if (!hn_vlanset_empty(&access))
		json_object_set_new(o, "access", vlans_json(&access));
	return o;
}

static json_t *config_json(const struct hn_config *c)
{
	json_t *o = json_object(), *bridges = json_object();

	if (c->datapath != HN_DATAPATH_AUTO)
		json_object_set_new(o, "ovs",
				    json_pack("{s:s}", "datapath", hn_datapath_name(c->datapath)));
	for (size_t i = 0; i < c->n_bridges; i++)
		json_object_set_new(bridges, c->bridges[i].name, bridge_json(&c->bridges[i]));
	json_object_set_new(o, "bridges", bridges);
	if (c->has_libvirt && (c->n_networks || c->n_undefine)) {
		json_t *lv = json_object(), *nets = json_object(), *undef = json_array();

		for (size_t i = 0; i < c->n_undefine; i++)
			json_array_append_new(undef, json_string(c->undefine[i]));
		for (size_t i = 0; i < c->n_networks; i++)
			json_object_set_new(nets, c->networks[i].name,
					    network_json(&c->networks[i]));
		if (c->n_undefine)
			json_object_set_new(lv, "undefine", undef);
		else
			json_decref(undef);
		if (c->n_networks)
			json_object_set_new(lv, "networks", nets);
		else
			json_decref(nets);
		json_object_set_new(o, "libvirt", lv);
	}
	if (c->verify.has_isolation)
		json_object_set_new(o, "verify",
				    json_pack("{s:{s:s, s:o}}", "isolation", "bridge",
					      c->verify.isolation_bridge, "vlans",
					      vlans_json(&c->verify.isolation_vlans)));
	if (c->has_ovn) {
		const struct hn_config_ovn *v = &c->ovn;
		json_t *ovn = json_pack("{s:s, s:{s:s, s:s}}", "remote", v->remote, "encap", "type",
					hn_encap_name(v->encap_type), "ip", v->encap_ip);
		json_t *maps = json_object();

		if (v->system_id_given)
			json_object_set_new(ovn, "system_id", json_string(v->system_id));
		for (size_t i = 0; i < v->n_mappings; i++)
			json_object_set_new(maps, v->mappings[i].physnet,
					    json_string(v->mappings[i].bridge));
		if (v->n_mappings)
			json_object_set_new(ovn, "bridge_mappings", maps);
		else
			json_decref(maps);
		json_object_set_new(o, "ovn", ovn);
	}
	return o;
}

int hn_import_print_json(FILE *f, const struct hn_import *im)
{
	json_t *notes = json_array();
	json_t *doc;
	int r;

	for (size_t i = 0; notes && i < im->n_notes; i++)
		json_array_append_new(notes, json_string(im->notes[i]));
	doc = json_pack("{s:s, s:s, s:o, s:o}", "command", "import", "result", "ok", "config",
			config_json(&im->config), "notes", notes);
	if (!doc)
		return hn_err(-ENOMEM, "out of memory");
	r = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(doc);
	return r < 0 ? hn_err(-EIO, "writing the JSON document failed") : 0;
}
