/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A JSON-RPC 1.0 connection to ovsdb-server (RFC 7047 section 4), over "unix:PATH" or
 * "tcp:IP:PORT". Every call is bounded by a timeout; failures are recorded with hn_err()
 * naming the server and what it did (absent, refused, silent, closed mid-reply, error).
 */
#ifndef HOSTNET_OVSDB_RPC_H
#define HOSTNET_OVSDB_RPC_H

#include "ovs.h"

#include <jansson.h>
#include <stdint.h>

/* hn_ovs_rpc_open, _open_peer, _call, _close and _name are in ovs.h: other libraries use
 * the client for other databases (OVN's). */
/* Take over a connected stream socket (unit tests play the server on a socketpair). */
int hn_ovs_rpc_from_fd(int fd, const char *name, int timeout_ms, struct hn_ovs_rpc **out);

/* hn_ovs_rpc_open, only when the connection is made at once (a unix socket whose server
 * takes it): otherwise a negative errno with hn_err text, having waited for nothing. */
int hn_ovs_rpc_open_now(const char *addr, int timeout_ms, struct hn_ovs_rpc **out);

/*
 * The same call, its reply kept as text for a reader that does not build it with jansson
 * (json_scan.h): *text is the whole reply message, NUL-terminated (the caller frees it), and
 * text[*off, *off + *len) its "result", delimited but not checked: the caller's reader
 * checks it as it reads (a reply is read once, not twice). Errors, echo requests and
 * notifications as hn_ovs_rpc_call's (ovs.h).
 */
int hn_ovs_rpc_call_text(struct hn_ovs_rpc *rpc, const char *method, json_t *params, char **text,
			 size_t *off, size_t *len);
/* The same in two halves, for a caller with other work meanwhile: the request (params
 * stolen; *id for the reply), then its reply, waited for at most the timeout from then.
 * No other call in between: a call passes over replies that are not its own. */
int hn_ovs_rpc_send(struct hn_ovs_rpc *rpc, const char *method, json_t *params, json_int_t *id);
int hn_ovs_rpc_reply_text(struct hn_ovs_rpc *rpc, const char *method, json_int_t id, char **text,
			  size_t *off, size_t *len);

/* The next notification (a message with a method and a null id), waiting until
 * deadline (CLOCK_MONOTONIC ms). -ETIMEDOUT without a message when it passes. */
int hn_ovs_rpc_notification(struct hn_ovs_rpc *rpc, int64_t deadline, json_t **msg);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t hn_ovs_now_ms(void);
/* Milliseconds since rpc's last request went out (-v says how long the daemon took). */
double hn_ovs_rpc_since_sent(const struct hn_ovs_rpc *rpc);
int hn_ovs_rpc_timeout(const struct hn_ovs_rpc *rpc);

#endif
