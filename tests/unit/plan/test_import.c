// SPDX-License-Identifier: GPL-2.0-or-later
/* What `hostnet import` writes reads back as the same config (YAML and JSON), and the
 * verify section it derives from the VLANs found. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "error.h"
#include "import.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every key import writes. */
static const char every_key[] =
    "ovs:\n"
    "  datapath: netdev\n"
    "bridges:\n"
    "  br0:\n"
    "    uplink: eno1\n"
    "    addresses: [198.51.100.10/24, 198.51.100.11/32]\n"
    "    gateway: 198.51.100.1\n"
    "  brint:\n"
    "    tag: 99\n"
    "    addresses: [10.99.1.250/32]\n"
    "    routes: [10.99.1.0/24, { to: 10.98.0.0/16, via: 10.99.1.1 }]\n"
    "    arp_hygiene: false\n"
    "    ports:\n"
    "      eno2: {}\n"
    "      mon0: { type: internal, tag: 250, addresses: [10.250.1.1/24], routes: [{ to: "
    "10.0.0.0/8, via: 10.250.1.254 }], arp_hygiene: false }\n"
    "      trunk0: { trunk: [10, 20, 100-109] }\n"
    "libvirt:\n"
    "  undefine: [default]\n"
    "  networks:\n"
    "    intern-vlans:\n"
    "      bridge: brint\n"
    "      portgroups:\n"
    "        vlansadmin: { trunk: [99, 250] }\n"
    "        vlan10: { tag: 10 }\n"
    "      access: [100-109, 300]\n"
    "    ovs-front:\n"
    "      bridge: br0\n"
    "verify:\n"
    "  isolation: { bridge: brint, vlans: [10, 20, 99-109, 250, 300] }\n"
    "ovn:\n"
    "  remote: \"tcp:192.0.2.1:6642,ssl:[2001:db8::1]:6642\"\n"
    "  encap: { type: vxlan, ip: 192.0.2.11 }\n"
    "  system_id: hv-a\n"
    "  bridge_mappings:\n"
    "    provider: br0\n"
    "    intern: brint\n";

static char *write_temp(const char *text, const char *suffix)
{
	char *path;
	FILE *f;
	int fd;

	assert_true(asprintf(&path, "/tmp/hn-import-XXXXXX%s", suffix) > 0);
	fd = mkstemps(path, (int)strlen(suffix));
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void load_text(const char *text, const char *suffix, struct hn_config *c)
{
	char *path = write_temp(text, suffix);

	if (hn_config_load(path, c) < 0)
		fail_msg("does not load: %s\n%s", hn_errmsg(), text);
	unlink(path);
	free(path);
	free(c->path);
	c->path = strdup("same");
}

/* `check --json`'s reading of c: what the config means. */
static char *meaning(const struct hn_config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(hn_config_print_json(f, c), 0);
	fclose(f);
	return buf;
}

static char *written(const struct hn_import *im, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		assert_int_equal(hn_import_print_json(f, im), 0);
	else
		hn_import_print_yaml(f, im);
	fclose(f);
	return buf;
}

static void yaml_reads_back_the_same(void **unused)
{
	struct hn_import im = {0};
	struct hn_config back = {0};
	char *text, *a, *b;

	load_text(every_key, ".yaml", &im.config);
	assert_int_equal(hn_import_note(&im, "port vnet0 on br0: a running guest's: left out"), 0);
	text = written(&im, false);
	assert_non_null(strstr(text, "#   port vnet0 on br0: a running guest's"));
	assert_non_null(strstr(text, "      access: [100-109, 300]\n"));
	load_text(text, ".yaml", &back);
	a = meaning(&im.config);
	b = meaning(&back);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(text);
	hn_config_free(&back);
	hn_import_free(&im);
}

static void json_config_reads_back_the_same(void **unused)
{
	struct hn_import im = {0};
	struct hn_config back = {0};
	json_t *doc;
	char *text, *config, *a, *b;

	load_text(every_key, ".yaml", &im.config);
	assert_int_equal(hn_import_note(&im, "a note"), 0);
	text = written(&im, true);
	doc = json_loads(text, 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "command")), "import");
	assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "notes"), 0)),
			    "a note");
	config = json_dumps(json_object_get(doc, "config"), 0);
	load_text(config, ".json", &back);
	a = meaning(&im.config);
	b = meaning(&back);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(config);
	free(text);
	json_decref(doc);
	hn_config_free(&back);
	hn_import_free(&im);
}

static void isolation_on_the_bridge_with_most_vlans(void **unused)
{
	struct hn_config c = {0};
	char buf[HN_VLANSET_STRLEN];

	load_text(every_key, ".yaml", &c);
	memset(&c.verify, 0, sizeof(c.verify));
	hn_import_derive_verify(&c);
	assert_true(c.verify.has_isolation);
	assert_string_equal(c.verify.isolation_bridge, "brint");
	/* Its own tag, its ports' tags and trunks, the portgroups of the network on it. */
	assert_string_equal(hn_vlanset_format(&c.verify.isolation_vlans, buf, sizeof(buf)),
			    "10,20,99-109,250,300");
	hn_config_free(&c);
}

static void one_vlan_is_nothing_to_isolate(void **unused)
{
	struct hn_config c = {0};

	load_text("bridges:\n  br0: { uplink: eno1 }\n  brint: { tag: 99 }\n", ".yaml", &c);
	hn_import_derive_verify(&c);
	assert_false(c.verify.has_isolation);
	hn_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(yaml_reads_back_the_same),
	    cmocka_unit_test(json_config_reads_back_the_same),
	    cmocka_unit_test(isolation_on_the_bridge_with_most_vlans),
	    cmocka_unit_test(one_vlan_is_nothing_to_isolate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
