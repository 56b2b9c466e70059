#!/usr/bin/env bash
# virt_guest.sh - a real VM on hostnet's libvirt network, in a lab host.
#
# hostnet (--layers libvirt) defines the seed's networks in lab hn-virt-vm's libvirtd;
# brint is made by hand with ovs-vsctl until the OVS backend makes it. A guest built from
# Debian's kernel and busybox (vm-tests/guest/build-image) boots through libvirt (domain
# type qemu: TCG) on intern-vlans, portgroup vlan10, with 10.10.1.5/24.
#
# Cases: the image builds, and a second build is a cache hit; the guest boots; libvirt put
# its tap on brint with tag=10 (through libvirt's own ovs-vsctl, aimed at the lab's OVS by
# the lab's db.sock symlink); a namespace on VLAN 10 pings it, one on VLAN 20 does not
# (while it does reach another VLAN 20 namespace: the probe works, the VLAN cuts); a plan
# that would restart intern-vlans under the guest says so (disruptive).
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet); the guest
# image is cached in $HN_GUEST_DIR (default /var/cache/hostnet-test/guest). The last line
# is "N passed, N failed"; the exit status is non-zero when a case failed.
# The harness (the lab, hostnet runs, checks, the case runner) is lib.sh.

set -euo pipefail

HN_LAB=${VIRT_GUEST_LAB:-hn-virt-vm}
HN_LIBVIRT=yes
HN_LAYERS=libvirt
HN_WORDS=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
GUEST_DIR=${HN_GUEST_DIR:-/var/cache/hostnet-test/guest}
GUEST=hn-guest10
GUEST_IP=10.10.1.5
BOOT_TIMEOUT=${VIRT_GUEST_BOOT_TIMEOUT:-120}
PROBES=("$HN_LAB-p10" "$HN_LAB-p20" "$HN_LAB-p20b")
T_CREATE=

# The guest's qemu lives in the lab's namespace and goes with it; the probes do not.
del_probes() {
	local ns
	for ns in "${PROBES[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
}
on_exit del_probes

since() { awk -v ms=$(($(now_ms) - $1)) 'BEGIN { printf "%.1f", ms / 1000 }'; } # T0_MS

console_tail() { tr -d '\033\r' <"$LAB_DIR/guest-console.log" 2>/dev/null | tail -n 5 | tr '\n' '|'; }

