#!/usr/bin/env bash
# ovs_bench.sh - hostnet's OVS backend vs ovs-vsctl on the same lab host, in one run.
#
#  (a) the seed's OVS steps as the seed does them (ovs-vsctl add-br x2, then
#      `set port brint tag=99`) vs `hostnet up` with the same two bridges (OVS layer only),
#      each from nothing, median of RUNS runs;
#  (b) one bridge with 1000 internal access ports over 100 VLANs: one
#      `ovs-vsctl add-port ... tag=N` per port vs one `hostnet up`; then a converged re-run
#      of each (`--may-exist add-port` per port vs `hostnet up` that finds nothing to do).
#
# Every ovs-vsctl call waits for ovs-vswitchd (its default), as hostnet does: both sides
# end with the switch configured. Prints wall times and ratios. Not a test.
#
#   sudo bench/ovs_bench.sh            HOSTNET (default build/hostnet), PORTS (1000),
#                                      VLANS (100), RUNS (5), OVS_BENCH_LAB (hn-ovs-bench)
#
# The lab, hn and vsctl are tests/integration/lib.sh's.
set -euo pipefail

HN_LAB=${OVS_BENCH_LAB:-hn-ovs-bench}
HN_LAYERS=ovs
HN_VSCTL_TIMEOUT=120
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"
PORTS=${PORTS:-1000}
VLANS=${VLANS:-100}
RUNS=${RUNS:-5}

[[ -x $HOSTNET ]] || { echo "ovs_bench: $HOSTNET is not built" >&2; exit 1; }
lab_start || { tail -n 5 "$TMP/lab.log" >&2; exit 1; }

