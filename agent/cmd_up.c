// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet up: converge the host to the config. Idempotent; safe to run at every boot. */
#include "change.h"
#include "commands.h"
#include "config.h"
#include "uplink.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const char up_usage[] =
    "Usage: hostnet [-c FILE] [--json] up [--dry-run] [--gateway-timeout MS]\n"
    "Converge the host to FILE. A failed change rolls back what this run did.\n"
    "  --dry-run             print the plan and change nothing (same as `hostnet plan`)\n"
    "  --gateway-timeout MS  how long the gateway has to answer ARP after the uplink\n"
    "                        moves before everything is rolled back (default 3000)\n"
    "Exit 0: converged, 1: failed (what was rolled back is said), 2: bad usage or config.\n";

int cmd_up(int argc, char **argv, struct hn_opts *opts)
{
	static const struct option longopts[] = {
	    {"dry-run", no_argument, NULL, 'n'},
	    {"gateway-timeout", required_argument, NULL, 'g'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct hn_config config = {0};
	int c, status, gateway_ms = HN_GATEWAY_TIMEOUT_MS;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:nh", longopts, NULL)) != -1) {
		if (c == 'n') {
			opts->dry_run = true;
		} else if (c == 'g') {
			if (hn_parse_ms("--gateway-timeout", optarg, &gateway_ms) < 0)
				return HN_EXIT_USAGE;
		} else if (c == 'h') {
			fputs(up_usage, stdout);
			return HN_EXIT_OK;
		} else {
			hn_bad_option("up", argv, c);
			return HN_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		hn_usage_error("up", "unexpected argument '%s'", argv[optind]);
		return HN_EXIT_USAGE;
	}
	if (opts->dry_run)
		return cmd_plan(1, (char *[]){"plan", NULL}, opts);
	if (hn_load_config_or_report(opts, &config) < 0)
		return HN_EXIT_USAGE;
	status = hn_change_host(opts, &config, "up", gateway_ms);
	hn_config_free(&config);
	return status;
}
