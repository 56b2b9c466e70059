#!/usr/bin/env bash
# ovs_failures.sh - the OVS backend when its daemons fail it or another client races it,
# against a real ovsdb-server and ovs-vswitchd in a lab host (every layer, no libvirtd).
#
# Cases: ovsdb-server stopped (its socket gone, or left behind by a KILL) and ovsdb-server
# hung (SIGSTOP) each give one clear line within --timeout, exit 1; ovs-vswitchd stopped:
# up says the switch did not apply the change within the timeout, exit 1, and the database
# is rolled back; a concurrent writer between hostnet's read and its commit (made certain
# by a proxy on the OVSDB socket that lets another client write just before forwarding
# hostnet's commit) makes the commit fail its waits: hostnet reads and plans the OVS part
# again, shows the new plan, applies it and ends in the state the config asks, with the
# writer's other changes kept; when the new plan removes something the printed one did
# not, nothing is committed and up exits 1 naming it. The read is asked before the config
# loads: a bad config still exits 2 with one line and writes nothing; a run that waits for
# the host's lock reads what changed while it waited.
#
# Must run as root. $HOSTNET is the binary under test (default build/hostnet). The last
# line is "N passed, N failed"; the exit status is non-zero when a case failed.
# The harness (the lab, hostnet runs, checks, the case runner) is lib.sh.

set -euo pipefail

HN_LAB=${OVS_LAB:-hn-ovs-fail}
HN_FRESH=yes
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PROXY_PID=
on_exit stop_proxy

