# lib.sh - the harness of hostnet's integration scripts (and of the benchmarks that use a
# lab). Sourced, never run:
#
#   set -euo pipefail
#   HN_LAB=${OVS_LAB:-hn-ovs} HN_LAYERS=ovs
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   case_foo() { hn ovs-seed.yaml up && rc_is 0 && out_has "applied"; }
#   need_hostnet
#   lab_start_or_die
#   run_cases foo bar
#
# Settings: shell variables, read when used, so a script sets them before sourcing or at
# any time after.
#   HN_LAB           the lab's name (vm-tests/lab NAME), unique to the script; unset: no lab
#   HN_LIBVIRT       "yes": the lab is started with --libvirt and hn passes it to hostnet
#   HN_LAB_ENO2      "yes": the lab is started with --eno2 (a second NIC, for bonds)
#   HN_LAYERS        hostnet's --layers for hn (empty: every layer, as in production)
#   HN_FRESH         "yes": run_case starts a fresh lab before each case, so that no case
#                    depends on another's leftovers
#   HN_WORDS         "yes": case names print with spaces for underscores
#   HN_VSCTL_TIMEOUT ovs-vsctl's --timeout in seconds for vsctl (5)
#   HN_LIBVIRT_WAIT  seconds lab_start waits while another lab holds libvirt (300)
#
# Set on sourcing:
#   ROOT     the source tree          LAB      the lab tool (vm-tests/lab)
#   CONF     tests/integration/configs
#   HOSTNET  the binary under test: $HOSTNET, or build/hostnet
#   TMP      a private directory, removed on exit; $TMP/out and $TMP/err hold the last
#            hn's stdout and stderr
#   RC       the last hn's exit status; ELAPSED its wall time in ms
#   PASSED FAILED  the counts; WHY why the running case failed; NOTE a figure it reports
#   LAB_*    (after lab_start) what `vm-tests/lab env` exports: LAB_NS, LAB_OVSDB, ...
#
# On any exit (the end, an error, INT, TERM), in this order: the on_exit commands run, an
# hn_bg run not joined is killed, a process paused with pause_pid is continued, the lab is
# stopped, TMP is removed; the exit status is kept.
#
# Functions:
#   on_exit CMD             run CMD (one string, eval'd) on exit, before the lab stops
#   pause_pid PID           SIGSTOP PID; resume_pid continues it (a stopped process ignores
#                           TERM until continued: the exit continues it too)
#   need_hostnet            fail the script's setup unless $HOSTNET is an executable
#   lab_start               (re)start lab HN_LAB and load its LAB_* variables; on failure
#                           returns 1 with the lab's words in $TMP/lab.log. While another
#                           lab holds libvirt, waits and retries (bounded: HN_LIBVIRT_WAIT)
#   lab_start_or_die        lab_start, or setup_failed with the lab's last words
#   on_lab_start            if the script defines it, called after each lab_start
#   setup_failed MSG...     print "not ok - setup: MSG" and the summary, exit 1
#   in_lab CMD...           CMD in the lab's host namespace
#   vsctl ARGS...           ovs-vsctl on the lab's database
#   vsh ARGS...             virsh -q on the lab's libvirtd
#   hn CONFIG ARGS...       hostnet in the lab with --layers $HN_LAYERS (if set) and the lab's
#                           OVSDB, and the lab's libvirtd with HN_LIBVIRT=yes (else a
#                           libvirt socket that does not exist); CONFIG is a file in
#                           CONF or an absolute path; sets $TMP/out, $TMP/err, RC, ELAPSED
#   hn_db DB CONFIG ARGS... hn against the OVSDB at DB (a proxy's socket, say)
#   hn_bg NAME CONFIG ARGS...          hn in the background, its stdout and stderr in
#                           $TMP/NAME.out and $TMP/NAME.err; HN_BG_PID is hostnet itself
#                           (to signal it). A run never joined is killed on exit
#   hn_join NAME            wait for hn_bg's run NAME: RC its exit status, $TMP/out and
#                           $TMP/err its output, as after hn
#   now_ms                  the wall clock in ms (bash's EPOCHREALTIME, no date(1))
#   must CMD...             a step that makes a case's state (not the check): on failure,
#                           WHY says which and what it printed, and it returns 1
# The uplink (the lab's eno1 at $LAB_HOST_ADDR, its upstream namespace LAB_UP_NS with the
# gateway $LAB_GW, vm-tests/lab-port-security's counter there):
#   in_up CMD...            CMD in the lab's upstream namespace
#   lab_settled             wait (bounded) until eno1's IPv6 link-local address is no longer
#                           tentative, so that a picture of the host does not change by itself
#   lab_start_portsec       lab_start, $TMP/out and $TMP/err emptied, then
#                           vm-tests/lab-port-security on; on failure WHY says why, returns 1
#   seed_by_hand [exact]    make the lab the seed host as an operator would (ovs-vsctl, ip):
#                           br0 takes eno1, its MAC, address and default route; brint's own
#                           port on VLAN 99 holds 10.99.1.250/32, with 10.99.1.0/24 on it;
#                           and the ARP hygiene hostnet sets by default (arp_hygiene_by_hand
#                           br0 brint), so that verify finds a correct host; `exact`: the
#                           seed's own steps only, without it
#   arp_hygiene_by_hand IF...  arp_ignore 1, arp_announce 2 on each IF (sysctl, in the lab)
#   hn_gateway_fault COND CONFIG ARGS...  hn with ovs-vswitchd paused, so that the run
#                           stops at its wait for the switch; once COND (a command) holds,
#                           polled every 50 ms for at most 10 s while the run lasts, the
#                           gateway goes silent (gateway_silent: vm-tests/lab-gw); then
#                           vswitchd resumes (vswitchd_pause, vswitchd_resume)
#                           and the run ends: RC, $TMP/out and $TMP/err as after hn.
#                           Returns 1 when COND never held (the gateway stayed)
#   host_snapshot NAME      everything of the host a run could touch (links, addresses,
#                           routes, the switch) into $TMP/NAME
#   ping_start SECONDS      the upstream pings the host every $INTERVAL (UPLINK_PING_INTERVAL,
#                           5 ms) in the background; ping_report WHAT T0 T1 [MAX] waits, prints
#                           the losses and fails on more than MAX (0) or when the replies do
#                           not surround [T0, T1] ms
# Checks: each returns 0, or sets WHY (with what hostnet said) and returns 1, so that a
# case is a chain of checks joined by && (or `check || return 1` lines).
#   why MSG...              set WHY to MSG and hostnet's last output (hn_said), return 1
#   hn_said                 the last hn's stdout and stderr on one line (a script may
#                           redefine it, to leave out lines that say nothing)
#   rc_is N                 the last hn exited N
#   out_has TEXT / out_lacks TEXT      its stdout holds / does not hold TEXT
#   err_has TEXT            its stderr holds TEXT
#   err_is_one_line         its stderr is exactly one line
#   err_is_one_line_with TEXT...       one line, holding every TEXT
#   took_at_most MS / took_at_least MS / took_under MS    its wall time, ELAPSED
#   out_is_empty            its stdout is empty
#   converged_on CONFIG     up exits 0, then plan exits 0 saying "nothing to change"
#   col TABLE RECORD COLUMN VALUE      one OVSDB column, as ovs-vsctl get prints it
#   bridges_are "BRIDGES"   the lab's bridges, sorted, space separated
#   ports_are BRIDGE "PORTS"           BRIDGE's ports, sorted, space separated
#   host_unchanged_since NAME [brd-ok] the host is as host_snapshot NAME pictured it
#                           (brd-ok: eno1's address given back with a broadcast address it
#                           did not have before is said in a "# note" line, not counted)
#   host_answers            the upstream pings the host 3 times; every reply comes back
#   portsec_clean           the upstream saw no frame from a MAC other than eno1's (the
#                           provider would block the port)
#   uplink_on_br0           the uplink moved: br0 has eno1's MAC, eno1 is br0's port and
#                           holds no IPv4 address, br0 holds the host's address and the
#                           default route goes through br0
#   migrated_on CONFIG      uplink_on_br0, br0's other_config:hwaddr is eno1's MAC, one
#                           default route, plan of CONFIG exits 0, the host answers,
#                           portsec_clean
#   uplink_on_eno1          the uplink as the lab made it: eno1 holds the address and the
#                           default route, no br0 in the kernel or in OVSDB
# Checks of `verify`'s output (the status line, then one "STATUS NAME: ..." line a check):
#   critical_names TEXT     some CRITICAL line holds TEXT
#   traces                  what a verify run may leave behind (ports, probe marks, links,
#                           brint's neighbours, named namespaces), as one text
#   nothing_left            traces equal $TMP/before (a snapshot of traces), polled for 5 s
#   verify_drifted CONFIG   $TMP/before := traces, then verify exits 2 (the host was changed
#                           behind hostnet's back)
#   vlans_10_and_20_joined  verify_drifted verify-seed.yaml, and its isolation lines of VLAN
#                           10 and 20 are CRITICAL, each reached by the other's frames
#   only_vlans_critical A B LO HI TRUNK   verify exited 2, CRITICAL, and the CRITICAL lines
#                           name VLAN A and B of LO..HI and no other, in the checks of A, B
#                           and trunk TRUNK
#   first_line_is STATUS [TEXT]        the status line is HOSTNET STATUS with perfdata
#                           (and holds TEXT)
#   line_is STATUS NAME [TEXT]         the check NAME has STATUS (and its line holds TEXT)
#   all_ok                  every line after the status line is OK
#   status_counts_every_line           the status line is HOSTNET OK and counts every line
#                           after it
# Cases:
#   ok NAME / not_ok NAME WHY          print "ok - NAME" / "not ok - NAME: WHY" and count
#   run_case NAME           run case_NAME (after a fresh lab with HN_FRESH=yes): ok, with
#                           NOTE in parentheses, or not ok with WHY
#   run_cases NAME...       run_case each, then finish
#   run_check NAME CMD...   a case NAME that is CMD (for a table of cases, or names with
#                           words of their own): ok, with NOTE in parentheses, or not ok
#                           with WHY
#   finish                  print "N passed, N failed" (the script's last line) and return
#                           non-zero when a case failed

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	echo "lib.sh: sourced by the integration scripts, not run" >&2
	exit 2
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$ROOT/vm-tests/lab
CONF=$ROOT/tests/integration/configs
HOSTNET=${HOSTNET:-$ROOT/build/hostnet}
TMP=$(mktemp -d "/tmp/$(basename "$0" .sh).XXXXXX")
: >"$TMP/out"
: >"$TMP/err"
PASSED=0
FAILED=0
RC=0
ELAPSED=0
WHY=
NOTE=
HN_EXIT_HOOKS=()
HN_PAUSED_PID=
HN_CMD=()
HN_BG_PID=
declare -A HN_BG=()

