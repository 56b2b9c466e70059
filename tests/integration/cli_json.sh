#!/usr/bin/env bash
# cli_json.sh - with --json, stdout is exactly one JSON document (an object) for every
# command and every outcome, and nothing else: a bad config, an OVSDB socket or a libvirt
# URI that cannot be reached, an unknown option, an extra argument, --help, and the global
# command line's own errors. The exit status is the documented one (README "Commands":
# up/plan/down/check 2 for bad usage or config, 1 for a failure; verify 3, UNKNOWN, for
# all of those), an error document's "exit" says the same, and the human one-line error
# still goes to stderr.
#
# The lab is the seed host made by hand, with a live OVSDB, so that the libvirt case gets
# past the switch to libvirt and verify finds every layer it can reach as it should be:
# what it cannot reach is then all that is wrong, and it says UNKNOWN. The config is the
# seed's (verify-seed.yaml: the seed on the lab's datapath), which has a libvirt: section,
# so libvirt is needed. No run here changes the host: each stops at the config, the
# command line or a connection (checked at the end; verify removes its own probes).
#
# $HOSTNET is the binary under test (default build/hostnet); JSON_LAB names the lab.
# Last line: "N passed, N failed". The harness is lib.sh.
set -euo pipefail

HN_LAB=${JSON_LAB:-hn-json}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SEED=$CONF/verify-seed.yaml
BAD=$TMP/bad.yaml
printf 'bridges:\n  br0: {tag: 5000}\n' >"$BAD"
NO_OVSDB=unix:$TMP/no-such-db.sock
NO_LIBVIRT="qemu+unix:///system?socket=$TMP/no-such-libvirt.sock"

# one_json_document: $TMP/out holds one JSON object and only that (whitespace around it
# aside); prints its "exit" member, or nothing when it has none.
one_json_document() {
	python3 - "$TMP/out" <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
if not text.strip():
    sys.exit("stdout is empty")
dec = json.JSONDecoder()
start = len(text) - len(text.lstrip())
try:
    doc, end = dec.raw_decode(text, start)
except ValueError as e:
    sys.exit("stdout does not start with a JSON document: %s" % e)
if text[end:].strip():
    sys.exit("more after the JSON document: %r" % text[end:end + 80])
if not isinstance(doc, dict):
    sys.exit("the document is a %s, expected an object" % type(doc).__name__)
if "exit" in doc:
    print(doc["exit"])
EOF
}

# json_run WANT STDERR WHERE ARGS...: hostnet ARGS (in the lab's namespace when
# WHERE is "lab") exits WANT with one JSON document on stdout; STDERR "line": stderr is
# exactly one line, "any": not looked at (verify's findings are in the document).
json_run() {
	local want=$1 stderr=$2 where=$3 said exit
	shift 3
	RC=0
	if [ "$where" = lab ]; then
		in_lab "$HOSTNET" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
	else
		"$HOSTNET" "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
	fi
	rc_is "$want" || return 1
	said=$(one_json_document 2>&1) || {
		why "$said"
		return 1
	}
	exit=$said
	if [ -n "$exit" ] && [ "$exit" != "$RC" ]; then
		why "the document says exit $exit, hostnet exited $RC"
		return 1
	fi
	if [ "$stderr" = line ]; then
		err_is_one_line || return 1
	fi
	return 0
}

# The exit status of COMMAND for an outcome: usage (bad usage), config (bad config),
# daemon (a daemon out of reach), ok (nothing wrong).
want_exit() {
	local command=$1 outcome=$2
	case $command:$outcome in
	version:config | version:daemon | check:daemon | *:ok) echo 0 ;;
	verify:*) echo 3 ;;
	*:usage | *:config) echo 2 ;;
	*:daemon) echo 1 ;;
	esac
}

# verify reports a daemon out of reach as a finding in its document, not as an error.
stderr_for() {
	case $1:$2 in
	verify:daemon | *:ok) echo any ;;
	version:config | version:daemon | check:daemon) echo any ;;
	*) echo line ;;
	esac
}

need_hostnet
command -v python3 >/dev/null || setup_failed "python3 is needed to read the JSON"
lab_start_or_die
if ! seed_by_hand || ! lab_settled; then
	setup_failed "$WHY"
fi
host_snapshot before

for command in up plan verify down check version; do
	run_check "$command, bad config" json_run "$(want_exit "$command" config)" \
		"$(stderr_for "$command" config)" host --json -c "$BAD" "$command"
	run_check "$command, OVSDB out of reach" json_run "$(want_exit "$command" daemon)" \
		"$(stderr_for "$command" daemon)" lab --json -c "$SEED" --ovsdb "$NO_OVSDB" \
		--libvirt "$NO_LIBVIRT" "$command"
	run_check "$command, libvirt out of reach" json_run "$(want_exit "$command" daemon)" \
		"$(stderr_for "$command" daemon)" lab --json -c "$SEED" --ovsdb "$LAB_OVSDB" \
		--libvirt "$NO_LIBVIRT" "$command"
	run_check "$command --bogus" json_run "$(want_exit "$command" usage)" line host \
		--json -c "$SEED" "$command" --bogus
	run_check "$command extra" json_run "$(want_exit "$command" usage)" line host \
		--json -c "$SEED" "$command" extra
	run_check "$command --help" json_run 0 any host --json "$command" --help
done

# import reads no config: only the switch must answer (libvirt is described when it does).
run_check "import, OVSDB out of reach" json_run 1 line lab --json --ovsdb "$NO_OVSDB" \
	--libvirt "$NO_LIBVIRT" import
run_check "import, libvirt out of reach" json_run 0 any lab --json --ovsdb "$LAB_OVSDB" \
	--libvirt "$NO_LIBVIRT" import
run_check "import extra" json_run 2 line host --json import extra
run_check "import --help" json_run 0 any host --json import --help

# The global command line: its errors come before any command runs.
run_check "--bogus before --json" json_run 2 line host --bogus --json check
run_check "--json --bogus" json_run 2 line host --json --bogus check
run_check "no command" json_run 2 line host --json
run_check "not a command" json_run 2 line host --json frob
run_check "--timeout abc" json_run 2 line host --json --timeout abc plan
run_check "-c without a value" json_run 2 line host --json -c
run_check "--help" json_run 0 any host --json --help
run_check "--version" json_run 0 any host --json --version
run_check "check, good config" json_run 0 any host --json -c "$SEED" check
run_check "version" json_run 0 any host --json version
run_check "the host is as it was" host_unchanged_since before
finish
