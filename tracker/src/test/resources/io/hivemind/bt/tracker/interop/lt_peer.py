# A libtorrent peer for interop tests: downloads (or seeds) one torrent using only its trackers.
# usage: lt_peer.py <torrent> <save dir> <listen port> <deadline seconds>
# Prints tracker alerts and "done <peers>" once it has every piece, then keeps seeding until the deadline
# (other test peers may still need it) and exits 0; exits 1 if it never completed.
import sys
import time

import libtorrent as lt

torrent, save, port, deadline = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
s = lt.session({
    'listen_interfaces': '127.0.0.1:%d' % port,
    'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    # INTEROP.md: uTP may never fall back to TCP on loopback; every peer is 127.0.0.1.
    'enable_outgoing_utp': False, 'enable_incoming_utp': False,
    'allow_multiple_connections_per_ip': True,
    'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.tracker_notification,
})
h = s.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': save})
end = time.time() + deadline
finished = False
while time.time() < end:
    for a in s.pop_alerts():
        print('alert', a.what(), a.message(), flush=True)
    st = h.status()
    if st.is_seeding and not finished:
        finished = True
        print('done', st.num_peers, flush=True)
    time.sleep(0.2)
if not finished:
    print('timeout', h.status().progress, flush=True)
sys.exit(0 if finished else 1)
