#!/usr/bin/env bash
# uplink_real.sh - what a rented server's uplink asks beyond the lab's single IPv4 NIC
# (issue 15): jumbo frames, the uplink NIC found by its MAC whatever its name.
#
# hostnet runs inside lab UPLINK_REAL_LAB (default hn-uplink-real) with every layer; no
# libvirtd. Every case gets a fresh lab with port security on (every frame the upstream sees
# from a MAC other than eno1's is counted, and each case checks there was none).
#
# Cases:
#   mtu_9000              brint and an internal port vm0 with mtu 9000: OVS mtu_request and
#                         the MTU ovs-vswitchd reports are 9000, and the kernel's too; plan
#                         exits 0; verify says both OK; back to 1500 by the next config
#   uplink_by_mac         `uplink: { mac: eno1's }` moves eno1 as `uplink: eno1` does; eno1
#                         renamed ens3 (as a kernel update does): plan shows only eno1's port
#                         leaving and ens3's joining br0, up applies those 2, plan exits 0, the
#                         host answers; down gives ens3 the address and route; a MAC no NIC
#                         has: exit 1, one line, nothing touched
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.

set -euo pipefail

HN_LAB=${UPLINK_REAL_LAB:-hn-uplink-real}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fresh_lab() { lab_start_portsec && lab_settled && host_snapshot pristine; }

# mtu_is IFACE N: OVS's mtu_request and the kernel's MTU are N, and the MTU ovs-vswitchd
# reports becomes N (it writes it back after it set the device: bounded wait, 2 s).
mtu_is() {
	local i kernel
	col interface "$1" mtu_request "$2" || return 1
	kernel=$(in_lab cat "/sys/class/net/$1/mtu") || why "no $1 in the kernel" || return 1
	[[ $kernel == "$2" ]] || why "$1's kernel MTU is $kernel, not $2" || return 1
	for ((i = 0; i < 40; i++)); do
		[[ $(vsctl get interface "$1" mtu) == "$2" ]] && return 0
		sleep 0.05
	done
	why "OVS reports $1's mtu as $(vsctl get interface "$1" mtu), not $2"
}

case_mtu_9000() {
	fresh_lab || return 1
	hn uplink-mtu.yaml plan && rc_is 3 && out_has "port brint: internal, tag 99, mtu 9000" &&
		out_has "port vm0 on brint: internal, tag 10, mtu 9000" || return 1
	converged_on uplink-mtu.yaml && mtu_is brint 9000 && mtu_is vm0 9000 || return 1
	hn uplink-mtu.yaml verify --no-probes
	rc_is 0 && line_is OK "port brint" "mtu 9000" && line_is OK "port vm0 on brint" "mtu 9000" &&
		line_is OK "link brint" "mtu 9000" || return 1
	# Behind hostnet's back: verify says it, up sets it back.
	vsctl set interface vm0 mtu_request=1400 || why "ovs-vsctl set failed" || return 1
	hn uplink-mtu.yaml verify --no-probes
	rc_is 2 && line_is CRITICAL "port vm0 on brint" "mtu 1400" || return 1
	converged_on uplink-mtu.yaml && mtu_is vm0 9000 || return 1
	hn uplink-mtu-1500.yaml up && rc_is 0 && out_has "mtu 9000 -> 1500" || return 1
	hn uplink-mtu-1500.yaml plan && rc_is 0 && mtu_is brint 1500 && mtu_is vm0 1500 &&
		host_answers && portsec_clean
}

# by_mac_config MAC: uplink-seed.yaml with its uplink found by MAC, in $TMP/by-mac.yaml.
by_mac_config() {
	sed "s/uplink: eno1/uplink: { mac: \"$1\" }/" "$CONF/uplink-seed.yaml" >"$TMP/by-mac.yaml"
	grep -q "mac: \"$1\"" "$TMP/by-mac.yaml" || why "no uplink: line in uplink-seed.yaml"
}

# Plan lines that change something ("+ ", "- ", "~ " first), counted.
changes_are() {
	local n
	n=$(grep -cE '^[-+~] ' "$TMP/out" || true)
	[[ $n == "$1" ]] || why "$n changes planned, expected $1"
}

case_uplink_by_mac() {
	fresh_lab || return 1
	by_mac_config 02:00:00:00:00:99 || return 1
	hn "$TMP/by-mac.yaml" up && rc_is 1 &&
		err_is_one_line_with "no NIC on this host has MAC 02:00:00:00:00:99" &&
		host_unchanged_since pristine || return 1
	by_mac_config "$LAB_ENO1_MAC" || return 1
	hn "$TMP/by-mac.yaml" check && rc_is 0 && out_has "uplink: the NIC with MAC $LAB_ENO1_MAC" ||
		return 1
	converged_on "$TMP/by-mac.yaml" && uplink_on_br0 || return 1
	# A kernel update renames the NIC; the provider's side does not change.
	in_lab ip link set eno1 down && in_lab ip link set eno1 name ens3 &&
		in_lab ip link set ens3 up || why "could not rename eno1" || return 1
	hn "$TMP/by-mac.yaml" plan && rc_is 3 && out_has "+ ovs      port ens3 on br0: system" &&
		out_has "- ovs      port eno1 on br0: created by hostnet; the uplink's old name" &&
		changes_are 2 || return 1
	hn "$TMP/by-mac.yaml" up && rc_is 0 && out_has "up: applied 2 change(s)" || return 1
	hn "$TMP/by-mac.yaml" plan && rc_is 0 && out_has "nothing to change" || return 1
	ports_are br0 ens3 && col bridge br0 other_config:hwaddr "\"$LAB_ENO1_MAC\"" &&
		host_answers && portsec_clean || return 1
	hn "$TMP/by-mac.yaml" down && rc_is 0 || return 1
	in_lab ip -4 -o addr show dev ens3 | grep -q "inet $LAB_HOST_ADDR " ||
		why "ens3 lacks $LAB_HOST_ADDR after down" || return 1
	[[ $(in_lab ip -4 route show default) == "default via $LAB_GW dev ens3 "* ]] ||
		why "default route: $(in_lab ip -4 route show default | tr '\n' '|')" || return 1
	host_answers && portsec_clean
}

need_hostnet
run_cases mtu_9000 uplink_by_mac
