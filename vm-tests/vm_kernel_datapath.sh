#!/usr/bin/env bash
# vm_kernel_datapath.sh - the lab's uplink, drift and verify cases that mean
# something on a real host, run once on the kernel's OVS datapath in a guest of vm-tests/vm
# (systemd, Debian's kernel, the provider's port security on). The lab runs them on the
# userspace datapath in namespaces (tests/integration/uplink_migration.sh,
# uplink_down_fault.sh, ovs_converge.sh, verify_seed.sh); here they use the same configs
# with `datapath: system` and lib.sh's own checks, looking into the guest (vm-lib.sh).
#
# One guest (KERNEL_DP_GUEST, default vm-kernel-dp), fresh (eno1 holds the address, no OVS
# bridge); cases in order (each builds on the one before):
#   uplink-seed.yaml (br0 over eno1, brint on VLAN 99; no libvirt):
#     silent gateway refused      up with the gateway silent: exit 1, one line, nothing on
#                                 the host changed; the host answers once the gateway does
#     fault during the move rolled back   ovs-vswitchd paused, up commits its bridges and
#                                 waits for it; the gateway goes silent, vswitchd resumes: the
#                                 move goes on, the probe from br0 fails, every change is
#                                 rolled back, the host as before
#     up                          the move: br0 with eno1's MAC, plan exits 0, the host answers
#     half-moved, silent gateway: finished   OVS done, the address back on eno1 (what a boot
#                                 leaves), gateway silent: up finishes the move and says it
#                                 did not roll back; the host answers once the gateway does
#     drift set back              brint's tag, eno1's trunks and vlan_mode, brint's datapath
#                                 changed behind hostnet's back: plan lists each, up sets them
#                                 back
#     silent gateway: down refused   exit 1, nothing changed, still on br0
#     fault during down rolled back  vswitchd paused, down gives eno1 the address and takes
#                                 eno1 off br0 in OVSDB, the gateway goes silent, vswitchd
#                                 resumes: the probe from eno1 fails, the host goes back onto br0
#     down under 5 ms pings       eno1 gets the address and default route back, br0 is gone;
#                                 prints the lost echo replies and DUP!s (expected 0 and 0)
#   verify-ports.yaml (an internal access port mon0 on VLAN 250 and a trunk NIC trunk0 on
#   10,20 on brint; intern-vlans), then verify-seed.yaml (the seed with its isolation list):
#     verify: a tag changed is CRITICAL, and up sets it back
#     verify: a VLAN missing from a trunk is CRITICAL, and up sets it back
#     verify OK on the seed       every line OK, 14 VLANs forwarding, trunks as libvirt's
#                                 portgroups say
#     verify: a veth joining VLAN 10 and 20 is CRITICAL  (VLAN 99 stays OK)
#   verify-many-vlans.yaml (brint's VLAN 99 and a trunk port carrying 100-299):
#     verify over 200 VLANs OK (200 of them on the matrix trunk probes, tagged); a veth
#     joining VLAN 150 and 220 is CRITICAL, naming those two VLANs and no other
#   and after every verify nothing is left behind (no probe port, link, neighbour or
#   namespace).
# The lab's other uplink cases are not run here: each is about hostnet's logic, not the
# datapath, or needs what only a lab can do to its daemons.
#
# Must run as root; builds the guest image on first use (vm-tests/vm). hostnet under test: see
# vm-tests/vm (HOSTNET_DEB, else a release build of this tree). Lines starting "# " are
# figures; the last line is "N passed, N failed". VM_KEEP=1 leaves the guest running.

set -euo pipefail

VM_GUEST=${KERNEL_DP_GUEST:-vm-kernel-dp}
# shellcheck source=vm-tests/vm-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"
on_exit 'gateway_answers >/dev/null 2>&1'
T_START=$SECONDS
readonly UPLINK=uplink-seed.yaml

# with_gateway CASE: CASE, then the gateway answers again whatever CASE did, so that one
# failed case does not leave the next ones a silent gateway.
with_gateway() {
	local r=0
	"$@" || r=1
	gateway_answers >/dev/null 2>&1 || true
	return "$r"
}

