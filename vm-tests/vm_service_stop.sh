#!/usr/bin/env bash
# vm_service_stop.sh - stopping, restarting or reloading hostnet.service, and
# upgrading its package, never tear the network down; in a guest of vm-tests/vm (systemd, the
# kernel's OVS datapath, the provider's port security on).
#
# One guest (SERVICE_STOP_GUEST, default vm-service-stop), converged on the seed config with
# hostnet.service enabled and active, and a VM's port on brint as libvirt makes it (a nested
# guest is too slow under TCG): the tap vnet9, an access port of VLAN 10 with the
# external_ids libvirt sets. After each of these the network is intact (hostnet plan exits 0,
# vnet9 on brint with tag 10, br0 holds the host's address, the provider reaches the host):
#   systemctl stop         the unit inactive
#   systemctl restart      the unit active again, its run said "up: nothing to change"
#   systemctl reload       ExecReload ran `up`, the unit stayed active
#   package reinstalled    `dpkg -i` of the same .deb, as an upgrade does: the unit neither
#                          stopped nor started (same invocation)
# and, to show these checks catch what they are about:
#   the old unit fails them   with the old unit's ExecStop=/usr/sbin/hostnet down (a drop-in),
#                          `systemctl stop` takes brint and vnet9 away and moves the uplink
#                          back: the same checks fail; without the drop-in `systemctl start`
#                          converges the host again
#
# Must run as root; builds the guest image on first use (vm-tests/vm). hostnet under test: the
# .deb HOSTNET_DEB (the reinstall case needs it). Lines starting "# " are figures; the last
# line is "N passed, N failed". VM_KEEP=1 leaves the guest running.

set -euo pipefail

VM_GUEST=${SERVICE_STOP_GUEST:-vm-service-stop}
# shellcheck source=vm-tests/vm-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"
T_START=$SECONDS
readonly UNIT=hostnet.service
readonly OLD_UNIT=/run/systemd/system/hostnet.service.d/old-execstop.conf
readonly VM_UUID=6b3c6b5e-31c4-4a39-9d5b-0d6f2c1c2a10 IFACE_UUID=0e9e8c7e-61c8-4d43-8b4b-2f1c0c7a9e01

# A VM's port on brint, as libvirt's virNetDevOpenvswitchAddPort adds it for an interface of
# network intern-vlans, portgroup vlan10.
readonly ADD_VNET9="ip tuntap add vnet9 mode tap && ip link set vnet9 up &&
ovs-vsctl --timeout=5 -- --if-exists del-port vnet9 -- add-port brint vnet9 tag=10 \
	-- set Interface vnet9 'external-ids:attached-mac=\"52:54:00:9a:00:09\"' \
	-- set Interface vnet9 'external-ids:iface-id=\"$IFACE_UUID\"' \
	-- set Interface vnet9 'external-ids:vm-id=\"$VM_UUID\"' \
	-- set Interface vnet9 external-ids:iface-status=active"

network_intact() {
	plan_is_0 || return 1
	[[ $(vsctl port-to-br vnet9 2>&1) == brint ]] || why "vnet9 is not on brint" || return 1
	col Port vnet9 tag 10 || return 1
	in_vm ip -4 -o addr show dev br0 2>/dev/null | grep -q "inet $VM_ADDR " ||
		why "br0 lacks $VM_ADDR" || return 1
	host_answers && portsec_clean
}

case_converged_with_a_vm_port() {
	put_file "$SEED" /etc/hostnet/hostnet.yaml || why "could not write the config" || return 1
	hv up && rc_is 0 || return 1
	in_vm systemctl enable --now "$UNIT" >/dev/null 2>&1 || why "systemctl enable --now failed" || return 1
	unit_succeeded "$UNIT" || return 1
	in_vm sh -c "$ADD_VNET9" || why "could not add vnet9 as libvirt does" || return 1
	network_intact
}

