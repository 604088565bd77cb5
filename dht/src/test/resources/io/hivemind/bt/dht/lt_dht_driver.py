# Drives a libtorrent 2.0 DHT node for hivebt's interop tests. Loopback only, no public bootstrap.
# argv: <router port> ; commands are JSON lines on stdin, one JSON reply line each on stdout.
import hashlib, json, re, sys, time
import libtorrent as lt

router = int(sys.argv[1])
s = lt.session({
    'listen_interfaces': '127.0.0.1:0',
    'enable_dht': True, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'enable_outgoing_utp': False, 'enable_incoming_utp': False,
    'dht_bootstrap_nodes': '127.0.0.1:%d' % router,
    'dht_restrict_routing_ips': False, 'dht_restrict_search_ips': False,
    'dht_ignore_dark_internet': False, 'dht_prefer_verified_node_ids': False,
    'dht_upload_rate_limit': 1000000,
    'alert_mask': lt.alert.category_t.all_categories,
})
log = open(sys.argv[2], 'w') if len(sys.argv) > 2 else None

def out(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()

def alerts(deadline, match):
    while time.time() < deadline:
        s.wait_for_alert(200)
        for a in s.pop_alerts():
            if log and not isinstance(a, lt.dht_stats_alert):
                log.write('%s: %s\n' % (type(a).__name__, a.message()))
                log.flush()
            r = match(a)
            if r is not None:
                return r
    return None

def h(hexstr):
    return lt.sha1_hash(bytes.fromhex(hexstr))

def hexhash(x):
    return bytes(x.to_bytes()).hex() if hasattr(x, 'to_bytes') else str(x)

def item_text(a):
    v = a.item
    if isinstance(v, bytes):
        return v.decode('latin-1')
    if isinstance(v, str):
        return v
    m = re.search(r"\[ '(.*)' \]", a.message())  # the binding's entry converter varies; the message does not
    return m.group(1) if m else None

def secret_key(seed):
    d = bytearray(hashlib.sha512(seed).digest())
    d[0] &= 248
    d[31] &= 63
    d[31] |= 64
    return bytes(d)

for line in sys.stdin:
    c = json.loads(line)
    op = c['op']
    deadline = time.time() + c.get('timeout', 30)
    if op == 'quit':
        out({'ok': True})
        break
    elif op == 'port':
        out({'port': s.listen_port()})
    elif op == 'wait_nodes':
        def m(a):
            if isinstance(a, lt.dht_stats_alert):
                n = sum(b['num_nodes'] for b in a.routing_table)
                if n >= c['min']:
                    return n
                s.post_dht_stats()
            return None
        s.post_dht_stats()
        out({'nodes': alerts(deadline, m)})
    elif op == 'seed':
        # a real seeder: libtorrent announces its torrents into the DHT itself (the 2.0.8 binding cannot call
        # dht_announce: its flags type is not exported)
        import os
        path = os.path.join(c['dir'], 'payload.bin')
        with open(path, 'wb') as f:
            f.write(os.urandom(65536))
        fs = lt.file_storage()
        lt.add_files(fs, path)
        ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
        lt.set_piece_hashes(ct, c['dir'])
        ti = lt.torrent_info(ct.generate())
        atp = lt.add_torrent_params()
        atp.ti = ti
        atp.save_path = c['dir']
        atp.flags |= lt.torrent_flags.seed_mode
        s.add_torrent(atp)
        out({'ih': str(ti.info_hashes().v1), 'port': s.listen_port()})
    elif op == 'get_peers':
        want = c.get('want_port')
        found = None
        while time.time() < deadline and found is None:
            s.dht_get_peers(h(c['ih']))
            def m(a):
                if isinstance(a, lt.dht_get_peers_reply_alert) and hexhash(a.info_hash) == c['ih']:
                    return [[p[0], p[1]] for p in a.peers()]
                return None
            r = alerts(min(deadline, time.time() + 10), m)
            if r and (want is None or any(p[1] == want for p in r)):
                found = r
        out({'peers': found})
    elif op == 'put_immutable':
        target = s.dht_put_immutable_item(c['value'])
        t = hexhash(target)
        def m(a):
            if isinstance(a, lt.dht_put_alert) and hexhash(a.target) == t:
                return a.num_success
            return None
        out({'target': t, 'num_success': alerts(deadline, m)})
    elif op == 'get_immutable':
        def m(a):
            if isinstance(a, lt.dht_immutable_item_alert) and hexhash(a.target) == c['target']:
                return item_text(a)
            return None
        s.dht_get_immutable_item(h(c['target']))
        out({'item': alerts(deadline, m)})
    elif op == 'put_mutable':
        seed = bytes.fromhex(c['seed'])
        pk = bytes.fromhex(c['pk'])
        s.dht_put_mutable_item(secret_key(seed), pk, c['value'], c['salt'])
        def m(a):
            if isinstance(a, lt.dht_put_alert) and bytes(a.public_key) == pk:
                return {'num_success': a.num_success, 'seq': a.seq}
            return None
        out(alerts(deadline, m) or {'num_success': None})
    elif op == 'get_mutable':
        pk = bytes.fromhex(c['pk'])
        s.dht_get_mutable_item(pk, c['salt'])
        def m(a):
            if isinstance(a, lt.dht_mutable_item_alert) and bytes(a.key) == pk:
                return {'seq': a.seq, 'item': item_text(a), 'authoritative': a.authoritative}
            return None
        out(alerts(deadline, m) or {'seq': None})
    else:
        out({'error': 'unknown op ' + op})
