#!/usr/bin/env bash
# uplink_real.sh - what a rented server's uplink asks beyond the lab's single IPv4 NIC
# (issue 15): jumbo frames, the uplink NIC found by its MAC whatever its name.
#
# hostnet runs inside lab UPLINK_REAL_LAB (default hn-uplink-real) with every layer; no
# libvirtd. Every case gets a fresh lab with port security on (every frame the upstream sees
# from a MAC other than eno1's is counted, and each case checks there was none).
#
# Cases:
#   mtu_9000              brint and an internal port vm0 with mtu 9000: OVS mtu_request and
#                         the MTU ovs-vswitchd reports are 9000, and the kernel's too; plan
#                         exits 0; verify says both OK; back to 1500 by the next config
#   uplink_by_mac         `uplink: { mac: eno1's }` moves eno1 as `uplink: eno1` does; eno1
#                         renamed ens3 (as a kernel update does): plan shows only eno1's port
#                         leaving and ens3's joining br0, up applies those 2, plan exits 0, the
#                         host answers; down gives ens3 the address and route; a MAC no NIC
#                         has: exit 1, one line, nothing touched
#   renamed_while_down    as at a boot after the rename: eno1 became ens3 while down, no
#                         address anywhere (ifupdown's stanza names eno1), OVSDB still names
#                         eno1: up sets ens3 up and moves it without the probe before (the
#                         host could not be reached as it was), the host answers, plan exits
#                         0; the same with the gateway silent: exit 1 naming why it was not
#                         rolled back, ens3 stays on br0, and the host answers once the
#                         gateway does
#   ipv6_move_under_ping  eno1 with IPv4 and IPv6 (2001:db8:100::10/64, default via the
#                         provider's fe80::1), a config without IPv6: up moves both families
#                         to br0 while the upstream pings both every 5 ms (the losses are
#                         printed per family), the IPv6 address usable at once (not
#                         tentative), plan exits 0, verify asks both gateways from br0 (OK);
#                         down under ping gives both back to eno1
#   ipv6_only_uplink      eno1 with IPv6 alone and a config naming no address: up moves IPv6
#                         (probed by neighbor solicitation only), plan exits 0, down gives
#                         it back
#   reach_ipv6            verify's reach probes to brint's IPv6 address: VLAN 99 reaches it
#                         (neighbor solicitation, then ICMPv6 echo, from the probe's
#                         link-local address), VLAN 10 does not; both OK
#   silent_ipv6_gateway_refused
#                         gateway6 nobody answers: exit 1 before anything is touched
#   import_ipv6           after up moved both families and a static IPv6 route was added to
#                         br0 by hand: import writes br0's IPv6 address, gateway6 (the
#                         provider's fe80::1) and the route, and notes the SLAAC-like address
#                         it leaves out; plan with the imported config exits 0
#   ipv6_on_a_port        an internal port with an IPv6 address and route beside IPv4: up
#                         gives both to the kernel (hostnet's protocol), plan exits 0, verify
#                         reaches the address from VLAN 250 and not from VLAN 99; the port's
#                         IPv6 dropped from the config: up removes both; import reads them
#   ipv6_gateway_silent_after_move_rolls_back
#                         the IPv6 gateway goes silent while up waits for ovs-vswitchd (IPv4
#                         still answers): the neighbor solicitation after the move fails, all
#                         changes are rolled back, both families answer on eno1 again
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.

set -euo pipefail

HN_LAB=${UPLINK_REAL_LAB:-hn-uplink-real}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fresh_lab() { lab_start_portsec && lab_settled && host_snapshot pristine; }

