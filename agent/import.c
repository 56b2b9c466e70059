// SPDX-License-Identifier: GPL-2.0-or-later
#include "import.h"
#include "backends.h"
#include "converge.h"
#include "error.h"
#include "plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hn_import_note(struct hn_import *im, const char *fmt, ...)
{
	char **slot = hn_array_add(&im->notes, &im->n_notes, sizeof(*slot));
	va_list ap;
	int n;

	if (!slot)
		return hn_err(-ENOMEM, "out of memory");
	va_start(ap, fmt);
	n = vasprintf(slot, fmt, ap);
	va_end(ap);
	if (n < 0) {
		im->n_notes--;
		return hn_err(-ENOMEM, "out of memory");
	}
	return 0;
}

void hn_import_free(struct hn_import *im)
{
	hn_config_free(&im->config);
	for (size_t i = 0; i < im->n_notes; i++)
		free(im->notes[i]);
	free(im->notes);
	im->notes = NULL;
	im->n_notes = 0;
}

static void bridge_vlans(const struct hn_config *c, const struct hn_bridge *b, struct hn_vlanset *s)
{
	memset(s, 0, sizeof(*s));
	if (b->tag)
		hn_vlanset_add(s, b->tag);
	for (size_t k = 0; k < b->n_ports; k++) {
		if (b->ports[k].tag)
			hn_vlanset_add(s, b->ports[k].tag);
		hn_vlanset_foreach (v, &b->ports[k].trunks)
			hn_vlanset_add(s, v);
	}
	for (size_t i = 0; i < c->n_networks; i++) {
		const struct hn_network *n = &c->networks[i];

		if (strcmp(n->bridge, b->name) != 0)
			continue;
		for (size_t k = 0; k < n->n_portgroups; k++) {
			const struct hn_portgroup *pg = &n->portgroups[k];

			if (!pg->trunk)
				hn_vlanset_add(s, pg->tag);
			else
				hn_vlanset_foreach (v, &pg->vlans)
					hn_vlanset_add(s, v);
		}
	}
}

void hn_import_derive_verify(struct hn_config *c)
{
	unsigned best = 1;

	for (size_t i = 0; i < c->n_bridges; i++) {
		struct hn_vlanset s;
		unsigned n;

		bridge_vlans(c, &c->bridges[i], &s);
		n = hn_vlanset_count(&s);
		if (n <= best)
			continue;
		best = n;
		c->verify.has_isolation = true;
		snprintf(c->verify.isolation_bridge, sizeof(c->verify.isolation_bridge), "%s",
			 c->bridges[i].name);
		c->verify.isolation_vlans = s;
	}
}

/* Each layer's backend reads, then adds its part, in the layers' order. */
static int describe(struct hn_session *s, const struct hn_opts *opts, struct hn_import *im)
{
	for (int l = 0; l < HN_LAYER_COUNT; l++) {
		const struct hn_backend *b = s->backends[l];
		int r;

		if (!b) {
			r = hn_import_note(im, "%s: not read (%s): nothing of it below",
					   hn_layer_name(l),
					   !hn_layer_wanted(opts, l) ? "--layers leaves it out"
								     : "libvirtd does not answer");
			if (r < 0)
				return r;
			continue;
		}
		if (!b->describe)
			continue;
		r = b->read(s->state[l]);
		if (r == 0)
			r = b->describe(s->state[l], im);
		if (r < 0)
			return r;
	}
	return 0;
}

int hn_import_read(const struct hn_opts *opts, struct hn_import *im)
{
	/* A config without libvirt: a host without libvirtd is described without it. */
	struct hn_config none = {0};
	struct hn_session s;
	int r = hn_session_open(&s, opts, &none, false, NULL);

	if (r < 0)
		return r;
	r = hn_session_open_virt(&s);
	if (r == 0)
		r = describe(&s, opts, im);
	hn_session_close(&s);
	if (r == 0)
		hn_import_derive_verify(&im->config);
	return r;
}
