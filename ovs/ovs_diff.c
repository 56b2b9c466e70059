// SPDX-License-Identifier: GPL-2.0-or-later
/* The OVS part of a plan: bridges, their own internal port, the uplink, the config's ports. */
#include "ovs_diff.h"
#include "error.h"
#include "ovs_act.h"
#include "ovs_chassis.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One port the config asks for on a bridge. */
struct want_port {
	const char *name;
	bool internal;
	unsigned tag; /* 0: none */
	bool has_trunks;
	const struct hn_vlanset *trunks;
	unsigned mtu;		      /* 0: leave alone */
	const struct hn_bridge *bond; /* the bridge whose bonded uplink this port is, or NULL */
};

struct diff {
	const struct hn_ovs_db *db;
	const struct hn_config *want; /* NULL on `down` */
	const struct hn_config *cfg;  /* the config even on `down`: it names the uplinks */
	const char *datapath;
	struct hn_plan *plan;
	struct hn_ovs_strmap wanted; /* port name -> index of its bridge in want */
	/* Ports removed because a bond takes their NICs (free_members): not pruned again. */
	struct hn_ovs_strmap freed;
};

void hn_ovs_act_free(struct hn_ovs_act *a)
{
	if (!a)
		return;
	json_decref(a->cols);
	json_decref(a->old_cols);
	json_decref(a->iface_cols);
	json_decref(a->old_iface_cols);
	json_decref(a->old_rows);
	free(a);
}

/* Is name the uplink NIC of a bridge of the config? Changing its port changes how the host
 * reaches its gateway: the agent probes around such actions. */
static bool is_uplink(const struct diff *d, const char *name)
{
	for (size_t i = 0; d->cfg && i < d->cfg->n_bridges; i++)
		if (d->cfg->bridges[i].uplink[0] &&
		    (strcmp(d->cfg->bridges[i].uplink, name) == 0 ||
		     strcmp(hn_bridge_uplink_port(&d->cfg->bridges[i]), name) == 0))
			return true;
	return false;
}

/* A bridge (port NULL), or a port on bridge. */
static void object_of(const char *bridge, const char *port, struct hn_object *obj)
{
	if (port)
		hn_object_set(obj, HN_KIND_PORT, port, bridge, NULL);
	else
		hn_object_set(obj, HN_KIND_BRIDGE, bridge, NULL, NULL);
}

static struct hn_ovs_act *add_act(struct diff *d, enum hn_op op, enum hn_ovs_act_kind kind,
				  const char *bridge, const char *port)
{
	struct hn_ovs_act *a = calloc(1, sizeof(*a));
	struct hn_object obj;
	struct hn_action *h;

	if (!a)
		return NULL;
	a->kind = kind;
	snprintf(a->bridge, sizeof(a->bridge), "%s", bridge);
	snprintf(a->port, sizeof(a->port), "%s", port ? port : "");
	object_of(bridge, port, &obj);
	h = hn_plan_add(d->plan, op, &obj);
	if (!h) {
		free(a);
		return NULL;
	}
	h->priv = a;
	h->uplink = port && is_uplink(d, port);
	snprintf(h->iface, sizeof(h->iface), "%s", port ? port : bridge);
	/* The uplink NIC joining or leaving its bridge is a step of its own (backend.h). */
	if (h->uplink &&
	    (kind == HN_OVS_ADD_PORT || kind == HN_OVS_MOVE_PORT || kind == HN_OVS_DEL_PORT))
		h->stage = HN_STAGE_NIC;
	return a;
}

static struct hn_action *last_action(struct diff *d)
{
	return d->plan->actions[d->plan->n - 1];
}

static void copy_uuid(char *dst, const char *uuid)
{
	snprintf(dst, HN_OVS_UUID_LEN + 1, "%s", uuid ? uuid : "");
}

static json_t *empty_set(void)
{
	return json_pack("[s, []]", "set");
}

static json_t *owner_map(void)
{
	return json_pack("[s, [[s, s]]]", "map", HN_OVS_OWNER_KEY, HN_OVS_OWNER_VALUE);
}

static json_t *tag_json(unsigned tag)
{
	return tag ? json_integer(tag) : empty_set();
}

static json_t *trunks_json(const struct hn_vlanset *s)
{
	json_t *list = json_array();

	for (unsigned v = s ? hn_vlanset_next(s, 1) : 0; v; v = hn_vlanset_next(s, v + 1))
		json_array_append_new(list, json_integer(v));
	return json_pack("[s, o]", "set", list);
}

static const char *trunks_text(const struct hn_vlanset *s, char *buf, size_t len)
{
	char inner[200];

	snprintf(buf, len, "[%s]", s ? hn_vlanset_format(s, inner, sizeof(inner)) : "");
	return buf;
}

/* A tag as the plan and verify say it: "99", "none". */
static const char *tag_text(unsigned tag, char *buf, size_t len)
{
	if (tag)
		snprintf(buf, len, "%u", tag);
	else
		snprintf(buf, len, "none");
	return buf;
}

/* An MTU as the plan and verify say it: "9000", "none" (OVS chooses). */
static const char *mtu_text(unsigned mtu, char *buf, size_t len)
{
	return tag_text(mtu, buf, len);
}

/* An interface's type as people say it: "" and "system" are both a system device. */
static const char *type_text(const char *type)
{
	return !*type ? "system" : type;
}

