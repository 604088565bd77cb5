# A libtorrent seed for hivebt's peer-wire interop tests. Run with /usr/bin/python3 (python3-libtorrent).
#   lt_peer.py <work dir>
# Creates <work dir>/data.bin (200 KiB, byte i = (i * 7 + 3) & 0xff) and a v1 torrent of it with 32 KiB pieces,
# seeds it on 127.0.0.1 (TCP only, plaintext outgoing), prints "READY <port> <info-hash hex>", then reads commands
# from stdin: "connect <port>" makes libtorrent dial 127.0.0.1:<port>; "quit" or end of input exits.
import os
import sys
import time

import libtorrent as lt

work = sys.argv[1]
data = os.path.join(work, "data.bin")
with open(data, "wb") as f:
    f.write(bytes(((i * 7 + 3) & 0xFF) for i in range(200 * 1024)))

fs = lt.file_storage()
lt.add_files(fs, data)
ct = lt.create_torrent(fs, 32 * 1024, flags=lt.create_torrent.v1_only)
lt.set_piece_hashes(ct, work)
info = lt.torrent_info(ct.generate())

settings = {
    "listen_interfaces": "127.0.0.1:0",
    "enable_dht": False,
    "enable_lsd": False,
    "enable_upnp": False,
    "enable_natpmp": False,
    "enable_outgoing_utp": False,
    "enable_incoming_utp": False,
    "allow_multiple_connections_per_ip": True,
    "out_enc_policy": int(lt.enc_policy.disabled),
    "alert_mask": 0,
}
ses = lt.session(settings)
handle = ses.add_torrent({"ti": info, "save_path": work})
deadline = time.time() + 60
while not handle.status().is_seeding:
    if time.time() > deadline:
        print("FAILED not seeding", flush=True)
        sys.exit(1)
    time.sleep(0.05)
print("READY %d %s" % (ses.listen_port(), str(info.info_hash())), flush=True)

for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "connect":
        handle.connect_peer(("127.0.0.1", int(words[1])))
        print("CONNECTING", flush=True)
    elif words[0] == "quit":
        break