# mtu_is IFACE N: OVS's mtu_request and the kernel's MTU are N, and the MTU ovs-vswitchd
# reports becomes N (it writes it back after it set the device: bounded wait, 2 s).
mtu_is() {
	local i kernel
	col interface "$1" mtu_request "$2" || return 1
	kernel=$(in_lab cat "/sys/class/net/$1/mtu") || why "no $1 in the kernel" || return 1
	[[ $kernel == "$2" ]] || why "$1's kernel MTU is $kernel, not $2" || return 1
	for ((i = 0; i < 40; i++)); do
		[[ $(vsctl get interface "$1" mtu) == "$2" ]] && return 0
		sleep 0.05
	done
	why "OVS reports $1's mtu as $(vsctl get interface "$1" mtu), not $2"
}

case_mtu_9000() {
	fresh_lab || return 1
	hn uplink-mtu.yaml plan && rc_is 3 && out_has "port brint: internal, tag 99, mtu 9000" &&
		out_has "port vm0 on brint: internal, tag 10, mtu 9000" || return 1
	converged_on uplink-mtu.yaml && mtu_is brint 9000 && mtu_is vm0 9000 || return 1
	hn uplink-mtu.yaml verify --no-probes
	# device_mtu: what ovs-vswitchd reports, read only for the interfaces given an MTU.
	rc_is 0 && line_is OK "port brint" "mtu 9000, device_mtu 9000" &&
		line_is OK "port vm0 on brint" "mtu 9000, device_mtu 9000" &&
		line_is OK "link brint" "mtu 9000" || return 1
	# Behind hostnet's back: verify says it, up sets it back.
	vsctl set interface vm0 mtu_request=1400 || why "ovs-vsctl set failed" || return 1
	hn uplink-mtu.yaml verify --no-probes
	rc_is 2 && line_is CRITICAL "port vm0 on brint" "mtu 1400" || return 1
	converged_on uplink-mtu.yaml && mtu_is vm0 9000 || return 1
	hn uplink-mtu-1500.yaml up && rc_is 0 && out_has "mtu 9000 -> 1500" || return 1
	hn uplink-mtu-1500.yaml plan && rc_is 0 && mtu_is brint 1500 && mtu_is vm0 1500 &&
		host_answers && portsec_clean
}

# by_mac_config MAC: uplink-seed.yaml with its uplink found by MAC, in $TMP/by-mac.yaml.
by_mac_config() {
	sed "s/uplink: eno1/uplink: { mac: \"$1\" }/" "$CONF/uplink-seed.yaml" >"$TMP/by-mac.yaml"
	grep -q "mac: \"$1\"" "$TMP/by-mac.yaml" || why "no uplink: line in uplink-seed.yaml"
}

# Plan lines that change something ("+ ", "- ", "~ " first), counted.
changes_are() {
	local n
	n=$(grep -cE '^[-+~] ' "$TMP/out" || true)
	[[ $n == "$1" ]] || why "$n changes planned, expected $1"
}

case_uplink_by_mac() {
	fresh_lab || return 1
	by_mac_config 02:00:00:00:00:99 || return 1
	hn "$TMP/by-mac.yaml" up && rc_is 1 &&
		err_is_one_line_with "no NIC on this host has MAC 02:00:00:00:00:99" &&
		host_unchanged_since pristine || return 1
	by_mac_config "$LAB_ENO1_MAC" || return 1
	hn "$TMP/by-mac.yaml" check && rc_is 0 && out_has "uplink: the NIC with MAC $LAB_ENO1_MAC" ||
		return 1
	converged_on "$TMP/by-mac.yaml" && uplink_on_br0 || return 1
	# A kernel update renames the NIC; the provider's side does not change.
	in_lab ip link set eno1 down && in_lab ip link set eno1 name ens3 &&
		in_lab ip link set ens3 up || why "could not rename eno1" || return 1
	hn "$TMP/by-mac.yaml" plan && rc_is 3 && out_has "+ ovs      port ens3 on br0: system" &&
		out_has "- ovs      port eno1 on br0: created by hostnet; the uplink's old name" &&
		changes_are 2 || return 1
	hn "$TMP/by-mac.yaml" up && rc_is 0 && out_has "up: applied 2 change(s)" || return 1
	hn "$TMP/by-mac.yaml" plan && rc_is 0 && out_has "nothing to change" || return 1
	ports_are br0 ens3 && col bridge br0 other_config:hwaddr "\"$LAB_ENO1_MAC\"" &&
		host_answers && portsec_clean || return 1
	hn "$TMP/by-mac.yaml" down && rc_is 0 || return 1
	[[ $(in_lab ip -4 -o addr show dev ens3) == *"inet $LAB_HOST_ADDR "* ]] ||
		why "ens3 lacks $LAB_HOST_ADDR after down" || return 1
	[[ $(in_lab ip -4 route show default) == "default via $LAB_GW dev ens3 "* ]] ||
		why "default route: $(in_lab ip -4 route show default | tr '\n' '|')" || return 1
	host_answers && portsec_clean
}

