// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libvirt backend against libvirt's in-process test driver (test:///default: no
 * daemon). Its initial state has a running `default` NAT network used by a running domain
 * `test`, like a fresh Debian host with one VM. Each test opens the backend and a second,
 * "outside" connection (what an operator's tools see); test:///default shares its state
 * between the connections of one process and starts afresh once all are closed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "virt.h"
#include "config.h"
#include "error.h"
#include "plan.h"
#include "seed_config.h"
#include "virt_xml.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static const struct hn_backend *const backends[HN_LAYER_COUNT] = {
    [HN_LAYER_VIRT] = &hn_virt_backend,
};

struct fx {
	void *state;
	virConnectPtr outside;
	struct hn_config want;
};

static int setup(void **fxp)
{
	const struct hn_opts opts = {.libvirt = "test:///default", .timeout_ms = 5000};
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	if (hn_virt_backend.open(&opts, &fx->state) != 0)
		fail_msg("open: %s", hn_errmsg());
	fx->outside = virConnectOpen("test:///default");
	assert_non_null(fx->outside);
	tc_seed(&fx->want);
	*fxp = fx;
	/* A test that failed half way may hold the driver's state: say so, not something odd. */
	{
		virNetworkPtr net = virNetworkLookupByName(fx->outside, "intern-vlans");

		virResetLastError();
		if (net) {
			virNetworkFree(net);
			fail_msg("test:///default is not fresh: an earlier test left intern-vlans");
		}
	}
	return 0;
}

static int teardown(void **fxp)
{
	struct fx *fx = *fxp;

	hn_config_free(&fx->want);
	hn_virt_backend.close(fx->state);
	virConnectClose(fx->outside);
	free(fx);
	return 0;
}

/* read + diff, as the agent does. */
static int plan_for(struct fx *fx, const struct hn_config *want, struct hn_plan *p)
{
	int r = hn_virt_backend.read(fx->state);

	if (r == 0)
		r = hn_virt_backend.diff(fx->state, want, p);
	return r;
}

static void make_plan(struct fx *fx, const struct hn_config *want, struct hn_plan *p)
{
	if (plan_for(fx, want, p) != 0)
		fail_msg("plan: %s", hn_errmsg());
}

static void apply_all(struct fx *fx, struct hn_plan *p)
{
	size_t done = 0;

	if (hn_virt_backend.apply(fx->state, p->actions, p->n, &done) != 0)
		fail_msg("apply: %s", hn_errmsg());
	assert_int_equal(done, p->n);
}

/* An action's line as people read it, object then detail. */
static const char *object_of(const struct hn_action *a)
{
	static char buf[HN_OBJECT_STRLEN];

	return hn_object_format(&a->obj, buf, sizeof(buf));
}

static const char *detail_of(const struct hn_action *a)
{
	static char buf[HN_DETAIL_STRLEN];

	return hn_action_detail(a, buf, sizeof(buf));
}

static void assert_no_change(struct fx *fx, const struct hn_config *want)
{
	struct hn_plan p = {0};

	make_plan(fx, want, &p);
	if (p.n)
		fail_msg("still to do: %s: %s", object_of(p.actions[0]), detail_of(p.actions[0]));
	hn_plan_free(&p, backends);
}

/* up: plan, apply, and the re-read plan is empty. */
static void converge(struct fx *fx, const struct hn_config *want)
{
	struct hn_plan p = {0};

	make_plan(fx, want, &p);
	apply_all(fx, &p);
	hn_plan_free(&p, backends);
	assert_no_change(fx, want);
}

static void assert_action(const struct hn_plan *p, size_t i, enum hn_op op, const char *object,
			  const char *detail, bool disruptive)
{
	assert_true(i < p->n);
	assert_int_equal(p->actions[i]->layer, HN_LAYER_VIRT);
	assert_int_equal(p->actions[i]->op, op);
	assert_int_equal(p->actions[i]->obj.kind, HN_KIND_NETWORK);
	assert_string_equal(object_of(p->actions[i]), object);
	assert_string_equal(detail_of(p->actions[i]), detail);
	assert_int_equal(p->actions[i]->disruptive, disruptive);
}

static bool exists(struct fx *fx, const char *name)
{
	virNetworkPtr net = virNetworkLookupByName(fx->outside, name);

	virResetLastError();
	if (!net)
		return false;
	virNetworkFree(net);
	return true;
}

