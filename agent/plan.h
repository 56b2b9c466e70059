/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ordering, printing and freeing the actions of all backends. */
#ifndef HOSTNET_PLAN_H
#define HOSTNET_PLAN_H

#include "backend.h"

#include <stdio.h>

/* up: OVS, then netlink, then libvirt (a bridge must exist before its address, and before
 * a network that names it). down: the layers in reverse. Within a layer the backend's own
 * order is kept. */
int hn_plan_order(struct hn_plan *plan, bool down);
size_t hn_plan_count(const struct hn_plan *plan, enum hn_layer layer);
/* Replace plan's actions [start, end) by all of with's (with is left empty), freeing the
 * replaced ones with b's free_priv. */
int hn_plan_splice(struct hn_plan *plan, size_t start, size_t end, struct hn_plan *with,
		   const struct hn_backend *b);
/* backends is indexed by enum hn_layer, to free each action's priv. */
void hn_plan_free(struct hn_plan *plan, const struct hn_backend *const *backends);

const char *hn_layer_name(enum hn_layer layer);
/* The layers of mask (bit 1 << enum hn_layer each), "ovs,netlink", into buf. */
char *hn_layers_format(unsigned mask, char *buf, size_t len);
const char *hn_op_name(enum hn_op op);
char hn_op_sign(enum hn_op op); /* '+', '~', '-' */
void hn_plan_print(FILE *f, const struct hn_plan *plan);
int hn_plan_print_json(FILE *f, const struct hn_plan *plan, const char *command,
		       const char *result);

#endif
