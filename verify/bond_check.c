// SPDX-License-Identifier: GPL-2.0-or-later
#include "bond_check.h"

#include <stdio.h>
#include <string.h>

static const struct hn_bond_member *member(const struct hn_bond_state *st, const char *name)
{
	for (size_t i = 0; i < st->n_members; i++)
		if (strcmp(st->members[i].name, name) == 0)
			return &st->members[i];
	return NULL;
}

/* "eno1 enabled (active), eno2 disabled, LACP negotiated" into found. */
static void describe(const struct hn_bridge *b, const struct hn_bond_state *st, char *found,
		     size_t len)
{
	size_t used = 0;

	for (size_t i = 0; i < b->n_bond && used < len; i++) {
		const struct hn_bond_member *m = member(st, b->bond[i]);

		used += (size_t)snprintf(
		    found + used, len - used, "%s%s %s%s%s%s%s", i ? ", " : "", b->bond[i],
		    !m		 ? "not in the bond"
		    : m->enabled ? "enabled"
				 : "disabled",
		    m && m->active ? " (active)" : "", m && m->lacp[0] ? " [LACP " : "",
		    m ? m->lacp : "", m && m->lacp[0] ? "]" : "");
	}
	if (b->lacp != HN_LACP_OFF && used < len)
		snprintf(found + used, len - used, ", LACP %s", st->lacp_status);
}

static int check_one(const struct hn_bridge *b, const struct hn_verify_bond *vb,
		     struct hn_verify_checks *out)
{
	enum hn_verify_check_status status = HN_VERIFY_CHECK_OK;
	char name[64], expected[160], found[1024];
	size_t enabled = 0;

	snprintf(name, sizeof(name), "uplink bond %s", b->bond_port);
	snprintf(expected, sizeof(expected), "%zu members enabled%s", b->n_bond,
		 b->lacp != HN_LACP_OFF ? ", LACP negotiated" : "");
	if (!vb || !vb->read)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_UNKNOWN, name, expected,
					    "ovs-vswitchd's bond/show %s could not be read: %s",
					    b->bond_port,
					    vb && vb->err.msg[0] ? vb->err.msg : "out of memory");
	for (size_t i = 0; i < b->n_bond; i++) {
		const struct hn_bond_member *m = member(&vb->state, b->bond[i]);

		enabled += m && m->enabled;
	}
	if (enabled < b->n_bond ||
	    (b->lacp != HN_LACP_OFF && strcmp(vb->state.lacp_status, "negotiated") != 0))
		status = HN_VERIFY_CHECK_WARNING;
	if (enabled == 0)
		status = HN_VERIFY_CHECK_CRITICAL;
	describe(b, &vb->state, found, sizeof(found));
	return hn_verify_checks_add(out, status, name, expected, "%s%s", found,
				    status == HN_VERIFY_CHECK_CRITICAL
					? ": no member carries the uplink, the host is cut off"
				    : status == HN_VERIFY_CHECK_WARNING
					? ": the host is reachable through the others, without "
					  "redundancy"
					: "");
}

int hn_verify_bonds(const struct hn_config *want, const struct hn_verify_host *host,
		    struct hn_verify_checks *out)
{
	for (size_t i = 0; i < want->n_bridges; i++) {
		int r;

		if (!want->bridges[i].n_bond)
			continue;
		r = check_one(&want->bridges[i], host->bonds ? &host->bonds[i] : NULL, out);
		if (r < 0)
			return r;
	}
	return 0;
}
