// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet down: remove what hostnet created; foreign objects are never touched. */
#include "change.h"
#include "commands.h"

static const char down_usage[] =
    "Usage: hostnet [-c FILE] [--json] down [--gateway-timeout MS]\n"
    "Remove every bridge, port, address, route and libvirt network hostnet owns, and give\n"
    "each uplink NIC of FILE its address and default route back.\n"
    "  --gateway-timeout MS  how long the gateway has to answer ARP from the NIC afterwards\n"
    "                        before everything is put back (default 3000)\n";

int hn_cmd_down(int argc, char **argv, struct hn_opts *opts)
{
	/* The config says which NIC each bridge took its address from; without it, down
	 * could remove br0 and leave the host with no address at all. */
	return hn_change_command(argc, argv, opts, down_usage, true);
}
