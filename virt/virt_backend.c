// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libvirt backend: the config's networks defined, started and autostarted; the
 * networks named in `libvirt.undefine` removed; networks hostnet made and the config
 * dropped pruned. A network is hostnet's when its definition carries the owner mark
 * (virt_xml.h); any other is never changed, except by name in `undefine`.
 *
 * Each action is one network. Its priv records the steps to take and, read before
 * anything is touched, what to put back: the old persistent definition, whether it ran,
 * whether it autostarted. Apply records each step that took effect, so undo reverts
 * exactly those, even for an action that failed half way.
 */
#include "virt.h"
#include "error.h"
#include "virt_conn.h"
#include "virt_import.h"
#include "virt_xml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/virterror.h>

#define DEFAULT_URI	   "qemu:///system"
#define DEFAULT_TIMEOUT_MS 5000

HN_DEFINE_CLEANUP(network_freep, virNetworkPtr, virNetworkFree)

/* One network as libvirt has it now. */
struct cur_net {
	char *name;
	bool active, persistent, autostart;
	char *xml;		    /* the persistent definition; a transient one's live XML */
	char *live_xml;		    /* when active */
	struct hn_virt_netdef def;  /* xml, parsed */
	struct hn_virt_netdef live; /* live_xml, parsed (empty when inactive) */
};

struct virt_state {
	struct hn_virt *v;
	struct cur_net *nets;
	size_t n;
};

/* Steps, in the order apply takes them. */
enum {
	STEP_DESTROY = 1 << 0,
	STEP_DEFINE = 1 << 1,
	STEP_START = 1 << 2,
	STEP_AUTOSTART = 1 << 3,
	STEP_UNDEFINE = 1 << 4,
};

struct virt_change {
	char *name;
	unsigned steps;
	unsigned done;	    /* the steps that took effect */
	char *xml;	    /* STEP_DEFINE: the new definition */
	char *old_xml;	    /* the persistent definition before, if there was one */
	char *old_live_xml; /* the running definition of a transient network */
	bool was_active, was_persistent, was_autostart;
};

/* ---- reading ----------------------------------------------------------------------- */

static void cur_net_free(struct cur_net *c)
{
	free(c->name);
	free(c->xml);
	free(c->live_xml);
	hn_virt_netdef_free(&c->def);
	hn_virt_netdef_free(&c->live);
}

static void forget_networks(struct virt_state *s)
{
	for (size_t i = 0; i < s->n; i++)
		cur_net_free(&s->nets[i]);
	free(s->nets);
	s->nets = NULL;
	s->n = 0;
}

static char *persistent_xml(struct virt_state *s, virNetworkPtr net)
{
	char *xml = HN_VIRT(s->v, virNetworkGetXMLDesc, net, VIR_NETWORK_XML_INACTIVE);

	/* A driver that keeps one definition per network (test:///) refuses the flag. */
	if (!xml && virGetLastErrorCode() == VIR_ERR_INVALID_ARG) {
		virResetLastError();
		xml = HN_VIRT(s->v, virNetworkGetXMLDesc, net, 0);
	}
	return xml;
}