# probe NS TAG ADDR: a namespace whose eth0 is an access port of brint on VLAN TAG.
probe() {
	local ns=$1 tag=$2 addr=$3 port=${1##*-}
	ip netns add "$ns"
	ip -n "$LAB_NS" link add "$port" type veth peer name eth0 netns "$ns"
	ip -n "$LAB_NS" link set "$port" up
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$addr/24" dev eth0
	ip -n "$ns" link set eth0 up
	vsctl add-port brint "$port" tag="$tag"
}

pings() { # NS ADDR
	ip netns exec "$1" ping -c 1 -W 1 -q "$2" >/dev/null 2>&1
}

guest_xml() {
	cat <<-EOF
		<domain type='qemu'>
		  <name>$GUEST</name>
		  <memory unit='MiB'>256</memory>
		  <vcpu>1</vcpu>
		  <os>
		    <type arch='x86_64' machine='pc'>hvm</type>
		    <kernel>$GUEST_DIR/vmlinuz</kernel>
		    <initrd>$GUEST_DIR/initrd.img</initrd>
		    <cmdline>console=ttyS0 quiet panic=-1 hn.ip=$GUEST_IP/24</cmdline>
		  </os>
		  <on_poweroff>destroy</on_poweroff>
		  <on_reboot>destroy</on_reboot>
		  <on_crash>destroy</on_crash>
		  <devices>
		    <interface type='network'>
		      <source network='intern-vlans' portgroup='vlan10'/>
		      <model type='virtio'/>
		    </interface>
		    <serial type='file'>
		      <source path='$LAB_DIR/guest-console.log'/>
		      <target port='0'/>
		    </serial>
		    <memballoon model='none'/>
		  </devices>
		</domain>
	EOF
}

# ---------------------------------------------------------------------------- cases

case_image_builds_and_is_cached() {
	local t0
	t0=$(now_ms)
	"$ROOT/vm-tests/guest/build-image" "$GUEST_DIR" >"$TMP/build1" 2>&1 ||
		why "build-image: $(tr '\n' '|' <"$TMP/build1")" || return 1
	NOTE="image $(cut -d: -f1 <"$TMP/build1") in $(since "$t0")s"
	"$ROOT/vm-tests/guest/build-image" "$GUEST_DIR" >"$TMP/build2" 2>&1 &&
		grep -q '^cached:' "$TMP/build2" || why "second build not cached: $(cat "$TMP/build2")"
}

case_guest_boots_through_libvirt() {
	local deadline
	guest_xml >"$TMP/guest.xml"
	T_CREATE=$(now_ms)
	vsh create "$TMP/guest.xml" >"$TMP/create" 2>&1 ||
		why "virsh create: $(tr '\n' '|' <"$TMP/create")" || return 1
	deadline=$((SECONDS + BOOT_TIMEOUT))
	until grep -q "hostnet-guest: ready $GUEST_IP/24 on eth0" "$LAB_DIR/guest-console.log" 2>/dev/null; do
		((SECONDS < deadline)) || why "no 'ready' on the console after ${BOOT_TIMEOUT}s: $(console_tail)" ||
			return 1
		sleep 0.2
	done
	NOTE="console says ready $(since "$T_CREATE")s after virsh create"
}

case_tap_is_on_brint_with_tag_10() {
	local tap
	tap=$(vsh domiflist "$GUEST" | awk '$3 == "intern-vlans" { print $1 }')
	[[ $tap == vnet* ]] || why "no vnet interface on intern-vlans: $(vsh domiflist "$GUEST" | tr '\n' '|')" ||
		return 1
	if [[ $(vsctl port-to-br "$tap") != brint ]]; then
		why "$tap is not on brint"
	elif [[ $(vsctl get port "$tap" tag) != 10 ]]; then
		why "$tap has tag '$(vsctl get port "$tap" tag)', not 10"
	else
		NOTE="$tap tag=10"
	fi
}

case_vlan10_namespace_pings_the_guest() {
	local deadline=$((SECONDS + 30))
	until pings "$HN_LAB-p10" "$GUEST_IP"; do
		((SECONDS < deadline)) || why "no answer from $GUEST_IP on VLAN 10: $(console_tail)" || return 1
	done
	NOTE="guest boot to first ping: $(since "$T_CREATE")s after virsh create"
}

case_vlan20_namespace_does_not() {
	pings "$HN_LAB-p20" 10.10.1.121 || why "the VLAN 20 probes do not reach each other" || return 1
	! pings "$HN_LAB-p20" "$GUEST_IP" && ! pings "$HN_LAB-p20" "$GUEST_IP" &&
		! pings "$HN_LAB-p20" "$GUEST_IP" || why "the guest on VLAN 10 answered on VLAN 20"
}

case_restart_under_the_guest_is_announced() {
	vsh net-update intern-vlans delete portgroup "<portgroup name='105'/>" --live --config >/dev/null &&
		hn virt-seed.yaml plan && rc_is 3 &&
		out_has "~ libvirt  network intern-vlans: portgroup 105 missing; redefine, restart; 1 VM interface attached  (DISRUPTIVE: in use)"
}

# ---------------------------------------------------------------------------- runner

need_hostnet
del_probes
lab_start_or_die

run_case image_builds_and_is_cached
((FAILED == 0)) || setup_failed "no guest image"

hn virt-seed.yaml up
[[ $RC == 0 ]] || setup_failed "hostnet up: $(tr '\n' ' ' <"$TMP/err")"
vsctl br-exists brint || vsctl add-br brint -- set bridge brint datapath_type=netdev
probe "$HN_LAB-p10" 10 10.10.1.110
probe "$HN_LAB-p20" 20 10.10.1.120
probe "$HN_LAB-p20b" 20 10.10.1.121

run_cases guest_boots_through_libvirt tap_is_on_brint_with_tag_10 \
	vlan10_namespace_pings_the_guest vlan20_namespace_does_not \
	restart_under_the_guest_is_announced
