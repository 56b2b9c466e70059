#!/usr/bin/env bash
# ovn_libvirt.sh - a libvirt network on OVN's integration bridge: on a chassis, hostnet.yaml
# may put a libvirt network on br-int (ovn-controller's bridge, which hostnet never changes).
# One lab host of vm-tests/ovn-lab with libvirtd (lab start --libvirt: it waits while another
# lab holds libvirt, bounded by HN_LIBVIRT_WAIT, 300 s).
#
# Cases: up defines and starts the network on br-int with Open vSwitch's virtualport and no
# portgroup, next to the chassis keys; plan exits 0 after, and with what import writes; down
# removes the network and the keys, br-int stays. A guest booted on it is not part of this.
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). Lab prefix:
# OVN_VIRT_LAB (default hn-ovnvirt). The last line is "N passed, N failed".

set -euo pipefail

OVN_VIRT_LAB=${OVN_VIRT_LAB:-hn-ovnvirt}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OVN_LABTOOL=$ROOT/vm-tests/ovn-lab
H1=$OVN_VIRT_LAB-h1
H1_DIR=/run/hostnet-lab/$H1

hn1() {
	RC=0
	ip netns exec "$H1" "$HOSTNET" --ovsdb "unix:$H1_DIR/db.sock" --libvirt qemu:///system \
		-c "$TMP/h1.yaml" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}
h1vsctl() { ip netns exec "$H1" ovs-vsctl --db="unix:$H1_DIR/db.sock" --timeout=5 "$@"; }
net_xml() { virsh -q -c qemu:///system net-dumpxml ovn-guests 2>/dev/null; }

case_up_defines_the_network_on_br_int() {
	hn1 up
	rc_is 0 || return 1
	out_has "+ libvirt  network ovn-guests" || return 1
	net_xml >"$TMP/net.xml" || { why "no network ovn-guests in libvirt"; return 1; }
	grep -q "<bridge name='br-int'/>" "$TMP/net.xml" || { why "not on br-int: $(tr '\n' ' ' <"$TMP/net.xml")"; return 1; }
	grep -q "<virtualport type='openvswitch'/>" "$TMP/net.xml" || { why "no openvswitch virtualport"; return 1; }
	! grep -q "<portgroup" "$TMP/net.xml" || { why "a portgroup on br-int"; return 1; }
	[[ $(virsh -q -c qemu:///system net-info ovn-guests | awk '$1 == "Active:" {print $2}') == yes ]] ||
		{ why "ovn-guests is not active"; return 1; }
	[[ $(h1vsctl get Open_vSwitch . external_ids:ovn-remote) == '"tcp:192.0.2.1:6642"' ]] ||
		why "the chassis keys are not there"
}

case_plan_exits_0() {
	hn1 plan
	rc_is 0
}

case_import_reads_back_the_network() {
	hn1 import
	rc_is 0 || return 1
	out_has "    ovn-guests:" || return 1
	cp "$TMP/out" "$TMP/imported.yaml"
	RC=0
	ip netns exec "$H1" "$HOSTNET" --ovsdb "unix:$H1_DIR/db.sock" --libvirt qemu:///system \
		-c "$TMP/imported.yaml" plan >"$TMP/out" 2>"$TMP/err" || RC=$?
	rc_is 0
}

case_down_removes_the_network_br_int_stays() {
	hn1 down
	rc_is 0 || return 1
	! net_xml >/dev/null || { why "ovn-guests is still defined"; return 1; }
	h1vsctl br-exists br-int || why "br-int is gone"
}

need_hostnet
cat >"$TMP/h1.yaml" <<'EOF'
ovs: { datapath: netdev }
bridges:
  brund: { addresses: [192.0.2.11/24], ports: { und0: {} } }
ovn:
  remote: tcp:192.0.2.1:6642
  encap: { type: geneve, ip: 192.0.2.11 }
  system_id: hv1
libvirt:
  networks:
    ovn-guests: { bridge: br-int }
EOF
"$OVN_LABTOOL" stop "$OVN_VIRT_LAB" >/dev/null 2>&1 || true
on_exit '"$OVN_LABTOOL" stop "$OVN_VIRT_LAB" >/dev/null 2>&1'
deadline=$((SECONDS + ${HN_LIBVIRT_WAIT:-300}))
until "$OVN_LABTOOL" start "$OVN_VIRT_LAB" 1 --libvirt >"$TMP/lab.log" 2>&1; do
	grep -q "libvirt is in use by lab" "$TMP/lab.log" && ((SECONDS < deadline)) ||
		setup_failed "ovn-lab did not start: $(tail -n 3 "$TMP/lab.log" | tr '\n' '|')"
	sleep 5
done
eval "$("$OVN_LABTOOL" env "$OVN_VIRT_LAB")"
run_cases up_defines_the_network_on_br_int plan_exits_0 import_reads_back_the_network \
	down_removes_the_network_br_int_stays
