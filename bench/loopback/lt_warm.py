# A long-running libtorrent 2.0 session for bench/loopback/warm.sh, the twin of hivebt's WarmPeer (same commands,
# same answers), with the same settings as lt_peer.py (lt_settings.py). Run with /usr/bin/python3.
#   lt_warm.py <listen port>
# stdin: "seed TORRENT DIR" -> ready; "download TORRENT DIR HOST:PORT" -> done NANOS; "remove" -> removed; "quit"
import sys
import time

import libtorrent as lt

from lt_settings import loopback_settings

port = int(sys.argv[1])
s = lt.session(loopback_settings(
    port, lt.alert.category_t.error_notification | lt.alert.category_t.status_notification))
while s.listen_port() == 0:
    time.sleep(0.01)
handles = []
for line in sys.stdin:
    w = line.split()
    if not w:
        continue
    if w[0] == 'seed':
        handles.append(s.add_torrent({'ti': lt.torrent_info(w[1]), 'save_path': w[2],
                                      'flags': lt.torrent_flags.seed_mode}))
        print('ready', flush=True)
    elif w[0] == 'download':
        t0 = time.monotonic_ns()
        h = s.add_torrent({'ti': lt.torrent_info(w[1]), 'save_path': w[2]})
        handles.append(h)
        host, _, p = w[3].rpartition(':')
        h.connect_peer((host, int(p)))
        last = time.monotonic()
        # woken by the finished alert, not by polling; a reconnect every 5 s as in lt_peer.py
        while not h.status().is_seeding:
            s.wait_for_alert(1000)
            for a in s.pop_alerts():
                pass
            if h.status().num_peers == 0 and time.monotonic() - last > 5:
                h.connect_peer((host, int(p)))
                last = time.monotonic()
        print('done', time.monotonic_ns() - t0, flush=True)
    elif w[0] == 'remove':
        for h in handles:
            s.remove_torrent(h)
        handles = []
        time.sleep(0.5)  # removal is asynchronous in libtorrent
        print('removed', flush=True)
    elif w[0] == 'quit':
        break
