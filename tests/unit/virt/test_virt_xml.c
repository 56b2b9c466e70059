// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network XML without libvirt: the documents built for the seed against expected ones and
 * against the seed's own intern.xml / front.xml (by meaning), libvirt's reading of <vlan>,
 * and the differences as the plan words them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "error.h"
#include "seed_config.h"
#include "virt_xml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *build(const struct hn_config *c, const char *name, const char *uuid)
{
	const struct hn_network *n = hn_config_network(c, name);
	char *xml;

	assert_non_null(n);
	xml = hn_virt_xml_build(n, uuid);
	assert_non_null(xml);
	return xml;
}

static void parse(const char *xml, struct hn_virt_netdef *d)
{
	if (hn_virt_netdef_parse(xml, d) != 0)
		fail_msg("parse: %s", hn_errmsg());
}

/* The differences of have from want, as a string (static buffer). */
static const char *differences(const char *want_xml, const char *have_xml, bool check_owner,
			       unsigned *n)
{
	static char buf[1024];
	struct hn_virt_netdef want, have;

	parse(want_xml, &want);
	parse(have_xml, &have);
	*n = hn_virt_netdef_compare(&want, &have, check_owner, buf, sizeof(buf));
	hn_virt_netdef_free(&want);
	hn_virt_netdef_free(&have);
	return buf;
}

static void built_seed_is_the_expected_document(void **unused)
{
	struct hn_config c;
	const char *names[] = {"intern-vlans", "ovs-front"};

	tc_seed(&c);
	for (size_t i = 0; i < 2; i++) {
		char file[64], *want, *got = build(&c, names[i], NULL);

		snprintf(file, sizeof(file), "expected-%s.xml", names[i]);
		want = tc_fixture(file);
		assert_string_equal(got, want);
		free(want);
		free(got);
	}
	hn_config_free(&c);
}

/* The seed's hand-written files and ours mean the same (they only lack the owner mark). */
static void built_seed_means_the_seed_files(void **unused)
{
	struct hn_config c;
	const char *pairs[][2] = {{"intern-vlans", "seed-intern.xml"},
				  {"ovs-front", "seed-front.xml"}};

	tc_seed(&c);
	for (size_t i = 0; i < 2; i++) {
		char *got = build(&c, pairs[i][0], NULL), *seed = tc_fixture(pairs[i][1]);
		unsigned n;
		const char *d = differences(got, seed, false, &n);

		if (n)
			fail_msg("%s differs from the seed: %s", pairs[i][0], d);
		/* And the owner mark is the one difference when it counts. */
		d = differences(got, seed, true, &n);
		assert_int_equal(n, 1);
		assert_string_equal(d, "owner mark missing");
		free(seed);
		free(got);
	}
	hn_config_free(&c);
}

static const struct hn_virt_pg *pg(const struct hn_virt_netdef *d, const char *name)
{
	for (size_t i = 0; i < d->n_pgs; i++)
		if (strcmp(d->pgs[i].name, name) == 0)
			return &d->pgs[i];
	fail_msg("no portgroup %s", name);
	return NULL;
}

static void assert_vlans(const struct hn_virt_pg *p, bool trunk, const char *vlans)
{
	char buf[256];

	assert_true(p->has_vlan);
	assert_false(p->native);
	assert_int_equal(p->trunk, trunk);
	assert_string_equal(hn_vlanset_format(&p->vlans, buf, sizeof(buf)), vlans);
}

