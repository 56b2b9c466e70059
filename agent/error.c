// SPDX-License-Identifier: GPL-2.0-or-later
#include "error.h"

#include <stdio.h>
#include <string.h>

static char message[1024];
int hn_verbosity;

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

/* Through a copy: callers pass the last message in as an argument ("...; rolling back FAILED
 * too (%s)", hn_errmsg()), and vsnprintf must not write over what it is reading. */
int hn_verr(int err, const char *fmt, va_list ap)
{
	char text[sizeof(message)];

	vsnprintf(text, sizeof(text), fmt, ap);
	one_line(text);
	memcpy(message, text, sizeof(message));
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
	return message[0] ? message : NULL;
}

void hn_err_clear(void)
{
	message[0] = '\0';
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
