// SPDX-License-Identifier: GPL-2.0-or-later
/* The scalars of hostnet.yaml: VLAN ids and ranges, interface names, IPv4 addresses and
 * prefixes. Strict on purpose: "0x10", "+5" or "10 " are typos, not VLANs. */
#include "config_impl.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decimal digits only, at most 9 of them (no overflow), into *out. */
static bool scan_digits(const char *s, size_t len, unsigned *out)
{
	unsigned v = 0;

	if (len == 0 || len > 9)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

const char *hn_scan_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	size_t digits = strspn(s, "0123456789");

	if (digits == 0 || s[digits])
		return "is not a number";
	if (!scan_digits(s, digits, out) || *out < min || *out > max)
		return "is out of range";
	return NULL;
}

const char *hn_scan_vlan(const char *s, unsigned *vlan)
{
	size_t digits = strspn(s, "0123456789");

	if (digits && s[digits] == '-')
		return "is a range where one VLAN id is expected";
	if (digits == 0 || s[digits])
		return "is not a VLAN id";
	if (!scan_digits(s, digits, vlan) || *vlan < HN_VLAN_MIN || *vlan > HN_VLAN_MAX)
		return "is out of range 1-4094";
	return NULL;
}

const char *hn_scan_vlan_range(const char *s, unsigned *lo, unsigned *hi)
{
	const char *dash = strchr(s, '-');

	if (!dash) {
		const char *why = hn_scan_vlan(s, lo);

		*hi = *lo;
		return why;
	}
	if (!scan_digits(s, (size_t)(dash - s), lo) || !scan_digits(dash + 1, strlen(dash + 1), hi))
		return "is not a VLAN id or range";
	if (*lo < HN_VLAN_MIN || *lo > HN_VLAN_MAX || *hi < HN_VLAN_MIN || *hi > HN_VLAN_MAX)
		return "is out of range 1-4094";
	if (*lo > *hi)
		return "is a range that goes down";
	return NULL;
}

/* The kernel's dev_valid_name(): what `ip link` and OVS will accept. */
const char *hn_scan_ifname(const char *s)
{
	size_t len = strlen(s);

	if (len == 0)
		return "is empty";
	if (len >= IFNAMSIZ)
		return "is longer than 15 bytes";
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return "is not allowed";
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '/')
			return "holds a '/'";
		if (*c == ':')
			return "holds a ':'";
		/* The kernel's isspace() is Latin-1's: 0xa0 (no-break space) counts. */
		if (*c == ' ' || (*c >= '\t' && *c <= '\r') || *c == 0xa0)
			return "holds white space";
	}
	return NULL;
}

const char *hn_scan_ipv4(const char *s, struct in_addr *addr)
{
	if (strchr(s, '/'))
		return "is a prefix where an address is expected";
	if (inet_pton(AF_INET, s, addr) != 1)
		return "is not an IPv4 address";
	return NULL;
}

const char *hn_scan_prefix(const char *s, bool need_len, struct hn_prefix *p)
{
	const char *slash = strchr(s, '/');
	size_t addr_len = slash ? (size_t)(slash - s) : strlen(s);
	char addr[INET_ADDRSTRLEN];
	unsigned len = 32;

	if (addr_len >= sizeof(addr))
		return "is not an IPv4 prefix";
	memcpy(addr, s, addr_len);
	addr[addr_len] = '\0';
	if (inet_pton(AF_INET, addr, &p->addr) != 1)
		return "is not an IPv4 prefix";
	if (!slash && need_len)
		return "has no prefix length";
	if (slash && (!scan_digits(slash + 1, strlen(slash + 1), &len) || len > 32))
		return "has a prefix length that is not 0-32";
	p->len = (uint8_t)len;
	return NULL;
}

bool hn_looks_ipv6(const char *s)
{
	return strchr(s, ':') != NULL;
}

const char *hn_scan_ipv6(const char *s, struct in6_addr *addr)
{
	if (strchr(s, '/'))
		return "is a prefix where an address is expected";
	if (inet_pton(AF_INET6, s, addr) != 1)
		return "is not an IPv6 address";
	return NULL;
}

const char *hn_scan_prefix6(const char *s, bool need_len, struct hn_prefix6 *p)
{
	const char *slash = strchr(s, '/');
	size_t addr_len = slash ? (size_t)(slash - s) : strlen(s);
	char addr[INET6_ADDRSTRLEN];
	unsigned len = 128;

	if (addr_len >= sizeof(addr))
		return "is not an IPv6 prefix";
	memcpy(addr, s, addr_len);
	addr[addr_len] = '\0';
	if (inet_pton(AF_INET6, addr, &p->addr) != 1)
		return "is not an IPv6 prefix";
	if (!slash && need_len)
		return "has no prefix length";
	if (slash && (!scan_digits(slash + 1, strlen(slash + 1), &len) || len > 128))
		return "has a prefix length that is not 0-128";
	p->len = (uint8_t)len;
	return NULL;
}

