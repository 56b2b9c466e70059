#!/usr/bin/env bash
# verify_seed.sh - `hostnet verify` against the seed host in a lab host: real ovsdb-server
# and ovs-vswitchd (userspace datapath), real kernel namespaces, veths and raw frames.
#
# The seed host is built by hand (ovs-vsctl, ip), the way an operator would have built it,
# so these tests do not depend on `hostnet up`; VERIFY_BUILD=up builds it with hostnet.
# The lab has no libvirtd: the state checks cover the ovs and netlink layers
# (HOSTNET_LAYERS), the probes cover the whole VLAN matrix of the seed.
#
# Cases: a correct host passes (text and --json, and --no-probes sends nothing); each of
# these, made behind hostnet's back, is CRITICAL and named: a port's tag changed, a VLAN
# missing from a trunk, an extra VLAN on a trunk, the hypervisor's internal port moved to
# another VLAN, its address removed, an L2 path joining two VLANs made outside OVS (a veth
# pair whose ends are access ports of VLAN 10 and 20; a Linux bridge joining two such
# ports), a host port on VLAN 250 answering ARP for the VLAN 99 address; a `kill -9` mid-run leaves probe ports that the next run removes; SIGTERM mid-run
# cleans up and exits 3; verify waits for a running `up` (the host lock) and is UNKNOWN when
# it is held past --timeout. After every run nothing is left: no probe port in OVSDB, no probe
# link, no neighbour entry for a probe address, no named namespace (the probe namespaces
# are never named: they live as long as the run's file descriptors).
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/vm-tests/lab
NAME=${VERIFY_LAB:-hn-verify}
HOSTNET=${HOSTNET:-$ROOT/build/hostnet}
CONF=$ROOT/tests/integration/configs
TMP=$(mktemp -d /tmp/verify_seed.XXXXXX)
PASSED=0
FAILED=0
RC=0
WHY=
BG=
LOCK_PID=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	[[ -z $BG ]] || kill -9 "$BG" 2>/dev/null || true
	[[ -z $LOCK_PID ]] || kill "$LOCK_PID" 2>/dev/null || true
	"$LAB" stop "$NAME" >/dev/null 2>&1 || true
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export HOSTNET_LAYERS=ovs,netlink

vsctl() { ip netns exec "$LAB_NS" ovs-vsctl --db="$LAB_OVSDB" --timeout=5 "$@"; }
in_lab() { ip netns exec "$LAB_NS" "$@"; }

# verify CONFIG [--json] [ARGS...]: hostnet verify in the lab; stdout in $TMP/out, stderr
# in $TMP/err, exit status in RC.
verify() {
	local conf=$1 json=()
	shift
	if [[ ${1:-} == --json ]]; then
		json=(--json)
		shift
	fi
	RC=0
	in_lab "$HOSTNET" --ovsdb "$LAB_OVSDB" -c "$CONF/$conf" "${json[@]}" verify "$@" \
		>"$TMP/out" 2>"$TMP/err" || RC=$?
}

why() {
	WHY="$*; hostnet said: $(grep -v '^OK ' "$TMP/out" | tr '\n' '|')$(tr '\n' '|' <"$TMP/err")"
	return 1
}
# must CMD...: a setup step; on failure the case fails saying which step and why.
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
critical_names() { # TEXT: some CRITICAL line holds TEXT
	grep -E '^CRITICAL ' "$TMP/out" | grep -qF -- "$1" || why "no CRITICAL line names '$1'"
}
first_line_is() { # STATUS
	head -1 "$TMP/out" |
		grep -qE "^HOSTNET $1 - .* \| checks=[0-9]+ failed=[0-9]+ time=[0-9.]+s$" ||
		why "first line is '$(head -1 "$TMP/out")', expected HOSTNET $1 with perfdata"
}
all_ok() {
	local bad
	bad=$(tail -n +2 "$TMP/out" | grep -vc '^OK ' || true)
	[[ $bad == 0 ]] || why "$bad line(s) not OK"
}

