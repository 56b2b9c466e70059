# shellcheck shell=bash
# vm-lib.sh - the harness of the guest-host tests (vm-tests/vm_*.sh): tests/integration/lib.sh's
# cases and checks, with hostnet run inside a guest of vm-tests/vm instead of a lab. Sourced:
#
#   set -euo pipefail
#   VM_GUEST=${FRESH_GUEST:-vm-fresh}
#   . "$(dirname "${BASH_SOURCE[0]}")/vm-lib.sh"
#   case_foo() { hv up && rc_is 0 && out_has "applied"; }
#   guest_start_or_die
#   run_cases foo
#
# Settings: VM_GUEST the guest's name (unique to the script); VM_KEEP=1 leaves the guest
# running at the end, VM_KEEP=failed only when a case failed (to look at it with
# `vm-tests/vm exec NAME -- ...`; `vm-tests/vm stop NAME` after).
#
# Set on sourcing, besides lib.sh's (ROOT, TMP, RC, ELAPSED, WHY, NOTE, ...):
#   VM       the tool (vm-tests/vm)          SEED   the seed config, etc/hostnet.yaml
# After guest_start: VM_* of `vm env` (VM_ADDR, VM_GW, VM_MAC, VM_UP_NS, ...) and BOOTED, the
# seconds the first boot took.
#
# lib.sh's checks of a lab host look into the guest here: in_lab runs in the guest, vsctl is
# the guest's ovs-vsctl, in_up the provider namespace, LAB_HOST_ADDR, LAB_ENO1_MAC and LAB_GW
# the guest's; so uplink_on_br0, uplink_on_eno1, host_answers, portsec_clean, col,
# bridges_are, ports_are, critical_names, traces and nothing_left work unchanged.
#
# Functions:
#   guest_start_or_die [--seed-by-hand]   (re)start the guest; setup_failed with its last words
#   in_vm CMD...            CMD in the guest (its stdout, stderr, status)
#   in_provider CMD...      CMD in the provider namespace
#   put_file LOCAL PATH     copy a file into the guest
#   put_lab_config NAME     tests/integration/configs/NAME into the guest as
#                           /etc/hostnet/test/NAME, on the kernel datapath (datapath: system)
#   hv ARGS...              hostnet ARGS in the guest: $TMP/out, $TMP/err, RC, ELAPSED (ms,
#                           with the ~0.1 s of a guest-agent round trip)
#   hn CONFIG ARGS...       hv -c /etc/hostnet/test/CONFIG ARGS (a put_lab_config's config)
#   hv_bg NAME ARGS...      hv in the background (the agent runs commands side by side),
#                           hn_bg NAME CONFIG ARGS... the same for hn; lib.sh's hn_join NAME
#                           joins either: RC, $TMP/out and $TMP/err as after hv
#   vswitchd_pause / vswitchd_resume   the guest's ovs-vswitchd stopped / continued, so
#                           that lib.sh's hn_gateway_fault works in the guest
#   guest_reboot [--no-settle]   vm reboot; BOOTED its seconds; returns 1 with WHY on failure
#   gateway_silent / gateway_answers   the provider drops every frame from the host (so the
#                           gateway answers neither ARP nor ping), or no longer does
#   host_snapshot NAME      lib.sh's, without what a booted host changes by itself
#   guest_uptime            the guest's CLOCK_MONOTONIC in seconds (systemd's timestamps)
#   unit_prop UNIT PROP     one property of a unit (systemctl show --value)
#   wait_for SECONDS WHAT CMD...   poll CMD every 0.5 s until it holds; 1 with WHY after
#   ping_start SECONDS      the provider pings the guest every 5 ms for about SECONDS
#   ping_result             wait for it; PING_SENT PING_LOST PING_DUPS; 1 with WHY if no summary
#   vswitchd_said_ms T0_MS TEXT   when the guest's ovs-vswitchd last logged TEXT, on
#                           now_ms's clock (the guest's clock read by the IP timestamp option)
#   ping_gaps T0_MS|--spans the unanswered requests, as "seq A-B at +S s" after T0_MS, or
#                           the times of the replies around each run of them
#   check NAME CMD...       lib.sh's run_check, each case starting with no hostnet output, so
#                           that WHY quotes only what this case's runs said
#   readme_blocks SECTION   the ```sh blocks of README.md's section SECTION, in order, into
#                           $TMP/block.1..N; N_BLOCKS is N
# Checks (0, or WHY and 1), with lib.sh's:
#   unit_succeeded UNIT     UNIT is active, its Result success and its main process exited 0
#   plan_is_0               `hostnet plan` exits 0 saying nothing to change
#   verified                `hostnet verify` OK, every line OK, with its probes (NOTE: time)
#   reachable               the provider reaches the host, the host reaches beyond the
#                           gateway, no foreign MAC at the provider
#   libvirt_networks        ovs-front and intern-vlans active and the only ones defined
#   rebooted                guest_reboot (NOTE: the shutdown's and the boot's seconds)
#   hostnet_ran             hostnet.service ran this boot and succeeded (NOTE: its share)
#   unit_order              hostnet.service after ovs-vswitchd and libvirtd, before
#                           libvirt-guests, in its unit and in this boot (NOTE: when)

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	echo "vm-lib.sh: sourced by the guest-host tests, not run" >&2
	exit 2
