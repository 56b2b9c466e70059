// SPDX-License-Identifier: GPL-2.0-or-later
/* The bonded uplink's check: every member enabled (and LACP negotiated), one down, none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bond_check.h"

#include <string.h>

struct fixture {
	struct hn_bridge b;
	struct hn_config c;
	struct hn_verify_bond bond;
	struct hn_verify_host host;
	struct hn_verify_checks out;
};

/* br0 over a bond of eno1 and eno2, both enabled, eno1 active. */
static void setup(struct fixture *f, enum hn_lacp lacp)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->b.name, "br0");
	strcpy(f->b.uplink, "eno1");
	strcpy(f->b.bond[0], "eno1");
	strcpy(f->b.bond[1], "eno2");
	f->b.n_bond = 2;
	strcpy(f->b.bond_port, "br0-bond");
	f->b.lacp = lacp;
	f->c.bridges = &f->b;
	f->c.n_bridges = 1;
	f->bond.read = true;
	strcpy(f->bond.state.lacp_status, lacp ? "negotiated" : "off");
	f->bond.state.members[0] =
	    (struct hn_bond_member){.name = "eno1", .enabled = true, .active = true};
	f->bond.state.members[1] = (struct hn_bond_member){.name = "eno2", .enabled = true};
	f->bond.state.n_members = 2;
	f->host.bonds = &f->bond;
}

static enum hn_verify_check_status check(struct fixture *f, const char *found)
{
	assert_int_equal(hn_verify_bonds(&f->c, &f->host, &f->out), 0);
	assert_int_equal(f->out.n, 1);
	assert_string_equal(f->out.v[0].name, "uplink bond br0-bond");
	if (!strstr(f->out.v[0].found, found))
		fail_msg("found: %s, expected it to hold %s", f->out.v[0].found, found);
	return f->out.v[0].status;
}

static void both_enabled_is_ok(void **unused)
{
	struct fixture f;

	setup(&f, HN_LACP_OFF);
	assert_int_equal(check(&f, "eno1 enabled (active), eno2 enabled"), HN_VERIFY_CHECK_OK);
	hn_verify_checks_free(&f.out);
}

static void one_down_is_a_warning(void **unused)
{
	struct fixture f;

	setup(&f, HN_LACP_OFF);
	f.bond.state.members[0].enabled = false;
	f.bond.state.members[0].active = false;
	f.bond.state.members[1].active = true;
	assert_int_equal(check(&f, "eno1 disabled, eno2 enabled (active)"),
			 HN_VERIFY_CHECK_WARNING);
	hn_verify_checks_free(&f.out);
	/* A member the config names that the bond lacks counts as down. */
	setup(&f, HN_LACP_OFF);
	strcpy(f.bond.state.members[1].name, "eno3");
	assert_int_equal(check(&f, "eno2 not in the bond"), HN_VERIFY_CHECK_WARNING);
	hn_verify_checks_free(&f.out);
}

static void none_enabled_is_critical(void **unused)
{
	struct fixture f;

	setup(&f, HN_LACP_OFF);
	f.bond.state.members[0].enabled = false;
	f.bond.state.members[1].enabled = false;
	assert_int_equal(check(&f, "the host is cut off"), HN_VERIFY_CHECK_CRITICAL);
	hn_verify_checks_free(&f.out);
}

static void lacp_not_negotiated_is_a_warning(void **unused)
{
	struct fixture f;

	setup(&f, HN_LACP_ACTIVE);
	assert_int_equal(check(&f, "LACP negotiated"), HN_VERIFY_CHECK_OK);
	hn_verify_checks_free(&f.out);
	setup(&f, HN_LACP_ACTIVE);
	strcpy(f.bond.state.lacp_status, "configured");
	assert_int_equal(check(&f, "LACP configured"), HN_VERIFY_CHECK_WARNING);
	hn_verify_checks_free(&f.out);
}

static void unread_bond_is_unknown(void **unused)
{
	struct fixture f;

	setup(&f, HN_LACP_OFF);
	f.bond.read = false;
	strcpy(f.bond.err.msg, "cannot read /run/openvswitch/ovs-vswitchd.pid");
	assert_int_equal(check(&f, "could not be read: cannot read"), HN_VERIFY_CHECK_UNKNOWN);
	hn_verify_checks_free(&f.out);
	/* A bridge without a bond has no such check. */
	setup(&f, HN_LACP_OFF);
	f.b.n_bond = 0;
	assert_int_equal(hn_verify_bonds(&f.c, &f.host, &f.out), 0);
	assert_int_equal(f.out.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(both_enabled_is_ok),
	    cmocka_unit_test(one_down_is_a_warning),
	    cmocka_unit_test(none_enabled_is_critical),
	    cmocka_unit_test(lacp_not_negotiated_is_a_warning),
	    cmocka_unit_test(unread_bond_is_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