on_lab_start() { DB_PATH=${LAB_OVSDB#unix:}; }

daemon_pid() { cat "$LAB_DIR/$1.pid"; }

# Stop a lab daemon with SIG and wait until it is gone (bounded).
stop_daemon() {
	local pid
	pid=$(daemon_pid "$1")
	kill -s "$2" "$pid"
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	why "$1 (pid $pid) did not stop on $2"
}

# A proxy on the OVSDB socket: forwards both ways, and the first time hostnet sends its
# commit (the transact that starts with the comment "hostnet: converge"), runs WRITER
# against the real server first and only then forwards the commit. The race hostnet must
# survive, made certain instead of likely.
start_proxy() {
	python3 - "$TMP/proxy.sock" "$DB_PATH" "$TMP/raced" "$@" <<'PY' &
import json, socket, subprocess, sys, threading

listen, real, marker, writer = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
raced = threading.Event()


def is_commit(msg):
    return (isinstance(msg, dict) and msg.get("method") == "transact" and
            any(isinstance(op, dict) and op.get("comment") == "hostnet: converge"
                for op in msg.get("params", [])[1:]))


def upstream(client, server):
    decoder, buf = json.JSONDecoder(), ""
    while True:
        data = client.recv(65536)
        if not data:
            server.shutdown(socket.SHUT_WR)
            return
        buf += data.decode("latin-1")
        while True:
            buf = buf.lstrip()
            try:
                msg, end = decoder.raw_decode(buf)
            except ValueError:
                break
            raw, buf = buf[:end], buf[end:]
            if not raced.is_set() and is_commit(msg):
                raced.set()
                subprocess.run(writer, check=True, stdout=subprocess.DEVNULL)
                with open(marker, "w") as f:
                    f.write("raced\n")
            server.sendall(raw.encode("latin-1"))


def downstream(server, client):
    while True:
        data = server.recv(65536)
        if not data:
            client.shutdown(socket.SHUT_WR)
            return
        client.sendall(data)


srv = socket.socket(socket.AF_UNIX)
srv.bind(listen)
srv.listen(8)
while True:
    c, _ = srv.accept()
    s = socket.socket(socket.AF_UNIX)
    s.connect(real)
    threading.Thread(target=upstream, args=(c, s), daemon=True).start()
    threading.Thread(target=downstream, args=(s, c), daemon=True).start()
PY
	PROXY_PID=$!
	for _ in $(seq 50); do
		[[ -S $TMP/proxy.sock ]] && return 0
		sleep 0.1
	done
	why "the proxy did not start"
}

stop_proxy() {
	if [[ -n $PROXY_PID ]]; then
		kill "$PROXY_PID" 2>/dev/null || true
		wait "$PROXY_PID" 2>/dev/null || true
	fi
	PROXY_PID=
	rm -f "$TMP/proxy.sock" "$TMP/raced"
}

# hn_raced CONFIG ARGS...: hn through the proxy, then the proxy stopped; fails unless the
# proxy's writer ran.
hn_raced() {
	local raced=no
	hn_db "unix:$TMP/proxy.sock" "$@"
	[[ -e $TMP/raced ]] && raced=yes
	stop_proxy
	[[ $raced == yes ]] || why "the writer never ran"
}

case_ovsdb_server_stopped() {
	stop_daemon ovsdb-server TERM || return 1
	hn ovs-seed.yaml --timeout 2000 up
	rc_is 1 || return 1
	err_is_one_line || return 1
	err_has "hostnet: cannot reach ovsdb-server at $LAB_OVSDB: no such socket (is ovsdb-server running?" || return 1
	took_at_most 2000
}

case_ovsdb_server_killed_socket_left() {
	stop_daemon ovsdb-server KILL || return 1
	[[ -S $DB_PATH ]] || why "the killed server left no socket (the case needs one)" || return 1
	hn ovs-seed.yaml --timeout 2000 up
	rc_is 1 || return 1
	err_is_one_line || return 1
	err_has "cannot reach ovsdb-server at $LAB_OVSDB: Connection refused" || return 1
	took_at_most 2000
}

case_ovsdb_server_hung() {
	pause_pid "$(daemon_pid ovsdb-server)"
	hn ovs-seed.yaml --timeout 1500 up
	resume_pid
	rc_is 1 || return 1
	err_is_one_line || return 1
	err_has "ovsdb-server at $LAB_OVSDB did not answer \`monitor_cond\` within 1500 ms" || return 1
	took_at_least 1500 || return 1
	took_at_most 3000
}

case_vswitchd_stopped() {
	local before
	before=$(vsctl get Open_vSwitch . next_cfg)
	stop_daemon ovs-vswitchd TERM || return 1
	hn ovs-seed.yaml --timeout 2000 up
	rc_is 1 || return 1
	err_is_one_line || return 1
	err_has "ovs-vswitchd did not apply the change within 2000 ms" || return 1
	err_has "rolled back" || return 1
	took_at_least 2000 || return 1
	took_at_most 4000 || return 1
	# the database is as before (the commit and its inverse each moved next_cfg)
	[[ $(vsctl --no-wait list-br | wc -l) == 0 ]] || why "bridges left: $(vsctl --no-wait list-br | xargs)" || return 1
	[[ $(vsctl --no-wait get Open_vSwitch . next_cfg) == $((before + 2)) ]] ||
		why "next_cfg is not $before + 2"
}

case_writer_between_read_and_commit() {
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	vsctl set Port brint tag=10 >/dev/null
	# hostnet reads tag 10 and commits "10 -> 99" under a wait on tag == 10; just before
	# that commit reaches the server, another client sets tag 42 and a key on br0.
	start_proxy ovs-vsctl "--db=unix:$DB_PATH" --no-wait set Port brint tag=42 \
		-- set Bridge br0 other_config:racer=1 || return 1
	hn_raced ovs-seed.yaml up || return 1
	rc_is 0 && out_has "~ ovs      port brint: tag 10 -> 99" &&
		out_has "note: another client changed the OVS database between hostnet's read and its write: the ovs changes were planned again (1)" &&
		out_has "~ ovs      port brint: tag 42 -> 99" && out_has "up: applied 1 change(s)" ||
		return 1
	col Port brint tag 99 || return 1
	col Bridge br0 other_config:racer '"1"' || return 1
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	out_has "nothing to change"
}

case_bridge_made_by_another_between_read_and_commit() {
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	# hostnet is about to create brtmp; another client creates it first (foreign).
	start_proxy ovs-vsctl "--db=unix:$DB_PATH" --no-wait add-br brtmp \
		-- set Bridge brtmp datapath_type=netdev || return 1
	hn_raced ovs-extra.yaml up || return 1
	rc_is 0 && out_has "note: another client changed the OVS database" || return 1
	# brtmp is the other client's now: hostnet adds the config's port, does not mark it
	bridges_are "br0 brint brtmp" || return 1
	ports_are brtmp "tmp0" || return 1
	col Bridge brtmp external_ids "{}" || return 1
	col Port tmp0 tag 5 || return 1
	hn ovs-extra.yaml up
	rc_is 0 || return 1
	out_has "nothing to change"
}

# The other client changes the tag hostnet is about to set (so the commit's wait fails) and
# adds a port marked as hostnet's that the config does not name: planned again, the change
# would remove that port, which the printed plan did not say. Nothing is committed, up exits
# 1 naming the removal, and the other client's tag and port are still there.
case_removal_not_shown_is_not_committed() {
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	vsctl set Port brint tag=10 >/dev/null
	start_proxy ovs-vsctl "--db=unix:$DB_PATH" --no-wait set Port brint tag=42 \
		-- add-port brint stray0 \
		-- set Interface stray0 type=internal \
		-- set Port stray0 external_ids:hostnet-owner=hostnet || return 1
	hn_raced ovs-seed.yaml up || return 1
	rc_is 1 && out_has "~ ovs      port brint: tag 10 -> 99" &&
		err_is_one_line_with "which now holds \`- ovs port stray0 on brint" \
			"a change that was not shown: none of the ovs changes were made" || return 1
	col Port brint tag 42 && ports_are brint "stray0"
}

# `up` asks ovsdb-server for the switch's state before it loads the config (the server
# answers meanwhile): a config that turns out bad still gets its one line and exit 2, and
# nothing is written.
case_bad_config_while_the_read_is_asked() {
	local before
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	before=$(vsctl get Open_vSwitch . next_cfg)
	printf 'bridges:\n  brint:\n    tag: 5000\n' >"$TMP/bad.yaml"
	hn "$TMP/bad.yaml" -v up
	rc_is 2 || return 1
	grep -q '^hostnet: ovsdb: -> monitor_cond (id 1)$' "$TMP/err" || why "the read was not asked" || return 1
	[[ $(grep -vc '^hostnet: ovsdb: ' "$TMP/err") == 1 ]] || why "not one line besides -v's" || return 1
	err_has "$TMP/bad.yaml:3:" || return 1
	[[ $(vsctl get Open_vSwitch . next_cfg) == "$before" ]] || why "the database was written"
}

# The early read is only taken under the host's lock: a run that waits for another reads
# the switch once the lock is its own, and so sees what changed while it waited.
case_read_after_waiting_for_the_lock() {
	hn ovs-seed.yaml up
	rc_is 0 || return 1
	hold_lock 2 || return 1
	hn_bg waiter ovs-seed.yaml up
	sleep 0.5
	vsctl set Port brint tag=10 >/dev/null
	wait "$LOCK_PID" || true
	LOCK_PID=
	hn_join waiter
	rc_is 0 && out_has "~ ovs      port brint: tag 10 -> 99" || return 1
	col Port brint tag 99
}

need_hostnet
run_cases ovsdb_server_stopped ovsdb_server_killed_socket_left ovsdb_server_hung \
	vswitchd_stopped writer_between_read_and_commit \
	bridge_made_by_another_between_read_and_commit removal_not_shown_is_not_committed \
	bad_config_while_the_read_is_asked read_after_waiting_for_the_lock
