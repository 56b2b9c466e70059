// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder: replaced with the parser. */
#include "config.h"

void hn_config_print(FILE *f, const struct hn_config *c)
{
	(void)f;
	(void)c;
}

int hn_config_print_json(FILE *f, const struct hn_config *c)
{
	(void)f;
	(void)c;
	return -1;
}
