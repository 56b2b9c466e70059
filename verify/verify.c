// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostnet verify: state checks, then the active probes, then the report.
 *
 * Signals: INT, TERM and HUP are blocked for the whole run and let through only while the
 * listening window waits (ppoll), where a handler just sets a flag; the main flow then
 * cleans up as on any other exit. A run killed outright (SIGKILL) loses its namespaces and
 * veths with its file descriptors; its OVS ports are marked and removed by the next run.
 */
#include "verify.h"
#include "arp_proof.h"
#include "checks.h"
#include "error.h"
#include "gateway.h"
#include "bond_check.h"
#include "mac_guard.h"
#include "ovs.h"
#include "matrix.h"
#include "probe_link.h"
#include "probe_owner.h"
#include "probe_plan.h"
#include "reach.h"
#include "state.h"
#include "textfile.h"
#include "window.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static const int handled_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_SIGNALS (sizeof(handled_signals) / sizeof(handled_signals[0]))

struct signals {
	sigset_t old_mask, wait_mask;
	struct sigaction old[N_SIGNALS];
};

static void signals_take(struct signals *s)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t block;

	stop_signal = 0;
	sigemptyset(&block);
	for (size_t i = 0; i < N_SIGNALS; i++)
		sigaddset(&block, handled_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &s->old_mask);
	s->wait_mask = s->old_mask;
	for (size_t i = 0; i < N_SIGNALS; i++) {
		sigdelset(&s->wait_mask, handled_signals[i]);
		sigaction(handled_signals[i], &sa, &s->old[i]);
	}
}

static void signals_give_back(struct signals *s)
{
	/* Unblock first, with our handler still in place: a signal that came meanwhile only
	 * sets the flag; the run has already cleaned up. */
	sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
	for (size_t i = 0; i < N_SIGNALS; i++)
		sigaction(handled_signals[i], &s->old[i], NULL);
}

/* Everything one probe run holds, so one function can release it on every path. */
struct probe_run {
	struct hn_verify_probe_plan plan;
	struct hn_verify_probe_kernel kernel;
	struct hn_ovs_ports *ovs;
	struct hn_verify_probe_link *links;
	size_t n_links; /* made so far */
	struct hn_verify_matrix matrix;
	struct hn_verify_reach_run *reach;
	struct hn_verify_gateway_probe *gateways;
	size_t n_gateways;
	int *gateway_socks;
	struct hn_verify_probe_plan
	    no_switch; /* the window's plan when only the gateway is probed */
	const struct hn_verify_probe_plan
	    *window_plan;	       /* what the window ran: &plan or &no_switch */
	struct hn_verify_figures *fig; /* the window's figures go there */
	uint64_t nonce;
	uint32_t group; /* link group of the host ends: removed in one request */
	char mark[HN_VERIFY_PROBE_MARK_LEN];
};

static int add_unknown(struct hn_verify_checks *out, const char *name, const char *what)
{
	return hn_verify_checks_add(out, HN_VERIFY_CHECK_UNKNOWN, name, what, "%s",
				    hn_errmsg() ? hn_errmsg() : "failed for an unknown reason");
}

/* The probe ports whose run is gone (probe_owner.h), from whatever bridge holds them, in
 * one transaction. */
static int sweep_ports(struct hn_ovs_ports *ovs, size_t *removed)
{
	struct hn_ovs_marked *ports;
	size_t n, gone = 0;
	int r = hn_ovs_ports_marked(ovs, HN_VERIFY_PROBE_MARK_KEY, &ports, &n);

	for (size_t i = 0; r == 0 && i < n; i++) {
		if (hn_verify_probe_mark_alive(ports[i].mark))
			continue;
		hn_debug("removing probe port %s of a verify run that is gone (%s)", ports[i].name,
			 ports[i].mark);
		ports[gone++] = ports[i];
	}
	if (r == 0)
		r = hn_ovs_ports_remove(ovs, ports, gone);
	if (r == 0)
		*removed = gone;
	free(ports);
	return r;
}

/* Removes what a killed run left: OVS ports (the usual leftover) and links (should the
 * kernel ever keep one past its namespace). */
