/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bound on each call to libvirtd. libvirt's client has none: a call waits in poll() on its
 * socket until libvirtd answers, and a daemon that is alive but stalled (stopped, deadlocked)
 * never does. The guard holds its own reference to the sockets libvirt opened for the
 * connection and, when a call is still running at its deadline, shuts them down: libvirt's
 * poll wakes to an end of file and the call fails at once, as does every later call on that
 * connection. Nothing in here knows libvirt; it guards sockets.
 */
#ifndef HOSTNET_VIRT_GUARD_H
#define HOSTNET_VIRT_GUARD_H

#include <stdbool.h>
#include <stddef.h>

/* The process's open file descriptors at one moment, sorted: a connect's sockets are the ones
 * open after it and not before. */
struct hn_virt_fd_list {
	int *fds;
	size_t n;
};
int hn_virt_fd_list_now(struct hn_virt_fd_list *out);
void hn_virt_fd_list_free(struct hn_virt_fd_list *l);

/* Shut down every socket open now that is not in before; returns how many. For a connect
 * still running at its deadline (no guard exists yet). */
size_t hn_virt_fd_cut_new_sockets(const struct hn_virt_fd_list *before);

struct hn_virt_guard;

/* A guard over the sockets open now that are not in before, each call bounded by
 * timeout_ms. */
int hn_virt_guard_start(const struct hn_virt_fd_list *before, int timeout_ms,
			struct hn_virt_guard **out);
/* Stop and join the guard's thread, and drop its references to the sockets. */
void hn_virt_guard_stop(struct hn_virt_guard *g);

/* Around each call: call is its name, what an error names when it overran. */
void hn_virt_guard_arm(struct hn_virt_guard *g, const char *call);
void hn_virt_guard_disarm(struct hn_virt_guard *g);

/* The call that overran its bound, after which the sockets were shut down; NULL while none
 * did. */
const char *hn_virt_guard_stalled(struct hn_virt_guard *g);
int hn_virt_guard_timeout(const struct hn_virt_guard *g);

#endif
