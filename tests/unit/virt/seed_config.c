// SPDX-License-Identifier: GPL-2.0-or-later
#include "seed_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *grow(void *v, size_t n, size_t size)
{
	v = realloc(v, (n + 1) * size);
	assert_non_null(v);
	memset((char *)v + n * size, 0, size);
	return v;
}

struct hn_network *tc_network(struct hn_config *c, const char *name, const char *bridge)
{
	struct hn_network *n;

	c->networks = grow(c->networks, c->n_networks, sizeof(*c->networks));
	n = &c->networks[c->n_networks++];
	n->name = strdup(name);
	snprintf(n->bridge, sizeof(n->bridge), "%s", bridge);
	return n;
}

static struct hn_portgroup *add_pg(struct hn_network *n, const char *name)
{
	struct hn_portgroup *pg;

	n->portgroups = grow(n->portgroups, n->n_portgroups, sizeof(*n->portgroups));
	pg = &n->portgroups[n->n_portgroups++];
	pg->name = strdup(name);
	return pg;
}

void tc_trunk(struct hn_network *n, const char *name, unsigned lo, unsigned hi)
{
	struct hn_portgroup *pg = add_pg(n, name);

	pg->trunk = true;
	for (unsigned v = lo; v <= hi; v++)
		hn_vlanset_add(&pg->vlans, v);
}

void tc_trunk2(struct hn_network *n, const char *name, unsigned a, unsigned b)
{
	struct hn_portgroup *pg = add_pg(n, name);

	pg->trunk = true;
	hn_vlanset_add(&pg->vlans, a);
	hn_vlanset_add(&pg->vlans, b);
}

void tc_access(struct hn_network *n, const char *name, unsigned tag)
{
	add_pg(n, name)->tag = tag;
}

void tc_access_range(struct hn_network *n, unsigned lo, unsigned hi)
{
	for (unsigned v = lo; v <= hi; v++) {
		char name[8];
		struct hn_portgroup *pg;

		snprintf(name, sizeof(name), "%u", v);
		pg = add_pg(n, name);
		pg->tag = v;
		pg->from_access = true;
	}
}

void tc_undefine(struct hn_config *c, const char *name)
{
	c->undefine = grow(c->undefine, c->n_undefine, sizeof(*c->undefine));
	c->undefine[c->n_undefine++] = strdup(name);
}

void tc_seed(struct hn_config *c)
{
	struct hn_network *n;

	memset(c, 0, sizeof(*c));
	tc_undefine(c, "default");
	tc_network(c, "ovs-front", "br0");
	n = tc_network(c, "intern-vlans", "brint");
	tc_trunk2(n, "vlansadmin", 99, 250);
	tc_trunk2(n, "vlansext", 10, 20);
	tc_access(n, "vlan10", 10);
	tc_access(n, "vlan20", 20);
	tc_trunk(n, "vlansint", 100, 109);
	tc_access_range(n, 100, 109);
}

char *tc_fixture(const char *name)
{
	const char *dir = getenv("VIRT_FIXTURES");
	char path[4096];
	FILE *f;
	char *buf;
	long len;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: cannot open", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}
