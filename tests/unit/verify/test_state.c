// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * State checks: one line per object the seed config asks for, CRITICAL when an action of
 * the layer's diff names it (made-up diffs say what differs), UNKNOWN for a layer that
 * could not be read, and the object names checked against the real OVS and netlink diffs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "netlink.h"
#include "nl_diff.h"
#include "ovs.h"
#include "ovs_diff.h"
#include "plan.h"
#include "seed_config.h"
#include "state.h"
#include "state_objects.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* An action of a made-up diff: its object, and its detail as the remark. */
struct fake_action {
	enum hn_op op;
	enum hn_kind kind;
	const char *name, *on, *via, *detail;
};

static void free_priv(void *priv)
{
	free(priv);
}

static const struct hn_backend fake = {.free_priv = free_priv};
static const struct hn_backend *const owners[HN_LAYER_COUNT] = {&fake, &fake, &fake};

/* A host where only layer was used, read and compared, and its diff said list[0..n). */
static void compared(struct hn_verify_host *host, enum hn_layer layer,
		     const struct fake_action *list, size_t n)
{
	memset(host, 0, sizeof(*host));
	host->layers[layer].used = true;
	for (size_t i = 0; i < n; i++) {
		struct hn_object obj;
		struct hn_action *a;

		hn_object_set(&obj, list[i].kind, list[i].name, list[i].on, list[i].via);
		a = hn_plan_add(&host->layers[layer].plan, list[i].op, &obj);
		assert_non_null(a);
		assert_int_equal(a->layer, layer);
		hn_action_remark(a, "%s", list[i].detail);
		a->priv = malloc(8); /* freed through free_priv, as a backend's */
	}
}

static void host_free(struct hn_verify_host *host)
{
	for (int l = 0; l < HN_LAYER_COUNT; l++)
		hn_plan_free(&host->layers[l].plan, owners);
}

#define SAY(host, layer, list) compared((host), (layer), (list), sizeof(list) / sizeof((list)[0]))

static struct hn_opts opts = {.timeout_ms = 100};
static const uint8_t eno1_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

/* The seed, as the state checks see it once the uplink facts are in. */
static void seed(struct hn_config *c)
{
	seed_config(c, true);
	c->datapath = HN_DATAPATH_NETDEV;
	c->bridges[0].has_uplink_mac = true;
	memcpy(c->bridges[0].uplink_mac, eno1_mac, sizeof(eno1_mac));
}

static struct hn_checks run(struct hn_config *want, struct hn_verify_host *host)
{
	struct hn_checks c = {0};

	assert_int_equal(hn_state_checks(&opts, want, host, &c), 0);
	host_free(host);
	return c;
}

static void line_is(const struct hn_checks *c, size_t i, enum hn_check_status status,
		    const char *name, const char *expected, const char *found)
{
	assert_true(i < c->n);
	assert_string_equal(c->v[i].name, name);
	assert_string_equal(c->v[i].expected, expected);
	assert_string_equal(c->v[i].found, found);
	assert_int_equal(c->v[i].status, status);
}

static void ovs_ok_is_one_line_per_object(void **unused)
{
	struct hn_verify_host host;
	struct hn_config want;
	struct hn_checks c;

	seed(&want);
	compared(&host, HN_LAYER_OVS, NULL, 0);
	c = run(&want, &host);
	assert_int_equal(c.n, 5);
	line_is(&c, 0, HN_CHECK_OK, "bridge br0",
		"datapath netdev, hwaddr 52:54:00:12:34:56 (eno1's)",
		"datapath netdev, hwaddr 52:54:00:12:34:56 (eno1's)");
	line_is(&c, 1, HN_CHECK_OK, "port br0", "internal, no tag", "internal, no tag");
	line_is(&c, 2, HN_CHECK_OK, "port eno1 on br0", "system, no tag (the uplink)",
		"system, no tag (the uplink)");
	line_is(&c, 3, HN_CHECK_OK, "bridge brint", "datapath netdev", "datapath netdev");
	line_is(&c, 4, HN_CHECK_OK, "port brint", "internal, tag 99", "internal, tag 99");
	hn_checks_free(&c);
	hn_config_free(&want);
}

