// SPDX-License-Identifier: GPL-2.0-or-later
/* The agent's ordering of the actions of all backends, on synthetic plans, and their text and
 * JSON; the --layers option. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backends.h"
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hn_action *add(struct hn_plan *p, enum hn_op op, enum hn_kind kind, const char *name,
			     const char *on, const char *via)
{
	struct hn_object obj;
	struct hn_action *a;

	hn_object_set(&obj, kind, name, on, via);
	a = hn_plan_add(p, op, &obj);
	assert_non_null(a);
	assert_int_equal(a->layer, hn_kind_layer(kind));
	return a;
}

static void assert_order(const struct hn_plan *p, const char *const *names)
{
	char object[HN_OBJECT_STRLEN];

	for (size_t i = 0; i < p->n; i++)
		assert_string_equal(hn_object_format(&p->actions[i]->obj, object, sizeof(object)),
				    names[i]);
}

static void up_puts_ovs_before_netlink_before_libvirt(void **unused)
{
	struct hn_plan p = {0};

	add(&p, HN_OP_CREATE, HN_KIND_NETWORK, "intern-vlans", NULL, NULL);
	add(&p, HN_OP_CREATE, HN_KIND_ADDRESS, "10.99.1.250/32", "brint", NULL);
	add(&p, HN_OP_CREATE, HN_KIND_BRIDGE, "brint", NULL, NULL);
	add(&p, HN_OP_CREATE, HN_KIND_ROUTE, "10.99.1.0/24", "brint", NULL);
	add(&p, HN_OP_CREATE, HN_KIND_PORT, "brint", "brint", NULL);
	assert_int_equal(hn_plan_order(&p, false), 0);
	assert_order(&p, (const char *const[]){
			     "bridge brint", "port brint", "address 10.99.1.250/32 on brint",
			     "route 10.99.1.0/24 dev brint", "network intern-vlans"});
	hn_plan_free(&p, NULL);
}

/* The uplink move across layers: the bridge made and given the host's address, then the NIC
 * joins, then the route and the NIC's address move, then libvirt. */
static void up_stages_the_uplink_move(void **unused)
{
	struct hn_plan p = {0};

	add(&p, HN_OP_CREATE, HN_KIND_NETWORK, "ovs-front", NULL, NULL);
	add(&p, HN_OP_CREATE, HN_KIND_BRIDGE, "br0", NULL, NULL);
	add(&p, HN_OP_CREATE, HN_KIND_PORT, "eno1", "br0", NULL)->stage = HN_STAGE_NIC;
	add(&p, HN_OP_CREATE, HN_KIND_ADDRESS, "198.51.100.10/24", "br0", NULL);
	add(&p, HN_OP_CHANGE, HN_KIND_ROUTE, "0.0.0.0/0", "br0", "198.51.100.1")->stage =
	    HN_STAGE_SWITCH;
	add(&p, HN_OP_REMOVE, HN_KIND_ADDRESS, "198.51.100.10/24", "eno1", NULL)->stage =
	    HN_STAGE_SWITCH;
	add(&p, HN_OP_CREATE, HN_KIND_BRIDGE, "brint", NULL, NULL);
	assert_int_equal(hn_plan_order(&p, false), 0);
	assert_order(&p, (const char *const[]){
			     "bridge br0", "bridge brint", "address 198.51.100.10/24 on br0",
			     "port eno1 on br0", "route 0.0.0.0/0 via 198.51.100.1 dev br0",
			     "address 198.51.100.10/24 on eno1", "network ovs-front"});
	hn_plan_free(&p, NULL);
}

/* down, backwards: libvirt, the NIC gets its address and route back, leaves the bridge, then
 * the rest goes (netlink before OVS). */
static void down_stages_the_uplink_move_backwards(void **unused)
{
	struct hn_plan p = {0};

	add(&p, HN_OP_REMOVE, HN_KIND_BRIDGE, "br0", NULL, NULL);
	add(&p, HN_OP_REMOVE, HN_KIND_PORT, "eno1", "br0", NULL)->stage = HN_STAGE_NIC;
	add(&p, HN_OP_CREATE, HN_KIND_ADDRESS, "198.51.100.10/24", "eno1", NULL)->stage =
	    HN_STAGE_SWITCH;
	add(&p, HN_OP_REMOVE, HN_KIND_ADDRESS, "198.51.100.10/24", "br0", NULL);
	add(&p, HN_OP_REMOVE, HN_KIND_NETWORK, "ovs-front", NULL, NULL);
	assert_int_equal(hn_plan_order(&p, true), 0);
	assert_order(&p, (const char *const[]){
			     "network ovs-front", "address 198.51.100.10/24 on eno1",
			     "port eno1 on br0", "address 198.51.100.10/24 on br0", "bridge br0"});
	hn_plan_free(&p, NULL);
}

