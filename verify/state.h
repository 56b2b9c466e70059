/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * State checks: the host as the agent read and compared it (struct hn_verify_host), exactly
 * as `hostnet plan` does, turned into lines. Each object the config asks for is one check
 * showing the values its backend read, CRITICAL when an action of the diff names it, OK
 * otherwise; an action naming no object of the config is a CRITICAL check of its own
 * (state_objects.h). A layer that could not be read or compared gives an UNKNOWN check and
 * no object line, never a made-up OK.
 *
 * `--layers` limits the layers checked, and then one UNKNOWN check says which were not:
 * a partial verify is never OK. A layer the config does not configure (libvirt without a
 * `libvirt:` section) gives one OK line saying so, and its lines only when it answers.
 */
#ifndef HOSTNET_VERIFY_STATE_H
#define HOSTNET_VERIFY_STATE_H

#include "checks.h"
#include "verify.h"

int hn_verify_state_checks(const struct hn_opts *opts, const struct hn_verify_host *host,
			   struct hn_verify_checks *out);

#endif