fi

unset HN_LAB # no namespace lab: lib.sh then stops none
# shellcheck source=../tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"
VM=$ROOT/vm-tests/vm
SEED=$ROOT/etc/hostnet.yaml
PING_PID=
on_exit '[[ -z $PING_PID ]] || kill "$PING_PID" 2>/dev/null'
on_exit 'guest_leave'
guest_leave() {
	if [[ ${VM_KEEP:-} == 1 || (${VM_KEEP:-} == failed && $FAILED -gt 0) ]]; then
		echo "# guest $VM_GUEST left running (VM_KEEP=$VM_KEEP): vm-tests/vm stop $VM_GUEST" >&2
		return 0
	fi
	"$VM" stop "$VM_GUEST" >/dev/null 2>&1
}

guest_start_or_die() {
	"$VM" stop "$VM_GUEST" >/dev/null 2>&1 || true
	BOOTED=$("$VM" start "$VM_GUEST" "$@" 2>"$TMP/vm.log") ||
		setup_failed "guest $VM_GUEST did not start: $(tail -n 5 "$TMP/vm.log" | tr '\n' '|')"
	grep -E 'image built|installed|seed set up|shut down|up after' "$TMP/vm.log" | sed 's/^/# /' || true
	eval "$("$VM" env "$VM_GUEST")"
	# What lib.sh's uplink checks look at.
	LAB_HOST_ADDR=$VM_ADDR
	LAB_ENO1_MAC=$VM_MAC
	LAB_GW=$VM_GW
}

in_vm() { "$VM" exec "$VM_GUEST" -- "$@"; }
in_provider() { "$VM" upstream "$VM_GUEST" -- "$@"; }
in_up() { in_provider "$@"; }
in_lab() { in_vm "$@"; }
vsctl() { in_vm ovs-vsctl --timeout="${HN_VSCTL_TIMEOUT:-5}" "$@"; }
put_file() { "$VM" exec "$VM_GUEST" -i -- sh -c 'cat >"$1"' sh "$2" <"$1"; }

put_lab_config() {
	sed 's/^\(  datapath:\) netdev$/\1 system/' "$CONF/$1" >"$TMP/config.$1"
	grep -q '^  datapath: system$' "$TMP/config.$1" || setup_failed "$1 names no netdev datapath"
	in_vm mkdir -p /etc/hostnet/test && put_file "$TMP/config.$1" "/etc/hostnet/test/$1" ||
		setup_failed "could not copy $1 into the guest"
}

hv() {
	local t0
	RC=0
	t0=$(now_ms)
	# The unit's own bound (hostnet.service passes --timeout 30000): a loaded TCG guest's
	# libvirtd takes seconds to destroy a network, longer than the interactive default.
	"$VM" exec "$VM_GUEST" -- hostnet --timeout 30000 "$@" >"$TMP/out" 2>"$TMP/err" || RC=$?
	ELAPSED=$(($(now_ms) - t0))
	if ((RC > 128 && RC < 125 + 64)); then
		# Killed by a signal: it said nothing, the guest's journal may.
		echo "# hostnet $* died of signal $((RC - 128)); the guest's journal then:"
		in_vm journalctl -b --no-pager -q -n 25 | sed 's/^/#   /'
	fi
}

hn() {
	local conf=$1
	shift
	hv -c "/etc/hostnet/test/$conf" "$@"
}

