#!/usr/bin/env bash
# uplink_migration.sh - the uplink move of issue #6 in a lab host whose upstream enforces
# port security as the seed's provider does (vm-tests/lab-port-security: every frame from a
# source MAC other than eno1's is dropped, and counted; every case checks the count is 0).
#
# hostnet runs inside lab hn-uplink with HOSTNET_LAYERS=ovs,netlink (no libvirt). Every case
# gets a fresh lab (a start takes ~0.2 s), so one failure cannot spill into the next.
#
# Cases:
#   migration_under_ping       up while the upstream pings the host every 5 ms: prints the
#                              lost replies (DUP! replies of the netdev datapath are not
#                              loss) and the wall time of the migrating and of a converged
#                              up; br0 has eno1's MAC, eno1 no IPv4 address, default via br0,
#                              plan exits 0, the host answers (without DUP! once lab-dedup)
#   down_restores_eno1         down under ping: eno1 gets address and default route back
#                              exactly as the lab made them, br0 is gone, the host answers
#   silent_gateway_refused     a gateway nobody answers for: exit 1, one stderr line, the
#                              host exactly as before, nothing created in OVS
#   fault_during_move_rolls_back
#                              vswitchd is stopped, up commits its OVS transaction (eno1 in
#                              br0 in OVSDB), the upstream goes silent, vswitchd resumes:
#                              the post-move probe fails, exit 1, everything rolled back;
#                              once the upstream answers again the host answers on eno1
#   half_migrated_address_on_both
#   half_migrated_address_on_both_route_on_eno1
#   half_migrated_eno1_in_br0_address_on_eno1
#   half_migrated_by_hand_with_ovs_vsctl
#                              states a killed run (or an operator) leaves: up converges to
#                              the migrated state, plan exits 0, the host answers
#   two_ups_at_once            from scratch: both exit 0, one applies, the other (after the
#                              lock /run/hostnet/lock) finds nothing to change
#   addresses_taken_from_eno1  a config without br0's addresses and gateway: same end state
#                              (the explicit config's plan then exits 0); down gives back
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). Lines that
# start with "# " are figures. The last line is "N passed, N failed"; the exit status is
# non-zero when a case failed. UPLINK_PING_INTERVAL (0.005 s) is ping's -i: iputils' -i 0.01
# really sends every ~16 ms here, -i 0.005 every 5 ms.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/vm-tests/lab
NAME=${UPLINK_LAB:-hn-uplink}
HOSTNET=${HOSTNET:-$ROOT/build/hostnet}
CONF=$ROOT/tests/integration/configs
SEED=$CONF/uplink-seed.yaml
INTERVAL=${UPLINK_PING_INTERVAL:-0.005}
TMP=$(mktemp -d /tmp/uplink_migration.XXXXXX)
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
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# hn_to PREFIX CONFIG ARGS...: hostnet in the lab; stdout in $TMP/PREFIX.out, stderr in
# $TMP/PREFIX.err, exit status in $TMP/PREFIX.rc.
hn_to() {
	local p=$1 conf=$2 rc=0
	shift 2
	HOSTNET_LAYERS=ovs,netlink ip netns exec "$LAB_NS" "$HOSTNET" --ovsdb "$LAB_OVSDB" \
		-c "$conf" "$@" >"$TMP/$p.out" 2>"$TMP/$p.err" || rc=$?
	echo "$rc" >"$TMP/$p.rc"
}

# hn CONFIG ARGS...: the same into $TMP/out, $TMP/err and RC.
hn() {
	hn_to hn "$@"
	RC=$(cat "$TMP/hn.rc")
	cp "$TMP/hn.out" "$TMP/out"
	cp "$TMP/hn.err" "$TMP/err"
}

# Each check sets WHY and fails; a case is a chain of checks joined by &&.
why() {
	WHY="$*; hostnet said: $(tr '\n' '|' <"$TMP/out")$(tr '\n' '|' <"$TMP/err")"
	return 1
}
rc_is() { [[ $RC == "$1" ]] || why "exit $RC, expected $1"; }
out_has() { grep -qF -- "$1" "$TMP/out" || why "output lacks '$1'"; }
err_is_one_line_with() {
	local s
	[[ $(wc -l <"$TMP/err") == 1 ]] || why "stderr is not one line"
	for s in "$@"; do
		grep -qF -- "$s" "$TMP/err" || why "stderr lacks '$s'"
	done
}

