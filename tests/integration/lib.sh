# lib.sh - the harness of hostnet's integration scripts (and of the benchmarks that use a
# lab). Sourced, never run:
#
#   set -euo pipefail
#   HN_LAB=${OVS_LAB:-hn-ovs} HN_LAYERS=ovs
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   case_foo() { hn ovs-seed.yaml up && rc_is 0 && out_has "applied"; }
#   need_hostnet
#   lab_start_or_die
#   run_cases foo bar
#
# Settings: shell variables, read when used, so a script sets them before sourcing or at
# any time after.
#   HN_LAB           the lab's name (vm-tests/lab NAME), unique to the script; unset: no lab
#   HN_LIBVIRT       "yes": the lab is started with --libvirt and hn passes it to hostnet
#   HN_LAYERS        HOSTNET_LAYERS for hn (empty: every backend)
#   HN_FRESH         "yes": run_case starts a fresh lab before each case, so that no case
#                    depends on another's leftovers
#   HN_WORDS         "yes": case names print with spaces for underscores
#   HN_VSCTL_TIMEOUT ovs-vsctl's --timeout in seconds for vsctl (5)
#   HN_LIBVIRT_WAIT  seconds lab_start waits while another lab holds libvirt (300)
#
# Set on sourcing:
#   ROOT     the source tree          LAB      the lab tool (vm-tests/lab)
#   CONF     tests/integration/configs
#   HOSTNET  the binary under test: $HOSTNET, or build/hostnet
#   TMP      a private directory, removed on exit; $TMP/out and $TMP/err hold the last
#            hn's stdout and stderr
#   RC       the last hn's exit status; ELAPSED its wall time in ms
#   PASSED FAILED  the counts; WHY why the running case failed; NOTE a figure it reports
#   LAB_*    (after lab_start) what `vm-tests/lab env` exports: LAB_NS, LAB_OVSDB, ...
#
# On any exit (the end, an error, INT, TERM), in this order: the on_exit commands run, a
# process paused with pause_pid is continued, the lab is stopped, TMP is removed; the exit
# status is kept.
#
# Functions:
#   on_exit CMD             run CMD (one string, eval'd) on exit, before the lab stops
#   pause_pid PID           SIGSTOP PID; resume_pid continues it (a stopped process ignores
#                           TERM until continued: the exit continues it too)
#   need_hostnet            fail the script's setup unless $HOSTNET is an executable
#   lab_start               (re)start lab HN_LAB and load its LAB_* variables; on failure
#                           returns 1 with the lab's words in $TMP/lab.log. While another
#                           lab holds libvirt, waits and retries (bounded: HN_LIBVIRT_WAIT)
#   lab_start_or_die        lab_start, or setup_failed with the lab's last words
#   on_lab_start            if the script defines it, called after each lab_start
#   setup_failed MSG...     print "not ok - setup: MSG" and the summary, exit 1
#   in_lab CMD...           CMD in the lab's host namespace
#   vsctl ARGS...           ovs-vsctl on the lab's database
#   vsh ARGS...             virsh -q on the lab's libvirtd
#   hn CONFIG ARGS...       hostnet in the lab with HOSTNET_LAYERS=$HN_LAYERS and the lab's
#                           OVSDB (and libvirt with HN_LIBVIRT=yes); CONFIG is a file in
#                           CONF or an absolute path; sets $TMP/out, $TMP/err, RC, ELAPSED
#   hn_db DB CONFIG ARGS... hn against the OVSDB at DB (a proxy's socket, say)
#   now_ms                  the wall clock in ms (bash's EPOCHREALTIME, no date(1))
# Checks: each returns 0, or sets WHY (with what hostnet said) and returns 1, so that a
# case is a chain of checks joined by && (or `check || return 1` lines).
#   why MSG...              set WHY to MSG and hostnet's last output (hn_said), return 1
#   hn_said                 the last hn's stdout and stderr on one line (a script may
#                           redefine it, to leave out lines that say nothing)
#   rc_is N                 the last hn exited N
#   out_has TEXT / out_lacks TEXT      its stdout holds / does not hold TEXT
#   err_has TEXT            its stderr holds TEXT
#   err_is_one_line         its stderr is exactly one line
#   err_is_one_line_with TEXT...       one line, holding every TEXT
#   took_at_most MS / took_at_least MS / took_under MS    its wall time, ELAPSED
#   converged_on CONFIG     up exits 0, then plan exits 0 saying "nothing to change"
#   col TABLE RECORD COLUMN VALUE      one OVSDB column, as ovs-vsctl get prints it
#   bridges_are "BRIDGES"   the lab's bridges, sorted, space separated
#   ports_are BRIDGE "PORTS"           BRIDGE's ports, sorted, space separated
# Cases:
#   ok NAME / not_ok NAME WHY          print "ok - NAME" / "not ok - NAME: WHY" and count
#   run_case NAME           run case_NAME (after a fresh lab with HN_FRESH=yes): ok, with
#                           NOTE in parentheses, or not ok with WHY
#   run_cases NAME...       run_case each, then finish
#   finish                  print "N passed, N failed" (the script's last line) and return
#                           non-zero when a case failed

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	echo "lib.sh: sourced by the integration scripts, not run" >&2
	exit 2
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/vm-tests/lab
CONF=$ROOT/tests/integration/configs
HOSTNET=${HOSTNET:-$ROOT/build/hostnet}
TMP=$(mktemp -d "/tmp/$(basename "$0" .sh).XXXXXX")
: >"$TMP/out"
: >"$TMP/err"
PASSED=0
FAILED=0
RC=0
ELAPSED=0
WHY=
NOTE=
HN_EXIT_HOOKS=()
HN_PAUSED_PID=