/* Every one of the seed's 15 portgroups, read back from what we build. */
static void every_seed_portgroup_has_its_vlans(void **unused)
{
	struct hn_config c;
	struct hn_virt_netdef d;
	char *xml;

	tc_seed(&c);
	xml = build(&c, "intern-vlans", NULL);
	parse(xml, &d);
	assert_string_equal(d.name, "intern-vlans");
	assert_null(d.uuid);
	assert_string_equal(d.forward, "bridge");
	assert_string_equal(d.bridge, "brint");
	assert_string_equal(d.virtualport, "openvswitch");
	assert_true(d.owned);
	assert_int_equal(d.n_pgs, 15);
	assert_vlans(pg(&d, "vlansadmin"), true, "99,250");
	assert_vlans(pg(&d, "vlansext"), true, "10,20");
	assert_vlans(pg(&d, "vlan10"), false, "10");
	assert_vlans(pg(&d, "vlan20"), false, "20");
	assert_vlans(pg(&d, "vlansint"), true, "100-109");
	for (unsigned v = 100; v <= 109; v++) {
		char name[8], tag[8];

		snprintf(name, sizeof(name), "%u", v);
		snprintf(tag, sizeof(tag), "%u", v);
		assert_vlans(pg(&d, name), false, tag);
	}
	hn_virt_netdef_free(&d);
	free(xml);
	hn_config_free(&c);
}

/* A trunk of one VLAN keeps trunk='yes': without it libvirt makes an access port. */
static void single_vlan_trunk_stays_a_trunk(void **unused)
{
	struct hn_config c = {0};
	struct hn_network *n = tc_network(&c, "t", "brint");
	struct hn_virt_netdef d;
	char *xml;

	tc_trunk(n, "one", 42, 42);
	tc_access(n, "acc", 42);
	xml = build(&c, "t", "c977a601-e3e7-4077-86df-482714ef75b1");
	assert_non_null(strstr(xml, "<uuid>c977a601-e3e7-4077-86df-482714ef75b1</uuid>"));
	parse(xml, &d);
	assert_string_equal(d.uuid, "c977a601-e3e7-4077-86df-482714ef75b1");
	assert_vlans(pg(&d, "one"), true, "42");
	assert_vlans(pg(&d, "acc"), false, "42");
	hn_virt_netdef_free(&d);
	free(xml);
	hn_config_free(&c);
}

/* Names are escaped by libxml2, never pasted: they come back as they went in. */
static void names_are_escaped(void **unused)
{
	struct hn_config c = {0};
	const char *odd = "a'b\"c<d>&e";
	struct hn_network *n = tc_network(&c, odd, "brint");
	struct hn_virt_netdef d;
	char *xml;

	tc_access(n, odd, 7);
	xml = build(&c, odd, NULL);
	parse(xml, &d);
	assert_string_equal(d.name, odd);
	assert_int_equal(d.n_pgs, 1);
	assert_string_equal(d.pgs[0].name, odd);
	hn_virt_netdef_free(&d);
	free(xml);
	hn_config_free(&c);
}

#define NET(body)                                                                                  \
	"<network><name>n</name><forward mode='bridge'/><bridge name='brint'/>"                    \
	"<virtualport type='openvswitch'/>" body "</network>"

/* libvirt's virNetDevVlanParse: several tags without trunk= are a trunk; trunk='no' or one
 * tag without it is access; 'YES' counts (libvirt ignores case). */
static void vlan_reading_follows_libvirt(void **unused)
{
	struct hn_virt_netdef d;

	parse(NET("<portgroup name='two'><vlan><tag id='10'/><tag id='20'/></vlan></portgroup>"
		  "<portgroup name='no'><vlan trunk='no'><tag id='10'/></vlan></portgroup>"
		  "<portgroup name='caps'><vlan trunk='YES'><tag id='10'/></vlan></portgroup>"
		  "<portgroup name='bare'/>"
		  "<portgroup name='native'><vlan trunk='yes'><tag id='10' nativeMode='untagged'/>"
		  "<tag id='20'/></vlan></portgroup>"),
	      &d);
	assert_vlans(pg(&d, "two"), true, "10,20");
	assert_vlans(pg(&d, "no"), false, "10");
	assert_vlans(pg(&d, "caps"), true, "10");
	assert_false(pg(&d, "bare")->has_vlan);
	assert_true(pg(&d, "native")->native);
	assert_false(d.owned);
	hn_virt_netdef_free(&d);

	/* libvirt accepts a portgroup name twice and only ever uses the first. */
	parse(NET("<portgroup name='a'><vlan><tag id='10'/></vlan></portgroup>"
		  "<portgroup name='a'><vlan><tag id='20'/></vlan></portgroup>"),
	      &d);
	assert_int_equal(d.n_pgs, 1);
	assert_vlans(pg(&d, "a"), false, "10");
	hn_virt_netdef_free(&d);

	/* <forward/> alone is NAT; no <forward> is an isolated network. */
	parse("<network><name>x</name><forward/></network>", &d);
	assert_string_equal(d.forward, "nat");
	assert_null(d.bridge);
	assert_null(d.virtualport);
	hn_virt_netdef_free(&d);
	parse("<network><name>x</name></network>", &d);
	assert_string_equal(d.forward, "none");
	hn_virt_netdef_free(&d);
}

