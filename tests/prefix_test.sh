#!/usr/bin/env bash
# prefix_test.sh NM [ARCHIVE PREFIX]... - every symbol a library's archive defines for the
# others carries the library's prefix (ARCHITECTURE.md, "Names"), so a name says where it
# lives: hn_nl_ netlink, hn_ovs_ ovs, hn_virt_ virt, hn_verify_ verify, hn_ovn_ ovn, and hn_ with none
# of those for the agent. Prints "ok - ..." lines, exits 1 when one fails.
set -uo pipefail
NM=$1
shift
libs='hn_(nl|ovs|virt|verify|ovn)_'
failed=0
while (($# >= 2)); do
	archive=$1 prefix=$2
	shift 2
	# Defined, global; a sanitized build adds its own __odr_asan.NAME aliases.
	names=$("$NM" -g --defined-only "$archive" | awk 'NF == 3 { print $3 }' |
		grep -v '^__odr_asan' | sort -u)
	if [[ -z $names ]]; then
		echo "not ok - $(basename "$archive"): defines no symbol (not the archive meant?)"
		failed=1
		continue
	fi
	if [[ $prefix == hn_ ]]; then
		bad=$(grep -Ev '^hn_' <<<"$names"; grep -E "^$libs" <<<"$names")
	else
		bad=$(grep -Ev "^$prefix" <<<"$names")
	fi
	if [[ -n $bad ]]; then
		echo "not ok - $(basename "$archive"): not $prefix: $(echo $bad)"
		failed=1
	else
		echo "ok - $(basename "$archive"): $(wc -l <<<"$names") symbols, all $prefix"
	fi
done
exit $failed
