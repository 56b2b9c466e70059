#!/usr/bin/env bash
# ovs_converge.sh - the OVS backend against a real ovsdb-server and ovs-vswitchd (netdev
# datapath) in a lab host. hostnet runs with every layer, as in production (the lab has no
# libvirtd and the configs no libvirt section); every check reads the database from outside
# with ovs-vsctl.
#
# Cases: the seed's bridges from nothing (tag 99 on brint's port, datapath netdev, every
# row marked); a second up sends nothing (next_cfg unchanged) and plan exits 0; drift of
# tag, trunks, vlan_mode, datapath_type and interface type is listed by plan (exit 3) and
# set back; a foreign bridge is left exactly as it was, by up and by down; ports and a
# bridge hostnet made are pruned when the config drops them, a foreign port on brint
# stays; a NIC ovs-vswitchd cannot open fails the up, named with the reason, and the
# transaction is undone; down removes every bridge and port hostnet made and nothing else.
# Each case runs in a fresh lab (OVS_LAB, default hn-ovs).
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The harness
# (lab, hn, checks, case runner) is lib.sh. The last line is "N passed, N failed"; the
# exit status is non-zero when a case failed.

set -euo pipefail

HN_LAB=${OVS_LAB:-hn-ovs}
HN_FRESH=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

owned() { col "$1" "$2" external_ids:hostnet-owner hostnet; }
next_cfg() { vsctl get Open_vSwitch . next_cfg; }
same_as() { # FILE-BEFORE FILE-AFTER WHAT
	diff -u "$1" "$2" >"$TMP/diff" || why "$3 changed: $(tr '\n' '|' <"$TMP/diff")"
}

# The columns of a bridge and its ports that hostnet could change, as one text.
bridge_snapshot() {
	local p
	vsctl --columns=name,datapath_type,other_config,external_ids,ports list Bridge "$1"
	for p in $(vsctl list-ports "$1") "$1"; do
		vsctl --columns=name,tag,trunks,vlan_mode,external_ids,interfaces list Port "$p"
	done
}

seed_up() {
	hn ovs-seed.yaml up
	rc_is 0
}

case_seed_from_nothing() {
	local ofport
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	out_has "+ ovs      bridge br0: datapath netdev" || return 1
	out_has "+ ovs      port eno1 on br0: system" || return 1
	out_has "+ ovs      port brint: internal, tag 99" || return 1
	bridges_are "br0 brint" || return 1
	ports_are br0 "eno1" || return 1
	ports_are brint "" || return 1
	col Port brint tag 99 || return 1
	col Port br0 tag "[]" || return 1
	col Port eno1 tag "[]" || return 1
	col Bridge br0 datapath_type netdev || return 1
	col Bridge brint datapath_type netdev || return 1
	col Interface brint type internal || return 1
	col Interface eno1 type '""' || return 1
	for row in "Bridge br0" "Bridge brint" "Port br0" "Port eno1" "Port brint" \
		"Interface br0" "Interface eno1" "Interface brint"; do
		owned $row || return 1
	done
	ofport=$(vsctl get Interface eno1 ofport)
	[[ $ofport -gt 0 ]] || why "eno1 has ofport $ofport"
}

case_second_up_sends_nothing() {
	local before
	seed_up || return 1
	before=$(next_cfg)
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	out_has "nothing to change" || return 1
	[[ $(next_cfg) == "$before" ]] || why "next_cfg moved from $before to $(next_cfg)" || return 1
	hn ovs-seed.yaml plan
	rc_is 0 || return 1
	[[ $(next_cfg) == "$before" ]] || why "plan moved next_cfg"
}

case_drift_set_back() {
	seed_up || return 1
	vsctl set Port brint tag=10 -- set Port eno1 trunks=5,6 vlan_mode=native-untagged \
		-- set Bridge brint datapath_type=system >/dev/null
	hn ovs-seed.yaml plan
	rc_is 3 || return 1
	out_has "~ ovs      bridge brint: datapath system -> netdev" || return 1
	out_has "~ ovs      port eno1 on br0: trunks [5-6] -> [], vlan_mode native-untagged -> default" || return 1
	out_has "~ ovs      port brint: tag 10 -> 99" || return 1
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	col Port brint tag 99 || return 1
	col Port eno1 trunks "[]" || return 1
	col Port eno1 vlan_mode "[]" || return 1
	col Bridge brint datapath_type netdev || return 1
	# a trunk made an access port, an access port made a trunk: both set back
	hn ovs-extra.yaml up
	rc_is 0 || return 1
	vsctl set Port trunk0 tag=20 trunks=30 -- set Port mon0 vlan_mode=trunk \
		-- set Interface mon0 type=system >/dev/null
	hn ovs-extra.yaml up
	rc_is 0 || return 1
	out_has "~ ovs      port trunk0 on brint: tag 20 -> none, trunks [30] -> [10,20]" || return 1
	out_has "~ ovs      port mon0 on brint: vlan_mode trunk -> default, type system -> internal" || return 1
	col Interface mon0 type internal || return 1
	col Port trunk0 tag "[]" || return 1
	col Port trunk0 trunks "[10, 20]" || return 1
	col Port mon0 vlan_mode "[]" || return 1
	col Port mon0 tag 250 || return 1
	hn ovs-extra.yaml up
	rc_is 0 || return 1
	out_has "nothing to change"
}

