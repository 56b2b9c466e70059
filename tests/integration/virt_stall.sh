#!/usr/bin/env bash
# virt_stall.sh - a libvirtd that is alive but stalls on one call: every command gives up
# within --timeout, says which call libvirtd did not answer, and leaves nothing unreported.
#
# The stall is made certain, not timed: hostnet talks to libvirtd through
# libvirt_proxy.py's stall mode (qemu:///system?socket=...), which SIGSTOPs libvirtd just before it
# forwards hostnet's Nth call of a given API function, so libvirtd is stopped between two of
# hostnet's calls with the stalled one unread in its socket. It is continued once hostnet
# has exited, and then carries that call out, as a real stall would end.
#
# All layers, on the seed config (etc/hostnet.yaml) in one lab with its own libvirtd; the
# cases build on one another, in order:
#   plan stalled on a read (virConnectListAllNetworks): exit 1, one line, host unchanged;
#   stall in the middle of the connect (virConnectOpen): exit 1, one line;
#   up stalled on virNetworkDefineXML: exit 1; the host's own network (OVS, kernel: the
#     uplink move, which its gateway answered) is converged and stays so, the line names the
#     libvirt networks it could not put back and says so; once libvirtd resumes, plan shows
#     only libvirt's part left and up converges;
#   up stalled on virNetworkCreate after other networks were defined: the same;
#   verify stalled on a read: UNKNOWN for the libvirt state, the rest OK, exit 3;
#   down stalled while counting a network's VMs (virNetworkListAllPorts): exit 1, nothing
#     changed, instead of a plan saying "VM use unknown";
#   down stalled on virNetworkDestroy: exit 1, half-converged said, the uplink untouched;
#   a stall on the final virConnectClose does not change plan's result.
#
# Bound: each stalled run must take at least --timeout (STALL_MS, 1000: the stall really
# held) and less than --timeout + MARGIN_MS. MARGIN_MS (1000) is for the run's own work
# outside the stalled call, which the bound does not cover: loading, reading the kernel and
# OVSDB, and for up the uplink move with its ARP probe of the gateway before, then the
# rollback waiting for ovs-vswitchd. Under ASan on this 2-core machine that work took 30 to
# 360 ms (the NOTE of each case says how long the run took); 1000 leaves room for load.
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.
# The harness (the lab, hostnet runs, checks, the case runner) is lib.sh.

set -euo pipefail

HN_LAB=${VIRT_STALL_LAB:-hn-virt-stall}
HN_LIBVIRT=yes
HN_LIBVIRT_WAIT=${VIRT_STALL_LIBVIRT_WAIT:-300}
HN_WORDS=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SEED=$ROOT/etc/hostnet.yaml
STALL_MS=${STALL_MS:-1000}
MARGIN_MS=${MARGIN_MS:-1000}
REAL_SOCK=/var/run/libvirt/libvirt-sock
PROXY_SOCK=$TMP/libvirt.sock
PROXY_PID=
on_exit stop_proxy

on_lab_start() { LIBVIRTD_PID=$(cat /var/run/libvirtd.pid); }

stop_proxy() {
	if [[ -n $PROXY_PID ]]; then
		kill "$PROXY_PID" 2>/dev/null || true
		wait "$PROXY_PID" 2>/dev/null || true
	fi
	PROXY_PID=
	rm -f "$PROXY_SOCK" "$PROXY_SOCK.stopped"
}

# hn_stalled CALL NTH CONFIG COMMAND ARGS...: hn CONFIG --timeout STALL_MS COMMAND ARGS...
# through the proxy, which stops libvirtd at the NTH call of CALL; libvirtd is continued
# once hostnet has exited (or by the exit hook, should it never). Fails unless the proxy did
# stop it there.
hn_stalled() {
	local call=$1 nth=$2 conf=$3 real=$LAB_LIBVIRT stopped i
	shift 3
	python3 "$ROOT/tests/integration/libvirt_proxy.py" "$PROXY_SOCK" "$REAL_SOCK" stall \
		"$LIBVIRTD_PID" "$call" "$nth" &
	PROXY_PID=$!
	for ((i = 0; i < 50; i++)); do
		[[ -S $PROXY_SOCK ]] && break
		sleep 0.1
	done
	[[ -S $PROXY_SOCK ]] || why "the proxy did not start" || return 1
	HN_PAUSED_PID=$LIBVIRTD_PID
	LAB_LIBVIRT="qemu:///system?socket=$PROXY_SOCK"
	hn "$conf" --timeout "$STALL_MS" "$@"
	LAB_LIBVIRT=$real
	resume_pid
	stopped=$(cat "$PROXY_SOCK.stopped" 2>/dev/null || true)
	stop_proxy
	[[ $stopped == "$call" ]] || why "libvirtd was never stopped at $call #$nth"
}

within_the_bound() {
	NOTE="exit $RC after $ELAPSED ms, bound $STALL_MS ms${NOTE:+; $NOTE}"
	took_at_least "$STALL_MS" && took_under $((STALL_MS + MARGIN_MS))
}

libvirtd_answers() {
	vsh version >/dev/null 2>&1 || why "libvirtd does not answer after the stall"
}

net_defined() { vsh net-info "$1" >/dev/null 2>&1 || why "network $1 is not defined"; }

