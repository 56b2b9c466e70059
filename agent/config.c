// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostnet.yaml -> struct hn_config: the schema of hostnet.yaml(5), walked over the YAML
 * tree of config_tree.c. Each mapping is a table of keys and handlers; each list goes
 * through one helper. Errors name the node's FILE:LINE:COL and its path in the file
 * ("bridges.brint.ports.eno2.tag"), say what is wrong and what was expected.
 */
#include "config.h"
#include "config_impl.h"
#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct walker {
	const char *file;
	struct hn_config *c;
	char path[160]; /* where we are, for messages: "bridges.brint.routes[1]" */
	size_t path_len;
	/* Every interface name met (bridges, uplinks, ports), to refuse one used twice. */
	struct hn_name_ref *ifaces;
	size_t n_ifaces, cap_ifaces;
	size_t n_portgroups; /* in all networks, against HN_CONFIG_MAX_PORTGROUPS */
};

static int fail(struct walker *w, const struct hn_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct walker *w, const struct hn_node *n, const char *fmt, ...)
{
	char what[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return hn_err(-EINVAL, "%s:%u:%u: %s%s%s", w->file, n->pos.line, n->pos.col, w->path,
		      w->path_len ? ": " : "", what);
}

static int no_memory(struct walker *w)
{
	return hn_err(-ENOMEM, "%s: out of memory", w->file);
}

/* Path bookkeeping: push returns the length to pop back to. */
static size_t push(struct walker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t push(struct walker *w, const char *fmt, ...)
{
	size_t old = w->path_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(w->path + old, sizeof(w->path) - old, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->path_len =
		    old + (size_t)n < sizeof(w->path) ? old + (size_t)n : sizeof(w->path) - 1;
	return old;
}

static void pop(struct walker *w, size_t old)
{
	w->path_len = old;
	w->path[old] = '\0';
}

static size_t push_key(struct walker *w, const char *key)
{
	char q[HN_QUOTE_MAX];

	return push(w, "%s%s", w->path_len ? "." : "", hn_quote(key, q));
}

static const char *kind_name(const struct hn_node *n)
{
	switch (n->kind) {
	case HN_NODE_MAP:
		return "a mapping";
	case HN_NODE_SEQ:
		return "a list";
	case HN_NODE_SCALAR:
		break;
	}
	return n->is_null ? "nothing" : "a single value";
}

static bool is_empty(const struct hn_node *n)
{
	return n->kind == HN_NODE_SCALAR && n->is_null;
}

/* ---- Typed leaves ---- */

static int want_scalar(struct walker *w, const struct hn_node *n, const char *expected)
{
	if (n->kind != HN_NODE_SCALAR || n->is_null)
		return fail(w, n, "got %s, expected %s", kind_name(n), expected);
	return 0;
}

static int bad_value(struct walker *w, const struct hn_node *n, const char *why,
		     const char *expected)
{
	char q[HN_QUOTE_MAX];

	return fail(w, n, "'%s' %s, expected %s", hn_quote(n->value, q), why, expected);
}

#define EXPECT_VLAN   "a VLAN id 1-4094"
#define EXPECT_VLANS  "a list of VLAN ids 1-4094 or ranges like 100-109"
#define EXPECT_IFNAME "an interface name of 1-15 bytes without '/', ':' or spaces"

static int parse_vlan(struct walker *w, const struct hn_node *n, unsigned *vlan)
{
	const char *why;

	if (want_scalar(w, n, EXPECT_VLAN) < 0)
		return -EINVAL;
	why = hn_scan_vlan(n->value, vlan);
	return why ? bad_value(w, n, why, EXPECT_VLAN) : 0;
}

static int parse_ifname(struct walker *w, const struct hn_node *n, char name[IFNAMSIZ])
{
	const char *why;

	if (want_scalar(w, n, EXPECT_IFNAME) < 0)
		return -EINVAL;
	why = hn_scan_ifname(n->value);
	if (why)
		return bad_value(w, n, why, EXPECT_IFNAME);
	strcpy(name, n->value); /* hn_scan_ifname checked it fits */
	return 0;
}

static int parse_ipv4(struct walker *w, const struct hn_node *n, struct in_addr *addr)
{
	const char *why;

	if (want_scalar(w, n, "an IPv4 address like 198.51.100.1") < 0)
		return -EINVAL;
	why = hn_scan_ipv4(n->value, addr);
	return why ? bad_value(w, n, why, "an IPv4 address like 198.51.100.1") : 0;
}

/* A libvirt object name: libvirt refuses '/' (it becomes a file name) and empty ones. */
static int parse_object_name(struct walker *w, const struct hn_node *n, const char *expected,
			     char **out)
{
	if (want_scalar(w, n, expected) < 0)
		return -EINVAL;
	if (!*n->value)
		return fail(w, n, "an empty name, expected %s", expected);
	if (strchr(n->value, '/'))
		return bad_value(w, n, "holds a '/'", expected);
	*out = strdup(n->value);
	return *out ? 0 : no_memory(w);
}

/* ---- The generic walkers: mappings by key table, lists and named mappings into arrays ---- */

typedef int (*field_fn)(struct walker *w, const struct hn_node *value, void *obj);
typedef int (*item_fn)(struct walker *w, const struct hn_node *item, void *slot);
typedef int (*pair_fn)(struct walker *w, const struct hn_node *key, const struct hn_node *value,
		       void *slot);

struct field {
	const char *key;
	field_fn parse;
};

/* One mapping of the schema: its keys, and where it sits in the file, written as the man
 * page hostnet.yaml(5) writes it ("bridges.BRIDGE.ports.PORT"; "[]" for each item of a list).
 * Declared with FIELDS only, which also lists it in the section hn_config_fields: that is
 * how hn_config_keys() sees every key the parser accepts, with no second copy to keep. */
struct fields {
	const char *where;
	const struct field *v;
	size_t n;
};

#define FIELDS(name, where_, ...)                                                                  \
	static const struct field name##_v[] = {__VA_ARGS__};                                      \
	static const struct fields name = {where_, name##_v,                                       \
					   sizeof(name##_v) / sizeof(name##_v[0])};                \
	static const struct fields *const name##_listed                                            \
	    __attribute__((used, section("hn_config_fields"))) = &name

/* The linker's bounds of that section. */
extern const struct fields *const __start_hn_config_fields[];
extern const struct fields *const __stop_hn_config_fields[];

void hn_config_keys(void (*fn)(const char *where, const char *key, void *arg), void *arg)
{
	for (const struct fields *const *f = __start_hn_config_fields; f < __stop_hn_config_fields;
	     f++)
		for (size_t i = 0; i < (*f)->n; i++)
			fn((*f)->where, (*f)->v[i].key, arg);
}

static const struct hn_node *find_key(const struct hn_node *map, const char *key)
{
	if (map->kind != HN_NODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->items[2 * i].value, key) == 0)
			return &map->items[2 * i + 1];
	return NULL;
}

/* A mapping whose keys are fixed. An empty value (`br1:` alone) is an empty mapping.
 * Unknown keys are refused first, so a typo is reported as a typo; then the handlers run
 * in table order (bridges before the networks that name them). */
static int walk_fields(struct walker *w, const struct hn_node *map, const char *what,
		       const struct fields *table, void *obj)
{
	const struct field *fields = table->v;
	size_t n_fields = table->n;

	if (is_empty(map))
		return 0;
	if (map->kind != HN_NODE_MAP)
		return fail(w, map, "got %s, expected %s", kind_name(map), what);
	for (size_t i = 0; i < map->n; i++) {
		const struct hn_node *key = &map->items[2 * i];
		char allowed[256] = "", q[HN_QUOTE_MAX];
		size_t used = 0;
		bool known = false;

		for (size_t f = 0; f < n_fields && !known; f++)
			known = strcmp(key->value, fields[f].key) == 0;
		if (known)
			continue;
		for (size_t f = 0; f < n_fields && used < sizeof(allowed); f++)
			used += (size_t)snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
						 f ? ", " : "", fields[f].key);
		return fail(w, key, "unknown key '%s', expected %s%s", hn_quote(key->value, q),
			    n_fields > 1 ? "one of: " : "only: ", allowed);
	}
	for (size_t f = 0; f < n_fields; f++) {
		const struct hn_node *value = find_key(map, fields[f].key);
		size_t old;
		int r;

		if (!value)
			continue;
		old = push_key(w, fields[f].key);
		r = fields[f].parse(w, value, obj);
		pop(w, old);
		if (r < 0)
			return r;
	}
	return 0;
}

/* n zeroed elements for the model, counted at once so hn_config_free sees them all even
 * when a later one fails. */
static int alloc_array(struct walker *w, size_t n, size_t size, void *arrp, size_t *count)
{
	void **arr = arrp;

	*count = 0;
	if (n == 0)
		return 0;
	*arr = calloc(n, size);
	if (!*arr)
		return no_memory(w);
	*count = n;
	return 0;
}

/* Every item of a YAML list through fn: into element i of *arrp (`size` bytes each, the
 * array allocated here), or, with size 0, all into the one object `arrp` (a VLAN list). */
static int walk_list(struct walker *w, const struct hn_node *seq, const char *what, size_t size,
		     item_fn fn, void *arrp, size_t *count)
{
	char *base;
	int r;

	if (seq->kind != HN_NODE_SEQ)
		return fail(w, seq, "got %s, expected %s", kind_name(seq), what);
	if (size) {
		r = alloc_array(w, seq->n, size, arrp, count);
		if (r < 0)
			return r;
		base = *(char **)arrp;
	} else {
		base = arrp;
	}
	for (size_t i = 0; i < seq->n; i++) {
		size_t old = push(w, "[%zu]", i);

		r = fn(w, &seq->items[i], size ? base + i * size : base);
		pop(w, old);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Every pair of a mapping through fn, the value of pair i into element i of base. */
static int walk_pairs(struct walker *w, const struct hn_node *map, size_t size, pair_fn fn,
		      char *base)
{
	for (size_t i = 0; i < map->n; i++) {
		const struct hn_node *key = &map->items[2 * i];
		size_t old = push_key(w, key->value);
		int r = fn(w, key, &map->items[2 * i + 1], base + i * size);

		pop(w, old);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A mapping of NAME: {...} (bridges, ports, networks) into an array, one element a name. */
static int walk_named(struct walker *w, const struct hn_node *map, const char *what, size_t size,
		      pair_fn fn, void *arrp, size_t *count)
{
	int r;

	if (is_empty(map))
		return 0;
	if (map->kind != HN_NODE_MAP)
		return fail(w, map, "got %s, expected %s", kind_name(map), what);
	r = alloc_array(w, map->n, size, arrp, count);
	return r < 0 ? r : walk_pairs(w, map, size, fn, *(char **)arrp);
}

/* A required key: its absence is reported on the mapping, or on the name when the
 * mapping was left empty. */
static int need_key(struct walker *w, const struct hn_node *key, const struct hn_node *map,
		    const char *name, const char *expected)
{
	if (find_key(map, name))
		return 0;
	return fail(w, is_empty(map) && key ? key : map, "missing key '%s', expected %s", name,
		    expected);
}

static int add_iface(struct walker *w, const char *name, struct hn_pos pos, const char *what,
		     const char *owner)
{
	if (w->n_ifaces == w->cap_ifaces) {
		size_t cap = w->cap_ifaces ? w->cap_ifaces * 2 : 16;
		struct hn_name_ref *refs = realloc(w->ifaces, cap * sizeof(*refs));

		if (!refs)
			return no_memory(w);
		w->ifaces = refs;
		w->cap_ifaces = cap;
	}
	w->ifaces[w->n_ifaces++] =
	    (struct hn_name_ref){.name = name, .pos = pos, .what = what, .owner = owner};
	return 0;
}

/* ---- VLAN lists ---- */

/* One VLAN list being read: the set it fills and the list, to find an earlier item. */
struct vlan_list {
	const struct hn_node *seq;
	struct hn_vlanset *set;
	bool once; /* a VLAN named twice is refused */
};

#define EXPECT_VLAN_ITEM "a VLAN id 1-4094 or a range like 100-109"

/* [10, 10] or [100-109, 105] is a slip (a VLAN meant elsewhere, a range mistyped): say which
 * two items meet, not only the VLAN. Items before `item` were checked already. */
static int vlan_twice(struct walker *w, const struct vlan_list *l, const struct hn_node *item,
		      unsigned vlan)
{
	char q1[HN_QUOTE_MAX], q2[HN_QUOTE_MAX];
	unsigned lo = 0, hi = 0;

	for (const struct hn_node *prev = l->seq->items; prev < item; prev++) {
		if (hn_scan_vlan_range(prev->value, &lo, &hi) || vlan < lo || vlan > hi)
			continue;
		return fail(w, item,
			    "VLAN %u is listed twice: in '%s' here, and in '%s' at line %u, column "
			    "%u, expected each VLAN once in a list",
			    vlan, hn_quote(item->value, q1), hn_quote(prev->value, q2),
			    prev->pos.line, prev->pos.col);
	}
	return fail(w, item, "VLAN %u is listed twice, expected each VLAN once in a list", vlan);
}

static int vlan_item(struct walker *w, const struct hn_node *item, void *slot)
{
	struct vlan_list *l = slot;
	unsigned lo, hi;
	const char *why;

	if (want_scalar(w, item, EXPECT_VLAN_ITEM) < 0)
		return -EINVAL;
	why = hn_scan_vlan_range(item->value, &lo, &hi);
	if (why)
		return bad_value(w, item, why, EXPECT_VLAN_ITEM);
	for (unsigned v = lo; v <= hi; v++) {
		if (l->once && hn_vlanset_has(l->set, v))
			return vlan_twice(w, l, item, v);
		hn_vlanset_add(l->set, v);
	}
	return 0;
}

/* [10, 20, 100-109], flow or block style; never empty (an empty trunk would carry every
 * VLAN in OVS, the opposite of what was written). */
static int walk_vlans(struct walker *w, const struct hn_node *n, struct hn_vlanset *set, bool once)
{
	struct vlan_list l = {.seq = n, .set = set, .once = once};
	int r = walk_list(w, n, EXPECT_VLANS, 0, vlan_item, &l, NULL);

	if (r == 0 && hn_vlanset_empty(set))
		return fail(w, n, "an empty list, expected " EXPECT_VLANS);
	return r;
}

/* A trunk or an access list: each VLAN once, since each becomes an object (a portgroup)
 * or a member of an OVS set, and a repeat can only be a slip. */
static int parse_vlans(struct walker *w, const struct hn_node *n, struct hn_vlanset *set)
{
	return walk_vlans(w, n, set, true);
}

/* The VLANs verify probes: a set, so "every VLAN and 99 again" means what it says. */
static int parse_vlan_set(struct walker *w, const struct hn_node *n, struct hn_vlanset *set)
{
	return walk_vlans(w, n, set, false);
}

/* ---- ovs ---- */

static int ovs_datapath(struct walker *w, const struct hn_node *n, void *obj)
{
	static const char *const names[] = {
	    [HN_DATAPATH_AUTO] = "auto",
	    [HN_DATAPATH_SYSTEM] = "system",
	    [HN_DATAPATH_NETDEV] = "netdev",
	};
	enum hn_datapath *d = obj;

	if (want_scalar(w, n, "auto, system or netdev") < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(n->value, names[i]) == 0) {
			*d = (enum hn_datapath)i;
			return 0;
		}
	}
	return bad_value(w, n, "is not a datapath", "auto, system or netdev");
}

static int top_ovs(struct walker *w, const struct hn_node *n, void *obj)
{
	FIELDS(fields, "ovs", {"datapath", ovs_datapath});
	struct hn_config *c = obj;

	return walk_fields(w, n, "a mapping with datapath", &fields, &c->datapath);
}

/* ---- bridges ---- */

#define EXPECT_ADDRESS "an address with its prefix length, like 198.51.100.10/24 or 2001:db8::10/64"

/* What an IPv6 address of the host cannot be: why, or NULL. */
static const char *bad_ipv6_host(const struct in6_addr *a)
{
	if (IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LOOPBACK(a))
		return "is not a host's address";
	if (IN6_IS_ADDR_MULTICAST(a))
		return "is a multicast address";
	if (IN6_IS_ADDR_LINKLOCAL(a))
		return "is link-local (the kernel gives each interface its own)";
	return NULL;
}

/* The address lists of a bridge or a port: IPv4 and IPv6 apart. */
struct ip_lists {
	struct hn_prefix **v4;
	size_t *n4;
	struct hn_prefix6 **v6;
	size_t *n6;
};

/* One item of `addresses`, into the IPv4 or the IPv6 list. */
static int address_item(struct walker *w, const struct hn_node *item, const struct ip_lists *l)
{
	const char *why;

	if (want_scalar(w, item, EXPECT_ADDRESS) < 0)
		return -EINVAL;
	if (!hn_looks_ipv6(item->value)) {
		why = hn_scan_prefix(item->value, true, &(*l->v4)[(*l->n4)++]);
		return why ? bad_value(w, item, why, EXPECT_ADDRESS) : 0;
	}
	why = hn_scan_prefix6(item->value, true, &(*l->v6)[*l->n6]);
	if (!why)
		why = bad_ipv6_host(&(*l->v6)[*l->n6].addr);
	(*l->n6)++;
	return why ? bad_value(w, item, why, EXPECT_ADDRESS) : 0;
}

/* IPv4 and IPv6 in one list, as people write them; each family into its own array. */
static int split_addresses(struct walker *w, const struct hn_node *n, const struct ip_lists *l)
{
	size_t v6 = 0, n4 = 0, n6 = 0;
	struct ip_lists fill = {l->v4, &n4, l->v6, &n6};
	int r;

	if (n->kind != HN_NODE_SEQ)
		return fail(w, n, "got %s, expected a list of addresses like [198.51.100.10/24]",
			    kind_name(n));
	for (size_t i = 0; i < n->n; i++)
		v6 += n->items[i].kind == HN_NODE_SCALAR && !n->items[i].is_null &&
		      hn_looks_ipv6(n->items[i].value);
	r = alloc_array(w, n->n - v6, sizeof(**l->v4), l->v4, l->n4);
	if (r == 0)
		r = alloc_array(w, v6, sizeof(**l->v6), l->v6, l->n6);
	for (size_t i = 0; r == 0 && i < n->n; i++) {
		size_t old = push(w, "[%zu]", i);

		r = address_item(w, &n->items[i], &fill);
		pop(w, old);
	}
	return r;
}

static int bridge_addresses(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_bridge *b = obj;

	b->has_addresses = true;
	return split_addresses(
	    w, n,
	    &(struct ip_lists){&b->addresses, &b->n_addresses, &b->addresses6, &b->n_addresses6});
}

static int parse_bool(struct walker *w, const struct hn_node *n, bool *out)
{
	const char *why;

	if (want_scalar(w, n, "true or false") < 0)
		return -EINVAL;
	why = hn_scan_bool(n->value, out);
	return why ? bad_value(w, n, why, "true or false") : 0;
}

/* `arp_hygiene: false` turns it off; true is the default, said again. */
static int parse_hygiene(struct walker *w, const struct hn_node *n, bool *off)
{
	bool on;
	int r = parse_bool(w, n, &on);

	*off = r == 0 && !on;
	return r;
}

static int bridge_arp_hygiene(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_hygiene(w, n, &((struct hn_bridge *)obj)->arp_hygiene_off);
}

#define EXPECT_MAC "a unicast MAC address like 52:54:00:c6:64:0a"

static int mac_item(struct walker *w, const struct hn_node *item, void *slot)
{
	const char *why;

	if (want_scalar(w, item, EXPECT_MAC) < 0)
		return -EINVAL;
	why = hn_scan_mac(item->value, slot);
	return why ? bad_value(w, item, why, EXPECT_MAC) : 0;
}

/* The MACs the provider lets out besides the NIC's: each once (a repeat is a slip). */
static int bridge_uplink_macs(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_bridge *b = obj;
	char(*text)[HN_MAC_STRLEN];
	struct hn_name_ref *refs;
	int r = walk_list(w, n, "a list of MAC addresses like [52:54:00:c6:64:0a]",
			  sizeof(*b->uplink_macs), mac_item, &b->uplink_macs, &b->n_uplink_macs);

	if (r < 0 || b->n_uplink_macs < 2)
		return r;
	text = calloc(b->n_uplink_macs, sizeof(*text));
	refs = calloc(b->n_uplink_macs, sizeof(*refs));
	if (!text || !refs) {
		free(text);
		free(refs);
		return no_memory(w);
	}
	for (size_t i = 0; i < b->n_uplink_macs; i++)
		refs[i] = (struct hn_name_ref){hn_mac_format(&b->uplink_macs[i], text[i]),
					       n->items[i].pos, "in uplink_macs", NULL};
	r = hn_check_unique(w->file, w->path, refs, b->n_uplink_macs, "MAC",
			    "each MAC once in uplink_macs");
	free(refs);
	free(text);
	return r;
}

static int uplink_mac(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_bridge *b = obj;
	struct hn_mac mac;
	const char *why;

	if (want_scalar(w, n, EXPECT_MAC) < 0)
		return -EINVAL;
	why = hn_scan_mac(n->value, &mac);
	if (why)
		return bad_value(w, n, why, EXPECT_MAC);
	b->uplink_want_mac = mac;
	b->uplink_by_mac = true;
	return 0;
}

#define EXPECT_BOND "a list of 2-8 NIC names like [eno1, eno2]"

/* `bond: [eno1, eno2]`: the first is the NIC whose MAC and addresses the bridge takes. */
static int uplink_bond(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_bridge *b = obj;
	int r = 0;

	if (n->kind != HN_NODE_SEQ)
		return fail(w, n, "got %s, expected " EXPECT_BOND, kind_name(n));
	if (n->n < 2 || n->n > HN_BOND_MAX)
		return fail(w, n, "%zu NIC(s), expected " EXPECT_BOND, n->n);
	for (size_t i = 0; r == 0 && i < n->n; i++) {
		size_t old = push(w, "[%zu]", i);

		r = parse_ifname(w, &n->items[i], b->bond[i]);
		if (r == 0)
			r = add_iface(w, b->bond[i], n->items[i].pos, "in the bond of", b->name);
		pop(w, old);
	}
	if (r < 0)
		return r;
	b->n_bond = n->n;
	/* The port needs a name of its own, which the kernel never sees but plan lines and
	 * ovs-appctl bond/show use: the bridge's, so that it says where it belongs. */
	if (snprintf(b->bond_port, sizeof(b->bond_port), "%s-bond", b->name) >=
	    (int)sizeof(b->bond_port))
		return fail(w, n,
			    "the bond's OVS port would be named '%s-bond', longer than 15 bytes, "
			    "expected a bridge name of at most 10 bytes for a bonded uplink",
			    b->name);
	snprintf(b->uplink, sizeof(b->uplink), "%s", b->bond[0]);
	return add_iface(w, b->bond_port, n->pos, "as the bond port of", b->name);
}

/* A scalar among names[0..n): its index into *out, or a message listing them. */
static int parse_choice(struct walker *w, const struct hn_node *n, const char *const *names,
			size_t count, const char *expected, int *out)
{
	if (want_scalar(w, n, expected) < 0)
		return -EINVAL;
	for (size_t i = 0; i < count; i++)
		if (strcmp(n->value, names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	return bad_value(w, n, "is not one of them", expected);
}

static int uplink_mode(struct walker *w, const struct hn_node *n, void *obj)
{
	static const char *const names[] = {"active-backup", "balance-slb", "balance-tcp"};
	struct hn_bridge *b = obj;
	int v = 0,
	    r = parse_choice(w, n, names, 3, "active-backup, balance-slb or balance-tcp", &v);

	b->bond_mode = (enum hn_bond_mode)v;
	return r;
}

static int uplink_lacp(struct walker *w, const struct hn_node *n, void *obj)
{
	static const char *const names[] = {"off", "active", "passive"};
	struct hn_bridge *b = obj;
	int v = 0, r;

	/* YAML 1.1 readers make `off` false: take the boolean spelling too. */
	if (n->kind == HN_NODE_SCALAR && !n->is_null && strcmp(n->value, "false") == 0) {
		b->lacp = HN_LACP_OFF;
		return 0;
	}
	r = parse_choice(w, n, names, 3, "off, active or passive", &v);
	b->lacp = (enum hn_lacp)v;
	return r;
}

/* The keys of an uplink mapping that fit together: mac alone, or bond with mode and lacp. */
static int uplink_keys(struct walker *w, const struct hn_node *n, const struct hn_bridge *b)
{
	const struct hn_node *mac = find_key(n, "mac"), *bond = find_key(n, "bond");
	const struct hn_node *mode = find_key(n, "mode"), *lacp = find_key(n, "lacp");

	if (mac && bond)
		return fail(w, mac,
			    "both mac and bond, expected one of them: a bond names its NICs, the "
			    "first one's MAC is the bridge's");
	if (!bond && (mode || lacp))
		return fail(w, mode ? mode : lacp,
			    "%s without bond, expected bond: [NIC, NIC] "
			    "next to it",
			    mode ? "mode" : "lacp");
	if (bond && b->bond_mode == HN_BOND_BALANCE_TCP && b->lacp == HN_LACP_OFF)
		return fail(w, mode,
			    "mode balance-tcp with lacp off, expected lacp: active or passive "
			    "(OVS balances TCP flows over LACP only)");
	return mac || bond ? 0
			   : need_key(w, NULL, n, "mac",
				      "the MAC address of the uplink NIC, or bond: [NIC, NIC]");
}

#define EXPECT_UPLINK                                                                              \
	"an interface name, a mapping {mac: MAC} for the NIC with that MAC, or {bond: [NIC, "      \
	"NIC], "                                                                                   \
	"mode: MODE, lacp: LACP}"

/* `uplink: eno1`, `uplink: { mac: ... }` (the NIC whatever the kernel names it), or
 * `uplink: { bond: [eno1, eno2] }`. */
static int bridge_uplink(struct walker *w, const struct hn_node *n, void *obj)
{
	FIELDS(fields, "bridges.BRIDGE.uplink", {"mac", uplink_mac}, {"bond", uplink_bond},
	       {"mode", uplink_mode}, {"lacp", uplink_lacp});
	struct hn_bridge *b = obj;
	int r;

	if (n->kind == HN_NODE_MAP) {
		r = walk_fields(w, n, EXPECT_UPLINK, &fields, b);
		return r < 0 ? r : uplink_keys(w, n, b);
	}
	if (n->kind != HN_NODE_SCALAR || n->is_null)
		return fail(w, n, "got %s, expected " EXPECT_UPLINK, kind_name(n));
	r = parse_ifname(w, n, b->uplink);
	return r < 0 ? r : add_iface(w, b->uplink, n->pos, "as the uplink of", b->name);
}

static int bridge_gateway(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_bridge *b = obj;

	b->has_gateway = true;
	return parse_ipv4(w, n, &b->gateway);
}

#define EXPECT_IPV6 "an IPv6 address like 2001:db8::1 or fe80::1"

/* An IPv6 next hop: global, or link-local (then on the bridge's own link). */
static int parse_ipv6_hop(struct walker *w, const struct hn_node *n, struct in6_addr *addr)
{
	const char *why;

	if (want_scalar(w, n, EXPECT_IPV6) < 0)
		return -EINVAL;
	why = hn_scan_ipv6(n->value, addr);
	if (!why && (IN6_IS_ADDR_UNSPECIFIED(addr) || IN6_IS_ADDR_MULTICAST(addr) ||
		     IN6_IS_ADDR_LOOPBACK(addr)))
		why = "is no gateway's address";
	return why ? bad_value(w, n, why, EXPECT_IPV6) : 0;
}

static int bridge_gateway6(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_bridge *b = obj;

	b->has_gateway6 = true;
	return parse_ipv6_hop(w, n, &b->gateway6);
}

static int bridge_tag(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_vlan(w, n, &((struct hn_bridge *)obj)->tag);
}

static int parse_mtu(struct walker *w, const struct hn_node *n, unsigned *mtu)
{
	const char *why;

	if (want_scalar(w, n, "an MTU 68-65535") < 0)
		return -EINVAL;
	why = hn_scan_uint(n->value, 68, 65535, mtu);
	return why ? bad_value(w, n, why, "an MTU 68-65535") : 0;
}

static int bridge_mtu(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_mtu(w, n, &((struct hn_bridge *)obj)->mtu);
}

#define EXPECT_ROUTE "a prefix like 10.99.1.0/24 or a mapping {to: PREFIX, via: ADDRESS}"

/* A route item as read: IPv4 or IPv6, by its `to`; bridge_routes sorts them apart. */
struct any_route {
	bool v6;
	struct hn_route r4;
	struct hn_route6 r6;
};

static int route6_to(struct walker *w, const struct hn_node *n, struct hn_route6 *rt)
{
	struct hn_prefix6 net;
	const char *why = hn_scan_prefix6(n->value, false, &rt->to);
	char want[HN_PREFIX6_STRLEN];

	if (why)
		return bad_value(w, n, why, "a prefix like 2001:db8:99::/64");
	net = rt->to;
	for (unsigned bit = net.len; bit < 128; bit++)
		net.addr.s6_addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
	if (memcmp(&net.addr, &rt->to.addr, sizeof(net.addr)) != 0)
		return bad_value(w, n, "has host bits set", hn_prefix6_format(&net, want));
	return 0;
}

static int route_to(struct walker *w, const struct hn_node *n, void *obj)
{
	struct any_route *any = obj;
	struct hn_route *rt = &any->r4;
	const char *why;

	if (want_scalar(w, n, "a prefix like 10.99.1.0/24") < 0)
		return -EINVAL;
	any->v6 = hn_looks_ipv6(n->value);
	if (any->v6)
		return route6_to(w, n, &any->r6);
	why = hn_scan_prefix(n->value, false, &rt->to);
	if (why)
		return bad_value(w, n, why, "a prefix like 10.99.1.0/24");
	/* The kernel refuses 10.99.1.5/24 as a destination; say so before anything runs. */
	if (rt->to.len < 32 && (ntohl(rt->to.addr.s_addr) & (UINT32_MAX >> rt->to.len))) {
		char want[HN_PREFIX_STRLEN];
		struct hn_prefix net = rt->to;

		net.addr.s_addr =
		    rt->to.len ? htonl(ntohl(net.addr.s_addr) & ~(UINT32_MAX >> rt->to.len)) : 0;
		return bad_value(w, n, "has host bits set",
				 hn_prefix_format(&net, want)); /* e.g. "10.99.1.0/24" */
	}
	return 0;
}

static int route_via(struct walker *w, const struct hn_node *n, void *obj)
{
	struct any_route *any = obj;

	if (want_scalar(w, n, "an address like 10.99.1.1 or 2001:db8::1") < 0)
		return -EINVAL;
	if (any->v6 != hn_looks_ipv6(n->value))
		return bad_value(w, n, "is not of the family of the route's `to`",
				 any->v6 ? EXPECT_IPV6 : "an IPv4 address like 10.99.1.1");
	if (any->v6) {
		any->r6.has_via = true;
		return parse_ipv6_hop(w, n, &any->r6.via);
	}
	any->r4.has_via = true;
	return parse_ipv4(w, n, &any->r4.via);
}

/* A route of a bridge or of a port: a bare prefix (dev <that interface>) or {to, via}. */
static int route_entry(struct walker *w, const struct hn_node *item, struct any_route *rt,
		       const struct fields *fields)
{

	int r;

	rt->r4.pos = rt->r6.pos = item->pos;
	if (item->kind == HN_NODE_SCALAR && !item->is_null)
		return route_to(w, item, rt); /* a bare prefix: dev <this interface> */
	if (item->kind != HN_NODE_MAP)
		return fail(w, item, "got %s, expected " EXPECT_ROUTE, kind_name(item));
	r = walk_fields(w, item, EXPECT_ROUTE, fields, rt);
	return r < 0 ? r : need_key(w, NULL, item, "to", "the destination prefix of the route");
}

static int route_item(struct walker *w, const struct hn_node *item, void *slot)
{
	FIELDS(fields, "bridges.BRIDGE.routes[]", {"to", route_to}, {"via", route_via});

	return route_entry(w, item, slot, &fields);
}

static int port_route_item(struct walker *w, const struct hn_node *item, void *slot)
{
	FIELDS(fields, "bridges.BRIDGE.ports.PORT.routes[]", {"to", route_to}, {"via", route_via});

	return route_entry(w, item, slot, &fields);
}

/* A list of routes of either family, each into the array of its own. */
static int split_routes(struct walker *w, const struct hn_node *n,
			int (*item)(struct walker *, const struct hn_node *, void *),
			struct hn_route **r4, size_t *n4, struct hn_route6 **r6, size_t *n6)
{
	struct any_route *any = NULL;
	size_t n_any = 0, v6 = 0;
	int r = walk_list(w, n, "a list of routes, each " EXPECT_ROUTE, sizeof(*any), item, &any,
			  &n_any);

	for (size_t i = 0; i < n_any; i++)
		v6 += any[i].v6;
	if (r == 0)
		r = alloc_array(w, n_any - v6, sizeof(**r4), r4, n4);
	if (r == 0)
		r = alloc_array(w, v6, sizeof(**r6), r6, n6);
	for (size_t i = 0, k4 = 0, k6 = 0; r == 0 && i < n_any; i++) {
		if (any[i].v6)
			(*r6)[k6++] = any[i].r6;
		else
			(*r4)[k4++] = any[i].r4;
	}
	free(any);
	return r;
}

static int bridge_routes(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_bridge *b = obj;

	return split_routes(w, n, route_item, &b->routes, &b->n_routes, &b->routes6, &b->n_routes6);
}

static int port_type(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_port *p = obj;

	if (want_scalar(w, n, "internal or system") < 0)
		return -EINVAL;
	if (strcmp(n->value, "internal") == 0)
		p->type = HN_PORT_INTERNAL;
	else if (strcmp(n->value, "system") == 0)
		p->type = HN_PORT_SYSTEM;
	else
		return bad_value(w, n, "is not a port type", "internal or system");
	return 0;
}

static int port_tag(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_vlan(w, n, &((struct hn_port *)obj)->tag);
}

static int port_trunk(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_port *p = obj;

	p->has_trunks = true;
	return parse_vlans(w, n, &p->trunks);
}

static int port_mtu(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_mtu(w, n, &((struct hn_port *)obj)->mtu);
}

static int port_addresses(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_port *p = obj;

	return split_addresses(
	    w, n,
	    &(struct ip_lists){&p->addresses, &p->n_addresses, &p->addresses6, &p->n_addresses6});
}

static int port_routes(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_port *p = obj;

	return split_routes(w, n, port_route_item, &p->routes, &p->n_routes, &p->routes6,
			    &p->n_routes6);
}

static int port_arp_hygiene(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_hygiene(w, n, &((struct hn_port *)obj)->arp_hygiene_off);
}

/* What only the host's own interface on the switch can have: on a system port (a NIC, a
 * VM's tap) the switch takes every frame before the port's own stack sees it (on the kernel
 * datapath), so an address there would be out of reach. */
static int internal_only(struct walker *w, const struct hn_node *value, const struct hn_port *p)
{
	static const char *const keys[] = {"addresses", "routes", "arp_hygiene"};

	if (p->type == HN_PORT_INTERNAL)
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct hn_node *k = find_key(value, keys[i]);
		size_t old;
		int r;

		if (!k)
			continue;
		old = push_key(w, keys[i]);
		r = fail(w, k,
			 "%s on a system port, expected it on an internal port ({type: internal}) "
			 "or a bridge: the switch keeps a system port's frames from its own stack",
			 keys[i]);
		pop(w, old);
		return r;
	}
	return 0;
}

static int port_entry(struct walker *w, const struct hn_node *key, const struct hn_node *value,
		      void *slot)
{
	FIELDS(fields, "bridges.BRIDGE.ports.PORT", {"type", port_type}, {"tag", port_tag},
	       {"trunk", port_trunk}, {"mtu", port_mtu}, {"addresses", port_addresses},
	       {"routes", port_routes}, {"arp_hygiene", port_arp_hygiene});
	struct hn_port *p = slot;
	int r;

	p->pos = key->pos;
	r = parse_ifname(w, key, p->name);
	if (r == 0)
		r = walk_fields(w, value,
				"a mapping with type, tag, trunk, mtu, addresses, routes, "
				"arp_hygiene",
				&fields, p);
	if (r == 0 && p->tag && p->has_trunks)
		return fail(w, find_key(value, "trunk"),
			    "a port with both tag and trunk, expected tag (an access port) or "
			    "trunk (a trunk port), not both");
	return r < 0 ? r : internal_only(w, value, p);
}

static int bridge_ports(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_bridge *b = obj;
	int r = walk_named(w, n, "a mapping of port names to {type, tag, trunk, mtu}",
			   sizeof(*b->ports), port_entry, &b->ports, &b->n_ports);

	for (size_t i = 0; r == 0 && i < b->n_ports; i++)
		r = add_iface(w, b->ports[i].name, b->ports[i].pos, "as a port of", b->name);
	return r;
}

static int bridge_entry(struct walker *w, const struct hn_node *key, const struct hn_node *value,
			void *slot)
{
	/* uplink first: its name is claimed before the ports that might repeat it. */
	FIELDS(fields, "bridges.BRIDGE", {"uplink", bridge_uplink}, {"addresses", bridge_addresses},
	       {"gateway", bridge_gateway}, {"gateway6", bridge_gateway6}, {"tag", bridge_tag},
	       {"mtu", bridge_mtu}, {"routes", bridge_routes}, {"ports", bridge_ports},
	       {"arp_hygiene", bridge_arp_hygiene}, {"uplink_macs", bridge_uplink_macs});
	struct hn_bridge *b = slot;
	int r;

	b->pos = key->pos;
	r = parse_ifname(w, key, b->name);
	if (r == 0)
		r = add_iface(w, b->name, key->pos, "as a bridge", NULL);
	if (r == 0)
		r = walk_fields(w, value,
				"a mapping with uplink, addresses, gateway, gateway6, tag, mtu, "
				"routes, ports, arp_hygiene, uplink_macs",
				&fields, b);
	if (r == 0 && b->n_uplink_macs && !hn_bridge_has_uplink(b)) {
		size_t old = push_key(w, "uplink_macs");

		r = fail(w, find_key(value, "uplink_macs"),
			 "a bridge without an uplink, expected uplink_macs only next to `uplink`: "
			 "they are the MACs allowed out through it");
		pop(w, old);
	}
	return r;
}

/* Every address and route the config asks for, with where each was written: the bridges',
 * then their ports'. */
struct ip_refs {
	char (*text)[HN_PREFIX6_STRLEN];
	struct hn_name_ref *addrs, *routes;
	size_t n_addrs, n_routes;
};

/* A list of `addresses` holds both families, in the order of the model's two arrays (a
 * port's holds IPv4 only: a6 is never read for it). */
static void add_addresses(struct ip_refs *x, const struct hn_node *list, const struct hn_prefix *a4,
			  const struct hn_prefix6 *a6, const char *what, const char *owner)
{
	size_t k4 = 0, k6 = 0;

	for (size_t item = 0; list && item < list->n; item++) {
		char *t = x->text[x->n_addrs];

		if (hn_looks_ipv6(list->items[item].value))
			inet_ntop(AF_INET6, &a6[k6++].addr, t, HN_PREFIX6_STRLEN);
		else
			inet_ntop(AF_INET, &a4[k4++].addr, t, HN_PREFIX6_STRLEN);
		x->addrs[x->n_addrs++] =
		    (struct hn_name_ref){t, list->items[item].pos, what, owner};
	}
}

static void add_route(struct ip_refs *x, size_t base, const struct hn_prefix *to, struct hn_pos pos,
		      const char *what, const char *owner)
{
	char *t = x->text[base + x->n_routes];

	x->routes[x->n_routes++] = (struct hn_name_ref){hn_prefix_format(to, t), pos, what, owner};
}

static void add_route6(struct ip_refs *x, size_t base, const struct hn_prefix6 *to,
		       struct hn_pos pos, const char *what, const char *owner)
{
	char *t = x->text[base + x->n_routes];

	x->routes[x->n_routes++] = (struct hn_name_ref){hn_prefix6_format(to, t), pos, what, owner};
}

/* The kernel has one slot for an address on the host and one for a destination in the main
 * table: a second ask, on the same interface or another, would fail with "File exists"
 * half-way through `up`. An address is the same whatever its prefix length; a gateway is
 * the route to 0.0.0.0/0 (a gateway6 to ::/0). Positions come from the tree (the model
 * keeps none for addresses). */
static int check_addresses_and_routes(struct walker *w, const struct hn_node *bridges)
{
	static const struct hn_prefix default_route;
	static const struct hn_prefix6 default_route6;
	const struct hn_config *c = w->c;
	size_t n_addrs = 0, n_routes = 0;
	struct ip_refs x = {0};
	int r;

	for (size_t b = 0; b < c->n_bridges; b++) {
		const struct hn_bridge *br = &c->bridges[b];

		n_addrs += br->n_addresses + br->n_addresses6;
		n_routes += br->n_routes + br->n_routes6 + br->has_gateway + br->has_gateway6;
		for (size_t p = 0; p < br->n_ports; p++) {
			n_addrs += br->ports[p].n_addresses + br->ports[p].n_addresses6;
			n_routes += br->ports[p].n_routes + br->ports[p].n_routes6;
		}
	}
	if (n_addrs + n_routes < 2)
		return 0;
	x.text = calloc(n_addrs + n_routes, sizeof(*x.text));
	x.addrs = calloc(n_addrs + n_routes, sizeof(*x.addrs));
	if (!x.text || !x.addrs) {
		free(x.text);
		free(x.addrs);
		return no_memory(w);
	}
	x.routes = x.addrs + n_addrs;
	for (size_t b = 0; b < c->n_bridges; b++) {
		const struct hn_bridge *br = &c->bridges[b];
		const struct hn_node *map = &bridges->items[2 * b + 1];
		const struct hn_node *ports = find_key(map, "ports");

		add_addresses(&x, find_key(map, "addresses"), br->addresses, br->addresses6,
			      "on bridge", br->name);
		for (size_t k = 0; k < br->n_routes; k++)
			add_route(&x, n_addrs, &br->routes[k].to, br->routes[k].pos,
				  "a route of bridge", br->name);
		for (size_t k = 0; k < br->n_routes6; k++)
			add_route6(&x, n_addrs, &br->routes6[k].to, br->routes6[k].pos,
				   "a route of bridge", br->name);
		if (br->has_gateway)
			add_route(&x, n_addrs, &default_route, find_key(map, "gateway")->pos,
				  "the gateway of bridge", br->name);
		if (br->has_gateway6)
			add_route6(&x, n_addrs, &default_route6, find_key(map, "gateway6")->pos,
				   "the gateway6 of bridge", br->name);
		for (size_t p = 0; p < br->n_ports; p++) {
			const struct hn_port *port = &br->ports[p];

			if (port->n_addresses || port->n_addresses6)
				add_addresses(&x, find_key(&ports->items[2 * p + 1], "addresses"),
					      port->addresses, port->addresses6, "on port",
					      port->name);
			for (size_t k = 0; k < port->n_routes; k++)
				add_route(&x, n_addrs, &port->routes[k].to, port->routes[k].pos,
					  "a route of port", port->name);
			for (size_t k = 0; k < port->n_routes6; k++)
				add_route6(&x, n_addrs, &port->routes6[k].to, port->routes6[k].pos,
					   "a route of port", port->name);
		}
	}
	r = hn_check_unique(w->file, w->path, x.addrs, n_addrs, "address",
			    "each address once on the host, whatever its prefix length");
	if (r == 0)
		r = hn_check_unique(w->file, w->path, x.routes, n_routes, "route to",
				    "each destination once in the main table (a gateway is the "
				    "route to 0.0.0.0/0, a gateway6 to ::/0)");
	free(x.addrs);
	free(x.text);
	return r;
}

static int top_bridges(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_config *c = obj;
	int r = walk_named(w, n, "a mapping of bridge names to their settings", sizeof(*c->bridges),
			   bridge_entry, &c->bridges, &c->n_bridges);

	if (r == 0)
		r = hn_check_unique(w->file, w->path, w->ifaces, w->n_ifaces, "interface",
				    "each interface in one role only");
	return r < 0 ? r : check_addresses_and_routes(w, n);
}

/* ---- libvirt ---- */

/* A bridge a network or a probe names must be one hostnet makes. */
static int known_bridge(struct walker *w, const struct hn_node *n, char name[IFNAMSIZ])
{
	char have[128] = "";
	size_t used = 0;
	int r = parse_ifname(w, n, name);

	if (r < 0 || hn_config_bridge(w->c, name))
		return r;
	for (size_t i = 0; i < w->c->n_bridges && used < sizeof(have); i++)
		used += (size_t)snprintf(have + used, sizeof(have) - used, "%s%s", i ? ", " : "",
					 w->c->bridges[i].name);
	return fail(w, n, "bridge '%s' is not in bridges, expected one of: %s", name,
		    used ? have : "(no bridge is defined)");
}

/* OVN's integration bridge, on a host the file makes a chassis: guests plug into br-int and
 * OVN's logical switches are their networks (a guest's interface id names its logical port). */
#define HN_OVN_INTEGRATION_BRIDGE "br-int"

static int network_bridge(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_network *net = obj;

	if (w->c->ovn.has_chassis && n->kind == HN_NODE_SCALAR && n->value &&
	    strcmp(n->value, HN_OVN_INTEGRATION_BRIDGE) == 0) {
		snprintf(net->bridge, sizeof(net->bridge), "%s", HN_OVN_INTEGRATION_BRIDGE);
		return 0;
	}
	return known_bridge(w, n, net->bridge);
}

/* Portgroups come from two keys, so the network only notes where they are, then counts
 * and builds them at once (`access: [1-4094]` makes 4094). */
struct network_draft {
	struct hn_network *net;
	const struct hn_node *portgroups, *access;
};

static int draft_portgroups(struct walker *w, const struct hn_node *n, void *obj)
{
	struct network_draft *d = obj;

	if (!is_empty(n) && n->kind != HN_NODE_MAP)
		return fail(w, n,
			    "got %s, expected a mapping of portgroup names to {tag} or {trunk}",
			    kind_name(n));
	d->portgroups = n;
	return 0;
}

static int draft_access(struct walker *w, const struct hn_node *n, void *obj)
{
	struct network_draft *d = obj;
	struct hn_vlanset set = {0};
	int r = parse_vlans(w, n, &set); /* checks it; the items are read again below */

	d->access = n;
	return r;
}

static int draft_bridge(struct walker *w, const struct hn_node *n, void *obj)
{
	return network_bridge(w, n, ((struct network_draft *)obj)->net);
}

static int pg_tag(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_vlan(w, n, &((struct hn_portgroup *)obj)->tag);
}

static int pg_trunk(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_portgroup *pg = obj;

	pg->trunk = true;
	return parse_vlans(w, n, &pg->vlans);
}

static int portgroup_entry(struct walker *w, const struct hn_node *key, const struct hn_node *value,
			   void *slot)
{
	FIELDS(fields, "libvirt.networks.NETWORK.portgroups.PORTGROUP", {"tag", pg_tag},
	       {"trunk", pg_trunk});
	struct hn_portgroup *pg = slot;
	int r;

	pg->pos = key->pos;
	r = parse_object_name(w, key, "a portgroup name", &pg->name);
	if (r == 0)
		r = walk_fields(w, value, "a mapping with tag (access) or trunk", &fields, pg);
	if (r < 0)
		return r;
	if (pg->tag && pg->trunk)
		return fail(w, find_key(value, "trunk"),
			    "a portgroup with both tag and trunk, expected tag (access VLAN) or "
			    "trunk (VLAN list): a VLAN cannot be both access and trunk here");
	if (!pg->tag && !pg->trunk)
		return fail(w, is_empty(value) ? key : value,
			    "a portgroup with neither tag nor trunk, expected {tag: VLAN} or "
			    "{trunk: [VLANS]}");
	return 0;
}

static int build_portgroups(struct walker *w, struct network_draft *d)
{
	struct hn_network *net = d->net;
	size_t n_named = d->portgroups && !is_empty(d->portgroups) ? d->portgroups->n : 0;
	size_t n_access = 0, i;
	struct hn_name_ref *refs;
	unsigned lo, hi;
	int r;

	/* Items were checked by draft_access. */
	for (i = 0; d->access && i < d->access->n; i++)
		if (!hn_scan_vlan_range(d->access->items[i].value, &lo, &hi))
			n_access += hi - lo + 1;
	/* Each `access: [1-4094]` is 4094 portgroups: bound what a small file can ask for. */
	w->n_portgroups += n_named + n_access;
	if (w->n_portgroups > HN_CONFIG_MAX_PORTGROUPS)
		return fail(w, d->access ? d->access : d->portgroups,
			    "%zu portgroups in all so far, expected at most %u", w->n_portgroups,
			    HN_CONFIG_MAX_PORTGROUPS);
	r = alloc_array(w, n_named + n_access, sizeof(*net->portgroups), &net->portgroups,
			&net->n_portgroups);
	if (r < 0)
		return r;
	if (n_named) {
		size_t old = push_key(w, "portgroups");

		/* Named ones first, into the array shared with the access ones. */
		r = walk_pairs(w, d->portgroups, sizeof(*net->portgroups), portgroup_entry,
			       (char *)net->portgroups);
		pop(w, old);
		if (r < 0)
			return r;
	}
	i = n_named;
	for (size_t a = 0; d->access && a < d->access->n; a++) {
		const struct hn_node *item = &d->access->items[a];

		if (hn_scan_vlan_range(item->value, &lo, &hi))
			continue;
		for (unsigned v = lo; v <= hi; v++, i++) {
			struct hn_portgroup *pg = &net->portgroups[i];

			if (asprintf(&pg->name, "%u", v) < 0) {
				pg->name = NULL;
				return no_memory(w);
			}
			pg->tag = v;
			pg->from_access = true;
			pg->pos = item->pos;
		}
	}

	/* `access: [100]` next to a portgroup named "100" would make two of one name. */
	refs = calloc(net->n_portgroups ? net->n_portgroups : 1, sizeof(*refs));
	if (!refs)
		return no_memory(w);
	for (i = 0; i < net->n_portgroups; i++)
		refs[i] = (struct hn_name_ref){
		    .name = net->portgroups[i].name,
		    .pos = net->portgroups[i].pos,
		    .what = net->portgroups[i].from_access ? "made by access" : "in portgroups",
		};
	r = hn_check_unique(w->file, w->path, refs, net->n_portgroups, "portgroup name",
			    "each portgroup name once per network (access: [N] makes one named N)");
	free(refs);
	return r;
}

static int network_entry(struct walker *w, const struct hn_node *key, const struct hn_node *value,
			 void *slot)
{
	FIELDS(fields, "libvirt.networks.NETWORK", {"bridge", draft_bridge},
	       {"portgroups", draft_portgroups}, {"access", draft_access});
	struct hn_network *net = slot;
	struct network_draft d = {.net = net};
	int r;

	net->pos = key->pos;
	r = parse_object_name(w, key, "a libvirt network name", &net->name);
	if (r == 0)
		r = walk_fields(w, value, "a mapping with bridge, portgroups, access", &fields, &d);
	if (r == 0)
		r = need_key(w, key, value, "bridge", "the OVS bridge this network plugs into");
	/* On br-int a VLAN tag means something else to OVN (a container's parent port): the
	 * logical switch a guest's port is in is its network. */
	if (r == 0 && strcmp(net->bridge, HN_OVN_INTEGRATION_BRIDGE) == 0 &&
	    (d.portgroups || d.access))
		return fail(w, d.portgroups ? d.portgroups : d.access,
			    "a network on br-int has no portgroups or access VLANs, expected "
			    "none: a guest's VLAN there is the OVN logical switch its port is in");
	return r < 0 ? r : build_portgroups(w, &d);
}

static int libvirt_networks(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_config *c = obj;

	return walk_named(w, n, "a mapping of network names to {bridge, portgroups, access}",
			  sizeof(*c->networks), network_entry, &c->networks, &c->n_networks);
}

static int undefine_item(struct walker *w, const struct hn_node *item, void *slot)
{
	return parse_object_name(w, item, "a libvirt network name", slot);
}

/* A name twice in undefine, or both defined and undefined: one sort over both lists. */
static int libvirt_undefine(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_config *c = obj;
	size_t n_refs, i;
	struct hn_name_ref *refs;
	int r = walk_list(w, n, "a list of libvirt network names like [default]",
			  sizeof(*c->undefine), undefine_item, &c->undefine, &c->n_undefine);

	n_refs = c->n_networks + c->n_undefine;
	if (r < 0 || c->n_undefine == 0)
		return r;
	refs = calloc(n_refs, sizeof(*refs));
	if (!refs)
		return no_memory(w);
	for (i = 0; i < c->n_networks; i++)
		refs[i] = (struct hn_name_ref){
		    .name = c->networks[i].name, .pos = c->networks[i].pos, .what = "in networks"};
	for (size_t u = 0; u < c->n_undefine; u++, i++)
		refs[i] = (struct hn_name_ref){
		    .name = c->undefine[u], .pos = n->items[u].pos, .what = "in undefine"};
	r = hn_check_unique(w->file, w->path, refs, n_refs, "network",
			    "each network once, either in networks or in undefine");
	free(refs);
	return r;
}

static int top_libvirt(struct walker *w, const struct hn_node *n, void *obj)
{
	/* networks first: undefine refuses a name that networks defines. */
	FIELDS(fields, "libvirt", {"networks", libvirt_networks}, {"undefine", libvirt_undefine});

	((struct hn_config *)obj)->has_libvirt = true;

	return walk_fields(w, n, "a mapping with undefine, networks", &fields, obj);
}

/* ---- verify ---- */

static int isolation_bridge(struct walker *w, const struct hn_node *n, void *obj)
{
	return known_bridge(w, n, ((struct hn_config_verify *)obj)->isolation_bridge);
}

static int isolation_vlans(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_vlan_set(w, n, &((struct hn_config_verify *)obj)->isolation_vlans);
}

static int verify_isolation(struct walker *w, const struct hn_node *n, void *obj)
{
	FIELDS(fields, "verify.isolation", {"bridge", isolation_bridge},
	       {"vlans", isolation_vlans});
	struct hn_config_verify *v = obj;
	int r;

	if (n->kind != HN_NODE_MAP)
		return fail(w, n, "got %s, expected a mapping {bridge: NAME, vlans: [VLANS]}",
			    kind_name(n));
	v->has_isolation = true;
	r = walk_fields(w, n, "a mapping {bridge: NAME, vlans: [VLANS]}", &fields, v);
	if (r == 0)
		r = need_key(w, NULL, n, "bridge", "the bridge whose VLANs are probed");
	if (r == 0)
		r = need_key(w, NULL, n, "vlans", EXPECT_VLANS);
	return r;
}

static int reach_from(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_vlan(w, n, &((struct hn_reach *)obj)->from_vlan);
}

static int reach_to(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_reach *rc = obj;
	const char *why;

	if (want_scalar(w, n, "an address like 10.99.1.250 or 2001:db8:99::250") < 0)
		return -EINVAL;
	if (!hn_looks_ipv6(n->value))
		return parse_ipv4(w, n, &rc->to);
	rc->to_v6 = true;
	why = hn_scan_ipv6(n->value, &rc->to6);
	if (!why)
		why = bad_ipv6_host(&rc->to6);
	return why ? bad_value(w, n, why, "an IPv6 address like 2001:db8:99::250") : 0;
}

static int reach_expect(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_reach *rc = obj;

	if (want_scalar(w, n, "ok or fail") < 0)
		return -EINVAL;
	if (strcmp(n->value, "ok") && strcmp(n->value, "fail"))
		return bad_value(w, n, "is not an outcome", "ok or fail");
	rc->expect_ok = strcmp(n->value, "ok") == 0;
	return 0;
}

#define EXPECT_REACH "a mapping {from: VLAN, to: ADDRESS, expect: ok|fail}"

static int reach_item(struct walker *w, const struct hn_node *item, void *slot)
{
	FIELDS(fields, "verify.reach[]", {"from", reach_from}, {"to", reach_to},
	       {"expect", reach_expect});
	struct hn_reach *rc = slot;
	int r;

	rc->pos = item->pos;
	rc->expect_ok = true;
	if (item->kind != HN_NODE_MAP)
		return fail(w, item, "got %s, expected " EXPECT_REACH, kind_name(item));
	r = walk_fields(w, item, EXPECT_REACH, &fields, rc);
	if (r == 0)
		r = need_key(w, NULL, item, "from", "the VLAN the probe starts on");
	if (r == 0)
		r = need_key(w, NULL, item, "to", "the IPv4 address the probe tries to reach");
	return r;
}

static int verify_reach(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_config_verify *v = obj;

	v->has_reach = true;
	return walk_list(w, n, "a list of " EXPECT_REACH, sizeof(*v->reach), reach_item, &v->reach,
			 &v->n_reach);
}

static int top_verify(struct walker *w, const struct hn_node *n, void *obj)
{
	FIELDS(fields, "verify", {"isolation", verify_isolation}, {"reach", verify_reach});
	struct hn_config *c = obj;

	return walk_fields(w, n, "a mapping with isolation, reach", &fields, &c->verify);
}

/* ---- ovn ---- */

#define EXPECT_OVN_NAME "a name of 1-64 of A-Z a-z 0-9 _ . -"

static int parse_ovn_name(struct walker *w, const struct hn_node *n, char **out)
{
	const char *why;

	if (want_scalar(w, n, EXPECT_OVN_NAME) < 0)
		return -EINVAL;
	why = hn_scan_ovn_name(n->value);
	if (why)
		return bad_value(w, n, why, EXPECT_OVN_NAME);
	*out = strdup(n->value);
	return *out ? 0 : no_memory(w);
}

static int parse_remote(struct walker *w, const struct hn_node *n, bool list, char **out)
{
	const char *expected = list ? "an OVSDB address like tcp:192.0.2.1:6642 (ssl: and "
				      "unix:/PATH too, several separated by commas)"
				    : "an OVSDB address like tcp:192.0.2.1:6641 or unix:/PATH";
	const char *why;

	if (want_scalar(w, n, expected) < 0)
		return -EINVAL;
	why = hn_scan_ovsdb_remote(n->value, list);
	if (why)
		return bad_value(w, n, why, expected);
	*out = strdup(n->value);
	return *out ? 0 : no_memory(w);
}

static int ovn_remote(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_config_ovn *o = obj;

	o->has_chassis = true;
	return parse_remote(w, n, true, &o->remote);
}

static int ovn_northbound(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_remote(w, n, false, &((struct hn_config_ovn *)obj)->northbound);
}

static int encap_type(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_config_ovn *o = obj;

	if (want_scalar(w, n, "geneve or vxlan") < 0)
		return -EINVAL;
	if (strcmp(n->value, "geneve") == 0)
		o->encap_type = HN_ENCAP_GENEVE;
	else if (strcmp(n->value, "vxlan") == 0)
		o->encap_type = HN_ENCAP_VXLAN;
	else
		return bad_value(w, n, "is not a tunnel type OVN offers", "geneve or vxlan");
	return 0;
}

static int encap_ip(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_config_ovn *o = obj;
	const char *expected = "the host's tunnel address, like 192.0.2.11 or 2001:db8::11";
	struct in6_addr a6;
	struct in_addr a4;
	const char *why;

	if (want_scalar(w, n, expected) < 0)
		return -EINVAL;
	why = hn_looks_ipv6(n->value) ? hn_scan_ipv6(n->value, &a6) : hn_scan_ipv4(n->value, &a4);
	if (why)
		return bad_value(w, n, why, expected);
	/* Written back as the config wrote it: the value ovn-controller reads, compared as text. */
	snprintf(o->encap_ip, sizeof(o->encap_ip), "%s", n->value);
	return 0;
}

static int ovn_encap(struct walker *w, const struct hn_node *n, void *obj)
{
	FIELDS(fields, "ovn.encap", {"type", encap_type}, {"ip", encap_ip});
	const char *expect = "a mapping {type: geneve|vxlan, ip: ADDRESS}";
	int r;

	if (n->kind != HN_NODE_MAP)
		return fail(w, n, "got %s, expected %s", kind_name(n), expect);
	r = walk_fields(w, n, expect, &fields, obj);
	if (r == 0)
		r = need_key(w, NULL, n, "type", "geneve or vxlan");
	if (r == 0)
		r = need_key(w, NULL, n, "ip", "the host's tunnel address");
	return r;
}

static int ovn_system_id(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_config_ovn *o = obj;
	const char *expected = "the chassis name, 1-64 of A-Z a-z 0-9 _ . -";

	if (want_scalar(w, n, expected) < 0)
		return -EINVAL;
	if (hn_scan_ovn_name(n->value))
		return bad_value(w, n, hn_scan_ovn_name(n->value), expected);
	snprintf(o->system_id, sizeof(o->system_id), "%s", n->value);
	o->system_id_given = true;
	return 0;
}

static int mapping_entry(struct walker *w, const struct hn_node *key, const struct hn_node *value,
			 void *slot)
{
	struct hn_ovn_mapping *m = slot;
	int r = parse_ovn_name(w, key, &m->physnet);

	m->pos = key->pos;
	if (r == 0)
		r = known_bridge(w, value, m->bridge);
	return r;
}

/* One bridge per physical network and one physical network per bridge: ovn-controller
 * makes one patch port pair per mapping, and hostnet's bridges are named in bridges. */
static int ovn_bridge_mappings(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_config_ovn *o = obj;
	struct hn_name_ref *refs;
	int r = walk_named(w, n, "a mapping of physical network names to bridges",
			   sizeof(*o->mappings), mapping_entry, &o->mappings, &o->n_mappings);

	if (r < 0 || o->n_mappings < 2)
		return r;
	refs = calloc(o->n_mappings, sizeof(*refs));
	if (!refs)
		return no_memory(w);
	for (size_t i = 0; i < o->n_mappings; i++)
		refs[i] = (struct hn_name_ref){
		    .name = o->mappings[i].bridge, .pos = o->mappings[i].pos, .what = "mapped"};
	r = hn_check_unique(w->file, w->path, refs, o->n_mappings, "bridge",
			    "each bridge for one physical network");
	free(refs);
	return r;
}

static int net_vlan(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_vlan(w, n, &((struct hn_ovn_network *)obj)->vlan);
}

static int net_physnet(struct walker *w, const struct hn_node *n, void *obj)
{
	return parse_ovn_name(w, n, &((struct hn_ovn_network *)obj)->physnet);
}

static int ovn_network_entry(struct walker *w, const struct hn_node *key,
			     const struct hn_node *value, void *slot)
{
	FIELDS(fields, "ovn.networks.NETWORK", {"vlan", net_vlan}, {"physnet", net_physnet});
	struct hn_ovn_network *net = slot;
	int r = parse_ovn_name(w, key, &net->name);

	net->pos = key->pos;
	if (r == 0)
		r = walk_fields(w, value, "a mapping {vlan: VLAN, physnet: NAME}", &fields, net);
	/* No physnet: an overlay network, carried between chassis by the tunnels only. */
	if (r == 0)
		r = need_key(w, key, value, "vlan", EXPECT_VLAN);
	return r;
}

/* Two logical switches on one VLAN of one physical network would be one network twice; two
 * overlay networks of one VLAN would leave "VLAN 10's switch" ambiguous to the VM side. */
static int ovn_networks(struct walker *w, const struct hn_node *n, void *obj)
{
	struct hn_config_ovn *o = obj;
	struct hn_name_ref *refs;
	char(*keys)[96];
	int r = walk_named(w, n, "a mapping of network names to {vlan, physnet (optional)}",
			   sizeof(*o->networks), ovn_network_entry, &o->networks, &o->n_networks);

	if (r < 0 || o->n_networks < 2)
		return r;
	refs = calloc(o->n_networks, sizeof(*refs));
	keys = calloc(o->n_networks, sizeof(*keys));
	if (!refs || !keys) {
		free(refs);
		free(keys);
		return no_memory(w);
	}
	for (size_t i = 0; i < o->n_networks; i++) {
		if (o->networks[i].physnet)
			snprintf(keys[i], sizeof(keys[i]), "%u on %s", o->networks[i].vlan,
				 o->networks[i].physnet);
		else
			snprintf(keys[i], sizeof(keys[i]), "%u (overlay)", o->networks[i].vlan);
		refs[i] = (struct hn_name_ref){
		    .name = keys[i], .pos = o->networks[i].pos, .what = "by network"};
	}
	r = hn_check_unique(w->file, w->path, refs, o->n_networks, "VLAN",
			    "each VLAN of a physical network, and each overlay VLAN, in one "
			    "network");
	free(refs);
	free(keys);
	return r;
}

static int top_ovn(struct walker *w, const struct hn_node *n, void *obj)
{
	FIELDS(fields, "ovn", {"remote", ovn_remote}, {"encap", ovn_encap},
	       {"system_id", ovn_system_id}, {"bridge_mappings", ovn_bridge_mappings},
	       {"northbound", ovn_northbound}, {"networks", ovn_networks});
	const char *expect = "a mapping with remote, encap, system_id, bridge_mappings (this "
			     "host's chassis), northbound, networks (the fleet's VLANs)";
	struct hn_config *c = obj;
	struct hn_config_ovn *o = &c->ovn;
	int r;

	if (n->kind != HN_NODE_MAP)
		return fail(w, n, "got %s, expected %s", kind_name(n), expect);
	c->has_ovn = true;
	r = walk_fields(w, n, expect, &fields, o);
	if (r < 0)
		return r;
	/* ovn-controller needs all three to join: half a chassis would sit there unregistered. */
	if (!o->has_chassis &&
	    (find_key(n, "encap") || find_key(n, "system_id") || find_key(n, "bridge_mappings")))
		return fail(w, n,
			    "missing key 'remote', expected the southbound database "
			    "(tcp:IP:6642) next to encap, system_id, bridge_mappings");
	if (o->has_chassis && !find_key(n, "encap"))
		return fail(w, n,
			    "missing key 'encap', expected {type: geneve|vxlan, ip: ADDRESS} "
			    "next to remote");
	/* br-int is ovn-controller's: a hostnet bridge of that name would be fought over. */
	if (o->has_chassis && hn_config_bridge(c, HN_OVN_INTEGRATION_BRIDGE))
		return fail(w, find_key(n, "remote"),
			    "bridge 'br-int' is in bridges, but on an OVN chassis ovn-controller "
			    "owns it; expected another name for hostnet's bridge");
	if (find_key(n, "networks") && !o->northbound)
		return fail(w, n,
			    "missing key 'northbound', expected the northbound database "
			    "(tcp:IP:6641) next to networks");
	return 0;
}

/* ---- The file ---- */

int hn_config_parse(const char *name, const char *buf, size_t len, struct hn_config *out)
{
	/* ovn before libvirt: a libvirt network may be on OVN's integration bridge. */
	FIELDS(fields, "", {"ovs", top_ovs}, {"bridges", top_bridges}, {"ovn", top_ovn},
	       {"libvirt", top_libvirt}, {"verify", top_verify});
	struct walker w = {.file = name, .c = out};
	struct hn_node root;
	int r;

	memset(out, 0, sizeof(*out));
	r = hn_tree_load(name, buf, len, &root);
	if (r < 0)
		return r;
	out->path = strdup(name);
	if (!out->path)
		r = no_memory(&w);
	else if (is_empty(&root))
		r = hn_err(-EINVAL,
			   "%s:%u:%u: the document is empty, expected a mapping with ovs, bridges, "
			   "ovn, libvirt, verify",
			   name, root.pos.line, root.pos.col);
	else
		r = walk_fields(&w, &root, "a mapping with ovs, bridges, ovn, libvirt, verify",
				&fields, out);
	hn_tree_free(&root);
	free(w.ifaces);
	if (r < 0)
		hn_config_free(out);
	return r;
}

/* Read the whole file, refusing what cannot be a config before parsing a byte of it. */
static int read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 64 * 1024, used = 0;
	_cleanup_free_ char *data = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;

	/* O_NONBLOCK: a FIFO with no writer must not hang the open. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0)
		return hn_err(-errno, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return hn_err(-EISDIR, "%s: is a directory, expected a YAML file", path);
	if (S_ISREG(st.st_mode) && st.st_size > HN_CONFIG_MAX_BYTES)
		return hn_err(-EFBIG, "%s: the file is over %u bytes, expected a config file", path,
			      HN_CONFIG_MAX_BYTES);
	if (!S_ISREG(st.st_mode))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK); /* a pipe: wait for it */
	data = malloc(cap);
	if (!data)
		return hn_err(-ENOMEM, "%s: out of memory", path);
	/* Read one byte past the limit, so a pipe or a growing file is caught too. */
	while (used <= HN_CONFIG_MAX_BYTES) {
		ssize_t n;

		if (used == cap) {
			char *more = realloc(data, cap * 2);

			if (!more)
				return hn_err(-ENOMEM, "%s: out of memory", path);
			data = more;
			cap *= 2;
		}
		n = read(fd, data + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hn_err(-errno, "%s: %s", path, strerror(errno));
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > HN_CONFIG_MAX_BYTES)
		return hn_err(-EFBIG, "%s: the file is over %u bytes, expected a config file", path,
			      HN_CONFIG_MAX_BYTES);
	*buf = TAKE_PTR(data);
	*len = used;
	return 0;
}

/* The chassis name the config leaves out: the machine's id, which survives a renaming of
 * the host, else its name. Both are what the host says of itself, read once per run. */
static int default_system_id(struct hn_config_ovn *o)
{
	char buf[HN_OVN_SYSTEM_ID_MAX + 2] = "";
	FILE *f = fopen("/etc/machine-id", "re");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
	}
	if (!buf[0] && gethostname(buf, sizeof(buf) - 1) < 0)
		return hn_err(-errno, "ovn.system_id: no /etc/machine-id and no host name: %s",
			      strerror(errno));
	if (hn_scan_ovn_name(buf))
		return hn_err(-EINVAL,
			      "ovn.system_id: the default, '%.64s' from /etc/machine-id or the "
			      "host name, %s; set system_id",
			      buf, hn_scan_ovn_name(buf));
	snprintf(o->system_id, sizeof(o->system_id), "%s", buf);
	return 0;
}

int hn_config_load_text(const char *path, struct hn_config *out, char **text, size_t *len)
{
	_cleanup_free_ char *buf = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	r = read_file(path, &buf, len);
	if (r < 0)
		return r;
	r = hn_config_parse(path, buf, *len, out);
	if (r == 0 && out->ovn.has_chassis && !out->ovn.system_id_given) {
		r = default_system_id(&out->ovn);
		if (r < 0)
			hn_config_free(out);
	}
	if (r == 0 && text)
		*text = TAKE_PTR(buf);
	return r;
}

int hn_config_load(const char *path, struct hn_config *out)
{
	size_t len;

	return hn_config_load_text(path, out, NULL, &len);
}
