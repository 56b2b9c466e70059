#!/usr/bin/env bash
# vm_uplink_ipv6.sh - issue 15: the uplink move of IPv4 and IPv6 together on the kernel's OVS
# datapath, in a guest of vm-tests/vm (systemd, openvswitch-switch, the provider's port
# security on). Where the namespace lab's netdev datapath still hands eno1's own stack every
# frame, here eno1 stops receiving the moment it joins br0: the order of the move is tested
# for real, for both families.
#
# The guest (IPV6_GUEST, default vm-uplink6) is the seed's server with IPv6 as well: eno1
# holds 2001:db8:100::10/64 (after DAD) and an IPv6 default route via the provider's
# link-local fe80::1; the provider holds fe80::1 and 2001:db8:100::1/64 on gw0. The config
# is the lab's uplink-seed.yaml (no IPv6 in it: the NIC's move with it) on the kernel
# datapath. Cases, in order:
#   ipv6 on eno1           the provider reaches 2001:db8:100::10 before any run
#   up under 5 ms pings    both families pinged every 5 ms by the provider during `up`: the
#                          losses of each and up's time printed; no family may go silent for
#                          more than 10 replies in a row (50 ms; a move that left IPv6 behind,
#                          or tentative under DAD, loses hundreds), no foreign MAC at the
#                          provider. Single replies are lost now and then under TCG whatever
#                          runs (hostnet of main too, IPv4 alone): counted, not failed
#   moved                  br0 holds both addresses (IPv6 not tentative), eno1 no global one,
#                          both default routes via br0, the kernel datapath holds eno1; plan
#                          exits 0
#   import and a port      import reads br0's IPv6 address and gateway6 back, and plan with
#                          the imported file exits 0; an internal port mon0 on VLAN 250 with
#                          an IPv6 address of its own: verify reaches it from VLAN 250 and
#                          not from VLAN 99, on the kernel datapath
#   down under 5 ms pings  the same pings during `down`: eno1 gets both back
#
# Must run as root; see vm-tests/vm for the hostnet under test (HOSTNET_DEB, else a release
# build of this tree). Lines starting "# " are figures; the last line is "N passed, N failed".

set -euo pipefail

VM_GUEST=${IPV6_GUEST:-vm-uplink6}
# shellcheck source=vm-tests/vm-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"
HOST6=2001:db8:100::10
PINGS=()
on_exit 'for p in "${PINGS[@]}"; do kill "$p" 2>/dev/null; done'

# pings SECONDS: both families every 5 ms, each into $TMP/ping4 and $TMP/ping6.
pings() {
	local n=$(($1 * 200))
	in_provider ping -n -i 0.005 -c "$n" "${VM_ADDR%/*}" >"$TMP/ping4" 2>&1 &
	PINGS=($!)
	in_provider ping -6 -n -i 0.005 -c "$n" "$HOST6" >"$TMP/ping6" 2>&1 &
	PINGS+=($!)
	sleep 0.5
}

# pings_lost WHAT: waits for them, prints each family's losses and its longest run of lost
# replies; 1 (WHY) when a run is longer than 10.
pings_lost() {
	local fam sent recv longest bad=0
	for p in "${PINGS[@]}"; do wait "$p" || true; done
	PINGS=()
	for fam in 4 6; do
		sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$TMP/ping$fam")
		recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping$fam")
		[[ -n $sent && -n $recv ]] || why "IPv$fam: no ping summary" || return 1
		longest=$(grep -o 'icmp_seq=[0-9]*' "$TMP/ping$fam" | cut -d= -f2 | sort -un |
			awk -v n="$sent" '{seen[$1] = 1} END {
				for (i = 1; i <= n; i++) { run = seen[i] ? 0 : run + 1; if (run > max) max = run }
				print max + 0 }')
		echo "# $1, IPv$fam: $((sent - recv)) of $sent echo replies lost (every 5 ms)," \
			"at most $longest in a row"
		((longest <= 10)) || bad=1
	done
	((bad == 0)) || why "a family went silent for more than 10 replies during $1"
}

