// SPDX-License-Identifier: GPL-2.0-or-later
/* The config parser: the seed config into the model, every form of the schema, and every
 * validation rule with its exact FILE:LINE:COL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "config_impl.h"
#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse(const char *yaml, struct hn_config *c)
{
	hn_err_clear();
	return hn_config_parse("t.yaml", yaml, strlen(yaml), c);
}

static void assert_ip(struct in_addr a, const char *want)
{
	char buf[INET_ADDRSTRLEN];

	assert_string_equal(inet_ntop(AF_INET, &a, buf, sizeof(buf)), want);
}

static void assert_prefix(const struct hn_prefix *p, const char *want)
{
	char buf[HN_PREFIX_STRLEN];

	assert_string_equal(hn_prefix_format(p, buf), want);
}

static void assert_vlans(const struct hn_vlanset *s, const char *want)
{
	char buf[HN_VLANSET_STRLEN];

	assert_string_equal(hn_vlanset_format(s, buf, sizeof(buf)), want);
}

static const struct hn_portgroup *pg(const struct hn_network *n, const char *name)
{
	for (size_t i = 0; i < n->n_portgroups; i++)
		if (strcmp(n->portgroups[i].name, name) == 0)
			return &n->portgroups[i];
	fail_msg("no portgroup %s", name);
	return NULL;
}

/* ---- The seed ---- */

static void seed_config_loads_into_the_model(void **unused)
{
	const char *path = getenv("SEED_CONFIG");
	struct hn_config c;
	const struct hn_bridge *br0, *brint;
	const struct hn_network *front, *intern;

	assert_non_null(path);
	assert_int_equal(hn_config_load(path, &c), 0);
	assert_string_equal(c.path, path);
	assert_int_equal(c.datapath, HN_DATAPATH_AUTO);
	assert_int_equal(c.n_bridges, 2);

	br0 = hn_config_bridge(&c, "br0");
	assert_non_null(br0);
	assert_string_equal(br0->uplink, "eno1");
	assert_int_equal(br0->tag, 0);
	assert_true(br0->has_addresses);
	assert_int_equal(br0->n_addresses, 1);
	assert_prefix(&br0->addresses[0], "198.51.100.10/24");
	assert_true(br0->has_gateway);
	assert_ip(br0->gateway, "198.51.100.1");
	assert_int_equal(br0->n_routes, 0);
	assert_int_equal(br0->n_ports, 0);
	assert_false(br0->has_uplink_mac);

	brint = hn_config_bridge(&c, "brint");
	assert_non_null(brint);
	assert_string_equal(brint->uplink, "");
	assert_int_equal(brint->tag, 99);
	assert_int_equal(brint->n_addresses, 1);
	assert_prefix(&brint->addresses[0], "10.99.1.250/32");
	assert_false(brint->has_gateway);
	assert_int_equal(brint->n_routes, 1);
	assert_prefix(&brint->routes[0].to, "10.99.1.0/24");
	assert_false(brint->routes[0].has_via);
	assert_int_equal(brint->routes[0].pos.line, 14);

	assert_int_equal(c.n_networks, 2);
	front = hn_config_network(&c, "ovs-front");
	assert_non_null(front);
	assert_string_equal(front->bridge, "br0");
	assert_int_equal(front->n_portgroups, 0);

	intern = hn_config_network(&c, "intern-vlans");
	assert_non_null(intern);
	assert_string_equal(intern->bridge, "brint");
	assert_int_equal(intern->n_portgroups, 15);
	assert_true(pg(intern, "vlansadmin")->trunk);
	assert_vlans(&pg(intern, "vlansadmin")->vlans, "99,250");
	assert_vlans(&pg(intern, "vlansext")->vlans, "10,20");
	assert_vlans(&pg(intern, "vlansint")->vlans, "100-109");
	assert_false(pg(intern, "vlan10")->trunk);
	assert_int_equal(pg(intern, "vlan10")->tag, 10);
	assert_int_equal(pg(intern, "vlan20")->tag, 20);
	assert_false(pg(intern, "vlan20")->from_access);
	for (unsigned v = 100; v <= 109; v++) {
		char name[8];

		snprintf(name, sizeof(name), "%u", v);
		assert_false(pg(intern, name)->trunk);
		assert_int_equal(pg(intern, name)->tag, v);
		assert_true(pg(intern, name)->from_access);
		assert_int_equal(pg(intern, name)->pos.line, 28);
	}

	assert_int_equal(c.n_undefine, 1);
	assert_string_equal(c.undefine[0], "default");

	assert_true(c.verify.has_isolation);
	assert_string_equal(c.verify.isolation_bridge, "brint");
	assert_vlans(&c.verify.isolation_vlans, "10,20,99-109,250");
	assert_int_equal(hn_vlanset_count(&c.verify.isolation_vlans), 14);
	assert_true(c.verify.has_reach);
	assert_int_equal(c.verify.n_reach, 2);
	assert_int_equal(c.verify.reach[0].from_vlan, 99);
	assert_ip(c.verify.reach[0].to, "10.99.1.250");
	assert_true(c.verify.reach[0].expect_ok);
	assert_int_equal(c.verify.reach[1].from_vlan, 10);
	assert_false(c.verify.reach[1].expect_ok);
	hn_config_free(&c);
}

static char *print_to_string(const struct hn_config *c, bool json)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	if (json)
		assert_int_equal(hn_config_print_json(f, c), 0);
	else
		hn_config_print(f, c);
	fclose(f);
	return text;
}

static void seed_config_prints_every_portgroup(void **unused)
{
	struct hn_config c;
	char *text, *json;

	assert_int_equal(hn_config_load(getenv("SEED_CONFIG"), &c), 0);
	text = print_to_string(&c, false);
	json = print_to_string(&c, true);
	assert_non_null(strstr(text, "portgroup vlansadmin trunk 99,250\n"));
	assert_non_null(strstr(text, "portgroup vlansint trunk 100-109\n"));
	assert_non_null(strstr(text, "portgroup vlan10 tag 10\n"));
	assert_non_null(strstr(text, "portgroup 109 tag 109 (access)\n"));
	assert_non_null(strstr(text, "route 10.99.1.0/24 dev brint\n"));
	assert_non_null(strstr(text, "tag 99"));
	assert_non_null(strstr(text, "undefine network default\n"));
	assert_non_null(strstr(json, "\"vlansadmin\""));
	free(text);
	free(json);
	hn_config_free(&c);
}

/* ---- Forms the schema allows ---- */

static const char full_block[] = "ovs:\n"
				 "  datapath: netdev\n"
				 "bridges:\n"
				 "  br0:\n"
				 "    uplink: eno1\n"
				 "  brint:\n"
				 "    tag: 99\n"
				 "    mtu: 9000\n"
				 "    addresses:\n"
				 "      - 10.99.1.250/32\n"
				 "      - 10.98.0.1/16\n"
				 "    routes:\n"
				 "      - 10.99.1.0/24\n"
				 "      - 10.7.0.5\n"
				 "      - to: 10.50.0.0/16\n"
				 "        via: 10.99.1.1\n"
				 "      - {to: 0.0.0.0/0, via: 10.99.1.254}\n"
				 "    ports:\n"
				 "      eno2: { tag: 250 }\n"
				 "      mon0: { type: internal, tag: 250, mtu: 1400 }\n"
				 "      trunk0:\n"
				 "        trunk:\n"
				 "          - 10\n"
				 "          - 20\n"
				 "          - 300-302\n"
				 "      plain0:\n"
				 "      sys0: {type: system}\n"
				 "libvirt:\n"
				 "  networks:\n"
				 "    n1:\n"
				 "      bridge: brint\n"
				 "      access:\n"
				 "        - 5\n"
				 "        - 7-8\n"
				 "verify:\n"
				 "  reach:\n"
				 "    - from: 99\n"
				 "      to: 10.99.1.250\n";

