// SPDX-License-Identifier: GPL-2.0-or-later
/* import, the kernel's part: the uplink found by MAC and default route, addresses, routes
 * someone added (not the kernel's), the ARP hygiene read back, what a config cannot say. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel_state.h"
#include "nl_import.h"

#include <stdlib.h>

static void port_(struct hn_bridge *b, const char *name, enum hn_port_type type, unsigned tag)
{
	struct hn_port *p = hn_array_add(&b->ports, &b->n_ports, sizeof(*p));

	assert_non_null(p);
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->type = type;
	p->tag = tag;
}

static struct hn_bridge *bridge_(struct hn_import *im, const char *name)
{
	struct hn_bridge *b = hn_array_add(&im->config.bridges, &im->config.n_bridges, sizeof(*b));

	assert_non_null(b);
	snprintf(b->name, sizeof(b->name), "%s", name);
	return b;
}

static bool noted(const struct hn_import *im, const char *what)
{
	for (size_t i = 0; i < im->n_notes; i++)
		if (strstr(im->notes[i], what))
			return true;
	return false;
}

static void free_import(struct hn_import *im)
{
	hn_config_free(&im->config);
	for (size_t i = 0; i < im->n_notes; i++)
		free(im->notes[i]);
	free(im->notes);
}

/* The seed's host by hand: br0 carries eno1's MAC and the default route; brint holds the
 * VLAN 99 address and a route; mon0 on VLAN 250 with its own address and no hygiene. */
static void seed_host(struct hn_nl_state *s, struct hn_import *im)
{
	struct hn_nl_link *br0;

	link_(s, 2, "eno1", true, 1500);
	link_(s, 3, "br0", true, 1500);
	link_(s, 4, "brint", true, 1500);
	link_(s, 5, "mon0", true, 1500);
	link_(s, 6, "eno2", true, 1500);
	br0 = hn_nl_link_by_name_mut(s, "br0");
	memcpy(br0->mac, hn_nl_link_by_name(s, "eno1")->mac, 6);
	link_arp_(s, "mon0", true, 0, 0);
	addr_(s, 3, "198.51.100.10", 24, 0);
	addr_(s, 4, "10.99.1.250", 32, 0);
	addr_(s, 5, "10.250.1.1", 24, HN_NL_PROTO);
	route_(s, "0.0.0.0", 0, "198.51.100.1", 3, RTPROT_BOOT);
	route_(s, "198.51.100.0", 24, NULL, 3, RTPROT_KERNEL);
	route_(s, "10.99.1.0", 24, NULL, 4, RTPROT_BOOT);
	route_(s, "10.250.0.0", 16, "10.250.1.254", 5, HN_NL_PROTO);
	route_(s, "10.251.0.0", 16, "10.250.1.254", 5, RTPROT_STATIC)->priority = 20;

	port_(bridge_(im, "br0"), "eno1", HN_PORT_SYSTEM, 0);
	port_(bridge_(im, "brint"), "eno2", HN_PORT_SYSTEM, 250);
	port_(&im->config.bridges[1], "mon0", HN_PORT_INTERNAL, 250);
	im->config.bridges[1].tag = 99;
}

static void uplink_and_its_gateway(void **unused)
{
	struct hn_nl_state s = {0};
	struct hn_import im = {0};
	const struct hn_bridge *br0;
	char buf[HN_PREFIX_STRLEN];

	seed_host(&s, &im);
	assert_int_equal(hn_nl_import(&s, &im), 0);
	br0 = &im.config.bridges[0];
	assert_string_equal(br0->uplink, "eno1");
	assert_int_equal(br0->n_ports, 0); /* the uplink is no port of the config */
	assert_true(br0->has_gateway);
	assert_int_equal(br0->gateway.s_addr, ip("198.51.100.1").s_addr);
	assert_true(br0->has_addresses);
	assert_int_equal(br0->n_addresses, 1);
	assert_string_equal(hn_prefix_format(&br0->addresses[0], buf), "198.51.100.10/24");
	/* Neither the default route (the gateway says it) nor the kernel's prefix route. */
	assert_int_equal(br0->n_routes, 0);
	assert_false(br0->arp_hygiene_off);
	hn_nl_state_clear(&s);
	free_import(&im);
}

static void ports_addresses_routes_and_hygiene(void **unused)
{
	struct hn_nl_state s = {0};
	struct hn_import im = {0};
	const struct hn_bridge *brint;
	const struct hn_port *mon0;
	char buf[HN_PREFIX_STRLEN];

	seed_host(&s, &im);
	assert_int_equal(hn_nl_import(&s, &im), 0);
	brint = &im.config.bridges[1];
	assert_string_equal(brint->uplink, "");
	assert_int_equal(brint->n_routes, 1);
	assert_string_equal(hn_prefix_format(&brint->routes[0].to, buf), "10.99.1.0/24");
	assert_false(brint->routes[0].has_via);
	mon0 = &brint->ports[1];
	assert_string_equal(mon0->name, "mon0");
	assert_int_equal(mon0->n_addresses, 1);
	assert_int_equal(mon0->n_routes, 1); /* the one with a metric is left out, noted */
	assert_true(mon0->routes[0].has_via);
	assert_true(mon0->arp_hygiene_off);
	assert_true(noted(&im, "mon0: arp_ignore 0, arp_announce 0"));
	assert_true(noted(&im, "route 10.251.0.0/16 dev mon0: a metric"));
	/* A system port gets no addresses: its stack never sees the switch's frames. */
	assert_int_equal(brint->ports[0].n_addresses, 0);
	hn_nl_state_clear(&s);
	free_import(&im);
}

