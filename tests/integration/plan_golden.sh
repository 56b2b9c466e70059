#!/usr/bin/env bash
# plan_golden.sh - the plan's exact bytes on the seed host, against files checked in under
# tests/integration/golden/, so that a change of the code's structure that is meant to keep
# behaviour shows any difference in what people and scripts read.
#
# Cases, each in a fresh lab with libvirtd (PLAN_GOLDEN_LAB, default hn-golden):
#   seed_from_nothing      `plan` and `--json plan` of etc/hostnet.yaml on the lab as made
#   seed_drifted           after `up`, brint's tag, a trunk, brint's address and a portgroup
#                          changed behind hostnet's back: `plan` and `--json plan`
#   check_output           `check` and `--json check` of etc/hostnet.yaml
# Values that differ from one lab to the next (eno1's MAC) are replaced by @ENO1_MAC@ before
# the comparison. GOLDEN_UPDATE=yes writes the files instead (then read the diff!).
#
# Must run as root. $HOSTNET is the binary under test. The last line is "N passed, N failed".

set -euo pipefail

HN_LAB=${PLAN_GOLDEN_LAB:-hn-golden}
HN_LIBVIRT=yes
HN_FRESH=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SEED=$ROOT/etc/hostnet.yaml
GOLDEN=$ROOT/tests/integration/golden

# same_as_golden NAME: hostnet's last stdout, made lab-independent, is golden/NAME.
same_as_golden() {
	sed -e "s/$LAB_ENO1_MAC/@ENO1_MAC@/g" -e "s|$SEED|@CONFIG@|g" "$TMP/out" >"$TMP/golden"
	if [[ ${GOLDEN_UPDATE:-} == yes ]]; then
		cp "$TMP/golden" "$GOLDEN/$1"
		return 0
	fi
	diff -u "$GOLDEN/$1" "$TMP/golden" >"$TMP/diff" ||
		why "differs from golden/$1: $(head -c 1500 "$TMP/diff" | tr '\n' '|')"
}

case_seed_from_nothing() {
	hn "$SEED" plan && rc_is 3 && same_as_golden seed-plan.txt || return 1
	hn "$SEED" --json plan && rc_is 3 && same_as_golden seed-plan.json
}

case_seed_drifted() {
	hn "$SEED" up && rc_is 0 || return 1
	must vsctl set Port brint tag=10 &&
		must in_lab ip addr del 10.99.1.250/32 dev brint || return 1
	vsh net-dumpxml intern-vlans | sed "/<portgroup name='105'>/,/<\/portgroup>/d" >"$TMP/net.xml"
	must vsh net-define "$TMP/net.xml" || return 1
	hn "$SEED" plan && rc_is 3 && same_as_golden seed-drifted-plan.txt || return 1
	hn "$SEED" --json plan && rc_is 3 && same_as_golden seed-drifted-plan.json
}

case_check_output() {
	hn "$SEED" check && rc_is 0 && same_as_golden seed-check.txt || return 1
	hn "$SEED" --json check && rc_is 0 && same_as_golden seed-check.json
}

need_hostnet
run_cases seed_from_nothing seed_drifted check_output
