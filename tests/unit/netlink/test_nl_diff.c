// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The netlink diff, pure: a kernel state built by hand against a config built by hand,
 * and the actions that come out. Also the uplink helpers and the requests' contents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/if_addr.h>

#include "error.h"
#include "kernel_state.h"
#include "nl_diff.h"
#include "nl_msg.h"
#include "nl_uplink.h"
#include "plan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BRINT 3
#define BR0   4
#define ENO1  2

static const struct hn_backend test_backend = {.free_priv = free};
static const struct hn_backend *const backends[HN_LAYER_COUNT] = {
    [HN_LAYER_NETLINK] = &test_backend,
};

/* ---- the config side: the seed's brint and br0, as the parser would give them ---- */

struct seed {
	struct hn_config c;
	struct hn_bridge b[2];
	struct hn_prefix brint_addr[2], br0_addr[1];
	struct hn_route brint_routes[3];
};

static void seed_init(struct seed *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->b[0].name, IFNAMSIZ, "br0");
	snprintf(s->b[0].uplink, IFNAMSIZ, "eno1");
	s->br0_addr[0] = pfx("198.51.100.10", 24);
	s->b[0].has_addresses = true;
	s->b[0].addresses = s->br0_addr;
	s->b[0].n_addresses = 1;
	s->b[0].has_gateway = true;
	s->b[0].gateway = ip("198.51.100.1");

	snprintf(s->b[1].name, IFNAMSIZ, "brint");
	s->b[1].tag = 99;
	s->brint_addr[0] = pfx("10.99.1.250", 32);
	s->b[1].has_addresses = true;
	s->b[1].addresses = s->brint_addr;
	s->b[1].n_addresses = 1;
	s->brint_routes[0].to = pfx("10.99.1.0", 24);
	s->b[1].routes = s->brint_routes;
	s->b[1].n_routes = 1;

	s->c.bridges = s->b;
	s->c.n_bridges = 2;
}

/* brint only (no br0): the integration tests' shape. */
static void brint_only(struct seed *s)
{
	seed_init(s);
	s->c.bridges = &s->b[1];
	s->c.n_bridges = 1;
}

/* The kernel state hostnet leaves after converging brint_only. */
static void brint_converged(struct hn_nl_state *k)
{
	link_(k, 1, "lo", true, 65536);
	link_(k, BRINT, "brint", true, 1500);
	addr_(k, BRINT, "10.99.1.250", 32, HN_NL_PROTO);
	route_(k, "10.99.1.0", 24, NULL, BRINT, HN_NL_PROTO);
}

static void diff_ok(const struct hn_nl_state *k, const struct hn_config *c, struct hn_plan *p)
{
	int r = hn_nl_diff(k, c, p);

	if (r < 0)
		fail_msg("diff failed: %s", hn_errmsg());
}

/* "+ address 10.99.1.250/32 on brint: detail" per action, to compare whole plans. */
static void assert_plan(const struct hn_plan *p, const char *const *want, size_t n)
{
	char line[1024], object[HN_OBJECT_STRLEN], detail[HN_DETAIL_STRLEN];

	for (size_t i = 0; i < p->n && i < n; i++) {
		const struct hn_action *a = p->actions[i];

		hn_action_detail(a, detail, sizeof(detail));
		snprintf(line, sizeof(line), "%c %s%s%s", hn_op_sign(a->op),
			 hn_object_format(&a->obj, object, sizeof(object)), detail[0] ? ": " : "",
			 detail);
		assert_string_equal(line, want[i]);
		assert_int_equal(a->layer, HN_LAYER_NETLINK);
		assert_non_null(a->priv);
	}
	assert_int_equal(p->n, n);
}

#define ASSERT_PLAN(p, ...)                                                                        \
	do {                                                                                       \
		static const char *const want_[] = {__VA_ARGS__};                                  \
		assert_plan((p), want_, sizeof(want_) / sizeof(want_[0]));                         \
	} while (0)

static struct hn_nl_change *change(const struct hn_plan *p, size_t i)
{
	return p->actions[i]->priv;
}

/* ---- from nothing ---- */

