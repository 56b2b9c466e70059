// SPDX-License-Identifier: GPL-2.0-or-later
#include "state.h"
#include "backends.h"
#include "error.h"
#include "converge.h"
#include "plan.h"
#include "state_objects.h"
#include "uplink.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unknown(struct hn_checks *out, const char *name, const char *doing)
{
	return hn_checks_add(out, HN_CHECK_UNKNOWN, name, "the host as the config says",
			     "cannot %s: %s", doing, hn_errmsg() ? hn_errmsg() : "unknown error");
}

/* A backend opened and read, ready to diff. */
struct layer {
	const struct hn_backend *b;
	void *state;
	char name[64];
};

/* Open and read; on failure an UNKNOWN check and false. */
static bool open_and_read(struct layer *l, const struct hn_opts *opts, struct hn_checks *out,
			  int *r)
{
	snprintf(l->name, sizeof(l->name), "%s state", l->b->name);
	hn_err_clear();
	if (!l->b->open || l->b->open(opts, &l->state) < 0) {
		*r = unknown(out, l->name, "connect");
		return false;
	}
	hn_err_clear();
	if (l->b->read(l->state) < 0) {
		*r = unknown(out, l->name, "read");
		l->b->close(l->state);
		return false;
	}
	return true;
}

/* The layer's diff against want, reported one line per object the config asks for. */
static int diff_layer(struct layer *l, const struct hn_config *want, struct hn_checks *out)
{
	const struct hn_backend *by_layer[HN_LAYER_COUNT] = {0};
	struct hn_state_objects objs = {0};
	struct hn_plan plan = {0};
	int r;

	hn_err_clear();
	r = l->b->diff(l->state, want, &plan);
	if (r < 0)
		r = unknown(out, l->name, "compare");
	else if (hn_state_objects_derive(want, l->b->layer, &objs) < 0 ||
		 hn_state_objects_report(&objs, &plan, out) < 0)
		r = -ENOMEM;
	by_layer[l->b->layer] = l->b;
	hn_plan_free(&plan, by_layer);
	hn_state_objects_free(&objs);
	return r;
}

int hn_state_check_backend(const struct hn_backend *b, const struct hn_opts *opts,
			   const struct hn_config *want, struct hn_checks *out)
{
	struct layer l = {.b = b};
	int r = 0;

	if (!open_and_read(&l, opts, out, &r))
		return r;
	r = diff_layer(&l, want, out);
	b->close(l.state);
	return r;
}

/* --layers: the layers left out, as one UNKNOWN check. */
static int layers_left_out(const struct hn_opts *opts, struct hn_checks *out)
{
	char used[64], skipped[64];

	if (!opts->layers || opts->layers == (1u << HN_LAYER_COUNT) - 1)
		return 0;
	return hn_checks_add(out, HN_CHECK_UNKNOWN, "layers", "every layer checked",
			     "only %s (--layers); %s not checked",
			     hn_layers_format(opts->layers, used, sizeof(used)),
			     hn_layers_format(~opts->layers & ((1u << HN_LAYER_COUNT) - 1), skipped,
					      sizeof(skipped)));
}

/* A layer the config leaves out: one line saying so; checked further only if it answers. */
static bool open_optional(struct layer *l, const struct hn_opts *opts, struct hn_checks *out,
			  int *r)
{
	const char *name = hn_layer_name(l->b->layer);
	bool answers;

	hn_err_clear();
	answers = l->b->open(opts, &l->state) == 0;
	if (answers && l->b->read(l->state) < 0) {
		l->b->close(l->state);
		answers = false;
	}
	*r = hn_checks_add(out, HN_CHECK_OK, name, "nothing: the config has no libvirt section",
			   "not configured%s",
			   answers ? "" : "; libvirtd does not answer, not read");
	hn_err_clear();
	return answers;
}

int hn_state_checks(const struct hn_opts *opts, struct hn_config *want, struct hn_checks *out)
{
	const struct hn_backend *backends[HN_LAYER_COUNT] = {NULL};
	struct layer layers[HN_LAYER_COUNT] = {{0}};
	bool ready[HN_LAYER_COUNT] = {false};
	const size_t n = HN_LAYER_COUNT;
	int r = layers_left_out(opts, out);

	/* Every read first, then every diff, as `hostnet plan` does: the OVS diff needs the
	 * uplink facts (the NIC's MAC) that come from the kernel. */
	for (size_t i = 0; i < n && r == 0; i++) {
		if (!hn_layer_wanted(opts, i))
			continue;
		backends[i] = hn_backend_of(i);
		if (!backends[i] && hn_layer_optional(want, i)) {
			r = hn_checks_add(out, HN_CHECK_OK, hn_layer_name(i),
					  "nothing: the config has no libvirt section",
					  "not configured; its backend does not load, not read");
			continue;
		}
		if (!backends[i]) {
			r = unknown(out, hn_layer_name(i), "load its backend");
			continue;
		}
		layers[i].b = backends[i];
		if (hn_layer_optional(want, i))
			ready[i] = open_optional(&layers[i], opts, out, &r);
		else
			ready[i] = open_and_read(&layers[i], opts, out, &r);
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		struct hn_session kernel = {.opts = opts};

		if (!ready[i] || backends[i]->layer != HN_LAYER_NETLINK)
			continue;
		kernel.backends[i] = backends[i];
		kernel.state[i] = layers[i].state;
		hn_err_clear();
		if (hn_uplink_resolve(want, &kernel) < 0)
			r = hn_checks_add(out, HN_CHECK_CRITICAL, "uplink",
					  "the uplink NIC present", "%s",
					  hn_errmsg() ? hn_errmsg() : "cannot be resolved");
	}
	for (size_t i = 0; i < n; i++) {
		if (!ready[i])
			continue;
		if (r == 0)
			r = diff_layer(&layers[i], want, out);
		backends[i]->close(layers[i].state);
	}
	return r;
}
