#!/usr/bin/env bash
# uplink_down_fault.sh - `hostnet down` of a migrated host when the gateway is silent, in a
# lab host whose upstream enforces port security (as uplink_migration.sh). down moves the
# address and default route back to eno1, takes eno1 out of br0, and probes the gateway from
# eno1.
#
# hostnet runs inside lab UPLINK_DOWN_LAB (default hn-uplink-down) with every layer (no
# libvirtd, no libvirt section); every case gets a fresh lab, migrated by up.
#
# Cases:
#   silent_gateway_down_refused  the gateway is silent before down starts: exit 1, one
#                                stderr line, the host exactly as before (still migrated)
#   fault_during_down_rolls_back vswitchd is stopped, down moves the address back to eno1 and
#                                commits the removal of br0 (gone from OVSDB), the upstream
#                                goes silent, vswitchd resumes: the probe from eno1 fails, so
#                                down must put the host back as it was (migrated: br0 with
#                                eno1's MAC holds the address and the default route); once
#                                the upstream answers again the host answers on br0
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last line
# is "N passed, N failed"; the exit status is non-zero when a case failed.
# The harness (the lab, hostnet runs, the uplink's checks, the case runner) is lib.sh.

set -euo pipefail

HN_LAB=${UPLINK_DOWN_LAB:-hn-uplink-down}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SEED=uplink-seed.yaml

migrated() { uplink_on_br0 && host_answers && portsec_clean; }

# A fresh lab, port security on, migrated by up; $TMP/migrated is its picture.
migrated_lab() {
	lab_start_portsec || return 1
	hn "$SEED" up && rc_is 0 && lab_settled && migrated && host_snapshot migrated
}

# One line: the links with their IPv4 addresses, and the default route.
host_state() {
	in_lab ip -4 -br addr show | awk '{printf "%s %s %s; ", $1, $2, $3}'
	in_lab ip -br link show br0 2>/dev/null | awk '{printf "%s %s; ", $1, $2}' || true
	echo "default: $(in_lab ip -4 route show default | tr '\n' ' ')"
}

case_silent_gateway_down_refused() {
	migrated_lab || return 1
	"$ROOT/vm-tests/lab-gw" "$HN_LAB" silent || return 1
	hn "$SEED" down --gateway-timeout 500 && rc_is 1 &&
		err_is_one_line_with "gateway 198.51.100.1 does not answer ARP" "nothing was changed" &&
		host_unchanged_since migrated || return 1
	"$ROOT/vm-tests/lab-gw" "$HN_LAB" answer && migrated
}

eno1_out_of_br0_in_ovsdb() { ! vsctl --no-wait list-ports br0 2>/dev/null | grep -qx eno1; }

case_fault_during_down_rolls_back() {
	migrated_lab || return 1
	# down gives eno1 its address and route back first, then takes eno1 off br0 in an OVS
	# transaction of its own and waits for vswitchd (paused): eno1 gone from br0 in OVSDB
	# means the address is already back on eno1. Then the fault, then br0 goes.
	hn_gateway_fault eno1_out_of_br0_in_ovsdb "$SEED" down --gateway-timeout 1000 ||
		why "eno1 never left br0 in OVSDB" || return 1
	rc_is 1 && err_is_one_line_with "eno1: gateway 198.51.100.1 did not answer ARP within 1000 ms" \
		"rolled back" || { WHY+="; the host now: $(host_state)"; return 1; }
	"$ROOT/vm-tests/lab-gw" "$HN_LAB" answer && migrated
}

need_hostnet
run_cases silent_gateway_down_refused fault_during_down_rolls_back
