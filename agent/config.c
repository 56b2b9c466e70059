// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder: the libyaml parser replaces this file. */
#include "config.h"
#include "error.h"

#include <errno.h>

int hn_config_parse(const char *name, const char *buf, size_t len, struct hn_config *out)
{
	(void)buf;
	(void)len;
	(void)out;
	return hn_err(-ENOSYS, "%s: the config parser is not implemented yet", name);
}

int hn_config_load(const char *path, struct hn_config *out)
{
	return hn_config_parse(path, "", 0, out);
}
