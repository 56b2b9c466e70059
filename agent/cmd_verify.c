// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet verify: the live host against the config, in monitoring-plugins form. */
#include "commands.h"
#include "config.h"
#include "verify.h"

#include <getopt.h>
#include <stdio.h>

static const char verify_usage[] =
    "Usage: hostnet [-c FILE] [--json] verify [--no-probes]\n"
    "Check the live host against FILE and probe reachability and VLAN isolation.\n"
    "  --no-probes  state checks only; send no frame\n"
    "Exit (monitoring plugins): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n";

int cmd_verify(int argc, char **argv, struct hn_opts *opts)
{
	static const struct option longopts[] = {
	    {"no-probes", no_argument, NULL, 'P'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct hn_config config = {0};
	bool probes = true;
	int c, status;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == 'P')
			probes = false;
		else if (c == 'h')
			return hn_help("verify", verify_usage);
		else
			return hn_bad_option("verify", argv, c); /* 3, UNKNOWN */
	}
	if (optind < argc)
		return hn_usage_error("verify", "unexpected argument '%s'", argv[optind]);
	/* A config that does not load leaves the host's state unknown: plugin status 3. With
	 * --json the error document is all of stdout, and says "exit": 3. */
	if (hn_load_config_or_report(opts, "verify", &config) < 0) {
		if (!opts->json)
			printf("HOSTNET UNKNOWN - config %s does not load\n", opts->config_path);
		return 3;
	}
	status = hn_verify_run(opts, &config, probes);
	hn_config_free(&config);
	return status;
}
