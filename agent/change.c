// SPDX-License-Identifier: GPL-2.0-or-later
/* What `up` and `down` share: lock, read, plan, show, apply with rollback, confirm. */
#include "change.h"
#include "backends.h"
#include "commands.h"
#include "config.h"
#include "uplink.h"
#include "converge.h"
#include "error.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

/* A run waiting for another holds boot back; a minute is plenty for any real convergence. */
#define LOCK_WAIT_MS 60000

/* Re-read after apply: a backend that says "done" but left a difference is a bug or a
 * concurrent writer, and either way the user must hear of it. */
static int confirm(struct hn_session *s, struct hn_config *want)
{
	char object[HN_OBJECT_STRLEN], detail[HN_DETAIL_STRLEN];
	struct hn_plan left = {0};
	int r = hn_session_plan(s, want, &left);

	if (r == 0 && left.n)
		r = hn_err(-EAGAIN,
			   "applied, but the host still differs in %zu place(s), first: %s%s%s; "
			   "run `hostnet plan`",
			   left.n, hn_object_format(&left.actions[0]->obj, object, sizeof(object)),
			   hn_action_detail(left.actions[0], detail, sizeof(detail))[0] ? ": " : "",
			   detail);
	hn_plan_free(&left, s->backends);
	return r;
}

int hn_change_host(const struct hn_opts *opts, struct hn_config *want, const char *command,
		   int gateway_timeout_ms)
{
	_cleanup_close_ int lock = hn_lock_host(LOCK_WAIT_MS);
	struct hn_session session;
	struct hn_plan plan = {0};
	size_t applied = 0;
	int r, status = HN_EXIT_OK;

	/* up: a libvirtd that does not answer does not hold the host's own network back. */
	if (lock < 0 || hn_session_open(&session, opts, want, !want->down) < 0) {
		hn_report_error(opts, command, HN_EXIT_FAILED);
		return HN_EXIT_FAILED;
	}
	r = hn_session_plan(&session, want, &plan);
	if (r == 0 && session.virt_unreached[0])
		r = hn_plan_note(&plan,
				 "%s: the host's network converges without it; its networks "
				 "are not in this plan",
				 session.virt_unreached);
	if (r == 0 && !opts->json)
		hn_plan_print(stdout, &plan);
	if (r == 0 && plan.n) {
		fflush(stdout);
		r = hn_session_converge(&session, want, &plan, &applied, gateway_timeout_ms);
		if (r == 0)
			r = confirm(&session, want);
	}
	if (r == 0 && session.virt_unreached[0])
		r = hn_err(-EHOSTUNREACH,
			   "%s; the host's network was converged (%zu change(s)), the libvirt "
			   "networks were not: run `hostnet up` again once libvirtd answers "
			   "(hostnet.service does, every 30 s)",
			   session.virt_unreached, applied);
	if (r < 0) {
		hn_report_error(opts, command, HN_EXIT_FAILED);
		status = HN_EXIT_FAILED;
	} else if (opts->json) {
		hn_plan_print_json(stdout, &plan, command, plan.n ? "changed" : "converged");
	} else if (plan.n) {
		printf("%s: applied %zu change(s)\n", command, applied);
	} else {
		printf("%s: nothing to change\n", command);
	}
	hn_plan_free(&plan, session.backends);
	hn_session_close(&session);
	return status;
}

int hn_change_command(int argc, char **argv, struct hn_opts *opts, const char *usage, bool down)
{
	static const struct option longopts[] = {
	    {"dry-run", no_argument, NULL, 'n'},
	    {"gateway-timeout", required_argument, NULL, 'g'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *command = argv[0];
	struct hn_config config = {0};
	int c, status, gateway_ms = HN_GATEWAY_TIMEOUT_MS;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:nh", longopts, NULL)) != -1) {
		if (c == 'n' && !down) {
			opts->dry_run = true;
		} else if (c == 'g') {
			if (hn_parse_ms("--gateway-timeout", optarg, &gateway_ms) < 0)
				return HN_EXIT_USAGE;
		} else if (c == 'h') {
			return hn_help(command, usage);
		} else {
			hn_bad_option(command, argv, c == 'n' ? '?' : c);
			return HN_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		hn_usage_error(command, "unexpected argument '%s'", argv[optind]);
		return HN_EXIT_USAGE;
	}
	if (opts->dry_run)
		return hn_cmd_plan(1, (char *[]){"plan", NULL}, opts);
	if (hn_load_config_or_report(opts, command, &config) < 0)
		return HN_EXIT_USAGE;
	if (hn_layers_check_uplink(opts, &config) < 0) {
		hn_report_error(opts, command, HN_EXIT_USAGE);
		hn_config_free(&config);
		return HN_EXIT_USAGE;
	}
	config.down = down;
	status = hn_change_host(opts, &config, command, gateway_ms);
	hn_config_free(&config);
	return status;
}