static void every_key_of_the_schema_parses(void **unused)
{
	struct hn_config c;
	const struct hn_bridge *br0, *b;

	assert_int_equal(parse(full_block, &c), 0);
	assert_int_equal(c.datapath, HN_DATAPATH_NETDEV);
	br0 = hn_config_bridge(&c, "br0");
	assert_false(br0->has_addresses);
	assert_false(br0->has_gateway);
	b = hn_config_bridge(&c, "brint");
	assert_int_equal(b->mtu, 9000);
	assert_int_equal(b->n_addresses, 2);
	assert_prefix(&b->addresses[1], "10.98.0.1/16");
	assert_int_equal(b->n_routes, 4);
	assert_prefix(&b->routes[1].to, "10.7.0.5/32"); /* a bare address is a host route */
	assert_false(b->routes[1].has_via);
	assert_prefix(&b->routes[2].to, "10.50.0.0/16");
	assert_true(b->routes[2].has_via);
	assert_ip(b->routes[2].via, "10.99.1.1");
	assert_prefix(&b->routes[3].to, "0.0.0.0/0");
	assert_int_equal(b->routes[3].pos.line, 17);
	assert_int_equal(b->routes[3].pos.col, 9);

	assert_int_equal(b->n_ports, 5);
	assert_string_equal(b->ports[0].name, "eno2");
	assert_int_equal(b->ports[0].type, HN_PORT_SYSTEM);
	assert_int_equal(b->ports[0].tag, 250);
	assert_string_equal(b->ports[1].name, "mon0");
	assert_int_equal(b->ports[1].type, HN_PORT_INTERNAL);
	assert_int_equal(b->ports[1].mtu, 1400);
	assert_int_equal(b->ports[0].mtu, 0); /* absent: left alone */
	assert_true(b->ports[2].has_trunks);
	assert_vlans(&b->ports[2].trunks, "10,20,300-302");
	assert_int_equal(b->ports[2].tag, 0);
	assert_false(b->ports[3].has_trunks); /* `plain0:` alone: untagged system port */
	assert_int_equal(b->ports[3].tag, 0);
	assert_int_equal(b->ports[3].type, HN_PORT_SYSTEM);
	assert_int_equal(b->ports[4].type, HN_PORT_SYSTEM);

	assert_int_equal(c.networks[0].n_portgroups, 3);
	assert_string_equal(c.networks[0].portgroups[0].name, "5");
	assert_string_equal(c.networks[0].portgroups[2].name, "8");
	assert_int_equal(c.networks[0].portgroups[2].pos.line, 34);

	assert_false(c.verify.has_isolation);
	assert_true(c.verify.has_reach);
	assert_true(c.verify.reach[0].expect_ok); /* expect defaults to ok */
	assert_int_equal(c.n_undefine, 0);
	hn_config_free(&c);
}

/* IPv6 beside IPv4 in the same keys, each family into its own lists. */
static void ipv6_addresses_gateway_and_routes(void **unused)
{
	static const char yaml[] =
	    "bridges:\n"
	    "  br0:\n"
	    "    uplink: eno1\n"
	    "    addresses: [198.51.100.10/24, '2001:db8:100::10/64', 198.51.100.11/32]\n"
	    "    gateway6: 'fe80::1'\n"
	    "    routes: ['2001:db8:200::/48', 10.7.0.0/16, {to: '2001:db8:300::/48', via: "
	    "'2001:db8:100::2'}]\n";
	struct hn_config c;
	const struct hn_bridge *b;
	char buf[HN_PREFIX6_STRLEN];

	assert_int_equal(parse(yaml, &c), 0);
	b = &c.bridges[0];
	assert_int_equal(b->n_addresses, 2);
	assert_prefix(&b->addresses[1], "198.51.100.11/32");
	assert_int_equal(b->n_addresses6, 1);
	assert_string_equal(hn_prefix6_format(&b->addresses6[0], buf), "2001:db8:100::10/64");
	assert_true(b->has_gateway6);
	assert_true(IN6_IS_ADDR_LINKLOCAL(&b->gateway6));
	assert_int_equal(b->n_routes, 1);
	assert_prefix(&b->routes[0].to, "10.7.0.0/16");
	assert_int_equal(b->n_routes6, 2);
	assert_string_equal(hn_prefix6_format(&b->routes6[0].to, buf), "2001:db8:200::/48");
	assert_false(b->routes6[0].has_via);
	assert_true(b->routes6[1].has_via);
	assert_int_equal(b->routes6[1].pos.line, 6);
	hn_config_free(&c);
	assert_int_equal(
	    parse("verify: {reach: [{from: 99, to: '2001:db8:99::250'}, {from: 99, to: "
		  "10.99.1.250}]}\n",
		  &c),
	    0);
	assert_true(c.verify.reach[0].to_v6);
	assert_false(c.verify.reach[1].to_v6);
	assert_int_equal(c.verify.reach[1].to.s_addr, inet_addr("10.99.1.250"));
	hn_config_free(&c);
}

/* An internal port takes IPv6 as a bridge does, in the same keys. */
static void ipv6_on_a_port(void **unused)
{
	static const char yaml[] =
	    "bridges:\n"
	    "  brint:\n"
	    "    ports:\n"
	    "      mon0: {type: internal, tag: 250, addresses: ['2001:db8:250::1/64', "
	    "10.250.1.1/24],\n"
	    "             routes: [{to: '2001:db8:251::/48', via: 'fe80::fe'}, 10.251.0.0/16]}\n";
	struct hn_config c;
	const struct hn_port *p;
	char buf[HN_PREFIX6_STRLEN];

	assert_int_equal(parse(yaml, &c), 0);
	p = &c.bridges[0].ports[0];
	assert_int_equal(p->n_addresses, 1);
	assert_prefix(&p->addresses[0], "10.250.1.1/24");
	assert_int_equal(p->n_addresses6, 1);
	assert_string_equal(hn_prefix6_format(&p->addresses6[0], buf), "2001:db8:250::1/64");
	assert_int_equal(p->n_routes, 1);
	assert_int_equal(p->n_routes6, 1);
	assert_string_equal(hn_prefix6_format(&p->routes6[0].to, buf), "2001:db8:251::/48");
	assert_true(p->routes6[0].has_via);
	assert_true(IN6_IS_ADDR_LINKLOCAL(&p->routes6[0].via));
	hn_config_free(&c);
}

/* uplink: {mac: ...} finds the NIC by its MAC; the name is the agent's to fill. */
static void uplink_by_mac(void **unused)
{
	struct hn_config c;
	const struct hn_bridge *b;

	assert_int_equal(parse("bridges: {br0: {uplink: {mac: '52:54:00:AB:cd:0f'}}}\n", &c), 0);
	b = hn_config_bridge(&c, "br0");
	assert_true(b->uplink_by_mac);
	assert_memory_equal(b->uplink_want_mac.b, ((uint8_t[]){0x52, 0x54, 0, 0xab, 0xcd, 0x0f}),
			    6);
	assert_string_equal(b->uplink, "");
	assert_true(hn_bridge_has_uplink(b));
	hn_config_free(&c);
	/* The MACs allowed out go with an uplink found by MAC as with a named one. */
	assert_int_equal(parse("bridges: {br0: {uplink: {mac: '52:54:00:00:00:09'}, uplink_macs: "
			       "[52:54:00:00:00:01]}}\n",
			       &c),
			 0);
	assert_int_equal(c.bridges[0].n_uplink_macs, 1);
	hn_config_free(&c);
	assert_int_equal(parse("bridges: {br0: {uplink: eno1}}\n", &c), 0);
	assert_false(c.bridges[0].uplink_by_mac);
	assert_string_equal(c.bridges[0].uplink, "eno1");
	hn_config_free(&c);
}