# ---- the lab ----

# A fresh lab for each case, port security on, and a picture of it as the lab made it.
fresh_lab() {
	"$LAB" stop "$NAME" >/dev/null 2>&1 || true
	: >"$TMP/out"
	: >"$TMP/err"
	"$LAB" start "$NAME" >"$TMP/lab.log" 2>&1 || why "lab start: $(tail -n 3 "$TMP/lab.log" | tr '\n' '|')" || return 1
	eval "$("$LAB" env "$NAME")"
	"$ROOT/vm-tests/lab-port-security" "$NAME" on && settled && snapshot pristine
}

# eno1's IPv6 link-local address is tentative for a second or two after the lab starts
# (DAD): wait, bounded, so that a picture of the host does not change by itself.
settled() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -n $(in_lab ip -6 addr show dev eno1 scope link) &&
			-z $(in_lab ip -6 addr show tentative) ]] && return 0
		sleep 0.05
	done
	why "eno1's IPv6 link-local address still tentative after 5 s"
}

# Everything of the host a run could touch (the kernel's links, addresses and routes, the
# switch), to prove a run left it as it was.
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
	# down gives eno1 its address back with the usual broadcast address (brd ...255) even
	# when eno1 had none (the lab adds it without): said, not counted as a difference.
	if [[ ${2:-} == brd-ok ]] && grep -q "inet $HOST/24 brd " "$TMP/now" &&
		! grep -q "inet $HOST/24 brd " "$TMP/$1"; then
		echo "# note: eno1 got $HOST/24 back with $(grep -o "inet $HOST/24 brd [0-9.]*" "$TMP/now" | cut -d' ' -f3-), it had no broadcast address before"
		sed -i "s|inet $HOST/24 brd [0-9.]* |inet $HOST/24 |" "$TMP/now"
	fi
	cmp -s "$TMP/$1" "$TMP/now" ||
		why "the host changed: $(diff "$TMP/$1" "$TMP/now" | grep '^[<>]' | tr '\n' '|')"
}

# Frames the upstream dropped for a foreign source MAC: the provider would block the port.
portsec_clean() {
	local n
	n=$(in_up nft list table netdev hostnet_lab_portsec | grep -o 'packets [0-9]*' | awk '{print $2}')
	[[ $n == 0 ]] || why "the upstream saw $n frame(s) from a MAC other than eno1's ($LAB_ENO1_MAC)"
}

# reach [DEV]: the upstream pings the host; every reply comes back.
reach() {
	local s
	s=$(in_up ping -n -q -c 3 -i 0.2 -W 1 "$HOST" 2>&1 | grep transmitted || true)
	[[ $s == "3 packets transmitted, 3 received"* ]] || why "upstream ping of $HOST: ${s:-no answer}"
}

# ---- end states ----

migrated() {
	local mac hw
	mac=$(in_lab ip -br link show br0 | awk '{print $3}') || why "no br0 in the kernel" || return 1
	hw=$(vsctl get bridge br0 other_config:hwaddr | tr -d '"') || why "no br0 in OVSDB" || return 1
	[[ $mac == "$LAB_ENO1_MAC" ]] || why "br0's MAC is $mac, not eno1's $LAB_ENO1_MAC" || return 1
	[[ $hw == "$LAB_ENO1_MAC" ]] || why "br0 other_config:hwaddr is $hw, not $LAB_ENO1_MAC" || return 1
	[[ $(vsctl port-to-br eno1) == br0 ]] || why "eno1 is not a port of br0" || return 1
	[[ -z $(in_lab ip -4 -o addr show dev eno1) ]] ||
		why "eno1 still has IPv4: $(in_lab ip -4 -o addr show dev eno1 | tr '\n' '|')" || return 1
	in_lab ip -4 -o addr show dev br0 | grep -q "inet $HOST/24 " ||
		why "br0 lacks $HOST/24" || return 1
	[[ $(in_lab ip -4 route show default) == "default via $LAB_GW dev br0 "* ]] ||
		why "default route: $(in_lab ip -4 route show default | tr '\n' '|')" || return 1
	[[ $(in_lab ip -4 route show default | wc -l) == 1 ]] || why "more than one default route" || return 1
	hn "${1:-$SEED}" plan && rc_is 0 && out_has "nothing to change" && reach && portsec_clean
}

