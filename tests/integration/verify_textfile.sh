#!/usr/bin/env bash
# verify_textfile.sh - `hostnet verify --textfile PATH` against the seed host in a lab host
# (real ovsdb-server, ovs-vswitchd on the userspace datapath, namespaces, raw frames): the
# file is checked by the rules of the Prometheus text exposition format
# (tests/promtext_lint.py: name grammar, escaping, HELP/TYPE before samples, one TYPE per
# family, floats), and its samples against the run's own JSON report.
#
# Cases: a correct host (every check's status, the counts, the probe window, the timings and
# the time of the run are in the file; it is 0644 and alone in its directory); a drifted host
# (CRITICAL in the file as on stdout); --no-probes (the window's series are there, 0 and
# NaN); a config that does not load (the file says UNKNOWN instead of keeping the last good
# run); the directory removed during the run (an UNKNOWN check "textfile"); bad PATHs
# (missing directory, read-only directory, a directory, a file as the directory): one line
# on stderr, exit 3, nothing run, nothing written.
#
# Each case gets a fresh lab VERIFY_TEXTFILE_LAB (default hn-textfile) with libvirtd: the seed
# host is made by hand, its libvirt networks by hostnet (the libvirt layer alone), and verify
# checks every layer. Cases named on the command line run alone. Must run as root. $HOSTNET is the binary under test
# (default build/hostnet). The last line is "N passed, N failed".

set -euo pipefail

HN_LAB=${VERIFY_TEXTFILE_LAB:-hn-textfile}
HN_LIBVIRT=yes
HN_FRESH=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LINT=$ROOT/tests/promtext_lint.py
RO=
on_exit '[[ -z $RO ]] || umount "$RO" 2>/dev/null'

# The textfile of the last run (PROM) agrees with its JSON report ($TMP/out) and the clock
# around it (T0, T1 in ms): one sample per check name with the worst status of that name,
# the overall status and counts, the window's figures (PROBES: the probe ports expected, 0
# for none), timings that add up. Said in WHY when not.
PROM=
T0=0
T1=0
textfile_matches_run() {
	python3 - "$LINT" "$PROM" "$TMP/out" "$T0" "$T1" "$1" >"$TMP/py" 2>&1 <<'EOF' || why "textfile: $(tail -n 3 "$TMP/py" | tr '\n' '|')"
import importlib.util, json, math, sys
spec = importlib.util.spec_from_file_location("lint", sys.argv[1])
lint = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lint)
prom, out, t0, t1, probes = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
try:
    samples = lint.lint(open(prom, "rb").read(), "hostnet_")
except lint.Bad as e:
    sys.exit(f"{prom}:{e}")
doc = json.load(open(out))
codes = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}
rank = {0: 0, 3: 1, 1: 2, 2: 3}
want = {}
for r in doc["results"]:
    s = codes[r["status"]]
    if r["name"] not in want or rank[s] > rank[want[r["name"]]]:
        want[r["name"]] = s
got, one = {}, {}
for name, labels, value in samples:
    if name == "hostnet_verify_check_status":
        got[labels["check"]] = value
    else:
        one[(name, tuple(sorted(labels.items())))] = value
def v(name, **labels):
    return one[(name, tuple(sorted(labels.items())))]
assert got == want, f"check statuses differ: file {got}, run {want}"
assert v("hostnet_verify_status") == doc["exit"] == codes[doc["status"]], "overall status"
by = {k: sum(1 for r in doc["results"] if r["status"] == k.upper()) for k in ("ok", "warning", "critical", "unknown")}
for k, n in by.items():
    assert v("hostnet_verify_checks", status=k) == n, f"checks {k}: {v('hostnet_verify_checks', status=k)}, run {n}"
