/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which backend serves a layer, and whether this run uses the layer at all. */
#ifndef HOSTNET_BACKENDS_H
#define HOSTNET_BACKENDS_H

#include "backend.h"

/*
 * The backend of a layer. The libvirt one lives in a module (hostnet-virt.so) loaded on
 * first use: linking libvirt costs every run about 15 ms of dynamic loading before main,
 * which runs that never talk to libvirt (check, a plan of one layer) should not pay.
 * NULL, with hn_err text, when the module cannot be loaded.
 */
const struct hn_backend *hn_backend_of(enum hn_layer layer);

/*
 * HOSTNET_LAYERS=ovs,netlink (undocumented, for tests and debugging) limits a run to those
 * layers; unset, every layer, which is the only thing a production host should do.
 */
bool hn_layer_wanted(enum hn_layer layer);

#endif