# up commits the bridges first and waits for vswitchd; down takes eno1 off br0 in a
# transaction of its own (the address already back on eno1) and waits: the fault's moments.
br0_in_ovsdb() { vsctl --no-wait br-exists br0 2>/dev/null; }
eno1_out_of_br0_in_ovsdb() { ! vsctl --no-wait list-ports br0 2>/dev/null | grep -qx eno1; }

# ---- end states ----

migrated() { migrated_on "$UPLINK"; }

# OVS done, nothing of the kernel yet: br0 down and bare, eno1 keeps address and route.
only_ovs_done() {
	in_vm sh -c "ip addr add $VM_ADDR dev eno1 && ip route replace default via $VM_GW dev eno1 &&
		ip addr del $VM_ADDR dev br0 && ip link set br0 down"
}

# ---- the uplink ----

case_silent_gateway_refused() {
	host_snapshot pristine
	gateway_silent || return 1
	hn "$UPLINK" up --gateway-timeout 500
	rc_is 1 && err_is_one_line_with "gateway $VM_GW does not answer ARP from eno1" \
		"nothing was changed" && host_unchanged_since pristine || return 1
	gateway_answers && host_answers && portsec_clean
}

case_fault_during_the_move_rolled_back() {
	hn_gateway_fault br0_in_ovsdb "$UPLINK" up --gateway-timeout 1000 ||
		why "br0 never showed up in OVSDB" || return 1
	rc_is 1 && err_is_one_line_with "br0: gateway $VM_GW did not answer ARP within 1000 ms" \
		"change(s) were rolled back" || return 1
	uplink_on_eno1 && host_unchanged_since pristine || return 1
	gateway_answers && host_answers && portsec_clean
}

case_up() { hn "$UPLINK" up && rc_is 0 && out_has "up: applied" && migrated; }

case_half_moved_silent_gateway_finished() {
	only_ovs_done || why "could not make the half-moved state" || return 1
	gateway_silent || return 1
	hn "$UPLINK" up --gateway-timeout 500
	rc_is 1 && err_is_one_line_with "did not answer ARP within 500 ms after finishing a half-done uplink move; not rolled back" ||
		return 1
	gateway_answers && migrated
}

case_drift_set_back() {
	vsctl set Port brint tag=10 -- set Port eno1 trunks=5,6 vlan_mode=native-untagged \
		-- set Bridge brint datapath_type=netdev >/dev/null || why "could not drift" || return 1
	hn "$UPLINK" plan
	rc_is 3 && out_has "~ ovs      bridge brint: datapath netdev -> system" &&
		out_has "~ ovs      port eno1 on br0: trunks [5-6] -> [], vlan_mode native-untagged -> default" &&
		out_has "~ ovs      port brint: tag 10 -> 99" || return 1
	hn "$UPLINK" up
	rc_is 0 && col Port brint tag 99 && col Port eno1 trunks "[]" && col Port eno1 vlan_mode "[]" &&
		col Bridge brint datapath_type system && migrated
}

case_silent_gateway_down_refused() {
	host_snapshot migrated
	gateway_silent || return 1
	hn "$UPLINK" down --gateway-timeout 500
	rc_is 1 && err_is_one_line_with "gateway $VM_GW does not answer ARP" "nothing was changed" &&
		host_unchanged_since migrated || return 1
	gateway_answers && migrated
}

case_fault_during_down_rolled_back() {
	hn_gateway_fault eno1_out_of_br0_in_ovsdb "$UPLINK" down --gateway-timeout 1000 ||
		why "eno1 never left br0 in OVSDB" || return 1
	rc_is 1 && err_is_one_line_with "eno1: gateway $VM_GW did not answer ARP within 1000 ms" \
		"rolled back" || return 1
	gateway_answers && migrated
}

case_down_under_5_ms_pings() {
	local running t0 lost
	ping_start 10
	t0=$(now_ms)
	hn "$UPLINK" down
	running=no
	kill -0 "$PING_PID" 2>/dev/null && running=yes
	ping_result || return 1
	echo "# down under pings: $PING_SENT pings every 5 ms, $PING_LOST lost, $PING_DUPS DUP!; down took $ELAPSED ms"
	rc_is 0 && out_has "down: applied" || return 1
	uplink_on_eno1 && host_answers && portsec_clean || return 1
	[[ $running == yes ]] || why "the pings ended before down did: the move was not measured whole" || return 1
	lost=$(ping_lost_since "$t0")
	((lost == 0)) ||
		why "$lost of $PING_SENT echo replies lost during down ($(ping_gaps "$t0"))" || return 1
	((PING_DUPS == 0)) || why "$PING_DUPS DUP! replies during down" || return 1
	hn "$UPLINK" down && rc_is 0 && out_has "down: nothing to change"
}

