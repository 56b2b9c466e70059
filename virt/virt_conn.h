/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The connection to libvirt: opened within a bound (a stuck daemon must not hang boot),
 * kept bounded by keepalive, and libvirt's own error text carried into hn_err.
 */
#ifndef HOSTNET_VIRT_CONN_H
#define HOSTNET_VIRT_CONN_H

#include <libvirt/libvirt.h>

/* Open uri, giving up after timeout_ms; on error hn_errmsg() holds libvirt's own reason.
 * Later calls on the connection fail (rather than hang) when the daemon stops answering
 * for about timeout_ms. */
int hn_virt_open(const char *uri, int timeout_ms, virConnectPtr *out);
/* Close what hn_virt_open opened (and stop libvirt's event loop with the last one). */
void hn_virt_close(virConnectPtr conn);

/* hn_err(err, "<fmt>: <libvirt's last error>"), for a libvirt call that just failed. */
int hn_virt_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Interfaces of running VMs on the (active) network, or -1 when libvirt cannot say. A
 * restart of the network is announced as disruptive when there are any: libvirt drops
 * their ports (on an OVS bridge their taps stay where they are). */
int hn_virt_count_users(virConnectPtr conn, virNetworkPtr net, const char *name);

#endif
