#!/usr/bin/env bash
# vm_adopt.sh - issue 14 on the kernel datapath: the seed's host built by hand is imported,
# its ARP leak seen and fixed, and the uplink MAC guard reads the real ovs-vswitchd's learning
# table, in a guest of vm-tests/vm (systemd, openvswitch-switch's ovs-vswitchd and its control
# socket under /var/run/openvswitch, libvirtd, the provider's port security on).
#
# Cases, in order (each builds on the one before):
#   seed by hand           the seed's steps, as the seed does them: libvirt's default network
#                          destroyed and undefined, br0 over eno1 with eno1's MAC
#                          (ovs-vsctl), the address and default route moved to br0 (ip),
#                          brint's own port on VLAN 99 with 10.99.1.250/32 and 10.99.1.0/24,
#                          ovs-front and intern-vlans defined from the seed's XML (virsh),
#                          started, autostarted; the provider still reaches the host and has
#                          seen no foreign MAC
#   import plans nothing   `hostnet import` is a config that `check` takes and against
#                          which `plan` exits 0; the uplink and arp_hygiene: false are in it
#   the leak is seen       verify with that config: CRITICAL, brint answers ARP on VLAN 99 for
#                          the public address (the weak-host model); the MAC guard is OK
#   hygiene fixes it       the config without arp_hygiene: false: plan shows the knobs, up
#                          sets them, verify is OK
#   guest MAC is critical  a namespace on br0 (a guest on ovs-front, as far as the switch
#                          can tell) that sends to the host from its own MAC: verify
#                          --no-probes (the guard is a state check) CRITICAL on that one
#                          check, naming the MAC and its port; the provider saw nothing
#                          (the frames were for the host only)
#   registered MAC passes  the same MAC in uplink_macs: verify --no-probes OK
#
# Must run as root; builds the guest image on first use (vm-tests/vm). hostnet under test: see
# vm-tests/vm (HOSTNET_DEB, else a release build of this tree). Lines starting "# " are
# figures; the last line is "N passed, N failed". VM_KEEP=1 leaves the guest running.

set -euo pipefail

VM_GUEST=${ADOPT_GUEST:-vm-adopt}
# shellcheck source=vm-tests/vm-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"

GUEST_MAC=02:ad:00:00:00:01
CONF=/etc/hostnet/hostnet.yaml

case_seed_by_hand() {
	put_file "$ROOT/tests/unit/virt/seed-front.xml" /root/seed-front.xml &&
		put_file "$ROOT/tests/unit/virt/seed-intern.xml" /root/seed-intern.xml ||
		why "could not copy the seed's XML" || return 1
	in_vm sh -ec "
		virsh -q net-destroy default; virsh -q net-undefine default
		ovs-vsctl add-br br0 -- set bridge br0 other_config:hwaddr=$VM_MAC -- add-port br0 eno1
		ip addr del $VM_ADDR dev eno1
		ip addr add $VM_ADDR dev br0
		ip link set br0 up
		ip route replace default via $VM_GW dev br0
		ovs-vsctl add-br brint -- set port brint tag=99
		ip addr add 10.99.1.250/32 dev brint
		ip link set brint up
		ip route add 10.99.1.0/24 dev brint
		for x in front intern; do virsh -q net-define /root/seed-\$x.xml; done
		for n in ovs-front intern-vlans; do virsh -q net-start \$n; virsh -q net-autostart \$n; done
	" >"$TMP/seed" 2>&1 || why "the seed's steps failed: $(tail -n 3 "$TMP/seed" | tr '\n' '|')" ||
		return 1
	host_answers && portsec_clean
}

case_import_plans_nothing() {
	hv import
	rc_is 0 || return 1
	cp "$TMP/out" "$TMP/imported.yaml"
	grep -qE '^    uplink: eno1$' "$TMP/imported.yaml" || why "no uplink eno1" || return 1
	grep -qF 'arp_hygiene: false' "$TMP/imported.yaml" || why "no arp_hygiene: false" || return 1
	grep -qF 'datapath: system' "$TMP/imported.yaml" || why "not the kernel datapath" || return 1
	put_file "$TMP/imported.yaml" "$CONF" || why "could not write the config" || return 1
	hv check && rc_is 0 || return 1
	hv plan && rc_is 0 && out_has "nothing to change"
}

