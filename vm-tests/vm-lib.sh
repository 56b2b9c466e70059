# shellcheck shell=bash
# vm-lib.sh - the harness of the guest-host tests (vm-tests/vm_*.sh): tests/integration/lib.sh's
# cases and checks, with hostnet run inside a guest of vm-tests/vm instead of a lab. Sourced:
#
#   set -euo pipefail
#   VM_GUEST=${FRESH_GUEST:-vm-fresh}
#   . "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"
#   case_foo() { hv up && rc_is 0 && out_has "applied"; }
#   guest_start_or_die
#   run_cases foo
#
# Settings: VM_GUEST the guest's name (unique to the script); VM_KEEP=1 leaves the guest
# running at the end, VM_KEEP=failed only when a case failed (to look at it with
# `vm-tests/vm exec NAME -- ...`; `vm-tests/vm stop NAME` after).
#
# Set on sourcing, besides lib.sh's (ROOT, TMP, RC, ELAPSED, WHY, NOTE, ...):
#   VM       the tool (vm-tests/vm)          SEED   the seed config, etc/hostnet.yaml
# After guest_start: VM_* of `vm env` (VM_ADDR, VM_GW, VM_MAC, VM_UP_NS, ...) and BOOTED, the
# seconds the first boot took.
#
# Functions:
#   guest_start_or_die      (re)start the guest; setup_failed with its last words otherwise
#   in_vm CMD...            CMD in the guest (its stdout, stderr, status)
#   in_provider CMD...      CMD in the provider namespace
#   put_file LOCAL PATH     copy a file into the guest
#   hv ARGS...              hostnet ARGS in the guest: $TMP/out, $TMP/err, RC, ELAPSED (ms,
#                           with the ~0.1 s of a guest-agent round trip)
#   guest_reboot            vm reboot; BOOTED its seconds; returns 1 with WHY on failure
#   ping_start SECONDS      the provider pings the guest every 5 ms for about SECONDS
#   ping_result             wait for it; PING_SENT PING_LOST PING_DUPS; 1 with WHY if no summary
#   check NAME CMD...       lib.sh's run_check, each case starting with no hostnet output, so
#                           that WHY quotes only what this case's runs said
# Checks (0, or WHY and 1), with lib.sh's host_answers and portsec_clean (the provider is
# lib.sh's upstream, in_up):
#   unit_succeeded UNIT     UNIT is active, its Result success and its main process exited 0

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	echo "vm-lib.sh: sourced by the guest-host tests, not run" >&2
	exit 2
fi

unset HN_LAB # no namespace lab: lib.sh then stops none
# shellcheck source=../tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"
VM=$ROOT/vm-tests/vm
SEED=$ROOT/etc/hostnet.yaml
PING_PID=
on_exit '[[ -z $PING_PID ]] || kill "$PING_PID" 2>/dev/null'
on_exit 'guest_leave'
guest_leave() {
	if [[ ${VM_KEEP:-} == 1 || (${VM_KEEP:-} == failed && $FAILED -gt 0) ]]; then
		echo "# guest $VM_GUEST left running (VM_KEEP=$VM_KEEP): vm-tests/vm stop $VM_GUEST" >&2
		return 0
	fi
	"$VM" stop "$VM_GUEST" >/dev/null 2>&1
}

guest_start_or_die() {
	"$VM" stop "$VM_GUEST" >/dev/null 2>&1 || true
	BOOTED=$("$VM" start "$VM_GUEST" 2>"$TMP/vm.log") ||
		setup_failed "guest $VM_GUEST did not start: $(tail -n 5 "$TMP/vm.log" | tr '\n' '|')"
	grep -E 'image built|installed' "$TMP/vm.log" | sed 's/^/# /' || true
	eval "$("$VM" env "$VM_GUEST")"
	# What lib.sh's uplink checks look at.
	LAB_HOST_ADDR=$VM_ADDR
	LAB_ENO1_MAC=$VM_MAC
}

in_vm() { "$VM" exec "$VM_GUEST" -- "$@"; }
in_provider() { "$VM" upstream "$VM_GUEST" -- "$@"; }
in_up() { in_provider "$@"; }
put_file() { "$VM" exec "$VM_GUEST" -i -- sh -c 'cat >"$1"' sh "$2" <"$1"; }

hv() {
	local t0
	RC=0
	t0=$(now_ms)
	"$VM" exec "$VM_GUEST" -- hostnet "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
	ELAPSED=$(($(now_ms) - t0))
	if ((RC > 128 && RC < 125 + 64)); then
		# Killed by a signal: it said nothing, the guest's journal may.
		echo "# hostnet $* died of signal $((RC - 128)); the guest's journal then:"
		in_vm journalctl -b --no-pager -q -n 25 | sed 's/^/#   /'
	fi
}

guest_reboot() {
	BOOTED=$("$VM" reboot "$VM_GUEST" 2>"$TMP/vm.log") || {
		WHY="vm reboot failed: $(tail -n 8 "$TMP/vm.log" | tr '\n' '|')"
		return 1
	}
}

# A count, not a signal: ping waits for the last reply, so a reply in flight when the
# change ends is not counted as lost.
ping_start() {
	in_provider ping -n -q -i 0.005 -c "$(($1 * 200))" "${VM_ADDR%/*}" >"$TMP/ping" 2>&1 &
	PING_PID=$!
	sleep 0.5 # replies before the change starts
}

ping_result() {
	local summary
	wait "$PING_PID" || true
	PING_PID=
	summary=$(grep 'packets transmitted' "$TMP/ping") ||
		why "no ping summary: $(tail -n 3 "$TMP/ping" | tr '\n' '|')" || return 1
	PING_SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' <<<"$summary")
	PING_LOST=$((PING_SENT - $(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$summary")))
	PING_DUPS=$(sed -n 's/.*+\([0-9]*\) duplicates.*/\1/p' <<<"$summary")
	PING_DUPS=${PING_DUPS:-0}
}

unit_succeeded() {
	local got
	got=$(in_vm systemctl show -p ActiveState,Result,ExecMainStatus "$1" | sort | tr '\n' ' ')
	[[ $got == "ActiveState=active ExecMainStatus=0 Result=success " ]] ||
		why "$1: $got; its journal: $(in_vm journalctl -b -u "$1" --no-pager -q | tail -n 5 | tr '\n' '|')"
}

check() {
	: >"$TMP/out"
	: >"$TMP/err"
	run_check "$@"
}

# What hostnet said, short: a verify prints a line per check, the failing ones are counted
# in the first.
hn_said() { head -n 3 "$TMP/out" | tr '\n' '|' && head -n 3 "$TMP/err" | tr '\n' '|'; }

# seconds OF_SYSTEMD_ANALYZE: "1min 2.5s", "1.782s" or "782ms" as seconds.
seconds() {
	awk '{ s = 0; for (i = 1; i <= NF; i++) {
		v = $i; if (v ~ /min$/) s += 60 * v; else if (v ~ /ms$/) s += v / 1000;
		else if (v ~ /s$/) s += v } printf "%.2f", s }' <<<"$1"
}
