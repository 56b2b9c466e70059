#!/usr/bin/env bash
# ovn_overlay.sh - overlay networks (ovn.networks without physnet) on three hypervisors that
# share no VLAN: vm-tests/ovn-lab (a central, three lab hosts on the netdev datapath, joined
# by an underlay bridge). What rented servers need: the guests of VLAN 10 on two hosts talk
# through the geneve tunnels, and the underlay (the provider) never sees a frame of theirs.
#
# The cases are the steps of one story, in order, on one lab:
#   up_makes_every_host_a_chassis   `up` on each host (no bridge_mappings: nothing is mapped
#                                   to a physical network); each chassis registers
#   ovn_sync_makes_overlay_switches `ovn-sync`: vlan10, vlan20 labelled with their VLAN, no
#                                   localnet port at all; `ovn-sync --plan` then exits 0
#   vlan10_crosses_only_in_the_tunnel  h1's VLAN 10 guest pings h2's; on the underlay legs
#                                   of h1 and h2 and on the hosts' uplinks (und0) the pings
#                                   are seen inside geneve (udp 6081; vxlan: 4789), and no
#                                   frame is tagged,
#                                   and no ICMP or ARP of the guests' addresses is plain
#   vlan20_does_not_reach_vlan10    h2's VLAN 20 guest, in the same IP subnet, is not reached
#                                   from VLAN 10; h3's VLAN 20 guest reaches it (not deaf)
#   plan_exits_0_everywhere         `plan` on each host, `ovn-sync --plan`: exit 0; br-int
#                                   has its tunnel ports, brund no patch port
#   verify_names_a_localnet_by_hand `verify`: the overlay switches OK; a localnet port added
#                                   by hand to vlan10 is CRITICAL (it would take VLAN 10 out
#                                   of the tunnels), ovn-sync leaves it, removed: OK again
#   down_removes_the_switches       `ovn-sync --down` (the guests' ports go with the switches:
#                                   DISRUPTIVE) and `down` on each host
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). Lab prefix:
# OVN_LAB (default hn-ovl). The tunnels: OVN_ENCAP, geneve (default) or vxlan. The last line
# is "N passed, N failed".

set -euo pipefail

OVN_LAB=${OVN_LAB:-hn-ovl}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/ovn_lib.bash
. "$(dirname "${BASH_SOURCE[0]}")/ovn_lib.bash"
HOSTS=(h1 h2 h3)
PINGS=10
ENCAP=${OVN_ENCAP:-geneve}
case $ENCAP in
geneve) ENCAP_PORT=6081 ;;
vxlan) ENCAP_PORT=4789 ;;
*) echo "OVN_ENCAP: geneve or vxlan, not '$ENCAP'" >&2; exit 2 ;;
esac

# One file per host: the underlay bridge with the host's address (the tunnels' end), the
# chassis without bridge mappings, the fleet's two overlay networks.
write_config() {
	local i=$1
	cat >"$TMP/h$i.yaml" <<EOF
ovs:
  datapath: netdev
bridges:
  brund:
    addresses: [192.0.2.1$i/24]
    ports:
      und0: {}
ovn:
  remote: tcp:192.0.2.1:6642
  encap: { type: $ENCAP, ip: 192.0.2.1$i }
  system_id: hv$i
  northbound: tcp:192.0.2.1:6641
  networks:
    vlan10: { vlan: 10 }
    vlan20: { vlan: 20 }
EOF
}

case_up_makes_every_host_a_chassis() {
	local i
	for i in 1 2 3; do
		hnh "h$i" "$TMP/h$i.yaml" up
		rc_is 0 || return 1
		out_has "+ ovs      setting ovn-encap-type: $ENCAP" || return 1
	done
	for i in 1 2 3; do
		wait_until "$SETTLE" "chassis hv$i with encap 192.0.2.1$i in the southbound database" \
			encap_registered "hv$i" "192.0.2.1$i" || return 1
	done
	NOTE="3 chassis registered"
}