/* The network as the outside sees it: state, and its XML parsed. */
static void look(struct fx *fx, const char *name, struct hn_virt_netdef *d, bool *active,
		 int *autostart)
{
	virNetworkPtr net = virNetworkLookupByName(fx->outside, name);
	char *xml;

	if (!net)
		fail_msg("network %s: %s", name, virGetLastErrorMessage());
	xml = virNetworkGetXMLDesc(net, 0);
	assert_non_null(xml);
	if (hn_virt_netdef_parse(xml, d) != 0)
		fail_msg("%s", hn_errmsg());
	*active = virNetworkIsActive(net) == 1;
	assert_int_equal(virNetworkGetAutostart(net, autostart), 0);
	free(xml);
	virNetworkFree(net);
}

/* libvirt's own copy of the network means what the seed's hand-written file means. */
static void assert_means_seed_file(struct fx *fx, const char *name, const char *file)
{
	struct hn_virt_netdef have, seed;
	char *seed_xml = tc_fixture(file), diffs[512];
	bool active;
	int autostart;
	unsigned n;

	look(fx, name, &have, &active, &autostart);
	assert_int_equal(hn_virt_netdef_parse(seed_xml, &seed), 0);
	n = hn_virt_netdef_compare(&seed, &have, false, diffs, sizeof(diffs));
	if (n)
		fail_msg("%s in libvirt differs from %s: %s", name, file, diffs);
	assert_true(have.owned);
	assert_non_null(have.uuid);
	assert_true(active);
	assert_true(autostart);
	hn_virt_netdef_free(&have);
	hn_virt_netdef_free(&seed);
	free(seed_xml);
}

static void fresh_driver_has_default_in_use(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_virt_netdef d;
	bool active;
	int autostart;

	look(fx, "default", &d, &active, &autostart);
	assert_true(active);
	assert_false(d.owned);
	assert_false(exists(fx, "intern-vlans"));
	hn_virt_netdef_free(&d);
}

/* What we build, defined in libvirt and read back, is what we built and what the seed
 * wrote: libvirt drops nothing (the owner mark included) and adds nothing that counts. */
static void built_xml_survives_libvirt(void **fxp)
{
	struct fx *fx = *fxp;
	const char *pairs[][2] = {{"intern-vlans", "seed-intern.xml"},
				  {"ovs-front", "seed-front.xml"}};

	for (size_t i = 0; i < 2; i++) {
		char *xml = hn_virt_xml_build(hn_config_network(&fx->want, pairs[i][0]), NULL),
		     *back;
		virNetworkPtr net = virNetworkDefineXML(fx->outside, xml);
		struct hn_virt_netdef built, read;
		char diffs[512];
		unsigned n;

		if (!net)
			fail_msg("define: %s", virGetLastErrorMessage());
		assert_int_equal(virNetworkCreate(net), 0);
		assert_int_equal(virNetworkSetAutostart(net, 1), 0);
		back = virNetworkGetXMLDesc(net, 0);
		assert_int_equal(hn_virt_netdef_parse(xml, &built), 0);
		assert_int_equal(hn_virt_netdef_parse(back, &read), 0);
		n = hn_virt_netdef_compare(&built, &read, true, diffs, sizeof(diffs));
		if (n)
			fail_msg("%s read back differs: %s", pairs[i][0], diffs);
		assert_means_seed_file(fx, pairs[i][0], pairs[i][1]);
		hn_virt_netdef_free(&built);
		hn_virt_netdef_free(&read);
		virNetworkFree(net);
		free(back);
		free(xml);
	}
	/* Defined so, they are what the config asks, bar `default`. */
	{
		struct hn_plan p = {0};

		make_plan(fx, &fx->want, &p);
		assert_int_equal(p.n, 1);
		assert_string_equal(object_of(p.actions[0]), "network default");
		hn_plan_free(&p, backends);
	}
}