static void ovs_differences_mark_their_object(void **unused)
{
	static const struct fake_action diffs[] = {
	    {HN_OP_CHANGE, HN_KIND_PORT, "brint", "brint", NULL, "tag 10 -> 99"},
	    {HN_OP_CHANGE, HN_KIND_PORT, "trunk0", "brint", NULL, "bridge br0 -> brint"},
	    {HN_OP_CHANGE, HN_KIND_PORT, "trunk0", "brint", NULL,
	     "tag 10 -> none, trunks [] -> [10,20]"},
	    {HN_OP_CREATE, HN_KIND_PORT, "mon0", "brint", NULL, "internal, tag 250"},
	    {HN_OP_REMOVE, HN_KIND_PORT, "old0", "brint", NULL,
	     "created by hostnet, no longer in the config"},
	    {HN_OP_CREATE, HN_KIND_BRIDGE, "br0", NULL, NULL, "datapath netdev"},
	};
	struct hn_verify_host host;
	struct hn_config want;
	struct hn_port *p;
	struct hn_checks c;

	seed(&want);
	/* brint also holds a trunk NIC and an internal access port. */
	want.bridges[1].n_ports = 2;
	want.bridges[1].ports = p = calloc(2, sizeof(*p));
	strcpy(p[0].name, "trunk0");
	p[0].has_trunks = true;
	hn_vlanset_add(&p[0].trunks, 10);
	hn_vlanset_add(&p[0].trunks, 20);
	strcpy(p[1].name, "mon0");
	p[1].type = HN_PORT_INTERNAL;
	p[1].tag = 250;
	SAY(&host, HN_LAYER_OVS, diffs);
	c = run(&want, &host);
	assert_int_equal(c.n, 8); /* 7 objects, and the port the config no longer names */
	line_is(&c, 0, HN_CHECK_CRITICAL, "bridge br0",
		"datapath netdev, hwaddr 52:54:00:12:34:56 (eno1's)", "missing");
	line_is(&c, 4, HN_CHECK_CRITICAL, "port brint", "internal, tag 99", "tag 10");
	/* Two actions on one object: one line saying both. */
	line_is(&c, 5, HN_CHECK_CRITICAL, "port trunk0 on brint", "system, trunks 10,20",
		"bridge br0; differs: tag 10 -> none, trunks [] -> [10,20]");
	line_is(&c, 6, HN_CHECK_CRITICAL, "port mon0 on brint", "internal, tag 250", "missing");
	line_is(&c, 7, HN_CHECK_CRITICAL, "port old0 on brint", "absent",
		"present: created by hostnet, no longer in the config");
	assert_int_equal(c.v[3].status, HN_CHECK_OK); /* bridge brint */
	hn_checks_free(&c);
	hn_config_free(&want);
}

static void netlink_lines_name_links_addresses_routes(void **unused)
{
	static const struct fake_action diffs[] = {
	    {HN_OP_CREATE, HN_KIND_ADDRESS, "10.99.1.250/32", "brint", NULL, ""},
	    {HN_OP_CHANGE, HN_KIND_LINK, "brint", NULL, NULL, "down -> up"},
	    {HN_OP_CHANGE, HN_KIND_ROUTE, "0.0.0.0/0", "br0", "198.51.100.1",
	     "replaces 0.0.0.0/0 via 198.51.100.1 dev eno1"},
	    {HN_OP_REMOVE, HN_KIND_ADDRESS, "198.51.100.10/24", "eno1", NULL, "moved to br0"},
	};
	struct hn_verify_host host;
	struct hn_config want;
	struct hn_checks c;

	seed(&want);
	SAY(&host, HN_LAYER_NETLINK, diffs);
	c = run(&want, &host);
	assert_int_equal(c.n, 7);
	line_is(&c, 0, HN_CHECK_OK, "link br0", "up", "up");
	line_is(&c, 1, HN_CHECK_OK, "address 198.51.100.10/24 on br0", "present", "present");
	line_is(&c, 2, HN_CHECK_CRITICAL, "route 0.0.0.0/0 via 198.51.100.1 dev br0",
		"present (the default route)", "in its place: 0.0.0.0/0 via 198.51.100.1 dev eno1");
	line_is(&c, 3, HN_CHECK_CRITICAL, "link brint", "up", "down");
	line_is(&c, 4, HN_CHECK_CRITICAL, "address 10.99.1.250/32 on brint", "present", "missing");
	line_is(&c, 5, HN_CHECK_OK, "route 10.99.1.0/24 dev brint", "present", "present");
	/* The uplink NIC still holding br0's address names no object of the config. */
	line_is(&c, 6, HN_CHECK_CRITICAL, "address 198.51.100.10/24 on eno1", "absent",
		"present: moved to br0");
	hn_checks_free(&c);
	hn_config_free(&want);
}

/* An address whose prefix route the kernel adds by itself: while the diff plans the
 * address, it plans no route, so the route's line cannot say OK. */
