// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netlink_read: time the netlink backend's read alone (links, IPv4 addresses, IPv4 routes:
 * three dumps on one socket, into the plain state the diff reads) and, given a config, the
 * in-process part of a netlink plan (load the config, read, diff). Not a test: prints
 * figures. Built and run by bench/netlink_bench.sh inside a lab host.
 *
 *   netlink_read RUNS [CONFIG]
 */
#include "config.h"
#include "error.h"
#include "nl_diff.h"
#include "nl_io.h"
#include "plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const struct hn_backend freeing = {.free_priv = free};
static const struct hn_backend *const backends[HN_LAYER_COUNT] = {
    [HN_LAYER_NETLINK] = &freeing,
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void report(const char *what, double *t, int runs, const char *tail)
{
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	printf("%s: median %.3f ms, min %.3f, max %.3f (%d runs%s)\n", what,
	       runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2, t[0], t[runs - 1],
	       runs, tail);
}

/* Load, read, diff: what `hostnet plan` does for netlink once the process runs. */
static int plan_once(struct nl_sock *sk, const char *config, struct hn_nl_state *s, size_t *n)
{
	struct hn_config c = {0};
	struct hn_plan p = {0};
	int r = hn_config_load(config, &c);

	if (r == 0)
		r = hn_nl_read(sk, s);
	if (r == 0)
		r = hn_nl_diff(s, &c, &p);
	*n = p.n;
	hn_plan_free(&p, backends);
	hn_config_free(&c);
	return r;
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 0;
	const char *config = argc > 2 ? argv[2] : NULL;
	struct hn_nl_state s = {0};
	struct nl_sock *sk = NULL;
	char tail[128];
	double *t;
	size_t n = 0;
	int status = 1;

	if (runs < 1 || !(t = calloc((size_t)runs, sizeof(*t)))) {
		fprintf(stderr, "usage: netlink_read RUNS [CONFIG]\n");
		return 2;
	}
	if (hn_nl_open(&sk, 5000) < 0)
		goto out;
	for (int i = 0; i < runs; i++) {
		double t0 = now_ms();

		if (hn_nl_read(sk, &s) < 0)
			goto out;
		t[i] = now_ms() - t0;
	}
	snprintf(tail, sizeof(tail), "; %zu links, %zu addresses, %zu routes", s.n_links, s.n_addrs,
		 s.n_routes);
	report("netlink read", t, runs, tail);
	for (int i = 0; config && i < runs; i++) {
		double t0 = now_ms();

		if (plan_once(sk, config, &s, &n) < 0)
			goto out;
		t[i] = now_ms() - t0;
	}
	if (config) {
		snprintf(tail, sizeof(tail), "; %zu netlink change(s) pending", n);
		report("in-process netlink plan (config load + read + diff)", t, runs, tail);
	}
	status = 0;
out:
	if (status)
		fprintf(stderr, "netlink_read: %s\n", hn_errmsg() ? hn_errmsg() : "failed");
	hn_nl_state_clear(&s);
	hn_nl_close(sk);
	free(t);
	return status;
}
