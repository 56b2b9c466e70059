// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bytes -> a tree of YAML nodes, with every position kept (libyaml's marks are 0-based;
 * ours are 1-based). Everything that is wrong with the file as YAML is refused here, so
 * config.c only has to deal with the schema: not text, syntax errors, aliases (they would
 * turn the tree into a graph, even a cycle), non-scalar keys, duplicate keys at any level.
 */
#include "config_impl.h"
#include "error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct loader {
	const char *name;
	const unsigned char *buf;
	size_t len;
	yaml_parser_t parser;
};

static struct hn_pos pos_of(yaml_mark_t m)
{
	return (struct hn_pos){.line = (unsigned)m.line + 1, .col = (unsigned)m.column + 1};
}

/* The line and column of byte `offset`, counting columns in characters as libyaml does. */
static struct hn_pos pos_at(const unsigned char *buf, size_t len, size_t offset)
{
	struct hn_pos p = {1, 1};

	for (size_t i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
			p.line++;
			p.col = 1;
		} else if ((buf[i] & 0xc0) != 0x80) {
			p.col++;
		}
	}
	return p;
}

/* A config is UTF-8 text: a NUL or a broken sequence means someone pointed -c at a
 * binary (or a UTF-16 file), and libyaml's own words for that would not say so. */
static int check_text(const char *name, const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = buf[i] ? hn_utf8_len(buf + i, len - i) : 0;

		if (n == 0) {
			struct hn_pos p = pos_at(buf, len, i);

			if (buf[i] == 0)
				return hn_err(
				    -EINVAL,
				    "%s:%u:%u: a NUL byte: this is not a text file, expected "
				    "YAML text",
				    name, p.line, p.col);
			return hn_err(
			    -EINVAL,
			    "%s:%u:%u: byte 0x%02x is not valid UTF-8: this is not a text "
			    "file, expected YAML text in UTF-8",
			    name, p.line, p.col, buf[i]);
		}
		i += n;
	}
	return 0;
}

static int syntax_error(struct loader *l)
{
	const yaml_parser_t *y = &l->parser;
	const char *problem = y->problem ? y->problem : "unknown error";
	struct hn_pos p;

	switch (y->error) {
	case YAML_MEMORY_ERROR:
		return hn_err(-ENOMEM, "%s: out of memory", l->name);
	case YAML_READER_ERROR:
		p = pos_at(l->buf, l->len, y->problem_offset);
		return hn_err(-EINVAL, "%s:%u:%u: %s, expected YAML text", l->name, p.line, p.col,
			      problem);
	default:
		break;
	}
	p = pos_of(y->problem_mark);
	if (y->context) {
		struct hn_pos c = pos_of(y->context_mark);

		return hn_err(-EINVAL, "%s:%u:%u: YAML syntax error: %s (%s at line %u, column %u)",
			      l->name, p.line, p.col, problem, y->context, c.line, c.col);
	}
	return hn_err(-EINVAL, "%s:%u:%u: YAML syntax error: %s", l->name, p.line, p.col, problem);
}

static int next_event(struct loader *l, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&l->parser, ev))
		return syntax_error(l);
	return 0;
}

static int bad(struct loader *l, struct hn_pos p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct loader *l, struct hn_pos p, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return hn_err(-EINVAL, "%s:%u:%u: %s", l->name, p.line, p.col, what);
}

static bool is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	       strcmp(v, "NULL") == 0;
}

static int check_keys(struct loader *l, const struct hn_node *map)
{
	struct hn_name_ref *refs;
	const struct hn_name_ref *first, *again;
	int r = 0;

	if (map->n < 2)
		return 0;
	refs = calloc(map->n, sizeof(*refs));
	if (!refs)
		return hn_err(-ENOMEM, "%s: out of memory", l->name);
	for (size_t i = 0; i < map->n; i++)
		refs[i] = (struct hn_name_ref){.name = map->items[2 * i].value,
					       .pos = map->items[2 * i].pos};
	if (hn_find_duplicate(refs, map->n, &first, &again)) {
		char q[HN_QUOTE_MAX];

		r = hn_err(-EINVAL,
			   "%s:%u:%u: duplicate key '%s' (first at line %u, column %u), expected "
			   "each key once in a mapping",
			   l->name, again->pos.line, again->pos.col, hn_quote(again->name, q),
			   first->pos.line, first->pos.col);
	}
	free(refs);
	return r;
}

static int load_node(struct loader *l, yaml_event_t *ev, unsigned depth, struct hn_node *out);