/* The mark counts by namespace URI and name, not by prefix. */
static void owner_mark_is_matched_by_namespace(void **unused)
{
	struct hn_virt_netdef d;

	parse(NET("<metadata><x:owner xmlns:x='" HN_VIRT_OWNER_NS "'/></metadata>"), &d);
	assert_true(d.owned);
	hn_virt_netdef_free(&d);
	parse(NET("<metadata><hostnet:owner xmlns:hostnet='https://other.example/'/></metadata>"),
	      &d);
	assert_false(d.owned);
	hn_virt_netdef_free(&d);
	parse(NET("<metadata><hostnet:other xmlns:hostnet='" HN_VIRT_OWNER_NS "'/></metadata>"),
	      &d);
	assert_false(d.owned);
	hn_virt_netdef_free(&d);
}

/* What libvirt adds or reorders is no difference. */
static void reordering_and_additions_are_not_differences(void **unused)
{
	unsigned n;
	const char *d =
	    differences(NET("<portgroup name='a'><vlan><tag id='1'/></vlan></portgroup>"
			    "<portgroup name='b'><vlan trunk='yes'><tag id='2'/><tag id='3'/>"
			    "</vlan></portgroup>"),
			"<network connections='2'>"
			"<portgroup name='b'><vlan trunk='yes'><tag id='3'/><tag id='2'/></vlan>"
			"</portgroup><virtualport type='openvswitch'/>"
			"<uuid>c977a601-e3e7-4077-86df-482714ef75b1</uuid>"
			"<portgroup name='a'><vlan><tag id='1'/></vlan></portgroup>"
			"<bridge name='brint' stp='on'/><name>n</name><forward mode='bridge'/>"
			"<mtu size='9000'/></network>",
			false, &n);

	assert_int_equal(n, 0);
	assert_string_equal(d, "");
}