# ---------------------------------------------------------------------------- cases

case_plan_stalled_on_a_read() {
	lab_settled || return 1
	host_snapshot before
	hn "$SEED" plan
	local unstalled=$ELAPSED
	hn_stalled virConnectListAllNetworks 1 "$SEED" plan || return 1
	NOTE="unstalled $unstalled ms"
	rc_is 1 && within_the_bound &&
		err_is_one_line_with "libvirtd did not answer virConnectListAllNetworks within $STALL_MS ms" &&
		libvirtd_answers && host_unchanged_since before
}

case_stall_in_the_middle_of_the_connect() {
	hn_stalled virConnectOpen 1 "$SEED" plan || return 1
	rc_is 1 && within_the_bound &&
		err_is_one_line_with "did not answer within $STALL_MS ms" "libvirtd" &&
		libvirtd_answers
}

# The host's network (the uplink move, answered by the gateway) stays: only libvirt's part is
# left to do, and the line says which libvirt changes could not be put back.
only_libvirt_left() {
	hn "$SEED" plan
	rc_is 3 && ! grep -qvE '^(~|\+|-) libvirt |change\(s\) pending' "$TMP/out" ||
		why "more than libvirt's part is left" || return 1
}

case_up_stalled_on_define_is_reported_half_converged() {
	hn_stalled virNetworkDefineXML 1 "$SEED" up || return 1
	rc_is 1 && within_the_bound &&
		err_is_one_line_with "libvirt network ovs-front: define: libvirtd did not answer virNetworkDefineXML within $STALL_MS ms" \
			"libvirt networks default, ovs-front not rolled back" \
			"may still carry out when it resumes" \
			"the host's network (12 change(s) before it) was converged and stays so" || return 1
	uplink_on_br0 || return 1
	# libvirtd carried out the stalled define once continued: what the line said is left.
	libvirtd_answers && net_defined ovs-front || return 1
	only_libvirt_left && out_has "~ libvirt  network ovs-front: start, autostart" &&
		out_has "+ libvirt  network intern-vlans: define, start, autostart" || return 1
	converged_on "$SEED"
}

case_up_stalled_on_start_is_reported_half_converged() {
	hn "$SEED" down
	rc_is 0 || return 1
	# down left no network of hostnet's; default stays undefined (hostnet never redefines).
	hn_stalled virNetworkCreate 2 "$SEED" up || return 1
	rc_is 1 && within_the_bound &&
		err_is_one_line_with "libvirt network intern-vlans: start: libvirtd did not answer virNetworkCreate within $STALL_MS ms" \
			"libvirt networks ovs-front, intern-vlans not rolled back" \
			"was converged and stays so" || return 1
	uplink_on_br0 && libvirtd_answers && only_libvirt_left || return 1
	converged_on "$SEED"
}

case_verify_stalled_is_unknown_for_libvirt_only() {
	hn "$SEED" verify --no-probes
	rc_is 0 || return 1
	local unstalled=$ELAPSED
	hn_stalled virConnectListAllNetworks 1 "$SEED" verify --no-probes || return 1
	NOTE="unstalled $unstalled ms"
	rc_is 3 && within_the_bound && first_line_is UNKNOWN || return 1
	line_is UNKNOWN "libvirt state" \
		"libvirtd did not answer virConnectListAllNetworks within $STALL_MS ms" || return 1
	# Only the libvirt part is unknown: the rest of the host was checked and is fine.
	[[ $(grep -c '^UNKNOWN ' "$TMP/out") == 1 && $(grep -vc '^OK ' "$TMP/out") == 2 ]] ||
		why "more than the libvirt state is not OK"
}

case_down_stalled_while_counting_vms_changes_nothing() {
	lab_settled || return 1
	host_snapshot before
	hn_stalled virNetworkListAllPorts 1 "$SEED" down || return 1
	rc_is 1 && within_the_bound &&
		err_is_one_line_with "counting the VMs on it: libvirtd did not answer virNetworkListAllPorts within $STALL_MS ms" &&
		out_is_empty && libvirtd_answers && host_unchanged_since before
}

case_down_stalled_on_destroy_is_reported_half_converged() {
	hn_stalled virNetworkDestroy 1 "$SEED" down || return 1
	rc_is 1 && within_the_bound &&
		err_is_one_line_with "destroy: libvirtd did not answer virNetworkDestroy within $STALL_MS ms" \
			"not rolled back" "the host is half-converged" || return 1
	# down takes libvirt first: the uplink was not touched.
	uplink_on_br0 && libvirtd_answers && converged_on "$SEED"
}

case_stall_on_the_close_keeps_the_result() {
	hn_stalled virConnectClose 1 "$SEED" plan || return 1
	rc_is 0 && within_the_bound && out_has "nothing to change"
}

# ---------------------------------------------------------------------------- runner

need_hostnet
lab_start_or_die
run_cases plan_stalled_on_a_read stall_in_the_middle_of_the_connect \
	up_stalled_on_define_is_reported_half_converged \
	up_stalled_on_start_is_reported_half_converged \
	verify_stalled_is_unknown_for_libvirt_only \
	down_stalled_while_counting_vms_changes_nothing \
	down_stalled_on_destroy_is_reported_half_converged \
	stall_on_the_close_keeps_the_result
