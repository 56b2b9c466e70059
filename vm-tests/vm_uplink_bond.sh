#!/usr/bin/env bash
# vm_uplink_bond.sh - issue 15: a bonded uplink (`uplink: { bond: [eno1, eno2] }`,
# active-backup) on the kernel's OVS datapath, in a guest of vm-tests/vm started with --eno2
# (a second virtio NIC, its tap gw1 beside gw0 on the provider's bridge; port security on
# gw0). Where the namespace lab's netdev datapath still hands eno1's own stack every frame,
# here eno1 and eno2 stop receiving for the kernel the moment they join the bond.
#
# The guest (BOND_GUEST, default bd-vm-bond) is the seed's server with a second NIC, which
# the image does not name: the first case names it eno2 by its MAC. The config is the lab's
# uplink-bond.yaml on the kernel datapath. Cases, in order:
#   eno2 named             the NIC with VM_MAC2 renamed eno2 and up, no address; the
#                          provider reaches the host
#   up under 5 ms pings    the provider pings every 5 ms during `up`: losses and up's time
#                          printed; no more than 100 replies lost in a row (500 ms: 11 and 50
#                          seen under TCG, where one NIC alone loses 0 to 6), no foreign MAC
#                          at the provider
#   bonded                 br0-bond holds eno1 and eno2, both in the kernel datapath; br0 has
#                          eno1's MAC, address and route; plan exits 0; verify OK naming both
#                          members (its time printed)
#   eno1 link down         eno1's cable pulled (vm link: qemu's set_link; a tap set down
#                          leaves the guest's carrier up): the host answers through eno2;
#                          the failover placed in time (ovs-vswitchd seeing the loss, eno2
#                          made active, the replies back: printed, each bounded, see
#                          failover_bound_ms); verify WARNING naming eno1 disabled; the
#                          cable back, verify OK
#   down under 5 ms pings  the same pings during `down`: eno1 gets the address back
#   lacp balance tcp       the provider's gw0 and gw1 become an OVS LACP bond (this host's
#                          kernel has no bonding module; a netdev OVS in the provider's
#                          namespace); `mode: balance-tcp, lacp: active` up under pings
#                          (losses printed), verify OK with LACP negotiated, the
#                          provider's bond says negotiated too, and the host answers the
#                          provider within 20 s (the wait printed); br0's neighbour entry
#                          for the gateway, if any, is the provider bridge's MAC, not the
#                          older one eno2 kept
#
# Must run as root; see vm-tests/vm for the hostnet under test (HOSTNET_DEB, else a release
# build of this tree). Lines starting "# " are figures; the last line is "N passed, N failed".

set -euo pipefail

VM_GUEST=${BOND_GUEST:-bd-vm-bond}
# shellcheck source=vm-tests/vm-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"
CONFIG=uplink-bond.yaml

# pings_lost WHAT [RUN]: waits for the provider's pings, prints the losses and the longest
# run of lost replies; 1 (WHY) when a run is longer than RUN (10).
pings_lost() {
	local longest max=${2:-10}
	ping_result || return 1
	longest=$(grep -o 'icmp_seq=[0-9]*' "$TMP/ping" | cut -d= -f2 | sort -un |
		awk -v n="$PING_SENT" '{seen[$1] = 1} END {
			for (i = 1; i <= n; i++) { run = seen[i] ? 0 : run + 1; if (run > max) max = run }
			print max + 0 }')
	echo "# $1: $PING_LOST of $PING_SENT echo replies lost (every 5 ms), at most $longest in a row"
	((longest <= max)) || why "the host went silent for more than $max replies during $1"
}

case_eno2_named() {
	local nic i
	[[ -n ${VM_MAC2:-} ]] || why "the guest has no second NIC (vm start --eno2)" || return 1
	nic=$(in_vm ip -br link | awk -v m="$VM_MAC2" '$3 == m { sub(/@.*/, "", $1); print $1 }')
	[[ -n $nic ]] || why "no NIC with MAC $VM_MAC2 in the guest" || return 1
	if [[ $nic != eno2 ]]; then
		in_vm ip link set "$nic" down && in_vm ip link set "$nic" name eno2 ||
			why "could not rename $nic to eno2" || return 1
	fi
	in_vm ip link set eno2 up || why "could not set eno2 up" || return 1
	[[ -z $(in_vm ip -4 -o addr show dev eno2) ]] || why "eno2 has an IPv4 address" || return 1
	for ((i = 0; i < 50; i++)); do
		in_provider ping -n -q -c 1 -W 1 "${VM_ADDR%/*}" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	why "the provider does not reach ${VM_ADDR%/*}"
}

case_up_under_5_ms_pings() {
	put_lab_config "$CONFIG"
	ping_start 8
	hn "$CONFIG" up
	echo "# up took $ELAPSED ms (with the guest agent's round trip)"
	# The bond's port joins with both NICs at once, and the switch forwards through it once
	# ovs-vswitchd has enabled a member: under TCG 11 and 50 replies in a row were seen
	# (one NIC alone: 0 to 6), so the host must answer again within 100 (500 ms).
	pings_lost "up" 100 || return 1
	rc_is 0 && out_has "+ ovs      port br0-bond on br0: bond eno1,eno2" && portsec_clean
}

