// SPDX-License-Identifier: GPL-2.0-or-later
/* What `up` and `down` share: lock, read, plan, show, apply with rollback, confirm. */
#include "change.h"
#include "backends.h"
#include "commands.h"
#include "config.h"
#include "uplink.h"
#include "converge.h"
#include "error.h"
#include "last_good.h"

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

/* Converge the host to want (want->down: remove what hostnet owns) under the host lock
 * (early's, else waited for), printing the plan and the outcome. Returns the exit status of
 * `up` / `down`; *host_converged (if given) says whether the host's own network (OVS and
 * kernel) now matches want, whatever came of libvirt's networks. */
static int change_host(const struct hn_opts *opts, struct hn_config *want, const char *command,
		       int gateway_timeout_ms, bool *host_converged, struct hn_early *early)
{
	struct hn_session session;
	struct hn_plan plan = {0};
	size_t applied = 0;
	int r, status = HN_EXIT_OK;

	if (early->lock < 0)
		early->lock = hn_lock_host(LOCK_WAIT_MS);
	/* up: a libvirtd that does not answer does not hold the host's own network back. */
	if (early->lock < 0 || hn_session_open(&session, opts, want, !want->down, early) < 0) {
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
	if (host_converged)
		*host_converged = r == 0;
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

/*
 * `up --last-good FILE` with an invalid config: after a converged run, a boot brings br0 back
 * from OVS's database with the NIC on it while ifupdown gives the NIC the address, which
 * nothing reaches on the kernel datapath; only `up` makes that host reachable again. So it
 * converges the last config that converged the host, and still exits 2: the config waits for
 * the admin, the host does not wait with it.
 */
static int converge_last_good(const struct hn_opts *opts, const char *command,
			      const char *last_good, int gateway_ms, struct hn_early *early)
{
	struct hn_config config = {0};
	int status;

	hn_err_clear();
	if (access(last_good, F_OK) < 0 && errno == ENOENT) {
		fprintf(stderr, "hostnet: %s: no last good config (%s) to converge instead\n",
			command, last_good);
		return HN_EXIT_USAGE;
	}
	if (hn_config_load(last_good, &config) < 0 || hn_layers_check_uplink(opts, &config) < 0) {
		fprintf(stderr, "hostnet: %s: the last good config is not usable either: %s\n",
			command, hn_errmsg());
		hn_config_free(&config);
		return HN_EXIT_USAGE;
	}
	fprintf(stderr, "hostnet: %s: converging the last good config %s instead\n", command,
		last_good);
	status = change_host(opts, &config, command, gateway_ms, NULL, early);
	hn_config_free(&config);
	return status == HN_EXIT_OK ? HN_EXIT_USAGE : status;
}

/* A converged host's config becomes the last good one; failing to keep it is said, but the
 * host is converged and the run is not a failure. */
static void keep_last_good(const char *command, const char *last_good, const char *text, size_t len)
{
	hn_err_clear();
	if (hn_last_good_save(last_good, text, len) < 0)
		fprintf(stderr, "hostnet: %s: warning: the last good config was not kept: %s\n",
			command, hn_errmsg());
}

int hn_change_command(int argc, char **argv, struct hn_opts *opts, const char *usage, bool down)
{
	static const struct option longopts[] = {
	    {"dry-run", no_argument, NULL, 'n'},
	    {"gateway-timeout", required_argument, NULL, 'g'},
	    {"last-good", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *command = argv[0], *last_good = NULL;
	struct hn_config config = {0};
	_cleanup_free_ char *text = NULL;
	struct hn_early early;
	bool host_converged = false;
	size_t len = 0;
	int c, status, gateway_ms = HN_GATEWAY_TIMEOUT_MS;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:nh", longopts, NULL)) != -1) {
		if (c == 'n' && !down) {
			opts->dry_run = true;
		} else if (c == 'l') {
			if (down || !*optarg) {
				hn_usage_error(command,
					       down ? "--last-good is an option of `up` only"
						    : "--last-good: expected a file name");
				return HN_EXIT_USAGE;
			}
			last_good = optarg;
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
	/* The lock, and the switch's state asked for, before the config loads: a converged
	 * run is mostly ovsdb-server answering, and it answers while the config is read. */
	hn_early_start(&early, opts, true);
	hn_err_clear();
	if (hn_config_load_text(opts->config_path, &config, &text, &len) < 0) {
		struct hn_opts plain = *opts;

		if (!last_good) {
			hn_report_error(opts, command, HN_EXIT_USAGE);
			hn_early_end(&early);
			return HN_EXIT_USAGE;
		}
		/* One JSON document still: the plan of what is converged instead. */
		plain.json = false;
		hn_report_error(&plain, command, HN_EXIT_USAGE);
		status = converge_last_good(opts, command, last_good, gateway_ms, &early);
		hn_early_end(&early);
		return status;
	}
	if (hn_layers_check_uplink(opts, &config) < 0) {
		hn_report_error(opts, command, HN_EXIT_USAGE);
		hn_config_free(&config);
		hn_early_end(&early);
		return HN_EXIT_USAGE;
	}
	config.down = down;
	status = change_host(opts, &config, command, gateway_ms, &host_converged, &early);
	hn_early_end(&early);
	/* --layers runs converge part of the host: not a config to come back to. */
	if (last_good && host_converged && !opts->layers)
		keep_last_good(command, last_good, text, len);
	hn_config_free(&config);
	return status;
}
