// SPDX-License-Identifier: GPL-2.0-or-later
#include "frame.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ETH_HLEN      14
#define VLAN_HLEN     4
#define TPID_8021Q    0x8100
#define TPID_8021AD   0x88A8
#define ETHERTYPE_IP  0x0800
#define ETHERTYPE_ARP 0x0806
#define ARP_LEN	      28
#define IP_HLEN	      20
#define ICMP_HLEN     8
#define ICMP_ECHO     8
#define ICMP_REPLY    0
#define IPPROTO_ICMP_ 1

/* The probe payload: "HNVP", version, reserved, then big-endian fields. */
static const uint8_t probe_magic[4] = {'H', 'N', 'V', 'P'};
#define PROBE_VERSION 1
#define PROBE_LEN     24

const uint8_t hn_verify_mac_broadcast[HN_VERIFY_ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Ethernet header (with the tag when tag != 0); returns the offset of the payload. */
static size_t put_eth(uint8_t *buf, const uint8_t dst[HN_VERIFY_ETH_ALEN],
		      const uint8_t src[HN_VERIFY_ETH_ALEN], unsigned tag, uint16_t type)
{
	size_t off = 2 * HN_VERIFY_ETH_ALEN;

	memcpy(buf, dst, HN_VERIFY_ETH_ALEN);
	memcpy(buf + HN_VERIFY_ETH_ALEN, src, HN_VERIFY_ETH_ALEN);
	if (tag) {
		put16(buf + off, TPID_8021Q);
		put16(buf + off + 2, (uint16_t)(tag & 0x0fff));
		off += VLAN_HLEN;
	}
	put16(buf + off, type);
	return off + 2;
}

/* Zero padding up to the Ethernet minimum. */
static size_t pad(uint8_t *buf, size_t len)
{
	if (len < HN_VERIFY_FRAME_MIN) {
		memset(buf + len, 0, HN_VERIFY_FRAME_MIN - len);
		len = HN_VERIFY_FRAME_MIN;
	}
	return len;
}

int hn_verify_eth_parse(const uint8_t *frame, size_t len, struct hn_verify_eth *out)
{
	size_t off = 2 * HN_VERIFY_ETH_ALEN;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	if (len < ETH_HLEN)
		return -EINVAL;
	out->dst = frame;
	out->src = frame + HN_VERIFY_ETH_ALEN;
	type = get16(frame + off);
	if (type == TPID_8021Q || type == TPID_8021AD) {
		if (len < ETH_HLEN + VLAN_HLEN)
			return -EINVAL;
		out->tagged = true;
		out->tci = get16(frame + off + 2);
		off += VLAN_HLEN;
		type = get16(frame + off);
	}
	out->type = type;
	out->payload = frame + off + 2;
	out->len = len - off - 2;
	return 0;
}

size_t hn_verify_frame_probe(uint8_t *buf, const uint8_t src[HN_VERIFY_ETH_ALEN], unsigned tag,
			     const struct hn_verify_probe_msg *msg)
{
	size_t off = put_eth(buf, hn_verify_mac_broadcast, src, tag, HN_VERIFY_PROBE_ETHERTYPE);
	uint8_t *p = buf + off;

	memcpy(p, probe_magic, 4);
	p[4] = PROBE_VERSION;
	p[5] = 0;
	put16(p + 6, msg->emission);
	put16(p + 8, msg->sender);
	put16(p + 10, msg->vlan);
	put16(p + 12, msg->round);
	put16(p + 14, 0);
	put64(p + 16, msg->nonce);
	return pad(buf, off + PROBE_LEN);
}

int hn_verify_frame_parse_probe(const struct hn_verify_eth *e, struct hn_verify_probe_msg *msg)
{
	const uint8_t *p = e->payload;

	if (e->type != HN_VERIFY_PROBE_ETHERTYPE || e->len < PROBE_LEN ||
	    memcmp(p, probe_magic, 4) || p[4] != PROBE_VERSION)
		return -ENOMSG;
	msg->emission = get16(p + 6);
	msg->sender = get16(p + 8);
	msg->vlan = get16(p + 10);
	msg->round = get16(p + 12);
	msg->nonce = get64(p + 16);
	return 0;
}

size_t hn_verify_frame_arp(uint8_t *buf, const uint8_t dst[HN_VERIFY_ETH_ALEN], unsigned tag,
			   const struct hn_verify_arp *arp)
{
	size_t off = put_eth(buf, dst, arp->sha, tag, ETHERTYPE_ARP);
	uint8_t *p = buf + off;

	put16(p, 1);		    /* hardware: Ethernet */
	put16(p + 2, ETHERTYPE_IP); /* protocol: IPv4 */
	p[4] = HN_VERIFY_ETH_ALEN;
	p[5] = 4;
	put16(p + 6, arp->op);
	memcpy(p + 8, arp->sha, HN_VERIFY_ETH_ALEN);
	memcpy(p + 14, &arp->spa, 4);
	memcpy(p + 18, arp->tha, HN_VERIFY_ETH_ALEN);
	memcpy(p + 24, &arp->tpa, 4);
	return pad(buf, off + ARP_LEN);
}

size_t hn_verify_frame_arp_probe(uint8_t *buf, const uint8_t src[HN_VERIFY_ETH_ALEN], unsigned tag,
				 struct in_addr addr)
{
	struct hn_verify_arp arp = {.op = HN_VERIFY_ARP_REQUEST, .tpa = addr};

	memcpy(arp.sha, src, HN_VERIFY_ETH_ALEN);
	return hn_verify_frame_arp(buf, hn_verify_mac_broadcast, tag, &arp);
}

size_t hn_verify_frame_arp_request(uint8_t *buf, const uint8_t src[HN_VERIFY_ETH_ALEN],
				   unsigned tag, struct in_addr source, struct in_addr target)
{
	struct hn_verify_arp arp = {.op = HN_VERIFY_ARP_REQUEST, .spa = source, .tpa = target};

	memcpy(arp.sha, src, HN_VERIFY_ETH_ALEN);
	return hn_verify_frame_arp(buf, hn_verify_mac_broadcast, tag, &arp);
}

int hn_verify_frame_parse_arp(const struct hn_verify_eth *e, struct hn_verify_arp *arp)
{
	const uint8_t *p = e->payload;

	if (e->type != ETHERTYPE_ARP || e->len < ARP_LEN || get16(p) != 1 ||
	    get16(p + 2) != ETHERTYPE_IP || p[4] != HN_VERIFY_ETH_ALEN || p[5] != 4)
		return -ENOMSG;
	arp->op = get16(p + 6);
	memcpy(arp->sha, p + 8, HN_VERIFY_ETH_ALEN);
	memcpy(&arp->spa, p + 14, 4);
	memcpy(arp->tha, p + 18, HN_VERIFY_ETH_ALEN);
	memcpy(&arp->tpa, p + 24, 4);
	return 0;
}

uint16_t hn_verify_inet_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t hn_verify_frame_icmp_echo(uint8_t *buf, const uint8_t src[HN_VERIFY_ETH_ALEN],
				 const uint8_t dst[HN_VERIFY_ETH_ALEN], unsigned tag,
				 const struct hn_verify_icmp_echo *echo)
{
	size_t off = put_eth(buf, dst, src, tag, ETHERTYPE_IP);
	uint8_t *ip = buf + off, *icmp = ip + IP_HLEN;
	const size_t icmp_len = ICMP_HLEN + 8;

	ip[0] = 0x45; /* IPv4, 20-byte header */
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(IP_HLEN + icmp_len));
	put16(ip + 4, echo->seq); /* identification: anything unique enough */
	put16(ip + 6, 0x4000);	  /* don't fragment */
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP_;
	put16(ip + 10, 0);
	memcpy(ip + 12, &echo->src, 4);
	memcpy(ip + 16, &echo->dst, 4);
	put16(ip + 10, hn_verify_inet_csum(ip, IP_HLEN));

	icmp[0] = echo->reply ? ICMP_REPLY : ICMP_ECHO;
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, echo->id);
	put16(icmp + 6, echo->seq);
	put64(icmp + 8, echo->nonce);
	put16(icmp + 2, hn_verify_inet_csum(icmp, icmp_len));
	return pad(buf, off + IP_HLEN + icmp_len);
}

