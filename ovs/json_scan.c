// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One pass, no allocation (but for a real longer than 127 bytes): a container is a bit in two words
 * (object or array, first member given or not), a string is checked byte by byte and, when asked
 * for, decoded into the caller's buffer. What the scanner accepts, jansson accepts (json_scan.h).
 */
#include "json_scan.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hn_ovs_scan_init(struct hn_ovs_scan *s, const char *text, size_t len, char *strings)
{
	memset(s, 0, sizeof(*s));
	s->text = s->p = text;
	s->end = text + len;
	s->out = strings;
}

int hn_ovs_scan_fail(struct hn_ovs_scan *s, const char *why)
{
	if (!s->why)
		s->why = why;
	return -EPROTO;
}

const char *hn_ovs_scan_error(const struct hn_ovs_scan *s, char *buf, size_t len)
{
	if (!s->why)
		return NULL;
	snprintf(buf, len, "%s at byte %zu", s->why, (size_t)(s->p - s->text));
	return buf;
}

size_t hn_ovs_scan_offset(const struct hn_ovs_scan *s)
{
	return (size_t)(s->p - s->text);
}

static void skip_ws(struct hn_ovs_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

int hn_ovs_scan_peek(struct hn_ovs_scan *s)
{
	if (s->why)
		return -EPROTO;
	skip_ws(s);
	if (s->p >= s->end)
		return hn_ovs_scan_fail(s, "unexpected end of the text");
	return (unsigned char)*s->p;
}

/* ---- strings ---- */

/* Length of the UTF-8 sequence at p (RFC 3629: shortest form, no surrogates, at most
 * U+10FFFF), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* \uXXXX (with its pair when it is a high surrogate) at p (the 'u'): the code point and
 * the bytes it took, or 0 when it is not a valid escape. */
static size_t unicode_escape(const char *p, const char *end, unsigned *cp)
{
	unsigned lo;

	if (hex4(p + 1, end, cp) < 0 || *cp == 0 || (*cp >= 0xdc00 && *cp <= 0xdfff))
		return 0;
	if (*cp < 0xd800 || *cp > 0xdbff)
		return 5;
	if (end - p < 11 || p[5] != '\\' || p[6] != 'u' || hex4(p + 7, end, &lo) < 0 ||
	    lo < 0xdc00 || lo > 0xdfff)
		return 0;
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return 11;
}

static char escaped(char c)
{
	switch (c) {
	case '"':
	case '\\':
	case '/':
		return c;
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return 0;
	}
}

/* The string at s->p (its opening quote), checked; decoded into s->out when out. */
static int scan_string(struct hn_ovs_scan *s, const char **out)
{
	const char *p = s->p + 1, *end = s->end;
	char *o = s->out;

	for (;;) {
		const char *run = p;
		unsigned cp;
		size_t n;

		/* The common case: plain ASCII up to the closing quote. */
		while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20 &&
		       (unsigned char)*p < 0x80)
			p++;
		if (out) {
			memcpy(o, run, (size_t)(p - run));
			o += p - run;
		}
		s->p = p;
		if (p >= end)
			return hn_ovs_scan_fail(s, "unterminated string");
		if (*p == '"')
			break;
		if ((unsigned char)*p < 0x20)
			return hn_ovs_scan_fail(s, "control character in a string");
		if (*p != '\\') {
			n = utf8_len((const unsigned char *)p, (const unsigned char *)end);
			if (!n)
				return hn_ovs_scan_fail(s, "invalid UTF-8 in a string");
			if (out) {
				memcpy(o, p, n);
				o += n;
			}
			p += n;
			continue;
		}
		if (p + 1 >= end)
			return hn_ovs_scan_fail(s, "unterminated string");
		if (p[1] == 'u') {
			n = unicode_escape(p + 1, end, &cp);
			if (!n)
				return hn_ovs_scan_fail(s, "invalid \\u escape in a string");
			if (out)
				o = put_utf8(o, cp);
			p += 1 + n;
			continue;
		}
		if (!escaped(p[1]))
			return hn_ovs_scan_fail(s, "invalid escape in a string");
		if (out)
			*o++ = escaped(p[1]);
		p += 2;
	}
	s->p = p + 1;
	if (out) {
		*o++ = '\0';
		*out = s->out;
		s->out = o;
	}
	return 0;
}

