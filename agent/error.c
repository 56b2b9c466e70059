// SPDX-License-Identifier: GPL-2.0-or-later
#include "error.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* The thread's own context, below any pushed one; and the innermost (NULL: its own). */
static _Thread_local struct hn_error root;
static _Thread_local struct hn_error *top;
int hn_verbosity;

static struct hn_error *innermost(void)
{
	return top ? top : &root;
}

void hn_err_push(struct hn_error *e)
{
	e->msg[0] = '\0';
	e->outer = top;
	top = e;
}

/* A pop out of order would leave hn_err writing into a context that has gone out of scope:
 * a bug in the caller, stopped here rather than found as a corrupted stack later. */
void hn_err_pop(struct hn_error *e)
{
	assert(top == e);
	top = e->outer;
	e->outer = NULL;
}

/* A message is one line whatever the daemons put in it: libxml2's own messages, an
 * ovsdb-server error's details and the kernel's extended ack can hold line feeds. They
 * become spaces, other control bytes '?', and the trailing blanks go. */
static void one_line(char *s)
{
	size_t n = 0;

	for (char *p = s; *p; p++, n++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	}
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

/* Through a buffer of its own: callers quote the message they replace ("libvirt network
 * %s: %s", name, hn_errmsg()), and vsnprintf must not write over what it is reading. */
int hn_verr(int err, const char *fmt, va_list ap)
{
	char text[sizeof(root.msg)];

	vsnprintf(text, sizeof(text), fmt, ap);
	one_line(text);
	memcpy(innermost()->msg, text, sizeof(text));
	return err;
}

int hn_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hn_verr(err, fmt, ap);
	va_end(ap);
	return err;
}

const char *hn_errmsg(void)
{
	const char *msg = innermost()->msg;

	return msg[0] ? msg : NULL;
}

void hn_err_clear(void)
{
	innermost()->msg[0] = '\0';
}

void hn_debug(const char *fmt, ...)
{
	va_list ap;

	if (hn_verbosity <= 0)
		return;
	va_start(ap, fmt);
	fputs("hostnet: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
