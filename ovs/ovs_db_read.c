// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The snapshot read's reply (a monitor_cond's initial contents, ovs_db.h), read with the scanner
 * (json_scan.h): a first pass finds each table's rows and counts them (checking all but the
 * rows), a second reads and checks each row, its columns into the db. Only the values the
 * diff compares are decoded; each row keeps its text for the rare change that quotes it.
 * Values of an unexpected kind read as absent (a tag that is not an integer is no tag), as
 * the OVSDB notation helpers of ovs_db.h read them; a column left out is at its default.
 */
#include "error.h"
#include "json_scan.h"
#include "ovs_db.h"
#include "ovsdb_rpc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The tables of hn_ovs_db_read_params(). */
enum { ROOT = HN_OVS_ROOT, BRIDGE = HN_OVS_BRIDGE, PORT = HN_OVS_PORT, IFACE = HN_OVS_IFACE };
#define N_TABLES HN_OVS_N_TABLES
static const char *const table_names[N_TABLES] = {"Open_vSwitch", "Bridge", "Port", "Interface"};

/* One table's rows in the result: {uuid: {"initial": row}, ...} (a monitor's "new" reads
 * the same). A table without rows is not in the result at all. */
struct table {
	const char *text; /* NULL: no rows */
	size_t len, n;
	bool bad; /* not an object */
};

static bool is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static int bad(const char *what)
{
	return hn_err(-EPROTO,
		      "ovsdb-server answered the read with %s; is this the "
		      "Open_vSwitch database of Open vSwitch 2.x or 3.x?",
		      what);
}

/* ---- values in OVSDB's notation (RFC 7047 section 5.1) ---- */

/* The rest of the current array, passed. */
static int skip_rest(struct hn_ovs_scan *s)
{
	int r;

	while ((r = hn_ovs_scan_next(s)) > 0)
		if ((r = hn_ovs_scan_skip(s)) < 0)
			return r;
	return r;
}

/* A pair's second element and anything after it, passed: 0. */
static int pass_pair(struct hn_ovs_scan *s)
{
	int r = hn_ovs_scan_skip(s);

	return r < 0 ? r : skip_rest(s);
}

/* A string, or NULL for a value of another kind (passed). */
static int opt_string(struct hn_ovs_scan *s, const char **out)
{
	int c = hn_ovs_scan_peek(s);

	*out = NULL;
	if (c < 0)
		return c;
	return c == '"' ? hn_ovs_scan_string(s, out) : hn_ovs_scan_skip(s);
}

/* An integer: *set, or not for a value of another kind (a real, a set: passed). */
static int opt_int(struct hn_ovs_scan *s, bool *set, long long *out)
{
	int c = hn_ovs_scan_peek(s);
	const char *at = s->p;
	int r;

	*set = false;
	if (c < 0)
		return c;
	if (c != '-' && (c < '0' || c > '9'))
		return hn_ovs_scan_skip(s);
	r = hn_ovs_scan_skip(s);
	if (r < 0)
		return r;
	for (const char *p = at; p < s->p; p++)
		if (*p == '.' || *p == 'e' || *p == 'E')
			return 0;
	s->p = at;
	*set = true;
	return hn_ovs_scan_int(s, out);
}

/* An optional integer column that holds an MTU (mtu_request): 0 when empty (["set", []]) or
 * out of range. */
static int opt_mtu(struct hn_ovs_scan *s, unsigned *mtu)
{
	long long v;
	bool set;
	int r = opt_int(s, &set, &v);

	*mtu = r == 0 && set && v > 0 && v <= 65535 ? (unsigned)v : 0;
	return r;
}

/* The head of ["TAG", X, ...]: 1 with *tag and X next, or 0 when the value is anything else
 * (passed whole). */
static int enter_tagged(struct hn_ovs_scan *s, const char **tag)
{
	int c = hn_ovs_scan_peek(s), r;

	*tag = NULL;
	if (c < 0)
		return c;
	if (c != '[')
		return hn_ovs_scan_skip(s);
	if ((r = hn_ovs_scan_enter(s, '[')) < 0 || (r = hn_ovs_scan_next(s)) <= 0)
		return r;
	if ((r = opt_string(s, tag)) < 0)
		return r;
	if (!*tag)
		return skip_rest(s);
	r = hn_ovs_scan_next(s);
	if (r == 0)
		*tag = NULL;
	return r;
}

