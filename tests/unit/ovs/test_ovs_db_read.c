// SPDX-License-Identifier: GPL-2.0-or-later
/* The snapshot read as text (ovs_db_read.c): the recorded seed, OVSDB's notation in its
 * forms, row updates with more than "new", values of an unexpected kind, columns left out at
 * their default, rows made json on demand, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "error.h"
#include "fake_ovsdb.h"
#include "ovs_db.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define ROOT "\"Open_vSwitch\":{\"r\":{\"new\":{\"next_cfg\":7,\"cur_cfg\":6}}}"

/* A monitor's initial contents with these bridge, port and interface rows ("UUID":
 * {"new": {...}}, ...). */
static int parse(const char *bridges, const char *ports, const char *ifaces, struct hn_ovs_db **db)
{
	char *text;

	if (asprintf(&text, "{%s,\"Bridge\":{%s},\"Port\":{%s},\"Interface\":{%s}}", ROOT, bridges,
		     ports, ifaces) < 0)
		fail();
	hn_err_clear();
	return hn_ovs_db_parse_text(text, 0, strlen(text), db);
}

static void the_recorded_reply_reads_as_jansson_reads_it(void **unused)
{
	char *text = fake_data("seed.json");
	json_t *want = fake_data_json("seed.json");
	struct hn_ovs_db *db;
	const struct hn_ovs_port *p;
	json_t *row, *defaults;

	/* the reply's result at an offset, as hn_ovs_rpc_call_text gives it */
	size_t len = strlen(text);
	char *msg = malloc(len + 32);

	assert_non_null(msg);
	memcpy(msg, "{\"id\":2,\"result\":", 17);
	memcpy(msg + 17, text, len);
	strcpy(msg + 17 + len, ",\"error\":null}");
	free(text);
	assert_int_equal(hn_ovs_db_parse_text(msg, 17, len, &db), 0);
	assert_int_equal(db->n_bridges, 2);
	assert_int_equal(db->n_ports, 3);
	assert_int_equal(db->next_cfg, 1);
	assert_string_equal(db->root_uuid, "85b03f5b-5623-4e3d-99ab-7dd4057fe25b");
	p = hn_ovs_db_port(db, "brint");
	assert_non_null(p);
	assert_int_equal(p->tag, 99);
	assert_true(p->owned);
	assert_string_equal(db->bridges[p->bridge].name, "brint");
	/* a row made json is the row as sent, with its uuid, and the columns the server left
	 * out at their default */
	row = json_deep_copy(json_object_get(
	    json_object_get(json_object_get(want, "Port"), "3d00cd7f-7945-4235-b830-604f24b59a7d"),
	    "initial"));
	json_object_set_new(row, "_uuid",
			    json_pack("[s, s]", "uuid", "3d00cd7f-7945-4235-b830-604f24b59a7d"));
	defaults = json_pack("{s:[s,[]], s:[s,[]], s:[s,[]], s:[s,[]], s:[s,[]], s:[s,[]]}",
			     "trunks", "set", "vlan_mode", "set", "bond_mode", "set", "lacp", "set",
			     "other_config", "map", "interfaces", "set");
	json_object_update_missing(row, defaults);
	json_decref(defaults);
	assert_true(json_equal(hn_ovs_row_json(p->row), row));
	json_decref(row);
	assert_string_equal(
	    hn_ovs_json_uuid(json_object_get(hn_ovs_row_json(db->root_row), "_uuid")),
	    "85b03f5b-5623-4e3d-99ab-7dd4057fe25b");
	json_decref(want);
	hn_ovs_db_free(db);
}

