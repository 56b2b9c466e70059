/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTNET_VERIFY_H
#define HOSTNET_VERIFY_H

#include "backend.h"

/*
 * Check the live host against want and, with probes, probe it; print the report. Returns the
 * monitoring-plugins status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. want is completed with
 * what the config leaves to the live host (the uplink's MAC, address and gateway), as `plan`
 * and `up` complete it. Holds the host lock of `up` and `down` for the run; when another
 * run keeps it past opts->timeout_ms, nothing is checked and the report is UNKNOWN.
 * With textfile, the report is also written there for Prometheus (textfile.h); when that
 * fails, a check "textfile" says why and the status is UNKNOWN.
 */
int hn_verify_run(const struct hn_opts *opts, struct hn_config *want, bool probes,
		  const char *textfile);

#endif
