// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway_probe.h"
#include "error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Resend this often: a gateway may drop the first request while it learns our new port. */
#define RESEND_MS 200

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int interface_mac(int fd, const char *ifname, uint8_t mac[ETH_ALEN])
{
	struct ifreq ifr = {0};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

/*
 * A socket that hears every ARP frame ifname receives. Bound to ETH_P_ALL, not ETH_P_ARP: a
 * NIC that is a port of the kernel's OVS datapath hands what it receives to the datapath
 * before packet sockets of one protocol see it; only ETH_P_ALL sockets still do. That NIC
 * is exactly where a half-moved host must be probed from (at boot, OVS's database puts eno1
 * back into br0 while ifupdown gives eno1 the address). A filter keeps the socket to ARP.
 * Created with protocol 0 so that nothing is queued before the filter and the bind.
 */
static int open_arp_socket(int ifindex)
{
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, (__u32)(SKF_AD_OFF + SKF_AD_PROTOCOL)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_ARP, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0xffff),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
	struct sockaddr_ll at = {
	    .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_ALL),
	    .sll_ifindex = ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    bind(fd, (struct sockaddr *)&at, sizeof(at)) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int hn_gateway_probe(const char *ifname, struct in_addr source, struct in_addr gateway,
		     int timeout_ms)
{
	struct sockaddr_ll to = {
	    .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_ARP),
	    .sll_halen = ETH_ALEN,
	};
	struct ether_arp req = {0};
	char gw[INET_ADDRSTRLEN];
	long long deadline, next_send = 0;
	int fd, r = -ETIMEDOUT;

	inet_ntop(AF_INET, &gateway, gw, sizeof(gw));
	to.sll_ifindex = (int)if_nametoindex(ifname);
	if (!to.sll_ifindex)
		return hn_err(-ENODEV, "%s: cannot probe gateway %s: no such interface", ifname,
			      gw);
	memset(to.sll_addr, 0xff, ETH_ALEN);

	fd = open_arp_socket(to.sll_ifindex);
	if (fd < 0)
		return hn_err(fd, "%s: cannot probe gateway %s: %s", ifname, gw, strerror(-fd));
	if (interface_mac(fd, ifname, req.arp_sha) < 0) {
		r = hn_err(-errno, "%s: cannot probe gateway %s: %s", ifname, gw, strerror(errno));
		goto out;
	}
	req.arp_hrd = htons(ARPHRD_ETHER);
	req.arp_pro = htons(ETH_P_IP);
	req.arp_hln = ETH_ALEN;
	req.arp_pln = 4;
	req.arp_op = htons(ARPOP_REQUEST);
	memcpy(req.arp_spa, &source, 4);
	memcpy(req.arp_tpa, &gateway, 4);

	deadline = now_ms() + timeout_ms;
	for (;;) {
		long long now = now_ms();
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		struct ether_arp reply;
		ssize_t n;

		if (now >= deadline)
			break;
		if (now >= next_send) {
			if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) <
			    0) {
				r = hn_err(-errno, "%s: cannot send ARP for %s: %s", ifname, gw,
					   strerror(errno));
				goto out;
			}
			next_send = now + RESEND_MS;
		}
		long long wait = (next_send < deadline ? next_send : deadline) - now;

		if (poll(&pfd, 1, (int)wait) <= 0)
			continue;
		n = recv(fd, &reply, sizeof(reply), MSG_DONTWAIT);
		if (n < (ssize_t)sizeof(reply) || reply.arp_op != htons(ARPOP_REPLY))
			continue;
		/* Only the gateway's own answer counts, to us. */
		if (memcmp(reply.arp_spa, &gateway, 4) == 0 &&
		    memcmp(reply.arp_tha, req.arp_sha, ETH_ALEN) == 0) {
			r = 0;
			break;
		}
	}
	if (r == -ETIMEDOUT)
		hn_err(r, "%s: gateway %s did not answer ARP within %d ms", ifname, gw, timeout_ms);
out:
	close(fd);
	return r;
}
