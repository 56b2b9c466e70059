/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A scripted stand-in for ovsdb-server, for unit tests only: a thread that reads each
 * request hostnet sends and answers with recorded JSON, chopped as a test says. The
 * integration tests use the real server; this one makes the rare paths (a reply split
 * in pieces, a connection dropped mid-reply, a wait that fails) happen on demand.
 */
#ifndef HOSTNET_FAKE_OVSDB_H
#define HOSTNET_FAKE_OVSDB_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct fake_step {
	const char *method; /* the request expected (NULL: any message, e.g. an echo reply) */
	/* Sent back; every "@ID@" becomes the request's id. NULL: answer nothing. */
	const char *reply;
	/* Or a reply computed from the request (for a commit: one result per operation). */
	char *(*reply_fn)(const json_t *request);
	size_t chunk;	/* send in pieces of this many bytes, a little apart; 0: at once */
	bool hang_up;	/* close the connection after the reply */
	bool then_wait; /* after the reply, keep the connection open until the client goes */
};

struct fake_ovsdb {
	int fd;
	const struct fake_step *steps;
	size_t n_steps, done;
	json_t *requests;  /* every message received, in order */
	char failure[256]; /* what went wrong on the server side, for the test to assert */
	pthread_t thread;
};

/* Serve steps on fd (one end of a socketpair, or accepted later when listen_path). */
void fake_ovsdb_start(struct fake_ovsdb *f, int fd, const struct fake_step *steps, size_t n);
/* Listen on a unix socket at path and serve the first client that connects. */
void fake_ovsdb_listen(struct fake_ovsdb *f, const char *path, const struct fake_step *steps,
		       size_t n);
/* Join the thread; returns the number of steps served. f->requests stays readable
 * until fake_ovsdb_free(). */
size_t fake_ovsdb_stop(struct fake_ovsdb *f);
void fake_ovsdb_free(struct fake_ovsdb *f);

/* Read a file of tests/unit/ovs/data (OVS_TEST_DATA) whole; aborts the test if missing. */
char *fake_data(const char *name);
json_t *fake_data_json(const char *name);

/* A reply to a `transact` that committed: {} per operation, a fresh uuid for each insert,
 * and next_cfg for the select that ends hostnet's transactions. */
char *fake_commit_reply(const json_t *request);
json_t *fake_commit_result(const json_t *params);
/* A reply carrying result (stolen) for the request's id. */
char *fake_reply(json_t *result);
/* The last transaction fake_commit_reply() answered, and its result (NULL before). */
extern json_t *fake_last_params, *fake_last_result;
extern long long fake_next_cfg;

#endif