hn_cleanup() {
	local rc=$? hook pid
	trap - EXIT INT TERM
	for hook in "${HN_EXIT_HOOKS[@]}"; do
		eval "$hook" || true
	done
	for pid in "${HN_BG[@]}"; do
		kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	done
	resume_pid
	if [[ -n ${HN_LAB:-} ]]; then
		"$LAB" stop "$HN_LAB" >/dev/null 2>&1 || true
	fi
	rm -rf "$TMP"
	exit "$rc"
}
trap hn_cleanup EXIT
trap 'exit 130' INT TERM

on_exit() { HN_EXIT_HOOKS+=("$*"); }

pause_pid() {
	HN_PAUSED_PID=$1
	kill -STOP "$1"
}
resume_pid() {
	[[ -z $HN_PAUSED_PID ]] || kill -CONT "$HN_PAUSED_PID" 2>/dev/null || true
	HN_PAUSED_PID=
}

# hold_lock SECONDS: hold the lab host's lock as a running `up` does, in the background,
# and return once it is held. LOCK_PID is the holder; killing it frees the lock at once.
LOCK_PID=
on_exit '[[ -z $LOCK_PID ]] || kill "$LOCK_PID" 2>/dev/null'
hold_lock() {
	local i
	mkdir -p /run/hostnet
	rm -f "$TMP/held"
	# -o: the lock stays with flock itself, so killing LOCK_PID frees it at once.
	flock -o "/run/hostnet/lock.net$(in_lab stat -L -c %i /proc/self/ns/net)" sh -c "touch '$TMP/held'; exec sleep $1" &
	LOCK_PID=$!
	for i in $(seq 500); do
		[[ -e $TMP/held ]] && return 0
		sleep 0.01
	done
	why "the lock was never taken (another hostnet run holds it?)"
}