# What a run may leave behind, as one text: compared before and after every run.
traces() {
	echo "ports: $(vsctl --format=csv --no-headings --columns=name list Port | sort | xargs)"
	echo "marked: $(vsctl --format=csv --no-headings --columns=external_ids list Port |
		grep -c hostnet-probe || true)"
	echo "links: $(in_lab ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | xargs)"
	echo "neigh: $(in_lab ip neigh show dev brint 2>/dev/null | grep -v FAILED | sort | xargs)"
	echo "named netns: $(ip netns list | grep -c '^hnv' || true)"
}
# The kernel destroys a dead run's namespaces (and the veths in them) asynchronously.
nothing_left() {
	local i
	for i in $(seq 50); do
		traces >"$TMP/after"
		diff -q "$TMP/before" "$TMP/after" >/dev/null && return 0
		sleep 0.1
	done
	why "left behind: $(diff "$TMP/before" "$TMP/after" | grep '^[<>]' | tr '\n' '|')"
}

fresh_lab() {
	"$LAB" stop "$NAME" >/dev/null 2>&1 || true
	"$LAB" start "$NAME" >/dev/null 2>"$TMP/lab.err" || return 1
	eval "$("$LAB" env "$NAME")"
}

# The seed host by hand: br0 takes eno1, its MAC, address and default route; brint's own
# port is an access port of VLAN 99 holding 10.99.1.250/32, with 10.99.1.0/24 on it.
build_seed() {
	if [[ ${VERIFY_BUILD:-} == up ]]; then
		must in_lab "$HOSTNET" --ovsdb "$LAB_OVSDB" -c "$CONF/verify-seed.yaml" up
		return
	fi
	must vsctl -- add-br br0 -- set bridge br0 datapath_type=netdev \
		other_config:hwaddr="$LAB_ENO1_MAC" -- add-port br0 eno1 \
		-- add-br brint -- set bridge brint datapath_type=netdev -- set port brint tag=99 &&
		must in_lab ip addr del 198.51.100.10/24 dev eno1 &&
		must in_lab ip addr add 198.51.100.10/24 dev br0 &&
		must in_lab ip link set br0 up &&
		must in_lab ip route replace default via 198.51.100.1 dev br0 &&
		must in_lab ip addr add 10.99.1.250/32 dev brint &&
		must in_lab ip link set brint up &&
		must in_lab ip route add 10.99.1.0/24 dev brint
}

# verify-ports.yaml: an internal access port and a trunk NIC on brint as well.
build_ports() {
	build_seed &&
		must in_lab ip link add trunk0 type veth peer name trunk0-peer &&
		must in_lab ip link set trunk0 up &&
		must vsctl -- add-port brint mon0 tag=250 -- set interface mon0 type=internal \
			-- add-port brint trunk0 trunks=10,20
}

# Start each case from a fresh lab holding a correct host; $TMP/before: its traces.
setup() {
	fresh_lab || { WHY="the lab did not start: $(tr '\n' ' ' <"$TMP/lab.err")"; return 1; }
	"build_${1:-seed}" || return 1
	traces >"$TMP/before"
}

# The state checks of the seed: one OK line per object the config asks for, expected and
# found, and the status line counts every line.
state_lines_are_per_object() {
	line_is OK "bridge br0" "expected datapath netdev, hwaddr $LAB_ENO1_MAC (eno1's)" &&
		line_is OK "port br0" "expected internal, no tag" &&
		line_is OK "port eno1 on br0" "expected system, no tag (the uplink)" &&
		line_is OK "bridge brint" "expected datapath netdev, found datapath netdev" &&
		line_is OK "port brint" "expected internal, tag 99, found internal, tag 99" &&
		line_is OK "link br0" "expected up, found up" &&
		line_is OK "link brint" "expected up, found up" &&
		line_is OK "address 198.51.100.10/24 on br0" "found present" &&
		line_is OK "address 10.99.1.250/32 on brint" "found present" &&
		line_is OK "route 10.99.1.0/24 dev brint" "found present" &&
		line_is OK "route 0.0.0.0/0 via 198.51.100.1 dev br0" "found present" &&
		line_is OK "bridge br0 mac" "expected eno1's MAC" &&
		line_is OK "uplink eno1 address" "found none" || return 1
	! grep -qE '^[A-Z]+ +(ovs|netlink) state: ' "$TMP/out" || why "a per-layer state line"
	local lines
	lines=$(($(wc -l <"$TMP/out") - 1))
	head -1 "$TMP/out" | grep -q "^HOSTNET OK - $lines checks | checks=$lines failed=0 " ||
		why "the first line does not count the $lines lines"
}

