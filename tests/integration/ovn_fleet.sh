#!/usr/bin/env bash
# ovn_fleet.sh - three hypervisors as one OVN deployment (vm-tests/ovn-lab: a central with
# the northbound and southbound ovsdb-servers and ovn-northd, three lab hosts each with its
# own ovsdb-server, ovs-vswitchd on the netdev datapath and ovn-controller, joined by an
# underlay bridge that also carries the VLANs). Every host has its own hostnet.yaml (its
# addresses differ anyway); the fleet part (northbound, networks) is the same text in each.
#
# The cases are the steps of one story, in order, on one lab:
#   up_makes_every_host_a_chassis   `up` on each host: the chassis keys, marked; each chassis
#                                   registers in the southbound database with its encap
#   ovn_sync_refusals               no northbound in the file: 2; out of reach: 1; one line
#   ovn_sync_makes_the_vlan_switches `ovn-sync` (from host 3, over TCP): vlan10, vlan20
#   vlan10_crosses_hosts_vlan20_does_not  guests (namespaces bound to logical ports on
#                                   br-int): h1's VLAN 10 guest pings h2's, the frames
#                                   cross the underlay tagged 10; h2's VLAN 20 guest, in
#                                   the same IP subnet, is not reached
#   plan_exits_0_everywhere         after ovn-controller made br-int, its tunnels and patch
#                                   ports: `plan` and `ovn-sync --plan` exit 0
#   verify_names_a_cross_host_leak  h1's verify probes (verify.reach from its provider
#                                   bridge) reach h2's guests on their VLAN only; vlan20's
#                                   localnet port tagged 10 by hand: the VLAN 20 guest is
#                                   reached from VLAN 10, verify says CRITICAL for the switch
#                                   and the probe, ovn-sync sets it right, the leak is gone
#   verify_checks_each_chassis      `verify`: each chassis registered with its encap (read
#                                   from the southbound database); h3's, deleted with its
#                                   ovn-controller stopped, is CRITICAL
#   import_reads_back_the_chassis   `import` on a chassis: its plan exits 0
#   down_removes_only_hostnets      `ovn-sync --down` and `down`: hostnet's switches and
#                                   keys go; a hand-made switch, a hand-set key and br-int stay
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). Lab prefix:
# OVN_LAB (default hn-ovn). The last line is "N passed, N failed".

set -euo pipefail

OVN_LAB=${OVN_LAB:-hn-ovn}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=tests/integration/ovn_lib.bash
. "$(dirname "${BASH_SOURCE[0]}")/ovn_lib.bash"
HOSTS=(h1 h2 h3)

# One file per host: the underlay bridge with the host's address, the chassis, the fleet.
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
  encap: { type: geneve, ip: 192.0.2.1$i }
  system_id: hv$i
  bridge_mappings: { provider: brund }
  northbound: tcp:192.0.2.1:6641
  networks:
    vlan10: { vlan: 10, physnet: provider }
    vlan20: { vlan: 20, physnet: provider }
EOF
	# Host 1 probes the VLANs across hosts: from its own provider bridge to h2's guests.
	((i == 1)) || return 0
	cat >>"$TMP/h$i.yaml" <<EOF
verify:
  isolation: { bridge: brund, vlans: [10, 20] }
  reach:
    - { from: 10, to: 10.10.0.2 }
    - { from: 20, to: 10.10.0.20 }
    - { from: 10, to: 10.10.0.20, expect: fail }
    - { from: 20, to: 10.10.0.2, expect: fail }
EOF
}

key_is() { # HOST KEY VALUE
	local got
	got=$(hvsctl "$1" --if-exists get Open_vSwitch . "external_ids:$2" 2>/dev/null | tr -d '"')
	[[ $got == "$3" ]] || why "$1: external_ids:$2 is '$got', expected '$3'"
}

case_up_makes_every_host_a_chassis() {
	local i
	# A key the operator set before hostnet: never hostnet's.
	hvsctl h1 set Open_vSwitch . external_ids:ovn-cms-options=by-hand || return 1
	for i in 1 2 3; do
		hnh "h$i" "$TMP/h$i.yaml" up
		rc_is 0 || return 1
		out_has "+ ovs      setting ovn-encap-ip: 192.0.2.1$i" || return 1
		key_is "h$i" ovn-remote tcp:192.0.2.1:6642 || return 1
		key_is "h$i" system-id "hv$i" || return 1
		key_is "h$i" ovn-bridge-mappings provider:brund || return 1
		key_is "h$i" hostnet-owner-ovn-encap-ip hostnet || return 1
	done
	for i in 1 2 3; do
		wait_until "$SETTLE" "chassis hv$i with encap 192.0.2.1$i in the southbound database" \
			encap_registered "hv$i" "192.0.2.1$i" || return 1
	done
	NOTE="3 chassis registered"
}

