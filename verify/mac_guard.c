// SPDX-License-Identifier: GPL-2.0-or-later
#include "mac_guard.h"

#include <stdio.h>
#include <string.h>

/* The MAC of b's uplink NIC: the config's (filled by the agent), else as the kernel read it. */
static bool nic_mac(const struct hn_bridge *b, const struct hn_uplink_facts *f, struct hn_mac *m)
{
	if (b->has_uplink_mac) {
		memcpy(m->b, b->uplink_mac, sizeof(m->b));
		return true;
	}
	if (f && f->nic.has_mac) {
		memcpy(m->b, f->nic.mac, sizeof(m->b));
		return true;
	}
	return false;
}

static bool allowed(const struct hn_bridge *b, bool has_nic, const struct hn_mac *nic,
		    const struct hn_mac *m)
{
	if (has_nic && memcmp(nic->b, m->b, sizeof(m->b)) == 0)
		return true;
	for (size_t i = 0; i < b->n_uplink_macs; i++)
		if (memcmp(b->uplink_macs[i].b, m->b, sizeof(m->b)) == 0)
			return true;
	return false;
}

static int guard_one(const struct hn_bridge *b, const struct hn_uplink_facts *f,
		     const struct hn_verify_fdb *fdb, struct hn_verify_checks *out)
{
	char name[64], expected[160], found[1024] = "", mac[HN_MAC_STRLEN], nic_s[HN_MAC_STRLEN];
	struct hn_mac nic;
	bool has_nic = nic_mac(b, f, &nic);
	size_t used = 0, bad = 0, others = 0;

	snprintf(name, sizeof(name), "uplink %s macs", b->uplink);
	snprintf(expected, sizeof(expected), "from %s's other ports only %s%s%s", b->name,
		 has_nic ? hn_mac_format(&nic, nic_s) : "the NIC's MAC",
		 b->n_uplink_macs ? " and " : "", b->n_uplink_macs ? "uplink_macs" : "");
	if (!fdb || !fdb->read)
		return hn_verify_checks_add(
		    out, HN_VERIFY_CHECK_UNKNOWN, name, expected,
		    "the switch's MAC learning table of %s could not be read: %s", b->name,
		    fdb && fdb->err.msg[0] ? fdb->err.msg : "out of memory");
	for (size_t i = 0; i < fdb->learned.n; i++) {
		const struct hn_learned_mac *e = &fdb->learned.v[i];
		char port[80];

		if (strcmp(e->port, hn_bridge_uplink_port(b)) == 0)
			continue; /* heard from the provider's side */
		others++;
		if (allowed(b, has_nic, &nic, &e->mac))
			continue;
		if (e->port[0])
			snprintf(port, sizeof(port), "%s", e->port);
		else
			snprintf(port, sizeof(port), "OpenFlow port %u", e->ofport);
		bad++;
		if (used < sizeof(found))
			used += (size_t)snprintf(found + used, sizeof(found) - used,
						 "%s%s on port %s (VLAN %u)", bad > 1 ? ", " : "",
						 hn_mac_format(&e->mac, mac), port, e->vlan);
	}
	if (bad)
		return hn_verify_checks_add(
		    out, HN_VERIFY_CHECK_CRITICAL, name, expected,
		    "%s: would leave through %s, and the provider blocks the server's port for "
		    "a MAC it does not know (bridges.%s.uplink_macs lists the ones it registered)",
		    found, b->uplink, b->name);
	return hn_verify_checks_add(out, HN_VERIFY_CHECK_OK, name, expected,
				    "%zu MAC(s) learned on %s's other ports, none foreign", others,
				    b->name);
}

int hn_verify_mac_guard(const struct hn_config *want, const struct hn_verify_host *host,
			struct hn_verify_checks *out)
{
	for (size_t i = 0; i < want->n_bridges; i++) {
		const struct hn_bridge *b = &want->bridges[i];
		int r;

		if (!b->uplink[0])
			continue;
		r = guard_one(b, host->uplinks ? &host->uplinks[i] : NULL,
			      host->fdbs ? &host->fdbs[i] : NULL, out);
		if (r < 0)
			return r;
	}
	return 0;
}
