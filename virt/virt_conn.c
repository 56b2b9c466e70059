// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virConnectOpen has no timeout: against a daemon that accepts the connection but never
 * answers (stopped, deadlocked) it waits forever. So the open runs in a thread that we
 * wait for with a deadline; on timeout the thread is left behind (it frees what it holds
 * if it ever returns, and the process exits soon anyway).
 *
 * Once open, libvirt's keepalive bounds every later call: when the daemon stops answering
 * its pings, libvirt closes the connection and the blocked call fails. The pings and the
 * verdict are timers of libvirt's event loop (a call blocked in libvirt 9.0's RPC loop
 * does not look at them itself: without the loop, a stopped daemon hangs it forever), so
 * that loop must run: one thread runs it for the life of the process, as libvirt's own
 * clients do.
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

/* libvirt prints every error on stderr unless a handler takes it. Ours drops it: the
 * message stays in libvirt's last error, which hn_virt_err() carries into hn_err. */
static void keep_quiet(void *opaque, virErrorPtr err)
{
	(void)opaque;
	(void)err;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result;

/*
 * libvirt's event loop, which keepalive needs to bound a call to a stuck daemon, runs in a
 * thread while a connection is open, and is stopped and joined when the last one closes:
 * a thread left running at exit races the process's teardown (LeakSanitizer's tracer
 * crashes on it in the tests, and any library destructor could).
 */
static pthread_mutex_t loop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t loop_thread;
static unsigned loop_users;
static int loop_stop;

static void *run_event_loop(void *unused)
{
	(void)unused;
	while (!__atomic_load_n(&loop_stop, __ATOMIC_ACQUIRE))
		if (virEventRunDefaultImpl() < 0)
			hn_debug("libvirt: event loop: %s", virGetLastErrorMessage());
	return NULL;
}

/* A timer due at once: its only job is to make the loop's poll return. */
static void wake_loop(int timer, void *opaque)
{
	(void)opaque;
	virEventRemoveTimeout(timer);
}

static int loop_acquire(void)
{
	int r = 0;

	pthread_mutex_lock(&loop_lock);
	if (loop_users == 0) {
		__atomic_store_n(&loop_stop, 0, __ATOMIC_RELEASE);
		r = pthread_create(&loop_thread, NULL, run_event_loop, NULL) ? -1 : 0;
	}
	if (r == 0)
		loop_users++;
	pthread_mutex_unlock(&loop_lock);
	return r;
}

static void loop_release(void)
{
	pthread_mutex_lock(&loop_lock);
	if (loop_users && --loop_users == 0) {
		__atomic_store_n(&loop_stop, 1, __ATOMIC_RELEASE);
		if (virEventAddTimeout(0, wake_loop, NULL, NULL) >= 0)
			pthread_join(loop_thread, NULL);
		else
			pthread_detach(loop_thread); /* cannot wake it: let it go */
	}
	pthread_mutex_unlock(&loop_lock);
}

void hn_virt_close(virConnectPtr conn)
{
	if (!conn)
		return;
	virConnectClose(conn);
	loop_release();
}

static void init_libvirt(void)
{
	init_result = -1;
	/* libvirt writes to its daemon's socket with write(): when the daemon has hung up
	 * (restarted, crashed, gone on its idle --timeout), that raises SIGPIPE, which would
	 * kill hostnet without a word, and an `up` without its rollback. Ignored, the write
	 * fails with EPIPE and the call reports it like any other libvirt error, as libvirt's
	 * own clients do it. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return;
	if (virInitialize() < 0)
		return;
	virSetErrorFunc(NULL, keep_quiet);
	if (virEventRegisterDefaultImpl() < 0)
		return;
	init_result = 0;
}

int hn_virt_err(int err, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	hn_err(err, "%s: %s", what, virGetLastErrorMessage());
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

static void deadline_after(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* Keepalive counts whole seconds: a ping after each second of silence, and the connection
 * is dead after about timeout_ms of them unanswered. */
static void bound_later_calls(virConnectPtr conn, int timeout_ms)
{
	int seconds = timeout_ms < 1000 ? 1 : timeout_ms / 1000;

	/* Drivers that run in this process (test:///) have nothing to keep alive. */
	if (virConnectSetKeepAlive(conn, 1, (unsigned)(seconds - 1)) != 0)
		hn_debug("libvirt: no keepalive on this connection: %s", virGetLastErrorMessage());
	virResetLastError();
}

int hn_virt_open(const char *uri, int timeout_ms, virConnectPtr *out)
{
	struct opener *o;
	struct timespec deadline;
	pthread_t thread;
	virConnectPtr conn;
	int r = 0;

	*out = NULL;
	pthread_once(&init_once, init_libvirt);
	if (init_result < 0)
		return hn_virt_err(-EIO, "libvirt: initialising the library");
	if (loop_acquire() < 0)
		return hn_err(-EAGAIN, "libvirt: cannot start a thread for its event loop");
	o = opener_new(uri);
	if (!o) {
		loop_release();
		return hn_err(-ENOMEM, "libvirt: out of memory");
	}
	if (pthread_create(&thread, NULL, open_thread, o)) {
		opener_free(o);
		loop_release();
		return hn_err(-EAGAIN, "libvirt: cannot start a thread to connect to %s", uri);
	}

	deadline_after(&deadline, timeout_ms > 0 ? timeout_ms : 1);
	pthread_mutex_lock(&o->lock);
	while (!o->done && r != ETIMEDOUT)
		r = pthread_cond_timedwait(&o->cond, &o->lock, &deadline);
	if (!o->done) {
		/* It may never come back: leave it, it frees what it holds if it does. The loop
		 * stays too, since the stuck open may still use it. */
		o->abandoned = true;
		pthread_mutex_unlock(&o->lock);
		pthread_detach(thread);
		return hn_err(-ETIMEDOUT,
			      "libvirt: %s did not answer within %d ms: is libvirtd running but "
			      "stuck? (see its log)",
			      uri, timeout_ms);
	}
	pthread_mutex_unlock(&o->lock);
	pthread_join(thread, NULL); /* it has returned or is about to: no thread outlives us */
	conn = o->conn;
	if (!conn)
		r = hn_err(-ECONNREFUSED,
			   "libvirt: cannot connect to %s: %s (is libvirtd running?)", uri,
			   o->error);
	opener_free(o);
	if (!conn) {
		loop_release();
		return r;
	}
	bound_later_calls(conn, timeout_ms);
	*out = conn;
	return 0;
}

static int count_from_domains(virConnectPtr conn, const char *name)
{
	virDomainPtr *doms = NULL;
	int n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE), users = 0;

	if (n < 0) {
		virResetLastError();
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *xml = users >= 0 ? virDomainGetXMLDesc(doms[i], 0) : NULL;
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
int hn_virt_count_users(virConnectPtr conn, virNetworkPtr net, const char *name)
{
	virNetworkPortPtr *ports = NULL;
	int n = virNetworkListAllPorts(net, &ports, 0), users;

	if (n >= 0) {
		for (int i = 0; i < n; i++)
			virNetworkPortFree(ports[i]);
		free(ports);
	}
	virResetLastError();
	users = count_from_domains(conn, name);
	if (users < 0)
		return n;
	return n > users ? n : users;
}
