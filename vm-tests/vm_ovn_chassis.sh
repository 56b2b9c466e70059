#!/usr/bin/env bash
# vm_ovn_chassis.sh - issue 17 on the kernel datapath: the guest host of vm-tests/vm (systemd,
# openvswitch-switch and ovn-host's ovn-controller started by systemd, the openvswitch kernel
# module) as an OVN chassis, with the seed's uplink move under it.
#
# The central (the northbound and southbound ovsdb-servers, ovn-northd: `vm-tests/ovn-lab
# central`) runs in the guest's provider namespace, on 198.51.100.1 (the gateway: the guest
# reaches it directly, before and after its uplink moves). The guest's config is the seed's
# (etc/hostnet.yaml, datapath system) plus an `ovn:` section: the southbound there, encap
# geneve on the guest's own address 198.51.100.10, system_id ovm-hv, bridge_mappings
# provider -> br0 (the uplink bridge). Cases, in order, on one guest:
#   ovn_controller_runs        ovn-controller.service is active under systemd, waiting for
#                              its settings
#   up_makes_a_chassis         hostnet.service enabled; `up` writes the chassis keys (marked hostnet's); the chassis
#                              registers in the southbound database with encap geneve
#                              198.51.100.10 (ovn-sbctl from outside)
#   br_int_on_the_kernel_datapath  ovn-controller makes br-int, datapath_type system, in the
#                              kernel's datapath (ovs-dpctl show)
#   plan_exits_0_with_br_int   `plan` exits 0 with br-int and its ports there
#   verify_ok_with_the_chassis `verify` OK, the seed's probes and the chassis check
#   reboot_converges           `vm reboot`: hostnet.service ran and succeeded, the chassis is
#                              registered again and is the only one (none under the
#                              system-id openvswitch-switch sets at its start), br-int back
#                              in the kernel datapath, `plan` 0, `verify` OK
#   second_chassis             a lab host of vm-tests/lab (ovm-h2: netdev datapath, its own
#                              ovn-controller) behind the provider, routed (192.0.2.12 on its
#                              bridge): it registers too
#   overlay_crosses_geneve     `ovn-sync` from the guest makes the overlay network vlan10; a
#                              namespace on the guest bound to br-int (kernel datapath) pings
#                              one on ovm-h2 through geneve (udp 6081 seen on the provider's
#                              gw0, no ICMP of theirs seen plain); plan 0 and verify OK in
#                              the guest (switch and chassis checks)
#   down_removes_the_keys      `ovn-sync --down`, then `down`: hostnet's chassis keys and
#                              their marks go, system-id (openvswitch-switch's, changed by
#                              hostnet) and br-int (ovn-controller's) stay, the uplink is
#                              back on eno1
#
# Must run as root; see vm-tests/vm for the hostnet under test (HOSTNET_DEB, else a release
# build of this tree); the lab host runs the same package's binary (dpkg -x), or $HOSTNET.
# Names: OVN_GUEST (default ovm-ovn), OVN_CHASSIS_LAB (the lab host's prefix, default ovm).
# Lines starting "# " are figures; the last line is "N passed, N failed".

set -euo pipefail

VM_GUEST=${OVN_GUEST:-ovm-ovn}
HOST_HOSTNET=${HOSTNET:-}
OVN_LAB=${OVN_CHASSIS_LAB:-ovm}
OVN_SETTLE=${OVN_SETTLE:-90} # ovn-controller under TCG, sharing two cores
export OVN_SETTLE
# shellcheck source=vm-tests/vm-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"
# shellcheck source=tests/integration/ovn_lib.bash
. "$ROOT/tests/integration/ovn_lib.bash"
readonly CENTRAL=198.51.100.1
readonly GUEST_IP=198.51.100.10
readonly SYSID=ovm-hv
CENTRAL_DIR=$TMP/central
OVN_NB=unix:$CENTRAL_DIR/nb.sock
OVN_SB=unix:$CENTRAL_DIR/sb.sock
H2=$OVN_LAB-h2
# ovn_lib.bash's, with room for this machine's load (two cores, TCG guests beside).
nbctl() { ovn-nbctl --db="$OVN_NB" --timeout=30 "$@"; }
sbctl() { ovn-sbctl --db="$OVN_SB" --timeout=30 "$@"; }

