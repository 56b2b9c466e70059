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

/* Shared with down: parse a positive number of milliseconds, or say what is wrong. */
int hn_parse_ms(const char *option, const char *arg, int *out)
{
	char *end;
	long ms = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || ms < 1 || ms > 3600000) {
		fprintf(stderr,
			"hostnet: %s: '%s' is not a number of milliseconds from 1 to "
			"3600000\n",
			option, arg);
		return -1;
	}
	*out = (int)ms;
	return 0;
}

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

	while ((c = getopt_long(argc, argv, "+nh", longopts, NULL)) != -1) {
		if (c == 'n') {
			opts->dry_run = true;
		} else if (c == 'g') {
			if (hn_parse_ms("--gateway-timeout", optarg, &gateway_ms) < 0)
				return HN_EXIT_USAGE;
		} else if (c == 'h') {
			fputs(up_usage, stdout);
			return HN_EXIT_OK;
		} else {
			fputs(up_usage, stderr);
			return HN_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "hostnet up: unexpected argument '%s'\n%s", argv[optind], up_usage);
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