/* The networks of one filtered list, and their names sorted (for bsearch). */
struct listed {
	virNetworkPtr *nets;
	int n;
	char **names;
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void listed_free(struct listed *l)
{
	for (int i = 0; i < l->n; i++) {
		virNetworkFree(l->nets[i]);
		if (l->names)
			free(l->names[i]);
	}
	free(l->nets);
	free(l->names);
	memset(l, 0, sizeof(*l));
}

static bool listed_has(const struct listed *l, const char *name)
{
	return l->n && bsearch(&name, l->names, (size_t)l->n, sizeof(*l->names), cmp_name);
}

/* One filtered list (active, persistent, autostarted networks): three lists tell every
 * network's three states, where asking each network would cost three calls to libvirtd. */
static int list_networks(struct virt_state *s, unsigned flags, const char *what, struct listed *out)
{
	int n = HN_VIRT(s->v, virConnectListAllNetworks, s->v->conn, &out->nets, flags);

	out->names = NULL;
	out->n = 0;
	if (n < 0) {
		out->nets = NULL;
		return hn_virt_err(s->v, -EIO, "libvirt: listing %s networks", what);
	}
	out->n = n;
	out->names = calloc((size_t)n + 1, sizeof(*out->names));
	for (int i = 0; out->names && i < n; i++) {
		const char *name = virNetworkGetName(out->nets[i]);

		if (!name || !(out->names[i] = strdup(name))) {
			listed_free(out);
			return hn_err(-ENOMEM, "libvirt: out of memory");
		}
	}
	if (!out->names) {
		listed_free(out);
		return hn_err(-ENOMEM, "libvirt: out of memory");
	}
	qsort(out->names, (size_t)n, sizeof(*out->names), cmp_name);
	return 0;
}

/* 1: read; 0: the network vanished meanwhile; <0: error. */
static int read_one(struct virt_state *s, virNetworkPtr net, bool active, bool persistent,
		    bool autostart, struct cur_net *c)
{
	const char *name = virNetworkGetName(net);
	int r;

	memset(c, 0, sizeof(*c));
	if (!name)
		return hn_virt_err(s->v, -EIO, "libvirt: reading a network's name");
	c->active = active;
	c->persistent = persistent;
	c->autostart = persistent && autostart;
	if (persistent && !(c->xml = persistent_xml(s, net)))
		goto fail;
	if (active && !(c->live_xml = HN_VIRT(s->v, virNetworkGetXMLDesc, net, 0)))
		goto fail;
	if (!persistent && !(c->xml = strdup(c->live_xml)))
		return hn_err(-ENOMEM, "libvirt: out of memory");
	if (!(c->name = strdup(name)))
		return hn_err(-ENOMEM, "libvirt: out of memory");
	r = hn_virt_netdef_parse(c->xml, &c->def);
	if (r == 0 && active)
		r = hn_virt_netdef_parse(c->live_xml, &c->live);
	if (r < 0)
		return hn_err(r, "libvirt network %s: %s", name, hn_errmsg());
	return 1;
fail:
	if (virGetLastErrorCode() == VIR_ERR_NO_NETWORK) {
		virResetLastError();
		return 0;
	}
	return hn_virt_err(s->v, -EIO, "libvirt network %s: reading its state", name);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cur_net *)a)->name, ((const struct cur_net *)b)->name);
}

/* Read net into the next slot of s->nets. */
static int read_next(struct virt_state *s, virNetworkPtr net, bool active, bool persistent,
		     bool autostart)
{
	int r = read_one(s, net, active, persistent, autostart, &s->nets[s->n]);

	if (r > 0)
		s->n++;
	else if (r < 0) /* what read_one left half-filled */
		cur_net_free(&s->nets[s->n]);
	return r < 0 ? r : 0;
}

/* Every network is active or persistent (a transient network that stops is gone), so the
 * active and the persistent lists together are all of them. A network defined or started
 * between the lists is read as the lists saw it, or on the next run. */
static int virt_read(void *state)
{
	struct virt_state *s = state;
	struct listed active = {0}, persistent = {0}, autostart = {0};
	int r;

	forget_networks(s);
	r = list_networks(s, VIR_CONNECT_LIST_NETWORKS_ACTIVE, "active", &active);
	if (r == 0)
		r = list_networks(s, VIR_CONNECT_LIST_NETWORKS_PERSISTENT, "persistent",
				  &persistent);
	if (r == 0)
		r = list_networks(s, VIR_CONNECT_LIST_NETWORKS_AUTOSTART, "autostarted",
				  &autostart);
	if (r == 0 && !(s->nets = calloc((size_t)(active.n + persistent.n) + 1, sizeof(*s->nets))))
		r = hn_err(-ENOMEM, "libvirt: out of memory");
	for (int i = 0; r == 0 && i < persistent.n; i++) {
		const char *name = virNetworkGetName(persistent.nets[i]);

		r = read_next(s, persistent.nets[i], name && listed_has(&active, name), true,
			      name && listed_has(&autostart, name));
	}
	for (int i = 0; r == 0 && i < active.n; i++) {
		const char *name = virNetworkGetName(active.nets[i]);

		if (name && !listed_has(&persistent, name))
			r = read_next(s, active.nets[i], true, false, false);
	}
	listed_free(&active);
	listed_free(&persistent);
	listed_free(&autostart);
	if (r < 0)
		forget_networks(s);
	else if (s->n > 1) /* libvirt lists in hash order: plans must not vary with it */
		qsort(s->nets, s->n, sizeof(*s->nets), by_name);
	hn_debug("libvirt: %zu network(s)", s->n);
	return r;
}

