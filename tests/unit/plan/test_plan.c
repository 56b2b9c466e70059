// SPDX-License-Identifier: GPL-2.0-or-later
/* The agent's ordering of the actions of all backends, on synthetic plans; the --layers option. */
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

static void add(struct hn_plan *p, enum hn_layer l, const char *name)
{
	assert_non_null(hn_plan_add(p, l, HN_OP_CREATE, "%s", name));
}

static void assert_order(const struct hn_plan *p, const char *const *names)
{
	for (size_t i = 0; i < p->n; i++)
		assert_string_equal(p->actions[i]->object, names[i]);
}

static void up_puts_ovs_before_netlink_before_libvirt(void **unused)
{
	struct hn_plan p = {0};

	add(&p, HN_LAYER_VIRT, "network intern-vlans");
	add(&p, HN_LAYER_NETLINK, "address 10.99.1.250/32 on brint");
	add(&p, HN_LAYER_OVS, "bridge brint");
	add(&p, HN_LAYER_NETLINK, "route 10.99.1.0/24 dev brint");
	add(&p, HN_LAYER_OVS, "port brint");
	assert_int_equal(hn_plan_order(&p, false), 0);
	assert_order(&p, (const char *const[]){
			     "bridge brint", "port brint", "address 10.99.1.250/32 on brint",
			     "route 10.99.1.0/24 dev brint", "network intern-vlans"});
	hn_plan_free(&p, NULL);
}

static void down_reverses_layers_keeps_backend_order(void **unused)
{
	struct hn_plan p = {0};

	add(&p, HN_LAYER_OVS, "bridge brint");
	add(&p, HN_LAYER_NETLINK, "route 10.99.1.0/24 dev brint");
	add(&p, HN_LAYER_NETLINK, "address 10.99.1.250/32 on brint");
	add(&p, HN_LAYER_VIRT, "network intern-vlans");
	assert_int_equal(hn_plan_order(&p, true), 0);
	assert_order(&p,
		     (const char *const[]){"network intern-vlans", "route 10.99.1.0/24 dev brint",
					   "address 10.99.1.250/32 on brint", "bridge brint"});
	assert_int_equal(hn_plan_count(&p, HN_LAYER_NETLINK), 2);
	hn_plan_free(&p, NULL);
}

static void json_lists_every_action(void **unused)
{
	struct hn_plan p = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct hn_action *a;

	a = hn_plan_add(&p, HN_LAYER_OVS, HN_OP_CHANGE, "port %s", "brint");
	hn_action_detail(a, "tag %u -> %u", 10u, 99u);
	assert_non_null(f);
	assert_true(hn_plan_print_json(f, &p, "plan", "pending") == 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"op\":\"change\""));
	assert_non_null(strstr(buf, "\"detail\":\"tag 10 -> 99\""));
	assert_non_null(strstr(buf, "\"changes\":1"));
	free(buf);
	hn_plan_free(&p, NULL);
}

static void text_uses_plus_tilde_minus(void **unused)
{
	struct hn_plan p = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	hn_plan_add(&p, HN_LAYER_OVS, HN_OP_CREATE, "bridge br0");
	hn_action_detail(hn_plan_add(&p, HN_LAYER_OVS, HN_OP_CHANGE, "port brint"), "tag 10 -> 99");
	hn_plan_add(&p, HN_LAYER_VIRT, HN_OP_REMOVE, "network default");
	hn_plan_print(f, &p);
	fclose(f);
	assert_string_equal(buf, "+ ovs      bridge br0\n"
				 "~ ovs      port brint: tag 10 -> 99\n"
				 "- libvirt  network default\n");
	free(buf);
	hn_plan_free(&p, NULL);
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
	    cmocka_unit_test(json_lists_every_action),
	    cmocka_unit_test(text_uses_plus_tilde_minus),
	    cmocka_unit_test(layers_follow_the_layers_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