/* After a pair's second element: 1 when the array ends there, 0 when more follow (passed:
 * then it is not a pair). */
static int leave_pair(struct hn_ovs_scan *s)
{
	int r = hn_ovs_scan_next(s);

	if (r <= 0)
		return r == 0 ? 1 : r;
	r = pass_pair(s);
	return r < 0 ? r : 0;
}

/* ["uuid", "..."]: *u, or NULL for anything else. */
static int read_uuid(struct hn_ovs_scan *s, const char **u)
{
	const char *tag, *v;
	int r = enter_tagged(s, &tag);

	*u = NULL;
	if (r <= 0)
		return r;
	if (!is(tag, "uuid"))
		return pass_pair(s);
	r = opt_string(s, &v);
	if (r == 0)
		r = leave_pair(s);
	if (r > 0)
		*u = v;
	return r < 0 ? r : 0;
}

/* In ["map", [[k, v], ...]]: whether key is there, and its value when a string. */
static int map_get(struct hn_ovs_scan *s, const char *key, bool *found, const char **value)
{
	const char *tag;
	int r = enter_tagged(s, &tag);

	*found = false;
	*value = NULL;
	if (r <= 0)
		return r;
	if (!is(tag, "map") || hn_ovs_scan_peek(s) != '[')
		return pass_pair(s);
	if ((r = hn_ovs_scan_enter(s, '[')) < 0)
		return r;
	while ((r = hn_ovs_scan_next(s)) > 0) {
		const char *k;

		if (hn_ovs_scan_peek(s) != '[') {
			if ((r = hn_ovs_scan_skip(s)) < 0)
				return r;
			continue;
		}
		if ((r = hn_ovs_scan_enter(s, '[')) < 0 || (r = hn_ovs_scan_next(s)) < 0)
			return r;
		if (r == 0)
			continue;
		if ((r = opt_string(s, &k)) < 0 || (r = hn_ovs_scan_next(s)) < 0)
			return r;
		if (r == 0)
			continue;
		if (k && !*found && is(k, key)) {
			*found = true;
			r = opt_string(s, value);
		} else {
			r = hn_ovs_scan_skip(s);
		}
		if (r < 0 || (r = skip_rest(s)) < 0)
			return r;
	}
	if (r == 0)
		r = leave_pair(s);
	if (r == 0) { /* ["map", [...], more]: not a map */
		*found = false;
		*value = NULL;
	}
	return r < 0 ? r : 0;
}

/* Each atom of a set (["set", [...]] or one atom alone) to sr->atom; a lone atom that is
 * itself a pair (a uuid) comes to sr->pair entered, its tag read. 1 when the value turned
 * out not to be a set after atoms were given (["set", [...], more]): the caller forgets
 * them. */
struct set_reader {
	int (*atom)(struct hn_ovs_scan *s, void *arg);
	int (*pair)(struct hn_ovs_scan *s, const char *tag, void *arg);
	void *arg;
};

static int each_atom(struct hn_ovs_scan *s, const struct set_reader *sr)
{
	const char *tag;
	int c = hn_ovs_scan_peek(s), r;

	if (c < 0)
		return c;
	if (c != '[')
		return sr->atom(s, sr->arg);
	if ((r = enter_tagged(s, &tag)) <= 0)
		return r;
	if (!is(tag, "set"))
		return sr->pair(s, tag, sr->arg);
	if (hn_ovs_scan_peek(s) != '[')
		return pass_pair(s);
	if ((r = hn_ovs_scan_enter(s, '[')) < 0)
		return r;
	while ((r = hn_ovs_scan_next(s)) > 0)
		if ((r = sr->atom(s, sr->arg)) < 0)
			return r;
	if (r == 0)
		r = leave_pair(s);
	return r < 0 ? r : !r;
}

/* ---- the rows ---- */

struct reader {
	struct hn_ovs_db *db;
	struct hn_ovs_scan s;
	char *out; /* where the next scan decodes its strings */
	struct table t[N_TABLES];
	size_t left;		 /* rows of the current table not read yet */
	enum hn_ovs_table table; /* the current one */
};

