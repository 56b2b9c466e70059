// SPDX-License-Identifier: GPL-2.0-or-later
/* Which probes a run needs, from the seed config and variations of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "probe_plan.h"
#include "seed_config.h"

#include <errno.h>

static const char *vlans(const struct hn_vlanset *s)
{
	static char buf[HN_VLANSET_STRLEN];

	return hn_vlanset_format(s, buf, sizeof(buf));
}

static const char *addr(struct in_addr a)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return inet_ntop(AF_INET, &a, buf[i], sizeof(buf[i]));
}

/* The entries of the reach list, without the ARP proof's (which follow them). */
static size_t reach_entries(const struct hn_verify_probe_plan *p)
{
	size_t n = 0;

	while (n < p->n_reach && !p->reach[n].arp)
		n++;
	for (size_t i = n; i < p->n_reach; i++)
		assert_true(p->reach[i].arp);
	return n;
}

static void seed_plan_has_two_probes_per_vlan_and_one_per_trunk(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;
	size_t trunks = 0, matrix = 0, admitted = 0, dropped = 0;

	seed_config(&c, true);
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), 0);
	assert_string_equal(p.bridge, "brint");
	assert_string_equal(vlans(&p.vlans), "10,20,99-109,250");
	assert_int_equal(hn_vlanset_count(&p.vlans), 14);
	assert_int_equal(p.n_probes, 31);
	for (size_t i = 0; i < p.n_probes; i++) {
		if (p.probes[i].kind == HN_VERIFY_PROBE_TRUNK) {
			matrix += p.probes[i].matrix;
			trunks += !p.probes[i].matrix;
			continue;
		}
		/* a and b, side by side, for each VLAN in order */
		assert_int_equal(p.probes[i].side, i % 2 ? 'b' : 'a');
	}
	assert_int_equal(trunks, 3);
	/* 250 has no access port in the config (only the trunk vlansadmin): the matrix
	 * trunks carry it, after the 13 access VLANs' probes. */
	assert_int_equal(matrix, 2);
	assert_string_equal(vlans(&p.matrix_vlans), "250");
	assert_int_equal(hn_verify_probe_plan_matrix(&p, 'a'), 26);
	assert_int_equal(hn_verify_probe_plan_matrix(&p, 'b'), 27);
	assert_int_equal(p.probes[27].side, 'b');
	assert_string_equal(vlans(&p.probes[26].trunks), "250");
	assert_int_equal(hn_verify_probe_plan_access(&p, 250, 'a'), -1);
	assert_int_equal(hn_verify_probe_plan_side(&p, 250, 'b'), 27);
	assert_int_equal(hn_verify_probe_plan_side(&p, 10, 'b'), 1);
	assert_string_equal(p.probes[28].names, "vlansadmin");
	assert_string_equal(vlans(&p.probes[28].trunks), "99,250");
	assert_string_equal(p.probes[29].names, "vlansext");
	assert_string_equal(p.probes[30].names, "vlansint");
	assert_string_equal(vlans(&p.probes[30].trunks), "100-109");
	assert_int_equal(hn_verify_probe_plan_access(&p, 99, 'b'), 5);
	assert_int_equal(hn_verify_probe_plan_access(&p, 98, 'a'), -1);

	/* 26 access frames, 2 of the matrix trunks (250 each); each trunk tags its set
	 * (carried) and every other VLAN (dropped): 2+12, 2+12, 10+4. */
	for (size_t i = 0; i < p.n_emissions; i++) {
		admitted += p.emissions[i].admitted;
		dropped += !p.emissions[i].admitted;
		if (p.probes[p.emissions[i].probe].kind == HN_VERIFY_PROBE_ACCESS)
			assert_false(p.emissions[i].tagged);
		else
			assert_true(p.emissions[i].tagged);
	}
	assert_int_equal(p.n_emissions, 70);
	assert_int_equal(admitted, 28 + 14);
	assert_int_equal(dropped, 12 + 12 + 4);
	hn_verify_probe_plan_free(&p);
	hn_config_free(&c);
}