case_ovn_sync_makes_overlay_switches() {
	local sw
	hnh h3 "$TMP/h3.yaml" ovn-sync --plan
	rc_is 3 || return 1
	out_has "+ ovn      switch vlan10: vlan 10, overlay (no localnet port: the tunnels carry it)" ||
		return 1
	hnh h3 "$TMP/h3.yaml" ovn-sync
	rc_is 0 || return 1
	for sw in vlan10 vlan20; do
		[[ $(nbctl get Logical_Switch "$sw" external_ids:hostnet-vlan) == "\"${sw#vlan}\"" ]] ||
			{ why "$sw is not labelled hostnet-vlan=${sw#vlan}"; return 1; }
		[[ $(nbctl get Logical_Switch "$sw" external_ids:hostnet-owner) == hostnet ]] ||
			{ why "$sw is not marked"; return 1; }
	done
	[[ -z $(nbctl --bare --columns=name list Logical_Switch_Port) ]] ||
		{ why "ports were made: $(nbctl --bare --columns=name list Logical_Switch_Port | tr '\n' ' ')"; return 1; }
	hnh h3 "$TMP/h3.yaml" ovn-sync --plan
	rc_is 0
}

# Captures while the VLAN 10 guests talk: NS:IFACE for each, a pcap in $TMP.
CAPTURES=("$OVN_LAB-ctl-up:h1" "$OVN_LAB-ctl-up:h2" "$OVN_LAB-h1:und0" "$OVN_LAB-h2:und0")

# count PCAP FILTER: how many frames of PCAP the filter matches.
count() { tcpdump -r "$1" -nn "$2" 2>/dev/null | wc -l; }
# in_tunnel PCAP: how many of the guests' echo requests and replies the tunnel packets carry
# (tcpdump decodes what is inside udp 6081 and 4789).
in_tunnel() {
	tcpdump -r "$1" -nn "udp port $ENCAP_PORT" 2>/dev/null |
		grep -cE '10\.10\.0\.[12] > 10\.10\.0\.[12]: ICMP echo (request|reply)' || true
}

