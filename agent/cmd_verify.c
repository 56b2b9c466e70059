// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet verify: the live host against the config, in monitoring-plugins form. */
#include "commands.h"
#include "config.h"
#include "converge.h"
#include "error.h"
#include "verify_host.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

static const char verify_usage[] =
    "Usage: hostnet [-c FILE] [--json] verify [--no-probes] [--textfile PATH]\n"
    "Check the live host against FILE and probe reachability and VLAN isolation.\n"
    "  --no-probes      state checks only; send no frame\n"
    "  --textfile PATH  also write the result for Prometheus' node_exporter (textfile\n"
    "                   collector), replacing PATH atomically\n"
    "Exit (monitoring plugins): 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n";

/* verify under the host lock of `up` and `down`: the agent reads the host, verify checks
 * and probes it (verify.h). */
static int verify_host(const struct hn_opts *opts, struct hn_config *want, bool probes,
		       const char *textfile)
{
	struct hn_verify_host host;
	struct hn_verify *v;
	int lock, status;

	hn_err_clear();
	if (hn_verify_begin(opts, textfile, &v) < 0) {
		hn_report_error(opts, "verify", 3);
		return 3;
	}
	lock = hn_lock_host(opts->timeout_ms);
	if (lock < 0)
		return hn_verify_locked_out(v, lock);
	hn_verify_hold_signals(v);
	hn_host_read(opts, want, &host);
	status = hn_verify_end(v, want, &host, probes);
	hn_host_free(&host);
	close(lock);
	return status;
}

int hn_cmd_verify(int argc, char **argv, struct hn_opts *opts)
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
	if (textfile && hn_verify_textfile_check(textfile) < 0) {
		hn_report_error(opts, "verify", 3);
		return 3;
	}
	/* A config that does not load leaves the host's state unknown: plugin status 3. With
	 * --json the error document is all of stdout, and says "exit": 3. */
	if (hn_load_config_or_report(opts, "verify", &config) < 0) {
		if (textfile)
			hn_verify_textfile_config_unknown(textfile, hn_errmsg() ? hn_errmsg() : "");
		if (!opts->json)
			printf("HOSTNET UNKNOWN - config %s does not load\n", opts->config_path);
		return 3;
	}
	status = verify_host(opts, &config, probes, textfile);
	hn_config_free(&config);
	return status;
}
