// SPDX-License-Identifier: GPL-2.0-or-later
#include "reach.h"
#include "ndp.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t zero_mac[HN_VERIFY_ETH_ALEN];

void hn_verify_reach_init(struct hn_verify_reach_run *r, const struct hn_verify_reach_spec *spec,
			  const uint8_t mac[HN_VERIFY_ETH_ALEN],
			  const uint8_t host_mac[HN_VERIFY_ETH_ALEN], uint64_t nonce, uint16_t id)
{
	char to[INET6_ADDRSTRLEN], net[HN_PREFIX_STRLEN];

	memset(r, 0, sizeof(*r));
	if (spec->v6)
		inet_ntop(AF_INET6, &spec->to6, to, sizeof(to));
	else
		inet_ntop(AF_INET, &spec->to, to, sizeof(to));
	snprintf(r->name, sizeof(r->name), "%s %s from vlan %u", spec->arp ? "arp" : "reach", to,
		 spec->from_vlan);
	/* The ARP proof asks from 0.0.0.0 (an RFC 5227 probe): Linux answers it as any request,
	 * arp_ignore included, and no address is borrowed from the VLAN. */
	r->arp_only = r->fixed_source = spec->arp;
	snprintf(r->where, sizeof(r->where), "%s%s", hn_prefix_format(&spec->subnet, net),
		 spec->subnet_guessed ? " (guessed)" : "");
	r->to = spec->to;
	r->v6 = spec->v6;
	r->to6 = spec->to6;
	if (spec->v6) {
		/* fe80::/64 with the modified EUI-64 of the probe's MAC (RFC 4291 2.5.1). */
		r->src6 = (struct in6_addr){.s6_addr = {0xfe, 0x80}};
		r->src6.s6_addr[8] = mac[0] ^ 0x02;
		memcpy(&r->src6.s6_addr[9], mac + 1, 2);
		r->src6.s6_addr[11] = 0xff;
		r->src6.s6_addr[12] = 0xfe;
		memcpy(&r->src6.s6_addr[13], mac + 3, 3);
	}
	r->expect_ok = spec->expect_ok;
	r->tag = spec->tag;
	memcpy(r->cand, spec->cand, sizeof(r->cand));
	r->n_cand = spec->n_cand;
	memcpy(r->mac, mac, HN_VERIFY_ETH_ALEN);
	if (host_mac)
		memcpy(r->host_mac, host_mac, HN_VERIFY_ETH_ALEN);
	r->nonce = nonce;
	r->id = id;
}

void hn_verify_reach_start(struct hn_verify_reach_run *r, int64_t now)
{
	r->t0 = now;
	r->next = now;
	if (r->v6) {
		r->state = HN_VERIFY_REACH_ARP;
	} else if (r->n_cand == 0) {
		r->state = HN_VERIFY_REACH_NO_ADDRESS;
		r->next = INT64_MAX;
	} else if (r->fixed_source) {
		r->src = r->cand[0];
		r->state = HN_VERIFY_REACH_ARP;
	} else {
		r->state = HN_VERIFY_REACH_PROBING;
	}
}

/* After the probe wait: the first candidate nobody claimed. */
static void choose_source(struct hn_verify_reach_run *r, int64_t now)
{
	for (unsigned k = 0; k < r->n_cand; k++) {
		if (!r->conflict[k]) {
			r->src = r->cand[k];
			r->state = HN_VERIFY_REACH_ARP;
			r->next = now;
			return;
		}
	}
	r->state = HN_VERIFY_REACH_NO_ADDRESS;
	r->next = INT64_MAX;
}

size_t hn_verify_reach_tick(struct hn_verify_reach_run *r, int64_t now,
			    struct hn_verify_frame_out *out, size_t max)
{
	size_t n = 0;