static void from_nothing_plans_on_an_interface_not_created_yet(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	link_(&k, 1, "lo", true, 65536);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "~ link brint: absent -> up, arp_ignore -> 1, arp_announce -> 2",
		    "+ address 10.99.1.250/32 on brint", "+ route 10.99.1.0/24 dev brint");
	/* By name: the ifindex is found when applying. */
	assert_string_equal(change(&p, 1)->ifname, "brint");
	assert_int_equal(change(&p, 1)->addr.ifindex, 0);
	assert_int_equal(change(&p, 1)->addr.prefixlen, 32);
	assert_int_equal(change(&p, 1)->addr.proto, HN_NL_PROTO);
	assert_false(change(&p, 1)->addr.has_broadcast); /* none on a /32 */
	assert_int_equal(change(&p, 2)->route.protocol, HN_NL_PROTO);
	assert_int_equal(change(&p, 2)->route.scope, RT_SCOPE_LINK);
	assert_int_equal(change(&p, 2)->route.table, RT_TABLE_MAIN);
	assert_false(change(&p, 2)->route.has_gateway);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void seed_from_an_existing_down_link(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	seed_init(&s);
	link_(&k, ENO1, "eno1", true, 1500);
	link_(&k, BRINT, "brint", false, 1500);
	link_(&k, BR0, "br0", false, 1500);
	diff_ok(&k, &s.c, &p);
	/* br0's /24 brings its own prefix route; the default route comes after the rest. */
	ASSERT_PLAN(&p, "~ link br0: down -> up", "~ link brint: down -> up",
		    "+ address 198.51.100.10/24 on br0", "+ address 10.99.1.250/32 on brint",
		    "+ route 10.99.1.0/24 dev brint", "+ route 0.0.0.0/0 via 198.51.100.1 dev br0");
	assert_true(change(&p, 2)->addr.has_broadcast);
	assert_int_equal(change(&p, 2)->addr.broadcast.s_addr, ip("198.51.100.255").s_addr);
	assert_int_equal(change(&p, 5)->route.scope, RT_SCOPE_UNIVERSE);
	assert_int_equal(change(&p, 5)->route.gateway.s_addr, ip("198.51.100.1").s_addr);
	assert_int_equal(change(&p, 5)->route.dst_len, 0);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* The seed with br0's uplink a bond of eno1 and eno2, as the parser gives it. */
static void bond_seed(struct seed *s)
{
	seed_init(s);
	snprintf(s->b[0].bond[0], IFNAMSIZ, "eno1");
	snprintf(s->b[0].bond[1], IFNAMSIZ, "eno2");
	s->b[0].n_bond = 2;
	snprintf(s->b[0].bond_port, IFNAMSIZ, "br0-bond");
}

/* A bond's other member is set up (ovs-vswitchd does not): only it, and nothing else of it;
 * the first member is the uplink, whose address moves as for one NIC. */
static void a_bonds_other_member_is_set_up(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	bond_seed(&s);
	link_(&k, ENO1, "eno1", true, 1500);
	link_(&k, 5, "eno2", false, 1500);
	link_(&k, BRINT, "brint", true, 1500);
	link_(&k, BR0, "br0", true, 1500);
	brint_converged(&k);
	addr_(&k, BR0, "198.51.100.10", 24, HN_NL_PROTO);
	route_(&k, "0.0.0.0", 0, "198.51.100.1", BR0, HN_NL_PROTO);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "~ link eno2: down -> up (in the bonded uplink of br0: OVS does not set it "
			"up)");
	assert_true(change(&p, 0)->up);
	assert_false(change(&p, 0)->arp);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* eno2, the bond's second NIC, holds an address and the default route: both move to br0 as
 * eno1's would, the address last (the SWITCH step), all probed around. */
static void a_bond_members_address_and_route_move_too(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct hn_prefix addrs[2] = {pfx("198.51.100.10", 24), pfx("198.51.100.11", 24)};
	struct seed s;

	bond_seed(&s);
	s.b[0].addresses = addrs; /* as hn_uplink_resolve gathers them */
	s.b[0].n_addresses = 2;
	link_(&k, ENO1, "eno1", true, 1500);
	link_(&k, 5, "eno2", true, 1500);
	link_(&k, BRINT, "brint", true, 1500);
	link_(&k, BR0, "br0", true, 1500);
	brint_converged(&k);
	addr_(&k, BR0, "198.51.100.10", 24, HN_NL_PROTO);
	addr_(&k, BR0, "198.51.100.11", 24, HN_NL_PROTO);
	addr_(&k, 5, "198.51.100.11", 24, 0);
	route_(&k, "0.0.0.0", 0, "198.51.100.1", 5, 0);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p,
		    "~ route 0.0.0.0/0 via 198.51.100.1 dev br0: replaces 0.0.0.0/0 via "
		    "198.51.100.1 dev eno2 (not hostnet's; the uplink move takes it)",
		    "- address 198.51.100.11/24 on eno2: moved to br0 (not hostnet's; the uplink "
		    "move takes it)");
	for (size_t i = 0; i < p.n; i++) {
		assert_true(p.actions[i]->uplink);
		assert_int_equal(p.actions[i]->stage, HN_STAGE_SWITCH);
	}
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* ---- internal ports of their own, and the ARP hygiene ---- */

/* brint_only, with mon0 (internal, VLAN 250) holding 10.250.0.1/24 and a route through it,
 * and mon1 (internal) with nothing but its hygiene. */
struct ports {
	struct seed s;
	struct hn_port p[2];
	struct hn_prefix mon0_addr[1];
	struct hn_route mon0_routes[1];
};

static void ports_init(struct ports *x)
{
	memset(x, 0, sizeof(*x));
	brint_only(&x->s);
	snprintf(x->p[0].name, IFNAMSIZ, "mon0");
	x->p[0].type = HN_PORT_INTERNAL;
	x->p[0].tag = 250;
	x->mon0_addr[0] = pfx("10.250.0.1", 24);
	x->p[0].addresses = x->mon0_addr;
	x->p[0].n_addresses = 1;
	x->mon0_routes[0].to = pfx("10.251.0.0", 16);
	x->mon0_routes[0].has_via = true;
	x->mon0_routes[0].via = ip("10.250.0.254");
	x->p[0].routes = x->mon0_routes;
	x->p[0].n_routes = 1;
	snprintf(x->p[1].name, IFNAMSIZ, "mon1");
	x->p[1].type = HN_PORT_INTERNAL;
	x->s.b[1].ports = x->p;
	x->s.b[1].n_ports = 2;
}

static void an_internal_port_gets_its_address_route_and_hygiene(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct ports x;

	ports_init(&x);
	brint_converged(&k);
	diff_ok(&k, &x.s.c, &p);
	/* Not created yet (OVS makes them in the same `up`): by name, set up where they hold
	 * an address; the /24 brings its prefix route, the route via a gateway on it comes
	 * after. */
	ASSERT_PLAN(&p, "~ link mon0: absent -> up, arp_ignore -> 1, arp_announce -> 2",
		    "~ link mon1: arp_ignore -> 1, arp_announce -> 2",
		    "+ address 10.250.0.1/24 on mon0",
		    "+ route 10.251.0.0/16 via 10.250.0.254 dev mon0");
	assert_true(change(&p, 0)->up);
	assert_true(change(&p, 0)->arp);
	assert_false(change(&p, 1)->up); /* nothing to hold: left down */
	assert_true(change(&p, 1)->arp);
	assert_int_equal(change(&p, 2)->addr.proto, HN_NL_PROTO);
	assert_int_equal(change(&p, 2)->addr.route_metric, 0); /* not an uplink bridge */
	assert_string_equal(change(&p, 3)->ifname, "mon0");
	assert_int_equal(p.actions[3]->stage, HN_STAGE_MAIN);
	hn_plan_free(&p, backends);

	/* Converged: nothing. */
	link_(&k, 7, "mon0", true, 1500);
	link_(&k, 8, "mon1", false, 1500);
	addr_(&k, 7, "10.250.0.1", 24, HN_NL_PROTO);
	route_(&k, "10.251.0.0", 16, "10.250.0.254", 7, HN_NL_PROTO);
	memset(&p, 0, sizeof(p));
	diff_ok(&k, &x.s.c, &p);
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);

	/* The port's route dropped from the config: pruned, hostnet's as it is. */
	x.p[0].n_routes = 0;
	memset(&p, 0, sizeof(p));
	diff_ok(&k, &x.s.c, &p);
	ASSERT_PLAN(&p, "- route 10.251.0.0/16 via 10.250.0.254 dev mon0");
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* mon1 with IPv6 alone: brought up for it, the address hostnet's, the route after it; once
 * there nothing; dropped from the config, both pruned. */
static void an_internal_port_gets_ipv6(void **unused)
{
	struct hn_prefix6 a6 = {ip6("2001:db8:250::1"), 64};
	struct hn_route6 r6 = {.to = {ip6("2001:db8:251::"), 48}, .has_via = true};
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct ports x;

	ports_init(&x);
	r6.via = ip6("fe80::fe");
	x.p[1].addresses6 = &a6;
	x.p[1].n_addresses6 = 1;
	x.p[1].routes6 = &r6;
	x.p[1].n_routes6 = 1;
	brint_converged(&k);
	link_(&k, 7, "mon0", true, 1500);
	link_(&k, 8, "mon1", false, 1500);
	link_arp_(&k, "mon0", true, 1, 2);
	link_arp_(&k, "mon1", true, 1, 2);
	addr_(&k, 7, "10.250.0.1", 24, HN_NL_PROTO);
	route_(&k, "10.251.0.0", 16, "10.250.0.254", 7, HN_NL_PROTO);
	diff_ok(&k, &x.s.c, &p);
	ASSERT_PLAN(&p, "~ link mon1: down -> up", "+ address 2001:db8:250::1/64 on mon1",
		    "+ route 2001:db8:251::/48 via fe80::fe dev mon1");
	assert_int_equal(change(&p, 1)->addr.proto, HN_NL_PROTO);
	assert_int_equal(change(&p, 1)->addr.flags, 0); /* a new address: DAD runs */
	assert_int_equal(change(&p, 2)->route.priority, HN_NL_ROUTE6_METRIC);
	hn_plan_free(&p, backends);

	hn_nl_link_by_name_mut(&k, "mon1")->flags |= IFF_UP;
	addr6_(&k, 8, "2001:db8:250::1", 64, HN_NL_PROTO);
	route6_(&k, "2001:db8:251::", 48, "fe80::fe", 8, HN_NL_PROTO);
	memset(&p, 0, sizeof(p));
	diff_ok(&k, &x.s.c, &p);
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);

	x.p[1].n_addresses6 = x.p[1].n_routes6 = 0;
	memset(&p, 0, sizeof(p));
	diff_ok(&k, &x.s.c, &p);
	ASSERT_PLAN(&p, "- route 2001:db8:251::/48 via fe80::fe dev mon1",
		    "- address 2001:db8:250::1/64 on mon1");
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void hygiene_is_set_where_missing_and_left_where_off(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct ports x;

	ports_init(&x);
	x.s.c.bridges[0].ports = NULL;
	x.s.c.bridges[0].n_ports = 0;
	brint_converged(&k);
	link_arp_(&k, "brint", true, 0, 0);
	p.observe = true;
	diff_ok(&k, &x.s.c, &p);
	ASSERT_PLAN(&p, "~ link brint: arp_ignore 0 -> 1, arp_announce 0 -> 2");
	assert_false(change(&p, 0)->up); /* up already */
	assert_true(change(&p, 0)->arp);
	hn_plan_free(&p, backends);

	/* Knobs that could not be read count as not set: set them. */
	link_arp_(&k, "brint", false, 0, 0);
	memset(&p, 0, sizeof(p));
	diff_ok(&k, &x.s.c, &p);
	ASSERT_PLAN(&p, "~ link brint: arp_ignore -> 1, arp_announce -> 2");
	hn_plan_free(&p, backends);

	/* Turned off: left as they are, and still read for verify. */
	link_arp_(&k, "brint", true, 0, 0);
	x.s.c.bridges[0].arp_hygiene_off = true;
	memset(&p, 0, sizeof(p));
	p.observe = true;
	diff_ok(&k, &x.s.c, &p);
	assert_int_equal(p.n, 0);
	assert_string_equal(p.observed[0]->obj.name, "brint");
	assert_int_equal(p.observed[0]->fields.n, 4);
	assert_string_equal(p.observed[0]->fields.v[2].name, "arp_ignore");
	assert_string_equal(p.observed[0]->fields.v[2].read, "0");
	assert_false(p.observed[0]->fields.v[2].has_want);
	hn_plan_free(&p, backends);

	/* A port with nothing to hold and its hygiene off: nothing to do, read all the same. */
	x.p[1].arp_hygiene_off = true;
	x.s.c.bridges[0].ports = x.p + 1;
	x.s.c.bridges[0].n_ports = 1;
	link_(&k, 8, "mon1", false, 1500);
	link_arp_(&k, "mon1", true, 0, 0);
	memset(&p, 0, sizeof(p));
	p.observe = true;
	diff_ok(&k, &x.s.c, &p);
	assert_int_equal(p.n, 0);
	assert_string_equal(p.observed[1]->obj.name, "mon1");
	assert_string_equal(p.observed[1]->fields.v[0].read, "down");
	assert_false(p.observed[1]->fields.v[0].has_want);
	assert_string_equal(p.observed[1]->fields.v[2].read, "0");
	assert_false(p.observed[1]->fields.v[2].has_want);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* ---- converged ---- */

static void converged_host_gives_an_empty_plan(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	brint_converged(&k);
	diff_ok(&k, &s.c, &p);
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void what_others_added_satisfies_the_config_too(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	link_(&k, BRINT, "brint", true, 1500);
	addr_(&k, BRINT, "10.99.1.250", 32, 0);
	route_(&k, "10.99.1.0", 24, NULL, BRINT, RTPROT_BOOT);
	diff_ok(&k, &s.c, &p);
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* ---- exact prefixes ---- */

static void a_host_address_is_not_its_subnet(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	link_(&k, BRINT, "brint", true, 1500);
	addr_(&k, BRINT, "10.99.1.250", 24, 0); /* someone's /24: not the /32 asked for */
	route_(&k, "10.99.1.0", 24, NULL, BRINT, RTPROT_KERNEL);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "+ address 10.99.1.250/32 on brint");
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void same_address_on_another_link_does_not_count(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	link_(&k, ENO1, "eno1", true, 1500);
	link_(&k, BRINT, "brint", true, 1500);
	addr_(&k, ENO1, "10.99.1.250", 32, 0);
	route_(&k, "10.99.1.0", 24, NULL, BRINT, HN_NL_PROTO);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "+ address 10.99.1.250/32 on brint");
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* ---- drift ---- */

static void drift_is_listed(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	s.b[1].mtu = 9000;
	link_(&k, BRINT, "brint", false, 1500);
	addr_(&k, BRINT, "10.99.1.251", 32, HN_NL_PROTO); /* hostnet's, dropped from config */
	route_(&k, "10.99.9.0", 24, NULL, BRINT, HN_NL_PROTO);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "~ link brint: down -> up, mtu 1500 -> 9000",
		    "+ address 10.99.1.250/32 on brint", "+ route 10.99.1.0/24 dev brint",
		    "- route 10.99.9.0/24 dev brint", "- address 10.99.1.251/32 on brint");
	assert_int_equal(change(&p, 0)->mtu, 9000);
	assert_int_equal(change(&p, 3)->old.oif, BRINT);
	assert_int_equal(change(&p, 4)->addr.ifindex, BRINT);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void mtu_alone(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	s.b[1].mtu = 1400;
	brint_converged(&k);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "~ link brint: mtu 1500 -> 1400");
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* ---- ownership ---- */

static void foreign_addresses_and_routes_are_left_alone(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	brint_converged(&k);
	link_(&k, ENO1, "eno1", true, 1500);
	addr_(&k, BRINT, "10.99.1.99", 24, 0);	 /* an admin's */
	addr_(&k, ENO1, "198.51.100.10", 24, 0); /* the uplink's: #6, not now */
	addr_(&k, BRINT, "10.99.1.98", 32, 2);	 /* a kernel-made one (IFAPROT_KERNEL_RA) */
	route_(&k, "10.99.1.0", 24, NULL, BRINT, RTPROT_KERNEL)->priority = 100;
	route_(&k, "0.0.0.0", 0, "198.51.100.1", ENO1, RTPROT_BOOT);
	route_(&k, "10.50.0.0", 16, "10.99.1.1", BRINT, RTPROT_STATIC);
	diff_ok(&k, &s.c, &p);
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void only_hostnets_kind_of_route_is_its(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	brint_converged(&k);
	route_(&k, "10.60.0.0", 16, "10.99.1.1", BRINT, HN_NL_PROTO)->table = 100;
	route_(&k, "10.61.0.0", 16, NULL, 0, HN_NL_PROTO)->type = RTN_BLACKHOLE;
	route_(&k, "10.62.0.0", 16, NULL, 0, HN_NL_PROTO)->multipath = true;
	diff_ok(&k, &s.c, &p);
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void down_removes_all_hostnet_owns_routes_first(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_converged(&k);
	link_(&k, BR0, "br0", true, 1500);
	addr_(&k, BR0, "198.51.100.10", 24, HN_NL_PROTO);
	addr_(&k, BRINT, "10.99.1.99", 24, 0);
	route_(&k, "0.0.0.0", 0, "198.51.100.1", BR0, HN_NL_PROTO);
	route_(&k, "198.51.100.0", 24, NULL, BR0, RTPROT_KERNEL);
	diff_ok(&k, NULL, &p);
	ASSERT_PLAN(&p, "- route 10.99.1.0/24 dev brint",
		    "- route 0.0.0.0/0 via 198.51.100.1 dev br0",
		    "- address 10.99.1.250/32 on brint", "- address 198.51.100.10/24 on br0");
	assert_int_equal(change(&p, 1)->old.protocol, HN_NL_PROTO);
	assert_int_equal(change(&p, 1)->old.gateway.s_addr, ip("198.51.100.1").s_addr);
	hn_plan_free(&p, backends);

	/* `down` with the config at hand (for the uplink's sake) is the same. */
	seed_init(&s);
	s.c.down = true;
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "- route 10.99.1.0/24 dev brint",
		    "- route 0.0.0.0/0 via 198.51.100.1 dev br0",
		    "- address 10.99.1.250/32 on brint", "- address 198.51.100.10/24 on br0");
	hn_plan_free(&p, backends);

	/* And once it is all gone, down has nothing to do. */
	hn_nl_state_clear(&k);
	brint_converged(&k);
	k.addrs[0].proto = 0;
	k.routes[0].protocol = RTPROT_BOOT;
	diff_ok(&k, NULL, &p);
	assert_int_equal(p.n, 0);
	hn_nl_state_clear(&k);
}

static void a_removed_bridge_takes_its_addresses_along(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	brint_converged(&k);
	link_(&k, 7, "brold", true, 1500);
	addr_(&k, 7, "10.7.0.1", 24, HN_NL_PROTO);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "- address 10.7.0.1/24 on brold");
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* ---- routes ---- */

static void gatewayed_routes_follow_device_routes(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	s.brint_routes[0] =
	    (struct hn_route){.to = pfx("10.50.0.0", 16), .has_via = true, .via = ip("10.99.1.1")};
	s.brint_routes[1].to = pfx("10.99.1.0", 24);
	s.b[1].n_routes = 2;
	link_(&k, BRINT, "brint", true, 1500);
	addr_(&k, BRINT, "10.99.1.250", 32, HN_NL_PROTO);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "+ route 10.99.1.0/24 dev brint",
		    "+ route 10.50.0.0/16 via 10.99.1.1 dev brint");
	assert_int_equal(change(&p, 1)->route.scope, RT_SCOPE_UNIVERSE);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void hostnets_route_with_another_gateway_is_replaced(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	s.brint_routes[1] =
	    (struct hn_route){.to = pfx("10.50.0.0", 16), .has_via = true, .via = ip("10.99.1.1")};
	s.b[1].n_routes = 2;
	brint_converged(&k);
	route_(&k, "10.50.0.0", 16, "10.99.1.2", BRINT, HN_NL_PROTO);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "~ route 10.50.0.0/16 via 10.99.1.1 dev brint: replaces 10.50.0.0/16 via "
			"10.99.1.2 dev brint");
	assert_int_equal(change(&p, 0)->old.gateway.s_addr, ip("10.99.1.2").s_addr);
	assert_int_equal(change(&p, 0)->route.gateway.s_addr, ip("10.99.1.1").s_addr);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void a_foreign_route_in_the_way_is_an_error_and_no_plan(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct hn_object obj;
	struct seed s;

	seed_init(&s);
	link_(&k, ENO1, "eno1", true, 1500);
	link_(&k, BRINT, "brint", true, 1500);
	link_(&k, BR0, "br0", true, 1500);
	/* Not the uplink's: someone's default route through brint. */
	route_(&k, "0.0.0.0", 0, "10.99.1.1", BRINT, RTPROT_BOOT);
	/* Another backend's action already in the plan stays; none of netlink's is left. */
	hn_object_set(&obj, HN_KIND_BRIDGE, "br0", NULL, NULL);
	assert_non_null(hn_plan_add(&p, HN_OP_CREATE, &obj));
	assert_int_equal(hn_nl_diff(&k, &s.c, &p), -EEXIST);
	assert_string_equal(hn_errmsg(),
			    "route 0.0.0.0/0 via 198.51.100.1 dev br0: the main table already has "
			    "0.0.0.0/0 via 10.99.1.1 dev brint (proto boot), which hostnet did not "
			    "add; remove it or change the config");
	assert_int_equal(p.n, 1);
	assert_int_equal(p.n_observed, 0);
	assert_string_equal(p.actions[0]->obj.name, "br0");
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* ---- the uplink move ---- */

/* A fresh host: eno1 holds the address and the default route, br0 just made by OVS. */
static void fresh_uplink(struct hn_nl_state *k)
{
	link_(k, ENO1, "eno1", true, 1500);
	link_(k, BR0, "br0", false, 1500);
	addr_(k, ENO1, "198.51.100.10", 24, 0);
	route_(k, "198.51.100.0", 24, NULL, ENO1, RTPROT_KERNEL);
	route_(k, "0.0.0.0", 0, "198.51.100.1", ENO1, RTPROT_BOOT);
}

static void up_moves_address_and_default_route_to_the_bridge(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	seed_init(&s);
	s.c.n_bridges = 1; /* br0 only */
	fresh_uplink(&k);
	route_(&k, "0.0.0.0", 0, "198.51.100.2", ENO1, RTPROT_DHCP)->priority = 100;
	diff_ok(&k, &s.c, &p);
	/* The bridge first gets the address, then the default route is swapped in one
	 * replace, then what still points at eno1 goes: the host always has a way out. */
	ASSERT_PLAN(&p, "~ link br0: down -> up", "+ address 198.51.100.10/24 on br0",
		    "~ route 0.0.0.0/0 via 198.51.100.1 dev br0: replaces 0.0.0.0/0 via "
		    "198.51.100.1 dev eno1 (not hostnet's; the uplink move takes it)",
		    "- route 0.0.0.0/0 via 198.51.100.2 dev eno1: leaves with the uplink's address "
		    "(not hostnet's; the uplink move takes it)",
		    "- address 198.51.100.10/24 on eno1: moved to br0 (not hostnet's; the uplink "
		    "move takes it)");
	for (size_t i = 0; i < p.n; i++)
		assert_true(p.actions[i]->uplink);
	/* Undo puts eno1's own route back as it was read. */
	assert_int_equal(change(&p, 2)->old.oif, ENO1);
	assert_int_equal(change(&p, 2)->old.protocol, RTPROT_BOOT);
	assert_int_equal(change(&p, 4)->addr.ifindex, ENO1);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void half_moved_host_finishes_the_move(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	seed_init(&s);
	s.c.n_bridges = 1;
	fresh_uplink(&k);
	k.links[1].flags = IFF_UP;
	addr_(&k, BR0, "198.51.100.10", 24, HN_NL_PROTO); /* on both: killed mid-way */
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p,
		    "~ route 0.0.0.0/0 via 198.51.100.1 dev br0: replaces 0.0.0.0/0 via "
		    "198.51.100.1 dev eno1 (not hostnet's; the uplink move takes it)",
		    "- address 198.51.100.10/24 on eno1: moved to br0 (not hostnet's; the uplink "
		    "move takes it)");
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void down_gives_the_uplink_its_address_back_first(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	seed_init(&s);
	s.c.n_bridges = 1;
	s.c.down = true;
	link_(&k, ENO1, "eno1", true, 1500);
	link_(&k, BR0, "br0", true, 1500);
	addr_(&k, BR0, "198.51.100.10", 24, HN_NL_PROTO);
	route_(&k, "0.0.0.0", 0, "198.51.100.1", BR0, HN_NL_PROTO);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "+ address 198.51.100.10/24 on eno1: back from br0",
		    "~ route 0.0.0.0/0 via 198.51.100.1 dev eno1: back from br0",
		    "- address 198.51.100.10/24 on br0");
	/* The NIC's own again: no hostnet mark, so a later up does not think it owns them. */
	assert_int_equal(change(&p, 0)->addr.proto, 0);
	assert_int_equal(change(&p, 1)->route.protocol, RTPROT_BOOT);
	assert_int_equal(change(&p, 1)->old.oif, BR0);
	for (size_t i = 0; i < p.n; i++)
		assert_true(p.actions[i]->uplink);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void the_same_route_twice_is_an_error(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	seed_init(&s);
	s.brint_routes[1] =
	    (struct hn_route){.to = pfx("0.0.0.0", 0), .has_via = true, .via = ip("10.99.1.1")};
	s.b[1].n_routes = 2;
	assert_int_equal(hn_nl_diff(&k, &s.c, &p), -EEXIST);
	assert_non_null(strstr(hn_errmsg(), "twice (on brint and on br0)"));
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void a_route_the_new_address_brings_is_not_added_twice(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	s.brint_addr[0] = pfx("10.99.1.250", 24);
	link_(&k, BRINT, "brint", true, 1500);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "+ address 10.99.1.250/24 on brint");
	hn_plan_free(&p, backends);

	/* With the address there but its prefix route deleted, the route is added. */
	addr_(&k, BRINT, "10.99.1.250", 24, HN_NL_PROTO);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "+ route 10.99.1.0/24 dev brint");
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void a_config_address_named_twice_is_added_once(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	s.brint_addr[1] = s.brint_addr[0];
	s.b[1].n_addresses = 2;
	s.b[1].n_routes = 0;
	link_(&k, BRINT, "brint", true, 1500);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "+ address 10.99.1.250/32 on brint");
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

static void addresses_key_absent_means_none_asked(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	seed_init(&s);
	s.b[0].has_addresses = false;
	s.b[0].n_addresses = 0;
	s.b[0].has_gateway = false;
	s.c.n_bridges = 1; /* br0 only */
	link_(&k, BR0, "br0", true, 1500);
	diff_ok(&k, &s.c, &p);
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* ---- IPv6 ---- */

/* eno1 with IPv4 and IPv6 (default via the provider's link-local fe80::1): both families
 * move to br0 in the same stages, the IPv6 address without DAD, its prefix route behind
 * eno1's. */
static void up_moves_ipv6_with_ipv4(void **unused)
{
	struct hn_prefix6 a6 = {ip6("2001:db8:100::10"), 64};
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	seed_init(&s);
	s.c.n_bridges = 1;
	s.b[0].addresses6 = &a6;
	s.b[0].n_addresses6 = 1;
	s.b[0].has_gateway6 = true;
	s.b[0].gateway6 = ip6("fe80::1");
	fresh_uplink(&k);
	addr6_(&k, ENO1, "2001:db8:100::10", 64, 0);
	addr6_(&k, ENO1, "fe80::5054:ff:fe00:2", 64, 0);
	route6_(&k, "::", 0, "fe80::1", ENO1, RTPROT_BOOT);
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "~ link br0: down -> up", "+ address 198.51.100.10/24 on br0",
		    "~ route 0.0.0.0/0 via 198.51.100.1 dev br0: replaces 0.0.0.0/0 via "
		    "198.51.100.1 dev eno1 (not hostnet's; the uplink move takes it)",
		    "- address 198.51.100.10/24 on eno1: moved to br0 (not hostnet's; the uplink "
		    "move takes it)",
		    "+ address 2001:db8:100::10/64 on br0",
		    "~ route ::/0 via fe80::1 dev br0: replaces ::/0 via fe80::1 dev eno1 (not "
		    "hostnet's; the uplink move takes it)",
		    "- address 2001:db8:100::10/64 on eno1: moved to br0 (not hostnet's; the "
		    "uplink move takes it)");
	assert_int_equal(p.actions[4]->stage, HN_STAGE_MAIN);
	assert_int_equal(change(&p, 4)->addr.flags, IFA_F_NODAD);
	assert_int_equal(change(&p, 4)->addr.proto, HN_NL_PROTO);
	assert_int_equal(change(&p, 4)->addr.route_metric, HN_NL_UPLINK_BRIDGE_METRIC6);
	assert_int_equal(p.actions[5]->stage, HN_STAGE_SWITCH);
	assert_int_equal(change(&p, 5)->route.priority, 1024);
	assert_int_equal(change(&p, 5)->old.oif, ENO1);
	assert_int_equal(p.actions[6]->stage, HN_STAGE_SWITCH);
	for (size_t i = 0; i < p.n; i++)
		assert_true(p.actions[i]->uplink);
	hn_plan_free(&p, backends);

	/* Converged: nothing, and eno1's link-local address stays where it is. */
	hn_nl_state_clear(&k);
	memset(&p, 0, sizeof(p));
	link_(&k, ENO1, "eno1", true, 1500);
	link_(&k, BR0, "br0", true, 1500);
	addr_(&k, BR0, "198.51.100.10", 24, HN_NL_PROTO);
	route_(&k, "0.0.0.0", 0, "198.51.100.1", BR0, HN_NL_PROTO);
	addr6_(&k, BR0, "2001:db8:100::10", 64, HN_NL_PROTO);
	addr6_(&k, ENO1, "fe80::5054:ff:fe00:2", 64, 0);
	route6_(&k, "::", 0, "fe80::1", BR0, HN_NL_PROTO);
	diff_ok(&k, &s.c, &p);
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);

	/* down: both back to eno1, unmarked, without DAD; then the bridge's go. */
	s.c.down = true;
	memset(&p, 0, sizeof(p));
	diff_ok(&k, &s.c, &p);
	ASSERT_PLAN(&p, "+ address 198.51.100.10/24 on eno1: back from br0",
		    "~ route 0.0.0.0/0 via 198.51.100.1 dev eno1: back from br0",
		    "- address 198.51.100.10/24 on br0",
		    "+ address 2001:db8:100::10/64 on eno1: back from br0",
		    "~ route ::/0 via fe80::1 dev eno1: back from br0",
		    "- address 2001:db8:100::10/64 on br0");
	assert_int_equal(change(&p, 3)->addr.proto, 0);
	assert_int_equal(change(&p, 3)->addr.flags, IFA_F_NODAD);
	assert_int_equal(change(&p, 4)->route.protocol, RTPROT_BOOT);
	assert_int_equal(p.actions[4]->stage, HN_STAGE_SWITCH);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* An IPv6 route of the config whose place another holds is refused, as for IPv4. */
static void a_foreign_ipv6_route_in_the_way_is_an_error(void **unused)
{
	struct hn_route6 r6 = {.to = {ip6("2001:db8:200::"), 48}};
	struct hn_nl_state k = {0};
	struct hn_plan p = {0};
	struct seed s;

	brint_only(&s);
	s.b[1].routes6 = &r6;
	s.b[1].n_routes6 = 1;
	brint_converged(&k);
	link_(&k, 9, "eth9", true, 1500);
	route6_(&k, "2001:db8:200::", 48, NULL, 9, RTPROT_BOOT);
	assert_int_equal(hn_nl_diff(&k, &s.c, &p), -EEXIST);
	assert_string_equal(hn_errmsg(),
			    "route 2001:db8:200::/48 dev brint: the main table already "
			    "has 2001:db8:200::/48 dev eth9 (metric 1024), which "
			    "hostnet did not add; remove it or change the config");
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);
	hn_nl_state_clear(&k);
}

/* ---- the uplink helpers ---- */

static void uplink_facts(void **unused)
{
	struct hn_nl_state k = {0};
	struct hn_link_facts f;
	struct hn_prefix got[2];
	struct in_addr gw;
	uint8_t mac[6];
	size_t n;

	link_(&k, ENO1, "eno1", true, 1500);
	link_(&k, BRINT, "brint", true, 1500);
	addr_(&k, ENO1, "198.51.100.10", 24, 0);
	addr_(&k, BRINT, "10.99.1.250", 32, HN_NL_PROTO);
	addr_(&k, ENO1, "203.0.113.7", 32, 0);
	addr_(&k, ENO1, "203.0.113.8", 32, 0);
	route_(&k, "0.0.0.0", 0, "198.51.100.254", ENO1, RTPROT_BOOT)->priority = 200;
	route_(&k, "0.0.0.0", 0, "198.51.100.1", ENO1, RTPROT_DHCP)->priority = 100;
	route_(&k, "0.0.0.0", 0, "198.51.100.9", ENO1, RTPROT_BOOT)->table = 100;

	assert_int_equal(hn_nl_link_mac(&k, "eno1", mac), 0);
	assert_memory_equal(mac, ((uint8_t[]){0x52, 0x54, 0, 0, 0, ENO1}), 6);
	assert_int_equal(hn_nl_link_ipv4(&k, "eno1", got, 2, &n), 0);
	assert_int_equal(n, 3); /* how many there are, though 2 fit */
	assert_int_equal(got[0].addr.s_addr, ip("198.51.100.10").s_addr);
	assert_int_equal(got[0].len, 24);
	assert_int_equal(got[1].addr.s_addr, ip("203.0.113.7").s_addr);
	assert_int_equal(hn_nl_default_gateway(&k, "eno1", &gw), 0);
	assert_int_equal(gw.s_addr, ip("198.51.100.1").s_addr);

	assert_int_equal(hn_nl_default_gateway(&k, "brint", &gw), -ENOENT);
	assert_string_equal(hn_errmsg(), "brint: no default route through it in the main table");
	assert_int_equal(hn_nl_link_mac(&k, "eno9", mac), -ENODEV);
	assert_string_equal(hn_errmsg(), "eno9: no such interface");
	assert_int_equal(hn_nl_link_ipv4(&k, "eno9", got, 2, &n), -ENODEV);

	/* All of it at once, as the backend hands it to the agent. */
	hn_nl_link_facts(&k, "eno1", &f);
	assert_true(f.exists && f.has_mac && f.has_gateway);
	assert_int_equal(f.ifindex, ENO1);
	assert_int_equal(f.n_addrs, 3);
	assert_int_equal(f.addrs[2].addr.s_addr, ip("203.0.113.8").s_addr);
	assert_int_equal(f.gateway.s_addr, ip("198.51.100.1").s_addr);
	hn_nl_link_facts(&k, "brint", &f);
	assert_true(f.exists && !f.has_gateway);
	assert_int_equal(f.n_addrs, 1);
	hn_nl_link_facts(&k, "eno9", &f);
	assert_false(f.exists || f.has_mac || f.n_addrs);
	hn_nl_state_clear(&k);
}

/* The uplink found by MAC: the NIC that has it, not the bridge that took it nor a device
 * that copies it; none, or two NICs, is said. */
static void nic_by_mac(void **unused)
{
	static const uint8_t mac[6] = {0x52, 0x54, 0, 0, 0, ENO1};
	struct hn_nl_state k = {0};
	const struct hn_nl_link *found, *also;
	unsigned n;

	link_(&k, ENO1, "ens3", true, 1500);
	link_(&k, BR0, "br0", true, 1500);
	memcpy(k.links[1].mac, mac, 6); /* other_config:hwaddr */
	link_(&k, 7, "ens3.100", true, 1500);
	memcpy(k.links[2].mac, mac, 6);
	strcpy(k.links[2].kind, "vlan");
	link_(&k, 8, "vnet0", true, 1500);
	memcpy(k.links[3].mac, mac, 6);
	strcpy(k.links[3].kind, "tun");
	hn_nl_nic_by_mac(&k, mac, "br0", &found, &also, &n);
	assert_int_equal(n, 1);
	assert_string_equal(found->name, "ens3");
	assert_null(also);

	link_(&k, 9, "eth9", true, 1500); /* a second NIC with the same MAC */
	memcpy(k.links[4].mac, mac, 6);
	hn_nl_nic_by_mac(&k, mac, "br0", &found, &also, &n);
	assert_int_equal(n, 2);
	assert_string_equal(also->name, "eth9");

	hn_nl_nic_by_mac(&k, (uint8_t[]){2, 0, 0, 0, 0, 1}, "br0", &found, &also, &n);
	assert_int_equal(n, 0);
	assert_null(found);
	hn_nl_state_clear(&k);
}

/* ---- what the requests say ---- */

static struct nlattr **attrs(struct nl_msg *m, size_t hdrlen, int max, struct nlattr **tb)
{
	assert_int_equal(nlmsg_parse(nlmsg_hdr(m), (int)hdrlen, tb, max, NULL), 0);
	return tb;
}

static void a_route_removal_names_hostnets_protocol(void **unused)
{
	struct hn_nl_state k = {0};
	struct nlattr *tb[RTA_MAX + 1];
	struct hn_nl_route *r = route_(&k, "10.50.0.0", 16, "10.99.1.1", BRINT, HN_NL_PROTO);
	struct nl_msg *m = hn_nl_msg_route(RTM_DELROUTE, 0, r);
	struct rtmsg *rtm;

	assert_non_null(m);
	rtm = nlmsg_data(nlmsg_hdr(m));
	assert_int_equal(nlmsg_hdr(m)->nlmsg_type, RTM_DELROUTE);
	/* The kernel deletes only a route of that protocol: never someone else's. */
	assert_int_equal(rtm->rtm_protocol, HN_NL_PROTO);
	assert_int_equal(rtm->rtm_dst_len, 16);
	assert_int_equal(rtm->rtm_table, RT_TABLE_MAIN);
	attrs(m, sizeof(*rtm), RTA_MAX, tb);
	assert_int_equal(nla_get_u32(tb[RTA_OIF]), BRINT);
	assert_int_equal(nla_get_u32(tb[RTA_GATEWAY]), ip("10.99.1.1").s_addr);
	assert_int_equal(nla_get_u32(tb[RTA_DST]), ip("10.50.0.0").s_addr);
	nlmsg_free(m);

	/* A default route carries no RTA_DST. */
	r->dst_len = 0;
	r->dst.s_addr = 0;
	m = hn_nl_msg_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, r);
	assert_non_null(m);
	assert_int_equal(nlmsg_hdr(m)->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL),
			 NLM_F_CREATE | NLM_F_EXCL);
	attrs(m, sizeof(*rtm), RTA_MAX, tb);
	assert_null(tb[RTA_DST]);
	nlmsg_free(m);
	hn_nl_state_clear(&k);
}

static void an_address_request_carries_the_mark(void **unused)
{
	struct hn_nl_addr a = {.ifindex = BRINT, .prefixlen = 32, .proto = HN_NL_PROTO};
	struct nlattr *tb[IFA_MAX + 1];
	struct nl_msg *m;
	struct ifaddrmsg *ifa;

	a.local = a.address = ip("10.99.1.250");
	m = hn_nl_msg_addr(RTM_NEWADDR, &a);
	assert_non_null(m);
	ifa = nlmsg_data(nlmsg_hdr(m));
	assert_int_equal(ifa->ifa_prefixlen, 32);
	assert_int_equal(ifa->ifa_index, BRINT);
	attrs(m, sizeof(*ifa), IFA_MAX, tb);
	assert_int_equal(nla_get_u8(tb[IFA_PROTO]), HN_NL_PROTO);
	assert_int_equal(nla_get_u32(tb[IFA_LOCAL]), a.local.s_addr);
	assert_null(tb[IFA_BROADCAST]);
	nlmsg_free(m);
}

static void a_link_request_touches_up_only(void **unused)
{
	struct nlattr *tb[IFLA_MAX + 1];
	struct nl_msg *m = hn_nl_msg_link(BRINT, true, 0);
	struct ifinfomsg *ifi;

	assert_non_null(m);
	ifi = nlmsg_data(nlmsg_hdr(m));
	assert_int_equal(ifi->ifi_index, BRINT);
	assert_int_equal(ifi->ifi_change, IFF_UP);
	assert_int_equal(ifi->ifi_flags, IFF_UP);
	attrs(m, sizeof(*ifi), IFLA_MAX, tb);
	assert_null(tb[IFLA_MTU]);
	nlmsg_free(m);

	m = hn_nl_msg_link(BRINT, false, 1400);
	assert_non_null(m);
	ifi = nlmsg_data(nlmsg_hdr(m));
	assert_int_equal(ifi->ifi_flags, 0);
	attrs(m, sizeof(*ifi), IFLA_MAX, tb);
	assert_int_equal(nla_get_u32(tb[IFLA_MTU]), 1400);
	nlmsg_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(from_nothing_plans_on_an_interface_not_created_yet),
	    cmocka_unit_test(seed_from_an_existing_down_link),
	    cmocka_unit_test(a_bonds_other_member_is_set_up),
	    cmocka_unit_test(a_bond_members_address_and_route_move_too),
	    cmocka_unit_test(converged_host_gives_an_empty_plan),
	    cmocka_unit_test(what_others_added_satisfies_the_config_too),
	    cmocka_unit_test(a_host_address_is_not_its_subnet),
	    cmocka_unit_test(same_address_on_another_link_does_not_count),
	    cmocka_unit_test(drift_is_listed),
	    cmocka_unit_test(mtu_alone),
	    cmocka_unit_test(foreign_addresses_and_routes_are_left_alone),
	    cmocka_unit_test(only_hostnets_kind_of_route_is_its),
	    cmocka_unit_test(down_removes_all_hostnet_owns_routes_first),
	    cmocka_unit_test(a_removed_bridge_takes_its_addresses_along),
	    cmocka_unit_test(gatewayed_routes_follow_device_routes),
	    cmocka_unit_test(hostnets_route_with_another_gateway_is_replaced),
	    cmocka_unit_test(a_foreign_route_in_the_way_is_an_error_and_no_plan),
	    cmocka_unit_test(up_moves_address_and_default_route_to_the_bridge),
	    cmocka_unit_test(half_moved_host_finishes_the_move),
	    cmocka_unit_test(down_gives_the_uplink_its_address_back_first),
	    cmocka_unit_test(the_same_route_twice_is_an_error),
	    cmocka_unit_test(a_route_the_new_address_brings_is_not_added_twice),
	    cmocka_unit_test(a_config_address_named_twice_is_added_once),
	    cmocka_unit_test(addresses_key_absent_means_none_asked),
	    cmocka_unit_test(uplink_facts),
	    cmocka_unit_test(nic_by_mac),
	    cmocka_unit_test(up_moves_ipv6_with_ipv4),
	    cmocka_unit_test(a_foreign_ipv6_route_in_the_way_is_an_error),
	    cmocka_unit_test(a_route_removal_names_hostnets_protocol),
	    cmocka_unit_test(an_address_request_carries_the_mark),
	    cmocka_unit_test(a_link_request_touches_up_only),
	    cmocka_unit_test(an_internal_port_gets_its_address_route_and_hygiene),
	    cmocka_unit_test(hygiene_is_set_where_missing_and_left_where_off),
	    cmocka_unit_test(an_internal_port_gets_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
