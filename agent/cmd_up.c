// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet up: converge the host to the config. Idempotent; safe to run at every boot. */
#include "change.h"
#include "commands.h"

static const char up_usage[] =
    "Usage: hostnet [-c FILE] [--json] up [--dry-run] [--gateway-timeout MS]\n"
    "                                      [--last-good PATH]\n"
    "Converge the host to FILE. A failed change rolls back what this run did.\n"
    "  --dry-run             print the plan and change nothing (same as `hostnet plan`)\n"
    "  --gateway-timeout MS  how long the gateway has to answer ARP after the uplink\n"
    "                        moves before everything is rolled back (default 3000)\n"
    "  --last-good PATH      keep FILE in PATH once the host's network converged; if\n"
    "                        FILE is invalid, converge PATH instead (still exit 2)\n"
    "Exit 0: converged, 1: failed (what was rolled back is said), 2: bad usage or config.\n";

int hn_cmd_up(int argc, char **argv, struct hn_opts *opts)
{
	return hn_change_command(argc, argv, opts, up_usage, false);
}
