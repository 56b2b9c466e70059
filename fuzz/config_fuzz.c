// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: any bytes through the config parser, and what it accepts through both
 * printers. It must never crash, leak or hang; an error is a fine answer. */
#include "config.h"
#include "error.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct hn_config c;
	const char *msg;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	hn_err_clear();
	if (hn_config_parse("fuzz.yaml", (const char *)data, size, &c) < 0) {
		/* Every error is one line that names the file. */
		msg = hn_errmsg();
		if (!msg || strncmp(msg, "fuzz.yaml:", 10) != 0 || strchr(msg, '\n'))
			__builtin_trap();
		return 0;
	}
	if (devnull) {
		hn_config_print(devnull, &c);
		hn_config_print_json(devnull, &c);
	}
	hn_config_free(&c);
	return 0;
}
