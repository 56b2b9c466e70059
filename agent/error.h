/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One error message per failure, written where the failure is understood and printed once,
 * at the top (main). Functions return a negative errno; the text explains it.
 *
 * The text lives in an error context that whoever needs it declares, usually on its stack.
 * hn_err() writes to this thread's innermost context, hn_errmsg() reads it. Something that
 * may fail after a failure that is still to be reported (a rollback, a cancel, a clean-up)
 * runs inside a context of its own, so that the first message stays where it was and the
 * caller composes the line from both:
 *
 *	struct hn_error undo;
 *
 *	hn_err_push(&undo);
 *	u = rollback(...);
 *	hn_err_pop(&undo);
 *	if (u < 0)
 *		return hn_err(r, "%s; rolling back FAILED too (%s)", hn_errmsg(), undo.msg);
 *
 * Outside any pushed context, messages go to the thread's own.
 */
#ifndef HOSTNET_ERROR_H
#define HOSTNET_ERROR_H

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

struct hn_error {
	char msg[1024];		/* one line; "" until hn_err writes one */
	struct hn_error *outer; /* the context it was pushed over (error.c's) */
};

/* From push to pop, e is the innermost context: it starts empty and takes what hn_err
 * writes. Pop e (it must be the innermost) and its outer one is again, unchanged; e keeps
 * its message. As with any message, read it only when the call failed: one that succeeds
 * may leave the text of a failure it got past (a first candidate that was not it). */
void hn_err_push(struct hn_error *e);
void hn_err_pop(struct hn_error *e);

/* Record "what failed and why" in the innermost context and return err (a negative errno)
 * so callers can `return hn_err(-ENOENT, "%s: no such bridge", name);`. A later call
 * replaces the text, and may quote it: hn_err(r, "%s: %s", name, hn_errmsg()).
 * The text is kept on one line: line feeds become spaces, other control bytes '?'. */
int hn_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int hn_verr(int err, const char *fmt, va_list ap);
/* The innermost context's message, NULL while it has none. */
const char *hn_errmsg(void);
void hn_err_clear(void);

/* -v: progress on stderr for people debugging a host. */
extern int hn_verbosity;
void hn_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Clean-up on scope exit, in systemd's style, for functions with several ways out:
 *
 *	_cleanup_free_ char *buf = NULL;
 *	_cleanup_close_ int fd = -1;
 *	...
 *	return hn_err(...);	(buf freed, fd closed)
 *	...
 *	*out = TAKE_PTR(buf);	(the caller owns it now: not freed on return)
 *
 * A variable so marked is initialised where it is declared. jansson has its own,
 * json_auto_t; a library declares the helpers of its own types with HN_DEFINE_CLEANUP, in
 * its own headers, so that this one needs no library's.
 */
#define _cleanup_(f) __attribute__((cleanup(f)))

/* static inline void name(type *p): free_fn(*p) unless it is NULL. */
#define HN_DEFINE_CLEANUP(name, type, free_fn)                                                     \
	static inline void name(type *p)                                                           \
	{                                                                                          \
		if (*p)                                                                            \
			free_fn(*p);                                                               \
	}

static inline void hn_freep(void *p)
{
	free(*(void **)p);
}

/* errno as it was: the clean-up runs on the way out, and the caller may still read it. */
static inline void hn_closep(int *fd)
{
	int saved = errno;

	if (*fd >= 0)
		close(*fd);
	errno = saved;
}

#define _cleanup_free_	_cleanup_(hn_freep)
#define _cleanup_close_ _cleanup_(hn_closep)

/* The value of a _cleanup_ variable, which no longer owns it (left NULL). */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) *take_ = &(p);                                                       \
		__typeof__(p) taken_ = *take_;                                                     \
		*take_ = NULL;                                                                     \
		taken_;                                                                            \
	})

#endif
