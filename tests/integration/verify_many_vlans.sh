#!/usr/bin/env bash
# verify_many_vlans.sh - `hostnet verify` over a switch with many VLANs, in a lab host: real
# ovsdb-server and ovs-vswitchd (userspace datapath), namespaces, veths and raw frames.
#
# The config gives brint VLAN 99 (its own address) and a trunk port carrying VLANS VLANs
# (default 200: 100..299), all in verify's isolation matrix. Only 99 has an access port, so
# the other VLANs ride the two matrix trunk probes, tagged: a handful of probes for the whole
# matrix, where access probes would take two per VLAN.
#
# Cases: a correct host passes, every VLAN's forwarding and isolation checked; a leak made
# by hand between two of the VLANs (a veth pair whose ends are access ports of VLAN 150 and
# 220; an OpenFlow flow re-tagging VLAN 150's frames as 220) is CRITICAL, and the CRITICAL
# lines name those two VLANs and no other.
#
# Each case gets a fresh lab VERIFY_LAB (default hn-verify-many). Must run as root.
# $HOSTNET is the binary under test (default build/hostnet). The last line is
# "N passed, N failed"; the exit status is non-zero when a case failed.

set -euo pipefail

HN_LAB=${VERIFY_LAB:-hn-verify-many}
HN_FRESH=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
VLANS=${VLANS:-200}
LAST=$((100 + VLANS - 1))

cat >"$TMP/many.yaml" <<EOF
ovs:
  datapath: netdev
bridges:
  brint:
    tag: 99
    addresses: [10.99.1.250/32]
    routes: [10.99.1.0/24]
    ports:
      trunk0: { type: internal, trunk: [100-$LAST] }
verify:
  isolation: { bridge: brint, vlans: [99, 100-$LAST] }
  reach:
    - { from: 99, to: 10.99.1.250, expect: ok }
    - { from: 150, to: 10.99.1.250, expect: fail }
EOF

setup() {
	hn "$TMP/many.yaml" up
	rc_is 0 || return 1
	traces >"$TMP/before"
}

# The leak made by hand is found, and named as what it is: VLAN 150 and 220, nothing else.
only_150_and_220_critical() {
	only_vlans_critical 150 220 100 "$LAST" trunk0 || return 1
	line_is OK "vlan 149 isolation" || return 1
	line_is OK "vlan 99 isolation"
}

case_correct_host_passes() {
	setup || return 1
	hn "$TMP/many.yaml" verify
	rc_is 0 || return 1
	first_line_is OK || return 1
	all_ok || return 1
	[[ $(grep -c '^OK *vlan [0-9]* forwarding: ' "$TMP/out") == $((VLANS + 1)) ]] ||
		why "not $((VLANS + 1)) forwarding lines" || return 1
	[[ $(grep -c '^OK *vlan [0-9]* isolation: ' "$TMP/out") == $((VLANS + 1)) ]] ||
		why "not $((VLANS + 1)) isolation lines" || return 1
	line_is OK "vlan 99 forwarding" "probes a and b of VLAN 99" || return 1
	line_is OK "vlan $LAST forwarding" "matrix trunks a and b hear each other on VLAN $LAST" ||
		return 1
	# 99 a and b, the matrix trunks a and b, trunk0's probe.
	line_is OK "probe window" "5 probes on brint" || return 1
	line_is OK "reach 10.99.1.250 from vlan 150" "no ARP reply" || return 1
	line_is OK "arp 10.99.1.250" "answered on 99; no answer on 100-$LAST" || return 1
	NOTE="${ELAPSED} ms"
	nothing_left
}

case_veth_joins_vlan_150_and_220() {
	setup || return 1
	must in_lab ip link add leak150 type veth peer name leak220 || return 1
	# A pure L2 leak: the kernel's own ends answer no ARP for the host's address (that
	# would be a finding of its own, naming the same VLANs).
	must in_lab sysctl -qw net.ipv4.conf.leak150.arp_ignore=8 \
		net.ipv4.conf.leak220.arp_ignore=8 || return 1
	must in_lab ip link set leak150 up || return 1
	must in_lab ip link set leak220 up || return 1
	must vsctl -- add-port brint leak150 tag=150 -- add-port brint leak220 tag=220 || return 1
	verify_drifted "$TMP/many.yaml" || return 1
	only_150_and_220_critical || return 1
	line_is CRITICAL "vlan 150 isolation" "frames of VLAN 220 reach VLAN 150" || return 1
	line_is CRITICAL "vlan 220 isolation" "frames of VLAN 150 reach VLAN 220" || return 1
	nothing_left
}

# One way only: what comes in on VLAN 150 leaves on 220. No port changes, so only the
# probes can see it.
case_flow_retags_vlan_150_as_220() {
	setup || return 1
	must in_lab env OVS_RUNDIR="$LAB_DIR" ovs-ofctl add-flow brint \
		"priority=100,dl_vlan=150,actions=mod_vlan_vid:220,NORMAL" || return 1
	traces >"$TMP/before"
	hn "$TMP/many.yaml" verify
	only_150_and_220_critical || return 1
	line_is CRITICAL "vlan 220 isolation" "frames of VLAN 150 reach VLAN 220" || return 1
	nothing_left
}

need_hostnet
CASES=(
	correct_host_passes
	veth_joins_vlan_150_and_220
	flow_retags_vlan_150_as_220
)
(($# == 0)) || CASES=("$@")
run_cases "${CASES[@]}"
