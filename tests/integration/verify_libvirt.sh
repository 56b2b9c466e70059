#!/usr/bin/env bash
# verify_libvirt.sh - `hostnet verify` with every layer, libvirt included, on the seed host
# that `hostnet up` builds from etc/hostnet.yaml in a lab host with its own libvirtd.
#
# Cases: `up` builds the seed host and `plan` has nothing left; a correct host passes, with
# one OK line per object the config asks for (bridges, ports, links, addresses, routes, the
# libvirt networks and the undefined `default`), the status line counting every line; a
# portgroup (105) removed behind hostnet's back (running and persistent) is CRITICAL and
# names intern-vlans and 105; `up` puts it back and verify is OK again; the stock `default`
# network defined again behind hostnet's back is CRITICAL, and `up` removes it again.
#
# One lab, VERIFY_VIRT_LAB (default hn-verify-virt), for the whole script (a libvirtd start
# is the slow part), started with --libvirt; the cases build on one another, in order.
# Only one lab at a time may hold libvirt: while another holds it, the start is retried,
# for VERIFY_LIBVIRT_WAIT seconds at most (default 300).
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.
# The harness (the lab, hostnet runs, verify's checks, the case runner) is lib.sh.

set -euo pipefail

HN_LAB=${VERIFY_VIRT_LAB:-hn-verify-virt}
HN_LIBVIRT=yes
HN_LIBVIRT_WAIT=${VERIFY_LIBVIRT_WAIT:-300}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SEED=$ROOT/etc/hostnet.yaml

# What hostnet said, less its OK lines.
hn_said() {
	grep -v '^OK ' "$TMP/out" | tr '\n' '|'
	tr '\n' '|' <"$TMP/err"
}

# ---------------------------------------------------------------------------- cases

case_up_builds_the_seed_host() {
	vsh net-info default >/dev/null || why "the lab has no default network" || return 1
	hn "$SEED" up
	rc_is 0 || return 1
	hn "$SEED" plan
	rc_is 0 || why "plan after up has changes left"
}

case_correct_host_passes() {
	hn "$SEED" verify
	rc_is 0 || return 1
	first_line_is OK || return 1
	all_ok || return 1
	status_counts_every_line || return 1
	line_is OK "network intern-vlans" \
		"expected defined, active, autostart, bridge brint, virtualport openvswitch, portgroups 15, as configured, found defined, active, autostart, bridge brint, virtualport openvswitch, portgroups 15, as configured" ||
		return 1
	line_is OK "network ovs-front" "expected defined, active, autostart, bridge br0" || return 1
	line_is OK "network default" "expected absent, found absent" || return 1
	line_is OK "port brint" "expected internal, tag 99" || return 1
	line_is OK "route 10.99.1.0/24 dev brint" "found present" || return 1
	line_is OK "trunk vlansint" "found 100-109 tagged" || return 1
	! grep -qE '^[A-Z]+ +(ovs|netlink|libvirt) state: ' "$TMP/out" ||
		why "a per-layer state line"
}

case_portgroup_removed_is_critical() {
	must vsh net-update intern-vlans delete portgroup "<portgroup name='105'/>" \
		--live --config || return 1
	! vsh net-dumpxml intern-vlans | grep -q "portgroup name='105'" ||
		why "portgroup 105 still running" || return 1
	hn "$SEED" verify
	rc_is 2 || return 1
	first_line_is CRITICAL "network intern-vlans" || return 1
	# As read: the definition holds 14 portgroups, 105 not among them.
	line_is CRITICAL "network intern-vlans" "found defined, active, autostart, bridge brint, virtualport openvswitch, portgroups 14, portgroup 105 missing" ||
		return 1
	# Only the network: everything else is still as the config says.
	[[ $(grep -c '^CRITICAL ' "$TMP/out") == 1 ]] || why "more than one CRITICAL line"
}

case_up_repairs_it_and_verify_is_ok_again() {
	hn "$SEED" up
	rc_is 0 || return 1
	grep -q 'network intern-vlans' "$TMP/out" || why "up did not touch intern-vlans" || return 1
	vsh net-dumpxml intern-vlans | grep -q "portgroup name='105'" ||
		why "portgroup 105 not back" || return 1
	hn "$SEED" verify
	rc_is 0 || return 1
	all_ok && status_counts_every_line
}

case_default_network_back_is_critical() {
	must vsh net-define /usr/share/libvirt/networks/default.xml || return 1
	hn "$SEED" verify --no-probes
	rc_is 2 || return 1
	# net-define defines it without starting it, and verify says so.
	line_is CRITICAL "network default" "expected absent, found present, inactive" || return 1
	hn "$SEED" up
	rc_is 0 || return 1
	! vsh net-info default >/dev/null 2>&1 || why "up left network default" || return 1
	hn "$SEED" verify --no-probes
	rc_is 0 || return 1
	all_ok && status_counts_every_line
}

need_hostnet
lab_start_or_die
[[ -n ${LAB_LIBVIRT:-} ]] || setup_failed "lab $HN_LAB has no LAB_LIBVIRT"
run_cases up_builds_the_seed_host correct_host_passes portgroup_removed_is_critical \
	up_repairs_it_and_verify_is_ok_again default_network_back_is_critical