/* uplink: {bond: [...]}: the first NIC is the uplink the move reads, the port is BRIDGE-bond. */
static void uplink_bond(void **unused)
{
	struct hn_config c;
	const struct hn_bridge *b;

	assert_int_equal(parse("bridges: {br0: {uplink: {bond: [eno2, eno1]}}}\n", &c), 0);
	b = hn_config_bridge(&c, "br0");
	assert_int_equal(b->n_bond, 2);
	assert_string_equal(b->bond[0], "eno2");
	assert_string_equal(b->bond[1], "eno1");
	assert_string_equal(b->uplink, "eno2");
	assert_string_equal(b->bond_port, "br0-bond");
	assert_string_equal(hn_bridge_uplink_port(b), "br0-bond");
	assert_int_equal(b->bond_mode, HN_BOND_ACTIVE_BACKUP);
	assert_int_equal(b->lacp, HN_LACP_OFF);
	assert_false(b->uplink_by_mac);
	hn_config_free(&c);
	assert_int_equal(parse("bridges: {br0: {uplink: {bond: [eno1, eno2, eno3], mode: "
			       "balance-tcp, lacp: active}}}\n",
			       &c),
			 0);
	b = &c.bridges[0];
	assert_int_equal(b->n_bond, 3);
	assert_int_equal(b->bond_mode, HN_BOND_BALANCE_TCP);
	assert_int_equal(b->lacp, HN_LACP_ACTIVE);
	assert_string_equal(hn_bond_mode_name(b->bond_mode), "balance-tcp");
	assert_string_equal(hn_lacp_name(b->lacp), "active");
	hn_config_free(&c);
	assert_int_equal(parse("bridges: {br0: {uplink: {bond: [eno1, eno2], mode: balance-slb, "
			       "lacp: passive}}}\n",
			       &c),
			 0);
	assert_int_equal(c.bridges[0].bond_mode, HN_BOND_BALANCE_SLB);
	assert_int_equal(c.bridges[0].lacp, HN_LACP_PASSIVE);
	hn_config_free(&c);
	/* A plain uplink has no bond: its port is the NIC's. */
	assert_int_equal(parse("bridges: {br0: {uplink: eno1}}\n", &c), 0);
	assert_int_equal(c.bridges[0].n_bond, 0);
	assert_string_equal(hn_bridge_uplink_port(&c.bridges[0]), "eno1");
	hn_config_free(&c);
}

/* An internal port with addresses and routes of its own, ARP hygiene turned off where the
 * config says so, the MACs allowed out through an uplink. */
static void ports_carry_addresses_and_the_guards_parse(void **unused)
{
	static const char yaml[] =
	    "bridges:\n"
	    "  br0:\n"
	    "    uplink: eno1\n"
	    "    uplink_macs: [52:54:00:AA:bb:01, 02:00:00:00:00:02]\n"
	    "  brint:\n"
	    "    tag: 99\n"
	    "    arp_hygiene: false\n"
	    "    ports:\n"
	    "      mon0:\n"
	    "        type: internal\n"
	    "        tag: 250\n"
	    "        addresses: [10.250.0.1/24]\n"
	    "        routes: [10.251.0.0/16, {to: 10.252.0.0/16, via: 10.250.0.9}]\n"
	    "      mon1: {type: internal, arp_hygiene: false}\n"
	    "      mon2: {type: internal, arp_hygiene: true}\n"
	    "      eno2: {tag: 250}\n";
	const struct hn_bridge *br0, *b;
	struct hn_config c;
	char mac[HN_MAC_STRLEN];

	assert_int_equal(parse(yaml, &c), 0);
	br0 = hn_config_bridge(&c, "br0");
	assert_false(br0->arp_hygiene_off);
	assert_int_equal(br0->n_uplink_macs, 2);
	assert_string_equal(hn_mac_format(&br0->uplink_macs[0], mac), "52:54:00:aa:bb:01");
	assert_string_equal(hn_mac_format(&br0->uplink_macs[1], mac), "02:00:00:00:00:02");
	b = hn_config_bridge(&c, "brint");
	assert_true(b->arp_hygiene_off);
	assert_int_equal(b->ports[0].n_addresses, 1);
	assert_prefix(&b->ports[0].addresses[0], "10.250.0.1/24");
	assert_int_equal(b->ports[0].n_routes, 2);
	assert_prefix(&b->ports[0].routes[0].to, "10.251.0.0/16");
	assert_false(b->ports[0].routes[0].has_via);
	assert_true(b->ports[0].routes[1].has_via);
	assert_ip(b->ports[0].routes[1].via, "10.250.0.9");
	assert_int_equal(b->ports[0].routes[1].pos.line, 13);
	/* Each port says for itself: the bridge's `false` is its own port's only. */
	assert_true(hn_port_arp_hygiene(&b->ports[0]));
	assert_false(hn_port_arp_hygiene(&b->ports[1]));
	assert_true(hn_port_arp_hygiene(&b->ports[2]));
	assert_false(hn_port_arp_hygiene(&b->ports[3])); /* a system port: never */
	hn_config_free(&c);
}

static void flow_and_block_styles_mean_the_same(void **unused)
{
	const char *block = "bridges:\n"
			    "  brint:\n"
			    "    ports:\n"
			    "      t0:\n"
			    "        trunk:\n"
			    "          - 10\n"
			    "          - 100-109\n"
			    "          - '250'\n";
	const char *flow = "{bridges: {brint: {ports: {t0: {trunk: [10, \"100-109\", 250]}}}}}";
	struct hn_config a, b;

	assert_int_equal(parse(block, &a), 0);
	assert_int_equal(parse(flow, &b), 0);
	assert_true(hn_vlanset_equal(&a.bridges[0].ports[0].trunks, &b.bridges[0].ports[0].trunks));
	assert_vlans(&a.bridges[0].ports[0].trunks, "10,100-109,250");
	hn_config_free(&a);
	hn_config_free(&b);
}

static void ranges_cover_the_whole_vlan_space(void **unused)
{
	const char *yaml = "bridges: {b: {}}\n"
			   "libvirt: {networks: {n: {bridge: b, access: [1-4094]}}}\n"
			   "verify: {isolation: {bridge: b, vlans: [1-4094, 4094, 1]}}\n";
	struct hn_config c;

	assert_int_equal(parse(yaml, &c), 0);
	assert_int_equal(c.networks[0].n_portgroups, 4094);
	assert_string_equal(c.networks[0].portgroups[4093].name, "4094");
	assert_int_equal(hn_vlanset_count(&c.verify.isolation_vlans), 4094);
	hn_config_free(&c);
}

static void portgroups_are_bounded(void **unused)
{
	char yaml[4096] = "bridges: {b: {}}\nlibvirt:\n  networks:\n";
	struct hn_config c;

	/* 16 x 4094 = 65504 portgroups pass; the 17th network's access list is refused. */
	for (int i = 0; i < 17; i++)
		snprintf(yaml + strlen(yaml), sizeof(yaml) - strlen(yaml),
			 "    n%02d: {bridge: b, access: [1-4094]}\n", i);
	assert_int_equal(parse(yaml, &c), -EINVAL);
	assert_string_equal(hn_errmsg(), "t.yaml:20:30: libvirt.networks.n16: 69598 portgroups in "
					 "all so far, expected at most 65536");
}

static void empty_sections_are_allowed(void **unused)
{
	struct hn_config c;

	assert_int_equal(parse("ovs:\nbridges:\nlibvirt:\nverify:\n", &c), 0);
	assert_int_equal(c.n_bridges, 0);
	assert_int_equal(c.datapath, HN_DATAPATH_AUTO);
	hn_config_free(&c);
	assert_int_equal(parse("bridges: {b: {addresses: []}}\nverify: {reach: []}\n", &c), 0);
	assert_true(c.bridges[0].has_addresses);
	assert_int_equal(c.bridges[0].n_addresses, 0);
	assert_true(c.verify.has_reach);
	assert_int_equal(c.verify.n_reach, 0);
	hn_config_free(&c);
}

/* ---- Every rule: the exact position, a word of the reason, one line ---- */

struct bad_case {
	const char *yaml;
	const char *where; /* "t.yaml:L:C: " */
	const char *word;  /* must appear in the message */
};

