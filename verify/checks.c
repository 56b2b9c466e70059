// SPDX-License-Identifier: GPL-2.0-or-later
#include "checks.h"
#include "plan.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* How many failed checks the status line names: monitoring UIs show that line alone. */
#define SUMMARY_NAMES 3

static const char *const status_names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

const char *hn_verify_check_status_name(enum hn_verify_check_status s)
{
	return s <= HN_VERIFY_CHECK_UNKNOWN ? status_names[s] : "UNKNOWN";
}

int hn_verify_checks_add(struct hn_verify_checks *c, enum hn_verify_check_status status,
			 const char *name, const char *expected, const char *found_fmt, ...)
{
	struct hn_verify_check *k;
	va_list ap;
	int n;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		struct hn_verify_check *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = cap;
	}
	k = &c->v[c->n];
	k->status = status;
	k->data = NULL;
	k->name = strdup(name);
	k->expected = strdup(expected);
	va_start(ap, found_fmt);
	n = vasprintf(&k->found, found_fmt, ap);
	va_end(ap);
	if (n < 0)
		k->found = NULL;
	if (!k->name || !k->expected || !k->found) {
		free(k->name);
		free(k->expected);
		free(k->found);
		return -ENOMEM;
	}
	c->n++;
	return 0;
}

int hn_verify_checks_describe(struct hn_verify_checks *c, const struct hn_object *obj, bool exists,
			      const struct hn_fields *fields)
{
	struct hn_verify_check_data *d = malloc(sizeof(*d));

	if (!d)
		return -ENOMEM;
	d->obj = *obj;
	d->exists = exists;
	d->fields = *fields;
	free(c->v[c->n - 1].data);
	c->v[c->n - 1].data = d;
	return 0;
}

void hn_verify_checks_free(struct hn_verify_checks *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].data);
		free(c->v[i].name);
		free(c->v[i].expected);
		free(c->v[i].found);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int rank(enum hn_verify_check_status s)
{
	static const int ranks[] = {[HN_VERIFY_CHECK_OK] = 0,
				    [HN_VERIFY_CHECK_UNKNOWN] = 1,
				    [HN_VERIFY_CHECK_WARNING] = 2,
				    [HN_VERIFY_CHECK_CRITICAL] = 3};

	return s <= HN_VERIFY_CHECK_UNKNOWN ? ranks[s] : 1;
}

bool hn_verify_check_worse(enum hn_verify_check_status a, enum hn_verify_check_status b)
{
	return rank(a) > rank(b);
}

enum hn_verify_check_status hn_verify_checks_status(const struct hn_verify_checks *c)
{
	enum hn_verify_check_status worst = HN_VERIFY_CHECK_OK;

	for (size_t i = 0; i < c->n; i++)
		if (rank(c->v[i].status) > rank(worst))
			worst = c->v[i].status;
	/* No check at all proves nothing. */
	return c->n ? worst : HN_VERIFY_CHECK_UNKNOWN;
}

size_t hn_verify_checks_failed(const struct hn_verify_checks *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		n += c->v[i].status != HN_VERIFY_CHECK_OK;
	return n;
}

/* Plugin output must not break lines or perfdata: '|' and newlines become spaces. */
static void put_clean(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '|' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

void hn_verify_checks_print(FILE *f, const struct hn_verify_checks *c, double seconds)
{
	enum hn_verify_check_status st = hn_verify_checks_status(c);
	size_t failed = hn_verify_checks_failed(c), named = 0;

	fprintf(f, "HOSTNET %s - ", hn_verify_check_status_name(st));
	if (c->n == 0)
		fputs("no check could run", f);
	else if (failed == 0)
		fprintf(f, "%zu checks", c->n);
	else {
		fprintf(f, "%zu of %zu checks failed: ", failed, c->n);
		/* The worst first: a monitoring UI shows this line alone. */
		for (int want = rank(HN_VERIFY_CHECK_CRITICAL); want > 0 && named < SUMMARY_NAMES;
		     want--) {
			for (size_t i = 0; i < c->n && named < SUMMARY_NAMES; i++) {
				if (rank(c->v[i].status) != want)
					continue;
				fputs(named ? ", " : "", f);
				put_clean(f, c->v[i].name);
				named++;
			}
		}
		if (failed > named)
			fprintf(f, " and %zu more", failed - named);
	}
	fprintf(f, " | checks=%zu failed=%zu time=%.3fs\n", c->n, failed, seconds);
	for (size_t i = 0; i < c->n; i++) {
		fprintf(f, "%-8s ", hn_verify_check_status_name(c->v[i].status));
		put_clean(f, c->v[i].name);
		fputs(": expected ", f);
		put_clean(f, c->v[i].expected);
		fputs(", found ", f);
		put_clean(f, c->v[i].found);
		fputc('\n', f);
	}
}

/* {"name", "status", "expected", "found"} as the line says them; a state check also
 * {"object", "exists", "fields": [{"field", "expected", "found"}]}, the same as data. */
static json_t *check_json(const struct hn_verify_check *k)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name", k->name, "status",
			      hn_verify_check_status_name(k->status), "expected", k->expected,
			      "found", k->found);

	if (!o || !k->data)
		return o;
	if (json_object_set_new(o, "object", hn_object_json(&k->data->obj)) < 0 ||
	    json_object_set_new(o, "exists", json_boolean(k->data->exists)) < 0 ||
	    json_object_set_new(o, "fields", hn_fields_json(&k->data->fields)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int hn_verify_checks_print_json(FILE *f, const struct hn_verify_checks *c, double seconds)
{
	enum hn_verify_check_status st = hn_verify_checks_status(c);
	json_t *doc, *list = json_array();
	int r = -ENOMEM;

	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < c->n; i++) {
		json_t *o = check_json(&c->v[i]);

		if (!o || json_array_append_new(list, o) < 0) {
			json_decref(list);
			return -ENOMEM;
		}
	}
	doc = json_pack("{s:s, s:s, s:i, s:I, s:I, s:f, s:o}", "command", "verify", "status",
			hn_verify_check_status_name(st), "exit", (int)st, "checks",
			(json_int_t)c->n, "failed", (json_int_t)hn_verify_checks_failed(c), "time",
			seconds, "results", list);
	if (doc && json_dumpf(doc, f, JSON_COMPACT) == 0) {
		fputc('\n', f);
		r = 0;
	}
	json_decref(doc);
	return r;
}