# The central's daemons, by the pids they wrote (vm stop would kill them with the provider
# namespace anyway; this says so if one had died).
central_stop() {
	local f pid
	for f in "$CENTRAL_DIR"/*.pid; do
		[[ -e $f ]] || continue
		pid=$(cat "$f") && kill "$pid" 2>/dev/null || true
	done
}
on_exit central_stop
on_exit '"$ROOT/vm-tests/lab" stop "$H2" >/dev/null 2>&1; "$ROOT/vm-tests/lab" stop "$H2-g10" >/dev/null 2>&1'

key_of() { vsctl --if-exists get Open_vSwitch . "external_ids:$1" 2>/dev/null | tr -d '"'; }
key_is() {
	local got
	got=$(key_of "$1")
	[[ $got == "$2" ]] || why "external_ids:$1 is '$got', expected '$2'"
}

# The seed's file on the kernel datapath, with the chassis; $1: more of the ovn section.
write_config() {
	sed 's/^\(  datapath:\) auto .*/\1 system/' "$SEED" >"$TMP/hostnet.yaml"
	grep -q '^  datapath: system$' "$TMP/hostnet.yaml" || setup_failed "the seed names no datapath"
	cat >>"$TMP/hostnet.yaml" <<EOF
ovn:
  remote: tcp:$CENTRAL:6642
  encap: { type: geneve, ip: $GUEST_IP }
  system_id: $SYSID
  bridge_mappings: { provider: br0 }
${1:-}
EOF
	put_file "$TMP/hostnet.yaml" /etc/hostnet/hostnet.yaml
}

br_int_in_kernel() { in_vm ovs-dpctl show | grep -qE '^ +port [0-9]+: br-int \(internal\)$'; }

case_ovn_controller_runs() {
	local state i
	# The image leaves OVN off (its other guests are the seed's server): on, as an admin
	# making this host a chassis does.
	in_vm systemctl enable --now ovn-host.service >/dev/null 2>&1 ||
		why "systemctl enable --now ovn-host failed" || return 1
	# ovn-host only wants ovn-controller, which may still be starting (TCG): bounded, 60 s.
	for ((i = 0; i < 120; i++)); do
		[[ $(in_vm systemctl is-active ovn-controller.service) == active ]] && break
		sleep 0.5
	done
	state=$(in_vm systemctl is-active ovn-controller.service) ||
		why "ovn-controller.service is $state: $(in_vm journalctl -b -u ovn-controller --no-pager -q | tail -n 3 | tr '\n' '|')" ||
		return 1
	NOTE="ovn-controller $(in_vm ovn-controller --version | head -n 1 | awk '{print $NF}')"
}

case_up_makes_a_chassis() {
	local t0=$SECONDS
	write_config || why "could not write the config" || return 1
	# What a reboot runs: without it, OVS brings br0 back holding eno1 and nothing moves
	# the host's address onto it.
	in_vm systemctl enable hostnet >/dev/null 2>&1 || why "systemctl enable hostnet failed" ||
		return 1
	hv up
	rc_is 0 && out_has "+ ovs      setting ovn-encap-ip: $GUEST_IP" || return 1
	key_is ovn-remote "tcp:$CENTRAL:6642" && key_is ovn-encap-type geneve &&
		key_is system-id "$SYSID" && key_is ovn-bridge-mappings provider:br0 &&
		key_is ovn-bridge-datapath-type system && key_is hostnet-owner-ovn-remote hostnet ||
		return 1
	wait_until "$SETTLE" "chassis $SYSID with encap $GUEST_IP in the southbound database" \
		encap_registered "$SYSID" "$GUEST_IP" || return 1
	[[ $(sbctl --bare --columns=type find Encap "chassis_name=$SYSID") == geneve ]] ||
		why "encap type: $(sbctl --bare --columns=type find Encap "chassis_name=$SYSID")" || return 1
	NOTE="up ${ELAPSED} ms; registered $((SECONDS - t0)) s after up began"
}

case_br_int_on_the_kernel_datapath() {
	wait_until "$SETTLE" "br-int in the kernel datapath" br_int_in_kernel || return 1
	[[ $(vsctl get Bridge br-int datapath_type) == system ]] ||
		why "br-int's datapath_type: $(vsctl get Bridge br-int datapath_type)"
}

case_plan_exits_0_with_br_int() {
	vsctl br-exists br-int || why "no br-int" || return 1
	plan_is_0 || return 1
	! grep -q br-int "$TMP/out" || why "plan names br-int: $(hn_said)"
}

verified_with_chassis() {
	verified || {
		WHY="$WHY; not OK: $(grep -v '^OK' "$TMP/out" | sed -n '2,4p' | tr '\n' '|')"
		return 1
	}
	out_has "OK       chassis $SYSID: expected encap geneve $GUEST_IP, found encap geneve $GUEST_IP"
}

