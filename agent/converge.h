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
};

/*
 * Open the backend of every layer the run uses (bounded); on failure, the ones opened are
 * closed again. A config without a `libvirt:` section does not need libvirtd: when it does
 * not answer, the run goes on without that layer (hn_layer_optional).
 */
int hn_session_open(struct hn_session *s, const struct hn_opts *opts,
		    const struct hn_config *config);
void hn_session_close(struct hn_session *s);

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
 * Apply the plan. On failure every applied action is undone, newest first, and the
 * message says what failed and what was rolled back. *applied counts what stayed applied.
 * A layer that finds the host changed under it (backend.h, apply) is planned again: its
 * new actions replace the old in plan and are shown, or the run fails if one of them
 * removes, disrupts or moves the uplink where the shown plan did not.
 */
int hn_session_apply(struct hn_session *s, struct hn_config *want, struct hn_plan *plan,
		     size_t *applied);

/*
 * apply, guarded when the plan moves an uplink: the gateway must answer before (else
 * nothing is touched) and after (else everything is rolled back and the error says so).
 */
int hn_session_converge(struct hn_session *s, struct hn_config *want, struct hn_plan *plan,
			size_t *applied, int gateway_timeout_ms);

/* Take /run/hostnet/lock.net<netns inode> so two runs on one host (network namespace) never
 * interleave: waits, at most timeout_ms, for the other run. Returns the held fd. */
int hn_lock_host(int timeout_ms);

#endif