case_stop() {
	in_vm systemctl stop "$UNIT" || why "systemctl stop failed" || return 1
	[[ $(unit_prop "$UNIT" ActiveState) == inactive ]] || why "the unit is $(unit_prop "$UNIT" ActiveState)" || return 1
	network_intact
}

# The unit's runs of this boot that said "up: ...".
runs() { in_vm journalctl -b -u "$UNIT" --no-pager -q -o cat | grep -c '^up: ' || true; }

case_restart() {
	local before
	before=$(runs)
	in_vm systemctl restart "$UNIT" || why "systemctl restart failed" || return 1
	unit_succeeded "$UNIT" || return 1
	[[ $(runs) == $((before + 1)) ]] || why "the restart ran no up" || return 1
	in_vm journalctl -b -u "$UNIT" --no-pager -q -o cat | tail -n 3 | grep -q '^up: nothing to change' ||
		why "the restart's up changed something" || return 1
	network_intact
}

case_reload() {
	local before id
	before=$(runs)
	id=$(unit_prop "$UNIT" InvocationID)
	in_vm systemctl reload "$UNIT" || why "systemctl reload failed" || return 1
	[[ $(runs) == $((before + 1)) ]] || why "the reload ran no up" || return 1
	[[ $(unit_prop "$UNIT" InvocationID) == "$id" ]] || why "the reload restarted the unit" || return 1
	unit_succeeded "$UNIT" && network_intact
}

case_package_reinstalled() {
	local id
	[[ -n ${HOSTNET_DEB:-} ]] || why "HOSTNET_DEB is not set: no package to reinstall" || return 1
	id=$(unit_prop "$UNIT" InvocationID)
	"$VM" install "$VM_GUEST" >/dev/null 2>"$TMP/install.log" ||
		why "vm install: $(tail -n 3 "$TMP/install.log" | tr '\n' '|')" || return 1
	[[ $(unit_prop "$UNIT" InvocationID) == "$id" ]] || why "the reinstall stopped or started the unit" || return 1
	unit_succeeded "$UNIT" && network_intact
}

case_the_old_unit_fails_them() {
	local why_old
	in_vm sh -c "mkdir -p ${OLD_UNIT%/*} && printf '[Service]\nExecStop=/usr/sbin/hostnet down\n' >$OLD_UNIT &&
		systemctl daemon-reload" || why "could not install the old unit's ExecStop" || return 1
	in_vm systemctl stop "$UNIT" || why "systemctl stop failed" || return 1
	if network_intact; then
		why "the network stayed intact with ExecStop=hostnet down: these checks cannot fail"
		return 1
	fi
	# What the old unit did, said apart from the first check that caught it.
	hv plan
	why_old="plan exit $RC, vnet9 $([[ $(vsctl port-to-br vnet9 2>/dev/null) == brint ]] && echo "on brint" || echo gone), brint $(vsctl br-exists brint 2>/dev/null && echo kept || echo gone), $VM_ADDR on $(in_vm ip -4 -o addr show | awk -v a="$VM_ADDR" '$4 == a {print $2}' | xargs)"
	in_vm sh -c "rm $OLD_UNIT && systemctl daemon-reload && systemctl start $UNIT" ||
		why "could not go back to the unit under test" || return 1
	plan_is_0 && host_answers && portsec_clean || return 1
	NOTE="with it: $why_old"
}

guest_start_or_die
echo "# first boot: up ${BOOTED} s after qemu started"
check "converged, with a VM's port on brint" case_converged_with_a_vm_port
check "systemctl stop leaves the network" case_stop
check "systemctl restart leaves the network" case_restart
check "systemctl reload leaves the network" case_reload
check "package reinstalled (dpkg -i) leaves the network" case_package_reinstalled
check "the old unit (ExecStop=hostnet down) fails these checks" case_the_old_unit_fails_them
echo "# vm_service_stop: $((SECONDS - T_START)) s"
finish
