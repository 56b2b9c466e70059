/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State checks through the backends' read side: each backend reads the host and diffs it
 * against the config, exactly as `hostnet plan` does. A layer with nothing to change is one
 * OK check; every change it would make is one CRITICAL check naming the object. A backend
 * that cannot read the host gives an UNKNOWN check, never a made-up OK.
 *
 * HOSTNET_LAYERS (for tests, as the agent reads it) limits the layers checked.
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
