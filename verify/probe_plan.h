/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which probes a verify run needs, derived from the config alone (pure: unit-tested on
 * hand-built configs):
 * - the bridge to probe: verify.isolation.bridge, else the first bridge without an uplink
 *   that carries VLANs. Never a bridge with an uplink (ARCHITECTURE.md, the rules);
 * - the VLANs of the matrix: verify.isolation.vlans (else every VLAN the config uses on that
 *   bridge), plus every VLAN of a trunk set and every `from` of the reach list (the bridge's
 *   own tag when the list is derived), since those need senders too;
 * - which probes carry them, so that a run scales to every VLAN an 802.1Q switch has: a VLAN
 *   the config gives an access port on that bridge (the bridge's own tag, a tagged port, a
 *   libvirt portgroup with a tag) or that an IPv6 reach entry starts from gets two access
 *   probes, a and b, as its guests see the switch; every other VLAN of the matrix (one the
 *   config only carries on trunks) is carried by the two matrix trunk probes, a and b, which
 *   send and receive it tagged. The claim per VLAN is the same either way: a frame sent on
 *   VLAN V by one of its two probes reaches the other (both directions), and no frame of any
 *   other VLAN reaches either;
 * - one trunk probe per distinct trunk set used on that bridge (libvirt portgroups with
 *   `trunk`, bridge ports with `trunk`);
 * - the emissions: what each probe puts on the wire. An access probe sends one untagged
 *   frame; a trunk probe sends one frame tagged with each VLAN of its set (the switch must
 *   carry them) and one tagged with each other VLAN of the matrix (it must drop them);
 * - the reach list: verify.reach, else: each address of the probed bridge, if the bridge has
 *   a tag, answers from that VLAN and from no other VLAN of the matrix. Each entry gets a
 *   probe (the a probe of its VLAN), the subnet it takes its address in, and candidate
 *   addresses to check free (RFC 5227) before using one;
 * - the ARP proof, always: every address the config gives the host (bridges' and internal
 *   ports') is asked for with an ARP probe (sender 0.0.0.0, RFC 5227) from every VLAN of
 *   the matrix; only the VLAN of the port holding it on the probed bridge may answer (Linux
 *   answers any interface's ARP for any address of the host unless arp_ignore says
 *   otherwise). An address on an untagged or trunk port of the probed bridge is left out:
 *   its VLAN is not one.
 */
#ifndef HOSTNET_VERIFY_PROBE_PLAN_H
#define HOSTNET_VERIFY_PROBE_PLAN_H

#include "model.h"

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* A bound on what one run puts on a switch: 2 x 250 access VLANs and a few trunks (VLANs
 * carried by the matrix trunks cost no probe each). */
#define HN_VERIFY_PROBE_MAX 512
/* Free-address candidates each reach entry checks at once. */
#define HN_VERIFY_REACH_CANDIDATES 3

enum hn_verify_probe_kind {
	HN_VERIFY_PROBE_ACCESS,
	HN_VERIFY_PROBE_TRUNK,
};

struct hn_verify_probe_spec {
	enum hn_verify_probe_kind kind;
	unsigned vlan;		  /* access: its VLAN */
	char side;		  /* access, matrix trunk: 'a' or 'b' */
	bool matrix;		  /* trunk: a matrix trunk (no config trunk set) */
	struct hn_vlanset trunks; /* trunk: the set */
	char names[128];	  /* trunk: the portgroups and ports using the set */
};

struct hn_verify_emission {
	unsigned probe; /* the sender */
	unsigned vlan;	/* access: the sender's VLAN; trunk: the tag written */
	bool tagged;
	bool admitted; /* the switch must carry it (else it must drop it) */
};

struct hn_verify_reach_spec {
	unsigned from_vlan;
	struct in_addr to;
	/* IPv6: asked from the probe's own link-local address (from its MAC), which needs no
	 * subnet nor candidates; subnet and cand stay empty. */
	bool v6;
	struct in6_addr to6;
	bool expect_ok;
	bool derived; /* a default, not from verify.reach */
	/* The ARP proof: an ARP probe from 0.0.0.0, no echo; no subnet, no candidates. The
	 * entries of one address follow each other (arp_proof.h). */
	bool arp;
	struct hn_prefix subnet; /* where the probe address is taken */
	bool subnet_guessed;	 /* the config covers `to` with no prefix: a /24 is assumed */
	unsigned probe;		 /* the probe that sends: an access probe, or matrix trunk a */
	unsigned tag;		 /* 0, or the tag it writes (sent by matrix trunk a) */
	struct in_addr cand[HN_VERIFY_REACH_CANDIDATES];
	unsigned n_cand; /* 0: the subnet has no address left to borrow */
};

struct hn_verify_probe_plan {
	char bridge[IFNAMSIZ]; /* "" when nothing to probe */
	struct hn_vlanset vlans;
	struct hn_vlanset matrix_vlans; /* of vlans, those the matrix trunks carry */
	struct hn_verify_probe_spec *probes;
	size_t n_probes;
	struct hn_verify_emission *emissions;
	size_t n_emissions;
	struct hn_verify_reach_spec *reach;
	size_t n_reach;
};

/*
 * Build the plan. 0 with an empty bridge name when the config has no bridge to probe
 * (nothing carries VLANs). -EINVAL with hn_err text when probing is refused (the bridge
 * carries an uplink, or would need more than HN_VERIFY_PROBE_MAX probes); -ENOMEM.
 */
int hn_verify_probe_plan_build(const struct hn_config *c, struct hn_verify_probe_plan *out);
void hn_verify_probe_plan_free(struct hn_verify_probe_plan *p);

/* The access probe of VLAN vlan on side 'a' or 'b', or -1. */
int hn_verify_probe_plan_access(const struct hn_verify_probe_plan *p, unsigned vlan, char side);
/* Matrix trunk 'a' or 'b', or -1 when every VLAN has access probes. */
int hn_verify_probe_plan_matrix(const struct hn_verify_probe_plan *p, char side);
/* The probes of VLAN vlan on side 'a' or 'b': its access probe, else the matrix trunk that
 * carries it; -1 when vlan is not of the matrix. */
int hn_verify_probe_plan_side(const struct hn_verify_probe_plan *p, unsigned vlan, char side);
/* Does probe r receive frames of VLAN vlan (access: its own; trunk: its set)? */
bool hn_verify_probe_carries(const struct hn_verify_probe_spec *r, unsigned vlan);
/* "vlan 10 a", "trunk vlansext", "matrix trunk a" into buf (at least 160 bytes); returns buf. */
char *hn_verify_probe_label(const struct hn_verify_probe_spec *s, char *buf, size_t len);

#endif
