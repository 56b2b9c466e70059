#!/usr/bin/env bash
# verify_bench.sh - `hostnet verify` on the seed host against the serial way of checking the
# same VLAN matrix: one `ping -c1 -W1` per ordered pair of VLAN probes, one after the other,
# as mininet's pingAll does. Not a test: prints figures.
#
#   sudo bench/verify_bench.sh [RUNS]     (default 5 runs of hostnet verify; median, min, max)
#
# SERIAL_PAIRS=N times N of the 756 ordered pairs (spread evenly over all of them) and
# extrapolates to 756; unset, every pair is pinged (about 12 minutes: 728 pairs cross a
# VLAN boundary and wait out their 1 s timeout, which is the point of the comparison).
#
# Both run in one lab host holding the seed (built by hand, as verify_seed.sh does):
# - hostnet verify: its whole run, as a monitoring system sees it (state checks, probe
#   namespaces, veths and OVS ports made and removed, the 14-VLAN matrix, 3 trunk sets, the
#   reach list and the gateway ARP);
# - the serial way: 28 probes (2 per VLAN of the matrix) set up beforehand, in named
#   namespaces with addresses in one /24, as access ports of brint; only the pings are
#   timed, not that set-up (which favours the serial way).
#
# $HOSTNET is the binary measured (default build/hostnet; use a build without sanitizers
# for figures that mean something). The lab is VERIFY_BENCH_LAB (default hn-verify-bench),
# started and stopped with tests/integration/lib.sh, which also builds the seed in it.
set -euo pipefail

HN_LAB=${VERIFY_BENCH_LAB:-hn-verify-bench}
HN_LIBVIRT=yes # verify-seed.yaml names libvirt networks: a whole verify reads them
HN_VSCTL_TIMEOUT=10
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"
RUNS=${1:-5}
HOSTNET=$(realpath "$HOSTNET")
CONFIG=verify-seed.yaml
VLANS=(10 20 99 250 100 101 102 103 104 105 106 107 108 109)
PROBES=()

del_probes() {
	local ns
	for ns in "${PROBES[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
}
on_exit del_probes

[[ -x $HOSTNET ]] || { echo "verify_bench: $HOSTNET is not built" >&2; exit 1; }
lab_start || { tail -n 5 "$TMP/lab.log" >&2; exit 1; }
seed_by_hand || { echo "verify_bench: $WHY" >&2; exit 1; }
# The seed's libvirt networks (and the rest of the config) as `up` makes them.
hn "$CONFIG" up
((RC == 0)) || { echo "verify_bench: up exited $RC: $(tail -n 1 "$TMP/err")" >&2; exit 1; }

echo "hostnet verify: $HOSTNET, $RUNS runs, on the seed host (lab $HN_LAB)"
hn "$CONFIG" verify
((RC == 0)) || {
	echo "hostnet verify does not pass on the seed host; not benchmarking:" >&2
	grep -v '^OK' "$TMP/out" >&2
	exit 1
}
head -1 "$TMP/out"
: >"$TMP/times"
for ((i = 0; i < RUNS; i++)); do
	hn "$CONFIG" verify
	((RC == 0)) || { echo "verify_bench: run $((i + 1)) exited $RC" >&2; exit 1; }
	echo "$ELAPSED" >>"$TMP/times"
done
sort -n "$TMP/times" >"$TMP/sorted"
verify_ms=$(sed -n "$(((RUNS + 1) / 2))p" "$TMP/sorted")
printf '  wall time per run: median %.3f s, min %.3f s, max %.3f s\n' \
	"$(bc -l <<<"$verify_ms / 1000")" "$(bc -l <<<"$(head -1 "$TMP/sorted") / 1000")" \
	"$(bc -l <<<"$(tail -1 "$TMP/sorted") / 1000")"
echo "  where one run spends it (hostnet -v):"
hn "$CONFIG" -v verify
grep -E '^hostnet: ([0-9]+ probe|window|probe )' "$TMP/err" | sed 's/^hostnet: /    /'

# The serial way: 2 probes per VLAN, each in a named namespace, all in 10.200.0.0/24.
n=0
for v in "${VLANS[@]}"; do
	for side in a b; do
		n=$((n + 1))
		ns=$HN_LAB-$v$side
		PROBES+=("$ns")
		ip netns add "$ns"
		in_lab ip link add "sb$v$side" type veth peer name eth0 netns "$ns"
		in_lab ip link set "sb$v$side" up
		vsctl add-port brint "sb$v$side" tag="$v"
		ip -n "$ns" addr add "10.200.0.$n/24" dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$ns" link set lo up
	done
done
# Ordered pairs (src, dst), src != dst: 28 x 27.
pairs=()
for ((s = 1; s <= n; s++)); do
	for ((d = 1; d <= n; d++)); do
		if ((s != d)); then pairs+=("$s $d"); fi
	done
done
total=${#pairs[@]}
want=${SERIAL_PAIRS:-$total}
if ((want > total)); then want=$total; fi
step=$((total / want))
echo "serial way: ping -c1 -W1 per ordered pair, $want of $total pairs timed"
ok=0 done_pairs=0
t0=$(now_ms)
for ((k = 0; k < total && done_pairs < want; k += step)); do
	read -r s d <<<"${pairs[$k]}"
	if ip netns exec "${PROBES[$((s - 1))]}" ping -c1 -W1 -q "10.200.0.$d" >/dev/null 2>&1; then
		ok=$((ok + 1))
	fi
	done_pairs=$((done_pairs + 1))
done
serial_ms=$(($(now_ms) - t0))
if ((done_pairs < total)); then
	full_ms=$((serial_ms * total / done_pairs))
	printf '  %d pairs in %.1f s (%d answered); extrapolated to %d pairs: %.1f s\n' \
		"$done_pairs" "$(bc -l <<<"$serial_ms / 1000")" "$ok" "$total" \
		"$(bc -l <<<"$full_ms / 1000")"
else
	full_ms=$serial_ms
	printf '  %d pairs in %.1f s (%d answered: the same-VLAN pairs)\n' "$total" \
		"$(bc -l <<<"$serial_ms / 1000")" "$ok"
fi
printf 'hostnet verify %.3f s (median) vs serial pings %.1f s: %.0fx faster\n' \
	"$(bc -l <<<"$verify_ms / 1000")" "$(bc -l <<<"$full_ms / 1000")" \
	"$(bc -l <<<"$full_ms / $verify_ms")"
