// SPDX-License-Identifier: GPL-2.0-or-later
#include "matrix.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing text of "; "-separated findings. */
struct text {
	char buf[2048];
	size_t len;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->buf) - 1)
		return;
	if (t->len)
		t->len += (size_t)snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "; ");
	if (t->len >= sizeof(t->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= sizeof(t->buf))
		t->len = sizeof(t->buf) - 1;
}

int hn_verify_matrix_init(struct hn_verify_matrix *m, const struct hn_verify_probe_plan *plan)
{
	size_t n = plan->n_probes * plan->n_emissions;

	memset(m, 0, sizeof(*m));
	m->plan = plan;
	m->h = calloc(n ? n : 1, sizeof(*m->h));
	if (!m->h)
		return -ENOMEM;
	for (size_t r = 0; r < plan->n_probes; r++)
		for (size_t e = 0; e < plan->n_emissions; e++)
			m->expected += hn_verify_matrix_expected(plan, r, e);
	return 0;
}

void hn_verify_matrix_free(struct hn_verify_matrix *m)
{
	free(m->h);
	memset(m, 0, sizeof(*m));
}

bool hn_verify_matrix_expected(const struct hn_verify_probe_plan *p, size_t receiver,
			       size_t emission)
{
	const struct hn_verify_emission *e = &p->emissions[emission];

	return e->admitted && e->probe != receiver &&
	       hn_verify_probe_carries(&p->probes[receiver], e->vlan);
}

const struct hn_verify_hearing *hn_verify_matrix_at(const struct hn_verify_matrix *m,
						    size_t receiver, size_t emission)
{
	return &m->h[receiver * m->plan->n_emissions + emission];
}

/* Heard the way it must be: untagged on an access probe, tagged with the VLAN on a trunk. */
static bool heard_right(const struct hn_verify_probe_plan *p, const struct hn_verify_hearing *h,
			size_t r, size_t e)
{
	if (p->probes[r].kind == HN_VERIFY_PROBE_ACCESS)
		return h->untagged > 0;
	return h->n_tags == 1 && h->tags[0] == p->emissions[e].vlan;
}

bool hn_verify_matrix_heard_right(const struct hn_verify_matrix *m, size_t receiver,
				  size_t emission)
{
	return heard_right(m->plan, hn_verify_matrix_at(m, receiver, emission), receiver, emission);
}

void hn_verify_matrix_record(struct hn_verify_matrix *m, size_t receiver, size_t emission,
			     bool tagged, unsigned vid)
{
	struct hn_verify_hearing *h = &m->h[receiver * m->plan->n_emissions + emission];
	bool was_right = heard_right(m->plan, h, receiver, emission);

	if (!tagged) {
		if (h->untagged < UINT16_MAX)
			h->untagged++;
	} else {
		bool known = false;

		for (unsigned i = 0; i < h->n_tags; i++)
			known |= h->tags[i] == vid;
		if (!known && h->n_tags < HN_VERIFY_HEARING_TAGS)
			h->tags[h->n_tags++] = (uint16_t)vid;
		else if (!known)
			h->more_tags = true;
		if (h->tagged < UINT16_MAX)
			h->tagged++;
	}
	if (hn_verify_matrix_expected(m->plan, receiver, emission) && !was_right &&
	    heard_right(m->plan, h, receiver, emission))
		m->heard++;
}

bool hn_verify_matrix_complete(const struct hn_verify_matrix *m)
{
	return m->heard == m->expected;
}

static bool heard_at_all(const struct hn_verify_hearing *h)
{
	return h->untagged || h->tagged;
}

/* The tags of h into a set. */
static void tags_of(const struct hn_verify_hearing *h, struct hn_vlanset *set)
{
	for (unsigned i = 0; i < h->n_tags; i++)
		hn_vlanset_add(set, h->tags[i]);
}

/* How frames came: "untagged", "tagged 20", "tagged 10,20", "untagged and tagged 20". */
static const char *how_set(bool untagged, const struct hn_vlanset *tags, bool more, char *buf,
			   size_t len)
{
	char set[HN_VLANSET_STRLEN];

	if (hn_vlanset_empty(tags))
		snprintf(buf, len, "untagged");
	else
		snprintf(buf, len, "%stagged %s%s", untagged ? "untagged and " : "",
			 hn_vlanset_format(tags, set, sizeof(set)), more ? " and more" : "");
	return buf;
}

