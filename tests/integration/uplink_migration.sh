#!/usr/bin/env bash
# uplink_migration.sh - the uplink move in a lab host whose upstream enforces
# port security as the seed's provider does (vm-tests/lab-port-security: every frame from a
# source MAC other than eno1's is dropped, and counted; every case checks the count is 0).
#
# hostnet runs inside lab UPLINK_LAB (default hn-uplink) with every layer; the lab has no
# libvirtd and the configs no libvirt section. Every case gets a fresh lab (a start takes ~0.2 s), so one failure cannot spill
# into the next.
#
# Cases:
#   migration_under_ping       up while the upstream pings the host every 5 ms: prints the
#                              lost replies (DUP! replies of the netdev datapath are not
#                              loss) and the wall time of the migrating and of a converged
#                              up; br0 has eno1's MAC, eno1 no IPv4 address, default via br0,
#                              plan exits 0, the host answers (without DUP! once lab-dedup)
#   down_restores_eno1         down under ping: eno1 gets address and default route back
#                              exactly as the lab made them, br0 is gone, the host answers
#   silent_gateway_refused     a gateway nobody answers for: exit 1, one stderr line, the
#                              host exactly as before, nothing created in OVS
#   fault_during_move_rolls_back
#                              vswitchd is stopped, up commits its OVS transaction (eno1 in
#                              br0 in OVSDB), the upstream goes silent, vswitchd resumes:
#                              the post-move probe fails, exit 1, everything rolled back;
#                              once the upstream answers again the host answers on eno1
#   onlink_route_kept          eno1's default route `onlink` (as ifupdown makes it): the
#                              rollback of a fault during the move puts it back as it was, up
#                              carries the flag to br0's route and down back to eno1's
#   half_migrated_address_on_both
#   half_migrated_address_on_both_route_on_eno1
#   half_migrated_eno1_in_br0_address_on_eno1
#   half_migrated_by_hand_with_ovs_vsctl
#                              states a killed run (or an operator) leaves: up converges to
#                              the migrated state, plan exits 0, the host answers
#   two_ups_at_once            from scratch: both exit 0, one applies, the other (after the
#                              host lock of the lab's namespace, /run/hostnet/lock.net<inode>)
#                              finds nothing to change
#   addresses_taken_from_eno1  a config without br0's addresses and gateway: same end state
#                              (the explicit config's plan then exits 0); down gives back
#   gateway_entry_carried_from_the_nic
#                              eight other devices hold an entry for the gateway's address
#                              with a MAC nobody has: up gives br0 the entry eno1 had, down
#                              gives it back to eno1 (not one of theirs)
#   down_after_adopting_a_hand_made_br0
#   down_after_finishing_a_move_onto_a_hand_made_br0
#                              a br0 made by hand with eno1 on it (the address moved by hand,
#                              or by up as at a boot of a host taken over): down leaves the
#                              uplink whole, the address and default route on br0, once
#   down_on_a_hand_made_br0_hostnet_moved_onto
#                              hostnet put eno1 on it: down takes it off, eno1 gets its address
#
# The host lock is one per network namespace: no hostnet run of another lab (another test
# on this machine) makes a run here wait, so the wall times below are hostnet's own.
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). Lines that
# start with "# " are figures. The last line is "N passed, N failed"; the exit status is
# non-zero when a case failed. UPLINK_PING_INTERVAL (0.005 s) is ping's -i: iputils' -i 0.01
# really sends every ~16 ms here, -i 0.005 every 5 ms.
# The harness (the lab, hostnet runs, the uplink's checks, the case runner) is lib.sh.

set -euo pipefail

HN_LAB=${UPLINK_LAB:-hn-uplink}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SEED=uplink-seed.yaml

# A fresh lab for each case, port security on, and a picture of it as the lab made it.
fresh_lab() { lab_start_portsec && lab_settled && host_snapshot pristine; }

# ---- end states ----

migrated() { migrated_on "${1:-$SEED}"; }

# eno1 holds the address and the default route, no bridge: the lab as it was made.
unmigrated() {
	uplink_on_eno1 && host_unchanged_since pristine brd-ok && host_answers && portsec_clean
}

# ---- cases ----

# Five converged ups: CONVERGED says the fastest and the slowest.
timed_converged_ups() {
	local i min='' max=0
	for ((i = 0; i < 5; i++)); do
		hn "$SEED" -v up
		rc_is 0 && out_has "up: nothing to change" || return 1
		((ELAPSED > max)) && max=$ELAPSED
		[[ -n $min ]] && ((min <= ELAPSED)) || min=$ELAPSED
	done
	CONVERGED="$min..$max ms over 5 runs"
}

