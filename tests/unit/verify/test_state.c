// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * State checks: one line per object the seed config asks for, with the values the real OVS
 * and netlink diffs read (readings they do not compare included), CRITICAL when an action of
 * the diff names the object, UNKNOWN for what a read cannot tell or a layer that could not be
 * read, and the same as data in --json.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "kernel_state.h"
#include "nl_diff.h"
#include "ovs_act.h"
#include "ovs_diff.h"
#include "plan.h"
#include "seed_config.h"
#include "state.h"
#include "state_objects.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

static void free_priv(void *priv)
{
	free(priv);
}

static const struct hn_backend fake = {.free_priv = free_priv};
static const struct hn_backend *const owners[HN_LAYER_COUNT] = {&fake, &fake, &fake};

static struct hn_opts opts = {.timeout_ms = 100};
static const uint8_t eno1_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

/* The seed, as the diffs see it once the uplink facts are in. */
static void seed(struct hn_config *c)
{
	seed_config(c, true);
	c->datapath = HN_DATAPATH_NETDEV;
	c->bridges[0].has_uplink_mac = true;
	memcpy(c->bridges[0].uplink_mac, eno1_mac, sizeof(eno1_mac));
}

/* A host where only layer was used, read and compared. */
static void used(struct hn_verify_host *host, enum hn_layer layer)
{
	memset(host, 0, sizeof(*host));
	host->layers[layer].used = true;
	/* As agent/verify_host.c asks the diffs: keep what they read. */
	for (int l = 0; l < HN_LAYER_COUNT; l++)
		host->layers[l].plan.observe = true;
}

static void host_free(struct hn_verify_host *host)
{
	for (int l = 0; l < HN_LAYER_COUNT; l++)
		hn_plan_free(&host->layers[l].plan, owners);
}

static struct hn_verify_checks run(struct hn_verify_host *host)
{
	struct hn_verify_checks c = {0};

	assert_int_equal(hn_verify_state_checks(&opts, host, &c), 0);
	host_free(host);
	return c;
}

/* The check called name: its status, expected and found. */
static const struct hn_verify_check *line_is(const struct hn_verify_checks *c,
					     enum hn_verify_check_status status, const char *name,
					     const char *expected, const char *found)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].name, name) != 0)
			continue;
		assert_string_equal(c->v[i].expected, expected);
		assert_string_equal(c->v[i].found, found);
		assert_int_equal(c->v[i].status, status);
		return &c->v[i];
	}
	fail_msg("no line %s", name);
	return NULL;
}

/* ---- OVS: a snapshot as ovsdb-server answers the backend's read ---- */

/* The seed converged by hand (nothing marked hostnet's), with brint's tag changed to 10 and
 * a trunk0 NIC on brint with trunks 10 only. */
// clang-format off
static const char seed_snapshot[] =
    "{\"Open_vSwitch\": {\"root\": {\"new\": {\"cur_cfg\": 1, \"next_cfg\": 1,"
    "   \"bridges\": [\"set\", [[\"uuid\", \"b1\"], [\"uuid\", \"b2\"]]]}}},"
    " \"Bridge\": {"
    "  \"b1\": {\"new\": {\"name\": \"br0\", \"datapath_type\": \"netdev\","
    "   \"external_ids\": [\"map\", []],"
    "   \"other_config\": [\"map\", [[\"hwaddr\", \"52:54:00:12:34:56\"]]],"
    "   \"ports\": [\"set\", [[\"uuid\", \"p1\"], [\"uuid\", \"p2\"]]]}},"
    "  \"b2\": {\"new\": {\"name\": \"brint\", \"datapath_type\": \"netdev\","
    "   \"external_ids\": [\"map\", []], \"other_config\": [\"map\", []],"
    "   \"ports\": [\"set\", [[\"uuid\", \"p3\"], [\"uuid\", \"p4\"]]]}}},"
    " \"Port\": {"
    "  \"p1\": {\"new\": {\"name\": \"br0\", \"tag\": [\"set\", []],"
    "   \"trunks\": [\"set\", []], \"vlan_mode\": [\"set\", []], \"external_ids\": [\"map\", []]}},"
    "  \"p2\": {\"new\": {\"name\": \"eno1\", \"tag\": [\"set\", []],"
    "   \"trunks\": [\"set\", []], \"vlan_mode\": [\"set\", []], \"external_ids\": [\"map\", []]}},"
    "  \"p3\": {\"new\": {\"name\": \"brint\", \"tag\": 10,"
    "   \"trunks\": [\"set\", []], \"vlan_mode\": [\"set\", []], \"external_ids\": [\"map\", []]}},"
    "  \"p4\": {\"new\": {\"name\": \"trunk0\", \"tag\": [\"set\", []],"
    "   \"trunks\": 10, \"vlan_mode\": [\"set\", []], \"external_ids\": [\"map\", []]}}},"
    " \"Interface\": {\"i1\": {\"new\": {\"name\": \"br0\", \"type\": \"internal\"}},"
    "  \"i2\": {\"new\": {\"name\": \"eno1\", \"type\": \"\"}},"
    "  \"i3\": {\"new\": {\"name\": \"brint\", \"type\": \"internal\"}},"
    "  \"i4\": {\"new\": {\"name\": \"trunk0\", \"type\": \"\"}}}}";
