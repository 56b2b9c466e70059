#!/usr/bin/env bash
# vm_seed_takeover.sh - the seed's host, built by hand as its article does,
# taken over by hostnet by following README.md "Taking over a host built by hand" to the
# letter, in a guest of vm-tests/vm (systemd, the kernel's OVS datapath, the provider's port
# security on).
#
# The guest (TAKEOVER_GUEST, default vm-takeover) starts as `vm start --seed-by-hand` leaves it:
# booted with the article's /etc/network/interfaces (br0 over eno1 by ifupdown's OVS stanzas),
# brint with its address and tag from /srv/boot.sh (hypervisor-boot.service), ovs-front and
# intern-vlans defined with virsh, `default` undefined. Cases, in order (each builds on the one
# before):
#   seed host built by hand   br0 (no hostnet mark) holds eno1 and the address, the default
#                          route goes through it, brint holds 10.99.1.250/32 with tag 99,
#                          the two networks are active and the only ones; the host answers
#   hand-made networks taken as they are   `hostnet plan` exits 3 with no libvirt line: the
#                          seed's networks mean what the config asks; it plans br0's and
#                          brint's ARP hygiene
#   step N                 README's Nth ```sh block of the section, run in the guest as
#                          written: its last command exits 0, what the step says it does is
#                          done, the host still answers (six steps)
#   boot after step 4      a reboot with ifupdown's stanzas and boot.sh still there and
#                          hostnet enabled: hostnet.service ran and succeeded, boot.sh's
#                          `ip addr add` found the address there, the host answers
#   boot after the takeover    a reboot once every step is done, then what vm_fresh_host.sh
#                          checks after a boot: hostnet.service ran and succeeded (its share
#                          of the boot), plan exits 0, verify OK, the provider and the host
#                          reach each other, the libvirt networks active, the unit order; and
#                          the hand-made way is off (boot.sh did not run, ifupdown made no
#                          bridge, br0 kept by OVS's database still unmarked)
#   down                   `hostnet down` leaves a consistent, reachable host: br0 is not
#                          hostnet's, so eno1 stays its port and br0 keeps the address and
#                          default route (a note: line), eno1 holds no address, the address is
#                          on one interface only, the provider reaches the host; the networks
#                          hostnet now owns are gone; a second down changes nothing
#
# Must run as root; builds the guest image on first use (vm-tests/vm). hostnet under test: see
# vm-tests/vm (HOSTNET_DEB, else a release build of this tree). Lines starting "# " are
# figures; the last line is "N passed, N failed". VM_KEEP=1 leaves the guest running.

set -euo pipefail

VM_GUEST=${TAKEOVER_GUEST:-vm-takeover}
# shellcheck source=vm-tests/vm-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"
readonly SECTION="Taking over a host built by hand"
T_START=$SECONDS

case_seed_host_built_by_hand() {
	local owner nets
	uplink_on_br0 || return 1
	owner=$(vsctl br-get-external-id br0 hostnet-owner)
	[[ -z $owner ]] || why "br0 carries hostnet's mark ($owner)" || return 1
	col Port brint tag 99 || return 1
	in_vm ip -4 -o addr show dev brint | grep -q 'inet 10.99.1.250/32 ' ||
		why "brint lacks 10.99.1.250/32 (boot.sh)" || return 1
	nets=$(in_vm virsh -q net-list --name | sed '/^$/d' | sort | xargs)
	[[ $nets == "intern-vlans ovs-front" ]] || why "active networks: '$nets'" || return 1
	[[ $(unit_prop hypervisor-boot.service Result) == success ]] ||
		why "hypervisor-boot.service did not succeed this boot" || return 1
	host_answers && portsec_clean
}

# The seed's networks, defined by hand from its own files, mean what the config asks: the
# plan takes them as they are. What it does plan is the ARP hygiene of br0 and brint.
case_hand_made_networks_taken_as_they_are() {
	put_file "$SEED" /etc/hostnet/hostnet.yaml || why "could not write the config" || return 1
	hv plan && rc_is 3 && out_lacks " libvirt " &&
		out_has "~ netlink  link br0: arp_ignore 0 -> 1, arp_announce 0 -> 2" &&
		out_has "~ netlink  link brint: arp_ignore 0 -> 1, arp_announce 0 -> 2"
}