case_the_leak_is_seen() {
	hv verify
	rc_is 2 || return 1
	line_is CRITICAL "arp 198.51.100.10" "answered on 99" || return 1
	line_is OK "uplink eno1 macs" "none foreign" || return 1
	NOTE="$(grep -c '^CRITICAL' "$TMP/out") CRITICAL line(s): $(grep '^CRITICAL' "$TMP/out" | cut -d: -f1 | sed 's/CRITICAL *//' | xargs | tr ' ' ',')"
}

case_hygiene_fixes_it() {
	grep -v 'arp_hygiene: false' "$TMP/imported.yaml" >"$TMP/fixed.yaml"
	put_file "$TMP/fixed.yaml" "$CONF" || why "could not write the config" || return 1
	hv plan
	rc_is 3 && out_has "arp_ignore 0 -> 1, arp_announce 0 -> 2" || return 1
	hv up && rc_is 0 || return 1
	hv verify
	rc_is 0 && first_line_is OK && all_ok || return 1
	line_is OK "arp 10.99.1.250" "answered on 99;" || return 1
	NOTE=$(head -n 1 "$TMP/out" | sed -n 's/.*| checks=\([0-9]*\) failed=\([0-9]*\) time=\(.*\)$/\1 checks in \3/p')
}

# No frame of it may leave through eno1 (the provider would block the port): no IPv6, the
# host's address resolved by hand, so that it only ever sends unicast to br0's MAC, which the
# switch has learned on its own port (the host pinged the gateway just before).
case_guest_mac_is_critical() {
	in_vm sh -ec "
		ping -c 1 -W 2 $VM_GW >/dev/null
		ip netns add adguest
		ip netns exec adguest sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip link add adguest0 type veth peer name eth0 netns adguest
		sysctl -qw net.ipv6.conf.adguest0.disable_ipv6=1
		ip -n adguest link set eth0 address $GUEST_MAC
		ip -n adguest addr add 198.51.100.77/24 dev eth0
		ip -n adguest neigh add ${VM_ADDR%/*} lladdr $VM_MAC dev eth0
		ovs-vsctl add-port br0 adguest0
		ip link set adguest0 up
		ip -n adguest link set eth0 up
		ip netns exec adguest ping -c 1 -W 2 ${VM_ADDR%/*} >/dev/null
	" >"$TMP/guest" 2>&1 || why "the guest namespace failed: $(tail -n 3 "$TMP/guest" | tr '\n' '|')" ||
		return 1
	# The guard is a state check: --no-probes keeps the probes' timing under TCG out of it.
	hv verify --no-probes
	rc_is 2 && first_line_is CRITICAL "1 of" || return 1
	line_is CRITICAL "uplink eno1 macs" "found $GUEST_MAC on port adguest0 (VLAN 0): would leave through eno1" ||
		return 1
	portsec_clean
}

case_registered_mac_passes() {
	sed "s/^    uplink: eno1$/    uplink: eno1\n    uplink_macs: [$GUEST_MAC]/" "$TMP/fixed.yaml" >"$TMP/registered.yaml"
	put_file "$TMP/registered.yaml" "$CONF" || why "could not write the config" || return 1
	in_vm ip netns exec adguest ping -c 1 -W 2 "${VM_ADDR%/*}" >/dev/null || why "the namespace no longer reaches the host" || return 1
	hv verify --no-probes
	rc_is 0 || return 1
	line_is OK "uplink eno1 macs" "expected from br0's other ports only $VM_MAC and uplink_macs, found 2 MAC(s)" ||
		return 1
	portsec_clean
}

guest_start_or_die
echo "# guest up in $BOOTED s"
run_cases seed_by_hand import_plans_nothing the_leak_is_seen hygiene_fixes_it \
	guest_mac_is_critical registered_mac_passes
