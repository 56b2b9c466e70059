/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The results of `hostnet verify`: one check per line, each with what was expected and what
 * was found, and the plugin status line that monitoring systems read (monitoring-plugins
 * guidelines: "SERVICE STATUS - text | perfdata", exit 0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN).
 */
#ifndef HOSTNET_VERIFY_CHECKS_H
#define HOSTNET_VERIFY_CHECKS_H

#include "backend.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum hn_verify_check_status {
	HN_VERIFY_CHECK_OK = 0,
	HN_VERIFY_CHECK_WARNING = 1,
	HN_VERIFY_CHECK_CRITICAL = 2,
	HN_VERIFY_CHECK_UNKNOWN = 3,
};

struct hn_verify_check {
	enum hn_verify_check_status status;
	char *name;	/* "vlan 10 isolation", "trunk vlansext" */
	char *expected; /* "frames of VLAN 10 only" */
	char *found;	/* "frames of VLAN 10 and 20 (from probe 3)" */
	/* A state check: the object and each field's value read and wanted, as data for
	 * --json (hn_verify_checks_describe). NULL for the probes' checks. */
	struct hn_verify_check_data *data;
};

struct hn_verify_check_data {
	struct hn_object obj;
	bool exists; /* the object was read on the host */
	struct hn_fields fields;
};

struct hn_verify_checks {
	struct hn_verify_check *v;
	size_t n, cap;
};

/* Append a check; found is printf-formatted. -ENOMEM when it cannot be stored. */
int hn_verify_checks_add(struct hn_verify_checks *c, enum hn_verify_check_status status,
			 const char *name, const char *expected, const char *found_fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The last check added is about obj, read (exists) with fields: copied. -ENOMEM. */
int hn_verify_checks_describe(struct hn_verify_checks *c, const struct hn_object *obj, bool exists,
			      const struct hn_fields *fields);
void hn_verify_checks_free(struct hn_verify_checks *c);

const char *hn_verify_check_status_name(enum hn_verify_check_status s);
/* The worst status, ranked CRITICAL > WARNING > UNKNOWN > OK (monitoring-plugins'
 * max_state_alt: a part that could not be checked is not OK). */
enum hn_verify_check_status hn_verify_checks_status(const struct hn_verify_checks *c);
/* a is worse than b, in that ranking. */
bool hn_verify_check_worse(enum hn_verify_check_status a, enum hn_verify_check_status b);
size_t hn_verify_checks_failed(const struct hn_verify_checks *c);

/* The plugin output: status line with perfdata, then one line per check. */
void hn_verify_checks_print(FILE *f, const struct hn_verify_checks *c, double seconds);
/* The same as one JSON document. */
int hn_verify_checks_print_json(FILE *f, const struct hn_verify_checks *c, double seconds);

#endif