static const char *how(const struct hn_verify_hearing *h, char *buf, size_t len)
{
	struct hn_vlanset tags = {0};

	tags_of(h, &tags);
	return how_set(h->untagged > 0, &tags, h->more_tags, buf, len);
}

/* "vlan V forwarding": the two probes of V hear each other, untagged on access probes,
 * tagged V on the matrix trunks; and every trunk that carries V delivers its tagged frames
 * to them (reported by the trunk's ingress check). */
static int check_forwarding(const struct hn_verify_matrix *m, unsigned v,
			    struct hn_verify_checks *out)
{
	const struct hn_verify_probe_plan *p = m->plan;
	int a = hn_verify_probe_plan_side(p, v, 'a'), b = hn_verify_probe_plan_side(p, v, 'b');
	bool trunk = hn_vlanset_has(&p->matrix_vlans, v);
	char name[64], expected[128];
	struct text t = {0};
	bool ok = true;

	snprintf(name, sizeof(name), "vlan %u forwarding", v);
	if (trunk)
		snprintf(expected, sizeof(expected),
			 "matrix trunks a and b hear each other on VLAN %u, tagged %u", v, v);
	else
		snprintf(expected, sizeof(expected),
			 "probes a and b of VLAN %u hear each other, untagged", v);
	for (int side = 0; side < 2; side++) {
		int r = side ? b : a, s = side ? a : b;

		for (size_t e = 0; e < p->n_emissions; e++) {
			const struct hn_verify_hearing *h = hn_verify_matrix_at(m, (size_t)r, e);
			char buf[64];

			if (p->emissions[e].probe != (unsigned)s || p->emissions[e].vlan != v)
				continue;
			if (!heard_at_all(h)) {
				text_add(&t, "%c hears nothing from %c", side ? 'b' : 'a',
					 side ? 'a' : 'b');
				ok = false;
			} else if (!heard_right(p, h, (size_t)r, e)) {
				text_add(&t, "%c hears %c %s", side ? 'b' : 'a', side ? 'a' : 'b',
					 how(h, buf, sizeof(buf)));
				ok = false;
			} else if (trunk ? h->untagged > 0 : h->tagged > 0) {
				text_add(&t, "%c hears %c also %s", side ? 'b' : 'a',
					 side ? 'a' : 'b', how(h, buf, sizeof(buf)));
				ok = false;
			}
		}
	}
	return hn_verify_checks_add(out, ok ? HN_VERIFY_CHECK_OK : HN_VERIFY_CHECK_CRITICAL, name,
				    expected, "%s", ok ? "a and b hear each other" : t.buf);
}

/* Did probe r hear emission e on VLAN v? An access probe of v hears everything on v; a
 * matrix trunk hears v as the frames tagged v. */
static bool heard_on(const struct hn_verify_probe_plan *p, const struct hn_verify_hearing *h,
		     size_t r, unsigned v)
{
	if (p->probes[r].kind == HN_VERIFY_PROBE_ACCESS)
		return heard_at_all(h);
	for (unsigned i = 0; i < h->n_tags; i++)
		if (h->tags[i] == v)
			return true;
	return false;
}

/* "vlan V isolation": nothing of another VLAN reaches V's probes, whatever the path. */
static int check_isolation(const struct hn_verify_matrix *m, unsigned v,
			   struct hn_verify_checks *out)
{
	const struct hn_verify_probe_plan *p = m->plan;
	int probes[2] = {hn_verify_probe_plan_side(p, v, 'a'),
			 hn_verify_probe_plan_side(p, v, 'b')};
	bool trunk = hn_vlanset_has(&p->matrix_vlans, v);
	struct hn_vlanset leaked = {0}, leak_tags = {0}, own_tags = {0};
	bool by[2] = {false, false}, own_by[2] = {false, false};
	char name[64], expected[64], set[HN_VLANSET_STRLEN], tags[HN_VLANSET_STRLEN];
	static const char *const who[] = {"none", "a", "b", "a and b"};
	struct text t = {0};

