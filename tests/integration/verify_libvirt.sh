#!/usr/bin/env bash
# verify_libvirt.sh - `hostnet verify` with every layer, libvirt included, on the seed host
# that `hostnet up` builds from etc/hostnet.yaml in a lab host with its own libvirtd.
#
# Cases: `up` builds the seed host and `plan` has nothing left; a correct host passes, with
# one OK line per object the config asks for (bridges, ports, links, addresses, routes, the
# libvirt networks and the undefined `default`), the status line counting every line; a
# portgroup (105) removed behind hostnet's back (running and persistent) is CRITICAL and
# names intern-vlans and 105; `up` puts it back and verify is OK again; the stock `default`
# network defined again behind hostnet's back is CRITICAL, and `up` removes it again.
#
# One lab for the whole script (a libvirtd start is the slow part), started with --libvirt.
# Only one lab at a time may hold libvirt: while another holds it, the start is retried,
# for VERIFY_LIBVIRT_WAIT seconds at most (default 300).
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/vm-tests/lab
NAME=${VERIFY_VIRT_LAB:-hn-verify-virt}
HOSTNET=${HOSTNET:-$ROOT/build/hostnet}
SEED=$ROOT/etc/hostnet.yaml
WAIT=${VERIFY_LIBVIRT_WAIT:-300}
TMP=$(mktemp -d /tmp/verify_libvirt.XXXXXX)
PASSED=0
FAILED=0
RC=0
WHY=
LAB_UP=no

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[[ $LAB_UP == no ]] || "$LAB" stop "$NAME" >/dev/null 2>&1 || true
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# hn ARGS...: hostnet in the lab, every layer, on the seed config; stdout in $TMP/out,
# stderr in $TMP/err, exit status in RC.
hn() {
	RC=0
	ip netns exec "$LAB_NS" "$HOSTNET" --ovsdb "$LAB_OVSDB" --libvirt "$LAB_LIBVIRT" \
		-c "$SEED" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}
vsh() { virsh -q -c "$LAB_LIBVIRT" "$@"; }

why() {
	WHY="$*; hostnet said: $(grep -v '^OK ' "$TMP/out" | tr '\n' '|')$(tr '\n' '|' <"$TMP/err")"
	return 1
}
must() {
	"$@" >"$TMP/must" 2>&1 || {
		WHY="'$*' failed: $(tr '\n' ' ' <"$TMP/must")"
		return 1
	}
}
rc_is() { [[ $RC == "$1" ]] || why "exit $RC, expected $1"; }
# line_is STATUS NAME [TEXT]: the check NAME has STATUS (and its line holds TEXT).
line_is() {
	local line
	line=$(grep -E "^$1 +$2: " "$TMP/out" | head -1) || true
	[[ -n $line ]] || why "no $1 line for '$2'"
	[[ -z ${3:-} || $line == *"$3"* ]] || why "line '$line' lacks '$3'"
}
first_line_is() { # STATUS [TEXT]
	head -1 "$TMP/out" |
		grep -qE "^HOSTNET $1 - .* \| checks=[0-9]+ failed=[0-9]+ time=[0-9.]+s$" ||
		why "first line is '$(head -1 "$TMP/out")', expected HOSTNET $1 with perfdata"
	[[ -z ${2:-} ]] || head -1 "$TMP/out" | grep -qF -- "$2" ||
		why "first line lacks '$2'"
}
all_ok() {
	local bad lines
	bad=$(tail -n +2 "$TMP/out" | grep -vc '^OK ' || true)
	[[ $bad == 0 ]] || why "$bad line(s) not OK" || return 1
	lines=$(($(wc -l <"$TMP/out") - 1))
	head -1 "$TMP/out" | grep -q "^HOSTNET OK - $lines checks | checks=$lines failed=0 " ||
		why "the first line does not count the $lines lines"
}

