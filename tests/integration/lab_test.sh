#!/usr/bin/env bash
# lab_test.sh - integration test of the lab host (vm-tests/lab and helpers).
#
# Starts and stops labs over and over and checks that each one works (the host
# pings its gateway, its ovsdb answers, libvirtd answers) and that each stop
# leaves the machine exactly as it found it: no process, namespace, link,
# mount, run dir or socket left behind, even after kill -9 or a killed run.
#
# Other engineers may run their own labs on this machine at the same time, so
# every lab here is named $PREFIX* and the leak counts ignore what lives in
# the root namespace and other labs' namespaces (see count_processes).  Must run as root.  The last line of
# output is "N passed, N failed"; the exit status is non-zero on any failure.
#
# LAB_TEST_CYCLES (10) start/stop cycles; LAB_TEST_LIBVIRT_EVERY (1): every
# how many cycles is started with --libvirt (1 = all of them).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/vm-tests/lab
PREFIX=lt$$-
CYCLES=${LAB_TEST_CYCLES:-10}
LIBVIRT_EVERY=${LAB_TEST_LIBVIRT_EVERY:-1}
# How long a --libvirt start waits for another engineer's lab to give
# libvirt back before counting as a failure.
LIBVIRT_WAIT=${LAB_TEST_LIBVIRT_WAIT:-180}
RUN_ROOT=/run/hostnet-lab
LOCK=$RUN_ROOT/libvirt.lock

PASSED=0
FAILED=0
BASELINE=
TMP=$(mktemp -d /tmp/lab_test.XXXXXX)
TIMINGS=()

ok() {
	PASSED=$((PASSED + 1))
	printf 'ok   - %s\n' "$*"
}

fail() {
	FAILED=$((FAILED + 1))
	printf 'FAIL - %s\n' "$*"
}

# check DESCRIPTION CMD...: one assertion.  The command's output is shown
# only when it fails.
check() {
	local what=$1
	shift
	if "$@" >"$TMP/out" 2>&1; then
		ok "$what"
	else
		fail "$what"
		sed 's/^/       /' "$TMP/out" | tail -n 20
	fi
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	"$LAB" stop-all "$PREFIX" >/dev/null 2>&1 || true
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
# what a lab may leave behind

# Inodes of the named namespaces that are not ours (other engineers' labs):
# their processes are not ours to count.
foreign_netns_inodes() {
	local f
	for f in /run/netns/*; do
		[[ -e $f && ${f##*/} != "$PREFIX"* ]] || continue
		stat -L -c %i "$f" 2>/dev/null || true
	done
}

# Live (non-zombie) lab processes: those in our labs' namespaces or in a
# namespace that lost its name (where a leaked lab process would be).  The
# root namespace and other labs' namespaces are left out: a lab never runs
# anything there, and other engineers do (a root-namespace qemu, their labs).
# `sleep` is the libvirt lock holder.
count_processes() {
	local foreign root pid stat comm ino
	foreign=" $(foreign_netns_inodes | tr '\n' ' ') "
	root=$(stat -L -c %i /proc/self/ns/net)
	declare -A n=()
	while read -r pid stat comm; do
		[[ $stat != Z* ]] || continue
		ino=$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null) || continue
		[[ $foreign != *" $ino "* ]] || continue
		[[ $ino != "$root" ]] || continue
		n[$comm]=$((${n[$comm]:-0} + 1))
	done < <(ps -eo pid=,stat=,comm= |
		awk '$3 ~ /^(ovsdb-server|ovs-vswitchd|libvirtd|virtlogd|qemu-system-x86|sleep)$/')
	for comm in ovsdb-server ovs-vswitchd libvirtd virtlogd qemu-system-x86 sleep; do
		printf 'procs %s %s\n' "$comm" "${n[$comm]:-0}"
	done
}

lock_is_ours() {
	[[ $(cat "$LOCK" 2>/dev/null || true) == "$PREFIX"* ]]
}

