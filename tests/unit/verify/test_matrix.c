// SPDX-License-Identifier: GPL-2.0-or-later
/* Given who heard what, which checks fail: the seed matrix, filled by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "matrix.h"
#include "seed_config.h"

struct fixture {
	struct hn_config c;
	struct hn_verify_probe_plan p;
	struct hn_verify_matrix m;
	struct hn_verify_checks out;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	seed_config(&f->c, true);
	assert_int_equal(hn_verify_probe_plan_build(&f->c, &f->p), 0);
	assert_int_equal(hn_verify_matrix_init(&f->m, &f->p), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hn_verify_checks_free(&f->out);
	hn_verify_matrix_free(&f->m);
	hn_verify_probe_plan_free(&f->p);
	hn_config_free(&f->c);
	free(f);
	return 0;
}

/* A healthy switch: every expected pair heard the right way, nothing else. */
static void hear_everything_expected(struct fixture *f)
{
	for (size_t r = 0; r < f->p.n_probes; r++)
		for (size_t e = 0; e < f->p.n_emissions; e++)
			if (hn_verify_matrix_expected(&f->p, r, e))
				hn_verify_matrix_record(
				    &f->m, r, e, f->p.probes[r].kind == HN_VERIFY_PROBE_TRUNK,
				    f->p.emissions[e].vlan);
}

static size_t emission_of(const struct fixture *f, int probe, unsigned vlan)
{
	for (size_t e = 0; e < f->p.n_emissions; e++)
		if (f->p.emissions[e].probe == (unsigned)probe && f->p.emissions[e].vlan == vlan)
			return e;
	fail_msg("no emission of probe %d on VLAN %u", probe, vlan);
	return 0;
}

static int trunk_probe(const struct fixture *f, const char *names)
{
	for (size_t i = 0; i < f->p.n_probes; i++)
		if (f->p.probes[i].kind == HN_VERIFY_PROBE_TRUNK &&
		    strcmp(f->p.probes[i].names, names) == 0)
			return (int)i;
	fail_msg("no trunk probe %s", names);
	return -1;
}

static const struct hn_verify_check *check(const struct fixture *f, const char *name)
{
	for (size_t i = 0; i < f->out.n; i++)
		if (strcmp(f->out.v[i].name, name) == 0)
			return &f->out.v[i];
	fail_msg("no check named '%s'", name);
	return NULL;
}

/* Exactly the named checks are CRITICAL, all others OK. */
static void assert_failed_exactly(const struct fixture *f, const char *const *names)
{
	size_t n = 0;

	for (; names[n]; n++)
		assert_int_equal(check(f, names[n])->status, HN_VERIFY_CHECK_CRITICAL);
	for (size_t i = 0; i < f->out.n; i++) {
		bool named = false;

		for (size_t k = 0; k < n; k++)
			named |= strcmp(f->out.v[i].name, names[k]) == 0;
		if (!named && f->out.v[i].status != HN_VERIFY_CHECK_OK)
			fail_msg("unexpected %s: %s: %s",
				 hn_verify_check_status_name(f->out.v[i].status), f->out.v[i].name,
				 f->out.v[i].found);
	}
}

/* The matrix again, every expected pair heard but what receiver r1 (r2) hears of sender
 * s1 (s2); -1: no second pair. */
static void hear_all_but(struct fixture *f, int r1, int s1, int r2, int s2)
{
	struct hn_verify_matrix m2;

	assert_int_equal(hn_verify_matrix_init(&m2, &f->p), 0);
	for (size_t r = 0; r < f->p.n_probes; r++)
		for (size_t e = 0; e < f->p.n_emissions; e++) {
			int s = (int)f->p.emissions[e].probe;

			if (!hn_verify_matrix_expected(&f->p, r, e) || ((int)r == r1 && s == s1) ||
			    ((int)r == r2 && s == s2))
				continue;
			hn_verify_matrix_record(&m2, r, e,
						f->p.probes[r].kind == HN_VERIFY_PROBE_TRUNK,
						f->p.emissions[e].vlan);
		}
	hn_verify_matrix_free(&f->m);
	f->m = m2;
}

