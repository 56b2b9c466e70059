/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One error message per failure, written where the failure is understood and printed once,
 * at the top (main). Functions return a negative errno; the text explains it.
 */
#ifndef HOSTNET_ERROR_H
#define HOSTNET_ERROR_H

#include <stdarg.h>

/* Record "what failed and why" and return err (a negative errno) so callers can
 * `return hn_err(-ENOENT, "%s: no such bridge", name);`. A later call replaces the text.
 * The text is kept on one line: line feeds become spaces, other control bytes '?'. */
int hn_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hn_verr(int err, const char *fmt, va_list ap);
const char *hn_errmsg(void);
void hn_err_clear(void);

/* -v: progress on stderr for people debugging a host. */
extern int hn_verbosity;
void hn_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
