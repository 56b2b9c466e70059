// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe_plan.h"
#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool bridge_has_vlans(const struct hn_config *c, const struct hn_bridge *b)
{
	if (b->tag)
		return true;
	for (size_t i = 0; i < b->n_ports; i++)
		if (b->ports[i].tag || b->ports[i].has_trunks)
			return true;
	for (size_t i = 0; i < c->n_networks; i++)
		if (strcmp(c->networks[i].bridge, b->name) == 0 && c->networks[i].n_portgroups)
			return true;
	return false;
}

/* Every VLAN the config uses on bridge b. */
static void bridge_vlans(const struct hn_config *c, const struct hn_bridge *b,
			 struct hn_vlanset *out)
{
	if (b->tag)
		hn_vlanset_add(out, b->tag);
	for (size_t i = 0; i < b->n_ports; i++) {
		const struct hn_port *p = &b->ports[i];

		if (p->tag)
			hn_vlanset_add(out, p->tag);
		hn_vlanset_foreach (v, &p->trunks)
			hn_vlanset_add(out, v);
	}
	for (size_t i = 0; i < c->n_networks; i++) {
		const struct hn_network *n = &c->networks[i];

		if (strcmp(n->bridge, b->name))
			continue;
		for (size_t j = 0; j < n->n_portgroups; j++) {
			const struct hn_portgroup *g = &n->portgroups[j];

			if (g->trunk)
				hn_vlanset_foreach (v, &g->vlans)
					hn_vlanset_add(out, v);
			else if (g->tag)
				hn_vlanset_add(out, g->tag);
		}
	}
}

/*
 * The VLANs whose guests the config puts on an access port of bridge b: those get access
 * probes, which see the switch as those guests do. IPv6 reach entries need one too (NDP is
 * sent untagged).
 */
static void access_vlans(const struct hn_config *c, const struct hn_bridge *b,
			 struct hn_vlanset *out)
{
	if (b->tag)
		hn_vlanset_add(out, b->tag);
	for (size_t i = 0; i < b->n_ports; i++)
		if (b->ports[i].tag)
			hn_vlanset_add(out, b->ports[i].tag);
	for (size_t i = 0; i < c->n_networks; i++) {
		const struct hn_network *n = &c->networks[i];

		if (strcmp(n->bridge, b->name))
			continue;
		for (size_t j = 0; j < n->n_portgroups; j++)
			if (!n->portgroups[j].trunk && n->portgroups[j].tag)
				hn_vlanset_add(out, n->portgroups[j].tag);
	}
	for (size_t i = 0; c->verify.has_reach && i < c->verify.n_reach; i++)
		if (c->verify.reach[i].to_v6)
			hn_vlanset_add(out, c->verify.reach[i].from_vlan);
}

