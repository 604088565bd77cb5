# libtorrent 2.0 origin or client for the swarm benchmark (run with /usr/bin/python3 inside a namespace).
#   lt_swarm.py seed|download <torrent> <save dir> <listen ip:port>
# Finds peers through the torrent's tracker only (no DHT, LSD, UPnP, uTP, encryption). Prints one JSON object
# per line: {"ev":"ready"} once listening, {"ev":"done"} when a download is complete and verified, and
# {"ev":"stat","uploaded":N,"downloaded":N} every 0.5 s. Seeds until SIGTERM, then prints a last stat line.
import json
import signal
import sys
import time

import libtorrent as lt

mode, torrent, save, listen = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
settings = {
    'listen_interfaces': listen,
    'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
    'enable_outgoing_utp': False, 'enable_incoming_utp': False,
    'out_enc_policy': lt.enc_policy.pe_disabled, 'in_enc_policy': lt.enc_policy.pe_disabled,
    'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    'announce_to_all_trackers': True,
}
s = lt.session(settings)
atp = lt.add_torrent_params()
atp.ti = lt.torrent_info(torrent)
atp.save_path = save
if mode == 'seed':
    atp.flags |= lt.torrent_flags.seed_mode
h = s.add_torrent(atp)
stop = []
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
signal.signal(signal.SIGINT, lambda *a: stop.append(1))
while s.listen_port() == 0 and not stop:
    time.sleep(0.01)


def out(obj):
    print(json.dumps(obj), flush=True)


def stat():
    st = h.status()
    out({'ev': 'stat', 'uploaded': st.total_payload_upload, 'downloaded': st.total_payload_download,
         'peers': st.num_peers, 'progress': st.progress})


out({'ev': 'ready', 'port': s.listen_port()})
done = mode == 'seed'
last = 0.0
while not stop:
    if not done:
        for a in s.pop_alerts():
            if isinstance(a, lt.torrent_finished_alert):
                done = True
        if not done and h.status().is_seeding:
            done = True
        if done:
            out({'ev': 'done'})
    now = time.time()
    if now - last >= 0.5:
        stat()
        last = now
    if done:
        s.pop_alerts()
        time.sleep(0.1)
    else:
        s.wait_for_alert(20)
stat()
