// SPDX-License-Identifier: GPL-2.0-or-later
/* The plugin output: status ranking, the status line with perfdata, the JSON document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "checks.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *print(const struct hn_verify_checks *c, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		assert_int_equal(hn_verify_checks_print_json(f, c, 0.3142), 0);
	else
		hn_verify_checks_print(f, c, 0.3142);
	fclose(f);
	return buf;
}

static void all_ok_prints_the_plugin_line(void **unused)
{
	struct hn_verify_checks c = {0};
	char *out;

	for (int i = 0; i < 57; i++)
		assert_int_equal(hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "x", "y", "z%d", i),
				 0);
	assert_int_equal(hn_verify_checks_status(&c), HN_VERIFY_CHECK_OK);
	out = print(&c, false);
	assert_true(strncmp(out,
			    "HOSTNET OK - 57 checks | checks=57 failed=0 time=0.314s\n"
			    "OK       x: expected y, found z0\n",
			    strlen("HOSTNET OK - 57 checks | checks=57 failed=0 time=0.314s\n"
				   "OK       x: expected y, found z0\n")) == 0);
	free(out);
	hn_verify_checks_free(&c);
}

static void worst_status_wins_and_is_named_first(void **unused)
{
	struct hn_verify_checks c = {0};
	char *out;

	hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "a", "e", "f");
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_UNKNOWN, "ovs state", "e", "f");
	assert_int_equal(hn_verify_checks_status(&c), HN_VERIFY_CHECK_UNKNOWN);
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_WARNING, "w", "e", "f");
	assert_int_equal(hn_verify_checks_status(&c), HN_VERIFY_CHECK_WARNING);
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_CRITICAL, "vlan 10 isolation", "e",
			     "f | with a pipe");
	assert_int_equal(hn_verify_checks_status(&c), HN_VERIFY_CHECK_CRITICAL);
	assert_int_equal(hn_verify_checks_failed(&c), 3);
	out = print(&c, false);
	/* CRITICAL first, then WARNING, then UNKNOWN; a '|' never reaches plugin output. */
	assert_non_null(strstr(out, "HOSTNET CRITICAL - 3 of 4 checks failed: vlan 10 isolation, "
				    "w, ovs state | checks=4 failed=3 time=0.314s\n"));
	assert_non_null(strstr(out, "CRITICAL vlan 10 isolation: expected e, found f   with a "
				    "pipe\n"));
	free(out);
	hn_verify_checks_free(&c);
}

static void many_failures_are_counted_not_listed(void **unused)
{
	struct hn_verify_checks c = {0};
	char *out;

	for (int i = 0; i < 5; i++)
		hn_verify_checks_add(&c, HN_VERIFY_CHECK_CRITICAL, "n", "e", "f");
	out = print(&c, false);
	assert_non_null(strstr(out, "5 of 5 checks failed: n, n, n and 2 more |"));
	free(out);
	hn_verify_checks_free(&c);
}

static void no_check_at_all_is_unknown(void **unused)
{
	struct hn_verify_checks c = {0};
	char *out = print(&c, false);

	assert_int_equal(hn_verify_checks_status(&c), HN_VERIFY_CHECK_UNKNOWN);
	assert_string_equal(out, "HOSTNET UNKNOWN - no check could run | checks=0 failed=0 "
				 "time=0.314s\n");
	free(out);
}

static void json_is_one_document_with_every_check(void **unused)
{
	struct hn_verify_checks c = {0};
	json_error_t err;
	json_t *doc;
	char *out;

	hn_verify_checks_add(&c, HN_VERIFY_CHECK_OK, "trunk vlansext", "VLANs 10,20 tagged",
			     "10,20 tagged");
	hn_verify_checks_add(&c, HN_VERIFY_CHECK_CRITICAL, "port brint", "as configured",
			     "differs: tag 10 -> 99");
	out = print(&c, true);
	doc = json_loads(out, 0, &err);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "status")), "CRITICAL");
	assert_int_equal(json_integer_value(json_object_get(doc, "exit")), 2);
	assert_int_equal(json_integer_value(json_object_get(doc, "checks")), 2);
	assert_int_equal(json_integer_value(json_object_get(doc, "failed")), 1);
	json_t *r = json_array_get(json_object_get(doc, "results"), 1);

	assert_string_equal(json_string_value(json_object_get(r, "name")), "port brint");
	assert_string_equal(json_string_value(json_object_get(r, "found")),
			    "differs: tag 10 -> 99");
	json_decref(doc);
	free(out);
	hn_verify_checks_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(all_ok_prints_the_plugin_line),
	    cmocka_unit_test(worst_status_wins_and_is_named_first),
	    cmocka_unit_test(many_failures_are_counted_not_listed),
	    cmocka_unit_test(no_check_at_all_is_unknown),
	    cmocka_unit_test(json_is_one_document_with_every_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