case_foreign_bridge_untouched() {
	vsctl add-br brx -- set Bridge brx datapath_type=netdev other_config:foo=bar \
		-- add-port brx vnet0 tag=5 -- set Interface vnet0 type=internal >/dev/null
	bridge_snapshot brx >"$TMP/brx.before"
	hn ovs-extra.yaml up
	rc_is 0 || return 1
	bridge_snapshot brx >"$TMP/brx.after"
	same_as "$TMP/brx.before" "$TMP/brx.after" "brx (by up)" || return 1
	hn ovs-extra.yaml down
	rc_is 0 || return 1
	bridge_snapshot brx >"$TMP/brx.after"
	same_as "$TMP/brx.before" "$TMP/brx.after" "brx (by down)" || return 1
	bridges_are "brx"
}

case_owned_pruned_foreign_port_kept() {
	hn ovs-extra.yaml up
	rc_is 0 || return 1
	bridges_are "br0 brint brtmp" || return 1
	ports_are brint "mon0 trunk0" || return 1
	ports_are brtmp "tmp0" || return 1
	col Port trunk0 trunks "[10, 20]" || return 1
	col Port mon0 tag 250 || return 1
	owned Port mon0 || return 1
	owned Bridge brtmp || return 1
	# someone else's port on hostnet's bridge: a VM's tap, say
	vsctl add-port brint vnet1 tag=10 -- set Interface vnet1 type=internal >/dev/null
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	out_has "- ovs      bridge brtmp: created by hostnet, no longer in the config" || return 1
	out_has "- ovs      port mon0 on brint" || return 1
	out_has "- ovs      port trunk0 on brint" || return 1
	bridges_are "br0 brint" || return 1
	ports_are brint "vnet1" || return 1
	col Port vnet1 tag 10
}

case_unopenable_interface_rolled_back() {
	seed_up || return 1
	bridge_snapshot brint >"$TMP/brint.before"
	hn ovs-badport.yaml up
	rc_is 1 || return 1
	err_is_one_line_with "ovs-vswitchd could not open interface eno9 (port eno9 on brint): could not open network device eno9 (No such device)" || return 1
	err_is_one_line_with "rolled back" || return 1
	bridge_snapshot brint >"$TMP/brint.after"
	same_as "$TMP/brint.before" "$TMP/brint.after" "brint after the rollback" || return 1
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	out_has "nothing to change"
}

case_down_removes_only_owned() {
	vsctl add-br brx -- set Bridge brx datapath_type=netdev >/dev/null
	hn ovs-extra.yaml up
	rc_is 0 || return 1
	vsctl add-port brint vnet1 -- set Interface vnet1 type=internal \
		-- add-port brx old0 -- set Interface old0 type=internal \
		-- set Port old0 external_ids:hostnet-owner=hostnet >/dev/null
	hn ovs-extra.yaml down
	rc_is 0 || return 1
	# The one way down removes what hostnet did not make, said in the plan line: a port
	# someone put on a bridge hostnet made goes with the bridge.
	out_has "- ovs      bridge brint: created by hostnet; 1 port(s) hostnet did not create go with it (vnet1)  (DISRUPTIVE: in use)" ||
		return 1
	out_has "- ovs      port old0 on brx: created by hostnet" || return 1
	bridges_are "brx" || return 1
	ports_are brx "" || return 1
	hn ovs-extra.yaml down
	rc_is 0 || return 1
	out_has "nothing"
}

need_hostnet
run_cases seed_from_nothing second_up_sends_nothing drift_set_back foreign_bridge_untouched \
	owned_pruned_foreign_port_kept unopenable_interface_rolled_back down_removes_only_owned
