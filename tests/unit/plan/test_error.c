// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The error contexts (error.h): hn_err writes to the innermost, a pushed context leaves the
 * one below it as it was, each thread has its own, and every message is one line. And the
 * clean-up helpers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void outside_any_context_the_threads_own_takes_it(void **unused)
{
	hn_err_clear();
	assert_null(hn_errmsg());
	assert_int_equal(hn_err(-ENOENT, "%s: no such bridge", "br9"), -ENOENT);
	assert_string_equal(hn_errmsg(), "br9: no such bridge");
	/* A later call replaces the text, and may quote it. */
	hn_err(-ENOENT, "config: %s", hn_errmsg());
	assert_string_equal(hn_errmsg(), "config: br9: no such bridge");
	hn_err_clear();
	assert_null(hn_errmsg());
}

static void a_pushed_context_leaves_the_one_below_as_it_was(void **unused)
{
	struct hn_error undo, cancel;

	hn_err(-EIO, "apply: the first failure");
	memset(undo.msg, 'x', sizeof(undo.msg)); /* push starts it empty, whatever it held */
	hn_err_push(&undo);
	assert_null(hn_errmsg());
	hn_err(-EPERM, "rollback: the second");

	hn_err_push(&cancel); /* nested twice */
	hn_err(-ETIMEDOUT, "cancel: the third");
	hn_err_clear(); /* clears the innermost only */
	hn_err(-ETIMEDOUT, "cancel: the third, again");
	hn_err_pop(&cancel);

	assert_string_equal(hn_errmsg(), "rollback: the second");
	hn_err_pop(&undo);
	assert_string_equal(hn_errmsg(), "apply: the first failure");
	/* Each popped context keeps what it was told: the caller composes the line. */
	assert_string_equal(undo.msg, "rollback: the second");
	assert_string_equal(cancel.msg, "cancel: the third, again");
	hn_err(-EIO, "%s; rolling back FAILED too (%s)", hn_errmsg(), undo.msg);
	assert_string_equal(
	    hn_errmsg(),
	    "apply: the first failure; rolling back FAILED too (rollback: the second)");

	/* A context nothing failed in stays empty, and so says nothing. */
	hn_err_push(&undo);
	hn_err_pop(&undo);
	assert_string_equal(undo.msg, "");
	hn_err_clear();
}

static void *other_thread(void *arg)
{
	struct hn_error *seen = arg;

	/* Its own context: empty, whatever the main thread holds. */
	seen->msg[0] = hn_errmsg() ? 'x' : '\0';
	hn_err(-EIO, "said in another thread");
	return NULL;
}

static void each_thread_has_its_own(void **unused)
{
	struct hn_error seen = {.msg = "?"};
	pthread_t t;

	hn_err(-EIO, "said in the main thread");
	assert_int_equal(pthread_create(&t, NULL, other_thread, &seen), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_string_equal(seen.msg, "");
	assert_string_equal(hn_errmsg(), "said in the main thread");
	hn_err_clear();
}

/* What daemons put in their messages (libxml2's, OVSDB details, the kernel's extended ack)
 * is folded onto one line, in whichever context it lands. */
static void every_message_is_one_line(void **unused)
{
	struct hn_error e;
	char big[3000];

	hn_err(-EPROTO, "line one\nline two\r\n\tthree \x01\x1b[0m\x7f end  \n\n");
	assert_string_equal(hn_errmsg(), "line one line two   three ??[0m? end");
	hn_err_push(&e);
	hn_err(-EPROTO, "a\nb");
	hn_err_pop(&e);
	assert_string_equal(e.msg, "a b");
	/* Too long: cut at the context's size, still a string. */
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	hn_err(-E2BIG, "%s", big);
	assert_int_equal(strlen(hn_errmsg()), sizeof(e.msg) - 1);
	hn_err_clear();
}

/* The clean-up helpers of error.h: what a scope owns goes with it, unless taken. */
static char *kept_or_not(bool keep, int *fd_seen)
{
	_cleanup_free_ char *buf = strdup("owned");
	_cleanup_close_ int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	*fd_seen = fd;
	return keep ? TAKE_PTR(buf) : NULL;
}

static void a_scope_frees_and_closes_what_it_did_not_hand_over(void **unused)
{
	char *buf;
	int fd;

	/* Not kept: freed (the sanitizer build would call it a leak) and closed. */
	assert_null(kept_or_not(false, &fd));
	assert_true(fd >= 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	/* Taken: the caller owns it. */
	buf = kept_or_not(true, &fd);
	assert_string_equal(buf, "owned");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(outside_any_context_the_threads_own_takes_it),
	    cmocka_unit_test(a_pushed_context_leaves_the_one_below_as_it_was),
	    cmocka_unit_test(each_thread_has_its_own),
	    cmocka_unit_test(every_message_is_one_line),
	    cmocka_unit_test(a_scope_frees_and_closes_what_it_did_not_hand_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