/* ---- diff -------------------------------------------------------------------------- */

static struct cur_net *find_cur(struct virt_state *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->nets[i].name, name) == 0)
			return &s->nets[i];
	return NULL;
}

static bool in_undefine(const struct hn_config *want, const char *name)
{
	for (size_t i = 0; i < want->n_undefine; i++)
		if (strcmp(want->undefine[i], name) == 0)
			return true;
	return false;
}

static void change_free(void *priv)
{
	struct virt_change *ch = priv;

	if (!ch)
		return;
	free(ch->name);
	free(ch->xml);
	free(ch->old_xml);
	free(ch->old_live_xml);
	free(ch);
}

HN_DEFINE_CLEANUP(change_freep, struct virt_change *, change_free)

/* A change to c (NULL: a network that does not exist yet), with what undo needs. */
static struct virt_change *change_new(const char *name, const struct cur_net *c)
{
	_cleanup_(change_freep) struct virt_change *ch = calloc(1, sizeof(*ch));

	if (!ch || !(ch->name = strdup(name)))
		return NULL;
	if (c) {
		ch->was_active = c->active;
		ch->was_persistent = c->persistent;
		ch->was_autostart = c->autostart;
		if (c->persistent && !(ch->old_xml = strdup(c->xml)))
			return NULL;
		if (!c->persistent && c->live_xml && !(ch->old_live_xml = strdup(c->live_xml)))
			return NULL;
	}
	return TAKE_PTR(ch);
}

/* "; 2 VM interfaces attached" into buf when destroying c cuts VMs off; returns whether
 * it does (1) or may (1: libvirt could not say), or an error when libvirtd stalled: a
 * stalled daemon is a failed run, not a plan with "VM use unknown". */
static int users_note(struct virt_state *s, const struct cur_net *c, char *buf, size_t len)
{
	virNetworkPtr net;
	int users = -1;

	buf[0] = '\0';
	if (!c->active)
		return 0;
	net = HN_VIRT(s->v, virNetworkLookupByName, s->v->conn, c->name);
	if (net) {
		users = hn_virt_count_users(s->v, net, c->name);
		virNetworkFree(net);
	}
	if (hn_virt_stalled(s->v))
		return hn_virt_err(s->v, -EIO, "libvirt network %s: counting the VMs on it",
				   c->name);
	virResetLastError();
	if (users == 0)
		return 0;
	if (users < 0)
		snprintf(buf, len, "; VM use unknown");
	else
		snprintf(buf, len, "; %d VM interface%s attached", users, users == 1 ? "" : "s");
	return 1;
}

/* The steps and differences of a change are its remark: what libvirt is asked to do does
 * not reduce to fields of the network. fields (NULL: none) are what changes, as data. */
static int add_action(struct hn_plan *plan, enum hn_op op, struct virt_change *ch,
		      const char *detail, bool disruptive, const struct hn_fields *fields)
{
	struct hn_object obj;
	struct hn_action *a;

	hn_object_set(&obj, HN_KIND_NETWORK, ch->name, NULL, NULL);
	a = hn_plan_add(plan, op, &obj);
	if (!a) {
		change_free(ch);
		return hn_err(-ENOMEM, "libvirt: out of memory");
	}
	hn_action_remark(a, "%s", detail);
	if (fields)
		a->fields = *fields;
	a->disruptive = disruptive;
	a->priv = ch;
	return 0;
}

static int plan_remove(struct virt_state *s, const struct cur_net *c, const char *why,
		       struct hn_plan *plan)
{
	struct virt_change *ch;
	char users[64], detail[256];
	int disruptive = users_note(s, c, users, sizeof(users));