// clang-format on

/* want with a trunk NIC on brint carrying 10 and 20. */
static void with_trunk0(struct hn_config *want)
{
	struct hn_port *p;

	want->bridges[1].n_ports = 1;
	want->bridges[1].ports = p = calloc(1, sizeof(*p));
	strcpy(p->name, "trunk0");
	p->has_trunks = true;
	hn_vlanset_add(&p->trunks, 10);
	hn_vlanset_add(&p->trunks, 20);
}

/* The OVS diff of want against snapshot (NULL: an empty database), as verify is handed it. */
static void ovs_compared(struct hn_verify_host *host, const struct hn_config *want,
			 const char *snapshot)
{
	struct hn_ovs_db empty = {0}, *db = &empty;
	json_error_t e;
	json_t *snap;

	used(host, HN_LAYER_OVS);
	if (snapshot) {
		snap = json_loads(snapshot, 0, &e);
		if (!snap)
			fail_msg("snapshot: %s", e.text);
		assert_int_equal(hn_ovs_db_parse(snap, &db), 0);
		json_decref(snap);
	}
	assert_int_equal(hn_ovs_diff(db, want, "netdev", &host->layers[HN_LAYER_OVS].plan), 0);
	for (size_t i = 0; i < host->layers[HN_LAYER_OVS].plan.n; i++) {
		hn_ovs_act_free(host->layers[HN_LAYER_OVS].plan.actions[i]->priv);
		host->layers[HN_LAYER_OVS].plan.actions[i]->priv = NULL;
	}
	if (db != &empty)
		hn_ovs_db_free(db);
}

/* OK lines say what ovsdb-server holds; a CRITICAL one the value that differs, as read. */
static void ovs_lines_say_what_was_read(void **unused)
{
	struct hn_verify_host host;
	struct hn_config want;
	struct hn_verify_checks c;

	seed(&want);
	with_trunk0(&want);
	ovs_compared(&host, &want, seed_snapshot);
	c = run(&host);
	assert_int_equal(c.n, 6);
	line_is(&c, HN_VERIFY_CHECK_OK, "bridge br0", "datapath netdev, hwaddr 52:54:00:12:34:56",
		"datapath netdev, hwaddr 52:54:00:12:34:56");
	line_is(&c, HN_VERIFY_CHECK_OK, "port br0", "internal", "internal");
	line_is(&c, HN_VERIFY_CHECK_OK, "port eno1 on br0", "system", "system");
	line_is(&c, HN_VERIFY_CHECK_OK, "bridge brint", "datapath netdev", "datapath netdev");
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "port brint", "internal, tag 99", "internal, tag 10");
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "port trunk0 on brint", "system, trunks [10,20]",
		"system, trunks [10]");
	hn_verify_checks_free(&c);
	hn_config_free(&want);
}

/* On an empty database every object the config asks for is missing, and each is named by
 * an action of the diff: one CRITICAL line each, and no line of its own for an action. */
static void every_object_of_an_empty_switch_is_critical(void **unused)
{
	struct hn_verify_host host;
	struct hn_config want;
	struct hn_verify_checks c;

	seed(&want);
	with_trunk0(&want);
	ovs_compared(&host, &want, NULL);
	assert_int_equal(host.layers[HN_LAYER_OVS].plan.n, 6);
	c = run(&host);
	assert_int_equal(c.n, 6);
	for (size_t i = 0; i < c.n; i++)
		if (c.v[i].status != HN_VERIFY_CHECK_CRITICAL ||
		    strncmp(c.v[i].found, "missing", 7) != 0)
			fail_msg("%s: %s", c.v[i].name, c.v[i].found);
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "port brint", "internal, tag 99", "missing");
	hn_verify_checks_free(&c);
	hn_config_free(&want);
}