static void route_of_a_missing_address_is_not_called_ok(void **unused)
{
	static const struct fake_action diffs[] = {
	    {HN_OP_CREATE, HN_KIND_ADDRESS, "10.99.1.250/24", "brint", NULL, ""},
	};
	struct hn_verify_host host;
	struct hn_config want;
	struct hn_checks c;

	seed(&want);
	want.bridges[1].addresses[0].len = 24;
	SAY(&host, HN_LAYER_NETLINK, diffs);
	c = run(&want, &host);
	assert_int_equal(c.n, 6);
	line_is(&c, 4, HN_CHECK_CRITICAL, "address 10.99.1.250/24 on brint", "present", "missing");
	line_is(&c, 5, HN_CHECK_UNKNOWN, "route 10.99.1.0/24 dev brint", "present",
		"not told apart: the kernel adds it with address 10.99.1.250/24 on brint, which "
		"is missing");
	hn_checks_free(&c);
	/* With the address there, the route is the route's own business: OK. */
	compared(&host, HN_LAYER_NETLINK, NULL, 0);
	c = run(&want, &host);
	assert_int_equal(c.v[5].status, HN_CHECK_OK);
	hn_checks_free(&c);
	hn_config_free(&want);
}

static void libvirt_networks_and_undefined_ones(void **unused)
{
	static const struct fake_action diffs[] = {
	    {HN_OP_REMOVE, HN_KIND_NETWORK, "default", NULL, NULL, "destroy, undefine"},
	    {HN_OP_REMOVE, HN_KIND_NETWORK, "old", NULL, NULL,
	     "destroy, undefine (hostnet's, no longer in the config)"},
	    {HN_OP_CHANGE, HN_KIND_NETWORK, "intern-vlans", NULL, NULL,
	     "portgroup 105 missing; redefine, restart"},
	    {HN_OP_CHANGE, HN_KIND_NETWORK, "ovs-front", NULL, NULL, "start, autostart"},
	};
	struct hn_verify_host host;
	struct hn_config want;
	struct hn_checks c;

	seed(&want);
	compared(&host, HN_LAYER_VIRT, NULL, 0);
	c = run(&want, &host);
	assert_int_equal(c.n, 3);
	line_is(&c, 0, HN_CHECK_OK, "network ovs-front",
		"defined, active, autostart, bridge br0 (openvswitch), no portgroup",
		"defined, active, autostart, bridge br0 (openvswitch), no portgroup");
	line_is(&c, 1, HN_CHECK_OK, "network intern-vlans",
		"defined, active, autostart, bridge brint (openvswitch), 15 portgroups as "
		"configured",
		"defined, active, autostart, bridge brint (openvswitch), 15 portgroups as "
		"configured");
	line_is(&c, 2, HN_CHECK_OK, "network default", "absent (libvirt.undefine)", "absent");
	hn_checks_free(&c);

	SAY(&host, HN_LAYER_VIRT, diffs);
	c = run(&want, &host);
	assert_int_equal(c.n, 4);
	line_is(&c, 0, HN_CHECK_CRITICAL, "network ovs-front",
		"defined, active, autostart, bridge br0 (openvswitch), no portgroup",
		"not as configured (`hostnet up` would start, autostart)");
	line_is(&c, 1, HN_CHECK_CRITICAL, "network intern-vlans",
		"defined, active, autostart, bridge brint (openvswitch), 15 portgroups as "
		"configured",
		"portgroup 105 missing (`hostnet up` would redefine, restart)");
	line_is(&c, 2, HN_CHECK_CRITICAL, "network default", "absent (libvirt.undefine)",
		"present: destroy, undefine");
	line_is(&c, 3, HN_CHECK_CRITICAL, "network old", "absent",
		"present: destroy, undefine (hostnet's, no longer in the config)");
	hn_checks_free(&c);
	hn_config_free(&want);
}

/* The host as the agent left it when a step failed: first what each layer reached, then
 * the uplink, then the diffs; never an object called OK that was not compared. */
