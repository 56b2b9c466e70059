// SPDX-License-Identifier: GPL-2.0-or-later
#include "converge.h"
#include "backends.h"
#include "error.h"
#include "uplink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int open_layer(struct hn_session *s, enum hn_layer l)
{
	const struct hn_backend *b = hn_backend_of(l);
	int r = b ? b->open(s->opts, &s->state[l]) : -ENOENT;

	if (r < 0 && hn_layer_optional(s->config, l)) {
		hn_debug("%s: not in the config and not reachable (%s): left alone",
			 hn_layer_name(l), hn_errmsg() ? hn_errmsg() : strerror(-r));
		hn_err_clear();
		return 0;
	}
	if (r < 0 && s->virt_apart && l == HN_LAYER_VIRT) {
		snprintf(s->virt_unreached, sizeof(s->virt_unreached), "%s",
			 hn_errmsg() ? hn_errmsg() : strerror(-r));
		hn_debug("%s: the host's network converges without it", s->virt_unreached);
		hn_err_clear();
		return 0;
	}
	if (r == 0)
		s->backends[l] = b;
	return r;
}

void hn_early_start(struct hn_early *e, const struct hn_opts *opts, bool lock)
{
	memset(e, 0, sizeof(*e));
	e->lock = -1;
	if (lock && (e->lock = hn_lock_host(0)) < 0) {
		hn_err_clear();
		return; /* another run holds the host: its state is read once the lock is ours */
	}
	for (int l = 0; l < HN_LAYER_VIRT; l++) {
		const struct hn_backend *b = hn_backend_of(l);

		if (!hn_layer_wanted(opts, l) || !b || !b->ask)
			continue;
		if (b->ask(opts, &e->state[l]) == 0)
			e->backends[l] = b;
		hn_err_clear();
	}
}

void hn_early_end(struct hn_early *e)
{
	for (int l = 0; l < HN_LAYER_COUNT; l++) {
		if (e->backends[l])
			e->backends[l]->close(e->state[l]);
		e->backends[l] = NULL;
	}
	if (e->lock >= 0)
		close(e->lock);
	e->lock = -1;
}

int hn_session_open(struct hn_session *s, const struct hn_opts *opts,
		    const struct hn_config *config, bool virt_apart, struct hn_early *early)
{
	memset(s, 0, sizeof(*s));
	s->opts = opts;
	s->config = config;
	s->virt_apart = virt_apart;
	for (int l = 0; l < HN_LAYER_COUNT; l++) {
		int r;

		if (!hn_layer_wanted(opts, l))
			continue;
		if (l == HN_LAYER_VIRT) {
			s->virt_pending = true;
			continue;
		}
		if (early && early->backends[l]) {
			s->backends[l] = early->backends[l];
			s->state[l] = early->state[l];
			early->backends[l] = NULL;
			continue;
		}
		r = open_layer(s, l);
		if (r < 0) {
			hn_session_close(s);
			return r;
		}
	}
	return 0;
}

int hn_session_open_virt(struct hn_session *s)
{
	if (!s->virt_pending)
		return 0;
	s->virt_pending = false;
	return open_layer(s, HN_LAYER_VIRT);
}

void hn_session_close(struct hn_session *s)
{
	for (int l = HN_LAYER_COUNT - 1; l >= 0; l--) {
		if (s->backends[l])
			s->backends[l]->close(s->state[l]);
		s->backends[l] = NULL;
		s->state[l] = NULL;
	}
}

bool hn_session_reads_kernel(const struct hn_session *s)
{
	const struct hn_backend *b = s->backends[HN_LAYER_NETLINK];

	return b && b->uplink_facts;
}

void hn_session_uplink_facts(struct hn_session *s, const struct hn_bridge *b,
			     struct hn_uplink_facts *out)
{
	s->backends[HN_LAYER_NETLINK]->uplink_facts(s->state[HN_LAYER_NETLINK], b, out);
}

static int read_virt(struct hn_session *s)
{
	int r = hn_session_open_virt(s);

	if (r == 0 && s->backends[HN_LAYER_VIRT])
		r = s->backends[HN_LAYER_VIRT]->read(s->state[HN_LAYER_VIRT]);
	return r;
}

