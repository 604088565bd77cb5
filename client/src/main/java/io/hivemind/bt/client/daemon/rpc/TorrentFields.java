package io.hivemind.bt.client.daemon.rpc;

import io.hivemind.bt.client.PeerInfo;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.TorrentStatus;
import io.hivemind.bt.client.daemon.Daemon;
import io.hivemind.bt.client.daemon.MagnetLinks;
import io.hivemind.bt.client.daemon.json.JsonArray;
import io.hivemind.bt.client.daemon.json.JsonObject;
import io.hivemind.bt.client.daemon.json.JsonValue;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.util.List;
import java.util.Set;

/**
 * The {@code torrent-get} fields of one torrent, computed on demand: the status snapshot once, the peer list only
 * when a peer field is asked for. Unknown field names are left out, as Transmission does. Not thread-safe; one
 * instance per torrent per request.
 */
final class TorrentFields {
    private final Daemon daemon;
    private final Daemon.Entry entry;
    private TorrentStatus status;
    private List<PeerInfo> peers;

    TorrentFields(Daemon daemon, Daemon.Entry entry) {
        this.daemon = daemon;
        this.entry = entry;
    }

    JsonObject pick(Set<String> names) {
        JsonObject.Builder b = JsonObject.builder();
        for (String n : names) {
            JsonValue v = field(n);
            if (v != null) {
                b.put(n, v);
            }
        }
        return b.build();
    }

    private TorrentStatus s() {
        if (status == null) {
            status = daemon.status(entry);
        }
        return status;
    }

    private List<PeerInfo> peers() {
        if (peers == null) {
            try {
                peers = Daemon.await(entry.handle().peers());
            } catch (RuntimeException e) {
                peers = List.of();
            }
        }
        return peers;
    }

