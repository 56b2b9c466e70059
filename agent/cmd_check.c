// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet check: validate the config and show the desired state. Connects to nothing. */
#include "commands.h"
#include "config.h"

#include <stdio.h>

int hn_cmd_check(int argc, char **argv, struct hn_opts *opts)
{
	struct hn_config config = {0};
	int r = hn_no_args(
	    argc, argv,
	    "Usage: hostnet [-c FILE] [--json] check\n"
	    "Validate FILE and print the desired state it describes. Touches nothing.\n");

	if (r)
		return r > 0 ? HN_EXIT_OK : HN_EXIT_USAGE;
	if (hn_load_config_or_report(opts, "check", &config) < 0)
		return HN_EXIT_USAGE;
	if (opts->json)
		r = hn_config_print_json(stdout, &config);
	else
		hn_config_print(stdout, &config);
	hn_config_free(&config);
	return r < 0 ? HN_EXIT_FAILED : HN_EXIT_OK;
}