# ---- IPv6 ----

HOST6=2001:db8:100::10
INTERVAL=${UPLINK_PING_INTERVAL:-0.005}
PINGS=()
on_exit 'for p in "${PINGS[@]}"; do kill "$p" 2>/dev/null; done'

# The provider routes IPv6 too: its link-local fe80::1 is the host's IPv6 gateway.
provider_ipv6() {
	local i
	must in_up ip -6 addr add fe80::1/64 dev gw0 nodad &&
		must in_up ip -6 addr add 2001:db8:100::1/64 dev gw0 nodad &&
		must in_lab ip -6 addr add "$HOST6/64" dev eno1 nodad &&
		must in_lab ip -6 route add default via fe80::1 dev eno1 || return 1
	for ((i = 0; i < 50; i++)); do
		in_up ping -6 -n -q -c 1 -W 1 "$HOST6" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	why "the upstream does not reach $HOST6 before any run"
}

host_answers6() {
	local s
	s=$(in_up ping -6 -n -q -c 3 -i 0.2 -W 1 "$HOST6" 2>&1 | grep transmitted || true)
	[[ $s == "3 packets transmitted, 3 received"* ]] || why "upstream ping of $HOST6: ${s:-no answer}"
}

# pings_start SECONDS: the upstream pings the host's IPv4 and IPv6 address every $INTERVAL.
pings_start() {
	local n
	n=$(awk -v d="$1" -v i="$INTERVAL" 'BEGIN { printf "%d", d / i }')
	in_up ping -n -D -i "$INTERVAL" -c "$n" "${LAB_HOST_ADDR%/*}" >"$TMP/ping4" 2>&1 &
	PINGS=($!)
	in_up ping -6 -n -D -i "$INTERVAL" -c "$n" "$HOST6" >"$TMP/ping6" 2>&1 &
	PINGS+=($!)
	sleep 0.5
}

# pings_report WHAT T0 T1: the losses of each family, printed; fails on a loss or when the
# replies do not surround the change.
pings_report() {
	local what=$1 t0=$2 t1=$3 fam f sent recv first last bad=0
	for p in "${PINGS[@]}"; do wait "$p" || true; done
	PINGS=()
	for fam in 4 6; do
		f=$TMP/ping$fam
		sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$f")
		recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$f")
		[[ -n $sent && -n $recv ]] || why "IPv$fam: no ping summary" || return 1
		first=$(grep -m1 -o '^\[[0-9.]*\] 64 bytes' "$f" | tr -d '[' | awk '{printf "%.0f", $1 * 1000}')
		last=$(grep -o '^\[[0-9.]*\] 64 bytes' "$f" | tail -n 1 | tr -d '[' | awk '{printf "%.0f", $1 * 1000}')
		echo "# $what, IPv$fam: $((sent - recv)) of $sent echo replies lost (every $INTERVAL s)," \
			"the change took $((t1 - t0)) ms"
		[[ -n $first && -n $last ]] && ((first < t0 && last > t1)) ||
			why "IPv$fam pings did not cover the change" || return 1
		((sent == recv)) || bad=1
	done
	((bad == 0)) || why "echo replies lost during $what"
}