	if (disruptive < 0)
		return disruptive;
	ch = change_new(c->name, c);
	if (!ch)
		return hn_err(-ENOMEM, "libvirt: out of memory");
	ch->steps = (c->active ? STEP_DESTROY : 0) | (c->persistent ? STEP_UNDEFINE : 0);
	snprintf(detail, sizeof(detail), "%s%s%s%s%s", c->active ? "destroy" : "",
		 c->active && c->persistent ? ", " : "", c->persistent ? "undefine" : "", why,
		 users);
	return add_action(plan, HN_OP_REMOVE, ch, detail, disruptive > 0, NULL);
}

static int refuse_foreign(const struct hn_network *net, const char *differs)
{
	return hn_err(-EEXIST,
		      "libvirt network %s exists and was not made by hostnet (no hostnet owner "
		      "mark), and differs from the config (%s): hostnet never changes it. To "
		      "hand it over, remove it first (destroy and undefine it) or add the mark "
		      "<metadata><" HN_VIRT_OWNER_PREFIX ":" HN_VIRT_OWNER_NAME
		      " xmlns:" HN_VIRT_OWNER_PREFIX "='" HN_VIRT_OWNER_NS
		      "'/></metadata> to its definition (see README, libvirt networks)",
		      net->name, differs);
}

/*
 * A network hostnet did not make (c) is taken as it is when it means what the config asks:
 * defined (not transient) with the config's meaning, and running with it if it runs. It is
 * never redefined, restarted or removed; plan_ensure may start it and set it to autostart.
 * Refused otherwise, naming what differs.
 */
static int foreign_as_configured(const struct hn_network *net, const struct cur_net *c)
{
	struct hn_virt_netdef want;
	char diffs[160] = "", live[sizeof(diffs) - sizeof("running: ")] = "";
	_cleanup_free_ char *xml = hn_virt_xml_build(net, c->def.uuid);
	int r;

	if (!xml)
		return -ENOMEM;
	r = hn_virt_netdef_parse(xml, &want);
	if (r < 0)
		return r;
	if (!c->persistent)
		snprintf(diffs, sizeof(diffs), "it is transient");
	else if (!hn_virt_netdef_compare(&want, &c->def, false, diffs, sizeof(diffs)) &&
		 c->active && hn_virt_netdef_compare(&want, &c->live, false, live, sizeof(live)))
		snprintf(diffs, sizeof(diffs), "running: %s", live);
	hn_virt_netdef_free(&want);
	return diffs[0] ? refuse_foreign(net, diffs) : 0;
}

/* The steps as people read them: "redefine, restart, autostart". */
static void steps_text(unsigned steps, bool exists, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 steps & STEP_DEFINE ? (exists ? ", redefine" : ", define") : "",
		 steps & STEP_DESTROY ? ", restart" : "",
		 (steps & STEP_START) && !(steps & STEP_DESTROY) ? ", start" : "",
		 steps & STEP_AUTOSTART ? ", autostart" : "");
}

static const char *or_none(const char *s)
{
	return s ? s : "none";
}

/*
 * What was read of a network the config asks for (c; NULL: none of that name), against
 * want, what hostnet would define. diffs: how its definitions differ from want, as
 * plan_ensure words them ("" when they do not).
 */
