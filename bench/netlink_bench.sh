#!/usr/bin/env bash
# netlink_bench.sh - wall time of a converged `hostnet plan` and of the netlink read alone,
# on a lab host with the seed config (etc/hostnet.yaml). Not a test: prints figures.
#
#   sudo bench/netlink_bench.sh [RUNS]     (default 30; medians of RUNS runs)
#
# $HOSTNET is the binary measured (default build/hostnet; use a build without sanitizers
# for figures that mean something). Its build directory must hold libhostnet-core.a: the
# read-alone driver (bench/netlink_read.c) is linked against it here.
#
# The lab is made to look like the seed host once hostnet has converged it, netlink part:
# br0 and brint exist (veths here, OVS ports on a real host), and eno1's address and
# default route have moved to br0 (the uplink move of issue #6, done by hand until it
# lands). `hostnet up` then converges the rest and the plan is timed. BENCH_LAYERS
# (default "netlink") is passed as HOSTNET_LAYERS; empty means every backend, for when
# the OVS and libvirt parts can converge in the lab as well.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB=$ROOT/vm-tests/lab
NAME=hn-nl-bench
RUNS=${1:-30}
HOSTNET=$(realpath "${HOSTNET:-$ROOT/build/hostnet}")
BUILD=$(dirname "$HOSTNET")
CONFIG=$ROOT/etc/hostnet.yaml
export HOSTNET_LAYERS=${BENCH_LAYERS-netlink}
TMP=$(mktemp -d /tmp/netlink_bench.XXXXXX)

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	"$LAB" stop "$NAME" >/dev/null 2>&1 || true
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $RUNS -ge 20 ]] || { echo "netlink_bench: at least 20 runs" >&2; exit 2; }

# The read-alone driver, against the same core library as the binary measured.
deps="libnl-route-3.0 libnl-3.0 jansson libvirt libxml-2.0 yaml-0.1"
build_driver() {
	cc -std=gnu11 -O2 -D_GNU_SOURCE "$@" -I"$ROOT/agent" -I"$ROOT/netlink" \
		$(pkg-config --cflags $deps) "$ROOT/bench/netlink_read.c" "$BUILD/libhostnet-core.a" \
		$(pkg-config --libs $deps) -o "$TMP/netlink_read" 2>"$TMP/cc.log"
}
build_driver || build_driver -fsanitize=address,undefined || {
	cat "$TMP/cc.log" >&2
	exit 1
}

"$LAB" stop "$NAME" >/dev/null 2>&1 || true
"$LAB" start "$NAME" >"$TMP/lab.log" 2>&1 || { tail -n 5 "$TMP/lab.log" >&2; exit 1; }
eval "$("$LAB" env "$NAME")"
in_lab() { ip netns exec "$LAB_NS" "$@"; }

for br in br0 brint; do
	in_lab ip link add "$br" type veth peer name "$br-p"
	in_lab ip link set "$br-p" up
done
in_lab ip addr del "$LAB_HOST_ADDR" dev eno1 # takes the default route along
in_lab "$HOSTNET" --ovsdb "$LAB_OVSDB" -c "$CONFIG" up >/dev/null
in_lab "$HOSTNET" --ovsdb "$LAB_OVSDB" -c "$CONFIG" plan >"$TMP/plan" ||
	{ echo "netlink_bench: the lab did not converge:" >&2; cat "$TMP/plan" >&2; exit 1; }

echo "netlink_bench: $RUNS runs, lab $NAME, HOSTNET_LAYERS=${HOSTNET_LAYERS:-(all)}, $HOSTNET"
in_lab "$TMP/netlink_read" "$RUNS" "$CONFIG"

# Timed inside the namespace with bash's own clock: no `ip netns exec` or date(1) per run.
# LABEL CMD...: the median wall time of RUNS runs of CMD, which must exit 0.
time_runs() {
	in_lab bash -c '
		label=$1 runs=$2
		shift 2
		t=()
		for ((i = 0; i < runs; i++)); do
			t0=$EPOCHREALTIME
			"$@" >/dev/null || { echo "netlink_bench: $label exited $?" >&2; exit 1; }
			t1=$EPOCHREALTIME
			t+=("$((${t1/./} - ${t0/./}))")
		done
		printf "%s\n" "${t[@]}" | sort -n | awk -v runs="$runs" -v label="$label" "
			{ v[NR] = \$1 / 1000 }
			END {
				m = runs % 2 ? v[(runs + 1) / 2] : (v[runs / 2] + v[runs / 2 + 1]) / 2
				printf \"%s: median %.3f ms, min %.3f, max %.3f (%d runs)\\n\",
					label, m, v[1], v[runs], runs
			}"
	' bench "$@"
}

time_runs "converged \`hostnet plan\` (exit 0)" "$RUNS" \
	"$HOSTNET" --ovsdb "$LAB_OVSDB" -c "$CONFIG" plan
# The floor under any command: starting the process (loading its shared libraries).
time_runs "\`hostnet version\` (process start alone)" "$RUNS" "$HOSTNET" version
