package io.hivemind.bt.client.daemon.rest;

import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.SessionStats;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.MagnetLinks;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.state.TorrentRecord;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The REST API's JSON shapes of torrents, peers and statistics. Stateless. */
public final class TorrentJson {
    private TorrentJson() {
    }

    public static JsonObject summary(Daemon.Entry e, TorrentStatus s) {
        return summaryBuilder(e, s).build();
    }

    private static JsonObject.Builder summaryBuilder(Daemon.Entry e, TorrentStatus s) {
        InfoHashes ih = e.infoHashes();
        TorrentRecord r = e.record();
        return JsonObject.builder()
                .put("id", e.id())
                .put("info_hash", e.key())
                .put("info_hash_v1", ih.hasV1() ? ih.v1Hex() : null)
                .put("info_hash_v2", ih.hasV2() ? ih.v2Hex() : null)
                .put("name", s.name())
                .put("state", s.state().name().toLowerCase(Locale.ROOT))
                .put("progress", s.progress())
                .put("size", s.wantedBytes())
                .put("done", s.doneBytes())
                .put("download_rate", s.downloadRate())
                .put("upload_rate", s.uploadRate())
                .put("downloaded", s.totalDownloaded())
                .put("uploaded", s.totalUploaded())
                .put("eta", s.etaSeconds())
                .put("peers", s.peers())
                .put("seeds", s.seeds())
                .put("pieces", s.pieces())
                .put("pieces_have", s.piecesHave())
                .put("queue_position", s.queuePosition())
                .put("error", s.errorMessage())
                .put("save_path", s.savePath())
                .put("upload_limit", r.uploadLimit())
                .put("download_limit", r.downloadLimit())
                .put("added_at", r.addedAt())
                .put("done_at", r.doneAt())
                .put("torrent_file", "/api/torrents/" + e.key() + "/torrent");
    }

    public static JsonObject detail(Daemon.Entry e, TorrentStatus s, List<PeerInfo> peers) {
        JsonObject.Builder b = summaryBuilder(e, s);
        JsonArray.Builder files = JsonArray.builder();
        for (TorrentStatus.FileStatus f : s.files()) {
            files.add(JsonObject.builder().put("index", f.index()).put("path", f.path()).put("length", f.length())
                    .put("done", f.doneBytes()).put("priority", f.priority()).build());
        }
        JsonArray.Builder trackers = JsonArray.builder();
        for (TorrentStatus.TrackerStatus t : s.trackers()) {
            trackers.add(JsonObject.builder().put("url", t.url()).put("tier", t.tier())
                    .put("last_result", t.lastResult()).put("message", t.message())
                    .put("next_announce", t.nextAnnounceSeconds()).put("seeders", t.seeders())
                    .put("leechers", t.leechers()).build());
        }
        JsonArray.Builder ps = JsonArray.builder();
        for (PeerInfo p : peers) {
            ps.add(peer(p));
        }
        Metainfo m = e.handle().metainfo();
        b.put("files", files.build()).put("trackers", trackers.build()).put("peer_list", ps.build());
        if (m != null) {
            b.put("comment", m.comment()).put("created_by", m.createdBy()).put("private", m.info().isPrivate())
                    .put("piece_size", m.info().pieceLength()).put("total_size", m.info().totalLength())
                    .put("magnet", MagnetLinks.of(e.infoHashes(), m.info().name(),
                            m.announceTiers().stream().flatMap(List::stream).toList()));
        } else {
            b.put("magnet", e.record().magnet());
        }
        return b.build();
    }

    public static JsonObject peer(PeerInfo p) {
        return JsonObject.builder()
                .put("address", p.address().getAddress() != null ? p.address().getAddress().getHostAddress()
                        : p.address().getHostString())
                .put("port", p.address().getPort())
                .put("client", p.client())
                .put("incoming", p.incoming())
                .put("encrypted", p.encrypted())
                .put("progress", p.progress())
                .put("download_rate", p.downloadRate())
                .put("upload_rate", p.uploadRate())
                .put("downloaded", p.downloaded())
                .put("uploaded", p.uploaded())
                .put("am_choking", p.amChoking())
                .put("am_interested", p.amInterested())
                .put("peer_choking", p.peerChoking())
                .put("peer_interested", p.peerInterested())
                .put("source", p.source())
                .build();
    }

    public static JsonObject stats(SessionStats s) {
        JsonObject.Builder disc = JsonObject.builder();
        for (Map.Entry<io.hivemind.bt.client.DisconnectReason, Long> d : s.disconnects().entrySet()) {
            disc.put(d.getKey().name().toLowerCase(Locale.ROOT), d.getValue());
        }
        return JsonObject.builder()
                .put("uptime_seconds", s.uptimeSeconds())
                .put("total_downloaded", s.totalDownloaded())
                .put("total_uploaded", s.totalUploaded())
                .put("download_rate", s.downloadRate())
                .put("upload_rate", s.uploadRate())
                .put("protocol_downloaded", s.protocolDownloaded())
                .put("protocol_uploaded", s.protocolUploaded())
                .put("peers", s.peers())
                .put("half_open", s.halfOpen())
                .put("torrents", s.torrents())
                .put("active_downloads", s.activeDownloads())
                .put("active_seeds", s.activeSeeds())
                .put("dht_nodes", s.dhtNodes())
                .put("hash_failures", s.hashFailures())
                .put("disconnects", disc.build())
                .put("transport", s.transport())
                .put("disk_queued_jobs", s.diskQueuedJobs())
                .put("piece_buffer_bytes", s.pieceBufferBytes())
                .build();
    }
}