ipv6_on_br0() {
	[[ $(in_lab ip -6 -o addr show dev br0) == *"inet6 $HOST6/64 "* ]] || why "br0 lacks $HOST6" || return 1
	[[ -z $(in_lab ip -6 -o addr show dev br0 tentative scope global) ]] || why "br0's $HOST6 is tentative" || return 1
	[[ -z $(in_lab ip -6 -o addr show dev eno1 scope global) ]] || why "eno1 still has global IPv6" || return 1
	[[ $(in_lab ip -6 route show default) == "default via fe80::1 dev br0 "* ]] ||
		why "IPv6 default route: $(in_lab ip -6 route show default | tr '\n' '|')"
}

ipv6_on_eno1() {
	[[ $(in_lab ip -6 -o addr show dev eno1) == *"inet6 $HOST6/64 "* ]] || why "eno1 lacks $HOST6" || return 1
	[[ $(in_lab ip -6 route show default) == "default via fe80::1 dev eno1 "* ]] ||
		why "IPv6 default route: $(in_lab ip -6 route show default | tr '\n' '|')"
}

# As a boot after a rename leaves the host: ens3 down, no address on it or on br0.
booted_renamed() {
	must in_lab ip addr flush dev br0 && must in_lab ip link set br0 down &&
		must in_lab ip link set "$1" down && must in_lab ip link set "$1" name ens3
}

case_renamed_while_down() {
	fresh_lab && by_mac_config "$LAB_ENO1_MAC" && converged_on "$TMP/by-mac.yaml" || return 1
	booted_renamed eno1 || return 1
	hn "$TMP/by-mac.yaml" up && rc_is 0 && out_has "~ netlink  link ens3: down -> up" &&
		out_has "+ netlink  address $LAB_HOST_ADDR on br0" || return 1
	ports_are br0 ens3 && host_answers && portsec_clean || return 1
	hn "$TMP/by-mac.yaml" plan && rc_is 0 || return 1
	# Again, and the gateway silent: moved all the same, not rolled back.
	booted_renamed ens3 && must in_lab ip link set ens3 name eno1b && gateway_silent || return 1
	hn "$TMP/by-mac.yaml" up --gateway-timeout 500 && rc_is 1 &&
		err_is_one_line_with "after moving an uplink whose address was on neither the NIC nor its bridge" \
			"not rolled back" || return 1
	gateway_answers || return 1
	ports_are br0 eno1b && host_answers && portsec_clean && hn "$TMP/by-mac.yaml" plan && rc_is 0
}

case_ipv6_move_under_ping() {
	local t0 t1
	fresh_lab && provider_ipv6 && host_snapshot pristine6 || return 1
	pings_start 4
	t0=$(now_ms)
	hn uplink-seed.yaml up
	t1=$(now_ms)
	rc_is 0 && out_has "up: applied 15 change(s)" &&
		out_has "+ netlink  address $HOST6/64 on br0" &&
		out_has "~ netlink  route ::/0 via fe80::1 dev br0: replaces ::/0 via fe80::1 dev eno1" ||
		return 1
	pings_report "migrating up" "$t0" "$t1" && uplink_on_br0 && ipv6_on_br0 || return 1
	hn uplink-seed.yaml plan && rc_is 0 && host_answers && host_answers6 || return 1
	# verify asks the IPv6 gateway from br0 too, and finds no global IPv6 left on eno1.
	hn uplink-seed.yaml verify
	line_is OK "uplink eno1 IPv6 address" "none" && line_is OK "gateway fe80::1 from br0" &&
		line_is OK "gateway 198.51.100.1 from br0" || return 1
	pings_start 3
	t0=$(now_ms)
	hn uplink-seed.yaml down
	t1=$(now_ms)
	rc_is 0 && out_has "down: applied 11 change(s)" || return 1
	pings_report "down" "$t0" "$t1" && uplink_on_eno1 && ipv6_on_eno1 &&
		host_unchanged_since pristine6 brd-ok && host_answers && host_answers6 && portsec_clean
}

