// SPDX-License-Identifier: GPL-2.0-or-later
/* What the commands share: loading the config, reporting the one error, bare usage. */
#include "commands.h"
#include "config.h"
#include "error.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int hn_no_args(int argc, char **argv, const char *usage)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 1;
	}
	if (argc > 1) {
		fprintf(stderr, "hostnet %s: unexpected argument '%s'\n%s", argv[0], argv[1],
			usage);
		return -1;
	}
	return 0;
}

void hn_report_error(const struct hn_opts *opts, const char *command, int exit_status)
{
	const char *msg = hn_errmsg() ? hn_errmsg() : "failed for an unknown reason";

	if (opts->json) {
		json_t *doc = json_pack("{s:s, s:s, s:s, s:i}", "command", command, "result",
					"error", "error", msg, "exit", exit_status);

		if (doc) {
			json_dumpf(doc, stdout, JSON_COMPACT);
			fputc('\n', stdout);
			json_decref(doc);
		}
	}
	/* Config errors already start with FILE:LINE:COL, which editors and people both
	 * read; anything else gets the program's name. */
	if (strncmp(msg, opts->config_path, strlen(opts->config_path)) == 0)
		fprintf(stderr, "%s\n", msg);
	else
		fprintf(stderr, "hostnet: %s\n", msg);
}

int hn_load_config_or_report(const struct hn_opts *opts, struct hn_config *config)
{
	hn_err_clear();
	if (hn_config_load(opts->config_path, config) < 0) {
		hn_report_error(opts, "config", HN_EXIT_USAGE);
		return -1;
	}
	return 0;
}