int hn_session_plan(struct hn_session *s, struct hn_config *want, struct hn_plan *plan)
{
	int r;

	/* The host's layers are read first, then diffed: the uplink facts the OVS diff needs
	 * (the NIC's MAC for other_config:hwaddr) come from the kernel. libvirt, which nothing
	 * else depends on, comes last: its library loads meanwhile (hn_backend_preload). */
	for (int l = 0; l < HN_LAYER_VIRT; l++) {
		if (s->backends[l] && (r = s->backends[l]->read(s->state[l])) < 0)
			return r;
	}
	if (want && hn_session_reads_kernel(s) && (r = hn_uplink_resolve(want, s)) < 0)
		return r;
	for (int l = 0; l < HN_LAYER_COUNT; l++) {
		if (l == HN_LAYER_VIRT && (r = read_virt(s)) < 0)
			return r;
		if (s->backends[l] && (r = s->backends[l]->diff(s->state[l], want, plan)) < 0)
			return r;
		/* `down` gives an uplink its address back only if OVS takes it off its bridge. */
		if (l == HN_LAYER_OVS && want && want->down)
			hn_uplink_mark_kept(want, plan);
	}
	return hn_plan_order(plan, !want || want->down);
}

int hn_session_rollback(struct hn_session *s, struct hn_action **acts, size_t n)
{
	struct hn_error later; /* after the first failure: its message is the one reported */
	int first = 0;
	size_t end = n;

	while (end > 0) {
		/* The run of actions of one layer that ends at end-1. */
		enum hn_layer layer = acts[end - 1]->layer;
		size_t start = end - 1;

		while (start > 0 && acts[start - 1]->layer == layer)
			start--;
		hn_debug("rolling back %zu %s action(s)", end - start, hn_layer_name(layer));
		int r = s->backends[layer]->undo(s->state[layer], acts + start, end - start);

		if (r < 0 && !first) {
			first = r;
			hn_err_push(&later);
		}
		end = start;
	}
	if (first)
		hn_err_pop(&later);
	return first;
}

/* Tries of a layer's apply while other clients keep changing what it read (-EAGAIN). */
#define REPLAN_TRIES 3

static const char *layer_state(enum hn_layer layer)
{
	return layer == HN_LAYER_OVS	? "the OVS database"
	       : layer == HN_LAYER_VIRT ? "libvirt's networks"
					: "the kernel's network state";
}

/* A change that the user must have been shown before it is made. */
static bool needs_consent(const struct hn_action *a)
{
	return a->op == HN_OP_REMOVE || a->disruptive || a->uplink;
}

static bool was_shown(const struct hn_action *a, struct hn_action *const *shown, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (hn_action_same(shown[i], a))
			return true;
	return false;
}

/*
 * The layer of plan->actions[start, *end) found that another client changed the host since
 * it read it (apply gave -EAGAIN, nothing applied). Read and diff that layer again; the new
 * actions replace the old ones and are shown, unless one of them needs consent that the
 * printed plan did not ask for: then nothing of it is applied and the run fails.
 */
static int replan_layer(struct hn_session *s, struct hn_config *want, struct hn_plan *plan,
			size_t start, size_t *end)
{
	enum hn_layer layer = plan->actions[start]->layer;
	const struct hn_backend *b = s->backends[layer];
	struct hn_plan fresh = {0};
	int r = b->read(s->state[layer]);

	if (r == 0)
		r = b->diff(s->state[layer], want, &fresh);
	for (size_t i = 0; r == 0 && i < fresh.n; i++) {
		const struct hn_action *a = fresh.actions[i];
		char object[HN_OBJECT_STRLEN], detail[HN_DETAIL_STRLEN];

		if (needs_consent(a) && !was_shown(a, plan->actions + start, *end - start))
			r = hn_err(
			    -EAGAIN,
			    "another client changed %s while hostnet applied its plan, which "
			    "now holds `%c %s %s%s%s`, a change that was not shown: none of "
			    "the %s changes were made; run `hostnet plan`, then `hostnet up`",
			    layer_state(layer), hn_op_sign(a->op), hn_layer_name(layer),
			    hn_object_format(&a->obj, object, sizeof(object)),
			    hn_action_detail(a, detail, sizeof(detail))[0] ? ": " : "", detail,
			    hn_layer_name(layer));
	}
	if (r == 0)
		r = hn_plan_note(plan,
				 "another client changed %s between hostnet's read and its write: "
				 "the %s changes were planned again (%zu)",
				 layer_state(layer), hn_layer_name(layer), fresh.n);
	if (r == 0 && !s->opts->json) {
		printf("note: %s\n", plan->notes[plan->n_notes - 1]);
		hn_plan_print(stdout, &fresh);
		fflush(stdout);
	}
	if (r == 0) {
		size_t old_end = *end;

		*end = start + fresh.n;
		r = hn_plan_splice(plan, start, old_end, &fresh, b);
	}
	hn_plan_free(&fresh, s->backends);
	return r;
}