case_ipv6_only_uplink() {
	fresh_lab && provider_ipv6 && must in_lab ip -4 addr flush dev eno1 || return 1
	hn uplink-inherit.yaml up && rc_is 0 && out_has "+ netlink  address $HOST6/64 on br0" &&
		out_lacks "198.51.100.10" || return 1
	ipv6_on_br0 && hn uplink-inherit.yaml plan && rc_is 0 && host_answers6 || return 1
	hn uplink-inherit.yaml down && rc_is 0 && ipv6_on_eno1 && host_answers6 && portsec_clean
}

case_reach_ipv6() {
	local i
	fresh_lab || return 1
	hn uplink-reach6.yaml up && rc_is 0 || return 1
	# brint's address is new to the host (not moved): DAD runs; verify after it.
	for ((i = 0; i < 60; i++)); do
		[[ -z $(in_lab ip -6 -o addr show dev brint tentative scope global) ]] && break
		sleep 0.05
	done
	hn uplink-reach6.yaml verify
	line_is OK "reach 2001:db8:99::250 from vlan 99" "is at" &&
		line_is OK "reach 2001:db8:99::250 from vlan 10" "no neighbor advertisement" &&
		line_is OK "reach 10.99.1.250 from vlan 99" || return 1
	# The probe would also answer for a target that is not there: it must not.
	sed 's/2001:db8:99::250", expect: ok/2001:db8:99::251", expect: ok/' \
		"$CONF/uplink-reach6.yaml" >"$TMP/reach6-absent.yaml"
	hn "$TMP/reach6-absent.yaml" verify
	line_is CRITICAL "reach 2001:db8:99::251 from vlan 99" "no neighbor advertisement"
}

case_silent_ipv6_gateway_refused() {
	fresh_lab && provider_ipv6 && host_snapshot pristine6 || return 1
	sed "s/gateway: 198.51.100.1/gateway: 198.51.100.1\n    gateway6: 'fe80::99'/" \
		"$CONF/uplink-seed.yaml" >"$TMP/silent6.yaml"
	hn "$TMP/silent6.yaml" up --gateway-timeout 500 && rc_is 1 &&
		err_is_one_line_with "IPv6 gateway fe80::99 does not answer neighbor solicitation from eno1" \
			"nothing was changed" &&
		host_unchanged_since pristine6 && host_answers && host_answers6 && portsec_clean
}

ipv6_silent() {
	in_up nft -f - <<<"table netdev up_ipv6_silent {
	chain ingress { type filter hook ingress device \"gw0\" priority 0; meta protocol ip6 drop; }
}"
}
ipv6_answers() { in_up nft delete table netdev up_ipv6_silent; }

case_ipv6_gateway_silent_after_move_rolls_back() {
	local i held=no
	fresh_lab && provider_ipv6 && host_snapshot pristine6 || return 1
	# As hn_gateway_fault (lib.sh), with only IPv6 silenced: the probes before pass, the
	# OVS transaction commits, then the provider stops answering IPv6 while up waits.
	pause_pid "$(cat "$LAB_DIR/ovs-vswitchd.pid")"
	hn_bg fault uplink-seed.yaml up --gateway-timeout 1000
	for ((i = 0; i < 200; i++)); do
		vsctl --no-wait br-exists br0 2>/dev/null && held=yes && break
		sleep 0.05
	done
	[[ $held == no ]] || ipv6_silent
	resume_pid
	hn_join fault
	[[ $held == yes ]] || why "br0 never showed up in OVSDB" || return 1
	rc_is 1 && err_is_one_line_with "br0: gateway fe80::1 did not answer neighbor solicitation" \
		"all 15 change(s) were rolled back" || return 1
	ipv6_answers || why "could not lift the IPv6 silence" || return 1
	uplink_on_eno1 && ipv6_on_eno1 && host_unchanged_since pristine6 && host_answers &&
		host_answers6 && portsec_clean
}

