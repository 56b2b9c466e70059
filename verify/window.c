// SPDX-License-Identifier: GPL-2.0-or-later
#include "window.h"
#include "error.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* Every emission at 0, 20 and 60 ms; later rounds, while the window lasts, only those some
 * probe has yet to hear: a switch whose daemon sets up each new flow slowly (the kernel
 * datapath asks ovs-vswitchd for every first frame, and it takes long on a loaded host) lets
 * through only the frames sent once their flow is there, and a matrix trunk has a flow per
 * VLAN. */
static const int64_t rounds[] = {0, 20000, 60000, 150000, 300000, 600000, 1000000, 2000000};
#define FULL_ROUNDS 3
#define N_ROUNDS    (sizeof(rounds) / sizeof(rounds[0]))
/* After the last expected frame, wait as long again (and at least this) for strays. */
#define GRACE_MIN 20000

int64_t hn_verify_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void send_frame(struct hn_verify_window *w, int sock, const uint8_t *buf, size_t len)
{
	/* A lost frame is not fatal: later rounds and resends cover it, and what is never
	 * heard is reported as such. */
	if (send(sock, buf, len, MSG_DONTWAIT) < 0)
		w->send_errors++;
	else
		w->sent++;
}

/*
 * Frames go out at SEND_RATE a second at most, in bursts of SEND_BURST (a token bucket;
 * probe frames first, then the reach runs'), the probes' sockets read meanwhile: a switch
 * port takes frames from a socket buffer of its own, which ovs-vswitchd's userspace
 * datapath reads a batch at a time, and a matrix trunk sends a frame per VLAN and asks the
 * ARP proof from each, so a run over many VLANs paces them rather than have the switch drop
 * the tail of every burst. A small run fits in a burst or two.
 */
#define SEND_RATE  20000
#define SEND_BURST 64

/* Is every probe that must hear emission e hearing it as it must? */
static bool emission_heard(const struct hn_verify_window *w, size_t e)
{
	const struct hn_verify_probe_plan *p = w->plan;

	for (size_t r = 0; r < p->n_probes; r++)
		if (hn_verify_matrix_expected(p, r, e) &&
		    !hn_verify_matrix_heard_right(w->matrix, r, e))
			return false;
	return p->emissions[e].admitted;
}

/* At most max emissions of a round from `from` on; returns where the next chunk starts. */
static size_t send_chunk(struct hn_verify_window *w, unsigned round, size_t from, size_t max)
{
	const struct hn_verify_probe_plan *p = w->plan;
	size_t i, n = 0;

	for (i = from; i < p->n_emissions && n < max; i++) {
		const struct hn_verify_emission *e = &p->emissions[i];

		if (round >= FULL_ROUNDS && emission_heard(w, i))
			continue;
		n++;
		const struct hn_verify_probe_link *l = &w->links[e->probe];
		struct hn_verify_probe_msg msg = {
		    .nonce = w->nonce,
		    .emission = (uint16_t)i,
		    .sender = (uint16_t)e->probe,
		    .vlan = (uint16_t)e->vlan,
		    .round = (uint16_t)round,
		};
		uint8_t buf[HN_VERIFY_FRAME_MAX];
		size_t len = hn_verify_frame_probe(buf, l->mac, e->tagged ? e->vlan : 0, &msg);

		send_frame(w, l->sock, buf, len);
	}
	return i;
}

static size_t tick_run(struct hn_verify_window *w, struct hn_verify_reach_run *r, int sock,
		       int64_t now)
{
	struct hn_verify_frame_out out[HN_VERIFY_REACH_CANDIDATES];
	size_t n = hn_verify_reach_tick(r, now, out, HN_VERIFY_REACH_CANDIDATES);

	for (size_t i = 0; i < n; i++)
		send_frame(w, sock, out[i].buf, out[i].len);
	return n;
}

/* The reach runs that are due, from *start on, round robin, while the budget lasts (a run
 * may send HN_VERIFY_REACH_CANDIDATES frames at once). Returns true when some are left. */
static bool tick_reach(struct hn_verify_window *w, size_t *start, size_t budget, int64_t now)
{
	const struct hn_verify_probe_plan *p = w->plan;

	for (size_t k = 0; k < p->n_reach; k++) {
		size_t i = (*start + k) % p->n_reach;

		if (w->reach[i].next > now)
			continue;
		if (budget < HN_VERIFY_REACH_CANDIDATES) {
			*start = i;
			return true;
		}
		budget -= tick_run(w, &w->reach[i], w->links[p->reach[i].probe].sock, now);
	}
	return false;
}

