// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IPv6's ARP: `up`'s gateway probe for gateway6 is a neighbor solicitation (RFC 4861 section
 * 4.3) for the gateway from the interface's own MAC, answered by a neighbor advertisement to
 * that MAC. Like the ARP probe it needs no route and no address on the interface (the frame
 * is built whole and read back raw), so it asks from the NIC before the move, from the bridge
 * after, and from a half-moved host's either side.
 */
#include "ndp.h"
#include "arp.h"
#include "error.h"
#include "verify.h"
#include "window.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Resend this often: a gateway may drop the first solicitation while it learns our port. */
#define RESEND_MS 200

#define ETH_HLEN_ 14
#define IP6_HLEN  40
#define NS_LEN	  24 /* type, code, checksum, reserved, target */
#define OPT_LEN	  8  /* a link-layer address option of an Ethernet address */

/* The ones' complement sum of len bytes, folded in later. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

/* ICMPv6's checksum: over the pseudo-header (source, destination, length, next header). */
static uint16_t icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			       const uint8_t *msg, size_t len)
{
	uint32_t sum = sum16(src->s6_addr, 16, 0);

	sum = sum16(dst->s6_addr, 16, sum);
	sum += (uint32_t)len + IPPROTO_ICMPV6;
	sum = sum16(msg, len, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t hn_verify_ndp_solicit(uint8_t *buf, const uint8_t mac[6], const struct in6_addr *source,
			     const struct in6_addr *target)
{
	/* The target's solicited-node multicast group ff02::1:ffXX:XXXX and its MAC. */
	struct in6_addr group = {.s6_addr = {0xff, 0x02, [11] = 0x01, [12] = 0xff}};
	uint8_t *ip = buf + ETH_HLEN_, *icmp = ip + IP6_HLEN;
	uint16_t sum;

	memcpy(&group.s6_addr[13], &target->s6_addr[13], 3);
	memset(buf, 0, HN_VERIFY_NDP_LEN);
	buf[0] = 0x33;
	buf[1] = 0x33;
	memcpy(buf + 2, &group.s6_addr[12], 4);
	memcpy(buf + 6, mac, 6);
	buf[12] = ETH_P_IPV6 >> 8;
	buf[13] = ETH_P_IPV6 & 0xff;
	ip[0] = 0x60;
	ip[5] = NS_LEN + OPT_LEN; /* payload length, low byte */
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 255; /* hop limit: RFC 4861 drops anything else */
	memcpy(ip + 8, source, 16);
	memcpy(ip + 24, &group, 16);
	icmp[0] = ND_NEIGHBOR_SOLICIT;
	memcpy(icmp + 8, target, 16);
	icmp[NS_LEN] = ND_OPT_SOURCE_LINKADDR;
	icmp[NS_LEN + 1] = 1; /* in units of 8 bytes */
	memcpy(icmp + NS_LEN + 2, mac, 6);
	sum = icmp6_checksum(source, &group, icmp, NS_LEN + OPT_LEN);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)(sum & 0xff);
	return HN_VERIFY_NDP_LEN;
}

bool hn_verify_ndp_advert_ip(const uint8_t *ip, size_t len, const struct in6_addr *target)
{
	const uint8_t *icmp = ip + IP6_HLEN;

	/* ICMPv6 right after the IPv6 header, as an advertisement always has it. */
	return len >= IP6_HLEN + NS_LEN && (ip[0] >> 4) == 6 && ip[6] == IPPROTO_ICMPV6 &&
	       ip[7] == 255 && icmp[0] == ND_NEIGHBOR_ADVERT && icmp[1] == 0 &&
	       memcmp(icmp + 8, target, 16) == 0;
}

bool hn_verify_ndp_advertises(const uint8_t *frame, size_t len, const struct in6_addr *target,
			      const uint8_t mac[6])
{
	/* Untagged IPv6 to us. */
	return len >= ETH_HLEN_ && memcmp(frame, mac, 6) == 0 && frame[12] == (ETH_P_IPV6 >> 8) &&
	       frame[13] == (ETH_P_IPV6 & 0xff) &&
	       hn_verify_ndp_advert_ip(frame + ETH_HLEN_, len - ETH_HLEN_, target);
}

#define ECHO_LEN 16 /* type, code, checksum, id, seq, the run's nonce */

size_t hn_verify_ndp_echo(uint8_t *buf, const uint8_t mac[6], const uint8_t to_mac[6],
			  const struct in6_addr *source, const struct in6_addr *target, uint16_t id,
			  uint16_t seq, uint64_t nonce)
{
	uint8_t *ip = buf + ETH_HLEN_, *icmp = ip + IP6_HLEN;
	uint16_t sum;

	memset(buf, 0, HN_VERIFY_NDP_ECHO_LEN);
	memcpy(buf, to_mac, 6);
	memcpy(buf + 6, mac, 6);
	buf[12] = ETH_P_IPV6 >> 8;
	buf[13] = ETH_P_IPV6 & 0xff;
	ip[0] = 0x60;
	ip[5] = ECHO_LEN;
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 64;
	memcpy(ip + 8, source, 16);
	memcpy(ip + 24, target, 16);
	icmp[0] = ICMP6_ECHO_REQUEST;
	icmp[4] = (uint8_t)(id >> 8);
	icmp[5] = (uint8_t)id;
	icmp[6] = (uint8_t)(seq >> 8);
	icmp[7] = (uint8_t)seq;
	for (int i = 0; i < 8; i++)
		icmp[8 + i] = (uint8_t)(nonce >> (56 - 8 * i));
	sum = icmp6_checksum(source, target, icmp, ECHO_LEN);
	icmp[2] = (uint8_t)(sum >> 8);
	icmp[3] = (uint8_t)(sum & 0xff);
	return HN_VERIFY_NDP_ECHO_LEN;
}

bool hn_verify_ndp_echo_reply_ip(const uint8_t *ip, size_t len, const struct in6_addr *from,
				 const struct in6_addr *to, uint16_t id, uint64_t nonce)
{
	const uint8_t *icmp = ip + IP6_HLEN;
	uint64_t got = 0;

	if (len < IP6_HLEN + ECHO_LEN || (ip[0] >> 4) != 6 || ip[6] != IPPROTO_ICMPV6 ||
	    icmp[0] != ICMP6_ECHO_REPLY || memcmp(ip + 8, from, 16) != 0 ||
	    memcmp(ip + 24, to, 16) != 0 || (icmp[4] << 8 | icmp[5]) != id)
		return false;
	for (int i = 0; i < 8; i++)
		got = got << 8 | icmp[8 + i];
	return got == nonce;
}

int hn_verify_gateway_ask6(const char *ifname, const struct in6_addr *source,
			   const struct in6_addr *gateway, int timeout_ms)
{
	uint8_t mac[6], req[HN_VERIFY_NDP_LEN], frame[2048];
	char gw[INET6_ADDRSTRLEN];
	int64_t deadline, next_send = 0;
	_cleanup_close_ int fd = -1;
	struct ifreq ifr = {0};
	int ifindex;

	inet_ntop(AF_INET6, gateway, gw, sizeof(gw));
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		return hn_err(-ENODEV, "%s: cannot probe gateway %s: no such interface", ifname,
			      gw);
	/* As the ARP probe's socket: ETH_P_ALL and a filter, so that a NIC that is a port of the
	 * kernel's OVS datapath still shows what it receives (arp.c). */
	fd = hn_verify_packet_socket(ifindex, ETH_P_IPV6);
	if (fd < 0)
		return hn_err(fd, "%s: cannot probe gateway %s: %s", ifname, gw, strerror(-fd));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return hn_err(-errno, "%s: cannot probe gateway %s: %s", ifname, gw,
			      strerror(errno));
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	hn_verify_ndp_solicit(req, mac, source, gateway);
	deadline = hn_verify_now_us() / 1000 + timeout_ms;
	for (int64_t now = hn_verify_now_us() / 1000; now < deadline;
	     now = hn_verify_now_us() / 1000) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (now >= next_send) {
			if (send(fd, req, sizeof(req), 0) < 0)
				return hn_err(-errno,
					      "%s: cannot send a neighbor solicitation for "
					      "%s: %s",
					      ifname, gw, strerror(errno));
			next_send = now + RESEND_MS;
		}
		if (poll(&pfd, 1, (int)((next_send < deadline ? next_send : deadline) - now)) <= 0)
			continue;
		while ((n = recv(fd, frame, sizeof(frame), MSG_DONTWAIT)) > 0)
			if (hn_verify_ndp_advertises(frame, (size_t)n, gateway, mac))
				return 0;
	}
	return hn_err(-ETIMEDOUT,
		      "%s: gateway %s did not answer neighbor solicitation within %d ms", ifname,
		      gw, timeout_ms);
}