case_vlan10_crosses_only_in_the_tunnel() {
	local c ns ifc f pids=() n summary=""
	guest h1 g10 vlan10 02:00:00:00:10:01 10.10.0.1 || return 1
	guest h2 g10 vlan10 02:00:00:00:10:02 10.10.0.2 || return 1
	# The first pings resolve the guests' addresses and let the flows settle.
	wait_until "$SETTLE" "ping from h1's VLAN 10 guest to h2's" gping h1 g10 10.10.0.2 1 ||
		return 1
	# Forget the neighbours: the guests ARP during the capture too (OVN's ARP responder
	# answers on the guest's own chassis; a request that went out plain would be caught).
	ip -n "$OVN_LAB-h1-g10" neigh flush dev eth0
	ip -n "$OVN_LAB-h2-g10" neigh flush dev eth0
	for c in "${CAPTURES[@]}"; do
		ns=${c%%:*} ifc=${c#*:}
		ip netns exec "$ns" timeout 30 tcpdump -i "$ifc" -nn -U --immediate-mode -w "$TMP/$ns-$ifc.pcap" \
			2>/dev/null &
		pids+=($!)
	done
	sleep 1.5
	gping h1 g10 10.10.0.2 "$PINGS" || { why "h1's VLAN 10 guest lost pings to h2's"; kill "${pids[@]}"; return 1; }
	sleep 1
	kill -INT "${pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" 2>/dev/null || true
	for c in "${CAPTURES[@]}"; do
		ns=${c%%:*} ifc=${c#*:} f=$TMP/${c%%:*}-${c#*:}.pcap
		n=$(count "$f" 'vlan')
		((n == 0)) || { why "$ns $ifc: $n 802.1Q-tagged frames"; return 1; }
		n=$(count "$f" 'icmp and (host 10.10.0.1 or host 10.10.0.2)')
		((n == 0)) || { why "$ns $ifc: $n plain ICMP packets of the guests"; return 1; }
		n=$(count "$f" 'arp and (host 10.10.0.1 or host 10.10.0.2)')
		((n == 0)) || { why "$ns $ifc: $n plain ARP packets of the guests"; return 1; }
		n=$(count "$f" "not (udp port $ENCAP_PORT) and (ether host 02:00:00:00:10:01 or ether host 02:00:00:00:10:02)")
		((n == 0)) || { why "$ns $ifc: $n frames of the guests' MAC addresses outside $ENCAP"; return 1; }
		# The pings are there, inside the tunnel.
		n=$(in_tunnel "$f")
		((n >= 2 * PINGS)) ||
			{ why "$ns $ifc: $n ICMP packets of the guests in $ENCAP, expected >= $((2 * PINGS))"; return 1; }
		summary+=" $ifc@${ns#"$OVN_LAB"-}:$n"
	done
	NOTE="guests' ICMP in $ENCAP:$summary; tagged/plain: 0"
}

case_vlan20_does_not_reach_vlan10() {
	guest h2 g20 vlan20 02:00:00:00:20:02 10.10.0.20 || return 1
	guest h3 g20 vlan20 02:00:00:00:20:03 10.10.0.23 || return 1
	# Not deaf: h3's VLAN 20 guest reaches it.
	wait_until "$SETTLE" "ping between the VLAN 20 guests of h3 and h2" \
		gping h3 g20 10.10.0.20 1 || return 1
	if gping h1 g10 10.10.0.20 3; then
		why "h1's VLAN 10 guest reached h2's VLAN 20 guest"
		return 1
	fi
	if gping h2 g20 10.10.0.1 3; then
		why "h2's VLAN 20 guest reached h1's VLAN 10 guest"
		return 1
	fi
}

case_plan_exits_0_everywhere() {
	local h
	for h in "${HOSTS[@]}"; do
		hnh "$h" "$TMP/${h}.yaml" plan
		rc_is 0 || { why "$h: $(hn_said)"; return 1; }
	done
	[[ -n $(hvsctl h1 list-ports br-int | grep -E '^ovn-') ]] ||
		{ why "h1: no tunnel port on br-int (ovn-controller did not make them)"; return 1; }
	[[ -z $(hvsctl h1 list-ports brund | grep -E '^patch-') ]] ||
		{ why "h1: a patch port on brund: something is mapped to the underlay"; return 1; }
	hnh h1 "$TMP/h1.yaml" ovn-sync --plan
	rc_is 0
}

# A localnet port someone adds to an overlay switch would put VLAN 10 on a physical network:
# verify says CRITICAL, ovn-sync leaves it (not hostnet's), removed by hand it is OK again.
case_verify_names_a_localnet_by_hand() {
	hnh h1 "$TMP/h1.yaml" verify --no-probes
	rc_is 0 || return 1
	out_has "OK       switch vlan10: expected vlan 10, physnet none, found vlan 10, physnet none" ||
		return 1
	nbctl lsp-add vlan10 byhand-ln -- lsp-set-type byhand-ln localnet -- \
		lsp-set-options byhand-ln network_name=provider -- lsp-set-addresses byhand-ln unknown ||
		return 1
	hnh h1 "$TMP/h1.yaml" verify --no-probes
	rc_is 2 || return 1
	out_has "CRITICAL switch vlan10: expected vlan 10, physnet none, found vlan 10, physnet provider" ||
		return 1
	out_has "localnet port byhand-ln, not hostnet's, takes this overlay network out of the tunnels" ||
		return 1
	hnh h1 "$TMP/h1.yaml" ovn-sync --plan
	rc_is 0 || return 1
	nbctl lsp-del byhand-ln || return 1
	hnh h1 "$TMP/h1.yaml" verify --no-probes
	rc_is 0
}

case_down_removes_the_switches() {
	local h
	hnh h1 "$TMP/h1.yaml" ovn-sync --down
	rc_is 0 || return 1
	out_has "- ovn      switch vlan10: created by hostnet; 2 port(s) hostnet did not create" ||
		return 1
	[[ -z $(nbctl --bare --columns=name list Logical_Switch) ]] ||
		{ why "switches left: $(nbctl --bare --columns=name list Logical_Switch | tr '\n' ' ')"; return 1; }
	for h in "${HOSTS[@]}"; do
		hnh "$h" "$TMP/${h}.yaml" down
		rc_is 0 || return 1
		hvsctl "$h" br-exists br-int || { why "$h: br-int is gone"; return 1; }
	done
}

command -v tcpdump >/dev/null || setup_failed "tcpdump missing (tools/install-deps)"
ovn_lab_start_or_die 3
for i in 1 2 3; do write_config "$i"; done
run_cases up_makes_every_host_a_chassis ovn_sync_makes_overlay_switches \
	vlan10_crosses_only_in_the_tunnel vlan20_does_not_reach_vlan10 plan_exits_0_everywhere \
	verify_names_a_localnet_by_hand down_removes_the_switches