# In lib.sh's HN_BG, so that its exit kills a run never joined; lib.sh's hn_join joins it.
hv_bg() {
	local name=$1
	shift
	"$VM" exec "$VM_GUEST" -- hostnet --timeout 30000 "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	HN_BG_PID=$!
	HN_BG[$name]=$HN_BG_PID
}
hn_bg() {
	local name=$1 conf=$2
	shift 2
	hv_bg "$name" -c "/etc/hostnet/test/$conf" "$@"
}

# lib.sh's hn_gateway_fault in the guest: its ovs-vswitchd stopped and continued there.
VSWITCHD_PAUSED=
vswitchd_pause() {
	in_vm sh -c 'kill -STOP "$(cat /run/openvswitch/ovs-vswitchd.pid)"' && VSWITCHD_PAUSED=yes
}
vswitchd_resume() {
	[[ -z $VSWITCHD_PAUSED ]] || in_vm sh -c 'kill -CONT "$(cat /run/openvswitch/ovs-vswitchd.pid)"'
	VSWITCHD_PAUSED=
}
on_exit 'vswitchd_resume >/dev/null 2>&1'

guest_reboot() {
	BOOTED=$("$VM" reboot "$VM_GUEST" "$@" 2>"$TMP/vm.log") || {
		WHY="vm reboot failed: $(tail -n 8 "$TMP/vm.log" | tr '\n' '|')"
		return 1
	}
}

# The gateway silent: an nftables netdev ingress rule on the provider's end of the link
# drops every frame from the host (ARP and ping to 198.51.100.1 and beyond go unanswered,
# and so do the host's echo replies), as a provider's gateway that stopped answering.
readonly GATEWAY_TABLE=hostnet_vm_gw
gateway_silent() {
	in_provider nft -f - <<EOT || why "nft in the provider namespace failed"
table netdev $GATEWAY_TABLE
delete table netdev $GATEWAY_TABLE
table netdev $GATEWAY_TABLE {
	chain ingress {
		type filter hook ingress device "gw0" priority 0; policy accept;
		counter drop
	}
}
EOT
}
gateway_answers() {
	in_provider nft -f - <<EOT || why "nft in the provider namespace failed"
table netdev $GATEWAY_TABLE
delete table netdev $GATEWAY_TABLE
EOT
}

# lib.sh's host_snapshot, less what changes by itself on a booted host (the bridge timers of
# libvirt's virbr0 in `ip -d link`, address lifetimes): links, addresses, routes, the switch.
host_snapshot() {
	{
		in_lab ip -o link
		in_lab ip -o addr | sed 's/ *valid_lft .*//'
		in_lab ip route show table all
		in_lab ip -6 route show table all
		vsctl show
	} >"$TMP/$1"
}

guest_uptime() { in_vm awk '{print $1}' /proc/uptime; }
unit_prop() { in_vm systemctl show -p "$2" --value "$1"; }

wait_for() {
	local bound=$1 what=$2 deadline=$((SECONDS + $1))
	shift 2
	until "$@"; do
		((SECONDS < deadline)) || why "$what: not within $bound s" || return 1
		sleep 0.5
	done
}

# The guest's clock less the provider's, in ms: with the IP timestamp option (ping -T
# tsonly) the guest stamps the request and its reply (ms since midnight UTC) between the
# provider's stamps out and back in; iputils prints the first stamp and then differences.
guest_clock_offset() {
	in_provider ping -n -c 1 -T tsonly "${VM_ADDR%/*}" 2>/dev/null | awk '
		/^TS:/ { n = 0; d[n++] = $2; next }
		n && n < 4 && /^[ \t]+-?[0-9]+$/ { d[n++] = $1 }
		END { if (n == 4) printf "%.0f\n", (d[1] - d[3]) / 2; else exit 1 }'
}

# vswitchd_said_ms T0_MS TEXT: when the guest's ovs-vswitchd last logged a line holding TEXT,
# on now_ms's clock (T0_MS, a moment near it, gives the day); 1 when no line holds it.
vswitchd_said_ms() {
	local line off
	line=$(in_vm grep -F -- "$2" /var/log/openvswitch/ovs-vswitchd.log | tail -n 1)
	[[ $line =~ T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{3})Z ]] || return 1
	off=$(guest_clock_offset) || return 1
	awk -v h="${BASH_REMATCH[1]}" -v m="${BASH_REMATCH[2]}" -v s="${BASH_REMATCH[3]}" \
		-v ms="${BASH_REMATCH[4]}" -v off="$off" -v t0="$1" 'BEGIN {
			day = 86400000; g = ((h * 60 + m) * 60 + s) * 1000 + ms - off
			t = t0 - t0 % day + g
			if (t - t0 > day / 2) t -= day; else if (t0 - t > day / 2) t += day
			printf "%.0f\n", t }'
}