case_verify_ok_with_the_chassis() { verified_with_chassis; }

case_reboot_converges() {
	local before after note
	before=$(sbctl --bare --columns=_uuid find Chassis "name=$SYSID")
	rebooted || return 1
	note=$NOTE
	hostnet_ran || return 1
	note="$note; hostnet.service $NOTE"
	# ovs-ctl puts its own system-id back at each start; hostnet.service sets ours again.
	grep -q "^~ ovs      setting system-id: .* -> $SYSID$" "$TMP/journal" &&
		note="$note; it set system-id back to $SYSID (openvswitch-switch had reset it)"
	wait_until "$SETTLE" "chassis $SYSID registered after the reboot" \
		encap_registered "$SYSID" "$GUEST_IP" || return 1
	after=$(sbctl --bare --columns=_uuid find Chassis "name=$SYSID")
	# openvswitch-switch puts its own system-id back at each start: no chassis of that name
	# may be left beside ours.
	[[ $(sbctl --bare --columns=name list Chassis | sed '/^$/d' | xargs) == "$SYSID" ]] ||
		why "chassis in the southbound database: $(sbctl --bare --columns=name list Chassis | xargs)" ||
		return 1
	wait_until "$SETTLE" "br-int in the kernel datapath after the reboot" br_int_in_kernel ||
		return 1
	plan_is_0 && verified_with_chassis || return 1
	[[ $before == "$after" ]] && note="$note; the same Chassis row" ||
		note="$note; a new Chassis row"
	NOTE="$note; verify $NOTE"
}

# The second chassis: a lab host behind the provider, routed there (192.0.2.0/24 on a veth
# of the provider namespace), with its own ovn-controller (its ovsdb's chassis keys written
# by hostnet, as on any host).
case_second_chassis() {
	local dir=/run/hostnet-lab/$H2
	"$ROOT/vm-tests/lab" stop "$H2" >/dev/null 2>&1 || true
	"$ROOT/vm-tests/lab" start "$H2" >"$TMP/lab.log" 2>&1 ||
		why "lab start: $(tail -n 3 "$TMP/lab.log" | tr '\n' '|')" || return 1
	# Not the seed: the lab's eno1 holds the guest's own address; its leg to the provider is
	# und0.
	ip -n "$H2" link del eno1 &&
		ip -n "$H2" link add und0 type veth peer name h2 netns "$VM_UP_NS" &&
		in_provider ip addr add 192.0.2.1/24 dev h2 && in_provider ip link set h2 up &&
		ip -n "$H2" link set und0 up &&
		in_provider sysctl -qw net.ipv4.ip_forward=1 || why "could not link $H2 to the provider" ||
		return 1
	# Frames from a veth reach the userspace datapath with the checksum left to a NIC.
	in_provider ethtool -K h2 tx off >/dev/null || why "ethtool -K h2 tx off" || return 1
	cat >"$TMP/h2.yaml" <<EOF
ovs:
  datapath: netdev
bridges:
  brund:
    addresses: [192.0.2.12/24]
    routes: [{ to: 198.51.100.0/24, via: 192.0.2.1 }]
    ports:
      und0: {}
ovn:
  remote: tcp:$CENTRAL:6642
  encap: { type: geneve, ip: 192.0.2.12 }
  system_id: ovm-h2
EOF
	hnh h2 "$TMP/h2.yaml" up
	rc_is 0 || return 1
	"$ROOT/vm-tests/ovn-lab" chassis "$H2" || why "no ovn-controller on $H2" || return 1
	ip netns exec "$H2" ping -c 1 -W 2 -q "$GUEST_IP" >/dev/null ||
		why "$H2 does not reach the guest at $GUEST_IP" || return 1
	wait_until "$SETTLE" "chassis ovm-h2 in the southbound database" \
		encap_registered ovm-h2 192.0.2.12
	[[ -e $dir/ovn-controller.pid ]] || why "no ovn-controller pid on $H2"
}

