#!/usr/bin/env bash
# verify_seed.sh - `hostnet verify` against the seed host in a lab host: real ovsdb-server
# and ovs-vswitchd (userspace datapath), real kernel namespaces, veths and raw frames.
#
# The seed host is built by hand (ovs-vsctl, ip), the way an operator would have built it,
# so these tests do not depend on `hostnet up`; VERIFY_BUILD=up builds it with hostnet.
# The lab runs libvirtd, whose networks `hostnet --layers libvirt up` defines (networks
# defined by hand would not be hostnet's); the probes cover the whole VLAN matrix of the seed.
#
# Cases: a correct host passes (text and --json, and --no-probes sends nothing), its state
# lines showing values read from the host, values the diff does not compare included (an MTU
# changed, who added a route); each of these, made behind hostnet's back, is CRITICAL, named
# and shown as read: a link down, a port's tag changed, a VLAN
# missing from a trunk, an extra VLAN on a trunk, the hypervisor's internal port moved to
# another VLAN, its address removed, an L2 path joining two VLANs made outside OVS (a veth
# pair whose ends are access ports of VLAN 10 and 20; a Linux bridge joining two such
# ports), a host port on VLAN 250 answering ARP for the VLAN 99 address once its ARP hygiene
# is turned off (and silent once `up` has set it); a `kill -9` mid-run leaves probe ports
# that the next run removes; SIGTERM mid-run
# cleans up and exits 3; verify waits for a running `up` (the host lock) and is UNKNOWN when
# it is held past --timeout. After every run nothing is left: no probe port in OVSDB, no probe
# link, no neighbour entry for a probe address, no named namespace (the probe namespaces
# are never named: they live as long as the run's file descriptors).
#
# Each case gets a fresh lab VERIFY_LAB (default hn-verify); hostnet runs inside it with
# every layer, as in production. Cases named on the command line run alone.
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.
# The harness (the lab, hostnet runs, verify's checks, the case runner) is lib.sh.

set -euo pipefail

HN_LAB=${VERIFY_LAB:-hn-verify}
HN_LIBVIRT=yes
HN_FRESH=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# What hostnet said, less its OK lines.
hn_said() {
	grep -v '^OK ' "$TMP/out" | tr '\n' '|'
	tr '\n' '|' <"$TMP/err"
}

# The seed host by hand, the way an operator would have built it, with CONFIG's libvirt
# networks (default verify-seed.yaml) defined by hostnet (VERIFY_BUILD=up: all by hostnet up).
build_seed() {
	local config=${1:-verify-seed.yaml}
	if [[ ${VERIFY_BUILD:-} == up ]]; then
		hn verify-seed.yaml up
		rc_is 0 || return 1
	else
		seed_by_hand || return 1
	fi
	HN_LAYERS=libvirt hn "$config" up
	rc_is 0
}

# verify-ports.yaml: an internal access port and a trunk NIC on brint as well, mon0 with
# the ARP hygiene hostnet gives an internal port.
build_ports() {
	build_seed verify-ports.yaml &&
		must in_lab ip link add trunk0 type veth peer name trunk0-peer &&
		must in_lab ip link set trunk0 up &&
		must vsctl -- add-port brint mon0 tag=250 -- set interface mon0 type=internal \
			-- add-port brint trunk0 trunks=10,20 &&
		arp_hygiene_by_hand mon0
}

# Make the fresh lab a correct host; $TMP/before: its traces.
setup() {
	"build_${1:-seed}" || return 1
	traces >"$TMP/before"
}

# Who added the seed's routes, as the kernel says: `ip route` (boot) when the seed was built by
# hand, hostnet (protocol 104) with VERIFY_BUILD=up.
seed_route_proto() {
	if [[ ${VERIFY_BUILD:-} == up ]]; then echo hostnet; else echo boot; fi
}

