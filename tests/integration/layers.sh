#!/usr/bin/env bash
# layers.sh - which layers a run uses, and that no switch skips a safety rule, in a lab
# host.
#
# Cases:
#   env_switch_is_ignored         HOSTNET_LAYERS=ovs in the environment changes nothing: up
#                                 on the seed's bridges makes the whole guarded uplink move
#                                 (it used to put eno1 into br0 and leave its address behind)
#   layers_that_split_the_uplink_are_refused
#                                 --layers ovs, and --layers netlink, on a config with an
#                                 uplink: up and down exit 2 with one line, the host as it was
#   bad_layer_name                --layers ovs,foo: exit 2, one line naming 'foo'
#   verify_with_layers_is_never_ok
#                                 on a converged host, verify --layers ovs,netlink is UNKNOWN
#                                 (exit 3), one UNKNOWN line names the layer it skipped, every
#                                 other line is OK
#   no_libvirt_section_needs_no_libvirtd
#                                 no libvirtd and no libvirt section: up, plan (exit 0) and
#                                 verify (OK, one line "libvirt: not configured") all work
#   libvirt_section_needs_libvirtd
#                                 a libvirt section and no libvirtd: plan exits 1, one line
#   up_without_libvirtd_converges_the_host_network
#                                 a libvirt section and no libvirtd: up still moves the uplink
#                                 (the host's own network is a unit of its own), says in a
#                                 note that libvirt's networks are not in the plan, and exits
#                                 1 in one line saying the host's network was converged
#   libvirt_without_section_prunes_hostnets_own
#                                 (libvirtd running) a network hostnet defined is removed by
#                                 up once the config has no libvirt section at all; a foreign
#                                 network stays
#
# Each case gets a fresh lab (LAYERS_LAB, default hn-layers). Must run as root. $HOSTNET is
# the binary under test. The last line is "N passed, N failed". The harness is lib.sh.

set -euo pipefail

HN_LAB=${LAYERS_LAB:-hn-layers}
HN_FRESH=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SEED=uplink-seed.yaml

case_env_switch_is_ignored() {
	lab_settled || return 1
	HOSTNET_LAYERS=ovs hn "$SEED" up
	rc_is 0 && uplink_on_br0 && host_answers
}

case_layers_that_split_the_uplink_are_refused() {
	local layers cmd
	lab_settled && host_snapshot pristine || return 1
	for layers in ovs netlink ovs,libvirt; do
		for cmd in up down; do
			HN_LAYERS=$layers hn "$SEED" "$cmd"
			rc_is 2 && err_is_one_line_with "--layers $layers" "uplink eno1" &&
				out_is_empty || return 1
		done
	done
	host_unchanged_since pristine
}

case_bad_layer_name() {
	HN_LAYERS=ovs,foo hn "$SEED" plan
	rc_is 2 && err_is_one_line_with "'foo' is not a layer" && out_is_empty
}

case_verify_with_layers_is_never_ok() {
	hn "$SEED" up && rc_is 0 || return 1
	HN_LAYERS=ovs,netlink hn "$SEED" verify
	rc_is 3 && first_line_is UNKNOWN &&
		line_is UNKNOWN layers "only ovs,netlink (--layers); libvirt not checked" || return 1
	[[ $(tail -n +2 "$TMP/out" | grep -vc '^OK ') == 1 ]] || why "more than the layers line is not OK"
}

case_no_libvirt_section_needs_no_libvirtd() {
	hn "$SEED" up && rc_is 0 && uplink_on_br0 || return 1
	hn "$SEED" plan && rc_is 0 && out_has "nothing to change" || return 1
	hn "$SEED" verify && rc_is 0 && first_line_is OK &&
		line_is OK libvirt "not configured; libvirtd does not answer, not read" &&
		all_ok
}

case_libvirt_section_needs_libvirtd() {
	hn virt-front-only.yaml plan
	rc_is 1 && err_is_one_line_with "libvirt" && out_is_empty
}

case_up_without_libvirtd_converges_the_host_network() {
	lab_settled || return 1
	hn virt-front-only.yaml up
	rc_is 1 && out_has "note: libvirt: cannot connect" &&
		err_is_one_line_with "the host's network was converged (7 change(s)), the libvirt networks were not" ||
		return 1
	uplink_on_br0 && host_answers || return 1
	hn virt-front-only.yaml up
	rc_is 1 && err_has "the host's network was converged (0 change(s))"
}

case_libvirt_without_section_prunes_hostnets_own() {
	must vsh net-define "$ROOT/tests/unit/virt/seed-intern.xml" || return 1
	HN_LAYERS=libvirt hn virt-front-only.yaml up && rc_is 0 || return 1
	vsh net-info ovs-front >/dev/null 2>&1 || why "ovs-front was not defined" || return 1
	hn "$SEED" up && rc_is 0 && out_has "- libvirt  network ovs-front" || return 1
	! vsh net-info ovs-front >/dev/null 2>&1 || why "ovs-front is still defined" || return 1
	vsh net-info intern-vlans >/dev/null 2>&1 || why "the foreign intern-vlans went too" || return 1
	hn "$SEED" verify && rc_is 0 && line_is OK libvirt "not configured" &&
		! grep -q 'libvirtd does not answer' "$TMP/out" || why "verify did not read libvirt"
}

need_hostnet
for name in env_switch_is_ignored layers_that_split_the_uplink_are_refused bad_layer_name \
	verify_with_layers_is_never_ok no_libvirt_section_needs_no_libvirtd \
	libvirt_section_needs_libvirtd up_without_libvirtd_converges_the_host_network; do
	run_case "$name"
done
HN_LIBVIRT=yes
run_case libvirt_without_section_prunes_hostnets_own
finish
