// SPDX-License-Identifier: GPL-2.0-or-later
#include "verify_host.h"
#include "backends.h"
#include "converge.h"
#include "error.h"
#include "ovn.h"
#include "plan.h"
#include "uplink.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reason is in l->err, the innermost context (verify_host.h). */
static int failed(struct hn_verify_layer *l, enum hn_verify_failure step)
{
	l->failed = step;
	if (!l->err.msg[0])
		hn_err(-EIO, "unknown error");
	return -1;
}

int hn_layer_open(const struct hn_backend *b, const struct hn_opts *opts, void **state,
		  struct hn_verify_layer *l)
{
	*state = NULL;
	if (!b)
		return failed(l, HN_VERIFY_NO_BACKEND); /* hn_backend_of said why */
	if (b->open(opts, state) < 0)
		return failed(l, HN_VERIFY_NO_CONNECT);
	hn_err_clear();
	if (b->read(*state) < 0) {
		failed(l, HN_VERIFY_NO_READ);
		b->close(*state);
		*state = NULL;
		return -1;
	}
	return 0;
}

void hn_layer_diff(const struct hn_backend *b, void *state, const struct hn_config *want,
		   struct hn_verify_layer *l)
{
	const struct hn_backend *owners[HN_LAYER_COUNT] = {0};

	l->plan.observe = true; /* what verify reports it found */
	if (b->diff(state, want, &l->plan) == 0)
		return;
	failed(l, HN_VERIFY_NO_DIFF);
	owners[b->layer] = b;
	hn_plan_free(&l->plan, owners);
}

static bool has_uplink(const struct hn_config *c)
{
	for (size_t i = 0; i < c->n_bridges; i++)
		if (hn_bridge_has_uplink(&c->bridges[i]))
			return true;
	return false;
}

/* What the kernel shows of each uplink, for the gateway checks. */
static void read_uplinks(struct hn_session *s, const struct hn_config *want,
			 struct hn_verify_host *host)
{
	if (!hn_session_reads_kernel(s))
		return; /* the netlink layer's err says why */
	host->uplinks = calloc(want->n_bridges, sizeof(*host->uplinks));
	if (!host->uplinks) {
		snprintf(host->error, sizeof(host->error), "out of memory");
		return;
	}
	for (size_t i = 0; i < want->n_bridges; i++)
		if (want->bridges[i].uplink[0])
			hn_session_uplink_facts(s, &want->bridges[i], &host->uplinks[i]);
}

/* The switch's MAC learning table of each uplink bridge, for the uplink MAC guard. */
static void read_fdbs(struct hn_session *s, struct hn_config *want, struct hn_verify_host *host)
{
	const struct hn_backend *b = s->backends[HN_LAYER_OVS];

	host->fdbs = calloc(want->n_bridges, sizeof(*host->fdbs));
	host->n_fdbs = want->n_bridges;
	if (!host->fdbs) {
		snprintf(host->error, sizeof(host->error), "out of memory");
		return;
	}
	for (size_t i = 0; i < want->n_bridges; i++) {
		struct hn_verify_fdb *f = &host->fdbs[i];

		if (!want->bridges[i].uplink[0])
			continue;
		if (!b || !b->learned_macs) {
			const char *why = host->layers[HN_LAYER_OVS].err.msg;

			snprintf(f->err.msg, sizeof(f->err.msg), "the switch was not read: %.900s",
				 why[0] ? why : "--layers leaves ovs out");
			continue;
		}
		hn_err_push(&f->err);
		f->read = b->learned_macs(s->state[HN_LAYER_OVS], want->bridges[i].name,
					  &f->learned) == 0;
		if (!f->read && !f->err.msg[0])
			hn_err(-EIO, "unknown error");
		hn_err_pop(&f->err);
	}
}

/* What ovs-vswitchd shows of each bonded uplink, for the bond check. */
static void read_bonds(struct hn_session *s, const struct hn_config *want,
		       struct hn_verify_host *host)
{
	const struct hn_backend *b = s->backends[HN_LAYER_OVS];
	bool any = false;