static void seed_reach_list_gets_distinct_free_candidates(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;
	char net[HN_PREFIX_STRLEN];

	seed_config(&c, true);
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), 0);
	assert_int_equal(reach_entries(&p), 2);
	/* The /32 on brint says nothing of the subnet; the route 10.99.1.0/24 does. */
	assert_string_equal(hn_prefix_format(&p.reach[0].subnet, net), "10.99.1.0/24");
	assert_false(p.reach[0].subnet_guessed);
	assert_true(p.reach[0].expect_ok);
	assert_false(p.reach[1].expect_ok);
	assert_int_equal(p.reach[0].probe, (unsigned)hn_verify_probe_plan_access(&p, 99, 'a'));
	assert_int_equal(p.reach[1].probe, (unsigned)hn_verify_probe_plan_access(&p, 10, 'a'));
	assert_int_equal(p.reach[0].n_cand, 3);
	assert_string_equal(addr(p.reach[0].cand[0]), "10.99.1.254");
	assert_string_equal(addr(p.reach[0].cand[1]), "10.99.1.253");
	/* .250 is the target: skipped; the second entry does not reuse the first's. */
	assert_string_equal(addr(p.reach[0].cand[2]), "10.99.1.252");
	assert_string_equal(addr(p.reach[1].cand[0]), "10.99.1.251");
	assert_string_equal(addr(p.reach[1].cand[1]), "10.99.1.249");
	hn_verify_probe_plan_free(&p);
	hn_config_free(&c);
}

static void defaults_derive_vlans_and_reach_from_the_config(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;
	size_t ok = 0, fail = 0;

	seed_config(&c, false);
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), 0);
	/* br0 has the uplink: never probed; brint carries the VLANs. */
	assert_string_equal(p.bridge, "brint");
	assert_string_equal(vlans(&p.vlans), "10,20,99-109,250");
	/* 10.99.1.250 answers from 99, and from none of the 13 others. */
	assert_int_equal(reach_entries(&p), 14);
	for (size_t i = 0; i < 14; i++) {
		assert_true(p.reach[i].derived);
		assert_string_equal(addr(p.reach[i].to), "10.99.1.250");
		if (p.reach[i].expect_ok) {
			ok++;
			assert_int_equal(p.reach[i].from_vlan, 99);
		} else {
			fail++;
			assert_int_not_equal(p.reach[i].from_vlan, 99);
		}
		for (size_t j = 0; j < i; j++)
			for (unsigned k = 0; k < p.reach[i].n_cand; k++)
				for (unsigned l = 0; l < p.reach[j].n_cand; l++)
					assert_int_not_equal(p.reach[i].cand[k].s_addr,
							     p.reach[j].cand[l].s_addr);
	}
	assert_int_equal(ok, 1);
	assert_int_equal(fail, 13);
	hn_verify_probe_plan_free(&p);
	hn_config_free(&c);
}

/* Every address of the host, from every VLAN of the matrix: only the VLAN of the port that
 * holds it on the probed bridge may answer; an address elsewhere (br0's) answers on none. An
 * internal port with an address is its own VLAN's; an address on an untagged port of the
 * probed bridge is left out. */
