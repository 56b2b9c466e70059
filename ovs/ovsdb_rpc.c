// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON-RPC over a stream socket to ovsdb-server (or ovs-vswitchd's control socket): connect,
 * call, notifications, timeouts. */
#include "ovsdb_rpc.h"
#include "error.h"
#include "json_scan.h"
#include "json_stream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct hn_ovs_rpc {
	int fd;
	const char *peer; /* the daemon, for messages: "ovsdb-server" */
	char *name;	  /* the address as given, for messages */
	int timeout_ms;
	json_int_t next_id;
	struct hn_ovs_json_stream in;
	json_t *pending;      /* notifications received while waiting for a reply */
	struct timespec sent; /* the last request's: -v says how long the daemon took */
};

double hn_ovs_rpc_since_sent(const struct hn_ovs_rpc *rpc)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - rpc->sent.tv_sec) * 1e3 +
	       (double)(now.tv_nsec - rpc->sent.tv_nsec) / 1e6;
}

int64_t hn_ovs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - hn_ovs_now_ms();
		struct pollfd p = {.fd = fd, .events = events};
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

/* "tcp:IP:PORT" (IPv6 as [ADDR]:PORT) into a sockaddr; numeric only, no DNS at boot. */
static int tcp_address(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(spec, ':');
	size_t hl;
	int r;

	if (!colon || colon == spec || colon[1] == '\0')
		return -EINVAL;
	hl = (size_t)(colon - spec);
	if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']') {
		spec++;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	r = getaddrinfo(host, colon + 1, &hints, &ai);
	if (r != 0 || !ai)
		return -EINVAL;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static int connect_error(const char *peer, const char *addr, int err, int timeout_ms)
{
	const char *hint = "";

	if (err == ETIMEDOUT)
		return hn_err(-ETIMEDOUT, "cannot reach %s at %s: no connection within %d ms", peer,
			      addr, timeout_ms);
	if ((err == ENOENT || err == ECONNREFUSED) && strcmp(peer, "ovsdb-server") == 0)
		hint = " (is ovsdb-server running? --ovsdb names another socket)";
	else if (err == ENOENT || err == ECONNREFUSED)
		hint = " (is it running?)";
	else if (err == EACCES || err == EPERM)
		hint = " (hostnet needs root)";
	return hn_err(-err, "cannot reach %s at %s: %s%s", peer, addr,
		      err == ENOENT ? "no such socket" : strerror(err), hint);
}

/* Non-blocking connect, finished or given up by deadline. A unix socket whose listener's
 * backlog is full says EAGAIN (try again a little later); TCP says EINPROGRESS. */
static int connect_bounded(int fd, const struct sockaddr *sa, socklen_t len, int64_t deadline)
{
	struct timespec pause = {0, 10 * 1000 * 1000};
	socklen_t el;
	int err, r;

	while (connect(fd, sa, len) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			if (hn_ovs_now_ms() >= deadline)
				return -ETIMEDOUT;
			nanosleep(&pause, NULL);
			continue;
		}
		if (errno != EINPROGRESS)
			return -errno;
		r = wait_fd(fd, POLLOUT, deadline);
		if (r < 0)
			return r;
		el = sizeof(err);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			return -errno;
		return err ? -err : 0;
	}
	return 0;
}

/* Connect within connect_ms; the connection's calls are bounded by timeout_ms. */
static int open_bounded(const char *addr, const char *peer, int connect_ms, int timeout_ms,
			struct hn_ovs_rpc **out)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int64_t deadline = hn_ovs_now_ms() + connect_ms;
	int fd, r;

	*out = NULL;
	if (strncmp(addr, "unix:", 5) == 0) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
		size_t pl = strlen(addr + 5);

		if (pl == 0 || pl >= sizeof(sun->sun_path))
			return hn_err(-EINVAL,
				      "--ovsdb %s: the socket path must have 1 to %zu bytes", addr,
				      sizeof(sun->sun_path) - 1);
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, addr + 5, pl);
		len = (socklen_t)sizeof(*sun);
	} else if (strncmp(addr, "tcp:", 4) != 0 || tcp_address(addr + 4, &ss, &len) < 0) {
		return hn_err(-EINVAL, "--ovsdb %s: expected unix:PATH or tcp:IP:PORT", addr);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return hn_err(-errno, "socket: %s", strerror(errno));
	r = connect_bounded(fd, (struct sockaddr *)&ss, len, deadline);
	if (r < 0) {
		close(fd);
		return connect_error(peer, addr, -r, connect_ms);
	}
	r = hn_ovs_rpc_from_fd(fd, addr, timeout_ms, out);
	if (r < 0)
		close(fd);
	else
		(*out)->peer = peer;
	return r;
}

