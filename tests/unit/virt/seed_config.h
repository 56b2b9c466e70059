/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Configs built by hand for the virt tests, allocated as config.c does (hn_config_free). */
#ifndef HOSTNET_TEST_SEED_CONFIG_H
#define HOSTNET_TEST_SEED_CONFIG_H

#include "model.h"

struct hn_network *tc_network(struct hn_config *c, const char *name, const char *bridge);
/* A trunk portgroup of the VLANs lo..hi. */
void tc_trunk(struct hn_network *n, const char *name, unsigned lo, unsigned hi);
/* A trunk of exactly two VLANs. */
void tc_trunk2(struct hn_network *n, const char *name, unsigned a, unsigned b);
void tc_access(struct hn_network *n, const char *name, unsigned tag);
/* The `access: [lo-hi]` shorthand: one access portgroup per VLAN, named by its id. */
void tc_access_range(struct hn_network *n, unsigned lo, unsigned hi);
void tc_undefine(struct hn_config *c, const char *name);

/* The libvirt section of the seed (etc/hostnet.yaml): undefine default, ovs-front on br0,
 * intern-vlans on brint with its 15 portgroups. */
void tc_seed(struct hn_config *c);

/* A file of the test folder (VIRT_FIXTURES), malloc'd. */
char *tc_fixture(const char *name);

#endif