# A file without northbound is bad usage (2); a northbound out of reach fails (1): one line
# each, nothing on stdout, nothing written.
case_ovn_sync_refusals() {
	printf 'ovn: {remote: tcp:192.0.2.1:6642, encap: {type: geneve, ip: 192.0.2.13}}\n' \
		>"$TMP/nonb.yaml"
	hnh h3 "$TMP/nonb.yaml" ovn-sync
	rc_is 2 && out_is_empty && err_is_one_line_with "has no ovn.northbound" || return 1
	printf 'ovn: {northbound: "tcp:192.0.2.1:9", networks: {}}\n' >"$TMP/unreach.yaml"
	hnh h3 "$TMP/unreach.yaml" ovn-sync
	rc_is 1 && out_is_empty && err_is_one_line_with "cannot reach the northbound ovsdb-server" ||
		return 1
	[[ -z $(nbctl --bare --columns=name list Logical_Switch) ]] || why "a switch was made"
}

case_ovn_sync_makes_the_vlan_switches() {
	hnh h3 "$TMP/h3.yaml" ovn-sync --plan
	rc_is 3 || return 1
	out_has "+ ovn      switch vlan10: vlan 10 on physnet provider" || return 1
	hnh h3 "$TMP/h3.yaml" ovn-sync
	rc_is 0 || return 1
	[[ $(nbctl get Logical_Switch_Port vlan10-localnet type) == localnet ]] ||
		{ why "vlan10-localnet is not localnet"; return 1; }
	[[ $(nbctl get Logical_Switch_Port vlan20-localnet tag_request) == 20 ]] ||
		{ why "vlan20-localnet's tag_request is not 20"; return 1; }
	[[ $(nbctl get Logical_Switch_Port vlan10-localnet options:network_name) == provider ]] ||
		{ why "network_name is not provider"; return 1; }
	[[ $(nbctl get Logical_Switch vlan10 external_ids:hostnet-owner) == hostnet ]] ||
		{ why "vlan10 is not marked"; return 1; }
	hnh h3 "$TMP/h3.yaml" ovn-sync --plan
	rc_is 0
}

case_vlan10_crosses_hosts_vlan20_does_not() {
	local seen pid
	guest h1 g10 vlan10 02:00:00:00:10:01 10.10.0.1 || return 1
	guest h2 g10 vlan10 02:00:00:00:10:02 10.10.0.2 || return 1
	guest h2 g20 vlan20 02:00:00:00:20:02 10.10.0.20 || return 1
	# What h2's leg of the underlay carries meanwhile: h1's pings, tagged 10.
	ip netns exec "$OVN_LAB-ctl-up" timeout 15 tcpdump -l -nn -e -i h2 -c 1 \
		'vlan 10 and icmp and src host 10.10.0.1' >"$TMP/tcpdump" 2>/dev/null &
	pid=$!
	sleep 1
	wait_until "$SETTLE" "ping from h1's VLAN 10 guest to h2's" gping h1 g10 10.10.0.2 1 ||
		return 1
	gping h1 g10 10.10.0.2 5 || { why "h1's VLAN 10 guest lost pings to h2's"; return 1; }
	wait "$pid" || true
	seen=$(grep -c 'vlan 10' "$TMP/tcpdump" || true)
	((seen >= 1)) || { why "no ICMP tagged VLAN 10 on h2's underlay leg"; return 1; }
	if gping h1 g10 10.10.0.20 3; then
		why "h1's VLAN 10 guest reached h2's VLAN 20 guest"
		return 1
	fi
	# Not reached because it is on VLAN 20, not because it is deaf: a VLAN 20 guest on h3
	# reaches it.
	guest h3 g20 vlan20 02:00:00:00:20:03 10.10.0.23 || return 1
	wait_until "$SETTLE" "ping between the VLAN 20 guests of h3 and h2" gping h3 g20 10.10.0.20 1
}

case_plan_exits_0_everywhere() {
	local h
	for h in "${HOSTS[@]}"; do
		hnh "$h" "$TMP/${h}.yaml" plan
		rc_is 0 || { why "$h: $(hn_said)"; return 1; }
	done
	[[ -n $(hvsctl h1 list-ports br-int | grep -E '^ovn-') ]] ||
		{ why "h1: no tunnel port on br-int (ovn-controller did not make them)"; return 1; }
	# The localnet patch port ovn-controller put on hostnet's bridge: not hostnet's, kept.
	[[ -n $(hvsctl h1 list-ports brund | grep -E '^patch-') ]] ||
		{ why "h1: no patch port on brund (the plan above did not face one)"; return 1; }
	hnh h1 "$TMP/h1.yaml" ovn-sync --plan
	rc_is 0
}