/* ---- netlink: the kernel's state, built as nl_io.c reads it ---- */

enum { LO = 1, ENO1, BR0, BRINT };

static void netlink_compared(struct hn_verify_host *host, const struct hn_config *want,
			     struct hn_nl_state *k)
{
	used(host, HN_LAYER_NETLINK);
	if (hn_nl_diff(k, want, &host->layers[HN_LAYER_NETLINK].plan) < 0)
		fail_msg("diff: %s", hn_errmsg());
	hn_nl_state_clear(k);
}

/*
 * br0 made by hand before the uplink moved (its MTU lowered, which the config leaves alone),
 * brint down with hostnet's address, its route added by `ip route` (proto boot): the lines
 * show the MTU and who added each route, values no diff compares; the default route still
 * through eno1 is named as read, and eno1's address is a line of its own.
 */
static void netlink_lines_say_what_the_kernel_shows(void **unused)
{
	struct hn_verify_host host;
	struct hn_nl_state k = {0};
	struct hn_config want;
	struct hn_verify_checks c;

	seed(&want);
	link_(&k, LO, "lo", true, 65536);
	link_(&k, ENO1, "eno1", true, 1500);
	link_(&k, BR0, "br0", true, 1400);
	link_(&k, BRINT, "brint", false, 1500);
	link_arp_(&k, "brint", true, 0, 0); /* Linux's defaults: no ARP hygiene */
	addr_(&k, ENO1, "198.51.100.10", 24, 0);
	addr_(&k, BR0, "198.51.100.10", 24, 0);
	addr_(&k, BRINT, "10.99.1.250", 32, HN_NL_PROTO);
	route_(&k, "0.0.0.0", 0, "198.51.100.1", ENO1, RTPROT_BOOT);
	route_(&k, "10.99.1.0", 24, NULL, BRINT, RTPROT_BOOT);
	netlink_compared(&host, &want, &k);
	c = run(&host);
	assert_int_equal(c.n, 7);
	line_is(&c, HN_VERIFY_CHECK_OK, "link br0", "up, arp_ignore 1, arp_announce 2",
		"up, mtu 1400, arp_ignore 1, arp_announce 2");
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "link brint", "up, arp_ignore 1, arp_announce 2",
		"down, mtu 1500, arp_ignore 0, arp_announce 0");
	line_is(&c, HN_VERIFY_CHECK_OK, "address 198.51.100.10/24 on br0", "present", "present");
	line_is(&c, HN_VERIFY_CHECK_OK, "address 10.99.1.250/32 on brint", "present",
		"present, proto hostnet");
	line_is(&c, HN_VERIFY_CHECK_OK, "route 10.99.1.0/24 dev brint", "present",
		"present, proto boot");
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "route 0.0.0.0/0 via 198.51.100.1 dev br0", "present",
		"missing, instead 0.0.0.0/0 via 198.51.100.1 dev eno1");
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "address 198.51.100.10/24 on eno1", "absent",
		"present: moved to br0 (not hostnet's; the uplink move takes it)");
	hn_verify_checks_free(&c);
	hn_config_free(&want);
}

/* An address whose prefix route the kernel adds by itself: while the diff plans the
 * address, it plans no route, so the route's line cannot say OK. */
static void route_of_a_missing_address_is_not_called_ok(void **unused)
{
	struct hn_verify_host host;
	struct hn_nl_state k = {0};
	struct hn_config want;
	struct hn_verify_checks c;

	seed(&want);
	want.bridges[1].addresses[0].len = 24;
	link_(&k, BR0, "br0", true, 1500);
	link_(&k, BRINT, "brint", true, 1500);
	addr_(&k, BR0, "198.51.100.10", 24, 0);
	route_(&k, "0.0.0.0", 0, "198.51.100.1", BR0, HN_NL_PROTO);
	netlink_compared(&host, &want, &k);
	c = run(&host);
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "address 10.99.1.250/24 on brint", "present",
		"missing");
	line_is(&c, HN_VERIFY_CHECK_UNKNOWN, "route 10.99.1.0/24 dev brint", "present",
		"not told apart: the kernel adds it with address 10.99.1.250/24 on brint, which "
		"is missing");
	line_is(&c, HN_VERIFY_CHECK_OK, "route 0.0.0.0/0 via 198.51.100.1 dev br0", "present",
		"present, proto hostnet");
	hn_verify_checks_free(&c);
	hn_config_free(&want);
}