# eno1 holds the address and the default route, no bridge: the lab as it was made.
unmigrated() {
	in_lab ip -4 -o addr show dev eno1 | grep -q "inet $HOST/24 " || why "eno1 lacks $HOST/24" || return 1
	[[ $(in_lab ip -4 route show default) == "default via $LAB_GW dev eno1 "* ]] ||
		why "default route: $(in_lab ip -4 route show default | tr '\n' '|')" || return 1
	! in_lab ip link show br0 >/dev/null 2>&1 || why "br0 is still in the kernel" || return 1
	! vsctl br-exists br0 || why "br0 is still in OVSDB" || return 1
	unchanged_since pristine brd-ok && reach && portsec_clean
}

# ---- ping during a change ----

PING_PID=
# ping_start SECONDS: the upstream pings the host every $INTERVAL for about SECONDS, with
# timestamps. A count, not a deadline or a signal: ping then waits for the last reply, so a
# reply still in flight when it stops is never counted as lost.
ping_start() {
	local n
	n=$(awk -v d="$1" -v i="$INTERVAL" 'BEGIN { printf "%d", d / i }')
	in_up ping -n -D -i "$INTERVAL" -c "$n" "$HOST" >"$TMP/ping" 2>&1 &
	PING_PID=$!
	# Some replies before the change starts: checked afterwards from the timestamps.
	sleep 0.5
}

# ping_report WHAT T0_MS T1_MS: wait for ping; print the figure; fail on loss or when the
# replies do not surround [T0, T1] (the change was not measured whole).
ping_report() {
	local what=$1 t0=$2 t1=$3 sent recv dups first last lost ms missing
	wait "$PING_PID" || true
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$TMP/ping")
	recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping")
	dups=$(sed -n 's/.*+\([0-9]*\) duplicates.*/\1/p' "$TMP/ping")
	ms=$(sed -n 's/.* time \([0-9]*\)ms$/\1/p' "$TMP/ping")
	[[ -n $sent && -n $recv ]] || why "no ping summary: $(tail -n 3 "$TMP/ping" | tr '\n' '|')" || return 1
	lost=$((sent - recv))
	first=$(grep -m1 -o '^\[[0-9.]*\] 64 bytes' "$TMP/ping" | tr -d '[' | awk '{printf "%.0f", $1 * 1000}')
	last=$(grep -o '^\[[0-9.]*\] 64 bytes' "$TMP/ping" | tail -n 1 | tr -d '[' | awk '{printf "%.0f", $1 * 1000}')
	echo "# $what: $lost of $sent echo replies lost (ping every $((ms / (sent > 1 ? sent - 1 : 1))) ms," \
		"${dups:-0} DUP! not counted), the change took $((t1 - t0)) ms"
	if ((lost)); then
		missing=$(grep -o 'icmp_seq=[0-9]*' "$TMP/ping" | cut -d= -f2 | sort -un |
			awk -v n="$sent" '{seen[$1]=1} END {for (i = 1; i <= n; i++) if (!seen[i]) printf "%d ", i}')
		echo "# $what: lost icmp_seq $missing"
	fi
	[[ -n $first && -n $last ]] && ((first < t0 && last > t1)) ||
		why "the pings did not cover the change (replies $first..$last, change $t0..$t1 ms)" || return 1
	((lost == 0)) || why "$lost echo replies lost during $what"
}

# ---- cases ----

# The host lock is /run/hostnet/lock for every namespace: a wall time may include a wait
# for another hostnet run on this machine (another lab's test). -v says when it did.
lock_note() {
	! grep -q "another hostnet run holds" "$TMP/err" ||
		echo " (including a wait for /run/hostnet/lock, held by another hostnet run)"
}

