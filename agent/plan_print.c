// SPDX-License-Identifier: GPL-2.0-or-later
/* The plan as people read it (+ create, ~ change, - remove) and as one JSON document. */
#include "plan.h"
#include "error.h"

#include <jansson.h>
#include <stdarg.h>
#include <string.h>

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

const char *hn_kind_name(enum hn_kind kind)
{
	static const char *const names[] = {
	    [HN_KIND_BRIDGE] = "bridge",   [HN_KIND_PORT] = "port",
	    [HN_KIND_LINK] = "link",	   [HN_KIND_ADDRESS] = "address",
	    [HN_KIND_ROUTE] = "route",	   [HN_KIND_NETWORK] = "network",
	    [HN_KIND_SETTING] = "setting", [HN_KIND_CHASSIS] = "chassis",
	    [HN_KIND_SWITCH] = "switch",
	};

	return kind < HN_KIND_COUNT ? names[kind] : "?";
}

char *hn_object_format(const struct hn_object *o, char *buf, size_t len)
{
	switch (o->kind) {
	case HN_KIND_PORT:
		/* A bridge's own internal port is named after the bridge. */
		if (o->on[0] && strcmp(o->on, o->name) != 0) {
			snprintf(buf, len, "port %s on %s", o->name, o->on);
			return buf;
		}
		break;
	case HN_KIND_ADDRESS:
		snprintf(buf, len, "address %s on %s", o->name, o->on);
		return buf;
	case HN_KIND_ROUTE:
		snprintf(buf, len, "route %s%s%s%s%s%s", o->name, o->via[0] ? " via " : "", o->via,
			 o->on[0] ? " dev " : "", o->on, o->multipath ? " (multipath)" : "");
		return buf;
	default:
		break;
	}
	snprintf(buf, len, "%s %s", hn_kind_name(o->kind), o->name);
	return buf;
}

