// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet verify: the live host against the config, in monitoring-plugins form. */
#include "checks.h"
#include "commands.h"
#include "config.h"
#include "error.h"
#include "textfile.h"
#include "verify.h"

#include <getopt.h>
#include <stdio.h>
#include <time.h>

static const char verify_usage[] =
    "Usage: hostnet [-c FILE] [--json] verify [--no-probes] [--textfile PATH]\n"
    "Check the live host against FILE and probe reachability and VLAN isolation.\n"
    "  --no-probes      state checks only; send no frame\n"
    "  --textfile PATH  also write the result for Prometheus' node_exporter (textfile\n"
    "                   collector), replacing PATH atomically\n"
    "Exit (monitoring plugins): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n";

/* A config that does not load is UNKNOWN in the textfile too, or monitoring would go on
 * showing the last good run. The error was already reported; this only records it. */
static void textfile_config_unknown(const char *textfile, const char *why)
{
	struct hn_checks checks = {0};
	struct hn_verify_figures fig = {.heard_seconds = -1};
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	fig.finished = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	if (hn_checks_add(&checks, HN_CHECK_UNKNOWN, "config", "a config that loads", "%s", why) ==
		0 &&
	    hn_textfile_write(textfile, &checks, &fig) < 0)
		fprintf(stderr, "hostnet verify: %s\n", hn_errmsg());
	hn_checks_free(&checks);
}

int cmd_verify(int argc, char **argv, struct hn_opts *opts)
{
	static const struct option longopts[] = {
	    {"no-probes", no_argument, NULL, 'P'},
	    {"textfile", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct hn_config config = {0};
	const char *textfile = NULL;
	bool probes = true;
	int c, status;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		if (c == 'P')
			probes = false;
		else if (c == 't')
			textfile = optarg;
		else if (c == 'h')
			return hn_help("verify", verify_usage);
		else
			return hn_bad_option("verify", argv, c); /* 3, UNKNOWN */
	}
	if (optind < argc)
		return hn_usage_error("verify", "unexpected argument '%s'", argv[optind]);
	/* Before anything runs: a textfile that cannot be written is found out in a second,
	 * not after the probes. */
	hn_err_clear();
	if (textfile && hn_textfile_check(textfile) < 0) {
		hn_report_error(opts, "verify", 3);
		return 3;
	}
	/* A config that does not load leaves the host's state unknown: plugin status 3. With
	 * --json the error document is all of stdout, and says "exit": 3. */
	if (hn_load_config_or_report(opts, "verify", &config) < 0) {
		if (textfile)
			textfile_config_unknown(textfile, hn_errmsg() ? hn_errmsg() : "");
		if (!opts->json)
			printf("HOSTNET UNKNOWN - config %s does not load\n", opts->config_path);
		return 3;
	}
	status = hn_verify_run(opts, &config, probes, textfile);
	hn_config_free(&config);
	return status;
}