static const struct bad_case bad_cases[] = {
    /* YAML itself */
    {"", "t.yaml:1:1: ", "empty"},
    {"# only a comment\n\n", "t.yaml:1:1: ", "only comments"},
    {"---\n", "t.yaml:2:1: ", "empty"},
    {"a: [b\n", "t.yaml:2:1: ", "YAML syntax error"},
    {"a: b: c\n", "t.yaml:1:5: ", "mapping values are not allowed"},
    {"bridges:\n\tbr0: {}\n", "t.yaml:2:1: ", "YAML syntax error"},
    {"x: &a [1]\ny: *a\n", "t.yaml:2:4: ", "alias"},
    {"a: 1\n---\nb: 2\n", "t.yaml:2:1: ", "second YAML document"},
    {"? [a]\n: b\n", "t.yaml:1:3: ", "as a key"},
    {"a: \"x\\0y\"\n", "t.yaml:1:4: ", "NUL character"},
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
     "t.yaml:1:33: ", "nested too deep"},
    {"- a\n", "t.yaml:1:1: ", "expected a mapping with ovs"},
    {"just text\n", "t.yaml:1:1: ", "got a single value"},
    /* duplicate keys, at any level */
    {"ovs: {}\novs: {}\n", "t.yaml:2:1: ", "duplicate key 'ovs'"},
    {"bridges:\n  br0: {}\n  br0: {}\n", "t.yaml:3:3: ", "duplicate key 'br0'"},
    {"bridges:\n  b:\n    tag: 1\n    tag: 2\n", "t.yaml:4:5: ", "duplicate key 'tag'"},
    {"bridges: {b: {ports: {p: {}, p: {}}}}\n", "t.yaml:1:30: ", "duplicate key 'p'"},
    {"bridges: {b: {}}\nlibvirt: {networks: {n: {bridge: b, portgroups: {g: {tag: 1}, g: {tag: "
     "2}}}}}\n",
     "t.yaml:2:63: ", "duplicate key 'g'"},
    {"bridges: {b: {}}\nlibvirt: {networks: {n: {bridge: b, access: [100], portgroups: {'100': "
     "{tag: 5}}}}}\n",
     "t.yaml:2:65: ", "portgroup name '100' is used twice"},
    {"bridges: {b: {}}\nlibvirt: {networks: {n: {bridge: b, access: [100-102, 101]}}}\n",
     "t.yaml:2:55: ", "VLAN 101 is listed twice"},
    /* unknown keys and wrong types */
    {"bridge: {}\n", "t.yaml:1:1: ", "unknown key 'bridge', expected one of: ovs, bridges"},
    {"bridges: {b: {uplnk: e}}\n", "t.yaml:1:15: ", "unknown key 'uplnk'"},
    {"bridges: {b: {ports: {p: {vlan: 3}}}}\n",
     "t.yaml:1:27: ", "unknown key 'vlan', expected one of: type, tag, trunk, mtu"},
    {"ovs: {datapath: fast}\n", "t.yaml:1:17: ", "auto, system or netdev"},
    {"bridges: [br0]\n", "t.yaml:1:10: ", "got a list"},
    {"bridges: {b: {addresses: 10.0.0.1/24}}\n", "t.yaml:1:26: ", "got a single value"},
    {"bridges: {b: {addresses: {a: 1}}}\n", "t.yaml:1:26: ", "got a mapping"},
    {"bridges: {b: {tag: [1]}}\n", "t.yaml:1:20: ", "got a list, expected a VLAN id"},
    {"bridges: {b: {uplink: }}\n", "t.yaml:1:23: ", "got nothing"},
    {"bridges: {b: {mtu: 20}}\n", "t.yaml:1:20: ", "MTU"},
    {"bridges: {b: {uplink: {mac: '52:54:00:12:34'}}}\n", "t.yaml:1:29: ",
     "'52:54:00:12:34' is not a MAC address, expected a unicast MAC address like "
     "52:54:00:c6:64:0a"},
    {"bridges: {b: {uplink: {mac: '01:00:5e:00:00:01'}}}\n",
     "t.yaml:1:29: ", "is a multicast address"},
    {"bridges: {b: {uplink: {mac: '00:00:00:00:00:00'}}}\n",
     "t.yaml:1:29: ", "is the zero address"},
    {"bridges: {b: {uplink: {}}}\n", "t.yaml:1:23: ", "missing key 'mac'"},
    {"bridges: {b: {uplink: {name: eno1}}}\n",
     "t.yaml:1:24: ", "unknown key 'name', expected one of: mac, bond, mode, lacp"},
    {"bridges: {b: {uplink: [eno1]}}\n",
     "t.yaml:1:23: ", "got a list, expected an interface name, a mapping {mac: MAC}"},
    /* Bonds: two NICs at least, each once and nowhere else, the keys that fit together. */
    {"bridges: {b: {uplink: {bond: [eno1]}}}\n",
     "t.yaml:1:30: ", "bridges.b.uplink.bond: 1 NIC(s), expected a list of 2-8 NIC names"},
    {"bridges: {b: {uplink: {bond: eno1}}}\n", "t.yaml:1:30: ", "got a single value"},
    {"bridges: {b: {uplink: {bond: [eno1, eno1]}}}\n",
     "t.yaml:1:37: ", "interface 'eno1' is used twice: in the bond of b here"},
    {"bridges: {b: {uplink: {bond: [eno1, eno2]}, ports: {eno2: {}}}}\n",
     "t.yaml:1:53: ", "interface 'eno2' is used twice"},
    {"bridges: {b: {uplink: {bond: [eno1, eno2]}}, c: {uplink: eno2}}\n",
     "t.yaml:1:58: ", "interface 'eno2' is used twice"},
    {"bridges: {b: {uplink: {bond: [eno1, eno2], mac: '52:54:00:00:00:01'}}}\n",
     "t.yaml:1:49: ", "bridges.b.uplink: both mac and bond"},
    {"bridges: {b: {uplink: {bond: [eno1, eno2], mode: balance-tcp}}}\n",
     "t.yaml:1:50: ", "mode balance-tcp with lacp off, expected lacp: active or passive"},
    {"bridges: {b: {uplink: {bond: [eno1, eno2], mode: round-robin}}}\n", "t.yaml:1:50: ",
     "'round-robin' is not one of them, expected active-backup, balance-slb or balance-tcp"},
    {"bridges: {b: {uplink: {bond: [eno1, eno2], lacp: fast}}}\n",
     "t.yaml:1:50: ", "expected off, active or passive"},
    {"bridges: {b: {uplink: {mac: '52:54:00:00:00:01', lacp: active}}}\n",
     "t.yaml:1:56: ", "lacp without bond"},
    {"bridges: {b: {uplink: {mode: active-backup}}}\n", "t.yaml:1:30: ", "mode without bond"},
    {"bridges: {bridge12345: {uplink: {bond: [eno1, eno2]}}}\n",
     "t.yaml:1:40: ", "expected a bridge name of at most 10 bytes for a bonded uplink"},
    {"bridges: {b: {ports: {p: {mtu: 70000}}}}\n", "t.yaml:1:32: ", "MTU 68-65535"},
    {"bridges: {b: {ports: {p: {mtu: [9000]}}}}\n", "t.yaml:1:32: ", "expected an MTU"},
    {"bridges: {b: {ports: {p: {type: bond}}}}\n", "t.yaml:1:33: ", "internal or system"},
    {"verify: {reach: {from: 1}}\n", "t.yaml:1:17: ", "got a mapping, expected a list"},
    {"verify: {reach: [1]}\n", "t.yaml:1:18: ", "expected a mapping {from"},
    {"verify: {reach: [{to: 10.0.0.1}]}\n", "t.yaml:1:18: ", "missing key 'from'"},
    {"verify: {reach: [{from: 1, to: 10.0.0.1, expect: yes}]}\n", "t.yaml:1:50: ", "ok or fail"},
    {"verify: {isolation: brint}\n", "t.yaml:1:21: ", "got a single value"},
    {"bridges: {b: {}}\nverify: {isolation: {bridge: b}}\n",
     "t.yaml:2:21: ", "missing key 'vlans'"},
    {"bridges: {b: {}}\nlibvirt: {networks: {n: {portgroups: {}}}}\n",
     "t.yaml:2:25: ", "missing key 'bridge'"},
    {"bridges: {b: {}}\nlibvirt: {networks: {n: }}\n", "t.yaml:2:22: ", "missing key 'bridge'"},
    {"libvirt: {undefine: default}\n", "t.yaml:1:21: ", "got a single value, expected a list"},
    /* VLANs */
    {"bridges: {b: {tag: 0}}\n", "t.yaml:1:20: ", "'0' is out of range 1-4094"},
    {"bridges: {b: {tag: 4095}}\n", "t.yaml:1:20: ", "out of range"},
    {"bridges: {b: {tag: 99999999999}}\n", "t.yaml:1:20: ", "out of range"},
    {"bridges: {b: {tag: -1}}\n", "t.yaml:1:20: ", "not a VLAN id"},
    {"bridges: {b: {tag: 0x10}}\n", "t.yaml:1:20: ", "not a VLAN id"},
    {"bridges: {b: {tag: 10-20}}\n", "t.yaml:1:20: ", "a range where one VLAN id"},
    {"bridges: {b: {ports: {p: {trunk: [10, 4095]}}}}\n", "t.yaml:1:39: ", "out of range"},
    {"bridges: {b: {ports: {p: {trunk: [109-100]}}}}\n", "t.yaml:1:35: ", "goes down"},
    {"bridges: {b: {ports: {p: {trunk: [100-]}}}}\n", "t.yaml:1:35: ", "not a VLAN id or range"},
    {"bridges: {b: {ports: {p: {trunk: []}}}}\n", "t.yaml:1:34: ", "an empty list"},
    {"bridges: {b: {ports: {p: {trunk: [[1]]}}}}\n", "t.yaml:1:35: ", "got a list"},
    {"bridges: {b: {ports: {p: {trunk: 10}}}}\n", "t.yaml:1:34: ", "expected a list of VLAN"},
    {"bridges:\n  b:\n    ports:\n      p:\n        tag: 10\n        trunk: [20]\n",
     "t.yaml:6:16: ", "both tag and trunk"},
    {"bridges: {b: {}}\nlibvirt: {networks: {n: {bridge: b, portgroups: {g: {tag: 10, trunk: "
     "[10]}}}}}\n",
     "t.yaml:2:70: ", "both access and trunk"},
    {"bridges: {b: {}}\nlibvirt: {networks: {n: {bridge: b, portgroups: {g: {}}}}}\n",
     "t.yaml:2:53: ", "neither tag nor trunk"},
    {"bridges: {b: {}}\nlibvirt: {networks: {n: {bridge: b, access: [0]}}}\n",
     "t.yaml:2:46: ", "out of range"},
    /* interface names */
    {"bridges: {abcdefghijklmnop: {}}\n", "t.yaml:1:11: ", "longer than 15 bytes"},
    {"bridges: {'a/b': {}}\n", "t.yaml:1:11: ", "'/'"},
    {"bridges: {'a b': {}}\n", "t.yaml:1:11: ", "white space"},
    {"bridges: {'..': {}}\n", "t.yaml:1:11: ", "not allowed"},
    {"bridges: {'': {}}\n", "t.yaml:1:11: ", "is empty"},
    {"bridges: {'eth0:1': {}}\n", "t.yaml:1:11: ", "':'"},
    {"bridges: {b: {uplink: \"e\\tx\"}}\n", "t.yaml:1:23: ", "white space"},
    {"bridges: {b: {ports: {abcdefghijklmnop: {}}}}\n", "t.yaml:1:23: ", "longer than 15"},
    /* the same interface twice */
    {"bridges:\n  br0: {uplink: eno1}\n  br1: {uplink: eno1}\n", "t.yaml:3:17: ",
     "interface 'eno1' is used twice: as the uplink of br1 here, and as the uplink of br0 at "
     "line 2, column 17"},
    {"bridges:\n  br0: {uplink: eno1}\n  br1: {ports: {eno1: {}}}\n",
     "t.yaml:3:17: ", "as a port of br1"},
    {"bridges:\n  br0: {ports: {brint: {}}}\n  brint: {}\n", "t.yaml:3:3: ", "as a bridge"},
    {"bridges:\n  br0: {ports: {br0: {}}}\n", "t.yaml:2:17: ", "as a port of br0"},
    {"bridges:\n  br0: {ports: {p: {}}}\n  br1: {ports: {p: {}}}\n",
     "t.yaml:3:17: ", "interface 'p'"},
    {"bridges:\n  br0: {uplink: br0}\n", "t.yaml:2:17: ", "used twice"},
    /* the same address or route twice: the kernel would say "File exists" mid-run */
    {"bridges: {b: {addresses: [10.0.0.1/24, 10.0.0.1/24]}}\n", "t.yaml:1:40: ",
     "bridges: address '10.0.0.1' is used twice: on bridge b here, and on bridge b at line 1, "
     "column 27"},
    {"bridges:\n  br0: {addresses: [198.51.100.10/24]}\n  brint: {addresses: "
     "[10.99.1.250/32, 198.51.100.10/32]}\n",
     "t.yaml:3:39: ",
     "address '198.51.100.10' is used twice: on bridge brint here, and on "
     "bridge br0 at line 2, column 21"},
    {"bridges: {b: {routes: [10.99.1.0/24, {to: 10.99.1.0/24, via: 10.0.0.1}]}}\n",
     "t.yaml:1:38: ", "bridges: route to '10.99.1.0/24' is used twice"},
    {"bridges:\n  b: {routes: [10.0.0.1]}\n  c: {routes: [10.0.0.1/32]}\n", "t.yaml:3:16: ",
     "route to '10.0.0.1/32' is used twice: a route of bridge c here, and a route of bridge b "
     "at line 2, column 16"},
    {"bridges:\n  b: {gateway: 10.0.0.1}\n  c: {routes: [{to: 0.0.0.0/0, via: 10.0.0.2}]}\n",
     "t.yaml:3:16: ",
     "route to '0.0.0.0/0' is used twice: a route of bridge c here, and the "
     "gateway of bridge b"},
    {"bridges:\n  b: {gateway: 10.0.0.1}\n  c: {gateway: 10.0.0.2}\n",
     "t.yaml:3:16: ", "route to '0.0.0.0/0' is used twice: the gateway of bridge c here"},
    /* the same VLAN twice in a list */
    {"bridges: {b: {ports: {p: {trunk: [10, 10]}}}}\n", "t.yaml:1:39: ",
     "bridges.b.ports.p.trunk[1]: VLAN 10 is listed twice: in '10' here, and in '10' at line 1, "
     "column 35, expected each VLAN once in a list"},
    {"bridges: {b: {ports: {p: {trunk: [100-109, 105]}}}}\n", "t.yaml:1:44: ",
     "VLAN 105 is listed twice: in '105' here, and in '100-109' at line 1, column 35"},
    {"bridges: {b: {ports: {p: {trunk: [105, 100-109]}}}}\n",
     "t.yaml:1:40: ", "VLAN 105 is listed twice: in '100-109' here, and in '105'"},
    {"bridges: {b: {}}\nlibvirt: {networks: {n: {bridge: b, portgroups: {g: {trunk: [1-5, "
     "4-8]}}}}}\n",
     "t.yaml:2:67: ", "libvirt.networks.n.portgroups.g.trunk[1]: VLAN 4 is listed twice"},
    {"bridges: {b: {}}\nlibvirt: {networks: {n: {bridge: b, access: [100, 100]}}}\n",
     "t.yaml:2:51: ", "libvirt.networks.n.access[1]: VLAN 100 is listed twice"},
    /* addresses and routes */
    {"bridges: {b: {addresses: [10.0.0.1]}}\n", "t.yaml:1:27: ", "no prefix length"},
    {"bridges: {b: {addresses: [10.0.0.1/33]}}\n", "t.yaml:1:27: ", "0-32"},
    {"bridges: {b: {addresses: [10.0.0.256/24]}}\n", "t.yaml:1:27: ", "not an IPv4 prefix"},
    {"bridges: {b: {addresses: [fe80::1/64]}}\n", "t.yaml:1:27: ", "is link-local"},
    {"bridges: {a: {addresses: ['2001:db8::1/64']}, b: {addresses: [10.0.0.1/8, "
     "'2001:db8::1/128']}}\n",
     "t.yaml:1:75: ", "address '2001:db8::1' is used twice"},
    {"bridges: {a: {gateway6: 'fe80::1'}, b: {routes: ['::/0']}}\n",
     "t.yaml:1:50: ", "route to '::/0' is used twice"},
    {"bridges: {b: {addresses: ['2001:db8::1']}}\n", "t.yaml:1:27: ", "has no prefix length"},
    {"bridges: {b: {addresses: ['2001:db8::1/129']}}\n", "t.yaml:1:27: ", "not 0-128"},
    {"bridges: {b: {addresses: ['2001:db8:::1/64']}}\n", "t.yaml:1:27: ", "not an IPv6 prefix"},
    {"bridges: {b: {addresses: ['ff02::1/64']}}\n", "t.yaml:1:27: ", "is a multicast address"},
    {"bridges: {b: {gateway6: 10.0.0.1}}\n", "t.yaml:1:25: ", "not an IPv6 address"},
    {"verify: {reach: [{from: 1, to: 'fe80::1'}]}\n", "t.yaml:1:32: ", "is link-local"},
    {"bridges: {b: {gateway6: '::'}}\n", "t.yaml:1:25: ", "is no gateway's address"},
    {"bridges: {b: {routes: [{to: '2001:db8::/64', via: 10.0.0.1}]}}\n",
     "t.yaml:1:51: ", "is not of the family of the route's `to`"},
    {"bridges: {b: {routes: ['2001:db8::1/64']}}\n",
     "t.yaml:1:24: ", "has host bits set, expected 2001:db8::/64"},
    {"bridges: {b: {addresses: [10.0.0.1/]}}\n", "t.yaml:1:27: ", "0-32"},
    {"bridges: {b: {gateway: 10.0.0.1/24}}\n", "t.yaml:1:24: ", "a prefix where an address"},
    {"bridges: {b: {gateway: gw}}\n", "t.yaml:1:24: ", "not an IPv4 address"},
    {"bridges: {b: {routes: [10.99.1.5/24]}}\n",
     "t.yaml:1:24: ", "host bits set, expected 10.99.1.0/24"},
    {"bridges: {b: {routes: [{via: 10.0.0.1}]}}\n", "t.yaml:1:24: ", "missing key 'to'"},
    {"bridges: {b: {routes: [{to: 10.0.0.0/8, via: 10.0.0.0/8}]}}\n",
     "t.yaml:1:46: ", "a prefix where an address"},
    {"bridges: {b: {routes: [{to: 10.0.0.0/8, dev: x}]}}\n", "t.yaml:1:41: ", "unknown key 'dev'"},
    {"bridges: {b: {routes: [[10.0.0.0/8]]}}\n", "t.yaml:1:24: ", "got a list"},
    {"verify: {reach: [{from: 1, to: 1.2.3}]}\n", "t.yaml:1:32: ", "not an IPv4 address"},
    /* networks and the bridges they name */
    {"bridges: {br0: {}}\nlibvirt: {networks: {n: {bridge: brx}}}\n",
     "t.yaml:2:34: ", "bridge 'brx' is not in bridges, expected one of: br0"},
    {"libvirt: {networks: {n: {bridge: br0}}}\n", "t.yaml:1:34: ", "no bridge is defined"},
    {"bridges: {b: {}}\nverify: {isolation: {bridge: c, vlans: [1]}}\n",
     "t.yaml:2:30: ", "not in bridges"},
    {"libvirt: {networks: {'a/b': {bridge: b}}}\nbridges: {b: {}}\n",
     "t.yaml:1:22: ", "holds a '/'"},
    {"bridges: {b: {}}\nlibvirt: {undefine: [n], networks: {n: {bridge: b}}}\n", "t.yaml:2:37: ",
     "network 'n' is used twice: in networks here, and in undefine at line 2, column 22"},
    {"libvirt: {undefine: [default, default]}\n",
     "t.yaml:1:31: ", "network 'default' is used twice"},
    {"libvirt: {undefine: ['']}\n", "t.yaml:1:22: ", "an empty name"},
    /* not text */
    {"a: \xff\n", "t.yaml:1:4: ", "not valid UTF-8"},
    {"a: \xc3\x28\n", "t.yaml:1:4: ", "not valid UTF-8"},
    {"a: \xed\xa0\x80\n", "t.yaml:1:4: ", "not valid UTF-8"}, /* a surrogate */
    {"a: \xc0\xaf\n", "t.yaml:1:4: ", "not valid UTF-8"},     /* overlong '/' */
    {"a: b\n\x01\n", "t.yaml:2:1: ", "control characters"},
    /* What only the host's own interfaces may carry, and the uplink MAC guard */
    {"bridges: {b: {ports: {p: {tag: 2, addresses: [10.0.0.1/24]}}}}\n", "t.yaml:1:46: ",
     "bridges.b.ports.p.addresses: addresses on a system port, expected it on an internal port"},
    {"bridges: {b: {ports: {p: {routes: [10.0.0.0/8]}}}}\n",
     "t.yaml:1:35: ", "routes on a system port"},
    {"bridges: {b: {ports: {p: {arp_hygiene: false}}}}\n",
     "t.yaml:1:40: ", "arp_hygiene on a system port"},
    {"bridges: {b: {arp_hygiene: off}}\n",
     "t.yaml:1:28: ", "'off' is not a boolean, expected true or false"},
    {"bridges:\n  b: {addresses: [10.0.0.1/24]}\n  c: {ports: {m: {type: internal, "
     "addresses: [10.0.0.1/32]}}}\n",
     "t.yaml:3:47: ", "address '10.0.0.1' is used twice: on port m here, and on bridge b"},
    {"bridges:\n  b: {ports: {m: {type: internal, routes: [10.1.0.0/16]}, n: {type: internal, "
     "routes: [{to: 10.1.0.0/16, via: 10.0.0.9}]}}}\n",
     "t.yaml:2:88: ", "route to '10.1.0.0/16' is used twice: a route of port n here"},
    {"bridges: {b: {ports: {m: {type: internal, routes: [10.1.0.5/16]}}}}\n",
     "t.yaml:1:52: ", "host bits set"},
    {"bridges: {b: {uplink_macs: [52:54:00:00:00:01]}}\n",
     "t.yaml:1:28: ", "bridges.b.uplink_macs: a bridge without an uplink"},
    {"bridges: {b: {uplink: e, uplink_macs: [52:54:00:00:00:0g]}}\n",
     "t.yaml:1:40: ", "'52:54:00:00:00:0g' is not a MAC address"},
    {"bridges: {b: {uplink: e, uplink_macs: [33:33:00:00:00:01]}}\n",
     "t.yaml:1:40: ", "is a multicast address"},
    {"bridges: {b: {uplink: e, uplink_macs: [00:00:00:00:00:00]}}\n",
     "t.yaml:1:40: ", "is the zero address"},
    {"bridges: {b: {uplink: e, uplink_macs: [52:54:00:00:00:01, 52:54:00:00:00:01]}}\n",
     "t.yaml:1:59: ", "MAC '52:54:00:00:00:01' is used twice"},
    {"bridges: {b: {uplink: e, uplink_macs: [52:54:00:00:00:01:02]}}\n",
     "t.yaml:1:40: ", "is not a MAC address"},
    /* ovn */
    {"ovn: {remote: tcp:192.0.2.1}\n", "t.yaml:1:15: ", "has no :PORT"},
    {"ovn: {remote: http://x:1}\n", "t.yaml:1:15: ", "is not tcp:, ssl: or unix:"},
    {"ovn: {remote: tcp:192.0.2.1:6642}\n", "t.yaml:1:6: ", "missing key 'encap'"},
    {"ovn: {encap: {type: geneve, ip: 192.0.2.11}}\n", "t.yaml:1:6: ", "missing key 'remote'"},
    {"ovn: {remote: tcp:192.0.2.1:6642, encap: {type: gre, ip: 192.0.2.11}}\n",
     "t.yaml:1:49: ", "is not a tunnel type OVN offers"},
    {"ovn: {remote: tcp:192.0.2.1:6642, encap: {type: geneve}}\n",
     "t.yaml:1:42: ", "missing key 'ip'"},
    {"ovn: {remote: tcp:192.0.2.1:6642, encap: {type: geneve, ip: 192.0.2.300}}\n",
     "t.yaml:1:61: ", "192.0.2.300"},
    {"bridges: {br0: {}}\novn: {remote: tcp:192.0.2.1:6642, encap: {type: geneve, ip: "
     "192.0.2.11}, bridge_mappings: {provider: br9}}\n",
     "t.yaml:2:102: ", "bridge 'br9' is not in bridges"},
    {"bridges: {br0: {}}\novn: {remote: tcp:192.0.2.1:6642, encap: {type: geneve, ip: "
     "192.0.2.11}, bridge_mappings: {a: br0, b: br0}}\n",
     "t.yaml:2:100: ", "bridge 'br0' is used twice: mapped here"},
    {"ovn: {remote: tcp:192.0.2.1:6642, encap: {type: geneve, ip: 192.0.2.11}, "
     "system_id: \"a b\"}\n",
     "t.yaml:1:85: ", "holds a character other than"},
    {"ovn: {networks: {v10: {vlan: 10, physnet: p}}}\n",
     "t.yaml:1:6: ", "missing key 'northbound'"},
    {"ovn: {northbound: ssl:192.0.2.1:6641}\n", "t.yaml:1:19: ", "is not tcp: or unix:"},
    {"bridges: {br-int: {}}\novn: {remote: tcp:192.0.2.1:6642, encap: {type: geneve, ip: "
     "192.0.2.11}}\n",
     "t.yaml:2:15: ", "bridge 'br-int' is in bridges, but on an OVN chassis ovn-controller owns"},
    {"libvirt: {networks: {guests: {bridge: br-int}}}\n",
     "t.yaml:1:39: ", "bridge 'br-int' is not in bridges"},
    {"ovn: {remote: tcp:192.0.2.1:6642, encap: {type: geneve, ip: 192.0.2.11}}\n"
     "libvirt: {networks: {guests: {bridge: br-int, access: [10]}}}\n",
     "t.yaml:2:55: ", "a network on br-int has no portgroups or access VLANs"},
    {"ovn: {northbound: \"unix:\"}\n", "t.yaml:1:19: ", "a unix: path that is not absolute"},
    {"ovn: {northbound: \"tcp:[::1:6641\"}\n", "t.yaml:1:19: ", "bad IPv4 address"},
    {"ovn: {northbound: tcp:192.0.2.1:6641, networks: {v10: {physnet: p}}}\n",
     "t.yaml:1:55: ", "missing key 'vlan'"},
    {"ovn: {northbound: tcp:192.0.2.1:6641, networks: {v10: {vlan: 10}, v11: {vlan: 10}}}\n",
     "t.yaml:1:67: ", "VLAN '10 (overlay)' is used twice"},
    {"ovn: {northbound: tcp:192.0.2.1:6641, networks: {v10: {vlan: 10, physnet: p}, v11: "
     "{vlan: 10, physnet: p}}}\n",
     "t.yaml:1:79: ", "VLAN '10 on p' is used twice"},
    {"ovn: {northbound: tcp:192.0.2.1:6641, networks: {\"v/10\": {vlan: 10, physnet: p}}}\n",
     "t.yaml:1:50: ", "holds a character other than"},
    {"ovn: {northbound: tcp:192.0.2.1:6641, networks: {v10: {vlan: 5000, physnet: p}}}\n",
     "t.yaml:1:62: ", "out of range"},
};

