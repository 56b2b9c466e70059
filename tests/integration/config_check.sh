#!/bin/bash
# `hostnet check` against the real binary: every rule of the config language refused with
# exit 2 and exactly one line on stderr, "FILE:LINE:COL: ..." (I/O errors: "FILE: ..."),
# nothing on stdout; the seed config accepted and printed whole, as text and as JSON; and
# `plan`/`up` refusing a bad config before they connect to anything.
# Needs no lab: check connects to nothing, and plan/up stop at the config. The counts and
# the summary line are lib.sh's.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SEED=$ROOT/etc/hostnet.yaml
chmod 755 "$TMP" # the unreadable case runs hostnet as nobody, who must reach the files
on_exit 'chmod -R u+rwX "$TMP" 2>/dev/null'

# One row per bad config: NAME | WHERE (LINE:COL, or "io" for "FILE: reason") | a WORD the
# message must hold | CONTENT (printf %b escapes; @missing @dir @big @unreadable are files
# that are not configs). Columns count characters from 1, as in every editor.
CASES=$(
	cat <<'EOF'
empty-file|1:1|the file is empty|
only-comments|1:1|only comments|# nothing here\n\n
syntax-unclosed-flow|2:1|YAML syntax error|bridges: [br0\n
syntax-mapping-in-scalar|1:13|mapping values are not allowed|bridges: br0: {}\n
syntax-tab-indent|2:1|YAML syntax error|bridges:\n\tbr0: {}\n
second-document|2:1|second YAML document|ovs: {}\n---\nbridges: {}\n
alias|2:10|alias|x: &a {}\nbridges: *a\n
nul-byte|1:6|NUL byte|ovs: \0\n
invalid-utf8|2:11|not valid UTF-8|bridges:\n  br0: {up\xfflink: eno1}\n
utf16-file|1:1|not valid UTF-8|\xff\xfeo\0v\0s\0:\0\n\0
nul-escape-in-value|1:11|NUL character|bridges: {"a\\0b": {}}\n
control-character|2:5|control characters|ovs:\n    \x01\n
nested-too-deep|1:33|nested too deep|[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n
top-level-list|1:1|expected a mapping with ovs, bridges, ovn, libvirt, verify|- ovs\n
complex-key|1:3|as a key|? [a]\n: b\n
unknown-top-key|3:1|unknown key 'bridge', expected one of: ovs, bridges, ovn, libvirt, verify|ovs:\n  datapath: auto\nbridge: {}\n
unknown-bridge-key|2:9|unknown key 'uplnk'|bridges:\n  br0: {uplnk: eno1}\n
unknown-port-key|1:27|unknown key 'vlan', expected one of: type, tag, trunk, mtu|bridges: {b: {ports: {p: {vlan: 3}}}}\n
duplicate-top-key|2:1|duplicate key 'ovs'|ovs: {}\novs: {}\n
duplicate-bridge|3:3|duplicate key 'br0' (first at line 2, column 3)|bridges:\n  br0: {}\n  br0: {}\n
duplicate-port|1:30|duplicate key 'p'|bridges: {b: {ports: {p: {}, p: {}}}}\n
duplicate-portgroup|6:9|duplicate key 'g'|bridges: {b: {}}\nlibvirt:\n  networks:\n    n: {bridge: b, portgroups:\n        {g: {tag: 1},\n        g: {tag: 2}}}\n
access-vs-portgroup-name|8:16|portgroup name '100' is used twice: made by access here, and in portgroups at line 7, column 9|bridges: {b: {}}\nlibvirt:\n  networks:\n    n:\n      bridge: b\n      portgroups:\n        "100": {tag: 5}\n      access: [100]\n
datapath-value|2:13|auto, system or netdev|ovs:\n  datapath: fast\n
bridges-as-list|1:10|got a list, expected a mapping|bridges: [br0]\n
addresses-as-map|3:18|got a mapping, expected a list|bridges:\n  br0:\n      addresses: {a: 1}\n
uplink-as-list|1:23|got a list, expected an interface name|bridges: {b: {uplink: [eno1]}}\n
vlan-zero|1:20|'0' is out of range 1-4094|bridges: {b: {tag: 0}}\n
vlan-4095|4:16|'4095' is out of range 1-4094|bridges:\n  b:\n    ports:\n      p: {tag: 4095}\n
vlan-not-a-number|1:20|'ten' is not a VLAN id|bridges: {b: {tag: ten}}\n
vlan-range-as-tag|1:20|a range where one VLAN id is expected|bridges: {b: {tag: 10-20}}\n
vlan-range-goes-down|1:39|goes down|bridges: {b: {ports: {p: {trunk: [10, 109-100]}}}}\n
vlan-range-out-of-range|6:9|out of range 1-4094|bridges: {b: {}}\nverify:\n  isolation:\n    bridge: b\n    vlans:\n      - 4000-4095\n
trunk-empty|1:34|an empty list|bridges: {b: {ports: {p: {trunk: []}}}}\n
trunk-not-a-list|1:34|got a single value, expected a list of VLAN ids|bridges: {b: {ports: {p: {trunk: 10}}}}\n
port-tag-and-trunk|4:43|a port with both tag and trunk|bridges:\n  b:\n    ports:\n      p: {type: internal, tag: 10, trunk: [20]}\n
portgroup-access-and-trunk|4:53|a VLAN cannot be both access and trunk|bridges: {b: {}}\nlibvirt:\n  networks:\n    n: {bridge: b, portgroups: {g: {tag: 10, trunk: [10, 20]}}}\n
portgroup-neither|4:36|neither tag nor trunk|bridges: {b: {}}\nlibvirt:\n  networks:\n    n: {bridge: b, portgroups: {g: {}}}\n
port-type|1:33|'bond' is not a port type, expected internal or system|bridges: {b: {ports: {p: {type: bond}}}}\n
mtu-out-of-range|1:20|MTU 68-65535|bridges: {b: {mtu: 65536}}\n
ifname-too-long|2:3|longer than 15 bytes|bridges:\n  abcdefghijklmnop: {}\n
ifname-slash|1:23|holds a '/'|bridges: {b: {uplink: "eth/0"}}\n
ifname-space|1:23|holds white space|bridges: {b: {ports: {"a b": {}}}}\n
ifname-dotdot|1:11|is not allowed|bridges: {"..": {}}\n
ifname-colon|1:11|holds a ':'|bridges: {"eth0:1": {}}\n
uplink-twice|3:17|interface 'eno1' is used twice: as the uplink of br1 here, and as the uplink of br0 at line 2, column 17|bridges:\n  br0: {uplink: eno1}\n  br1: {uplink: eno1}\n
uplink-also-a-port|3:19|as a port of brint here, and as the uplink of br0|bridges:\n  br0: {uplink: eno1}\n  brint: {ports: {eno1: {tag: 5}}}\n
port-named-like-bridge|3:3|interface 'brint' is used twice: as a bridge here, and as a port of br0|bridges:\n  br0: {ports: {brint: {}}}\n  brint: {}\n
port-on-two-bridges|3:17|interface 'p0' is used twice: as a port of br1 here, and as a port of br0 at line 2, column 17|bridges:\n  br0: {ports: {p0: {}}}\n  br1: {ports: {p0: {tag: 5}}}\n
address-twice|2:32|bridges: address '10.0.0.1' is used twice: on bridge b here, and on bridge b at line 2, column 19|bridges:\n  b: {addresses: [10.0.0.1/24, 10.0.0.1/24]}\n
address-on-two-bridges|3:23|address '198.51.100.10' is used twice: on bridge brint here, and on bridge br0 at line 2, column 21|bridges:\n  br0: {addresses: [198.51.100.10/24]}\n  brint: {addresses: [198.51.100.10/32]}\n
route-twice|5:9|bridges: route to '10.99.1.0/24' is used twice: a route of bridge brint here, and a route of bridge brint at line 4, column 9|bridges:\n  brint:\n    routes:\n      - 10.99.1.0/24\n      - {to: 10.99.1.0/24, via: 10.99.1.1}\n
route-on-two-bridges|3:18|route to '10.99.1.0/24' is used twice: a route of bridge br1 here, and a route of bridge br0 at line 2, column 18|bridges:\n  br0: {routes: [10.99.1.0/24]}\n  br1: {routes: [10.99.1.0/24]}\n
default-route-and-gateway|3:20|route to '0.0.0.0/0' is used twice: a route of bridge brint here, and the gateway of bridge br0 at line 2, column 18|bridges:\n  br0: {gateway: 198.51.100.1}\n  brint: {routes: [{to: 0.0.0.0/0, via: 10.99.1.1}]}\n
trunk-vlan-twice|1:39|bridges.b.ports.p.trunk[1]: VLAN 10 is listed twice: in '10' here, and in '10' at line 1, column 35, expected each VLAN once|bridges: {b: {ports: {p: {trunk: [10, 10]}}}}\n
trunk-range-overlap|6:41|libvirt.networks.n.portgroups.g.trunk[1]: VLAN 105 is listed twice: in '105' here, and in '100-109' at line 6, column 32|bridges: {b: {}}\nlibvirt:\n  networks:\n    n:\n      bridge: b\n      portgroups: {g: {trunk: [100-109, 105]}}\n
access-vlan-twice|6:21|libvirt.networks.n.access[1]: VLAN 100 is listed twice|bridges: {b: {}}\nlibvirt:\n  networks:\n    n:\n      bridge: b\n      access: [100, 100-109]\n
address-without-length|1:27|has no prefix length|bridges: {b: {addresses: [10.0.0.1]}}\n
address-length-33|1:27|prefix length that is not 0-32|bridges: {b: {addresses: [10.0.0.1/33]}}\n
address-not-ipv4|1:27|not an IPv4 prefix|bridges: {b: {addresses: [10.0.0.256/24]}}\n
gateway-with-prefix|1:24|a prefix where an address is expected|bridges: {b: {gateway: 10.0.0.1/24}}\n
route-host-bits|1:24|host bits set, expected 10.99.1.0/24|bridges: {b: {routes: [10.99.1.5/24]}}\n
route-without-to|1:24|missing key 'to'|bridges: {b: {routes: [{via: 10.0.0.1}]}}\n
route-bad-via|1:46|not an IPv4 address|bridges: {b: {routes: [{to: 10.0.0.0/8, via: 10.0.0}]}}\n
address6-link-local|1:27|is link-local|bridges: {b: {addresses: ['fe80::10/64']}}\n
gateway6-ipv4|1:25|not an IPv6 address|bridges: {b: {gateway6: 10.0.0.1}}\n
route6-via-ipv4|1:51|not of the family of the route's `to`|bridges: {b: {routes: [{to: '2001:db8::/32', via: 10.0.0.1}]}}\n
uplink-nic-mac-multicast|1:29|is a multicast address, expected a unicast MAC address|bridges: {b: {uplink: {mac: '01:00:5e:00:00:01'}}}\n
port-mtu-too-big|1:32|MTU 68-65535|bridges: {b: {ports: {p: {mtu: 65536}}}}\n
network-unknown-bridge|5:15|bridge 'brx' is not in bridges, expected one of: br0, brint|bridges: {br0: {}, brint: {}}\nlibvirt:\n  networks:\n    n:\n      bridge: brx\n
network-without-bridge|4:5|missing key 'bridge'|bridges: {b: {}}\nlibvirt:\n  networks:\n    n:\n
isolation-unknown-bridge|2:30|bridge 'c' is not in bridges|bridges: {b: {}}\nverify: {isolation: {bridge: c, vlans: [1]}}\n
reach-as-map|1:17|got a mapping, expected a list|verify: {reach: {from: 1, to: 10.0.0.1}}\n
reach-bad-expect|1:50|'yes' is not an outcome, expected ok or fail|verify: {reach: [{from: 1, to: 10.0.0.1, expect: yes}]}\n
undefine-twice|1:31|network 'default' is used twice|libvirt: {undefine: [default, default]}\n
undefine-also-defined|2:37|network 'n' is used twice: in networks here, and in undefine at line 2, column 22|bridges: {b: {}}\nlibvirt: {undefine: [n], networks: {n: {bridge: b}}}\n
address-on-system-port|1:46|bridges.b.ports.p.addresses: addresses on a system port, expected it on an internal port|bridges: {b: {ports: {p: {tag: 2, addresses: [10.0.0.1/24]}}}}\n
arp-hygiene-on-system-port|1:40|arp_hygiene on a system port|bridges: {b: {ports: {p: {arp_hygiene: false}}}}\n
arp-hygiene-not-a-boolean|1:28|'no' is not a boolean, expected true or false|bridges: {b: {arp_hygiene: no}}\n
port-address-also-on-bridge|3:47|address '10.0.0.1' is used twice: on port m here, and on bridge b at line 2, column 19|bridges:\n  b: {addresses: [10.0.0.1/24]}\n  c: {ports: {m: {type: internal, addresses: [10.0.0.1/32]}}}\n
port-route-twice|2:88|route to '10.1.0.0/16' is used twice: a route of port n here, and a route of port m|bridges:\n  b: {ports: {m: {type: internal, routes: [10.1.0.0/16]}, n: {type: internal, routes: [{to: 10.1.0.0/16, via: 10.0.0.9}]}}}\n
uplink-macs-without-uplink|1:28|bridges.b.uplink_macs: a bridge without an uplink|bridges: {b: {uplink_macs: [52:54:00:00:00:01]}}\n
uplink-mac-multicast|1:40|'33:33:00:00:00:01' is a multicast address, expected a unicast MAC address|bridges: {b: {uplink: e, uplink_macs: [33:33:00:00:00:01]}}\n
uplink-mac-twice|1:59|MAC '52:54:00:00:00:01' is used twice|bridges: {b: {uplink: e, uplink_macs: [52:54:00:00:00:01, 52:54:00:00:00:01]}}\n
port-address-link-local|1:55|'fe80::1/64' is link-local (the kernel gives each interface its own)|bridges: {b: {ports: {m: {type: internal, addresses: ['fe80::1/64']}}}}\n
port-route-ipv6-via-ipv4|1:81|routes[0].via: '10.0.0.1' is not of the family of the route's `to`|bridges: {b: {ports: {m: {type: internal, routes: [{to: '2001:db8:1::/48', via: 10.0.0.1}]}}}}\n
port-address6-twice|2:99|address '2001:db8::1' is used twice: on port n here, and on port m|bridges:\n  b: {ports: {m: {type: internal, addresses: ['2001:db8::1/64']}, n: {type: internal, addresses: ['2001:db8::1/128']}}}\n
ovn-remote-no-port|1:15|'tcp:192.0.2.1' has no :PORT|ovn: {remote: tcp:192.0.2.1}\n
ovn-remote-without-encap|1:6|missing key 'encap'|ovn: {remote: tcp:192.0.2.1:6642}\n
ovn-encap-gre|1:49|'gre' is not a tunnel type OVN offers, expected geneve or vxlan|ovn: {remote: tcp:192.0.2.1:6642, encap: {type: gre, ip: 192.0.2.11}}\n
ovn-mapping-unknown-bridge|2:102|bridge 'br9' is not in bridges|bridges: {br0: {}}\novn: {remote: tcp:192.0.2.1:6642, encap: {type: geneve, ip: 192.0.2.11}, bridge_mappings: {provider: br9}}\n
ovn-networks-without-northbound|1:6|missing key 'northbound'|ovn: {networks: {v10: {vlan: 10, physnet: p}}}\n
ovn-network-vlan-twice|1:79|VLAN '10 on p' is used twice|ovn: {northbound: tcp:192.0.2.1:6641, networks: {v10: {vlan: 10, physnet: p}, v11: {vlan: 10, physnet: p}}}\n
ovn-overlay-vlan-twice|1:67|VLAN '10 (overlay)' is used twice|ovn: {northbound: tcp:192.0.2.1:6641, networks: {v10: {vlan: 10}, v11: {vlan: 10}}}\n
missing-file|io|No such file or directory|@missing
directory|io|is a directory, expected a YAML file|@dir
over-1MiB|io|the file is over 1048576 bytes|@big
unreadable|io|Permission denied|@unreadable
EOF
)

# Run hostnet on FILE with COMMAND; leaves rc, out and err.
run() {
	local file=$1 command=$2
	shift 2
	rc=0
	"$@" "$HOSTNET" -c "$file" "$command" >"$TMP/out" 2>"$TMP/err" || rc=$?
	err=$(cat "$TMP/err")
	out=$(cat "$TMP/out")
}

# Exit 2, one line on stderr starting with PREFIX and holding WORD, nothing on stdout.
expect_refused() {
	local name=$1 prefix=$2 word=$3 lines
	lines=$(wc -l <"$TMP/err")
	if [ "$rc" != 2 ]; then
		not_ok "$name" "exit $rc, expected 2 (stderr: $err)"
	elif [ -n "$out" ]; then
		not_ok "$name" "stdout not empty: $out"
	elif [ "$lines" != 1 ] || [ "$(tail -c1 "$TMP/err" | od -An -c | tr -d ' ')" != '\n' ]; then
		not_ok "$name" "expected exactly one line on stderr, got $lines: $err"
	elif [ "${err#"$prefix"}" = "$err" ]; then
		not_ok "$name" "expected the prefix '$prefix', got: $err"
	elif [[ "$err" != *"$word"* ]]; then
		not_ok "$name" "expected '$word' in: $err"
	else
		ok "$name"
	fi
}

bad_config_cases() {
	local name where word content file prefix as=() n=0
	while IFS='|' read -r name where word content; do
		n=$((n + 1))
		file=$TMP/$name.yaml
		as=()
		case $content in
		@missing) ;;
		@dir) mkdir "$file" ;;
		@big) head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$file" ;;
		@unreadable)
			echo "ovs: {}" >"$file"
			chmod 000 "$file"
			# root reads anything: drop to nobody for this one.
			if [ "$(id -u)" = 0 ]; then
				as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
			fi
			;;
		*) printf '%b' "$content" >"$file" ;;
		esac
		if [ "$where" = io ]; then
			prefix="$file: "
		else
			prefix="$file:$where: "
		fi
		run "$file" check "${as[@]}"
		expect_refused "$name" "$prefix" "$word"
	done <<<"$CASES"
	if [ "$n" -lt 35 ]; then
		not_ok "table" "only $n cases"
	fi
}