/* The items of a sequence or mapping, up to its end event. */
static int load_children(struct loader *l, unsigned depth, struct hn_node *out)
{
	yaml_event_type_t end =
	    out->kind == HN_NODE_MAP ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
	size_t cap = 0, count = 0;

	for (;;) {
		yaml_event_t ev;
		int r = next_event(l, &ev);

		if (r < 0)
			return r;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			break;
		}
		if (count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct hn_node *items = realloc(out->items, ncap * sizeof(*items));

			if (!items) {
				yaml_event_delete(&ev);
				return hn_err(-ENOMEM, "%s: out of memory", l->name);
			}
			/* Zeroed ahead, so a map's value slot is clean before it is loaded. */
			memset(items + cap, 0, (ncap - cap) * sizeof(*items));
			out->items = items;
			cap = ncap;
		}
		count++;
		/* Counted before it is loaded, so a failure half-way still frees it. */
		out->n = out->kind == HN_NODE_MAP ? (count + 1) / 2 : count;
		if (out->kind == HN_NODE_MAP && count % 2 == 1 && ev.type != YAML_SCALAR_EVENT &&
		    ev.type != YAML_ALIAS_EVENT) {
			struct hn_pos p = pos_of(ev.start_mark);
			const char *kind = ev.type == YAML_MAPPING_START_EVENT ? "mapping" : "list";

			yaml_event_delete(&ev);
			return bad(l, p, "a %s as a key, expected a plain name as the key", kind);
		}
		r = load_node(l, &ev, depth + 1, &out->items[count - 1]);
		yaml_event_delete(&ev);
		if (r < 0)
			return r;
	}
	return out->kind == HN_NODE_MAP ? check_keys(l, out) : 0;
}

static int load_node(struct loader *l, yaml_event_t *ev, unsigned depth, struct hn_node *out)
{
	out->pos = pos_of(ev->start_mark);
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		out->kind = HN_NODE_SCALAR;
		/* "\0" in a double-quoted scalar would cut every string we make from it. */
		if (strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length)
			return bad(l, out->pos, "a NUL character in a value, expected text");
		out->value = strdup((const char *)ev->data.scalar.value);
		if (!out->value)
			return hn_err(-ENOMEM, "%s: out of memory", l->name);
		out->is_null = is_null(ev);
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		out->kind = ev->type == YAML_MAPPING_START_EVENT ? HN_NODE_MAP : HN_NODE_SEQ;
		if (depth >= HN_CONFIG_MAX_DEPTH)
			return bad(
			    l, out->pos,
			    "nested too deep, expected at most %u levels of lists and mappings",
			    HN_CONFIG_MAX_DEPTH);
		return load_children(l, depth, out);
	case YAML_ALIAS_EVENT: {
		char q[HN_QUOTE_MAX];

		return bad(l, out->pos, "an alias (*%s), expected values written out in full",
			   hn_quote((const char *)ev->data.alias.anchor, q));
	}
	default:
		/* libyaml only yields nodes here; anything else would be its bug. */
		return bad(l, out->pos, "unexpected YAML event %d", (int)ev->type);
	}
}

static int load_stream(struct loader *l, struct hn_node *root)
{
	yaml_event_t ev;
	int r;

	r = next_event(l, &ev); /* STREAM-START */
	if (r < 0)
		return r;
	yaml_event_delete(&ev);
	r = next_event(l, &ev);
	if (r < 0)
		return r;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		return hn_err(-EINVAL,
			      "%s:1:1: the file has only comments or blank lines, expected a YAML "
			      "mapping (ovs, bridges, ovn, libvirt, verify)",
			      l->name);
	}
	yaml_event_delete(&ev); /* DOCUMENT-START */
	r = next_event(l, &ev);
	if (r < 0)
		return r;
	r = load_node(l, &ev, 0, root);
	yaml_event_delete(&ev);
	if (r < 0)
		return r;
	r = next_event(l, &ev); /* DOCUMENT-END */
	if (r < 0)
		return r;
	yaml_event_delete(&ev);
	r = next_event(l, &ev);
	if (r < 0)
		return r;
	if (ev.type != YAML_STREAM_END_EVENT) {
		struct hn_pos p = pos_of(ev.start_mark);

		yaml_event_delete(&ev);
		return bad(l, p, "a second YAML document, expected one document per file");
	}
	yaml_event_delete(&ev);
	return 0;
}

int hn_tree_load(const char *name, const char *buf, size_t len, struct hn_node *root)
{
	struct loader l = {.name = name, .buf = (const unsigned char *)buf, .len = len};
	int r;

	memset(root, 0, sizeof(*root));
	if (len == 0)
		return hn_err(-EINVAL,
			      "%s:1:1: the file is empty, expected a YAML mapping (ovs, bridges, "
			      "libvirt, verify)",
			      name);
	if (len > HN_CONFIG_MAX_BYTES)
		return hn_err(-EFBIG, "%s: the file is over %u bytes, expected a config file", name,
			      HN_CONFIG_MAX_BYTES);
	r = check_text(name, l.buf, len);
	if (r < 0)
		return r;
	if (!yaml_parser_initialize(&l.parser))
		return hn_err(-ENOMEM, "%s: out of memory", name);
	yaml_parser_set_input_string(&l.parser, l.buf, len);
	yaml_parser_set_encoding(&l.parser, YAML_UTF8_ENCODING);
	r = load_stream(&l, root);
	yaml_parser_delete(&l.parser);
	if (r < 0)
		hn_tree_free(root);
	return r;
}

void hn_tree_free(struct hn_node *n)
{
	for (size_t i = 0; i < (n->kind == HN_NODE_MAP ? 2 * n->n : n->n); i++)
		hn_tree_free(&n->items[i]);
	free(n->items);
	free(n->value);
	memset(n, 0, sizeof(*n));
}
