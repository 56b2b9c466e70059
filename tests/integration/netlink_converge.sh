#!/usr/bin/env bash
# netlink_converge.sh - the netlink backend against a real kernel, in a lab host.
#
# hostnet runs inside lab hn-nl with --layers netlink, so only the netlink backend
# acts. Until the OVS backend makes brint (a bridge's own internal port), each case makes
# it as a veth, as an OVS internal port would be: present, down, no address.
#
# Cases: converge from nothing; a second up changes nothing and plan exits 0; drift (an
# address deleted, a route deleted, the link set down, a stray address hostnet added and
# the config dropped) listed by plan (exit 3) and repaired by up; what someone else added
# survives up and down; a gateway not on-link fails with one clear line, exit 1, the host
# exactly as before (also when a route was replaced and an address added before it); an
# interface still missing at apply; a default route (`gateway`) and a foreign default
# route in its way; down removes what hostnet added, only that.
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.
# The harness (the lab, hostnet runs, checks, the case runner) is lib.sh.

set -euo pipefail

HN_LAB=${NETLINK_LAB:-hn-nl}
HN_LAYERS=netlink
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The kernel's view, by `ip -j` and jq. Routes are hostnet's when their protocol is 104
# (iproute2 prints "hostnet" once /etc/iproute2/rt_protos.d names it).
OURS='(.protocol == "104" or .protocol == "hostnet")'
addr_there() {
	in_lab ip -j -4 addr show dev "${3:-brint}" |
		jq -e --arg a "$1" --argjson l "$2" \
			'[.[].addr_info[] | select(.local == $a and .prefixlen == $l)] | length == 1' \
			>/dev/null || why "address $1/$2 not on ${3:-brint}"
}
addr_gone() {
	! in_lab ip -j -4 addr show | jq -e --arg a "$1" '.[].addr_info[] | select(.local == $a)' \
		>/dev/null || why "address $1 still there"
}
route_ours() { # DST [GATEWAY]
	in_lab ip -j -4 route show table main exact "$1" |
		jq -e --arg g "${2:-}" "[.[] | select(.dev == \"brint\" and $OURS and
			((\$g == \"\" and .scope == \"link\" and (has(\"gateway\") | not))
			 or .gateway == \$g))] | length == 1" >/dev/null ||
		why "route $1 ${2:+via $2 }dev brint proto 104 missing"
}
no_route_of_ours() {
	! in_lab ip -j -4 route show table main | jq -e ".[] | select($OURS)" >/dev/null ||
		why "a route of hostnet's is left: $(in_lab ip -4 route show proto 104 | tr '\n' '|')"
}
link_up() {
	in_lab ip -j link show brint | jq -e '.[0].flags | index("UP")' >/dev/null ||
		why "brint is not up"
}
link_down() {
	! in_lab ip -j link show brint | jq -e '.[0].flags | index("UP")' >/dev/null ||
		why "brint is up"
}
mtu_is() {
	[[ $(in_lab ip -j link show brint | jq '.[0].mtu') == "$1" ]] || why "brint mtu is not $1"
}

# Everything of the lab's network a run could touch, to prove a failed run left it as is.
snapshot() {
	{
		in_lab ip -br link
		in_lab ip -4 -o addr
		in_lab ip -4 route show table all
	} >"$TMP/$1"
}
unchanged_since() {
	snapshot now
	cmp -s "$TMP/$1" "$TMP/now" || why "the host changed: $(diff "$TMP/$1" "$TMP/now" | tr '\n' '|')"
}

# brint as the OVS backend would leave it: there, down, nothing on it.
fresh_brint() {
	in_lab ip link del brint 2>/dev/null || true
	in_lab ip link add brint type veth peer name brint-p
	in_lab ip link set brint-p up
}

# ---- cases ----

case_converge_from_nothing() {
	fresh_brint
	hn netlink-brint.yaml plan && rc_is 3 && out_has "link brint: down -> up" &&
		out_has "+ netlink  address 10.99.1.250/32 on brint" &&
		out_has "+ netlink  route 10.99.1.0/24 dev brint" &&
		out_has "+ netlink  route 10.50.0.0/16 via 10.99.1.1 dev brint" &&
		hn netlink-brint.yaml up && rc_is 0 && out_has "applied 4 change(s)" &&
		link_up && addr_there 10.99.1.250 32 && route_ours 10.99.1.0/24 &&
		route_ours 10.50.0.0/16 10.99.1.1
}

case_second_up_changes_nothing() {
	hn netlink-brint.yaml up && rc_is 0 && out_has "nothing to change" &&
		hn netlink-brint.yaml plan && rc_is 0
}

case_drift_address_deleted() {
	in_lab ip addr del 10.99.1.250/32 dev brint
	hn netlink-brint.yaml plan && rc_is 3 &&
		out_has "+ netlink  address 10.99.1.250/32 on brint" &&
		converged_on netlink-brint.yaml && addr_there 10.99.1.250 32 &&
		route_ours 10.99.1.0/24 && route_ours 10.50.0.0/16 10.99.1.1
}

