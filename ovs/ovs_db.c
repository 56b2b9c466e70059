// SPDX-License-Identifier: GPL-2.0-or-later
/* The snapshot of bridges, ports and interfaces, indexed by name and uuid. */
#include "ovs_db.h"
#include "error.h"
#include "ovsdb_rpc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- string -> index hash, open addressing ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int strmap_grow(struct hn_ovs_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct hn_ovs_strmap_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->slots[i].key)
			continue;
		for (j = hash_str(m->slots[i].key) & (cap - 1); slots[j].key;
		     j = (j + 1) & (cap - 1))
			;
		slots[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int hn_ovs_strmap_put(struct hn_ovs_strmap *m, const char *key, size_t value)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap && strmap_grow(m) < 0)
		return -ENOMEM;
	for (j = hash_str(key) & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		if (strcmp(m->slots[j].key, key) == 0) {
			m->slots[j].value = value;
			return 0;
		}
	}
	m->slots[j].key = key;
	m->slots[j].value = value;
	m->n++;
	return 0;
}

bool hn_ovs_strmap_get(const struct hn_ovs_strmap *m, const char *key, size_t *value)
{
	if (!m->cap)
		return false;
	for (size_t j = hash_str(key) & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
		if (strcmp(m->slots[j].key, key) == 0) {
			*value = m->slots[j].value;
			return true;
		}
	}
	return false;
}

void hn_ovs_strmap_free(struct hn_ovs_strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- OVSDB JSON notation ---- */

static bool is_pair(const json_t *v, const char *tag)
{
	return json_is_array(v) && json_array_size(v) == 2 &&
	       json_is_string(json_array_get(v, 0)) &&
	       strcmp(json_string_value(json_array_get(v, 0)), tag) == 0;
}

const char *hn_ovs_json_uuid(const json_t *v)
{
	return is_pair(v, "uuid") ? json_string_value(json_array_get(v, 1)) : NULL;
}

size_t hn_ovs_json_set_size(const json_t *v)
{
	if (is_pair(v, "set"))
		return json_array_size(json_array_get(v, 1));
	return v ? 1 : 0;
}

json_t *hn_ovs_json_set_at(const json_t *v, size_t i)
{
	if (is_pair(v, "set"))
		return json_array_get(json_array_get(v, 1), i);
	return i == 0 ? (json_t *)v : NULL;
}

const json_t *hn_ovs_json_map_get(const json_t *map, const char *key)
{
	const json_t *pairs = is_pair(map, "map") ? json_array_get(map, 1) : NULL;
	size_t i;
	json_t *kv;

	json_array_foreach (pairs, i, kv) {
		const char *k = json_string_value(json_array_get(kv, 0));

		if (k && strcmp(k, key) == 0)
			return json_array_get(kv, 1);
	}
	return NULL;
}

/* ---- the read ---- */

static json_t *select_op(const char *table, const char *const *columns)
{
	json_t *cols = json_array();

	for (size_t i = 0; columns[i]; i++)
		json_array_append_new(cols, json_string(columns[i]));
	return json_pack("{s:s, s:s, s:[], s:o}", "op", "select", "table", table, "where",
			 "columns", cols);
}

json_t *hn_ovs_db_read_params(void)
{
	static const char *const root[] = {"_uuid", "bridges", "next_cfg", "cur_cfg", NULL};
	static const char *const bridge[] = {
	    "_uuid", "name", "ports", "datapath_type", "other_config", "external_ids", NULL};
	static const char *const port[] = {"_uuid",	"name",		"tag", "trunks",
					   "vlan_mode", "external_ids", NULL};
	static const char *const iface[] = {"name", "type", "mtu_request", "mtu", NULL};

	return json_pack("[s, o, o, o, o]", HN_OVS_DB_NAME, select_op("Open_vSwitch", root),
			 select_op("Bridge", bridge), select_op("Port", port),
			 select_op("Interface", iface));
}

void hn_ovs_db_free(struct hn_ovs_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n_bridges; i++)
		free(db->bridges[i].ports);
	free(db->bridges);
	free(db->ports);
	free(db->ifaces);
	hn_ovs_strmap_free(&db->bridge_by_name);
	hn_ovs_strmap_free(&db->port_by_name);
	hn_ovs_strmap_free(&db->port_by_uuid);
	hn_ovs_strmap_free(&db->iface_by_name);
	json_decref(db->reply);
	free(db);
}