static int sweep(struct probe_run *pr, struct hn_verify_checks *out)
{
	size_t ports = 0, links = 0;
	int r;

	hn_err_clear();
	r = sweep_ports(pr->ovs, &ports);
	if (r == 0)
		r = hn_verify_probe_links_sweep(&pr->kernel, &links);
	if (r < 0)
		return add_unknown(out, "probe leftovers", "none left by killed runs");
	if (ports || links)
		return hn_verify_checks_add(
		    out, HN_VERIFY_CHECK_OK, "probe leftovers", "none left by killed runs",
		    "removed %zu OVS port(s) and %zu link(s) of a run that was "
		    "killed",
		    ports, links);
	return hn_verify_checks_add(out, HN_VERIFY_CHECK_OK, "probe leftovers",
				    "none left by killed runs", "none");
}

static int make_links(struct probe_run *pr)
{
	const struct hn_verify_probe_plan *p = &pr->plan;

	pr->links = calloc(p->n_probes, sizeof(*pr->links));
	if (!pr->links)
		return hn_err(-ENOMEM, "out of memory");
	for (size_t i = 0; i < p->n_probes; i++) {
		struct hn_verify_probe_link *l = &pr->links[i];
		int r = hn_verify_probe_link_name(l->host_name, getpid(), (unsigned)i);

		if (r < 0)
			return hn_err(r, "probe name too long");
		/* Locally administered unicast MACs, unique per run and per probe: 02:.. for
		 * the probe, 06:.. for the host's end. */
		l->group = pr->group;
		l->mac[0] = 0x02;
		l->host_mac[0] = 0x06;
		for (int b = 1; b < 4; b++)
			l->mac[b] = l->host_mac[b] = (uint8_t)(pr->nonce >> (8 * b));
		l->mac[4] = l->host_mac[4] = (uint8_t)(i >> 8);
		l->mac[5] = l->host_mac[5] = (uint8_t)i;
		r = hn_verify_probe_link_create(&pr->kernel, l);
		if (r < 0)
			return r;
		pr->n_links = i + 1;
	}
	return 0;
}

static int attach(struct probe_run *pr)
{
	const struct hn_verify_probe_plan *p = &pr->plan;
	struct hn_ovs_port_spec *ports = calloc(p->n_probes, sizeof(*ports));
	int r;

	if (!ports)
		return hn_err(-ENOMEM, "out of memory");
	for (size_t i = 0; i < p->n_probes; i++) {
		ports[i].name = pr->links[i].host_name;
		if (p->probes[i].kind == HN_VERIFY_PROBE_ACCESS)
			ports[i].tag = p->probes[i].vlan;
		else
			ports[i].trunks = &p->probes[i].trunks;
	}
	r = hn_ovs_ports_add(pr->ovs, p->bridge, ports, p->n_probes, HN_VERIFY_PROBE_MARK_KEY,
			     pr->mark);
	free(ports);
	return r;
}

static int prepare_gateways(struct probe_run *pr, const struct hn_config *want,
			    const struct hn_verify_host *host, bool probes,
			    struct hn_verify_checks *out)
{
	size_t n = 0;

	for (size_t i = 0; i < want->n_bridges; i++)
		n += want->bridges[i].uplink[0] != '\0';
	if (!n)
		return 0;
	if (!host->uplinks)
		return hn_err(-EIO, "%s", host->layers[HN_LAYER_NETLINK].err.msg);
	pr->gateways = calloc(n, sizeof(*pr->gateways));
	pr->gateway_socks = calloc(n, sizeof(*pr->gateway_socks));
	if (!pr->gateways || !pr->gateway_socks)
		return hn_err(-ENOMEM, "out of memory");
	for (size_t i = 0; i < want->n_bridges; i++) {
		const struct hn_bridge *b = &want->bridges[i];
		struct hn_verify_gateway_probe *g = &pr->gateways[pr->n_gateways];
		int r;

		if (!b->uplink[0])
			continue;
		r = hn_verify_gateway_prepare(b, &host->uplinks[i], probes, g, out);
		if (r < 0 || hn_verify_gateway6_check(b, &host->uplinks[i], probes, out) < 0)
			return r < 0 ? r : -ENOMEM;
		if (r == 0) {
			pr->gateway_socks[pr->n_gateways] = g->sock;
			pr->n_gateways++;
		}
	}
	return 0;
}

