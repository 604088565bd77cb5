# One host of bench/swarm/ceiling.sh: accepts TCP connections on PORT and counts what arrives, while sending
# without pause to the given peers (as BitTorrent uploaders do to the peers they unchoke). Prints one JSON line
# with the bytes received in the measured window. Run inside the host's namespace with /usr/bin/python3.
#   tcp_mesh.py <listen ip> <warm-up s> <measure s> <peer ip>...
import json
import os
import socket
import sys
import threading
import time

PORT = 9400
CC = os.environ.get('TCP_CC', '')  # congestion control of the sending sockets; '' = the namespace's default
ip, warm, measure, peers = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
received = [0]
lock = threading.Lock()
stop = time.monotonic() + warm + measure + 1


def sink(conn):
    conn.settimeout(1)
    while time.monotonic() < stop:
        try:
            n = len(conn.recv(1 << 16))
        except socket.timeout:
            continue
        except OSError:
            return
        if n == 0:
            return
        with lock:
            received[0] += n


def serve():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((ip, PORT))
    srv.listen(64)
    srv.settimeout(1)
    while time.monotonic() < stop:
        try:
            c, _ = srv.accept()
        except socket.timeout:
            continue
        threading.Thread(target=sink, args=(c,), daemon=True).start()


def source(peer):
    buf = b'\x00' * (1 << 16)
    for _ in range(50):
        try:
            s = socket.socket()
            if CC:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, CC.encode())
            s.settimeout(2)
            s.connect((peer, PORT))
            break
        except OSError:
            time.sleep(0.1)
    else:
        return
    s.settimeout(1)
    while time.monotonic() < stop:
        try:
            s.send(buf)
        except socket.timeout:
            continue
        except OSError:
            return


threading.Thread(target=serve, daemon=True).start()
time.sleep(0.5)
for p in peers:
    threading.Thread(target=source, args=(p,), daemon=True).start()
time.sleep(warm)
with lock:
    r0 = received[0]
time.sleep(measure)
with lock:
    r1 = received[0]
print(json.dumps({'ip': ip, 'received': r1 - r0, 'seconds': measure}), flush=True)
