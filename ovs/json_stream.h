/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cutting a byte stream into JSON texts: a JSON-RPC connection carries one object after
 * another with no length prefix, a read may end in the middle of one or hold several.
 * Pure: bytes in, json_t (or the message's bytes) out; no I/O, so the unit tests feed it
 * recorded traffic.
 */
#ifndef HOSTNET_JSON_STREAM_H
#define HOSTNET_JSON_STREAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A server that sends more than this without ending a message is broken or hostile. */
#define HN_OVS_JSON_STREAM_MAX (64u << 20)
/* Nesting deeper than jansson's own limit cannot be parsed anyway. */
#define HN_OVS_JSON_STREAM_DEPTH 2048

struct hn_ovs_json_stream {
	char *buf;
	size_t len, cap; /* bytes held: buf[0..len) */
	size_t start;	 /* first byte of the message being scanned */
	size_t scan;	 /* bytes of buf already looked at */
	unsigned depth;	 /* nesting of { and [; 0 = between messages */
	/* Bit d set: the bracket open at depth d+1 is '{', so '}' must close it. */
	uint8_t open_brace[HN_OVS_JSON_STREAM_DEPTH / 8];
	bool in_string, escape;
	bool broken; /* a malformed message was seen: the stream cannot resync */
};

void hn_ovs_json_stream_init(struct hn_ovs_json_stream *s);
void hn_ovs_json_stream_free(struct hn_ovs_json_stream *s);

/* Append bytes received. -ENOMEM, or -EMSGSIZE past HN_OVS_JSON_STREAM_MAX. */
int hn_ovs_json_stream_feed(struct hn_ovs_json_stream *s, const void *data, size_t n);

/*
 * Take the next complete message: 1 and *msg (the caller's reference), 0 when more bytes
 * are needed, -EPROTO when the bytes are not JSON (why in err, and the stream stays
 * broken). Whitespace between messages is skipped; anything else there is an error.
 */
int hn_ovs_json_stream_next(struct hn_ovs_json_stream *s, json_t **msg, char *err, size_t errlen);

/* The same, as the message's bytes (*msg valid until the next feed or next call): for a
 * reply read without jansson (json_scan.h). The bytes are delimited, not checked: a reader
 * that finds them malformed calls hn_ovs_json_stream_parse or hn_ovs_json_stream_break. */
int hn_ovs_json_stream_next_raw(struct hn_ovs_json_stream *s, const char **msg, size_t *len,
				char *err, size_t errlen);
/* Parse bytes next_raw gave with jansson: 1 and *msg, or -EPROTO (the stream broken). */
int hn_ovs_json_stream_parse(struct hn_ovs_json_stream *s, const char *text, size_t len,
			     json_t **msg, char *err, size_t errlen);
/* A message was malformed: the stream cannot resync. */
void hn_ovs_json_stream_break(struct hn_ovs_json_stream *s);

/* True when part of a message is held: EOF now means "closed mid-message". */
bool hn_ovs_json_stream_partial(const struct hn_ovs_json_stream *s);

#endif
