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

need_hostnet
run_cases mtu_9000
