// SPDX-License-Identifier: GPL-2.0-or-later
/* ovs-vswitchd's fdb/show text (as Open vSwitch 3.1 writes it) and where its socket is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "ovs_fdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void reads_every_entry(void **unused)
{
	static const char text[] = " port  VLAN  MAC                Age\n"
				   "LOCAL     0  3e:cb:7f:32:ba:4a    0\n"
				   "    1   250  0a:95:11:c0:b1:66  117\n"
				   "   12     0  02:ad:00:00:00:01  static\n";
	struct hn_learned l;

	assert_int_equal(hn_ovs_fdb_parse(text, &l), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].ofport, 65534);
	assert_int_equal(l.v[0].mac.b[0], 0x3e);
	assert_int_equal(l.v[0].mac.b[5], 0x4a);
	assert_int_equal(l.v[1].ofport, 1);
	assert_int_equal(l.v[1].vlan, 250);
	assert_int_equal(l.v[1].age, 117);
	assert_int_equal(l.v[2].ofport, 12);
	assert_int_equal(l.v[2].age, -1);
	assert_string_equal(l.v[2].port, "");
	free(l.v);
}

static void empty_table_has_no_entry(void **unused)
{
	struct hn_learned l;

	assert_int_equal(hn_ovs_fdb_parse(" port  VLAN  MAC                Age\n", &l), 0);
	assert_int_equal(l.n, 0);
	free(l.v);
}

static void a_line_it_does_not_read_is_named(void **unused)
{
	static const char *const bad[] = {
	    " port  VLAN  MAC                Age\n    1     0  0a:95:11:c0:b1    3\n",
	    " port  VLAN  MAC                Age\n    x     0  0a:95:11:c0:b1:66    3\n",
	    " port  VLAN  MAC                Age\n    1  9999  0a:95:11:c0:b1:66    3\n",
	    " port  VLAN  MAC                Age\n    1     0  0a:95:11:c0:b1:66\n",
	    " port  VLAN  MAC                Age\n    1     0  0a:95:11:c0:b1:66  3 x\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hn_learned l;

		assert_int_equal(hn_ovs_fdb_parse(bad[i], &l), -EPROTO);
		assert_null(l.v);
		assert_non_null(strstr(hn_errmsg(), "fdb/show has a line hostnet does not read"));
	}
}

static void socket_from_pid_file(void **unused)
{
	char dir[] = "/tmp/hn-fdb-XXXXXX", path[256], addr[300];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(hn_ovs_fdb_ctl_path(dir, addr, sizeof(addr)), -ENOENT);
	assert_non_null(strstr(hn_errmsg(), "is ovs-vswitchd running?"));
	snprintf(path, sizeof(path), "%s/ovs-vswitchd.pid", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("4242\n", f);
	fclose(f);
	assert_int_equal(hn_ovs_fdb_ctl_path(dir, addr, sizeof(addr)), 0);
	snprintf(path, sizeof(path), "unix:%s/ovs-vswitchd.4242.ctl", dir);
	assert_string_equal(addr, path);
	snprintf(path, sizeof(path), "%s/ovs-vswitchd.pid", dir);
	unlink(path);
	rmdir(dir);
}

static void rundir_beside_the_database(void **unused)
{
	char dir[256];

	hn_ovs_fdb_rundir("unix:/run/hostnet-lab/x/db.sock", dir, sizeof(dir));
	assert_string_equal(dir, "/run/hostnet-lab/x");
	hn_ovs_fdb_rundir("tcp:127.0.0.1:6640", dir, sizeof(dir));
	assert_string_equal(dir, "/var/run/openvswitch");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_every_entry),
	    cmocka_unit_test(empty_table_has_no_entry),
	    cmocka_unit_test(a_line_it_does_not_read_is_named),
	    cmocka_unit_test(socket_from_pid_file),
	    cmocka_unit_test(rundir_beside_the_database),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