static void sets_maps_and_lone_atoms(void **unused)
{
	struct hn_ovs_db *db;
	const struct hn_ovs_bridge *b;
	const struct hn_ovs_port *p, *q;

	assert_int_equal(
	    parse(
		"\"b\":{\"new\":{\"name\":\"br\",\"datapath_type\":\"\","
		"\"ports\":[\"set\",[[\"uuid\",\"p\"],[\"uuid\",\"gone\"],[\"uuid\",\"q\"]]],"
		"\"other_config\":[\"map\",[[\"x\",\"1\"],[\"hwaddr\",\"02:00:00:00:00:01\"]]],"
		"\"external_ids\":[\"map\",[]]}}",
		"\"p\":{\"new\":{\"name\":\"p\",\"tag\":[\"set\",[]],\"trunks\":5,"
		"\"vlan_mode\":\"trunk\",\"external_ids\":[\"map\",[[\"hostnet-owner\",\"x\"]]]}},"
		"\"q\":{\"old\":{},\"new\":{\"name\":\"q\",\"tag\":4094,"
		"\"trunks\":[\"set\",[1,4094]],\"vlan_mode\":[\"set\",[]]},\"more\":[1]}",
		"\"i\":{\"new\":{\"name\":\"p\",\"type\":\"internal\"}}", &db),
	    0);
	b = hn_ovs_db_bridge(db, "br");
	assert_non_null(b);
	assert_string_equal(b->hwaddr, "02:00:00:00:00:01");
	assert_false(b->owned);
	assert_int_equal(b->n_ports, 2); /* "gone" is no port read */
	p = hn_ovs_db_port(db, "p");
	q = hn_ovs_db_port(db, "q");
	assert_int_equal(p->tag, 0);
	assert_true(hn_vlanset_has(&p->trunks, 5));
	assert_int_equal(hn_vlanset_count(&p->trunks), 1);
	assert_string_equal(p->vlan_mode, "trunk");
	assert_true(p->owned);
	assert_int_equal(q->tag, 4094);
	assert_int_equal(hn_vlanset_count(&q->trunks), 2);
	assert_null(q->vlan_mode);
	assert_false(q->owned);
	assert_ptr_equal(&db->bridges[q->bridge], b);
	assert_string_equal(hn_ovs_db_port_iface(db, p)->type, "internal");
	assert_null(hn_ovs_db_port_iface(db, q));
	hn_ovs_db_free(db);
}

/* As ovs_db.h's notation helpers read them: what is not of the column's kind is absent. */
static void unexpected_kinds_read_as_absent(void **unused)
{
	struct hn_ovs_db *db;
	const struct hn_ovs_port *p;

	assert_int_equal(
	    parse(
		"\"b\":{\"new\":{\"name\":\"br\",\"datapath_type\":\"netdev\","
		"\"ports\":[\"uuid\",\"p\",\"extra\"],\"other_config\":[\"map\",[[\"hwaddr\",1]]],"
		"\"external_ids\":[\"set\",[]]}}",
		"\"p\":{\"new\":{\"name\":\"p\",\"tag\":1.5,"
		"\"trunks\":[\"set\",[1,2],3],\"vlan_mode\":7,\"external_ids\":{\"a\":[]}}}",
		"", &db),
	    0);
	p = hn_ovs_db_port(db, "p");
	assert_int_equal(p->tag, 0);
	assert_true(hn_vlanset_empty(&p->trunks));
	assert_null(p->vlan_mode);
	assert_false(p->owned);
	assert_int_equal(db->bridges[0].n_ports, 0);
	assert_null(db->bridges[0].hwaddr);
	assert_int_equal(p->bridge, -1);
	hn_ovs_db_free(db);
}

static void rows_without_their_keys_are_refused(void **unused)
{
	struct hn_ovs_db *db = (void *)1;

	assert_int_equal(parse("", "\"p\":{\"new\":{\"tag\":1}}", "", &db), -EPROTO);
	assert_null(db);
	assert_non_null(strstr(hn_errmsg(), "a Port row without name"));
	assert_int_equal(parse("", "", "\"i\":{\"new\":{}}", &db), -EPROTO);
	assert_non_null(strstr(hn_errmsg(), "an Interface row without name or type"));
	assert_int_equal(parse("\"b\":{\"new\":{\"datapath_type\":\"\"}}", "", "", &db), -EPROTO);
	assert_non_null(strstr(hn_errmsg(), "a Bridge row without name or datapath_type"));
	/* a column sent, but not a string, is not the default */
	assert_int_equal(
	    parse("\"b\":{\"new\":{\"name\":\"br\",\"datapath_type\":1}}", "", "", &db), -EPROTO);
	assert_non_null(strstr(hn_errmsg(), "a Bridge row without name or datapath_type"));
	assert_int_equal(parse("", "", "\"i\":{\"new\":{\"name\":\"i\",\"type\":[]}}", &db),
			 -EPROTO);
	assert_non_null(strstr(hn_errmsg(), "an Interface row without name or type"));
}

/* monitor_cond leaves a column at its default out of a row: it reads as that default, and
 * the row made json has it (a wait or an undo quotes it). */
