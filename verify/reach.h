/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One L3 reachability probe, as a state machine the listening window drives (pure: frames
 * in, frames out, times given by the caller, so unit tests play the network):
 *
 *   PROBING  RFC 5227 probes for the candidate addresses, all at once; any ARP claiming a
 *            candidate, or probing for it, rules it out
 *   ARP      "who has TO? tell SRC" from the first free candidate, repeated
 *   ECHO     ICMP echo to the MAC that answered, repeated, until a reply with our nonce
 *   DONE     answered
 *
 * For an IPv6 target, ARP is a neighbor solicitation and ECHO an ICMPv6 echo (RFC 4861,
 * 4443), from the probe's link-local address; there is nothing to probe for.
 *
 * The gateway check uses the same machine from a fixed source and stops at ARP.
 *
 * Frames that come from the probe link's own host-side end never crossed the switch (on the
 * userspace datapath that end is also a kernel interface, and the kernel may answer ARP on
 * it for the host's addresses): they are ignored, or a VLAN that must not reach the host
 * would seem to.
 */
#ifndef HOSTNET_VERIFY_REACH_H
#define HOSTNET_VERIFY_REACH_H

#include "checks.h"
#include "frame.h"
#include "probe_plan.h"

#include <stdbool.h>
#include <stdint.h>

/* Microseconds. */
/* RFC 5227 waits 1 to 2 s for a conflicting answer; a host on the segment answers in well
 * under a millisecond, and verify must finish within one. */
#define HN_VERIFY_REACH_PROBE_RESEND 5000
#define HN_VERIFY_REACH_PROBE_WAIT   20000
#define HN_VERIFY_REACH_RESEND	     30000
/* An ARP-only question that must get no answer (the ARP proof from another VLAN) is asked
 * this many times, HN_VERIFY_REACH_RESEND apart, then only listened for: over 200 VLANs,
 * asking until the window ends flooded a slow switch enough to lose a reply that must come. */
#define HN_VERIFY_REACH_QUIET_SENDS 5

enum hn_verify_reach_state {
	HN_VERIFY_REACH_PROBING,
	HN_VERIFY_REACH_ARP,
	HN_VERIFY_REACH_ECHO,
	HN_VERIFY_REACH_DONE,
	HN_VERIFY_REACH_NO_ADDRESS, /* no candidate, or every one in use */
};

struct hn_verify_reach_run {
	/* Set by the caller before hn_verify_reach_start. */
	char name[96]; /* "reach 10.99.1.250 from vlan 99" */
	struct in_addr to;
	/* IPv6: a neighbor solicitation instead of ARP, an ICMPv6 echo, from src6, the
	 * probe's link-local address (from its MAC): no candidate to probe for. */
	bool v6;
	struct in6_addr to6, src6;
	bool expect_ok;
	bool arp_only;	   /* the gateway check */
	bool fixed_source; /* no probing: send from cand[0] */
	struct in_addr cand[HN_VERIFY_REACH_CANDIDATES];
	unsigned n_cand;
	char where[64];			      /* for messages: "10.99.1.0/24" or "br0" */
	uint8_t mac[HN_VERIFY_ETH_ALEN];      /* the probe's */
	uint8_t host_mac[HN_VERIFY_ETH_ALEN]; /* the host-side end of its link; zero: none */
	unsigned tag;			      /* 0: untagged */
	uint64_t nonce;
	uint16_t id;

	/* Progress. */
	enum hn_verify_reach_state state;
	unsigned sends; /* ARP requests (or solicitations) sent */
	bool conflict[HN_VERIFY_REACH_CANDIDATES];
	struct in_addr src;
	uint8_t target_mac[HN_VERIFY_ETH_ALEN];
	int64_t t0, t_arp, t_echo, next;
	uint16_t seq;
	bool arp_answered, echo_answered;
};

struct hn_verify_frame_out {
	uint8_t buf[HN_VERIFY_FRAME_MAX];
	size_t len;
};

/* Fill a run for a reach entry of the plan, sent by a probe with that MAC. */
void hn_verify_reach_init(struct hn_verify_reach_run *r, const struct hn_verify_reach_spec *spec,
			  const uint8_t mac[HN_VERIFY_ETH_ALEN],
			  const uint8_t host_mac[HN_VERIFY_ETH_ALEN], uint64_t nonce, uint16_t id);
void hn_verify_reach_start(struct hn_verify_reach_run *r, int64_t now);
/* The frames due at now, at most max into out; returns how many. r->next says when to
 * call again (INT64_MAX: nothing more to send). */
size_t hn_verify_reach_tick(struct hn_verify_reach_run *r, int64_t now,
			    struct hn_verify_frame_out *out, size_t max);
/* A frame the probe received; may make frames due at once (r->next = now). */
void hn_verify_reach_input(struct hn_verify_reach_run *r, const struct hn_verify_eth *e,
			   int64_t now);
/* Nothing more to learn: answered (or no address to ask from). A run that must not be
 * answered is never settled before the window ends. */
bool hn_verify_reach_settled(const struct hn_verify_reach_run *r);
int hn_verify_reach_evaluate(const struct hn_verify_reach_run *r, struct hn_verify_checks *out);

#endif