static void down_reverses_layers_keeps_backend_order(void **unused)
{
	struct hn_plan p = {0};

	add(&p, HN_OP_REMOVE, HN_KIND_BRIDGE, "brint", NULL, NULL);
	add(&p, HN_OP_REMOVE, HN_KIND_ROUTE, "10.99.1.0/24", "brint", NULL);
	add(&p, HN_OP_REMOVE, HN_KIND_ADDRESS, "10.99.1.250/32", "brint", NULL);
	add(&p, HN_OP_REMOVE, HN_KIND_NETWORK, "intern-vlans", NULL, NULL);
	assert_int_equal(hn_plan_order(&p, true), 0);
	assert_order(&p,
		     (const char *const[]){"network intern-vlans", "route 10.99.1.0/24 dev brint",
					   "address 10.99.1.250/32 on brint", "bridge brint"});
	assert_int_equal(hn_plan_count(&p, HN_LAYER_NETLINK), 2);
	hn_plan_free(&p, NULL);
}

static char *json_of(const struct hn_plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_true(hn_plan_print_json(f, p, "plan", "pending") == 0);
	fclose(f);
	return buf;
}

/* The line's text, and the same as data: kind, names, each field read and wanted. */
static void json_lists_every_action_as_text_and_data(void **unused)
{
	struct hn_plan p = {0};
	struct hn_action *a;
	char *buf;

	a = add(&p, HN_OP_CHANGE, HN_KIND_PORT, "trunk0", "brint", NULL);
	hn_fields_add(&a->fields, "tag", HN_SHOWN_NAMED, "10", "none");
	a = add(&p, HN_OP_CHANGE, HN_KIND_ROUTE, "0.0.0.0/0", "br0", "198.51.100.1");
	hn_fields_add(&a->fields, "instead", HN_SHOWN_REPLACED,
		      "0.0.0.0/0 via 198.51.100.1 dev eno1", NULL);
	buf = json_of(&p);
	assert_non_null(strstr(buf, "\"changes\":2"));
	assert_non_null(
	    strstr(buf, "{\"layer\":\"ovs\",\"op\":\"change\",\"object\":\"port trunk0 on brint\","
			"\"detail\":\"tag 10 -> none\",\"disruptive\":false,\"kind\":\"port\","
			"\"name\":\"trunk0\",\"bridge\":\"brint\",\"fields\":[{\"field\":\"tag\","
			"\"found\":\"10\",\"expected\":\"none\"}]}"));
	assert_non_null(strstr(buf, "\"kind\":\"route\",\"name\":\"0.0.0.0/0\",\"dev\":\"br0\","
				    "\"via\":\"198.51.100.1\",\"fields\":[{\"field\":\"instead\","
				    "\"found\":\"0.0.0.0/0 via 198.51.100.1 dev eno1\","
				    "\"expected\":null}]"));
	free(buf);
	hn_plan_free(&p, NULL);
}

static char *text_of(const struct hn_plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	hn_plan_print(f, p);
	fclose(f);
	return buf;
}

/* The plan lines people read, each derived from the fields as their `shown` says. */
static void text_is_derived_from_the_fields(void **unused)
{
	struct hn_plan p = {0};
	struct hn_action *a;
	char *buf;

	a = add(&p, HN_OP_CREATE, HN_KIND_BRIDGE, "br0", NULL, NULL);
	hn_fields_add(&a->fields, "datapath", HN_SHOWN_NAMED, NULL, "netdev");
	hn_fields_add(&a->fields, "hwaddr", HN_SHOWN_NAMED, NULL, "52:54:00:12:34:56");
	a = add(&p, HN_OP_CREATE, HN_KIND_PORT, "brint", "brint", NULL);
	hn_fields_add(&a->fields, "type", HN_SHOWN_BARE, NULL, "internal");
	hn_fields_add(&a->fields, "tag", HN_SHOWN_NAMED, NULL, "99");
	a = add(&p, HN_OP_CHANGE, HN_KIND_PORT, "brint", "brint", NULL);
	hn_fields_add(&a->fields, "tag", HN_SHOWN_NAMED, "10", "99");
	a = add(&p, HN_OP_CHANGE, HN_KIND_LINK, "brint", NULL, NULL);
	hn_fields_add(&a->fields, "state", HN_SHOWN_BARE, "absent", "up");
	hn_fields_add(&a->fields, "mtu", HN_SHOWN_NAMED, NULL, "9000");
	a = add(&p, HN_OP_CHANGE, HN_KIND_ROUTE, "0.0.0.0/0", "br0", "198.51.100.1");
	hn_fields_add(&a->fields, "instead", HN_SHOWN_REPLACED,
		      "0.0.0.0/0 via 198.51.100.1 dev eno1", NULL);
	hn_action_remark(a, "(not hostnet's; the uplink move takes it)");
	a = add(&p, HN_OP_CHANGE, HN_KIND_ROUTE, "0.0.0.0/0", "eno1", "198.51.100.1");
	hn_fields_add(&a->fields, "instead", HN_SHOWN_NOT, "0.0.0.0/0 via 198.51.100.1 dev br0",
		      NULL);
	hn_action_remark(a, "back from br0");
	a = add(&p, HN_OP_REMOVE, HN_KIND_NETWORK, "default", NULL, NULL);
	hn_fields_add(&a->fields, "active", HN_SHOWN_BARE, "active", NULL);
	hn_action_remark(a, "destroy, undefine");
	a->disruptive = true;
	buf = text_of(&p);
	assert_string_equal(buf,
			    "+ ovs      bridge br0: datapath netdev, hwaddr 52:54:00:12:34:56\n"
			    "+ ovs      port brint: internal, tag 99\n"
			    "~ ovs      port brint: tag 10 -> 99\n"
			    "~ netlink  link brint: absent -> up, mtu -> 9000\n"
			    "~ netlink  route 0.0.0.0/0 via 198.51.100.1 dev br0: replaces "
			    "0.0.0.0/0 via 198.51.100.1 dev eno1 (not hostnet's; the uplink "
			    "move takes it)\n"
			    "~ netlink  route 0.0.0.0/0 via 198.51.100.1 dev eno1: back from br0\n"
			    "- libvirt  network default: destroy, undefine  (DISRUPTIVE: in "
			    "use)\n");
	free(buf);
	hn_plan_free(&p, NULL);
}

