/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt network XML: built from the config with libxml2, and read back into the few
 * things the config controls, so that two documents can be compared by meaning (libvirt
 * adds a uuid, reorders and reformats; none of that is a difference).
 * Nothing in here talks to libvirt.
 */
#ifndef HOSTNET_VIRT_XML_H
#define HOSTNET_VIRT_XML_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>

/* The mark on every network hostnet defines: <metadata><hostnet:owner xmlns:hostnet=URI/>.
 * Never change it: it is how hostnet recognises, on every host, the networks it made. */
#define HN_VIRT_OWNER_NS     "https://hostnet.example/xmlns/owner/1"
#define HN_VIRT_OWNER_PREFIX "hostnet"
#define HN_VIRT_OWNER_NAME   "owner"

/* A portgroup as libvirt understands it. */
struct hn_virt_pg {
	char *name;
	bool has_vlan;		 /* a <vlan> with at least one <tag> */
	bool trunk;		 /* libvirt's rule: trunk='yes', or more than one tag */
	struct hn_vlanset vlans; /* the tags */
	bool native;		 /* a nativeMode attribute: hostnet never asks for one */
};

/* What hostnet compares of a network. */
struct hn_virt_netdef {
	char *name;
	char *uuid;	   /* NULL when the document has none */
	char *forward;	   /* forward mode; "none" without <forward> (an isolated network) */
	char *bridge;	   /* NULL without <bridge name=...> */
	char *virtualport; /* NULL without <virtualport type=...> */
	bool owned;	   /* carries hostnet's owner mark */
	struct hn_virt_pg *pgs;
	size_t n_pgs;
};

/* The definition of net for libvirt's virNetworkDefineXML, owner mark included; uuid
 * (may be NULL) keeps the identity of a network that is being redefined. Returns a
 * malloc'd string, or NULL with hn_errmsg() set. */
char *hn_virt_xml_build(const struct hn_network *net, const char *uuid);

/* Parse a network document. -EINVAL (hn_errmsg() says why) when it is not one. */
int hn_virt_netdef_parse(const char *xml, struct hn_virt_netdef *out);
void hn_virt_netdef_free(struct hn_virt_netdef *d);

/* What differs in have from want, in the terms of the config only: forward mode, bridge,
 * virtualport type, the portgroups and their VLANs, and (when check_owner) the owner mark.
 * Writes "portgroup 105 missing; bridge br1, want brint" into buf (cut with "..." when it
 * does not fit) and returns the number of differences (0: same meaning). */
unsigned hn_virt_netdef_compare(const struct hn_virt_netdef *want,
				const struct hn_virt_netdef *have, bool check_owner, char *buf,
				size_t len);

/* How many interfaces of a domain document take their port from network `name`
 * (<source network=...>); -EINVAL when the document does not parse. */
int hn_virt_domain_count_ifaces(const char *xml, const char *name);

#endif
