#!/usr/bin/env bash
# virt_closed.sh - libvirtd hangs up on hostnet between two calls (restarted, crashed, or
# exiting on its --timeout as Debian's runs it): hostnet must say so in one line and exit 1,
# never die of SIGPIPE without a word (as it did, in a guest under load, on ~1% of runs).
#
# hostnet runs inside lab hn-virt-closed (started --libvirt) with --layers libvirt on
# the seed's networks, converged first. It then talks to libvirtd through
# libvirt_proxy.py's close mode, which closes the connection right after libvirtd's Nth answer;
# each case tries N = 1, 2, ... until a run ends before the Nth answer (the whole
# conversation was covered). At every N: not killed by a signal; exit 0, or exit 1 with one
# line on stderr.
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.

set -euo pipefail

HN_LAB=${VIRT_CLOSED_LAB:-hn-virt-closed}
HN_LIBVIRT=yes
HN_LAYERS=libvirt
HN_WORDS=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REAL_SOCK=/var/run/libvirt/libvirt-sock
PROXY_SOCK=$TMP/proxy.sock
PROXY_PID=
on_exit stop_proxy

stop_proxy() {
	[[ -z $PROXY_PID ]] || { kill "$PROXY_PID" 2>/dev/null; wait "$PROXY_PID" 2>/dev/null; } || true
	PROXY_PID=
	rm -f "$PROXY_SOCK" "$PROXY_SOCK.closed"
}

start_proxy() {
	local i
	python3 "$ROOT/tests/integration/libvirt_proxy.py" "$PROXY_SOCK" "$REAL_SOCK" close "$1" &
	PROXY_PID=$!
	for ((i = 0; i < 100; i++)); do
		[[ -S $PROXY_SOCK ]] && return 0
		sleep 0.05
	done
	why "the proxy did not start"
}

# hung_up_everywhere ARGS...: hostnet ARGS through the proxy, for N = 1, 2, ...
hung_up_everywhere() {
	local n real_uri=$LAB_LIBVIRT cut=0
	for ((n = 1; n <= 80; n++)); do
		start_proxy "$n" || return 1
		LAB_LIBVIRT="qemu:///system?socket=$PROXY_SOCK"
		hn virt-seed.yaml "$@"
		LAB_LIBVIRT=$real_uri
		if [[ ! -e $PROXY_SOCK.closed ]]; then
			stop_proxy
			# The whole conversation had fewer answers than N: covered.
			rc_is 0 || return 1
			NOTE="libvirtd hung up after each of its $((n - 1)) answers: $cut run(s) failed in one line, the rest ended well"
			return 0
		fi
		stop_proxy
		((RC < 128)) || why "killed by signal $((RC - 128)) when libvirtd hung up after its answer $n" || return 1
		if ((RC != 0)); then
			rc_is 1 && err_is_one_line_with "libvirt" || { WHY="after answer $n: $WHY"; return 1; }
			cut=$((cut + 1))
		fi
	done
	why "more than 80 answers: the proxy never saw the end"
}

case_plan_when_libvirtd_hangs_up() { hung_up_everywhere plan; }
case_converged_up_when_libvirtd_hangs_up() { hung_up_everywhere up; }

need_hostnet
lab_start_or_die
hn virt-seed.yaml up && rc_is 0 || setup_failed "up on the seed's networks: $WHY"
run_cases plan_when_libvirtd_hangs_up converged_up_when_libvirtd_hangs_up
