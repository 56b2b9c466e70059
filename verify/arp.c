// SPDX-License-Identifier: GPL-2.0-or-later
#include "arp.h"
#include "error.h"
#include "frame.h"
#include "verify.h"
#include "window.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Resend this often: a gateway may drop the first request while it learns our new port. */
#define RESEND_MS 200

/*
 * Bound to ETH_P_ALL with a filter keeping ARP, not to ETH_P_ARP: a NIC that is a port of
 * the kernel's OVS datapath hands what it receives to the datapath (its rx_handler) before
 * packet sockets of one protocol see it; only ETH_P_ALL sockets still do. That NIC is where
 * a half-moved host must be probed from (at boot, OVS's database puts eno1 back into br0
 * while ifupdown gives eno1 the address). Created with protocol 0, so that nothing is
 * queued before the filter and the bind.
 */
int hn_verify_arp_socket(int ifindex)
{
	return hn_verify_packet_socket(ifindex, ETH_P_ARP);
}

int hn_verify_packet_socket(int ifindex, uint16_t ethertype)
{
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, (__u32)(SKF_AD_OFF + SKF_AD_PROTOCOL)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ethertype, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0xffff),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

static int interface_mac(int fd, const char *ifname, uint8_t mac[HN_VERIFY_ETH_ALEN])
{
	struct ifreq ifr = {0};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, HN_VERIFY_ETH_ALEN);
	return 0;
}

/* Only the gateway's own answer counts, to us. */
static bool gateway_answer(const uint8_t *frame, size_t len, struct in_addr gateway,
			   const uint8_t mac[HN_VERIFY_ETH_ALEN])
{
	struct hn_verify_eth e;
	struct hn_verify_arp arp;

	return hn_verify_eth_parse(frame, len, &e) == 0 &&
	       hn_verify_frame_parse_arp(&e, &arp) == 0 && arp.op == HN_VERIFY_ARP_REPLY &&
	       arp.spa.s_addr == gateway.s_addr && memcmp(arp.tha, mac, HN_VERIFY_ETH_ALEN) == 0;
}

int hn_verify_gateway_ask(const char *ifname, struct in_addr source, struct in_addr gateway,
			  int timeout_ms)
{
	uint8_t mac[HN_VERIFY_ETH_ALEN], req[HN_VERIFY_FRAME_MAX], frame[HN_VERIFY_FRAME_MAX];
	char gw[INET_ADDRSTRLEN];
	int64_t deadline, next_send = 0;
	_cleanup_close_ int fd = -1;
	size_t len;
	int ifindex;

	inet_ntop(AF_INET, &gateway, gw, sizeof(gw));
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		return hn_err(-ENODEV, "%s: cannot probe gateway %s: no such interface", ifname,
			      gw);
	fd = hn_verify_arp_socket(ifindex);
	if (fd < 0)
		return hn_err(fd, "%s: cannot probe gateway %s: %s", ifname, gw, strerror(-fd));
	if (interface_mac(fd, ifname, mac) < 0)
		return hn_err(-errno, "%s: cannot probe gateway %s: %s", ifname, gw,
			      strerror(errno));
	len = hn_verify_frame_arp_request(req, mac, 0, source, gateway);

	deadline = hn_verify_now_us() / 1000 + timeout_ms;
	for (;;) {
		int64_t now = hn_verify_now_us() / 1000;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (now >= deadline)
			break;
		if (now >= next_send) {
			if (send(fd, req, len, 0) < 0)
				return hn_err(-errno, "%s: cannot send ARP for %s: %s", ifname, gw,
					      strerror(errno));
			next_send = now + RESEND_MS;
		}
		int64_t wait = (next_send < deadline ? next_send : deadline) - now;

		if (poll(&pfd, 1, (int)wait) <= 0)
			continue;
		n = recv(fd, frame, sizeof(frame), MSG_DONTWAIT);
		if (n > 0 && gateway_answer(frame, (size_t)n, gateway, mac))
			return 0;
	}
	return hn_err(-ETIMEDOUT, "%s: gateway %s did not answer ARP within %d ms", ifname, gw,
		      timeout_ms);
}