static void ovn_chassis_and_fleet(void **unused)
{
	struct hn_config c;

	assert_int_equal(parse("bridges: {brund: {ports: {und0: {}}}}\n"
			       "ovn:\n"
			       "  remote: tcp:192.0.2.1:6642,ssl:[2001:db8::1]:6642\n"
			       "  encap: {type: vxlan, ip: 192.0.2.11}\n"
			       "  system_id: hv-a\n"
			       "  bridge_mappings: {provider: brund}\n"
			       "  northbound: tcp:192.0.2.1:6641\n"
			       "  networks:\n"
			       "    vlan10: {vlan: 10, physnet: provider}\n"
			       "    vlan20: {vlan: 20, physnet: provider}\n",
			       &c),
			 0);
	assert_true(c.has_ovn);
	assert_true(c.ovn.has_chassis);
	assert_string_equal(c.ovn.remote, "tcp:192.0.2.1:6642,ssl:[2001:db8::1]:6642");
	assert_int_equal(c.ovn.encap_type, HN_ENCAP_VXLAN);
	assert_string_equal(c.ovn.encap_ip, "192.0.2.11");
	assert_string_equal(c.ovn.system_id, "hv-a");
	assert_true(c.ovn.system_id_given);
	assert_int_equal(c.ovn.n_mappings, 1);
	assert_string_equal(c.ovn.mappings[0].physnet, "provider");
	assert_string_equal(c.ovn.mappings[0].bridge, "brund");
	assert_string_equal(c.ovn.northbound, "tcp:192.0.2.1:6641");
	assert_int_equal(c.ovn.n_networks, 2);
	assert_string_equal(c.ovn.networks[1].name, "vlan20");
	assert_int_equal(c.ovn.networks[1].vlan, 20);
	assert_string_equal(c.ovn.networks[1].physnet, "provider");
	hn_config_free(&c);

	/* Overlay networks (no physnet): a VLAN may be both an overlay network and one of a
	 * physical network, two different networks. */
	assert_int_equal(parse("ovn:\n"
			       "  northbound: tcp:192.0.2.1:6641\n"
			       "  networks:\n"
			       "    vlan10: {vlan: 10}\n"
			       "    prov10: {vlan: 10, physnet: provider}\n",
			       &c),
			 0);
	assert_int_equal(c.ovn.n_networks, 2);
	assert_null(c.ovn.networks[0].physnet);
	assert_int_equal(c.ovn.networks[0].vlan, 10);
	hn_config_free(&c);

	/* A chassis' guests on OVN's integration bridge, through libvirt. */
	assert_int_equal(parse("ovn: {remote: tcp:192.0.2.1:6642, encap: {type: geneve, ip: "
			       "192.0.2.11}}\n"
			       "libvirt: {networks: {ovn-guests: {bridge: br-int}}}\n",
			       &c),
			 0);
	assert_int_equal(c.n_networks, 1);
	assert_string_equal(c.networks[0].bridge, "br-int");
	assert_int_equal(c.networks[0].n_portgroups, 0);
	hn_config_free(&c);

	/* The fleet alone: no chassis for `up` to set. */
	assert_int_equal(parse("ovn: {northbound: \"unix:/run/ovn/ovnnb_db.sock\"}\n", &c), 0);
	assert_false(c.ovn.has_chassis);
	hn_config_free(&c);
}