# hold_lock SECONDS: hold the host lock as a running `up` does, in the background, and
# return once it is held. LOCK_PID is the holder.
hold_lock() {
	local i
	mkdir -p /run/hostnet
	rm -f "$TMP/held"
	# -o: the lock stays with flock itself, so killing LOCK_PID frees it at once.
	flock -o "/run/hostnet/lock.net$(ip netns exec "$LAB_NS" stat -L -c %i /proc/self/ns/net)" sh -c "touch '$TMP/held'; exec sleep $1" &
	LOCK_PID=$!
	for i in $(seq 500); do
		[[ -e $TMP/held ]] && return 0
		sleep 0.01
	done
	why "the lock was never taken (another hostnet run holds it?)"
}

# ---------------------------------------------------------------------------- cases

case_correct_host_passes() {
	setup || return 1
	verify verify-seed.yaml
	rc_is 0 || return 1
	first_line_is OK || return 1
	all_ok || return 1
	line_is OK "vlan 10 isolation" || return 1
	line_is OK "vlan 109 forwarding" || return 1
	line_is OK "trunk vlansext" "found 10,20 tagged" || return 1
	line_is OK "trunk vlansint" "found 100-109 tagged" || return 1
	line_is OK "reach 10.99.1.250 from vlan 99" || return 1
	line_is OK "reach 10.99.1.250 from vlan 10" "no ARP reply" || return 1
	line_is OK "gateway 198.51.100.1 from br0" || return 1
	state_lines_are_per_object || return 1
	[[ $(grep -c ' forwarding: ' "$TMP/out") == 14 ]] || why "not 14 VLANs" || return 1
	nothing_left
}

case_json_is_one_document() {
	setup || return 1
	verify verify-seed.yaml --json
	rc_is 0 || return 1
	python3 - "$TMP/out" <<'EOF' || why "JSON: $(cat "$TMP/py" 2>/dev/null)" || return 1
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["command"] == "verify" and doc["status"] == "OK" and doc["exit"] == 0, doc
assert doc["checks"] == len(doc["results"]) > 40 and doc["failed"] == 0, doc
for r in doc["results"]:
    assert set(r) == {"name", "status", "expected", "found"} and r["status"] == "OK", r
EOF
	nothing_left
}

case_no_probes_sends_nothing() {
	setup || return 1
	local log=$LAB_DIR/ovs-vswitchd.log lines
	lines=$(wc -l <"$log")
	verify verify-seed.yaml --no-probes
	rc_is 0 || return 1
	first_line_is OK || return 1
	if grep -qE 'forwarding|isolation|trunk|reach|gateway|probe' "$TMP/out"; then
		why "--no-probes ran probes"
		return 1
	fi
	line_is OK "bridge br0 mac" || return 1
	tail -n +"$((lines + 1))" "$log" | grep -q 'added interface' &&
		why "a port was added to the switch" && return 1
	nothing_left
}

case_port_tag_changed() {
	setup ports || return 1
	must vsctl set port mon0 tag=20 || return 1
	traces >"$TMP/before"
	verify verify-ports.yaml
	rc_is 2 || return 1
	first_line_is CRITICAL || return 1
	critical_names mon0 || return 1
	line_is CRITICAL "port mon0 on brint" "expected internal, tag 250, found tag 20" || return 1
	line_is OK "port trunk0 on brint" "expected system, trunks 10,20" || return 1
	nothing_left
}

