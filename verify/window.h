/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The listening window: every probe sends and every probe listens at once, in one poll()
 * over all the sockets; nothing waits for one answer before asking the next question.
 *
 *   t = 0, 20, 60 ms   every emission of the plan goes out (paced, the sockets read
 *                      between bursts), until everything expected was heard (later
 *                      rounds: a frame the switch dropped while it set up a flow still
 *                      gets through)
 *   t = 150 .. 2000 ms the emissions some probe has yet to hear, again (a slow daemon
 *                      setting up a flow per VLAN)
 *   t = 0 ..           the reach runs and the gateway check go their own pace (reach.h)
 *   end                once everything that must be heard was heard, and as long again
 *                      for anything that must NOT be heard to show up (at least
 *                      HN_VERIFY_WINDOW_MIN); when something is missing, at most
 *                      HN_VERIFY_WINDOW_MAX, and HN_VERIFY_WINDOW_PER_FRAME more for each
 *                      emission of the plan (a loaded host gets through a run over 1000
 *                      VLANs in time: 3 s for one)
 */
#ifndef HOSTNET_VERIFY_WINDOW_H
#define HOSTNET_VERIFY_WINDOW_H

#include "matrix.h"
#include "probe_link.h"
#include "probe_plan.h"
#include "reach.h"

#include <signal.h>
#include <stdint.h>

/* Microseconds. */
#define HN_VERIFY_WINDOW_MIN	   100000
#define HN_VERIFY_WINDOW_MAX	   1500000
#define HN_VERIFY_WINDOW_PER_FRAME 500

struct hn_verify_window {
	const struct hn_verify_probe_plan *plan;
	const struct hn_verify_probe_link *links; /* plan->n_probes, made and attached */
	struct hn_verify_matrix *matrix;
	struct hn_verify_reach_run *reach; /* plan->n_reach */
	struct hn_verify_reach_run *gateways;
	const int *gateway_socks; /* one per gateway run, in the host's namespace */
	size_t n_gateways;
	uint64_t nonce;
	volatile sig_atomic_t *stop;  /* set by a signal handler: end the window now */
	const sigset_t *wait_sigmask; /* the mask while waiting (signals let through) */

	/* Out. */
	int64_t t_complete; /* when everything expected was heard; 0: never */
	int64_t t_end;
	size_t sent, received, send_errors;
	size_t passes; /* of the loop: a slow host makes few */
};

/* 0 when the window ran to its end (or was stopped: see *stop); -errno when poll failed. */
int hn_verify_window_run(struct hn_verify_window *w);

/* CLOCK_MONOTONIC in microseconds. */
int64_t hn_verify_now_us(void);

#endif
