# A libtorrent 2.0 peer driven by interop tests (run with /usr/bin/python3).
# usage: lt_node.py <torrent> <save dir> <listen port> <deadline seconds> [peer host:port ...]
#   env LT_MODE=seed|download  (download: exit 0 once seeding, after LT_LINGER seconds)
#   env LT_ENC=disabled|enabled|forced  encryption policy (default disabled)
# Prints "ready <port>", progress lines, "done" when it has every piece; "timeout" and exit 1 past the deadline.
import os
import sys
import time

import libtorrent as lt

torrent, save, port, deadline = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
peers = sys.argv[5:]
mode = os.environ.get('LT_MODE', 'download')
linger = float(os.environ.get('LT_LINGER', '0'))
enc = {'disabled': lt.enc_policy.pe_disabled, 'enabled': lt.enc_policy.pe_enabled,
       'forced': lt.enc_policy.pe_forced}[os.environ.get('LT_ENC', 'disabled')]
s = lt.session({
    'listen_interfaces': '127.0.0.1:%d' % port,
    'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    # INTEROP.md: on loopback uTP may never fall back to TCP; every peer is 127.0.0.1.
    'enable_outgoing_utp': False, 'enable_incoming_utp': False,
    'allow_multiple_connections_per_ip': True,
    'out_enc_policy': enc, 'in_enc_policy': enc,
    'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.peer_notification
                  | lt.alert.category_t.status_notification,
})
atp = {'ti': lt.torrent_info(torrent), 'save_path': save}
if mode == 'seed':
    atp['flags'] = lt.torrent_flags.seed_mode
h = s.add_torrent(atp)
# wait for the listen socket
end = time.time() + deadline
actual = 0
while time.time() < end and actual == 0:
    for a in s.pop_alerts():
        if isinstance(a, lt.listen_succeeded_alert):
            actual = a.port
        elif isinstance(a, lt.listen_failed_alert):
            print('listen failed', a.message(), flush=True)
            sys.exit(2)
    time.sleep(0.05)
print('ready', actual or s.listen_port(), flush=True)

def connect_all():
    for p in peers:
        host, _, prt = p.rpartition(':')
        h.connect_peer((host, int(prt)))

last_connect = 0
last_print = 0
done_at = None
while time.time() < end:
    for a in s.pop_alerts():
        if isinstance(a, (lt.peer_error_alert, lt.peer_disconnected_alert, lt.torrent_error_alert, lt.file_error_alert)):
            print('alert', a.what(), a.message(), flush=True)
    st = h.status()
    # INTEROP.md: connect_peer no more often than every ~5 s
    if peers and st.num_peers == 0 and time.time() - last_connect > 5:
        connect_all()
        last_connect = time.time()
    if time.time() - last_print > 0.5:
        print('progress %.4f peers %d down %d up %d' % (st.progress, st.num_peers, st.total_payload_download,
                                                         st.total_payload_upload), flush=True)
        last_print = time.time()
    if mode == 'download' and st.is_seeding:
        if done_at is None:
            print('done', flush=True)
            done_at = time.time()
        if time.time() - done_at >= linger:
            sys.exit(0)
    time.sleep(0.1)
print('timeout', h.status().progress, flush=True)
sys.exit(1)
