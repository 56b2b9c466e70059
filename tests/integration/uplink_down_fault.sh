#!/usr/bin/env bash
# uplink_down_fault.sh - `hostnet down` of a migrated host when the gateway is silent, in a
# lab host whose upstream enforces port security (as uplink_migration.sh; issue #6: "down
# moves the address and default route back to eno1, takes eno1 out of br0, and probes the
# gateway from eno1").
#
# Cases:
#   silent_gateway_down_refused  the gateway is silent before down starts: exit 1, one
#                                stderr line, the host exactly as before (still migrated)
#   fault_during_down_rolls_back vswitchd is stopped, down moves the address back to eno1 and
#                                commits the removal of br0 (gone from OVSDB), the upstream
#                                goes silent, vswitchd resumes: the probe from eno1 fails, so
#                                down must put the host back as it was (migrated: br0 with
#                                eno1's MAC holds the address and the default route); once
#                                the upstream answers again the host answers on br0
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last line
# is "N passed, N failed"; the exit status is non-zero when a case failed.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/vm-tests/lab
NAME=${UPLINK_DOWN_LAB:-hn-uplink-down}
HOSTNET=${HOSTNET:-$ROOT/build/hostnet}
SEED=$ROOT/tests/integration/configs/uplink-seed.yaml
TMP=$(mktemp -d /tmp/uplink_down_fault.XXXXXX)
HOST=198.51.100.10
PASSED=0
FAILED=0
RC=0
WHY=
STOPPED_PID=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[[ -z $STOPPED_PID ]] || kill -CONT "$STOPPED_PID" 2>/dev/null || true
	"$LAB" stop "$NAME" >/dev/null 2>&1 || true
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_lab() { ip netns exec "$LAB_NS" "$@"; }
in_up() { ip netns exec "$LAB_UP_NS" "$@"; }
vsctl() { in_lab ovs-vsctl --db="$LAB_OVSDB" --timeout=5 "$@"; }

# hn ARGS...: hostnet in the lab with the seed's bridges; stdout in $TMP/out, stderr in
# $TMP/err, status in RC.
hn() {
	RC=0
	HOSTNET_LAYERS=ovs,netlink ip netns exec "$LAB_NS" "$HOSTNET" --ovsdb "$LAB_OVSDB" \
		-c "$SEED" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}

why() {
	WHY="$*; hostnet said: $(tr '\n' '|' <"$TMP/out")$(tr '\n' '|' <"$TMP/err")"
	return 1
}
rc_is() { [[ $RC == "$1" ]] || why "exit $RC, expected $1"; }
err_is_one_line_with() {
	local s
	[[ $(wc -l <"$TMP/err") == 1 ]] || why "stderr is not one line"
	for s in "$@"; do
		grep -qF -- "$s" "$TMP/err" || why "stderr lacks '$s'"
	done
}

settled() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -n $(in_lab ip -6 addr show dev eno1 scope link) &&
			-z $(in_lab ip -6 addr show tentative) ]] && return 0
		sleep 0.05
	done
	why "IPv6 addresses still tentative after 5 s"
}

snapshot() {
	{
		in_lab ip -d link
		in_lab ip -d addr
		in_lab ip route show table all
		in_lab ip -6 route show table all
		vsctl show
	} >"$TMP/$1"
}
unchanged_since() {
	snapshot now
	cmp -s "$TMP/$1" "$TMP/now" ||
		why "the host changed: $(diff "$TMP/$1" "$TMP/now" | grep '^[<>]' | tr '\n' '|')"
}

portsec_clean() {
	local n
	n=$(in_up nft list table netdev hostnet_lab_portsec | grep -o 'packets [0-9]*' | awk '{print $2}')
	[[ $n == 0 ]] || why "the upstream saw $n frame(s) from a MAC other than eno1's ($LAB_ENO1_MAC)"
}

reach() {
	local s
	s=$(in_up ping -n -q -c 3 -i 0.2 -W 1 "$HOST" 2>&1 | grep transmitted || true)
	[[ $s == "3 packets transmitted, 3 received"* ]] || why "upstream ping of $HOST: ${s:-no answer}"
}

