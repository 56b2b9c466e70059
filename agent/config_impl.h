/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the config parser: the YAML tree (config_tree.c), the scalar parsers
 * (config_scalar.c) and the cross checks (config_validate.c). Not for the backends.
 */
#ifndef HOSTNET_CONFIG_IMPL_H
#define HOSTNET_CONFIG_IMPL_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>

/* Bigger than any sane hostnet.yaml by far; bounds memory and time on hostile input. */
#define HN_CONFIG_MAX_BYTES (1024 * 1024)
/* Deeper than the schema ever goes (5 levels); stops recursion on "[[[[[[...". */
#define HN_CONFIG_MAX_DEPTH 32

/* All networks together; libvirt itself has no limit, but memory does. */
#define HN_CONFIG_MAX_PORTGROUPS 65536

/* Every key the parser accepts, with the mapping it belongs to as hostnet.yaml(5) writes it
 * ("" for the top, "bridges.BRIDGE.ports.PORT", "verify.reach[]"), in no particular order.
 * Taken from the parser's own key tables: the man page check uses it. */
void hn_config_keys(void (*fn)(const char *where, const char *key, void *arg), void *arg);

/* The YAML document as a tree. Aliases are refused, so it is a tree, never a graph. */
enum hn_node_kind {
	HN_NODE_SCALAR,
	HN_NODE_SEQ,
	HN_NODE_MAP,
};

struct hn_node {
	enum hn_node_kind kind;
	struct hn_pos pos;
	char *value;  /* scalar: NUL-terminated, never holds a NUL itself */
	bool is_null; /* scalar: plain "", "~" or "null" */
	/* seq: n items; map: n pairs, items[2i] the key (always a scalar), items[2i+1] its value */
	struct hn_node *items;
	size_t n;
};

/* Parse buf (len bytes, no NUL needed at the end) into *root. Refuses what is not text,
 * YAML syntax errors, aliases, duplicate keys, non-scalar keys, several documents.
 * Error text as config.h says; `name` stands for the file. */
int hn_tree_load(const char *name, const char *buf, size_t len, struct hn_node *root);
void hn_tree_free(struct hn_node *n);

/* A name and where it was seen, for the duplicate searches (keys, interfaces,
 * portgroups). `what` and `owner` only serve the messages. */
struct hn_name_ref {
	const char *name;
	struct hn_pos pos;
	const char *what;
	const char *owner;
};

/* Sorts refs. When a name occurs twice, sets *first and *again (the repeat that comes
 * earliest in the file) and returns true. */
bool hn_find_duplicate(struct hn_name_ref *refs, size_t n, const struct hn_name_ref **first,
		       const struct hn_name_ref **again);

/* When refs hold a name twice: "FILE:L:C: SCOPE: NOUN 'x' is used twice: WHAT OWNER here,
 * and WHAT OWNER at line L, column C; expected EXPECTED" at the repeat, -EINVAL. SCOPE is
 * the path of the section the rule is about ("bridges"; "" for none). Sorts refs. */
int hn_check_unique(const char *file, const char *scope, struct hn_name_ref *refs, size_t n,
		    const char *noun, const char *expected);

/* Scalar parsers: NULL on success, else why not, worded to follow the quoted value
 * ("'5000' is out of range 1-4094"). */
const char *hn_scan_vlan(const char *s, unsigned *vlan);
const char *hn_scan_vlan_range(const char *s, unsigned *lo, unsigned *hi);
const char *hn_scan_ifname(const char *s);
const char *hn_scan_ipv4(const char *s, struct in_addr *addr);
/* need_len: "10.0.0.1" alone is refused; else it means /32. */
const char *hn_scan_prefix(const char *s, bool need_len, struct hn_prefix *p);
const char *hn_scan_ipv6(const char *s, struct in6_addr *addr);
/* need_len: "2001:db8::1" alone is refused; else it means /128. */
const char *hn_scan_prefix6(const char *s, bool need_len, struct hn_prefix6 *p);
/* Does s look like IPv6 (holds a ':')? Then the IPv6 parsers say what is wrong with it. */
bool hn_looks_ipv6(const char *s);
const char *hn_scan_uint(const char *s, unsigned min, unsigned max, unsigned *out);
const char *hn_scan_bool(const char *s, bool *out); /* true or false */
/* "52:54:00:c6:64:0a" (either case): a unicast MAC, not zero. */
const char *hn_scan_mac(const char *s, struct hn_mac *mac);

/* An OVSDB address: "tcp:IP:PORT", "unix:/PATH"; with list, also "ssl:IP:PORT" and several
 * of them separated by commas (what ovn-controller accepts as ovn-remote). */
const char *hn_scan_ovsdb_remote(const char *s, bool list);
/* An OVN name of hostnet's (a physical network, a logical switch): 1-64 of A-Z a-z 0-9 _ . -,
 * so that it fits ovn-bridge-mappings' "physnet:bridge,..." syntax unquoted. */
const char *hn_scan_ovn_name(const char *s);

/* s made safe to quote in a one-line message: control bytes become '?', long ones are cut. */
#define HN_QUOTE_MAX 72
const char *hn_quote(const char *s, char buf[HN_QUOTE_MAX]);

#endif
