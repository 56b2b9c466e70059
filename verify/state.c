// SPDX-License-Identifier: GPL-2.0-or-later
#include "state.h"
#include "plan.h"
#include "state_objects.h"

#include <errno.h>

/* What the step that failed could not do, as a line says it: "cannot connect: ...". */
static const char *const cannot[] = {
    [HN_VERIFY_NO_BACKEND] = "load its backend",
    [HN_VERIFY_NO_CONNECT] = "connect",
    [HN_VERIFY_NO_READ] = "read",
    [HN_VERIFY_NO_DIFF] = "compare",
};

/* --layers: the layers left out, as one UNKNOWN check. */
static int layers_left_out(const struct hn_opts *opts, struct hn_verify_checks *out)
{
	char used[64], skipped[64];

	if (!opts->layers || opts->layers == (1u << HN_LAYER_COUNT) - 1)
		return 0;
	return hn_verify_checks_add(out, HN_VERIFY_CHECK_UNKNOWN, "layers", "every layer checked",
				    "only %s (--layers); %s not checked",
				    hn_layers_format(opts->layers, used, sizeof(used)),
				    hn_layers_format(~opts->layers & ((1u << HN_LAYER_COUNT) - 1),
						     skipped, sizeof(skipped)));
}

/* A layer that could not be read, or one the config leaves out: one line. */
static int reached(enum hn_layer i, const struct hn_verify_layer *l, struct hn_verify_checks *out)
{
	const char *name = hn_layer_name(i);
	char state[64];

	if (l->optional)
		return hn_verify_checks_add(
		    out, HN_VERIFY_CHECK_OK, name, "nothing: the config has no libvirt section",
		    "not configured%s",
		    l->failed == HN_VERIFY_NO_BACKEND ? "; its backend does not load, not read"
		    : l->failed != HN_VERIFY_COMPARED && l->failed != HN_VERIFY_NO_DIFF
			? "; libvirtd does not answer, not read"
			: "");
	if (l->failed == HN_VERIFY_COMPARED || l->failed == HN_VERIFY_NO_DIFF)
		return 0;
	snprintf(state, sizeof(state), "%s state", name);
	return hn_verify_checks_add(
	    out, HN_VERIFY_CHECK_UNKNOWN, l->failed == HN_VERIFY_NO_BACKEND ? name : state,
	    "the host as the config says", "cannot %s: %s", cannot[l->failed], l->err.msg);
}

/* The layer's diff against want, one line per object the config asks for. */
static int compared(enum hn_layer i, const struct hn_verify_layer *l, struct hn_verify_checks *out)
{
	char state[64];

	snprintf(state, sizeof(state), "%s state", hn_layer_name(i));
	if (l->failed == HN_VERIFY_NO_DIFF)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_UNKNOWN, state,
					    "the host as the config says", "cannot %s: %s",
					    cannot[l->failed], l->err.msg);
	return hn_verify_state_objects_report(&l->plan, out) < 0 ? -ENOMEM : 0;
}

int hn_verify_state_checks(const struct hn_opts *opts, const struct hn_verify_host *host,
			   struct hn_verify_checks *out)
{
	int r = layers_left_out(opts, out);

	/* In the order the agent went: every layer reached first, then the uplink facts,
	 * then every diff. */
	for (int i = 0; i < HN_LAYER_COUNT && r == 0; i++)
		if (host->layers[i].used)
			r = reached(i, &host->layers[i], out);
	if (r == 0 && host->uplink_error.msg[0])
		r = hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, "uplink",
					 "the uplink NIC present", "%s", host->uplink_error.msg);
	for (int i = 0; i < HN_LAYER_COUNT && r == 0; i++) {
		const struct hn_verify_layer *l = &host->layers[i];

		if (l->used && (l->failed == HN_VERIFY_COMPARED || l->failed == HN_VERIFY_NO_DIFF))
			r = compared(i, l, out);
	}
	return r;
}