case_migration_under_ping() {
	local t0 t1 s
	fresh_lab || return 1
	ping_start 4
	t0=$(now_ms)
	hn "$SEED" -v up
	t1=$(now_ms)
	rc_is 0 && out_has "up: applied 12 change(s)" || { ping_wait; return 1; }
	ping_report "migrating up" "$t0" "$t1" || return 1
	timed_converged_ups || return 1
	echo "# wall time: migrating up $((t1 - t0)) ms, converged up $CONVERGED"
	migrated || return 1
	# The netdev datapath's DUP! replies (ARCHITECTURE.md, "Test beds") go with lab-dedup.
	"$ROOT/vm-tests/lab-dedup" "$HN_LAB" on || why "lab-dedup on failed" || return 1
	s=$(in_up ping -n -q -c 50 -i 0.01 -W 1 "${LAB_HOST_ADDR%/*}" 2>&1 | grep transmitted || true)
	[[ $s == "50 packets transmitted, 50 received, 0% packet loss"* ]] ||
		why "after the move, with lab-dedup: $s"
}

case_down_restores_eno1() {
	local t0 t1
	fresh_lab || return 1
	hn "$SEED" up && rc_is 0 && migrated || return 1
	ping_start 3
	t0=$(now_ms)
	hn "$SEED" down
	t1=$(now_ms)
	rc_is 0 && out_has "down: applied 8 change(s)" || { ping_wait; return 1; }
	ping_report "down" "$t0" "$t1" && unmigrated || return 1
	hn "$SEED" down && rc_is 0 && out_has "down: nothing to change"
}

case_silent_gateway_refused() {
	fresh_lab || return 1
	hn uplink-silent-gw.yaml up --gateway-timeout 500 && rc_is 1 &&
		err_is_one_line_with "gateway 198.51.100.254 does not answer ARP from eno1" \
			"nothing was changed" &&
		host_unchanged_since pristine && host_answers && portsec_clean
}

br0_in_ovsdb() { vsctl --no-wait br-exists br0 2>/dev/null; }

case_fault_during_move_rolls_back() {
	fresh_lab || return 1
	# vswitchd paused: up's first OVS transaction (the bridges) commits, then up waits for
	# cur_cfg. Once br0 is in OVSDB, after the probe before the move and before anything
	# of the kernel moved: the fault. Then br0 gets the address, eno1 joins, the route and
	# the address switch, and the probe after fails.
	hn_gateway_fault br0_in_ovsdb "$SEED" up --gateway-timeout 1000 ||
		why "br0 never showed up in OVSDB" || return 1
	rc_is 1 && err_is_one_line_with "br0: gateway 198.51.100.1 did not answer ARP within 1000 ms" \
		"all 12 change(s) were rolled back" || return 1
	uplink_on_eno1 && host_unchanged_since pristine || return 1
	"$ROOT/vm-tests/lab-gw" "$HN_LAB" answer && host_answers && portsec_clean
}

# eno1's default route `onlink`, as ifupdown's `gateway` makes it on Debian (and as a
# provider's gateway outside the host's subnet needs it): a rollback puts it back as it was,
# and an up then a down give it back to eno1 with the flag.
case_onlink_route_kept() {
	fresh_lab || return 1
	must in_lab ip route replace default via "$LAB_GW" dev eno1 onlink && host_snapshot pristine ||
		return 1
	hn_gateway_fault br0_in_ovsdb "$SEED" up --gateway-timeout 1000 ||
		why "br0 never showed up in OVSDB" || return 1
	rc_is 1 && err_has "rolled back" && host_unchanged_since pristine || return 1
	"$ROOT/vm-tests/lab-gw" "$HN_LAB" answer || why "lab-gw answer failed" || return 1
	hn "$SEED" up && rc_is 0 && migrated || return 1
	[[ $(in_lab ip -4 route show default) == *" onlink"* ]] ||
		why "br0's default route lost onlink: $(in_lab ip -4 route show default)" || return 1
	hn "$SEED" down && rc_is 0 && [[ $(in_lab ip -4 route show default) == "default via $LAB_GW dev eno1 onlink"* ]] ||
		why "eno1's default route after down: $(in_lab ip -4 route show default)"
}

# After a full up, put the host in a state a killed run leaves, then up again.
converges_from() {
	hn "$SEED" up && rc_is 0 && host_answers || return 1
	"$@" || why "could not make the half-migrated state" || return 1
	hn "$SEED" plan && rc_is 3 || return 1
	hn "$SEED" up && rc_is 0 && out_has "up: applied" && migrated
}

