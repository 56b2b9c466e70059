// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet plan: read the host, print what `up` would change, change nothing. */
#include "commands.h"
#include "config.h"
#include "converge.h"

#include <stdio.h>

int hn_cmd_plan(int argc, char **argv, struct hn_opts *opts)
{
	struct hn_config config = {0};
	struct hn_session session;
	struct hn_early early;
	struct hn_plan plan = {0};
	int r, status;

	r = hn_no_args(
	    argc, argv,
	    "Usage: hostnet [-c FILE] [--json] plan\n"
	    "Print what `hostnet up` would change; change nothing.\n"
	    "Exit 0: nothing to change, 3: changes pending, 1: failed, 2: bad config.\n");
	if (r)
		return r > 0 ? HN_EXIT_OK : HN_EXIT_USAGE;
	/* The switch's state is asked for first, and answered while the config loads. */
	hn_early_start(&early, opts, false);
	if (hn_load_config_or_report(opts, "plan", &config) < 0) {
		hn_early_end(&early);
		return HN_EXIT_USAGE;
	}
	r = hn_session_open(&session, opts, &config, false, &early);
	hn_early_end(&early);
	if (r < 0) {
		hn_report_error(opts, "plan", HN_EXIT_FAILED);
		hn_config_free(&config);
		return HN_EXIT_FAILED;
	}
	r = hn_session_plan(&session, &config, &plan);
	if (r < 0) {
		hn_report_error(opts, "plan", HN_EXIT_FAILED);
		status = HN_EXIT_FAILED;
	} else {
		status = plan.n ? HN_EXIT_PENDING : HN_EXIT_OK;
		if (opts->json)
			hn_plan_print_json(stdout, &plan, "plan", plan.n ? "pending" : "converged");
		else {
			hn_plan_print(stdout, &plan);
			if (plan.n == 0)
				printf("nothing to change: the host matches %s\n",
				       opts->config_path);
			else
				printf("%zu change(s) pending; `hostnet up` applies them\n",
				       plan.n);
		}
	}
	hn_plan_free(&plan, session.backends);
	hn_session_close(&session);
	hn_config_free(&config);
	return status;
}
