/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a JSON text without building it: a pull scanner over bytes already in memory. The
 * switch's state is the one large reply hostnet reads (a few hundred kB for a thousand
 * ports), and a converged run compares a handful of fields of each row: jansson would make a
 * value, a string copy and a hash table for every one of them and free them all again, most
 * of the run's time. The scanner walks the text once, hands over the strings and integers
 * it is asked for and skips the rest, checking that all of it is JSON (RFC 8259, strings
 * valid UTF-8 without U+0000, as jansson takes it: a span it accepted can be given to
 * json_loadb later).
 *
 * Calls follow the text: enter an object, take a key, read or skip its value, and so on. The
 * first malformed byte makes every later call fail with -EPROTO; hn_ovs_scan_error() says
 * what and where.
 */
#ifndef HOSTNET_JSON_SCAN_H
#define HOSTNET_JSON_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* OVSDB's replies nest 6 deep; deeper is not a reply to a read. */
#define HN_OVS_SCAN_DEPTH 32

struct hn_ovs_scan {
	const char *text, *p, *end;
	char *out; /* where the next decoded string goes */
	unsigned depth;
	uint32_t is_object; /* bit d: the container at depth d+1 is an object */
	uint32_t started;   /* bit d: it has given a member or element already */
	const char *why;    /* the first error; NULL while none */
};

/* Scan text[0..len). strings receives every decoded string, NUL-terminated, and must hold
 * len bytes: no string decodes longer than it is written with its quotes. */
void hn_ovs_scan_init(struct hn_ovs_scan *s, const char *text, size_t len, char *strings);

/* The next value must be an object (open '{') or an array ('['): enter it. */
int hn_ovs_scan_enter(struct hn_ovs_scan *s, char open);
/* In an object: 1 and its next key (its value is next), or 0 at its end (left). */
int hn_ovs_scan_key(struct hn_ovs_scan *s, const char **key);
/* In an array: 1 when an element follows, or 0 at its end (left). */
int hn_ovs_scan_next(struct hn_ovs_scan *s);

/* The first byte of the next value ('{', '[', '"', '-' or a digit, 't', 'f', 'n'), or
 * -EPROTO when there is none. */
int hn_ovs_scan_peek(struct hn_ovs_scan *s);
int hn_ovs_scan_string(struct hn_ovs_scan *s, const char **out);
/* An integer that fits in long long (no fraction, no exponent). */
int hn_ovs_scan_int(struct hn_ovs_scan *s, long long *out);
/* One value, whatever it is, checked all the same. */
int hn_ovs_scan_skip(struct hn_ovs_scan *s);
/* One value passed unchecked: only its strings and brackets are followed (a bracket closed by
 * the wrong kind goes unseen). For a value a later scan reads whole, to find its end or
 * count its elements at a fraction of the cost; -EPROTO when it does not end. */
int hn_ovs_scan_pass(struct hn_ovs_scan *s);
/* Nothing but whitespace left. */
int hn_ovs_scan_end(struct hn_ovs_scan *s);

/* Where the scan is: the offset of the next byte not read (after whitespace once peeked). */
size_t hn_ovs_scan_offset(const struct hn_ovs_scan *s);
/* Record an error of the caller's (a value of the wrong kind, say) at the current byte. */
int hn_ovs_scan_fail(struct hn_ovs_scan *s, const char *why);
/* "WHY at byte N" into buf, or NULL when there was no error. */
const char *hn_ovs_scan_error(const struct hn_ovs_scan *s, char *buf, size_t len);

#endif