int hn_ovs_rpc_open(const char *addr, int timeout_ms, struct hn_ovs_rpc **out)
{
	return open_bounded(addr, "ovsdb-server", timeout_ms, timeout_ms, out);
}

int hn_ovs_rpc_open_peer(const char *addr, const char *peer, int timeout_ms,
			 struct hn_ovs_rpc **out)
{
	return open_bounded(addr, peer, timeout_ms, timeout_ms, out);
}

int hn_ovs_rpc_open_now(const char *addr, int timeout_ms, struct hn_ovs_rpc **out)
{
	return open_bounded(addr, "ovsdb-server", 0, timeout_ms, out);
}

int hn_ovs_rpc_from_fd(int fd, const char *name, int timeout_ms, struct hn_ovs_rpc **out)
{
	struct hn_ovs_rpc *rpc = calloc(1, sizeof(*rpc));

	*out = NULL;
	if (!rpc || !(rpc->name = strdup(name)) || !(rpc->pending = json_array())) {
		if (rpc)
			free(rpc->name);
		free(rpc);
		return hn_err(-ENOMEM, "out of memory");
	}
	rpc->fd = fd;
	rpc->peer = "ovsdb-server";
	rpc->timeout_ms = timeout_ms;
	hn_ovs_json_stream_init(&rpc->in);
	*out = rpc;
	return 0;
}

void hn_ovs_rpc_close(struct hn_ovs_rpc *rpc)
{
	if (!rpc)
		return;
	if (rpc->fd >= 0)
		close(rpc->fd);
	hn_ovs_json_stream_free(&rpc->in);
	json_decref(rpc->pending);
	free(rpc->name);
	free(rpc);
}

const char *hn_ovs_rpc_name(const struct hn_ovs_rpc *rpc)
{
	return rpc->name;
}

int hn_ovs_rpc_timeout(const struct hn_ovs_rpc *rpc)
{
	return rpc->timeout_ms;
}

const char *hn_ovs_error_text(const json_t *error, char *buf, size_t len)
{
	const char *e = json_string_value(json_object_get(error, "error"));
	const char *d = json_string_value(json_object_get(error, "details"));

	if (!e && json_is_string(error))
		e = json_string_value(error);
	if (!e) {
		char *dump = json_dumps(error, JSON_COMPACT);

		snprintf(buf, len, "%s", dump ? dump : "unknown error");
		free(dump);
		return buf;
	}
	snprintf(buf, len, "%s%s%s", e, d && *d ? ": " : "", d && *d ? d : "");
	return buf;
}

static int not_json_rpc(struct hn_ovs_rpc *rpc, int r, const char *what, const char *why)
{
	return hn_err(
	    r, "%s at %s sent something that is not JSON-RPC while hostnet waited for %s: %s",
	    rpc->peer, rpc->name, what, why);
}

static int send_msg(struct hn_ovs_rpc *rpc, json_t *msg, const char *method, int64_t deadline)
{
	char *text = json_dumps(msg, JSON_COMPACT);
	size_t len, off = 0;
	int r = 0;

	if (!text)
		return hn_err(-ENOMEM, "out of memory encoding `%s` for %s", method, rpc->peer);
	len = strlen(text);
	while (off < len) {
		ssize_t n = send(rpc->fd, text + off, len - off, MSG_NOSIGNAL);

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			r = wait_fd(rpc->fd, POLLOUT, deadline);
			if (r == -ETIMEDOUT) {
				r = hn_err(r, "%s at %s did not take `%s` within %d ms", rpc->peer,
					   rpc->name, method, rpc->timeout_ms);
				break;
			}
			if (r < 0)
				break;
			continue;
		}
		r = hn_err(-errno, "%s at %s: sending `%s`: %s%s", rpc->peer, rpc->name, method,
			   strerror(errno),
			   errno == EPIPE || errno == ECONNRESET
			       ? " (the server closed the connection)"
			       : "");
		break;
	}
	free(text);
	return r;
}

