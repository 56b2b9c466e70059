// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: any bytes as the text ovs-vswitchd answers fdb/show with, read as the
 * uplink MAC guard reads it (hn_ovs_fdb_parse). Never a crash or leak; errors are one line;
 * every entry read has a VLAN and port number in range. */
#include "error.h"
#include "ovs_fdb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hn_learned l;
	char *text;
	int r;

	if (size > 65536 || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0'; /* jansson hands over a NUL-terminated string */
	hn_err_clear();
	r = hn_ovs_fdb_parse(text, &l);
	if (r < 0 && (!hn_errmsg() || strchr(hn_errmsg(), '\n')))
		__builtin_trap();
	for (size_t i = 0; r == 0 && i < l.n; i++)
		if (l.v[i].vlan > 4095 || l.v[i].ofport > 65535 || l.v[i].age < -1)
			__builtin_trap();
	free(l.v);
	free(text);
	return 0;
}