int hn_ovs_scan_string(struct hn_ovs_scan *s, const char **out)
{
	int c = hn_ovs_scan_peek(s);

	if (c < 0)
		return c;
	if (c != '"')
		return hn_ovs_scan_fail(s, "expected a string");
	return scan_string(s, out);
}

/* ---- numbers and literals ---- */

static bool digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* Digits of an integer (an optional '-' first) that fit in long long: jansson refuses the
 * others ("too big integer"). */
static bool int_fits(const char *p, const char *end, long long *out)
{
	bool negative = *p == '-';
	unsigned long long v = 0, limit = negative ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;

	for (p += negative; p < end; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (limit - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = negative ? (long long)(0 - v) : (long long)v;
	return true;
}

/* A real that strtod makes infinite: jansson refuses it ("real number overflow"). Copied
 * first: the text need not end after it, and a longer real than the buffer is rare. */
static bool real_overflows(const char *p, size_t n)
{
	char buf[128], *copy = n < sizeof(buf) ? buf : malloc(n + 1);
	double v;

	if (!copy)
		return true; /* no memory to tell: refuse, as jansson would fail too */
	memcpy(copy, p, n);
	copy[n] = '\0';
	errno = 0;
	v = strtod(copy, NULL);
	if (copy != buf)
		free(copy);
	return (v == HUGE_VAL || v == -HUGE_VAL) && errno == ERANGE;
}

/* A JSON number at s->p, checked and passed; *integer when it has no fraction or
 * exponent, its value in *value. */
static int scan_number(struct hn_ovs_scan *s, bool *integer, long long *value)
{
	const char *p = s->p, *end = s->end;

	*integer = true;
	if (p < end && *p == '-')
		p++;
	if (!digit(p, end))
		return hn_ovs_scan_fail(s, "malformed number");
	if (*p == '0')
		p++;
	else
		while (digit(p, end))
			p++;
	if (p < end && *p == '.') {
		*integer = false;
		if (!digit(++p, end))
			return hn_ovs_scan_fail(s, "malformed number");
		while (digit(p, end))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*integer = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!digit(p, end))
			return hn_ovs_scan_fail(s, "malformed number");
		while (digit(p, end))
			p++;
	}
	if (*integer && !int_fits(s->p, p, value))
		return hn_ovs_scan_fail(s, "integer out of range");
	if (!*integer && real_overflows(s->p, (size_t)(p - s->p)))
		return hn_ovs_scan_fail(s, "real number out of range");
	s->p = p;
	return 0;
}

int hn_ovs_scan_int(struct hn_ovs_scan *s, long long *out)
{
	int c = hn_ovs_scan_peek(s);
	const char *start = s->p;
	bool integer;

	if (c < 0)
		return c;
	if (c != '-' && (c < '0' || c > '9'))
		return hn_ovs_scan_fail(s, "expected an integer");
	if (scan_number(s, &integer, out) < 0)
		return -EPROTO;
	if (!integer) {
		s->p = start;
		return hn_ovs_scan_fail(s, "expected an integer, not a fraction");
	}
	return 0;
}

static int scan_literal(struct hn_ovs_scan *s)
{
	static const char *const words[] = {"true", "false", "null"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i]);

		if ((size_t)(s->end - s->p) >= n && memcmp(s->p, words[i], n) == 0) {
			s->p += n;
			return 0;
		}
	}
	return hn_ovs_scan_fail(s, "expected a value");
}

/* ---- containers ---- */

int hn_ovs_scan_enter(struct hn_ovs_scan *s, char open)
{
	int c = hn_ovs_scan_peek(s);
	uint32_t bit;

	if (c < 0)
		return c;
	if (c != open)
		return hn_ovs_scan_fail(s,
					open == '{' ? "expected an object" : "expected an array");
	if (s->depth >= HN_OVS_SCAN_DEPTH)
		return hn_ovs_scan_fail(s, "nested too deep");
	bit = 1u << s->depth; /* after the bound: a shift by 32 is undefined */
	if (open == '{')
		s->is_object |= bit;
	else
		s->is_object &= ~bit;
	s->started &= ~bit;
	s->depth++;
	s->p++;
	return 0;
}

