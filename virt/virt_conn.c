// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virConnectOpen has no timeout: against a daemon that accepts the connection but never
 * answers (stopped, deadlocked) it waits forever. So the open runs in a thread that we wait
 * for with a deadline. At the deadline the sockets the open made are shut down
 * (virt_guard.h): the open fails, returns, and is joined. Only an open stuck before it has a
 * socket is left behind (it frees what it holds if it ever returns, and the process exits
 * soon anyway).
 *
 * Once open, the guard bounds every call the same way, from the sockets the open made.
 */
#include "virt_conn.h"
#include "error.h"
#include "virt_xml.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/virterror.h>

/* How long an open whose sockets were shut down at its deadline has to return: it wakes at
 * once; only a thread that never got the CPU needs more. */
#define CUT_GRACE_MS 500

/* libvirt prints every error on stderr unless a handler takes it. Ours drops it: the
 * message stays in libvirt's last error, which hn_virt_err() carries into hn_err. */
static void keep_quiet(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result;

/* No event loop: keepalive was what needed it, and the guard bounds calls without it. */
static void init_libvirt(void)
{
	/* libvirt writes to its daemon's socket with write(): when the daemon has hung up
	 * (restarted, crashed, gone on its idle --timeout) or the guard cut a stalled call,
	 * that raises SIGPIPE, which would kill hostnet without a word, and an `up` without its
	 * rollback. Ignored, the write fails with EPIPE and the call reports it like any other
	 * libvirt error, as libvirt's own clients (virsh) do it. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		init_result = -1;
		return;
	}
	init_result = virInitialize();
	virSetErrorFunc(NULL, keep_quiet);
}

void hn_virt_prepare(void)
{
	pthread_once(&init_once, init_libvirt);
}

const char *hn_virt_stalled(struct hn_virt *v)
{
	return v && v->guard ? hn_virt_guard_stalled(v->guard) : NULL;
}

int hn_virt_err(struct hn_virt *v, int err, const char *fmt, ...)
{
	const char *stalled = hn_virt_stalled(v);
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (stalled && !v->stall_told) {
		v->stall_told = true;
		err = hn_err(-ETIMEDOUT,
			     "%s: libvirtd did not answer %s within %d ms (running but stuck? see "
			     "its log); hostnet cut the connection",
			     what, stalled, hn_virt_guard_timeout(v->guard));
	} else if (stalled) {
		hn_err(err,
		       "%s: not done, the connection to libvirtd was cut when it did not "
		       "answer %s",
		       what, stalled);
	} else {
		hn_err(err, "%s: %s", what, virGetLastErrorMessage());
	}
	virResetLastError();
	return err;
}

struct opener {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char *uri;
	virConnectPtr conn;
	char error[512]; /* libvirt's error is per thread: copied here for the waiter */
	bool done, abandoned;
};

static void opener_free(struct opener *o)
{
	pthread_cond_destroy(&o->cond);
	pthread_mutex_destroy(&o->lock);
	free(o->uri);
	free(o);
}

static void *open_thread(void *arg)
{
	struct opener *o = arg;
	virConnectPtr conn = virConnectOpen(o->uri);
	bool abandoned;

	pthread_mutex_lock(&o->lock);
	if (!conn)
		snprintf(o->error, sizeof(o->error), "%s", virGetLastErrorMessage());
	virResetLastError();
	o->conn = conn;
	o->done = true;
	abandoned = o->abandoned;
	pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
	/* The waiter gave up on us: nobody else will free these. */
	if (abandoned) {
		if (conn)
			virConnectClose(conn);
		opener_free(o);
	}
	return NULL;
}

static struct opener *opener_new(const char *uri)
{
	struct opener *o = calloc(1, sizeof(*o));
	pthread_condattr_t attr;

	if (!o)
		return NULL;
	o->uri = strdup(uri);
	if (!o->uri || pthread_condattr_init(&attr)) {
		free(o->uri);
		free(o);
		return NULL;
	}
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&o->cond, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&o->lock, NULL);
	return o;
}

/* Wait (o->lock held) until the open is done or ms have passed. */
static void wait_done(struct opener *o, int ms)
{
	struct timespec t;
	int r = 0;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	while (!o->done && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&o->cond, &o->lock, &t);
}

static int timed_out(const char *uri, int timeout_ms)
{
	return hn_err(-ETIMEDOUT,
		      "libvirt: %s did not answer within %d ms: is libvirtd running but stuck? "
		      "(see its log)",
		      uri, timeout_ms);
}