static int observe_network(struct hn_plan *plan, const struct hn_network *net,
			   const struct cur_net *c, const struct hn_virt_netdef *want,
			   const char *diffs, struct hn_fields *changes)
{
	struct hn_observation *o;
	struct hn_object obj;
	char have_pgs[16], want_pgs[16];

	hn_object_set(&obj, HN_KIND_NETWORK, net->name, NULL, NULL);
	o = hn_plan_observe(plan, &obj, c != NULL);
	if (!o)
		return hn_err(-ENOMEM, "libvirt: out of memory");
	hn_fields_add(&o->fields, "persistent", HN_SHOWN_BARE,
		      c ? (c->persistent ? "defined" : "transient") : NULL, "defined");
	hn_fields_add(&o->fields, "active", HN_SHOWN_BARE,
		      c ? (c->active ? "active" : "inactive") : NULL, "active");
	hn_fields_add(&o->fields, "autostart", HN_SHOWN_BARE,
		      c ? (c->autostart ? "autostart" : "no autostart") : NULL, "autostart");
	hn_fields_add(&o->fields, "bridge", HN_SHOWN_NAMED, c ? or_none(c->def.bridge) : NULL,
		      or_none(want->bridge));
	hn_fields_add(&o->fields, "virtualport", HN_SHOWN_NAMED,
		      c ? or_none(c->def.virtualport) : NULL, or_none(want->virtualport));
	snprintf(want_pgs, sizeof(want_pgs), "%zu", want->n_pgs);
	if (c)
		snprintf(have_pgs, sizeof(have_pgs), "%zu", c->def.n_pgs);
	hn_fields_add(&o->fields, "portgroups", HN_SHOWN_NAMED, c ? have_pgs : NULL, want_pgs);
	/* The comparison by meaning (virt_xml.h) has the last word: portgroups, their VLANs,
	 * the forward mode, the running definition. */
	hn_fields_add(&o->fields, "definition", HN_SHOWN_BARE,
		      c ? (diffs[0] ? diffs : "as configured") : NULL, "as configured");
	/* What a change would set, as data: the plan line says it in its remark. */
	for (size_t i = 0; i < o->fields.n; i++) {
		const struct hn_field *x = &o->fields.v[i];

		if (!x->has_read || strcmp(x->read, x->want) != 0)
			hn_fields_add(changes, x->name, HN_SHOWN_NOT, x->has_read ? x->read : NULL,
				      x->want);
	}
	return 0;
}

static int plan_ensure(struct virt_state *s, const struct hn_network *net, struct hn_plan *plan)
{
	struct cur_net *c = find_cur(s, net->name);
	struct hn_virt_netdef want;
	struct virt_change *ch;
	/* The differences, cut to leave room in the detail for the steps and users notes. */
	char diffs[128] = "", steps[64], users[64] = "", detail[256];
	unsigned nd = 0, nl = 0, todo = 0;
	struct hn_fields changes = {0};
	int disruptive = 0;
	_cleanup_free_ char *xml = NULL;
	int r;

	xml = hn_virt_xml_build(net, c ? c->def.uuid : NULL);
	if (!xml)
		return -ENOMEM;
	/* What we compare against is what we would define: one reading of the XML. */
	r = hn_virt_netdef_parse(xml, &want);
	if (r < 0)
		return r;
	if (!c) {
		todo = STEP_DEFINE | STEP_START | STEP_AUTOSTART;
	} else {
		/* A network taken as it is (foreign_as_configured) has no mark to add. */
		nd = hn_virt_netdef_compare(&want, &c->def, c->def.owned, diffs, sizeof(diffs));
		if (!c->persistent || nd)
			todo |= STEP_DEFINE;
		if (c->active) {
			/* Running with another definition (e.g. changed live only): restart. */
			char live[sizeof(diffs) - sizeof("running: ")];

			nl = hn_virt_netdef_compare(&want, &c->live, false, live, sizeof(live));
			if (nl)
				todo |= STEP_DESTROY | STEP_START;
			if (nl && !nd)
				snprintf(diffs, sizeof(diffs), "running: %s", live);
		} else {
			todo |= STEP_START;
		}
		if (!c->autostart)
			todo |= STEP_AUTOSTART;
	}
	r = observe_network(plan, net, c, &want, diffs, &changes);
	hn_virt_netdef_free(&want);
	if (r < 0 || !todo)
		return r;
	if (todo & STEP_DESTROY)
		disruptive = users_note(s, c, users, sizeof(users));
	if (disruptive < 0)
		return disruptive;
	steps_text(todo, c != NULL, steps, sizeof(steps));
	snprintf(detail, sizeof(detail), "%s%s%s%s", diffs, diffs[0] ? "; " : "", steps + 2,
		 c && !c->def.owned ? " (not hostnet's; defined as the config says)" : "");
	if (users[0])
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), "%s", users);

	ch = change_new(net->name, c);
	if (!ch)
		return hn_err(-ENOMEM, "libvirt: out of memory");
	ch->steps = todo;
	if (todo & STEP_DEFINE)
		ch->xml = TAKE_PTR(xml);
	return add_action(plan, c ? HN_OP_CHANGE : HN_OP_CREATE, ch, detail, disruptive > 0,
			  &changes);
}

