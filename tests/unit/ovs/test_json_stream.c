// SPDX-License-Identifier: GPL-2.0-or-later
/* Framing of a JSON-RPC stream: split, merged and malformed messages, on recorded traffic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_ovsdb.h"
#include "json_stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char err[256];

static void feed(struct hn_ovs_json_stream *s, const char *text)
{
	assert_int_equal(hn_ovs_json_stream_feed(s, text, strlen(text)), 0);
}

static json_t *next_ok(struct hn_ovs_json_stream *s)
{
	json_t *m = NULL;

	assert_int_equal(hn_ovs_json_stream_next(s, &m, err, sizeof(err)), 1);
	assert_non_null(m);
	return m;
}

static void assert_none(struct hn_ovs_json_stream *s)
{
	json_t *m = (json_t *)1;

	assert_int_equal(hn_ovs_json_stream_next(s, &m, err, sizeof(err)), 0);
	assert_null(m);
}

static void one_message_one_read(void **unused)
{
	struct hn_ovs_json_stream s;
	json_t *m;

	hn_ovs_json_stream_init(&s);
	feed(&s, "{\"id\":1,\"result\":[],\"error\":null}");
	m = next_ok(&s);
	assert_int_equal(json_integer_value(json_object_get(m, "id")), 1);
	json_decref(m);
	assert_none(&s);
	assert_false(hn_ovs_json_stream_partial(&s));
	hn_ovs_json_stream_free(&s);
}

static void merged_messages_in_one_read(void **unused)
{
	struct hn_ovs_json_stream s;
	json_t *m;

	hn_ovs_json_stream_init(&s);
	feed(&s, "{\"id\":1,\"result\":{}}\n {\"id\":null,\"method\":\"update\",\"params\":[]}"
		 "{\"id\":2,\"result\":[1,{\"a\":[2]}]}\r\n");
	m = next_ok(&s);
	assert_int_equal(json_integer_value(json_object_get(m, "id")), 1);
	json_decref(m);
	m = next_ok(&s);
	assert_string_equal(json_string_value(json_object_get(m, "method")), "update");
	json_decref(m);
	m = next_ok(&s);
	assert_int_equal(json_integer_value(json_object_get(m, "id")), 2);
	json_decref(m);
	assert_none(&s);
	hn_ovs_json_stream_free(&s);
}

/* Braces and brackets inside strings, escaped quotes and backslashes do not count. */
static void brackets_inside_strings(void **unused)
{
	static const char text[] = "{\"a\":\"}]{[\\\"}\",\"b\":\"\\\\\",\"c\":\"\\\\\\\"{\"}";
	struct hn_ovs_json_stream s;
	json_t *m;

	hn_ovs_json_stream_init(&s);
	for (size_t i = 0; i < strlen(text) - 1; i++) {
		assert_int_equal(hn_ovs_json_stream_feed(&s, text + i, 1), 0);
		assert_none(&s);
		assert_true(hn_ovs_json_stream_partial(&s));
	}
	feed(&s, text + strlen(text) - 1);
	m = next_ok(&s);
	assert_string_equal(json_string_value(json_object_get(m, "a")), "}]{[\"}");
	assert_string_equal(json_string_value(json_object_get(m, "b")), "\\");
	assert_string_equal(json_string_value(json_object_get(m, "c")), "\\\"{");
	json_decref(m);
	hn_ovs_json_stream_free(&s);
}

/* Recorded traffic of a real ovsdb-server (a read reply, a monitor reply and an update
 * notification back to back), cut at every chunk size from 1 byte up: the same three
 * messages come out whatever the cut. */