/* A probe frame of this run, to the matrix; anything else to the reach runs of the probe. */
static void dispatch(struct hn_verify_window *w, size_t probe, const struct hn_verify_eth *e,
		     bool tagged, unsigned vid, int64_t now)
{
	const struct hn_verify_probe_plan *p = w->plan;
	struct hn_verify_probe_msg msg;

	if (hn_verify_frame_parse_probe(e, &msg) == 0) {
		if (msg.nonce != w->nonce || msg.emission >= p->n_emissions ||
		    p->emissions[msg.emission].probe != msg.sender ||
		    p->emissions[msg.emission].vlan != msg.vlan)
			return;
		hn_verify_matrix_record(w->matrix, probe, msg.emission, tagged, vid);
		return;
	}
	/* A matrix trunk sends for many VLANs with one MAC: each run hears its own VLAN. */
	for (size_t i = 0; i < p->n_reach; i++)
		if (p->reach[i].probe == probe &&
		    (!p->reach[i].tag || (tagged && vid == p->reach[i].tag)))
			hn_verify_reach_input(&w->reach[i], e, now);
}

/*
 * Read every frame waiting on sock. probe is the probe's index, or -1 for gateway socket g.
 * Frames the socket sent itself (PACKET_OUTGOING) are skipped.
 */
static void drain(struct hn_verify_window *w, int sock, long probe, size_t g, int64_t now)
{
	for (;;) {
		uint8_t frame[2048];
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} ctl;
		struct sockaddr_ll from;
		struct iovec iov = {.iov_base = frame, .iov_len = sizeof(frame)};
		struct msghdr mh = {
		    .msg_name = &from,
		    .msg_namelen = sizeof(from),
		    .msg_iov = &iov,
		    .msg_iovlen = 1,
		    .msg_control = ctl.buf,
		    .msg_controllen = sizeof(ctl.buf),
		};
		bool tagged = false;
		unsigned vid = 0;
		struct hn_verify_eth e;
		ssize_t n = recvmsg(sock, &mh, MSG_DONTWAIT);

		if (n < 0)
			return;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		w->received++;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			struct tpacket_auxdata aux;

			if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
			    c->cmsg_len < CMSG_LEN(sizeof(aux)))
				continue;
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
			if (aux.tp_status & TP_STATUS_VLAN_VALID) {
				tagged = true;
				vid = aux.tp_vlan_tci & 0x0fff;
			}
		}
		if (hn_verify_eth_parse(frame, (size_t)n, &e) < 0)
			continue;
		/* A tag the kernel left in the data (double tagging, or no offload): the
		 * outermost one is the one the switch wrote. */
		if (e.tagged && !tagged) {
			tagged = true;
			vid = e.tci & 0x0fff;
		}
		if (probe >= 0)
			dispatch(w, (size_t)probe, &e, tagged, vid, now);
		else
			hn_verify_reach_input(&w->gateways[g], &e, now);
	}
}

