// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: any bytes as the XML libvirtd returns, read as the libvirt backend reads
 * it: a network (virNetworkGetXMLDesc) compared by meaning with one hostnet would define, and
 * a domain whose interfaces are counted. Never a crash, leak or hang; errors are one line. */
#include "error.h"
#include "virt_xml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(int r)
{
	const char *msg = hn_errmsg();

	if (r < 0 && (!msg || !*msg || strchr(msg, '\n')))
		__builtin_trap();
}

/* A network as the config makes it: an access and a trunk portgroup, built and read back. */
static const struct hn_virt_netdef *want(void)
{
	static struct hn_virt_netdef d;
	static struct hn_portgroup pgs[2] = {{.name = "vlan10", .tag = 10},
					     {.name = "vlansadmin", .trunk = true}};
	struct hn_network net = {
	    .name = "intern-vlans", .bridge = "brint", .portgroups = pgs, .n_portgroups = 2};
	char *xml;

	if (d.name)
		return &d;
	hn_vlanset_add(&pgs[1].vlans, 99);
	hn_vlanset_add(&pgs[1].vlans, 250);
	xml = hn_virt_xml_build(&net, NULL);
	if (!xml || hn_virt_netdef_parse(xml, &d) < 0 || !d.owned)
		__builtin_trap();
	free(xml);
	return &d;
}

/* A difference list always fits its buffer, cut or not, on one line (it is a plan line). */
static unsigned compare(const struct hn_virt_netdef *a, const struct hn_virt_netdef *b, size_t len)
{
	char buf[512];
	unsigned n = hn_virt_netdef_compare(a, b, true, buf, len);

	if (len && (strnlen(buf, len) == len || strpbrk(buf, "\n\r")))
		__builtin_trap();
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct hn_virt_netdef *w = want();
	struct hn_virt_netdef have;
	char *xml = malloc(size + 1);
	int r;

	if (!xml)
		return 0;
	memcpy(xml, data, size);
	xml[size] = '\0';
	hn_err_clear();
	r = hn_virt_netdef_parse(xml, &have);
	check_error(r);
	if (r == 0) {
		/* The same document always has the same meaning. */
		if (compare(&have, &have, 512) != 0)
			__builtin_trap();
		compare(w, &have, 512);
		compare(&have, w, 24);
		hn_virt_netdef_free(&have);
	}
	hn_err_clear();
	check_error(hn_virt_domain_count_ifaces(xml, w->name));
	free(xml);
	return 0;
}
