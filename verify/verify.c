// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder until verify lands: reports UNKNOWN, never a made-up OK. */
#include "verify.h"

#include <stdio.h>

int hn_verify_run(const struct hn_opts *opts, const struct hn_config *want, bool probes)
{
	(void)opts;
	(void)want;
	(void)probes;
	printf("HOSTNET UNKNOWN - verify is not implemented yet\n");
	return 3;
}