static int diff_down(struct virt_state *s, struct hn_plan *plan)
{
	for (size_t i = 0; i < s->n; i++) {
		int r;

		if (!s->nets[i].def.owned)
			continue;
		r = plan_remove(s, &s->nets[i], "", plan);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A network libvirt.undefine names: read as there (c) or not. */
static int observe_gone(struct hn_plan *plan, const char *name, const struct cur_net *c)
{
	struct hn_observation *o;
	struct hn_object obj;

	hn_object_set(&obj, HN_KIND_NETWORK, name, NULL, NULL);
	o = hn_plan_observe(plan, &obj, c != NULL);
	if (!o)
		return hn_err(-ENOMEM, "libvirt: out of memory");
	o->want_absent = true;
	if (c)
		hn_fields_add(&o->fields, "active", HN_SHOWN_BARE,
			      c->active ? "active" : "inactive", NULL);
	return 0;
}

static int virt_diff(void *state, const struct hn_config *want, struct hn_plan *plan)
{
	struct virt_state *s = state;
	int r = 0;

	/* down: every network hostnet owns goes; the config has no say. */
	if (!want || want->down)
		return diff_down(s, plan);
	/* Everything refused is refused before any action is planned. */
	for (size_t i = 0; i < want->n_networks; i++) {
		const struct hn_network *net = &want->networks[i];
		const struct cur_net *c = find_cur(s, net->name);

		if (in_undefine(want, net->name))
			return hn_err(-EINVAL,
				      "libvirt network %s is both in libvirt.networks and in "
				      "libvirt.undefine",
				      net->name);
		if (c && !c->def.owned && (r = foreign_as_configured(net, c)) < 0)
			return r;
	}
	/* Removals first: a new network may want a bridge an old one holds. */
	for (size_t i = 0; i < want->n_undefine && r == 0; i++) {
		const struct cur_net *c = find_cur(s, want->undefine[i]);
		bool again = false;

		for (size_t j = 0; j < i; j++)
			again |= strcmp(want->undefine[j], want->undefine[i]) == 0;
		if (!again)
			r = observe_gone(plan, want->undefine[i], c);
		/* The one way hostnet removes a network it did not make: the config names it. */
		if (r == 0 && c && !again)
			r = plan_remove(s, c,
					c->def.owned
					    ? " (named in libvirt.undefine)"
					    : " (not hostnet's; named in libvirt.undefine)",
					plan);
	}
	for (size_t i = 0; i < s->n && r == 0; i++) {
		const struct cur_net *c = &s->nets[i];

		if (c->def.owned && !hn_config_network(want, c->name) &&
		    !in_undefine(want, c->name))
			r = plan_remove(s, c, " (hostnet's, no longer in the config)", plan);
	}
	for (size_t i = 0; i < want->n_networks && r == 0; i++)
		r = plan_ensure(s, &want->networks[i], plan);
	return r;
}

/* ---- apply and undo ---------------------------------------------------------------- */

static virNetworkPtr lookup(struct virt_state *s, const char *name)
{
	virNetworkPtr net = HN_VIRT(s->v, virNetworkLookupByName, s->v->conn, name);

	if (!net)
		hn_virt_err(s->v, -EIO, "libvirt network %s: looking it up", name);
	return net;
}

/* A step of run() failed. A step libvirtd did not answer may still be carried out when it
 * resumes: it counts as taken, so that the rollback says it could not put it back. */
static int step_failed(struct virt_state *s, struct virt_change *ch, unsigned step,
		       const char *what)
{
	int r = hn_virt_err(s->v, -EIO, "libvirt network %s: %s", ch->name, what);

	if (r == -ETIMEDOUT)
		ch->done |= step;
	return r;
}

/* Destroy before define: a running network is stopped, given its new definition, and
 * started again, which reads the same on every driver (some apply a definition made while
 * running only at the next start, some at once). */
static int run(struct virt_state *s, struct virt_change *ch)
{
	const char *name = ch->name;
	_cleanup_(network_freep) virNetworkPtr net = NULL;

	/* A network to destroy, or to act on without defining it, must be there already. */
	if (((ch->steps & STEP_DESTROY) || !(ch->steps & STEP_DEFINE)) && !(net = lookup(s, name)))
		return -EIO;
	if (ch->steps & STEP_DESTROY) {
		hn_debug("libvirt: destroy network %s", name);
		if (HN_VIRT(s->v, virNetworkDestroy, net) < 0)
			return step_failed(s, ch, STEP_DESTROY, "destroy");
		ch->done |= STEP_DESTROY;
	}
	if (ch->steps & STEP_DEFINE) {
		hn_debug("libvirt: define network %s", name);
		network_freep(&net);
		net = HN_VIRT(s->v, virNetworkDefineXML, s->v->conn, ch->xml);
		if (!net)
			return step_failed(s, ch, STEP_DEFINE, "define");
		ch->done |= STEP_DEFINE;
	}
	if (ch->steps & STEP_START) {
		hn_debug("libvirt: start network %s", name);
		if (HN_VIRT(s->v, virNetworkCreate, net) < 0)
			return step_failed(s, ch, STEP_START, "start");
		ch->done |= STEP_START;
	}
	if (ch->steps & STEP_AUTOSTART) {
		hn_debug("libvirt: autostart network %s", name);
		if (HN_VIRT(s->v, virNetworkSetAutostart, net, 1) < 0)
			return step_failed(s, ch, STEP_AUTOSTART, "autostart");
		ch->done |= STEP_AUTOSTART;
	}
	if (ch->steps & STEP_UNDEFINE) {
		hn_debug("libvirt: undefine network %s", name);
		if (HN_VIRT(s->v, virNetworkUndefine, net) < 0)
			return step_failed(s, ch, STEP_UNDEFINE, "undefine");
		ch->done |= STEP_UNDEFINE;
	}
	return 0;
}

static int virt_apply(void *state, struct hn_action **acts, size_t n, size_t *done)
{
	*done = 0;
	for (size_t i = 0; i < n; i++) {
		struct virt_change *ch = acts[i]->priv;
		int r = run(state, ch);

		/* A half-done action counts as done: undo reverts the steps it took. */
		if (ch->done)
			*done = i + 1;
		if (r < 0)
			return r;
	}
	return 0;
}

/* Keep the first error of a best-effort sequence. */
static void keep(int *first, int r)
{
	if (r < 0 && *first == 0)
		*first = r;
}

static int set_autostart(struct virt_state *s, const char *name, int on)
{
	virNetworkPtr net = lookup(s, name);
	int r = 0;

	if (!net)
		return -EIO;
	if (HN_VIRT(s->v, virNetworkSetAutostart, net, on) < 0)
		r = hn_virt_err(s->v, -EIO, "libvirt network %s: set autostart %s", name,
				on ? "on" : "off");
	virNetworkFree(net);
	return r;
}

static int define_old(struct virt_state *s, struct virt_change *ch)
{
	virNetworkPtr net = HN_VIRT(s->v, virNetworkDefineXML, s->v->conn, ch->old_xml);

	if (!net)
		return hn_virt_err(s->v, -EIO,
				   "libvirt network %s: define the old definition again", ch->name);
	virNetworkFree(net);
	return 0;
}

static int destroy_or_undefine(struct virt_state *s, const char *name, bool undefine)
{
	virNetworkPtr net = lookup(s, name);
	int r = 0;

	if (!net)
		return -EIO;
	if ((undefine ? HN_VIRT(s->v, virNetworkUndefine, net)
		      : HN_VIRT(s->v, virNetworkDestroy, net)) < 0)
		r = hn_virt_err(s->v, -EIO, "libvirt network %s: %s", name,
				undefine ? "undefine" : "destroy");
	virNetworkFree(net);
	return r;
}

static int start_old(struct virt_state *s, struct virt_change *ch)
{
	virNetworkPtr net;
	int r = 0;

	if (!ch->was_persistent) {
		net = HN_VIRT(s->v, virNetworkCreateXML, s->v->conn, ch->old_live_xml);
		if (!net)
			return hn_virt_err(s->v, -EIO, "libvirt network %s: start it again",
					   ch->name);
		virNetworkFree(net);
		return 0;
	}
	if (!(net = lookup(s, ch->name)))
		return -EIO;
	if (HN_VIRT(s->v, virNetworkCreate, net) < 0)
		r = hn_virt_err(s->v, -EIO, "libvirt network %s: start it again", ch->name);
	virNetworkFree(net);
	return r;
}

/* The steps of run() reverted: the old definition goes back before the old network is
 * started again. */
static int revert(struct virt_state *s, struct virt_change *ch)
{
	int first = 0;

	hn_debug("libvirt: undo network %s", ch->name);
	if (ch->done & STEP_UNDEFINE) {
		keep(&first, define_old(s, ch));
		if (ch->was_autostart)
			keep(&first, set_autostart(s, ch->name, 1));
	}
	if (ch->done & STEP_AUTOSTART)
		keep(&first, set_autostart(s, ch->name, 0));
	if (ch->done & STEP_START)
		keep(&first, destroy_or_undefine(s, ch->name, false));
	if (ch->done & STEP_DEFINE)
		keep(&first,
		     ch->old_xml ? define_old(s, ch) : destroy_or_undefine(s, ch->name, true));
	if (ch->done & STEP_DESTROY)
		keep(&first, start_old(s, ch));
	ch->done = 0;
	return first;
}

/* After a call libvirtd did not answer the connection is cut: nothing can be put back, and
 * that call may still take effect. Say which networks this run left changed. */
static int not_undone(struct virt_state *s, struct hn_action **acts, size_t n)
{
	char names[512] = "";
	size_t len = 0, count = 0;

	for (size_t i = 0; i < n; i++) {
		const struct virt_change *ch = acts[i]->priv;

		if (!ch->done || len >= sizeof(names))
			continue;
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", count ? ", " : "",
					ch->name);
		count++;
	}
	return hn_err(-ETIMEDOUT,
		      "libvirt network%s %s not rolled back: the connection to libvirtd was cut "
		      "when it did not answer %s, which it may still carry out when it resumes",
		      count == 1 ? "" : "s", names, hn_virt_stalled(s->v));
}

static int virt_undo(void *state, struct hn_action **acts, size_t n)
{
	struct virt_state *s = state;
	struct hn_error later; /* after the first failure: its message is the one reported */
	int first = 0;

	if (hn_virt_stalled(s->v))
		return not_undone(s, acts, n);
	for (size_t i = n; i-- > 0;) {
		int r = revert(state, acts[i]->priv);

		if (r < 0 && !first) {
			first = r;
			hn_err_push(&later);
		}
	}
	if (first)
		hn_err_pop(&later);
	return first;
}

/* ---- open and close ---------------------------------------------------------------- */

static int virt_open(const struct hn_opts *opts, void **state)
{
	struct virt_state *s = calloc(1, sizeof(*s));
	const char *uri = opts->libvirt ? opts->libvirt : DEFAULT_URI;
	int r;

	*state = NULL;
	if (!s)
		return hn_err(-ENOMEM, "libvirt: out of memory");
	r = hn_virt_open(uri, opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS, &s->v);
	if (r < 0) {
		free(s);
		return r;
	}
	*state = s;
	return 0;
}

static void virt_close(void *state)
{
	struct virt_state *s = state;

	if (!s)
		return;
	forget_networks(s);
	hn_virt_close(s->v);
	free(s);
}

static int virt_describe(void *state, struct hn_import *im)
{
	struct virt_state *s = state;
	struct hn_config *c = &im->config;

	c->has_libvirt = true;
	for (size_t i = 0; i < s->n; i++) {
		const struct cur_net *n = &s->nets[i];
		int r = hn_virt_import_network(&n->def, n->persistent, n->active, n->autostart, im);

		if (r < 0)
			return r;
	}
	/* The seed's first step: libvirt's NAT network gone. */
	if (!find_cur(s, "default")) {
		char **name = hn_array_add(&c->undefine, &c->n_undefine, sizeof(*name));

		if (!name || !(*name = strdup("default")))
			return hn_err(-ENOMEM, "out of memory");
	}
	return 0;
}

const struct hn_backend hn_virt_backend = {
    .name = "libvirt",
    .layer = HN_LAYER_VIRT,
    .prepare = hn_virt_prepare,
    .open = virt_open,
    .read = virt_read,
    .diff = virt_diff,
    .apply = virt_apply,
    .undo = virt_undo,
    .free_priv = change_free,
    .close = virt_close,
    .describe = virt_describe,
};
