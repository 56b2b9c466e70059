// SPDX-License-Identifier: GPL-2.0-or-later
/* The plan: the actions of every backend, in the order they will be applied. */
#include "plan.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum hn_layer hn_kind_layer(enum hn_kind kind)
{
	switch (kind) {
	case HN_KIND_BRIDGE:
	case HN_KIND_PORT:
	case HN_KIND_SETTING:
	case HN_KIND_CHASSIS:
	case HN_KIND_SWITCH:
		return HN_LAYER_OVS;
	case HN_KIND_LINK:
	case HN_KIND_ADDRESS:
	case HN_KIND_ROUTE:
		return HN_LAYER_NETLINK;
	case HN_KIND_NETWORK:
	case HN_KIND_COUNT:
		break;
	}
	return HN_LAYER_VIRT;
}

void hn_object_set(struct hn_object *obj, enum hn_kind kind, const char *name, const char *on,
		   const char *via)
{
	memset(obj, 0, sizeof(*obj));
	obj->kind = kind;
	snprintf(obj->name, sizeof(obj->name), "%s", name);
	snprintf(obj->on, sizeof(obj->on), "%s", on ? on : "");
	snprintf(obj->via, sizeof(obj->via), "%s", via ? via : "");
}

bool hn_object_equal(const struct hn_object *a, const struct hn_object *b)
{
	return a->kind == b->kind && a->multipath == b->multipath &&
	       strcmp(a->name, b->name) == 0 && strcmp(a->on, b->on) == 0 &&
	       strcmp(a->via, b->via) == 0;
}

struct hn_action *hn_plan_add(struct hn_plan *plan, enum hn_op op, const struct hn_object *obj)
{
	struct hn_action *a;

	if (plan->n == plan->cap) {
		size_t cap = plan->cap ? plan->cap * 2 : 16;
		struct hn_action **v = realloc(plan->actions, cap * sizeof(*v));

		if (!v)
			return NULL;
		plan->actions = v;
		plan->cap = cap;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->layer = hn_kind_layer(obj->kind);
	a->op = op;
	a->obj = *obj;
	plan->actions[plan->n++] = a;
	return a;
}

void hn_action_remark(struct hn_action *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->remark, sizeof(a->remark), fmt, ap);
	va_end(ap);
}

