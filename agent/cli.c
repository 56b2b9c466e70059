// SPDX-License-Identifier: GPL-2.0-or-later
/* What the commands share: loading the config, reporting the one error, bare usage. */
#include "commands.h"
#include "config.h"
#include "error.h"

#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hn_no_args(int argc, char **argv, const char *usage)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 1;
	}
	if (argc > 1) {
		(void)usage;
		hn_usage_error(argv[0], "unexpected argument '%s'", argv[1]);
		return -1;
	}
	return 0;
}

void hn_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "hostnet%s%s: ", command ? " " : "", command ? command : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see `hostnet%s%s --help`\n", command ? " " : "", command ? command : "");
}

void hn_bad_option(const char *command, char **argv, int c)
{
	/* getopt is told to be quiet (opterr = 0): one line, ours, instead of its two. */
	const char *arg = argv[optind - 1];

	if (c == ':')
		hn_usage_error(command, "option '%s' needs a value", arg);
	else if (optopt && strncmp(arg, "--", 2) != 0)
		hn_usage_error(command, "unknown option '-%c'", optopt);
	else
		hn_usage_error(command, "unknown option '%s'", arg);
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

int hn_parse_ms(const char *option, const char *arg, int *out)
{
	char *end;
	long ms = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || ms < 1 || ms > 3600000) {
		hn_usage_error(NULL, "%s: '%s' is not a number of milliseconds from 1 to 3600000",
			       option, arg);
		return -1;
	}
	*out = (int)ms;
	return 0;
}