case_import_ipv6() {
	fresh_lab && provider_ipv6 || return 1
	hn uplink-seed.yaml up && rc_is 0 && ipv6_on_br0 || return 1
	must in_lab ip -6 route add 2001:db8:300::/48 via fe80::1 dev br0 &&
		must in_lab ip -6 addr add 2001:db8:100::aa/64 dev br0 nodad valid_lft 3600 \
			preferred_lft 3600 || return 1
	hn uplink-seed.yaml import && rc_is 0 || return 1
	cp "$TMP/out" "$TMP/imported.yaml"
	out_has "    addresses: [198.51.100.10/24, $HOST6/64]" && out_has "    gateway6: fe80::1" &&
		out_has "    routes: [{ to: 2001:db8:300::/48, via: fe80::1 }]" &&
		out_has "address 2001:db8:100::aa/64 dev br0: learned from a router advertisement" ||
		return 1
	hn "$TMP/imported.yaml" plan && rc_is 0 || return 1
	hn "$TMP/imported.yaml" --json import && rc_is 0 || return 1
	[[ $(jq -c .config.bridges.br0.gateway6 "$TMP/out") == '"fe80::1"' ]] ||
		why "import --json: br0.gateway6 is $(jq -c .config.bridges.br0.gateway6 "$TMP/out")"
}

case_ipv6_on_a_port() {
	local i
	fresh_lab || return 1
	hn uplink-port6.yaml up && rc_is 0 && out_has "+ netlink  address 2001:db8:250::1/64 on mon0" &&
		out_has "+ netlink  route 2001:db8:251::/48 via 2001:db8:250::fe dev mon0" || return 1
	[[ $(in_lab ip -6 -o addr show dev mon0 scope global) == *"inet6 2001:db8:250::1/64 "* ]] ||
		why "mon0 lacks 2001:db8:250::1/64" || return 1
	[[ $(in_lab ip -6 route show 2001:db8:251::/48) == "2001:db8:251::/48 via 2001:db8:250::fe dev mon0 proto 104 "* ]] ||
		why "route: $(in_lab ip -6 route show 2001:db8:251::/48)" || return 1
	hn uplink-port6.yaml plan && rc_is 0 || return 1
	for ((i = 0; i < 60; i++)); do # a new address: DAD runs before it answers
		[[ -z $(in_lab ip -6 -o addr show dev mon0 tentative scope global) ]] && break
		sleep 0.05
	done
	hn uplink-port6.yaml verify
	line_is OK "reach 2001:db8:250::1 from vlan 250" "is at" &&
		line_is OK "reach 2001:db8:250::1 from vlan 99" "no neighbor advertisement" || return 1
	hn uplink-port6.yaml import && rc_is 0 &&
		out_has 'addresses: [10.250.1.1/24, 2001:db8:250::1/64], routes: [{ to: 2001:db8:251::/48, via: 2001:db8:250::fe }]' ||
		return 1
	sed -e 's|, "2001:db8:250::1/64"||' -e '/2001:db8:251::/d' -e '/reach:/,$d' \
		"$CONF/uplink-port6.yaml" >"$TMP/port4.yaml"
	hn "$TMP/port4.yaml" up && rc_is 0 && out_has "- netlink  address 2001:db8:250::1/64 on mon0" &&
		out_has "- netlink  route 2001:db8:251::/48 via 2001:db8:250::fe dev mon0" || return 1
	[[ -z $(in_lab ip -6 -o addr show dev mon0 scope global) ]] || why "mon0 kept its IPv6 address" || return 1
	hn "$TMP/port4.yaml" plan && rc_is 0
}

need_hostnet
run_cases mtu_9000 uplink_by_mac renamed_while_down ipv6_move_under_ping ipv6_only_uplink reach_ipv6 silent_ipv6_gateway_refused \
	ipv6_gateway_silent_after_move_rolls_back import_ipv6 ipv6_on_a_port
