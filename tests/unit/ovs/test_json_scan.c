// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON scanner: what it hands over, what it refuses, and that it accepts a text only
 * when jansson does (the db keeps row texts for json_loadb later). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "json_scan.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static char strings[4096];

/* The whole text as one value, skipped: 0 or -EPROTO. */
static int scan_all(const char *text)
{
	struct hn_ovs_scan s;
	int r;

	hn_ovs_scan_init(&s, text, strlen(text), strings);
	r = hn_ovs_scan_skip(&s);
	return r < 0 ? r : hn_ovs_scan_end(&s);
}

static bool jansson_takes(const char *text)
{
	json_t *v = json_loadb(text, strlen(text), 0, NULL);

	json_decref(v);
	return v != NULL;
}

static void reads_what_it_is_asked_for(void **unused)
{
	const char *text =
	    " {\"id\": -12, \"result\": [{\"name\": \"a\\\"b\\u00e9\\ud83d\\ude00\", "
	    "\"skip\": {\"x\": [1, 2.5e3, true, null]}}], \"error\": null} ";
	struct hn_ovs_scan s;
	const char *k, *v;
	long long n;

	hn_ovs_scan_init(&s, text, strlen(text), strings);
	assert_int_equal(hn_ovs_scan_enter(&s, '{'), 0);
	assert_int_equal(hn_ovs_scan_key(&s, &k), 1);
	assert_string_equal(k, "id");
	assert_int_equal(hn_ovs_scan_int(&s, &n), 0);
	assert_int_equal(n, -12);
	assert_int_equal(hn_ovs_scan_key(&s, &k), 1);
	assert_string_equal(k, "result");
	assert_int_equal(hn_ovs_scan_enter(&s, '['), 0);
	assert_int_equal(hn_ovs_scan_next(&s), 1);
	assert_int_equal(hn_ovs_scan_enter(&s, '{'), 0);
	assert_int_equal(hn_ovs_scan_key(&s, &k), 1);
	assert_int_equal(hn_ovs_scan_string(&s, &v), 0);
	assert_string_equal(v, "a\"b\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(hn_ovs_scan_key(&s, &k), 1);
	assert_string_equal(k, "skip");
	assert_int_equal(hn_ovs_scan_skip(&s), 0);
	assert_int_equal(hn_ovs_scan_key(&s, &k), 0);
	assert_int_equal(hn_ovs_scan_next(&s), 0);
	assert_int_equal(hn_ovs_scan_key(&s, &k), 1);
	assert_string_equal(k, "error");
	assert_int_equal(hn_ovs_scan_peek(&s), 'n');
	assert_int_equal(hn_ovs_scan_skip(&s), 0);
	assert_int_equal(hn_ovs_scan_key(&s, &k), 0);
	assert_int_equal(hn_ovs_scan_end(&s), 0);
}

static void integers_at_the_limits(void **unused)
{
	struct hn_ovs_scan s;
	const char *max = "[9223372036854775807, -9223372036854775808]";
	long long n;

	hn_ovs_scan_init(&s, max, strlen(max), strings);
	assert_int_equal(hn_ovs_scan_enter(&s, '['), 0);
	assert_int_equal(hn_ovs_scan_next(&s), 1);
	assert_int_equal(hn_ovs_scan_int(&s, &n), 0);
	assert_true(n == INT64_MAX);
	assert_int_equal(hn_ovs_scan_next(&s), 1);
	assert_int_equal(hn_ovs_scan_int(&s, &n), 0);
	assert_true(n == INT64_MIN);
	assert_int_equal(scan_all("[9223372036854775808]"), -EPROTO);
	assert_int_equal(scan_all("[-9223372036854775809]"), -EPROTO);
	assert_int_equal(scan_all("[1.5e308]"), 0);
	assert_int_equal(scan_all("[1e309]"), -EPROTO);
	assert_int_equal(scan_all("[-1e400]"), -EPROTO);
	assert_int_equal(scan_all("[1e-400]"), 0); /* underflow is 0 to jansson, not an error */
}

static void a_fraction_is_not_an_integer(void **unused)
{
	struct hn_ovs_scan s;
	char why[128];
	long long n;

	hn_ovs_scan_init(&s, "[1.5]", 5, strings);
	assert_int_equal(hn_ovs_scan_enter(&s, '['), 0);
	assert_int_equal(hn_ovs_scan_next(&s), 1);
	assert_int_equal(hn_ovs_scan_int(&s, &n), -EPROTO);
	assert_string_equal(hn_ovs_scan_error(&s, why, sizeof(why)),
			    "expected an integer, not a fraction at byte 1");
	/* every later call fails too */
	assert_int_equal(hn_ovs_scan_next(&s), -EPROTO);
}

/* Texts on both sides of every rule, each one judged as jansson judges it. */
static const char *const texts[] = {
    "{}",
    "[]",
    "[1,2]",
    "{\"a\":1}",
    "[\"\\u00e9\"]",
    "[\"\\ud83d\\ude00\"]",
    "[\"\xc3\xa9\"]",
    "[\"\xf4\x8f\xbf\xbf\"]",
    "[0, -0, 0.5, 1E+2, 1e-2]",
    "[true,false,null]",
    " [ 1 ] ",
    "[\"a\\/b\\b\\f\\n\\r\\t\"]",
    "{\"a\":1,\"a\":2}",
    /* refused */
    "[1,]",
    "[,1]",
    "{\"a\":1,}",
    "{\"a\" 1}",
    "{a:1}",
    "[01]",
    "[-]",
    "[1.]",
    "[.5]",
    "[1e]",
    "[+1]",
    "[\"a]",
    "[\"\\x\"]",
    "[\"\\u12\"]",
    "[\"\\u0000\"]",
    "[\"\\udc00\"]",
    "[\"\\ud800\"]",
    "[\"\\ud800\\u0041\"]",
    "[\"\x01\"]",
    "[\"\xc0\xaf\"]",
    "[\"\xed\xa0\x80\"]",
    "[\"\xf4\x90\x80\x80\"]",
    "[\"\xe2\x82\"]",
    "[\"\x80\"]",
    "[tru]",
    "[nul]",
    "[1] [2]",
    "[1}",
    "{\"a\":1]",
    "[",
    "",
    "  ",
    "[1 2]",
    "{\"a\":1 \"b\":2}",
    "[NaN]",
    "[Infinity]",
    "[0x10]",
};

static void accepts_what_jansson_accepts(void **unused)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		bool scanned = scan_all(texts[i]) == 0;

		if (scanned != jansson_takes(texts[i]))
			fail_msg("scanner %s, jansson %s: %s", scanned ? "takes" : "refuses",
				 scanned ? "refuses" : "takes", texts[i]);
	}
}