/* The listening window over plan p (the run's, or an empty one when only the gateway is
 * probed), then its checks. */
static int run_window(struct probe_run *pr, const struct hn_verify_probe_plan *p,
		      struct signals *sig, struct hn_verify_checks *out)
{
	struct hn_verify_window w = {
	    .plan = p,
	    .links = pr->links,
	    .matrix = &pr->matrix,
	    .gateway_socks = pr->gateway_socks,
	    .n_gateways = pr->n_gateways,
	    .nonce = pr->nonce,
	    .stop = &stop_signal,
	    .wait_sigmask = &sig->wait_mask,
	};
	struct hn_verify_reach_run *gw_runs = NULL;
	int r;

	pr->window_plan = p;
	if (hn_verify_matrix_init(&pr->matrix, p) < 0)
		return hn_err(-ENOMEM, "out of memory");
	pr->reach = calloc(p->n_reach ? p->n_reach : 1, sizeof(*pr->reach));
	gw_runs = calloc(pr->n_gateways ? pr->n_gateways : 1, sizeof(*gw_runs));
	if (!pr->reach || !gw_runs) {
		free(gw_runs);
		return hn_err(-ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < p->n_reach; i++) {
		const struct hn_verify_probe_link *l = &pr->links[p->reach[i].probe];

		hn_verify_reach_init(&pr->reach[i], &p->reach[i], l->mac, l->host_mac, pr->nonce,
				     (uint16_t)(pr->nonce >> 48) + (uint16_t)i);
	}
	for (size_t i = 0; i < pr->n_gateways; i++) {
		gw_runs[i] = pr->gateways[i].run;
		gw_runs[i].nonce = pr->nonce;
	}
	w.reach = pr->reach;
	w.gateways = gw_runs;

	r = hn_verify_window_run(&w);
	if (r == 0) {
		pr->fig->window = true;
		pr->fig->probes = p->n_probes;
		pr->fig->frames_sent = w.sent;
		pr->fig->send_errors = w.send_errors;
		pr->fig->frames_received = w.received;
		pr->fig->window_seconds = (double)w.t_end / 1e6;
		pr->fig->heard_seconds = w.t_complete ? (double)w.t_complete / 1e6 : -1;
	}
	if (r < 0 || stop_signal) {
		free(gw_runs);
		return r;
	}
	hn_debug("window: %zu frames sent (%zu send errors), %zu received, everything expected "
		 "heard at %.1f ms, window closed at %.1f ms after %zu passes",
		 w.sent, w.send_errors, w.received, (double)w.t_complete / 1000.0,
		 (double)w.t_end / 1000.0, w.passes);
	r = hn_verify_matrix_evaluate(&pr->matrix, out);
	for (size_t i = 0; i < p->n_reach && r == 0; i++)
		if (!p->reach[i].arp)
			r = hn_verify_reach_evaluate(&pr->reach[i], out);
	if (r == 0)
		r = hn_verify_arp_proof_evaluate(p, pr->reach, out);
	for (size_t i = 0; i < pr->n_gateways && r == 0; i++)
		r = hn_verify_reach_evaluate(&gw_runs[i], out);
	if (r == 0) {
		/* The machinery itself: every frame went out. What was or was not heard is
		 * the business of the checks above. */
		char heard[96];

		if (w.t_complete)
			snprintf(heard, sizeof(heard), "everything expected heard in %.1f ms",
				 (double)w.t_complete / 1000.0);
		else
			snprintf(heard, sizeof(heard), "not everything expected heard (see above)");
		r = hn_verify_checks_add(
		    out, w.send_errors ? HN_VERIFY_CHECK_UNKNOWN : HN_VERIFY_CHECK_OK,
		    "probe window", "every probe frame sent",
		    "%zu probes on %s, %zu frames sent, %zu failed; %s; listened "
		    "%.1f ms",
		    p->n_probes, p->bridge[0] ? p->bridge : "no bridge", w.sent, w.send_errors,
		    heard, (double)w.t_end / 1000.0);
	}
	free(gw_runs);
	return r;
}

/* The neighbour entries this host made for the probe addresses it answered. */
static int forget_probe_addresses(struct probe_run *pr)
{
	struct hn_verify_probe_addr *used;
	size_t n = 0;
	int r;

	if (!pr->reach || !pr->kernel.nl || pr->window_plan->n_reach == 0)
		return 0;
	used = calloc(pr->window_plan->n_reach, sizeof(*used));
	if (!used)
		return hn_err(-ENOMEM, "out of memory");
	for (size_t i = 0; i < pr->window_plan->n_reach; i++) {
		const struct hn_verify_reach_run *run = &pr->reach[i];

		if (pr->window_plan->reach[i].arp)
			continue; /* asked from 0.0.0.0: no entry made */
		if (run->state != HN_VERIFY_REACH_ARP && run->state != HN_VERIFY_REACH_ECHO &&
		    run->state != HN_VERIFY_REACH_DONE)
			continue;
		used[n].addr = run->src;
		memcpy(used[n].mac, run->mac, HN_VERIFY_ETH_ALEN);
		n++;
	}
	r = hn_verify_probe_neigh_forget(&pr->kernel, used, n);
	free(used);
	return r;
}

/* Release everything, in the order that leaves nothing: the ports leave the switch first
 * (not waited for: ovs.h), then the links and their namespaces, as late as can be so that
 * ovs-vswitchd has begun to let go of them. Run in an error context of its own
 * (hn_verify_end). */
static int release(struct probe_run *pr, struct hn_verify_checks *out)
{
	int r = 0;

	int64_t t = hn_verify_now_us();

	if (pr->ovs)
		r = hn_ovs_ports_remove_added(pr->ovs);
	hn_debug("probe ports detached in %.1f ms", (double)(hn_verify_now_us() - t) / 1000.0);
	r = forget_probe_addresses(pr) ?: r;
	for (size_t i = 0; i < pr->n_gateways; i++)
		hn_verify_gateway_close(&pr->gateways[i]);
	t = hn_verify_now_us();
	if (pr->links) {
		int w = hn_verify_probe_links_remove(&pr->kernel, pr->links, pr->n_links);

		r = r ?: w;
	}
	hn_debug("probe links and namespaces removed in %.1f ms",
		 (double)(hn_verify_now_us() - t) / 1000.0);
	if (r < 0)
		add_unknown(out, "probe clean-up", "every probe port, link and namespace removed");
	hn_ovs_ports_close(pr->ovs);
	hn_verify_probe_kernel_close(&pr->kernel);
	hn_verify_matrix_free(&pr->matrix);
	hn_verify_probe_plan_free(&pr->plan);
	free(pr->links);
	free(pr->reach);
	free(pr->gateways);
	free(pr->gateway_socks);
	return r;
}

/*
 * The probes on the switch: leftovers swept, namespaces and links made, ports attached.
 * 0: ready. 1: the switch is not probed (said in a check); the gateway still is.
 */
static int prepare_switch(struct probe_run *pr, const struct hn_opts *opts,
			  const struct hn_config *want, struct hn_verify_checks *out)
{
	int64_t t;
	int r;

	hn_err_clear();
	if (hn_ovs_ports_open(opts->ovsdb, opts->timeout_ms, &pr->ovs) < 0)
		return add_unknown(out, "probes", "probes on the switch") ?: 1;
	t = hn_verify_now_us();
	r = sweep(pr, out);
	if (r < 0)
		return r;
	hn_debug("leftovers swept in %.1f ms", (double)(hn_verify_now_us() - t) / 1000.0);
	hn_err_clear();
	if (hn_verify_probe_plan_build(want, &pr->plan) < 0)
		return add_unknown(out, "probes", "probes on the switch") ?: 1;
	if (!pr->plan.bridge[0])
		return hn_verify_checks_add(
			   out, HN_VERIFY_CHECK_OK, "probes", "probes on the switch",
			   "no bridge of the config carries VLANs: nothing to probe")
			   ?: 1;
	/* A group no administrator numbers by hand (they use small ones); before deleting by
	 * group, probe_link checks that every member is ours anyway. */
	pr->group = 0x80000000u | (uint32_t)(pr->nonce >> 32);
	t = hn_verify_now_us();
	if (make_links(pr) < 0)
		return add_unknown(out, "probes", "probes on the switch") ?: 1;
	hn_debug("%zu probe namespaces and links made in %.1f ms", pr->plan.n_probes,
		 (double)(hn_verify_now_us() - t) / 1000.0);
	t = hn_verify_now_us();
	if (attach(pr) < 0)
		return add_unknown(out, "probes", "probes on the switch") ?: 1;
	hn_debug("%zu probes attached to %s in %.1f ms", pr->plan.n_probes, pr->plan.bridge,
		 (double)(hn_verify_now_us() - t) / 1000.0);
	return 0;
}

static int run_probes(struct probe_run *pr, const struct hn_opts *opts,
		      const struct hn_config *want, const struct hn_verify_host *host,
		      struct signals *sig, struct hn_verify_checks *out)
{
	int r;

