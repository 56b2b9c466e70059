#!/usr/bin/env python3
"""libvirt_stall_proxy.py - stop libvirtd at a chosen call of a client, for virt_stall.sh.

    libvirt_stall_proxy.py LISTEN REAL PID CALL [NTH]

Listens on the unix socket LISTEN and forwards each connection to libvirtd's socket REAL,
both ways. It reads libvirt's RPC framing from the client (a 4-byte big-endian length, then
program, version, procedure, type, serial, status) and, when the client sends its NTH
(default 1) call of CALL (a libvirt API name, as hostnet's errors give it), sends SIGSTOP
to libvirtd (PID) *before* forwarding that call, writes "CALL" to LISTEN.stopped, then
forwards it and everything after. So the daemon is alive but stalled exactly between two
calls of the client, the stalled call sits unread in its socket, and libvirtd carries it
out once continued (SIGCONT is the caller's job), as a real stall would end.

A client points at the proxy with the URI qemu:///system?socket=LISTEN.
"""
import os
import signal
import socket
import struct
import sys
import threading

# libvirt's remote protocol (src/remote/remote_protocol.x): program and procedure numbers
# are part of its wire ABI and never change.
REMOTE_PROGRAM = 0x20008086
CALL_TYPE = 0
PROCEDURES = {
    "virConnectOpen": 1,
    "virConnectClose": 2,
    "virNetworkCreate": 39,
    "virNetworkCreateXML": 40,
    "virNetworkDefineXML": 41,
    "virNetworkDestroy": 42,
    "virNetworkGetXMLDesc": 43,
    "virNetworkGetAutostart": 44,
    "virNetworkLookupByName": 46,
    "virNetworkSetAutostart": 48,
    "virNetworkUndefine": 49,
    "virNetworkIsActive": 152,
    "virNetworkIsPersistent": 153,
    "virConnectListAllDomains": 273,
    "virConnectListAllNetworks": 283,
    "virNetworkListAllPorts": 404,
}

listen, real, pid, call = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
nth = int(sys.argv[5]) if len(sys.argv) > 5 else 1
proc = PROCEDURES[call]
seen = 0
lock = threading.Lock()


def stop_here():
    """True once, for the NTH call of CALL over all connections: libvirtd is stopped."""
    global seen
    with lock:
        seen += 1
        if seen != nth:
            return False
        os.kill(pid, signal.SIGSTOP)
        with open(listen + ".stopped", "w") as f:
            f.write(call + "\n")
        return True


def upstream(client, server):
    buf = b""
    try:
        while True:
            data = client.recv(65536)
            if not data:
                break
            buf += data
            while len(buf) >= 28:
                size = struct.unpack(">I", buf[:4])[0]
                if len(buf) < size:
                    break
                msg, buf = buf[:size], buf[size:]
                prog, _, p, kind = struct.unpack(">IIiI", msg[4:20])
                if prog == REMOTE_PROGRAM and kind == CALL_TYPE and p == proc:
                    stop_here()
                server.sendall(msg)
        server.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the other side went away: so does this connection


def downstream(server, client):
    try:
        while True:
            data = server.recv(65536)
            if not data:
                break
            client.sendall(data)
        client.shutdown(socket.SHUT_WR)
    except OSError:
        pass


srv = socket.socket(socket.AF_UNIX)
srv.bind(listen)
srv.listen(8)
while True:
    c, _ = srv.accept()
    s = socket.socket(socket.AF_UNIX)
    s.connect(real)
    threading.Thread(target=upstream, args=(c, s), daemon=True).start()
    threading.Thread(target=downstream, args=(s, c), daemon=True).start()
