// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet down: remove what hostnet created; foreign objects are never touched. */
#include "commands.h"
#include "converge.h"
#include "error.h"

#include <stdio.h>
#include <unistd.h>

#define LOCK_WAIT_MS 60000

int cmd_down(int argc, char **argv, struct hn_opts *opts)
{
	struct hn_session session;
	struct hn_plan plan = {0};
	size_t applied = 0;
	int r, lock, status = HN_EXIT_OK;

	r = hn_no_args(
	    argc, argv,
	    "Usage: hostnet [--json] down\n"
	    "Remove every bridge, port, address, route and libvirt network hostnet owns.\n");
	if (r)
		return r > 0 ? HN_EXIT_OK : HN_EXIT_USAGE;
	lock = hn_lock_host(LOCK_WAIT_MS);
	if (lock < 0 || hn_session_open(&session, opts) < 0) {
		hn_report_error(opts, "down", HN_EXIT_FAILED);
		if (lock >= 0)
			close(lock);
		return HN_EXIT_FAILED;
	}
	r = hn_session_plan(&session, NULL, &plan);
	if (r == 0 && plan.n) {
		if (!opts->json)
			hn_plan_print(stdout, &plan);
		r = hn_session_apply(&session, &plan, &applied);
	}
	if (r < 0) {
		hn_report_error(opts, "down", HN_EXIT_FAILED);
		status = HN_EXIT_FAILED;
	} else if (opts->json) {
		hn_plan_print_json(stdout, &plan, "down", plan.n ? "changed" : "nothing");
	} else {
		printf(plan.n ? "removed: %zu change(s) applied\n"
			      : "nothing to remove: hostnet owns nothing on this host\n",
		       applied);
	}
	hn_plan_free(&plan, session.backends);
	hn_session_close(&session);
	close(lock);
	return status;
}
