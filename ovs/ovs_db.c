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

/* The columns read of each table, each with the value OVSDB gives it by default: monitor_cond
 * leaves a column at its default out of a row, and hn_ovs_row_json() puts it back. */
struct read_column {
	const char *name, *fallback;
};

#define EMPTY_SET "[\"set\",[]]"
#define EMPTY_MAP "[\"map\",[]]"

static const struct read_column root_columns[] = {
    {"bridges", EMPTY_SET}, {"next_cfg", "0"}, {"cur_cfg", "0"}, {"external_ids", EMPTY_MAP}, {0}};
static const struct read_column bridge_columns[] = {{"name", "\"\""},
						    {"ports", EMPTY_SET},
						    {"datapath_type", "\"\""},
						    {"other_config", EMPTY_MAP},
						    {"external_ids", EMPTY_MAP},
						    {0}};
static const struct read_column port_columns[] = {{"name", "\"\""},
						  {"tag", EMPTY_SET},
						  {"trunks", EMPTY_SET},
						  {"vlan_mode", EMPTY_SET},
						  {"bond_mode", EMPTY_SET},
						  {"lacp", EMPTY_SET},
						  {"other_config", EMPTY_MAP},
						  {"interfaces", EMPTY_SET},
						  {"external_ids", EMPTY_MAP},
						  {0}};
/* Not the device's mtu: ovs-vswitchd sets it on every interface, so it is never left out
 * (1000 interfaces: 11 kB and 1.3 ms of ovsdb-server's 19 ms, measured). */
static const struct read_column iface_columns[] = {
    {"name", "\"\""}, {"type", "\"\""}, {"mtu_request", EMPTY_SET}, {0}};

static const struct read_column *const read_columns[HN_OVS_N_TABLES] = {
    [HN_OVS_ROOT] = root_columns,
    [HN_OVS_BRIDGE] = bridge_columns,
    [HN_OVS_PORT] = port_columns,
    [HN_OVS_IFACE] = iface_columns,
};

/* [{"columns": [...]}]: monitor_cond's request for one table, every row. */
static json_t *columns_of(const struct read_column *columns)
{
	json_t *cols = json_array();

	for (size_t i = 0; columns[i].name; i++)
		json_array_append_new(cols, json_string(columns[i].name));
	return json_pack("[{s:o}]", "columns", cols);
}

json_t *hn_ovs_db_read_params(const char *monitor_id)
{
	return json_pack("[s, s, {s:o, s:o, s:o, s:o}]", HN_OVS_DB_NAME, monitor_id, "Open_vSwitch",
			 columns_of(root_columns), "Bridge", columns_of(bridge_columns), "Port",
			 columns_of(port_columns), "Interface", columns_of(iface_columns));
}

static int add_mtu_select(json_t *params, const char *name)
{
	return json_array_append_new(
	    params, json_pack("{s:s, s:s, s:[[s, s, s]], s:[s, s]}", "op", "select", "table",
			      "Interface", "where", "name", "==", name, "columns", "name", "mtu"));
}

json_t *hn_ovs_db_device_mtus_params(const struct hn_config *want)
{
	json_t *params = json_pack("[s]", HN_OVS_DB_NAME);
	int r = params ? 0 : -1;

	for (size_t b = 0; r == 0 && want && b < want->n_bridges; b++) {
		const struct hn_bridge *wb = &want->bridges[b];

		if (wb->mtu)
			r = add_mtu_select(params, wb->name);
		for (size_t i = 0; r == 0 && i < wb->n_ports; i++)
			if (wb->ports[i].mtu)
				r = add_mtu_select(params, wb->ports[i].name);
	}
	if (r == 0 && json_array_size(params) > 1)
		return params;
	json_decref(params);
	return NULL;
}

void hn_ovs_db_set_device_mtus(struct hn_ovs_db *db, const json_t *result)
{
	size_t i, j, at;
	const json_t *op, *row;

	json_array_foreach (result, i, op) {
		json_array_foreach (json_object_get(op, "rows"), j, row) {
			const char *name = json_string_value(json_object_get(row, "name"));
			/* An optional integer: the integer, or ["set", []] when the device has
			 * none. */
			json_int_t mtu = json_integer_value(json_object_get(row, "mtu"));

			if (name && hn_ovs_strmap_get(&db->iface_by_name, name, &at))
				db->ifaces[at].mtu = mtu > 0 && mtu <= 65535 ? (unsigned)mtu : 0;
		}
	}
}

void hn_ovs_db_free(struct hn_ovs_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n_bridges; i++)
		free(db->bridges[i].ports);
	for (size_t i = 0; i < db->n_ports; i++)
		free(db->ports[i].iface_uuids);
	for (size_t i = 0; i < db->n_rows; i++)
		json_decref(db->rows[i].json);
	free(db->bridges);
	free(db->ports);
	free(db->ifaces);
	free(db->rows);
	hn_ovs_strmap_free(&db->bridge_by_name);
	hn_ovs_strmap_free(&db->port_by_name);
	hn_ovs_strmap_free(&db->port_by_uuid);
	hn_ovs_strmap_free(&db->iface_by_name);
	hn_ovs_strmap_free(&db->iface_by_uuid);
	free(db->strings);
	free(db->reply);
	free(db);
}

json_t *hn_ovs_row_json(struct hn_ovs_row *row)
{
	/* The scanner checked the text as jansson reads it (json_scan.h): only memory can
	 * fail here. */
	if (!row->json) {
		json_t *j = json_loadb(row->text, row->len, 0, NULL);
		const struct read_column *c = read_columns[row->table];
		int r = j ? 0 : -1;

		/* The monitor names each row by its uuid rather than in it. */
		if (r == 0)
			r = json_object_set_new(j, "_uuid", json_pack("[s, s]", "uuid", row->uuid));
		for (; r == 0 && c->name; c++)
			if (!json_object_get(j, c->name))
				r = json_object_set_new(
				    j, c->name, json_loads(c->fallback, JSON_DECODE_ANY, NULL));
		if (r < 0)
			json_decref(j);
		row->json = r < 0 ? NULL : j;
	}
	return row->json;
}

int hn_ovs_db_parse(const json_t *result, struct hn_ovs_db **out)
{
	char *text = json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY);

	*out = NULL;
	if (!text)
		return hn_err(-ENOMEM, "out of memory");
	return hn_ovs_db_parse_text(text, 0, strlen(text), out);
}

size_t hn_ovs_db_port_ifaces(const struct hn_ovs_db *db, const struct hn_ovs_port *p,
			     const struct hn_ovs_iface **out, size_t max)
{
	size_t n = 0, at;

	for (size_t i = 0; i < p->n_ifaces; i++)
		if (hn_ovs_strmap_get(&db->iface_by_uuid, p->iface_uuids[i], &at)) {
			if (n < max)
				out[n] = &db->ifaces[at];
			n++;
		}
	return n;
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