static void vlanset_union(struct hn_vlanset *into, const struct hn_vlanset *from)
{
	for (size_t i = 0; i < 64; i++)
		into->bits[i] |= from->bits[i];
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? 2 * *cap : 16;
	void *nv = realloc(*v, ncap * size);

	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* One trunk probe per distinct set; a set used twice is one probe naming both users. */
static int add_trunk(struct hn_verify_probe_spec **probes, size_t *n, size_t *cap,
		     const struct hn_vlanset *set, const char *name)
{
	for (size_t i = 0; i < *n; i++) {
		struct hn_verify_probe_spec *s = &(*probes)[i];
		size_t used = strlen(s->names);

		if (s->kind != HN_VERIFY_PROBE_TRUNK || !hn_vlanset_equal(&s->trunks, set))
			continue;
		snprintf(s->names + used, sizeof(s->names) - used, ",%s", name);
		return 0;
	}
	if (grow((void **)probes, cap, *n, sizeof(**probes)) < 0)
		return -ENOMEM;
	struct hn_verify_probe_spec *s = &(*probes)[(*n)++];

	memset(s, 0, sizeof(*s));
	s->kind = HN_VERIFY_PROBE_TRUNK;
	s->trunks = *set;
	snprintf(s->names, sizeof(s->names), "%s", name);
	return 0;
}

static int collect_trunks(const struct hn_config *c, const struct hn_bridge *b,
			  struct hn_verify_probe_spec **trunks, size_t *n, size_t *cap)
{
	for (size_t i = 0; i < c->n_networks; i++) {
		const struct hn_network *net = &c->networks[i];

		if (strcmp(net->bridge, b->name))
			continue;
		for (size_t j = 0; j < net->n_portgroups; j++)
			if (net->portgroups[j].trunk &&
			    add_trunk(trunks, n, cap, &net->portgroups[j].vlans,
				      net->portgroups[j].name) < 0)
				return -ENOMEM;
	}
	for (size_t i = 0; i < b->n_ports; i++)
		if (b->ports[i].has_trunks &&
		    add_trunk(trunks, n, cap, &b->ports[i].trunks, b->ports[i].name) < 0)
			return -ENOMEM;
	return 0;
}

/* The longest prefix the config gives that holds `to`: a bridge address wider than a
 * point-to-point /31, or a route without a gateway (on a link: the subnet is there). */
static bool find_subnet(const struct hn_config *c, struct in_addr to, struct hn_prefix *out)
{
	bool found = false;

	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];

		for (size_t j = 0; j < b->n_addresses; j++) {
			const struct hn_prefix *p = &b->addresses[j];

			if (p->len > 0 && p->len < 31 && hn_prefix_contains(p, to) &&
			    (!found || p->len > out->len)) {
				*out = *p;
				found = true;
			}
		}
		for (size_t j = 0; j < b->n_routes; j++) {
			const struct hn_prefix *p = &b->routes[j].to;

			if (!b->routes[j].has_via && p->len < 31 && p->len > 0 &&
			    hn_prefix_contains(p, to) && (!found || p->len > out->len)) {
				*out = *p;
				found = true;
			}
		}
	}
	if (found)
		out->addr.s_addr &= hn_prefix_mask(out->len);
	return found;
}

static bool config_uses_address(const struct hn_config *c, uint32_t a)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *b = &c->bridges[i];

		for (size_t j = 0; j < b->n_addresses; j++)
			if (ntohl(b->addresses[j].addr.s_addr) == a)
				return true;
		if (b->has_gateway && ntohl(b->gateway.s_addr) == a)
			return true;
		for (size_t j = 0; j < b->n_routes; j++)
			if (b->routes[j].has_via && ntohl(b->routes[j].via.s_addr) == a)
				return true;
	}
	return false;
}

static bool taken_by_plan(const struct hn_verify_probe_plan *p, size_t upto, uint32_t a)
{
	for (size_t i = 0; i < upto; i++) {
		const struct hn_verify_reach_spec *r = &p->reach[i];

		if (ntohl(r->to.s_addr) == a)
			return true;
		for (unsigned k = 0; k < r->n_cand; k++)
			if (ntohl(r->cand[k].s_addr) == a)
				return true;
	}
	return false;
}

/*
 * Candidates from the top of the subnet down (the top is where people seldom put hosts
 * by hand, and DHCP pools usually start low), skipping the target, every address the config
 * names and every candidate of an earlier entry, so no two entries share an address.
 */
static void pick_candidates(const struct hn_config *c, struct hn_verify_probe_plan *p, size_t i)
{
	struct hn_verify_reach_spec *r = &p->reach[i];
	uint32_t net = ntohl(r->subnet.addr.s_addr);
	uint32_t size = r->subnet.len >= 31 ? 0 : UINT32_C(1) << (32 - r->subnet.len);
	uint32_t target = ntohl(r->to.s_addr);

	r->n_cand = 0;
	/* size - 1 is the broadcast address, 0 the network. */
	for (uint32_t off = size ? size - 2 : 0; off >= 1 && r->n_cand < HN_VERIFY_REACH_CANDIDATES;
	     off--) {
		uint32_t a = net + off;

		if (a == target || config_uses_address(c, a) || taken_by_plan(p, i, a))
			continue;
		r->cand[r->n_cand++].s_addr = htonl(a);
	}
}

static int add_reach(struct hn_verify_probe_plan *p, size_t *cap, unsigned from, struct in_addr to,
		     bool expect_ok, bool derived)
{
	struct hn_verify_reach_spec *r;

	if (grow((void **)&p->reach, cap, p->n_reach, sizeof(*p->reach)) < 0)
		return -ENOMEM;
	r = &p->reach[p->n_reach++];
	memset(r, 0, sizeof(*r));
	r->from_vlan = from;
	r->to = to;
	r->expect_ok = expect_ok;
	r->derived = derived;
	return 0;
}

