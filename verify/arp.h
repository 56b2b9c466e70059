/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ARP on the wire: a packet socket that hears a link's ARP frames, and `up`'s blocking
 * gateway probe (hn_verify_gateway_ask, verify.h). The frames themselves are built and read by
 * frame.c, for these and for verify's listening window alike.
 */
#ifndef HOSTNET_VERIFY_ARP_H
#define HOSTNET_VERIFY_ARP_H

#include <stdint.h>

/* An AF_PACKET socket (raw frames, non-blocking) bound to the link ifindex, hearing ARP
 * only. The fd, or a negative errno. */
int hn_verify_arp_socket(int ifindex);
/* The same for frames of another EtherType (ETH_P_IPV6: the NDP probe, ndp.c). */
int hn_verify_packet_socket(int ifindex, uint16_t ethertype);

#endif
