// SPDX-License-Identifier: GPL-2.0-or-later
/* hostnet import: read the live host and print a hostnet.yaml that describes it. */
#include "commands.h"
#include "import.h"

#include <stdio.h>

int hn_cmd_import(int argc, char **argv, struct hn_opts *opts)
{
	struct hn_import im = {0};
	int r = hn_no_args(
	    argc, argv,
	    "Usage: hostnet [--ovsdb ADDR] [--libvirt URI] [--json] import\n"
	    "Read the live host (kernel, OVSDB, libvirt) and print a hostnet.yaml that\n"
	    "describes it; what a config cannot say is listed as comments (--json: notes).\n"
	    "Reads no config file and changes nothing.\n");

	if (r)
		return r > 0 ? HN_EXIT_OK : HN_EXIT_USAGE;
	r = hn_import_read(opts, &im);
	if (r == 0 && opts->json)
		r = hn_import_print_json(stdout, &im);
	else if (r == 0)
		hn_import_print_yaml(stdout, &im);
	if (r < 0)
		hn_report_error(opts, "import", HN_EXIT_FAILED);
	hn_import_free(&im);
	return r < 0 ? HN_EXIT_FAILED : HN_EXIT_OK;
}