/* One frame heard where it must not be, on a healthy switch: exactly check `name` fails,
 * and says `found`. */
static void one_stray(struct fixture *f, int r, size_t e, unsigned vid, const char *name,
		      const char *found)
{
	hear_everything_expected(f);
	hn_verify_matrix_record(&f->m, (size_t)r, e, vid != 0, vid);
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	assert_failed_exactly(f, (const char *const[]){name, NULL});
	assert_string_equal(check(f, name)->found, found);
}

static void healthy_switch_passes_every_check(void **state)
{
	struct fixture *f = *state;

	assert_false(hn_verify_matrix_complete(&f->m));
	hear_everything_expected(f);
	assert_true(hn_verify_matrix_complete(&f->m));
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	/* 14 VLANs x (forwarding, isolation) + 3 trunks x (egress, ingress) */
	assert_int_equal(f->out.n, 34);
	assert_failed_exactly(f, (const char *const[]){NULL});
	assert_string_equal(check(f, "trunk vlansext")->found, "10,20 tagged");
	assert_string_equal(check(f, "trunk vlansint ingress")->found,
			    "100-109 delivered; 4 other tag(s) dropped");
	assert_string_equal(check(f, "vlan 10 isolation")->found, "frames of VLAN 10 only");
}

static void a_leak_names_both_vlans(void **state)
{
	struct fixture *f = *state;
	int a10 = hn_verify_probe_plan_access(&f->p, 10, 'a'),
	    b20 = hn_verify_probe_plan_access(&f->p, 20, 'b');

	hear_everything_expected(f);
	/* VLAN 20's frame reaches a probe of VLAN 10, untagged: a path joins them. */
	hn_verify_matrix_record(&f->m, (size_t)a10, emission_of(f, b20, 20), false, 0);
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	assert_failed_exactly(f, (const char *const[]){"vlan 10 isolation", NULL});
	assert_string_equal(check(f, "vlan 10 isolation")->found,
			    "frames of VLAN 20 reach VLAN 10 (heard by probe a)");
}

static void a_flat_switch_leaks_everything_everywhere(void **state)
{
	struct fixture *f = *state;

	/* No VLANs at all: every access probe hears every access probe. */
	hear_everything_expected(f);
	for (size_t r = 0; r < f->p.n_probes; r++)
		for (size_t e = 0; e < f->p.n_emissions; e++)
			if (f->p.probes[r].kind == HN_VERIFY_PROBE_ACCESS &&
			    f->p.probes[f->p.emissions[e].probe].kind == HN_VERIFY_PROBE_ACCESS &&
			    f->p.emissions[e].probe != r)
				hn_verify_matrix_record(&f->m, r, e, false, 0);
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	assert_string_equal(check(f, "vlan 99 isolation")->found,
			    "frames of VLANs 10,20,100-109 reach VLAN 99 (heard by probe a and b)");
	assert_int_equal(check(f, "vlan 99 forwarding")->status, HN_VERIFY_CHECK_OK);
}

static void a_leak_seen_by_a_trunk_shows_both_tags(void **state)
{
	struct fixture *f = *state;
	int t = trunk_probe(f, "vlansext");
	int a10 = hn_verify_probe_plan_access(&f->p, 10, 'a');

	hear_everything_expected(f);
	/* VLAN 10's frame also comes back re-tagged 20 (joined outside the switch). */
	hn_verify_matrix_record(&f->m, (size_t)t, emission_of(f, a10, 10), true, 20);
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	assert_string_equal(check(f, "trunk vlansext")->found,
			    "20 tagged; VLAN 10 arrives tagged 10,20");
}

