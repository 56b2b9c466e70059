/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The connection to libvirt: opened within a bound (a stuck daemon must not hang boot), each
 * later call bounded the same way (virt_guard.h), and libvirt's own error text carried into
 * hn_err.
 */
#ifndef HOSTNET_VIRT_CONN_H
#define HOSTNET_VIRT_CONN_H

#include "virt_guard.h"

#include <stdbool.h>

#include <libvirt/libvirt.h>

struct hn_virt {
	virConnectPtr conn;
	struct hn_virt_guard *guard;
	bool stall_told; /* an error has said which call overran */
};

/* Open uri, giving up after timeout_ms; on error hn_errmsg() holds libvirt's own reason. */
int hn_virt_open(const char *uri, int timeout_ms, struct hn_virt **out);
/* libvirt's own initialisation, once (hn_virt_open does it too): it asks no daemon. */
void hn_virt_prepare(void);
/* Close what hn_virt_open opened (bounded too) and join the guard's thread. */
void hn_virt_close(struct hn_virt *v);

/*
 * CALL(...), a libvirt function that asks libvirtd, within the connection's bound: when it
 * has not returned by then, the connection is cut and it fails (and every later call with
 * it). Its name is the one an error gives for the call that stalled. Functions that only
 * read or free what the client holds (virNetworkGetName, virNetworkFree) need no bound.
 */
#define HN_VIRT(v, call, ...)                                                                      \
	({                                                                                         \
		hn_virt_guard_arm((v)->guard, #call);                                              \
		__typeof__(call(__VA_ARGS__)) hn_virt_ret_ = call(__VA_ARGS__);                    \
		hn_virt_guard_disarm((v)->guard);                                                  \
		hn_virt_ret_;                                                                      \
	})

/* hn_err(err, "<fmt>: <why>") for a libvirt call that just failed, why being libvirt's last
 * error. After a call overran its bound, the first such error says which call libvirtd did
 * not answer, and is -ETIMEDOUT (that call may still take effect when libvirtd resumes); the
 * later ones, that the connection was cut. v may be NULL. */
int hn_virt_err(struct hn_virt *v, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The call that overran its bound in this run (the connection has been cut since), or
 * NULL. */
const char *hn_virt_stalled(struct hn_virt *v);

/* Interfaces of running VMs on the (active) network, or -1 when libvirt cannot say. A
 * restart of the network is announced as disruptive when there are any: libvirt drops
 * their ports (on an OVS bridge their taps stay where they are). */
int hn_virt_count_users(struct hn_virt *v, virNetworkPtr net, const char *name);

#endif