static void seed_converges_from_nothing(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_plan p = {0};

	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 3);
	/* The domain `test` runs on default: removing it is announced as disruptive. */
	assert_action(&p, 0, HN_OP_REMOVE, "network default",
		      "destroy, undefine (not hostnet's; named in libvirt.undefine); 1 VM "
		      "interface attached",
		      true);
	assert_action(&p, 1, HN_OP_CREATE, "network ovs-front", "define, start, autostart", false);
	assert_action(&p, 2, HN_OP_CREATE, "network intern-vlans", "define, start, autostart",
		      false);
	apply_all(fx, &p);
	hn_plan_free(&p, backends);

	assert_false(exists(fx, "default"));
	assert_means_seed_file(fx, "intern-vlans", "seed-intern.xml");
	assert_means_seed_file(fx, "ovs-front", "seed-front.xml");
	assert_no_change(fx, &fx->want);
}

static void removed_portgroup_is_restored(void **fxp)
{
	struct fx *fx = *fxp;
	virNetworkPtr net;
	struct hn_plan p = {0};

	converge(fx, &fx->want);
	net = virNetworkLookupByName(fx->outside, "intern-vlans");
	assert_non_null(net);
	assert_int_equal(
	    virNetworkUpdate(net, VIR_NETWORK_UPDATE_COMMAND_DELETE, VIR_NETWORK_SECTION_PORTGROUP,
			     -1, "<portgroup name='105'/>",
			     VIR_NETWORK_UPDATE_AFFECT_LIVE | VIR_NETWORK_UPDATE_AFFECT_CONFIG),
	    0);
	assert_int_equal(
	    virNetworkUpdate(net, VIR_NETWORK_UPDATE_COMMAND_MODIFY, VIR_NETWORK_SECTION_PORTGROUP,
			     -1,
			     "<portgroup name='vlan10'><vlan><tag id='20'/></vlan>"
			     "</portgroup>",
			     VIR_NETWORK_UPDATE_AFFECT_LIVE | VIR_NETWORK_UPDATE_AFFECT_CONFIG),
	    0);
	virNetworkFree(net);

	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 1);
	assert_action(&p, 0, HN_OP_CHANGE, "network intern-vlans",
		      "portgroup vlan10: tag 20, want tag 10; portgroup 105 missing; redefine, "
		      "restart",
		      false);
	apply_all(fx, &p);
	hn_plan_free(&p, backends);
	assert_no_change(fx, &fx->want);
	assert_means_seed_file(fx, "intern-vlans", "seed-intern.xml");
}

/* Restarting a network a VM uses cuts the VM off: the plan says so. */
static void restart_of_a_network_in_use_is_disruptive(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_plan p = {0};
	struct hn_network *n;
	virDomainPtr dom;

	converge(fx, &fx->want);
	dom = virDomainCreateXML(fx->outside,
				 "<domain type='test'><name>vm1</name><memory>1024</memory>"
				 "<os><type>hvm</type></os><devices>"
				 "<interface type='network'><source network='intern-vlans' "
				 "portgroup='vlan10'/></interface>"
				 "<interface type='network'><source network='intern-vlans' "
				 "portgroup='vlan20'/></interface></devices></domain>",
				 0);
	if (!dom)
		fail_msg("domain: %s", virGetLastErrorMessage());
	n = (struct hn_network *)hn_config_network(&fx->want, "intern-vlans");
	n->portgroups[2].tag = 30; /* vlan10 becomes a tag 30 */
	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 1);
	assert_action(&p, 0, HN_OP_CHANGE, "network intern-vlans",
		      "portgroup vlan10: tag 10, want tag 30; redefine, restart; 2 VM interfaces "
		      "attached",
		      true);
	hn_plan_free(&p, backends);
	assert_int_equal(virDomainDestroy(dom), 0);
	virDomainFree(dom);
}

static void inactive_network_is_started_and_autostarted(void **fxp)
{
	struct fx *fx = *fxp;
	virNetworkPtr net;
	struct hn_plan p = {0};

	converge(fx, &fx->want);
	net = virNetworkLookupByName(fx->outside, "ovs-front");
	assert_int_equal(virNetworkDestroy(net), 0);
	assert_int_equal(virNetworkSetAutostart(net, 0), 0);
	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 1);
	assert_action(&p, 0, HN_OP_CHANGE, "network ovs-front", "start, autostart", false);
	apply_all(fx, &p);
	hn_plan_free(&p, backends);
	assert_int_equal(virNetworkIsActive(net), 1);
	virNetworkFree(net);
	assert_no_change(fx, &fx->want);
}

/* A network started from XML without a definition is transient: in libvirt's active list
 * and not in its persistent one. hostnet reads it from the active list and defines it,
 * without a restart. */