static int add_reach6(struct hn_verify_probe_plan *p, size_t *cap, unsigned from,
		      const struct in6_addr *to, bool expect_ok, bool derived)
{
	int r = add_reach(p, cap, from, (struct in_addr){0}, expect_ok, derived);

	if (r == 0) {
		p->reach[p->n_reach - 1].v6 = true;
		p->reach[p->n_reach - 1].to6 = *to;
	}
	return r;
}

/* The ARP proof of one interface's addresses: own is the VLAN that must answer, 0 none. */
static int add_arp(struct hn_verify_probe_plan *p, size_t *cap, const struct hn_prefix *addrs,
		   size_t n, unsigned own)
{
	for (size_t i = 0; i < n; i++) {
		hn_vlanset_foreach (v, &p->vlans) {
			struct hn_verify_reach_spec *r;

			if (add_reach(p, cap, v, addrs[i].addr, own == v, true) < 0)
				return -ENOMEM;
			r = &p->reach[p->n_reach - 1];
			r->arp = true;
			r->n_cand = 1; /* 0.0.0.0 */
		}
	}
	return 0;
}

static int build_arp(const struct hn_config *c, const struct hn_bridge *b,
		     struct hn_verify_probe_plan *p, size_t *cap)
{
	for (size_t i = 0; i < c->n_bridges; i++) {
		const struct hn_bridge *x = &c->bridges[i];
		bool here = x == b;

		if ((!here || x->tag) &&
		    add_arp(p, cap, x->addresses, x->n_addresses, here ? x->tag : 0) < 0)
			return -ENOMEM;
		for (size_t k = 0; k < x->n_ports; k++) {
			const struct hn_port *port = &x->ports[k];

			if (here && !port->tag)
				continue;
			if (add_arp(p, cap, port->addresses, port->n_addresses,
				    here ? port->tag : 0) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int build_reach(const struct hn_config *c, const struct hn_bridge *b,
		       struct hn_verify_probe_plan *p)
{
	size_t cap = 0;

	if (c->verify.has_reach) {
		for (size_t i = 0; i < c->verify.n_reach; i++) {
			const struct hn_reach *e = &c->verify.reach[i];

			if (e->to_v6
				? add_reach6(p, &cap, e->from_vlan, &e->to6, e->expect_ok, false) <
				      0
				: add_reach(p, &cap, e->from_vlan, e->to, e->expect_ok, false) < 0)
				return -ENOMEM;
		}
	} else if (b->tag) {
		for (size_t j = 0; j < b->n_addresses; j++) {
			struct in_addr to = b->addresses[j].addr;

			if (add_reach(p, &cap, b->tag, to, true, true) < 0)
				return -ENOMEM;
			hn_vlanset_foreach (v, &p->vlans) {
				if (v != b->tag && add_reach(p, &cap, v, to, false, true) < 0)
					return -ENOMEM;
			}
		}
	}
	for (size_t j = 0; !c->verify.has_reach && b->tag && j < b->n_addresses6; j++) {
		const struct in6_addr *to = &b->addresses6[j].addr;

		if (add_reach6(p, &cap, b->tag, to, true, true) < 0)
			return -ENOMEM;
		/* From the VLANs with access probes: NDP is sent untagged. */
		hn_vlanset_foreach (v, &p->vlans) {
			if (v != b->tag && !hn_vlanset_has(&p->matrix_vlans, v) &&
			    add_reach6(p, &cap, v, to, false, true) < 0)
				return -ENOMEM;
		}
	}
	for (size_t i = 0; i < p->n_reach; i++) {
		struct hn_verify_reach_spec *r = &p->reach[i];

		if (r->v6)
			continue;
		if (!find_subnet(c, r->to, &r->subnet)) {
			r->subnet.addr.s_addr = r->to.s_addr & htonl(0xffffff00);
			r->subnet.len = 24;
			r->subnet_guessed = true;
		}
		pick_candidates(c, p, i);
	}
	return build_arp(c, b, p, &cap);
}

static const struct hn_bridge *probed_bridge(const struct hn_config *c)
{
	if (c->verify.has_isolation)
		return hn_config_bridge(c, c->verify.isolation_bridge);
	for (size_t i = 0; i < c->n_bridges; i++)
		if (!c->bridges[i].uplink[0] && bridge_has_vlans(c, &c->bridges[i]))
			return &c->bridges[i];
	return NULL;
}

int hn_verify_probe_plan_build(const struct hn_config *c, struct hn_verify_probe_plan *out)
{
	const struct hn_bridge *b = probed_bridge(c);
	_cleanup_free_ struct hn_verify_probe_spec *trunks = NULL;
	size_t n_trunks = 0, cap_trunks = 0, cap_em = 0, n_matrix;
	struct hn_vlanset access = {0};
	unsigned n_vlans, n_access;
	int r = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (!b) {
		if (c->verify.has_isolation)
			return hn_err(-EINVAL,
				      "verify.isolation.bridge %s is not a bridge of the "
				      "config",
				      c->verify.isolation_bridge);
		return 0;
	}
	if (b->uplink[0])
		return hn_err(-EINVAL,
			      "bridge %s carries the uplink %s: verify never probes it (only ARP "
			      "to the gateway goes out of an uplink)",
			      b->name, b->uplink);
	snprintf(out->bridge, sizeof(out->bridge), "%s", b->name);

	if (c->verify.has_isolation)
		out->vlans = c->verify.isolation_vlans;
	else
		bridge_vlans(c, b, &out->vlans);
	if (collect_trunks(c, b, &trunks, &n_trunks, &cap_trunks) < 0)
		goto fail;
	for (size_t i = 0; i < n_trunks; i++)
		vlanset_union(&out->vlans, &trunks[i].trunks);
	if (c->verify.has_reach)
		for (size_t i = 0; i < c->verify.n_reach; i++)
			hn_vlanset_add(&out->vlans, c->verify.reach[i].from_vlan);
	else if (b->tag && b->n_addresses)
		hn_vlanset_add(&out->vlans, b->tag); /* the default reach list starts there */

	access_vlans(c, b, &access);
	for (size_t i = 0; i < 64; i++)
		out->matrix_vlans.bits[i] = out->vlans.bits[i] & ~access.bits[i];
	n_vlans = hn_vlanset_count(&out->vlans);
	n_access = n_vlans - hn_vlanset_count(&out->matrix_vlans);
	n_matrix = hn_vlanset_empty(&out->matrix_vlans) ? 0 : 2;
	out->n_probes = 2 * (size_t)n_access + n_matrix + n_trunks;
	if (out->n_probes > HN_VERIFY_PROBE_MAX) {
		r = hn_err(-EINVAL,
			   "bridge %s: %u VLANs with access ports and %zu trunk sets need %zu "
			   "probes, more than the %d one run may attach; narrow "
			   "verify.isolation.vlans",
			   b->name, n_access, n_trunks, out->n_probes, HN_VERIFY_PROBE_MAX);
		goto fail;
	}
	out->probes = calloc(out->n_probes ? out->n_probes : 1, sizeof(*out->probes));
	if (!out->probes)
		goto fail;
	size_t k = 0;

	hn_vlanset_foreach (v, &out->vlans) {
		if (hn_vlanset_has(&out->matrix_vlans, v))
			continue;
		for (char side = 'a'; side <= 'b'; side++, k++) {
			out->probes[k].kind = HN_VERIFY_PROBE_ACCESS;
			out->probes[k].vlan = v;
			out->probes[k].side = side;
		}
	}
	for (char side = 'a'; n_matrix && side <= 'b'; side++, k++) {
		out->probes[k].kind = HN_VERIFY_PROBE_TRUNK;
		out->probes[k].matrix = true;
		out->probes[k].side = side;
		out->probes[k].trunks = out->matrix_vlans;
	}
	if (n_trunks) /* trunks is NULL when the config has no trunk at all */
		memcpy(out->probes + k, trunks, n_trunks * sizeof(*trunks));

	for (size_t i = 0; i < out->n_probes; i++) {
		const struct hn_verify_probe_spec *s = &out->probes[i];
		struct hn_verify_emission e = {.probe = (unsigned)i};

		if (s->kind == HN_VERIFY_PROBE_ACCESS) {
			e.vlan = s->vlan;
			e.admitted = true;
			if (grow((void **)&out->emissions, &cap_em, out->n_emissions, sizeof(e)) <
			    0)
				goto fail;
			out->emissions[out->n_emissions++] = e;
			continue;
		}
		/* A matrix trunk: one frame tagged with each VLAN it carries. Its port is the
		 * run's own, so what it would admit outside its set says nothing of the config. */
		if (s->matrix) {
			hn_vlanset_foreach (v, &s->trunks) {
				e.vlan = v;
				e.tagged = e.admitted = true;
				if (grow((void **)&out->emissions, &cap_em, out->n_emissions,
					 sizeof(e)) < 0)
					goto fail;
				out->emissions[out->n_emissions++] = e;
			}
			continue;
		}
		/* Tagged with each VLAN of the set (carried), then with each other VLAN of
		 * the matrix (to be dropped: a trunk admits its set only). */
		for (int pass = 0; pass < 2; pass++) {
			hn_vlanset_foreach (v, &out->vlans) {
				bool in = hn_vlanset_has(&s->trunks, v);

				if (in != (pass == 0))
					continue;
				e.vlan = v;
				e.tagged = true;
				e.admitted = in;
				if (grow((void **)&out->emissions, &cap_em, out->n_emissions,
					 sizeof(e)) < 0)
					goto fail;
				out->emissions[out->n_emissions++] = e;
			}
		}
	}
	if (build_reach(c, b, out) < 0)
		goto fail;
	for (size_t i = 0; i < out->n_reach; i++) {
		/* Every `from` joined the matrix above, so its probe exists. */
		int a = hn_verify_probe_plan_side(out, out->reach[i].from_vlan, 'a');

		out->reach[i].probe = a < 0 ? 0 : (unsigned)a;
		if (a < 0)
			out->reach[i].n_cand = 0;
		else if (out->probes[a].kind == HN_VERIFY_PROBE_TRUNK)
			out->reach[i].tag = out->reach[i].from_vlan;
	}
	return 0;
fail:
	if (r == -ENOMEM)
		hn_err(r, "out of memory planning the probes");
	hn_verify_probe_plan_free(out);
	return r;
}

void hn_verify_probe_plan_free(struct hn_verify_probe_plan *p)
{
	free(p->probes);
	free(p->emissions);
	free(p->reach);
	memset(p, 0, sizeof(*p));
}

int hn_verify_probe_plan_access(const struct hn_verify_probe_plan *p, unsigned vlan, char side)
{
	for (size_t i = 0; i < p->n_probes; i++)
		if (p->probes[i].kind == HN_VERIFY_PROBE_ACCESS && p->probes[i].vlan == vlan &&
		    p->probes[i].side == side)
			return (int)i;
	return -1;
}

int hn_verify_probe_plan_matrix(const struct hn_verify_probe_plan *p, char side)
{
	for (size_t i = 0; i < p->n_probes; i++)
		if (p->probes[i].kind == HN_VERIFY_PROBE_TRUNK && p->probes[i].matrix &&
		    p->probes[i].side == side)
			return (int)i;
	return -1;
}

int hn_verify_probe_plan_side(const struct hn_verify_probe_plan *p, unsigned vlan, char side)
{
	if (hn_vlanset_has(&p->matrix_vlans, vlan))
		return hn_verify_probe_plan_matrix(p, side);
	return hn_verify_probe_plan_access(p, vlan, side);
}

bool hn_verify_probe_carries(const struct hn_verify_probe_spec *r, unsigned vlan)
{
	return r->kind == HN_VERIFY_PROBE_ACCESS ? r->vlan == vlan
						 : hn_vlanset_has(&r->trunks, vlan);
}

char *hn_verify_probe_label(const struct hn_verify_probe_spec *s, char *buf, size_t len)
{
	if (s->kind == HN_VERIFY_PROBE_ACCESS)
		snprintf(buf, len, "vlan %u %c", s->vlan, s->side);
	else if (s->matrix)
		snprintf(buf, len, "matrix trunk %c", s->side);
	else
		snprintf(buf, len, "trunk %s", s->names);
	return buf;
}
