// SPDX-License-Identifier: GPL-2.0-or-later
#include "arp_proof.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* The entries [from, to) of one address, as one check. */
static int evaluate_one(const struct hn_verify_probe_plan *p,
			const struct hn_verify_reach_run *runs, size_t from, size_t to,
			struct hn_verify_checks *out)
{
	struct hn_vlanset answered = {0}, silent = {0};
	char addr[INET_ADDRSTRLEN], name[64], expected[96], found[512], macs[256] = "";
	char a[HN_VLANSET_STRLEN], q[HN_VLANSET_STRLEN];
	size_t used = 0;
	unsigned own = 0;
	bool bad = false;

	inet_ntop(AF_INET, &p->reach[from].to, addr, sizeof(addr));
	for (size_t i = from; i < to; i++) {
		const struct hn_verify_reach_spec *s = &p->reach[i];
		const struct hn_verify_reach_run *r = &runs[i];
		char mac[18];

		if (s->expect_ok)
			own = s->from_vlan;
		hn_vlanset_add(r->arp_answered ? &answered : &silent, s->from_vlan);
		if (r->arp_answered == s->expect_ok)
			continue;
		bad = true;
		if (r->arp_answered && used < sizeof(macs))
			used += (size_t)snprintf(
			    macs + used, sizeof(macs) - used, "%sVLAN %u from %s", used ? ", " : "",
			    s->from_vlan, hn_verify_mac_format(r->target_mac, mac));
	}
	snprintf(name, sizeof(name), "arp %s", addr);
	if (own)
		snprintf(expected, sizeof(expected), "an answer on VLAN %u only", own);
	else
		snprintf(expected, sizeof(expected), "no answer on %s's VLANs", p->bridge);
	snprintf(found, sizeof(found), "%s%s%s%s%s",
		 hn_vlanset_empty(&answered) ? "" : "answered on ",
		 hn_vlanset_empty(&answered) ? "" : hn_vlanset_format(&answered, a, sizeof(a)),
		 hn_vlanset_empty(&answered) || hn_vlanset_empty(&silent) ? "" : "; ",
		 hn_vlanset_empty(&silent) ? "" : "no answer on ",
		 hn_vlanset_empty(&silent) ? "" : hn_vlanset_format(&silent, q, sizeof(q)));
	if (macs[0])
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, name, expected,
					    "%s (%s): a host port answers for an address it does "
					    "not hold, a leak between VLANs",
					    found, macs);
	return hn_verify_checks_add(out, bad ? HN_VERIFY_CHECK_CRITICAL : HN_VERIFY_CHECK_OK, name,
				    expected, "%s", found);
}

int hn_verify_arp_proof_evaluate(const struct hn_verify_probe_plan *p,
				 const struct hn_verify_reach_run *runs,
				 struct hn_verify_checks *out)
{
	size_t i = 0;

	while (i < p->n_reach) {
		size_t end = i + 1;
		int r;

		if (!p->reach[i].arp) {
			i++;
			continue;
		}
		while (end < p->n_reach && p->reach[end].arp &&
		       p->reach[end].to.s_addr == p->reach[i].to.s_addr)
			end++;
		r = evaluate_one(p, runs, i, end, out);
		if (r < 0)
			return r;
		i = end;
	}
	return 0;
}
