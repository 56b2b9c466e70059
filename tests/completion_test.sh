#!/usr/bin/env bash
# completion_test.sh COMPLETION HOSTNET - the bash completion against bash-completion's own
# helpers and against the binary: every command and every option that `hostnet --help` and
# `hostnet COMMAND --help` print is offered, -c and --textfile complete files, --layers
# completes its comma-separated list. Prints "ok - ..." lines, exits 1 when one fails.
set -uo pipefail
COMPLETION=$1
HOSTNET=$2
# shellcheck disable=SC1091
. /usr/share/bash-completion/bash_completion
# shellcheck disable=SC1090
. "$COMPLETION"

failed=0
ok() { echo "ok - $1"; }
not_ok() {
	echo "not ok - $1: $2"
	failed=$((failed + 1))
}

# complete WORD...: COMPREPLY for the cursor at the end of the last word, the words as bash
# would split them (':' is a word of its own, as COMP_WORDBREAKS has it).
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_LINE=${COMP_LINE// : /:}
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_hostnet hostnet "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | sort | xargs
}

# expect NAME GOT WANT
expect() {
	if [[ $2 == "$3" ]]; then ok "$1"; else not_ok "$1" "got '$2', expected '$3'"; fi
}

# offers_all NAME OFFERED OPTIONS: every one of OPTIONS is among OFFERED.
offers_all() {
	local o missing=
	for o in $3; do
		[[ " $2 " == *" $o "* ]] || missing+=" $o"
	done
	if [[ -z $missing ]]; then ok "$1"; else not_ok "$1" "not offered:$missing"; fi
}

options_of() { # the options a --help text names
	grep -oE '(^|[ [,])--?[a-z][a-z-]*' | sed 's/^[ [,]//' | sort -u | xargs
}

command_options_of() { # COMMAND: the options `hostnet COMMAND --help` gives the command
	# its usage line after the command's name (the global ones come before it), and
	# the lines that explain an option
	local text
	text=$("$HOSTNET" "$1" --help)
	{ sed -n "1s/.* $1\\b//p" <<<"$text" && grep -E '^ +-' <<<"$text"; } | options_of
}

help=$("$HOSTNET" --help) || { not_ok "hostnet --help" "exit $?"; exit 1; }
commands=$(sed -n '/^Commands:/,/^$/p' <<<"$help" | awk 'NF && !/Commands:/ {print $1}' | sort | xargs)
expect "commands" "$(complete_words hostnet '')" "$commands"
expect "commands by prefix" "$(complete_words hostnet ve)" "verify version"
offers_all "global options of --help" "$(complete_words hostnet -)" "$(options_of <<<"$help")"
for c in $commands; do
	offers_all "options of $c --help" "$(complete_words hostnet -c x.yaml "$c" -)" \
		"$(command_options_of "$c") --help"
	expect "no global option after $c" "$(complete_words hostnet "$c" --jso)" ""
done
expect "the command after option values" "$(complete_words hostnet --timeout 500 -c x.yaml --layers ovs v)" "verify version"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
touch "$dir/seed.yaml" "$dir/other.conf"
expect "-c completes files" "$(complete_words hostnet -c "$dir/")" "$dir/other.conf $dir/seed.yaml"
expect "--config completes files" "$(complete_words hostnet --config "$dir/s")" "$dir/seed.yaml"
expect "--textfile completes files" "$(complete_words hostnet verify --textfile "$dir/o")" "$dir/other.conf"
expect "--layers" "$(complete_words hostnet --layers '')" "libvirt netlink ovs"
expect "--layers after a comma" "$(complete_words hostnet --layers ovs,)" "ovs,libvirt ovs,netlink"
expect "--layers by prefix" "$(complete_words hostnet --layers ovs,libvirt,n)" "ovs,libvirt,netlink"
expect "--layers all listed" "$(complete_words hostnet --layers ovs,libvirt,netlink,)" ""
expect "--ovsdb" "$(complete_words hostnet --ovsdb unix : /var/run/o)" "/var/run/openvswitch/db.sock"
expect "--timeout takes a number" "$(complete_words hostnet --timeout '')" ""

((failed == 0)) && echo "all passed" || echo "$failed failed"
((failed == 0))