case_vlan_missing_from_a_trunk() {
	setup ports || return 1
	must vsctl set port trunk0 trunks=10 || return 1
	traces >"$TMP/before"
	verify verify-ports.yaml
	rc_is 2 || return 1
	critical_names trunk0 || return 1
	line_is CRITICAL "port trunk0 on brint" "found trunks [10]" || return 1
	nothing_left
}

case_extra_vlan_on_a_trunk() {
	setup ports || return 1
	must vsctl set port trunk0 trunks=10,20,99 || return 1
	traces >"$TMP/before"
	verify verify-ports.yaml
	rc_is 2 || return 1
	critical_names trunk0 || return 1
	nothing_left
}

case_hypervisor_port_moved_to_vlan_10() {
	setup || return 1
	must vsctl set port brint tag=10 || return 1
	verify verify-seed.yaml
	rc_is 2 || return 1
	line_is CRITICAL "port brint" "expected internal, tag 99, found tag 10" || return 1
	# The probes see it too: VLAN 99 lost the host, VLAN 10 reaches it.
	line_is CRITICAL "reach 10.99.1.250 from vlan 99" "no ARP reply" || return 1
	line_is CRITICAL "reach 10.99.1.250 from vlan 10" "is at" || return 1
	nothing_left
}

case_hypervisor_address_removed() {
	setup || return 1
	must in_lab ip addr del 10.99.1.250/32 dev brint || return 1
	traces >"$TMP/before"
	verify verify-seed.yaml
	rc_is 2 || return 1
	line_is CRITICAL "address 10.99.1.250/32 on brint" "found missing" || return 1
	line_is CRITICAL "reach 10.99.1.250 from vlan 99" "no ARP reply" || return 1
	nothing_left
}

case_veth_joins_vlan_10_and_20() {
	setup || return 1
	must in_lab ip link add leak10 type veth peer name leak20 || return 1
	must in_lab ip link set leak10 up || return 1
	must in_lab ip link set leak20 up || return 1
	must vsctl -- add-port brint leak10 tag=10 -- add-port brint leak20 tag=20 || return 1
	traces >"$TMP/before"
	verify verify-seed.yaml
	rc_is 2 || return 1
	line_is CRITICAL "vlan 10 isolation" "frames of VLAN 20 reach VLAN 10" || return 1
	line_is CRITICAL "vlan 20 isolation" "frames of VLAN 10 reach VLAN 20" || return 1
	# Nothing else leaks: 99 stays apart.
	line_is OK "vlan 99 isolation" || return 1
	nothing_left
}

case_linux_bridge_joins_vlan_10_and_20() {
	setup || return 1
	local l
	must in_lab ip link add lb10 type veth peer name lb10-p || return 1
	must in_lab ip link add lb20 type veth peer name lb20-p || return 1
	must in_lab ip link add lbr type bridge || return 1
	for l in lb10 lb10-p lb20 lb20-p lbr; do must in_lab ip link set "$l" up || return 1; done
	must in_lab ip link set lb10-p master lbr || return 1
	must in_lab ip link set lb20-p master lbr || return 1
	must vsctl -- add-port brint lb10 tag=10 -- add-port brint lb20 tag=20 || return 1
	traces >"$TMP/before"
	verify verify-seed.yaml
	rc_is 2 || return 1
	line_is CRITICAL "vlan 10 isolation" "frames of VLAN 20 reach VLAN 10" || return 1
	line_is CRITICAL "vlan 20 isolation" "frames of VLAN 10 reach VLAN 20" || return 1
	nothing_left
}

# What only probes can see: an internal port of the host on VLAN 250, once up, lets the
# kernel answer ARP for the hypervisor's VLAN 99 address there (Linux answers for any local
# address on any interface unless arp_ignore says otherwise).
case_host_port_answers_for_vlan_99_on_vlan_250() {
	setup ports || return 1
	must in_lab ip link set mon0 up || return 1
	traces >"$TMP/before"
	verify verify-ports.yaml
	rc_is 2 || return 1
	line_is CRITICAL "reach 10.99.1.250 from vlan 250" "answers ARP" || return 1
	line_is OK "reach 10.99.1.250 from vlan 99" || return 1
	line_is OK "port mon0 on brint" "found internal, tag 250" || return 1
	nothing_left
}

