#!/usr/bin/env bash
# import.sh - `hostnet import` against a lab host: real ovsdb-server and ovs-vswitchd
# (userspace datapath), the kernel of a namespace, a real libvirtd.
#
# Cases: the seed's host made by hand exactly as the seed makes it (ovs-vsctl, ip, virsh
# with the seed's own XML, libvirt's default network removed), with a running guest's port
# on br0, is imported into a config that `check` takes and against which `plan` finds
# nothing to change; the guest's port is left out with a comment. The seed config, applied
# by `up` and imported again, means the same as the original (compared as `check --json`
# reads both). `--json` is one document whose config means the same as the YAML. An
# internal port on VLAN 250 with an address of its own answers ARP on VLAN 250 for it and
# never for the hypervisor's VLAN 99 address (verify's ARP probes), and import reads its
# address back.
#
# Each case gets a fresh lab IMPORT_LAB (default hn-import). Must run as root. $HOSTNET is
# the binary under test (default build/hostnet). The last line is "N passed, N failed".

set -euo pipefail

HN_LAB=${IMPORT_LAB:-hn-import}
HN_LIBVIRT=yes
HN_FRESH=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# import's output as a config file: $TMP/imported.yaml (or .json with --json).
import_to() {
	hn verify-seed.yaml "$@" import
	rc_is 0 || return 1
	IMPORT_MS=$ELAPSED
	[[ ! -s $TMP/err ]] || why "import wrote on stderr: $(tr '\n' '|' <"$TMP/err")" || return 1
	if [[ ${1:-} == --json ]]; then
		cp "$TMP/out" "$TMP/imported.json"
	else
		cp "$TMP/out" "$TMP/imported.yaml"
	fi
}

# The seed's libvirt steps, with its own XML: the default network gone, the two defined,
# started and autostarted.
seed_networks_by_hand() {
	local x n
	if vsh net-info default >/dev/null 2>&1; then
		vsh net-destroy default >/dev/null 2>&1 || true
		must vsh net-undefine default || return 1
	fi
	for x in seed-front seed-intern; do
		must vsh net-define "$ROOT/tests/unit/virt/$x.xml" || return 1
	done
	for n in ovs-front intern-vlans; do
		must vsh net-start "$n" && must vsh net-autostart "$n" || return 1
	done
}

# What a config means, as `check --json` reads it, sorted where order means nothing; the
# verify section's reach list left out (import leaves it to verify's defaults).
meaning() {
	hn "$1" --json check
	rc_is 0 || return 1
	jq -S '{ovs, bridges: (.bridges | sort_by(.name) | map(.ports |= sort_by(.name))),
		libvirt: (.libvirt | .networks |= (sort_by(.name) | map(.portgroups |= sort_by(.name)))),
		isolation: .verify.isolation}' "$TMP/out"
}

case_seed_by_hand_imports_to_a_plan_of_nothing() {
	seed_by_hand exact && seed_networks_by_hand || return 1
	# A running guest's port, as libvirt adds it (vm-id and iface-id on its interface).
	must vsctl add-port br0 vnet7 -- set interface vnet7 type=internal \
		external_ids:vm-id=6f1c2d3e-0000-4000-8000-000000000007 \
		external_ids:iface-id=6f1c2d3e-0000-4000-8000-000000000070 || return 1
	import_to || return 1
	grep -qF '#   port vnet7 on br0: a running guest' "$TMP/imported.yaml" ||
		why "no comment on the guest's port" || return 1
	! grep -qE '^ +vnet7:' "$TMP/imported.yaml" || why "the guest's port is in the config" || return 1
	grep -qE '^    uplink: eno1$' "$TMP/imported.yaml" || why "no uplink eno1" || return 1
	grep -qF 'undefine: [default]' "$TMP/imported.yaml" || why "no undefine: [default]" || return 1
	grep -qF 'access: [100-109]' "$TMP/imported.yaml" || why "access portgroups not compressed" ||
		return 1
	grep -qF 'isolation: { bridge: brint, vlans: [10, 20, 99-109, 250] }' "$TMP/imported.yaml" ||
		why "no verify isolation of the seed's VLANs" || return 1
	# The seed sets no ARP hygiene: import says so, and keeps it as it is.
	grep -qF '#   brint: arp_ignore 0, arp_announce 0' "$TMP/imported.yaml" ||
		why "no comment on brint's ARP" || return 1
	hn "$TMP/imported.yaml" check
	rc_is 0 || return 1
	hn "$TMP/imported.yaml" plan
	rc_is 0 && out_has "nothing to change" || return 1
	NOTE="$(grep -c '^#   ' "$TMP/imported.yaml") comment(s); import took $IMPORT_MS ms"
	cp "$TMP/imported.yaml" "${IMPORT_KEEP:-/dev/null}"
}