# Five converged ups: CONVERGED says the fastest and the slowest.
timed_converged_ups() {
	local i t0 t1 min='' max=0 waits=0
	for ((i = 0; i < 5; i++)); do
		t0=$(now_ms)
		hn "$SEED" -v up
		t1=$(now_ms)
		rc_is 0 && out_has "up: nothing to change" || return 1
		[[ -z $(lock_note) ]] || waits=$((waits + 1))
		((t1 - t0 > max)) && max=$((t1 - t0))
		[[ -n $min ]] && ((min <= t1 - t0)) || min=$((t1 - t0))
	done
	CONVERGED="$min..$max ms over 5 runs"
	((waits == 0)) || CONVERGED+=" ($waits waited for /run/hostnet/lock)"
}

case_migration_under_ping() {
	local t0 t1 s
	fresh_lab || return 1
	ping_start 4
	t0=$(now_ms)
	hn "$SEED" -v up
	t1=$(now_ms)
	rc_is 0 && out_has "up: applied 12 change(s)" || { wait "$PING_PID" || true; return 1; }
	ping_report "migrating up" "$t0" "$t1" || return 1
	timed_converged_ups || return 1
	echo "# wall time: migrating up $((t1 - t0)) ms$(lock_note), converged up $CONVERGED"
	migrated || return 1
	# The netdev datapath's DUP! replies (DESIGN.md section 6) go with lab-dedup.
	"$ROOT/vm-tests/lab-dedup" "$NAME" on || why "lab-dedup on failed" || return 1
	s=$(in_up ping -n -q -c 50 -i 0.01 -W 1 "$HOST" 2>&1 | grep transmitted || true)
	[[ $s == "50 packets transmitted, 50 received, 0% packet loss"* ]] ||
		why "after the move, with lab-dedup: $s"
}

case_down_restores_eno1() {
	local t0 t1
	fresh_lab || return 1
	hn "$SEED" up && rc_is 0 && migrated || return 1
	ping_start 3
	t0=$(now_ms)
	hn "$SEED" down
	t1=$(now_ms)
	rc_is 0 && out_has "down: applied 7 change(s)" || { wait "$PING_PID" || true; return 1; }
	ping_report "down" "$t0" "$t1" && unmigrated || return 1
	hn "$SEED" down && rc_is 0 && out_has "down: nothing to change"
}

case_silent_gateway_refused() {
	fresh_lab || return 1
	hn "$CONF/uplink-silent-gw.yaml" up --gateway-timeout 500 && rc_is 1 &&
		err_is_one_line_with "gateway 198.51.100.254 does not answer ARP from eno1" \
			"nothing was changed" &&
		unchanged_since pristine && reach && portsec_clean
}

case_fault_during_move_rolls_back() {
	local vpid hpid i joined=no
	fresh_lab || return 1
	vpid=$(cat "$LAB_DIR/ovs-vswitchd.pid")
	# vswitchd stopped: up's OVS transaction commits, then up waits for cur_cfg.
	kill -STOP "$vpid"
	STOPPED_PID=$vpid
	hn_to fault "$SEED" up --gateway-timeout 1000 &
	hpid=$!
	for ((i = 0; i < 200; i++)); do
		if vsctl --no-wait list-ports br0 2>/dev/null | grep -qx eno1; then
			joined=yes
			break
		fi
		kill -0 "$hpid" 2>/dev/null || break
		sleep 0.05
	done
	# eno1 has joined br0 (in OVSDB) and nothing of the kernel has moved yet: the fault.
	[[ $joined == no ]] || "$ROOT/vm-tests/lab-gw" "$NAME" silent
	kill -CONT "$vpid"
	STOPPED_PID=
	wait "$hpid" || true
	RC=$(cat "$TMP/fault.rc")
	cp "$TMP/fault.out" "$TMP/out"
	cp "$TMP/fault.err" "$TMP/err"
	[[ $joined == yes ]] || why "eno1 never showed up in br0 in OVSDB" || return 1
	rc_is 1 && err_is_one_line_with "br0: gateway 198.51.100.1 did not answer ARP within 1000 ms" \
		"all 12 change(s) were rolled back" || return 1
	in_lab ip -4 -o addr show dev eno1 | grep -q "inet $HOST/24 " || why "eno1 lacks $HOST/24" || return 1
	[[ $(in_lab ip -4 route show default) == "default via $LAB_GW dev eno1 "* ]] ||
		why "default route: $(in_lab ip -4 route show default | tr '\n' '|')" || return 1
	! in_lab ip link show br0 >/dev/null 2>&1 || why "br0 is still in the kernel" || return 1
	! vsctl br-exists br0 || why "br0 is still in OVSDB" || return 1
	unchanged_since pristine || return 1
	"$ROOT/vm-tests/lab-gw" "$NAME" answer && reach && portsec_clean
}

