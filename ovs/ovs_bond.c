// SPDX-License-Identifier: GPL-2.0-or-later
/* ovs-vswitchd's `bond/show` and `lacp/show`, parsed. */
#include "ovs_bond.h"
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "member eno1: enabled" (or "slave eno1: ..."): the name, and what follows the colon. */
static const char *member_line(const char *line, char *name, size_t len)
{
	const char *p, *colon;

	if (strncmp(line, "member ", 7) == 0)
		p = line + 7;
	else if (strncmp(line, "slave ", 6) == 0)
		p = line + 6;
	else
		return NULL;
	colon = strchr(p, ':');
	if (!colon || colon == p)
		return NULL;
	snprintf(name, len, "%.*s", (int)(colon - p), p);
	return colon + 1 + strspn(colon + 1, " ");
}

/* The line at *at into buf (cut to its size), *at moved past it; false at the end. */
static bool next_line(const char **at, char *buf, size_t len)
{
	const char *end;
	size_t n;

	if (!*at || !**at)
		return false;
	end = strchr(*at, '\n');
	n = end ? (size_t)(end - *at) : strlen(*at);
	snprintf(buf, len, "%.*s", (int)n, *at);
	*at = end ? end + 1 : NULL;
	return true;
}

int hn_ovs_bond_parse(const char *text, struct hn_bond_state *out)
{
	struct hn_bond_member *cur = NULL;
	const char *line = text;

	memset(out, 0, sizeof(*out));
	snprintf(out->lacp_status, sizeof(out->lacp_status), "off");
	char buf[256], name[64];

	while (next_line(&line, buf, sizeof(buf))) {
		const char *rest;

		if (strncmp(buf, "lacp_status: ", 13) == 0) {
			snprintf(out->lacp_status, sizeof(out->lacp_status), "%.31s", buf + 13);
		} else if ((rest = member_line(buf, name, sizeof(name)))) {
			cur = out->n_members < HN_BOND_MAX ? &out->members[out->n_members++] : NULL;
			if (cur) {
				snprintf(cur->name, sizeof(cur->name), "%.63s", name);
				cur->enabled = strcmp(rest, "enabled") == 0;
			}
		} else if (cur && (strcmp(buf, "  active member") == 0 ||
				   strcmp(buf, "  active slave") == 0)) {
			cur->active = true;
		}
	}
	if (!out->n_members)
		return hn_err(-EPROTO, "ovs-vswitchd's bond/show names no member");
	return 0;
}

void hn_ovs_lacp_parse(const char *text, struct hn_bond_state *out)
{
	const char *line = text;

	char buf[256], name[64];

	while (next_line(&line, buf, sizeof(buf))) {
		/* "member: eno1: current attached", indented or not. */
		const char *rest = buf + strspn(buf, " \t");

		if (strncmp(rest, "member: ", 8) == 0)
			rest += 8;
		else if (strncmp(rest, "slave: ", 7) == 0)
			rest += 7;
		else
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(rest, ":"), rest);
		rest += strcspn(rest, ":");
		rest += *rest ? 1 + strspn(rest + 1, " ") : 0;
		for (size_t i = 0; i < out->n_members; i++)
			if (strcmp(out->members[i].name, name) == 0)
				snprintf(out->members[i].lacp, sizeof(out->members[i].lacp),
					 "%.63s", rest);
	}
}