static void mac_text(const struct hn_bridge *wb, char *mac, size_t len)
{
	const uint8_t *m = wb->uplink_mac;

	snprintf(mac, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static int oom(void)
{
	return hn_err(-ENOMEM, "out of memory computing the OVS plan");
}

/* Keep a json value (or JSON null when the row lacks it) under key. */
static int keep(json_t *obj, const char *key, json_t *value)
{
	return json_object_set(obj, key, value ? value : json_null());
}

/* Keep the row's column as read; -1 when the row cannot be made json (no memory). */
static int keep_col(json_t *obj, const char *key, struct hn_ovs_row *row)
{
	json_t *j = hn_ovs_row_json(row);

	return j ? keep(obj, key, json_object_get(j, key)) : -1;
}

/* ---- bridges ---- */

static int add_bridge(struct diff *d, const struct hn_bridge *wb)
{
	struct hn_ovs_act *a = add_act(d, HN_OP_CREATE, HN_OVS_ADD_BRIDGE, wb->name, NULL);
	struct hn_fields *f;
	json_t *other;

	if (!a)
		return oom();
	f = &last_action(d)->fields;
	hn_fields_add(f, "datapath", HN_SHOWN_NAMED, NULL, d->datapath);
	if (wb->has_uplink_mac) {
		char mac[18];

		mac_text(wb, mac, sizeof(mac));
		other = json_pack("[s, [[s, s]]]", "map", "hwaddr", mac);
		hn_fields_add(f, "hwaddr", HN_SHOWN_NAMED, NULL, mac);
	} else {
		other = json_pack("[s, []]", "map");
	}
	a->cols = json_pack("{s:s, s:s, s:o, s:o}", "name", wb->name, "datapath_type", d->datapath,
			    "other_config", other, "external_ids", owner_map());
	return a->cols ? 0 : oom();
}

/* other_config with hwaddr replaced by mac, every other key kept. */
static json_t *with_hwaddr(const json_t *old, const char *mac)
{
	json_t *pairs = json_array(), *kv;
	const json_t *list = json_array_get(old, 1);
	size_t i;

	json_array_foreach (list, i, kv) {
		const char *k = json_string_value(json_array_get(kv, 0));

		if (k && strcmp(k, "hwaddr") != 0)
			json_array_append(pairs, kv);
	}
	json_array_append_new(pairs, json_pack("[s, s]", "hwaddr", mac));
	return json_pack("[s, o]", "map", pairs);
}

static int set_bridge(struct diff *d, const struct hn_bridge *wb, const struct hn_ovs_bridge *cb)
{
	const char *cur_dp = *cb->datapath_type ? cb->datapath_type : "system";
	char mac[18] = "";
	json_auto_t *cols = json_object();
	json_auto_t *old = json_object();
	struct hn_fields f = {0};
	struct hn_ovs_act *a;

	if (!cols || !old)
		return oom();
	if (strcmp(cur_dp, d->datapath) != 0) {
		hn_fields_add(&f, "datapath", HN_SHOWN_NAMED, cur_dp, d->datapath);
		if (json_object_set_new(cols, "datapath_type", json_string(d->datapath)) < 0 ||
		    keep_col(old, "datapath_type", cb->row) < 0)
			return oom();
	}
	if (wb->has_uplink_mac)
		mac_text(wb, mac, sizeof(mac));
	if (*mac && (!cb->hwaddr || strcasecmp(cb->hwaddr, mac) != 0)) {
		json_t *row = hn_ovs_row_json(cb->row), *oc = json_object_get(row, "other_config");

		hn_fields_add(&f, "hwaddr", HN_SHOWN_NAMED, cb->hwaddr ? cb->hwaddr : "none", mac);
		if (!row || json_object_set_new(cols, "other_config", with_hwaddr(oc, mac)) < 0 ||
		    keep(old, "other_config", oc) < 0)
			return oom();
	}
	if (json_object_size(cols) == 0)
		return 0;
	a = add_act(d, HN_OP_CHANGE, HN_OVS_SET_BRIDGE, wb->name, NULL);
	if (!a)
		return oom();
	copy_uuid(a->bridge_uuid, cb->uuid);
	/* a new MAC on the bridge the host talks to its gateway through */
	last_action(d)->uplink = json_object_get(cols, "other_config") != NULL;
	last_action(d)->fields = f;
	a->cols = TAKE_PTR(cols);
	a->old_cols = TAKE_PTR(old);
	return 0;
}

/* ---- ports ---- */

/* eno1,eno2: a bond's members as the plan and verify say them. */
static const char *members_text(const struct hn_bridge *b, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < b->n_bond && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "", b->bond[i]);
	return buf;
}

/* The Port columns that make a bond: its mode, LACP and, for active-backup, the first NIC
 * as the primary (the one whose MAC the bridge carries, so the provider keeps seeing the
 * MAC on the link it knows while both are up). */
static json_t *bond_cols(const struct hn_bridge *b)
{
	json_t *other = b->bond_mode == HN_BOND_ACTIVE_BACKUP
			    ? json_pack("[s, [[s, s]]]", "map", "bond-primary", b->bond[0])
			    : json_pack("[s, []]", "map");

	return json_pack("{s:s, s:s, s:o}", "bond_mode", hn_bond_mode_name(b->bond_mode), "lacp",
			 hn_lacp_name(b->lacp), "other_config", other);
}

/* A bond's new interfaces, one a member: the array ovs_txn.c inserts them from. */
static json_t *bond_ifaces(const struct hn_bridge *b)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < b->n_bond; i++)
		if (json_array_append_new(list,
					  json_pack("{s:s, s:s, s:o}", "name", b->bond[i], "type",
						    "", "external_ids", owner_map())) < 0) {
			json_decref(list);
			return NULL;
		}
	return list;
}