/* An object's identity is every name it has: the same port on another bridge is another. */
static void objects_are_the_same_by_every_name(void **unused)
{
	struct hn_object a, b;

	hn_object_set(&a, HN_KIND_PORT, "trunk0", "brint", NULL);
	hn_object_set(&b, HN_KIND_PORT, "trunk0", "brint", NULL);
	assert_true(hn_object_equal(&a, &b));
	hn_object_set(&b, HN_KIND_PORT, "trunk0", "br0", NULL);
	assert_false(hn_object_equal(&a, &b));
	hn_object_set(&b, HN_KIND_LINK, "trunk0", "brint", NULL);
	assert_false(hn_object_equal(&a, &b));
}

static void layers_follow_the_layers_option(void **unused)
{
	struct hn_opts lo = {0};
	struct hn_config one_uplink = {0};
	struct hn_bridge br0 = {.name = "br0", .uplink = "eno1"};
	char buf[64];

	assert_true(hn_layer_wanted(&lo, HN_LAYER_VIRT));
	assert_int_equal(hn_layers_parse("ovs,netlink", &lo.layers), 0);
	assert_true(hn_layer_wanted(&lo, HN_LAYER_OVS));
	assert_true(hn_layer_wanted(&lo, HN_LAYER_NETLINK));
	assert_false(hn_layer_wanted(&lo, HN_LAYER_VIRT));
	assert_string_equal(hn_layers_format(lo.layers, buf, sizeof(buf)), "ovs,netlink");
	assert_int_equal(hn_layers_parse("xovs", &lo.layers), -EINVAL);
	assert_int_equal(hn_layers_parse("ovs,", &lo.layers), 0);
	assert_int_equal(hn_layers_parse("", &lo.layers), -EINVAL);
	assert_int_equal(hn_layers_parse(",", &lo.layers), -EINVAL);

	/* The uplink move needs both ovs and netlink, or neither. */
	one_uplink.bridges = &br0;
	one_uplink.n_bridges = 1;
	assert_int_equal(hn_layers_parse("ovs", &lo.layers), 0);
	assert_int_equal(hn_layers_check_uplink(&lo, &one_uplink), -EINVAL);
	assert_int_equal(hn_layers_parse("netlink,libvirt", &lo.layers), 0);
	assert_int_equal(hn_layers_check_uplink(&lo, &one_uplink), -EINVAL);
	assert_int_equal(hn_layers_parse("libvirt", &lo.layers), 0);
	assert_int_equal(hn_layers_check_uplink(&lo, &one_uplink), 0);
	assert_int_equal(hn_layers_parse("netlink,ovs", &lo.layers), 0);
	assert_int_equal(hn_layers_check_uplink(&lo, &one_uplink), 0);
	br0.uplink[0] = '\0';
	assert_int_equal(hn_layers_parse("ovs", &lo.layers), 0);
	assert_int_equal(hn_layers_check_uplink(&lo, &one_uplink), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(up_puts_ovs_before_netlink_before_libvirt),
	    cmocka_unit_test(down_reverses_layers_keeps_backend_order),
	    cmocka_unit_test(up_stages_the_uplink_move),
	    cmocka_unit_test(down_stages_the_uplink_move_backwards),
	    cmocka_unit_test(json_lists_every_action_as_text_and_data),
	    cmocka_unit_test(text_is_derived_from_the_fields),
	    cmocka_unit_test(objects_are_the_same_by_every_name),
	    cmocka_unit_test(layers_follow_the_layers_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