static void nesting_is_bounded(void **unused)
{
	char deep[2 * HN_OVS_SCAN_DEPTH + 8];
	size_t n = 0;

	for (int i = 0; i < HN_OVS_SCAN_DEPTH; i++)
		deep[n++] = '[';
	for (int i = 0; i < HN_OVS_SCAN_DEPTH; i++)
		deep[n++] = ']';
	deep[n] = '\0';
	assert_int_equal(scan_all(deep), 0);
	memmove(deep + 1, deep, n + 1);
	deep[0] = '[';
	strcat(deep, "]");
	assert_int_equal(scan_all(deep), -EPROTO);
}

/* Passing finds a value's end as skipping does, checking nothing but its bracket count. */
static void pass_finds_the_end(void **unused)
{
	static const char *const values[] = {
	    "{\"a\": [1, \"]}\\\"\", {}], \"b\": null}", "[]", "\"x\\\"y\"", "-12.5e3", "true",
	};
	struct hn_ovs_scan s, t;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char text[128];

		snprintf(text, sizeof(text), "[%s, 7]", values[i]);
		hn_ovs_scan_init(&s, text, strlen(text), strings);
		hn_ovs_scan_init(&t, text, strlen(text), strings);
		assert_int_equal(hn_ovs_scan_enter(&s, '['), 0);
		assert_int_equal(hn_ovs_scan_enter(&t, '['), 0);
		assert_int_equal(hn_ovs_scan_next(&s), 1);
		assert_int_equal(hn_ovs_scan_next(&t), 1);
		assert_int_equal(hn_ovs_scan_pass(&s), 0);
		assert_int_equal(hn_ovs_scan_skip(&t), 0);
		assert_int_equal(hn_ovs_scan_offset(&s), hn_ovs_scan_offset(&t));
	}
	/* not checked: a bad number, a bad escape */
	hn_ovs_scan_init(&s, "[01, \"\\q\"]", 10, strings);
	assert_int_equal(hn_ovs_scan_pass(&s), 0);
	/* but it must end */
	hn_ovs_scan_init(&s, "[[1]", 4, strings);
	assert_int_equal(hn_ovs_scan_pass(&s), -EPROTO);
	hn_ovs_scan_init(&s, "[\"]", 3, strings);
	assert_int_equal(hn_ovs_scan_pass(&s), -EPROTO);
}

static void errors_say_where(void **unused)
{
	struct hn_ovs_scan s;
	const char *text = "{\"a\": [1, 2,]}";
	char why[128];

	hn_ovs_scan_init(&s, text, strlen(text), strings);
	assert_null(hn_ovs_scan_error(&s, why, sizeof(why)));
	assert_int_equal(hn_ovs_scan_skip(&s), -EPROTO);
	assert_string_equal(hn_ovs_scan_error(&s, why, sizeof(why)), "a trailing ',' at byte 12");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(reads_what_it_is_asked_for),
	    cmocka_unit_test(integers_at_the_limits),
	    cmocka_unit_test(a_fraction_is_not_an_integer),
	    cmocka_unit_test(accepts_what_jansson_accepts),
	    cmocka_unit_test(nesting_is_bounded),
	    cmocka_unit_test(pass_finds_the_end),
	    cmocka_unit_test(errors_say_where),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
