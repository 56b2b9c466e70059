// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet down: remove what hostnet created; foreign objects are never touched. */
#include "change.h"
#include "commands.h"
#include "config.h"
#include "uplink.h"

#include <getopt.h>
#include <stdio.h>

static const char down_usage[] =
    "Usage: hostnet [-c FILE] [--json] down [--gateway-timeout MS]\n"
    "Remove every bridge, port, address, route and libvirt network hostnet owns, and give\n"
    "each uplink NIC of FILE its address and default route back.\n"
    "  --gateway-timeout MS  how long the gateway has to answer ARP from the NIC afterwards\n"
    "                        before everything is put back (default 3000)\n";

int cmd_down(int argc, char **argv, struct hn_opts *opts)
{
	static const struct option longopts[] = {
	    {"gateway-timeout", required_argument, NULL, 'g'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct hn_config config = {0};
	int c, status, gateway_ms = HN_GATEWAY_TIMEOUT_MS;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == 'g') {
			if (hn_parse_ms("--gateway-timeout", optarg, &gateway_ms) < 0)
				return HN_EXIT_USAGE;
		} else if (c == 'h') {
			fputs(down_usage, stdout);
			return HN_EXIT_OK;
		} else {
			hn_bad_option("down", argv, c);
			return HN_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		hn_usage_error("down", "unexpected argument '%s'", argv[optind]);
		return HN_EXIT_USAGE;
	}
	/* The config says which NIC each bridge took its address from; without it, down
	 * could remove br0 and leave the host with no address at all. */
	if (hn_load_config_or_report(opts, &config) < 0)
		return HN_EXIT_USAGE;
	config.down = true;
	status = hn_change_host(opts, &config, "down", gateway_ms);
	hn_config_free(&config);
	return status;
}