# After a full up, put the host in a state a killed run leaves, then up again.
converges_from() {
	hn "$SEED" up && rc_is 0 && reach || return 1
	"$@" || why "could not make the half-migrated state" || return 1
	hn "$SEED" plan && rc_is 3 || return 1
	hn "$SEED" up && rc_is 0 && out_has "up: applied" && migrated
}

address_back_on_eno1() { in_lab ip addr add "$HOST/24" dev eno1; }
address_and_route_back_on_eno1() {
	in_lab ip addr add "$HOST/24" dev eno1 && in_lab ip route replace default via "$LAB_GW" dev eno1
}
# OVS done, nothing of the kernel yet: br0 down and bare, eno1 keeps address and route.
only_ovs_done() {
	address_and_route_back_on_eno1 && in_lab ip addr del "$HOST/24" dev br0 &&
		in_lab ip link set br0 down
}

case_half_migrated_address_on_both() {
	fresh_lab && converges_from address_back_on_eno1
}

case_half_migrated_address_on_both_route_on_eno1() {
	fresh_lab && converges_from address_and_route_back_on_eno1
}

case_half_migrated_eno1_in_br0_address_on_eno1() {
	fresh_lab && converges_from only_ovs_done
}

# An operator's own br0 (no hostnet mark) with eno1 and eno1's MAC, the address on eno1.
case_half_migrated_by_hand_with_ovs_vsctl() {
	fresh_lab || return 1
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev \
		"other_config:hwaddr=\"$LAB_ENO1_MAC\"" -- add-port br0 eno1 || why "ovs-vsctl failed" || return 1
	hn "$SEED" up && rc_is 0 && out_has "- netlink  address $HOST/24 on eno1: moved to br0" &&
		migrated
}

case_two_ups_at_once() {
	local a b
	fresh_lab || return 1
	hn_to one "$SEED" up &
	a=$!
	hn_to two "$SEED" up &
	b=$!
	wait "$a" || true
	wait "$b" || true
	cat "$TMP/one.out" "$TMP/two.out" >"$TMP/out"
	cat "$TMP/one.err" "$TMP/two.err" >"$TMP/err"
	[[ $(cat "$TMP/one.rc") == 0 && $(cat "$TMP/two.rc") == 0 ]] ||
		why "exit $(cat "$TMP/one.rc") and $(cat "$TMP/two.rc"), expected 0 and 0" || return 1
	[[ $(grep -c "^up: applied 12 change(s)" "$TMP/out") == 1 &&
		$(grep -c "^up: nothing to change" "$TMP/out") == 1 ]] ||
		why "expected one run to apply 12 changes and the other to find nothing to change" || return 1
	migrated
}

case_addresses_taken_from_eno1() {
	local inherit=$CONF/uplink-inherit.yaml
	fresh_lab || return 1
	hn "$inherit" plan && rc_is 3 &&
		out_has "+ netlink  address $HOST/24 on br0" &&
		out_has "~ netlink  route 0.0.0.0/0 via $LAB_GW dev br0: replaces 0.0.0.0/0 via $LAB_GW dev eno1" &&
		hn "$inherit" up && rc_is 0 && out_has "up: applied 12 change(s)" &&
		migrated "$inherit" &&
		# The state the explicit config asks for: nothing to change.
		hn "$SEED" plan && rc_is 0 &&
		# Now eno1 holds nothing: both are read from br0, and down gives them back.
		hn "$inherit" down && rc_is 0 && unmigrated
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

for c in migration_under_ping down_restores_eno1 silent_gateway_refused \
	fault_during_move_rolls_back half_migrated_address_on_both \
	half_migrated_address_on_both_route_on_eno1 half_migrated_eno1_in_br0_address_on_eno1 \
	half_migrated_by_hand_with_ovs_vsctl two_ups_at_once addresses_taken_from_eno1; do
	run_case "$c"
done

echo "$PASSED passed, $FAILED failed"
[[ $FAILED == 0 ]]
