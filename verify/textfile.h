/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hostnet verify --textfile PATH`: the run's result in the Prometheus text exposition format
 * (version 0.0.4), for node_exporter's textfile collector. Metric names are part of hostnet's
 * interface: dashboards and alerts name them, so they only ever get added to.
 */
#ifndef HOSTNET_VERIFY_TEXTFILE_H
#define HOSTNET_VERIFY_TEXTFILE_H

#include "checks.h"

#include <stdbool.h>
#include <stdio.h>

/* What one verify run measured, besides its checks. Seconds throughout. */
struct hn_verify_figures {
	double seconds;	      /* the whole run */
	double state_seconds; /* the state checks */
	double probe_seconds; /* the probes: set-up, window and clean-up */
	bool window;	      /* the listening window ran */
	size_t probes;	      /* probe ports on the switch */
	size_t frames_sent, send_errors, frames_received;
	double window_seconds; /* how long the window listened */
	double heard_seconds;  /* when everything expected was heard; < 0: never */
	double finished;       /* wall clock at the end, seconds since the epoch */
};

/* The exposition text of one run. 0, or -EIO when f could not take it. */
int hn_verify_textfile_format(FILE *f, const struct hn_verify_checks *c,
			      const struct hn_verify_figures *fig);

/* Replace PATH atomically: a temporary file in its directory, written, fsync'ed, made
 * readable by the collector (0644), renamed over PATH. On failure the temporary file is
 * removed and PATH is left as it was; negative errno, the reason in hn_errmsg(). */
int hn_verify_textfile_write(const char *path, const struct hn_verify_checks *c,
			     const struct hn_verify_figures *fig);

#endif
