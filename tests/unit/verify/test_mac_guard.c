// SPDX-License-Identifier: GPL-2.0-or-later
/* The uplink MAC guard: which learned MACs would leave through the uplink unregistered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mac_guard.h"

#include <stdlib.h>
#include <string.h>

static const struct hn_mac nic = {{0x02, 0xb7, 0xb2, 0x77, 0xc4, 0x91}};
static const struct hn_mac guest = {{0x02, 0xad, 0, 0, 0, 0x01}};
static const struct hn_mac gw = {{0x7a, 0xfc, 0x8c, 0xb2, 0x16, 0x68}};

struct fixture {
	struct hn_bridge b;
	struct hn_config c;
	struct hn_learned_mac e[3];
	struct hn_verify_fdb fdb;
	struct hn_verify_host host;
	struct hn_verify_checks out;
};

/* br0 over eno1: the gateway's MAC heard on eno1, br0's own on LOCAL, a guest's on vnet0. */
static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->b.name, "br0");
	strcpy(f->b.uplink, "eno1");
	f->b.has_uplink_mac = true;
	memcpy(f->b.uplink_mac, nic.b, 6);
	f->c.bridges = &f->b;
	f->c.n_bridges = 1;
	f->e[0] = (struct hn_learned_mac){.mac = gw, .port = "eno1", .ofport = 1};
	f->e[1] = (struct hn_learned_mac){.mac = nic, .port = "br0", .ofport = 65534};
	f->e[2] = (struct hn_learned_mac){.mac = guest, .vlan = 0, .port = "vnet0", .ofport = 3};
	f->fdb.read = true;
	f->fdb.learned.v = f->e;
	f->fdb.learned.n = 3;
	f->host.fdbs = &f->fdb;
	f->host.n_fdbs = 1;
}

static void guest_mac_is_critical(void **unused)
{
	struct fixture f;

	setup(&f);
	assert_int_equal(hn_verify_mac_guard(&f.c, &f.host, &f.out), 0);
	assert_int_equal(f.out.n, 1);
	assert_int_equal(f.out.v[0].status, HN_VERIFY_CHECK_CRITICAL);
	assert_string_equal(f.out.v[0].name, "uplink eno1 macs");
	assert_non_null(strstr(f.out.v[0].found, "02:ad:00:00:00:01 on port vnet0 (VLAN 0)"));
	assert_null(strstr(f.out.v[0].found, "7a:fc")); /* the gateway's, heard on eno1 */
	assert_null(strstr(f.out.v[0].found, "02:b7")); /* the bridge's own */
	hn_verify_checks_free(&f.out);
}

static void registered_mac_passes(void **unused)
{
	struct fixture f;
	struct hn_mac reg = guest;

	setup(&f);
	f.b.uplink_macs = &reg;
	f.b.n_uplink_macs = 1;
	assert_int_equal(hn_verify_mac_guard(&f.c, &f.host, &f.out), 0);
	assert_int_equal(f.out.v[0].status, HN_VERIFY_CHECK_OK);
	assert_non_null(strstr(f.out.v[0].found, "2 MAC(s) learned on br0's other ports"));
	hn_verify_checks_free(&f.out);
}

static void bridge_mac_other_than_the_nic_is_critical(void **unused)
{
	struct fixture f;

	setup(&f);
	f.fdb.learned.n = 2;
	f.b.uplink_mac[5] = 0x92; /* the NIC's is not what br0 sends from */
	assert_int_equal(hn_verify_mac_guard(&f.c, &f.host, &f.out), 0);
	assert_int_equal(f.out.v[0].status, HN_VERIFY_CHECK_CRITICAL);
	assert_non_null(strstr(f.out.v[0].found, "02:b7:b2:77:c4:91 on port br0"));
	hn_verify_checks_free(&f.out);
}

static void unread_table_is_unknown(void **unused)
{
	struct fixture f;

	setup(&f);
	f.fdb.read = false;
	strcpy(f.fdb.err.msg, "cannot read /x/ovs-vswitchd.pid");
	assert_int_equal(hn_verify_mac_guard(&f.c, &f.host, &f.out), 0);
	assert_int_equal(f.out.v[0].status, HN_VERIFY_CHECK_UNKNOWN);
	assert_non_null(strstr(f.out.v[0].found, "cannot read /x/ovs-vswitchd.pid"));
	hn_verify_checks_free(&f.out);
}

static void bridge_without_uplink_is_not_guarded(void **unused)
{
	struct fixture f;

	setup(&f);
	f.b.uplink[0] = '\0';
	assert_int_equal(hn_verify_mac_guard(&f.c, &f.host, &f.out), 0);
	assert_int_equal(f.out.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(guest_mac_is_critical),
	    cmocka_unit_test(registered_mac_passes),
	    cmocka_unit_test(bridge_mac_other_than_the_nic_is_critical),
	    cmocka_unit_test(unread_table_is_unknown),
	    cmocka_unit_test(bridge_without_uplink_is_not_guarded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
