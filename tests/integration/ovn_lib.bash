# ovn_lib.bash - what the OVN scripts (ovn_fleet.sh, ovn_overlay.sh) share on top of lib.sh:
# their lab (vm-tests/ovn-lab: a central, lab hosts h1..hN, guests bound to br-int). Sourced
# after lib.sh with OVN_LAB set, never run (not *.sh: tests/run runs those).
#
#   host_ns HOST, host_dir HOST   a lab host's namespace and run dir
#   hvsctl HOST ARGS...           ovs-vsctl on HOST's database
#   nbctl ARGS..., sbctl ARGS...  ovn-nbctl, ovn-sbctl on the central's databases
#   hnh HOST CONFIG ARGS...       hostnet in HOST's namespace on its own ovsdb, no libvirtd;
#                                 sets RC, $TMP/out, $TMP/err as lib.sh's hn
#   wait_until SECONDS WHAT CMD...  CMD until it succeeds, bounded; else WHY says WHAT
#   encap_registered SYSTEM-ID IP the southbound database has the chassis with that encap
#   guest HOST NAME SWITCH MAC ADDR  a namespace bound to a new logical port NAME-HOST of
#                                 SWITCH on HOST's br-int, waited for until ovn-installed
#   gping HOST NAME ADDR [COUNT]  ping from guest NAME of HOST; no_gping: it fails
#   ovn_lab_start_or_die N        the lab with N hosts, stopped on exit; OVN_NB, OVN_SB set

OVN_LABTOOL=$ROOT/vm-tests/ovn-lab
SETTLE=${OVN_SETTLE:-20} # seconds ovn-controller gets to act on a change

host_ns() { echo "$OVN_LAB-$1"; }
host_dir() { echo "/run/hostnet-lab/$OVN_LAB-$1"; }
hvsctl() { ip netns exec "$(host_ns "$1")" ovs-vsctl --db="unix:$(host_dir "$1")/db.sock" --timeout=5 "${@:2}"; }
nbctl() { ovn-nbctl --db="$OVN_NB" --timeout=5 "$@"; }
sbctl() { ovn-sbctl --db="$OVN_SB" --timeout=5 "$@"; }

hnh() {
	local h=$1 conf=$2
	shift 2
	RC=0
	ip netns exec "$(host_ns "$h")" "$HOSTNET" --ovsdb "unix:$(host_dir "$h")/db.sock" \
		--libvirt "qemu:///system?socket=$(host_dir "$h")/no-libvirtd.sock" -c "$conf" "$@" \
		>"$TMP/out" 2>"$TMP/err" || RC=$?
}

wait_until() {
	local t=$1 what=$2 deadline
	shift 2
	deadline=$((SECONDS + t))
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || { why "no $what after ${t}s"; return 1; }
		sleep 0.2
	done
}

encap_registered() {
	[[ $(sbctl --bare --columns=ip find Encap "chassis_name=$1" 2>/dev/null) == "$2" ]]
}

guest() {
	local h=$1 name=$2 sw=$3 mac=$4 addr=$5
	"$OVN_LABTOOL" guest "$OVN_LAB-$h" "$name" "$mac" "$addr/24" || return 1
	nbctl lsp-add "$sw" "$name-$h" -- lsp-set-addresses "$name-$h" "$mac $addr" || return 1
	hvsctl "$h" add-port br-int "$name" -- set Interface "$name" \
		"external_ids:iface-id=$name-$h" || return 1
	wait_until "$SETTLE" "port $name on $h bound (ovn-installed)" \
		bash -c "[[ \$(ip netns exec $(host_ns "$h") ovs-vsctl --db=unix:$(host_dir "$h")/db.sock get Interface $name external_ids:ovn-installed 2>/dev/null) == '\"true\"' ]]"
}

gping() { ip netns exec "$OVN_LAB-$1-$2" ping -c "${4:-3}" -i 0.2 -W 1 -q "$3" >/dev/null 2>&1; }
no_gping() { ! gping "$@"; }

ovn_lab_start_or_die() {
	need_hostnet
	command -v ovn-northd >/dev/null || setup_failed "ovn-northd missing (tools/install-deps)"
	"$OVN_LABTOOL" stop "$OVN_LAB" >/dev/null 2>&1 || true
	on_exit '"$OVN_LABTOOL" stop "$OVN_LAB" >/dev/null 2>&1'
	"$OVN_LABTOOL" start "$OVN_LAB" "$1" >"$TMP/lab.log" 2>&1 ||
		setup_failed "ovn-lab did not start: $(tail -n 3 "$TMP/lab.log" | tr '\n' '|')"
	eval "$("$OVN_LABTOOL" env "$OVN_LAB")"
}
