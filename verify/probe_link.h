/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A probe, kernel side: an unnamed network namespace, held by file descriptor; a veth pair
 * made in one request with its peer born inside that namespace (so no instant exists where
 * a killed run leaves a stray link); an AF_PACKET socket opened in the namespace and bound to
 * the peer, which reports 802.1Q tags through PACKET_AUXDATA (no 8021q module needed).
 *
 * No program is started: the namespace comes from unshare(CLONE_NEWNET) in the calling
 * thread, which returns home with setns() at once. Closing the descriptors ends it all:
 * the kernel destroys the namespace and the veth pair with it.
 */
#ifndef HOSTNET_VERIFY_PROBE_LINK_H
#define HOSTNET_VERIFY_PROBE_LINK_H

#include "frame.h"

#include <netinet/in.h>

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct nl_sock;

/* The kernel side of a run: a route netlink socket and the way home. */
struct hn_verify_probe_kernel {
	struct nl_sock *nl;
	int home_fd; /* the network namespace the run started in */
};

struct hn_verify_probe_link {
	char host_name[IFNAMSIZ];	      /* in the home namespace; the switch port */
	uint32_t group;			      /* link group of the host end: the run's */
	uint8_t mac[HN_VERIFY_ETH_ALEN];      /* the probe's end */
	uint8_t host_mac[HN_VERIFY_ETH_ALEN]; /* the host's end */
	int ns_fd;			      /* -1 when not made */
	int sock;			      /* -1 when not made */
	int ifindex;			      /* of the probe's end, in its namespace */
	int host_ifindex;
};

int hn_verify_probe_kernel_open(struct hn_verify_probe_kernel *k);
void hn_verify_probe_kernel_close(struct hn_verify_probe_kernel *k);

/* Make the probe whose host_name, mac and host_mac are set. On failure nothing is left
 * and hn_err says why. */
int hn_verify_probe_link_create(struct hn_verify_probe_kernel *k, struct hn_verify_probe_link *p);
/* Close the socket and the namespace (the kernel then removes the veth pair). */
void hn_verify_probe_link_close(struct hn_verify_probe_link *p);

/*
 * Remove a run's probes, fast and completely, when it returns:
 * - the host ends are deleted in one request (their shared link group), which the kernel
 *   does as one batch, where a request per link costs a grace period each;
 * - the packet sockets are closed in parallel threads: closing one waits for a grace period
 *   (synchronize_net), and concurrent waits share one;
 * - then the namespaces, empty by now, are closed.
 * Returns the first error (a link that would not go), having done all it could.
 */
int hn_verify_probe_links_remove(struct hn_verify_probe_kernel *k, struct hn_verify_probe_link *p,
				 size_t n);
/*
 * Forget what this host's kernel learnt about a probe address: when the probe asked the
 * host's own address, the kernel answered and keeps a neighbour entry (addr at mac) for each that
 * it would go on probing after the run, to a MAC no longer there. Only an entry with that very MAC
 * is removed: one the host learnt from anyone else stays.
 */
struct hn_verify_probe_addr {
	struct in_addr addr;
	uint8_t mac[HN_VERIFY_ETH_ALEN];
};

int hn_verify_probe_neigh_forget(struct hn_verify_probe_kernel *k,
				 const struct hn_verify_probe_addr *used, size_t n);
/* Remove the links of runs that are gone (hn_verify_probe_link_name_parse names whose PID is dead,
 * or is ours: we made none yet). *removed counts them. */
int hn_verify_probe_links_sweep(struct hn_verify_probe_kernel *k, size_t *removed);

#endif