static void differences_are_worded_for_the_plan(void **unused)
{
	unsigned n;
	const char *d;

	d = differences(NET("<portgroup name='105'><vlan><tag id='105'/></vlan></portgroup>"),
			NET(""), false, &n);
	assert_int_equal(n, 1);
	assert_string_equal(d, "portgroup 105 missing");

	d = differences(NET(""), NET("<portgroup name='x'><vlan><tag id='5'/></vlan></portgroup>"),
			false, &n);
	assert_string_equal(d, "portgroup x not in the config");

	d = differences(NET("<portgroup name='v'><vlan><tag id='10'/></vlan></portgroup>"),
			NET("<portgroup name='v'><vlan><tag id='20'/></vlan></portgroup>"), false,
			&n);
	assert_string_equal(d, "portgroup v: tag 20, want tag 10");

	d = differences(
	    NET("<portgroup name='i'><vlan trunk='yes'><tag id='100'/><tag id='101'/><tag "
		"id='102'/>"
		"</vlan></portgroup>"),
	    NET("<portgroup name='i'><vlan trunk='yes'><tag id='100'/><tag id='101'/></vlan>"
		"</portgroup>"),
	    false, &n);
	assert_string_equal(d, "portgroup i: trunk 100-101, want trunk 100-102");

	/* A trunk of one VLAN is not the access port of that VLAN. */
	d = differences(
	    NET("<portgroup name='t'><vlan trunk='yes'><tag id='10'/></vlan></portgroup>"),
	    NET("<portgroup name='t'><vlan><tag id='10'/></vlan></portgroup>"), false, &n);
	assert_string_equal(d, "portgroup t: tag 10, want trunk 10");

	d = differences(NET("<portgroup name='t'><vlan><tag id='10'/></vlan></portgroup>"),
			NET("<portgroup name='t'><vlan><tag id='10' nativeMode='tagged'/></vlan>"
			    "</portgroup>"),
			false, &n);
	assert_string_equal(d, "portgroup t: tag 10 with a native VLAN, want tag 10");

	d = differences(NET("<portgroup name='t'><vlan><tag id='10'/></vlan></portgroup>"),
			NET("<portgroup name='t'/>"), false, &n);
	assert_string_equal(d, "portgroup t: no VLAN, want tag 10");

	d = differences(
	    NET(""),
	    "<network><name>n</name><forward mode='nat'/><bridge name='virbr0'/></network>", false,
	    &n);
	assert_int_equal(n, 3);
	assert_string_equal(
	    d, "forward mode nat, want bridge; bridge virbr0, want brint; virtualport none, want "
	       "openvswitch");

	/* Names come from the document: a line feed in one would split the plan line. */
	d = differences(NET(""), NET("<portgroup name='a&#10;+ libvirt x&#9;'/>"), false, &n);
	assert_string_equal(d, "portgroup a?+ libvirt x? not in the config");
}

/* A long list is cut where it no longer fits, and says so; the count stays exact. */
static void long_difference_lists_are_cut(void **unused)
{
	struct hn_config c;
	struct hn_virt_netdef want, have;
	char *xml, buf[100];
	unsigned n;

	tc_seed(&c);
	xml = build(&c, "intern-vlans", NULL);
	parse(xml, &want);
	parse(NET(""), &have);
	n = hn_virt_netdef_compare(&want, &have, true, buf, sizeof(buf));
	assert_int_equal(n, 16); /* 15 portgroups and the mark */
	assert_true(strlen(buf) < sizeof(buf));
	assert_string_equal(buf + strlen(buf) - 3, "...");
	assert_non_null(strstr(buf, "owner mark missing; portgroup vlansadmin missing"));
	hn_virt_netdef_free(&want);
	hn_virt_netdef_free(&have);
	free(xml);
	hn_config_free(&c);
}

static void bad_documents_are_refused_with_a_reason(void **unused)
{
	struct hn_virt_netdef d;

	assert_int_equal(hn_virt_netdef_parse("<network><name>x</name>", &d), -EINVAL);
	assert_non_null(strstr(hn_errmsg(), "network XML: line"));
	assert_int_equal(hn_virt_netdef_parse("<domain/>", &d), -EINVAL);
	assert_string_equal(hn_errmsg(), "network XML: the root element is not <network>");
	assert_int_equal(hn_virt_netdef_parse(NET("<portgroup name='p'><vlan><tag id='4096'/>"
						  "</vlan></portgroup>"),
					      &d),
			 -EINVAL);
	assert_string_equal(hn_errmsg(), "portgroup p: <tag> without a VLAN id 0-4095 (id='4096')");
	assert_int_equal(hn_virt_netdef_parse(NET("<portgroup name='p'><vlan><tag/>"
						  "</vlan></portgroup>"),
					      &d),
			 -EINVAL);
	/* No external entity is ever fetched or expanded. */
	assert_int_equal(
	    hn_virt_netdef_parse("<!DOCTYPE n [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
				 "<network><name>&e;</name></network>",
				 &d),
	    0);
	assert_null(strstr(d.name ? d.name : "", "root:"));
	hn_virt_netdef_free(&d);
	/* libxml2 words some errors on two lines; and a value quoted in an error can hold a line
	 * feed (a character reference). The error is still one line. */
	assert_int_equal(hn_virt_netdef_parse("<network><name>x\xfd\xfd</name></network>", &d),
			 -EINVAL);
	assert_string_equal(hn_errmsg(), "network XML: line 1: Input is not proper UTF-8, "
					 "indicate encoding ! Bytes: 0xFD 0xFD 0x3C 0x2F");
	assert_int_equal(hn_virt_netdef_parse(NET("<portgroup name='a&#10;b'><vlan>"
						  "<tag id='1&#10;'/></vlan></portgroup>"),
					      &d),
			 -EINVAL);
	assert_string_equal(hn_errmsg(), "portgroup a b: <tag> without a VLAN id 0-4095 (id='1 ')");
}

