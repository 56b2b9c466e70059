/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ordering, printing and freeing the actions of all backends. */
#ifndef HOSTNET_PLAN_H
#define HOSTNET_PLAN_H

#include "backend.h"

#include <stdio.h>

/* up: OVS, then netlink, then libvirt (a bridge must exist before its address, and before
 * a network that names it), with the uplink move's stages (backend.h) between the first two
 * and libvirt. down: all of it backwards. Within a layer and stage the backend's own order
 * is kept. */
int hn_plan_order(struct hn_plan *plan, bool down);
size_t hn_plan_count(const struct hn_plan *plan, enum hn_layer layer);
/* Replace plan's actions [start, end) by all of with's (with is left empty), freeing the
 * replaced ones with b's free_priv. with's observations are dropped: only verify reads
 * them, and verify applies nothing. */
int hn_plan_splice(struct hn_plan *plan, size_t start, size_t end, struct hn_plan *with,
		   const struct hn_backend *b);
/* backends is indexed by enum hn_layer, to free each action's priv. */
void hn_plan_free(struct hn_plan *plan, const struct hn_backend *const *backends);

/* The same change: object, fields, remark, op and disruptiveness. */
bool hn_action_same(const struct hn_action *a, const struct hn_action *b);

const char *hn_layer_name(enum hn_layer layer);
const char *hn_kind_name(enum hn_kind kind); /* "bridge", "port", ..., "network" */
/* An object as people read it, "port eno1 on br0", into buf. */
#define HN_OBJECT_STRLEN 160
char *hn_object_format(const struct hn_object *obj, char *buf, size_t len);
/* What an action does as people read it after its object, "tag 10 -> 99", "datapath
 * netdev", "replaces 0.0.0.0/0 via 198.51.100.1 dev eno1 (not hostnet's; ...)": its fields
 * as their `shown` says, then its remark; a removal's remark alone (its fields are what is
 * there). "" when there is nothing to say. */
#define HN_DETAIL_STRLEN 512
char *hn_action_detail(const struct hn_action *a, char *buf, size_t len);
/* The layers of mask (bit 1 << enum hn_layer each), "ovs,netlink", into buf. */
char *hn_layers_format(unsigned mask, char *buf, size_t len);
const char *hn_op_name(enum hn_op op);
char hn_op_sign(enum hn_op op); /* '+', '~', '-' */
void hn_plan_print(FILE *f, const struct hn_plan *plan);
/* An object and a list of fields as --json writes them (verify's results too):
 * {"layer", "kind", "name", and "bridge" for a port, "dev" for an address or a route, "via"
 * for a route through a gateway}; [{"field", "found", "expected"}], null where absent. */
struct json_t;
struct json_t *hn_object_json(const struct hn_object *obj);
struct json_t *hn_fields_json(const struct hn_fields *fields);
int hn_plan_print_json(FILE *f, const struct hn_plan *plan, const char *command,
		       const char *result);

#endif
