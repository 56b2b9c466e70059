// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON-RPC client against a scripted server: replies in pieces, echo and notifications
 * interleaved, error replies, a server that hangs up or says nothing, absent servers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "fake_ovsdb.h"
#include "ovsdb_rpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static struct hn_ovs_rpc *rpc_on(struct fake_ovsdb *f, const struct fake_step *steps, size_t n,
				 int timeout_ms)
{
	struct hn_ovs_rpc *rpc;
	int sv[2];

	/* hostnet's end non-blocking, as hn_ovs_rpc_open makes it; the fake's end blocking. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	fake_ovsdb_start(f, sv[1], steps, n);
	assert_int_equal(hn_ovs_rpc_from_fd(sv[0], "unix:/fake", timeout_ms, &rpc), 0);
	return rpc;
}

static void finish(struct fake_ovsdb *f, struct hn_ovs_rpc *rpc, size_t steps)
{
	hn_ovs_rpc_close(rpc);
	assert_int_equal(fake_ovsdb_stop(f), steps);
	assert_string_equal(f->failure, "");
	fake_ovsdb_free(f);
}

static void call_gets_its_result(void **unused)
{
	static const struct fake_step steps[] = {
	    {.method = "echo", .reply = "{\"id\":@ID@,\"result\":[\"hi\"],\"error\":null}"},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc = rpc_on(&f, steps, 1, 2000);
	json_t *res;

	assert_int_equal(hn_ovs_rpc_call(rpc, "echo", json_pack("[s]", "hi"), &res), 0);
	assert_string_equal(json_string_value(json_array_get(res, 0)), "hi");
	json_decref(res);
	finish(&f, rpc, 1);
}

/* The recorded read reply arrives 7 bytes at a time, after an echo request and a
 * notification in the same stream: the echo is answered, the notification kept. */
static void reply_in_pieces_with_echo_and_notification_before_it(void **unused)
{
	char *raw = fake_data("seed.json");
	char *reply = malloc(strlen(raw) + 400);
	struct fake_step steps[] = {
	    {.method = "transact", .reply = reply, .chunk = 7},
	    {.method = "echo"}, /* the client's answer to the server's echo */
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc;
	json_t *res, *note, *echo_reply;

	snprintf(reply, strlen(raw) + 400,
		 "{\"id\":\"e1\",\"method\":\"echo\",\"params\":[]}"
		 "{\"id\":null,\"method\":\"update\",\"params\":[\"m\",{}]}"
		 "{\"id\":@ID@,\"result\":%s,\"error\":null}",
		 raw);
	steps[1].method = NULL;
	rpc = rpc_on(&f, steps, 2, 2000);
	assert_int_equal(hn_ovs_rpc_call(rpc, "transact", json_pack("[s]", "Open_vSwitch"), &res),
			 0);
	assert_int_equal(json_object_size(res), 4);
	json_decref(res);
	assert_int_equal(hn_ovs_rpc_notification(rpc, hn_ovs_now_ms() + 1000, &note), 0);
	assert_string_equal(json_string_value(json_object_get(note, "method")), "update");
	json_decref(note);
	hn_ovs_rpc_close(rpc);
	assert_int_equal(fake_ovsdb_stop(&f), 2);
	echo_reply = json_array_get(f.requests, 1);
	assert_string_equal(json_string_value(json_object_get(echo_reply, "id")), "e1");
	assert_true(json_is_array(json_object_get(echo_reply, "result")));
	fake_ovsdb_free(&f);
	free(reply);
	free(raw);
}

/* A stale reply with another id is skipped, not taken for ours. */
static void reply_with_other_id_is_skipped(void **unused)
{
	static const struct fake_step steps[] = {
	    {.method = "echo",
	     .reply = "{\"id\":999,\"result\":[\"old\"],\"error\":null}"
		      "{\"id\":@ID@,\"result\":[\"new\"],\"error\":null}"},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc = rpc_on(&f, steps, 1, 2000);
	json_t *res;

	assert_int_equal(hn_ovs_rpc_call(rpc, "echo", json_array(), &res), 0);
	assert_string_equal(json_string_value(json_array_get(res, 0)), "new");
	json_decref(res);
	finish(&f, rpc, 1);
}

/* Recorded from ovsdb-server 3.1 asked for a database it does not have. */
static void error_reply_shows_error_and_details(void **unused)
{
	static const struct fake_step steps[] = {
	    {.method = "transact",
	     .reply = "{\"id\":@ID@,\"result\":null,\"error\":{\"details\":\"transact request "
		      "specifies unknown database Nope\",\"error\":\"unknown database\","
		      "\"syntax\":\"[\\\"Nope\\\"]\"}}"},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc = rpc_on(&f, steps, 1, 2000);
	json_t *res;

	assert_int_equal(hn_ovs_rpc_call(rpc, "transact", json_pack("[s]", "Nope"), &res),
			 -EREMOTEIO);
	assert_null(res);
	assert_string_equal(hn_errmsg(), "ovsdb-server at unix:/fake refused `transact`: unknown "
					 "database: transact request specifies unknown database "
					 "Nope");
	finish(&f, rpc, 1);
}

/* The reply as text: in pieces, after an echo request (answered), a notification (kept), a
 * stale reply and a message whose method is no string (a reply then, as jansson reads it);
 * the result's span is the recorded one. */
static void text_reply_in_pieces_among_other_messages(void **unused)
{
	char *raw = fake_data("seed.json");
	size_t cap = strlen(raw) + 600;
	char *reply = malloc(cap);
	struct fake_step steps[] = {
	    {.method = "transact", .reply = reply, .chunk = 5},
	    {.method = NULL},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc;
	json_t *note, *want, *got;
	size_t off, len;
	char *text;

	snprintf(reply, cap,
		 "{\"id\":\"e1\",\"method\":\"echo\",\"params\":[]}"
		 "{\"id\":null,\"method\":\"update\",\"params\":[\"m\",{}]}"
		 "{\"id\":999,\"result\":[],\"error\":null}"
		 "{\"id\":1.5,\"method\":[],\"result\":[],\"error\":null}"
		 "{\"error\":{\"a\":1},\"id\":@ID@,\"result\":%s,\"error\":null}",
		 raw);
	rpc = rpc_on(&f, steps, 2, 2000);
	assert_int_equal(hn_ovs_rpc_call_text(rpc, "transact", json_pack("[s]", "Open_vSwitch"),
					      &text, &off, &len),
			 0);
	want = json_loads(raw, 0, NULL);
	got = json_loadb(text + off, len, 0, NULL);
	assert_non_null(got);
	assert_true(json_equal(want, got));
	assert_int_equal(text[strlen(text) - 1], '}');
	json_decref(want);
	json_decref(got);
	free(text);
	assert_int_equal(hn_ovs_rpc_notification(rpc, hn_ovs_now_ms() + 1000, &note), 0);
	json_decref(note);
	hn_ovs_rpc_close(rpc);
	assert_int_equal(fake_ovsdb_stop(&f), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(f.requests, 1), "id")),
			    "e1");
	fake_ovsdb_free(&f);
	free(reply);
	free(raw);
}

/* The request now, the reply later (the read asked before the config loads): an echo and
 * a notification that come first are handled as a call handles them. */
static void reply_taken_after_the_request_went_out(void **unused)
{
	static const struct fake_step steps[] = {
	    {.method = "transact",
	     .reply = "{\"id\":\"e1\",\"method\":\"echo\",\"params\":[]}"
		      "{\"id\":null,\"method\":\"update\",\"params\":[\"m\",{}]}"
		      "{\"id\":@ID@,\"result\":[{\"rows\":[]}],\"error\":null}"},
	    {.method = NULL},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc = rpc_on(&f, steps, 2, 2000);
	json_int_t id;
	size_t off, len;
	char *text;

	assert_int_equal(hn_ovs_rpc_send(rpc, "transact", json_pack("[s]", "Open_vSwitch"), &id),
			 0);
	assert_int_equal(id, 1);
	usleep(20 * 1000); /* the work meanwhile: the answer waits in the socket */
	assert_int_equal(hn_ovs_rpc_reply_text(rpc, "transact", id, &text, &off, &len), 0);
	assert_int_equal(len, strlen("[{\"rows\":[]}]"));
	assert_memory_equal(text + off, "[{\"rows\":[]}]", len);
	free(text);
	finish(&f, rpc, 2);
}

/* open_now waits for nothing: a server whose backlog is full (busy, or stopped) makes it
 * give up at once, where hn_ovs_rpc_open waits up to its timeout. */
static void open_now_does_not_wait(void **unused)
{
	char dir[] = "/tmp/hostnet-rpc-XXXXXX", addr[sizeof(struct sockaddr_un) + 8];
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0), filler[4];
	struct hn_ovs_rpc *rpc;
	int64_t t0;
	size_t n = 0;

	assert_non_null(mkdtemp(dir));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/db.sock", dir);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 0), 0);
	/* Fill the backlog: connections nobody accepts, until one would block. */
	while (n < 4) {
		filler[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect(filler[n], (struct sockaddr *)&sun, sizeof(sun)) < 0) {
			assert_int_equal(errno, EAGAIN);
			close(filler[n]);
			break;
		}
		n++;
	}
	assert_true(n < 4);
	snprintf(addr, sizeof(addr), "unix:%s", sun.sun_path);
	t0 = hn_ovs_now_ms();
	assert_int_equal(hn_ovs_rpc_open_now(addr, 5000, &rpc), -ETIMEDOUT);
	assert_null(rpc);
	assert_true(hn_ovs_now_ms() - t0 < 50);
	t0 = hn_ovs_now_ms();
	assert_int_equal(hn_ovs_rpc_open(addr, 300, &rpc), -ETIMEDOUT);
	assert_true(hn_ovs_now_ms() - t0 >= 300);
	assert_string_equal(strstr(hn_errmsg(), "no connection"), "no connection within 300 ms");
	while (n)
		close(filler[--n]);
	close(lfd);
	unlink(sun.sun_path);
	rmdir(dir);
}

static void text_reply_refused_or_malformed(void **unused)
{
	static const struct fake_step refused[] = {
	    {.method = "transact",
	     .reply = "{\"id\":@ID@,\"result\":null,\"error\":{\"error\":\"unknown database\","
		      "\"details\":\"no Nope\"}}"},
	};
	static const struct fake_step malformed[] = {
	    {.method = "transact", .reply = "{\"id\":@ID@,\"result\":[1,],\"error\":nul}"},
	};
	static const struct fake_step no_result[] = {
	    {.method = "transact", .reply = "{\"id\":@ID@,\"error\":null}"},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc;
	size_t off, len;
	char *text;

	rpc = rpc_on(&f, refused, 1, 2000);
	assert_int_equal(hn_ovs_rpc_call_text(rpc, "transact", json_array(), &text, &off, &len),
			 -EREMOTEIO);
	assert_null(text);
	assert_string_equal(hn_errmsg(), "ovsdb-server at unix:/fake refused `transact`: unknown "
					 "database: no Nope");
	finish(&f, rpc, 1);
	rpc = rpc_on(&f, malformed, 1, 2000);
	assert_int_equal(hn_ovs_rpc_call_text(rpc, "transact", json_array(), &text, &off, &len),
			 -EPROTO);
	assert_non_null(strstr(hn_errmsg(), "expected a value"));
	finish(&f, rpc, 1);
	rpc = rpc_on(&f, no_result, 1, 2000);
	assert_int_equal(hn_ovs_rpc_call_text(rpc, "transact", json_array(), &text, &off, &len),
			 -EPROTO);
	assert_non_null(strstr(hn_errmsg(), "without a result"));
	finish(&f, rpc, 1);
}

static void closed_in_the_middle_of_a_reply(void **unused)
{
	static const struct fake_step steps[] = {
	    {.method = "transact",
	     .reply = "{\"id\":@ID@,\"result\":[{\"rows\":[",
	     .hang_up = true},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc = rpc_on(&f, steps, 1, 2000);
	json_t *res;

	assert_int_equal(hn_ovs_rpc_call(rpc, "transact", json_array(), &res), -ECONNRESET);
	assert_string_equal(hn_errmsg(), "ovsdb-server at unix:/fake closed the connection in "
					 "the middle of its reply to `transact`");
	finish(&f, rpc, 1);
}

static void closed_before_replying(void **unused)
{
	static const struct fake_step steps[] = {
	    {.method = "transact", .hang_up = true},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc = rpc_on(&f, steps, 1, 2000);
	json_t *res;

	assert_int_equal(hn_ovs_rpc_call(rpc, "transact", json_array(), &res), -ECONNRESET);
	assert_string_equal(hn_errmsg(), "ovsdb-server at unix:/fake closed the connection "
					 "before its reply to `transact`");
	finish(&f, rpc, 1);
}

static void malformed_reply(void **unused)
{
	static const struct fake_step steps[] = {
	    {.method = "transact", .reply = "{\"id\":@ID@,\"result\":[}", .then_wait = true},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc = rpc_on(&f, steps, 1, 2000);
	json_t *res;

	assert_int_equal(hn_ovs_rpc_call(rpc, "transact", json_array(), &res), -EPROTO);
	assert_non_null(strstr(hn_errmsg(), "sent something that is not JSON-RPC"));
	assert_non_null(strstr(hn_errmsg(), "malformed JSON"));
	finish(&f, rpc, 1);
}

static void silent_server_times_out(void **unused)
{
	static const struct fake_step steps[] = {
	    {.method = "transact", .then_wait = true},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc = rpc_on(&f, steps, 1, 150);
	int64_t t0 = hn_ovs_now_ms(), took;
	json_t *res;

	assert_int_equal(hn_ovs_rpc_call(rpc, "transact", json_array(), &res), -ETIMEDOUT);
	took = hn_ovs_now_ms() - t0;
	assert_true(took >= 140 && took < 1000);
	assert_string_equal(hn_errmsg(), "ovsdb-server at unix:/fake did not answer `transact` "
					 "within 150 ms");
	finish(&f, rpc, 1);
}

static void notification_wait_is_bounded(void **unused)
{
	static const struct fake_step steps[] = {
	    {.method = "monitor",
	     .reply = "{\"id\":@ID@,\"result\":{},\"error\":null}",
	     .then_wait = true},
	};
	struct fake_ovsdb f;
	struct hn_ovs_rpc *rpc = rpc_on(&f, steps, 1, 2000);
	json_t *res, *note;
	int64_t t0;

	assert_int_equal(hn_ovs_rpc_call(rpc, "monitor", json_array(), &res), 0);
	json_decref(res);
	t0 = hn_ovs_now_ms();
	assert_int_equal(hn_ovs_rpc_notification(rpc, t0 + 100, &note), -ETIMEDOUT);
	assert_null(note);
	assert_true(hn_ovs_now_ms() - t0 < 1000);
	finish(&f, rpc, 1);
}

static void absent_socket(void **unused)
{
	struct hn_ovs_rpc *rpc;

	assert_int_equal(hn_ovs_rpc_open("unix:/nonexistent/hostnet-test.sock", 1000, &rpc),
			 -ENOENT);
	assert_null(rpc);
	assert_string_equal(hn_errmsg(),
			    "cannot reach ovsdb-server at unix:/nonexistent/hostnet-test.sock: "
			    "no such socket (is ovsdb-server running? --ovsdb names another "
			    "socket)");
}

/* A socket file nobody listens on: what a killed ovsdb-server leaves behind. */
static void socket_without_server_is_refused(void **unused)
{
	char dir[] = "/tmp/hostnet-rpc-XXXXXX", path[64], addr[80];
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct hn_ovs_rpc *rpc;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/db.sock", dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	snprintf(addr, sizeof(addr), "unix:%s", path);
	assert_int_equal(hn_ovs_rpc_open(addr, 1000, &rpc), -ECONNREFUSED);
	assert_non_null(strstr(hn_errmsg(), "Connection refused (is ovsdb-server running?"));
	unlink(path);
	rmdir(dir);
}

static void bad_address(void **unused)
{
	struct hn_ovs_rpc *rpc;

	assert_int_equal(hn_ovs_rpc_open("ssl:1.2.3.4:6640", 1000, &rpc), -EINVAL);
	assert_string_equal(hn_errmsg(), "--ovsdb ssl:1.2.3.4:6640: expected unix:PATH or "
					 "tcp:IP:PORT");
	assert_int_equal(hn_ovs_rpc_open("tcp:db.example:6640", 1000, &rpc), -EINVAL);
	assert_int_equal(hn_ovs_rpc_open("unix:", 1000, &rpc), -EINVAL);
}

/* tcp:IP:PORT reaches a listener on the loopback. */
static void tcp_connects(void **unused)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	socklen_t len = sizeof(sin);
	int lfd = socket(AF_INET, SOCK_STREAM, 0), cfd;
	struct hn_ovs_rpc *rpc;
	char addr[64];

	assert_int_equal(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
	snprintf(addr, sizeof(addr), "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
	assert_int_equal(hn_ovs_rpc_open(addr, 1000, &rpc), 0);
	cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	hn_ovs_rpc_close(rpc);
	close(cfd);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(call_gets_its_result),
	    cmocka_unit_test(reply_in_pieces_with_echo_and_notification_before_it),
	    cmocka_unit_test(reply_with_other_id_is_skipped),
	    cmocka_unit_test(error_reply_shows_error_and_details),
	    cmocka_unit_test(text_reply_in_pieces_among_other_messages),
	    cmocka_unit_test(reply_taken_after_the_request_went_out),
	    cmocka_unit_test(text_reply_refused_or_malformed),
	    cmocka_unit_test(closed_in_the_middle_of_a_reply),
	    cmocka_unit_test(closed_before_replying),
	    cmocka_unit_test(malformed_reply),
	    cmocka_unit_test(silent_server_times_out),
	    cmocka_unit_test(notification_wait_is_bounded),
	    cmocka_unit_test(absent_socket),
	    cmocka_unit_test(socket_without_server_is_refused),
	    cmocka_unit_test(open_now_does_not_wait),
	    cmocka_unit_test(bad_address),
	    cmocka_unit_test(tcp_connects),
	};

	return cmocka_run_group_tests_name("hn_ovs_rpc", tests, NULL, NULL);
}