static void bond_fields(struct hn_fields *f, const struct hn_ovs_port *cp, const char *members,
			const struct hn_bridge *b)
{
	hn_fields_add(f, "bond", HN_SHOWN_NAMED, members,
		      b ? members_text(b, (char[160]){0}, 160) : NULL);
	hn_fields_add(f, "bond_mode", HN_SHOWN_NAMED,
		      cp ? (cp->bond_mode ? cp->bond_mode : "none") : NULL,
		      b ? hn_bond_mode_name(b->bond_mode) : NULL);
	hn_fields_add(f, "lacp", HN_SHOWN_NAMED, cp ? (cp->lacp ? cp->lacp : "none") : NULL,
		      b ? hn_lacp_name(b->lacp) : NULL);
}

static int add_bond(struct diff *d, const struct hn_ovs_bridge *cb, const struct want_port *wp)
{
	const struct hn_bridge *b = wp->bond;
	struct hn_ovs_act *a = add_act(d, HN_OP_CREATE, HN_OVS_ADD_PORT, b->name, wp->name);

	if (!a)
		return oom();
	copy_uuid(a->bridge_uuid, cb ? cb->uuid : NULL);
	a->cols = bond_cols(b);
	a->iface_cols = bond_ifaces(b);
	if (!a->cols || !a->iface_cols ||
	    json_object_set_new(a->cols, "name", json_string(wp->name)) < 0 ||
	    json_object_set_new(a->cols, "external_ids", owner_map()) < 0)
		return oom();
	bond_fields(&last_action(d)->fields, NULL, NULL, b);
	return 0;
}

static int add_port(struct diff *d, const struct hn_bridge *wb, const struct hn_ovs_bridge *cb,
		    const struct want_port *wp)
{
	struct hn_ovs_act *a;
	char tr[256], tag[16];
	struct hn_fields *f;

	if (wp->bond)
		return add_bond(d, cb, wp);
	a = add_act(d, HN_OP_CREATE, HN_OVS_ADD_PORT, wb->name, wp->name);
	if (!a)
		return oom();
	f = &last_action(d)->fields;
	copy_uuid(a->bridge_uuid, cb ? cb->uuid : NULL);
	a->cols = json_pack("{s:s, s:o}", "name", wp->name, "external_ids", owner_map());
	a->iface_cols = json_pack("{s:s, s:s, s:o}", "name", wp->name, "type",
				  wp->internal ? "internal" : "", "external_ids", owner_map());
	if (!a->cols || !a->iface_cols)
		return oom();
	hn_fields_add(f, "type", HN_SHOWN_BARE, NULL, wp->internal ? "internal" : "system");
	if (wp->tag) {
		if (json_object_set_new(a->cols, "tag", json_integer(wp->tag)) < 0)
			return oom();
		hn_fields_add(f, "tag", HN_SHOWN_NAMED, NULL, tag_text(wp->tag, tag, sizeof(tag)));
	}
	if (wp->has_trunks) {
		if (json_object_set_new(a->cols, "trunks", trunks_json(wp->trunks)) < 0)
			return oom();
		hn_fields_add(f, "trunks", HN_SHOWN_NAMED, NULL,
			      trunks_text(wp->trunks, tr, sizeof(tr)));
	}
	if (wp->mtu) {
		if (json_object_set_new(a->iface_cols, "mtu_request", json_integer(wp->mtu)) < 0)
			return oom();
		hn_fields_add(f, "mtu", HN_SHOWN_NAMED, NULL, mtu_text(wp->mtu, tag, sizeof(tag)));
	}
	return 0;
}

/* vlan_mode values that mean what the config asks: unset is OVS's default, and the
 * default is access with a tag, trunk without. */
static bool vlan_mode_ok(const char *mode, unsigned tag)
{
	return !mode || strcmp(mode, tag ? "access" : "trunk") == 0;
}

