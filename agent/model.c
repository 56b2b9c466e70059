// SPDX-License-Identifier: GPL-2.0-or-later
#include "model.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hn_vlanset_add(struct hn_vlanset *s, unsigned vlan)
{
	if (vlan < 4096)
		s->bits[vlan / 64] |= UINT64_C(1) << (vlan % 64);
}

bool hn_vlanset_has(const struct hn_vlanset *s, unsigned vlan)
{
	return vlan < 4096 && (s->bits[vlan / 64] >> (vlan % 64)) & 1;
}

bool hn_vlanset_equal(const struct hn_vlanset *a, const struct hn_vlanset *b)
{
	return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

bool hn_vlanset_empty(const struct hn_vlanset *s)
{
	return hn_vlanset_next(s, 0) == 0 && !hn_vlanset_has(s, 0);
}

unsigned hn_vlanset_count(const struct hn_vlanset *s)
{
	unsigned n = 0;

	for (size_t i = 0; i < 64; i++)
		n += (unsigned)__builtin_popcountll(s->bits[i]);
	return n;
}

unsigned hn_vlanset_next(const struct hn_vlanset *s, unsigned from)
{
	if (from == 0)
		from = 1;
	while (from < 4096) {
		uint64_t word = s->bits[from / 64] >> (from % 64);

		if (word)
			return from + (unsigned)__builtin_ctzll(word);
		from = (from / 64 + 1) * 64;
	}
	return 0;
}

char *hn_vlanset_format(const struct hn_vlanset *s, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned v = hn_vlanset_next(s, 1); v && used < len; v = hn_vlanset_next(s, v + 1)) {
		unsigned last = v;

		while (hn_vlanset_has(s, last + 1))
			last++;
		int n = last > v
			    ? snprintf(buf + used, len - used, "%s%u-%u", used ? "," : "", v, last)
			    : snprintf(buf + used, len - used, "%s%u", used ? "," : "", v);
		if (n < 0)
			break;
		used += (size_t)n;
		v = last;
	}
	return buf;
}

char *hn_prefix_format(const struct hn_prefix *p, char *buf)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->addr, a, sizeof(a));
	snprintf(buf, HN_PREFIX_STRLEN, "%s/%u", a, p->len);
	return buf;
}

char *hn_prefix6_format(const struct hn_prefix6 *p, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &p->addr, a, sizeof(a));
	snprintf(buf, HN_PREFIX6_STRLEN, "%s/%u", a, p->len);
	return buf;
}

uint32_t hn_prefix_mask(unsigned len)
{
	return len ? htonl(~UINT32_C(0) << (32 - len)) : 0;
}

bool hn_prefix_contains(const struct hn_prefix *p, struct in_addr a)
{
	return (p->addr.s_addr & hn_prefix_mask(p->len)) == (a.s_addr & hn_prefix_mask(p->len));
}

char *hn_mac_format(const struct hn_mac *m, char *buf)
{
	snprintf(buf, HN_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1], m->b[2],
		 m->b[3], m->b[4], m->b[5]);
	return buf;
}

const char *hn_encap_name(enum hn_encap e)
{
	return e == HN_ENCAP_VXLAN ? "vxlan" : "geneve";
}

const char *hn_datapath_name(enum hn_datapath d)
{
	switch (d) {
	case HN_DATAPATH_SYSTEM:
		return "system";
	case HN_DATAPATH_NETDEV:
		return "netdev";
	case HN_DATAPATH_AUTO:
		break;
	}
	return "auto";
}

const char *hn_bond_mode_name(enum hn_bond_mode m)
{
	switch (m) {
	case HN_BOND_BALANCE_SLB:
		return "balance-slb";
	case HN_BOND_BALANCE_TCP:
		return "balance-tcp";
	case HN_BOND_ACTIVE_BACKUP:
		break;
	}
	return "active-backup";
}

const char *hn_lacp_name(enum hn_lacp l)
{
	switch (l) {
	case HN_LACP_ACTIVE:
		return "active";
	case HN_LACP_PASSIVE:
		return "passive";
	case HN_LACP_OFF:
		break;
	}
	return "off";
}

const struct hn_bridge *hn_config_bridge(const struct hn_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_bridges; i++)
		if (strcmp(c->bridges[i].name, name) == 0)
			return &c->bridges[i];
	return NULL;
}

const struct hn_network *hn_config_network(const struct hn_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_networks; i++)
		if (strcmp(c->networks[i].name, name) == 0)
			return &c->networks[i];
	return NULL;
}

bool hn_port_arp_hygiene(const struct hn_port *p)
{
	return p->type == HN_PORT_INTERNAL && !p->arp_hygiene_off;
}

void *hn_array_add(void *v, size_t *n, size_t size)
{
	void **vp = v;
	char *grown = realloc(*vp, (*n + 1) * size);

	if (!grown)
		return NULL;
	*vp = grown;
	memset(grown + *n * size, 0, size);
	return grown + (*n)++ * size;
}

void hn_config_free(struct hn_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_bridges; i++) {
		free(c->bridges[i].addresses);
		free(c->bridges[i].routes);
		free(c->bridges[i].addresses6);
		free(c->bridges[i].routes6);
		for (size_t k = 0; k < c->bridges[i].n_ports; k++) {
			free(c->bridges[i].ports[k].addresses);
			free(c->bridges[i].ports[k].routes);
			free(c->bridges[i].ports[k].addresses6);
			free(c->bridges[i].ports[k].routes6);
		}
		free(c->bridges[i].ports);
		free(c->bridges[i].uplink_macs);
	}
	free(c->bridges);
	for (size_t i = 0; i < c->n_networks; i++) {
		for (size_t j = 0; j < c->networks[i].n_portgroups; j++)
			free(c->networks[i].portgroups[j].name);
		free(c->networks[i].portgroups);
		free(c->networks[i].name);
	}
	free(c->networks);
	for (size_t i = 0; i < c->n_undefine; i++)
		free(c->undefine[i]);
	free(c->undefine);
	free(c->verify.reach);
	for (size_t i = 0; i < c->ovn.n_mappings; i++)
		free(c->ovn.mappings[i].physnet);
	free(c->ovn.mappings);
	for (size_t i = 0; i < c->ovn.n_networks; i++) {
		free(c->ovn.networks[i].name);
		free(c->ovn.networks[i].physnet);
	}
	free(c->ovn.networks);
	free(c->ovn.remote);
	free(c->ovn.northbound);
	free(c->path);
	memset(c, 0, sizeof(*c));
}