hn_cleanup() {
	local rc=$? hook
	trap - EXIT INT TERM
	for hook in "${HN_EXIT_HOOKS[@]}"; do
		eval "$hook" || true
	done
	resume_pid
	if [[ -n ${HN_LAB:-} ]]; then
		"$LAB" stop "$HN_LAB" >/dev/null 2>&1 || true
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap hn_cleanup EXIT
trap 'exit 130' INT TERM

on_exit() { HN_EXIT_HOOKS+=("$*"); }

pause_pid() {
	HN_PAUSED_PID=$1
	kill -STOP "$1"
}
resume_pid() {
	[[ -z $HN_PAUSED_PID ]] || kill -CONT "$HN_PAUSED_PID" 2>/dev/null || true
	HN_PAUSED_PID=
}

# ---- the lab ----

setup_failed() {
	echo "not ok - setup: $*"
	echo "$PASSED passed, $((FAILED + 1)) failed"
	exit 1
}

need_hostnet() { [[ -x $HOSTNET ]] || setup_failed "$HOSTNET is not built"; }

lab_start() {
	local args=() deadline=$((SECONDS + ${HN_LIBVIRT_WAIT:-300})) said=
	[[ ${HN_LIBVIRT:-} != yes ]] || args=(--libvirt)
	"$LAB" stop "$HN_LAB" >/dev/null 2>&1 || true
	# Only one lab at a time may run libvirtd; another script's may hold it for a while.
	until "$LAB" start "$HN_LAB" "${args[@]}" >"$TMP/lab.log" 2>&1; do
		grep -q "libvirt is in use by lab" "$TMP/lab.log" && ((SECONDS < deadline)) || return 1
		[[ -n $said ]] || echo "# $HN_LAB: $(grep -m 1 "libvirt is in use" "$TMP/lab.log"); waiting" >&2
		said=yes
		sleep 5
	done
	eval "$("$LAB" env "$HN_LAB")"
	if declare -F on_lab_start >/dev/null; then
		on_lab_start
	fi
}

lab_start_or_die() {
	lab_start || setup_failed "lab $HN_LAB did not start: $(tail -n 3 "$TMP/lab.log" | tr '\n' '|')"
}

in_lab() { ip netns exec "$LAB_NS" "$@"; }
vsctl() { in_lab ovs-vsctl --db="$LAB_OVSDB" --timeout="${HN_VSCTL_TIMEOUT:-5}" "$@"; }
vsh() { virsh -q -c "$LAB_LIBVIRT" "$@"; }

now_ms() {
	local us=${EPOCHREALTIME//[!0-9]/}
	echo $((us / 1000))
}

hn_db() {
	local db=$1 conf=$2 t0 libvirt=()
	shift 2
	[[ $conf == /* ]] || conf=$CONF/$conf
	[[ ${HN_LIBVIRT:-} != yes ]] || libvirt=(--libvirt "$LAB_LIBVIRT")
	RC=0
	t0=${EPOCHREALTIME//[!0-9]/} # µs, and no fork to skew the benchmarks that use hn
	HOSTNET_LAYERS=${HN_LAYERS:-} ip netns exec "$LAB_NS" "$HOSTNET" --ovsdb "$db" \
		"${libvirt[@]}" -c "$conf" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
	ELAPSED=$(((${EPOCHREALTIME//[!0-9]/} - t0) / 1000))
}
hn() { hn_db "$LAB_OVSDB" "$@"; }

# ---- checks ----

hn_said() { tr '\n' '|' <"$TMP/out" && tr '\n' '|' <"$TMP/err"; }

why() {
	local said
	said=$(hn_said)
	WHY="$*${said:+; hostnet said: $said}"
	return 1
}
rc_is() { [[ $RC == "$1" ]] || why "exit $RC, expected $1"; }
out_has() { grep -qF -- "$1" "$TMP/out" || why "output lacks '$1'"; }
out_lacks() { ! grep -qF -- "$1" "$TMP/out" || why "output has '$1'"; }
err_has() { grep -qF -- "$1" "$TMP/err" || why "stderr lacks '$1'"; }
err_is_one_line() { [[ $(wc -l <"$TMP/err") == 1 ]] || why "stderr is not one line"; }
err_is_one_line_with() {
	local s
	err_is_one_line || return 1
	for s in "$@"; do
		err_has "$s" || return 1
	done
}
took_at_most() { ((ELAPSED <= $1)) || why "took $ELAPSED ms, more than $1"; }
took_at_least() { ((ELAPSED >= $1)) || why "took $ELAPSED ms, less than $1"; }
took_under() { ((ELAPSED < $1)) || why "took $ELAPSED ms, bound $1 ms"; }

converged_on() {
	hn "$1" up && rc_is 0 && hn "$1" plan && rc_is 0 && out_has "nothing to change"
}

col() {
	local got
	got=$(vsctl get "$1" "$2" "$3" 2>&1) || got="(error: $got)"
	[[ $got == "$4" ]] || why "$1 $2 $3 is $got, expected $4"
}
bridges_are() {
	local got
	got=$(vsctl list-br | sort | xargs)
	[[ $got == "$1" ]] || why "bridges are '$got', expected '$1'"
}
ports_are() {
	local got
	got=$(vsctl list-ports "$1" | sort | xargs)
	[[ $got == "$2" ]] || why "ports of $1 are '$got', expected '$2'"
}

# ---- cases ----

ok() {
	echo "ok - $1"
	PASSED=$((PASSED + 1))
}
not_ok() {
	echo "not ok - $1: $2"
	FAILED=$((FAILED + 1))
}

run_case() {
	local name=$1 label=$1
	[[ ${HN_WORDS:-} != yes ]] || label=${name//_/ }
	WHY=
	NOTE=
	if [[ ${HN_FRESH:-} == yes ]] && ! lab_start; then
		not_ok "$label" "the lab did not start: $(tail -n 3 "$TMP/lab.log" | tr '\n' '|')"
	elif "case_$name"; then
		ok "$label${NOTE:+ ($NOTE)}"
	else
		not_ok "$label" "${WHY:-a command failed}"
	fi
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	((FAILED == 0))
}

run_cases() {
	local name
	for name in "$@"; do
		run_case "$name"
	done
	finish
}
