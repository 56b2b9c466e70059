#!/usr/bin/env bash
# last_good.sh - `up --last-good FILE`, hostnet.service's way to come back from an invalid
# config at boot, in a lab host.
#
# Cases (each on a fresh lab):
#   kept_once_converged        up converges the seed's uplink config: FILE holds the config
#                              byte for byte, mode 0600, and nothing else is left next to it
#   not_kept_when_up_fails     up with a silent gateway (exit 1, nothing changed): no FILE
#   not_kept_by_a_layers_run   --layers ovs,netlink converges the host, but FILE stays as it
#                              was: a partial run is no config to come back to
#   invalid_config_at_boot_converges_the_last_good
#                              converged, then what a boot leaves (OVS's br0 with eno1, the
#                              address and route back on eno1, br0 down) and an invalid
#                              config: up exits 2, says the config's error then that it
#                              converges FILE, and the host answers on br0 with nothing left
#                              to change; FILE is unchanged
#   invalid_config_without_last_good_changes_nothing
#                              no FILE yet: exit 2, the config's error and "no last good
#                              config", the host as it was; without --last-good: exit 2, one
#                              line, the host as it was
#   last_good_is_an_up_option  down --last-good: exit 2, one line, nothing changed
#
# Must run as root. $HOSTNET is the binary under test (LAST_GOOD_LAB, default hn-last-good).
# The last line is "N passed, N failed". The harness is lib.sh.

set -euo pipefail

HN_LAB=${LAST_GOOD_LAB:-hn-last-good}
HN_FRESH=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SEED=uplink-seed.yaml

# A config with one typo, as an admin's edit leaves it.
bad_config() {
	{ cat "$CONF/$SEED" && echo "bogus: 1"; } >"$TMP/bad.yaml"
}

saved_is_seed() {
	[[ -f $TMP/state/last-good.yaml ]] || why "no $TMP/state/last-good.yaml" || return 1
	cmp -s "$CONF/$SEED" "$TMP/state/last-good.yaml" || why "last-good.yaml differs from $SEED" ||
		return 1
	[[ $(stat -c %a "$TMP/state/last-good.yaml") == 600 ]] || why "last-good.yaml is not mode 600"
}

fresh_state() { rm -rf "$TMP/state" && mkdir -p "$TMP/state"; }

case_kept_once_converged() {
	fresh_state && lab_settled || return 1
	hn "$SEED" up --last-good "$TMP/state/last-good.yaml"
	rc_is 0 && uplink_on_br0 && saved_is_seed || return 1
	[[ $(ls -A "$TMP/state") == last-good.yaml ]] || why "left next to it: $(ls -A "$TMP/state")"
}

case_not_kept_when_up_fails() {
	fresh_state && lab_settled || return 1
	hn uplink-silent-gw.yaml up --gateway-timeout 500 --last-good "$TMP/state/last-good.yaml"
	rc_is 1 && uplink_on_eno1 || return 1
	[[ -z $(ls -A "$TMP/state") ]] || why "kept after a failed up: $(ls -A "$TMP/state")"
}

case_not_kept_by_a_layers_run() {
	fresh_state && lab_settled || return 1
	HN_LAYERS=ovs,netlink hn "$SEED" up --last-good "$TMP/state/last-good.yaml"
	rc_is 0 && uplink_on_br0 || return 1
	[[ -z $(ls -A "$TMP/state") ]] || why "kept after a --layers run: $(ls -A "$TMP/state")"
}

case_invalid_config_at_boot_converges_the_last_good() {
	fresh_state && lab_settled || return 1
	hn "$SEED" up --last-good "$TMP/state/last-good.yaml" && rc_is 0 || return 1
	# What a boot leaves: OVS's database brought br0 back with eno1, ifupdown gave eno1 the
	# address and the default route, br0 is down and bare.
	must in_lab ip addr add "$LAB_HOST_ADDR" dev eno1 &&
		must in_lab ip route replace default via "$LAB_GW" dev eno1 &&
		must in_lab ip addr del "$LAB_HOST_ADDR" dev br0 && must in_lab ip link set br0 down ||
		return 1
	bad_config
	hn "$TMP/bad.yaml" up --last-good "$TMP/state/last-good.yaml"
	rc_is 2 && err_has "bogus" || return 1
	[[ $(head -n 1 "$TMP/err") == "$TMP/bad.yaml:"*bogus* ]] ||
		why "stderr's first line is not the config's error" || return 1
	err_has "up: converging the last good config $TMP/state/last-good.yaml instead" &&
		out_has "up: applied" || return 1
	uplink_on_br0 && host_answers && saved_is_seed || return 1
	hn "$SEED" plan && rc_is 0 && out_has "nothing to change"
}

case_invalid_config_without_last_good_changes_nothing() {
	fresh_state && lab_settled && host_snapshot pristine || return 1
	bad_config
	hn "$TMP/bad.yaml" up --last-good "$TMP/state/last-good.yaml"
	rc_is 2 && err_has "bogus" &&
		err_has "no last good config ($TMP/state/last-good.yaml) to converge instead" &&
		out_is_empty && host_unchanged_since pristine || return 1
	hn "$TMP/bad.yaml" up
	rc_is 2 && err_is_one_line_with "bogus" && out_is_empty && host_unchanged_since pristine
}

case_last_good_is_an_up_option() {
	lab_settled && host_snapshot pristine || return 1
	hn "$SEED" down --last-good "$TMP/last-good.yaml"
	rc_is 2 && err_is_one_line_with "--last-good" && out_is_empty && host_unchanged_since pristine
}

need_hostnet
for name in kept_once_converged not_kept_when_up_fails not_kept_by_a_layers_run \
	invalid_config_at_boot_converges_the_last_good \
	invalid_config_without_last_good_changes_nothing last_good_is_an_up_option; do
	run_case "$name"
done
finish
