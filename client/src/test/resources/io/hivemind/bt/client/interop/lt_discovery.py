# A libtorrent 2.0 peer for hivebt's discovery interop tests and benchmark (run with /usr/bin/python3).
# usage: lt_discovery.py '<json config>'
#   torrent      path of a .torrent, or a magnet URI
#   save         download / data directory
#   mode         "seed" (seed_mode, data present) or "download" (exit 0 once seeding, after "linger" seconds)
#   listen       "127.0.0.1:0" (default)
#   deadline     seconds before giving up ("timeout", exit 1)
#   peers        ["host:port", ...] to connect to (every ~5 s while it has none, see INTEROP.md)
#   lsd, dht, pex  booleans (default false, false, true); dht_bootstrap "host:port,..." ('' = none)
#   dht_announce_interval  seconds between DHT announces (libtorrent default 900)
#   wait_dht_nodes  add the torrent only once the DHT routing table has this many nodes
#   linger       seconds to stay after "done"
#   stay         never exit on completion (seeders and relays)
# Prints, one per line: "ready <tcp port>", "added <epoch ms>", "first_peer <ms after add> <ip:port>",
# "metadata <ms after add>", "state <torrent state>" on every change, "peers <json list of [ip, port, source flags, seed]>" every second,
# "progress <p> peers <n>", "done", "timeout".
# Source flags are libtorrent's peer_info: tracker 1, dht 2, pex 4, lsd 8, resume_data 16, incoming 32.
import json
import sys
import time

import libtorrent as lt

cfg = json.loads(sys.argv[1])
mode = cfg.get('mode', 'download')
deadline = time.time() + float(cfg.get('deadline', 60))
settings = {
    'listen_interfaces': cfg.get('listen', '127.0.0.1:0'),
    'enable_dht': bool(cfg.get('dht', False)),
    'enable_lsd': bool(cfg.get('lsd', False)),
    'enable_upnp': False, 'enable_natpmp': False,
    # INTEROP.md: on loopback uTP may never fall back to TCP; every peer is 127.0.0.1
    'enable_outgoing_utp': False, 'enable_incoming_utp': False,
    'allow_multiple_connections_per_ip': True,
    'out_enc_policy': lt.enc_policy.pe_disabled, 'in_enc_policy': lt.enc_policy.pe_disabled,
    'dht_bootstrap_nodes': cfg.get('dht_bootstrap', ''),
    'dht_restrict_routing_ips': False, 'dht_restrict_search_ips': False,
    'dht_ignore_dark_internet': False, 'dht_prefer_verified_node_ids': False,
    'alert_mask': lt.alert.category_t.all_categories,
}
if 'dht_announce_interval' in cfg:
    settings['dht_announce_interval'] = int(cfg['dht_announce_interval'])
s = lt.session(settings)

port = 0
while time.time() < deadline and port == 0:
    for a in s.pop_alerts():
        if isinstance(a, lt.listen_succeeded_alert) and a.socket_type == lt.socket_type_t.tcp:
            port = a.port
        elif isinstance(a, lt.listen_failed_alert):
            print('listen failed', a.message(), flush=True)
            sys.exit(2)
    time.sleep(0.02)
print('ready', port or s.listen_port(), flush=True)

want_nodes = int(cfg.get('wait_dht_nodes', 0))
if want_nodes > 0:
    nodes = 0
    while time.time() < deadline and nodes < want_nodes:
        s.post_dht_stats()
        s.wait_for_alert(200)
        for a in s.pop_alerts():
            if isinstance(a, lt.dht_stats_alert):
                nodes = sum(b['num_nodes'] for b in a.routing_table)
    print('dht_nodes', nodes, flush=True)

src = cfg['torrent']
if src.startswith('magnet:'):
    atp = lt.parse_magnet_uri(src)
else:
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(src)
atp.save_path = cfg['save']
if mode == 'seed':
    atp.flags |= lt.torrent_flags.seed_mode
if not cfg.get('pex', True):
    atp.flags |= lt.torrent_flags.disable_pex
added = time.time()
h = s.add_torrent(atp)
print('added', int(added * 1000), flush=True)

peers = cfg.get('peers', [])
last_connect = 0
last_print = 0
first_peer = False
done_at = None
last_state = None
handshake_flags = lt.peer_info.handshake | lt.peer_info.connecting
while time.time() < deadline:
    if not first_peer:
        # the first peer whose BitTorrent handshake completed (hivebt's PeerConnected is the same moment)
        for p in h.get_peer_info():
            if not (p.flags & handshake_flags):
                first_peer = True
                print('first_peer', int((time.time() - added) * 1000), '%s:%d' % (p.ip[0], p.ip[1]), flush=True)
                break
    for a in s.pop_alerts():
        if isinstance(a, lt.metadata_received_alert):
            print('metadata', int((time.time() - added) * 1000), flush=True)
        elif isinstance(a, (lt.peer_error_alert, lt.peer_disconnected_alert, lt.torrent_error_alert, lt.file_error_alert,
                            lt.metadata_failed_alert, lt.lsd_error_alert)):
            print('alert', type(a).__name__, a.message(), flush=True)
    st = h.status()
    if st.state != last_state:
        # e.g. "state seeding": a seeder accepts peers only once it is past checking
        print('state', str(st.state).split('.')[-1], flush=True)
        last_state = st.state
    if peers and st.num_peers == 0 and time.time() - last_connect > 5:
        for p in peers:
            host, _, prt = p.rpartition(':')
            h.connect_peer((host, int(prt)))
        last_connect = time.time()
    if time.time() - last_print > 1:
        info = [[p.ip[0], p.ip[1], int(p.source), bool(p.flags & lt.peer_info.seed)] for p in h.get_peer_info()]
        print('peers', json.dumps(info), flush=True)
        print('progress %.4f peers %d' % (st.progress, st.num_peers), flush=True)
        last_print = time.time()
    if mode == 'download' and st.is_seeding and not cfg.get('stay', False):
        if done_at is None:
            print('done', flush=True)
            done_at = time.time()
        if time.time() - done_at >= float(cfg.get('linger', 0)):
            sys.exit(0)
    elif mode == 'download' and st.is_seeding and done_at is None:
        print('done', flush=True)
        done_at = time.time()
    s.wait_for_alert(2 if not first_peer else 50)
print('timeout', h.status().progress, flush=True)
sys.exit(1)
