/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state checks as a monitoring user reads them: one line per object the config asks
 * for, with what was read of it ("port brint: expected internal, tag 99, found internal,
 * tag 10", "link br0: expected up, found up, mtu 1500").
 *
 * The objects and the values are the backends' own: their diffs record what they read of
 * every object the config asks for (struct hn_observation), as data, beside the actions.
 * Nothing is compared here: the diff is the single source of truth, and an object is
 * CRITICAL when an action of the diff names it. An action that names no object of the
 * config (something hostnet owns that the config dropped, the uplink NIC still holding the
 * bridge's address) is a CRITICAL line of its own.
 */
#ifndef HOSTNET_VERIFY_STATE_OBJECTS_H
#define HOSTNET_VERIFY_STATE_OBJECTS_H

#include "backend.h"
#include "checks.h"

/* One check per object plan's diff observed (OK, CRITICAL, or UNKNOWN when the read could
 * not tell), then one CRITICAL check per action that names none. -ENOMEM. */
int hn_verify_state_objects_report(const struct hn_plan *plan, struct hn_verify_checks *out);

#endif