/* ---- OVN: the chassis as the southbound database has it (ovn/ovn_chassis.c) ---- */

static struct hn_observation *chassis(struct hn_plan *p, const char *id, bool exists,
				      const char *found)
{
	struct hn_observation *o;
	struct hn_object obj;

	hn_object_set(&obj, HN_KIND_CHASSIS, id, NULL, NULL);
	o = hn_plan_observe(p, &obj, exists);
	assert_non_null(o);
	hn_fields_add(&o->fields, "encap", HN_SHOWN_NAMED, found, "geneve 192.0.2.11");
	return o;
}

/* No action of hostnet's sets a chassis right: what is wrong with it is CRITICAL by itself. */
static void a_chassis_not_registered_is_critical(void **unused)
{
	struct hn_verify_host host;
	struct hn_plan *p = &host.layers[HN_LAYER_OVS].plan;
	struct hn_verify_checks c;

	used(&host, HN_LAYER_OVS);
	chassis(p, "hv1", true, "geneve 192.0.2.11");
	snprintf(chassis(p, "hv2", false, NULL)->wrong, 192,
		 "not registered in tcp:192.0.2.1:6642");
	c = run(&host);
	line_is(&c, HN_VERIFY_CHECK_OK, "chassis hv1", "encap geneve 192.0.2.11",
		"encap geneve 192.0.2.11");
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "chassis hv2", "encap geneve 192.0.2.11",
		"missing, not registered in tcp:192.0.2.1:6642");
	hn_verify_checks_free(&c);
}

/* ---- libvirt: observations and actions as virt_backend.c records them ---- */

static struct hn_observation *observe(struct hn_plan *p, const char *name, bool exists)
{
	struct hn_observation *o;
	struct hn_object obj;

	hn_object_set(&obj, HN_KIND_NETWORK, name, NULL, NULL);
	o = hn_plan_observe(p, &obj, exists);
	assert_non_null(o);
	return o;
}

static void act(struct hn_plan *p, enum hn_op op, const char *name, const char *remark)
{
	struct hn_object obj;
	struct hn_action *a;

	hn_object_set(&obj, HN_KIND_NETWORK, name, NULL, NULL);
	a = hn_plan_add(p, op, &obj);
	assert_non_null(a);
	hn_action_remark(a, "%s", remark);
	a->priv = malloc(8); /* freed through free_priv, as a backend's */
}

static void libvirt_networks_and_undefined_ones(void **unused)
{
	struct hn_verify_host host;
	struct hn_plan *p = &host.layers[HN_LAYER_VIRT].plan;
	struct hn_observation *o;
	struct hn_verify_checks c;

	used(&host, HN_LAYER_VIRT);
	o = observe(p, "intern-vlans", true);
	hn_fields_add(&o->fields, "active", HN_SHOWN_BARE, "active", "active");
	hn_fields_add(&o->fields, "portgroups", HN_SHOWN_NAMED, "14", "15");
	hn_fields_add(&o->fields, "definition", HN_SHOWN_BARE, "portgroup 105 missing",
		      "as configured");
	o = observe(p, "ovs-front", true);
	hn_fields_add(&o->fields, "active", HN_SHOWN_BARE, "active", "active");
	observe(p, "default", true)->want_absent = true;
	observe(p, "gone", false)->want_absent = true;
	act(p, HN_OP_CHANGE, "intern-vlans", "portgroup 105 missing; redefine, restart");
	act(p, HN_OP_REMOVE, "default", "destroy, undefine (not hostnet's; named in ...)");
	act(p, HN_OP_REMOVE, "old", "destroy, undefine (hostnet's, no longer in the config)");
	c = run(&host);
	assert_int_equal(c.n, 5);
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "network intern-vlans",
		"active, portgroups 15, as configured",
		"active, portgroups 14, portgroup 105 missing");
	line_is(&c, HN_VERIFY_CHECK_OK, "network ovs-front", "active", "active");
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "network default", "absent", "present");
	line_is(&c, HN_VERIFY_CHECK_OK, "network gone", "absent", "absent");
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "network old", "absent",
		"present: destroy, undefine (hostnet's, no longer in the config)");
	hn_verify_checks_free(&c);
}

/* --json: a state check carries its object, whether it was read, and each field's value
 * read and wanted, as data beside the line's text. */