# ---- the lab ----

setup_failed() {
	echo "not ok - setup: $*"
	echo "$PASSED passed, $((FAILED + 1)) failed"
	exit 1
}

need_hostnet() { [[ -x $HOSTNET ]] || setup_failed "$HOSTNET is not built"; }

lab_start() {
	local args=() deadline=$((SECONDS + ${HN_LIBVIRT_WAIT:-300})) said=
	[[ ${HN_LIBVIRT:-} != yes ]] || args=(--libvirt)
	[[ ${HN_LAB_ENO2:-} != yes ]] || args+=(--eno2)
	"$LAB" stop "$HN_LAB" >/dev/null 2>&1 || true
	# Only one lab at a time may run libvirtd; another script's may hold it for a while.
	until "$LAB" start "$HN_LAB" "${args[@]}" >"$TMP/lab.log" 2>&1; do
		grep -q "libvirt is in use by lab" "$TMP/lab.log" && ((SECONDS < deadline)) || return 1
		[[ -n $said ]] || echo "# $HN_LAB: $(grep -m 1 "libvirt is in use" "$TMP/lab.log"); waiting" >&2
		said=yes
		sleep 5
	done
	eval "$("$LAB" env "$HN_LAB")"
	if declare -F on_lab_start >/dev/null; then
		on_lab_start
	fi
}

lab_start_or_die() {
	lab_start || setup_failed "lab $HN_LAB did not start: $(tail -n 3 "$TMP/lab.log" | tr '\n' '|')"
}

