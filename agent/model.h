/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The desired state: what hostnet.yaml asks of the host, validated.
 * Built by config.c, read by every backend. Nothing in here talks to the host.
 */
#ifndef HOSTNET_MODEL_H
#define HOSTNET_MODEL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HN_VLAN_MIN 1
#define HN_VLAN_MAX 4094

/* Where a value came from, so later checks can still name FILE:LINE:COL. */
struct hn_pos {
	unsigned line, col; /* 1-based; 0 = unknown */
};

/* A set of VLAN ids 0..4095, one bit each. */
struct hn_vlanset {
	uint64_t bits[64];
};

void hn_vlanset_add(struct hn_vlanset *s, unsigned vlan);
bool hn_vlanset_has(const struct hn_vlanset *s, unsigned vlan);
bool hn_vlanset_equal(const struct hn_vlanset *a, const struct hn_vlanset *b);
bool hn_vlanset_empty(const struct hn_vlanset *s);
unsigned hn_vlanset_count(const struct hn_vlanset *s);
/* Next member >= from, or 0 when none (0 is never a member). */
unsigned hn_vlanset_next(const struct hn_vlanset *s, unsigned from);
/* "10,20,100-109" into buf; returns buf. */
char *hn_vlanset_format(const struct hn_vlanset *s, char *buf, size_t len);
#define HN_VLANSET_STRLEN 20480

#define hn_vlanset_foreach(v, set)                                                                 \
	for (unsigned v = hn_vlanset_next((set), 1); v; v = hn_vlanset_next((set), v + 1))

struct hn_prefix {
	struct in_addr addr;
	uint8_t len; /* 0..32 */
};

/* "198.51.100.10/24" into buf (at least HN_PREFIX_STRLEN). */
#define HN_PREFIX_STRLEN 24
char *hn_prefix_format(const struct hn_prefix *p, char *buf);
/* The netmask of a prefix length 0..32, in network byte order. */
uint32_t hn_prefix_mask(unsigned len);
/* Is a in the subnet of p? */
bool hn_prefix_contains(const struct hn_prefix *p, struct in_addr a);

/* An IPv6 prefix: the address with its length 0..128. */
struct hn_prefix6 {
	struct in6_addr addr;
	uint8_t len;
};

/* "2001:db8::10/64" into buf (at least HN_PREFIX6_STRLEN). */
#define HN_PREFIX6_STRLEN (INET6_ADDRSTRLEN + 4)
char *hn_prefix6_format(const struct hn_prefix6 *p, char *buf);

/* Text is UTF-8: the config's (config.c refuses a file that is not) and what verify writes
 * for Prometheus (textfile.c). The length of the valid UTF-8 sequence at s (strict: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0. left: the bytes readable
 * from s, at least 1. */
size_t hn_utf8_len(const unsigned char *s, size_t left);

struct hn_route {
	struct hn_prefix to;
	bool has_via;
	struct in_addr via; /* when has_via; else the route is "dev <bridge>" */
	struct hn_pos pos;
};

/* An IPv6 route of a bridge: `routes` items whose `to` is an IPv6 prefix. */
struct hn_route6 {
	struct hn_prefix6 to;
	bool has_via;
	struct in6_addr via; /* global or link-local (on the bridge) */
	struct hn_pos pos;
};

enum hn_port_type {
	HN_PORT_SYSTEM,	  /* an existing NIC (or tap/veth) hostnet attaches */
	HN_PORT_INTERNAL, /* an OVS internal port hostnet creates */
};

/* An Ethernet address. */
struct hn_mac {
	uint8_t b[6];
};

/* "52:54:00:c6:64:0a" into buf (at least HN_MAC_STRLEN); returns buf. */
#define HN_MAC_STRLEN 18
char *hn_mac_format(const struct hn_mac *m, char *buf);

/* VLAN role of a port: tag != 0 = access port; has_trunks = trunk port; neither = untagged
 * (OVS carries every VLAN). Validation forbids both at once. */
struct hn_port {
	char name[IFNAMSIZ];
	enum hn_port_type type;
	unsigned tag;
	bool has_trunks;
	struct hn_vlanset trunks;
	unsigned mtu; /* 0 = leave alone; else OVS mtu_request on its interface */
	struct hn_pos pos;

	/* An internal port's own addresses and routes, IPv4 and IPv6 apart, as a bridge has
	 * (validation refuses them on a system port, whose own stack the switch keeps frames
	 * from). */
	struct hn_prefix *addresses;
	size_t n_addresses;
	struct hn_route *routes;
	size_t n_routes;
	struct hn_prefix6 *addresses6;
	size_t n_addresses6;
	struct hn_route6 *routes6;
	size_t n_routes6;
	/* `arp_hygiene: false`: leave the port's arp_ignore and arp_announce as they are. */
	bool arp_hygiene_off;
};

