#!/usr/bin/env bash
# vm_nic_renamed.sh - issue 15: a kernel or firmware update renames the uplink NIC, and the
# host reboots, in a guest of vm-tests/vm (systemd, the kernel's OVS datapath, the provider's
# port security on). OVSDB still names the old NIC as br0's port, ifupdown's stanza names it
# too: nothing but hostnet can bring the host back.
#
# One guest (RENAMED_GUEST, default vm-renamed). The config finds the uplink by its MAC and
# says its address and gateway (after a rename nothing else gives the NIC its address at
# boot; hostnet check says so when they are left out). Cases, in order:
#   up, enabled             `up` moves eno1 onto br0; hostnet.service enabled
#   renamed at boot         the .link file now names the NIC ens3 (as a new naming scheme
#                           does); reboot: there is an ens3 and no eno1
#   hostnet.service converged   the boot's run succeeded; br0's ports are ens3 and not
#                           eno1, the kernel datapath holds ens3
#   reachable               the provider and the host reach each other, no foreign MAC
#   plan exits 0, verify OK
#   boot again              a second reboot with the same names: plan exits 0 (the rename
#                           left nothing for later)
#
# Must run as root; see vm-tests/vm for the hostnet under test (HOSTNET_DEB, else a release
# build of this tree). Lines starting "# " are figures; the last line is "N passed, N failed".

set -euo pipefail

VM_GUEST=${RENAMED_GUEST:-vm-renamed}
# shellcheck source=vm-tests/vm-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"

by_mac_config() {
	sed -e 's/datapath: netdev/datapath: system/' \
		-e "s/^    uplink: eno1$/    uplink: { mac: \"$VM_MAC\" }/" \
		"$ROOT/tests/integration/configs/uplink-seed.yaml" >"$TMP/by-mac.yaml"
	grep -q "mac: \"$VM_MAC\"" "$TMP/by-mac.yaml" || setup_failed "uplink-seed.yaml names no uplink: eno1"
}

case_up_enabled() {
	put_file "$TMP/by-mac.yaml" /etc/hostnet/hostnet.yaml || why "could not write the config" || return 1
	hv up && rc_is 0 || return 1
	in_vm systemctl enable hostnet >/dev/null 2>&1 || why "systemctl enable hostnet failed" || return 1
	[[ $(in_vm ovs-vsctl list-ports br0) == eno1 ]] || why "br0's ports: $(in_vm ovs-vsctl list-ports br0 | tr '\n' ' ')"
}

case_renamed_at_boot() {
	in_vm sed -i 's/^Name=eno1$/Name=ens3/' /etc/systemd/network/10-eno1.link &&
		in_vm grep -qx 'Name=ens3' /etc/systemd/network/10-eno1.link ||
		why "could not rename the NIC in its .link file" || return 1
	# The initramfs's udev names the NIC too, from its own copy of the .link file.
	in_vm update-initramfs -u >/dev/null 2>&1 || why "update-initramfs failed" || return 1
	rebooted || return 1
	in_vm ip link show ens3 >/dev/null 2>&1 || why "no ens3 after the reboot: $(in_vm ip -o link | cut -d: -f2 | tr '\n' ' ')" || return 1
	! in_vm ip link show eno1 >/dev/null 2>&1 || why "eno1 still there"
}

case_converged() {
	unit_succeeded hostnet.service || return 1
	[[ $(in_vm ovs-vsctl list-ports br0) == ens3 ]] || why "br0's ports: $(in_vm ovs-vsctl list-ports br0 | tr '\n' ' ')" || return 1
	[[ $(in_vm ovs-dpctl show) =~ port\ [0-9]+:\ ens3 ]] || why "ens3 not in the kernel datapath" || return 1
	[[ $(in_vm ip -4 -o addr show dev br0) == *" ${VM_ADDR} "* ]] || why "br0 lacks $VM_ADDR"
}

case_plan_and_verify() {
	plan_is_0 || return 1
	hv verify && rc_is 0 && first_line_is OK && all_ok && out_has "gateway $VM_GW from br0" || return 1
	NOTE=$(head -n 1 "$TMP/out" | sed -n 's/.*| checks=\([0-9]*\) failed=\([0-9]*\) time=\(.*\)$/\1 checks in \3/p')
}

case_boot_again() {
	rebooted && unit_succeeded hostnet.service && plan_is_0 && reachable
}

guest_start_or_die
by_mac_config
echo "# first boot: up ${BOOTED} s after qemu started"
check "up, enabled" case_up_enabled
check "renamed at boot" case_renamed_at_boot
check "hostnet.service converged" case_converged
check "reachable" reachable
check "plan exits 0, verify OK" case_plan_and_verify
check "boot again" case_boot_again
finish
