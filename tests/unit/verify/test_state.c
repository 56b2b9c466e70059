// SPDX-License-Identifier: GPL-2.0-or-later
/* State checks from a backend's diff, with fake backends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "plan.h"
#include "state.h"
#include "backends.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int diffs; /* what the fake diff returns: 0 none, 1 three changes, -1 an error */
static int closed;

static int fake_open(const struct hn_opts *opts, void **state)
{
	*state = malloc(1);
	return 0;
}

static int fail_open(const struct hn_opts *opts, void **state)
{
	*state = NULL;
	return hn_err(-ECONNREFUSED, "unix:/nowhere: connection refused");
}

static int fake_read(void *state)
{
	return 0;
}

static int fake_diff(void *state, const struct hn_config *want, struct hn_plan *plan)
{
	struct hn_action *a;

	if (diffs < 0)
		return hn_err(-EPROTO, "the database answered nonsense");
	if (diffs == 0)
		return 0;
	a = hn_plan_add(plan, HN_LAYER_OVS, HN_OP_CHANGE, "port brint");
	hn_action_detail(a, "tag 10 -> 99");
	a->priv = malloc(8);
	a = hn_plan_add(plan, HN_LAYER_OVS, HN_OP_CHANGE, "port mon0 on brint");
	hn_action_detail(a, "tag 10 -> 99, trunks [] -> [1]");
	hn_plan_add(plan, HN_LAYER_OVS, HN_OP_CREATE, "bridge brint");
	a = hn_plan_add(plan, HN_LAYER_OVS, HN_OP_CHANGE, "link br0");
	hn_action_detail(a, "absent -> up");
	a = hn_plan_add(plan, HN_LAYER_OVS, HN_OP_REMOVE, "network default");
	hn_action_detail(a, "named in libvirt.undefine");
	return 0;
}

static void fake_free_priv(void *priv)
{
	free(priv);
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
    .free_priv = fake_free_priv,
    .close = fake_close,
};

static const struct hn_opts opts = {.timeout_ms = 100};
static const struct hn_config want;

static void no_difference_is_one_ok_check(void **unused)
{
	struct hn_checks c = {0};

	diffs = 0;
	closed = 0;
	assert_int_equal(hn_state_check_backend(&fake, &opts, &want, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].status, HN_CHECK_OK);
	assert_string_equal(c.v[0].name, "ovs state");
	assert_int_equal(closed, 1);
	hn_checks_free(&c);
}

static void each_difference_is_a_named_critical_check(void **unused)
{
	struct hn_checks c = {0};

	diffs = 1;
	assert_int_equal(hn_state_check_backend(&fake, &opts, &want, &c), 0);
	assert_int_equal(c.n, 5);
	for (size_t i = 0; i < c.n; i++)
		assert_int_equal(c.v[i].status, HN_CHECK_CRITICAL);
	/* One field changed: expected and found are its two values. */
	assert_string_equal(c.v[0].name, "port brint");
	assert_string_equal(c.v[0].expected, "tag 99");
	assert_string_equal(c.v[0].found, "tag 10");
	/* Several: quoted whole. */
	assert_string_equal(c.v[1].expected, "as configured");
	assert_string_equal(c.v[1].found, "differs: tag 10 -> 99, trunks [] -> [1]");
	assert_string_equal(c.v[2].found, "missing");
	/* A bare value: no field name to repeat. */
	assert_string_equal(c.v[3].name, "link br0");
	assert_string_equal(c.v[3].expected, "up");
	assert_string_equal(c.v[3].found, "absent");
	assert_string_equal(c.v[4].expected, "absent");
	assert_string_equal(c.v[4].found, "present: named in libvirt.undefine");
	hn_checks_free(&c);
}

static void a_backend_that_cannot_read_is_unknown(void **unused)
{
	struct hn_backend down = fake;
	struct hn_checks c = {0};

	down.open = fail_open;
	assert_int_equal(hn_state_check_backend(&down, &opts, &want, &c), 0);
	assert_int_equal(c.v[0].status, HN_CHECK_UNKNOWN);
	assert_string_equal(c.v[0].found, "cannot connect: unix:/nowhere: connection refused");
	diffs = -1;
	closed = 0;
	assert_int_equal(hn_state_check_backend(&fake, &opts, &want, &c), 0);
	assert_int_equal(c.v[1].status, HN_CHECK_UNKNOWN);
	assert_string_equal(c.v[1].found, "cannot compare: the database answered nonsense");
	assert_int_equal(closed, 1);
	hn_checks_free(&c);
}

static void layers_follow_hostnet_layers(void **unused)
{
	unsetenv("HOSTNET_LAYERS");
	assert_true(hn_layer_wanted(HN_LAYER_VIRT));
	setenv("HOSTNET_LAYERS", "ovs,netlink", 1);
	assert_true(hn_layer_wanted(HN_LAYER_OVS));
	assert_true(hn_layer_wanted(HN_LAYER_NETLINK));
	assert_false(hn_layer_wanted(HN_LAYER_VIRT));
	setenv("HOSTNET_LAYERS", "xovs", 1);
	assert_false(hn_layer_wanted(HN_LAYER_OVS));
	unsetenv("HOSTNET_LAYERS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_difference_is_one_ok_check),
	    cmocka_unit_test(each_difference_is_a_named_critical_check),
	    cmocka_unit_test(a_backend_that_cannot_read_is_unknown),
	    cmocka_unit_test(layers_follow_hostnet_layers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
