// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: any bytes to the JSON scanner and to jansson. The scanner must take a
 * text only when jansson takes it (the snapshot's rows are kept as text and made json
 * later), passing it must end where skipping does, and the strings of an array must decode
 * to jansson's bytes. Passing anything must not crash either. */
#include "json_scan.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An array's string elements decoded by the scanner, each equal to jansson's. */
static void same_strings(const char *text, size_t size, const json_t *v, char *strings)
{
	struct hn_ovs_scan s;
	size_t i = 0;
	int r;

	if (!json_is_array(v))
		return;
	hn_ovs_scan_init(&s, text, size, strings);
	if (hn_ovs_scan_enter(&s, '[') < 0)
		__builtin_trap();
	while ((r = hn_ovs_scan_next(&s)) > 0) {
		const json_t *e = json_array_get(v, i++);
		const char *str;

		if (hn_ovs_scan_peek(&s) != '"') {
			r = hn_ovs_scan_skip(&s);
		} else {
			r = hn_ovs_scan_string(&s, &str);
			if (r == 0 && (!json_is_string(e) || strlen(str) != json_string_length(e) ||
				       memcmp(str, json_string_value(e), strlen(str)) != 0))
				__builtin_trap();
		}
		if (r < 0)
			__builtin_trap();
	}
	if (r < 0 || i != json_array_size(v))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct hn_ovs_scan s;
	char *strings;
	json_t *v;
	int c;

	if (size > 65536)
		return 0;
	strings = malloc(size + 1);
	if (!strings)
		return 0;
	hn_ovs_scan_init(&s, text, size, strings);
	(void)hn_ovs_scan_pass(&s);
	hn_ovs_scan_init(&s, text, size, strings);
	c = hn_ovs_scan_peek(&s);
	/* jansson takes an object or an array at the top (no JSON_DECODE_ANY), as hostnet
	 * loads it. */
	if ((c == '{' || c == '[') && hn_ovs_scan_skip(&s) == 0 && hn_ovs_scan_end(&s) == 0) {
		struct hn_ovs_scan t;

		/* Passing a text the scanner takes ends where skipping it does. */
		hn_ovs_scan_init(&t, text, size, strings);
		if (hn_ovs_scan_pass(&t) < 0 || hn_ovs_scan_end(&t) < 0)
			__builtin_trap();
		v = json_loadb(text, size, 0, NULL);
		if (!v)
			__builtin_trap();
		same_strings(text, size, v, strings);
		json_decref(v);
	}
	free(strings);
	return 0;
}
