#!/usr/bin/env bash
# virt_networks.sh - the libvirt backend against a real libvirtd, in a lab host.
#
# hostnet runs inside lab hn-virt (started --libvirt: its own libvirtd, with the stock
# `default` network defined, as on a fresh Debian host) with --layers libvirt, so only
# the libvirt backend acts. virsh looks at the result from outside.
#
# Cases: the seed networks converge from nothing and `default` is undefined; all 15
# portgroups of intern-vlans carry the seed's VLANs in `virsh net-dumpxml` (running and
# persistent); a second up changes nothing and plan exits 0; a portgroup removed behind
# hostnet's back (running and persistent) is restored, and so is one changed in the running
# network only; a foreign network survives up and down; a config naming a foreign network
# is refused; a network dropped from the config is pruned; libvirtd stuck (SIGSTOP) and
# stopped: one clear line, exit 1, within the bound. (A libvirtd that stalls after the
# connect, on a given call: virt_stall.sh.)
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.
# The harness (the lab, hostnet runs, checks, the case runner) is lib.sh.

set -euo pipefail

HN_LAB=${VIRT_LAB:-hn-virt}
HN_LIBVIRT=yes
HN_LAYERS=libvirt
HN_WORDS=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# net_is NAME: active, autostart and persistent, as virsh lists it.
net_is_up() {
	vsh net-list --all | awk -v n="$1" '$1 == n && $2 == "active" && $3 == "yes" && $4 == "yes" { f = 1 }
		END { exit !f }' || why "network $1 is not active+autostart+persistent: $(vsh net-list --all | tr '\n' '|')"
}
net_gone() {
	! vsh net-info "$1" >/dev/null 2>&1 || why "network $1 still there"
}

# pg_vlans NET PG [--inactive]: "trunk 99,250", "tag 10" or "none", from net-dumpxml.
pg_vlans() {
	local net=$1 pg=$2 kind=tag ids
	shift 2
	ids=$(vsh net-dumpxml "$net" "$@" --xpath "//portgroup[@name='$pg']/vlan/tag/@id" 2>/dev/null |
		sed -n 's/.*id="\([0-9]*\)".*/\1/p' | paste -sd, -)
	if vsh net-dumpxml "$net" "$@" --xpath "//portgroup[@name='$pg']/vlan/@trunk" 2>/dev/null |
		grep -q 'trunk="yes"'; then
		kind=trunk
	fi
	if [[ -n $ids ]]; then echo "$kind $ids"; else echo none; fi
}

pg_is() { # NET PG WANT [--inactive]
	local got
	got=$(pg_vlans "$1" "$2" "${@:4}")
	[[ $got == "$3" ]] || why "portgroup $2 of $1${4:+ ($4)}: '$got', expected '$3'"
}

# The seed's 15 portgroups (intern.xml), in the running and the persistent definition.
seed_portgroups() {
	local flag v
	for flag in "" --inactive; do
		pg_is intern-vlans vlansadmin "trunk 99,250" $flag &&
			pg_is intern-vlans vlansext "trunk 10,20" $flag &&
			pg_is intern-vlans vlan10 "tag 10" $flag &&
			pg_is intern-vlans vlan20 "tag 20" $flag &&
			pg_is intern-vlans vlansint "trunk 100,101,102,103,104,105,106,107,108,109" $flag ||
			return 1
		for v in {100..109}; do
			pg_is intern-vlans "$v" "tag $v" $flag || return 1
		done
		[[ $(vsh net-dumpxml intern-vlans $flag --xpath "//portgroup" | grep -c "<portgroup") == 15 ]] ||
			why "intern-vlans${flag:+ ($flag)} has not 15 portgroups" || return 1
	done
}

xpath_has() { # NET XPATH EXPECTED-SUBSTRING
	vsh net-dumpxml "$1" --xpath "$2" 2>/dev/null | grep -qF -- "$3" ||
		why "$1: $2 lacks $3: $(vsh net-dumpxml "$1" --xpath "$2" 2>&1 | tr '\n' ' ')"
}

network_basics() { # NET BRIDGE
	xpath_has "$1" "//forward/@mode" 'mode="bridge"' &&
		xpath_has "$1" "/network/bridge/@name" "name=\"$2\"" &&
		xpath_has "$1" "/network/virtualport/@type" 'type="openvswitch"' &&
		xpath_has "$1" "/network/metadata/*[local-name()='owner']" \
			'xmlns:hostnet="https://hostnet.example/xmlns/owner/1"'
}

# ---------------------------------------------------------------------------- cases

case_converge_from_nothing() {
	vsh net-info default >/dev/null || why "the lab has no default network" || return 1
	hn virt-seed.yaml plan && rc_is 3 &&
		out_has "- libvirt  network default: undefine (not hostnet's; named in libvirt.undefine)" &&
		out_has "+ libvirt  network ovs-front: define, start, autostart" &&
		out_has "+ libvirt  network intern-vlans: define, start, autostart" &&
		out_has "3 change(s) pending" &&
		hn virt-seed.yaml up && rc_is 0 && NOTE="up from nothing $ELAPSED ms" &&
		net_gone default && net_is_up ovs-front && net_is_up intern-vlans &&
		network_basics ovs-front br0 && network_basics intern-vlans brint
}

