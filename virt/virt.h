/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virt library: libvirt's networks (with their VLAN portgroups) through libvirt's C
 * API. It is built as the module hostnet-virt.so, which the agent loads on first use
 * (agent/backends.c: linking libvirt costs every run ~15 ms before main), and as a static
 * library for the unit tests. What it offers is the backend alone.
 */
#ifndef HOSTNET_VIRT_H
#define HOSTNET_VIRT_H

#include "backend.h"

extern const struct hn_backend hn_virt_backend;
/* The name the agent looks the backend up by in the module. */
#define HN_VIRT_BACKEND_SYMBOL "hn_virt_backend"

#endif