/* The next message off the wire as bytes, whatever it is, waiting until deadline (valid until
 * the next receive). `what` says what was awaited, for messages. */
static int recv_raw(struct hn_ovs_rpc *rpc, int64_t deadline, const char *what, const char **text,
		    size_t *len)
{
	char err[256];

	for (;;) {
		char buf[65536];
		ssize_t n;
		int r = hn_ovs_json_stream_next_raw(&rpc->in, text, len, err, sizeof(err));

		if (r > 0)
			return 0;
		if (r < 0)
			return hn_err(r,
				      "%s at %s sent something that is not JSON-RPC while "
				      "hostnet waited for %s: %s",
				      rpc->peer, rpc->name, what, err);
		n = recv(rpc->fd, buf, sizeof(buf), 0);
		if (n > 0) {
			r = hn_ovs_json_stream_feed(&rpc->in, buf, (size_t)n);
			if (r < 0)
				return hn_err(
				    r, "%s at %s: %s while waiting for %s", rpc->peer, rpc->name,
				    r == -EMSGSIZE ? "a message over 64 MiB" : "out of memory",
				    what);
			continue;
		}
		if (n == 0)
			return hn_err(-ECONNRESET, "%s at %s closed the connection %s %s",
				      rpc->peer, rpc->name,
				      hn_ovs_json_stream_partial(&rpc->in) ? "in the middle of"
									   : "before",
				      what);
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return hn_err(-errno, "%s at %s: reading %s: %s", rpc->peer, rpc->name,
				      what, strerror(errno));
		r = wait_fd(rpc->fd, POLLIN, deadline);
		if (r == -ETIMEDOUT)
			return r; /* the caller knows what to call it */
		if (r < 0)
			return hn_err(r, "%s at %s: waiting for %s: %s", rpc->peer, rpc->name, what,
				      strerror(-r));
	}
}

/* The next message off the wire, parsed. */
static int recv_msg(struct hn_ovs_rpc *rpc, int64_t deadline, const char *what, json_t **msg)
{
	const char *text;
	char err[256];
	size_t len;
	int r = recv_raw(rpc, deadline, what, &text, &len);

	if (r < 0)
		return r;
	r = hn_ovs_json_stream_parse(&rpc->in, text, len, msg, err, sizeof(err));
	return r < 0 ? not_json_rpc(rpc, r, what, err) : 0;
}

/* Requests the server makes of us: answer "echo" (its liveness probe), queue
 * notifications. 1 when msg was one of those (and is consumed), 0 when it is a reply. */
static int handle_request(struct hn_ovs_rpc *rpc, json_t *msg, int64_t deadline)
{
	const char *method = json_string_value(json_object_get(msg, "method"));
	json_t *id = json_object_get(msg, "id");

	if (!method)
		return 0;
	if (id && !json_is_null(id)) {
		json_t *reply;
		int r = 0;

		if (strcmp(method, "echo") == 0)
			reply = json_pack("{s:O, s:O, s:n}", "id", id, "result",
					  json_object_get(msg, "params"), "error");
		else
			reply = json_pack("{s:O, s:n, s:s}", "id", id, "result", "error",
					  "unknown method");
		if (reply)
			r = send_msg(rpc, reply, "an echo reply", deadline);
		json_decref(reply);
		json_decref(msg);
		return r < 0 ? r : 1;
	}
	if (json_array_append_new(rpc->pending, msg) < 0)
		return hn_err(-ENOMEM, "out of memory");
	return 1;
}

/* Send {"method", "params", "id"}; params is stolen. The id in *id. */
static int send_request(struct hn_ovs_rpc *rpc, const char *method, json_t *params,
			int64_t deadline, json_int_t *id)
{
	json_t *req;
	int r;

	*id = ++rpc->next_id;
	req = json_pack("{s:s, s:o, s:I}", "method", method, "params", params, "id", *id);
	if (!req)
		return hn_err(-ENOMEM, "out of memory building `%s`", method);
	hn_debug("ovsdb: -> %s (id %lld)", method, (long long)*id);
	clock_gettime(CLOCK_MONOTONIC, &rpc->sent);
	r = send_msg(rpc, req, method, deadline);
	json_decref(req);
	return r;
}