# A leak made by hand in the northbound database: vlan20's localnet port tagged 10 puts h2's
# VLAN 20 guest on VLAN 10. It is real (h1's VLAN 10 guest reaches it), verify names it,
# ovn-sync sets it right, and the guest is out of reach again.
case_verify_names_a_cross_host_leak() {
	# Before: h1's probes reach h2's guests on their own VLAN only.
	hnh h1 "$TMP/h1.yaml" verify
	rc_is 0 || return 1
	out_has "OK       reach 10.10.0.2 from vlan 10: expected an ARP reply and an ICMP echo reply" ||
		return 1
	out_has "OK       reach 10.10.0.20 from vlan 20: expected an ARP reply" || return 1
	out_has "OK       reach 10.10.0.20 from vlan 10: expected no answer" || return 1
	nbctl set Logical_Switch_Port vlan20-localnet tag_request=10 || return 1
	wait_until "$SETTLE" "the leak: h1's VLAN 10 guest reaching h2's VLAN 20 guest" \
		gping h1 g10 10.10.0.20 1 || return 1
	hnh h1 "$TMP/h1.yaml" verify
	rc_is 2 || return 1
	out_has "CRITICAL switch vlan20: expected vlan 20, physnet provider, found vlan 10, physnet provider" ||
		return 1
	out_has "CRITICAL reach 10.10.0.20 from vlan 10: expected no answer, found 10.10.0.20 is at 02:00:00:00:20:02" ||
		return 1
	hnh h1 "$TMP/h1.yaml" ovn-sync
	rc_is 0 && out_has "~ ovn      port vlan20-localnet on vlan20: vlan 10 -> 20" || return 1
	# ovn-controller's flows follow the database: once a ping fails, none may pass.
	wait_until "$SETTLE" "the leak closed" no_gping h1 g10 10.10.0.20 1 || return 1
	if gping h1 g10 10.10.0.20 3; then
		why "h1's VLAN 10 guest still reaches h2's VLAN 20 guest after ovn-sync"
		return 1
	fi
	hnh h1 "$TMP/h1.yaml" verify
	rc_is 0 && out_has "OK       switch vlan20: expected vlan 20, physnet provider, found vlan 20"
}

case_verify_checks_each_chassis() {
	local i pid
	for i in 1 2 3; do
		hnh "h$i" "$TMP/h$i.yaml" verify --no-probes
		rc_is 0 || return 1
		out_has "OK       chassis hv$i: expected encap geneve 192.0.2.1$i, found encap geneve 192.0.2.1$i" ||
			return 1
	done
	# h3's ovn-controller gone and its chassis deleted: verify says so, CRITICAL.
	pid=$(cat "$(host_dir h3)/ovn-controller.pid") || return 1
	kill "$pid" || return 1
	wait_until 10 "ovn-controller $pid to exit" bash -c "! kill -0 $pid" || return 1
	sbctl --if-exists chassis-del hv3 || return 1
	hnh h3 "$TMP/h3.yaml" verify --no-probes
	rc_is 2 || return 1
	out_has "CRITICAL chassis hv3: expected encap geneve 192.0.2.13, found missing, not registered in tcp:192.0.2.1:6642"
}

case_import_reads_back_the_chassis() {
	hnh h2 "$TMP/h2.yaml" import
	rc_is 0 || return 1
	out_has "bridge br-int: OVN's integration bridge" || return 1
	cp "$TMP/out" "$TMP/imported.yaml"
	hnh h2 "$TMP/imported.yaml" plan
	rc_is 0 || why "plan of the imported config: $(hn_said)"
}

case_down_removes_only_hostnets() {
	local h
	nbctl ls-add byhand || return 1
	hnh h1 "$TMP/h1.yaml" ovn-sync --down
	rc_is 0 || return 1
	out_has "- ovn      switch vlan10: created by hostnet; 2 port(s) hostnet did not create" ||
		return 1
	[[ $(nbctl --bare --columns=name list Logical_Switch) == byhand ]] ||
		{ why "switches left: $(nbctl --bare --columns=name list Logical_Switch | tr '\n' ' ')"; return 1; }
	for h in "${HOSTS[@]}"; do
		hnh "$h" "$TMP/${h}.yaml" down
		rc_is 0 || return 1
		key_is "$h" ovn-remote "" || return 1
		key_is "$h" hostnet-owner-ovn-remote "" || return 1
		hvsctl "$h" br-exists br-int || { why "$h: br-int is gone"; return 1; }
	done
	key_is h1 ovn-cms-options by-hand
}

ovn_lab_start_or_die 3
for i in 1 2 3; do write_config "$i"; done
run_cases up_makes_every_host_a_chassis ovn_sync_refusals ovn_sync_makes_the_vlan_switches \
	vlan10_crosses_hosts_vlan20_does_not plan_exits_0_everywhere \
	verify_names_a_cross_host_leak verify_checks_each_chassis \
	import_reads_back_the_chassis down_removes_only_hostnets