# ---- verify ----

case_ports_up() {
	in_vm sh -c 'ip link add trunk0 type veth peer name trunk0-peer && ip link set trunk0 up' ||
		why "could not make trunk0" || return 1
	hn verify-ports.yaml up && rc_is 0 && out_has "up: applied" && host_answers
}

verify_note() { NOTE=$(head -n 1 "$TMP/out" | sed -n 's/.*| checks=\([0-9]*\) failed=\([0-9]*\) time=\(.*\)$/\1 checks, \2 failed, in \3/p'); }

case_tag_changed() {
	vsctl set port mon0 tag=20 || why "could not change mon0's tag" || return 1
	verify_drifted verify-ports.yaml && first_line_is CRITICAL && critical_names mon0 &&
		line_is CRITICAL "port mon0 on brint" "expected internal, tag 250, found internal, tag 20" &&
		line_is OK "port trunk0 on brint" "expected system, trunks [10,20], found system, trunks [10,20]" && nothing_left || return 1
	verify_note
	hn verify-ports.yaml up && rc_is 0 && out_has "~ ovs      port mon0 on brint: tag 20 -> 250" &&
		col Port mon0 tag 250
}

case_vlan_missing_from_a_trunk() {
	vsctl set port trunk0 trunks=10 || why "could not change trunk0's trunks" || return 1
	verify_drifted verify-ports.yaml && critical_names trunk0 &&
		line_is CRITICAL "port trunk0 on brint" "expected system, trunks [10,20], found system, trunks [10]" && nothing_left || return 1
	verify_note
	hn verify-ports.yaml up && rc_is 0 && out_has "~ ovs      port trunk0 on brint: trunks [10] -> [10,20]" &&
		col Port trunk0 trunks "[10, 20]"
}

case_verify_ok_on_the_seed() {
	hn verify-seed.yaml up && rc_is 0 || return 1
	traces >"$TMP/before"
	hn verify-seed.yaml verify
	rc_is 0 && first_line_is OK && all_ok && line_is OK "vlan 10 isolation" &&
		line_is OK "trunk vlansext" "found 10,20 tagged" && line_is OK "trunk vlansint" "found 100-109 tagged" &&
		line_is OK "gateway $VM_GW from br0" || return 1
	[[ $(grep -c ' forwarding: ' "$TMP/out") == 14 ]] || why "not 14 VLANs" || return 1
	nothing_left && verify_note
}

case_veth_joins_vlan_10_and_20() {
	in_vm sh -c 'ip link add leak10 type veth peer name leak20 && ip link set leak10 up && ip link set leak20 up' ||
		why "could not make the veth" || return 1
	vsctl -- add-port brint leak10 tag=10 -- add-port brint leak20 tag=20 || why "could not add its ends" || return 1
	vlans_10_and_20_joined && line_is OK "vlan 99 isolation" && nothing_left || return 1
	verify_note
}

# Verify over 200 VLANs: 99 with access probes, 100-299 on the two matrix trunk probes,
# tagged through the kernel datapath (the tag in PACKET_AUXDATA). Every VLAN OK; then a veth
# joining access ports of 150 and 220 (its ends answering no ARP: a pure L2 leak) is
# CRITICAL, naming those two VLANs and no other.
many_vlans_ok() {
	rc_is 0 && first_line_is OK && all_ok &&
		line_is OK "vlan 299 forwarding" "matrix trunks a and b hear each other on VLAN 299"
}

# What the guest's datapath (lookups lost) and ovs-vswitchd (upcalls) say, on one line.
datapath_said() {
	in_vm sh -c 'ovs-appctl dpctl/show | grep -E "lookups|flows"
		ovs-appctl upcall/show | head -n 4
		ovs-appctl coverage/show | grep -E "overflow|upcall|drop|miss|revalidate" | head -n 10' 2>&1 |
		tr -s ' ' | tr '\n' '|' || true
}