address_back_on_eno1() { in_lab ip addr add "$LAB_HOST_ADDR" dev eno1; }
address_and_route_back_on_eno1() {
	in_lab ip addr add "$LAB_HOST_ADDR" dev eno1 && in_lab ip route replace default via "$LAB_GW" dev eno1
}
# OVS done, nothing of the kernel yet: br0 down and bare, eno1 keeps address and route.
only_ovs_done() {
	address_and_route_back_on_eno1 && in_lab ip addr del "$LAB_HOST_ADDR" dev br0 &&
		in_lab ip link set br0 down
}

# The state a boot leaves when the gateway is silent at that moment: OVS's database brought
# br0 back with eno1, ifupdown gave eno1 the address and the default route. On the kernel
# datapath nothing reaches that address, so up finishes the move whatever the gateway does
# and does not roll back to it: exit 1 saying so, and once the gateway answers again the
# host answers on br0, with nothing left to change.
case_half_migrated_with_a_silent_gateway_is_finished() {
	fresh_lab && hn "$SEED" up && rc_is 0 && only_ovs_done || return 1
	"$ROOT/vm-tests/lab-gw" "$HN_LAB" silent || why "lab-gw silent failed" || return 1
	hn "$SEED" up --gateway-timeout 500
	rc_is 1 && err_is_one_line_with "did not answer ARP within 500 ms after finishing a half-done uplink move; not rolled back" ||
		return 1
	"$ROOT/vm-tests/lab-gw" "$HN_LAB" answer || why "lab-gw answer failed" || return 1
	migrated
}

case_half_migrated_address_on_both() {
	fresh_lab && converges_from address_back_on_eno1
}

case_half_migrated_address_on_both_route_on_eno1() {
	fresh_lab && converges_from address_and_route_back_on_eno1
}

case_half_migrated_eno1_in_br0_address_on_eno1() {
	fresh_lab && converges_from only_ovs_done
}

# An operator's own br0 (no hostnet mark) with eno1 and eno1's MAC, the address on eno1.
case_half_migrated_by_hand_with_ovs_vsctl() {
	fresh_lab || return 1
	must vsctl add-br br0 -- set bridge br0 datapath_type=netdev \
		"other_config:hwaddr=\"$LAB_ENO1_MAC\"" -- add-port br0 eno1 || return 1
	hn "$SEED" up && rc_is 0 && out_has "- netlink  address $LAB_HOST_ADDR on eno1: moved to br0" &&
		migrated
}

case_two_ups_at_once() {
	local one two
	fresh_lab || return 1
	hn_bg one "$SEED" up
	hn_bg two "$SEED" up
	hn_join one
	one=$RC
	hn_join two
	two=$RC
	cat "$TMP/one.out" "$TMP/two.out" >"$TMP/out"
	cat "$TMP/one.err" "$TMP/two.err" >"$TMP/err"
	[[ $one == 0 && $two == 0 ]] || why "exit $one and $two, expected 0 and 0" || return 1
	[[ $(grep -c "^up: applied 12 change(s)" "$TMP/out") == 1 &&
		$(grep -c "^up: nothing to change" "$TMP/out") == 1 ]] ||
		why "expected one run to apply 12 changes and the other to find nothing to change" || return 1
	migrated
}

case_addresses_taken_from_eno1() {
	local inherit=uplink-inherit.yaml
	fresh_lab || return 1
	hn "$inherit" plan && rc_is 3 &&
		out_has "+ netlink  address $LAB_HOST_ADDR on br0" &&
		out_has "~ netlink  route 0.0.0.0/0 via $LAB_GW dev br0: replaces 0.0.0.0/0 via $LAB_GW dev eno1 (not hostnet's; the uplink move takes it)" &&
		out_has "- netlink  address $LAB_HOST_ADDR on eno1: moved to br0 (not hostnet's; the uplink move takes it)" &&
		hn "$inherit" up && rc_is 0 && out_has "up: applied 12 change(s)" &&
		migrated "$inherit" &&
		# The state the explicit config asks for: nothing to change.
		hn "$SEED" plan && rc_is 0 &&
		# Now eno1 holds nothing: both are read from br0, and down gives them back.
		hn "$inherit" down && rc_is 0 && unmigrated
}

