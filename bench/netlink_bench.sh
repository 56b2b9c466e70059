#!/usr/bin/env bash
# netlink_bench.sh - wall time of a converged `hostnet plan` and of the netlink read alone,
# on a lab host with the seed config (etc/hostnet.yaml). Not a test: prints figures.
#
#   sudo bench/netlink_bench.sh [RUNS]     (default 30; medians of RUNS runs)
#
# The lab is NETLINK_BENCH_LAB (default hn-nl-bench), started and stopped with
# tests/integration/lib.sh.
#
# $HOSTNET is the binary measured (default build/hostnet; use a build without sanitizers
# for figures that mean something). Its build directory must hold the libraries' archives
# (agent/, netlink/, ovs/, verify/): the read-alone driver (bench/netlink_read.c) is linked
# against them here, so it runs the same code as the binary.
#
# What each figure times: "netlink read" and "in-process netlink plan" are the netlink
# layer alone, inside one process (no exec, no OVS, no libvirt); the `hostnet plan` figure
# is a whole process (exec, loading its shared libraries, the config, the lock) with the
# layers of BENCH_LAYERS; `hostnet version` is the process start alone.
#
# The lab is made the seed host by `hostnet up` with the OVS and netlink layers (br0 and
# brint as OVS internal ports, eno1 in br0, its address and default route moved to br0;
# the lab has no libvirtd), then the plan is timed. BENCH_LAYERS (default "netlink") is
# passed as --layers to the timed runs; empty means every layer, for when the libvirt part
# can converge in the lab as well.
set -euo pipefail

HN_LAB=${NETLINK_BENCH_LAB:-hn-nl-bench}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"
RUNS=${1:-30}
HOSTNET=$(realpath "$HOSTNET")
BUILD=$(dirname "$HOSTNET")
CONFIG=$ROOT/etc/hostnet.yaml
BENCH_LAYERS=${BENCH_LAYERS-netlink}
TIMED_LAYERS=()
[[ -z $BENCH_LAYERS ]] || TIMED_LAYERS=(--layers "$BENCH_LAYERS")

[[ $RUNS -ge 20 ]] || { echo "netlink_bench: at least 20 runs" >&2; exit 2; }

# The read-alone driver, against the same libraries as the binary measured (one archive
# per folder since the library split; a group, as they call one another).
deps="libnl-route-3.0 libnl-3.0 jansson yaml-0.1"
archives=()
for lib in agent netlink ovs verify; do
	archives+=("$BUILD/$lib/libhostnet-$lib.a")
	[[ -r ${archives[-1]} ]] || { echo "netlink_bench: ${archives[-1]} is not built" >&2; exit 1; }
done
build_driver() {
	cc -std=gnu11 -O2 -D_GNU_SOURCE "$@" -I"$ROOT/agent" -I"$ROOT/netlink" -I"$BUILD/public" \
		$(pkg-config --cflags $deps) "$ROOT/bench/netlink_read.c" \
		-Wl,--start-group "${archives[@]}" -Wl,--end-group \
		$(pkg-config --libs $deps) -o "$TMP/netlink_read" 2>"$TMP/cc.log"
}
build_driver || build_driver -fsanitize=address,undefined || {
	cat "$TMP/cc.log" >&2
	exit 1
}

lab_start || { tail -n 5 "$TMP/lab.log" >&2; exit 1; }

HN_LAYERS=ovs,netlink
hn "$CONFIG" up
((RC == 0)) || { cat "$TMP/err" >&2; exit 1; }
in_lab "$HOSTNET" --ovsdb "$LAB_OVSDB" --layers ovs,netlink -c "$CONFIG" plan >"$TMP/plan" ||
	{ echo "netlink_bench: the lab did not converge:" >&2; cat "$TMP/plan" >&2; exit 1; }

echo "netlink_bench: $RUNS runs, lab $HN_LAB, $HOSTNET; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(the netlink layer alone, in one process:)"
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

echo "(whole processes, exec included:)"
time_runs "converged \`hostnet plan\`, layers ${BENCH_LAYERS:-ovs,netlink,libvirt} (exit 0)" "$RUNS" \
	"$HOSTNET" --ovsdb "$LAB_OVSDB" "${TIMED_LAYERS[@]}" -c "$CONFIG" plan
# The floor under any command: starting the process (loading its shared libraries).
time_runs "\`hostnet version\` (process start alone)" "$RUNS" "$HOSTNET" version