/* A bond's members at most: OVS has no limit, a server has two or four NICs. */
#define HN_BOND_MAX 8

/* OVS's bond_mode values, in its words (bond_mode_name). */
enum hn_bond_mode {
	HN_BOND_ACTIVE_BACKUP,
	HN_BOND_BALANCE_SLB,
	HN_BOND_BALANCE_TCP,
};

/* OVS's lacp column: off (no LACP), active or passive (the partner must be active). */
enum hn_lacp {
	HN_LACP_OFF,
	HN_LACP_ACTIVE,
	HN_LACP_PASSIVE,
};

const char *hn_bond_mode_name(enum hn_bond_mode m);
const char *hn_lacp_name(enum hn_lacp l);

struct hn_bridge {
	char name[IFNAMSIZ];
	struct hn_pos pos;

	char uplink[IFNAMSIZ]; /* "" = no uplink, or one found by its MAC not yet resolved */
	/* `uplink: { mac: ... }`: the NIC is whichever link has this MAC, whatever its name
	 * (a kernel or firmware update renames NICs). The agent resolves it into uplink from
	 * the kernel before any diff (hn_uplink_resolve). */
	bool uplink_by_mac;
	struct hn_mac uplink_want_mac;
	/* Filled by the agent from the kernel before any diff (config.c leaves it false):
	 * br0 must present the uplink's MAC (other_config:hwaddr) from its first frame. */
	bool has_uplink_mac;
	uint8_t uplink_mac[6];
	/* `uplink: { bond: [eno1, eno2], mode, lacp }`: the NICs are the interfaces of one OVS
	 * port, bond_port. uplink holds the first of them, the NIC whose MAC, addresses and
	 * gateway the bridge takes (the other members normally hold none): every step of the
	 * uplink move reads uplink, bond or not. */
	char bond[HN_BOND_MAX][IFNAMSIZ];
	size_t n_bond; /* 0: no bond */
	char bond_port[IFNAMSIZ];
	enum hn_bond_mode bond_mode;
	enum hn_lacp lacp;

	unsigned tag; /* access VLAN of the bridge's own internal port; 0 = none */
	unsigned mtu; /* 0 = leave alone; else OVS mtu_request on its internal interface */

	/* has_addresses false: key absent (for an uplink bridge: take the NIC's). */
	bool has_addresses;
	struct hn_prefix *addresses;
	size_t n_addresses;

	/* `down` only, set by the agent from the OVS part of the plan: the bridge stays and so
	 * does its uplink NIC on it (a bridge hostnet did not create), so the bridge keeps the
	 * host's address; giving it to the NIC too would put it on two interfaces. */
	bool uplink_kept;

	bool has_gateway; /* false: for an uplink bridge, the NIC's current gateway */
	struct in_addr gateway;

	struct hn_route *routes;
	size_t n_routes;

	/* IPv6, beside IPv4 and apart from it (the IPv4 lists hold IPv4 only). An uplink
	 * bridge whose `addresses` name no IPv6 address takes the NIC's global ones, and
	 * without `gateway6` the NIC's IPv6 default gateway (hn_uplink_resolve), so that the
	 * move never leaves IPv6 behind on a NIC that no longer receives. */
	struct hn_prefix6 *addresses6;
	size_t n_addresses6;
	bool has_gateway6;
	struct in6_addr gateway6; /* global or link-local (fe80::1, as providers use) */
	struct hn_route6 *routes6;
	size_t n_routes6;

	struct hn_port *ports;
	size_t n_ports;

	/* `arp_hygiene: false`: leave arp_ignore and arp_announce of the bridge's own port as
	 * they are. Else (the default) hostnet sets them to 1 and 2, so that the port answers
	 * ARP only for an address it holds (hn_port_arp_hygiene: the same for ports). */
	bool arp_hygiene_off;

	/* MACs besides the uplink NIC's that the provider has registered (failover addresses'
	 * virtual MACs): verify's uplink MAC guard lets them leave through the uplink. */
	struct hn_mac *uplink_macs;
	size_t n_uplink_macs;
};

/* A libvirt portgroup: one access tag, or a trunk of VLANs. */
struct hn_portgroup {
	char *name;
	bool trunk;
	unsigned tag;		 /* when !trunk */
	struct hn_vlanset vlans; /* when trunk */
	bool from_access;	 /* made by the `access:` shorthand */
	struct hn_pos pos;
};

struct hn_network {
	char *name;
	char bridge[IFNAMSIZ];
	struct hn_portgroup *portgroups;
	size_t n_portgroups;
	struct hn_pos pos;
};

