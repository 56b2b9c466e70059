// SPDX-License-Identifier: GPL-2.0-or-later
/* The marks that tell a killed run's leftovers from a live run's probes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "probe_owner.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void link_names_round_trip_and_fit(void **unused)
{
	char name[IFNAMSIZ];
	unsigned index;
	pid_t pid;

	/* The largest pid Linux allows (pid_max 4194304) and the most probes. */
	assert_int_equal(hn_verify_probe_link_name(name, 4194304, 511), 0);
	assert_string_equal(name, "hnv400000-511");
	assert_true(strlen(name) < IFNAMSIZ);
	assert_true(hn_verify_probe_link_name_parse(name, &pid, &index));
	assert_int_equal(pid, 4194304);
	assert_int_equal(index, 511);
	assert_int_equal(hn_verify_probe_link_name(name, 0x4d14, 0), 0);
	assert_string_equal(name, "hnv4d14-0");
}

static void other_names_are_not_ours(void **unused)
{
	const char *const names[] = {"hnv",    "hnv-1",	  "hnvx1-1", "hnv1-",	"hnv1-1x",
				     "hnv1_1", "hnv0-1",  "eno1",    "brint",	"hnv1-99999",
				     "Hnv1-1", "hnv 1-1", "hnv1--1", "hnv1-+1", NULL};
	unsigned index;
	pid_t pid;

	for (size_t i = 0; names[i]; i++)
		if (hn_verify_probe_link_name_parse(names[i], &pid, &index))
			fail_msg("'%s' parsed as a probe link", names[i]);
}

static void marks_parse_strictly(void **unused)
{
	unsigned long long start;
	pid_t pid;

	assert_true(hn_verify_probe_mark_parse("1234:98765", &pid, &start));
	assert_int_equal(pid, 1234);
	assert_true(start == 98765);
	assert_false(hn_verify_probe_mark_parse("", &pid, &start));
	assert_false(hn_verify_probe_mark_parse("1234", &pid, &start));
	assert_false(hn_verify_probe_mark_parse("1234:", &pid, &start));
	assert_false(hn_verify_probe_mark_parse("0:5", &pid, &start));
	assert_false(hn_verify_probe_mark_parse("-1:5", &pid, &start));
	assert_false(hn_verify_probe_mark_parse("12:5x", &pid, &start));
	assert_false(hn_verify_probe_mark_parse("x:5", &pid, &start));
}

static void own_mark_is_alive_and_a_reused_pid_is_not(void **unused)
{
	char mark[HN_VERIFY_PROBE_MARK_LEN], forged[HN_VERIFY_PROBE_MARK_LEN];
	unsigned long long start;
	pid_t pid;

	assert_int_equal(hn_verify_probe_mark_self(mark), 0);
	assert_true(hn_verify_probe_mark_parse(mark, &pid, &start));
	assert_int_equal(pid, getpid());
	assert_true(hn_verify_probe_mark_alive(mark));
	assert_true(hn_verify_probe_pid_alive(getpid()));
	/* Our pid, another start time: the run that wrote it is gone, the pid reused. */
	snprintf(forged, sizeof(forged), "%d:%llu", (int)getpid(), start + 1);
	assert_false(hn_verify_probe_mark_alive(forged));
	assert_false(hn_verify_probe_mark_alive("garbage"));
}

static void a_dead_process_is_gone(void **unused)
{
	char mark[HN_VERIFY_PROBE_MARK_LEN];
	int fds[2], status;
	pid_t child;

	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char m[HN_VERIFY_PROBE_MARK_LEN] = "";

		hn_verify_probe_mark_self(m);
		if (write(fds[1], m, sizeof(m)) < 0)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(read(fds[0], mark, sizeof(mark)), (ssize_t)sizeof(mark));
	assert_int_equal(waitpid(child, &status, 0), child);
	close(fds[0]);
	close(fds[1]);
	assert_true(mark[0] != '\0');
	assert_false(hn_verify_probe_mark_alive(mark));
	assert_false(hn_verify_probe_pid_alive(child));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(link_names_round_trip_and_fit),
	    cmocka_unit_test(other_names_are_not_ours),
	    cmocka_unit_test(marks_parse_strictly),
	    cmocka_unit_test(own_mark_is_alive_and_a_reused_pid_is_not),
	    cmocka_unit_test(a_dead_process_is_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