	snprintf(name, sizeof(name), "vlan %u isolation", v);
	snprintf(expected, sizeof(expected), "frames of VLAN %u only", v);
	for (size_t e = 0; e < p->n_emissions; e++) {
		const struct hn_verify_emission *em = &p->emissions[e];

		/* Frames a trunk must drop are its ingress check's business. */
		if (!em->admitted)
			continue;
		for (int i = 0; i < 2; i++) {
			const struct hn_verify_hearing *h =
			    hn_verify_matrix_at(m, (size_t)probes[i], e);

			if (em->vlan != v && heard_on(p, h, (size_t)probes[i], v)) {
				hn_vlanset_add(&leaked, em->vlan);
				if (!trunk)
					tags_of(h, &leak_tags);
				by[i] = true;
			} else if (em->vlan == v && h->tagged && !trunk) {
				/* Its own VLAN, tagged, on an access port. */
				tags_of(h, &own_tags);
				own_by[i] = true;
			}
		}
	}
	if (!hn_vlanset_empty(&leaked)) {
		hn_vlanset_format(&leaked, set, sizeof(set));
		text_add(&t, "frames of VLAN%s %s reach VLAN %u (heard by %s %s%s%s)",
			 hn_vlanset_count(&leaked) > 1 ? "s" : "", set, v,
			 trunk ? "matrix trunk" : "probe", who[by[0] + 2 * by[1]],
			 hn_vlanset_empty(&leak_tags) ? "" : ", some tagged ",
			 hn_vlanset_empty(&leak_tags)
			     ? ""
			     : hn_vlanset_format(&leak_tags, tags, sizeof(tags)));
	}
	if (own_by[0] || own_by[1])
		text_add(&t, "probe %s hears VLAN %u frames tagged %s on an access port",
			 who[own_by[0] + 2 * own_by[1]], v,
			 hn_vlanset_format(&own_tags, tags, sizeof(tags)));
	return hn_verify_checks_add(out, t.len ? HN_VERIFY_CHECK_CRITICAL : HN_VERIFY_CHECK_OK,
				    name, expected, "%s", t.len ? t.buf : expected);
}

/* "trunk NAMES": the trunk probe receives its set, each VLAN tagged with its id, and
 * nothing else. */
static int check_trunk_egress(const struct hn_verify_matrix *m, size_t r,
			      struct hn_verify_checks *out)
{
	const struct hn_verify_probe_plan *p = m->plan;
	const struct hn_verify_probe_spec *s = &p->probes[r];
	struct hn_vlanset got = {0}, missing = {0}, extra = {0};
	char name[160], expected[HN_VLANSET_STRLEN + 32], set[HN_VLANSET_STRLEN];
	struct text t = {0};

	snprintf(name, sizeof(name), "trunk %s", s->names);
	hn_vlanset_format(&s->trunks, set, sizeof(set));
	snprintf(expected, sizeof(expected), "VLANs %s tagged, nothing else", set);

	hn_vlanset_foreach (v, &s->trunks) {
		struct hn_vlanset tags = {0};
		size_t want = 0, right = 0, heard = 0;
		bool untagged = false, more = false;
		char buf[HN_VLANSET_STRLEN + 32];

		for (size_t e = 0; e < p->n_emissions; e++) {
			const struct hn_verify_hearing *h = hn_verify_matrix_at(m, r, e);

			if (p->emissions[e].vlan != v || !hn_verify_matrix_expected(p, r, e))
				continue;
			want++;
			right += heard_right(p, h, r, e) && !h->untagged;
			heard += h->untagged || h->tagged;
			untagged |= h->untagged > 0;
			more |= h->more_tags;
			tags_of(h, &tags);
		}
		if (want && right == want)
			hn_vlanset_add(&got, v);
		else if (heard == 0)
			hn_vlanset_add(&missing, v);
		else if (right == heard)
			text_add(&t, "VLAN %u from %zu of its %zu senders only", v, right, want);
		else
			text_add(&t, "VLAN %u arrives %s", v,
				 how_set(untagged, &tags, more, buf, sizeof(buf)));
	}
	for (size_t e = 0; e < p->n_emissions; e++) {
		const struct hn_verify_emission *em = &p->emissions[e];
		const struct hn_verify_hearing *h = hn_verify_matrix_at(m, r, e);

		if (em->admitted && em->probe != r && !hn_vlanset_has(&s->trunks, em->vlan) &&
		    (h->untagged || h->tagged))
			hn_vlanset_add(&extra, em->vlan);
	}
	if (!hn_vlanset_empty(&missing))
		text_add(&t, "missing %s", hn_vlanset_format(&missing, set, sizeof(set)));
	if (!hn_vlanset_empty(&extra))
		text_add(&t, "extra %s", hn_vlanset_format(&extra, set, sizeof(set)));
	if (t.len == 0)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_OK, name, expected, "%s tagged",
					    hn_vlanset_format(&got, set, sizeof(set)));
	/* Lead with what does work, then the faults. */
	if (!hn_vlanset_empty(&got))
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, name, expected,
					    "%s tagged; %s",
					    hn_vlanset_format(&got, set, sizeof(set)), t.buf);
	return hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, name, expected, "%s", t.buf);
}