struct hn_reach {
	unsigned from_vlan;
	struct in_addr to;
	bool to_v6; /* then to6, not to */
	struct in6_addr to6;
	bool expect_ok;
	struct hn_pos pos;
};

enum hn_datapath {
	HN_DATAPATH_AUTO,
	HN_DATAPATH_SYSTEM,
	HN_DATAPATH_NETDEV,
};

struct hn_config_verify {
	bool has_isolation;
	char isolation_bridge[IFNAMSIZ];
	struct hn_vlanset isolation_vlans;

	bool has_reach; /* false: derive from the config */
	struct hn_reach *reach;
	size_t n_reach;
};

/* OVN (hostnet.yaml(5), "ovn"). A chassis: what `up` writes to the Open_vSwitch row's
 * external_ids for ovn-controller. The fleet: the VLAN networks `ovn-sync` describes to the
 * northbound database. One file may hold both; each command uses its part. */
enum hn_encap {
	HN_ENCAP_GENEVE,
	HN_ENCAP_VXLAN,
};

/* bridge_mappings: a physical network name of OVN's, and the bridge that reaches it. */
struct hn_ovn_mapping {
	char *physnet;
	char bridge[IFNAMSIZ];
	struct hn_pos pos;
};

/* networks: one logical switch, bridged to VLAN vlan of physnet by a localnet port; physnet
 * NULL: an overlay network (no localnet port, the tunnels carry it), vlan its identity only. */
struct hn_ovn_network {
	char *name;
	unsigned vlan;
	char *physnet;
	struct hn_pos pos;
};

#define HN_OVN_SYSTEM_ID_MAX 64
struct hn_config_ovn {
	bool has_chassis; /* remote given (then encap too): `up` sets the chassis */
	char *remote;	  /* the southbound database, "tcp:192.0.2.1:6642" */
	enum hn_encap encap_type;
	char encap_ip[INET6_ADDRSTRLEN];
	/* From the config, else (hn_config_load) /etc/machine-id, else the host name. */
	char system_id[HN_OVN_SYSTEM_ID_MAX + 1];
	bool system_id_given;
	struct hn_ovn_mapping *mappings;
	size_t n_mappings;

	char *northbound; /* NULL: this file describes no fleet */
	struct hn_ovn_network *networks;
	size_t n_networks;
};

const char *hn_encap_name(enum hn_encap e);

struct hn_config {
	char *path;
	/* Set by the agent for `hostnet down`: backends remove what they own (see backend.h). */
	bool down;
	enum hn_datapath datapath;

	struct hn_bridge *bridges;
	size_t n_bridges;

	/* The config has a `libvirt:` section. Without one, a host need not run libvirtd:
	 * the libvirt layer is used only when libvirtd answers (to prune hostnet's own). */
	bool has_libvirt;
	struct hn_network *networks;
	size_t n_networks;

	char **undefine;
	size_t n_undefine;

	struct hn_config_verify verify;

	bool has_ovn;
	struct hn_config_ovn ovn;
};

const char *hn_datapath_name(enum hn_datapath d);
/* Does b have an uplink, by name or by MAC (resolved or not)? */
static inline bool hn_bridge_has_uplink(const struct hn_bridge *b)
{
	return b->uplink[0] || b->uplink_by_mac;
}
/* Is name b's uplink NIC, or one of its bond's? */
static inline bool hn_bridge_is_uplink_nic(const struct hn_bridge *b, const char *name)
{
	for (size_t i = 0; i < b->n_bond; i++)
		if (strcmp(b->bond[i], name) == 0)
			return true;
	return b->uplink[0] && strcmp(b->uplink, name) == 0;
}
/* The OVS port of b's uplink: its bond port, or the NIC's own port ("" when none). */
static inline const char *hn_bridge_uplink_port(const struct hn_bridge *b)
{
	return b->n_bond ? b->bond_port : b->uplink;
}
const struct hn_bridge *hn_config_bridge(const struct hn_config *c, const char *name);
const struct hn_network *hn_config_network(const struct hn_config *c, const char *name);
/* Does hostnet set arp_ignore and arp_announce on port p: an internal port (the host's own
 * interface on the switch) that does not say `arp_hygiene: false`? */
bool hn_port_arp_hygiene(const struct hn_port *p);
void hn_config_free(struct hn_config *c);
/* Append one zeroed element of size bytes to the array *v of *n (realloc): the new element,
 * or NULL when out of memory (the array is as it was). How a config is built from the host
 * (`hostnet import`), a bridge, port, address or route at a time. */
void *hn_array_add(void *v, size_t *n, size_t size);

#endif