# br0 with a MAC of its own: an ARP from it would show the provider an unknown MAC, so the
# gateway is not probed at all; the state checks name the MAC.
case_bridge_mac_differs_from_uplink() {
	setup || return 1
	must vsctl set bridge br0 other_config:hwaddr=02:00:00:00:00:99 || return 1
	sleep 0.2
	verify verify-seed.yaml
	rc_is 2 || return 1
	line_is CRITICAL "bridge br0 mac" "found 02:00:00:00:00:99" || return 1
	line_is CRITICAL "gateway 198.51.100.1 from br0" "not probed" || return 1
	critical_names "bridge br0" || return 1
	nothing_left
}

case_ovsdb_unreachable_is_unknown() {
	setup || return 1
	RC=0
	in_lab "$HOSTNET" --ovsdb unix:/nonexistent -c "$CONF/verify-seed.yaml" verify \
		>"$TMP/out" 2>"$TMP/err" || RC=$?
	rc_is 3 || return 1
	first_line_is UNKNOWN || return 1
	line_is UNKNOWN "ovs state" "/nonexistent" || return 1
	line_is UNKNOWN "probes" "/nonexistent" || return 1
	# What needs no switch database is still checked.
	line_is OK "gateway 198.51.100.1 from br0" || return 1
	nothing_left
}

# ovs-vswitchd gone: every wait is bounded (--timeout), the ports verify added are removed
# from the database again, and the dead switch shows (the gateway no longer answers).
case_vswitchd_dead_is_bounded() {
	local t0
	setup || return 1
	must kill "$(cat "$LAB_DIR/ovs-vswitchd.pid")" || return 1
	sleep 0.3
	t0=$SECONDS
	RC=0
	in_lab "$HOSTNET" --ovsdb "$LAB_OVSDB" --timeout 1000 -c "$CONF/verify-seed.yaml" \
		verify >"$TMP/out" 2>"$TMP/err" || RC=$?
	((SECONDS - t0 < 6)) || why "took $((SECONDS - t0)) s" || return 1
	rc_is 2 || return 1
	line_is UNKNOWN "probes" "ovs-vswitchd did not apply" || return 1
	line_is CRITICAL "gateway 198.51.100.1 from br0" || return 1
	[[ $(marked_ports) == 0 ]] || why "probe ports left in OVSDB" || return 1
	nothing_left
}

marked_ports() {
	vsctl --format=csv --no-headings --columns=external_ids list Port | grep -c hostnet-probe ||
		true
}

# start_verify: hostnet verify in the background; returns once its probes are on the
# switch (all 31 ports marked), or fails.
start_verify() {
	local i
	# Not through a function: $! must be hostnet itself (ip netns exec execs it).
	ip netns exec "$LAB_NS" "$HOSTNET" --ovsdb "$LAB_OVSDB" -c "$CONF/verify-seed.yaml" \
		verify >"$TMP/out" 2>"$TMP/err" &
	BG=$!
	for i in $(seq 500); do
		[[ $(marked_ports) == 31 ]] && return 0
		kill -0 "$BG" 2>/dev/null || break
		sleep 0.01
	done
	why "the probes never all reached the switch"
}

case_kill_9_leftovers_removed_by_next_run() {
	local tries left=0
	setup || return 1
	# The kill must land while the probes are attached; a run that got past its clean-up
	# first (the window is short) is simply tried again.
	for tries in 1 2 3 4 5; do
		start_verify || return 1
		kill -9 "$BG"
		wait "$BG" 2>/dev/null || true
		BG=
		left=$(marked_ports)
		((left > 0)) && break
	done
	((left == 31)) || why "after kill -9, $left marked ports, expected 31" || return 1
	verify verify-seed.yaml
	rc_is 0 || return 1
	line_is OK "probe leftovers" "removed 31 OVS port(s)" || return 1
	nothing_left
}

