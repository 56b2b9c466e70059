#!/usr/bin/env bash
# virt_guest.sh - a real VM on hostnet's libvirt network, in a lab host.
#
# hostnet (HOSTNET_LAYERS=libvirt) defines the seed's networks in lab hn-virt-vm's libvirtd;
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

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/vm-tests/lab
NAME=${VIRT_GUEST_LAB:-hn-virt-vm}
HOSTNET=${HOSTNET:-$ROOT/build/hostnet}
CONF=$ROOT/tests/integration/configs
GUEST_DIR=${HN_GUEST_DIR:-/var/cache/hostnet-test/guest}
GUEST=hn-guest10
GUEST_IP=10.10.1.5
BOOT_TIMEOUT=${VIRT_GUEST_BOOT_TIMEOUT:-120}
TMP=$(mktemp -d /tmp/virt_guest.XXXXXX)
PROBES=("$NAME-p10" "$NAME-p20" "$NAME-p20b")
PASSED=0
FAILED=0
RC=0
WHY=
NOTE=
T_CREATE=

cleanup() {
	local rc=$? ns
	trap - EXIT INT TERM
	# The guest's qemu lives in the lab's namespace and goes with it.
	"$LAB" stop "$NAME" >/dev/null 2>&1 || true
	for ns in "${PROBES[@]}"; do
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hn() {
	local conf=$1
	shift
	RC=0
	HOSTNET_LAYERS=libvirt ip netns exec "$LAB_NS" "$HOSTNET" --ovsdb "$LAB_OVSDB" \
		--libvirt "$LAB_LIBVIRT" -c "$CONF/$conf" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
}
vsh() { virsh -q -c "$LAB_LIBVIRT" "$@"; }
ovs() { ovs-vsctl --db="$LAB_OVSDB" --timeout=5 "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

why() {
	WHY="$*"
	return 1
}
rc_is() { [[ $RC == "$1" ]] || why "exit $RC, expected $1: $(tr '\n' '|' <"$TMP/out" "$TMP/err")"; }
out_has() { grep -qF -- "$1" "$TMP/out" || why "output lacks '$1': $(tr '\n' '|' <"$TMP/out")"; }
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
	ovs add-port brint "$port" tag="$tag"
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
	t0=$(now)
	"$ROOT/vm-tests/guest/build-image" "$GUEST_DIR" >"$TMP/build1" 2>&1 ||
		why "build-image: $(tr '\n' '|' <"$TMP/build1")" || return 1
	NOTE="image $(cut -d: -f1 <"$TMP/build1") in $(since "$t0")s"
	"$ROOT/vm-tests/guest/build-image" "$GUEST_DIR" >"$TMP/build2" 2>&1 &&
		grep -q '^cached:' "$TMP/build2" || why "second build not cached: $(cat "$TMP/build2")"
}

case_guest_boots_through_libvirt() {
	local deadline
	guest_xml >"$TMP/guest.xml"
	T_CREATE=$(now)
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
	if [[ $(ovs port-to-br "$tap") != brint ]]; then
		why "$tap is not on brint"
	elif [[ $(ovs get port "$tap" tag) != 10 ]]; then
		why "$tap has tag '$(ovs get port "$tap" tag)', not 10"
	else
		NOTE="$tap tag=10"
	fi
}

case_vlan10_namespace_pings_the_guest() {
	local deadline=$((SECONDS + 30))
	until pings "$NAME-p10" "$GUEST_IP"; do
		((SECONDS < deadline)) || why "no answer from $GUEST_IP on VLAN 10: $(console_tail)" || return 1
	done
	NOTE="guest boot to first ping: $(since "$T_CREATE")s after virsh create"
}

case_vlan20_namespace_does_not() {
	pings "$NAME-p20" 10.10.1.121 || why "the VLAN 20 probes do not reach each other" || return 1
	! pings "$NAME-p20" "$GUEST_IP" && ! pings "$NAME-p20" "$GUEST_IP" &&
		! pings "$NAME-p20" "$GUEST_IP" || why "the guest on VLAN 10 answered on VLAN 20"
}

case_restart_under_the_guest_is_announced() {
	vsh net-update intern-vlans delete portgroup "<portgroup name='105'/>" --live --config >/dev/null &&
		hn virt-seed.yaml plan && rc_is 3 &&
		out_has "~ libvirt  network intern-vlans: portgroup 105 missing; redefine, restart; 1 VM interface attached  (DISRUPTIVE: in use)"
}

# ---------------------------------------------------------------------------- runner

run() {
	local name=$1
	WHY=
	NOTE=
	if "case_$name"; then
		PASSED=$((PASSED + 1))
		echo "ok - ${name//_/ }${NOTE:+ ($NOTE)}"
	else
		FAILED=$((FAILED + 1))
		echo "not ok - ${name//_/ }: ${WHY:-a command failed}"
	fi
}

setup_failed() {
	echo "not ok - setup: $*"
	echo "$PASSED passed, $((FAILED + 1)) failed"
	exit 1
}

"$LAB" stop "$NAME" >/dev/null 2>&1 || true
for ns in "${PROBES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
"$LAB" start "$NAME" --libvirt >"$TMP/lab.log" 2>&1 ||
	setup_failed "lab $NAME: $(tail -n 3 "$TMP/lab.log" | tr '\n' ' ')"
eval "$("$LAB" env "$NAME")"

run image_builds_and_is_cached
((FAILED == 0)) || setup_failed "no guest image"

hn virt-seed.yaml up
[[ $RC == 0 ]] || setup_failed "hostnet up: $(tr '\n' ' ' <"$TMP/err")"
ovs br-exists brint || ovs add-br brint -- set bridge brint datapath_type=netdev
probe "$NAME-p10" 10 10.10.1.110
probe "$NAME-p20" 20 10.10.1.120
probe "$NAME-p20b" 20 10.10.1.121

run guest_boots_through_libvirt
run tap_is_on_brint_with_tag_10
run vlan10_namespace_pings_the_guest
run vlan20_namespace_does_not
run restart_under_the_guest_is_announced

echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