case_all_15_portgroups_have_their_vlans() {
	seed_portgroups
}

case_second_up_changes_nothing() {
	hn virt-seed.yaml up && rc_is 0 && out_has "nothing to change" &&
		NOTE="converged up $ELAPSED ms" &&
		hn virt-seed.yaml plan && rc_is 0
}

case_removed_portgroup_is_restored() {
	vsh net-update intern-vlans delete portgroup "<portgroup name='105'/>" --live --config \
		>/dev/null &&
		pg_is intern-vlans 105 none &&
		hn virt-seed.yaml plan && rc_is 3 &&
		out_has "~ libvirt  network intern-vlans: portgroup 105 missing; redefine, restart" &&
		converged_on virt-seed.yaml && seed_portgroups && net_is_up intern-vlans
}

# `virsh net-update` without --config changes the running network only: still drift.
case_running_only_change_is_restored() {
	vsh net-update intern-vlans modify portgroup \
		"<portgroup name='vlan10'><vlan><tag id='20'/></vlan></portgroup>" --live >/dev/null &&
		pg_is intern-vlans vlan10 "tag 20" && pg_is intern-vlans vlan10 "tag 10" --inactive &&
		hn virt-seed.yaml plan && rc_is 3 &&
		out_has "~ libvirt  network intern-vlans: running: portgroup vlan10: tag 20, want tag 10; restart" &&
		converged_on virt-seed.yaml && seed_portgroups
}

define_theirs() {
	cat >"$TMP/theirs.xml" <<-'EOF'
		<network>
		  <name>theirs</name>
		  <forward mode='bridge'/>
		  <bridge name='br9'/>
		  <virtualport type='openvswitch'/>
		  <portgroup name='p'><vlan><tag id='7'/></vlan></portgroup>
		</network>
	EOF
	vsh net-define "$TMP/theirs.xml" >/dev/null && vsh net-start theirs >/dev/null &&
		vsh net-dumpxml theirs >"$TMP/theirs.before"
}

theirs_untouched() {
	vsh net-dumpxml theirs >"$TMP/theirs.after" 2>&1 &&
		cmp -s "$TMP/theirs.before" "$TMP/theirs.after" || why "theirs changed or vanished"
}

case_foreign_network_survives_up_and_down() {
	define_theirs &&
		converged_on virt-seed.yaml && theirs_untouched &&
		hn virt-seed.yaml down && rc_is 0 &&
		out_has "- libvirt  network intern-vlans: destroy, undefine" &&
		out_has "- libvirt  network ovs-front: destroy, undefine" &&
		net_gone intern-vlans && net_gone ovs-front && theirs_untouched &&
		converged_on virt-seed.yaml && theirs_untouched
}

case_foreign_network_in_the_config_is_refused() {
	hn virt-theirs.yaml up && rc_is 1 &&
		err_is_one_line_with "libvirt network theirs exists and was not made by hostnet" &&
		theirs_untouched
}

case_dropped_network_is_pruned() {
	hn virt-front-only.yaml up && rc_is 0 &&
		out_has "- libvirt  network intern-vlans: destroy, undefine (hostnet's, no longer in the config)" &&
		net_gone intern-vlans && net_is_up ovs-front && theirs_untouched &&
		converged_on virt-seed.yaml
}

case_libvirtd_stuck_fails_within_the_bound() {
	pause_pid "$LIBVIRTD_PID"
	hn virt-seed.yaml --timeout 2000 plan
	resume_pid
	NOTE="stuck: exit after $ELAPSED ms"
	rc_is 1 && took_under 3500 &&
		err_is_one_line_with "libvirt: qemu:///system did not answer within 2000 ms"
}

case_libvirtd_stopped_fails_fast() {
	local n=0
	kill -TERM "$LIBVIRTD_PID"
	while kill -0 "$LIBVIRTD_PID" 2>/dev/null && ((n++ < 100)); do sleep 0.1; done
	hn virt-seed.yaml plan
	NOTE="stopped: exit after $ELAPSED ms"
	rc_is 1 && took_under 1500 &&
		err_is_one_line_with "libvirt: cannot connect to qemu:///system: Failed to connect socket"
}

# ---------------------------------------------------------------------------- runner

on_lab_start() { LIBVIRTD_PID=$(cat /var/run/libvirtd.pid); }

need_hostnet
lab_start_or_die
run_cases converge_from_nothing all_15_portgroups_have_their_vlans second_up_changes_nothing \
	removed_portgroup_is_restored running_only_change_is_restored \
	foreign_network_survives_up_and_down foreign_network_in_the_config_is_refused \
	dropped_network_is_pruned libvirtd_stuck_fails_within_the_bound \
	libvirtd_stopped_fails_fast