static int set_port(struct diff *d, const struct hn_bridge *wb, const struct hn_ovs_port *cp,
		    const struct want_port *wp)
{
	static const struct hn_vlanset none;
	const struct hn_vlanset *want_trunks = wp->has_trunks ? wp->trunks : &none;
	const struct hn_ovs_iface *ci = hn_ovs_db_port_iface(d->db, cp);
	const char *want_type = wp->internal ? "internal" : "";
	/* "" and "system" are both a system device. */
	bool type_differs = ci && strcmp(ci->type, want_type) != 0 &&
			    !(!wp->internal && strcmp(ci->type, "system") == 0);
	/* mtu_request, not the device's MTU: that is what hostnet writes, and ovs-vswitchd
	 * reports the device's later than it sets it (verify shows both, the kernel's too). */
	bool mtu_differs = ci && wp->mtu && ci->mtu_request != wp->mtu;
	json_auto_t *cols = NULL;
	json_auto_t *old = NULL;
	json_auto_t *icols = NULL;
	json_auto_t *iold = NULL;
	char t1[256], t2[256];
	struct hn_fields f = {0};
	struct hn_ovs_act *a;

	/* The common case, on every port of every converged run: nothing to build. */
	if (cp->tag == wp->tag && hn_vlanset_equal(&cp->trunks, want_trunks) &&
	    vlan_mode_ok(cp->vlan_mode, wp->tag) && !type_differs && !mtu_differs)
		return 0;
	cols = json_object();
	old = json_object();
	if (!cols || !old)
		return oom();
	if (cp->tag != wp->tag) {
		hn_fields_add(&f, "tag", HN_SHOWN_NAMED, tag_text(cp->tag, t1, sizeof(t1)),
			      tag_text(wp->tag, t2, sizeof(t2)));
		if (json_object_set_new(cols, "tag", tag_json(wp->tag)) < 0 ||
		    keep_col(old, "tag", cp->row) < 0)
			return oom();
	}
	if (!hn_vlanset_equal(&cp->trunks, want_trunks)) {
		hn_fields_add(&f, "trunks", HN_SHOWN_NAMED,
			      trunks_text(&cp->trunks, t1, sizeof(t1)),
			      trunks_text(want_trunks, t2, sizeof(t2)));
		if (json_object_set_new(cols, "trunks", trunks_json(want_trunks)) < 0 ||
		    keep_col(old, "trunks", cp->row) < 0)
			return oom();
	}
	if (!vlan_mode_ok(cp->vlan_mode, wp->tag)) {
		hn_fields_add(&f, "vlan_mode", HN_SHOWN_NAMED, cp->vlan_mode, "default");
		if (json_object_set_new(cols, "vlan_mode", empty_set()) < 0 ||
		    keep_col(old, "vlan_mode", cp->row) < 0)
			return oom();
	}
	if (type_differs || mtu_differs) {
		icols = json_object();
		iold = json_object();
		if (!icols || !iold)
			return oom();
	}
	if (type_differs) {
		hn_fields_add(&f, "type", HN_SHOWN_NAMED, type_text(ci->type),
			      wp->internal ? "internal" : "system");
		if (json_object_set_new(icols, "type", json_string(want_type)) < 0 ||
		    json_object_set_new(iold, "type", json_string(ci->type)) < 0)
			return oom();
	}
	if (mtu_differs) {
		hn_fields_add(&f, "mtu", HN_SHOWN_NAMED, mtu_text(ci->mtu_request, t1, sizeof(t1)),
			      mtu_text(wp->mtu, t2, sizeof(t2)));
		if (json_object_set_new(icols, "mtu_request", json_integer(wp->mtu)) < 0 ||
		    keep_col(iold, "mtu_request", ci->row) < 0)
			return oom();
	}
	if (json_object_size(cols) == 0 && !icols)
		return 0;
	a = add_act(d, HN_OP_CHANGE, HN_OVS_SET_PORT, wb->name, wp->name);
	if (!a)
		return oom();
	copy_uuid(a->port_uuid, cp->uuid);
	a->cols = TAKE_PTR(cols);
	a->old_cols = TAKE_PTR(old);
	a->iface_cols = TAKE_PTR(icols);
	a->old_iface_cols = TAKE_PTR(iold);
	last_action(d)->fields = f;
	return 0;
}

static int move_port(struct diff *d, const struct hn_bridge *wb, const struct hn_ovs_bridge *cb,
		     const struct hn_ovs_port *cp)
{
	const struct hn_ovs_bridge *from = &d->db->bridges[cp->bridge];
	struct hn_ovs_act *a;

	/* Taking a port out of a bridge the operator keeps for himself would change a
	 * foreign bridge behind his back: only when the config or hostnet has a claim. */
	if (!hn_config_bridge(d->want, from->name) && !from->owned && !cp->owned)
		return hn_err(-EEXIST,
			      "port %s is on bridge %s, which the config does not name and "
			      "hostnet did not create, so hostnet will not take it from there: "
			      "take it off %s first, or name bridge %s in the config",
			      cp->name, from->name, from->name, from->name);
	a = add_act(d, HN_OP_CHANGE, HN_OVS_MOVE_PORT, wb->name, cp->name);
	if (!a)
		return oom();
	snprintf(a->from, sizeof(a->from), "%s", from->name);
	copy_uuid(a->from_uuid, from->uuid);
	copy_uuid(a->bridge_uuid, cb ? cb->uuid : NULL);
	copy_uuid(a->port_uuid, cp->uuid);
	hn_fields_add(&last_action(d)->fields, "bridge", HN_SHOWN_NAMED, from->name, wb->name);
	return 0;
}

/* ---- what was read of the objects the config asks for (verify reports it) ---- */

static int observe_bridge(struct diff *d, const struct hn_bridge *wb,
			  const struct hn_ovs_bridge *cb)
{
	struct hn_observation *o;
	struct hn_object obj;
	char mac[18];

	object_of(wb->name, NULL, &obj);
	o = hn_plan_observe(d->plan, &obj, cb != NULL);
	if (!o)
		return oom();
	hn_fields_add(&o->fields, "datapath", HN_SHOWN_NAMED,
		      cb ? (*cb->datapath_type ? cb->datapath_type : "system") : NULL, d->datapath);
	if (wb->has_uplink_mac)
		mac_text(wb, mac, sizeof(mac));
	if (wb->has_uplink_mac || (cb && cb->hwaddr))
		hn_fields_add(&o->fields, "hwaddr", HN_SHOWN_NAMED,
			      cb ? (cb->hwaddr ? cb->hwaddr : "none") : NULL,
			      wb->has_uplink_mac ? mac : NULL);
	return 0;
}

/* A port's type, its VLANs (a tag or trunks when either side has one, so that an untagged
 * port reads "system" and a stray tag still shows), an unusual vlan_mode, and the bridge it
 * is on when that is another one. */
