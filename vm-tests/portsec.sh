# shellcheck shell=bash
# portsec.sh - the provider's port security, sourced by vm-tests/lab-port-security (the
# namespace lab) and vm-tests/vm (the guest host).
#
# The seed's provider blocks the server's port when an unknown MAC shows up on eno1.
# portsec_set NS DEVICE MAC on|off: "on" makes the provider side of the link do the same,
# deterministically: an nftables netdev ingress rule on DEVICE (in namespace NS) counts and
# drops every frame whose source MAC is not MAC, so a test that sees traffic vanish, or a
# non-zero counter in table netdev hostnet_lab_portsec, knows a foreign MAC leaked. "off"
# removes the rule. Both are idempotent.

readonly PORTSEC_TABLE=hostnet_lab_portsec

portsec_set() {
	local ns=$1 dev=$2 mac=$3 state=$4
	# `table X` then `delete table X` makes the removal succeed whether or not the table
	# exists; nft applies the whole file atomically.
	local rules="table netdev $PORTSEC_TABLE
delete table netdev $PORTSEC_TABLE"
	if [[ $state == on ]]; then
		rules+="
table netdev $PORTSEC_TABLE {
	chain ingress {
		type filter hook ingress device \"$dev\" priority 0; policy accept;
		ether saddr != $mac counter drop
	}
}"
	fi
	ip netns exec "$ns" nft -f - <<<"$rules"
}