# A namespace of the guest bound to br-int: an internal port on the kernel datapath.
vm_port() {
	in_vm ip netns add g10 &&
		vsctl add-port br-int g10 -- set Interface g10 type=internal \
			external_ids:iface-id=g10-vm &&
		in_vm ip link set g10 netns g10 &&
		in_vm ip -n g10 link set g10 address 02:00:00:00:10:01 mtu 1400 up &&
		in_vm ip -n g10 addr add 10.10.0.1/24 dev g10 &&
		nbctl lsp-add vlan10 g10-vm -- lsp-set-addresses g10-vm "02:00:00:00:10:01 10.10.0.1" \
			2>/dev/null ||
		why "could not make the guest's port g10"
}
vm_port_installed() { [[ $(vsctl get Interface g10 external_ids:ovn-installed 2>/dev/null) == '"true"' ]]; }
vm_ping() { in_vm ip netns exec g10 ping -n -c "${1:-1}" -i 0.2 -W 2 -q 10.10.0.2 >/dev/null; }

case_overlay_crosses_geneve() {
	local seen plain
	write_config "  northbound: tcp:$CENTRAL:6641
  networks:
    vlan10: { vlan: 10 }" || why "could not write the config" || return 1
	hv ovn-sync
	rc_is 0 && out_has "+ ovn      switch vlan10" || return 1
	vm_port || return 1
	wait_until "$SETTLE" "g10 bound on the guest (ovn-installed)" vm_port_installed || return 1
	guest h2 g10 vlan10 02:00:00:00:10:02 10.10.0.2 || return 1
	ip -n "$H2-g10" link set eth0 mtu 1400
	in_provider timeout 40 tcpdump -l -nn -i gw0 -c 1 'udp port 6081' >"$TMP/geneve" 2>/dev/null &
	local pid=$!
	in_provider timeout 40 tcpdump -l -nn -i gw0 'icmp and host 10.10.0.2' >"$TMP/plain" 2>/dev/null &
	local pid2=$!
	sleep 1
	wait_until "$SETTLE" "a ping from the guest's g10 to $H2's" vm_ping || return 1
	vm_ping 10 || why "the guest's g10 lost pings to $H2's" || return 1
	wait "$pid" || true
	kill "$pid2" 2>/dev/null
	wait "$pid2" || true
	seen=$(grep -c 'UDP\|geneve\|Geneve' "$TMP/geneve" || true)
	plain=$(grep -c ICMP "$TMP/plain" || true)
	((seen >= 1)) || why "no geneve on gw0" || return 1
	((plain == 0)) || why "$plain plain ICMP of 10.10.0.2 on gw0" || return 1
	in_vm ovs-dpctl show | grep -qE 'genev_sys_6081' || why "no geneve vport in the kernel datapath" ||
		return 1
	plan_is_0 && verified_with_chassis && out_has "OK       switch vlan10" || return 1
	hv ovn-sync --plan
	rc_is 0
}

case_down_removes_the_keys() {
	hv ovn-sync --down
	rc_is 0 || return 1
	hv down
	rc_is 0 || return 1
	key_is ovn-remote "" && key_is ovn-encap-type "" && key_is ovn-encap-ip "" &&
		key_is ovn-bridge-mappings "" && key_is ovn-bridge-datapath-type "" || return 1
	[[ -z $(vsctl get Open_vSwitch . external_ids | grep -o 'hostnet-owner-[a-z-]*') ]] ||
		why "marks left: $(vsctl get Open_vSwitch . external_ids)" || return 1
	# openvswitch-switch's own key (ovs-ctl sets it from /etc/openvswitch/system-id.conf at
	# each start): hostnet changed it, and never removes a key it did not create.
	key_is system-id "$SYSID" || return 1
	vsctl br-exists br-int || why "br-int is gone" || return 1
	uplink_on_eno1
}

guest_start_or_die
echo "# guest up ${BOOTED} s after qemu started"
command -v ovn-northd >/dev/null || setup_failed "ovn-northd missing (tools/install-deps)"
mkdir -p "$CENTRAL_DIR"
"$ROOT/vm-tests/ovn-lab" central "$VM_UP_NS" "$CENTRAL_DIR" "$CENTRAL" >"$TMP/central.log" 2>&1 ||
	setup_failed "the central did not start: $(tail -n 3 "$TMP/central.log" | tr '\n' '|')"
if [[ -z $HOST_HOSTNET && -n ${HOSTNET_DEB:-} ]]; then
	dpkg -x "$HOSTNET_DEB" "$TMP/deb" && HOSTNET=$TMP/deb/usr/sbin/hostnet ||
		setup_failed "could not unpack $HOSTNET_DEB"
fi
for c in ovn_controller_runs up_makes_a_chassis br_int_on_the_kernel_datapath \
	plan_exits_0_with_br_int verify_ok_with_the_chassis reboot_converges second_chassis \
	overlay_crosses_geneve down_removes_the_keys; do
	check "${c//_/ }" "case_$c"
done
finish