static void every_bad_config_is_one_exact_line(void **unused)
{
	size_t failed = 0;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *t = &bad_cases[i];
		struct hn_config c;
		const char *msg;
		int r = parse(t->yaml, &c);

		msg = hn_errmsg();
		if (r != -EINVAL || !msg || strncmp(msg, t->where, strlen(t->where)) != 0 ||
		    !strstr(msg, t->word) || strchr(msg, '\n')) {
			print_error("case %zu %s\n  r=%d msg=%s\n  want %s...%s\n", i, t->yaml, r,
				    msg ? msg : "(none)", t->where, t->word);
			failed++;
		}
		if (r == 0) {
			/* Accepted: report every such case, not only the first. */
			hn_config_free(&c);
			continue;
		}
		/* The model is left empty on error: nothing to free, nothing half-made. */
		assert_null(c.bridges);
		assert_null(c.networks);
		assert_null(c.path);
	}
	assert_int_equal(failed, 0);
}

static void a_parse_with_a_nul_byte_in_the_middle_is_refused(void **unused)
{
	static const char yaml[] = "bridges:\n  b\0r: {}\n";
	struct hn_config c;

	assert_int_equal(hn_config_parse("t.yaml", yaml, sizeof(yaml) - 1, &c), -EINVAL);
	assert_string_equal(hn_errmsg(),
			    "t.yaml:2:4: a NUL byte: this is not a text file, expected YAML text");
}