# One line per thing that must come back to where it was after a stop.
snapshot() {
	count_processes
	printf 'netns %s\n' "$(ip netns list | awk -v p="$PREFIX" 'index($1, p) == 1' | wc -l)"
	printf 'rootlinks %s\n' "$(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | tr '\n' ' ')"
	printf 'rundirs %s\n' "$(find "$RUN_ROOT" -mindepth 1 -maxdepth 1 -name "$PREFIX*" 2>/dev/null | wc -l)"
	printf 'mounts %s\n' "$(grep -c -- "$PREFIX" /proc/self/mountinfo || true)"
	printf 'libvirt-lock-ours %s\n' "$(lock_is_ours && echo yes || echo no)"
	printf 'ovs-symlink-ours %s\n' "$(readlink /var/run/openvswitch/db.sock 2>/dev/null | grep -c -- "/$PREFIX" || true)"
}

# Sockets libvirtd leaves in /var/run/libvirt (only meaningful while no other
# lab owns libvirt).
libvirt_sockets_gone() {
	if [[ -e $LOCK && -s $LOCK ]]; then
		echo "libvirt now owned by lab $(cat "$LOCK"); not checked"
		return 0
	fi
	find /var/run/libvirt -type s 2>/dev/null | grep . || return 0
	# Another engineer's lab may have taken libvirt since we looked.
	[[ -s $LOCK && $(cat "$LOCK") != "$PREFIX"* ]]
}

same_as_baseline() {
	local now
	now=$(snapshot)
	[[ $now == "$BASELINE" ]] && return 0
	diff <(echo "$BASELINE") <(echo "$now") || true
	return 1
}

# ---------------------------------------------------------------------------
# helpers

# start_lab NAME [--libvirt]: start, and for --libvirt wait (bounded) while
# another engineer's lab holds libvirt instead of failing at once.
start_lab() {
	local name=$1 deadline=$((SECONDS + LIBVIRT_WAIT))
	shift
	while :; do
		if "$LAB" start "$name" "$@" 2>"$TMP/start.err"; then
			return 0
		fi
		if grep -q 'libvirt is in use by lab' "$TMP/start.err" &&
			! grep -q "in use by lab '$PREFIX" "$TMP/start.err" &&
			((SECONDS < deadline)); then
			sleep 2
			continue
		fi
		cat "$TMP/start.err" >&2
		return 1
	done
}

lab_env() {
	local lines
	lines=$("$LAB" env "$1") || return 1
	eval "$lines"
}

host_pings() {
	ip netns exec "$LAB_NS" ping -c1 -W2 -q "$1"
}

ovsdb_answers() {
	ovs-vsctl --db="unix:$LAB_DIR/db.sock" --timeout=5 show
}

exec_ovs_answers() {
	"$LAB" exec "$1" ovs-vsctl --timeout=5 show
}