export OVS_RUNDIR=$LAB_DIR
# up CONFIG: hostnet up, or the bench stops saying why.
up() {
	hn "$1" --timeout 120000 up
	((RC == 0)) || {
		cat "$TMP/out" "$TMP/err" >&2
		exit 1
	}
}
wipe() {
	local b
	for b in $(vsctl list-br); do vsctl --if-exists del-br "$b"; done
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1fx", (b > 0 ? a / b : 0)}'; }

cat >"$TMP/seed.yaml" <<'YAML'
ovs:
  datapath: netdev
bridges:
  br0: {}
  brint:
    tag: 99
YAML
{
	printf 'ovs:\n  datapath: netdev\nbridges:\n  brint:\n    ports:\n'
	for ((i = 0; i < PORTS; i++)); do
		printf '      p%d: { type: internal, tag: %d }\n' "$i" $((100 + i % VLANS))
	done
} >"$TMP/scale.yaml"

# (a) the seed's steps
a_vsctl=() a_hn=()
for ((r = 0; r < RUNS; r++)); do
	wipe
	t0=$(now_ms)
	vsctl add-br br0 -- set bridge br0 datapath_type=netdev
	vsctl add-br brint -- set bridge brint datapath_type=netdev
	vsctl set port brint tag=99
	a_vsctl+=($(($(now_ms) - t0)))
	wipe
	t0=$(now_ms)
	up "$TMP/seed.yaml"
	a_hn+=($(($(now_ms) - t0)))
done
[[ $(vsctl get port brint tag) == 99 ]] || { echo "ovs_bench: brint has no tag 99" >&2; exit 1; }
av=$(printf '%s\n' "${a_vsctl[@]}" | median)
ah=$(printf '%s\n' "${a_hn[@]}" | median)
t0=$(now_ms)
up "$TMP/seed.yaml"
a_conv=$(($(now_ms) - t0))
grep -q "nothing to change" "$TMP/out" || { echo "ovs_bench: seed re-run changed something" >&2; exit 1; }

# (b) scale: ovs-vsctl, one call per port (as a boot script would), then its re-run
wipe
t0=$(now_ms)
vsctl add-br brint -- set bridge brint datapath_type=netdev
for ((i = 0; i < PORTS; i++)); do
	vsctl add-port brint "p$i" tag=$((100 + i % VLANS)) -- set interface "p$i" type=internal
done
b_vsctl=$(($(now_ms) - t0))
t0=$(now_ms)
vsctl --may-exist add-br brint -- set bridge brint datapath_type=netdev
for ((i = 0; i < PORTS; i++)); do
	vsctl --may-exist add-port brint "p$i" tag=$((100 + i % VLANS)) -- set interface "p$i" type=internal
done
b_vsctl_conv=$(($(now_ms) - t0))
[[ $(vsctl list-ports brint | wc -l) == "$PORTS" ]] || { echo "ovs_bench: ovs-vsctl made the wrong port count" >&2; exit 1; }

# hostnet: one up, then its converged re-run (median of RUNS)
wipe
t0=$(now_ms)
up "$TMP/scale.yaml"
b_hn=$(($(now_ms) - t0))
[[ $(vsctl list-ports brint | wc -l) == "$PORTS" ]] || { echo "ovs_bench: hostnet made the wrong port count" >&2; exit 1; }
bad=$(vsctl --columns=name,ofport find Interface ofport=-1 | grep -c name || true)
[[ $bad == 0 ]] || { echo "ovs_bench: $bad interfaces not opened by ovs-vswitchd" >&2; exit 1; }
conv=()
for ((r = 0; r < RUNS; r++)); do
	next=$(vsctl get Open_vSwitch . next_cfg)
	t0=$(now_ms)
	up "$TMP/scale.yaml"
	conv+=($(($(now_ms) - t0)))
	grep -q "nothing to change" "$TMP/out" || { echo "ovs_bench: re-run changed something" >&2; exit 1; }
	[[ $(vsctl get Open_vSwitch . next_cfg) == "$next" ]] || { echo "ovs_bench: re-run moved next_cfg" >&2; exit 1; }
done
b_hn_conv=$(printf '%s\n' "${conv[@]}" | median)

# What any hostnet run costs before it does anything: exec and the shared libraries.
start=()
for ((r = 0; r < RUNS; r++)); do
	t0=$(now_ms)
	ip netns exec "$LAB_NS" "$HOSTNET" version >/dev/null
	start+=($(($(now_ms) - t0)))
done
b_start=$(printf '%s\n' "${start[@]}" | median)

printf '\nhostnet OVS benchmark (lab %s, %s, netdev datapath)\n' "$HN_LAB" "$("$HOSTNET" version 2>/dev/null | head -1)"
printf '%-58s %10s %10s %8s\n' "" "ovs-vsctl" "hostnet" "ratio"
printf '%-58s %8d ms %8d ms %8s\n' "(a) seed: 2 bridges + tag 99, from nothing (median of $RUNS)" \
	"$av" "$ah" "$(ratio "$av" "$ah")"
printf '%-58s %10s %8d ms\n' "(a) seed: converged re-run" "-" "$a_conv"
printf '%-58s %8d ms %8d ms %8s\n' "(b) $PORTS internal access ports over $VLANS VLANs, from nothing" \
	"$b_vsctl" "$b_hn" "$(ratio "$b_vsctl" "$b_hn")"
printf '%-58s %8d ms %8d ms %8s\n' "(b) converged re-run (hostnet: median of $RUNS)" \
	"$b_vsctl_conv" "$b_hn_conv" "$(ratio "$b_vsctl_conv" "$b_hn_conv")"
printf '%-58s %10s %8d ms\n' "process start alone (hostnet version, in the above)" "-" "$b_start"
printf '\ngoals: (a) >= 3x: %s; (b) >= 20x: %s; converged hostnet re-run < 50 ms: %s\n' \
	"$(awk -v a="$av" -v b="$ah" 'BEGIN {print (a >= 3 * b ? "met" : "NOT met")}')" \
	"$(awk -v a="$b_vsctl" -v b="$b_hn" 'BEGIN {print (a >= 20 * b ? "met" : "NOT met")}')" \
	"$( ((b_hn_conv < 50)) && echo met || echo "NOT met")"
