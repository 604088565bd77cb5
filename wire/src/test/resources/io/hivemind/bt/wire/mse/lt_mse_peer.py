"""A libtorrent seeder for the MSE interop tests.

Usage: lt_mse_peer.py WORKDIR ENC_LEVEL(rc4|plaintext|both)
Creates a small file and a v1 torrent of it in WORKDIR, seeds it with encryption forced in both directions,
prints one line "READY <port> <infohash-hex>", then reads commands from stdin:
  connect <port>   ask libtorrent to dial 127.0.0.1:<port> (TCP only, uTP is off)
and prints peer/error alerts as "ALERT ..." lines. Exits when stdin closes or after 120 s.
"""
import os
import sys
import threading
import time

import libtorrent as lt

workdir, level = sys.argv[1], sys.argv[2]
levels = {"rc4": lt.enc_level.pe_rc4, "plaintext": lt.enc_level.pe_plaintext, "both": lt.enc_level.pe_both}

data = os.path.join(workdir, "payload.bin")
with open(data, "wb") as f:
    f.write(os.urandom(256 * 1024))

fs = lt.file_storage()
lt.add_files(fs, data)
ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
lt.set_piece_hashes(ct, workdir)
ti = lt.torrent_info(lt.bdecode(lt.bencode(ct.generate())))

ses = lt.session({
    "listen_interfaces": "127.0.0.1:0",
    "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
    "enable_outgoing_utp": False, "enable_incoming_utp": False,
    "out_enc_policy": int(lt.enc_policy.pe_forced),
    "in_enc_policy": int(lt.enc_policy.pe_forced),
    "allowed_enc_level": int(levels[level]),
    "prefer_rc4": level != "plaintext",
    "allow_multiple_connections_per_ip": True,
    "alert_mask": int(lt.alert.category_t.error_notification | lt.alert.category_t.peer_notification
                      | lt.alert.category_t.connect_notification),
})
atp = lt.add_torrent_params()
atp.ti = ti
atp.save_path = workdir
h = ses.add_torrent(atp)

deadline = time.time() + 60
while not h.status().is_seeding:
    if time.time() > deadline:
        print("ERROR torrent never became a seed", flush=True)
        sys.exit(2)
    time.sleep(0.05)

print("READY %d %s" % (ses.listen_port(), str(ti.info_hashes().v1)), flush=True)

stop = threading.Event()


def commands():
    for line in sys.stdin:
        parts = line.split()
        if parts and parts[0] == "connect":
            h.connect_peer(("127.0.0.1", int(parts[1])))
            print("CONNECTING %s" % parts[1], flush=True)
    stop.set()


threading.Thread(target=commands, daemon=True).start()
end = time.time() + 120
while not stop.is_set() and time.time() < end:
    if ses.wait_for_alert(200):
        for a in ses.pop_alerts():
            print("ALERT %s: %s" % (type(a).__name__, a.message()), flush=True)
