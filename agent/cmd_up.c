// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet up: converge the host to the config. Idempotent; safe to run at every boot. */
#include "commands.h"
#include "config.h"
#include "converge.h"
#include "error.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A run waiting for another holds boot back; a minute is plenty for any real convergence. */
#define LOCK_WAIT_MS 60000

static const char up_usage[] =
    "Usage: hostnet [-c FILE] [--json] up [--dry-run]\n"
    "Converge the host to FILE. A failed change rolls back what this run did.\n"
    "  --dry-run  print the plan and change nothing (same as `hostnet plan`)\n"
    "Exit 0: converged, 1: failed (what was rolled back is said), 2: bad config.\n";

/* Re-read after apply: a backend that says "done" but left a difference is a bug or a
 * concurrent writer, and either way the user must hear of it. */
static int confirm_converged(struct hn_session *s, const struct hn_config *want)
{
	struct hn_plan left = {0};
	int r = hn_session_plan(s, want, &left);

	if (r == 0 && left.n)
		r = hn_err(-EAGAIN,
			   "applied, but the host still differs in %zu place(s), first: "
			   "%s %s; run `hostnet plan`",
			   left.n, left.actions[0]->object, left.actions[0]->detail);
	hn_plan_free(&left, s->backends);
	return r;
}

int cmd_up(int argc, char **argv, struct hn_opts *opts)
{
	static const struct option longopts[] = {
	    {"dry-run", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct hn_config config = {0};
	struct hn_session session;
	struct hn_plan plan = {0};
	size_t applied = 0;
	int c, r, lock = -1, status = HN_EXIT_OK;

	while ((c = getopt_long(argc, argv, "+nh", longopts, NULL)) != -1) {
		if (c == 'n')
			opts->dry_run = true;
		else if (c == 'h') {
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
	lock = hn_lock_host(LOCK_WAIT_MS);
	if (lock < 0 || hn_session_open(&session, opts) < 0) {
		hn_report_error(opts, "up", HN_EXIT_FAILED);
		if (lock >= 0)
			close(lock);
		hn_config_free(&config);
		return HN_EXIT_FAILED;
	}
	r = hn_session_plan(&session, &config, &plan);
	if (r == 0 && plan.n) {
		if (!opts->json)
			hn_plan_print(stdout, &plan);
		r = hn_session_apply(&session, &plan, &applied);
		if (r == 0)
			r = confirm_converged(&session, &config);
	}
	if (r < 0) {
		hn_report_error(opts, "up", HN_EXIT_FAILED);
		status = HN_EXIT_FAILED;
	} else if (opts->json) {
		hn_plan_print_json(stdout, &plan, "up", plan.n ? "changed" : "converged");
	} else if (plan.n) {
		printf("applied %zu change(s); the host matches %s\n", applied, opts->config_path);
	} else {
		printf("nothing to change: the host matches %s\n", opts->config_path);
	}
	hn_plan_free(&plan, session.backends);
	hn_session_close(&session);
	hn_config_free(&config);
	close(lock);
	return status;
}