case_bonded() {
	local dp
	ports_are br0 br0-bond && col port br0-bond bond_mode active-backup || return 1
	dp=$(in_vm ovs-dpctl show)
	[[ $dp =~ port\ [0-9]+:\ eno1 && $dp =~ port\ [0-9]+:\ eno2 ]] ||
		why "eno1 and eno2 are not both in the kernel datapath" || return 1
	[[ $(in_vm ip -br link show br0 | awk '{print $3}') == "$VM_MAC" ]] ||
		why "br0 does not have eno1's MAC" || return 1
	[[ $(in_vm ip -4 route show default) == "default via $VM_GW dev br0 "* ]] ||
		why "default: $(in_vm ip -4 route show default)" || return 1
	hn "$CONFIG" plan && rc_is 0 || return 1
	hn "$CONFIG" verify
	echo "# verify (bond up) took $ELAPSED ms (with the guest agent's round trip)"
	rc_is 0 && line_is OK "uplink bond br0-bond" "eno1 enabled (active), eno2 enabled"
}

# The failover of eno1's cable pulled at T0_MS, on now_ms's clock less T0_MS (ms, -1 when
# not seen since): SEEN when the guest's ovs-vswitchd saw eno1's link go, ACTIVE when it made
# eno2 the active member, BACK when the replies came back after the longest silence.
failover_times() {
	local t
	t=$(vswitchd_said_ms "$T0" "member eno1: link state down") && ((t >= T0)) && SEEN=$((t - T0)) || SEEN=-1
	t=$(vswitchd_said_ms "$T0" "active member is now eno2") && ((t >= T0)) && ACTIVE=$((t - T0)) || ACTIVE=-1
	# No run of losses since T0: nothing to come back from.
	t=$(ping_spans_since "$T0" | sort -k3,3n | tail -n 1 | awk '{ print $2 }')
	if [[ -z $t ]]; then BACK=0; elif ((t > T0)); then BACK=$((t - T0)); else BACK=-1; fi
}

# What the failover is allowed, in ms. The guest's kernel passes the carrier's loss to
# ovs-vswitchd (qemu's set_link, virtio's interrupt, linkwatch, rtnetlink): 115 to 273 ms
# after the cable was pulled in most runs here, 1018 and 1032 ms in two (one under two busy
# loops, one not: linkwatch handles a plain NIC's carrier loss up to a second after the
# link's last event), a whole silence of 510 ms once in CI; bounded at 3000 ms, where a
# failover that does not happen (or waits for a timer of its own) would go on until the
# pings end; this part is the guest kernel's, not hostnet's. What follows is hostnet's
# configuration at work, bounded at 100 and 300 ms: no downdelay, so ovs-vswitchd makes
# eno2 active as it sees the loss (the same millisecond here), and its learning packets from
# eno2 teach the provider's bridge where the host is (replies back 8 to 33 ms after);
# without them the bridge would keep sending to eno1's port until the host itself sent
# something through eno2.
failover_bound_ms=(3000 100 300)

case_eno1_link_down() {
	local ok=yes T0 SEEN ACTIVE BACK
	ping_start 4
	T0=$(now_ms)
	# A tap set down leaves the guest's carrier up: qemu's set_link pulls the cable.
	"$VM" link "$VM_GUEST" uplink down || why "could not take eno1's link down" || return 1
	pings_lost "eno1's link down" 800 || ok=no
	failover_times
	echo "# eno1's link down: ovs-vswitchd saw it at +$SEEN ms, made eno2 active at +$ACTIVE ms, replies back at +$BACK ms (-1: not seen; $(ping_gaps "$T0"))"
	[[ $ok == yes ]] && {
		{ ((BACK >= 0)) || why "the replies did not come back ($(ping_gaps "$T0"))"; } &&
			{ ((SEEN >= 0 && ACTIVE >= 0)) ||
				why "ovs-vswitchd did not say both (its bond lines: $(in_vm grep -F '|bond|' /var/log/openvswitch/ovs-vswitchd.log | tail -n 4 | tr '\n' '|'))"; } &&
			{ ((BACK <= failover_bound_ms[0])) ||
				why "the host was silent for more than ${failover_bound_ms[0]} ms after eno1's link went"; } &&
			{ ((ACTIVE - SEEN <= failover_bound_ms[1])) ||
				why "ovs-vswitchd made eno2 active $((ACTIVE - SEEN)) ms after it saw eno1's link go"; } &&
			{ ((BACK - ACTIVE <= failover_bound_ms[2])) ||
				why "the replies came back $((BACK - ACTIVE)) ms after eno2 became active"; }
	} || ok=no
	[[ $ok == yes ]] && host_answers || ok=no
	if [[ $ok == yes ]]; then
		hn "$CONFIG" verify
		rc_is 1 && line_is WARNING "uplink bond br0-bond" "eno1 disabled, eno2 enabled (active)" ||
			ok=no
	fi
	# The cable goes back whatever was found, for the next case.
	"$VM" link "$VM_GUEST" uplink up || why "could not bring eno1's link back" || return 1
	[[ $ok == yes ]] || return 1
	sleep 1
	hn "$CONFIG" verify
	rc_is 0 && line_is OK "uplink bond br0-bond" "eno1 enabled"
}