# A count, not a signal: ping waits for the last reply, so a reply in flight when the
# change ends is not counted as lost.
ping_start() {
	# Every reply with its time (-D), so that a loss can be placed (ping_gaps).
	in_provider ping -n -D -i 0.005 -c "$(($1 * 200))" "${VM_ADDR%/*}" >"$TMP/ping" 2>&1 &
	PING_PID=$!
	sleep 0.5 # replies before the change starts
}

ping_result() {
	local summary
	wait "$PING_PID" || true
	PING_PID=
	summary=$(grep 'packets transmitted' "$TMP/ping") ||
		why "no ping summary: $(tail -n 3 "$TMP/ping" | tr '\n' '|')" || return 1
	PING_SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' <<<"$summary")
	PING_LOST=$((PING_SENT - $(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$summary")))
	PING_DUPS=$(sed -n 's/.*+\([0-9]*\) duplicates.*/\1/p' <<<"$summary")
	PING_DUPS=${PING_DUPS:-0}
}

# ping_gaps T0_MS: the echo requests left unanswered, as runs of sequence numbers, each at the
# time of the last reply before it, in seconds after T0_MS (now_ms's clock):
# "seq 484-487 at +2.110 s". ping_gaps --spans: one line per run, "PREV_MS NEXT_MS N", the
# times (now_ms's clock) of the replies around it (0 where there is none) and how many.
ping_gaps() {
	awk -v t0="$1" -v sent="$PING_SENT" '
		match($0, /^\[[0-9.]+\].* icmp_seq=[0-9]+ /) {
			split(substr($0, 2), a, "]"); t = a[1]
			seq = $0; sub(/.* icmp_seq=/, "", seq); sub(/ .*/, "", seq)
			at[seq + 0] = t
		}
		END {
			last = ""
			for (s = 1; s <= sent; s++) {
				if (s in at) { last = at[s]; continue }
				for (e = s; e < sent && !((e + 1) in at); e++) ;
				if (t0 == "--spans")
					printf "%.0f %.0f %d\n", last * 1000, ((e + 1) in at) ? at[e + 1] * 1000 : 0,
						e - s + 1
				else
					printf "%sseq %s at %s", sep, (s == e ? s : s "-" e),
						(last == "" ? "the start" : sprintf("%+.3f s", last - t0 / 1000))
				sep = ", "; s = e
			}
		}' "$TMP/ping"
}

# ping_spans_since T0_MS: ping_gaps --spans but the runs answered again before T0_MS
# (ping_start's half second before the change: not the change's doing).
ping_spans_since() { ping_gaps --spans | awk -v t="$1" '!($2 != 0 && $2 < t)'; }

# ping_lost_since T0_MS: the requests those runs left unanswered.
ping_lost_since() { ping_spans_since "$1" | awk '{ n += $3 } END { print n + 0 }'; }

unit_succeeded() {
	local got
	got=$(in_vm systemctl show -p ActiveState,Result,ExecMainStatus "$1" | sort | tr '\n' ' ')
	[[ $got == "ActiveState=active ExecMainStatus=0 Result=success " ]] ||
		why "$1: $got; its journal: $(in_vm journalctl -b -u "$1" --no-pager -q | tail -n 5 | tr '\n' '|')"
}

check() {
	: >"$TMP/out"
	: >"$TMP/err"
	run_check "$@"
}

# What hostnet said, short: a verify prints a line per check, the failing ones are counted
# in the first and named, with what was found, in lines of their own (the first 8 of them).
hn_said() {
	{
		head -n 3 "$TMP/out"
		tail -n +4 "$TMP/out" | grep -E '^(CRITICAL|WARNING|UNKNOWN) ' | head -n 8
	} | tr '\n' '|' && head -n 3 "$TMP/err" | tr '\n' '|'
}

# seconds OF_SYSTEMD_ANALYZE: "1min 2.5s", "1.782s" or "782ms" as seconds.
seconds() {
	awk '{ s = 0; for (i = 1; i <= NF; i++) {
		v = $i; if (v ~ /min$/) s += 60 * v; else if (v ~ /ms$/) s += v / 1000;
		else if (v ~ /s$/) s += v } printf "%.2f", s }' <<<"$1"
}

readme_blocks() {
	rm -f "$TMP"/block.*
	N_BLOCKS=$(python3 - "$ROOT/README.md" "$1" "$TMP/block" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"^## " + re.escape(sys.argv[2]) + r"\n(.*?)(?=^## |\Z)", text, re.M | re.S)
blocks = re.findall(r"^```sh\n(.*?)^```$", m.group(1), re.M | re.S) if m else []
for i, b in enumerate(blocks, 1):
    open(f"{sys.argv[3]}.{i}", "w").write(b)
print(len(blocks))
PY
	)
}