static void a_vlan_that_carries_nothing_fails_forwarding(void **state)
{
	struct fixture *f = *state;
	int a = hn_verify_probe_plan_access(&f->p, 105, 'a'),
	    b = hn_verify_probe_plan_access(&f->p, 105, 'b');

	/* Everything but the two probes of 105 hearing each other. */
	hear_all_but(f, a, b, b, a);
	assert_false(hn_verify_matrix_complete(&f->m));
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	assert_failed_exactly(f, (const char *const[]){"vlan 105 forwarding", NULL});
	assert_string_equal(check(f, "vlan 105 forwarding")->found,
			    "a hears nothing from b; b hears nothing from a");
}

static void a_vlan_missing_from_a_trunk(void **state)
{
	struct fixture *f = *state;
	struct hn_verify_matrix m2;
	int t = trunk_probe(f, "vlansext");

	/* The trunk port lost VLAN 20: its probe hears none of 20's frames, and its
	 * tag-20 frames reach nobody. */
	assert_int_equal(hn_verify_matrix_init(&m2, &f->p), 0);
	for (size_t r = 0; r < f->p.n_probes; r++)
		for (size_t e = 0; e < f->p.n_emissions; e++) {
			const struct hn_verify_emission *em = &f->p.emissions[e];

			if (!hn_verify_matrix_expected(&f->p, r, e) ||
			    (em->vlan == 20 && ((int)r == t || (int)em->probe == t)))
				continue;
			hn_verify_matrix_record(
			    &m2, r, e, f->p.probes[r].kind == HN_VERIFY_PROBE_TRUNK, em->vlan);
		}
	hn_verify_matrix_free(&f->m);
	f->m = m2;
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	assert_failed_exactly(
	    f, (const char *const[]){"trunk vlansext", "trunk vlansext ingress", NULL});
	assert_string_equal(check(f, "trunk vlansext")->found, "10 tagged; missing 20");
	assert_string_equal(check(f, "trunk vlansext ingress")->found,
			    "tags 20 not delivered to their VLAN's probes");
}

static void an_extra_vlan_on_a_trunk(void **state)
{
	struct fixture *f = *state;
	int t = trunk_probe(f, "vlansext");
	int a99 = hn_verify_probe_plan_access(&f->p, 99, 'a');

	hear_everything_expected(f);
	/* The trunk also carries 99: it hears 99's frames tagged, and its own tag-99 frame
	 * reaches VLAN 99's probes. */
	hn_verify_matrix_record(&f->m, (size_t)t, emission_of(f, a99, 99), true, 99);
	hn_verify_matrix_record(&f->m, (size_t)a99, emission_of(f, t, 99), false, 0);
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	assert_failed_exactly(
	    f, (const char *const[]){"trunk vlansext", "trunk vlansext ingress", NULL});
	assert_string_equal(check(f, "trunk vlansext")->found, "10,20 tagged; extra 99");
	assert_string_equal(check(f, "trunk vlansext ingress")->found,
			    "tags 99 outside the set admitted");
}

static void a_trunk_vlan_arriving_untagged(void **state)
{
	struct fixture *f = *state;
	int t = trunk_probe(f, "vlansadmin");
	int b250 = hn_verify_probe_plan_side(&f->p, 250, 'b'); /* the matrix trunk */

	hear_everything_expected(f);
	hn_verify_matrix_record(&f->m, (size_t)t, emission_of(f, b250, 250), false, 0);
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	assert_failed_exactly(f, (const char *const[]){"trunk vlansadmin", NULL});
	assert_string_equal(check(f, "trunk vlansadmin")->found,
			    "99 tagged; VLAN 250 arrives untagged and tagged 250");
}

/* A VLAN only the matrix trunks carry is as isolated as any: VLAN 10's frame heard by
 * matrix trunk b tagged 250 joins 10 and 250; and 250's own frames must go both ways. */
static void a_leak_into_a_matrix_vlan_names_both(void **state)
{
	struct fixture *f = *state;
	int a10 = hn_verify_probe_plan_access(&f->p, 10, 'a');

	one_stray(f, hn_verify_probe_plan_matrix(&f->p, 'b'), emission_of(f, a10, 10), 250,
		  "vlan 250 isolation",
		  "frames of VLAN 10 reach VLAN 250 (heard by matrix trunk b)");
}