static int observe_port(struct diff *d, const struct hn_bridge *wb, const struct hn_ovs_port *cp,
			const struct want_port *wp)
{
	static const struct hn_vlanset none;
	const struct hn_vlanset *want_trunks = wp->has_trunks ? wp->trunks : &none;
	const struct hn_ovs_iface *ci = cp ? hn_ovs_db_port_iface(d->db, cp) : NULL;
	char t1[256], t2[256];
	struct hn_observation *o;
	struct hn_object obj;

	object_of(wb->name, wp->name, &obj);
	o = hn_plan_observe(d->plan, &obj, cp != NULL);
	if (!o)
		return oom();
	hn_fields_add(&o->fields, "type", HN_SHOWN_BARE, ci ? type_text(ci->type) : NULL,
		      wp->internal ? "internal" : "system");
	if (wp->tag || (cp && cp->tag))
		hn_fields_add(&o->fields, "tag", HN_SHOWN_NAMED,
			      cp ? tag_text(cp->tag, t1, sizeof(t1)) : NULL,
			      tag_text(wp->tag, t2, sizeof(t2)));
	if (wp->has_trunks || (cp && !hn_vlanset_empty(&cp->trunks)))
		hn_fields_add(&o->fields, "trunks", HN_SHOWN_NAMED,
			      cp ? trunks_text(&cp->trunks, t1, sizeof(t1)) : NULL,
			      trunks_text(want_trunks, t2, sizeof(t2)));
	if (cp && cp->vlan_mode)
		hn_fields_add(&o->fields, "vlan_mode", HN_SHOWN_NAMED, cp->vlan_mode, NULL);
	/* The MTU asked, and the one ovs-vswitchd reports the device has. */
	if (wp->mtu)
		hn_fields_add(&o->fields, "mtu", HN_SHOWN_NAMED,
			      ci ? mtu_text(ci->mtu_request, t1, sizeof(t1)) : NULL,
			      mtu_text(wp->mtu, t2, sizeof(t2)));
	if (wp->mtu && ci && ci->mtu)
		hn_fields_add(&o->fields, "device_mtu", HN_SHOWN_NAMED,
			      mtu_text(ci->mtu, t1, sizeof(t1)), NULL);
	if (cp && cp->bridge >= 0 && strcmp(d->db->bridges[cp->bridge].name, wb->name) != 0)
		hn_fields_add(&o->fields, "bridge", HN_SHOWN_NAMED, d->db->bridges[cp->bridge].name,
			      wb->name);
	return 0;
}

/* A bond's members as read, sorted as the config lists them when they are the same set:
 * "eno1,eno2" into buf. Whether they are the config's members, in *same. */
