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

bool hn_json_output;

/* Bad usage exits 2, except for verify: a monitoring plugin says UNKNOWN (hostnet(8)). */
static int usage_status(const char *command)
{
	return command && strcmp(command, "verify") == 0 ? 3 : HN_EXIT_USAGE;
}

/* The one document of a run that ends in an error, or in help: {"command", "result", KEY:
 * TEXT, "exit"}; "command" is null for the global command line, no "exit" when < 0. */
static void print_doc(const char *command, const char *result, const char *key, const char *text,
		      int exit_status)
{
	json_t *doc = json_pack("{s:s?, s:s, s:s}", "command", command, "result", result, key,
				text ? text : "");

	if (!doc)
		return;
	if (exit_status < 0 || json_object_set_new(doc, "exit", json_integer(exit_status)) == 0) {
		if (json_dumpf(doc, stdout, JSON_COMPACT) == 0)
			fputc('\n', stdout);
	}
	json_decref(doc);
	fflush(stdout);
}

int hn_help(const char *command, const char *usage)
{
	if (hn_json_output)
		print_doc(command, "help", "usage", usage, -1);
	else
		fputs(usage, stdout);
	return HN_EXIT_OK;
}

int hn_no_args(int argc, char **argv, const char *usage)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		hn_help(argv[0], usage);
		return 1;
	}
	if (argc > 1) {
		hn_usage_error(argv[0], "unexpected argument '%s'", argv[1]);
		return -1;
	}
	return 0;
}

int hn_usage_error(const char *command, const char *fmt, ...)
{
	char what[512], line[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "hostnet%s%s: %s; see `hostnet%s%s --help`",
		 command ? " " : "", command ? command : "", what, command ? " " : "",
		 command ? command : "");
	if (hn_json_output)
		print_doc(command, "error", "error", line, usage_status(command));
	fprintf(stderr, "%s\n", line);
	return usage_status(command);
}

int hn_bad_option(const char *command, char **argv, int c)
{
	/* getopt is told to be quiet (opterr = 0): one line, ours, instead of its two. */
	const char *arg = argv[optind - 1];

	if (c == ':')
		return hn_usage_error(command, "option '%s' needs a value", arg);
	if (optopt && strncmp(arg, "--", 2) != 0)
		return hn_usage_error(command, "unknown option '-%c'", optopt);
	return hn_usage_error(command, "unknown option '%s'", arg);
}

void hn_report_error(const struct hn_opts *opts, const char *command, int exit_status)
{
	const char *msg = hn_errmsg() ? hn_errmsg() : "failed for an unknown reason";

	if (opts->json)
		print_doc(command, "error", "error", msg, exit_status);
	/* Config errors already start with FILE:LINE:COL, which editors and people both
	 * read; anything else gets the program's name. */
	if (strncmp(msg, opts->config_path, strlen(opts->config_path)) == 0)
		fprintf(stderr, "%s\n", msg);
	else
		fprintf(stderr, "hostnet: %s\n", msg);
}

int hn_load_config_or_report(const struct hn_opts *opts, const char *command,
			     struct hn_config *config)
{
	hn_err_clear();
	if (hn_config_load(opts->config_path, config) < 0) {
		hn_report_error(opts, command, usage_status(command));
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