# A fresh lab, port security on, migrated by up; MIGRATED is its picture.
migrated_lab() {
	"$LAB" stop "$NAME" >/dev/null 2>&1 || true
	: >"$TMP/out"
	: >"$TMP/err"
	"$LAB" start "$NAME" >"$TMP/lab.log" 2>&1 || why "lab start: $(tail -n 3 "$TMP/lab.log" | tr '\n' '|')" || return 1
	eval "$("$LAB" env "$NAME")"
	"$ROOT/vm-tests/lab-port-security" "$NAME" on || return 1
	hn up && rc_is 0 && settled && migrated && snapshot migrated
}

migrated() {
	local mac
	mac=$(in_lab ip -br link show br0 | awk '{print $3}') || why "no br0 in the kernel" || return 1
	[[ $mac == "$LAB_ENO1_MAC" ]] || why "br0's MAC is $mac, not eno1's $LAB_ENO1_MAC" || return 1
	[[ $(vsctl port-to-br eno1) == br0 ]] || why "eno1 is not a port of br0" || return 1
	[[ -z $(in_lab ip -4 -o addr show dev eno1) ]] || why "eno1 still has an IPv4 address" || return 1
	in_lab ip -4 -o addr show dev br0 | grep -q "inet $HOST/24 " || why "br0 lacks $HOST/24" || return 1
	[[ $(in_lab ip -4 route show default) == "default via $LAB_GW dev br0 "* ]] ||
		why "default route: $(in_lab ip -4 route show default | tr '\n' '|')" || return 1
	reach && portsec_clean
}

case_silent_gateway_down_refused() {
	migrated_lab || return 1
	"$ROOT/vm-tests/lab-gw" "$NAME" silent || return 1
	hn down --gateway-timeout 500 && rc_is 1 &&
		err_is_one_line_with "gateway 198.51.100.1 does not answer ARP" "nothing was changed" &&
		unchanged_since migrated || return 1
	"$ROOT/vm-tests/lab-gw" "$NAME" answer && migrated
}

case_fault_during_down_rolls_back() {
	local vpid hpid i gone=no
	migrated_lab || return 1
	vpid=$(cat "$LAB_DIR/ovs-vswitchd.pid")
	kill -STOP "$vpid"
	STOPPED_PID=$vpid
	{
		hn down --gateway-timeout 1000
		echo "$RC" >"$TMP/rc"
	} &
	hpid=$!
	# down moves the kernel's side first, then removes br0 in one OVS transaction and waits
	# for vswitchd: br0 gone from OVSDB means the address is already back on eno1.
	for ((i = 0; i < 200; i++)); do
		if ! vsctl --no-wait br-exists br0 2>/dev/null; then
			gone=yes
			break
		fi
		kill -0 "$hpid" 2>/dev/null || break
		sleep 0.05
	done
	[[ $gone == no ]] || "$ROOT/vm-tests/lab-gw" "$NAME" silent
	kill -CONT "$vpid"
	STOPPED_PID=
	wait "$hpid" || true
	RC=$(cat "$TMP/rc")
	[[ $gone == yes ]] || why "br0 never left OVSDB" || return 1
	rc_is 1 && err_is_one_line_with "eno1: gateway 198.51.100.1 did not answer ARP within 1000 ms" \
		"rolled back" || { WHY+="; the host now: $(host_state)"; return 1; }
	"$ROOT/vm-tests/lab-gw" "$NAME" answer && migrated
}

# One line: the links with their IPv4 addresses, and the default route.
host_state() {
	in_lab ip -4 -br addr show | awk '{printf "%s %s %s; ", $1, $2, $3}'
	in_lab ip -br link show br0 2>/dev/null | awk '{printf "%s %s; ", $1, $2}' || true
	echo "default: $(in_lab ip -4 route show default | tr '\n' ' ')"
}

run_case() {
	WHY=
	if "case_$1"; then
		PASSED=$((PASSED + 1))
		echo "ok - $1"
	else
		FAILED=$((FAILED + 1))
		echo "not ok - $1: ${WHY:-a command failed}"
	fi
}

for c in silent_gateway_down_refused fault_during_down_rolls_back; do
	run_case "$c"
done

echo "$PASSED passed, $FAILED failed"
[[ $FAILED == 0 ]]