static void layers_that_cannot_be_read_or_compared_are_unknown(void **unused)
{
	struct hn_verify_host host;
	struct hn_config want;
	struct hn_checks c;

	seed(&want);
	want.has_libvirt = false;
	memset(&host, 0, sizeof(host));
	for (int l = 0; l < HN_LAYER_COUNT; l++)
		host.layers[l].used = true;
	host.layers[HN_LAYER_OVS].failed = HN_VERIFY_NO_CONNECT;
	strcpy(host.layers[HN_LAYER_OVS].why, "unix:/nowhere: connection refused");
	host.layers[HN_LAYER_NETLINK].failed = HN_VERIFY_NO_DIFF;
	strcpy(host.layers[HN_LAYER_NETLINK].why, "the kernel answered nonsense");
	host.layers[HN_LAYER_VIRT].optional = true;
	host.layers[HN_LAYER_VIRT].failed = HN_VERIFY_NO_CONNECT;
	strcpy(host.uplink_error, "eno1: the uplink of bridge br0 does not exist on this host");
	c = run(&want, &host);
	assert_int_equal(c.n, 4);
	line_is(&c, 0, HN_CHECK_UNKNOWN, "ovs state", "the host as the config says",
		"cannot connect: unix:/nowhere: connection refused");
	line_is(&c, 1, HN_CHECK_OK, "libvirt", "nothing: the config has no libvirt section",
		"not configured; libvirtd does not answer, not read");
	line_is(&c, 2, HN_CHECK_CRITICAL, "uplink", "the uplink NIC present",
		"eno1: the uplink of bridge br0 does not exist on this host");
	line_is(&c, 3, HN_CHECK_UNKNOWN, "netlink state", "the host as the config says",
		"cannot compare: the kernel answered nonsense");
	hn_checks_free(&c);

	/* A backend that does not load is named by its layer; --layers says what it left. */
	memset(&host, 0, sizeof(host));
	host.layers[HN_LAYER_OVS].used = true;
	host.layers[HN_LAYER_OVS].failed = HN_VERIFY_NO_BACKEND;
	strcpy(host.layers[HN_LAYER_OVS].why, "no module");
	opts.layers = 1u << HN_LAYER_OVS;
	c = run(&want, &host);
	opts.layers = 0;
	assert_int_equal(c.n, 2);
	line_is(&c, 0, HN_CHECK_UNKNOWN, "layers", "every layer checked",
		"only ovs (--layers); netlink,libvirt not checked");
	line_is(&c, 1, HN_CHECK_UNKNOWN, "ovs", "the host as the config says",
		"cannot load its backend: no module");
	hn_checks_free(&c);
	hn_config_free(&want);
}

/* 5 OVS objects, 6 netlink, 3 libvirt: the seed host's state lines. */
static void the_seed_asks_for_14_objects(void **unused)
{
	struct hn_state_objects o = {0};
	struct hn_config want;

	seed(&want);
	for (int l = 0; l < HN_LAYER_COUNT; l++)
		assert_int_equal(hn_state_objects_derive(&want, l, &o), 0);
	assert_int_equal(o.n, 14);
	hn_state_objects_free(&o);
	hn_config_free(&want);
}

/* Every object has the name the real diff gives it, and nothing else: on an empty host
 * every action of the real OVS and netlink diffs names one object, and each object is
 * named. */
static void names_are_the_real_diffs_names(void **unused)
{
	const struct hn_backend *by_layer[HN_LAYER_COUNT] = {0};
	struct hn_nl_state empty_kernel = {0};
	struct ovs_db empty_db = {0};
	struct hn_plan plan = {0};
	struct hn_config want;
	struct hn_port *p;

	seed(&want);
	want.bridges[1].n_ports = 2;
	want.bridges[1].ports = p = calloc(2, sizeof(*p));
	strcpy(p[0].name, "trunk0");
	p[0].has_trunks = true;
	hn_vlanset_add(&p[0].trunks, 10);
	strcpy(p[1].name, "mon0");
	p[1].type = HN_PORT_INTERNAL;
	p[1].tag = 250;
	by_layer[HN_LAYER_OVS] = &hn_ovs_backend;
	by_layer[HN_LAYER_NETLINK] = &hn_netlink_backend;
	for (int layer = HN_LAYER_OVS; layer <= HN_LAYER_NETLINK; layer++) {
		struct hn_state_objects o = {0};
		struct hn_checks c = {0};

		if (layer == HN_LAYER_OVS)
			assert_int_equal(ovs_diff(&empty_db, &want, "netdev", &plan), 0);
		else
			assert_int_equal(hn_nl_diff(&empty_kernel, &want, &plan), 0);
		assert_int_equal(hn_state_objects_derive(&want, layer, &o), 0);
		assert_int_equal(plan.n, o.n);
		assert_int_equal(hn_state_objects_report(&o, &plan, &c), 0);
		/* One line per object, each CRITICAL: no action was left unmatched. */
		assert_int_equal(c.n, o.n);
		for (size_t i = 0; i < c.n; i++) {
			if (c.v[i].status != HN_CHECK_CRITICAL)
				fail_msg("%s: %s", c.v[i].name, c.v[i].found);
		}
		hn_checks_free(&c);
		hn_state_objects_free(&o);
		hn_plan_free(&plan, by_layer);
	}
	hn_config_free(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ovs_ok_is_one_line_per_object),
	    cmocka_unit_test(ovs_differences_mark_their_object),
	    cmocka_unit_test(netlink_lines_name_links_addresses_routes),
	    cmocka_unit_test(route_of_a_missing_address_is_not_called_ok),
	    cmocka_unit_test(libvirt_networks_and_undefined_ones),
	    cmocka_unit_test(layers_that_cannot_be_read_or_compared_are_unknown),
	    cmocka_unit_test(the_seed_asks_for_14_objects),
	    cmocka_unit_test(names_are_the_real_diffs_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