const char *hn_scan_bool(const char *s, bool *out)
{
	/* YAML 1.2's core schema: no yes/no/on/off, which YAML 1.1 readers disagree on. */
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
		*out = s[0] == 't';
		return NULL;
	}
	return "is not a boolean";
}

const char *hn_scan_mac(const char *s, struct hn_mac *mac)
{
	for (int i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		unsigned v = 0;

		for (int k = 0; k < 2; k++) {
			char c = p[k];

			if (c >= '0' && c <= '9')
				v = v * 16 + (unsigned)(c - '0');
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				v = v * 16 + (unsigned)((c | 0x20) - 'a' + 10);
			else
				return "is not a MAC address";
		}
		if (p[2] != (i < 5 ? ':' : '\0'))
			return "is not a MAC address";
		mac->b[i] = (uint8_t)v;
	}
	/* A frame's source is one station: never a group address, never zero. */
	if (mac->b[0] & 1)
		return "is a multicast address";
	if (!(mac->b[0] | mac->b[1] | mac->b[2] | mac->b[3] | mac->b[4] | mac->b[5]))
		return "is the zero address";
	return NULL;
}

const char *hn_quote(const char *s, char buf[HN_QUOTE_MAX])
{
	size_t n = 0, max = HN_QUOTE_MAX - 4;

	for (; s[n] && n < max; n++)
		buf[n] = ((unsigned char)s[n] < 0x20 || s[n] == 0x7f) ? '?' : s[n];
	if (s[n]) {
		/* Cut on a character boundary, then say it was cut. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* "tcp:IP:PORT" or "ssl:IP:PORT" (an IPv6 address in brackets), or "unix:/PATH": how
 * ovsdb-server and its clients write one database address. */
static const char *scan_one_remote(const char *s, size_t len, bool any_scheme)
{
	char host[INET6_ADDRSTRLEN + 2], port_text[8];
	const char *rest, *colon;
	struct in6_addr a6;
	struct in_addr a4;
	unsigned port;
	size_t hlen;

	if (len >= 5 && strncmp(s, "unix:", 5) == 0)
		return len > 5 && s[5] == '/' ? NULL : "has a unix: path that is not absolute";
	if (len > 4 && strncmp(s, "tcp:", 4) == 0)
		rest = s + 4;
	else if (any_scheme && len > 4 && strncmp(s, "ssl:", 4) == 0)
		rest = s + 4;
	else
		return any_scheme ? "is not tcp:, ssl: or unix:" : "is not tcp: or unix:";
	colon = memrchr(rest, ':', (size_t)(s + len - rest));
	if (!colon)
		return "has no :PORT";
	hlen = (size_t)(colon - rest);
	if (s + len - colon - 1 >= (long)sizeof(port_text) || hlen >= sizeof(host))
		return "is too long for an address and port";
	snprintf(port_text, sizeof(port_text), "%.*s", (int)(s + len - colon - 1), colon + 1);
	if (hn_scan_uint(port_text, 1, 65535, &port))
		return "has a port that is not 1-65535";
	if (hlen > 2 && rest[0] == '[' && rest[hlen - 1] == ']') {
		snprintf(host, sizeof(host), "%.*s", (int)hlen - 2, rest + 1);
		return inet_pton(AF_INET6, host, &a6) == 1 ? NULL : "has a bad IPv6 address";
	}
	snprintf(host, sizeof(host), "%.*s", (int)hlen, rest);
	return inet_pton(AF_INET, host, &a4) == 1 ? NULL : "has a bad IPv4 address";
}

const char *hn_scan_ovsdb_remote(const char *s, bool list)
{
	const char *item = s;

	for (;;) {
		const char *comma = list ? strchr(item, ',') : NULL;
		size_t len = comma ? (size_t)(comma - item) : strlen(item);
		const char *why = scan_one_remote(item, len, list);

		if (why)
			return why;
		if (!comma)
			return NULL;
		item = comma + 1;
	}
}

const char *hn_scan_ovn_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

	if (!*s)
		return "is empty";
	if (s[n])
		return "holds a character other than A-Z a-z 0-9 _ . -";
	return n > 64 ? "is longer than 64 bytes" : NULL;
}