case_many_vlans() {
	hn verify-many-vlans.yaml up && rc_is 0 || return 1
	# Right after this up (a trunk port of 200 VLANs added) the TCG guest's ovs-vswitchd
	# is still busy for seconds, and the host's replies on VLAN 99 missed the window in
	# 3 of 4 runs when this was written (none of 14 in a loop at stop 26). That first run
	# is printed, not judged: what it says under TCG is a figure, not a verdict.
	hn verify-many-vlans.yaml verify
	echo "# verify at once after up: exit $RC, $(grep -c '^CRITICAL' "$TMP/out" || true) CRITICAL line(s): $(grep '^CRITICAL' "$TMP/out" | cut -c1-70 | head -n 3 | tr '\n' '|')"
	sleep 5
	traces >"$TMP/before"
	# The settled run is judged, twice at most: under TCG it missed VLAN 99's frames for
	# its whole window (4.1 s) in 1 of 4 full runs at stop 25, where the case alone and 14
	# runs in a loop (stop 26) always passed. The miss, what the guest's datapath and vswitchd
	# said of their upcalls then, and the second run's verdict are printed; two misses in a
	# row fail the case.
	hn verify-many-vlans.yaml verify
	if ! many_vlans_ok; then
		echo "# settled verify missed: $WHY; the guest's ovs-vswitchd: $(datapath_said)"
		sleep 5
		hn verify-many-vlans.yaml verify
		many_vlans_ok || { WHY+="; the guest's ovs-vswitchd: $(datapath_said)" && return 1; }
		echo "# settled verify, second run: OK ($(grep -o 'time=[0-9.]*s' "$TMP/out" | head -n 1))"
	fi
	[[ $(grep -c ' forwarding: ' "$TMP/out") == 201 ]] || why "not 201 VLANs" || return 1
	nothing_left && verify_note || return 1
	local ok_note=$NOTE
	in_vm sh -c 'ip link add leak150 type veth peer name leak220 &&
		sysctl -qw net.ipv4.conf.leak150.arp_ignore=8 net.ipv4.conf.leak220.arp_ignore=8 &&
		ip link set leak150 up && ip link set leak220 up' || why "could not make the veth" || return 1
	vsctl -- add-port brint leak150 tag=150 -- add-port brint leak220 tag=220 ||
		why "could not add its ends" || return 1
	verify_drifted verify-many-vlans.yaml && only_vlans_critical 150 220 100 299 vtrunk &&
		line_is CRITICAL "vlan 150 isolation" "frames of VLAN 220 reach VLAN 150" &&
		line_is CRITICAL "vlan 220 isolation" "frames of VLAN 150 reach VLAN 220" && nothing_left ||
		return 1
	verify_note
	NOTE="OK: $ok_note; leak: $NOTE"
}

guest_start_or_die
echo "# first boot: up ${BOOTED} s after qemu started"
for c in uplink-seed.yaml verify-ports.yaml verify-seed.yaml verify-many-vlans.yaml; do
	put_lab_config "$c"
done
check "silent gateway refused" with_gateway case_silent_gateway_refused
check "fault during the move rolled back" with_gateway case_fault_during_the_move_rolled_back
check "up" case_up
check "half-moved, silent gateway: finished, not rolled back" with_gateway case_half_moved_silent_gateway_finished
check "drift set back" case_drift_set_back
check "silent gateway: down refused" with_gateway case_silent_gateway_down_refused
check "fault during down rolled back" with_gateway case_fault_during_down_rolled_back
check "down under 5 ms pings" case_down_under_5_ms_pings
check "verify-ports.yaml up" case_ports_up
check "verify: a tag changed is CRITICAL, up sets it back" case_tag_changed
check "verify: a VLAN missing from a trunk is CRITICAL, up sets it back" case_vlan_missing_from_a_trunk
check "verify OK on the seed, nothing left" case_verify_ok_on_the_seed
check "verify: a veth joining VLAN 10 and 20 is CRITICAL" case_veth_joins_vlan_10_and_20
check "verify over 200 VLANs OK; a veth joining 150 and 220 is CRITICAL, naming just them" case_many_vlans
echo "# vm_kernel_datapath: $((SECONDS - T_START)) s"
finish