/* Past a ',' or at the container's end: 1 when a member follows, 0 at the end (left). */
static int next_member(struct hn_ovs_scan *s, bool object)
{
	uint32_t bit = 1u << (s->depth - 1);
	char close = object ? '}' : ']';
	int c;

	if (s->why)
		return -EPROTO;
	if (!s->depth || !(s->is_object & bit) != !object)
		return hn_ovs_scan_fail(s, object ? "not in an object" : "not in an array");
	c = hn_ovs_scan_peek(s);
	if (c < 0)
		return c;
	if (c == close) {
		s->depth--;
		s->p++;
		return 0;
	}
	if (s->started & bit) {
		if (c != ',')
			return hn_ovs_scan_fail(s, object ? "expected ',' or '}'"
							  : "expected ',' or ']'");
		s->p++;
		if (hn_ovs_scan_peek(s) < 0)
			return -EPROTO;
		if (*s->p == close)
			return hn_ovs_scan_fail(s, "a trailing ','");
	}
	s->started |= bit;
	return 1;
}

int hn_ovs_scan_key(struct hn_ovs_scan *s, const char **key)
{
	int r = next_member(s, true);

	if (r <= 0)
		return r;
	if (*s->p != '"')
		return hn_ovs_scan_fail(s, "expected a key");
	if (scan_string(s, key) < 0)
		return -EPROTO;
	if (hn_ovs_scan_peek(s) < 0)
		return -EPROTO;
	if (*s->p != ':')
		return hn_ovs_scan_fail(s, "expected ':'");
	s->p++;
	return 1;
}

int hn_ovs_scan_next(struct hn_ovs_scan *s)
{
	return next_member(s, false);
}

int hn_ovs_scan_skip(struct hn_ovs_scan *s)
{
	unsigned base = s->depth;

	for (;;) {
		int c = hn_ovs_scan_peek(s), r;
		long long value;
		bool integer;

		if (c < 0)
			return c;
		if (c == '{' || c == '[')
			r = hn_ovs_scan_enter(s, (char)c);
		else if (c == '"')
			r = scan_string(s, NULL);
		else if (c == '-' || (c >= '0' && c <= '9'))
			r = scan_number(s, &integer, &value);
		else
			r = scan_literal(s);
		if (r < 0)
			return r;
		/* The next value to skip, closing the containers that end meanwhile. */
		for (;;) {
			if (s->depth == base)
				return 0;
			r = s->is_object & (1u << (s->depth - 1)) ? hn_ovs_scan_key(s, NULL)
								  : hn_ovs_scan_next(s);
			if (r < 0)
				return r;
			if (r > 0)
				break;
		}
	}
}

/* The closing quote of the string whose opening quote is at p, or NULL when there is none:
 * memchr finds a quote, which closes it unless an odd run of backslashes comes before. */
static const char *string_end(const char *p, const char *end)
{
	for (const char *q = p + 1;; q++) {
		size_t bs = 0;

		q = memchr(q, '"', (size_t)(end - q));
		if (!q)
			return NULL;
		while (q - bs > p + 1 && q[-1 - (long)bs] == '\\')
			bs++;
		if (!(bs & 1))
			return q;
	}
}

/* The bytes pass stops at inside a container. */
static bool bracket_or_quote(char c)
{
	return c == '"' || c == '[' || c == ']' || c == '{' || c == '}';
}

int hn_ovs_scan_pass(struct hn_ovs_scan *s)
{
	int c = hn_ovs_scan_peek(s);
	const char *p = s->p, *end = s->end;
	size_t depth = 0;

	if (c < 0)
		return c;
	do {
		c = *p;
		if (c == '"') {
			p = string_end(p, end);
			if (!p)
				return hn_ovs_scan_fail(s, "unterminated string");
			p++;
		} else if (c == '[' || c == '{') {
			depth++;
			p++;
		} else if (c == ']' || c == '}') {
			if (!depth)
				return hn_ovs_scan_fail(s, "expected a value");
			depth--;
			p++;
		} else if (depth) {
			while (++p < end && !bracket_or_quote(*p))
				;
		} else { /* a number or a literal: up to what ends it */
			while (p < end && !memchr(",]}: \t\r\n", *p, 8))
				p++;
		}
	} while (depth && p < end);
	if (depth)
		return hn_ovs_scan_fail(s, "unexpected end of the text");
	s->p = p;
	return 0;
}

int hn_ovs_scan_end(struct hn_ovs_scan *s)
{
	if (s->why)
		return -EPROTO;
	skip_ws(s);
	if (s->depth)
		return hn_ovs_scan_fail(s, "unexpected end of the text");
	if (s->p != s->end)
		return hn_ovs_scan_fail(s, "unexpected bytes after the text");
	return 0;
}