static void arp_proof_asks_every_address_from_every_vlan(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;
	struct hn_bridge *brint;
	size_t n, own = 0;

	seed_config(&c, true);
	brint = &c.bridges[1];
	brint->n_ports = 2;
	brint->ports = calloc(2, sizeof(*brint->ports));
	strcpy(brint->ports[0].name, "mon0");
	brint->ports[0].type = HN_PORT_INTERNAL;
	brint->ports[0].tag = 250;
	brint->ports[0].n_addresses = 1;
	brint->ports[0].addresses = malloc(sizeof(struct hn_prefix));
	brint->ports[0].addresses[0] = seed_prefix("10.250.0.1", 24);
	strcpy(brint->ports[1].name, "mon1"); /* untagged: its VLAN is no one VLAN */
	brint->ports[1].type = HN_PORT_INTERNAL;
	brint->ports[1].n_addresses = 1;
	brint->ports[1].addresses = malloc(sizeof(struct hn_prefix));
	brint->ports[1].addresses[0] = seed_prefix("10.251.0.1", 24);
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), 0);
	n = reach_entries(&p);
	assert_int_equal(p.n_reach - n, 3 * 14);
	for (size_t i = n; i < p.n_reach; i++) {
		const struct hn_verify_reach_spec *r = &p.reach[i];
		const char *to = addr(r->to);

		assert_int_equal(r->n_cand, 1);
		assert_int_equal(r->cand[0].s_addr, 0); /* an RFC 5227 probe */
		assert_int_equal(r->probe,
				 (unsigned)hn_verify_probe_plan_access(&p, r->from_vlan, 'a'));
		/* One address's entries follow each other: arp_proof.h groups them so. */
		assert_string_equal(to, addr(p.reach[n + (i - n) / 14 * 14].to));
		if (strcmp(to, "198.51.100.10") == 0) {
			assert_false(r->expect_ok);
		} else if (strcmp(to, "10.99.1.250") == 0) {
			assert_int_equal(r->expect_ok, r->from_vlan == 99);
		} else {
			assert_string_equal(to, "10.250.0.1");
			assert_int_equal(r->expect_ok, r->from_vlan == 250);
		}
		own += r->expect_ok;
	}
	assert_int_equal(own, 2);
	hn_verify_probe_plan_free(&p);
	hn_config_free(&c);
}

static void trunk_and_reach_vlans_join_the_matrix(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;

	seed_config(&c, true);
	/* isolation names only 10 and 20; the trunks and the reach list need the rest. */
	memset(&c.verify.isolation_vlans, 0, sizeof(c.verify.isolation_vlans));
	hn_vlanset_add(&c.verify.isolation_vlans, 10);
	hn_vlanset_add(&c.verify.isolation_vlans, 20);
	c.verify.reach[1].from_vlan = 300;
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), 0);
	assert_string_equal(vlans(&p.vlans), "10,20,99-109,250,300");
	hn_verify_probe_plan_free(&p);
	hn_config_free(&c);
}

static void a_set_used_twice_is_one_trunk_probe(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;
	struct hn_port *port;

	seed_config(&c, true);
	c.bridges[1].n_ports = 1;
	c.bridges[1].ports = port = calloc(1, sizeof(*port));
	strcpy(port->name, "trunk0");
	port->has_trunks = true;
	hn_vlanset_add(&port->trunks, 10);
	hn_vlanset_add(&port->trunks, 20);
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), 0);
	assert_int_equal(p.n_probes, 31);
	assert_string_equal(p.probes[29].names, "vlansext,trunk0");
	hn_verify_probe_plan_free(&p);
	hn_config_free(&c);
}

static void an_uplink_bridge_is_never_probed(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;

	seed_config(&c, true);
	strcpy(c.verify.isolation_bridge, "br0");
	hn_err_clear();
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), -EINVAL);
	assert_non_null(strstr(hn_errmsg(), "uplink eno1"));
	assert_null(p.probes);
	strcpy(c.verify.isolation_bridge, "nosuch");
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), -EINVAL);
	assert_non_null(strstr(hn_errmsg(), "nosuch"));
	hn_config_free(&c);
}

static void too_many_access_vlans_are_refused_with_advice(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;
	struct hn_bridge *brint;

	seed_config(&c, true);
	brint = &c.bridges[1];
	brint->n_ports = 300;
	brint->ports = calloc(brint->n_ports, sizeof(*brint->ports));
	for (unsigned i = 0; i < brint->n_ports; i++) {
		snprintf(brint->ports[i].name, sizeof(brint->ports[i].name), "vm%u", i);
		brint->ports[i].tag = 1000 + i;
		hn_vlanset_add(&c.verify.isolation_vlans, 1000 + i);
	}
	hn_err_clear();
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), -EINVAL);
	assert_non_null(strstr(hn_errmsg(), "narrow verify.isolation.vlans"));
	hn_config_free(&c);
}

/* Every VLAN of a switch costs no probe when the config only trunks it: the two matrix
 * trunks carry them all, and the reach list and the ARP proof send from them, tagged. */