virsh_has_default() {
	local nets
	timeout 10 virsh -c qemu:///system version || return 1
	# Captured first: `virsh | grep -q` under pipefail fails when grep
	# quits early and virsh gets EPIPE.
	nets=$(timeout 10 virsh -c qemu:///system net-list --all --name) || return 1
	grep -qx default <<<"$nets"
}

ovs_symlink_is_lab() {
	[[ $(readlink /var/run/openvswitch/db.sock) == "$LAB_DIR/db.sock" ]]
}

expect_fail() { ! "$@"; }

wait_for_qemu() {
	local i comms
	for i in $(seq 50); do
		comms=$(ip netns pids "$LAB_NS" | xargs -r ps -o comm= -p || true)
		grep -qx qemu-system-x86 <<<"$comms" && return 0
		sleep 0.1
	done
	echo "no qemu in $LAB_NS after ${i}x0.1s"
	return 1
}

# ---------------------------------------------------------------------------
# test cases

test_start_stop_cycles() {
	local i name opts t0 t1 t2
	for ((i = 1; i <= CYCLES; i++)); do
		name=${PREFIX}c$i
		opts=()
		((i % LIBVIRT_EVERY != 0)) || opts=(--libvirt)
		t0=$(now)
		if ! start_lab "$name" "${opts[@]}"; then
			fail "cycle $i: start $name ${opts[*]}"
			continue
		fi
		t1=$(now)
		ok "cycle $i: start $name ${opts[*]}"
		lab_env "$name"
		check "cycle $i: host pings the gateway" host_pings "$LAB_GW"
		check "cycle $i: host pings 203.0.113.1 behind the gateway" host_pings 203.0.113.1
		check "cycle $i: ovs-vsctl --db=unix:\$LAB_DIR/db.sock show" ovsdb_answers
		check "cycle $i: lab exec ovs-vsctl show (OVS_RUNDIR)" exec_ovs_answers "$name"
		if ((${#opts[@]})); then
			check "cycle $i: virsh answers, network default defined" virsh_has_default
			check "cycle $i: /var/run/openvswitch/db.sock -> lab" ovs_symlink_is_lab
		fi
		t2=$(now)
		check "cycle $i: stop $name" "$LAB" stop "$name"
		TIMINGS+=("cycle $i ${opts[*]:-(no libvirt)}: start $(elapsed "$t0" "$t1")s stop $(elapsed "$t2" "$(now)")s")
		check "cycle $i: nothing left behind" same_as_baseline
		if ((${#opts[@]})); then
			check "cycle $i: no libvirt socket left" libvirt_sockets_gone
		fi
	done
}

test_kill9_vswitchd() {
	local name=${PREFIX}k9
	start_lab "$name" || { fail "kill -9: start"; return; }
	lab_env "$name"
	# A stray guest too: stop must take every process of the namespace.
	setsid "$LAB" exec "$name" qemu-system-x86_64 -machine none -nodefaults \
		-display none -S </dev/null >/dev/null 2>&1 &
	check "kill -9: a qemu runs in the lab" wait_for_qemu
	check "kill -9: ovs-vswitchd killed" kill -9 "$(cat "$LAB_DIR/ovs-vswitchd.pid")"
	check "kill -9: stop succeeds" "$LAB" stop "$name"
	check "kill -9: nothing left behind" same_as_baseline
}

# A lab half gone: daemons killed, the upstream namespace deleted by hand.
test_half_gone() {
	local name=${PREFIX}hg
	start_lab "$name" || { fail "half gone: start"; return; }
	lab_env "$name"
	kill -9 "$(cat "$LAB_DIR/ovsdb-server.pid")" || true
	ip netns del "$LAB_UP_NS"
	check "half gone: stop succeeds" "$LAB" stop "$name"
	check "half gone: stop again succeeds" "$LAB" stop "$name"
	check "half gone: stop of a lab that never existed succeeds" "$LAB" stop "${PREFIX}never"
	check "half gone: nothing left behind" same_as_baseline
}

# stop-all finds labs whose stop never ran, including one whose `start` was
# killed midway.
test_stop_all() {
	local pid
	start_lab "${PREFIX}sa1" || fail "stop-all: start sa1"
	start_lab "${PREFIX}sa2" --libvirt || fail "stop-all: start sa2 --libvirt"
	"$LAB" start "${PREFIX}sa3" >/dev/null 2>&1 &
	pid=$!
	sleep 0.05
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	check "stop-all: labs are there" test -d "$RUN_ROOT/${PREFIX}sa1" -a -d "$RUN_ROOT/${PREFIX}sa2"
	check "stop-all: succeeds" "$LAB" stop-all "$PREFIX"
	check "stop-all: nothing left behind" same_as_baseline
	check "stop-all: no libvirt socket left" libvirt_sockets_gone
}

# A start that fails midway (here: ovs-vswitchd cannot start) removes all it
# made; a second --libvirt lab is refused cleanly; a duplicate name is refused
# without harming the running lab.
test_failed_starts() {
	local fake=$TMP/fakebin
	mkdir -p "$fake"
	printf '#!/bin/sh\necho "fake ovs-vswitchd: refusing" >&2\nexit 1\n' >"$fake/ovs-vswitchd"
	chmod +x "$fake/ovs-vswitchd"
	check "failed start: exits non-zero" expect_fail env PATH="$fake:$PATH" "$LAB" start "${PREFIX}fs"
	check "failed start: nothing left behind" same_as_baseline

	start_lab "${PREFIX}l1" --libvirt || fail "libvirt lock: start l1 --libvirt"
	check "libvirt lock: second --libvirt lab refused" expect_fail "$LAB" start "${PREFIX}l2" --libvirt
	check "libvirt lock: refused lab left nothing" test ! -e "$RUN_ROOT/${PREFIX}l2" -a ! -e "/run/netns/${PREFIX}l2"
	check "duplicate name: refused" expect_fail "$LAB" start "${PREFIX}l1"
	lab_env "${PREFIX}l1"
	check "duplicate name: first lab still pings" host_pings "$LAB_GW"
	check "duplicate name: first lab still has libvirt" virsh_has_default
	check "libvirt lock: stop l1" "$LAB" stop "${PREFIX}l1"
	check "libvirt lock: nothing left behind" same_as_baseline
}

# Two labs side by side do not see each other's switch.
test_concurrent_labs() {
	local a=${PREFIX}ca b=${PREFIX}cb
	start_lab "$a" || fail "concurrent: start $a"
	start_lab "$b" || fail "concurrent: start $b"
	check "concurrent: add-br in $a" "$LAB" exec "$a" ovs-vsctl --timeout=5 add-br brx -- set bridge brx datapath_type=netdev
	check "concurrent: $b does not see it" expect_fail "$LAB" exec "$b" ovs-vsctl --timeout=5 br-exists brx
	lab_env "$b"
	check "concurrent: $b pings its gateway" host_pings "$LAB_GW"
	check "concurrent: stop both" "$LAB" stop-all "$PREFIX"
	check "concurrent: nothing left behind" same_as_baseline
}

# The provider simulations: port security, a silent gateway, dedup.
test_nft_helpers() {
	local name=${PREFIX}nf mac=02:00:00:00:5e:01
	start_lab "$name" || { fail "nft helpers: start"; return; }
	lab_env "$name"
	check "port-security on" "$ROOT/vm-tests/lab-port-security" "$name" on
	check "port-security: own MAC passes" host_pings "$LAB_GW"
	ip -n "$LAB_NS" link set eno1 address "$mac"
	ip -n "$LAB_NS" neigh flush dev eno1
	check "port-security: foreign MAC dropped" expect_fail host_pings "$LAB_GW"
	ip -n "$LAB_NS" link set eno1 address "$LAB_ENO1_MAC"
	check "port-security off (twice)" "$ROOT/vm-tests/lab-port-security" "$name" off
	check "port-security off is idempotent" "$ROOT/vm-tests/lab-port-security" "$name" off
	check "gw silent" "$ROOT/vm-tests/lab-gw" "$name" silent
	check "gw silent: no answer" expect_fail host_pings "$LAB_GW"
	check "gw answer" "$ROOT/vm-tests/lab-gw" "$name" answer
	check "gw answer: answers again" host_pings "$LAB_GW"
	check "dedup on" "$ROOT/vm-tests/lab-dedup" "$name" on
	check "dedup on: eno1 (not in OVS) is deaf" expect_fail host_pings "$LAB_GW"
	check "dedup off" "$ROOT/vm-tests/lab-dedup" "$name" off
	check "dedup off: answers again" host_pings "$LAB_GW"
	check "nft helpers: stop" "$LAB" stop "$name"
	check "nft helpers: nothing left behind" same_as_baseline
}

main() {
	local t0 t
	[[ $EUID -eq 0 ]] || { fail "must run as root"; echo "$PASSED passed, $FAILED failed"; exit 1; }
	t0=$(now)
	BASELINE=$(snapshot)
	test_start_stop_cycles
	test_kill9_vswitchd
	test_half_gone
	test_stop_all
	test_failed_starts
	test_concurrent_labs
	test_nft_helpers
	for t in "${TIMINGS[@]}"; do
		echo "timing: $t"
	done
	echo "total: $(elapsed "$t0" "$(now)")s"
	echo "$PASSED passed, $FAILED failed"
	((FAILED == 0))
}

main "$@"
