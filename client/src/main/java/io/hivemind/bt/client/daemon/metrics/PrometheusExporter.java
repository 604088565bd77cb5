package io.hivemind.bt.client.daemon.metrics;

import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.SessionStats;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.http.HttpReply;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /metrics}: the session's statistics in the Prometheus text format. Families (all prefixed
 * {@code hivebt_}): payload and protocol byte totals, rates, connected and half-open peers, peers by choke and
 * interest state, disconnects by {@link DisconnectReason}, hash failures, DHT nodes, the disk queue and piece buffer
 * memory (when the session reports them), torrents by state, tracker announce outcomes, uptime. Every label value of an enum is always present (zero when nothing happened), so
 * {@code rate()} works from the first scrape. Thread-safe.
 */
public final class PrometheusExporter {
    private final Daemon daemon;

    public PrometheusExporter(Daemon daemon) {
        this.daemon = daemon;
    }

    public HttpReply scrape() {
        return new HttpReply(200, PrometheusWriter.CONTENT_TYPE, render().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of());
    }

    public String render() {
        SessionStats s = daemon.session().stats();
        PrometheusWriter w = new PrometheusWriter();
        w.family("hivebt_info", "gauge", "Build and runtime information.")
                .sample(1, "version", Daemon.VERSION, "transport", s.transport() == null ? "" : s.transport());
        w.family("hivebt_uptime_seconds", "gauge", "Seconds since the session started.").sample(s.uptimeSeconds());
        w.family("hivebt_payload_downloaded_bytes_total", "counter", "Payload bytes received.")
                .sample(s.totalDownloaded());
        w.family("hivebt_payload_uploaded_bytes_total", "counter", "Payload bytes sent.").sample(s.totalUploaded());
        w.family("hivebt_protocol_downloaded_bytes_total", "counter", "All bytes received, protocol overhead included.")
                .sample(s.protocolDownloaded());
        w.family("hivebt_protocol_uploaded_bytes_total", "counter", "All bytes sent, protocol overhead included.")
                .sample(s.protocolUploaded());
        w.family("hivebt_download_rate_bytes", "gauge", "Payload download rate in bytes per second.")
                .sample(s.downloadRate());
        w.family("hivebt_upload_rate_bytes", "gauge", "Payload upload rate in bytes per second.")
                .sample(s.uploadRate());
        w.family("hivebt_peers", "gauge", "Connected peers.").sample(s.peers());
        w.family("hivebt_half_open_connections", "gauge", "Outgoing connection attempts in progress.")
                .sample(s.halfOpen());
        peerStates(w);
        w.family("hivebt_disconnects_total", "counter", "Closed peer connections by reason.");
        for (DisconnectReason r : DisconnectReason.values()) {
            w.sample(s.disconnects().getOrDefault(r, 0L), "reason", r.name().toLowerCase(Locale.ROOT));
        }
        w.family("hivebt_hash_failures_total", "counter", "Pieces that failed hash verification.")
                .sample(s.hashFailures());
        w.family("hivebt_dht_nodes", "gauge", "Nodes in the DHT routing table.").sample(s.dhtNodes());
        if (s.diskQueuedJobs() >= 0) {
            w.family("hivebt_disk_queued_jobs", "gauge", "Disk and hashing jobs waiting for a thread.")
                    .sample(s.diskQueuedJobs());
        }
        if (s.pieceBufferBytes() >= 0) {
            w.family("hivebt_piece_buffer_bytes", "gauge", "Memory held by pieces received and not yet written.")
                    .sample(s.pieceBufferBytes());
        }
        w.family("hivebt_active_downloads", "gauge", "Torrents downloading.").sample(s.activeDownloads());
        w.family("hivebt_active_seeds", "gauge", "Torrents seeding.").sample(s.activeSeeds());
        Map<TorrentState, Integer> states = new EnumMap<>(TorrentState.class);
        for (Daemon.Entry e : daemon.entries()) {
            TorrentStatus ts = daemon.status(e);
            states.merge(ts.state(), 1, Integer::sum);
        }
        w.family("hivebt_torrents", "gauge", "Torrents by state.");
        for (TorrentState st : TorrentState.values()) {
            w.sample(states.getOrDefault(st, 0), "state", st.name().toLowerCase(Locale.ROOT));
        }
        w.family("hivebt_tracker_announces_total", "counter", "Tracker announce outcomes.");
        for (Map.Entry<Daemon.AnnounceOutcome, Long> e : daemon.announceOutcomes().entrySet()) {
            w.sample(e.getValue(), "outcome", e.getKey().name().toLowerCase(Locale.ROOT));
        }
        return w.text();
    }

    private void peerStates(PrometheusWriter w) {
        long amChoking = 0;
        long amInterested = 0;
        long peerChoking = 0;
        long peerInterested = 0;
        long downloading = 0;
        long uploading = 0;
        long encrypted = 0;
        long incoming = 0;
        for (Daemon.Entry e : daemon.entries()) {
            List<PeerInfo> peers;
            try {
                peers = Daemon.await(e.handle().peers());
            } catch (RuntimeException ex) {
                continue;
            }
            for (PeerInfo p : peers) {
                amChoking += p.amChoking() ? 1 : 0;
                amInterested += p.amInterested() ? 1 : 0;
                peerChoking += p.peerChoking() ? 1 : 0;
                peerInterested += p.peerInterested() ? 1 : 0;
                downloading += p.amInterested() && !p.peerChoking() ? 1 : 0;
                uploading += p.peerInterested() && !p.amChoking() ? 1 : 0;
                encrypted += p.encrypted() ? 1 : 0;
                incoming += p.incoming() ? 1 : 0;
            }
        }
        w.family("hivebt_peers_by_state", "gauge",
                "Connected peers by choke/interest state (a peer counts in every state it is in).")
                .sample(amChoking, "state", "am_choking")
                .sample(amInterested, "state", "am_interested")
                .sample(peerChoking, "state", "peer_choking")
                .sample(peerInterested, "state", "peer_interested")
                .sample(downloading, "state", "downloading_from")
                .sample(uploading, "state", "uploading_to")
                .sample(encrypted, "state", "encrypted")
                .sample(incoming, "state", "incoming");
    }
}
