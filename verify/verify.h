/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HOSTNET_VERIFY_H
#define HOSTNET_VERIFY_H

#include "backend.h"

#include <netinet/in.h>

/*
 * Check the live host against want and, with probes, probe it; print the report. Returns the
 * monitoring-plugins status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. want is completed with
 * what the config leaves to the live host (the uplink's MAC, address and gateway), as `plan`
 * and `up` complete it. Holds the host lock of `up` and `down` for the run; when another
 * run keeps it past opts->timeout_ms, nothing is checked and the report is UNKNOWN.
 * With textfile, the report is also written there for Prometheus (textfile.h); when that
 * fails, a check "textfile" says why and the status is UNKNOWN.
 */
int hn_verify_run(const struct hn_opts *opts, struct hn_config *want, bool probes,
		  const char *textfile);

/*
 * "Does the gateway still hear us?" (`up`, around the uplink move): one ARP request for
 * gateway from ifname, with sender address source (0.0.0.0 makes it an RFC 5227 probe),
 * repeated until a reply or timeout_ms. ARP, not ICMP: it needs no route and no address on
 * the interface, is what the provider's switch sees anyway, and is sent from the
 * interface's own MAC (an unknown MAC on the provider's port gets the server blocked).
 * 0 when the gateway answered, -ETIMEDOUT when it did not, another negative errno (with
 * hn_err text) when the probe could not be sent.
 */
int hn_gateway_ask(const char *ifname, struct in_addr source, struct in_addr gateway,
		   int timeout_ms);

#endif