/* Appends to buf[len], which holds *used bytes, sep first when something is there. */
static void append(char *buf, size_t len, size_t *used, const char *sep, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void append(char *buf, size_t len, size_t *used, const char *sep, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	if (*used) {
		n = snprintf(buf + *used, len - *used, "%s", sep);
		*used += n > 0 ? (size_t)n : 0;
		if (*used >= len)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	*used += n > 0 ? (size_t)n : 0;
}

/* One field of an action as people read it, or nothing. */
static void field_text(const struct hn_field *f, enum hn_op op, char *buf, size_t len, size_t *used)
{
	const char *want = f->has_want ? f->want : "none";

	switch (f->shown) {
	case HN_SHOWN_NOT:
		return;
	case HN_SHOWN_REPLACED:
		if (f->has_read)
			append(buf, len, used, ", ", "replaces %s", f->read);
		return;
	case HN_SHOWN_BARE:
		if (op == HN_OP_CREATE)
			append(buf, len, used, ", ", "%s", want);
		else
			append(buf, len, used, ", ", "%s -> %s", f->read, want);
		return;
	case HN_SHOWN_NAMED:
		if (op == HN_OP_CREATE)
			append(buf, len, used, ", ", "%s %s", f->name, want);
		else
			append(buf, len, used, ", ", "%s%s%s -> %s", f->name,
			       f->has_read ? " " : "", f->read, want);
		return;
	}
}

char *hn_action_detail(const struct hn_action *a, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	/* A removal's fields are what is there: the remark says why it goes. */
	for (size_t i = 0; a->op != HN_OP_REMOVE && i < a->fields.n; i++)
		field_text(&a->fields.v[i], a->op, buf, len, &used);
	if (a->remark[0])
		append(buf, len, &used, " ", "%s", a->remark);
	return buf;
}

void hn_plan_print(FILE *f, const struct hn_plan *plan)
{
	char object[HN_OBJECT_STRLEN], detail[HN_DETAIL_STRLEN];

	for (size_t i = 0; i < plan->n; i++) {
		const struct hn_action *a = plan->actions[i];

		hn_action_detail(a, detail, sizeof(detail));
		fprintf(f, "%c %-8s %s%s%s%s\n", hn_op_sign(a->op), hn_layer_name(a->layer),
			hn_object_format(&a->obj, object, sizeof(object)), detail[0] ? ": " : "",
			detail, a->disruptive ? "  (DISRUPTIVE: in use)" : "");
	}
	for (size_t i = 0; i < plan->n_notes; i++)
		fprintf(f, "note: %s\n", plan->notes[i]);
}

/* The names of an object's kind: what its `on` is to it. */
static const char *on_key(enum hn_kind kind)
{
	return kind == HN_KIND_PORT				  ? "bridge"
	       : kind == HN_KIND_ADDRESS || kind == HN_KIND_ROUTE ? "dev"
								  : NULL;
}

static json_t *or_null(bool has, const char *s)
{
	return has ? json_string(s) : json_null();
}

json_t *hn_object_json(const struct hn_object *o)
{
	json_auto_t *j =
	    json_pack("{s:s, s:s, s:s}", "layer", hn_layer_name(hn_kind_layer(o->kind)), "kind",
		      hn_kind_name(o->kind), "name", o->name);
	const char *key = on_key(o->kind);

	if (!j || (key && o->on[0] && json_object_set_new(j, key, json_string(o->on)) < 0) ||
	    (o->via[0] && json_object_set_new(j, "via", json_string(o->via)) < 0) ||
	    (o->multipath && json_object_set_new(j, "multipath", json_true()) < 0))
		return NULL;
	return TAKE_PTR(j);
}

json_t *hn_fields_json(const struct hn_fields *f)
{
	json_auto_t *list = json_array();

	for (size_t i = 0; list && i < f->n; i++) {
		const struct hn_field *x = &f->v[i];
		json_t *o = json_pack("{s:s, s:o, s:o}", "field", x->name, "found",
				      or_null(x->has_read, x->read), "expected",
				      or_null(x->has_want, x->want));

		if (json_array_append_new(list, o) < 0)
			return NULL;
	}
	return TAKE_PTR(list);
}

/* One action: its line's text, and the same as data. */
static json_t *action_json(const struct hn_action *a)
{
	char object[HN_OBJECT_STRLEN], detail[HN_DETAIL_STRLEN];
	json_auto_t *o = json_pack(
	    "{s:s, s:s, s:s, s:s, s:b}", "layer", hn_layer_name(a->layer), "op", hn_op_name(a->op),
	    "object", hn_object_format(&a->obj, object, sizeof(object)), "detail",
	    hn_action_detail(a, detail, sizeof(detail)), "disruptive", a->disruptive);
	json_auto_t *id = hn_object_json(&a->obj);
	json_auto_t *fields = hn_fields_json(&a->fields);

	/* The object's identity beside the line's keys ("kind", "name", "bridge"...), then
	 * what changes. */
	if (!o || !id || !fields || json_object_update(o, id) < 0 ||
	    json_object_set(o, "fields", fields) < 0)
		return NULL;
	return TAKE_PTR(o);
}

int hn_plan_print_json(FILE *f, const struct hn_plan *plan, const char *command, const char *result)
{
	json_auto_t *doc = json_object();
	json_auto_t *list = json_array();
	json_auto_t *notes = json_array();
	int r;

	if (!doc || !list || !notes)
		return -1;
	for (size_t i = 0; i < plan->n_notes; i++)
		if (json_array_append_new(notes, json_string(plan->notes[i])) < 0)
			return -1;
	for (size_t i = 0; i < plan->n; i++)
		if (json_array_append_new(list, action_json(plan->actions[i])) < 0)
			return -1;
	if (json_object_set_new(doc, "command", json_string(command)) < 0 ||
	    json_object_set_new(doc, "result", json_string(result)) < 0 ||
	    json_object_set_new(doc, "changes", json_integer((json_int_t)plan->n)) < 0 ||
	    json_object_set(doc, "actions", list) < 0 || json_object_set(doc, "notes", notes) < 0)
		return -1;
	r = json_dumpf(doc, f, JSON_COMPACT);
	fputc('\n', f);
	return r;
}
