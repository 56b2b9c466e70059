#!/usr/bin/env bash
# mac_guard.sh - verify's uplink MAC guard in a lab host: real ovs-vswitchd (userspace
# datapath), whose MAC learning table hostnet reads over its control socket (fdb/show).
#
# The provider blocks the server's switch port when a frame leaves the uplink from a MAC it
# does not know. Cases: a host whose br0 carries only eno1 passes; a namespace attached to
# br0 (a guest on ovs-front, as far as the switch can tell) that sends from its own MAC
# makes verify CRITICAL, naming the MAC and the port; the same MAC listed in
# bridges.br0.uplink_macs passes; a switch whose control socket cannot be found is UNKNOWN,
# not OK.
#
# Each case gets a fresh lab GUARD_LAB (default hn-guard). Must run as root. $HOSTNET is the
# binary under test (default build/hostnet). The last line is "N passed, N failed".

set -euo pipefail

HN_LAB=${GUARD_LAB:-hn-guard}
HN_FRESH=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GUEST_MAC=02:ad:00:00:00:01
on_exit 'ip netns del "$HN_LAB-guest" 2>/dev/null || true'

# A namespace on br0, as a guest's tap would be: its host end silenced (arp_ignore 8: on the
# userspace datapath the kernel sees the port's frames too), its own MAC; it pings the
# gateway, so that the switch learns its MAC on port guest0.
guest_sends() {
	local ns=$HN_LAB-guest
	ip netns del "$ns" 2>/dev/null || true
	must ip netns add "$ns" &&
		must in_lab ip link add guest0 type veth peer name eth0 netns "$ns" &&
		must in_lab sysctl -qw net.ipv4.conf.guest0.arp_ignore=8 &&
		must in_lab ip link set guest0 up &&
		must ip -n "$ns" link set eth0 address "$GUEST_MAC" up &&
		must ip -n "$ns" addr add 198.51.100.77/24 dev eth0 &&
		must vsctl add-port br0 guest0 &&
		must ip netns exec "$ns" ping -c 1 -W 2 "$LAB_GW"
}

up_front() {
	hn guard-front.yaml up
	rc_is 0
}

case_only_the_nic_mac_passes() {
	up_front || return 1
	must in_lab ping -c 1 -W 2 "$LAB_GW" || return 1
	hn guard-front.yaml verify
	rc_is 0 || return 1
	line_is OK "uplink eno1 macs" "expected from br0's other ports only $LAB_ENO1_MAC, found 1 MAC(s) learned on br0's other ports, none foreign"
}

case_guest_mac_is_critical() {
	up_front && guest_sends || return 1
	hn guard-front.yaml verify
	rc_is 2 || return 1
	first_line_is CRITICAL "uplink eno1 macs" || return 1
	line_is CRITICAL "uplink eno1 macs" "found $GUEST_MAC on port guest0 (VLAN 0): would leave through eno1"
}

case_registered_mac_passes() {
	up_front && guest_sends || return 1
	hn guard-front-registered.yaml verify
	rc_is 0 || return 1
	line_is OK "uplink eno1 macs" "expected from br0's other ports only $LAB_ENO1_MAC and uplink_macs, found 2 MAC(s) learned on br0's other ports, none foreign"
}

# The database reached through another directory, where no ovs-vswitchd pid file lies: the
# table cannot be read, and verify says so (UNKNOWN), never OK.
case_no_control_socket_is_unknown() {
	up_front || return 1
	mkdir -p "$TMP/elsewhere"
	ln -sf "${LAB_OVSDB#unix:}" "$TMP/elsewhere/db.sock"
	hn_db "unix:$TMP/elsewhere/db.sock" guard-front.yaml verify
	rc_is 3 || return 1
	line_is UNKNOWN "uplink eno1 macs" "could not be read: cannot read $TMP/elsewhere/ovs-vswitchd.pid"
}

need_hostnet
run_cases only_the_nic_mac_passes guest_mac_is_critical registered_mac_passes \
	no_control_socket_is_unknown