# step N: README's Nth block as written, then what the step says it did.
step() {
	local n=$1 rc=0
	in_vm sh -c "$(cat "$TMP/block.$n")" >"$TMP/out" 2>"$TMP/err" || rc=$?
	((rc == 0)) || why "exit $rc" || return 1
	case $n in
	2)
		for net in ovs-front intern-vlans; do
			in_vm virsh net-dumpxml --inactive "$net" | grep -q '<hostnet:owner ' ||
				why "$net carries no hostnet mark" || return 1
		done
		;;
	3)
		out_has "up: " && out_lacks "uplink move" || return 1
		! grep -q '^- ' "$TMP/out" || why "the plan removes something" || return 1
		NOTE=$(grep -E '^(nothing to change|up: )' "$TMP/out" | tr '\n' ';')
		;;
	4) [[ $(in_vm systemctl is-enabled hostnet.service) == enabled ]] || why "hostnet is not enabled" ;;
	5)
		[[ $(in_vm systemctl is-enabled hypervisor-boot.service) == disabled ]] ||
			why "hypervisor-boot is still enabled"
		;;
	6) ! in_vm grep -q ovs_type /etc/network/interfaces || why "ovs_type stanzas are still there" ;;
	esac || return 1
	host_answers && portsec_clean
}

# boot.sh ran after hostnet and found brint's address there.
boot_sh_harmless() {
	unit_succeeded hostnet.service || return 1
	in_vm journalctl -b -u hypervisor-boot.service --no-pager -q -o cat >"$TMP/journal"
	grep -q 'File exists' "$TMP/journal" ||
		why "boot.sh's journal: $(tr '\n' '|' <"$TMP/journal")" || return 1
	NOTE="hostnet: $(in_vm journalctl -b -u hostnet.service --no-pager -q -o cat | grep -E '^up: ')"
}

hand_made_way_off() {
	[[ $(unit_prop hypervisor-boot.service ExecMainStartTimestampMonotonic) == 0 ]] ||
		why "hypervisor-boot.service ran this boot" || return 1
	in_vm journalctl -b -u networking.service --no-pager -q -o cat >"$TMP/journal"
	! grep -q 'ovs-vsctl' "$TMP/journal" ||
		why "ifupdown ran ovs-vsctl: $(grep ovs-vsctl "$TMP/journal" | tr '\n' '|')" || return 1
	[[ -z $(vsctl br-get-external-id br0 hostnet-owner) ]] || why "br0 got hostnet's mark" || return 1
	in_vm journalctl -b -u hostnet.service --no-pager -q -o cat >"$TMP/journal"
	NOTE="this boot's hostnet: $(grep -cE '^[-+~] ' "$TMP/journal") change(s), $(grep -c 'moved to br0' "$TMP/journal") moved to br0 after ifupdown gave eno1 the address"
}

case_down() {
	local n
	hv down && rc_is 0 &&
		out_has "note: br0 keeps $VM_ADDR and its uplink eno1: hostnet did not create br0" &&
		out_lacks "address $VM_ADDR on br0" || return 1
	uplink_on_br0 || return 1
	n=$(in_vm ip -4 -o addr show | grep -c " inet ${VM_ADDR%/*}/" || true)
	((n == 1)) || why "the host's address is on $n interfaces" || return 1
	[[ -z $(in_vm virsh -q net-list --all --name | sed '/^$/d') ]] ||
		why "hostnet's networks are still defined" || return 1
	host_answers && portsec_clean || return 1
	NOTE=$(grep -c '^- ' "$TMP/out")" removal(s), the uplink left on br0"
	hv down && rc_is 0 && out_has "down: nothing to change"
}

guest_start_or_die --seed-by-hand
echo "# the seed host: up ${BOOTED} s after qemu started (its second boot)"
readme_blocks "$SECTION"
((N_BLOCKS == 6)) || setup_failed "README's \"$SECTION\" has $N_BLOCKS sh blocks, expected 6"
check "seed host built by hand" case_seed_host_built_by_hand
check "hand-made networks taken as they are" case_hand_made_networks_taken_as_they_are
for n in 1 2 3 4; do
	check "step $n" step "$n"
done
check "boot after step 4: reboot" rebooted
check "boot after step 4: hostnet ran, boot.sh harmless" boot_sh_harmless
check "boot after step 4: provider and host reach each other" reachable
for n in 5 6; do
	check "step $n" step "$n"
done
check "boot after the takeover: reboot" rebooted
check "boot after the takeover: hostnet.service ran and succeeded" hostnet_ran
check "boot after the takeover: plan exits 0" plan_is_0
check "boot after the takeover: verify OK" verified
check "boot after the takeover: provider and host reach each other" reachable
check "boot after the takeover: libvirt networks active" libvirt_networks
check "boot after the takeover: unit order" unit_order
check "boot after the takeover: the hand-made way is off" hand_made_way_off
check "down" case_down
echo "# vm_seed_takeover: $((SECONDS - T_START)) s"
finish