static void transient_network_is_defined(void **fxp)
{
	struct fx *fx = *fxp;
	virNetworkPtr net;
	struct hn_plan p = {0};
	char *xml;

	converge(fx, &fx->want);
	net = virNetworkLookupByName(fx->outside, "ovs-front");
	xml = virNetworkGetXMLDesc(net, 0); /* test:/// refuses XML_INACTIVE */
	assert_non_null(xml);
	assert_int_equal(virNetworkDestroy(net), 0);
	assert_int_equal(virNetworkUndefine(net), 0);
	virNetworkFree(net);
	net = virNetworkCreateXML(fx->outside, xml);
	free(xml);
	assert_non_null(net);
	assert_int_equal(virNetworkIsPersistent(net), 0);
	assert_int_equal(virNetworkIsActive(net), 1);
	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 1);
	assert_action(&p, 0, HN_OP_CHANGE, "network ovs-front", "redefine, autostart", false);
	apply_all(fx, &p);
	hn_plan_free(&p, backends);
	assert_int_equal(virNetworkIsPersistent(net), 1);
	assert_int_equal(virNetworkIsActive(net), 1);
	virNetworkFree(net);
	assert_no_change(fx, &fx->want);
}

static void foreign_network_named_by_the_config_is_refused(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_plan p = {0};
	virNetworkPtr net = virNetworkDefineXML(fx->outside, "<network><name>intern-vlans</name>"
							     "<forward mode='bridge'/>"
							     "<bridge name='brint'/></network>");

	assert_non_null(net);
	virNetworkFree(net);
	assert_int_equal(plan_for(fx, &fx->want, &p), -EEXIST);
	assert_int_equal(p.n, 0);
	assert_non_null(strstr(hn_errmsg(), "libvirt network intern-vlans exists and was not made "
					    "by hostnet"));
	assert_non_null(strstr(hn_errmsg(), HN_VIRT_OWNER_NS));
	hn_plan_free(&p, backends);
}

/* The seed's networks defined by hand from its own files (virsh net-define), the way
 * `hostnet import` finds them: they mean what the config asks, so they are taken as they are.
 * hostnet starts and autostarts the one left stopped, never redefines them, and `down`
 * leaves them. */
static void foreign_network_as_configured_is_taken_as_it_is(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_plan p = {0};
	const char *files[] = {"seed-front.xml", "seed-intern.xml"};
	struct hn_virt_netdef d;
	bool active;
	int autostart;

	for (size_t i = 0; i < 2; i++) {
		char *xml = tc_fixture(files[i]);
		virNetworkPtr net = virNetworkDefineXML(fx->outside, xml);

		if (!net)
			fail_msg("%s: %s", files[i], virGetLastErrorMessage());
		if (i == 1) {
			assert_int_equal(virNetworkCreate(net), 0);
			assert_int_equal(virNetworkSetAutostart(net, 1), 0);
		}
		virNetworkFree(net);
		free(xml);
	}
	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 2); /* default goes (undefine); ovs-front starts */
	assert_action(&p, 1, HN_OP_CHANGE, "network ovs-front",
		      "start, autostart (not hostnet's; defined as the config says)", false);
	apply_all(fx, &p);
	hn_plan_free(&p, backends);
	assert_no_change(fx, &fx->want);
	look(fx, "intern-vlans", &d, &active, &autostart);
	assert_false(d.owned); /* still theirs: never redefined */
	hn_virt_netdef_free(&d);

	fx->want.down = true;
	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);
	fx->want.down = false;

	/* Changed by hand so that it no longer means the config: refused, naming how. */
	{
		virNetworkPtr net = virNetworkLookupByName(fx->outside, "intern-vlans");
		char *xml = net ? virNetworkGetXMLDesc(net, 0) : NULL;
		char *cut = xml ? strstr(xml, "<portgroup name='105'>") : NULL;

		/* Stopped first: the test driver keeps one definition per network. */
		assert_int_equal(virNetworkDestroy(net), 0);
		virNetworkFree(net);

		assert_non_null(cut);
		memmove(cut, strstr(cut, "</portgroup>") + strlen("</portgroup>"),
			strlen(strstr(cut, "</portgroup>") + strlen("</portgroup>")) + 1);
		net = virNetworkDefineXML(fx->outside, xml);
		if (!net)
			fail_msg("%s", virGetLastErrorMessage());
		virNetworkFree(net);
		free(xml);
	}
	assert_int_equal(plan_for(fx, &fx->want, &p), -EEXIST);
	assert_int_equal(p.n, 0);
	assert_non_null(strstr(hn_errmsg(), "libvirt network intern-vlans exists and was not made "
					    "by hostnet (no hostnet owner mark), and differs from "
					    "the config (portgroup 105 missing)"));
	hn_plan_free(&p, backends);
	/* Theirs: the test removes them, as hostnet never would. */
	for (size_t i = 0; i < 2; i++) {
		virNetworkPtr net =
		    virNetworkLookupByName(fx->outside, i ? "intern-vlans" : "ovs-front");

		assert_non_null(net);
		virNetworkDestroy(net);
		assert_int_equal(virNetworkUndefine(net), 0);
		virNetworkFree(net);
	}
}

