#!/usr/bin/env bash
# cli_usage.sh - bad command lines: each ends in exactly one line on stderr naming what to
# fix, nothing on stdout, and the documented exit status (2; verify: 3, UNKNOWN). Nothing
# here reaches a daemon: a usage error is found before any connection, so there is no lab.
#
# $HOSTNET is the binary under test (default build/hostnet). Last line: "N passed, N failed".
# The harness (the checks, the counts, the summary line) is lib.sh.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# exit | arguments (split on spaces) | words the one stderr line must hold
cases=$(
	cat <<'EOF_CASES'
2|--bogus check|unknown option '--bogus'
2|-x check|unknown option '-x'
2|-c|option '-c' needs a value
2|--config|option '--config' needs a value
2|--ovsdb|option '--ovsdb' needs a value
2|--timeout abc plan|--timeout: 'abc' is not a number of milliseconds
2|--timeout 0 plan|--timeout: '0' is not a number of milliseconds
2|--timeout 99999999999 plan|--timeout: '99999999999' is not a number
2||no command: one of up, plan, verify, down, check, ovn-sync, import, version
2|frob|'frob' is not a command
2|up extra|hostnet up: unexpected argument 'extra'
2|up --frob|hostnet up: unknown option '--frob'
2|up --gateway-timeout|option '--gateway-timeout' needs a value
2|up --gateway-timeout -5|--gateway-timeout: '-5' is not a number
2|down --gateway-timeout x|--gateway-timeout: 'x' is not a number
2|down -z|hostnet down: unknown option '-z'
2|plan now|hostnet plan: unexpected argument 'now'
2|check extra|hostnet check: unexpected argument 'extra'
2|import extra|hostnet import: unexpected argument 'extra'
2|import --frob|hostnet import: unexpected argument '--frob'
2|ovn-sync extra|hostnet ovn-sync: unexpected argument 'extra'
2|ovn-sync --frob|hostnet ovn-sync: unknown option '--frob'
2|version --json|hostnet version: unexpected argument '--json'
3|verify --frob|hostnet verify: unknown option '--frob'
3|verify extra|hostnet verify: unexpected argument 'extra'
EOF_CASES
)

# refused WANT ARGS WORDS: hostnet ARGS (outside any lab) exits WANT with nothing on stdout
# and one line on stderr that holds WORDS and points to --help.
refused() {
	RC=0
	# shellcheck disable=SC2086 # the arguments are meant to split
	"$HOSTNET" $2 >"$TMP/out" 2>"$TMP/err" || RC=$?
	rc_is "$1" && out_is_empty && err_is_one_line_with "$3" "--help\`"
}

need_hostnet
while IFS='|' read -r want args words; do
	run_check "hostnet $args" refused "$want" "$args" "$words"
done <<<"$cases"
finish
