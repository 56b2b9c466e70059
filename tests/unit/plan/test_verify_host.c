// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The host as the agent reads it for verify, one layer on its own (verify_host.h): a backend
 * that does not load, connect, read or diff says which step failed and why, leaves nothing
 * open and no half plan; one that works hands over its diff.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "plan.h"
#include "verify_host.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int opened, closed;
static bool fail_read, fail_diff;

static int fake_open(const struct hn_opts *opts, void **state)
{
	*state = malloc(1);
	opened++;
	return 0;
}

static int fail_open(const struct hn_opts *opts, void **state)
{
	*state = NULL;
	return hn_err(-ECONNREFUSED, "unix:/nowhere: connection refused");
}

static int fake_read(void *state)
{
	return fail_read ? hn_err(-EPROTO, "the database answered nonsense") : 0;
}

static int fake_diff(void *state, const struct hn_config *want, struct hn_plan *plan)
{
	struct hn_object obj;
	struct hn_action *a;

	hn_object_set(&obj, HN_KIND_PORT, "brint", "brint", NULL);
	a = hn_plan_add(plan, HN_OP_CHANGE, &obj);

	assert_non_null(a);
	a->priv = malloc(8); /* freed through free_priv, as a backend's */
	return fail_diff ? hn_err(-EPROTO, "a column of an unknown type") : 0;
}

static void fake_close(void *state)
{
	free(state);
	closed++;
}

static const struct hn_backend fake = {
    .name = "ovs",
    .layer = HN_LAYER_OVS,
    .open = fake_open,
    .read = fake_read,
    .diff = fake_diff,
    .free_priv = free,
    .close = fake_close,
};

static const struct hn_opts opts = {.timeout_ms = 100};
static const struct hn_config want;

/* As hn_host_read calls them: in the layer's own error context. */
static int layer_open(const struct hn_backend *b, void **state, struct hn_verify_layer *l)
{
	int r;

	hn_err_push(&l->err);
	r = hn_layer_open(b, &opts, state, l);
	hn_err_pop(&l->err);
	return r;
}

static void layer_diff(const struct hn_backend *b, void *state, struct hn_verify_layer *l)
{
	hn_err_push(&l->err);
	hn_layer_diff(b, state, &want, l);
	hn_err_pop(&l->err);
}

static void a_layer_that_works_hands_over_its_diff(void **unused)
{
	const struct hn_backend *owners[HN_LAYER_COUNT] = {&fake};
	struct hn_verify_layer l = {0};
	void *state;

	opened = closed = 0;
	fail_read = fail_diff = false;
	assert_int_equal(layer_open(&fake, &state, &l), 0);
	assert_non_null(state);
	layer_diff(&fake, state, &l);
	assert_int_equal(l.failed, HN_VERIFY_COMPARED);
	assert_int_equal(l.plan.n, 1);
	fake.close(state);
	assert_int_equal(closed, 1);
	hn_plan_free(&l.plan, owners);
}

static void each_failing_step_is_named_with_its_reason(void **unused)
{
	struct hn_backend down = fake;
	struct hn_verify_layer l = {0};
	void *state;

	/* What the caller was saying is left as it was: each layer says its own. */
	hn_err(-EIO, "the caller's own message");
	down.open = fail_open;
	assert_int_equal(layer_open(&down, &state, &l), -1);
	assert_int_equal(l.failed, HN_VERIFY_NO_CONNECT);
	assert_string_equal(l.err.msg, "unix:/nowhere: connection refused");
	assert_null(state);

	/* What hn_backend_of said, in the layer's context, when it could not load the
	 * backend. */
	memset(&l, 0, sizeof(l));
	hn_err_push(&l.err);
	hn_err(-ENOENT, "cannot load the libvirt backend: no module");
	assert_int_equal(hn_layer_open(NULL, &opts, &state, &l), -1);
	hn_err_pop(&l.err);
	assert_int_equal(l.failed, HN_VERIFY_NO_BACKEND);
	assert_string_equal(l.err.msg, "cannot load the libvirt backend: no module");

	/* A read that fails: closed again, nothing left open. */
	memset(&l, 0, sizeof(l));
	opened = closed = 0;
	fail_read = true;
	assert_int_equal(layer_open(&fake, &state, &l), -1);
	fail_read = false;
	assert_int_equal(l.failed, HN_VERIFY_NO_READ);
	assert_string_equal(l.err.msg, "the database answered nonsense");
	assert_int_equal(opened, 1);
	assert_int_equal(closed, 1);
	assert_null(state);

	/* A diff that fails: no half plan is handed over. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(layer_open(&fake, &state, &l), 0);
	fail_diff = true;
	layer_diff(&fake, state, &l);
	fail_diff = false;
	assert_int_equal(l.failed, HN_VERIFY_NO_DIFF);
	assert_string_equal(l.err.msg, "a column of an unknown type");
	assert_int_equal(l.plan.n, 0);
	fake.close(state);
	assert_string_equal(hn_errmsg(), "the caller's own message");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_layer_that_works_hands_over_its_diff),
	    cmocka_unit_test(each_failing_step_is_named_with_its_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