/* ---- Files ---- */

static char *temp_file(const char *content, size_t len)
{
	char *path = strdup("/tmp/hostnet-config-test-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
	return path;
}

static void files_that_cannot_be_configs(void **unused)
{
	struct hn_config c;
	char msg[512], *path, *big;
	size_t big_len = HN_CONFIG_MAX_BYTES + 1;

	assert_int_equal(hn_config_load("/nonexistent/hostnet.yaml", &c), -ENOENT);
	assert_string_equal(hn_errmsg(), "/nonexistent/hostnet.yaml: No such file or directory");

	assert_int_equal(hn_config_load("/tmp", &c), -EISDIR);
	assert_string_equal(hn_errmsg(), "/tmp: is a directory, expected a YAML file");

	path = temp_file("", 0);
	assert_int_equal(hn_config_load(path, &c), -EINVAL);
	snprintf(msg, sizeof(msg), "%s:1:1: the file is empty", path);
	assert_int_equal(strncmp(hn_errmsg(), msg, strlen(msg)), 0);
	unlink(path);
	free(path);

	big = malloc(big_len);
	assert_non_null(big);
	memset(big, '#', big_len);
	path = temp_file(big, big_len);
	assert_int_equal(hn_config_load(path, &c), -EFBIG);
	snprintf(msg, sizeof(msg), "%s: the file is over", path);
	assert_int_equal(strncmp(hn_errmsg(), msg, strlen(msg)), 0);
	assert_int_equal(hn_config_parse("t.yaml", big, big_len, &c), -EFBIG);
	unlink(path);
	free(path);
	free(big);

	/* Unreadable: only meaningful when not root (root reads anything). */
	if (geteuid() != 0) {
		path = temp_file("ovs: {}\n", 8);
		chmod(path, 0);
		assert_int_equal(hn_config_load(path, &c), -EACCES);
		unlink(path);
		free(path);
	}
}

/* ---- The scalar parsers and the duplicate finder ---- */

static void scalars(void **unused)
{
	unsigned lo, hi, v;
	struct hn_prefix p;
	struct in_addr a;
	char q[HN_QUOTE_MAX];
	char long_name[200];

	assert_null(hn_scan_vlan("1", &v));
	assert_int_equal(v, 1);
	assert_null(hn_scan_vlan("4094", &v));
	assert_non_null(hn_scan_vlan("4095", &v));
	assert_non_null(hn_scan_vlan("", &v));
	assert_non_null(hn_scan_vlan("+5", &v));
	assert_non_null(hn_scan_vlan(" 5", &v));
	assert_null(hn_scan_vlan_range("100-109", &lo, &hi));
	assert_int_equal(lo, 100);
	assert_int_equal(hi, 109);
	assert_null(hn_scan_vlan_range("7", &lo, &hi));
	assert_int_equal(lo, 7);
	assert_int_equal(hi, 7);
	assert_null(hn_scan_vlan_range("5-5", &lo, &hi));
	assert_non_null(hn_scan_vlan_range("5-", &lo, &hi));
	assert_non_null(hn_scan_vlan_range("-5", &lo, &hi));
	assert_non_null(hn_scan_vlan_range("1-2-3", &lo, &hi));
	assert_non_null(hn_scan_vlan_range("0-5", &lo, &hi));
	assert_non_null(hn_scan_vlan_range("1-4095", &lo, &hi));

	assert_null(hn_scan_ifname("eno1"));
	assert_null(hn_scan_ifname("abcdefghijklmno")); /* 15 bytes */
	assert_non_null(hn_scan_ifname("abcdefghijklmnop"));
	assert_non_null(hn_scan_ifname("."));
	assert_null(hn_scan_ifname("..."));
	assert_non_null(hn_scan_ifname("a\xc2\xa0"
				       "b")); /* no-break space */

	assert_null(hn_scan_prefix("10.0.0.1", false, &p));
	assert_int_equal(p.len, 32);
	assert_non_null(hn_scan_prefix("10.0.0.1", true, &p));
	assert_null(hn_scan_prefix("0.0.0.0/0", true, &p));
	assert_int_equal(p.len, 0);
	assert_non_null(hn_scan_prefix("10.0.0.1/+8", true, &p));
	assert_non_null(hn_scan_prefix("10.0.0.1/8/8", true, &p));
	assert_non_null(hn_scan_prefix("10.1/8", true, &p));
	assert_non_null(hn_scan_prefix("1234567890123456789/8", true, &p));
	assert_null(hn_scan_ipv4("198.51.100.1", &a));
	assert_non_null(hn_scan_ipv4("198.51.100", &a));

	assert_string_equal(hn_quote("a\nb", q), "a?b");
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(strlen(hn_quote(long_name, q)), HN_QUOTE_MAX - 1);
}

static void duplicates_are_found_in_file_order(void **unused)
{
	struct hn_name_ref refs[] = {
	    {"b", {5, 1}, NULL, NULL}, {"a", {1, 1}, NULL, NULL}, {"c", {2, 1}, NULL, NULL},
	    {"a", {7, 3}, NULL, NULL}, {"b", {3, 1}, NULL, NULL}, {"a", {4, 2}, NULL, NULL},
	};
	const struct hn_name_ref *first, *again;

	assert_true(hn_find_duplicate(refs, 6, &first, &again));
	/* "a" repeats at 4:2, "b" at 5:1: the reader meets a's repeat first. */
	assert_string_equal(again->name, "a");
	assert_int_equal(again->pos.line, 4);
	assert_int_equal(first->pos.line, 1);
	assert_false(hn_find_duplicate(refs, 1, &first, &again));
	assert_false(hn_find_duplicate(
	    (struct hn_name_ref[]){{"x", {1, 1}, NULL, NULL}, {"y", {1, 1}, NULL, NULL}}, 2, &first,
	    &again));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(seed_config_loads_into_the_model),
	    cmocka_unit_test(seed_config_prints_every_portgroup),
	    cmocka_unit_test(every_key_of_the_schema_parses),
	    cmocka_unit_test(uplink_by_mac),
	    cmocka_unit_test(uplink_bond),
	    cmocka_unit_test(ipv6_addresses_gateway_and_routes),
	    cmocka_unit_test(ipv6_on_a_port),
	    cmocka_unit_test(ports_carry_addresses_and_the_guards_parse),
	    cmocka_unit_test(flow_and_block_styles_mean_the_same),
	    cmocka_unit_test(ranges_cover_the_whole_vlan_space),
	    cmocka_unit_test(portgroups_are_bounded),
	    cmocka_unit_test(empty_sections_are_allowed),
	    cmocka_unit_test(ovn_chassis_and_fleet),
	    cmocka_unit_test(every_bad_config_is_one_exact_line),
	    cmocka_unit_test(a_parse_with_a_nul_byte_in_the_middle_is_refused),
	    cmocka_unit_test(files_that_cannot_be_configs),
	    cmocka_unit_test(scalars),
	    cmocka_unit_test(duplicates_are_found_in_file_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