assert v("hostnet_verify_checks_failed") == doc["failed"], "failed"
total = v("hostnet_verify_duration_seconds")
assert abs(total - doc["time"]) < 0.002, f"duration {total}, run {doc['time']}"
state, probing = v("hostnet_verify_phase_duration_seconds", phase="state"), v("hostnet_verify_phase_duration_seconds", phase="probes")
assert 0 < state and 0 <= probing and state + probing <= total + 0.001, f"phases {state} + {probing} > {total}"
window, heard = v("hostnet_verify_probe_window_seconds"), v("hostnet_verify_probe_heard_seconds")
assert v("hostnet_verify_probes") == probes, f"probes {v('hostnet_verify_probes')}, expected {probes}"
if probes:
    assert v("hostnet_verify_probe_frames_sent") > 0 and v("hostnet_verify_probe_frames_received") > 0, "frames"
    assert v("hostnet_verify_probe_send_errors") == 0, "send errors"
    assert 0 < window < probing, f"window {window}, probes phase {probing}"
    # NaN exactly when the run's own "probe window" line says not everything was heard.
    said = [r["found"] for r in doc["results"] if r["name"] == "probe window"][0]
    if "not everything expected heard" in said:
        assert math.isnan(heard), f"heard {heard}, the run said: {said}"
    else:
        assert 0 < heard <= window, f"heard {heard}, window {window}"
else:
    assert window == 0 and math.isnan(heard) and v("hostnet_verify_probe_frames_sent") == 0, "a window without probes"
ts = v("hostnet_verify_last_run_timestamp_seconds")
assert t0 / 1000 - 0.01 <= ts <= t1 / 1000 + 0.01, f"timestamp {ts} not within the run [{t0 / 1000}, {t1 / 1000}]"
versions = [dict(k[1]) for k in one if k[0] == "hostnet_build_info"]
assert len(versions) == 1 and versions[0]["version"], "build info"
print(f"{len(samples)} samples, {len(got)} checks")
EOF
}

# hn_textfile CONFIG ARGS...: hn ... verify ARGS --textfile $PROM with --json, timed.
hn_textfile() {
	local conf=$1
	shift
	T0=$(now_ms)
	hn "$conf" --json verify "$@" --textfile "$PROM"
	T1=$(now_ms)
}

# The file is the only one in its directory (no temporary file left), and 0644 (the
# collector runs as another user).
file_alone_and_readable() {
	local left mode
	left=$(ls -A "$(dirname "$PROM")")
	[[ $left == "$(basename "$PROM")" ]] || why "the directory holds: $(echo "$left" | xargs)" || return 1
	mode=$(stat -c %a "$PROM")
	[[ $mode == 644 ]] || why "mode $mode, expected 644"
}