/* virConnectOpen(uri) within timeout_ms; before: the files open before it. */
static int open_bounded(const char *uri, int timeout_ms, const struct hn_virt_fd_list *before,
			virConnectPtr *out)
{
	struct opener *o = opener_new(uri);
	bool late = false;
	pthread_t thread;
	int r = 0;

	if (!o)
		return hn_err(-ENOMEM, "libvirt: out of memory");
	if (pthread_create(&thread, NULL, open_thread, o)) {
		opener_free(o);
		return hn_err(-EAGAIN, "libvirt: cannot start a thread to connect to %s", uri);
	}
	pthread_mutex_lock(&o->lock);
	wait_done(o, timeout_ms);
	if (!o->done) {
		/* Under the lock: the open cannot hand over a connection while we cut it. */
		size_t n = hn_virt_fd_cut_new_sockets(before);

		hn_debug("libvirt: no answer from %s within %d ms, %zu socket(s) shut down", uri,
			 timeout_ms, n);
		late = true;
		wait_done(o, CUT_GRACE_MS);
	}
	if (!o->done) {
		/* Stuck elsewhere than on a socket: leave it, it frees what it holds if it
		 * ever returns. */
		o->abandoned = true;
		pthread_mutex_unlock(&o->lock);
		pthread_detach(thread);
		return timed_out(uri, timeout_ms);
	}
	pthread_mutex_unlock(&o->lock);
	pthread_join(thread, NULL);
	*out = o->conn;
	if (late) {
		if (*out)
			virConnectClose(*out); /* its socket is shut: returns at once */
		*out = NULL;
		r = timed_out(uri, timeout_ms);
	} else if (!*out) {
		r = hn_err(-ECONNREFUSED,
			   "libvirt: cannot connect to %s: %s (is libvirtd running?)", uri,
			   o->error);
	}
	opener_free(o);
	return r;
}

int hn_virt_open(const char *uri, int timeout_ms, struct hn_virt **out)
{
	struct hn_virt_fd_list before;
	struct hn_virt *v;
	int r;

	*out = NULL;
	if (timeout_ms <= 0)
		timeout_ms = 1;
	hn_virt_prepare();
	if (init_result < 0)
		return hn_virt_err(NULL, -EIO, "libvirt: initialising the library");
	v = calloc(1, sizeof(*v));
	if (!v)
		return hn_err(-ENOMEM, "libvirt: out of memory");
	r = hn_virt_fd_list_now(&before);
	if (r == 0)
		r = open_bounded(uri, timeout_ms, &before, &v->conn);
	if (r == 0)
		r = hn_virt_guard_start(&before, timeout_ms, &v->guard);
	hn_virt_fd_list_free(&before);
	if (r < 0) {
		if (v->conn)
			virConnectClose(v->conn);
		free(v);
		return r;
	}
	*out = v;
	return 0;
}

void hn_virt_close(struct hn_virt *v)
{
	if (!v)
		return;
	/* Even the close asks libvirtd (and waits for its answer). */
	if (HN_VIRT(v, virConnectClose, v->conn) < 0)
		hn_debug("libvirt: closing the connection: %s",
			 hn_virt_stalled(v) ? "libvirtd did not answer" : virGetLastErrorMessage());
	virResetLastError();
	hn_virt_guard_stop(v->guard);
	free(v);
}

static int count_from_domains(struct hn_virt *v, const char *name)
{
	virDomainPtr *doms = NULL;
	int n = HN_VIRT(v, virConnectListAllDomains, v->conn, &doms,
			VIR_CONNECT_LIST_DOMAINS_ACTIVE),
	    users = 0;

	if (n < 0) {
		virResetLastError();
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *xml = users >= 0 ? HN_VIRT(v, virDomainGetXMLDesc, doms[i], 0) : NULL;
		int k = xml ? hn_virt_domain_count_ifaces(xml, name) : -1;

		/* A domain that went away meanwhile uses nothing; any other failure: unknown. */
		if (!xml && virGetLastErrorCode() == VIR_ERR_NO_DOMAIN)
			k = 0;
		virResetLastError();
		users = k < 0 || users < 0 ? -1 : users + k;
		free(xml);
		virDomainFree(doms[i]);
	}
	free(doms);
	return users;
}

/* Both views, the larger wins: libvirt's network ports are exact while it keeps track, but
 * a network restarted under its VMs forgets their ports (the taps stay on the bridge), and
 * drivers without ports (test:///) have only the domains to tell. */
int hn_virt_count_users(struct hn_virt *v, virNetworkPtr net, const char *name)
{
	virNetworkPortPtr *ports = NULL;
	int n = HN_VIRT(v, virNetworkListAllPorts, net, &ports, 0), users;

	if (n >= 0) {
		for (int i = 0; i < n; i++)
			virNetworkPortFree(ports[i]);
		free(ports);
	}
	virResetLastError();
	users = count_from_domains(v, name);
	if (users < 0)
		return n;
	return n > users ? n : users;
}
