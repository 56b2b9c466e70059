/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTNET_CHANGE_H
#define HOSTNET_CHANGE_H

#include "backend.h"

/* `up` and `down` (down: want->down): options, config, then the change under the host
 * lock, printing the plan and the outcome. argv[0] is the command's name. Returns the exit
 * status. */
int hn_change_command(int argc, char **argv, struct hn_opts *opts, const char *usage, bool down);

#endif