setup() {
	seed_by_hand || return 1
	HN_LAYERS=libvirt hn verify-seed.yaml up
	rc_is 0 || return 1
	mkdir -p "$TMP/textfile"
	rm -f "$TMP/textfile"/* "$TMP/textfile"/.??* 2>/dev/null || true
	PROM=$TMP/textfile/hostnet.prom
}

# ---------------------------------------------------------------------------- cases

case_correct_host() {
	setup || return 1
	hn_textfile verify-seed.yaml
	rc_is 0 || return 1
	textfile_matches_run 31 || return 1
	NOTE=$(cat "$TMP/py")
	grep -q '^hostnet_verify_check_status{check="vlan 10 isolation"} 0$' "$PROM" ||
		why "no sample for vlan 10 isolation" || return 1
	file_alone_and_readable
}

case_drifted_host() {
	setup || return 1
	must vsctl set port brint tag=10 || return 1
	hn_textfile verify-seed.yaml
	rc_is 2 || return 1
	textfile_matches_run 31 || return 1
	grep -q '^hostnet_verify_check_status{check="port brint"} 2$' "$PROM" ||
		why "port brint is not CRITICAL in the file" || return 1
	grep -q '^hostnet_verify_status 2$' "$PROM" || why "the file's status is not 2"
}

case_no_probes() {
	setup || return 1
	hn_textfile verify-seed.yaml --no-probes
	rc_is 0 || return 1
	textfile_matches_run 0 || return 1
	file_alone_and_readable
}

# A previous good run's file is replaced by UNKNOWN: monitoring must not go on seeing OK.
case_config_that_does_not_load() {
	setup || return 1
	hn_textfile verify-seed.yaml
	rc_is 0 || return 1
	printf 'bridges:\n  brint:\n    tagg: 99\n' >"$TMP/bad.yaml"
	hn "$TMP/bad.yaml" verify --textfile "$PROM"
	rc_is 3 || return 1
	python3 "$LINT" "$PROM" hostnet_ >"$TMP/samples" 2>"$TMP/py" ||
		why "textfile: $(cat "$TMP/py")" || return 1
	grep -qx 'hostnet_verify_status 3.0' "$TMP/samples" || why "the file's status is not 3" || return 1
	grep -qx 'hostnet_verify_check_status{check="config"} 3.0' "$TMP/samples" ||
		why "no UNKNOWN config check in the file" || return 1
	[[ $(grep -c '^hostnet_verify_check_status' "$TMP/samples") == 1 ]] ||
		why "checks of the earlier run are left in the file" || return 1
	file_alone_and_readable
}

# The directory goes away while the probes run: the run's own report says so (an UNKNOWN
# check "textfile", exit 3 on a host otherwise OK), and no file is made anywhere.
case_write_that_fails_at_the_end() {
	local i marked=0
	setup || return 1
	mkdir "$TMP/textfile/gone"
	hn_bg verify verify-seed.yaml verify --textfile "$TMP/textfile/gone/hostnet.prom"
	for i in $(seq 500); do
		marked=$(vsctl --format=csv --no-headings --columns=external_ids list Port |
			grep -c hostnet-probe || true)
		((marked == 31)) && break
		kill -0 "$HN_BG_PID" 2>/dev/null || break
		sleep 0.01
	done
	((marked == 31)) || why "the probes never all reached the switch" || return 1
	must rmdir "$TMP/textfile/gone" || return 1
	hn_join verify
	rc_is 3 || return 1
	first_line_is UNKNOWN || return 1
	line_is UNKNOWN textfile "$TMP/textfile/gone/hostnet.prom: cannot make a file" || return 1
	line_is UNKNOWN textfile "No such file or directory" || return 1
	[[ -z $(ls -A "$TMP/textfile") ]] || why "files left: $(ls -A "$TMP/textfile" | xargs)"
}

# bad_path PATH WHAT: refused in one line naming PATH, exit 3, no check run (stdout empty,
# no probe port ever added to the switch), nothing written anywhere.
bad_path() {
	local log=$LAB_DIR/ovs-vswitchd.log lines before
	lines=$(wc -l <"$log")
	before=$(find "$TMP/textfile" "$TMP/ro" -printf '%p %s\n' 2>/dev/null | sort)
	hn verify-seed.yaml verify --textfile "$1"
	rc_is 3 || return 1
	err_is_one_line_with "$1" "$2" || return 1
	out_is_empty || return 1
	! tail -n +"$((lines + 1))" "$log" | grep -q 'added interface' || why "probes ran" || return 1
	[[ $(find "$TMP/textfile" "$TMP/ro" -printf '%p %s\n' 2>/dev/null | sort) == "$before" ]] ||
		why "files changed: $(find "$TMP/textfile" "$TMP/ro" | tr '\n' ' ')"
}

case_bad_paths_change_nothing() {
	setup || return 1
	mkdir -p "$TMP/ro"
	must mount -t tmpfs -o ro,size=64k tmpfs "$TMP/ro" || return 1
	RO=$TMP/ro
	touch "$TMP/textfile/plain"
	bad_path "$TMP/textfile/missing/hostnet.prom" "No such file or directory" || return 1
	bad_path "$TMP/ro/hostnet.prom" "Read-only file system" || return 1
	bad_path "$TMP/textfile" "is a directory" || return 1
	bad_path "$TMP/textfile/plain/hostnet.prom" "is not a directory" || return 1
	umount "$RO" && RO=
}

need_hostnet
CASES=(
	correct_host
	drifted_host
	no_probes
	config_that_does_not_load
	write_that_fails_at_the_end
	bad_paths_change_nothing
)
(($# == 0)) || CASES=("$@")
run_cases "${CASES[@]}"
