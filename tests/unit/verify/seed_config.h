/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seed host's config (etc/hostnet.yaml) built by hand, so the verify unit tests do not
 * depend on the parser; heap-allocated like the parser's, so hn_config_free releases it.
 */
#ifndef HOSTNET_TEST_SEED_CONFIG_H
#define HOSTNET_TEST_SEED_CONFIG_H

#include "model.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline struct hn_prefix seed_prefix(const char *addr, unsigned len)
{
	struct hn_prefix p = {.len = (uint8_t)len};

	inet_pton(AF_INET, addr, &p.addr);
	return p;
}

static inline void seed_trunk(struct hn_portgroup *g, const char *name, unsigned from, unsigned to)
{
	memset(g, 0, sizeof(*g));
	g->name = strdup(name);
	g->trunk = true;
	for (unsigned v = from; v <= to; v++)
		hn_vlanset_add(&g->vlans, v);
}

static inline void seed_access(struct hn_portgroup *g, const char *name, unsigned tag)
{
	memset(g, 0, sizeof(*g));
	g->name = strdup(name);
	g->tag = tag;
}

/* with_verify false: no `verify:` section, so every default is derived. */
static inline void seed_config(struct hn_config *c, bool with_verify)
{
	struct hn_bridge *br0, *brint;
	struct hn_network *front, *intern;
	struct hn_portgroup *g;

	memset(c, 0, sizeof(*c));
	c->n_bridges = 2;
	c->bridges = calloc(2, sizeof(*c->bridges));
	br0 = &c->bridges[0];
	brint = &c->bridges[1];
	strcpy(br0->name, "br0");
	strcpy(br0->uplink, "eno1");
	br0->has_addresses = true;
	br0->n_addresses = 1;
	br0->addresses = malloc(sizeof(*br0->addresses));
	br0->addresses[0] = seed_prefix("198.51.100.10", 24);
	br0->has_gateway = true;
	inet_pton(AF_INET, "198.51.100.1", &br0->gateway);

	strcpy(brint->name, "brint");
	brint->tag = 99;
	brint->has_addresses = true;
	brint->n_addresses = 1;
	brint->addresses = malloc(sizeof(*brint->addresses));
	brint->addresses[0] = seed_prefix("10.99.1.250", 32);
	brint->n_routes = 1;
	brint->routes = calloc(1, sizeof(*brint->routes));
	brint->routes[0].to = seed_prefix("10.99.1.0", 24);

	c->n_undefine = 1;
	c->undefine = malloc(sizeof(char *));
	c->undefine[0] = strdup("default");

	c->n_networks = 2;
	c->networks = calloc(2, sizeof(*c->networks));
	front = &c->networks[0];
	intern = &c->networks[1];
	front->name = strdup("ovs-front");
	strcpy(front->bridge, "br0");
	intern->name = strdup("intern-vlans");
	strcpy(intern->bridge, "brint");
	intern->n_portgroups = 15;
	intern->portgroups = g = calloc(15, sizeof(*g));
	seed_trunk(&g[0], "vlansadmin", 99, 99);
	hn_vlanset_add(&g[0].vlans, 250);
	seed_trunk(&g[1], "vlansext", 10, 10);
	hn_vlanset_add(&g[1].vlans, 20);
	seed_access(&g[2], "vlan10", 10);
	seed_access(&g[3], "vlan20", 20);
	seed_trunk(&g[4], "vlansint", 100, 109);
	for (unsigned v = 100; v <= 109; v++) {
		char name[8];

		snprintf(name, sizeof(name), "%u", v);
		seed_access(&g[5 + v - 100], name, v);
		g[5 + v - 100].from_access = true;
	}

	if (!with_verify)
		return;
	c->verify.has_isolation = true;
	strcpy(c->verify.isolation_bridge, "brint");
	for (unsigned v = 100; v <= 109; v++)
		hn_vlanset_add(&c->verify.isolation_vlans, v);
	hn_vlanset_add(&c->verify.isolation_vlans, 10);
	hn_vlanset_add(&c->verify.isolation_vlans, 20);
	hn_vlanset_add(&c->verify.isolation_vlans, 99);
	hn_vlanset_add(&c->verify.isolation_vlans, 250);
	c->verify.has_reach = true;
	c->verify.n_reach = 2;
	c->verify.reach = calloc(2, sizeof(*c->verify.reach));
	c->verify.reach[0].from_vlan = 99;
	inet_pton(AF_INET, "10.99.1.250", &c->verify.reach[0].to);
	c->verify.reach[0].expect_ok = true;
	c->verify.reach[1].from_vlan = 10;
	inet_pton(AF_INET, "10.99.1.250", &c->verify.reach[1].to);
	c->verify.reach[1].expect_ok = false;
}

#endif