/* With the mark added (the documented take-over), the same network is hostnet's. */
static void marked_network_is_taken_over(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_plan p = {0};
	virNetworkPtr net = virNetworkDefineXML(
	    fx->outside, "<network><name>intern-vlans</name><metadata><hostnet:owner "
			 "xmlns:hostnet='" HN_VIRT_OWNER_NS "'/></metadata>"
			 "<forward mode='bridge'/><bridge name='brint'/></network>");

	assert_non_null(net);
	virNetworkFree(net);
	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.actions[2]->op, HN_OP_CHANGE);
	assert_string_equal(object_of(p.actions[2]), "network intern-vlans");
	assert_non_null(strstr(p.actions[2]->remark, "virtualport none, want openvswitch; "
						     "portgroup vlansadmin missing;"));
	assert_string_equal(p.actions[2]->remark + strlen(p.actions[2]->remark) -
				strlen("; redefine, start, autostart"),
			    "; redefine, start, autostart");
	apply_all(fx, &p);
	hn_plan_free(&p, backends);
	assert_no_change(fx, &fx->want);
	assert_means_seed_file(fx, "intern-vlans", "seed-intern.xml");
}

static void foreign_networks_survive_up_and_down(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_plan p = {0};
	virNetworkPtr net = virNetworkDefineXML(fx->outside, "<network><name>theirs</name>"
							     "<forward mode='bridge'/>"
							     "<bridge name='br9'/></network>");

	assert_non_null(net);
	virNetworkFree(net);
	converge(fx, &fx->want);
	assert_true(exists(fx, "theirs"));

	make_plan(fx, NULL, &p);
	assert_int_equal(p.n, 2);
	/* By name: libvirt's listing order is no order. */
	assert_action(&p, 0, HN_OP_REMOVE, "network intern-vlans", "destroy, undefine", false);
	assert_action(&p, 1, HN_OP_REMOVE, "network ovs-front", "destroy, undefine", false);
	apply_all(fx, &p);
	hn_plan_free(&p, backends);
	assert_false(exists(fx, "ovs-front"));
	assert_false(exists(fx, "intern-vlans"));
	assert_true(exists(fx, "theirs"));
	assert_no_change(fx, NULL);
}

/* `down` as the agent asks it: with the config, marked down. */
static void down_with_the_config_removes_what_hostnet_owns(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_plan p = {0};

	converge(fx, &fx->want);
	fx->want.down = true;
	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 2);
	assert_action(&p, 0, HN_OP_REMOVE, "network intern-vlans", "destroy, undefine", false);
	assert_action(&p, 1, HN_OP_REMOVE, "network ovs-front", "destroy, undefine", false);
	apply_all(fx, &p);
	hn_plan_free(&p, backends);
	assert_no_change(fx, &fx->want);
	assert_false(exists(fx, "intern-vlans"));
}

static void dropped_owned_network_is_pruned(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_config less = {0};
	struct hn_plan p = {0};

	converge(fx, &fx->want);
	tc_network(&less, "ovs-front", "br0");
	make_plan(fx, &less, &p);
	assert_int_equal(p.n, 1);
	assert_action(&p, 0, HN_OP_REMOVE, "network intern-vlans",
		      "destroy, undefine (hostnet's, no longer in the config)", false);
	apply_all(fx, &p);
	hn_plan_free(&p, backends);
	assert_false(exists(fx, "intern-vlans"));
	assert_no_change(fx, &less);
	hn_config_free(&less);
}