# A probe link whose run is gone (no such pid: above pid_max) is removed by the next run; a
# link that only looks alike is not.
case_stale_probe_link_removed() {
	setup || return 1
	must in_lab ip link add hnv7fffff-3 type veth peer name stale-peer netns "$LAB_UP_NS" ||
		return 1
	must in_lab ip link add hnvx-3 type veth peer name hnv1- || return 1
	traces >"$TMP/before"
	sed -i 's/ hnv7fffff-3//' "$TMP/before"
	verify verify-seed.yaml
	rc_is 0 || return 1
	line_is OK "probe leftovers" "removed 0 OVS port(s) and 1 link(s)" || return 1
	nothing_left
}

case_sigterm_cleans_up_and_exits_3() {
	setup || return 1
	start_verify || return 1
	kill -TERM "$BG"
	RC=0
	wait "$BG" || RC=$?
	BG=
	rc_is 3 || return 1
	first_line_is UNKNOWN || return 1
	grep -q "interrupted by signal 15" "$TMP/out" || why "no word of the signal" || return 1
	nothing_left
}

# verify waits for a running `up` (the host lock) within --timeout, and then checks.
case_verify_waits_for_a_running_up() {
	local t0 t1
	setup || return 1
	hold_lock 3 || return 1
	t0=$(date +%s%N)
	RC=0
	in_lab "$HOSTNET" --ovsdb "$LAB_OVSDB" --timeout 5000 -c "$CONF/verify-seed.yaml" \
		verify >"$TMP/out" 2>"$TMP/err" || RC=$?
	t1=$(date +%s%N)
	wait "$LOCK_PID" || true
	LOCK_PID=
	rc_is 0 || return 1
	first_line_is OK || return 1
	# The holder had about 3 s left when verify started.
	(((t1 - t0) / 1000000 >= 2500)) || why "returned after $(((t1 - t0) / 1000000)) ms" ||
		return 1
	nothing_left
}

# The lock still held at the bound: UNKNOWN, exit 3, and nothing checked or probed.
case_verify_is_unknown_while_the_lock_is_held() {
	local t0 t1 log=$LAB_DIR/ovs-vswitchd.log lines
	setup || return 1
	lines=$(wc -l <"$log")
	hold_lock 3 || return 1
	t0=$(date +%s%N)
	RC=0
	in_lab "$HOSTNET" --ovsdb "$LAB_OVSDB" --timeout 500 -c "$CONF/verify-seed.yaml" \
		verify >"$TMP/out" 2>"$TMP/err" || RC=$?
	t1=$(date +%s%N)
	kill "$LOCK_PID" 2>/dev/null || true
	wait "$LOCK_PID" 2>/dev/null || true
	LOCK_PID=
	rc_is 3 || return 1
	first_line_is UNKNOWN || return 1
	line_is UNKNOWN "host lock" "another hostnet run holds the lock" || return 1
	[[ $(wc -l <"$TMP/out") == 2 ]] || why "more than the lock was reported" || return 1
	(((t1 - t0) / 1000000 < 2000)) || why "took $(((t1 - t0) / 1000000)) ms" || return 1
	tail -n +"$((lines + 1))" "$log" | grep -q 'added interface' &&
		why "a probe port was added while the lock was held" && return 1
	nothing_left
}

run() {
	WHY=
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

# Every case, or those named on the command line.
CASES=(
	correct_host_passes
	json_is_one_document
	no_probes_sends_nothing
	port_tag_changed
	vlan_missing_from_a_trunk
	extra_vlan_on_a_trunk
	hypervisor_port_moved_to_vlan_10
	hypervisor_address_removed
	veth_joins_vlan_10_and_20
	linux_bridge_joins_vlan_10_and_20
	host_port_answers_for_vlan_99_on_vlan_250
	bridge_mac_differs_from_uplink
	ovsdb_unreachable_is_unknown
	vswitchd_dead_is_bounded
	kill_9_leftovers_removed_by_next_run
	stale_probe_link_removed
	sigterm_cleans_up_and_exits_3
	verify_waits_for_a_running_up
	verify_is_unknown_while_the_lock_is_held
)
(($# == 0)) || CASES=("$@")
for c in "${CASES[@]}"; do
	run "$c"
done
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
