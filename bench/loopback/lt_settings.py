# The libtorrent session settings both loopback benchmark peers use (lt_peer.py, lt_warm.py): one place, so the
# cold and warm runs measure the same libtorrent.
import libtorrent as lt


def loopback_settings(port, alert_mask=lt.alert.category_t.error_notification):
    return {
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
        'alert_mask': alert_mask,
    }