case_ipv6_on_eno1() {
	local i
	in_provider ip -6 addr add fe80::1/64 dev gw0 nodad &&
		in_provider ip -6 addr add 2001:db8:100::1/64 dev gw0 nodad &&
		in_vm ip -6 addr add "$HOST6/64" dev eno1 &&
		in_vm ip -6 route add default via fe80::1 dev eno1 || why "could not set IPv6 up" || return 1
	for ((i = 0; i < 50; i++)); do
		in_provider ping -6 -n -q -c 1 -W 1 "$HOST6" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	why "the provider does not reach $HOST6"
}

case_up_under_5_ms_pings() {
	sed 's/datapath: netdev/datapath: system/' "$ROOT/tests/integration/configs/uplink-seed.yaml" \
		>"$TMP/six.yaml"
	put_file "$TMP/six.yaml" /etc/hostnet/hostnet.yaml || why "could not write the config" || return 1
	pings 8
	hv up
	echo "# up took $ELAPSED ms (with the guest agent's round trip)"
	pings_lost "up" || return 1
	rc_is 0 && out_has "+ netlink  address $HOST6/64 on br0" && portsec_clean
}

case_moved() {
	[[ $(in_vm ip -6 -o addr show dev br0) == *"inet6 $HOST6/64 "* ]] || why "br0 lacks $HOST6" || return 1
	[[ -z $(in_vm ip -6 -o addr show tentative scope global) ]] || why "a global IPv6 address is tentative" || return 1
	[[ -z $(in_vm ip -6 -o addr show dev eno1 scope global) ]] || why "eno1 kept global IPv6" || return 1
	[[ $(in_vm ip -6 route show default) == "default via fe80::1 dev br0 "* ]] ||
		why "IPv6 default: $(in_vm ip -6 route show default)" || return 1
	[[ $(in_vm ip -4 route show default) == "default via 198.51.100.1 dev br0 "* ]] ||
		why "IPv4 default: $(in_vm ip -4 route show default)" || return 1
	[[ $(in_vm ovs-dpctl show) =~ port\ [0-9]+:\ eno1 ]] || why "eno1 not in the kernel datapath" || return 1
	hv plan && rc_is 0
}

case_import_and_a_port() {
	local i
	hv import && rc_is 0 && out_has "    addresses: [198.51.100.10/24, $HOST6/64]" &&
		out_has "    gateway6: fe80::1" || return 1
	put_file "$TMP/out" /etc/hostnet/imported.yaml || why "could not write the import" || return 1
	hv -c /etc/hostnet/imported.yaml plan && rc_is 0 || return 1
	sed 's/datapath: netdev/datapath: system/' "$ROOT/tests/integration/configs/uplink-port6.yaml" \
		>"$TMP/port6.yaml"
	put_file "$TMP/port6.yaml" /etc/hostnet/hostnet.yaml || why "could not write the config" || return 1
	hv up && rc_is 0 && out_has "+ netlink  address 2001:db8:250::1/64 on mon0" || return 1
	for ((i = 0; i < 60; i++)); do # a new address: DAD runs before it answers
		[[ -z $(in_vm ip -6 -o addr show dev mon0 tentative scope global) ]] && break
		sleep 0.1
	done
	hv verify
	line_is OK "reach 2001:db8:250::1 from vlan 250" "is at" &&
		line_is OK "reach 2001:db8:250::1 from vlan 99" "no neighbor advertisement" || return 1
	put_file "$TMP/six.yaml" /etc/hostnet/hostnet.yaml || why "could not write the config" || return 1
	hv up && rc_is 0 && ! in_vm ip link show mon0 >/dev/null 2>&1 || why "mon0 stayed" || return 1
	hv plan && rc_is 0
}

case_down_under_5_ms_pings() {
	pings 6
	hv down
	pings_lost "down" || return 1
	rc_is 0 && [[ $(in_vm ip -6 -o addr show dev eno1) == *"inet6 $HOST6/64 "* ]] ||
		why "eno1 lacks $HOST6 after down" || return 1
	[[ $(in_vm ip -6 route show default) == "default via fe80::1 dev eno1 "* ]] ||
		why "IPv6 default: $(in_vm ip -6 route show default)" || return 1
	portsec_clean
}

guest_start_or_die
for c in ipv6_on_eno1 up_under_5_ms_pings moved import_and_a_port down_under_5_ms_pings; do
	check "${c//_/ }" "case_$c"
done
finish
