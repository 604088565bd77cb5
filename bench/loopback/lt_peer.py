# libtorrent 2.0 seeder or downloader for the loopback benchmark (run with /usr/bin/python3).
# usage: lt_peer.py seed|download <torrent> <dir> <listen port> [peer host:port]
# seed: prints "ready" when listening and seeds until killed. download: exits 0 when complete.
import sys
import time

import libtorrent as lt

mode, torrent, save, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
peer = sys.argv[5] if len(sys.argv) > 5 else None
settings = {
    'listen_interfaces': '127.0.0.1:%d' % port,
    'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'enable_outgoing_utp': False, 'enable_incoming_utp': False,
    'allow_multiple_connections_per_ip': True,
    'out_enc_policy': lt.enc_policy.pe_disabled, 'in_enc_policy': lt.enc_policy.pe_disabled,
    # tuned for throughput on loopback (INTEROP.md's reference run)
    'send_buffer_watermark': 16 * 1024 * 1024, 'send_buffer_low_watermark': 1024 * 1024,
    'send_buffer_watermark_factor': 150, 'max_queued_disk_bytes': 64 * 1024 * 1024,
    'request_queue_time': 3, 'max_out_request_queue': 5000, 'max_allowed_in_request_queue': 5000,
    'suggest_mode': 0, 'aio_threads': 4, 'hashing_threads': 2, 'checking_mem_usage': 2048,
    'alert_mask': lt.alert.category_t.error_notification,
}
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
