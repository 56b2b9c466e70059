// SPDX-License-Identifier: GPL-2.0-or-later
/* The plan as people read it (+ create, ~ change, - remove) and as one JSON document. */
#include "plan.h"

#include <jansson.h>

const char *hn_layer_name(enum hn_layer layer)
{
	switch (layer) {
	case HN_LAYER_OVS:
		return "ovs";
	case HN_LAYER_NETLINK:
		return "netlink";
	case HN_LAYER_VIRT:
		return "libvirt";
	case HN_LAYER_COUNT:
		break;
	}
	return "?";
}

char *hn_layers_format(unsigned mask, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int l = 0; l < HN_LAYER_COUNT; l++)
		if (mask & (1u << l))
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
						 used ? "," : "", hn_layer_name(l));
	return buf;
}

const char *hn_op_name(enum hn_op op)
{
	switch (op) {
	case HN_OP_CREATE:
		return "create";
	case HN_OP_CHANGE:
		return "change";
	case HN_OP_REMOVE:
		return "remove";
	}
	return "?";
}

char hn_op_sign(enum hn_op op)
{
	return op == HN_OP_CREATE ? '+' : op == HN_OP_CHANGE ? '~' : '-';
}

void hn_plan_print(FILE *f, const struct hn_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		const struct hn_action *a = plan->actions[i];

		fprintf(f, "%c %-8s %s%s%s%s\n", hn_op_sign(a->op), hn_layer_name(a->layer),
			a->object, a->detail[0] ? ": " : "", a->detail,
			a->disruptive ? "  (DISRUPTIVE: in use)" : "");
	}
	for (size_t i = 0; i < plan->n_notes; i++)
		fprintf(f, "note: %s\n", plan->notes[i]);
}

int hn_plan_print_json(FILE *f, const struct hn_plan *plan, const char *command, const char *result)
{
	json_t *doc = json_object(), *list = json_array(), *notes = json_array();
	int r = -1;

	if (!doc || !list || !notes)
		goto out;
	for (size_t i = 0; i < plan->n_notes; i++)
		if (json_array_append_new(notes, json_string(plan->notes[i])) < 0)
			goto out;
	for (size_t i = 0; i < plan->n; i++) {
		const struct hn_action *a = plan->actions[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:b}", "layer", hn_layer_name(a->layer),
				      "op", hn_op_name(a->op), "object", a->object, "detail",
				      a->detail, "disruptive", a->disruptive);

		if (!o || json_array_append_new(list, o) < 0)
			goto out;
	}
	if (json_object_set_new(doc, "command", json_string(command)) < 0 ||
	    json_object_set_new(doc, "result", json_string(result)) < 0 ||
	    json_object_set_new(doc, "changes", json_integer((json_int_t)plan->n)) < 0 ||
	    json_object_set(doc, "actions", list) < 0 || json_object_set(doc, "notes", notes) < 0)
		goto out;
	r = json_dumpf(doc, f, JSON_COMPACT);
	fputc('\n', f);
out:
	json_decref(notes);
	json_decref(list);
	json_decref(doc);
	return r;
}