int hn_session_apply(struct hn_session *s, struct hn_config *want, struct hn_plan *plan,
		     size_t from, size_t until, size_t *at)
{
	size_t start = *at;
	int tries = 0;

	while (start < until) {
		enum hn_layer layer = plan->actions[start]->layer;
		size_t end = start, done = 0, old_end;
		int r;

		while (end < until && plan->actions[end]->layer == layer)
			end++;
		hn_debug("applying %zu %s action(s)", end - start, hn_layer_name(layer));
		r = s->backends[layer]->apply(s->state[layer], plan->actions + start, end - start,
					      &done);
		old_end = end;
		if (r == -EAGAIN && done == 0 && ++tries < REPLAN_TRIES) {
			r = replan_layer(s, want, plan, start, &end);
			if (r == 0) {
				until = until + end - old_end; /* the plan grew or shrank there */
				continue; /* the layer again, with its new actions */
			}
		}
		if (r < 0) {
			/* stays put: the rollback reports to a context of its own */
			const char *why = hn_errmsg() ? hn_errmsg() : strerror(-r);
			const char *again = r == -EAGAIN && tries >= REPLAN_TRIES
						? ", each time it was read again"
						: "";
			size_t undone = start + done - from;
			struct hn_error undo;
			int u;

			hn_err_push(&undo);
			u = hn_session_rollback(s, plan->actions + from, undone);
			hn_err_pop(&undo);
			if (u < 0)
				return hn_err(r,
					      "%s%s; rolling back the %zu change(s) made before it "
					      "FAILED too (%s): the host is half-converged, run "
					      "`hostnet plan` to see how it stands",
					      why, again, undone,
					      undo.msg[0] ? undo.msg : strerror(-u));
			if (!undone)
				return hn_err(r, "%s%s", why, again);
			return hn_err(r,
				      "%s%s; the %zu change(s) made before it were rolled back, "
				      "the host is as it was",
				      why, again, undone);
		}
		start = end;
		*at = end;
	}
	return 0;
}

/* After the move the address is on the bridge; after `down`, on the NIC. A gateway that does
 * not answer undoes plan->actions[0, *applied), unless the plan only finished a half-done
 * move (then there is no better state to go back to). */
/* Why a move is not guarded (not probed before, not rolled back), or NULL when it is. */
static const char *unguarded(struct hn_session *s, struct hn_config *want, struct hn_plan *plan)
{
	if (!hn_plan_moves_nic(want, plan))
		return "finishing a half-done uplink move; not rolled back, since the uplink NIC "
		       "was already a port of its bridge, where no frame reaches an address left "
		       "on it";
	if (!want->down && !hn_uplink_held(want, s))
		return "moving an uplink whose address was on neither the NIC nor its bridge (a "
		       "NIC renamed at boot, say); not rolled back, since the host could not be "
		       "reached as it was";
	return NULL;
}

static int check_after(struct hn_session *s, struct hn_config *want, struct hn_plan *plan,
		       size_t *applied, const char *unguarded, int gateway_timeout_ms)
{
	const struct hn_bridge *silent = NULL;
	int r = hn_uplink_check_from(want, want->down, gateway_timeout_ms, &silent);
	size_t n = *applied;
	struct hn_error undo;
	const char *lacp;
	int u, back;

	if (r == 0)
		return 0;
	if (unguarded)
		return hn_err(r, "%s after %s: the host answers once the gateway does", hn_errmsg(),
			      unguarded);
	/* The gateway stopped answering: the host may be cut off. Put everything back, and
	 * ask again: the address is where it was before this run. */
	hn_err_push(&undo);
	u = hn_session_rollback(s, plan->actions, n);
	back = u < 0 ? -1 : hn_uplink_check_from(want, !want->down, gateway_timeout_ms, NULL);
	hn_err_pop(&undo);
	if (u < 0)
		return hn_err(r,
			      "%s after the change; rolling it back FAILED too (%s): run "
			      "`hostnet plan` to see how the host stands",
			      hn_errmsg(), undo.msg);
	*applied = 0;
	/* The silent gateway's bridge, not any: with two uplink bridges, only its bond. */
	lacp = silent && hn_uplink_speaks_lacp(silent) ? silent->name : NULL;
	return hn_err(r,
		      "%s after the change; all %zu change(s) were rolled back and the gateway "
		      "%s%s%s%s",
		      hn_errmsg(), n,
		      back == 0 ? "answers again as before" : "does NOT answer now either",
		      lacp ? "; " : "", lacp ? lacp : "",
		      lacp ? "'s uplink speaks LACP: frames pass only once the provider's switch "
			     "negotiates its aggregate (up; ports not set up for LACP never do) or "
			     "lets go of it (down: its LACP timing out, seconds with fast LACPDUs "
			     "and over 90 s with slow ones, or its admin undoing it), which must "
			     "happen within --gateway-timeout"
			   : "");
}