# The lab, with libvirt: retried while another lab holds libvirt, up to $WAIT seconds.
start_lab() {
	local deadline=$((SECONDS + WAIT))
	"$LAB" stop "$NAME" >/dev/null 2>&1 || true
	while :; do
		if "$LAB" start "$NAME" --libvirt >/dev/null 2>"$TMP/lab.err"; then
			LAB_UP=yes
			eval "$("$LAB" env "$NAME")"
			[[ -n ${LAB_LIBVIRT:-} ]] && return 0
			WHY="lab $NAME has no LAB_LIBVIRT"
			return 1
		fi
		if ! grep -q 'libvirt is in use' "$TMP/lab.err" || ((SECONDS >= deadline)); then
			WHY="the lab did not start: $(tr '\n' ' ' <"$TMP/lab.err")"
			return 1
		fi
		sleep 5
	done
}

# ---------------------------------------------------------------------------- cases

case_up_builds_the_seed_host() {
	start_lab || return 1
	vsh net-info default >/dev/null || why "the lab has no default network" || return 1
	hn up
	rc_is 0 || return 1
	hn plan
	rc_is 0 || why "plan after up has changes left"
}

case_correct_host_passes() {
	hn verify
	rc_is 0 || return 1
	first_line_is OK || return 1
	all_ok || return 1
	line_is OK "network intern-vlans" \
		"expected defined, active, autostart, bridge brint (openvswitch), 15 portgroups as configured, found defined, active" ||
		return 1
	line_is OK "network ovs-front" "expected defined, active, autostart, bridge br0" || return 1
	line_is OK "network default" "expected absent (libvirt.undefine), found absent" || return 1
	line_is OK "port brint" "expected internal, tag 99" || return 1
	line_is OK "route 10.99.1.0/24 dev brint" "found present" || return 1
	line_is OK "trunk vlansint" "found 100-109 tagged" || return 1
	! grep -qE '^[A-Z]+ +(ovs|netlink|libvirt) state: ' "$TMP/out" ||
		why "a per-layer state line"
}

case_portgroup_removed_is_critical() {
	must vsh net-update intern-vlans delete portgroup "<portgroup name='105'/>" \
		--live --config || return 1
	! vsh net-dumpxml intern-vlans | grep -q "portgroup name='105'" ||
		why "portgroup 105 still running" || return 1
	hn verify
	rc_is 2 || return 1
	first_line_is CRITICAL "network intern-vlans" || return 1
	line_is CRITICAL "network intern-vlans" "portgroup 105 missing" || return 1
	# Only the network: everything else is still as the config says.
	[[ $(grep -c '^CRITICAL ' "$TMP/out") == 1 ]] || why "more than one CRITICAL line"
}

case_up_repairs_it_and_verify_is_ok_again() {
	hn up
	rc_is 0 || return 1
	grep -q 'network intern-vlans' "$TMP/out" || why "up did not touch intern-vlans" || return 1
	vsh net-dumpxml intern-vlans | grep -q "portgroup name='105'" ||
		why "portgroup 105 not back" || return 1
	hn verify
	rc_is 0 || return 1
	all_ok
}

case_default_network_back_is_critical() {
	must vsh net-define /usr/share/libvirt/networks/default.xml || return 1
	hn verify --no-probes
	rc_is 2 || return 1
	line_is CRITICAL "network default" "expected absent (libvirt.undefine), found present" ||
		return 1
	hn up
	rc_is 0 || return 1
	! vsh net-info default >/dev/null 2>&1 || why "up left network default" || return 1
	hn verify --no-probes
	rc_is 0 || return 1
	all_ok
}

run() {
	WHY=
	if [[ $1 != up_builds_the_seed_host && $LAB_UP == no ]]; then
		echo "not ok - $1: no lab (see the first case)"
		FAILED=$((FAILED + 1))
		return
	fi
	if "case_$1"; then
		echo "ok - $1"
		PASSED=$((PASSED + 1))
	else
		echo "not ok - $1: ${WHY:-failed}"
		FAILED=$((FAILED + 1))
	fi
}

[[ -x $HOSTNET ]] || {
	echo "not ok - setup: $HOSTNET is not built"
	echo "0 passed, 1 failed"
	exit 1
}

# The cases build on one another, in this order.
CASES=(
	up_builds_the_seed_host
	correct_host_passes
	portgroup_removed_is_critical
	up_repairs_it_and_verify_is_ok_again
	default_network_back_is_critical
)
for c in "${CASES[@]}"; do
	run "$c"
done
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
