#!/usr/bin/python3
"""libvirt_proxy.py - libvirtd misbehaving at a chosen point of a client's talk, for the
tests of how hostnet bounds and survives its calls (virt_stall.sh, virt_closed.sh).

    libvirt_proxy.py LISTEN REAL stall PID CALL [NTH]
    libvirt_proxy.py LISTEN REAL close N

Listens on the unix socket LISTEN and forwards each connection to libvirtd's socket REAL,
both ways, reading libvirt's RPC framing (a 4-byte big-endian length that counts itself,
then program, version, procedure, type, serial, status).

stall: when the client sends its NTH (default 1) call of CALL (a libvirt API name, as
    hostnet's errors give it), sends SIGSTOP to libvirtd (PID) *before* forwarding that
    call, writes "CALL" to LISTEN.stopped, then forwards it and everything after. The daemon
    is alive but stalled exactly between two calls of the client, the stalled call sits
    unread in its socket, and libvirtd carries it out once continued (SIGCONT is the
    caller's job), as a real stall would end.
close: right after passing on the daemon's Nth message of the remote program (an answer
    to a call; keepalives are another program, passed on and not counted), closes both
    sides of that connection, as a restarted or crashed daemon does, and writes "N" to
    LISTEN.closed.

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


def messages(sock):
    """libvirt's messages as they arrive on sock, whole; ends when the peer does."""
    buf = b""
    while True:
        data = sock.recv(65536)
        if not data:
            return
        buf += data
        while len(buf) >= 8 and len(buf) >= struct.unpack(">I", buf[:4])[0]:
            size = struct.unpack(">I", buf[:4])[0]
            msg, buf = buf[:size], buf[size:]
            yield msg


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


class Stall:
    """Stops libvirtd before the NTH call of CALL, over all connections."""

    def __init__(self, listen, pid, call, nth="1"):
        self.listen, self.pid, self.call = listen, int(pid), call
        self.proc, self.nth, self.seen = PROCEDURES[call], int(nth), 0
        self.lock = threading.Lock()

    def to_daemon(self, msg):
        prog, _, proc, kind = struct.unpack(">IIiI", msg[4:20])
        if prog != REMOTE_PROGRAM or kind != CALL_TYPE or proc != self.proc:
            return
        with self.lock:
            self.seen += 1
            if self.seen == self.nth:
                os.kill(self.pid, signal.SIGSTOP)
                with open(self.listen + ".stopped", "w") as f:
                    f.write(self.call + "\n")

    def from_daemon(self, msg):
        return True


class Close:
    """Hangs up on the client after the daemon's Nth answer on a connection."""

    def __init__(self, listen, n):
        self.listen, self.n = listen, int(n)
        self.answers = threading.local()

    def to_daemon(self, msg):
        pass

    def from_daemon(self, msg):
        if struct.unpack(">I", msg[4:8])[0] != REMOTE_PROGRAM:
            return True
        self.answers.n = getattr(self.answers, "n", 0) + 1
        if self.answers.n != self.n:
            return True
        with open(self.listen + ".closed", "w") as f:
            f.write(f"{self.n}\n")
        return False


def client_to_daemon(client, daemon, mode):
    try:
        for msg in messages(client):
            mode.to_daemon(msg)
            daemon.sendall(msg)
        daemon.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the other side went away: so does this connection


def serve(client, real, mode):
    daemon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        daemon.connect(real)
    except OSError:
        close(client, daemon)
        return
    threading.Thread(target=client_to_daemon, args=(client, daemon, mode), daemon=True).start()
    try:
        for msg in messages(daemon):
            client.sendall(msg)
            if not mode.from_daemon(msg):
                break
        else:
            client.shutdown(socket.SHUT_WR)
            return
    except OSError:
        pass
    close(client, daemon)


def main():
    listen, real, kind, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    mode = Stall(listen, *args) if kind == "stall" else Close(listen, *args)
    if os.path.exists(listen):
        os.unlink(listen)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(listen)
    server.listen(8)
    while True:
        client, _ = server.accept()
        threading.Thread(target=serve, args=(client, real, mode), daemon=True).start()


if __name__ == "__main__":
    main()