case_drift_route_deleted() {
	in_lab ip route del 10.50.0.0/16
	hn netlink-brint.yaml plan && rc_is 3 &&
		out_has "+ netlink  route 10.50.0.0/16 via 10.99.1.1 dev brint" &&
		out_has "1 change(s) pending" &&
		converged_on netlink-brint.yaml && route_ours 10.50.0.0/16 10.99.1.1
}

case_drift_link_down() {
	in_lab ip link set brint down
	hn netlink-brint.yaml plan && rc_is 3 && out_has "~ netlink  link brint: down -> up" &&
		converged_on netlink-brint.yaml && link_up && route_ours 10.99.1.0/24 &&
		route_ours 10.50.0.0/16 10.99.1.1
}

case_stray_address_removed() {
	converged_on netlink-brint-extra.yaml && addr_there 10.99.1.251 32 && mtu_is 1400 &&
		hn netlink-brint.yaml plan && rc_is 3 &&
		out_has "- netlink  address 10.99.1.251/32 on brint" && out_has "1 change(s) pending" &&
		converged_on netlink-brint.yaml && addr_gone 10.99.1.251 && addr_there 10.99.1.250 32
}

case_foreign_objects_survive_up() {
	in_lab ip addr add 10.99.1.99/24 dev brint
	in_lab ip route add 10.70.0.0/16 via 10.99.1.1 dev brint
	converged_on netlink-brint-extra.yaml && converged_on netlink-brint.yaml &&
		addr_gone 10.99.1.251 && addr_there 10.99.1.99 24 &&
		{ in_lab ip route show exact 10.70.0.0/16 | grep -q "via 10.99.1.1 dev brint" ||
			why "the foreign route 10.70.0.0/16 is gone"; }
}

case_down_removes_only_hostnets() {
	hn netlink-brint.yaml down && rc_is 0 && addr_gone 10.99.1.250 && no_route_of_ours &&
		addr_there 10.99.1.99 24 &&
		{ in_lab ip route show exact 10.70.0.0/16 | grep -q "via 10.99.1.1" ||
			why "the foreign route 10.70.0.0/16 is gone"; } &&
		hn netlink-brint.yaml down && rc_is 0 && out_has "nothing to"
}

case_gateway_not_on_link_rolls_back() {
	fresh_brint
	snapshot before
	hn netlink-badgw.yaml up && rc_is 1 &&
		err_is_one_line_with "brint: add route 10.60.0.0/16 via 192.0.2.1: Network is unreachable" &&
		err_is_one_line_with "rolled back" && unchanged_since before && link_down &&
		addr_gone 10.99.1.250 && no_route_of_ours &&
		hn netlink-badgw.yaml plan && rc_is 3 && out_has "4 change(s) pending"
}

case_gateway_not_on_link_on_a_converged_host() {
	converged_on netlink-brint.yaml || return 1
	snapshot before
	hn netlink-badgw.yaml up && rc_is 1 && err_is_one_line_with "Network is unreachable" &&
		unchanged_since before && hn netlink-brint.yaml plan && rc_is 0
}

case_failed_up_puts_a_replaced_route_back() {
	converged_on netlink-brint.yaml || return 1
	snapshot before
	hn netlink-badgw-replace.yaml plan && rc_is 3 &&
		out_has "+ netlink  address 10.99.1.252/32 on brint" &&
		out_has "~ netlink  route 10.50.0.0/16 via 10.99.1.2 dev brint: replaces 10.50.0.0/16 via 10.99.1.1 dev brint" &&
		hn netlink-badgw-replace.yaml up && rc_is 1 &&
		err_is_one_line_with "the 2 change(s) made before it were rolled back" &&
		unchanged_since before && route_ours 10.50.0.0/16 10.99.1.1 && addr_gone 10.99.1.252
}

case_interface_missing_at_apply() {
	in_lab ip link del brint
	snapshot before
	hn netlink-brint.yaml plan && rc_is 3 && out_has "~ netlink  link brint: absent -> up" &&
		out_has "+ netlink  address 10.99.1.250/32 on brint" &&
		hn netlink-brint.yaml up && rc_is 1 &&
		err_is_one_line_with "brint: no such interface" && unchanged_since before
}

case_default_route_through_gateway() {
	fresh_brint
	snapshot before
	# The lab's own default route (via eno1) holds the place: refused before any change.
	hn netlink-gateway.yaml up && rc_is 1 &&
		err_is_one_line_with "the main table already has 0.0.0.0/0 via 198.51.100.1 dev eno1" &&
		unchanged_since before || return 1
	in_lab ip route del default
	converged_on netlink-gateway.yaml && route_ours default 10.99.1.1 &&
		addr_there 10.99.1.250 24 && hn netlink-gateway.yaml down && rc_is 0 &&
		no_route_of_ours && addr_gone 10.99.1.250
	local r=$?
	in_lab ip route replace default via "$LAB_GW" dev eno1
	return $r
}

need_hostnet
lab_start_or_die
run_cases converge_from_nothing second_up_changes_nothing drift_address_deleted \
	drift_route_deleted drift_link_down stray_address_removed foreign_objects_survive_up \
	down_removes_only_hostnets gateway_not_on_link_rolls_back \
	gateway_not_on_link_on_a_converged_host failed_up_puts_a_replaced_route_back \
	interface_missing_at_apply default_route_through_gateway