/* `undefine:` names what may be there: absent ones are nothing to do. */
static void undefine_only_what_exists(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_config c = {0};
	struct hn_plan p = {0};
	virNetworkPtr net;

	tc_undefine(&c, "not-there");
	tc_undefine(&c, "default");
	tc_undefine(&c, "default"); /* named twice: removed once */
	net = virNetworkLookupByName(fx->outside, "default");
	assert_int_equal(virNetworkDestroy(net), 0);
	virNetworkFree(net);
	make_plan(fx, &c, &p);
	assert_int_equal(p.n, 1);
	assert_action(&p, 0, HN_OP_REMOVE, "network default",
		      "undefine (not hostnet's; named in libvirt.undefine)", false);
	apply_all(fx, &p);
	hn_plan_free(&p, backends);
	assert_no_change(fx, &c);
	hn_config_free(&c);
}

/* A failed apply is undone to the letter: default back as it was (same uuid, running),
 * nothing of ours left. */
static void failed_apply_is_undone(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_plan p = {0};
	struct hn_virt_netdef before, after;
	bool active;
	int autostart;
	size_t done = 0;

	look(fx, "default", &before, &active, &autostart);
	tc_network(&fx->want, "bad/name", "brint");
	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 4);
	assert_int_equal(hn_virt_backend.apply(fx->state, p.actions, p.n, &done), -EIO);
	assert_int_equal(done, 3);
	assert_non_null(strstr(hn_errmsg(), "libvirt network bad/name: define: "));
	assert_non_null(strstr(hn_errmsg(), "invalid char in name: /"));
	if (hn_virt_backend.undo(fx->state, p.actions, done) != 0)
		fail_msg("undo: %s", hn_errmsg());
	hn_plan_free(&p, backends);

	look(fx, "default", &after, &active, &autostart);
	assert_true(active);
	assert_string_equal(after.uuid, before.uuid);
	assert_string_equal(after.forward, "nat");
	assert_false(exists(fx, "intern-vlans"));
	assert_false(exists(fx, "ovs-front"));
	hn_virt_netdef_free(&before);
	hn_virt_netdef_free(&after);
}

static void undo_of_a_redefine_puts_the_old_one_back(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_plan p = {0};
	struct hn_network *n;
	struct hn_virt_netdef d;
	bool active;
	int autostart;

	converge(fx, &fx->want);
	n = (struct hn_network *)hn_config_network(&fx->want, "intern-vlans");
	n->n_portgroups--; /* drop "109" */
	make_plan(fx, &fx->want, &p);
	assert_int_equal(p.n, 1);
	assert_action(&p, 0, HN_OP_CHANGE, "network intern-vlans",
		      "portgroup 109 not in the config; redefine, restart", false);
	apply_all(fx, &p);
	look(fx, "intern-vlans", &d, &active, &autostart);
	assert_int_equal(d.n_pgs, 14);
	hn_virt_netdef_free(&d);
	assert_int_equal(hn_virt_backend.undo(fx->state, p.actions, p.n), 0);
	hn_plan_free(&p, backends);
	n->n_portgroups++;
	assert_means_seed_file(fx, "intern-vlans", "seed-intern.xml");
}

/* The range shorthands, through the real config parser, defined in libvirt and read
 * back: `access: [200-202, 205]` is one access portgroup per VLAN named by its id, and a
 * trunk range is every VLAN of it. */
static void range_shorthands_reach_libvirt(void **fxp)
{
	static const char yaml[] = "bridges:\n"
				   "  brx: {}\n"
				   "libvirt:\n"
				   "  networks:\n"
				   "    ranges:\n"
				   "      bridge: brx\n"
				   "      portgroups:\n"
				   "        t: { trunk: [300-302, 310] }\n"
				   "      access: [200-202, 205]\n";
	struct fx *fx = *fxp;
	struct hn_config c = {0};
	struct hn_virt_netdef d;
	bool active;
	int autostart;
	char set[64];

	if (hn_config_parse("ranges.yaml", yaml, sizeof(yaml) - 1, &c) != 0)
		fail_msg("%s", hn_errmsg());
	converge(fx, &c);
	look(fx, "ranges", &d, &active, &autostart);
	assert_int_equal(d.n_pgs, 5);
	for (size_t i = 0; i < d.n_pgs; i++) {
		const struct hn_virt_pg *pg = &d.pgs[i];

		hn_vlanset_format(&pg->vlans, set, sizeof(set));
		if (strcmp(pg->name, "t") == 0) {
			assert_true(pg->trunk);
			assert_string_equal(set, "300-302,310");
		} else {
			assert_false(pg->trunk);
			assert_string_equal(set, pg->name);
			assert_true(strcmp(pg->name, "200") == 0 || strcmp(pg->name, "201") == 0 ||
				    strcmp(pg->name, "202") == 0 || strcmp(pg->name, "205") == 0);
		}
	}
	hn_virt_netdef_free(&d);
	hn_config_free(&c);
}