	for (size_t i = 0; i < want->n_bridges; i++)
		any |= want->bridges[i].n_bond > 0;
	if (!any)
		return;
	host->bonds = calloc(want->n_bridges, sizeof(*host->bonds));
	if (!host->bonds) {
		snprintf(host->error, sizeof(host->error), "out of memory");
		return;
	}
	for (size_t i = 0; i < want->n_bridges; i++) {
		const struct hn_bridge *wb = &want->bridges[i];
		struct hn_verify_bond *vb = &host->bonds[i];

		if (!wb->n_bond)
			continue;
		if (!b || !b->bond_state) {
			const char *why = host->layers[HN_LAYER_OVS].err.msg;

			snprintf(vb->err.msg, sizeof(vb->err.msg),
				 "the switch was not read: %.900s",
				 why[0] ? why : "--layers leaves ovs out");
			continue;
		}
		hn_err_push(&vb->err);
		vb->read = b->bond_state(s->state[HN_LAYER_OVS], wb->bond_port,
					 wb->lacp != HN_LACP_OFF, &vb->state) == 0;
		if (!vb->read && !vb->err.msg[0])
			hn_err(-EIO, "unknown error");
		hn_err_pop(&vb->err);
	}
}

void hn_host_read(const struct hn_opts *opts, struct hn_config *want, struct hn_verify_host *host)
{
	struct hn_session s = {.opts = opts};
	bool uplinks = has_uplink(want);

	memset(host, 0, sizeof(*host));
	/* Every read first, then every diff, as `plan` does: the OVS diff needs the uplink
	 * facts (the NIC's MAC) that come from the kernel. The kernel is read for the gateway
	 * checks even when --layers leaves its layer out (it is then not compared). */
	for (int i = 0; i < HN_LAYER_COUNT; i++) {
		struct hn_verify_layer *l = &host->layers[i];
		const struct hn_backend *b;

		l->used = hn_layer_wanted(opts, i);
		l->optional = hn_layer_optional(want, i);
		if (!l->used && !(i == HN_LAYER_NETLINK && uplinks))
			continue;
		hn_err_push(&l->err);
		b = hn_backend_of(i);
		if (hn_layer_open(b, opts, &s.state[i], l) == 0)
			s.backends[i] = b;
		hn_err_pop(&l->err);
	}
	if (host->layers[HN_LAYER_NETLINK].used && hn_session_reads_kernel(&s)) {
		hn_err_push(&host->uplink_error);
		if (hn_uplink_resolve(want, &s) == 0)
			hn_err_clear(); /* what it tried and got past is no error */
		else if (!hn_errmsg())
			hn_err(-ENODEV, "cannot be resolved");
		hn_err_pop(&host->uplink_error);
	}
	if (uplinks)
		read_uplinks(&s, want, host);
	if (uplinks)
		read_fdbs(&s, want, host);
	if (uplinks)
		read_bonds(&s, want, host);
	for (int i = 0; i < HN_LAYER_COUNT; i++) {
		struct hn_verify_layer *l = &host->layers[i];

		if (!s.backends[i] || !l->used)
			continue;
		hn_err_push(&l->err);
		hn_layer_diff(s.backends[i], s.state[i], want, l);
		hn_err_pop(&l->err);
	}
	/* The chassis hostnet set up, as OVN registered it, and the fleet's switches when the
	 * file names the northbound database: with the OVS layer, whose keys they follow from. */
	if (s.backends[HN_LAYER_OVS] && host->layers[HN_LAYER_OVS].used &&
	    host->layers[HN_LAYER_OVS].failed == HN_VERIFY_COMPARED) {
		struct hn_plan *p = &host->layers[HN_LAYER_OVS].plan;

		if (hn_ovn_chassis_observe(&want->ovn, opts->timeout_ms, p) < 0 ||
		    hn_ovn_networks_observe(&want->ovn, opts->timeout_ms, p) < 0)
			snprintf(host->error, sizeof(host->error), "%s", hn_errmsg());
	}
	hn_session_close(&s);
}

void hn_host_free(struct hn_verify_host *host)
{
	const struct hn_backend *owners[HN_LAYER_COUNT];

	/* The backends that made the plans' actions, to free them (loaded, if they did). */
	for (int i = 0; i < HN_LAYER_COUNT; i++)
		owners[i] = host->layers[i].plan.n ? hn_backend_of(i) : NULL;
	for (int i = 0; i < HN_LAYER_COUNT; i++)
		hn_plan_free(&host->layers[i].plan, owners);
	free(host->uplinks);
	host->uplinks = NULL;
	for (size_t i = 0; host->fdbs && i < host->n_fdbs; i++)
		free(host->fdbs[i].learned.v);
	free(host->fdbs);
	host->fdbs = NULL;
	free(host->bonds);
	host->bonds = NULL;
}
