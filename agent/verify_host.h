/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host as `hostnet verify` is handed it (verify.h): the session of `plan`, in a mode
 * that reads what it can. Each layer is opened, read and diffed on its own; one that cannot
 * be says where it stopped and why, and the others still are.
 */
#ifndef HOSTNET_VERIFY_HOST_H
#define HOSTNET_VERIFY_HOST_H

#include "verify.h"

/* Read and compare the host against want, completing want with the uplink facts as `plan`
 * does. The backends are closed again before it returns. */
void hn_host_read(const struct hn_opts *opts, struct hn_config *want, struct hn_verify_host *host);
void hn_host_free(struct hn_verify_host *host);

/* One layer's backend b: opened and read (0, *state is open), or l says which step failed
 * and why (-1, nothing left open). Called with l->err the innermost error context
 * (hn_err_push), where what fails is said: that of hn_backend_of too, when b is NULL. */
int hn_layer_open(const struct hn_backend *b, const struct hn_opts *opts, void **state,
		  struct hn_verify_layer *l);
/* Its diff against want into l->plan, or l says it failed (in l->err, pushed as above). */
void hn_layer_diff(const struct hn_backend *b, void *state, const struct hn_config *want,
		   struct hn_verify_layer *l);

#endif