static void same_name_in_networks_and_undefine_is_refused(void **fxp)
{
	struct fx *fx = *fxp;
	struct hn_plan p = {0};

	tc_undefine(&fx->want, "ovs-front");
	assert_int_equal(plan_for(fx, &fx->want, &p), -EINVAL);
	assert_string_equal(hn_errmsg(), "libvirt network ovs-front is both in libvirt.networks "
					 "and in libvirt.undefine");
	assert_int_equal(p.n, 0);
	hn_plan_free(&p, backends);
}

/* ---- the connection ---------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int open_uri(const char *uri, int timeout_ms, double *took)
{
	const struct hn_opts opts = {.libvirt = uri, .timeout_ms = timeout_ms};
	void *state = NULL;
	double t0 = now_s();
	int r = hn_virt_backend.open(&opts, &state);

	*took = now_s() - t0;
	if (r == 0)
		hn_virt_backend.close(state);
	return r;
}

/* No daemon: fails at once, with libvirt's own reason. */
static void absent_daemon_fails_fast_with_libvirts_reason(void **unused)
{
	double took;
	int r = open_uri("qemu+unix:///system?socket=/nonexistent/hostnet-test.sock", 5000, &took);

	assert_true(r < 0);
	assert_true(took < 1.0);
	assert_non_null(strstr(hn_errmsg(), "libvirt: cannot connect to qemu+unix:///system"));
	assert_non_null(strstr(hn_errmsg(), "/nonexistent/hostnet-test.sock"));
	assert_non_null(strstr(hn_errmsg(), "No such file or directory"));
}

static size_t threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A daemon that accepts connections but never answers (stuck, stopped): the open gives
 * up at the bound instead of waiting forever, and leaves no thread behind (its socket is
 * shut down, so the thread that was opening returns and is joined). */
static void stuck_daemon_fails_within_the_bound(void **unused)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t base = threads();
	char uri[200];
	double took;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), r;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/hostnet-virt-stuck-%d.sock",
		 (int)getpid());
	unlink(sa.sun_path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	snprintf(uri, sizeof(uri), "qemu+unix:///system?socket=%s", sa.sun_path);
	r = open_uri(uri, 400, &took);
	assert_int_equal(r, -ETIMEDOUT);
	assert_true(took >= 0.35 && took < 1.5);
	assert_non_null(strstr(hn_errmsg(), "did not answer within 400 ms"));
	assert_int_equal(threads(), base);
	close(fd);
	unlink(sa.sun_path);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(fresh_driver_has_default_in_use),
	    T(built_xml_survives_libvirt),
	    T(seed_converges_from_nothing),
	    T(removed_portgroup_is_restored),
	    T(restart_of_a_network_in_use_is_disruptive),
	    T(inactive_network_is_started_and_autostarted),
	    T(transient_network_is_defined),
	    T(foreign_network_named_by_the_config_is_refused),
	    T(marked_network_is_taken_over),
	    T(foreign_network_as_configured_is_taken_as_it_is),
	    T(foreign_networks_survive_up_and_down),
	    T(down_with_the_config_removes_what_hostnet_owns),
	    T(dropped_owned_network_is_pruned),
	    T(undefine_only_what_exists),
	    T(failed_apply_is_undone),
	    T(undo_of_a_redefine_puts_the_old_one_back),
	    T(range_shorthands_reach_libvirt),
	    T(same_name_in_networks_and_undefine_is_refused),
	    cmocka_unit_test(absent_daemon_fails_fast_with_libvirts_reason),
	    cmocka_unit_test(stuck_daemon_fails_within_the_bound),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