/* The next row of the current table: 1 with its record (its uuid the key), the scan at its
 * first column, or 0 at the end. */
static int next_row(struct reader *rd, struct hn_ovs_row **row)
{
	struct hn_ovs_scan *s = &rd->s;
	const char *uuid, *k;
	int r = hn_ovs_scan_key(s, &uuid);

	if (r <= 0)
		return r;
	/* read_result() counted them and sized the arrays: never more (a row read ends where
	 * its pass ended, or the scan fails), but a count is not a proof. */
	if (!rd->left)
		return hn_ovs_scan_fail(s, "more rows than counted");
	rd->left--;
	*row = &rd->db->rows[rd->db->n_rows++];
	(*row)->uuid = uuid;
	(*row)->table = rd->table;
	if (hn_ovs_scan_peek(s) != '{')
		return hn_ovs_scan_fail(s, "a row update that is not an object");
	if ((r = hn_ovs_scan_enter(s, '{')) < 0)
		return r;
	while ((r = hn_ovs_scan_key(s, &k)) > 0) {
		if ((is(k, "initial") || is(k, "new")) && hn_ovs_scan_peek(s) == '{') {
			(*row)->text = s->p;
			r = hn_ovs_scan_enter(s, '{');
			return r < 0 ? r : 1;
		}
		if ((r = hn_ovs_scan_skip(s)) < 0)
			return r;
	}
	return r < 0 ? r : hn_ovs_scan_fail(s, "a row update without \"initial\"");
}

/* After a row's last column: its text ends here; the rest of its update is passed. */
static int end_row(struct reader *rd, struct hn_ovs_row *row)
{
	struct hn_ovs_scan *s = &rd->s;
	const char *k;
	int r;

	row->len = (size_t)(s->p - row->text);
	while ((r = hn_ovs_scan_key(s, &k)) > 0)
		if ((r = hn_ovs_scan_skip(s)) < 0)
			return r;
	return r;
}

static void open_rows(struct reader *rd, int table)
{
	const struct table *t = &rd->t[table];

	if (t->text)
		hn_ovs_scan_init(&rd->s, t->text, t->len, rd->out);
	else
		hn_ovs_scan_init(&rd->s, "{}", 2, rd->out);
	rd->left = t->n;
	rd->table = (enum hn_ovs_table)table;
	/* read_result() checked it: an object. */
	hn_ovs_scan_enter(&rd->s, '{');
}

static void close_rows(struct reader *rd)
{
	rd->out = rd->s.out;
}

static int read_ifaces(struct reader *rd)
{
	struct hn_ovs_scan *s = &rd->s;
	struct hn_ovs_db *db = rd->db;
	struct hn_ovs_row *row;
	int r;

	open_rows(rd, IFACE);
	while ((r = next_row(rd, &row)) > 0) {
		struct hn_ovs_iface *f = &db->ifaces[db->n_ifaces];
		const char *k;

		f->row = row;
		f->uuid = row->uuid;
		f->type = ""; /* left out at its default (ovs_db.h) */
		while ((r = hn_ovs_scan_key(s, &k)) > 0) {
			if (is(k, "name"))
				r = opt_string(s, &f->name);
			else if (is(k, "type"))
				r = opt_string(s, &f->type);
			else if (is(k, "mtu_request"))
				r = opt_mtu(s, &f->mtu_request);
			else
				r = hn_ovs_scan_skip(s);
			if (r < 0)
				return r;
		}
		if (r < 0 || (r = end_row(rd, row)) < 0)
			return r;
		if (!f->name || !f->type)
			return bad("an Interface row without name or type");
		if (hn_ovs_strmap_put(&db->iface_by_name, f->name, db->n_ifaces) < 0 ||
		    hn_ovs_strmap_put(&db->iface_by_uuid, f->uuid, db->n_ifaces) < 0)
			return -ENOMEM;
		db->n_ifaces++;
	}
	close_rows(rd);
	return r;
}

static int trunk_atom(struct hn_ovs_scan *s, void *arg)
{
	long long v;
	bool set;
	int r = opt_int(s, &set, &v);

	if (r == 0 && set)
		hn_vlanset_add(arg, (unsigned)v);
	return r;
}

