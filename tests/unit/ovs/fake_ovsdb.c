// SPDX-License-Identifier: GPL-2.0-or-later
#include "fake_ovsdb.h"
#include "json_stream.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

long long fake_next_cfg = 1;

static void nap_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&t, NULL);
}

/* Next message from the client, or NULL on EOF / 5 s of silence. */
static json_t *next_request(struct fake_ovsdb *f, struct hn_ovs_json_stream *in)
{
	for (;;) {
		char buf[4096], err[128];
		json_t *msg;
		struct pollfd p = {.fd = f->fd, .events = POLLIN};
		ssize_t n;

		if (hn_ovs_json_stream_next(in, &msg, err, sizeof(err)) != 0)
			return msg;
		if (poll(&p, 1, 5000) <= 0)
			return NULL;
		n = recv(f->fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return NULL;
		hn_ovs_json_stream_feed(in, buf, (size_t)n);
	}
}

static char *with_id(const char *text, const json_t *id)
{
	char *ids = json_dumps(id ? id : json_null(), JSON_ENCODE_ANY | JSON_COMPACT);
	size_t il = strlen(ids), n = 0;
	char *out;
	const char *p;

	for (p = text; (p = strstr(p, "@ID@")); p += 4)
		n++;
	out = malloc(strlen(text) + n * il + 1);
	out[0] = '\0';
	for (p = text;;) {
		const char *q = strstr(p, "@ID@");

		if (!q) {
			strcat(out, p);
			break;
		}
		strncat(out, p, (size_t)(q - p));
		strcat(out, ids);
		p = q + 4;
	}
	free(ids);
	return out;
}

static void send_all(int fd, const char *text, size_t chunk)
{
	size_t len = strlen(text), off = 0;

	while (off < len) {
		size_t n = chunk && chunk < len - off ? chunk : len - off;
		ssize_t w = send(fd, text + off, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		off += (size_t)w;
		if (chunk)
			nap_ms(2);
	}
}

static void *serve(void *arg)
{
	struct fake_ovsdb *f = arg;
	struct hn_ovs_json_stream in;

	hn_ovs_json_stream_init(&in);
	if (f->fd < 0) {
		snprintf(f->failure, sizeof(f->failure), "no client connected");
		return NULL;
	}
	for (f->done = 0; f->done < f->n_steps; f->done++) {
		const struct fake_step *s = &f->steps[f->done];
		json_t *req = next_request(f, &in);
		const char *method;
		char *text;

		if (!req) {
			snprintf(f->failure, sizeof(f->failure), "step %zu: no request came",
				 f->done);
			break;
		}
		json_array_append(f->requests, req);
		method = json_string_value(json_object_get(req, "method"));
		if (s->method && (!method || strcmp(method, s->method) != 0)) {
			snprintf(f->failure, sizeof(f->failure), "step %zu: expected %s, got %s",
				 f->done, s->method, method ? method : "a reply");
			json_decref(req);
			break;
		}
		text = s->reply_fn ? s->reply_fn(req)
		       : s->reply  ? with_id(s->reply, json_object_get(req, "id"))
				   : NULL;
		if (text && s->reply_fn) {
			char *t2 = with_id(text, json_object_get(req, "id"));

			free(text);
			text = t2;
		}
		json_decref(req);
		if (text)
			send_all(f->fd, text, s->chunk);
		free(text);
		if (s->hang_up) {
			f->done++;
			break;
		}
		if (s->then_wait) {
			char buf[256];
			struct pollfd p = {.fd = f->fd, .events = POLLIN};

			while (poll(&p, 1, 5000) > 0 && recv(f->fd, buf, sizeof(buf), 0) > 0)
				;
			f->done++;
			break;
		}
	}
	hn_ovs_json_stream_free(&in);
	shutdown(f->fd, SHUT_RDWR);
	close(f->fd);
	f->fd = -1;
	return NULL;
}

void fake_ovsdb_start(struct fake_ovsdb *f, int fd, const struct fake_step *steps, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->steps = steps;
	f->n_steps = n;
	f->requests = json_array();
	pthread_create(&f->thread, NULL, serve, f);
}

struct listen_arg {
	struct fake_ovsdb *f;
	int lfd;
};

static void *accept_then_serve(void *arg)
{
	struct listen_arg *la = arg;
	struct pollfd p = {.fd = la->lfd, .events = POLLIN};

	if (poll(&p, 1, 5000) > 0)
		la->f->fd = accept(la->lfd, NULL, NULL);
	close(la->lfd);
	serve(la->f);
	free(la);
	return NULL;
}

void fake_ovsdb_listen(struct fake_ovsdb *f, const char *path, const struct fake_step *steps,
		       size_t n)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct listen_arg *la = malloc(sizeof(*la));

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->steps = steps;
	f->n_steps = n;
	f->requests = json_array();
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	la->f = f;
	la->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (bind(la->lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(la->lfd, 4) < 0)
		snprintf(f->failure, sizeof(f->failure), "listen %s: %s", path, strerror(errno));
	pthread_create(&f->thread, NULL, accept_then_serve, la);
}

size_t fake_ovsdb_stop(struct fake_ovsdb *f)
{
	pthread_join(f->thread, NULL);
	return f->done;
}

void fake_ovsdb_free(struct fake_ovsdb *f)
{
	json_decref(f->requests);
	f->requests = NULL;
}

char *fake_data(const char *name)
{
	const char *dir = getenv("OVS_TEST_DATA");
	char path[1024];
	FILE *fp;
	char *buf;
	long len;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/unit/ovs/data", name);
	fp = fopen(path, "rb");
	if (!fp) {
		fprintf(stderr, "cannot open test data %s: %s\n", path, strerror(errno));
		abort();
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)len + 1);
	if (fread(buf, 1, (size_t)len, fp) != (size_t)len)
		abort();
	buf[len] = '\0';
	fclose(fp);
	return buf;
}

json_t *fake_data_json(const char *name)
{
	char *text = fake_data(name);
	json_error_t err;
	json_t *v = json_loads(text, 0, &err);

	if (!v) {
		fprintf(stderr, "%s: %s (line %d)\n", name, err.text, err.line);
		abort();
	}
	free(text);
	return v;
}

json_t *fake_commit_result(const json_t *params)
{
	json_t *result = json_array();
	static unsigned seq;

	for (size_t i = 1; i < json_array_size(params); i++) {
		const json_t *op = json_array_get(params, i);
		const char *kind = json_string_value(json_object_get(op, "op"));
		char uuid[40];

		if (strcmp(kind, "insert") == 0) {
			snprintf(uuid, sizeof(uuid), "00000000-0000-4000-8000-%012u", ++seq);
			json_array_append_new(result, json_pack("{s:[s,s]}", "uuid", "uuid", uuid));
		} else if (strcmp(kind, "select") == 0) {
			json_array_append_new(result, json_pack("{s:[{s:I}]}", "rows", "next_cfg",
								(json_int_t)fake_next_cfg));
		} else if (strcmp(kind, "mutate") == 0 || strcmp(kind, "update") == 0) {
			json_array_append_new(result, json_pack("{s:i}", "count", 1));
		} else {
			json_array_append_new(result, json_object());
		}
	}
	return result;
}

json_t *fake_last_params, *fake_last_result;

char *fake_reply(json_t *result)
{
	char *r = json_dumps(result, JSON_COMPACT), *text;
	size_t len;

	if (!r)
		abort();
	len = strlen(r) + 64;
	text = malloc(len);
	snprintf(text, len, "{\"id\":@ID@,\"result\":%s,\"error\":null}", r);
	free(r);
	json_decref(result);
	return text;
}

char *fake_commit_reply(const json_t *request)
{
	json_t *result = fake_commit_result(json_object_get(request, "params"));

	json_decref(fake_last_params);
	json_decref(fake_last_result);
	fake_last_params = json_incref(json_object_get(request, "params"));
	fake_last_result = json_incref(result);
	return fake_reply(result);
}
