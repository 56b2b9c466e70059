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
 * Start loading the libvirt module (and libvirt's own set-up) in a thread, when the run
 * uses that layer: about 10 ms of dynamic loading, CPU-bound, which then overlaps what the
 * run does before it first needs libvirt (the config, the other layers' reads). Nothing
 * it does asks a daemon or opens a socket. hn_backend_of waits for it.
 */
void hn_backend_preload(const struct hn_opts *opts);

/* Was the libvirt module loaded (and libvirt with it) in this process? Waits for a
 * preload still running. */
bool hn_backend_virt_loaded(void);

/* Does this run use the layer? Every layer unless `--layers` limited the run. */
bool hn_layer_wanted(const struct hn_opts *opts, enum hn_layer layer);

/*
 * A layer the config does not ask anything of, whose daemon may be absent from the host:
 * libvirt without a `libvirt:` section. When its daemon answers, the layer is still used,
 * so that what hostnet made there and the config dropped is pruned.
 */
bool hn_layer_optional(const struct hn_config *config, enum hn_layer layer);

/* "ovs,netlink" into a layer mask for hn_opts.layers; -EINVAL on a name that is no layer
 * (hn_layers_format, plan.h, is the way back). */
int hn_layers_parse(const char *list, unsigned *mask);

/*
 * `--layers` must not split the uplink move: OVS puts the NIC into its bridge and netlink
 * moves the address, and only the two together are guarded by the gateway probes. A layer
 * set with one of them but not the other, on a config with an uplink, is refused
 * (-EINVAL, with the message) before anything is read or touched.
 */
int hn_layers_check_uplink(const struct hn_opts *opts, const struct hn_config *config);

#endif
