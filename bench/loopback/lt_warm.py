# A long-running libtorrent 2.0 session for bench/loopback/warm.sh, the twin of hivebt's WarmPeer (same commands,
# same answers), with the settings of lt_peer.py. Run with /usr/bin/python3.
#   lt_warm.py <listen port>
# stdin: "seed TORRENT DIR" -> ready; "download TORRENT DIR HOST:PORT" -> done NANOS; "remove" -> removed; "quit"
import sys
import time

import libtorrent as lt

port = int(sys.argv[1])
s = lt.session({
    'listen_interfaces': '127.0.0.1:%d' % port,
    'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'enable_outgoing_utp': False, 'enable_incoming_utp': False,
    'allow_multiple_connections_per_ip': True,
    'out_enc_policy': lt.enc_policy.pe_disabled, 'in_enc_policy': lt.enc_policy.pe_disabled,
    'send_buffer_watermark': 16 * 1024 * 1024, 'send_buffer_low_watermark': 1024 * 1024,
    'send_buffer_watermark_factor': 150, 'max_queued_disk_bytes': 64 * 1024 * 1024,
    'request_queue_time': 3, 'max_out_request_queue': 5000, 'max_allowed_in_request_queue': 5000,
    'suggest_mode': 0, 'aio_threads': 4, 'hashing_threads': 2, 'checking_mem_usage': 2048,
    'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
})
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