/* "trunk NAMES ingress": what the trunk probe tags with a VLAN of its set reaches that
 * VLAN's access probes; what it tags with any other VLAN reaches nobody. */
static int check_trunk_ingress(const struct hn_verify_matrix *m, size_t t_probe,
			       struct hn_verify_checks *out)
{
	const struct hn_verify_probe_plan *p = m->plan;
	const struct hn_verify_probe_spec *s = &p->probes[t_probe];
	struct hn_vlanset undelivered = {0}, admitted = {0};
	char name[176], expected[HN_VLANSET_STRLEN + 64], set[HN_VLANSET_STRLEN];
	size_t dropped = 0;
	struct text t = {0};

	snprintf(name, sizeof(name), "trunk %s ingress", s->names);
	hn_vlanset_format(&s->trunks, set, sizeof(set));
	snprintf(expected, sizeof(expected), "tags %s delivered to their VLANs, other tags dropped",
		 set);
	for (size_t e = 0; e < p->n_emissions; e++) {
		const struct hn_verify_emission *em = &p->emissions[e];
		bool anyone = false;

		if (em->probe != t_probe)
			continue;
		for (size_t r = 0; r < p->n_probes; r++) {
			const struct hn_verify_hearing *h = hn_verify_matrix_at(m, r, e);

			/* The VLAN's own probes: access probes, or the matrix trunks. */
			bool own = p->probes[r].kind == HN_VERIFY_PROBE_ACCESS
				       ? p->probes[r].vlan == em->vlan
				       : p->probes[r].matrix &&
					     hn_vlanset_has(&p->probes[r].trunks, em->vlan);

			if (em->admitted && own && !heard_right(p, h, r, e))
				hn_vlanset_add(&undelivered, em->vlan);
			if (!em->admitted && heard_at_all(h))
				anyone = true;
		}
		if (!em->admitted && anyone)
			hn_vlanset_add(&admitted, em->vlan);
		else if (!em->admitted)
			dropped++;
	}
	if (!hn_vlanset_empty(&undelivered))
		text_add(&t, "tags %s not delivered to their VLAN's probes",
			 hn_vlanset_format(&undelivered, set, sizeof(set)));
	if (!hn_vlanset_empty(&admitted))
		text_add(&t, "tags %s outside the set admitted",
			 hn_vlanset_format(&admitted, set, sizeof(set)));
	if (t.len)
		return hn_verify_checks_add(out, HN_VERIFY_CHECK_CRITICAL, name, expected, "%s",
					    t.buf);
	return hn_verify_checks_add(out, HN_VERIFY_CHECK_OK, name, expected,
				    "%s delivered; %zu other tag(s) dropped",
				    hn_vlanset_format(&s->trunks, set, sizeof(set)), dropped);
}

int hn_verify_matrix_evaluate(const struct hn_verify_matrix *m, struct hn_verify_checks *out)
{
	const struct hn_verify_probe_plan *p = m->plan;
	int r = 0;

	hn_vlanset_foreach (v, &p->vlans) {
		if (r == 0)
			r = check_forwarding(m, v, out);
		if (r == 0)
			r = check_isolation(m, v, out);
	}
	for (size_t i = 0; i < p->n_probes && r == 0; i++) {
		if (p->probes[i].kind != HN_VERIFY_PROBE_TRUNK || p->probes[i].matrix)
			continue;
		r = check_trunk_egress(m, i, out);
		if (r == 0)
			r = check_trunk_ingress(m, i, out);
	}
	return r;
}
