// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Network XML, both ways. Documents are built node by node with libxml2 (names from the
 * config are escaped by the serializer, never pasted into a string), and read back into
 * struct hn_virt_netdef with libvirt's own reading of <vlan>, so that "the same meaning"
 * is decided the way libvirt would apply it.
 */
#include "virt_xml.h"
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

/* ---- building ---------------------------------------------------------------------- */

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	return xmlNewChild(parent, NULL, BAD_CAST name, NULL);
}

/* <name attr=value/> under parent; NULL on allocation failure. */
static xmlNodePtr child_with(xmlNodePtr parent, const char *name, const char *attr,
			     const char *value)
{
	xmlNodePtr n = child(parent, name);

	if (n && !xmlNewProp(n, BAD_CAST attr, BAD_CAST value))
		return NULL;
	return n;
}

static int add_tag(xmlNodePtr vlan, unsigned id)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", id);
	return child_with(vlan, "tag", "id", num) ? 0 : -ENOMEM;
}

static int add_portgroup(xmlNodePtr root, const struct hn_portgroup *pg)
{
	xmlNodePtr node = child_with(root, "portgroup", "name", pg->name), vlan;

	if (!node || !(vlan = child(node, "vlan")))
		return -ENOMEM;
	if (!pg->trunk)
		return add_tag(vlan, pg->tag);
	/* trunk='yes' even for a single VLAN: without it, one tag is an access port. */
	if (!xmlNewProp(vlan, BAD_CAST "trunk", BAD_CAST "yes"))
		return -ENOMEM;
	hn_vlanset_foreach (v, &pg->vlans) {
		if (add_tag(vlan, v) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int add_owner_mark(xmlNodePtr root)
{
	xmlNodePtr md = child(root, "metadata"), owner;
	xmlNsPtr ns;

	if (!md || !(owner = child(md, HN_VIRT_OWNER_NAME)))
		return -ENOMEM;
	ns = xmlNewNs(owner, BAD_CAST HN_VIRT_OWNER_NS, BAD_CAST HN_VIRT_OWNER_PREFIX);
	if (!ns)
		return -ENOMEM;
	xmlSetNs(owner, ns);
	return 0;
}

static int build_network(xmlNodePtr root, const struct hn_network *net, const char *uuid)
{
	if (!xmlNewTextChild(root, NULL, BAD_CAST "name", BAD_CAST net->name))
		return -ENOMEM;
	if (uuid && !xmlNewTextChild(root, NULL, BAD_CAST "uuid", BAD_CAST uuid))
		return -ENOMEM;
	if (add_owner_mark(root) < 0 || !child_with(root, "forward", "mode", "bridge") ||
	    !child_with(root, "bridge", "name", net->bridge) ||
	    !child_with(root, "virtualport", "type", "openvswitch"))
		return -ENOMEM;
	for (size_t i = 0; i < net->n_portgroups; i++)
		if (add_portgroup(root, &net->portgroups[i]) < 0)
			return -ENOMEM;
	return 0;
}

static char *serialize(xmlDocPtr doc)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save;
	char *s = NULL;

	if (!buf)
		return NULL;
	save = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
	if (save) {
		long r = xmlSaveDoc(save, doc);

		if (xmlSaveClose(save) >= 0 && r >= 0)
			s = strdup((const char *)xmlBufferContent(buf));
	}
	xmlBufferFree(buf);
	return s;
}

char *hn_virt_xml_build(const struct hn_network *net, const char *uuid)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = doc ? xmlNewNode(NULL, BAD_CAST "network") : NULL;
	char *s = NULL;

	if (root) {
		xmlDocSetRootElement(doc, root);
		if (build_network(root, net, uuid) == 0)
			s = serialize(doc);
	}
	xmlFreeDoc(doc);
	if (!s)
		hn_err(-ENOMEM, "network %s: building its XML: out of memory", net->name);
	return s;
}

/* ---- reading ----------------------------------------------------------------------- */

static bool is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !n->ns && xmlStrEqual(n->name, BAD_CAST name);
}

static char *prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
	char *s;

	if (!v)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

/* libvirt reads "yes"/"no" without regard to case. */
static bool prop_is(xmlNodePtr n, const char *name, const char *value)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
	bool is = v && strcasecmp((const char *)v, value) == 0;

	xmlFree(v);
	return is;
}

static bool has_prop(xmlNodePtr n, const char *name)
{
	return xmlHasNsProp(n, BAD_CAST name, NULL) != NULL;
}