static const char *read_members(const struct diff *d, const struct hn_ovs_port *cp,
				const struct hn_bridge *b, char *buf, size_t len, bool *same)
{
	const struct hn_ovs_iface *f[HN_BOND_MAX + 1];
	size_t n = hn_ovs_db_port_ifaces(d->db, cp, f, HN_BOND_MAX + 1), used = 0, found = 0;

	for (size_t i = 0; i < b->n_bond; i++)
		for (size_t k = 0; k < n && k <= HN_BOND_MAX; k++)
			found += strcmp(f[k]->name, b->bond[i]) == 0;
	*same = n == b->n_bond && found == n;
	if (*same)
		return members_text(b, buf, len);
	buf[0] = '\0';
	for (size_t k = 0; k < n && k <= HN_BOND_MAX && used < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", k ? "," : "", f[k]->name);
	return buf;
}

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int del_port(struct diff *d, const struct hn_ovs_bridge *cb, size_t pi);

/*
 * A bond that exists: its mode, LACP and primary set in place; other members (a NIC
 * replaced, one added) make the port anew in the same transaction, since a port's
 * interfaces cannot be inserted by a change of the port alone.
 */
static int set_bond(struct diff *d, const struct hn_ovs_port *cp, const struct want_port *wp)
{
	const struct hn_bridge *b = wp->bond;
	const char *primary = b->bond_mode == HN_BOND_ACTIVE_BACKUP ? b->bond[0] : NULL;
	json_auto_t *cols = NULL;
	json_auto_t *old = NULL;
	struct hn_fields f = {0};
	struct hn_ovs_act *a;
	char members[160];
	bool same;
	int r;

	read_members(d, cp, b, members, sizeof(members), &same);
	if (!same) {
		r = del_port(d, &d->db->bridges[cp->bridge], (size_t)(cp - d->db->ports));
		if (r == 0)
			hn_action_remark(last_action(d), "its members change: made anew");
		return r < 0 ? r : add_bond(d, hn_ovs_db_bridge(d->db, b->name), wp);
	}
	if (same_text(cp->bond_mode, hn_bond_mode_name(b->bond_mode)) &&
	    same_text(cp->lacp, hn_lacp_name(b->lacp)) && same_text(cp->bond_primary, primary))
		return 0;
	cols = bond_cols(b);
	old = json_object();
	if (!cols || !old || keep_col(old, "bond_mode", cp->row) < 0 ||
	    keep_col(old, "lacp", cp->row) < 0 || keep_col(old, "other_config", cp->row) < 0)
		return oom();
	if (!same_text(cp->bond_mode, hn_bond_mode_name(b->bond_mode)))
		hn_fields_add(&f, "bond_mode", HN_SHOWN_NAMED,
			      cp->bond_mode ? cp->bond_mode : "none",
			      hn_bond_mode_name(b->bond_mode));
	if (!same_text(cp->lacp, hn_lacp_name(b->lacp)))
		hn_fields_add(&f, "lacp", HN_SHOWN_NAMED, cp->lacp ? cp->lacp : "none",
			      hn_lacp_name(b->lacp));
	if (!same_text(cp->bond_primary, primary))
		hn_fields_add(&f, "bond-primary", HN_SHOWN_NAMED,
			      cp->bond_primary ? cp->bond_primary : "none",
			      primary ? primary : "none");
	a = add_act(d, HN_OP_CHANGE, HN_OVS_SET_PORT, b->name, wp->name);
	if (!a)
		return oom();
	copy_uuid(a->port_uuid, cp->uuid);
	a->cols = TAKE_PTR(cols);
	a->old_cols = TAKE_PTR(old);
	last_action(d)->fields = f;
	return 0;
}

static bool is_member(const struct hn_bridge *b, const char *name)
{
	for (size_t i = 0; i < b->n_bond; i++)
		if (strcmp(b->bond[i], name) == 0)
			return true;
	return false;
}

/*
 * Every port but the bond's own that holds one of its NICs (a bond an operator made under
 * another name, the NIC's own port from before the bond): an interface is in one port, and
 * its name is unique, so that port goes in the same NIC step as the bond comes, guarded
 * alike.
 */
static int free_members(struct diff *d, const struct hn_ovs_port *cp, const struct hn_bridge *b)
{
	for (size_t i = 0; i < d->db->n_ports; i++) {
		const struct hn_ovs_port *p = &d->db->ports[i];
		const struct hn_ovs_iface *f[HN_BOND_MAX + 1];
		size_t n, k, at;
		int r;

		if (p == cp || p->bridge < 0 || hn_ovs_strmap_get(&d->freed, p->name, &at))
			continue;
		n = hn_ovs_db_port_ifaces(d->db, p, f, HN_BOND_MAX + 1);
		for (k = 0; k < n && k <= HN_BOND_MAX && !is_member(b, f[k]->name); k++)
			;
		if (k == n || k > HN_BOND_MAX)
			continue;
		r = del_port(d, &d->db->bridges[p->bridge], i);
		if (r < 0)
			return r;
		last_action(d)->uplink = true;
		last_action(d)->stage = HN_STAGE_NIC;
		hn_action_remark(last_action(d), "%s; its NIC %s joins the bond %s",
				 p->owned ? "created by hostnet" : "not hostnet's", f[k]->name,
				 b->bond_port);
		if (hn_ovs_strmap_put(&d->freed, p->name, i) < 0)
			return oom();
	}
	return 0;
}

static int observe_bond(struct diff *d, const struct hn_ovs_port *cp, const struct want_port *wp)
{
	struct hn_observation *o;
	struct hn_object obj;
	char members[160];
	bool same;

	object_of(wp->bond->name, wp->name, &obj);
	o = hn_plan_observe(d->plan, &obj, cp != NULL);
	if (!o)
		return oom();
	bond_fields(&o->fields, cp,
		    cp ? read_members(d, cp, wp->bond, members, sizeof(members), &same) : NULL,
		    wp->bond);
	return 0;
}

static int converge_port(struct diff *d, const struct hn_bridge *wb, const struct hn_ovs_bridge *cb,
			 const struct want_port *wp)
{
	const struct hn_ovs_port *cp = hn_ovs_db_port(d->db, wp->name);
	int r = 0;

	/* What was found is kept for verify only: a thousand ports' fields are not made for
	 * nothing on every `up`. */
	if (d->plan->observe)
		r = wp->bond ? observe_bond(d, cp, wp) : observe_port(d, wb, cp, wp);

	if (r == 0 && wp->bond)
		r = free_members(d, cp, wp->bond);

	if (r < 0)
		return r;
	if (!cp)
		return add_port(d, wb, cb, wp);
	if (cp->bridge < 0)
		return hn_err(-EEXIST, "port %s exists in OVSDB but on no bridge", cp->name);
	if (&d->db->bridges[cp->bridge] != cb) {
		r = move_port(d, wb, cb, cp);
		if (r < 0)
			return r;
	}
	return wp->bond ? set_bond(d, cp, wp) : set_port(d, wb, cp, wp);
}

/* {"bridge": row|null, "ports": [rows], "ifaces": []}: what a removal takes away, as
 * read; hn_ovs_attach_details() makes the rows whole. */
static json_t *old_rows_of(const struct hn_ovs_db *db, const struct hn_ovs_bridge *b,
			   const size_t *ports, size_t n)
{
	json_t *pl = json_array();

	for (size_t i = 0; pl && i < n; i++) {
		json_t *row = hn_ovs_row_json(db->ports[ports[i]].row);

		if (!row || json_array_append(pl, row) < 0) {
			json_decref(pl);
			return NULL;
		}
	}
	return json_pack("{s:O, s:o, s:[]}", "bridge", b ? hn_ovs_row_json(b->row) : json_null(),
			 "ports", pl, "ifaces");
}

static const char *why_removed(const struct diff *d)
{
	return d->want ? "created by hostnet, no longer in the config" : "created by hostnet";
}

static int del_port(struct diff *d, const struct hn_ovs_bridge *cb, size_t pi)
{
	const struct hn_ovs_port *p = &d->db->ports[pi];
	struct hn_ovs_act *a = add_act(d, HN_OP_REMOVE, HN_OVS_DEL_PORT, cb->name, p->name);

	if (!a)
		return oom();
	copy_uuid(a->bridge_uuid, cb->uuid);
	copy_uuid(a->port_uuid, p->uuid);
	a->old_rows = old_rows_of(d->db, NULL, &pi, 1);
	hn_action_remark(last_action(d), "%s", why_removed(d));
	return a->old_rows ? 0 : oom();
}

static bool wanted(const struct diff *d, const char *port)
{
	size_t i;

	return hn_ovs_strmap_get(&d->wanted, port, &i);
}

static bool freed(const struct diff *d, const char *port)
{
	size_t i;

	return hn_ovs_strmap_get(&d->freed, port, &i);
}

/*
 * On a bridge whose uplink is found by its MAC, a system port hostnet made that the config no
 * longer names is the uplink under its old name (the NIC was renamed): it leaves in the same
 * step, and the same OVS transaction, as the NIC joins under its new one, guarded alike.
 */
static void old_uplink(struct diff *d, const struct hn_bridge *wb, const struct hn_ovs_port *p)
{
	const struct hn_ovs_iface *ci = hn_ovs_db_port_iface(d->db, p);
	struct hn_action *h = last_action(d);

	if (!wb || !wb->uplink_by_mac || !wb->uplink[0] || !ci ||
	    (*ci->type && strcmp(ci->type, "system") != 0))
		return;
	h->uplink = true;
	h->stage = HN_STAGE_NIC;
	hn_action_remark(h, "created by hostnet; the uplink's old name: %s has its MAC now",
			 wb->uplink);
}

/* Ports of a bridge that the config does not name anywhere: hostnet's go, others stay
 * (a VM's tap that libvirt added, say). wb: the bridge in the config, or NULL. */
static int prune_ports(struct diff *d, const struct hn_bridge *wb, const struct hn_ovs_bridge *cb)
{
	for (size_t i = 0; i < cb->n_ports; i++) {
		const struct hn_ovs_port *p = &d->db->ports[cb->ports[i]];
		int r;

		if (p->owned && !wanted(d, p->name) && !freed(d, p->name)) {
			r = del_port(d, cb, cb->ports[i]);
			if (r < 0)
				return r;
			old_uplink(d, wb, p);
		}
	}
	return 0;
}

static int del_bridge(struct diff *d, const struct hn_ovs_bridge *cb)
{
	size_t *keep = calloc(cb->n_ports + 1, sizeof(*keep)), n_keep = 0;
	char names[160] = "";
	size_t foreign = 0, used = 0;
	struct hn_ovs_act *a;
	int r = 0;

	if (!keep)
		return oom();
	/* The uplink NIC leaves first, in a step of its own (the NIC stage, backend.h), once it
	 * has its address back; the bridge goes later, without it. */
	for (size_t i = 0; r == 0 && i < cb->n_ports; i++) {
		const struct hn_ovs_port *p = &d->db->ports[cb->ports[i]];

		if (!is_uplink(d, p->name)) {
			keep[n_keep++] = cb->ports[i];
			continue;
		}
		r = del_port(d, cb, cb->ports[i]);
		if (r == 0 && !p->owned)
			hn_action_remark(
			    last_action(d),
			    "not hostnet's; it leaves bridge %s, which hostnet created", cb->name);
	}
	a = r == 0 ? add_act(d, HN_OP_REMOVE, HN_OVS_DEL_BRIDGE, cb->name, NULL) : NULL;
	if (a) {
		copy_uuid(a->bridge_uuid, cb->uuid);
		a->old_rows = old_rows_of(d->db, cb, keep, n_keep);
	}
	free(keep);
	if (!a || !a->old_rows)
		return r < 0 ? r : oom();
	for (size_t i = 0; i < cb->n_ports; i++) {
		const struct hn_ovs_port *p = &d->db->ports[cb->ports[i]];

		/* The bridge's own internal port goes with it by definition: not counted. */
		if (!p->owned && !wanted(d, p->name) && strcmp(p->name, cb->name) != 0 &&
		    !is_uplink(d, p->name) && foreign++ < 4 && used < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 used ? ", " : "", p->name);
	}
	if (foreign) {
		hn_action_remark(
		    last_action(d),
		    "created by hostnet; %zu port(s) hostnet did not create go with it "
		    "(%s%s)",
		    foreign, names, foreign > 4 ? ", ..." : "");
		last_action(d)->disruptive = true;
	} else {
		hn_action_remark(last_action(d), "%s", why_removed(d));
	}
	return 0;
}

/* The ports the config asks for on wb, its own internal port first. */
static size_t want_ports(const struct hn_bridge *wb, struct want_port *out)
{
	size_t n = 0;

	out[n++] =
	    (struct want_port){.name = wb->name, .internal = true, .tag = wb->tag, .mtu = wb->mtu};
	if (wb->n_bond)
		out[n++] = (struct want_port){.name = wb->bond_port, .bond = wb};
	else if (wb->uplink[0])
		out[n++] = (struct want_port){.name = wb->uplink};
	for (size_t i = 0; i < wb->n_ports; i++) {
		const struct hn_port *p = &wb->ports[i];

		out[n++] = (struct want_port){.name = p->name,
					      .internal = p->type == HN_PORT_INTERNAL,
					      .tag = p->tag,
					      .has_trunks = p->has_trunks,
					      .trunks = &p->trunks,
					      .mtu = p->mtu};
	}
	return n;
}

static int index_wanted(struct diff *d)
{
	for (size_t b = 0; d->want && b < d->want->n_bridges; b++) {
		const struct hn_bridge *wb = &d->want->bridges[b];
		struct want_port *wps = calloc(wb->n_ports + 2, sizeof(*wps));
		size_t n, prev;

		if (!wps)
			return oom();
		n = want_ports(wb, wps);
		for (size_t i = 0; i < n; i++) {
			if (hn_ovs_strmap_get(&d->wanted, wps[i].name, &prev)) {
				int r =
				    hn_err(-EINVAL, "port %s is named twice (bridges %s and %s)",
					   wps[i].name, d->want->bridges[prev].name, wb->name);

				free(wps);
				return r;
			}
			if (hn_ovs_strmap_put(&d->wanted, wps[i].name, b) < 0) {
				free(wps);
				return oom();
			}
		}
		free(wps);
	}
	return 0;
}

static int converge_bridge(struct diff *d, const struct hn_bridge *wb)
{
	const struct hn_ovs_bridge *cb = hn_ovs_db_bridge(d->db, wb->name);
	struct want_port *wps = calloc(wb->n_ports + 2, sizeof(*wps));
	size_t n;
	int r;

	if (!wps)
		return oom();
	r = observe_bridge(d, wb, cb);
	if (r == 0)
		r = cb ? set_bridge(d, wb, cb) : add_bridge(d, wb);
	n = want_ports(wb, wps);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = converge_port(d, wb, cb, &wps[i]);
	free(wps);
	if (r == 0 && cb)
		r = prune_ports(d, wb, cb);
	return r;
}

int hn_ovs_diff(const struct hn_ovs_db *db, const struct hn_config *want, const char *datapath,
		struct hn_plan *plan)
{
	struct diff d = {.db = db, .cfg = want, .datapath = datapath, .plan = plan};
	int r;

	d.want = want && !want->down ? want : NULL;
	want = d.want;
	r = index_wanted(&d);
	for (size_t i = 0; r == 0 && want && i < want->n_bridges; i++)
		r = converge_bridge(&d, &want->bridges[i]);
	/* Bridges the config does not name: hostnet's own go, with whatever is on them;
	 * on anyone else's, only the ports hostnet put there go. */
	for (size_t i = 0; r == 0 && i < db->n_bridges; i++) {
		const struct hn_ovs_bridge *cb = &db->bridges[i];

		if (want && hn_config_bridge(want, cb->name))
			continue;
		r = cb->owned ? del_bridge(&d, cb) : prune_ports(&d, NULL, cb);
	}
	if (r == 0)
		r = hn_ovs_chassis_diff(db, want, datapath, plan);
	hn_ovs_strmap_free(&d.wanted);
	hn_ovs_strmap_free(&d.freed);
	return r;
}

/* ---- whole rows for undoing removals ---- */

bool hn_ovs_plan_removes(const struct hn_plan *plan, size_t from)
{
	for (size_t i = from; i < plan->n; i++) {
		const struct hn_ovs_act *a = plan->actions[i]->priv;

		if (plan->actions[i]->layer == HN_LAYER_OVS && a &&
		    (a->kind == HN_OVS_DEL_PORT || a->kind == HN_OVS_DEL_BRIDGE))
			return true;
	}
	return false;
}

json_t *hn_ovs_details_params(void)
{
	return json_pack("[s, {s:s, s:s, s:[], s:[s, s, s, s, s, s, s]},"
			 " {s:s, s:s, s:[], s:[s, s, s, s, s, s]}]",
			 HN_OVS_DB_NAME, "op", "select", "table", "Port", "where", "columns",
			 "_uuid", "name", "interfaces", "tag", "trunks", "vlan_mode",
			 "external_ids", "op", "select", "table", "Interface", "where", "columns",
			 "_uuid", "name", "type", "options", "mtu_request", "external_ids");
}

/* uuid -> row of a select result's rows. */
static int index_rows(const json_t *rows, struct hn_ovs_strmap *m)
{
	size_t i;
	json_t *row;

	json_array_foreach (rows, i, row) {
		const char *u = hn_ovs_json_uuid(json_object_get(row, "_uuid"));

		if (u && hn_ovs_strmap_put(m, u, i) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int attach(json_t *old, const json_t *prows, const struct hn_ovs_strmap *pmap,
		  const json_t *irows, const struct hn_ovs_strmap *imap)
{
	json_t *ports = json_object_get(old, "ports"), *ifaces = json_object_get(old, "ifaces");

	for (size_t i = 0; i < json_array_size(ports); i++) {
		const char *u =
		    hn_ovs_json_uuid(json_object_get(json_array_get(ports, i), "_uuid"));
		const json_t *full, *ifs;
		size_t at;

		/* Gone since the diff's read: the commit's waits will see it and retry. */
		if (!u || !hn_ovs_strmap_get(pmap, u, &at))
			continue;
		full = json_array_get(prows, at);
		ifs = json_object_get(full, "interfaces");
		for (size_t k = 0; k < hn_ovs_json_set_size(ifs); k++) {
			const char *iu = hn_ovs_json_uuid(hn_ovs_json_set_at(ifs, k));
			size_t ia;

			if (iu && hn_ovs_strmap_get(imap, iu, &ia) &&
			    json_array_append(ifaces, json_array_get(irows, ia)) < 0)
				return -ENOMEM;
		}
		if (json_array_set(ports, i, (json_t *)full) < 0)
			return -ENOMEM;
	}
	return 0;
}

int hn_ovs_attach_details(struct hn_plan *plan, size_t from, const json_t *result)
{
	const json_t *prows = json_object_get(json_array_get(result, 0), "rows");
	const json_t *irows = json_object_get(json_array_get(result, 1), "rows");
	struct hn_ovs_strmap pmap = {0}, imap = {0};
	int r;

	if (!json_is_array(prows) || !json_is_array(irows))
		return hn_err(-EPROTO, "ovsdb-server answered the read of ports and interfaces "
				       "with an unexpected shape");
	r = index_rows(prows, &pmap);
	if (r == 0)
		r = index_rows(irows, &imap);
	for (size_t i = from; r == 0 && i < plan->n; i++) {
		struct hn_ovs_act *a = plan->actions[i]->priv;

		if (plan->actions[i]->layer == HN_LAYER_OVS && a && a->old_rows)
			r = attach(a->old_rows, prows, &pmap, irows, &imap);
	}
	hn_ovs_strmap_free(&pmap);
	hn_ovs_strmap_free(&imap);
	return r < 0 ? hn_err(r, "out of memory") : 0;
}
