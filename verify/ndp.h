/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Neighbor discovery on the wire (RFC 4861): the frames of `up`'s IPv6 gateway probe
 * (hn_verify_gateway_ask6, verify.h), built and read here so unit tests check them byte
 * for byte.
 */
#ifndef HOSTNET_VERIFY_NDP_H
#define HOSTNET_VERIFY_NDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ethernet, IPv6, a neighbor solicitation with a source link-layer address option. */
#define HN_VERIFY_NDP_LEN (14 + 40 + 24 + 8)

/* A neighbor solicitation for target from mac and source, to target's solicited-node
 * group, into buf (HN_VERIFY_NDP_LEN bytes); returns its length. */
size_t hn_verify_ndp_solicit(uint8_t *buf, const uint8_t mac[6], const struct in6_addr *source,
			     const struct in6_addr *target);

/* Is frame a neighbor advertisement of target, sent to mac? */
bool hn_verify_ndp_advertises(const uint8_t *frame, size_t len, const struct in6_addr *target,
			      const uint8_t mac[6]);
/* The same from the IPv6 header on (verify's reach probe has the Ethernet header parsed). */
bool hn_verify_ndp_advert_ip(const uint8_t *ip, size_t len, const struct in6_addr *target);

/* An ICMPv6 echo request (RFC 4443) from mac and source to to_mac and target, id and seq,
 * the run's nonce as its data, into buf (HN_VERIFY_NDP_ECHO_LEN bytes); returns its length.
 * Is ip (from its IPv6 header on) the echo reply from `from` to `to` with id and nonce? */
#define HN_VERIFY_NDP_ECHO_LEN (14 + 40 + 16)
size_t hn_verify_ndp_echo(uint8_t *buf, const uint8_t mac[6], const uint8_t to_mac[6],
			  const struct in6_addr *source, const struct in6_addr *target, uint16_t id,
			  uint16_t seq, uint64_t nonce);
bool hn_verify_ndp_echo_reply_ip(const uint8_t *ip, size_t len, const struct in6_addr *from,
				 const struct in6_addr *to, uint16_t id, uint64_t nonce);

#endif
