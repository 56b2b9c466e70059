#!/usr/bin/env bash
# Records the OVSDB snapshots the ovs unit tests diff against, from a real ovsdb-server
# and ovs-vswitchd in a lab host. Not run by the tests: run it by hand (as root) when the
# read changes, and review the diff of the .json files.
#   tests/unit/ovs/data/record.sh [BUILD_DIR]   (hostnet from BUILD_DIR, default build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
lab=$root/vm-tests/lab
name=hn-ovs-rec
trap '"$lab" stop $name >/dev/null 2>&1 || true' EXIT
"$lab" start $name --eno2 >/dev/null 2>&1
eval "$("$lab" env $name)"
vsctl() { "$lab" exec $name ovs-vsctl --timeout=5 "$@"; }
# snap_select FILE REQUEST: the result of the transaction REQUEST, one row a line.
snap_select() {
	"$lab" exec $name ovsdb-client transact "$LAB_OVSDB" "$(cat "$here/$2")" |
		python3 -c '
import json, sys
result = json.load(sys.stdin)
tables = []
for t in result:
    rows = [json.dumps(r, sort_keys=True) for r in t["rows"]]
    tables.append(" {\"rows\": [\n  " + ",\n  ".join(rows) + "]}")
print("[\n" + ",\n".join(tables) + "\n]")' >"$here/$1"
}
# snap FILE: what hostnet's read (read-request.json, a monitor_cond) gets, one row a line.
# Taken as selects of the same columns (ovsdb-client's monitor-cond does not print the
# protocol's JSON), each row then keyed by its uuid as the monitor's initial contents are,
# without the columns at their default value, which monitor_cond leaves out.
snap() {
	local req
	req=$(python3 -c '
import json, sys
db, _, tables = json.load(open(sys.argv[1]))
print(json.dumps([db] + [{"op": "select", "table": t, "where": [],
                          "columns": ["_uuid"] + m[0]["columns"]} for t, m in tables.items()]))' \
		"$here/read-request.json")
	"$lab" exec $name ovsdb-client transact "$LAB_OVSDB" "$req" |
		python3 -c '
import json, sys
tables = list(json.load(open(sys.argv[1]))[2])
default = ("", 0, False, ["set", []], ["map", []])
out = []
for name, t in zip(tables, json.load(sys.stdin)):
    rows = []
    for r in t["rows"]:
        u = r.pop("_uuid")[1]
        r = {k: v for k, v in r.items() if v not in default}
        rows.append("  " + json.dumps(u) + ": {\"initial\": " + json.dumps(r, sort_keys=True) + "}")
    if rows:
        out.append(" " + json.dumps(name) + ": {\n" + ",\n".join(rows) + "}")
print("{\n" + ",\n".join(out) + "\n}")' "$here/read-request.json" >"$here/$1"
}
snap empty.json
# The seed as hostnet makes it (owned), then drifted behind its back.
vsctl -- add-br br0 -- set bridge br0 datapath_type=netdev external_ids:hostnet-owner=hostnet \
	-- set port br0 external_ids:hostnet-owner=hostnet \
	-- set interface br0 external_ids:hostnet-owner=hostnet \
	-- add-port br0 eno1 -- set port eno1 external_ids:hostnet-owner=hostnet \
	-- set interface eno1 external_ids:hostnet-owner=hostnet \
	-- add-br brint -- set bridge brint datapath_type=netdev external_ids:hostnet-owner=hostnet \
	-- set port brint tag=99 external_ids:hostnet-owner=hostnet \
	-- set interface brint external_ids:hostnet-owner=hostnet
snap seed.json
vsctl set port brint tag=10 -- set port eno1 trunks=5,6 vlan_mode=native-untagged \
	-- set bridge br0 datapath_type=system
snap drift.json
vsctl set port brint tag=99 -- clear port eno1 trunks -- clear port eno1 vlan_mode \
	-- set bridge br0 datapath_type=netdev \
	-- add-br brx -- set bridge brx datapath_type=netdev -- add-port brx vnet0 -- set interface vnet0 type=internal \
	-- add-br brold -- set bridge brold datapath_type=netdev external_ids:hostnet-owner=hostnet \
	-- set port brold external_ids:hostnet-owner=hostnet \
	-- add-port brold mon0 -- set interface mon0 type=internal -- set port mon0 tag=250 external_ids:hostnet-owner=hostnet \
	-- add-port brx old0 -- set interface old0 type=internal -- set port old0 external_ids:hostnet-owner=hostnet
snap mixed.json
snap_select mixed-details.json details-request.json
# A bonded uplink as hostnet makes it (uplink: {bond: [eno1, eno2]}): the lab has eno2 for it.
# (The snapshots above were recorded before the read asked for the bond's columns and the
# interfaces' uuids, as selects: their interfaces' uuids were made from the names when the
# read became a monitor; the reader takes ports without interfaces as ports of one.)
vsctl -- --if-exists del-br br0 -- --if-exists del-br brint -- --if-exists del-br brx \
	-- --if-exists del-br brold
vsctl -- add-br br0 -- set bridge br0 datapath_type=netdev external_ids:hostnet-owner=hostnet \
	-- set port br0 external_ids:hostnet-owner=hostnet \
	-- set interface br0 external_ids:hostnet-owner=hostnet \
	-- add-bond br0 br0-bond eno1 eno2 bond_mode=active-backup lacp=off \
	other_config:bond-primary=eno1 external_ids:hostnet-owner=hostnet \
	-- set interface eno1 external_ids:hostnet-owner=hostnet \
	-- set interface eno2 external_ids:hostnet-owner=hostnet \
	-- add-br brint -- set bridge brint datapath_type=netdev external_ids:hostnet-owner=hostnet \
	-- set port brint tag=99 external_ids:hostnet-owner=hostnet \
	-- set interface brint external_ids:hostnet-owner=hostnet
snap bond.json
