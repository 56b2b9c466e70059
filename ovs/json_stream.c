// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The scanner only tracks strings and bracket depth, once per byte however the stream is
 * chopped; the message it delimits is then parsed whole by jansson, which is the judge of
 * what is valid. Parsing on every read with JSON_DISABLE_EOF_CHECK would redo the work
 * for each chunk of a large reply and cannot tell "incomplete" from "wrong" as simply.
 */
#include "json_stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hn_ovs_json_stream_init(struct hn_ovs_json_stream *s)
{
	memset(s, 0, sizeof(*s));
}

void hn_ovs_json_stream_free(struct hn_ovs_json_stream *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

/* Drop consumed bytes once they are the bigger part of the buffer. */
static void compact(struct hn_ovs_json_stream *s)
{
	if (s->start == 0 || s->start < s->len / 2)
		return;
	memmove(s->buf, s->buf + s->start, s->len - s->start);
	s->len -= s->start;
	s->scan -= s->start;
	s->start = 0;
}

int hn_ovs_json_stream_feed(struct hn_ovs_json_stream *s, const void *data, size_t n)
{
	compact(s);
	if (s->len + n > HN_OVS_JSON_STREAM_MAX)
		return -EMSGSIZE;
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		char *b;

		while (cap < s->len + n + 1)
			cap *= 2;
		b = realloc(s->buf, cap);
		if (!b)
			return -ENOMEM;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	return 0;
}

static int push(struct hn_ovs_json_stream *s, char c)
{
	unsigned d = s->depth;

	if (d >= HN_OVS_JSON_STREAM_DEPTH)
		return -1;
	if (c == '{')
		s->open_brace[d / 8] |= (uint8_t)(1u << (d % 8));
	else
		s->open_brace[d / 8] &= (uint8_t) ~(1u << (d % 8));
	s->depth++;
	return 0;
}

/* Close the innermost bracket with c: false when c is not its kind. */
static bool pop_matches(struct hn_ovs_json_stream *s, char c)
{
	unsigned d = s->depth - 1;
	bool brace = s->open_brace[d / 8] & (1u << (d % 8));

	if (brace != (c == '}'))
		return false;
	s->depth--;
	return true;
}

static int broken(struct hn_ovs_json_stream *s, char *err, size_t errlen, const char *why)
{
	s->broken = true;
	snprintf(err, errlen, "%s", why);
	return -EPROTO;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hn_ovs_json_stream_next_raw(struct hn_ovs_json_stream *s, const char **msg, size_t *len,
				char *err, size_t errlen)
{
	*msg = NULL;
	*len = 0;
	if (s->broken) {
		snprintf(err, errlen, "the stream is no longer readable after a malformed message");
		return -EPROTO;
	}
	for (; s->scan < s->len; s->scan++) {
		char c = s->buf[s->scan];

		if (s->depth == 0) {
			if (is_space(c)) {
				s->start = s->scan + 1;
				continue;
			}
			if (c != '{' && c != '[') {
				char why[64];

				snprintf(why, sizeof(why),
					 "unexpected byte 0x%02x where a JSON message should start",
					 (unsigned char)c);
				return broken(s, err, errlen, why);
			}
			s->start = s->scan;
			push(s, c); /* depth 0: always room */
			continue;
		}
		if (s->in_string) {
			/* Most bytes of a reply are inside strings: pass them in a tight loop. */
			while (!s->escape && c != '"' && c != '\\' && s->scan + 1 < s->len)
				c = s->buf[++s->scan];
			if (s->escape)
				s->escape = false;
			else if (c == '\\')
				s->escape = true;
			else if (c == '"')
				s->in_string = false;
			continue;
		}
		if (c == '"') {
			s->in_string = true;
		} else if (c == '{' || c == '[') {
			if (push(s, c) < 0)
				return broken(s, err, errlen, "a message nested too deep");
		} else if ((c == '}' || c == ']') && !pop_matches(s, c)) {
			return broken(s, err, errlen,
				      "malformed JSON: a bracket closed by the wrong kind");
		} else if ((c == '}' || c == ']') && s->depth == 0) {
			size_t end = ++s->scan;

			*msg = s->buf + s->start;
			*len = end - s->start;
			s->start = end;
			return 1;
		}
	}
	return 0;
}

void hn_ovs_json_stream_break(struct hn_ovs_json_stream *s)
{
	s->broken = true;
}

int hn_ovs_json_stream_parse(struct hn_ovs_json_stream *s, const char *text, size_t len,
			     json_t **msg, char *err, size_t errlen)
{
	json_error_t jerr;

	*msg = json_loadb(text, len, 0, &jerr);
	if (!*msg) {
		s->broken = true;
		snprintf(err, errlen, "malformed JSON: %s (at byte %d of a message)", jerr.text,
			 jerr.position);
		return -EPROTO;
	}
	return 1;
}

int hn_ovs_json_stream_next(struct hn_ovs_json_stream *s, json_t **msg, char *err, size_t errlen)
{
	const char *text;
	size_t len;
	int r = hn_ovs_json_stream_next_raw(s, &text, &len, err, errlen);

	*msg = NULL;
	if (r <= 0)
		return r;
	return hn_ovs_json_stream_parse(s, text, len, msg, err, errlen);
}

bool hn_ovs_json_stream_partial(const struct hn_ovs_json_stream *s)
{
	return s->depth > 0;
}
