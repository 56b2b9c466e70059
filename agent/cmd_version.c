// SPDX-License-Identifier: GPL-2.0-or-later
#include "commands.h"

#include <stdio.h>

#ifndef HOSTNET_VERSION
#define HOSTNET_VERSION "unknown"
#endif

int hn_cmd_version(int argc, char **argv, struct hn_opts *opts)
{
	int r = hn_no_args(argc, argv, "Usage: hostnet version\n");

	if (r)
		return r > 0 ? HN_EXIT_OK : HN_EXIT_USAGE;
	if (opts->json)
		printf("{\"command\":\"version\",\"version\":\"%s\"}\n", HOSTNET_VERSION);
	else
		printf("hostnet %s\n", HOSTNET_VERSION);
	return HN_EXIT_OK;
}