/* Send a call's request (params stolen): its deadline, its id, and what its reply is called
 * in messages (what: 128 bytes). */
static int start_call(struct hn_ovs_rpc *rpc, const char *method, json_t *params, int64_t *deadline,
		      json_int_t *id, char *what)
{
	*deadline = hn_ovs_now_ms() + rpc->timeout_ms;
	snprintf(what, 128, "its reply to `%s`", method);
	return send_request(rpc, method, params, *deadline, id);
}

static int refused(struct hn_ovs_rpc *rpc, const char *method, const json_t *err)
{
	char text[512];

	return hn_err(-EREMOTEIO, "%s at %s refused `%s`: %s", rpc->peer, rpc->name, method,
		      hn_ovs_error_text(err, text, sizeof(text)));
}

static int no_result(struct hn_ovs_rpc *rpc, const char *method)
{
	return hn_err(-EPROTO, "%s at %s answered `%s` without a result", rpc->peer, rpc->name,
		      method);
}

static int timed_out(struct hn_ovs_rpc *rpc, const char *method)
{
	return hn_err(-ETIMEDOUT, "%s at %s did not answer `%s` within %d ms", rpc->peer, rpc->name,
		      method, rpc->timeout_ms);
}

/* What a reply's envelope says, read without parsing its result. */
struct envelope {
	bool request;	    /* its method is a string: the server asks something */
	bool ours;	    /* its id is the call's */
	const char *result; /* the span of "result", NULL when absent */
	size_t result_len;
	const char *error; /* the span of a non-null "error", NULL when none */
	size_t error_len;
};

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static int read_envelope(const char *text, size_t len, json_int_t id, char *strings,
			 struct envelope *e, char *why, size_t whylen)
{
	struct hn_ovs_scan s;
	const char *key;
	int r;

	memset(e, 0, sizeof(*e));
	hn_ovs_scan_init(&s, text, len, strings);
	r = hn_ovs_scan_enter(&s, '{');
	while (r == 0 && (r = hn_ovs_scan_key(&s, &key)) > 0) {
		int c = hn_ovs_scan_peek(&s);
		const char *at = s.p;

		if (c < 0) {
			r = c;
			break;
		}
		/* A key given twice counts as jansson counts it: the last one. The result is
		 * only delimited: its reader checks it (hn_ovs_rpc_call_text). */
		r = is(key, "result") ? hn_ovs_scan_pass(&s) : hn_ovs_scan_skip(&s);
		if (r < 0)
			break;
		if (is(key, "method")) {
			e->request = c == '"';
		} else if (is(key, "id")) {
			e->ours = (c == '-' || (c >= '0' && c <= '9')) &&
				  !memchr(at, '.', (size_t)(s.p - at)) &&
				  !memchr(at, 'e', (size_t)(s.p - at)) &&
				  !memchr(at, 'E', (size_t)(s.p - at)) &&
				  strtoll(at, NULL, 10) == id;
		} else if (is(key, "result")) {
			e->result = at;
			e->result_len = (size_t)(s.p - at);
		} else if (is(key, "error")) {
			e->error = c == 'n' ? NULL : at; /* 'n': null */
			e->error_len = (size_t)(s.p - at);
		}
	}
	if (r == 0)
		r = hn_ovs_scan_end(&s);
	if (r < 0)
		hn_ovs_scan_error(&s, why, whylen);
	return r;
}

/* The error span of a reply, parsed for its message. */
static int refused_text(struct hn_ovs_rpc *rpc, const char *method, const struct envelope *e)
{
	json_t *err = json_loadb(e->error, e->error_len, 0, NULL);
	int r = err ? refused(rpc, method, err)
		    : hn_err(-EREMOTEIO, "%s at %s refused `%s`", rpc->peer, rpc->name, method);

	json_decref(err);
	return r;
}

int hn_ovs_rpc_send(struct hn_ovs_rpc *rpc, const char *method, json_t *params, json_int_t *id)
{
	int64_t deadline;
	char what[128];

	return start_call(rpc, method, params, &deadline, id, what);
}