int hn_verify_frame_parse_icmp_echo(const struct hn_verify_eth *e, struct hn_verify_icmp_echo *echo)
{
	const uint8_t *ip = e->payload, *icmp;
	size_t ihl, total;

	if (e->type != ETHERTYPE_IP || e->len < IP_HLEN || (ip[0] >> 4) != 4)
		return -ENOMSG;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	total = get16(ip + 2);
	/* Whole datagrams only (no fragment), and the checksums must hold. */
	if (ihl < IP_HLEN || total < ihl + ICMP_HLEN + 8 || total > e->len ||
	    ip[9] != IPPROTO_ICMP_ || (get16(ip + 6) & 0x3fff) || hn_verify_inet_csum(ip, ihl) != 0)
		return -ENOMSG;
	icmp = ip + ihl;
	if ((icmp[0] != ICMP_ECHO && icmp[0] != ICMP_REPLY) || icmp[1] != 0 ||
	    hn_verify_inet_csum(icmp, total - ihl) != 0)
		return -ENOMSG;
	echo->reply = icmp[0] == ICMP_REPLY;
	memcpy(&echo->src, ip + 12, 4);
	memcpy(&echo->dst, ip + 16, 4);
	echo->id = get16(icmp + 4);
	echo->seq = get16(icmp + 6);
	echo->nonce = get64(icmp + 8);
	return 0;
}

char *hn_verify_mac_format(const uint8_t mac[HN_VERIFY_ETH_ALEN], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}