# ---- the host after a boot ----

plan_is_0() { hv plan && rc_is 0 && out_has "nothing to change"; }

verified() {
	hv verify && rc_is 0 && first_line_is OK && all_ok && status_counts_every_line &&
		out_has "vlan 10 isolation" && out_has "gateway $VM_GW from br0" || return 1
	NOTE=$(head -n 1 "$TMP/out" | sed -n 's/.*| checks=\([0-9]*\) failed=\([0-9]*\) time=\(.*\)$/\1 checks in \3/p')
}

reachable() {
	host_answers || return 1
	in_vm ping -n -q -c 1 -W 2 "$VM_REMOTE" >/dev/null ||
		why "the host does not reach $VM_REMOTE beyond the gateway" || return 1
	portsec_clean
}

libvirt_networks() {
	local active all
	active=$(in_vm virsh -q net-list --name | sed '/^$/d' | sort | xargs)
	all=$(in_vm virsh -q net-list --all --name | sed '/^$/d' | sort | xargs)
	[[ $active == "intern-vlans ovs-front" ]] || why "active networks: '$active'" || return 1
	[[ $all == "intern-vlans ovs-front" ]] || why "defined networks: '$all'"
}

rebooted() {
	local t
	guest_reboot || return 1
	t=$(in_vm systemd-analyze time | head -n 1)
	NOTE="$(grep -o 'shut down in [0-9.]* s' "$TMP/vm.log"), up ${BOOTED} s after qemu started again; systemd: ${t#Startup finished in }"
}

hostnet_ran() {
	local blame user took
	unit_succeeded hostnet.service || return 1
	in_vm journalctl -b -u hostnet.service --no-pager -q -o cat >"$TMP/journal"
	grep -qE '^up: (applied [0-9]+ change|nothing to change)' "$TMP/journal" ||
		why "no 'up:' summary in this boot's journal of hostnet: $(tail -n 3 "$TMP/journal" | tr '\n' '|')" ||
		return 1
	blame=$(in_vm systemd-analyze blame | grep ' hostnet.service$' | sed 's/ hostnet.service$//')
	user=$(in_vm systemd-analyze time | sed -n 's/.* + \(.*\) (userspace).*/\1/p')
	took=$(seconds "$blame")
	NOTE="took ${took} s of a $(seconds "$user") s userspace boot; $(grep -E '^up: ' "$TMP/journal")"
	in_vm systemd-analyze critical-chain hostnet.service 2>&1 | sed -n '4,5s/^/# critical chain: /p'
}

# monotonic UNIT PROPERTY: the property's µs since boot, of this boot's units.
monotonic() { unit_prop "$1" "$2"; }

unit_order() {
	local after before u start end t
	after=" $(unit_prop hostnet.service After) "
	before=" $(unit_prop hostnet.service Before) "
	for u in openvswitch-switch.service libvirtd.service; do
		[[ $after == *" $u "* ]] || why "hostnet.service is not After=$u" || return 1
	done
	[[ $before == *" libvirt-guests.service "* ]] ||
		why "hostnet.service is not Before=libvirt-guests.service" || return 1
	start=$(monotonic hostnet.service ExecMainStartTimestampMonotonic)
	end=$(monotonic hostnet.service ActiveEnterTimestampMonotonic)
	((start > 0 && end > 0)) || why "hostnet.service did not run to the end in this boot" || return 1
	for u in ovs-vswitchd.service libvirtd.service; do
		t=$(monotonic "$u" ActiveEnterTimestampMonotonic)
		((t > 0 && t <= start)) || why "$u became active at $t µs, hostnet started at $start µs" || return 1
	done
	t=$(monotonic libvirt-guests.service InactiveExitTimestampMonotonic)
	((t >= end)) || why "libvirt-guests started at $t µs, before hostnet ended ($end µs)" || return 1
	NOTE="ovs-vswitchd and libvirtd up, hostnet $((start / 1000))..$((end / 1000)) ms, then libvirt-guests at $((t / 1000)) ms"
}