static char *text(xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s;

	if (!v)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

static int parse_tag(xmlNodePtr tag, const char *pgname, unsigned *id)
{
	xmlChar *v = xmlGetNoNsProp(tag, BAD_CAST "id");
	unsigned long n = 0;
	char *end = NULL;
	int r = 0;

	if (v) {
		errno = 0;
		n = strtoul((const char *)v, &end, 10);
	}
	if (!v || end == (char *)v || *end || errno || n > 4095)
		r = hn_err(-EINVAL, "portgroup %s: <tag> without a VLAN id 0-4095 (id='%s')",
			   pgname, v ? (const char *)v : "");
	xmlFree(v);
	*id = (unsigned)n;
	return r;
}

/* libvirt's reading of <vlan> (virNetDevVlanParse): trunk='yes' makes a trunk, and so do
 * several tags without a trunk attribute; one tag without it is an access port. */
static int parse_vlan(xmlNodePtr vlan, struct hn_virt_pg *pg)
{
	unsigned ntags = 0;

	if (has_prop(vlan, "nativeMode"))
		pg->native = true;
	for (xmlNodePtr t = vlan->children; t; t = t->next) {
		unsigned id;

		if (!is_elem(t, "tag"))
			continue;
		if (parse_tag(t, pg->name, &id) < 0)
			return -EINVAL;
		if (has_prop(t, "nativeMode"))
			pg->native = true;
		hn_vlanset_add(&pg->vlans, id);
		ntags++;
	}
	pg->has_vlan = ntags > 0;
	pg->trunk = has_prop(vlan, "trunk") ? prop_is(vlan, "trunk", "yes") : ntags > 1;
	return 0;
}

static const struct hn_virt_pg *find_pg(const struct hn_virt_netdef *d, const char *name);

static int parse_portgroup(xmlNodePtr node, struct hn_virt_netdef *d)
{
	char *name = prop(node, "name");
	struct hn_virt_pg *v, *pg;

	if (!name && !(name = strdup("")))
		return -ENOMEM;
	/* libvirt takes the first portgroup of a name (virPortGroupFindByName) and accepts
	 * more: a later one is never used, so it means nothing. */
	if (find_pg(d, name)) {
		free(name);
		return 0;
	}
	v = realloc(d->pgs, (d->n_pgs + 1) * sizeof(*v));
	if (!v) {
		free(name);
		return -ENOMEM;
	}
	d->pgs = v;
	pg = &d->pgs[d->n_pgs++];
	memset(pg, 0, sizeof(*pg));
	pg->name = name;
	/* libvirt reads the first <vlan> only. */
	for (xmlNodePtr c = node->children; c; c = c->next)
		if (is_elem(c, "vlan"))
			return parse_vlan(c, pg);
	return 0;
}

static bool is_owner_mark(xmlNodePtr n)
{
	return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       xmlStrEqual(n->ns->href, BAD_CAST HN_VIRT_OWNER_NS) &&
	       xmlStrEqual(n->name, BAD_CAST HN_VIRT_OWNER_NAME);
}

static int parse_network(xmlNodePtr root, struct hn_virt_netdef *d)
{
	d->forward = strdup("none");
	if (!d->forward)
		return -ENOMEM;
	for (xmlNodePtr c = root->children; c; c = c->next) {
		int r = 0;

		if (is_elem(c, "name")) {
			free(d->name);
			r = (d->name = text(c)) ? 0 : -ENOMEM;
		} else if (is_elem(c, "uuid")) {
			free(d->uuid);
			r = (d->uuid = text(c)) ? 0 : -ENOMEM;
		} else if (is_elem(c, "forward")) {
			free(d->forward);
			/* <forward/> without a mode is NAT, libvirt's default. */
			d->forward = prop(c, "mode");
			if (!d->forward)
				d->forward = strdup("nat");
			r = d->forward ? 0 : -ENOMEM;
		} else if (is_elem(c, "bridge")) {
			free(d->bridge);
			d->bridge = prop(c, "name");
		} else if (is_elem(c, "virtualport")) {
			free(d->virtualport);
			d->virtualport = prop(c, "type");
		} else if (is_elem(c, "portgroup")) {
			r = parse_portgroup(c, d);
		} else if (is_elem(c, "metadata")) {
			for (xmlNodePtr m = c->children; m; m = m->next)
				d->owned |= is_owner_mark(m);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static xmlDocPtr read_doc(const char *xml, const char *what)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), what, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	if (!doc) {
		const xmlError *e = xmlGetLastError();
		char msg[256];
		size_t n;

		snprintf(msg, sizeof(msg), "%s", e && e->message ? e->message : "not XML");
		n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			msg[--n] = '\0';
		hn_err(-EINVAL, "%s: line %d: %s", what, e ? e->line : 0, msg);
	}
	return doc;
}

int hn_virt_netdef_parse(const char *xml, struct hn_virt_netdef *out)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	int r;

	memset(out, 0, sizeof(*out));
	doc = read_doc(xml, "network XML");
	if (!doc)
		return -EINVAL;
	root = xmlDocGetRootElement(doc);
	if (!root || !is_elem(root, "network"))
		r = hn_err(-EINVAL, "network XML: the root element is not <network>");
	else
		r = parse_network(root, out);
	xmlFreeDoc(doc);
	if (r == -ENOMEM)
		hn_err(r, "network XML: out of memory");
	if (r < 0)
		hn_virt_netdef_free(out);
	return r;
}

void hn_virt_netdef_free(struct hn_virt_netdef *d)
{
	for (size_t i = 0; i < d->n_pgs; i++)
		free(d->pgs[i].name);
	free(d->pgs);
	free(d->name);
	free(d->uuid);
	free(d->forward);
	free(d->bridge);
	free(d->virtualport);
	memset(d, 0, sizeof(*d));
}

/* ---- comparing --------------------------------------------------------------------- */

struct diffs {
	char *buf;
	size_t len, used;
	unsigned n;
	bool cut;
};

static void __attribute__((format(printf, 2, 3))) note(struct diffs *o, const char *fmt, ...)
{
	char one[512];
	const char *sep = o->used ? "; " : "";
	va_list ap;

	o->n++;
	if (o->cut || !o->len)
		return;
	va_start(ap, fmt);
	vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	/* Names come from the document, and the list is one plan line: no control bytes. */
	for (char *p = one; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	/* Keep room for "..." so a cut list says it was cut. */
	if (o->used + strlen(sep) + strlen(one) + 4 <= o->len) {
		o->used += (size_t)snprintf(o->buf + o->used, o->len - o->used, "%s%s", sep, one);
		return;
	}
	o->cut = true;
	snprintf(o->buf + o->used, o->len - o->used, "%s...", sep);
}

static const char *or_none(const char *s)
{
	return s ? s : "none";
}

static bool same_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

static const char *describe_vlans(const struct hn_virt_pg *pg, char *buf, size_t len)
{
	char set[160];

	if (!pg->has_vlan)
		snprintf(buf, len, "no VLAN");
	else
		snprintf(buf, len, "%s %s%s", pg->trunk ? "trunk" : "tag",
			 hn_vlanset_format(&pg->vlans, set, sizeof(set)),
			 pg->native ? " with a native VLAN" : "");
	return buf;
}

static bool same_pg(const struct hn_virt_pg *a, const struct hn_virt_pg *b)
{
	return a->has_vlan == b->has_vlan && a->trunk == b->trunk && a->native == b->native &&
	       hn_vlanset_equal(&a->vlans, &b->vlans);
}

static const struct hn_virt_pg *find_pg(const struct hn_virt_netdef *d, const char *name)
{
	for (size_t i = 0; i < d->n_pgs; i++)
		if (strcmp(d->pgs[i].name, name) == 0)
			return &d->pgs[i];
	return NULL;
}

unsigned hn_virt_netdef_compare(const struct hn_virt_netdef *want,
				const struct hn_virt_netdef *have, bool check_owner, char *buf,
				size_t len)
{
	struct diffs o = {.buf = buf, .len = len};

	if (len)
		buf[0] = '\0';
	if (!same_str(want->forward, have->forward))
		note(&o, "forward mode %s, want %s", or_none(have->forward),
		     or_none(want->forward));
	if (!same_str(want->bridge, have->bridge))
		note(&o, "bridge %s, want %s", or_none(have->bridge), or_none(want->bridge));
	if (!same_str(want->virtualport, have->virtualport))
		note(&o, "virtualport %s, want %s", or_none(have->virtualport),
		     or_none(want->virtualport));
	if (check_owner && want->owned != have->owned)
		note(&o, have->owned ? "owner mark present" : "owner mark missing");
	for (size_t i = 0; i < want->n_pgs; i++) {
		const struct hn_virt_pg *w = &want->pgs[i], *h = find_pg(have, w->name);
		char a[200], b[200];

		if (!h)
			note(&o, "portgroup %s missing", w->name);
		else if (!same_pg(w, h))
			note(&o, "portgroup %s: %s, want %s", w->name,
			     describe_vlans(h, a, sizeof(a)), describe_vlans(w, b, sizeof(b)));
	}
	for (size_t i = 0; i < have->n_pgs; i++)
		if (!find_pg(want, have->pgs[i].name))
			note(&o, "portgroup %s not in the config", have->pgs[i].name);
	return o.n;
}

/* ---- domains ----------------------------------------------------------------------- */

static int count_in_devices(xmlNodePtr devices, const char *name)
{
	int n = 0;

	for (xmlNodePtr i = devices->children; i; i = i->next) {
		/* A running domain shows the interface as type 'bridge' (what the network gave
		 * it), its <source> still naming the network. */
		if (!is_elem(i, "interface"))
			continue;
		for (xmlNodePtr s = i->children; s; s = s->next) {
			xmlChar *net;

			if (!is_elem(s, "source"))
				continue;
			net = xmlGetNoNsProp(s, BAD_CAST "network");
			n += net && strcmp((const char *)net, name) == 0;
			xmlFree(net);
			break;
		}
	}
	return n;
}

int hn_virt_domain_count_ifaces(const char *xml, const char *name)
{
	xmlDocPtr doc = read_doc(xml, "domain XML");
	xmlNodePtr root;
	int n = 0;

	if (!doc)
		return -EINVAL;
	root = xmlDocGetRootElement(doc);
	if (!root || !is_elem(root, "domain")) {
		xmlFreeDoc(doc);
		return hn_err(-EINVAL, "domain XML: the root element is not <domain>");
	}
	for (xmlNodePtr c = root->children; c; c = c->next)
		if (is_elem(c, "devices"))
			n += count_in_devices(c, name);
	xmlFreeDoc(doc);
	return n;
}