static void a_leak_out_of_a_matrix_vlan_names_both(void **state)
{
	struct fixture *f = *state;
	int ma = hn_verify_probe_plan_matrix(&f->p, 'a');

	one_stray(f, hn_verify_probe_plan_access(&f->p, 20, 'b'), emission_of(f, ma, 250), 0,
		  "vlan 20 isolation", "frames of VLAN 250 reach VLAN 20 (heard by probe b)");
}

static void a_matrix_vlan_that_carries_nothing_fails_forwarding(void **state)
{
	struct fixture *f = *state;

	hear_all_but(f, hn_verify_probe_plan_matrix(&f->p, 'a'),
		     hn_verify_probe_plan_matrix(&f->p, 'b'), -1, -1);
	assert_false(hn_verify_matrix_complete(&f->m));
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	assert_failed_exactly(f, (const char *const[]){"vlan 250 forwarding", NULL});
	assert_string_equal(check(f, "vlan 250 forwarding")->found, "a hears nothing from b");
	assert_string_equal(check(f, "vlan 250 forwarding")->expected,
			    "matrix trunks a and b hear each other on VLAN 250, tagged 250");
}

static void a_tagged_frame_on_an_access_port(void **state)
{
	struct fixture *f = *state;
	int a = hn_verify_probe_plan_access(&f->p, 101, 'a'),
	    b = hn_verify_probe_plan_access(&f->p, 101, 'b');

	hear_everything_expected(f);
	hn_verify_matrix_record(&f->m, (size_t)b, emission_of(f, a, 101), true, 101);
	assert_int_equal(hn_verify_matrix_evaluate(&f->m, &f->out), 0);
	assert_failed_exactly(
	    f, (const char *const[]){"vlan 101 forwarding", "vlan 101 isolation", NULL});
}

static void completion_counts_only_right_hearings(void **state)
{
	struct fixture *f = *state;
	int t = trunk_probe(f, "vlansext");
	int a10 = hn_verify_probe_plan_access(&f->p, 10, 'a');
	size_t e = emission_of(f, a10, 10);

	assert_true(hn_verify_matrix_expected(&f->p, (size_t)t, e));
	assert_false(hn_verify_matrix_expected(&f->p, (size_t)a10, e)); /* its own frame */
	/* Untagged on a trunk is not the right way: not counted. */
	hn_verify_matrix_record(&f->m, (size_t)t, e, false, 0);
	assert_int_equal(f->m.heard, 0);
	hn_verify_matrix_record(&f->m, (size_t)t, e, true, 10);
	assert_int_equal(f->m.heard, 1);
	/* The same again counts once. */
	hn_verify_matrix_record(&f->m, (size_t)t, e, true, 10);
	assert_int_equal(f->m.heard, 1);
	/* Expected pairs: 14 VLANs x 2 (a<->b), each trunk hears 2 probes of each of its VLANs
	 * and each VLAN's 2 probes hear the trunk's tag: (2+2)*2 + (2+2)*2 + (2+2)*10. */
	assert_int_equal(f->m.expected, 28 + 8 + 8 + 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(healthy_switch_passes_every_check, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_leak_names_both_vlans, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_flat_switch_leaks_everything_everywhere, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(a_leak_seen_by_a_trunk_shows_both_tags, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(a_vlan_that_carries_nothing_fails_forwarding, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(a_vlan_missing_from_a_trunk, setup, teardown),
	    cmocka_unit_test_setup_teardown(an_extra_vlan_on_a_trunk, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_trunk_vlan_arriving_untagged, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_leak_into_a_matrix_vlan_names_both, setup, teardown),
	    cmocka_unit_test_setup_teardown(a_leak_out_of_a_matrix_vlan_names_both, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(a_matrix_vlan_that_carries_nothing_fails_forwarding,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(a_tagged_frame_on_an_access_port, setup, teardown),
	    cmocka_unit_test_setup_teardown(completion_counts_only_right_hearings, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