	if (r->state == HN_VERIFY_REACH_PROBING && now - r->t0 >= HN_VERIFY_REACH_PROBE_WAIT)
		choose_source(r, now);
	if (now < r->next)
		return 0;
	switch (r->state) {
	case HN_VERIFY_REACH_PROBING:
		for (unsigned k = 0; k < r->n_cand && n < max; k++, n++)
			out[n].len =
			    hn_verify_frame_arp_probe(out[n].buf, r->mac, r->tag, r->cand[k]);
		/* Probes at 0 and PROBE_RESEND, then wait for the decision. */
		r->next = now - r->t0 < HN_VERIFY_REACH_PROBE_RESEND
			      ? r->t0 + HN_VERIFY_REACH_PROBE_RESEND
			      : r->t0 + HN_VERIFY_REACH_PROBE_WAIT;
		break;
	case HN_VERIFY_REACH_ARP:
		if (max == 0)
			break;
		if (r->v6)
			out[n].len = hn_verify_ndp_solicit(out[n].buf, r->mac, &r->src6, &r->to6);
		else
			out[n].len =
			    hn_verify_frame_arp_request(out[n].buf, r->mac, r->tag, r->src, r->to);
		n++;
		r->next = now + HN_VERIFY_REACH_RESEND;
		if (r->arp_only && !r->expect_ok && ++r->sends >= HN_VERIFY_REACH_QUIET_SENDS)
			r->next = INT64_MAX; /* an answer still counts when it comes */
		break;
	case HN_VERIFY_REACH_ECHO: {
		struct hn_verify_icmp_echo echo = {
		    .src = r->src, .dst = r->to, .id = r->id, .seq = ++r->seq, .nonce = r->nonce};

		if (max == 0)
			break;
		if (r->v6)
			out[n].len = hn_verify_ndp_echo(out[n].buf, r->mac, r->target_mac, &r->src6,
							&r->to6, r->id, r->seq, r->nonce);
		else
			out[n].len = hn_verify_frame_icmp_echo(out[n].buf, r->mac, r->target_mac,
							       r->tag, &echo);
		n++;
		r->next = now + HN_VERIFY_REACH_RESEND;
		break;
	}
	case HN_VERIFY_REACH_DONE:
	case HN_VERIFY_REACH_NO_ADDRESS:
		r->next = INT64_MAX;
		break;
	}
	return n;
}

/* Frames that crossed the switch and are not our own echo. */
static bool from_outside(const struct hn_verify_reach_run *r, const uint8_t *mac)
{
	if (memcmp(mac, r->mac, HN_VERIFY_ETH_ALEN) == 0)
		return false;
	return memcmp(r->host_mac, zero_mac, HN_VERIFY_ETH_ALEN) == 0 ||
	       memcmp(mac, r->host_mac, HN_VERIFY_ETH_ALEN) != 0;
}

static void input_arp(struct hn_verify_reach_run *r, const struct hn_verify_arp *a, int64_t now)
{
	if (r->state == HN_VERIFY_REACH_PROBING) {
		for (unsigned k = 0; k < r->n_cand; k++) {
			/* RFC 5227 2.1.1: someone uses it, or someone else probes for it. */
			if (a->spa.s_addr == r->cand[k].s_addr ||
			    (a->op == HN_VERIFY_ARP_REQUEST && a->spa.s_addr == 0 &&
			     a->tpa.s_addr == r->cand[k].s_addr))
				r->conflict[k] = true;
		}
		return;
	}
	if (r->state != HN_VERIFY_REACH_ARP || a->op != HN_VERIFY_ARP_REPLY ||
	    a->spa.s_addr != r->to.s_addr || a->tpa.s_addr != r->src.s_addr ||
	    memcmp(a->tha, r->mac, HN_VERIFY_ETH_ALEN))
		return;
	memcpy(r->target_mac, a->sha, HN_VERIFY_ETH_ALEN);
	r->arp_answered = true;
	r->t_arp = now;
	if (r->arp_only) {
		r->state = HN_VERIFY_REACH_DONE;
		r->next = INT64_MAX;
	} else {
		r->state = HN_VERIFY_REACH_ECHO;
		r->next = now;
	}
}

/* IPv6: the target's advertisement to us, then its echo reply with our nonce. */
static void input6(struct hn_verify_reach_run *r, const struct hn_verify_eth *e, int64_t now)
{
	if (e->type != 0x86dd || e->tagged || memcmp(e->dst, r->mac, HN_VERIFY_ETH_ALEN) != 0)
		return;
	if (r->state == HN_VERIFY_REACH_ARP &&
	    hn_verify_ndp_advert_ip(e->payload, e->len, &r->to6)) {
		memcpy(r->target_mac, e->src, HN_VERIFY_ETH_ALEN);
		r->arp_answered = true;
		r->t_arp = now;
		r->state = HN_VERIFY_REACH_ECHO;
		r->next = now;
	} else if (r->state == HN_VERIFY_REACH_ECHO &&
		   hn_verify_ndp_echo_reply_ip(e->payload, e->len, &r->to6, &r->src6, r->id,
					       r->nonce)) {
		r->echo_answered = true;
		r->t_echo = now;
		r->state = HN_VERIFY_REACH_DONE;
		r->next = INT64_MAX;
	}
}