# The state checks of the seed: one OK line per object the config asks for, expected and
# found as read (values the diff does not compare too: MTUs, who added a route), and the
# status line counts every line.
state_lines_are_per_object() {
	local proto
	proto=$(seed_route_proto)
	line_is OK "bridge br0" "expected datapath netdev, hwaddr $LAB_ENO1_MAC, found datapath netdev, hwaddr $LAB_ENO1_MAC" &&
		line_is OK "port br0" "expected internal, found internal" &&
		line_is OK "port eno1 on br0" "expected system, found system" &&
		line_is OK "bridge brint" "expected datapath netdev, found datapath netdev" &&
		line_is OK "port brint" "expected internal, tag 99, found internal, tag 99" &&
		line_is OK "link br0" "expected up, arp_ignore 1, arp_announce 2, found up, mtu $(in_lab cat /sys/class/net/br0/mtu), arp_ignore 1, arp_announce 2" &&
		line_is OK "link brint" "expected up, arp_ignore 1, arp_announce 2, found up, mtu $(in_lab cat /sys/class/net/brint/mtu), arp_ignore 1, arp_announce 2" &&
		line_is OK "address 198.51.100.10/24 on br0" "found present" &&
		line_is OK "address 10.99.1.250/32 on brint" "found present" &&
		line_is OK "route 10.99.1.0/24 dev brint" "expected present, found present, proto $proto" &&
		line_is OK "route 0.0.0.0/0 via 198.51.100.1 dev br0" "found present, proto $proto" &&
		line_is OK "bridge br0 mac" "expected eno1's MAC" &&
		line_is OK "uplink eno1 address" "found none" || return 1
	! grep -qE '^[A-Z]+ +(ovs|netlink) state: ' "$TMP/out" || why "a per-layer state line" || return 1
	status_counts_every_line
}

# ---------------------------------------------------------------------------- cases

case_correct_host_passes() {
	setup || return 1
	hn verify-seed.yaml verify
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
	# Each address of the host is answered on its own VLAN and nowhere else on brint.
	line_is OK "arp 10.99.1.250" "expected an answer on VLAN 99 only, found answered on 99; no answer on 10,20,100-109,250" ||
		return 1
	line_is OK "arp 198.51.100.10" "expected no answer on brint's VLANs, found no answer on 10,20,99-109,250" ||
		return 1
	state_lines_are_per_object || return 1
	[[ $(grep -c ' forwarding: ' "$TMP/out") == 14 ]] || why "not 14 VLANs" || return 1
	nothing_left
}

case_json_is_one_document() {
	setup || return 1
	hn verify-seed.yaml --json verify
	rc_is 0 || return 1
	python3 - "$TMP/out" "$(in_lab cat /sys/class/net/br0/mtu)" 2>"$TMP/py" <<'EOF' ||
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["command"] == "verify" and doc["status"] == "OK" and doc["exit"] == 0, doc
assert doc["checks"] == len(doc["results"]) > 40 and doc["failed"] == 0, doc
text = {"name", "status", "expected", "found"}
for r in doc["results"]:
    assert set(r) in (text, text | {"object", "exists", "fields"}) and r["status"] == "OK", r
# The state checks carry what they are about and what was read, as data.
state = {r["name"]: r for r in doc["results"] if "object" in r}
assert len(state) == 14, sorted(state)
port = state["port brint"]
assert port["object"] == {"layer": "ovs", "kind": "port", "name": "brint", "bridge": "brint"}, port
assert port["exists"] is True, port
assert {"field": "tag", "found": "99", "expected": "99"} in port["fields"], port
mtu = [f for f in state["link br0"]["fields"] if f["field"] == "mtu"]
assert mtu == [{"field": "mtu", "found": sys.argv[2], "expected": None}], mtu
route = state["route 0.0.0.0/0 via 198.51.100.1 dev br0"]["object"]
assert route == {"layer": "netlink", "kind": "route", "name": "0.0.0.0/0", "dev": "br0",
                 "via": "198.51.100.1"}, route
EOF
		why "JSON: $(tail -n 1 "$TMP/py")" || return 1
	nothing_left
}