struct hn_observation *hn_plan_observe(struct hn_plan *plan, const struct hn_object *obj,
				       bool exists)
{
	struct hn_observation *o = &plan->scratch;

	if (!plan->observe) {
		o->obj = *obj;
		o->exists = exists;
		o->want_absent = false;
		o->fields.n = 0;
		o->unsure[0] = '\0';
		o->wrong[0] = '\0';
		return o;
	}
	if (plan->n_observed == plan->cap_observed) {
		size_t cap = plan->cap_observed ? plan->cap_observed * 2 : 16;
		struct hn_observation **v = realloc(plan->observed, cap * sizeof(*v));

		if (!v)
			return NULL;
		plan->observed = v;
		plan->cap_observed = cap;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->obj = *obj;
	o->exists = exists;
	plan->observed[plan->n_observed++] = o;
	return o;
}

void hn_fields_add(struct hn_fields *f, const char *name, enum hn_shown shown, const char *read,
		   const char *want)
{
	struct hn_field *x;

	/* A backend records a handful per object; more is a bug, not the host's doing. */
	assert(f->n < HN_FIELDS_MAX);
	if (f->n >= HN_FIELDS_MAX)
		return;
	x = &f->v[f->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->shown = shown;
	x->has_read = read != NULL;
	x->has_want = want != NULL;
	snprintf(x->read, sizeof(x->read), "%s", read ? read : "");
	snprintf(x->want, sizeof(x->want), "%s", want ? want : "");
}

static bool fields_equal(const struct hn_fields *a, const struct hn_fields *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct hn_field *x = &a->v[i], *y = &b->v[i];

		if (x->shown != y->shown || x->has_read != y->has_read ||
		    x->has_want != y->has_want || strcmp(x->name, y->name) != 0 ||
		    strcmp(x->read, y->read) != 0 || strcmp(x->want, y->want) != 0)
			return false;
	}
	return true;
}

bool hn_action_same(const struct hn_action *a, const struct hn_action *b)
{
	return a->op == b->op && a->disruptive == b->disruptive &&
	       hn_object_equal(&a->obj, &b->obj) && fields_equal(&a->fields, &b->fields) &&
	       strcmp(a->remark, b->remark) == 0;
}

int hn_plan_note(struct hn_plan *plan, const char *fmt, ...)
{
	char **v = realloc(plan->notes, (plan->n_notes + 1) * sizeof(*v));
	va_list ap;
	int r;

	if (!v)
		return -ENOMEM;
	plan->notes = v;
	va_start(ap, fmt);
	r = vasprintf(&v[plan->n_notes], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	plan->n_notes++;
	return 0;
}

/*
 * The place of an action's group in the plan. up: OVS, netlink (MAIN), the NIC joins (OVS),
 * the route and address switch (netlink), libvirt. down: libvirt, the switch back (netlink),
 * the NIC leaves (OVS), netlink, OVS (MAIN).
 */
#define N_GROUPS 5
static int group_of(const struct hn_action *a, bool down)
{
	static const int up_main[HN_LAYER_COUNT] = {
	    [HN_LAYER_OVS] = 0, [HN_LAYER_NETLINK] = 1, [HN_LAYER_VIRT] = 4};
	static const int down_main[HN_LAYER_COUNT] = {
	    [HN_LAYER_VIRT] = 0, [HN_LAYER_NETLINK] = 3, [HN_LAYER_OVS] = 4};

	switch (a->stage) {
	case HN_STAGE_NIC:
		return 2;
	case HN_STAGE_SWITCH:
		return down ? 1 : 3;
	case HN_STAGE_MAIN:
		break;
	}
	return down ? down_main[a->layer] : up_main[a->layer];
}

int hn_plan_order(struct hn_plan *plan, bool down)
{
	struct hn_action **sorted;
	size_t k = 0;

	if (plan->n < 2)
		return 0;
	sorted = malloc(plan->n * sizeof(*sorted));
	if (!sorted)
		return -ENOMEM;
	/* A stable bucket pass per group: each backend's own order (an address before the
	 * route that needs it) is what it asked for, on up and on down alike. */
	for (int g = 0; g < N_GROUPS; g++)
		for (size_t i = 0; i < plan->n; i++)
			if (group_of(plan->actions[i], down) == g)
				sorted[k++] = plan->actions[i];
	memcpy(plan->actions, sorted, plan->n * sizeof(*sorted));
	free(sorted);
	return 0;
}

size_t hn_plan_count(const struct hn_plan *plan, enum hn_layer layer)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->n; i++)
		n += plan->actions[i]->layer == layer;
	return n;
}

int hn_plan_splice(struct hn_plan *plan, size_t start, size_t end, struct hn_plan *with,
		   const struct hn_backend *b)
{
	size_t n = plan->n - (end - start) + with->n;
	struct hn_action **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	memcpy(v, plan->actions, start * sizeof(*v));
	if (with->n)
		memcpy(v + start, with->actions, with->n * sizeof(*v));
	memcpy(v + start + with->n, plan->actions + end, (plan->n - end) * sizeof(*v));
	for (size_t i = start; i < end; i++) {
		if (plan->actions[i]->priv && b && b->free_priv)
			b->free_priv(plan->actions[i]->priv);
		free(plan->actions[i]);
	}
	free(plan->actions);
	plan->actions = v;
	plan->n = plan->cap = n;
	with->n = 0;
	hn_plan_free(with, NULL);
	return 0;
}

void hn_plan_free(struct hn_plan *plan, const struct hn_backend *const *backends)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct hn_action *a = plan->actions[i];

		if (a->priv && backends && backends[a->layer] && backends[a->layer]->free_priv)
			backends[a->layer]->free_priv(a->priv);
		free(a);
	}
	for (size_t i = 0; i < plan->n_observed; i++)
		free(plan->observed[i]);
	free(plan->observed);
	for (size_t i = 0; i < plan->n_notes; i++)
		free(plan->notes[i]);
	free(plan->notes);
	free(plan->actions);
	memset(plan, 0, sizeof(*plan));
}
