/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ARP proof (probe_plan.h): of every address of the host, which VLANs of the probed
 * bridge got an ARP answer. One check per address: only the VLAN of the port holding it may
 * answer, and it must; any other is a leak between VLANs (the weak-host model, which the
 * ARP hygiene of hostnet.yaml(5) turns off).
 */
#ifndef HOSTNET_VERIFY_ARP_PROOF_H
#define HOSTNET_VERIFY_ARP_PROOF_H

#include "checks.h"
#include "probe_plan.h"
#include "reach.h"

/* The checks of the plan's ARP entries (reach specs with arp set; runs[i] is the run of
 * p->reach[i]), one per address. -ENOMEM. */
int hn_verify_arp_proof_evaluate(const struct hn_verify_probe_plan *p,
				 const struct hn_verify_reach_run *runs,
				 struct hn_verify_checks *out);

#endif
