#!/usr/bin/python3
"""libvirt_close_proxy.py - libvirtd hanging up on a client at a chosen point, for
virt_closed.sh.

    libvirt_close_proxy.py LISTEN REAL N

Listens on the unix socket LISTEN and forwards each connection to libvirtd's socket REAL,
both ways. It reads libvirt's RPC framing from the daemon (a 4-byte big-endian length that
counts itself, then the program number) and, right after passing on the daemon's Nth message
of the remote program (an answer to a call), closes both sides of that connection: to the
client, libvirtd went away between two of its calls, as a restarted or crashed daemon does.
Keepalive messages (another program) are passed on and not counted. Writes "N" to
LISTEN.closed when it closed a connection that way.

A client points at the proxy with the URI qemu:///system?socket=LISTEN.
"""
import os
import socket
import struct
import sys
import threading

# libvirt's remote protocol (src/remote/remote_protocol.x): part of its wire ABI.
REMOTE_PROGRAM = 0x20008086


def close(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()


def client_to_daemon(client, daemon):
    try:
        while True:
            data = client.recv(65536)
            if not data:
                break
            daemon.sendall(data)
    except OSError:
        pass


def serve(client, real, n, listen):
    daemon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        daemon.connect(real)
    except OSError:
        close(client, daemon)
        return
    threading.Thread(target=client_to_daemon, args=(client, daemon), daemon=True).start()
    buf, answers = b"", 0
    try:
        while True:
            data = daemon.recv(65536)
            if not data:
                break
            buf += data
            while len(buf) >= 8 and len(buf) >= struct.unpack(">I", buf[:4])[0]:
                size = struct.unpack(">I", buf[:4])[0]
                msg, buf = buf[:size], buf[size:]
                client.sendall(msg)
                if struct.unpack(">I", msg[4:8])[0] != REMOTE_PROGRAM:
                    continue
                answers += 1
                if answers == n:
                    with open(listen + ".closed", "w") as f:
                        f.write(f"{n}\n")
                    raise EOFError
    except (EOFError, OSError):
        pass
    close(client, daemon)


def main():
    listen, real, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if os.path.exists(listen):
        os.unlink(listen)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(listen)
    server.listen(8)
    while True:
        client, _ = server.accept()
        threading.Thread(target=serve, args=(client, real, n, listen), daemon=True).start()


if __name__ == "__main__":
    main()