# The seed's host made by hand (br0 with eno1, the address moved by hand), adopted by up:
# down cannot take eno1 off a bridge hostnet did not create, so it leaves the uplink whole
# (the address stays on br0, once) and says so, and the host still answers.
case_down_after_adopting_a_hand_made_br0() {
	fresh_lab && seed_by_hand || return 1
	hn "$SEED" up && rc_is 0 && migrated || return 1
	hn "$SEED" down
	rc_is 0 && out_has "note: br0 keeps $LAB_HOST_ADDR and its uplink eno1: hostnet did not create br0" ||
		return 1
	[[ -z $(in_lab ip -4 -o addr show dev eno1) ]] ||
		why "eno1 got an address while still a port of br0: $(in_lab ip -4 -o addr show dev eno1)" ||
		return 1
	[[ $(in_lab ip -4 -o addr show | grep -c " inet ${LAB_HOST_ADDR%/*}/") == 1 ]] ||
		why "the host's address is on $(in_lab ip -4 -o addr show | grep -c " inet ${LAB_HOST_ADDR%/*}/") interfaces" ||
		return 1
	uplink_on_br0 && host_answers && portsec_clean || return 1
	hn "$SEED" down && rc_is 0 && out_has "down: nothing to change"
}

# The seed's host after its takeover and a boot: a hand-made br0 (no mark) holds eno1, and
# ifupdown gave eno1 the address, so up finished the move: the address and default route on
# br0 are hostnet's (marked). down still cannot take eno1 off br0, so it must keep them too:
# removing them would leave the host without its address.
case_down_after_finishing_a_move_onto_a_hand_made_br0() {
	fresh_lab || return 1
	must vsctl add-br br0 -- set bridge br0 datapath_type=netdev \
		"other_config:hwaddr=\"$LAB_ENO1_MAC\"" -- add-port br0 eno1 || return 1
	hn "$SEED" up && rc_is 0 && migrated || return 1
	hn "$SEED" down
	rc_is 0 && out_has "note: br0 keeps $LAB_HOST_ADDR and its uplink eno1" &&
		out_lacks "address $LAB_HOST_ADDR on br0" && out_lacks "route 0.0.0.0/0" || return 1
	uplink_on_br0 && host_answers && portsec_clean || return 1
	hn "$SEED" down && rc_is 0 && out_has "down: nothing to change"
}

# A hand-made br0 without eno1: hostnet moves the uplink onto it (eno1's port is hostnet's),
# so down takes eno1 off it again and gives it its address back; br0 itself stays.
case_down_on_a_hand_made_br0_hostnet_moved_onto() {
	fresh_lab || return 1
	must vsctl add-br br0 -- set bridge br0 datapath_type=netdev || return 1
	hn "$SEED" up && rc_is 0 && migrated || return 1
	hn "$SEED" down && rc_is 0 && out_lacks "note:" || return 1
	in_lab ip -4 -o addr show dev eno1 | grep -q "inet $LAB_HOST_ADDR " ||
		why "eno1 lacks $LAB_HOST_ADDR" || return 1
	[[ -z $(in_lab ip -4 -o addr show dev br0) ]] || why "br0 still holds an address" || return 1
	vsctl br-exists br0 || why "the hand-made br0 was removed" || return 1
	ports_are br0 "" && host_answers && portsec_clean
}

case_gateway_entry_carried_from_the_nic() {
	local i mac
	fresh_lab || return 1
	must in_lab ping -n -q -c 1 -W 1 "$LAB_GW" || return 1
	mac=$(gateway_mac_on eno1)
	[[ -n $mac ]] || why "eno1 has no neighbour entry for $LAB_GW after a ping" || return 1
	# Eight other devices with an entry for the gateway's address and a MAC nobody has (as a
	# bond member without an address keeps one from before the gateway's MAC changed).
	for ((i = 1; i <= 8; i++)); do
		must in_lab ip link add "hn-old$i" type veth peer name "hn-oldp$i" &&
			must in_lab ip link set "hn-old$i" up &&
			must in_lab ip neigh add "$LAB_GW" lladdr "02:00:00:00:00:0$i" dev "hn-old$i" nud stale ||
			return 1
	done
	hn "$SEED" up && rc_is 0 && migrated || return 1
	[[ $(gateway_mac_on br0) == "$mac" ]] ||
		why "br0's entry for $LAB_GW: '$(gateway_mac_on br0)', eno1 had $mac" || return 1
	hn "$SEED" down && rc_is 0 || return 1
	[[ $(gateway_mac_on eno1) == "$mac" ]] ||
		why "eno1's entry for $LAB_GW after down: '$(gateway_mac_on eno1)', the gateway's is $mac"
}

need_hostnet
run_cases down_after_adopting_a_hand_made_br0 down_after_finishing_a_move_onto_a_hand_made_br0 \
	down_on_a_hand_made_br0_hostnet_moved_onto \
	migration_under_ping down_restores_eno1 silent_gateway_refused \
	fault_during_move_rolls_back onlink_route_kept half_migrated_with_a_silent_gateway_is_finished \
	half_migrated_address_on_both \
	half_migrated_address_on_both_route_on_eno1 half_migrated_eno1_in_br0_address_on_eno1 \
	half_migrated_by_hand_with_ovs_vsctl two_ups_at_once addresses_taken_from_eno1 \
	gateway_entry_carried_from_the_nic