static bool everything_heard(const struct hn_verify_window *w)
{
	if (!hn_verify_matrix_complete(w->matrix))
		return false;
	for (size_t i = 0; i < w->plan->n_reach; i++)
		if (w->reach[i].expect_ok && !hn_verify_reach_settled(&w->reach[i]))
			return false;
	for (size_t i = 0; i < w->n_gateways; i++)
		if (!hn_verify_reach_settled(&w->gateways[i]))
			return false;
	return true;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int hn_verify_window_run(struct hn_verify_window *w)
{
	const struct hn_verify_probe_plan *p = w->plan;
	size_t nfds = p->n_probes + w->n_gateways;
	struct pollfd *fds = calloc(nfds ? nfds : 1, sizeof(*fds));
	int64_t t0 = hn_verify_now_us();
	int64_t max = HN_VERIFY_WINDOW_MAX + (int64_t)p->n_emissions * HN_VERIFY_WINDOW_PER_FRAME;
	unsigned round = 0;
	size_t next = p->n_emissions; /* of the round being sent; n_emissions: none is */
	size_t budget, sent, reach_from = 0;
	double tokens = SEND_BURST, cap;
	int64_t t_tokens = t0;
	bool reach_left;
	int r = 0;

	if (!fds)
		return hn_err(-ENOMEM, "out of memory");
	for (size_t i = 0; i < p->n_probes; i++)
		fds[i] = (struct pollfd){.fd = w->links[i].sock, .events = POLLIN};
	for (size_t i = 0; i < w->n_gateways; i++)
		fds[p->n_probes + i] = (struct pollfd){.fd = w->gateway_socks[i], .events = POLLIN};
	for (size_t i = 0; i < p->n_reach; i++)
		hn_verify_reach_start(&w->reach[i], t0);
	for (size_t i = 0; i < w->n_gateways; i++)
		hn_verify_reach_start(&w->gateways[i], t0);
	w->t_complete = 0;

	while (!*w->stop) {
		int64_t now = hn_verify_now_us(), t = now - t0, end, wake;
		struct timespec ts;

		if (!w->t_complete && next >= p->n_emissions && round < N_ROUNDS &&
		    t >= rounds[round]) {
			next = 0;
			round++;
		}
		w->passes++;
		/* Tokens since the last pass, a burst at most: SEND_BURST, or what the rate
		 * gave over a slow pass (a loaded guest takes 20 ms a pass; capped at 10 ms
		 * worth, so a wait for the next round does not save up a flood). */
		cap = (double)min64(now - t_tokens, 10000) * SEND_RATE / 1e6;
		if (cap < SEND_BURST)
			cap = SEND_BURST;
		tokens += (double)(now - t_tokens) * SEND_RATE / 1e6;
		t_tokens = now;
		if (tokens > cap)
			tokens = cap;
		budget = (size_t)tokens;
		if (!w->t_complete && next < p->n_emissions) {
			sent = w->sent + w->send_errors;
			next = send_chunk(w, round - 1, next, budget);
			sent = w->sent + w->send_errors - sent;
			budget -= sent;
			tokens -= (double)sent;
		}
		sent = w->sent + w->send_errors;
		reach_left = tick_reach(w, &reach_from, budget, now);
		tokens -= (double)(w->sent + w->send_errors - sent);
		for (size_t i = 0; i < w->n_gateways; i++)
			tick_run(w, &w->gateways[i], w->gateway_socks[i], now);
		if (!w->t_complete && everything_heard(w))
			w->t_complete = t ? t : 1;

		end = max;
		if (w->t_complete) {
			int64_t grace = w->t_complete > GRACE_MIN ? w->t_complete : GRACE_MIN;

			end = min64(max, w->t_complete + grace);
			if (end < HN_VERIFY_WINDOW_MIN)
				end = HN_VERIFY_WINDOW_MIN;
		}
		if (t >= end)
			break;
		wake = t0 + end;
		if ((!w->t_complete && next < p->n_emissions) || reach_left)
			wake = min64(wake, now + SEND_BURST * 1000000 / SEND_RATE / 4);
		else if (!w->t_complete && round < N_ROUNDS)
			wake = min64(wake, t0 + rounds[round]);
		/* Runs left due for want of budget wait for the pace like the rest. */
		for (size_t i = 0; i < p->n_reach && !reach_left; i++)
			wake = min64(wake, w->reach[i].next);
		for (size_t i = 0; i < w->n_gateways; i++)
			wake = min64(wake, w->gateways[i].next);
		/* A reach run waiting for its probe decision has next in the future too. */
		wake = wake > now ? wake - now : 0;
		ts.tv_sec = wake / 1000000;
		ts.tv_nsec = (wake % 1000000) * 1000;
		if (ppoll(fds, nfds, &ts, w->wait_sigmask) < 0) {
			if (errno == EINTR)
				continue;
			r = hn_err(-errno, "waiting for probe frames: %s", strerror(errno));
			break;
		}
		now = hn_verify_now_us();
		for (size_t i = 0; i < nfds; i++) {
			if (!(fds[i].revents & POLLIN))
				continue;
			if (i < p->n_probes)
				drain(w, fds[i].fd, (long)i, 0, now);
			else
				drain(w, fds[i].fd, -1, i - p->n_probes, now);
		}
	}
	w->t_end = hn_verify_now_us() - t0;
	free(fds);
	return r;
}