	hn_err_clear();
	if (hn_verify_probe_kernel_open(&pr->kernel) < 0)
		return add_unknown(out, "probes", "probes on the switch");
	if (getrandom(&pr->nonce, sizeof(pr->nonce), 0) != sizeof(pr->nonce) ||
	    hn_verify_probe_mark_self(pr->mark) < 0)
		return hn_err(-EIO, "no random nonce, or no /proc/self/stat to mark probes with");
	int64_t t = hn_verify_now_us();

	r = prepare_gateways(pr, want, host, true, out);
	if (r < 0)
		return r;
	hn_debug("uplink checked in %.1f ms", (double)(hn_verify_now_us() - t) / 1000.0);
	r = prepare_switch(pr, opts, want, out);
	if (r < 0)
		return r;
	if (stop_signal || (r == 1 && pr->n_gateways == 0))
		return 0;
	r = run_window(pr, r == 1 ? &pr->no_switch : &pr->plan, sig, out);
	if (r < 0)
		return add_unknown(out, "probes", "probes on the switch");
	return 0;
}

/* The report: in the textfile when one was asked for, then on stdout. A textfile that could
 * not be written is a check of its own (UNKNOWN), so the printed status and the exit status
 * say it; the file keeps its previous content. Returns the status. */
static int report(const struct hn_opts *opts, struct hn_verify_checks *c,
		  struct hn_verify_figures *fig, int64_t t0, const char *textfile)
{
	struct timespec now;

