/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTNET_CHANGE_H
#define HOSTNET_CHANGE_H

#include "backend.h"

/* Converge the host to want (want->down: remove what hostnet owns) under the host lock,
 * printing the plan and the outcome. Returns the exit status of `up` / `down`;
 * *host_converged (if given) says whether the host's own network (OVS and kernel) now
 * matches want, whatever came of libvirt's networks. */
int hn_change_host(const struct hn_opts *opts, struct hn_config *want, const char *command,
		   int gateway_timeout_ms, bool *host_converged);

/* `up` and `down` (down: want->down): options, config, then hn_change_host. argv[0] is the
 * command's name. Returns the exit status. */
int hn_change_command(int argc, char **argv, struct hn_opts *opts, const char *usage, bool down);

#endif
