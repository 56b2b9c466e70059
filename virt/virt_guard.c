// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Why shutdown(2) on the sockets, measured against a SIGSTOPped libvirtd 9.0 (a call made
 * after the connect, bound 1 to 5 s):
 * - keepalive (virConnectSetKeepAlive) needs libvirt's event loop running in a thread and
 *   counts whole seconds from the last packet received: (count + 1) * interval s, so 1.0 s
 *   at best and 4.0 to 5.0 s for count 4, never 500 ms;
 * - virConnectClose from another thread does not wake the blocked call (it only drops a
 *   reference, or frees the connection under it);
 * - SIGALRM: libvirt's poll loop restarts on EINTR, the call stays blocked;
 * - shutdown(SHUT_RDWR) of the connection's socket: the call fails within a millisecond of
 *   the deadline ("End of file while reading data"), and later calls fail at once.
 * The guard owns duplicates of the sockets, so it never acts on a descriptor number that
 * libvirt has closed and the process reused.
 *
 * A call cut while libvirt still had bytes to send makes its next write fail with EPIPE:
 * SIGPIPE is ignored from libvirt's initialisation on (virt_conn.c), so that is an error
 * like any other.
 */
#include "virt_guard.h"
#include "error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct hn_virt_guard {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int timeout_ms;
	int *socks; /* our duplicates */
	size_t n_socks;
	/* Under lock: */
	bool armed, stop;
	bool watching; /* the watcher sleeps until a deadline, and looks again then */
	struct timespec deadline;
	const char *call;    /* the call armed last */
	const char *stalled; /* the call that overran */
};

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int hn_virt_fd_list_now(struct hn_virt_fd_list *out)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	size_t cap = 0;

	out->fds = NULL;
	out->n = 0;
	if (!d)
		return hn_err(-errno,
			      "cannot list this process's open files in /proc/self/fd (%s), which "
			      "bounding libvirt calls needs: is /proc mounted?",
			      strerror(errno));
	while ((e = readdir(d))) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);

		if (e->d_name[0] == '.' || *end || fd == dirfd(d))
			continue;
		if (out->n == cap) {
			int *more = realloc(out->fds, (cap = cap ? 2 * cap : 32) * sizeof(int));

			if (!more) {
				closedir(d);
				hn_virt_fd_list_free(out);
				return hn_err(-ENOMEM, "out of memory");
			}
			out->fds = more;
		}
		out->fds[out->n++] = (int)fd;
	}
	closedir(d);
	if (out->n)
		qsort(out->fds, out->n, sizeof(int), cmp_int);
	return 0;
}

void hn_virt_fd_list_free(struct hn_virt_fd_list *l)
{
	free(l->fds);
	l->fds = NULL;
	l->n = 0;
}

static bool is_new_socket(const struct hn_virt_fd_list *before, int fd)
{
	struct stat st;

	if (before->n && bsearch(&fd, before->fds, before->n, sizeof(int), cmp_int))
		return false;
	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

size_t hn_virt_fd_cut_new_sockets(const struct hn_virt_fd_list *before)
{
	struct hn_virt_fd_list now;
	size_t cut = 0;

	if (hn_virt_fd_list_now(&now) < 0)
		return 0;
	for (size_t i = 0; i < now.n; i++)
		if (is_new_socket(before, now.fds[i]) && shutdown(now.fds[i], SHUT_RDWR) == 0)
			cut++;
	hn_virt_fd_list_free(&now);
	return cut;
}

static void cut(struct hn_virt_guard *g)
{
	for (size_t i = 0; i < g->n_socks; i++)
		shutdown(g->socks[i], SHUT_RDWR);
}

static bool passed(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void *watch(void *arg)
{
	struct hn_virt_guard *g = arg;

	pthread_mutex_lock(&g->lock);
	while (!g->stop) {
		if (g->armed && passed(&g->deadline)) {
			cut(g);
			g->armed = false;
			g->stalled = g->call;
		} else if (g->armed) {
			/* A copy: an arm meanwhile moves g->deadline later, and we look again
			 * when this one passes. */
			struct timespec until = g->deadline;

			g->watching = true;
			pthread_cond_timedwait(&g->cond, &g->lock, &until);
			g->watching = false;
		} else {
			pthread_cond_wait(&g->cond, &g->lock);
		}
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

/* Duplicates of the sockets open now and not before. */
static int take_sockets(struct hn_virt_guard *g, const struct hn_virt_fd_list *before)
{
	struct hn_virt_fd_list now;
	int r = hn_virt_fd_list_now(&now);

	if (r < 0)
		return r;
	g->socks = calloc(now.n + 1, sizeof(int));
	if (!g->socks)
		r = hn_err(-ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < now.n; i++) {
		int fd;

		if (!is_new_socket(before, now.fds[i]))
			continue;
		fd = fcntl(now.fds[i], F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			r = hn_err(-errno, "libvirt: cannot keep a hold on its socket: %s",
				   strerror(errno));
		else
			g->socks[g->n_socks++] = fd;
	}
	hn_virt_fd_list_free(&now);
	return r;
}

static void guard_free(struct hn_virt_guard *g)
{
	for (size_t i = 0; i < g->n_socks; i++)
		close(g->socks[i]);
	free(g->socks);
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

int hn_virt_guard_start(const struct hn_virt_fd_list *before, int timeout_ms,
			struct hn_virt_guard **out)
{
	struct hn_virt_guard *g = calloc(1, sizeof(*g));
	pthread_condattr_t attr;
	int r;

	*out = NULL;
	if (!g || pthread_condattr_init(&attr)) {
		free(g);
		return hn_err(-ENOMEM, "out of memory");
	}
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cond, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&g->lock, NULL);
	g->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
	r = take_sockets(g, before);
	if (r == 0 && pthread_create(&g->thread, NULL, watch, g))
		r = hn_err(-EAGAIN, "libvirt: cannot start a thread to bound its calls");
	if (r < 0) {
		guard_free(g);
		return r;
	}
	hn_debug("libvirt: each call bounded by %d ms (%zu socket(s) guarded)", g->timeout_ms,
		 g->n_socks);
	*out = g;
	return 0;
}

void hn_virt_guard_stop(struct hn_virt_guard *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->stop = true;
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->lock);
	pthread_join(g->thread, NULL);
	guard_free(g);
}

void hn_virt_guard_arm(struct hn_virt_guard *g, const char *call)
{
	struct timespec *t = &g->deadline;

	pthread_mutex_lock(&g->lock);
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += g->timeout_ms / 1000;
	t->tv_nsec += (long)(g->timeout_ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
	g->call = call;
	g->armed = true;
	/* Deadlines only move later: a watcher asleep until an earlier one wakes then and sleeps
	 * on to this one. Only an idle watcher needs waking, so a run of calls costs no
	 * context switch each. */
	if (!g->watching)
		pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

void hn_virt_guard_disarm(struct hn_virt_guard *g)
{
	pthread_mutex_lock(&g->lock);
	g->armed = false;
	pthread_mutex_unlock(&g->lock);
}

const char *hn_virt_guard_stalled(struct hn_virt_guard *g)
{
	const char *call;

	pthread_mutex_lock(&g->lock);
	call = g->stalled;
	pthread_mutex_unlock(&g->lock);
	return call;
}

int hn_virt_guard_timeout(const struct hn_virt_guard *g)
{
	return g->timeout_ms;
}
