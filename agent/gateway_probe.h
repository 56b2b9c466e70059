/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "Does the gateway still hear us?": one ARP request, repeated until a reply or the bound.
 * ARP, not ICMP: it needs no route and no address on the interface, is what the provider's
 * switch sees anyway, and is sent from the interface's own MAC (DESIGN.md section 5).
 */
#ifndef HOSTNET_GATEWAY_PROBE_H
#define HOSTNET_GATEWAY_PROBE_H

#include <netinet/in.h>

/*
 * Ask for gateway from ifname, with sender address source (0.0.0.0 makes it an RFC 5227
 * probe). Returns 0 when the gateway answered within timeout_ms, -ETIMEDOUT when it did not,
 * another negative errno (with hn_err text) when the probe could not be sent.
 */
int hn_gateway_probe(const char *ifname, struct in_addr source, struct in_addr gateway,
		     int timeout_ms);

#endif