static int bad(const char *what)
{
	return hn_err(-EPROTO,
		      "ovsdb-server answered the read with %s; is this the "
		      "Open_vSwitch database of Open vSwitch 2.x or 3.x?",
		      what);
}

static bool owned(const json_t *row)
{
	const json_t *v =
	    hn_ovs_json_map_get(json_object_get(row, "external_ids"), HN_OVS_OWNER_KEY);

	return v != NULL;
}

/* The rows of the i-th select. */
static json_t *rows_of(json_t *result, size_t i)
{
	json_t *rows = json_object_get(json_array_get(result, i), "rows");

	return json_is_array(rows) ? rows : NULL;
}

/* An optional string column: "x" or ["set", []]. */
static const char *opt_string(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An optional integer column that holds an MTU: 0 when empty or out of range. */
static unsigned opt_mtu(const json_t *v)
{
	json_int_t i = json_is_integer(v) ? json_integer_value(v) : 0;

	return i > 0 && i <= 65535 ? (unsigned)i : 0;
}

static int parse_ifaces(struct hn_ovs_db *db, json_t *rows)
{
	size_t i;
	json_t *row;

	db->ifaces = calloc(json_array_size(rows) + 1, sizeof(*db->ifaces));
	if (!db->ifaces)
		return -ENOMEM;
	json_array_foreach (rows, i, row) {
		struct hn_ovs_iface *f = &db->ifaces[db->n_ifaces];

		f->row = row;
		f->name = json_string_value(json_object_get(row, "name"));
		f->type = json_string_value(json_object_get(row, "type"));
		if (!f->name || !f->type)
			return bad("an Interface row without name or type");
		f->mtu_request = opt_mtu(json_object_get(row, "mtu_request"));
		f->mtu = opt_mtu(json_object_get(row, "mtu"));
		if (hn_ovs_strmap_put(&db->iface_by_name, f->name, db->n_ifaces) < 0)
			return -ENOMEM;
		db->n_ifaces++;
	}
	return 0;
}

static int parse_ports(struct hn_ovs_db *db, json_t *rows)
{
	size_t i;
	json_t *row;

	db->ports = calloc(json_array_size(rows) + 1, sizeof(*db->ports));
	if (!db->ports)
		return -ENOMEM;
	json_array_foreach (rows, i, row) {
		struct hn_ovs_port *p = &db->ports[db->n_ports];
		json_t *tag = json_object_get(row, "tag"), *trunks = json_object_get(row, "trunks");

		p->row = row;
		p->bridge = -1;
		p->uuid = hn_ovs_json_uuid(json_object_get(row, "_uuid"));
		p->name = json_string_value(json_object_get(row, "name"));
		if (!p->uuid || !p->name)
			return bad("a Port row without _uuid or name");
		if (json_is_integer(tag))
			p->tag = (unsigned)json_integer_value(tag);
		for (size_t k = 0; k < hn_ovs_json_set_size(trunks); k++) {
			json_t *t = hn_ovs_json_set_at(trunks, k);

			if (json_is_integer(t))
				hn_vlanset_add(&p->trunks, (unsigned)json_integer_value(t));
		}
		p->vlan_mode = opt_string(json_object_get(row, "vlan_mode"));
		p->owned = owned(row);
		if (hn_ovs_strmap_put(&db->port_by_uuid, p->uuid, db->n_ports) < 0 ||
		    hn_ovs_strmap_put(&db->port_by_name, p->name, db->n_ports) < 0)
			return -ENOMEM;
		db->n_ports++;
	}
	return 0;
}

static int parse_bridges(struct hn_ovs_db *db, json_t *rows)
{
	size_t i;
	json_t *row;

	db->bridges = calloc(json_array_size(rows) + 1, sizeof(*db->bridges));
	if (!db->bridges)
		return -ENOMEM;
	json_array_foreach (rows, i, row) {
		struct hn_ovs_bridge *b = &db->bridges[db->n_bridges];
		json_t *ports = json_object_get(row, "ports");
		const json_t *hw =
		    hn_ovs_json_map_get(json_object_get(row, "other_config"), "hwaddr");
		size_t n;

		b->row = row;
		b->uuid = hn_ovs_json_uuid(json_object_get(row, "_uuid"));
		b->name = json_string_value(json_object_get(row, "name"));
		b->datapath_type = json_string_value(json_object_get(row, "datapath_type"));
		if (!b->uuid || !b->name || !b->datapath_type)
			return bad("a Bridge row without _uuid, name or datapath_type");
		b->hwaddr = json_string_value(hw);
		b->owned = owned(row);
		n = hn_ovs_json_set_size(ports);
		b->ports = calloc(n + 1, sizeof(*b->ports));
		if (!b->ports)
			return -ENOMEM;
		for (size_t k = 0; k < n; k++) {
			const char *u = hn_ovs_json_uuid(hn_ovs_json_set_at(ports, k));
			size_t idx;

			if (!u || !hn_ovs_strmap_get(&db->port_by_uuid, u, &idx))
				continue;
			b->ports[b->n_ports++] = idx;
			db->ports[idx].bridge = (long)db->n_bridges;
		}
		if (hn_ovs_strmap_put(&db->bridge_by_name, b->name, db->n_bridges) < 0)
			return -ENOMEM;
		db->n_bridges++;
	}
	return 0;
}

int hn_ovs_db_parse(json_t *result, struct hn_ovs_db **out)
{
	_cleanup_(hn_ovs_db_freep) struct hn_ovs_db *db = calloc(1, sizeof(*db));
	json_t *root, *rr, *br, *pr, *ir, *v;
	int r;

	*out = NULL;
	if (!db)
		return hn_err(-ENOMEM, "out of memory");
	db->reply = json_incref(result);
	for (size_t i = 0; i < json_array_size(result); i++) {
		json_t *e = json_array_get(result, i);
		char text[512];

		if (json_object_get(e, "error"))
			return hn_err(-EREMOTEIO,
				      "ovsdb-server could not read the switch state: %s",
				      hn_ovs_error_text(e, text, sizeof(text)));
	}
	rr = rows_of(result, 0);
	br = rows_of(result, 1);
	pr = rows_of(result, 2);
	ir = rows_of(result, 3);
	if (!rr || !br || !pr || !ir)
		return bad("an unexpected shape");
	if (json_array_size(rr) != 1)
		return hn_err(-EPROTO,
			      "the Open_vSwitch table has %zu rows instead of one: "
			      "the database is not initialized",
			      json_array_size(rr));
	root = json_array_get(rr, 0);
	db->root_row = root;
	db->root_uuid = hn_ovs_json_uuid(json_object_get(root, "_uuid"));
	v = json_object_get(root, "next_cfg");
	db->next_cfg = json_is_integer(v) ? json_integer_value(v) : 0;
	v = json_object_get(root, "cur_cfg");
	db->cur_cfg = json_is_integer(v) ? json_integer_value(v) : 0;
	if (!db->root_uuid)
		return bad("an Open_vSwitch row without _uuid");
	r = parse_ifaces(db, ir);
	if (r == 0)
		r = parse_ports(db, pr);
	if (r == 0)
		r = parse_bridges(db, br);
	if (r < 0)
		return r == -ENOMEM ? hn_err(r, "out of memory reading the switch state") : r;
	*out = TAKE_PTR(db);
	return 0;
}

const struct hn_ovs_bridge *hn_ovs_db_bridge(const struct hn_ovs_db *db, const char *name)
{
	size_t i;

	return hn_ovs_strmap_get(&db->bridge_by_name, name, &i) ? &db->bridges[i] : NULL;
}

const struct hn_ovs_port *hn_ovs_db_port(const struct hn_ovs_db *db, const char *name)
{
	size_t i;

	return hn_ovs_strmap_get(&db->port_by_name, name, &i) ? &db->ports[i] : NULL;
}

const struct hn_ovs_iface *hn_ovs_db_port_iface(const struct hn_ovs_db *db,
						const struct hn_ovs_port *p)
{
	size_t i;

	return hn_ovs_strmap_get(&db->iface_by_name, p->name, &i) ? &db->ifaces[i] : NULL;
}