/*
 * Where the gateway is asked after the uplink moved. up: after the host's own network (OVS
 * and the kernel; libvirt's networks come last, a unit of their own). down: as soon as the
 * NIC has its address back and has left its bridge, before any bridge goes: a rollback then
 * never makes a bridge again, which would be a new link without what was set on the old one
 * (its ARP hygiene).
 */
static size_t uplink_checkpoint(const struct hn_plan *plan, bool down)
{
	size_t end = 0;

	for (size_t i = 0; i < plan->n; i++) {
		const struct hn_action *a = plan->actions[i];

		if (down ? a->stage != HN_STAGE_MAIN || a->layer == HN_LAYER_VIRT
			 : a->layer != HN_LAYER_VIRT)
			end = i + 1;
	}
	return end;
}

int hn_session_converge(struct hn_session *s, struct hn_config *want, struct hn_plan *plan,
			size_t *applied, int gateway_timeout_ms)
{
	bool moves = hn_plan_moves_uplink(plan) && hn_session_reads_kernel(s);
	const char *why_not = moves ? unguarded(s, want, plan) : NULL;
	size_t at = 0, host_done;
	int r;

	/* A host that cannot be reached as it is (a half-done move: the NIC already a port of
	 * its bridge, as OVS's database brings it back at boot while ifupdown gives the NIC its
	 * address; or the address on no interface at all) is moved whatever the gateway does:
	 * a silent gateway is no reason to leave it so, nor to go back to it. */
	if (why_not)
		hn_debug("uplink move not guarded: %s", why_not);
	if (moves && !why_not && (r = hn_uplink_check_before(want, s, gateway_timeout_ms)) < 0)
		return r;
	/* `up`: the host's own network first, one unit with its gateway check. `down`: all of
	 * it is one unit, libvirt first (a network leaves before the bridge it names), the
	 * gateway asked once the uplink is back on its NIC. */
	r = hn_session_apply(s, want, plan, 0, uplink_checkpoint(plan, want->down), &at);
	*applied = at;
	if (r == 0 && moves)
		r = check_after(s, want, plan, applied, why_not, gateway_timeout_ms);
	if (r == 0 && want->down) {
		r = hn_session_apply(s, want, plan, 0, plan->n, &at);
		*applied = at;
	}
	if (r < 0 || at == plan->n)
		return r;
	/*
	 * libvirt's networks, on a host network its gateway has just answered on: a unit of
	 * their own. A libvirtd that fails or stalls here undoes libvirt's changes only; taking
	 * the host's network back for it would cut a working host off (at boot, libvirtd is
	 * often the slowest to answer, and the retry of hostnet.service finishes the job).
	 */
	host_done = at;
	r = hn_session_apply(s, want, plan, host_done, plan->n, &at);
	*applied = at;
	if (r < 0)
		return hn_err(r,
			      "%s; the host's network (%zu change(s) before it) was converged and "
			      "stays so",
			      hn_errmsg(), host_done);
	return 0;
}

/*
 * One lock per network namespace: the namespace is the host hostnet converges (`ip netns
 * exec NS hostnet` is how a namespace is managed), while /run is shared by all of them.
 */
static void lock_path(char *path, size_t len)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st) == 0)
		snprintf(path, len, "/run/hostnet/lock.net%llu", (unsigned long long)st.st_ino);
	else
		snprintf(path, len, "/run/hostnet/lock");
}

int hn_lock_host(int timeout_ms)
{
	const char *dir = "/run/hostnet";
	struct timespec step = {0, 20 * 1000 * 1000};
	int fd, waited = 0;
	char path[64];

	lock_path(path, sizeof(path));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return hn_err(-errno, "%s: %s", dir, strerror(errno));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return hn_err(-errno, "%s: %s", path, strerror(errno));
	/* Bounded: a stuck holder must not hang boot forever. The fd stays open (and the
	 * lock held) until the process exits. */
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			int e = errno;

			close(fd);
			return hn_err(-e, "%s: %s", path, strerror(e));
		}
		if (waited == 0 && timeout_ms > 0)
			hn_debug("another hostnet run holds %s, waiting", path);
		if (waited >= timeout_ms) {
			close(fd);
			return hn_err(-ETIMEDOUT,
				      "another hostnet run still holds %s after %d ms; try again "
				      "once it has finished",
				      path, waited);
		}
		nanosleep(&step, NULL);
		waited += 20;
	}
	return fd;
}
