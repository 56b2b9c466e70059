// SPDX-License-Identifier: GPL-2.0-or-later
/* "The same name twice", in all its forms: keys of one mapping, an interface used in two
 * roles, an address or a route asked for twice, two portgroups of one network, a network
 * undefined twice. One sort, not n². */
#include "config_impl.h"

#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int pos_cmp(struct hn_pos a, struct hn_pos b)
{
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	if (a.col != b.col)
		return a.col < b.col ? -1 : 1;
	return 0;
}

static int ref_cmp(const void *pa, const void *pb)
{
	const struct hn_name_ref *a = pa, *b = pb;
	int r = strcmp(a->name, b->name);

	if (r)
		return r;
	return pos_cmp(a->pos, b->pos);
}

bool hn_find_duplicate(struct hn_name_ref *refs, size_t n, const struct hn_name_ref **first,
		       const struct hn_name_ref **again)
{
	size_t group = 0;

	*first = *again = NULL;
	if (n < 2)
		return false;
	qsort(refs, n, sizeof(*refs), ref_cmp);
	for (size_t i = 1; i < n; i++) {
		if (strcmp(refs[i].name, refs[group].name) != 0) {
			group = i;
			continue;
		}
		/* refs[i] repeats refs[group]; report the repeat the reader meets first. */
		if (i == group + 1 && (!*again || pos_cmp(refs[i].pos, (*again)->pos) < 0)) {
			*first = &refs[group];
			*again = &refs[i];
		}
	}
	return *again != NULL;
}

static const char *describe(const struct hn_name_ref *r, char *buf, size_t len)
{
	char q[HN_QUOTE_MAX];

	if (!r->owner)
		return r->what;
	snprintf(buf, len, "%s %s", r->what, hn_quote(r->owner, q));
	return buf;
}

int hn_check_unique(const char *file, const char *scope, struct hn_name_ref *refs, size_t n,
		    const char *noun, const char *expected)
{
	const struct hn_name_ref *first, *again;
	char q[HN_QUOTE_MAX], d1[128], d2[128];

	if (!hn_find_duplicate(refs, n, &first, &again))
		return 0;
	return hn_err(-EINVAL,
		      "%s:%u:%u: %s%s%s '%s' is used twice: %s here, and %s at line %u, column %u; "
		      "expected %s",
		      file, again->pos.line, again->pos.col, scope, *scope ? ": " : "", noun,
		      hn_quote(again->name, q), describe(again, d1, sizeof(d1)),
		      describe(first, d2, sizeof(d2)), first->pos.line, first->pos.col, expected);
}
