// SPDX-License-Identifier: GPL-2.0-or-later
#include "state_objects.h"
#include "plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text for one side of a line: what the fields hold, "internal, tag 99". */
struct text {
	char buf[1024];
	size_t used;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->used >= sizeof(t->buf))
		return;
	if (t->used) {
		n = snprintf(t->buf + t->used, sizeof(t->buf) - t->used, ", ");
		t->used += n > 0 ? (size_t)n : 0;
		if (t->used >= sizeof(t->buf))
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->used, sizeof(t->buf) - t->used, fmt, ap);
	va_end(ap);
	t->used += n > 0 ? (size_t)n : 0;
}

/* The wanted values of f (want) or the values read; a bare field is its value alone. */
static void values(struct text *t, const struct hn_fields *f, bool want)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct hn_field *x = &f->v[i];
		const char *v = want ? x->want : x->read;

		if (!(want ? x->has_want : x->has_read))
			continue;
		if (x->shown == HN_SHOWN_BARE)
			put(t, "%s", v);
		else
			put(t, "%s %s", x->name, v);
	}
}

static bool wants_any(const struct hn_fields *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].has_want)
			return true;
	return false;
}

static void expected_of(const struct hn_observation *o, struct text *t)
{
	if (o->want_absent)
		put(t, "absent");
	else if (wants_any(&o->fields))
		values(t, &o->fields, true);
	else
		put(t, "present");
}

/* What was read: the values, after "missing", "absent" or "present" where the values alone
 * would not say whether the object is there. */
static void found_of(const struct hn_observation *o, struct text *t)
{
	if (!o->exists)
		put(t, o->want_absent ? "absent" : "missing");
	else if (o->want_absent || !wants_any(&o->fields))
		put(t, "present");
	values(t, &o->fields, false);
}

/* The line of an object the config asks for, with its values as data for --json. */
static int object_line(const struct hn_observation *o, bool changed, struct hn_verify_checks *out)
{
	struct text expected = {0}, found = {0};
	char name[HN_OBJECT_STRLEN];
	enum hn_verify_check_status status = HN_VERIFY_CHECK_OK;
	int r;

	expected_of(o, &expected);
	if (changed) {
		status = HN_VERIFY_CHECK_CRITICAL;
		found_of(o, &found);
	} else if (o->unsure[0]) {
		status = HN_VERIFY_CHECK_UNKNOWN;
		put(&found, "not told apart: %s", o->unsure);
	} else if (o->wrong[0]) {
		status = HN_VERIFY_CHECK_CRITICAL;
		found_of(o, &found);
		put(&found, "%s", o->wrong);
	} else {
		found_of(o, &found);
	}
	r = hn_verify_checks_add(out, status, hn_object_format(&o->obj, name, sizeof(name)),
				 expected.buf, "%s", found.buf);
	return r < 0 ? r : hn_verify_checks_describe(out, &o->obj, o->exists, &o->fields);
}

/* An action no object of the config names: a line of its own, from the action's fields. */
static int action_line(const struct hn_action *a, struct hn_verify_checks *out)
{
	struct text expected = {0}, found = {0};
	char name[HN_OBJECT_STRLEN];
	int r;

	switch (a->op) {
	case HN_OP_CREATE:
		values(&expected, &a->fields, true);
		if (!expected.used)
			put(&expected, "present");
		put(&found, "missing");
		break;
	case HN_OP_REMOVE:
		put(&expected, "absent");
		put(&found, "present");
		break;
	case HN_OP_CHANGE:
	default:
		values(&expected, &a->fields, true);
		values(&found, &a->fields, false);
		if (!expected.used)
			put(&expected, "as configured");
		if (!found.used)
			put(&found, "not as configured");
		break;
	}
	r = hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL,
				 hn_object_format(&a->obj, name, sizeof(name)), expected.buf,
				 "%s%s%s", found.buf, a->remark[0] ? ": " : "", a->remark);
	return r < 0 ? r
		     : hn_verify_checks_describe(out, &a->obj, a->op != HN_OP_CREATE, &a->fields);
}

int hn_verify_state_objects_report(const struct hn_plan *plan, struct hn_verify_checks *out)
{
	bool *named = calloc(plan->n + 1, sizeof(*named));
	int r = 0;

	if (!named)
		return -ENOMEM;
	for (size_t i = 0; i < plan->n_observed && r == 0; i++) {
		const struct hn_observation *o = plan->observed[i];
		bool changed = false;

		for (size_t k = 0; k < plan->n; k++) {
			if (hn_object_equal(&plan->actions[k]->obj, &o->obj)) {
				named[k] = true;
				changed = true;
			}
		}
		r = object_line(o, changed, out);
	}
	for (size_t k = 0; k < plan->n && r == 0; k++)
		if (!named[k])
			r = action_line(plan->actions[k], out);
	free(named);
	return r;
}