static void default_route_without_the_mac_is_no_uplink(void **unused)
{
	struct hn_nl_state s = {0};
	struct hn_import im = {0};

	seed_host(&s, &im);
	hn_nl_link_by_name_mut(&s, "br0")->mac[5] = 0x99;
	assert_int_equal(hn_nl_import(&s, &im), 0);
	assert_string_equal(im.config.bridges[0].uplink, "");
	assert_int_equal(im.config.bridges[0].n_ports, 1);
	assert_int_equal(im.config.bridges[0].n_routes, 1); /* the default route, as a route */
	assert_true(im.config.bridges[0].routes[0].has_via);
	assert_true(noted(&im, "none of its ports carries its MAC"));
	hn_nl_state_clear(&s);
	free_import(&im);
}

/* IPv6 beside IPv4: br0's global address and default route via the provider's link-local
 * gateway, a static route; what the kernel or a router advertisement made (link-local,
 * SLAAC address, RA routes) and what a config cannot say (a metric) are left out, the last
 * three with a note; an internal port's IPv6 address is read as a bridge's. */
static void ipv6_addresses_gateway_and_routes(void **unused)
{
	struct hn_nl_state s = {0};
	struct hn_import im = {0};
	const struct hn_bridge *br0;
	char buf[HN_PREFIX6_STRLEN], via[INET6_ADDRSTRLEN];

	seed_host(&s, &im);
	addr6_(&s, 3, "2001:db8:100::10", 64, 0);
	addr6_(&s, 3, "fe80::1:2", 64, 0);
	addr6_(&s, 3, "2001:db8:100::aa:bb", 64, 0);
	s.addrs6[s.n_addrs6 - 1].flags = 0; /* SLAAC */
	addr6_(&s, 5, "2001:db8:250::1", 64, 0);
	route6_(&s, "::", 0, "fe80::1", 3, RTPROT_BOOT);
	route6_(&s, "::", 0, "fe80::99", 3, RTPROT_RA);
	route6_(&s, "2001:db8:100::", 64, NULL, 3, RTPROT_KERNEL);
	route6_(&s, "2001:db8:300::", 48, "2001:db8:100::1", 3, RTPROT_STATIC);
	route6_(&s, "2001:db8:400::", 48, "2001:db8:100::1", 3, RTPROT_STATIC)->priority = 20;
	route6_(&s, "2001:db8:500::", 48, "fe80::99", 3, RTPROT_RA);

	assert_int_equal(hn_nl_import(&s, &im), 0);
	br0 = &im.config.bridges[0];
	assert_string_equal(br0->uplink, "eno1");
	assert_true(br0->has_gateway);
	assert_true(br0->has_gateway6);
	assert_string_equal(inet_ntop(AF_INET6, &br0->gateway6, via, sizeof(via)), "fe80::1");
	assert_int_equal(br0->n_addresses6, 1);
	assert_string_equal(hn_prefix6_format(&br0->addresses6[0], buf), "2001:db8:100::10/64");
	assert_int_equal(br0->n_routes6, 1);
	assert_string_equal(hn_prefix6_format(&br0->routes6[0].to, buf), "2001:db8:300::/48");
	assert_true(br0->routes6[0].has_via);
	assert_true(noted(&im, "address 2001:db8:100::aa:bb/64 dev br0: learned from a router"));
	assert_true(noted(&im, "route 2001:db8:400::/48 dev br0: a metric"));
	assert_true(noted(&im, "route 2001:db8:500::/48 dev br0: learned from a router"));
	assert_int_equal(im.config.bridges[1].n_addresses6, 0);
	assert_int_equal(im.config.bridges[1].ports[1].n_addresses6, 1);
	assert_string_equal(hn_prefix6_format(&im.config.bridges[1].ports[1].addresses6[0], buf),
			    "2001:db8:250::1/64");
	hn_nl_state_clear(&s);
	free_import(&im);
}

/* An IPv6 default route alone makes the uplink too (an IPv6-only host). */
static void ipv6_only_uplink(void **unused)
{
	struct hn_nl_state s = {0};
	struct hn_import im = {0};
	const struct hn_bridge *br0;

	seed_host(&s, &im);
	s.n_routes = 0;
	s.n_addrs = 0;
	addr6_(&s, 3, "2001:db8:100::10", 64, 0);
	route6_(&s, "::", 0, "2001:db8:100::1", 3, RTPROT_BOOT);
	assert_int_equal(hn_nl_import(&s, &im), 0);
	br0 = &im.config.bridges[0];
	assert_string_equal(br0->uplink, "eno1");
	assert_false(br0->has_gateway);
	assert_true(br0->has_gateway6);
	assert_int_equal(br0->n_routes6, 0);
	hn_nl_state_clear(&s);
	free_import(&im);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(uplink_and_its_gateway),
	    cmocka_unit_test(ports_addresses_routes_and_hygiene),
	    cmocka_unit_test(default_route_without_the_mac_is_no_uplink),
	    cmocka_unit_test(ipv6_addresses_gateway_and_routes),
	    cmocka_unit_test(ipv6_only_uplink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
