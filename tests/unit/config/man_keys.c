// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * man_keys MAN.scd: hostnet.yaml(5) and the parser name the same keys.
 *
 * The parser's keys come from its own key tables (hn_config_keys: every table the parser
 * walks a mapping with is listed there by construction); the page's keys are its key
 * headers, the lines that are "*PATH*" and nothing else. Each key missing from the page,
 * and each page key the parser does not accept, is one line on stderr; exit 1 when any.
 * `man_keys --list` prints the parser's key paths.
 */
#include "config_impl.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEYS 256

struct keys {
	char *v[MAX_KEYS];
	size_t n;
	bool full;
};

static void add(struct keys *k, char *path)
{
	if (!path || k->n == MAX_KEYS) {
		k->full = true;
		free(path);
		return;
	}
	k->v[k->n++] = path;
}

static void add_parser_key(const char *where, const char *key, void *arg)
{
	char *path = NULL;

	if (asprintf(&path, "%s%s%s", where, *where ? "." : "", key) < 0)
		path = NULL;
	add(arg, path);
}

static bool has(const struct keys *k, const char *path)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i], path) == 0)
			return true;
	return false;
}

/* "*bridges.BRIDGE.uplink*" alone on its line: a key header of the page. */
static char *key_header(char *line)
{
	size_t len = strlen(line);

	while (len && isspace((unsigned char)line[len - 1]))
		line[--len] = '\0';
	if (len < 3 || line[0] != '*' || line[len - 1] != '*' || !islower((unsigned char)line[1]))
		return NULL;
	for (size_t i = 1; i < len - 1; i++)
		if (!isalnum((unsigned char)line[i]) && !strchr("._-[]", line[i]))
			return NULL;
	line[len - 1] = '\0';
	return line + 1;
}

static int page_keys(const char *file, struct keys *k)
{
	FILE *f = fopen(file, "r");
	char *line = NULL, *key;
	size_t cap = 0;

	if (!f) {
		perror(file);
		return -1;
	}
	while (getline(&line, &cap, f) > 0)
		if ((key = key_header(line)))
			add(k, strdup(key));
	free(line);
	fclose(f);
	return 0;
}

static void keys_free(struct keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->v[i]);
}

static int compare(const char *file, struct keys *parser)
{
	struct keys page = {0};
	int bad = 0;

	if (page_keys(file, &page) < 0)
		return 1;
	/* A parser without keys would make this test pass by saying nothing. */
	if (parser->n == 0 || parser->full || page.full) {
		fprintf(stderr, "man_keys: %zu parser keys, %zu page keys: cannot compare\n",
			parser->n, page.n);
		keys_free(&page);
		return 1;
	}
	for (size_t i = 0; i < parser->n; i++)
		if (!has(&page, parser->v[i]) && ++bad)
			fprintf(stderr, "%s: key %s is accepted by the parser but not documented\n",
				file, parser->v[i]);
	for (size_t i = 0; i < page.n; i++)
		if (!has(parser, page.v[i]) && ++bad)
			fprintf(stderr,
				"%s: key %s is documented but the parser does not accept it\n",
				file, page.v[i]);
	printf("%zu keys accepted by the parser, %zu documented, %d mismatch(es)\n", parser->n,
	       page.n, bad);
	keys_free(&page);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct keys parser = {0};
	int r = 2;

	hn_config_keys(add_parser_key, &parser);
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < parser.n; i++)
			puts(parser.v[i]);
		r = parser.full;
	} else if (argc == 2) {
		r = compare(argv[1], &parser);
	} else {
		fprintf(stderr, "usage: man_keys hostnet.yaml.5.scd | --list\n");
	}
	keys_free(&parser);
	return r;
}