case_round_trip_of_the_seed_config() {
	hn verify-seed.yaml up
	rc_is 0 || return 1
	import_to || return 1
	hn "$TMP/imported.yaml" plan
	rc_is 0 || return 1
	meaning verify-seed.yaml >"$TMP/want" || return 1
	meaning "$TMP/imported.yaml" >"$TMP/got" || return 1
	diff -u "$TMP/want" "$TMP/got" >"$TMP/diff" ||
		why "the imported config means something else: $(grep '^[-+] ' "$TMP/diff" | tr '\n' '|')"
}

case_json_says_the_same() {
	hn verify-seed.yaml up
	rc_is 0 || return 1
	import_to || return 1
	import_to --json || return 1
	jq -e '.command == "import" and .result == "ok" and (.notes | type == "array")' \
		"$TMP/imported.json" >/dev/null || why "not the import document" || return 1
	jq '.config' "$TMP/imported.json" >"$TMP/config.json"
	meaning "$TMP/imported.yaml" >"$TMP/want" || return 1
	meaning "$TMP/config.json" >"$TMP/got" || return 1
	diff -u "$TMP/want" "$TMP/got" >"$TMP/diff" ||
		why "JSON and YAML differ: $(grep '^[-+] ' "$TMP/diff" | tr '\n' '|')"
}

# A port on VLAN 250 with an address: with hostnet's ARP hygiene, the probes on VLAN 250 get
# an answer for its own address and none for 10.99.1.250 (which VLAN 99 still gets).
case_port_on_vlan_250_answers_arp_for_its_own_only() {
	hn verify-ports-addr.yaml up
	rc_is 0 || return 1
	hn verify-ports-addr.yaml verify
	rc_is 0 || return 1
	line_is OK "arp 10.99.1.250" "answered on 99; no answer on 10,20,100-109,250" || return 1
	line_is OK "arp 10.250.1.1" "answered on 250; no answer on 10,20,99-109" || return 1
	line_is OK "link mon0" "arp_ignore 1, arp_announce 2" || return 1
	import_to || return 1
	grep -qF 'mon0: { type: internal, tag: 250, addresses: [10.250.1.1/24] }' "$TMP/imported.yaml" ||
		why "mon0 not imported with its address: $(grep mon0 "$TMP/imported.yaml")"
}

# An MTU asked of OVS (mtu_request) is imported as `mtu:`; a global IPv6 address on the
# uplink bridge, which a config without IPv6 keeps as it is, leaves the import a plan of
# nothing.
case_mtu_and_ipv6_imported() {
	hn verify-seed.yaml up
	rc_is 0 || return 1
	must vsctl set interface brint mtu_request=9000 &&
		must in_lab ip -6 addr add 2001:db8:100::10/64 dev br0 nodad || return 1
	import_to || return 1
	grep -qE '^    mtu: 9000$' "$TMP/imported.yaml" ||
		why "brint's mtu_request not imported: $(grep -A3 '^  brint:' "$TMP/imported.yaml" |
			tr '\n' '|')" || return 1
	grep -qF '2001:db8:100::10/64' "$TMP/imported.yaml" ||
		why "br0's IPv6 address not imported: $(grep -A4 '^  br0:' "$TMP/imported.yaml" | tr '\n' '|')" ||
		return 1
	hn "$TMP/imported.yaml" plan
	rc_is 0 && out_has "nothing to change" || return 1
	[[ $(in_lab cat /sys/class/net/brint/mtu) == 9000 ]] ||
		why "brint's kernel MTU is $(in_lab cat /sys/class/net/brint/mtu), not 9000"
}

# A host with ovn-host installed but no chassis settings: ovn-controller makes br-int all the
# same (fail_mode secure, in-band off). It is OVN's whatever the settings: import leaves it
# out with a note, and plan with the file changes nothing of it.
case_ovn_integration_bridge_left_out() {
	hn verify-seed.yaml up
	rc_is 0 || return 1
	must vsctl add-br br-int -- set bridge br-int fail_mode=secure \
		other_config:disable-in-band=true || return 1
	import_to || return 1
	grep -qF "bridge br-int: OVN's integration bridge" "$TMP/imported.yaml" ||
		why "no note for br-int" || return 1
	! grep -qE '^  br-int:' "$TMP/imported.yaml" || why "br-int imported as a bridge" || return 1
	hn "$TMP/imported.yaml" plan
	rc_is 0 && out_has "nothing to change"
}

need_hostnet
run_cases seed_by_hand_imports_to_a_plan_of_nothing round_trip_of_the_seed_config \
	json_says_the_same port_on_vlan_250_answers_arp_for_its_own_only \
	mtu_and_ipv6_imported ovn_integration_bridge_left_out