int hn_ovs_rpc_call_text(struct hn_ovs_rpc *rpc, const char *method, json_t *params, char **text,
			 size_t *off, size_t *len)
{
	json_int_t id;
	int r;

	*text = NULL;
	*off = *len = 0;
	r = hn_ovs_rpc_send(rpc, method, params, &id);
	return r < 0 ? r : hn_ovs_rpc_reply_text(rpc, method, id, text, off, len);
}

int hn_ovs_rpc_reply_text(struct hn_ovs_rpc *rpc, const char *method, json_int_t id, char **text,
			  size_t *off, size_t *len)
{
	char what[128], why[128], *strings = NULL;
	int64_t deadline = hn_ovs_now_ms() + rpc->timeout_ms;
	struct envelope e;
	int r;

	*text = NULL;
	*off = *len = 0;
	snprintf(what, sizeof(what), "its reply to `%s`", method);
	for (;;) {
		const char *msg;
		size_t n;
		json_t *req;

		r = recv_raw(rpc, deadline, what, &msg, &n);
		if (r == -ETIMEDOUT)
			r = timed_out(rpc, method);
		if (r < 0)
			break;
		free(strings);
		strings = malloc(n + 1);
		if (!strings) {
			r = hn_err(-ENOMEM, "out of memory reading %s", what);
			break;
		}
		r = read_envelope(msg, n, id, strings, &e, why, sizeof(why));
		if (r < 0) {
			hn_ovs_json_stream_break(&rpc->in);
			r = not_json_rpc(rpc, r, what, why);
			break;
		}
		if (e.request) {
			r = hn_ovs_json_stream_parse(&rpc->in, msg, n, &req, why, sizeof(why));
			if (r < 0) {
				r = not_json_rpc(rpc, r, what, why);
				break;
			}
			r = handle_request(rpc, req, deadline);
			if (r < 0)
				break;
			if (r > 0)
				continue;
			json_decref(req); /* not a request after all: read as a reply */
		}
		if (!e.ours)
			continue; /* a late reply to an abandoned call */
		if (e.error) {
			r = refused_text(rpc, method, &e);
			break;
		}
		if (!e.result) {
			r = no_result(rpc, method);
			break;
		}
		/* The stream's buffer moves on the next read: the caller gets a copy. */
		*text = malloc(n + 1);
		if (!*text) {
			r = hn_err(-ENOMEM, "out of memory reading %s", what);
			break;
		}
		memcpy(*text, msg, n);
		(*text)[n] = '\0';
		*off = (size_t)(e.result - msg);
		*len = e.result_len;
		hn_debug("ovsdb: <- %s (id %lld, %zu bytes, after %.1f ms)", method, (long long)id,
			 n, hn_ovs_rpc_since_sent(rpc));
		break;
	}
	free(strings);
	return r;
}

int hn_ovs_rpc_call(struct hn_ovs_rpc *rpc, const char *method, json_t *params, json_t **result)
{
	char what[128], *text;
	json_error_t jerr;
	size_t off, len;
	int r = hn_ovs_rpc_call_text(rpc, method, params, &text, &off, &len);

	*result = NULL;
	if (r < 0)
		return r;
	/* The envelope's reader delimited the result; jansson checks it as it builds it. */
	*result = json_loadb(text + off, len, JSON_DECODE_ANY, &jerr);
	free(text);
	if (*result)
		return 0;
	snprintf(what, sizeof(what), "its reply to `%s`", method);
	return not_json_rpc(rpc, -EPROTO, what, jerr.text);
}

int hn_ovs_rpc_notification(struct hn_ovs_rpc *rpc, int64_t deadline, json_t **out)
{
	*out = NULL;
	for (;;) {
		json_t *msg;
		int r;

		if (json_array_size(rpc->pending)) {
			*out = json_incref(json_array_get(rpc->pending, 0));
			json_array_remove(rpc->pending, 0);
			return 0;
		}
		r = recv_msg(rpc, deadline, "a notification", &msg);
		if (r < 0)
			return r;
		r = handle_request(rpc, msg, deadline);
		if (r < 0)
			return r;
		if (r == 0)
			json_decref(msg); /* a stray reply */
	}
}
