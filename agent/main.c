// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet: a host network agent for KVM hypervisors. The command table and global options. */
#include "backends.h"
#include "commands.h"
#include "config.h"
#include "error.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

static const struct {
	const char *name;
	int (*run)(int argc, char **argv, struct hn_opts *opts);
	const char *description;
	bool libvirt; /* reads libvirt: its module loads while the run starts */
} commands[] = {
    {"up", hn_cmd_up, "converge the host to the config (idempotent; safe at every boot)", true},
    {"plan", hn_cmd_plan, "print what `up` would change, change nothing (exit 3: changes pending)",
     true},
    {"verify", hn_cmd_verify, "check the live host against the config and probe it", true},
    {"down", hn_cmd_down, "remove what hostnet created, give the uplink address back to the NIC",
     true},
    {"check", hn_cmd_check, "validate the config and print the state it asks for", false},
    {"ovn-sync", hn_cmd_ovn_sync,
     "make ovn.networks the logical switches of OVN's northbound database", false},
    {"import", hn_cmd_import, "print a config that describes the live host (reads no config)",
     true},
    {"version", hn_cmd_version, "print the version", false},
};

static void usage_text(FILE *f)
{
	fprintf(f, "Usage: hostnet [-c FILE] [--ovsdb unix:PATH] [--libvirt URI] [--timeout MS] "
		   "[--layers LIST] [--json] [-v] COMMAND [ARGS]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].description);
	fprintf(f, "\nOptions:\n"
		   "  -c, --config FILE  config file (default /etc/hostnet/hostnet.yaml)\n"
		   "      --ovsdb ADDR   OVSDB server (default unix:/var/run/openvswitch/db.sock)\n"
		   "      --libvirt URI  libvirt connection (default qemu:///system)\n"
		   "      --timeout MS   bound on every wait for a daemon (default 5000)\n"
		   "      --layers LIST  only these of ovs,netlink,libvirt (tests, debugging; "
		   "verify\n"
		   "                     is UNKNOWN at best, up/down never split an uplink move)\n"
		   "      --json         print one JSON document\n"
		   "  -v, --verbose      say what is being done, on stderr\n"
		   "  -h, --help         this text; `hostnet COMMAND --help` for a command\n");
}

/*
 * The end of a run. Once libvirt is loaded, exit() would run the destructors of libvirt and
 * of everything it links (glib, GnuTLS, OpenSSL's tables: milliseconds, a sizeable share of
 * what loading them costs) to free memory the kernel takes back anyway; nothing of ours
 * needs them (the connection to libvirtd is closed, the files are written, the kernel drops
 * locks and sockets). So such a run flushes its output and leaves with _exit(); under
 * LeakSanitizer it checks for leaks first, as exit() would have.
 */
static int finish(int status)
{
	if (!hn_backend_virt_loaded())
		return status;
	fflush(NULL);
#ifdef __SANITIZE_ADDRESS__
	__lsan_do_leak_check();
#endif
	_exit(status);
}

static int usage(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f) {
		perror("hostnet");
		return HN_EXIT_FAILED;
	}
	usage_text(f);
	fclose(f);
	hn_help(NULL, text);
	free(text);
	return HN_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},  {"ovsdb", required_argument, NULL, 'O'},
	    {"libvirt", required_argument, NULL, 'L'}, {"timeout", required_argument, NULL, 'T'},
	    {"layers", required_argument, NULL, 'Y'},  {"json", no_argument, NULL, 'j'},
	    {"verbose", no_argument, NULL, 'v'},       {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},       {0},
	};
	struct hn_opts opts = {
	    .config_path = "/etc/hostnet/hostnet.yaml",
	    .ovsdb = "unix:/var/run/openvswitch/db.sock",
	    .libvirt = "qemu:///system",
	    .timeout_ms = 5000,
	};
	int c;

	/* '+': stop at the command name, its own options are its own. ':' and opterr = 0:
	 * bad options are reported by us, in one line. A first pass finds --json, since it
	 * decides how the errors of this very line are reported (`--bogus --json`). */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:vh", longopts, NULL)) != -1)
		hn_json_output |= c == 'j';
	opts.json = hn_json_output;
	optind = 0; /* glibc: start over, fully */
	while ((c = getopt_long(argc, argv, "+:c:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts.config_path = optarg;
			break;
		case 'O':
			opts.ovsdb = optarg;
			break;
		case 'L':
			opts.libvirt = optarg;
			break;
		case 'T':
			if (hn_parse_ms("--timeout", optarg, &opts.timeout_ms) < 0)
				return HN_EXIT_USAGE;
			break;
		case 'Y':
			if (hn_layers_parse(optarg, &opts.layers) < 0)
				return hn_usage_error(NULL, "--layers: %s", hn_errmsg());
			break;
		case 'j':
			break; /* the first pass took it */
		case 'v':
			hn_verbosity++;
			break;
		case 'h':
			return usage();
		case 'V':
			return hn_cmd_version(1, (char *[]){"version", NULL}, &opts);
		default:
			return hn_bad_option(NULL, argv, c);
		}
	}
	if (optind >= argc)
		return hn_usage_error(
		    NULL,
		    "no command: one of up, plan, verify, down, check, ovn-sync, import, version");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			if (commands[i].libvirt)
				hn_backend_preload(&opts);
			/* Each command parses its own options from a fresh getopt state. */
			argc -= optind;
			argv += optind;
			optind = 0;
			return finish(commands[i].run(argc, argv, &opts));
		}
	}
	return hn_usage_error(NULL,
			      "'%s' is not a command: one of up, plan, verify, down, check, "
			      "ovn-sync, import, version",
			      argv[optind]);
}
