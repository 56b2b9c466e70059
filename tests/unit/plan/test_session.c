// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A failed apply and its rollback (converge.h), with backends that fail on cue: the line
 * says what failed first and what the rollback did, each in its own words, whatever the
 * rollback's own failures wrote meanwhile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "converge.h"
#include "error.h"
#include "plan.h"

#include <errno.h>
#include <string.h>

/* What each layer's fake does: the message it fails with, NULL when it works. */
static const char *apply_fails[HN_LAYER_COUNT], *undo_fails[HN_LAYER_COUNT];
static int undone[HN_LAYER_COUNT];

static enum hn_layer layer_of(struct hn_action **acts)
{
	return acts[0]->layer;
}

static int fake_apply(void *state, struct hn_action **acts, size_t n, size_t *done)
{
	enum hn_layer l = layer_of(acts);

	*done = 0;
	if (apply_fails[l])
		return hn_err(-EEXIST, "%s", apply_fails[l]);
	*done = n;
	return 0;
}

static int fake_undo(void *state, struct hn_action **acts, size_t n)
{
	enum hn_layer l = layer_of(acts);

	undone[l] += (int)n;
	if (undo_fails[l])
		return hn_err(l == HN_LAYER_OVS ? -ECONNRESET : -EBUSY, "%s", undo_fails[l]);
	return 0;
}

static const struct hn_backend fake = {.apply = fake_apply, .undo = fake_undo};


/* One OVS action, then one netlink action, as `up` orders them. */
static void two_layers(struct hn_session *s, struct hn_plan *plan)
{
	struct hn_object bridge, addr;

	memset(s, 0, sizeof(*s));
	memset(plan, 0, sizeof(*plan));
	s->backends[HN_LAYER_OVS] = &fake;
	s->backends[HN_LAYER_NETLINK] = &fake;
	hn_object_set(&bridge, HN_KIND_BRIDGE, "brint", NULL, NULL);
	hn_object_set(&addr, HN_KIND_ADDRESS, "10.99.1.250/32", "brint", NULL);
	assert_non_null(hn_plan_add(plan, HN_OP_CREATE, &bridge));
	assert_non_null(hn_plan_add(plan, HN_OP_CREATE, &addr));
	memset(apply_fails, 0, sizeof(apply_fails));
	memset(undo_fails, 0, sizeof(undo_fails));
	memset(undone, 0, sizeof(undone));
	hn_err_clear();
}

static void a_failure_is_reported_with_its_rollback(void **unused)
{
	struct hn_config want = {0};
	struct hn_session s;
	struct hn_plan plan;
	size_t at = 0;

	two_layers(&s, &plan);
	apply_fails[HN_LAYER_NETLINK] = "brint: add 10.99.1.250/32: File exists";
	assert_int_equal(hn_session_apply(&s, &want, &plan, 0, plan.n, &at), -EEXIST);
	assert_int_equal(undone[HN_LAYER_OVS], 1);
	assert_string_equal(hn_errmsg(), "brint: add 10.99.1.250/32: File exists; the 1 change(s) "
					 "made before it were rolled back, the host is as it was");
	hn_plan_free(&plan, NULL);

	/* The rollback fails too: both reasons, neither in place of the other. */
	two_layers(&s, &plan);
	apply_fails[HN_LAYER_NETLINK] = "brint: add 10.99.1.250/32: File exists";
	undo_fails[HN_LAYER_OVS] = "ovsdb-server at unix:/x closed the connection";
	at = 0;
	assert_int_equal(hn_session_apply(&s, &want, &plan, 0, plan.n, &at), -EEXIST);
	assert_string_equal(
	    hn_errmsg(), "brint: add 10.99.1.250/32: File exists; rolling back the 1 change(s) "
			 "made before it FAILED too (ovsdb-server at unix:/x closed the "
			 "connection): the host is half-converged, run `hostnet plan` to see how "
			 "it stands");
	hn_plan_free(&plan, NULL);
}

/* Undone newest first: the first failure is the one the error code and the text are of,
 * and the layers after it are still undone. */
static void a_rollback_reports_its_first_failure(void **unused)
{
	struct hn_session s;
	struct hn_plan plan;

	two_layers(&s, &plan);
	undo_fails[HN_LAYER_NETLINK] = "brint: undo add 10.99.1.250/32: Device or resource busy";
	undo_fails[HN_LAYER_OVS] = "ovsdb-server at unix:/x closed the connection";
	assert_int_equal(hn_session_rollback(&s, plan.actions, plan.n), -EBUSY);
	assert_int_equal(undone[HN_LAYER_OVS], 1);
	assert_string_equal(hn_errmsg(), "brint: undo add 10.99.1.250/32: Device or resource busy");
	hn_plan_free(&plan, NULL);
}

/* up: the host's network and libvirt's networks are two units. libvirt failing after the
 * host's network converged undoes libvirt's part only, and the line says the rest stays. */
static void up_keeps_the_host_network_when_libvirt_fails(void **unused)
{
	struct hn_config want = {0};
	struct hn_object net;
	struct hn_session s;
	struct hn_plan plan;
	size_t applied = 0;

	two_layers(&s, &plan);
	s.backends[HN_LAYER_VIRT] = &fake;
	hn_object_set(&net, HN_KIND_NETWORK, "intern-vlans", NULL, NULL);
	assert_non_null(hn_plan_add(&plan, HN_OP_CREATE, &net));
	assert_non_null(hn_plan_add(&plan, HN_OP_CREATE, &net));
	apply_fails[HN_LAYER_VIRT] = "libvirt network intern-vlans: define: it said no";
	assert_int_equal(hn_session_converge(&s, &want, &plan, &applied, 100), -EEXIST);
	assert_int_equal(applied, 2);
	assert_int_equal(undone[HN_LAYER_OVS], 0);
	assert_int_equal(undone[HN_LAYER_NETLINK], 0);
	assert_string_equal(hn_errmsg(), "libvirt network intern-vlans: define: it said no; the "
					 "host's network (2 change(s) before it) was converged and "
					 "stays so");
	hn_plan_free(&plan, NULL);

	/* down is one unit: the same failure takes back what came before it. */
	two_layers(&s, &plan);
	s.backends[HN_LAYER_VIRT] = &fake;
	want.down = true;
	assert_non_null(hn_plan_add(&plan, HN_OP_CREATE, &net));
	apply_fails[HN_LAYER_NETLINK] = "brint: it said no";
	assert_int_equal(hn_session_converge(&s, &want, &plan, &applied, 100), -EEXIST);
	assert_int_equal(undone[HN_LAYER_OVS], 1);
	hn_plan_free(&plan, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_failure_is_reported_with_its_rollback),
	    cmocka_unit_test(a_rollback_reports_its_first_failure),
	    cmocka_unit_test(up_keeps_the_host_network_when_libvirt_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
