// SPDX-License-Identifier: GPL-2.0-or-later
/* ovs-vswitchd's bond/show and lacp/show text, as Open vSwitch 3.1 writes it (recorded in the
 * lab of tests/integration/uplink_bond.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "ovs_bond.h"

#include <string.h>

static const char active_backup_eno1_down[] = "---- br0-bond ----\n"
					      "bond_mode: active-backup\n"
					      "bond may use recirculation: no, Recirc-ID : -1\n"
					      "bond-hash-basis: 0\n"
					      "lb_output action: disabled, bond-id: -1\n"
					      "updelay: 0 ms\n"
					      "downdelay: 0 ms\n"
					      "lacp_status: off\n"
					      "lacp_fallback_ab: false\n"
					      "active-backup primary: eno1\n"
					      "active member mac: da:7c:25:89:39:c5(eno2)\n"
					      "\n"
					      "member eno1: disabled\n"
					      "  may_enable: false\n"
					      "\n"
					      "member eno2: enabled\n"
					      "  active member\n"
					      "  may_enable: true\n"
					      "\n";

static const char balance_tcp[] = "---- br0-bond ----\n"
				  "bond_mode: balance-tcp\n"
				  "lacp_status: negotiated\n"
				  "lacp_fallback_ab: false\n"
				  "active member mac: 8e:cd:03:48:77:f8(eno1)\n"
				  "\n"
				  "member eno1: enabled\n"
				  "  active member\n"
				  "  may_enable: true\n"
				  "\n"
				  "member eno2: enabled\n"
				  "  may_enable: true\n";

static const char lacp_show[] =
    "---- br0-bond ----\n"
    "  status: active negotiated\n"
    "  sys_id: 8e:cd:03:48:77:f8\n"
    "  lacp_time: slow\n"
    "\n"
    "member: eno1: current attached\n"
    "  port_id: 1\n"
    "  actor state: activity aggregation synchronized collecting distributing\n"
    "\n"
    "member: eno2: expired attached\n"
    "  port_id: 2\n";

static void members_and_their_state(void **unused)
{
	struct hn_bond_state st;

	assert_int_equal(hn_ovs_bond_parse(active_backup_eno1_down, &st), 0);
	assert_string_equal(st.lacp_status, "off");
	assert_int_equal(st.n_members, 2);
	assert_string_equal(st.members[0].name, "eno1");
	assert_false(st.members[0].enabled);
	assert_false(st.members[0].active);
	assert_string_equal(st.members[1].name, "eno2");
	assert_true(st.members[1].enabled);
	assert_true(st.members[1].active);
}

static void lacp_words_go_to_their_member(void **unused)
{
	struct hn_bond_state st;

	assert_int_equal(hn_ovs_bond_parse(balance_tcp, &st), 0);
	assert_string_equal(st.lacp_status, "negotiated");
	hn_ovs_lacp_parse(lacp_show, &st);
	assert_string_equal(st.members[0].lacp, "current attached");
	assert_string_equal(st.members[1].lacp, "expired attached");
}

/* Open vSwitch before 2.15 says "slave". */
static void older_words_are_read(void **unused)
{
	struct hn_bond_state st;

	assert_int_equal(hn_ovs_bond_parse("lacp_status: configured\n"
					   "slave eno1: enabled\n"
					   "  active slave\n"
					   "slave eno2: disabled\n",
					   &st),
			 0);
	assert_string_equal(st.lacp_status, "configured");
	assert_int_equal(st.n_members, 2);
	assert_true(st.members[0].active);
	assert_false(st.members[1].enabled);
	hn_ovs_lacp_parse("slave: eno2: defaulted detached\n", &st);
	assert_string_equal(st.members[1].lacp, "defaulted detached");
}

static void text_without_members_is_an_error(void **unused)
{
	struct hn_bond_state st;

	assert_int_equal(hn_ovs_bond_parse("no such bond\n", &st), -EPROTO);
	assert_non_null(strstr(hn_errmsg(), "names no member"));
	hn_err_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(members_and_their_state),
	    cmocka_unit_test(lacp_words_go_to_their_member),
	    cmocka_unit_test(older_words_are_read),
	    cmocka_unit_test(text_without_members_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
