/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one flow of every command that touches the host:
 * open backends -> read -> diff -> order -> (apply -> re-read -> check | rollback).
 */
#ifndef HOSTNET_CONVERGE_H
#define HOSTNET_CONVERGE_H

#include "plan.h"

struct hn_session {
	const struct hn_opts *opts;
	const struct hn_backend *backends[HN_LAYER_COUNT];
	void *state[HN_LAYER_COUNT];
	/* `up` went on without libvirt, which did not answer (hn_session_open): why. */
	char virt_unreached[512];
	const struct hn_config *config; /* hn_session_open's, for the libvirt layer's open */
	bool virt_apart;
	bool virt_pending; /* the libvirt layer is still to open (hn_session_open_virt) */
};

/*
 * What a run does before it loads its config: take the host's lock (`up`, `down`), if no
 * other run holds it, and ask the daemons for their state (backend.h, ask). The config
 * loads while they answer; the session's first read takes the answers. Nothing failing
 * here is said: the session's open does it again, and says why.
 */
struct hn_early {
	int lock; /* the host's lock, -1: not taken (the run waits for it later) */
	const struct hn_backend *backends[HN_LAYER_COUNT];
	void *state[HN_LAYER_COUNT];
};
void hn_early_start(struct hn_early *e, const struct hn_opts *opts, bool lock);
/* Close what no session took, and release the lock. */
void hn_early_end(struct hn_early *e);

/*
 * Open the backend of every layer the run uses (bounded; libvirt's later, see
 * hn_session_open_virt); on failure, the ones opened are closed again. A config without a
 * `libvirt:` section does not need libvirtd: when it does not answer, the run goes on without that
 * layer (hn_layer_optional). With virt_apart (`up`), a libvirtd that does not answer does not keep
 * the host's own network from converging: the run goes on without libvirt and s->virt_unreached
 * says why; the run must then fail. The layers early (NULL: none) opened and asked are
 * taken from it.
 */
int hn_session_open(struct hn_session *s, const struct hn_opts *opts,
		    const struct hn_config *config, bool virt_apart, struct hn_early *early);
void hn_session_close(struct hn_session *s);
/*
 * hn_session_open leaves the libvirt layer for last: its client library loads in a thread
 * (hn_backend_preload) while the host's layers are read and diffed. This opens it, as
 * hn_session_open would have (hn_session_plan calls it before its first libvirt read); on
 * failure the session stays open, for the caller's hn_session_close. 0 when there was
 * nothing left to open.
 */
int hn_session_open_virt(struct hn_session *s);

/* Read the host and compute the ordered plan towards want (NULL or want->down: `down`).
 * Fills in the uplink facts want leaves to the host (uplink.h). */
int hn_session_plan(struct hn_session *s, struct hn_config *want, struct hn_plan *plan);

/* Does the run read the kernel (the netlink layer)? The uplink facts come from it. */
bool hn_session_reads_kernel(const struct hn_session *s);
/* What the kernel's last read shows of bridge b's uplink (backend.h, uplink_facts); only
 * when hn_session_reads_kernel(s). */
void hn_session_uplink_facts(struct hn_session *s, const struct hn_bridge *b,
			     struct hn_uplink_facts *out);

/* Undo, newest first, acts[0..n), all of them applied. */
int hn_session_rollback(struct hn_session *s, struct hn_action **acts, size_t n);

/*
 * Apply plan->actions[*at, until); *at ends after the last one applied. They belong to a
 * unit that starts at plan->actions[from] (from <= *at: a unit may be applied in pieces,
 * with a check between): on failure every action of the unit applied so far is undone,
 * newest first, and the message says what failed and what was rolled back. A layer that finds the
 * host changed under it (backend.h, apply) is planned again: its new actions replace the old in
 * plan and are shown, or the run fails if one of them removes, disrupts or moves the uplink where
 * the shown plan did not.
 */
int hn_session_apply(struct hn_session *s, struct hn_config *want, struct hn_plan *plan,
		     size_t from, size_t until, size_t *at);

/*
 * Apply the plan, guarded when it moves an uplink: the gateway must answer before (else
 * nothing is touched) and after (else everything is rolled back and the error says so).
 * On `up` the host's own network (OVS, kernel) is one unit and libvirt's networks, applied
 * after it, another: a libvirt failure undoes libvirt's changes only, and the host keeps
 * the network its gateway has just answered on. *applied counts what stayed applied.
 */
int hn_session_converge(struct hn_session *s, struct hn_config *want, struct hn_plan *plan,
			size_t *applied, int gateway_timeout_ms);

/* Take /run/hostnet/lock.net<netns inode> so two runs on one host (network namespace) never
 * interleave: waits, at most timeout_ms, for the other run. Returns the held fd. */
int hn_lock_host(int timeout_ms);

#endif