case_down_under_5_ms_pings() {
	ping_start 6
	hn "$CONFIG" down
	pings_lost "down" || return 1
	rc_is 0 && uplink_on_eno1 && [[ -z $(in_vm ip -4 -o addr show dev eno2) ]] ||
		why "after down: $(in_vm ip -4 -o addr | tr '\n' '|')" || return 1
	host_answers && portsec_clean
}

# ---- LACP: the provider's two ports an OVS bond speaking LACP (this host's kernel has no
# bonding module), as in tests/integration/uplink_bond.sh ----

# The provider's switch speaking LACP (lib.sh); `vm stop` ends its daemons with everything
# in the provider's namespace.
provider_lacp() {
	local i
	provider_lacp_switch "$VM_DIR/up-ovs" "$VM_GW" || return 1
	for ((i = 0; i < 100; i++)); do
		in_provider ping -n -q -c 1 -W 1 "${VM_ADDR%/*}" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	why "the provider's OVS bridge does not reach the guest"
}

case_lacp_balance_tcp() {
	local i old now pbr
	provider_lacp || return 1
	sed 's/^\(  datapath:\) netdev$/\1 system/; s/mode: active-backup }/mode: balance-tcp, lacp: active }/' \
		"$CONF/$CONFIG" >"$TMP/lacp.yaml"
	grep -q "lacp: active" "$TMP/lacp.yaml" || why "no uplink line in $CONFIG" || return 1
	put_file "$TMP/lacp.yaml" /etc/hostnet/test/lacp.yaml || why "could not copy the config" ||
		return 1
	ping_start 8
	old=$(gateway_mac_on eno2)
	hn lacp.yaml up
	echo "# LACP up took $ELAPSED ms"
	# eno2 answered the provider's ARP while it stood alone and kept an entry for the
	# gateway: from the provider's bridge before this case replaced it, a MAC gone since. The
	# move must not give br0 that one (it did 1 run in 5: the host silent for 30 s).
	pbr=$(in_provider cat /sys/class/net/pbr/address)
	now=$(gateway_mac_on br0)
	echo "# the gateway's MAC: pbr's $pbr; eno2's entry before up ${old:-none}, br0's after ${now:-none}"
	[[ -z $now || $now == "$pbr" ]] || why "br0's entry for $VM_GW is $now, not pbr's $pbr" ||
		return 1
	# The provider's bond moves traffic as LACP comes up: losses printed, not bounded
	# tighter than the replies coming back.
	pings_lost "LACP bond up" 1600 || return 1
	rc_is 0 && out_has "bond eno1,eno2, bond_mode balance-tcp, lacp active" || return 1
	for ((i = 0; i < 20; i++)); do
		hn lacp.yaml verify --no-probes
		[[ $RC == 0 ]] && break
		sleep 0.5
	done
	echo "# LACP negotiated after $i verify run(s) (0.5 s apart, each about 1 s)"
	rc_is 0 && line_is OK "uplink bond br0-bond" "LACP negotiated" || return 1
	[[ $(up_appctl bond/show pbond) == *"lacp_status: negotiated"* ]] ||
		why "the provider's bond: $(up_appctl bond/show pbond | grep lacp_status)" || return 1
	# Before 538abed replies stopped for 4 to 30 s after up in some runs (821 and 1270 in
	# a row): br0 had been given eno2's older entry for the gateway (checked above). Since,
	# the host answered within 1 s of LACP being negotiated in every run seen; the wait is
	# printed, and bounded at 20 s.
	i=$SECONDS
	wait_for 20 "the host answering the provider after LACP" host_answers || {
		WHY+="; the provider's neighbours: $(in_provider ip neigh show | tr '\n' '|');"
		WHY+=" the guest's eno1 $(in_vm cat /sys/class/net/eno1/address),"
		WHY+=" eno2 $(in_vm cat /sys/class/net/eno2/address),"
		WHY+=" neighbours: $(in_vm ip neigh show dev br0 | tr '\n' '|');"
		WHY+=" the provider's bond: $(up_appctl bond/show pbond | grep -E 'member|active|may_enable|hash' | tr -s ' ' | tr '\n' '|')"
		return 1
	}
	echo "# the host answered the provider $((SECONDS - i)) s after LACP was negotiated"
}

guest_start_or_die --eno2
for c in eno2_named up_under_5_ms_pings bonded eno1_link_down down_under_5_ms_pings \
	lacp_balance_tcp; do
	check "${c//_/ }" "case_$c"
done
finish