    private JsonValue field(String name) {
        Metainfo m = entry.handle().metainfo();
        TorrentStatus s;
        switch (name) {
            case "id":
                return JsonValue.of(entry.id());
            case "hashString":
                return JsonValue.of(entry.key());
            case "name":
                return JsonValue.of(s().name());
            case "status":
                return JsonValue.of(TransmissionRpc.statusCode(s()));
            case "error":
                s = s();
                return JsonValue.of(s.state() == TorrentState.ERROR ? 3 : 0);
            case "errorString":
                s = s();
                return JsonValue.of(s.errorMessage() == null ? "" : s.errorMessage());
            case "percentDone":
                return JsonValue.of(s().progress());
            case "metadataPercentComplete":
                return JsonValue.of(m != null ? 1.0 : 0.0);
            case "recheckProgress":
                s = s();
                return JsonValue.of(s.state() == TorrentState.CHECKING && s.pieces() > 0
                        ? (double) s.piecesHave() / s.pieces() : 0.0);
            case "rateDownload":
                return JsonValue.of(s().downloadRate());
            case "rateUpload":
                return JsonValue.of(s().uploadRate());
            case "eta":
                s = s();
                return JsonValue.of(s.isComplete() ? -1 : s.etaSeconds() < 0 ? -2 : s.etaSeconds());
            case "etaIdle":
                return JsonValue.of(-1);
            case "totalSize":
                return JsonValue.of(m != null ? m.info().totalLength() : s().wantedBytes());
            case "sizeWhenDone":
                return JsonValue.of(s().wantedBytes());
            case "leftUntilDone":
                s = s();
                return JsonValue.of(Math.max(0, s.wantedBytes() - s.doneBytes()));
            case "desiredAvailable":
                s = s();
                return JsonValue.of(Math.max(0, s.wantedBytes() - s.doneBytes()));
            case "haveValid":
                return JsonValue.of(s().doneBytes());
            case "haveUnchecked":
            case "corruptEver":
            case "manualAnnounceTime":
            case "secondsDownloading":
            case "secondsSeeding":
            case "webseedsSendingToUs":
                return JsonValue.of(0);
            case "downloadedEver":
                return JsonValue.of(s().totalDownloaded());
            case "uploadedEver":
                return JsonValue.of(s().totalUploaded());
            case "uploadRatio": {
                s = s();
                long base = s.totalDownloaded() > 0 ? s.totalDownloaded() : s.doneBytes();
                return JsonValue.of(base > 0 ? (double) s.totalUploaded() / base : -1.0);
            }
            case "peersConnected":
                return JsonValue.of(s().peers());
            case "peersSendingToUs": {
                int n = 0;
                for (PeerInfo p : peers()) {
                    if (p.amInterested() && !p.peerChoking()) {
                        n++;
                    }
                }
                return JsonValue.of(n);
            }
            case "peersGettingFromUs": {
                int n = 0;
                for (PeerInfo p : peers()) {
                    if (p.peerInterested() && !p.amChoking()) {
                        n++;
                    }
                }
                return JsonValue.of(n);
            }
            case "peers": {
                JsonArray.Builder a = JsonArray.builder();
                for (PeerInfo p : peers()) {
                    a.add(TransmissionRpc.peerJson(p));
                }
                return a.build();
            }
            case "peersFrom":
                return JsonObject.builder().put("fromCache", 0).put("fromDht", 0).put("fromIncoming", 0)
                        .put("fromLpd", 0).put("fromLtep", 0).put("fromPex", 0).put("fromTracker", 0).build();
            case "downloadDir":
                return JsonValue.of(s().savePath());
            case "addedDate":
                return JsonValue.of(entry.record().addedAt());
            case "doneDate":
                return JsonValue.of(entry.record().doneAt());
            case "activityDate":
                return JsonValue.of(entry.lastActiveMillis() / 1000);
            case "startDate":
                return JsonValue.of(daemon.startedMillis() / 1000);
            case "dateCreated":
                return JsonValue.of(m != null ? Math.max(0, m.creationDate()) : 0);
            case "comment":
                return JsonValue.of(m != null && m.comment() != null ? m.comment() : "");
            case "creator":
                return JsonValue.of(m != null && m.createdBy() != null ? m.createdBy() : "");
            case "isPrivate":
                return JsonValue.of(m != null && m.info().isPrivate());
            case "isFinished":
                s = s();
                return JsonValue.of(s.isComplete() && s.state() == TorrentState.PAUSED);
            case "isStalled":
                s = s();
                return JsonValue.of(s.state() == TorrentState.DOWNLOADING && s.downloadRate() == 0 && s.peers() == 0);
            case "queuePosition":
                return JsonValue.of(Math.max(0, s().queuePosition()));
            case "pieceCount":
                return JsonValue.of(m != null ? m.info().pieceCount() : s().pieces());
            case "pieceSize":
                return JsonValue.of(m != null ? m.info().pieceLength() : 0);
            case "magnetLink": {
                if (m == null) {
                    return JsonValue.of(entry.record().magnet());
                }
                return JsonValue.of(MagnetLinks.of(entry.infoHashes(), m.info().name(),
                        m.announceTiers().stream().flatMap(List::stream).toList()));
            }
            case "torrentFile":
                return JsonValue.of(daemon.store().torrentFile(entry.key()).toString());
            case "uploadLimit":
                return JsonValue.of(entry.record().uploadLimit() / 1000);
            case "uploadLimited":
                return JsonValue.of(entry.record().uploadLimit() > 0);
            case "downloadLimit":
                return JsonValue.of(entry.record().downloadLimit() / 1000);
            case "downloadLimited":
                return JsonValue.of(entry.record().downloadLimit() > 0);
            case "honorsSessionLimits":
                return JsonValue.of(true);
            case "bandwidthPriority": {
                int q = entry.record().queuePriority();
                return JsonValue.of(q < 4 ? -1 : q > 4 ? 1 : 0);
            }
            case "peer-limit":
                return JsonValue.of(daemon.settings().maxConnectionsPerTorrent());
            case "seedRatioLimit":
                return JsonValue.of(daemon.settings().shareRatioLimit());
            case "seedRatioMode":
            case "seedIdleMode":
                return JsonValue.of(0);
            case "seedIdleLimit":
                return JsonValue.of(0);
            case "labels":
                return JsonArray.EMPTY;
            case "webseeds":
                return m == null ? JsonArray.EMPTY : JsonArray.ofStrings(m.urlList());
            case "files": {
                JsonArray.Builder a = JsonArray.builder();
                for (TorrentStatus.FileStatus f : s().files()) {
                    a.add(JsonObject.builder().put("bytesCompleted", f.doneBytes()).put("length", f.length())
                            .put("name", fileName(f)).build());
                }
                return a.build();
            }
            case "fileStats": {
                JsonArray.Builder a = JsonArray.builder();
                for (TorrentStatus.FileStatus f : s().files()) {
                    a.add(JsonObject.builder().put("bytesCompleted", f.doneBytes()).put("wanted", f.priority() > 0)
                            .put("priority", trPriority(f.priority())).build());
                }
                return a.build();
            }
            case "priorities": {
                JsonArray.Builder a = JsonArray.builder();
                for (TorrentStatus.FileStatus f : s().files()) {
                    a.add(trPriority(f.priority()));
                }
                return a.build();
            }
            case "wanted": {
                JsonArray.Builder a = JsonArray.builder();
                for (TorrentStatus.FileStatus f : s().files()) {
                    a.add(f.priority() > 0 ? 1 : 0);
                }
                return a.build();
            }
            case "trackers": {
                JsonArray.Builder a = JsonArray.builder();
                int id = 0;
                for (TorrentStatus.TrackerStatus t : s().trackers()) {
                    a.add(JsonObject.builder().put("announce", t.url()).put("id", id++)
                            .put("scrape", "").put("tier", t.tier()).build());
                }
                return a.build();
            }
            case "trackerStats": {
                JsonArray.Builder a = JsonArray.builder();
                int id = 0;
                for (TorrentStatus.TrackerStatus t : s().trackers()) {
                    boolean ok = t.lastResult() != null && t.lastResult().equalsIgnoreCase("success");
                    a.add(JsonObject.builder().put("announce", t.url()).put("id", id++).put("tier", t.tier())
                            .put("host", t.url()).put("scrape", "")
                            .put("announceState", 1).put("hasAnnounced", t.lastResult() != null)
                            .put("lastAnnounceSucceeded", ok)
                            .put("lastAnnounceResult", t.message() != null ? t.message()
                                    : t.lastResult() != null ? t.lastResult() : "")
                            .put("lastAnnouncePeerCount", 0).put("lastAnnounceTime", 0)
                            .put("lastAnnounceTimedOut", false).put("lastAnnounceStartTime", 0)
                            .put("nextAnnounceTime", t.nextAnnounceSeconds() > 0
                                    ? daemon.clock().millis() / 1000 + t.nextAnnounceSeconds() : 0)
                            .put("seederCount", t.seeders()).put("leecherCount", t.leechers())
                            .put("downloadCount", -1).put("hasScraped", false).put("isBackup", false)
                            .put("lastScrapeSucceeded", false).put("lastScrapeResult", "")
                            .put("lastScrapeTime", 0).put("lastScrapeTimedOut", 0).put("scrapeState", 0)
                            .put("nextScrapeTime", 0).put("lastScrapeStartTime", 0)
                            .build());
                }
                return a.build();
            }
            default:
                return null;
        }
    }

    private String fileName(TorrentStatus.FileStatus f) {
        Metainfo m = entry.handle().metainfo();
        if (m != null && !m.info().isSingleFile()) {
            return m.info().name() + "/" + f.path();
        }
        return f.path();
    }

    /** hivebt priority 0 … 7 as Transmission's -1 (low), 0 (normal), 1 (high). */
    static int trPriority(int p) {
        return p < 4 ? -1 : p > 4 ? 1 : 0;
    }
}