static void recorded_traffic_any_split(void **unused)
{
	char *raw = fake_data("traffic.raw");
	size_t len = strlen(raw);
	json_t *whole[3];
	struct hn_ovs_json_stream s;

	hn_ovs_json_stream_init(&s);
	feed(&s, raw);
	for (int i = 0; i < 3; i++)
		whole[i] = next_ok(&s);
	assert_none(&s);
	hn_ovs_json_stream_free(&s);
	assert_string_equal(json_string_value(json_object_get(whole[2], "method")), "update");

	for (size_t chunk = 1; chunk <= len; chunk += chunk < 64 ? 1 : 97) {
		size_t got = 0;

		hn_ovs_json_stream_init(&s);
		for (size_t off = 0; off < len; off += chunk) {
			size_t n = off + chunk > len ? len - off : chunk;
			json_t *m;
			int r;

			assert_int_equal(hn_ovs_json_stream_feed(&s, raw + off, n), 0);
			while ((r = hn_ovs_json_stream_next(&s, &m, err, sizeof(err))) == 1) {
				assert_true(got < 3);
				assert_true(json_equal(m, whole[got]));
				got++;
				json_decref(m);
			}
			assert_int_equal(r, 0);
		}
		assert_int_equal(got, 3);
		assert_false(hn_ovs_json_stream_partial(&s));
		hn_ovs_json_stream_free(&s);
	}
	for (int i = 0; i < 3; i++)
		json_decref(whole[i]);
	free(raw);
}

static void malformed_message_is_an_error(void **unused)
{
	struct hn_ovs_json_stream s;
	json_t *m;

	hn_ovs_json_stream_init(&s);
	feed(&s, "{\"id\":1,\"result\":}{\"id\":2}");
	assert_int_equal(hn_ovs_json_stream_next(&s, &m, err, sizeof(err)), -EPROTO);
	assert_null(m);
	assert_non_null(strstr(err, "malformed JSON"));
	/* No resync on a stream that lied once: the next message is not trusted either. */
	assert_int_equal(hn_ovs_json_stream_next(&s, &m, err, sizeof(err)), -EPROTO);
	hn_ovs_json_stream_free(&s);
}

static void garbage_between_messages_is_an_error(void **unused)
{
	struct hn_ovs_json_stream s;
	json_t *m;

	hn_ovs_json_stream_init(&s);
	feed(&s, "{\"id\":1} HTTP/1.1 400");
	m = next_ok(&s);
	json_decref(m);
	assert_int_equal(hn_ovs_json_stream_next(&s, &m, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, "0x48"));
	hn_ovs_json_stream_free(&s);
}

static void mismatched_brackets_are_an_error(void **unused)
{
	struct hn_ovs_json_stream s;
	json_t *m;

	hn_ovs_json_stream_init(&s);
	feed(&s, "{\"a\":[1}]");
	assert_int_equal(hn_ovs_json_stream_next(&s, &m, err, sizeof(err)), -EPROTO);
	hn_ovs_json_stream_free(&s);
}

static void partial_message_is_held(void **unused)
{
	struct hn_ovs_json_stream s;
	json_t *m;

	hn_ovs_json_stream_init(&s);
	feed(&s, "  {\"id\":7,\"res");
	assert_none(&s);
	assert_true(hn_ovs_json_stream_partial(&s));
	feed(&s, "ult\":\"x\"}");
	m = next_ok(&s);
	assert_string_equal(json_string_value(json_object_get(m, "result")), "x");
	json_decref(m);
	assert_false(hn_ovs_json_stream_partial(&s));
	hn_ovs_json_stream_free(&s);
}

/* Many messages through one stream: consumed bytes are dropped, the buffer stays small. */
static void buffer_does_not_grow_without_bound(void **unused)
{
	struct hn_ovs_json_stream s;

	hn_ovs_json_stream_init(&s);
	for (int i = 0; i < 20000; i++) {
		json_t *m;

		feed(&s, "{\"id\":null,\"method\":\"update\",\"params\":[\"x\",{}]}");
		m = next_ok(&s);
		json_decref(m);
	}
	assert_true(s.cap <= 8192);
	hn_ovs_json_stream_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(one_message_one_read),
	    cmocka_unit_test(merged_messages_in_one_read),
	    cmocka_unit_test(brackets_inside_strings),
	    cmocka_unit_test(recorded_traffic_any_split),
	    cmocka_unit_test(malformed_message_is_an_error),
	    cmocka_unit_test(garbage_between_messages_is_an_error),
	    cmocka_unit_test(mismatched_brackets_are_an_error),
	    cmocka_unit_test(partial_message_is_held),
	    cmocka_unit_test(buffer_does_not_grow_without_bound),
	};

	return cmocka_run_group_tests_name("hn_ovs_json_stream", tests, NULL, NULL);
}