static void json_carries_expected_and_found_as_data(void **unused)
{
	struct hn_verify_host host;
	struct hn_config want;
	struct hn_verify_checks c;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	seed(&want);
	ovs_compared(&host, &want, seed_snapshot);
	c = run(&host);
	assert_non_null(f);
	assert_int_equal(hn_verify_checks_print_json(f, &c, 0.5), 0);
	fclose(f);
	assert_non_null(strstr(
	    buf, "{\"name\":\"port brint\",\"status\":\"CRITICAL\",\"expected\":\"internal, tag "
		 "99\",\"found\":\"internal, tag 10\",\"object\":{\"layer\":\"ovs\",\"kind\":"
		 "\"port\",\"name\":\"brint\",\"bridge\":\"brint\"},\"exists\":true,\"fields\":["
		 "{\"field\":\"type\",\"found\":\"internal\",\"expected\":\"internal\"},{\"field\":"
		 "\"tag\",\"found\":\"10\",\"expected\":\"99\"}]}"));
	free(buf);
	hn_verify_checks_free(&c);
	hn_config_free(&want);
}

/* The host as the agent left it when a step failed: first what each layer reached, then
 * the uplink, then the diffs; never an object called OK that was not compared. */
static void layers_that_cannot_be_read_or_compared_are_unknown(void **unused)
{
	struct hn_verify_host host;
	struct hn_verify_checks c;

	memset(&host, 0, sizeof(host));
	for (int l = 0; l < HN_LAYER_COUNT; l++)
		host.layers[l].used = true;
	host.layers[HN_LAYER_OVS].failed = HN_VERIFY_NO_CONNECT;
	strcpy(host.layers[HN_LAYER_OVS].err.msg, "unix:/nowhere: connection refused");
	host.layers[HN_LAYER_NETLINK].failed = HN_VERIFY_NO_DIFF;
	strcpy(host.layers[HN_LAYER_NETLINK].err.msg, "the kernel answered nonsense");
	host.layers[HN_LAYER_VIRT].optional = true;
	host.layers[HN_LAYER_VIRT].failed = HN_VERIFY_NO_CONNECT;
	strcpy(host.uplink_error.msg, "eno1: the uplink of bridge br0 does not exist on this host");
	c = run(&host);
	assert_int_equal(c.n, 4);
	line_is(&c, HN_VERIFY_CHECK_UNKNOWN, "ovs state", "the host as the config says",
		"cannot connect: unix:/nowhere: connection refused");
	line_is(&c, HN_VERIFY_CHECK_OK, "libvirt", "nothing: the config has no libvirt section",
		"not configured; libvirtd does not answer, not read");
	line_is(&c, HN_VERIFY_CHECK_CRITICAL, "uplink", "the uplink NIC present",
		"eno1: the uplink of bridge br0 does not exist on this host");
	line_is(&c, HN_VERIFY_CHECK_UNKNOWN, "netlink state", "the host as the config says",
		"cannot compare: the kernel answered nonsense");
	assert_string_equal(c.v[3].name, "netlink state"); /* the diffs come last */
	hn_verify_checks_free(&c);

	/* A backend that does not load is named by its layer; --layers says what it left. */
	memset(&host, 0, sizeof(host));
	host.layers[HN_LAYER_OVS].used = true;
	host.layers[HN_LAYER_OVS].failed = HN_VERIFY_NO_BACKEND;
	strcpy(host.layers[HN_LAYER_OVS].err.msg, "no module");
	opts.layers = 1u << HN_LAYER_OVS;
	c = run(&host);
	opts.layers = 0;
	assert_int_equal(c.n, 2);
	line_is(&c, HN_VERIFY_CHECK_UNKNOWN, "layers", "every layer checked",
		"only ovs (--layers); netlink,libvirt not checked");
	line_is(&c, HN_VERIFY_CHECK_UNKNOWN, "ovs", "the host as the config says",
		"cannot load its backend: no module");
	hn_verify_checks_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(ovs_lines_say_what_was_read),
	    cmocka_unit_test(every_object_of_an_empty_switch_is_critical),
	    cmocka_unit_test(netlink_lines_say_what_the_kernel_shows),
	    cmocka_unit_test(route_of_a_missing_address_is_not_called_ok),
	    cmocka_unit_test(a_chassis_not_registered_is_critical),
	    cmocka_unit_test(libvirt_networks_and_undefined_ones),
	    cmocka_unit_test(json_carries_expected_and_found_as_data),
	    cmocka_unit_test(layers_that_cannot_be_read_or_compared_are_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
