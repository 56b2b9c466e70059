// SPDX-License-Identifier: GPL-2.0-or-later
/* import, libvirt's part: the seed's own network files as a config says them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "seed_config.h"
#include "virt_import.h"

#include <stdlib.h>
#include <string.h>

static struct hn_import im;

static int setup(void **unused)
{
	memset(&im, 0, sizeof(im));
	im.config.n_bridges = 2;
	im.config.bridges = calloc(2, sizeof(*im.config.bridges));
	assert_non_null(im.config.bridges);
	strcpy(im.config.bridges[0].name, "br0");
	strcpy(im.config.bridges[1].name, "brint");
	return 0;
}

static int teardown(void **unused)
{
	hn_config_free(&im.config);
	for (size_t i = 0; i < im.n_notes; i++)
		free(im.notes[i]);
	free(im.notes);
	return 0;
}

static int import_xml(const char *xml, bool active, bool autostart)
{
	struct hn_virt_netdef d;
	int r;

	assert_int_equal(hn_virt_netdef_parse(xml, &d), 0);
	r = hn_virt_import_network(&d, true, active, autostart, &im);
	hn_virt_netdef_free(&d);
	return r;
}

static void seed_intern_vlans(void **unused)
{
	char *xml = tc_fixture("seed-intern.xml");
	const struct hn_network *n;
	size_t access = 0;

	assert_int_equal(import_xml(xml, true, true), 0);
	free(xml);
	assert_int_equal(im.config.n_networks, 1);
	n = &im.config.networks[0];
	assert_string_equal(n->name, "intern-vlans");
	assert_string_equal(n->bridge, "brint");
	assert_int_equal(n->n_portgroups, 15);
	for (size_t i = 0; i < n->n_portgroups; i++) {
		const struct hn_portgroup *pg = &n->portgroups[i];

		if (strcmp(pg->name, "vlansadmin") == 0) {
			assert_true(pg->trunk);
			assert_true(hn_vlanset_has(&pg->vlans, 99));
			assert_true(hn_vlanset_has(&pg->vlans, 250));
			assert_int_equal(hn_vlanset_count(&pg->vlans), 2);
		}
		if (strcmp(pg->name, "vlan10") == 0) {
			assert_false(pg->trunk);
			assert_int_equal(pg->tag, 10);
			assert_false(pg->from_access); /* named otherwise than its VLAN */
		}
		access += pg->from_access;
	}
	assert_int_equal(access, 10); /* "100".."109": the `access:` shorthand's */
	assert_int_equal(im.n_notes, 0);
}

static void stopped_network_is_noted(void **unused)
{
	char *xml = tc_fixture("seed-front.xml");

	assert_int_equal(import_xml(xml, false, false), 0);
	free(xml);
	assert_int_equal(im.config.n_networks, 1);
	assert_int_equal(im.n_notes, 1);
	assert_non_null(strstr(im.notes[0], "network ovs-front is not running, nor autostarted"));
}

static void nat_network_is_left_out(void **unused)
{
	assert_int_equal(import_xml("<network><name>default</name><forward mode='nat'/>"
				    "<bridge name='virbr0'/></network>",
				    true, true),
			 0);
	assert_int_equal(im.config.n_networks, 0);
	assert_non_null(strstr(im.notes[0], "network default: not a bridge network"));
}

static void network_on_an_unknown_bridge_is_left_out(void **unused)
{
	assert_int_equal(import_xml("<network><name>lan</name><forward mode='bridge'/>"
				    "<bridge name='br9'/><virtualport type='openvswitch'/>"
				    "</network>",
				    true, true),
			 0);
	assert_int_equal(im.config.n_networks, 0);
	assert_non_null(strstr(im.notes[0], "not an Open vSwitch bridge of this host"));
}

/* br-int is a bridge of no config, but on a chassis a network there is said, bare. */
static void network_on_br_int_of_a_chassis(void **unused)
{
	static const char xml[] = "<network><name>ovn-guests</name><forward mode='bridge'/>"
				  "<bridge name='br-int'/><virtualport type='openvswitch'/>"
				  "</network>";

	assert_int_equal(import_xml(xml, true, true), 0);
	assert_int_equal(im.config.n_networks, 0);
	im.config.ovn.has_chassis = true;
	assert_int_equal(import_xml(xml, true, true), 0);
	assert_int_equal(im.config.n_networks, 1);
	assert_string_equal(im.config.networks[0].bridge, "br-int");
	assert_int_equal(import_xml("<network><name>tagged</name><forward mode='bridge'/>"
				    "<bridge name='br-int'/><virtualport type='openvswitch'/>"
				    "<portgroup name='v10'><vlan><tag id='10'/></vlan></portgroup>"
				    "</network>",
				    true, true),
			 0);
	assert_int_equal(im.config.n_networks, 1);
	assert_non_null(strstr(im.notes[im.n_notes - 1], "portgroups on br-int"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(seed_intern_vlans, setup, teardown),
	    cmocka_unit_test_setup_teardown(stopped_network_is_noted, setup, teardown),
	    cmocka_unit_test_setup_teardown(nat_network_is_left_out, setup, teardown),
	    cmocka_unit_test_setup_teardown(network_on_an_unknown_bridge_is_left_out, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(network_on_br_int_of_a_chassis, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