static void domain_interfaces_are_counted_per_network(void **unused)
{
	const char *xml = "<domain type='qemu'><name>g</name><devices>"
			  "<interface type='network'><source network='intern-vlans' "
			  "portgroup='vlan10'/></interface>"
			  "<interface type='network'><source network='intern-vlans'/></interface>"
			  "<interface type='network'><source network='ovs-front'/></interface>"
			  "<interface type='bridge'><source bridge='intern-vlans'/></interface>"
			  /* how a running domain shows a port its network gave it */
			  "<interface type='bridge'><source network='intern-vlans' "
			  "portgroup='vlan10' bridge='brint'/></interface>"
			  "</devices></domain>";

	assert_int_equal(hn_virt_domain_count_ifaces(xml, "intern-vlans"), 3);
	assert_int_equal(hn_virt_domain_count_ifaces(xml, "ovs-front"), 1);
	assert_int_equal(hn_virt_domain_count_ifaces(xml, "default"), 0);
	assert_int_equal(hn_virt_domain_count_ifaces("<network/>", "x"), -EINVAL);
}

/* The shipped seed config (etc/hostnet.yaml, through the real parser, with its
 * `access: [100-109]` and `trunk: [100-109]` ranges) builds the seed's documents. */
static void seed_yaml_builds_the_seed_documents(void **unused)
{
	const char *path = getenv("SEED_CONFIG");
	struct hn_config c = {0}, hand;

	assert_non_null(path);
	if (hn_config_load(path, &c) != 0)
		fail_msg("%s: %s", path, hn_errmsg());
	tc_seed(&hand);
	assert_int_equal(c.n_networks, hand.n_networks);
	assert_int_equal(c.n_undefine, 1);
	assert_string_equal(c.undefine[0], "default");
	for (size_t i = 0; i < hand.n_networks; i++) {
		char *a = build(&hand, hand.networks[i].name, NULL);
		char *b = build(&c, hand.networks[i].name, NULL);
		unsigned n;
		const char *d = differences(a, b, true, &n);

		/* By meaning: the parser may order portgroups its own way. */
		if (n)
			fail_msg("%s from %s: %s", hand.networks[i].name, path, d);
		free(a);
		free(b);
	}
	hn_config_free(&hand);
	hn_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(built_seed_is_the_expected_document),
	    cmocka_unit_test(built_seed_means_the_seed_files),
	    cmocka_unit_test(every_seed_portgroup_has_its_vlans),
	    cmocka_unit_test(single_vlan_trunk_stays_a_trunk),
	    cmocka_unit_test(names_are_escaped),
	    cmocka_unit_test(vlan_reading_follows_libvirt),
	    cmocka_unit_test(owner_mark_is_matched_by_namespace),
	    cmocka_unit_test(reordering_and_additions_are_not_differences),
	    cmocka_unit_test(differences_are_worded_for_the_plan),
	    cmocka_unit_test(long_difference_lists_are_cut),
	    cmocka_unit_test(bad_documents_are_refused_with_a_reason),
	    cmocka_unit_test(domain_interfaces_are_counted_per_network),
	    cmocka_unit_test(seed_yaml_builds_the_seed_documents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