	fig->seconds = (double)(hn_verify_now_us() - t0) / 1e6;
	if (textfile) {
		clock_gettime(CLOCK_REALTIME, &now);
		fig->finished = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
		hn_err_clear();
		if (hn_verify_textfile_write(textfile, c, fig) < 0)
			hn_verify_checks_add(c, HN_VERIFY_CHECK_UNKNOWN, "textfile", "written",
					     "%s", hn_errmsg());
	}
	if (opts->json)
		hn_verify_checks_print_json(stdout, c, fig->seconds);
	else
		hn_verify_checks_print(stdout, c, fig->seconds);
	fflush(stdout);
	return (int)hn_verify_checks_status(c);
}

/* The lock could not be had: nothing was checked, the state is unknown. */
static int report_locked(const struct hn_opts *opts, int err, int64_t t0, const char *textfile)
{
	struct hn_verify_checks checks = {0};
	struct hn_verify_figures fig = {0};
	int status;

	if (err == -ETIMEDOUT)
		hn_verify_checks_add(&checks, HN_VERIFY_CHECK_UNKNOWN, "host lock",
				     "no hostnet up or down running",
				     "another hostnet run holds the lock (%s): nothing checked",
				     hn_errmsg() ? hn_errmsg() : "timed out");
	else
		hn_verify_checks_add(&checks, HN_VERIFY_CHECK_UNKNOWN, "host lock",
				     "no hostnet up or down running", "cannot take the lock: %s",
				     hn_errmsg() ? hn_errmsg() : strerror(-err));
	status = report(opts, &checks, &fig, t0, textfile);
	hn_verify_checks_free(&checks);
	return status;
}

struct hn_verify {
	const struct hn_opts *opts;
	const char *textfile;
	int64_t t0;
	bool held; /* hn_verify_hold_signals was called */
	struct signals sig;
};

int hn_verify_begin(const struct hn_opts *opts, const char *textfile, struct hn_verify **out)
{
	struct hn_verify *v = calloc(1, sizeof(*v));

	if (!v)
		return hn_err(-ENOMEM, "out of memory");
	v->opts = opts;
	v->textfile = textfile;
	v->t0 = hn_verify_now_us();
	*out = v;
	return 0;
}

int hn_verify_locked_out(struct hn_verify *v, int err)
{
	int status = report_locked(v->opts, err, v->t0, v->textfile);

	free(v);
	return status;
}

void hn_verify_hold_signals(struct hn_verify *v)
{
	signals_take(&v->sig);
	v->held = true;
}

int hn_verify_end(struct hn_verify *v, const struct hn_config *want,
		  const struct hn_verify_host *host, bool probes)
{
	const struct hn_opts *opts = v->opts;
	struct hn_verify_figures fig = {0};
	struct probe_run pr = {.kernel = {.home_fd = -1}, .fig = &fig};
	struct hn_verify_checks checks = {0};
	struct hn_error cleanup; /* release's: it says its failures in a check of its own */
	int64_t t_state;
	int r, clean, status;

	hn_err_clear();
	if (host->error[0])
		r = hn_err(-ENOMEM, "%s", host->error);
	else
		r = hn_verify_state_checks(opts, host, &checks);
	if (r == 0)
		r = hn_verify_mac_guard(want, host, &checks);
	if (r == 0)
		r = hn_verify_bonds(want, host, &checks);
	t_state = hn_verify_now_us();
	fig.state_seconds = (double)(t_state - v->t0) / 1e6;
	hn_debug("state checks done in %.1f ms", (double)(t_state - v->t0) / 1000.0);
	/* --no-probes: the uplink's kernel facts still count as state. */
	if (r == 0)
		r = probes ? run_probes(&pr, opts, want, host, &v->sig, &checks)
			   : prepare_gateways(&pr, want, host, false, &checks);
	hn_err_push(&cleanup);
	clean = release(&pr, &checks);
	hn_err_pop(&cleanup);
	if (v->held)
		signals_give_back(&v->sig);
	fig.probe_seconds = (double)(hn_verify_now_us() - t_state) / 1e6;

	if (r < 0)
		hn_verify_checks_add(&checks, HN_VERIFY_CHECK_UNKNOWN, "verify", "a complete run",
				     "%s", hn_errmsg() ? hn_errmsg() : strerror(-r));
	/* Interrupted: what was checked before stands; the rest is unknown. */
	if (stop_signal)
		hn_verify_checks_add(&checks, HN_VERIFY_CHECK_UNKNOWN, "verify", "a complete run",
				     "interrupted by signal %d before the probes were read; %s",
				     (int)stop_signal,
				     clean == 0 ? "every probe was removed" : "see probe clean-up");
	status = report(opts, &checks, &fig, v->t0, v->textfile);
	hn_verify_checks_free(&checks);
	free(v);
	return status;
}

void hn_verify_textfile_config_unknown(const char *textfile, const char *why)
{
	struct hn_verify_checks checks = {0};
	struct hn_verify_figures fig = {.heard_seconds = -1};
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	fig.finished = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	if (hn_verify_checks_add(&checks, HN_VERIFY_CHECK_UNKNOWN, "config", "a config that loads",
				 "%s", why) == 0 &&
	    hn_verify_textfile_write(textfile, &checks, &fig) < 0)
		fprintf(stderr, "hostnet verify: %s\n", hn_errmsg());
	hn_verify_checks_free(&checks);
}
