/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The frames verify sends and reads on AF_PACKET sockets, built and parsed byte by byte:
 * probe frames of a dedicated EtherType, ARP (requests, RFC 5227 probes, replies) and ICMP
 * echo. Pure code: no socket here, so every byte is unit-tested.
 *
 * Frames are written without FCS; an optional 802.1Q tag is written inline (a trunk probe
 * speaks tagged frames itself: the probe namespace has no 8021q device, none is needed).
 * On receive, the kernel usually moves a tag out of the data into PACKET_AUXDATA; the
 * parser also accepts it inline, so both shapes read the same.
 */
#ifndef HOSTNET_VERIFY_FRAME_H
#define HOSTNET_VERIFY_FRAME_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IEEE 802 "local experimental" EtherType 1: never a real protocol on a host's network. */
#define HN_VERIFY_PROBE_ETHERTYPE 0x88B5
#define HN_VERIFY_ETH_ALEN	  6
/* Ethernet minimum without FCS; shorter frames are padded with zeros. */
#define HN_VERIFY_FRAME_MIN 60
/* Every frame verify builds fits in this. */
#define HN_VERIFY_FRAME_MAX 128

extern const uint8_t hn_verify_mac_broadcast[HN_VERIFY_ETH_ALEN];

/* An Ethernet header, parsed; payload points into the frame. */
struct hn_verify_eth {
	const uint8_t *dst, *src;
	uint16_t type; /* after any 802.1Q tag */
	bool tagged;   /* an inline 802.1Q/802.1ad tag was in the data */
	uint16_t tci;
	const uint8_t *payload;
	size_t len;
};

/* -EINVAL for a frame too short to be Ethernet. */
int hn_verify_eth_parse(const uint8_t *frame, size_t len, struct hn_verify_eth *out);

/*
 * The payload of a probe frame: who sent it, as which emission (a sender may put several
 * on the wire: a trunk probe sends one per VLAN), and the run's nonce, so frames of another
 * run, or anything else using this EtherType, never count.
 */
struct hn_verify_probe_msg {
	uint64_t nonce;
	uint16_t emission; /* index in the run's emission table */
	uint16_t sender;   /* probe index */
	uint16_t vlan;	   /* the VLAN the sender meant: its access tag, or the tag it wrote */
	uint16_t round;	   /* 0, 1, 2...: the same emission is sent a few times */
};

/* Build a probe frame into buf (at least HN_VERIFY_FRAME_MAX). tag 0: untagged. Returns the
 * length. */
size_t hn_verify_frame_probe(uint8_t *buf, const uint8_t src[HN_VERIFY_ETH_ALEN], unsigned tag,
			     const struct hn_verify_probe_msg *msg);
/* 0 and *msg when e carries a probe message; -ENOMSG when it is anything else. */
int hn_verify_frame_parse_probe(const struct hn_verify_eth *e, struct hn_verify_probe_msg *msg);

#define HN_VERIFY_ARP_REQUEST 1
#define HN_VERIFY_ARP_REPLY   2

struct hn_verify_arp {
	uint16_t op;
	uint8_t sha[HN_VERIFY_ETH_ALEN];
	struct in_addr spa;
	uint8_t tha[HN_VERIFY_ETH_ALEN];
	struct in_addr tpa;
};

/* Ethernet + ARP (IPv4 over Ethernet) from src to dst. Returns the length. */
size_t hn_verify_frame_arp(uint8_t *buf, const uint8_t dst[HN_VERIFY_ETH_ALEN], unsigned tag,
			   const struct hn_verify_arp *arp);
/* An RFC 5227 probe for addr: a broadcast request with sender address 0.0.0.0. */
size_t hn_verify_frame_arp_probe(uint8_t *buf, const uint8_t src[HN_VERIFY_ETH_ALEN], unsigned tag,
				 struct in_addr addr);
/* A broadcast request "who has target? tell source". */
size_t hn_verify_frame_arp_request(uint8_t *buf, const uint8_t src[HN_VERIFY_ETH_ALEN],
				   unsigned tag, struct in_addr source, struct in_addr target);
/* 0 and *arp for an Ethernet/IPv4 ARP packet; -ENOMSG otherwise. */
int hn_verify_frame_parse_arp(const struct hn_verify_eth *e, struct hn_verify_arp *arp);

/* ICMP echo request or reply, IPv4 with TTL 64 and no options; the 8-byte nonce is the
 * echo data, so a reply can only be to this run's request. */
struct hn_verify_icmp_echo {
	bool reply;
	struct in_addr src, dst;
	uint16_t id, seq;
	uint64_t nonce;
};

size_t hn_verify_frame_icmp_echo(uint8_t *buf, const uint8_t src[HN_VERIFY_ETH_ALEN],
				 const uint8_t dst[HN_VERIFY_ETH_ALEN], unsigned tag,
				 const struct hn_verify_icmp_echo *echo);
/* 0 and *echo for an ICMP echo (request or reply) whose IPv4 and ICMP checksums hold;
 * -ENOMSG otherwise. */
int hn_verify_frame_parse_icmp_echo(const struct hn_verify_eth *e,
				    struct hn_verify_icmp_echo *echo);

/* The Internet checksum (RFC 1071) of len bytes. */
uint16_t hn_verify_inet_csum(const void *data, size_t len);

/* "02:00:5e:10:00:01" into buf (at least 18 bytes); returns buf. */
char *hn_verify_mac_format(const uint8_t mac[HN_VERIFY_ETH_ALEN], char *buf);

#endif