case_no_probes_sends_nothing() {
	setup || return 1
	local log=$LAB_DIR/ovs-vswitchd.log lines
	lines=$(wc -l <"$log")
	hn verify-seed.yaml verify --no-probes
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

# port_set_by_hand PORT COLUMN=VALUE: the host of verify-ports.yaml with PORT changed behind
# hostnet's back, then verify_drifted.
port_set_by_hand() {
	setup ports || return 1
	must vsctl set port "$1" "$2" || return 1
	verify_drifted verify-ports.yaml
}

case_port_tag_changed() {
	port_set_by_hand mon0 tag=20 || return 1
	first_line_is CRITICAL || return 1
	critical_names mon0 || return 1
	line_is CRITICAL "port mon0 on brint" "expected internal, tag 250, found internal, tag 20" ||
		return 1
	line_is OK "port trunk0 on brint" "expected system, trunks [10,20], found system, trunks [10,20]" ||
		return 1
	nothing_left
}

case_vlan_missing_from_a_trunk() {
	port_set_by_hand trunk0 trunks=10 || return 1
	critical_names trunk0 || return 1
	line_is CRITICAL "port trunk0 on brint" "expected system, trunks [10,20], found system, trunks [10]" ||
		return 1
	nothing_left
}

case_extra_vlan_on_a_trunk() {
	port_set_by_hand trunk0 trunks=10,20,99 || return 1
	critical_names trunk0 || return 1
	line_is CRITICAL "port trunk0 on brint" "found system, trunks [10,20,99]" || return 1
	nothing_left
}

case_hypervisor_port_moved_to_vlan_10() {
	setup || return 1
	must vsctl set port brint tag=10 || return 1
	hn verify-seed.yaml verify
	rc_is 2 || return 1
	line_is CRITICAL "port brint" "expected internal, tag 99, found internal, tag 10" || return 1
	# The probes see it too: VLAN 99 lost the host, VLAN 10 reaches it.
	line_is CRITICAL "reach 10.99.1.250 from vlan 99" "no ARP reply" || return 1
	line_is CRITICAL "reach 10.99.1.250 from vlan 10" "is at" || return 1
	nothing_left
}

case_hypervisor_address_removed() {
	setup || return 1
	must in_lab ip addr del 10.99.1.250/32 dev brint || return 1
	verify_drifted verify-seed.yaml || return 1
	line_is CRITICAL "address 10.99.1.250/32 on brint" "expected present, found missing" ||
		return 1
	line_is CRITICAL "reach 10.99.1.250 from vlan 99" "no ARP reply" || return 1
	nothing_left
}

case_veth_joins_vlan_10_and_20() {
	setup || return 1
	must in_lab ip link add leak10 type veth peer name leak20 || return 1
	must in_lab ip link set leak10 up || return 1
	must in_lab ip link set leak20 up || return 1
	must vsctl -- add-port brint leak10 tag=10 -- add-port brint leak20 tag=20 || return 1
	vlans_10_and_20_joined || return 1
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
	vlans_10_and_20_joined || return 1
	nothing_left
}

# What only probes can see: an internal port of the host on VLAN 250, once up, lets the
# kernel answer ARP there for the hypervisor's VLAN 99 address (Linux answers for any local
# address on any interface unless arp_ignore says otherwise), the leak this case found first.
# hostnet's ARP hygiene (arp_ignore 1, arp_announce 2 on every host port it manages) stops
# it: after `up`, the probes find no answer for 10.99.1.250 on VLAN 250, and one on VLAN 99.
case_host_port_answers_for_vlan_99_on_vlan_250() {
	setup ports || return 1
	must in_lab ip link set mon0 up || return 1
	must in_lab sysctl -qw net.ipv4.conf.mon0.arp_ignore=0 net.ipv4.conf.mon0.arp_announce=0 ||
		return 1
	hn verify-ports.yaml plan
	rc_is 3 && out_has "~ netlink  link mon0: arp_ignore 0 -> 1, arp_announce 0 -> 2" || return 1
	hn verify-ports.yaml up
	rc_is 0 || return 1
	traces >"$TMP/before"
	hn verify-ports.yaml verify
	rc_is 0 || return 1
	line_is OK "reach 10.99.1.250 from vlan 250" "no ARP reply" || return 1
	line_is OK "reach 10.99.1.250 from vlan 99" || return 1
	line_is OK "arp 10.99.1.250" "answered on 99; no answer on 10,20,100-109,250" || return 1
	line_is OK "link mon0" "found up, mtu 1500, arp_ignore 1, arp_announce 2" || return 1
	nothing_left
}

# The same host with `arp_hygiene: false` on mon0: hostnet leaves its knobs alone (read and
# shown, not compared), and the probes prove the leak: CRITICAL, naming VLAN 250.
case_arp_hygiene_off_lets_vlan_250_answer() {
	setup ports || return 1
	must in_lab ip link set mon0 up || return 1
	must in_lab sysctl -qw net.ipv4.conf.mon0.arp_ignore=0 net.ipv4.conf.mon0.arp_announce=0 ||
		return 1
	hn verify-ports-no-hygiene.yaml up
	rc_is 0 || return 1
	[[ $(in_lab sysctl -n net.ipv4.conf.mon0.arp_ignore) == 0 ]] ||
		why "up set arp_ignore on mon0, whose hygiene is off" || return 1
	verify_drifted verify-ports-no-hygiene.yaml || return 1
	line_is OK "link mon0" "expected present, found present, up, mtu 1500, arp_ignore 0, arp_announce 0" ||
		return 1
	line_is CRITICAL "reach 10.99.1.250 from vlan 250" "answers ARP" || return 1
	line_is CRITICAL "arp 10.99.1.250" "answered on 99,250; no answer on 10,20,100-109 (VLAN 250 from" ||
		return 1
	line_is CRITICAL "arp 198.51.100.10" "answered on 250" || return 1
	nothing_left
}

# br0 with a MAC of its own: an ARP from it would show the provider an unknown MAC, so the
# gateway is not probed at all; the state checks name the MAC.
case_bridge_mac_differs_from_uplink() {
	setup || return 1
	must vsctl set bridge br0 other_config:hwaddr=02:00:00:00:00:99 || return 1
	sleep 0.2
	hn verify-seed.yaml verify
	rc_is 2 || return 1
	line_is CRITICAL "bridge br0 mac" "found 02:00:00:00:00:99" || return 1
	line_is CRITICAL "gateway 198.51.100.1 from br0" "not probed" || return 1
	line_is CRITICAL "bridge br0" "expected datapath netdev, hwaddr $LAB_ENO1_MAC, found datapath netdev, hwaddr 02:00:00:00:00:99" ||
		return 1
	nothing_left
}

# Values the diff does not compare are still read and shown as they are: br0's MTU (the
# config sets none) and who added brint's route. The host stays OK: nothing differs from
# what the config asks.
case_values_not_compared_are_read() {
	setup || return 1
	must in_lab ip link set br0 mtu 1400 || return 1
	must in_lab ip route replace 10.99.1.0/24 dev brint proto static || return 1
	hn verify-seed.yaml verify --no-probes
	rc_is 0 || return 1
	line_is OK "link br0" "expected up, arp_ignore 1, arp_announce 2, found up, mtu 1400, arp_ignore 1, arp_announce 2" ||
		return 1
	line_is OK "route 10.99.1.0/24 dev brint" "expected present, found present, proto static" ||
		return 1
	nothing_left
}

# A value the diff compares, changed behind hostnet's back: the line shows it as read, and
# what is read besides (the link's MTU).
case_link_down_is_shown_as_read() {
	setup || return 1
	must in_lab ip link set brint down || return 1
	verify_drifted verify-seed.yaml || return 1
	line_is CRITICAL "link brint" "expected up, arp_ignore 1, arp_announce 2, found down, mtu $(in_lab cat /sys/class/net/brint/mtu), arp_ignore 1, arp_announce 2" ||
		return 1
	nothing_left
}

case_ovsdb_unreachable_is_unknown() {
	setup || return 1
	hn_db unix:/nonexistent verify-seed.yaml verify
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
	setup || return 1
	must kill "$(cat "$LAB_DIR/ovs-vswitchd.pid")" || return 1
	sleep 0.3
	hn verify-seed.yaml --timeout 1000 verify
	took_under 6000 || return 1
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

# start_verify: hostnet verify in the background (HN_BG_PID, hn_join verify); returns once
# its probes are on the switch (all 31 ports marked), or fails.
start_verify() {
	local i
	hn_bg verify verify-seed.yaml verify
	for i in $(seq 500); do
		[[ $(marked_ports) == 31 ]] && return 0
		kill -0 "$HN_BG_PID" 2>/dev/null || break
		sleep 0.01
	done
	why "the probes never all reached the switch"
}

case_kill_9_leftovers_removed_by_next_run() {
	local left=0
	setup || return 1
	# The kill must land while the probes are attached; a run that got past its clean-up
	# first (the window is short) is simply tried again.
	for _ in 1 2 3 4 5; do
		start_verify || return 1
		kill -9 "$HN_BG_PID"
		hn_join verify
		left=$(marked_ports)
		((left > 0)) && break
	done
	((left == 31)) || why "after kill -9, $left marked ports, expected 31" || return 1
	hn verify-seed.yaml verify
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
	hn verify-seed.yaml verify
	rc_is 0 || return 1
	line_is OK "probe leftovers" "removed 0 OVS port(s) and 1 link(s)" || return 1
	nothing_left
}

case_sigterm_cleans_up_and_exits_3() {
	setup || return 1
	start_verify || return 1
	kill -TERM "$HN_BG_PID"
	hn_join verify
	rc_is 3 || return 1
	first_line_is UNKNOWN || return 1
	grep -q "interrupted by signal 15" "$TMP/out" || why "no word of the signal" || return 1
	nothing_left
}

# verify waits for a running `up` (the host lock) within --timeout, and then checks.
case_verify_waits_for_a_running_up() {
	setup || return 1
	hold_lock 3 || return 1
	hn verify-seed.yaml --timeout 5000 verify
	wait "$LOCK_PID" || true
	LOCK_PID=
	rc_is 0 || return 1
	first_line_is OK || return 1
	# The holder had about 3 s left when verify started.
	took_at_least 2500 || return 1
	nothing_left
}

# The lock still held at the bound: UNKNOWN, exit 3, and nothing checked or probed.
case_verify_is_unknown_while_the_lock_is_held() {
	local log=$LAB_DIR/ovs-vswitchd.log lines
	setup || return 1
	lines=$(wc -l <"$log")
	hold_lock 3 || return 1
	hn verify-seed.yaml --timeout 500 verify
	kill "$LOCK_PID" 2>/dev/null || true
	wait "$LOCK_PID" 2>/dev/null || true
	LOCK_PID=
	rc_is 3 || return 1
	first_line_is UNKNOWN || return 1
	line_is UNKNOWN "host lock" "another hostnet run holds the lock" || return 1
	[[ $(wc -l <"$TMP/out") == 2 ]] || why "more than the lock was reported" || return 1
	took_under 2000 || return 1
	tail -n +"$((lines + 1))" "$log" | grep -q 'added interface' &&
		why "a probe port was added while the lock was held" && return 1
	nothing_left
}

need_hostnet
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
	arp_hygiene_off_lets_vlan_250_answer
	bridge_mac_differs_from_uplink
	values_not_compared_are_read
	link_down_is_shown_as_read
	ovsdb_unreachable_is_unknown
	vswitchd_dead_is_bounded
	kill_9_leftovers_removed_by_next_run
	stale_probe_link_removed
	sigterm_cleans_up_and_exits_3
	verify_waits_for_a_running_up
	verify_is_unknown_while_the_lock_is_held
)
(($# == 0)) || CASES=("$@")
run_cases "${CASES[@]}"