static void columns_left_out_read_as_their_default(void **unused)
{
	struct hn_ovs_db *db;
	const struct hn_ovs_port *p;
	const struct hn_ovs_iface *i;
	json_t *row;

	assert_int_equal(parse("\"b\":{\"initial\":{\"name\":\"br\",\"ports\":[\"uuid\",\"p\"]}}",
			       "\"p\":{\"initial\":{\"name\":\"p\"}}",
			       "\"i\":{\"initial\":{\"name\":\"p\"}}", &db),
			 0);
	assert_string_equal(db->bridges[0].datapath_type, "");
	assert_int_equal(db->bridges[0].n_ports, 1);
	assert_false(db->bridges[0].owned);
	p = hn_ovs_db_port(db, "p");
	assert_int_equal(p->tag, 0);
	assert_true(hn_vlanset_empty(&p->trunks));
	assert_null(p->vlan_mode);
	assert_null(p->bond_mode);
	assert_false(p->owned);
	i = hn_ovs_db_port_iface(db, p);
	assert_string_equal(i->type, "");
	assert_int_equal(i->mtu_request, 0);
	row = json_loads("{\"_uuid\":[\"uuid\",\"p\"],\"name\":\"p\",\"tag\":[\"set\",[]],"
			 "\"trunks\":[\"set\",[]],\"vlan_mode\":[\"set\",[]],"
			 "\"bond_mode\":[\"set\",[]],\"lacp\":[\"set\",[]],"
			 "\"other_config\":[\"map\",[]],\"interfaces\":[\"set\",[]],"
			 "\"external_ids\":[\"map\",[]]}",
			 0, NULL);
	assert_true(json_equal(hn_ovs_row_json(p->row), row));
	json_decref(row);
	row = json_loads("{\"_uuid\":[\"uuid\",\"i\"],\"name\":\"p\",\"type\":\"\","
			 "\"mtu_request\":[\"set\",[]]}",
			 0, NULL);
	assert_true(json_equal(hn_ovs_row_json(i->row), row));
	json_decref(row);
	row = json_loads("{\"_uuid\":[\"uuid\",\"r\"],\"next_cfg\":7,\"cur_cfg\":6,"
			 "\"bridges\":[\"set\",[]],\"external_ids\":[\"map\",[]]}",
			 0, NULL);
	assert_true(json_equal(hn_ovs_row_json(db->root_row), row));
	json_decref(row);
	hn_ovs_db_free(db);
}

static void malformed_replies(void **unused)
{
	static const char *const bad[] = {
	    "[{\"rows\":[]}]",		      /* a transaction's result */
	    "{" ROOT ",\"Port\":[]}",	      /* a table not an object */
	    "{" ROOT ",\"Port\":{}",	      /* cut short */
	    "{\"Bridge\":{}}",		      /* no root row */
	    "{" ROOT ",\"Port\":{\"p\":[]}}", /* a row update not an object */
	    "{" ROOT ",\"Port\":{\"p\":{\"old\":{\"name\":\"p\"}}}}", /* without "new" */
	    "{" ROOT ",\"Port\":{\"p\":{\"new\":{\"name\":\"p\","
	    "\"tag\":99999999999999999999}}}}",
	    /* rows are counted unchecked, then checked as they are read */
	    "{" ROOT ",\"Interface\":{\"i\":{\"new\":{\"name\":\"a\",\"type\":\"\",}}}}",
	    "{" ROOT ",\"Interface\":{\"i\":{\"new\":{\"name\":\"a\",\"type\":\"\"]}}}",
	    "{" ROOT ",\"Interface\":{\"i\":{\"new\":{\"name\":\"\\x\",\"type\":\"\"}}}}",
	    "{" ROOT ",\"Interface\":{\"i\":{\"new\":{\"name\":\"a\",\"type\":\"\"},\"x\":}}}",
	};
	struct hn_ovs_db *db;
	char *text;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = strdup(bad[i]);
		hn_err_clear();
		assert_int_equal(hn_ovs_db_parse_text(text, 0, strlen(text), &db), -EPROTO);
		assert_null(strchr(hn_errmsg(), '\n'));
		assert_true(*hn_errmsg());
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(the_recorded_reply_reads_as_jansson_reads_it),
	    cmocka_unit_test(sets_maps_and_lone_atoms),
	    cmocka_unit_test(unexpected_kinds_read_as_absent),
	    cmocka_unit_test(rows_without_their_keys_are_refused),
	    cmocka_unit_test(columns_left_out_read_as_their_default),
	    cmocka_unit_test(malformed_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
