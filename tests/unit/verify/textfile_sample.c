// SPDX-License-Identifier: GPL-2.0-or-later
/* Prints the textfile of a run with awkward check names (quotes, backslashes, line feeds,
 * bytes that are not UTF-8, a name twice), for tests/promtext_lint.py to check by the format's
 * rules in the unit suite (verify_textfile_lint). */
#include "checks.h"
#include "textfile.h"

#include <stdio.h>

int main(void)
{
	struct hn_verify_figures fig = {.seconds = 1.5,
					.window = true,
					.probes = 3,
					.heard_seconds = -1,
					.finished = 1733456789.5};
	struct hn_verify_checks c = {0};
	int r = 0;

	r |= hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "vlan 10 isolation", "e", "f");
	r |= hn_verify_checks_add(&c, HN_VERIFY_CHECK_CRITICAL, "port \"a\\b\"\nc", "e", "f");
	r |= hn_verify_checks_add(&c, HN_VERIFY_CHECK_UNKNOWN, "link \xff\xfe", "e", "f");
	r |= hn_verify_checks_add(&c, HN_VERIFY_CHECK_WARNING, "probes", "e", "f");
	r |= hn_verify_checks_add(&c, HN_VERIFY_CHECK_UNKNOWN, "probes", "e", "f");
	if (r == 0)
		r = hn_verify_textfile_format(stdout, &c, &fig);
	hn_verify_checks_free(&c);
	return r ? 1 : 0;
}
