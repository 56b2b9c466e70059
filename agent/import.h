/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hostnet import`: the live host read through every layer's backend (kernel, OVSDB, and
 * libvirt when libvirtd answers) and described as a config (backend.h, describe), then
 * written as hostnet.yaml, or as one JSON document. What a config cannot say is kept as
 * notes, written as comments.
 */
#ifndef HOSTNET_IMPORT_H
#define HOSTNET_IMPORT_H

#include "backend.h"

#include <stdio.h>

/* Read the host into im (zeroed by the caller). 0, or a negative errno with hn_err text. */
int hn_import_read(const struct hn_opts *opts, struct hn_import *im);
void hn_import_free(struct hn_import *im);

/* The verify section a host's VLANs suggest: isolation on the bridge that carries the
 * most VLANs (its ports, its own port, the portgroups of networks on it), when it carries
 * two or more. */
void hn_import_derive_verify(struct hn_config *c);

/* hostnet.yaml, the notes as comments at the top. */
void hn_import_print_yaml(FILE *f, const struct hn_import *im);
/* {"command": "import", "result": "ok", "config": {...the same keys...}, "notes": [...]}.
 * -ENOMEM. */
int hn_import_print_json(FILE *f, const struct hn_import *im);

#endif
