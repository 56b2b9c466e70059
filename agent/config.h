/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostnet.yaml -> struct hn_config, validated whole before anything else runs.
 * On error: returns a negative errno and hn_errmsg() is one line
 * "FILE:LINE:COL: what is wrong and what is expected" (no position for I/O errors).
 */
#ifndef HOSTNET_CONFIG_H
#define HOSTNET_CONFIG_H

#include "model.h"

#include <stdio.h>

int hn_config_load(const char *path, struct hn_config *out);
/* The same, and on success *text (malloc'd, *len bytes) holds the very bytes parsed. */
int hn_config_load_text(const char *path, struct hn_config *out, char **text, size_t *len);
/* The same from memory; `name` stands for the file name in messages (fuzzing, tests). */
int hn_config_parse(const char *name, const char *buf, size_t len, struct hn_config *out);

/* `hostnet check`: the desired state as people read it, or as one JSON document. */
void hn_config_print(FILE *f, const struct hn_config *c);
int hn_config_print_json(FILE *f, const struct hn_config *c);

#endif