static void every_vlan_rides_the_matrix_trunks(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;
	size_t matrix_frames = 0;
	int ma;

	seed_config(&c, true);
	for (unsigned v = 1; v <= 4094; v++)
		hn_vlanset_add(&c.verify.isolation_vlans, v);
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), 0);
	assert_int_equal(hn_vlanset_count(&p.vlans), 4094);
	assert_int_equal(hn_vlanset_count(&p.matrix_vlans), 4094 - 13);
	assert_int_equal(p.n_probes, 26 + 2 + 3);
	ma = hn_verify_probe_plan_matrix(&p, 'a');
	for (size_t i = 0; i < p.n_emissions; i++) {
		const struct hn_verify_emission *e = &p.emissions[i];

		if (!p.probes[e->probe].matrix)
			continue;
		matrix_frames++;
		assert_true(e->tagged && e->admitted);
		assert_true(hn_vlanset_has(&p.matrix_vlans, e->vlan));
	}
	assert_int_equal(matrix_frames, 2 * (4094 - 13));
	for (size_t i = 0; i < p.n_reach; i++) {
		const struct hn_verify_reach_spec *r = &p.reach[i];

		if (hn_vlanset_has(&p.matrix_vlans, r->from_vlan)) {
			assert_int_equal(r->probe, (unsigned)ma);
			assert_int_equal(r->tag, r->from_vlan);
		} else {
			assert_int_equal(
			    r->probe, (unsigned)hn_verify_probe_plan_access(&p, r->from_vlan, 'a'));
			assert_int_equal(r->tag, 0);
		}
	}
	hn_verify_probe_plan_free(&p);
	hn_config_free(&c);
}

static void nothing_to_probe_without_vlans(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;

	seed_config(&c, false);
	c.bridges[1].tag = 0;
	c.networks[1].n_portgroups = 0; /* the portgroups stay allocated for hn_config_free */
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), 0);
	assert_string_equal(p.bridge, "");
	assert_int_equal(p.n_probes, 0);
	c.networks[1].n_portgroups = 15;
	hn_config_free(&c);
}

static void a_subnet_the_config_does_not_cover_is_guessed(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;
	char net[HN_PREFIX_STRLEN];

	seed_config(&c, true);
	inet_pton(AF_INET, "192.0.2.7", &c.verify.reach[1].to);
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), 0);
	assert_true(p.reach[1].subnet_guessed);
	assert_string_equal(hn_prefix_format(&p.reach[1].subnet, net), "192.0.2.0/24");
	assert_string_equal(addr(p.reach[1].cand[0]), "192.0.2.254");
	hn_verify_probe_plan_free(&p);
	hn_config_free(&c);
}

static void a_point_to_point_subnet_has_no_candidate(void **unused)
{
	struct hn_config c;
	struct hn_verify_probe_plan p;

	seed_config(&c, true);
	c.bridges[1].routes[0].to = seed_prefix("10.99.1.250", 30); /* .248-.251 */
	assert_int_equal(hn_verify_probe_plan_build(&c, &p), 0);
	/* .248 is the network, .251 the broadcast, .250 the target: .249 alone is left, for
	 * the first entry; the second gets none. */
	assert_int_equal(p.reach[0].n_cand, 1);
	assert_string_equal(addr(p.reach[0].cand[0]), "10.99.1.249");
	assert_int_equal(p.reach[1].n_cand, 0);
	hn_verify_probe_plan_free(&p);
	hn_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(seed_plan_has_two_probes_per_vlan_and_one_per_trunk),
	    cmocka_unit_test(seed_reach_list_gets_distinct_free_candidates),
	    cmocka_unit_test(defaults_derive_vlans_and_reach_from_the_config),
	    cmocka_unit_test(arp_proof_asks_every_address_from_every_vlan),
	    cmocka_unit_test(trunk_and_reach_vlans_join_the_matrix),
	    cmocka_unit_test(a_set_used_twice_is_one_trunk_probe),
	    cmocka_unit_test(an_uplink_bridge_is_never_probed),
	    cmocka_unit_test(too_many_access_vlans_are_refused_with_advice),
	    cmocka_unit_test(every_vlan_rides_the_matrix_trunks),
	    cmocka_unit_test(nothing_to_probe_without_vlans),
	    cmocka_unit_test(a_subnet_the_config_does_not_cover_is_guessed),
	    cmocka_unit_test(a_point_to_point_subnet_has_no_candidate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
