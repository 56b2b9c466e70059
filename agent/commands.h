/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command table: one command per file, as wireguard-tools does it. */
#ifndef HOSTNET_COMMANDS_H
#define HOSTNET_COMMANDS_H

#include "backend.h"

/* Exit statuses of up/plan/down/check (hostnet(8), EXIT STATUS). */
enum {
	HN_EXIT_OK = 0,
	HN_EXIT_FAILED = 1,
	HN_EXIT_USAGE = 2,
	HN_EXIT_PENDING = 3, /* plan: changes pending */
};

/* argv[0] is the command's name; opts are the global options already parsed. */
int hn_cmd_up(int argc, char **argv, struct hn_opts *opts);
int hn_cmd_plan(int argc, char **argv, struct hn_opts *opts);
int hn_cmd_verify(int argc, char **argv, struct hn_opts *opts);
int hn_cmd_down(int argc, char **argv, struct hn_opts *opts);
int hn_cmd_check(int argc, char **argv, struct hn_opts *opts);
int hn_cmd_import(int argc, char **argv, struct hn_opts *opts);
int hn_cmd_ovn_sync(int argc, char **argv, struct hn_opts *opts);
int hn_cmd_version(int argc, char **argv, struct hn_opts *opts);

/* --json: every outcome of the run is one JSON document on stdout. Set by main before any
 * option is parsed, so that the reports below, which bad usage reaches before (or without)
 * a command's opts, follow it too. */
extern bool hn_json_output;

/* Shared by the commands: load the config or report why not (the caller exits 2; verify
 * exits 3). */
struct hn_config;
int hn_load_config_or_report(const struct hn_opts *opts, const char *command,
			     struct hn_config *config);
/* Print the recorded error once, as "hostnet: MESSAGE" on stderr, and with --json also as
 * {"command", "result": "error", "error", "exit"} on stdout. */
void hn_report_error(const struct hn_opts *opts, const char *command, int exit_status);
/* "--gateway-timeout" and friends: 0, or -1 after saying what is wrong. */
int hn_parse_ms(const char *option, const char *arg, int *out);
/* Bad usage, as one line on stderr: "hostnet up: WHAT; see `hostnet up --help`", and with
 * --json as the error document. Returns the exit status: 2, or 3 for verify. */
int hn_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* getopt_long returned '?' or ':' (getopt itself is silenced with opterr = 0). */
int hn_bad_option(const char *command, char **argv, int c);
/* --help: the usage text on stdout, or with --json {"command", "result": "help", "usage"}.
 * Returns 0, the exit status. */
int hn_help(const char *command, const char *usage);
/* For commands that take no arguments but --help / -h. 1: help printed, -1: bad usage. */
int hn_no_args(int argc, char **argv, const char *usage);

#endif
