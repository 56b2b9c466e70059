/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State checks through the backends' read side: each backend reads the host and diffs it
 * against the config, exactly as `hostnet plan` does. Each object the config asks for is one
 * check, CRITICAL when an action of the diff names it, OK otherwise; an action naming no
 * object of the config is a CRITICAL check of its own (state_objects.h). A backend that
 * cannot read or compare the host gives an UNKNOWN check and no object line, never a
 * made-up OK.
 *
 * `--layers` limits the layers checked, and then one UNKNOWN check says which were not:
 * a partial verify is never OK. A layer the config does not configure (libvirt without a
 * `libvirt:` section) gives one OK line saying so, and its lines only when it answers.
 */
#ifndef HOSTNET_VERIFY_STATE_H
#define HOSTNET_VERIFY_STATE_H

#include "backend.h"
#include "checks.h"

/* want gets the uplink facts the config leaves to the live host (as `plan` and `up` do). */
int hn_state_checks(const struct hn_opts *opts, struct hn_config *want, struct hn_checks *out);
/* The checks of one backend: open, read, diff against want, close. */
int hn_state_check_backend(const struct hn_backend *b, const struct hn_opts *opts,
			   const struct hn_config *want, struct hn_checks *out);

#endif