static int not_an_atom(struct hn_ovs_scan *s, const char *tag, void *arg)
{
	return pass_pair(s);
}

/* A port's interfaces: their uuids, in the set's order. */
static int add_iface_uuid(void *arg, const char *u)
{
	struct hn_ovs_port *p = arg;
	const char **v;

	if (!u)
		return 0;
	v = reallocarray(p->iface_uuids, p->n_ifaces + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->iface_uuids = v;
	v[p->n_ifaces++] = u;
	return 0;
}

/* A set of uuids (a bridge's ports, a port's interfaces), each given to add(arg, uuid). */
struct uuid_sink {
	int (*add)(void *arg, const char *uuid);
	void *arg;
};

static int uuid_atom(struct hn_ovs_scan *s, void *arg)
{
	const struct uuid_sink *k = arg;
	const char *u;
	int r = read_uuid(s, &u);

	return r < 0 ? r : k->add(k->arg, u);
}

/* A lone ["uuid", "..."]: a set of one. */
static int uuid_pair(struct hn_ovs_scan *s, const char *tag, void *arg)
{
	const struct uuid_sink *k = arg;
	const char *u;
	int r;

	if (!is(tag, "uuid"))
		return pass_pair(s);
	r = opt_string(s, &u);
	if (r == 0)
		r = leave_pair(s);
	return r <= 0 ? r : k->add(k->arg, u);
}

static int read_port_column(struct hn_ovs_scan *s, const char *k, struct hn_ovs_port *p)
{
	const struct set_reader trunks = {trunk_atom, not_an_atom, &p->trunks};
	const struct uuid_sink sink = {add_iface_uuid, p};
	const struct set_reader ifaces = {uuid_atom, uuid_pair, (void *)&sink};
	bool found;
	const char *v;
	long long tag;
	bool set;
	int r;

	if (is(k, "name"))
		return opt_string(s, &p->name);
	if (is(k, "tag")) {
		r = opt_int(s, &set, &tag);
		p->tag = set ? (unsigned)tag : 0;
		return r;
	}
	if (is(k, "trunks")) {
		memset(&p->trunks, 0, sizeof(p->trunks));
		r = each_atom(s, &trunks);
		if (r > 0)
			memset(&p->trunks, 0, sizeof(p->trunks));
		return r < 0 ? r : 0;
	}
	if (is(k, "vlan_mode"))
		return opt_string(s, &p->vlan_mode);
	if (is(k, "bond_mode"))
		return opt_string(s, &p->bond_mode);
	if (is(k, "lacp"))
		return opt_string(s, &p->lacp);
	if (is(k, "other_config"))
		return map_get(s, "bond-primary", &found, &p->bond_primary);
	if (is(k, "interfaces")) {
		p->n_ifaces = 0;
		r = each_atom(s, &ifaces);
		if (r > 0)
			p->n_ifaces = 0;
		return r < 0 ? r : 0;
	}
	if (is(k, "external_ids"))
		return map_get(s, HN_OVS_OWNER_KEY, &p->owned, &v);
	return hn_ovs_scan_skip(s);
}

static int read_ports(struct reader *rd)
{
	struct hn_ovs_scan *s = &rd->s;
	struct hn_ovs_db *db = rd->db;
	struct hn_ovs_row *row;
	int r;

	open_rows(rd, PORT);
	while ((r = next_row(rd, &row)) > 0) {
		struct hn_ovs_port *p = &db->ports[db->n_ports];
		const char *k;

		p->row = row;
		p->uuid = row->uuid;
		p->bridge = -1;
		while ((r = hn_ovs_scan_key(s, &k)) > 0)
			if ((r = read_port_column(s, k, p)) < 0)
				break;
		if (r == 0)
			r = end_row(rd, row);
		/* hn_ovs_db_free() frees what this port holds from here on. */
		db->n_ports++;
		if (r < 0)
			return r;
		if (!p->name)
			return bad("a Port row without name");
		if (hn_ovs_strmap_put(&db->port_by_uuid, p->uuid, db->n_ports - 1) < 0 ||
		    hn_ovs_strmap_put(&db->port_by_name, p->name, db->n_ports - 1) < 0)
			return -ENOMEM;
	}
	close_rows(rd);
	return r;
}

/* A bridge's ports: indexes of the ports read, in the set's order. */
struct port_list {
	struct hn_ovs_db *db;
	size_t *v, n, cap;
};

static int add_port_uuid(void *arg, const char *u)
{
	struct port_list *l = arg;
	size_t idx;

	if (!u || !hn_ovs_strmap_get(&l->db->port_by_uuid, u, &idx))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		size_t *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = idx;
	return 0;
}

static int read_bridge_column(struct hn_ovs_scan *s, const char *k, struct hn_ovs_bridge *b,
			      struct port_list *ports)
{
	const struct uuid_sink sink = {add_port_uuid, ports};
	const struct set_reader sr = {uuid_atom, uuid_pair, (void *)&sink};
	bool found;

	if (is(k, "name"))
		return opt_string(s, &b->name);
	if (is(k, "datapath_type"))
		return opt_string(s, &b->datapath_type);
	if (is(k, "other_config"))
		return map_get(s, "hwaddr", &found, &b->hwaddr);
	if (is(k, "external_ids")) {
		const char *v;

		return map_get(s, HN_OVS_OWNER_KEY, &b->owned, &v);
	}
	if (is(k, "ports")) {
		int r;

		ports->n = 0;
		r = each_atom(s, &sr);
		if (r > 0)
			ports->n = 0;
		return r < 0 ? r : 0;
	}
	return hn_ovs_scan_skip(s);
}

static int read_bridges(struct reader *rd)
{
	struct hn_ovs_scan *s = &rd->s;
	struct hn_ovs_db *db = rd->db;
	struct hn_ovs_row *row;
	int r;

	open_rows(rd, BRIDGE);
	while ((r = next_row(rd, &row)) > 0) {
		struct hn_ovs_bridge *b = &db->bridges[db->n_bridges];
		struct port_list ports = {db, NULL, 0, 0};
		const char *k;

		b->row = row;
		b->uuid = row->uuid;
		b->datapath_type = ""; /* left out at its default */
		while ((r = hn_ovs_scan_key(s, &k)) > 0)
			if ((r = read_bridge_column(s, k, b, &ports)) < 0)
				break;
		if (r == 0)
			r = end_row(rd, row);
		b->ports = ports.v;
		b->n_ports = ports.n;
		/* hn_ovs_db_free() frees what this bridge holds from here on. */
		db->n_bridges++;
		if (r < 0)
			return r;
		if (!b->name || !b->datapath_type)
			return bad("a Bridge row without name or datapath_type");
		for (size_t i = 0; i < b->n_ports; i++)
			db->ports[b->ports[i]].bridge = (long)(db->n_bridges - 1);
		if (hn_ovs_strmap_put(&db->bridge_by_name, b->name, db->n_bridges - 1) < 0)
			return -ENOMEM;
	}
	close_rows(rd);
	return r;
}

static int read_root(struct reader *rd)
{
	struct hn_ovs_scan *s = &rd->s;
	struct hn_ovs_db *db = rd->db;
	const char *k;
	bool set;
	int r;

	open_rows(rd, ROOT);
	r = next_row(rd, &db->root_row);
	if (r <= 0)
		return r;
	db->root_uuid = db->root_row->uuid;
	while ((r = hn_ovs_scan_key(s, &k)) > 0) {
		if (is(k, "next_cfg"))
			r = opt_int(s, &set, &db->next_cfg);
		else if (is(k, "cur_cfg"))
			r = opt_int(s, &set, &db->cur_cfg);
		else
			r = hn_ovs_scan_skip(s);
		if (r < 0)
			return r;
	}
	if (r == 0)
		r = end_row(rd, db->root_row);
	close_rows(rd);
	return r;
}

/* ---- the result ---- */

/* The number of rows in the table object next in s ({uuid: update, ...}), or -1 when it is
 * not an object. The rows are passed, not checked (nor their uuids kept): reading them
 * checks them. */
static long count_rows(struct hn_ovs_scan *s)
{
	char *strings = s->out;
	const char *uuid;
	long n = 0;
	int r;

	if (hn_ovs_scan_peek(s) != '{')
		return hn_ovs_scan_skip(s) < 0 ? -EPROTO : -1;
	if (hn_ovs_scan_enter(s, '{') < 0)
		return -EPROTO;
	while ((r = hn_ovs_scan_key(s, &uuid)) > 0) {
		s->out = strings; /* decoded again when the row is read */
		if (hn_ovs_scan_pass(s) < 0)
			return -EPROTO;
		n++;
	}
	return r < 0 ? -EPROTO : n;
}

static int table_of(const char *name)
{
	for (int i = 0; i < N_TABLES; i++)
		if (is(name, table_names[i]))
			return i;
	return -1;
}

/* The result object: each table's rows found and counted, the rest of it checked. */
static int read_result(struct reader *rd, const char *text, size_t len)
{
	struct hn_ovs_scan *s = &rd->s;
	const char *k;
	int r;

	hn_ovs_scan_init(s, text, len, rd->out);
	r = hn_ovs_scan_enter(s, '{');
	while (r == 0 && (r = hn_ovs_scan_key(s, &k)) > 0) {
		int i = table_of(k);
		const char *v = s->p;
		long n = count_rows(s);

		r = 0;
		if (n == -EPROTO)
			return -EPROTO;
		if (i < 0)
			continue;
		rd->t[i] = (struct table){.bad = n < 0};
		if (n >= 0)
			rd->t[i] = (struct table){v, (size_t)(s->p - v), (size_t)n, false};
	}
	if (r == 0)
		r = hn_ovs_scan_end(s);
	rd->out = s->out;
	return r;
}

static int alloc_rows(struct reader *rd)
{
	const struct table *t = rd->t;
	struct hn_ovs_db *db = rd->db;

	db->rows = calloc(t[ROOT].n + t[BRIDGE].n + t[PORT].n + t[IFACE].n + 1, sizeof(*db->rows));
	db->bridges = calloc(t[BRIDGE].n + 1, sizeof(*db->bridges));
	db->ports = calloc(t[PORT].n + 1, sizeof(*db->ports));
	db->ifaces = calloc(t[IFACE].n + 1, sizeof(*db->ifaces));
	return db->rows && db->bridges && db->ports && db->ifaces ? 0 : -ENOMEM;
}

int hn_ovs_db_parse_text(char *text, size_t off, size_t len, struct hn_ovs_db **out)
{
	_cleanup_(hn_ovs_db_freep) struct hn_ovs_db *db = calloc(1, sizeof(*db));
	struct reader rd = {.db = db};
	char why[128];
	int r;

	*out = NULL;
	if (!db) {
		free(text);
		return hn_err(-ENOMEM, "out of memory");
	}
	db->reply = text;
	/* Every string decodes into this, none longer than it is written (json_scan.h). */
	rd.out = db->strings = malloc(len + 1);
	if (!db->strings)
		return hn_err(-ENOMEM, "out of memory reading the switch state");
	r = read_result(&rd, text + off, len);
	if (r < 0)
		return hn_err(-EPROTO, "ovsdb-server answered the read with malformed JSON: %s",
			      hn_ovs_scan_error(&rd.s, why, sizeof(why)));
	for (int i = 0; i < N_TABLES; i++)
		if (rd.t[i].bad)
			return bad("an unexpected shape");
	if (rd.t[ROOT].n != 1)
		return hn_err(-EPROTO,
			      "the Open_vSwitch table has %zu rows instead of one: "
			      "the database is not initialized",
			      rd.t[ROOT].n);
	r = alloc_rows(&rd);
	if (r == 0)
		r = read_root(&rd);
	if (r == 0)
		r = read_ifaces(&rd);
	if (r == 0)
		r = read_ports(&rd);
	if (r == 0)
		r = read_bridges(&rd);
	if (r == -ENOMEM)
		return hn_err(r, "out of memory reading the switch state");
	if (r < 0 && rd.s.why) /* read_result() checked the text: not expected */
		return hn_err(r, "ovsdb-server answered the read with malformed JSON: %s",
			      hn_ovs_scan_error(&rd.s, why, sizeof(why)));
	if (r < 0)
		return r; /* bad() said why */
	*out = TAKE_PTR(db);
	return 0;
}
