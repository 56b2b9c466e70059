// SPDX-License-Identifier: GPL-2.0-or-later
/* The OVN chassis settings of the Open_vSwitch row: one action per key that changes. */
#include "ovs_chassis.h"
#include "error.h"
#include "ovs_act.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every key hostnet may write: the ones it removes are among these only. */
static const char *const keys[] = {
    "ovn-remote", "ovn-encap-type",	 "ovn-encap-ip",
    "system-id",  "ovn-bridge-mappings", "ovn-bridge-datapath-type",
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static int oom(void)
{
	return hn_err(-ENOMEM, "out of memory computing the OVN chassis plan");
}

/* "physnet:bridge,..." in the config's order. */
static void mappings_text(const struct hn_config_ovn *o, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < o->n_mappings && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s:%s", i ? "," : "",
					 o->mappings[i].physnet, o->mappings[i].bridge);
}

/* The value the config wants for keys[i], or NULL: the key is not the config's. The
 * datapath type is the bridges' own, so that the br-int ovn-controller makes can hold patch
 * ports to them (a patch joins bridges of one datapath only). */
static const char *wanted(const struct hn_config *want, const char *datapath, size_t i, char *buf,
			  size_t len)
{
	const struct hn_config_ovn *o = want && !want->down ? &want->ovn : NULL;

	if (!o || !o->has_chassis)
		return NULL;
	switch (i) {
	case 0:
		return o->remote;
	case 1:
		return hn_encap_name(o->encap_type);
	case 2:
		return o->encap_ip;
	case 3:
		return o->system_id;
	case 4:
		if (!o->n_mappings)
			return NULL;
		mappings_text(o, buf, len);
		return buf;
	case 5:
		return datapath;
	}
	return NULL;
}

static int add_act(struct hn_plan *plan, const struct hn_ovs_db *db, enum hn_op op, const char *key,
		   const char *cur, const char *want, bool mark, bool unmark, bool down)
{
	struct hn_ovs_act *a = calloc(1, sizeof(*a));
	struct hn_object obj;
	struct hn_action *h;

	if (!a)
		return oom();
	a->kind = HN_OVS_SET_KEY;
	snprintf(a->port, sizeof(a->port), "%s", key);
	snprintf(a->bridge_uuid, sizeof(a->bridge_uuid), "%s", db->root_uuid);
	a->cols = want ? json_string(want) : NULL;
	a->old_cols = cur ? json_string(cur) : NULL;
	a->mark = mark;
	a->unmark = unmark;
	hn_object_set(&obj, HN_KIND_SETTING, key, NULL, NULL);
	h = hn_plan_add(plan, op, &obj);
	if (!h || (want && !a->cols) || (cur && !a->old_cols)) {
		hn_ovs_act_free(a);
		return oom();
	}
	h->priv = a;
	snprintf(h->iface, sizeof(h->iface), "%s", "");
	if (op != HN_OP_REMOVE)
		hn_fields_add(&h->fields, "value", HN_SHOWN_BARE, cur, want);
	else
		hn_action_remark(h, "set by hostnet%s", down ? "" : ", no longer in the config");
	return 0;
}

int hn_ovs_chassis_diff(const struct hn_ovs_db *db, const struct hn_config *want,
			const char *datapath, struct hn_plan *plan)
{
	/* A database without its row (a test's empty one) has no keys either. */
	json_t *root = db->root_row ? hn_ovs_row_json(db->root_row) : NULL;
	const json_t *ids = root ? json_object_get(root, "external_ids") : NULL;

	if (db->root_row && !root)
		return oom();
	for (size_t i = 0; i < N_KEYS; i++) {
		char buf[512], marker[64];
		const char *w = wanted(want, datapath, i, buf, sizeof(buf));
		const char *cur = json_string_value(hn_ovs_json_map_get(ids, keys[i]));
		bool owned;
		int r = 0;

		snprintf(marker, sizeof(marker), HN_OVS_KEY_OWNER_PREFIX "%s", keys[i]);
		owned = hn_ovs_json_map_get(ids, marker) != NULL;
		if (w) {
			struct hn_object obj;
			struct hn_observation *o;

			hn_object_set(&obj, HN_KIND_SETTING, keys[i], NULL, NULL);
			o = hn_plan_observe(plan, &obj, cur != NULL);
			if (!o)
				return oom();
			hn_fields_add(&o->fields, "value", HN_SHOWN_BARE, cur, w);
		}
		if (w && !cur)
			r = add_act(plan, db, HN_OP_CREATE, keys[i], NULL, w, true, false, false);
		else if (w && strcmp(cur, w) != 0)
			r = add_act(plan, db, HN_OP_CHANGE, keys[i], cur, w, false, false, false);
		else if (!w && cur && owned)
			r = add_act(plan, db, HN_OP_REMOVE, keys[i], cur, NULL, false, true,
				    !want || want->down);
		if (r < 0)
			return r;
	}
	return 0;
}
