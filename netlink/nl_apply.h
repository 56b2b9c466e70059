/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Carrying out one netlink action (struct hn_nl_change), and taking it back. */
#ifndef HOSTNET_NL_APPLY_H
#define HOSTNET_NL_APPLY_H

#include "nl_diff.h"

#include <netlink/netlink.h>
#include <netlink/socket.h>

/* Apply c: 0, or a negative errno with hn_err() text naming the object and the kernel's
 * reason ("brint: add 10.99.1.250/32: File exists"). A failed action changed nothing. */
int hn_nl_apply_change(struct nl_sock *sk, struct hn_nl_change *c);

/* Undo c, which was applied. Something already as it was before is not an error. On
 * failure, hn_err() text as for apply ("brint: undo add 10.99.1.250/32: ..."). */
int hn_nl_undo_change(struct nl_sock *sk, const struct hn_nl_change *c);

#endif
