// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The netlink backend: links, IPv4 and IPv6 addresses and routes of each bridge's own interface,
 * through one rtnetlink socket (libnl-route-3). Read: nl_io.c; diff: nlb_diff.c (pure);
 * apply and undo: nlb_apply.c.
 */
#include "netlink.h"
#include "plan.h"
#include "error.h"
#include "nl_uplink.h"
#include "nl_apply.h"
#include "nl_diff.h"
#include "nl_io.h"
#include "nl_import.h"
#include "nl_sysctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nl_backend {
	struct nl_sock *sk;
	struct hn_nl_state cur; /* the last read */
};

static int nlb_open(const struct hn_opts *opts, void **state)
{
	struct nl_backend *b = calloc(1, sizeof(*b));
	int r;

	*state = NULL;
	if (!b)
		return hn_err(-ENOMEM, "netlink: out of memory");
	r = hn_nl_open(&b->sk, opts->timeout_ms);
	if (r < 0) {
		free(b);
		return r;
	}
	*state = b;
	return 0;
}

static int nlb_read(void *state)
{
	struct nl_backend *b = state;
	int r = hn_nl_read(b->sk, &b->cur);

	if (r == 0)
		hn_debug("netlink: read %zu links, %zu IPv4 and %zu IPv6 addresses, %zu IPv4 and "
			 "%zu IPv6 routes",
			 b->cur.n_links, b->cur.n_addrs, b->cur.n_addrs6, b->cur.n_routes,
			 b->cur.n_routes6);
	return r;
}

/* The ARP knobs of an interface the config names, when it exists (nl_diff.h). */
static void read_arp(struct nl_backend *b, const char *name)
{
	struct hn_nl_link *l = hn_nl_link_by_name_mut(&b->cur, name);

	if (l)
		hn_nl_arp_read(l);
}

/* The knobs are read here, for the interfaces of the config only, rather than with every
 * link in nlb_read: two files per link would be most of the read on a host with hundreds
 * of guest taps. */
static int nlb_diff(void *state, const struct hn_config *want, struct hn_plan *plan)
{
	struct nl_backend *b = state;

	for (size_t i = 0; want && !want->down && i < want->n_bridges; i++) {
		const struct hn_bridge *br = &want->bridges[i];

		read_arp(b, br->name);
		for (size_t k = 0; k < br->n_ports; k++)
			if (br->ports[k].type == HN_PORT_INTERNAL)
				read_arp(b, br->ports[k].name);
	}
	return hn_nl_diff(&b->cur, want, plan);
}

static int nlb_apply(void *state, struct hn_action **acts, size_t n, size_t *done)
{
	struct nl_backend *b = state;
	char object[HN_OBJECT_STRLEN];

	*done = 0;
	for (size_t i = 0; i < n; i++) {
		int r;

		hn_debug("netlink: %s %s", hn_op_name(acts[i]->op),
			 hn_object_format(&acts[i]->obj, object, sizeof(object)));
		r = hn_nl_apply_change(b->sk, acts[i]->priv);
		if (r < 0)
			return r;
		*done = i + 1;
	}
	return 0;
}

static int nlb_undo(void *state, struct hn_action **acts, size_t n)
{
	struct nl_backend *b = state;
	struct hn_error later; /* after the first failure: its message is the one reported */
	char object[HN_OBJECT_STRLEN];
	int first = 0;

	for (size_t i = n; i-- > 0;) {
		int r;

		hn_debug("netlink: undo %s %s", hn_op_name(acts[i]->op),
			 hn_object_format(&acts[i]->obj, object, sizeof(object)));
		r = hn_nl_undo_change(b->sk, acts[i]->priv);
		if (r < 0 && !first) {
			first = r;
			hn_err_push(&later);
		}
	}
	if (first)
		hn_err_pop(&later);
	return first;
}

static void nlb_free_priv(void *priv)
{
	free(priv);
}

static void nlb_close(void *state)
{
	struct nl_backend *b = state;

	if (!b)
		return;
	hn_nl_close(b->sk);
	hn_nl_state_clear(&b->cur);
	free(b);
}

static void nlb_uplink_facts(void *state, const struct hn_bridge *b, struct hn_uplink_facts *out)
{
	struct nl_backend *nb = state;
	const char *nic = b->uplink;

	memset(out, 0, sizeof(*out));
	if (b->uplink_by_mac) {
		const struct hn_nl_link *found, *also;

		hn_nl_nic_by_mac(&nb->cur, b->uplink_want_mac.b, b->name, &found, &also,
				 &out->n_by_mac);
		nic = found ? found->name : "";
		snprintf(out->nic_name, sizeof(out->nic_name), "%s", nic);
		snprintf(out->also_name, sizeof(out->also_name), "%s", also ? also->name : "");
	}
	if (*nic)
		hn_nl_link_facts(&nb->cur, nic, &out->nic);
	hn_nl_link_facts(&nb->cur, b->name, &out->bridge);
}

/* The knobs of the bridges and internal ports the switch's part found, as for a diff. */
static int nlb_describe(void *state, struct hn_import *im)
{
	struct nl_backend *b = state;

	for (size_t i = 0; i < im->config.n_bridges; i++) {
		const struct hn_bridge *br = &im->config.bridges[i];

		read_arp(b, br->name);
		for (size_t k = 0; k < br->n_ports; k++)
			if (br->ports[k].type == HN_PORT_INTERNAL)
				read_arp(b, br->ports[k].name);
	}
	return hn_nl_import(&b->cur, im);
}

const struct hn_backend hn_nl_backend = {
    .name = "netlink",
    .layer = HN_LAYER_NETLINK,
    .open = nlb_open,
    .read = nlb_read,
    .diff = nlb_diff,
    .apply = nlb_apply,
    .undo = nlb_undo,
    .free_priv = nlb_free_priv,
    .close = nlb_close,
    .uplink_facts = nlb_uplink_facts,
    .describe = nlb_describe,
};