seed_check_prints_every_portgroup() {
	local pgs
	run "$SEED" check
	pgs=$(grep -c '^  portgroup ' "$TMP/out" || true)
	if [ "$rc" != 0 ] || [ -n "$err" ]; then
		not_ok "seed check" "exit $rc: $err"
	elif [ "$pgs" != 15 ]; then
		not_ok "seed check" "$pgs portgroups printed, expected 15"
	elif ! grep -q '^  portgroup vlansadmin trunk 99,250$' "$TMP/out" ||
		! grep -q '^  portgroup vlansint trunk 100-109$' "$TMP/out" ||
		! grep -q '^  portgroup 105 tag 105 (access)$' "$TMP/out" ||
		! grep -q '^  route 10.99.1.0/24 dev brint$' "$TMP/out" ||
		! grep -q '^  tag 99 ' "$TMP/out"; then
		not_ok "seed check" "a line is missing from: $out"
	else
		ok "seed check"
	fi
}

seed_check_json() {
	local n trunk
	rc=0
	"$HOSTNET" -c "$SEED" --json check >"$TMP/out" 2>"$TMP/err" || rc=$?
	if [ "$rc" != 0 ] || ! jq . "$TMP/out" >/dev/null 2>&1; then
		not_ok "seed check --json" "exit $rc, or not JSON: $(head -c 300 "$TMP/out")"
		return
	fi
	n=$(jq '.libvirt.networks[] | select(.name == "intern-vlans") | .portgroups | length' "$TMP/out")
	trunk=$(jq -c '.libvirt.networks[1].portgroups[] | select(.name == "vlansint") | .trunk' "$TMP/out")
	if [ "$n" != 15 ]; then
		not_ok "seed check --json" "$n portgroups, expected 15"
	elif [ "$trunk" != "[100,101,102,103,104,105,106,107,108,109]" ]; then
		not_ok "seed check --json" "vlansint trunk is $trunk"
	elif [ "$(jq '.bridges[] | select(.name == "brint") | .tag' "$TMP/out")" != 99 ]; then
		not_ok "seed check --json" "brint has no tag 99"
	else
		ok "seed check --json"
	fi
}

plan_and_up_refuse_a_bad_config() {
	local file=$TMP/plan-up.yaml command
	printf 'bridges:\n  br0: {tag: 5000}\n' >"$file"
	for command in plan up; do
		run "$file" "$command"
		expect_refused "$command with a bad config" "$file:2:14: " "out of range 1-4094"
	done
}

need_hostnet
bad_config_cases
seed_check_prints_every_portgroup
seed_check_json
plan_and_up_refuse_a_bad_config
finish
