// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The call guard (virt/virt_guard.c) on socket pairs: a read that blocks past the bound is
 * woken by the guard shutting its socket down, a quick one is left alone, and only sockets
 * made after the snapshot are ever touched. libvirt's own calls block the same way (in
 * poll() on their socket); tests/integration/virt_stall.sh shows it against libvirtd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "virt_guard.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A pair still carries bytes both ways. */
static void assert_pair_works(int a, int b)
{
	char c = 0;

	assert_int_equal(write(b, "x", 1), 1);
	assert_int_equal(read(a, &c, 1), 1);
	assert_int_equal(c, 'x');
}

static void fd_list_is_sorted_and_has_the_open_files(void **unused)
{
	struct hn_virt_fd_list l;
	int sv[2];

	(void)unused;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(hn_virt_fd_list_now(&l), 0);
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.fds[i - 1] < l.fds[i]);
	for (int k = 0; k < 2; k++) {
		bool found = false;

		for (size_t i = 0; i < l.n; i++)
			found |= l.fds[i] == sv[k];
		assert_true(found);
	}
	hn_virt_fd_list_free(&l);
	close(sv[0]);
	close(sv[1]);
}

static void call_past_the_bound_is_cut_and_named(void **unused)
{
	struct hn_virt_guard *g;
	struct hn_virt_fd_list before;
	int old[2], sv[2];
	double t0, took;
	char c;

	(void)unused;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, old), 0);
	assert_int_equal(hn_virt_fd_list_now(&before), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(hn_virt_guard_start(&before, 150, &g), 0);
	hn_virt_fd_list_free(&before);
	assert_null(hn_virt_guard_stalled(g));

	/* Nobody writes: without the guard this read waits forever. */
	t0 = now_s();
	hn_virt_guard_arm(g, "read_that_never_ends");
	assert_int_equal(read(sv[0], &c, 1), 0); /* end of file: shut down */
	hn_virt_guard_disarm(g);
	took = now_s() - t0;
	assert_true(took >= 0.145 && took < 0.6);
	assert_string_equal(hn_virt_guard_stalled(g), "read_that_never_ends");
	/* A later call on the cut socket fails at once. */
	assert_true(send(sv[1], "x", 1, MSG_NOSIGNAL) < 0);

	hn_virt_guard_stop(g);
	/* The pair made before the snapshot is not the guard's. */
	assert_pair_works(old[0], old[1]);
	close(old[0]);
	close(old[1]);
	close(sv[0]);
	close(sv[1]);
}

static void quick_calls_are_left_alone(void **unused)
{
	struct hn_virt_guard *g;
	struct hn_virt_fd_list before;
	int sv[2];

	(void)unused;
	assert_int_equal(hn_virt_fd_list_now(&before), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(hn_virt_guard_start(&before, 100, &g), 0);
	hn_virt_fd_list_free(&before);
	for (int i = 0; i < 3; i++) {
		hn_virt_guard_arm(g, "quick");
		assert_pair_works(sv[0], sv[1]);
		hn_virt_guard_disarm(g);
	}
	/* Disarmed: the deadline of the last call passes and nothing happens. */
	usleep(250 * 1000);
	assert_null(hn_virt_guard_stalled(g));
	assert_pair_works(sv[0], sv[1]);
	hn_virt_guard_stop(g);
	/* The guard's duplicates are closed, ours still work. */
	assert_pair_works(sv[0], sv[1]);
	close(sv[0]);
	close(sv[1]);
}

/* A write blocked on a full socket, cut: it returns, and the writes after it fail with EPIPE
 * (SIGPIPE is ignored as virt_conn.c does it from libvirt's initialisation on). */
static void cut_write_fails_with_epipe(void **unused)
{
	const size_t big = 4 << 20;
	struct hn_virt_guard *g;
	struct hn_virt_fd_list before;
	char *buf = calloc(1, big);
	int sv[2];

	(void)unused;
	assert_non_null(buf);
	assert_true(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	assert_int_equal(hn_virt_fd_list_now(&before), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(hn_virt_guard_start(&before, 100, &g), 0);
	hn_virt_fd_list_free(&before);
	hn_virt_guard_arm(g, "write_to_a_stopped_reader");
	assert_true(write(sv[1], buf, big) < (ssize_t)big); /* nobody reads: blocks, is cut */
	assert_int_equal(write(sv[1], buf, 1), -1);
	assert_int_equal(errno, EPIPE);
	hn_virt_guard_disarm(g);
	assert_string_equal(hn_virt_guard_stalled(g), "write_to_a_stopped_reader");
	hn_virt_guard_stop(g);
	close(sv[0]);
	close(sv[1]);
	free(buf);
}

static void connect_in_progress_is_cut(void **unused)
{
	struct hn_virt_fd_list before;
	int old[2], sv[2];
	char c;

	(void)unused;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, old), 0);
	assert_int_equal(hn_virt_fd_list_now(&before), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(hn_virt_fd_cut_new_sockets(&before), 2);
	assert_int_equal(read(sv[0], &c, 1), 0);
	assert_pair_works(old[0], old[1]);
	hn_virt_fd_list_free(&before);
	for (int k = 0; k < 2; k++) {
		close(old[k]);
		close(sv[k]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(fd_list_is_sorted_and_has_the_open_files),
	    cmocka_unit_test(call_past_the_bound_is_cut_and_named),
	    cmocka_unit_test(quick_calls_are_left_alone),
	    cmocka_unit_test(cut_write_fails_with_epipe),
	    cmocka_unit_test(connect_in_progress_is_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