in_lab() { ip netns exec "$LAB_NS" "$@"; }
vsctl() { in_lab ovs-vsctl --db="$LAB_OVSDB" --timeout="${HN_VSCTL_TIMEOUT:-5}" "$@"; }
vsh() { virsh -q -c "$LAB_LIBVIRT" "$@"; }

now_ms() {
	local us=${EPOCHREALTIME//[!0-9]/}
	echo $((us / 1000))
}

# hn_cmd DB CONFIG ARGS...: HN_CMD, the command line of hostnet in the lab.
hn_cmd() {
	local db=$1 conf=$2 libvirt=() layers=()
	shift 2
	[[ $conf == /* ]] || conf=$CONF/$conf
	# A lab without libvirtd is a host without it: no socket where hostnet looks. (The
	# default socket is machine-wide and may be another lab's libvirtd.)
	libvirt=(--libvirt "qemu:///system?socket=$LAB_DIR/no-libvirtd.sock")
	[[ ${HN_LIBVIRT:-} != yes ]] || libvirt=(--libvirt "$LAB_LIBVIRT")
	[[ -z ${HN_LAYERS:-} ]] || layers=(--layers "$HN_LAYERS")
	HN_CMD=(ip netns exec "$LAB_NS" "$HOSTNET" --ovsdb "$db" "${libvirt[@]}" "${layers[@]}"
		-c "$conf" "$@")
}

hn_db() {
	local t0
	hn_cmd "$@"
	RC=0
	t0=${EPOCHREALTIME//[!0-9]/} # µs, and no fork to skew the benchmarks that use hn
	"${HN_CMD[@]}" >"$TMP/out" 2>"$TMP/err" || RC=$?
	ELAPSED=$(((${EPOCHREALTIME//[!0-9]/} - t0) / 1000))
}
hn() { hn_db "$LAB_OVSDB" "$@"; }

# Not in a subshell: $! is hostnet itself (ip netns exec execs it), for a signal to reach it.
hn_bg() {
	local name=$1
	shift
	hn_cmd "$LAB_OVSDB" "$@"
	"${HN_CMD[@]}" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	HN_BG_PID=$!
	HN_BG[$name]=$HN_BG_PID
}
hn_join() {
	RC=0
	wait "${HN_BG[$1]}" 2>/dev/null || RC=$? # quiet: bash would say a signal killed it
	unset "HN_BG[$1]"
	cp "$TMP/$1.out" "$TMP/out"
	cp "$TMP/$1.err" "$TMP/err"
}

must() {
	"$@" >"$TMP/must" 2>&1 || {
		WHY="'$*' failed: $(tr '\n' ' ' <"$TMP/must")"
		return 1
	}
}

# ---- the uplink ----

in_up() { ip netns exec "$LAB_UP_NS" "$@"; }

# ---- the provider's switch speaking LACP (uplink_bond.sh, vm-tests/vm_uplink_bond.sh) ----

UP_OVS=
up_vsctl() { in_up ovs-vsctl --db="unix:$UP_OVS/db.sock" --timeout=5 "$@"; }
up_appctl() { in_up ovs-appctl -t "$UP_OVS/ovs-vswitchd.$(cat "$UP_OVS/ovs-vswitchd.pid").ctl" "$@"; }

# provider_lacp_switch DIR GATEWAY: the provider's bridge upbr, GATEWAY's address on it,
# replaced by an OVS bridge pbr of an ovsdb-server and a userspace ovs-vswitchd started in
# the provider's namespace under DIR (UP_OVS; who stops the namespace ends them), its ports
# gw0 and gw1 a bond speaking LACP (active, fast, balance-tcp). While no partner speaks LACP,
# its fallback forwards by gw0, eno1's port (bond-primary), where the host's one configured
# NIC is. gw0 and gw1 are the switch's ports: on the userspace datapath their kernel still
# hears ARP, and by default answers it for pbr's address with its own MAC, which the host's
# bond may then send down the other member; so they answer none (arp_ignore).
provider_lacp_switch() {
	UP_OVS=$1
	must mkdir -p "$UP_OVS" &&
		must ovsdb-tool create "$UP_OVS/conf.db" /usr/share/openvswitch/vswitch.ovsschema &&
		must in_up ovsdb-server "$UP_OVS/conf.db" --remote="punix:$UP_OVS/db.sock" \
			--pidfile="$UP_OVS/ovsdb-server.pid" --log-file="$UP_OVS/ovsdb-server.log" \
			--unixctl="$UP_OVS/ovsdb-server.ctl" --no-chdir --detach &&
		must in_up env OVS_RUNDIR="$UP_OVS" ovs-vswitchd "unix:$UP_OVS/db.sock" \
			--pidfile="$UP_OVS/ovs-vswitchd.pid" --log-file="$UP_OVS/ovs-vswitchd.log" \
			--no-chdir --detach &&
		must in_up sysctl -qw net.ipv4.conf.gw0.arp_ignore=1 net.ipv4.conf.gw1.arp_ignore=1 &&
		must in_up ip addr del "$2/24" dev upbr && must in_up ip link del upbr &&
		must up_vsctl -- add-br pbr -- set bridge pbr datapath_type=netdev \
			-- add-bond pbr pbond gw0 gw1 lacp=active bond_mode=balance-tcp \
			other_config:lacp-time=fast other_config:lacp-fallback-ab=true \
			other_config:bond-primary=gw0 &&
		must in_up ip addr add "$2/24" dev pbr && must in_up ip link set pbr up
}

# gateway_mac_on DEV: the gateway's MAC as the host's neighbour entry on DEV holds it (empty
# when it has none).
gateway_mac_on() {
	in_lab ip neigh show "$LAB_GW" dev "$1" |
		awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}

lab_settled() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -n $(in_lab ip -6 addr show dev eno1 scope link) &&
			-z $(in_lab ip -6 addr show tentative) ]] && return 0
		sleep 0.05
	done
	why "eno1's IPv6 link-local address still tentative after 5 s"
}

lab_start_portsec() {
	lab_start || {
		WHY="the lab did not start: $(tail -n 3 "$TMP/lab.log" | tr '\n' '|')"
		return 1
	}
	: >"$TMP/out" # no hostnet run in this lab yet
	: >"$TMP/err"
	must "$ROOT/vm-tests/lab-port-security" "$HN_LAB" on
}

seed_by_hand() {
	must vsctl -- add-br br0 -- set bridge br0 datapath_type=netdev \
		other_config:hwaddr="$LAB_ENO1_MAC" -- add-port br0 eno1 \
		-- add-br brint -- set bridge brint datapath_type=netdev -- set port brint tag=99 &&
		must in_lab ip addr del "$LAB_HOST_ADDR" dev eno1 &&
		must in_lab ip addr add "$LAB_HOST_ADDR" dev br0 &&
		must in_lab ip link set br0 up &&
		must in_lab ip route replace default via "$LAB_GW" dev br0 &&
		must in_lab ip addr add 10.99.1.250/32 dev brint &&
		must in_lab ip link set brint up &&
		must in_lab ip route add 10.99.1.0/24 dev brint || return 1
	[[ ${1:-} == exact ]] || arp_hygiene_by_hand br0 brint
}

arp_hygiene_by_hand() {
	local i
	for i; do
		must in_lab sysctl -qw "net.ipv4.conf.$i.arp_ignore=1" \
			"net.ipv4.conf.$i.arp_announce=2" || return 1
	done
}

# The lab's switch paused and resumed, its gateway silenced: hn_gateway_fault's steps, which
# the guest host's harness (vm-tests/vm-lib.sh) does its own way.
vswitchd_pause() { pause_pid "$(cat "$LAB_DIR/ovs-vswitchd.pid")"; }
vswitchd_resume() { resume_pid; }
gateway_silent() { "$ROOT/vm-tests/lab-gw" "$HN_LAB" silent || why "lab-gw silent failed"; }
gateway_answers() { "$ROOT/vm-tests/lab-gw" "$HN_LAB" answer || why "lab-gw answer failed"; }

hn_gateway_fault() {
	local cond=$1 i held=no
	shift
	vswitchd_pause
	hn_bg fault "$@"
	for ((i = 0; i < 200; i++)); do
		if "$cond"; then
			held=yes
			break
		fi
		kill -0 "$HN_BG_PID" 2>/dev/null || break
		sleep 0.05
	done
	[[ $held == no ]] || gateway_silent
	vswitchd_resume
	hn_join fault
	[[ $held == yes ]]
}

host_snapshot() {
	{
		in_lab ip -d link
		in_lab ip -d addr
		in_lab ip route show table all
		in_lab ip -6 route show table all
		vsctl show
	} >"$TMP/$1"
}

# ---- checks ----

hn_said() { tr '\n' '|' <"$TMP/out" && tr '\n' '|' <"$TMP/err"; }

why() {
	local said
	said=$(hn_said)
	WHY="$*${said:+; hostnet said: $said}"
	return 1
}
rc_is() { [[ $RC == "$1" ]] || why "exit $RC, expected $1"; }
out_has() { grep -qF -- "$1" "$TMP/out" || why "output lacks '$1'"; }
out_lacks() { ! grep -qF -- "$1" "$TMP/out" || why "output has '$1'"; }
err_has() { grep -qF -- "$1" "$TMP/err" || why "stderr lacks '$1'"; }
err_is_one_line() { [[ $(wc -l <"$TMP/err") == 1 ]] || why "stderr is not one line"; }
err_is_one_line_with() {
	local s
	err_is_one_line || return 1
	for s in "$@"; do
		err_has "$s" || return 1
	done
}
took_at_most() { ((ELAPSED <= $1)) || why "took $ELAPSED ms, more than $1"; }
took_at_least() { ((ELAPSED >= $1)) || why "took $ELAPSED ms, less than $1"; }
took_under() { ((ELAPSED < $1)) || why "took $ELAPSED ms, bound $1 ms"; }

out_is_empty() { [[ ! -s $TMP/out ]] || why "stdout is not empty"; }

converged_on() {
	hn "$1" up && rc_is 0 && hn "$1" plan && rc_is 0 && out_has "nothing to change"
}

col() {
	local got
	got=$(vsctl get "$1" "$2" "$3" 2>&1) || got="(error: $got)"
	[[ $got == "$4" ]] || why "$1 $2 $3 is $got, expected $4"
}
bridges_are() {
	local got
	got=$(vsctl list-br | sort | xargs)
	[[ $got == "$1" ]] || why "bridges are '$got', expected '$1'"
}
ports_are() {
	local got
	got=$(vsctl list-ports "$1" | sort | xargs)
	[[ $got == "$2" ]] || why "ports of $1 are '$got', expected '$2'"
}

host_unchanged_since() {
	local addr=$LAB_HOST_ADDR i
	host_snapshot now
	# ovs-netdev, the userspace datapath's own device, goes a moment after its last bridge
	# (seen: within 0.1 s; once not yet at the snapshot): not a change of the run's.
	for ((i = 0; i < 20; i++)); do
		if ! grep -q ': ovs-netdev:' "$TMP/now" || grep -q ': ovs-netdev:' "$TMP/$1"; then
			break
		fi
		sleep 0.1
		host_snapshot now
	done
	# down gives eno1 its address back with the usual broadcast address (brd ...255) even
	# when eno1 had none (the lab adds it without): said, not counted as a difference.
	if [[ ${2:-} == brd-ok ]] && grep -q "inet $addr brd " "$TMP/now" &&
		! grep -q "inet $addr brd " "$TMP/$1"; then
		echo "# note: eno1 got $addr back with $(grep -o "inet $addr brd [0-9.]*" "$TMP/now" | cut -d' ' -f3-), it had no broadcast address before"
		sed -i "s|inet $addr brd [0-9.]* |inet $addr |" "$TMP/now"
	fi
	cmp -s "$TMP/$1" "$TMP/now" ||
		why "the host changed: $(diff "$TMP/$1" "$TMP/now" | grep '^[<>]' | tr '\n' '|')"
}

host_answers() {
	local s host=${LAB_HOST_ADDR%/*}
	s=$(in_up ping -n -q -c 3 -i 0.2 -W 1 "$host" 2>&1 | grep transmitted || true)
	[[ $s == "3 packets transmitted, 3 received"* ]] || why "upstream ping of $host: ${s:-no answer}"
}

portsec_clean() {
	local n
	n=$(in_up nft list table netdev hostnet_lab_portsec | grep -o 'packets [0-9]*' | awk '{print $2}')
	[[ $n == 0 ]] || why "the upstream saw $n frame(s) from a MAC other than eno1's ($LAB_ENO1_MAC)"
}

uplink_on_br0() {
	local mac
	mac=$(in_lab ip -br link show br0 | awk '{print $3}') || why "no br0 in the kernel" || return 1
	[[ $mac == "$LAB_ENO1_MAC" ]] || why "br0's MAC is $mac, not eno1's $LAB_ENO1_MAC" || return 1
	[[ $(vsctl port-to-br eno1) == br0 ]] || why "eno1 is not a port of br0" || return 1
	[[ -z $(in_lab ip -4 -o addr show dev eno1) ]] ||
		why "eno1 still has IPv4: $(in_lab ip -4 -o addr show dev eno1 | tr '\n' '|')" || return 1
	in_lab ip -4 -o addr show dev br0 | grep -q "inet $LAB_HOST_ADDR " ||
		why "br0 lacks $LAB_HOST_ADDR" || return 1
	[[ $(in_lab ip -4 route show default) == "default via $LAB_GW dev br0 "* ]] ||
		why "default route: $(in_lab ip -4 route show default | tr '\n' '|')"
}

migrated_on() {
	local hw
	uplink_on_br0 || return 1
	hw=$(vsctl get bridge br0 other_config:hwaddr | tr -d '"') || why "no br0 in OVSDB" || return 1
	[[ $hw == "$LAB_ENO1_MAC" ]] || why "br0 other_config:hwaddr is $hw, not $LAB_ENO1_MAC" || return 1
	[[ $(in_lab ip -4 route show default | wc -l) == 1 ]] || why "more than one default route" || return 1
	hn "$1" plan && rc_is 0 && out_has "nothing to change" && host_answers && portsec_clean
}

uplink_on_eno1() {
	# Not `| grep -q`: with pipefail, ip writing a second address after grep left fails it.
	[[ $(in_lab ip -4 -o addr show dev eno1) == *"inet $LAB_HOST_ADDR "* ]] ||
		why "eno1 lacks $LAB_HOST_ADDR" || return 1
	[[ $(in_lab ip -4 route show default) == "default via $LAB_GW dev eno1 "* ]] ||
		why "default route: $(in_lab ip -4 route show default | tr '\n' '|')" || return 1
	! in_lab ip link show br0 >/dev/null 2>&1 || why "br0 is still in the kernel" || return 1
	! vsctl br-exists br0 || why "br0 is still in OVSDB"
}

critical_names() { # TEXT: some CRITICAL line holds TEXT
	grep -E '^CRITICAL ' "$TMP/out" | grep -qF -- "$1" || why "no CRITICAL line names '$1'"
}

# What a verify run may leave behind, as one text: compared before and after every run.
traces() {
	echo "ports: $(vsctl --format=csv --no-headings --columns=name list Port | sort | xargs)"
	echo "marked: $(vsctl --format=csv --no-headings --columns=external_ids list Port |
		grep -c hostnet-probe || true)"
	echo "links: $(in_lab ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | sort | xargs)"
	echo "neigh: $(in_lab ip neigh show dev brint 2>/dev/null | grep -v FAILED | sort | xargs)"
	echo "named netns: $(in_lab ip netns list | grep -c '^hnv' || true)"
}
# The kernel destroys a dead run's namespaces (and the veths in them) asynchronously.
nothing_left() {
	local i
	for i in $(seq 50); do
		traces >"$TMP/after"
		diff -q "$TMP/before" "$TMP/after" >/dev/null && return 0
		sleep 0.1
	done
	why "left behind: $(diff "$TMP/before" "$TMP/after" | grep '^[<>]' | tr '\n' '|')"
}

# verify_drifted CONFIG: verify once the host was changed behind hostnet's back (the
# change's own traces are not the run's): exit 2, CRITICAL.
verify_drifted() {
	traces >"$TMP/before"
	hn "$1" verify
	rc_is 2
}

# An L2 path outside OVS between access ports of VLAN 10 and 20: verify (verify-seed.yaml)
# sees frames of each reach the other, CRITICAL.
vlans_10_and_20_joined() {
	verify_drifted verify-seed.yaml || return 1
	line_is CRITICAL "vlan 10 isolation" "frames of VLAN 20 reach VLAN 10" || return 1
	line_is CRITICAL "vlan 20 isolation" "frames of VLAN 10 reach VLAN 20"
}

# only_vlans_critical A B LO HI TRUNK: verify exited 2, CRITICAL, and its CRITICAL lines
# name VLAN A and B of LO..HI and no other (what a trunk check found working, such as
# "100-149,151-299 tagged; ", left out), in the checks of A and B and of trunk TRUNK.
only_vlans_critical() {
	local vlans names
	rc_is 2 && first_line_is CRITICAL || return 1
	vlans=$(grep '^CRITICAL ' "$TMP/out" | sed -E 's/:.*, found ([0-9,-]+ (tagged|delivered); )?/ /' |
		grep -oE '[0-9]+' | awk -v lo="$3" -v hi="$4" '$1 >= lo && $1 <= hi' | sort -nu | xargs)
	[[ $vlans == "$1 $2" ]] || why "CRITICAL lines name VLANs '$vlans', expected '$1 $2'" || return 1
	names=$(grep '^CRITICAL ' "$TMP/out" | sed 's/:.*//; s/^CRITICAL *//' |
		grep -vE "^(vlan ($1|$2) (forwarding|isolation)|trunk $5( ingress)?)$" || true)
	[[ -z $names ]] || why "unexpected CRITICAL checks: $names"
}

first_line_is() {
	head -1 "$TMP/out" |
		grep -qE "^HOSTNET $1 - .* \| checks=[0-9]+ failed=[0-9]+ time=[0-9.]+s$" ||
		why "first line is '$(head -1 "$TMP/out")', expected HOSTNET $1 with perfdata" || return 1
	[[ -z ${2:-} ]] || head -1 "$TMP/out" | grep -qF -- "$2" || why "first line lacks '$2'"
}
line_is() {
	local line
	line=$(grep -E "^$1 +$2: " "$TMP/out" | head -1) || true
	[[ -n $line ]] || why "no $1 line for '$2'" || return 1
	[[ -z ${3:-} || $line == *"$3"* ]] || why "line '$line' lacks '$3'"
}
all_ok() {
	local bad
	bad=$(tail -n +2 "$TMP/out" | grep -vc '^OK ' || true)
	[[ $bad == 0 ]] || why "$bad line(s) not OK"
}
status_counts_every_line() {
	local lines
	lines=$(($(wc -l <"$TMP/out") - 1))
	head -1 "$TMP/out" | grep -q "^HOSTNET OK - $lines checks | checks=$lines failed=0 " ||
		why "the first line does not count the $lines lines"
}

# ---- cases ----

ok() {
	echo "ok - $1"
	PASSED=$((PASSED + 1))
}
not_ok() {
	echo "not ok - $1: $2"
	FAILED=$((FAILED + 1))
}

run_case() {
	local name=$1 label=$1
	[[ ${HN_WORDS:-} != yes ]] || label=${name//_/ }
	WHY=
	NOTE=
	if [[ ${HN_FRESH:-} == yes ]] && ! lab_start; then
		not_ok "$label" "the lab did not start: $(tail -n 3 "$TMP/lab.log" | tr '\n' '|')"
	elif "case_$name"; then
		ok "$label${NOTE:+ ($NOTE)}"
	else
		not_ok "$label" "${WHY:-a command failed}"
	fi
}

run_check() {
	local name=$1
	shift
	WHY=
	NOTE=
	if "$@"; then
		ok "$name${NOTE:+ ($NOTE)}"
	else
		not_ok "$name" "${WHY:-a command failed}"
	fi
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	((FAILED == 0))
}

run_cases() {
	local name
	for name in "$@"; do
		run_case "$name"
	done
	finish
}

# ---- ping during a change (UPLINK_PING_INTERVAL, default 5 ms) ----

INTERVAL=${UPLINK_PING_INTERVAL:-0.005}
PING_PID=
on_exit '[[ -z $PING_PID ]] || kill "$PING_PID" 2>/dev/null'

# ping_start SECONDS: the upstream pings the host every $INTERVAL for about SECONDS, with
# timestamps. A count, not a deadline or a signal: ping then waits for the last reply, so a
# reply still in flight when it stops is never counted as lost.
ping_start() {
	local n
	n=$(awk -v d="$1" -v i="$INTERVAL" 'BEGIN { printf "%d", d / i }')
	in_up ping -n -D -i "$INTERVAL" -c "$n" "${LAB_HOST_ADDR%/*}" >"$TMP/ping" 2>&1 &
	PING_PID=$!
	# Some replies before the change starts: checked afterwards from the timestamps.
	sleep 0.5
}

ping_wait() {
	wait "$PING_PID" || true
	PING_PID=
}

# ping_report WHAT T0_MS T1_MS [MAX]: wait for ping; print the figure; fail on more than MAX
# losses (default 0) or when the replies do not surround [T0, T1] (the change was not
# measured whole).
ping_report() {
	local what=$1 t0=$2 t1=$3 max=${4:-0} sent recv dups first last lost ms missing
	ping_wait
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$TMP/ping")
	recv=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping")
	dups=$(sed -n 's/.*+\([0-9]*\) duplicates.*/\1/p' "$TMP/ping")
	ms=$(sed -n 's/.* time \([0-9]*\)ms$/\1/p' "$TMP/ping")
	[[ -n $sent && -n $recv ]] || why "no ping summary: $(tail -n 3 "$TMP/ping" | tr '\n' '|')" || return 1
	lost=$((sent - recv))
	first=$(grep -m1 -o '^\[[0-9.]*\] 64 bytes' "$TMP/ping" | tr -d '[' | awk '{printf "%.0f", $1 * 1000}')
	last=$(grep -o '^\[[0-9.]*\] 64 bytes' "$TMP/ping" | tail -n 1 | tr -d '[' | awk '{printf "%.0f", $1 * 1000}')
	echo "# $what: $lost of $sent echo replies lost (ping every $((ms / (sent > 1 ? sent - 1 : 1))) ms," \
		"${dups:-0} DUP! not counted), the change took $((t1 - t0)) ms"
	if ((lost)); then
		missing=$(grep -o 'icmp_seq=[0-9]*' "$TMP/ping" | cut -d= -f2 | sort -un |
			awk -v n="$sent" '{seen[$1]=1} END {for (i = 1; i <= n; i++) if (!seen[i]) printf "%d ", i}')
		echo "# $what: lost icmp_seq $missing"
	fi
	[[ -n $first && -n $last ]] && ((first < t0 && last > t1)) ||
		why "the pings did not cover the change (replies $first..$last, change $t0..$t1 ms)" || return 1
	((lost <= max)) || why "$lost echo replies lost during $what (at most $max)"
}
