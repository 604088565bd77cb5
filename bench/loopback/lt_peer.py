# libtorrent 2.0 seeder or downloader for the loopback benchmark (run with /usr/bin/python3).
# usage: lt_peer.py seed|download <torrent> <dir> <listen port> [peer host:port]
# seed: prints "ready" when listening and seeds until killed. download: exits 0 when complete.
import sys
import time

import libtorrent as lt

from lt_settings import loopback_settings

mode, torrent, save, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
peer = sys.argv[5] if len(sys.argv) > 5 else None
settings = loopback_settings(port)
s = lt.session(settings)
atp = {'ti': lt.torrent_info(torrent), 'save_path': save}
if mode == 'seed':
    atp['flags'] = lt.torrent_flags.seed_mode
h = s.add_torrent(atp)
while s.listen_port() == 0:
    time.sleep(0.01)
print('ready', s.listen_port(), flush=True)
if mode == 'seed':
    while True:
        time.sleep(1)
last = 0
while True:
    st = h.status()
    if st.num_peers == 0 and peer and time.time() - last > 5:
        host, _, p = peer.rpartition(':')
        h.connect_peer((host, int(p)))
        last = time.time()
    if st.is_seeding:
        print('done', flush=True)
        sys.exit(0)
    time.sleep(0.05)