void hn_verify_reach_input(struct hn_verify_reach_run *r, const struct hn_verify_eth *e,
			   int64_t now)
{
	struct hn_verify_icmp_echo echo;
	struct hn_verify_arp arp;

	if (!from_outside(r, e->src))
		return;
	if (r->v6) {
		input6(r, e, now);
		return;
	}
	if (hn_verify_frame_parse_arp(e, &arp) == 0) {
		input_arp(r, &arp, now);
		return;
	}
	if (r->state != HN_VERIFY_REACH_ECHO || hn_verify_frame_parse_icmp_echo(e, &echo) < 0)
		return;
	if (echo.reply && echo.src.s_addr == r->to.s_addr && echo.dst.s_addr == r->src.s_addr &&
	    echo.id == r->id && echo.nonce == r->nonce &&
	    memcmp(e->dst, r->mac, HN_VERIFY_ETH_ALEN) == 0) {
		r->echo_answered = true;
		r->t_echo = now;
		r->state = HN_VERIFY_REACH_DONE;
		r->next = INT64_MAX;
	}
}

bool hn_verify_reach_settled(const struct hn_verify_reach_run *r)
{
	if (r->state == HN_VERIFY_REACH_NO_ADDRESS)
		return true;
	return r->expect_ok && r->state == HN_VERIFY_REACH_DONE;
}

static double ms(int64_t us)
{
	return (double)us / 1000.0;
}

int hn_verify_reach_evaluate(const struct hn_verify_reach_run *r, struct hn_verify_checks *out)
{
	char to[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN], mac[18], expected[128];
	const char *what = r->arp_only ? "an ARP reply"
			   : r->v6     ? "a neighbor advertisement and an ICMPv6 echo reply"
				       : "an ARP reply and an ICMP echo reply";
	const char *arp = r->v6 ? "NDP" : "ARP";
	bool answered = r->arp_only ? r->arp_answered : r->echo_answered;

	inet_ntop(r->v6 ? AF_INET6 : AF_INET, r->v6 ? (const void *)&r->to6 : &r->to, to,
		  sizeof(to));
	inet_ntop(r->v6 ? AF_INET6 : AF_INET, r->v6 ? (const void *)&r->src6 : &r->src, src,
		  sizeof(src));
	hn_verify_mac_format(r->target_mac, mac);
	if (r->expect_ok)
		snprintf(expected, sizeof(expected), "%s", what);
	else
		snprintf(expected, sizeof(expected), "no answer");

	if (r->state == HN_VERIFY_REACH_NO_ADDRESS) {
		if (r->n_cand == 0)
			return hn_verify_checks_add(out, HN_VERIFY_CHECK_UNKNOWN, r->name, expected,
						    "no address of %s left to probe from",
						    r->where);
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_UNKNOWN, r->name, expected,
					    "all %u candidate addresses of %s are in use",
					    r->n_cand, r->where);
	}
	if (answered && r->arp_only)
		return hn_verify_checks_add(
		    out, r->expect_ok ? HN_VERIFY_CHECK_OK : HN_VERIFY_CHECK_CRITICAL, r->name,
		    expected, "%s is at %s (ARP %.1f ms, from %s)", to, mac, ms(r->t_arp - r->t0),
		    src);
	if (answered)
		return hn_verify_checks_add(
		    out, r->expect_ok ? HN_VERIFY_CHECK_OK : HN_VERIFY_CHECK_CRITICAL, r->name,
		    expected, "%s is at %s (%s %.1f ms, echo %.1f ms, from %s)", to, mac, arp,
		    ms(r->t_arp - r->t0), ms(r->t_echo - r->t0), src);
	/* An ARP answer alone already joins the probe's VLAN to the target's. */
	if (r->arp_answered)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, r->name, expected,
					    "%s answers %s (at %s) but not the echo from %s", to,
					    arp, mac, src);
	return hn_verify_checks_add(
	    out, r->expect_ok ? HN_VERIFY_CHECK_CRITICAL : HN_VERIFY_CHECK_OK, r->name, expected,
	    "no %s from %s to %s", r->v6 ? "neighbor advertisement" : "ARP reply", to, src);
}
