/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state checks as a monitoring user reads them: one line per object the config asks
 * for ("port brint: tag 99", "route 10.99.1.0/24 dev brint", "network default: absent").
 *
 * The objects are derived from the config alone, each named exactly as its backend names
 * the object in its actions (ovs/ovs_diff.c, netlink/nl_diff.c, virt/virt_backend.c). What
 * differs is never compared here: the backend's diff is the single source of truth, and an
 * object is CRITICAL when an action of the diff names it. An action that names no object
 * of the config (something hostnet owns that the config dropped, the uplink NIC still
 * holding the bridge's address) is a CRITICAL line of its own.
 */
#ifndef HOSTNET_VERIFY_STATE_OBJECTS_H
#define HOSTNET_VERIFY_STATE_OBJECTS_H

#include "backend.h"
#include "checks.h"

struct hn_state_object {
	char name[128];	    /* the backend's object string: "port trunk0 on brint" */
	char expected[256]; /* "system, trunks 10,20" */
	/* A route the kernel adds by itself with an address of the same prefix: the netlink
	 * diff plans no route while it plans that address, so while the address is missing
	 * the route's own state is not known. Index + 1 of the address object, 0 none. */
	size_t comes_with;
	char *found;  /* what the actions naming it say, "; "-joined; NULL: none did */
	bool missing; /* an action creates it */
};

struct hn_state_objects {
	struct hn_state_object *v;
	size_t n, cap;
};

/* The objects of one layer the config asks for, appended to out. Call it once the uplink
 * facts are in want (hn_uplink_resolve), as the diff is. -ENOMEM. */
int hn_state_objects_derive(const struct hn_config *want, enum hn_layer layer,
			    struct hn_state_objects *out);

/* One check per object (OK, or CRITICAL with what the actions naming it say), then one
 * CRITICAL check per action that names none. */
int hn_state_objects_report(struct hn_state_objects *objs, const struct hn_plan *plan,
			    struct hn_checks *out);

void hn_state_objects_free(struct hn_state_objects *objs);

#endif
