/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTNET_VERIFY_H
#define HOSTNET_VERIFY_H

#include "backend.h"

/* Returns the monitoring-plugins status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
int hn_verify_run(const struct hn_opts *opts, const struct hn_config *want, bool probes);

#endif
