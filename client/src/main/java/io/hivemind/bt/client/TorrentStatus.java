package io.hivemind.bt.client;

import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.util.List;

/**
 * An immutable snapshot of one torrent, taken on its event loop.
 *
 * @param infoHashes     the torrent's identity
 * @param name           the torrent's name (the magnet's {@code dn} until metadata arrives)
 * @param state          current state
 * @param progress       verified wanted bytes / wanted bytes, 0…1
 * @param wantedBytes    bytes of files not skipped
 * @param doneBytes      verified bytes of wanted files
 * @param downloadRate   payload bytes/s received, averaged
 * @param uploadRate     payload bytes/s sent, averaged
 * @param totalDownloaded payload bytes received since added (persists across restarts)
 * @param totalUploaded  payload bytes sent since added (persists across restarts)
 * @param etaSeconds     estimated seconds to completion, or -1 when unknown
 * @param peers          connected peers
 * @param seeds          connected peers that have everything
 * @param pieces         total pieces (0 until metadata is known)
 * @param piecesHave     verified pieces
 * @param queuePosition  position in the download queue, or -1 when not queued
 * @param errorMessage   why the torrent is in {@link TorrentState#ERROR} or upload-only, or null
 * @param files          per-file progress
 * @param trackers       per-tracker status
 * @param savePath       where the data is
 */
public record TorrentStatus(
        InfoHashes infoHashes,
        String name,
        TorrentState state,
        double progress,
        long wantedBytes,
        long doneBytes,
        long downloadRate,
        long uploadRate,
        long totalDownloaded,
        long totalUploaded,
        long etaSeconds,
        int peers,
        int seeds,
        int pieces,
        int piecesHave,
        int queuePosition,
        String errorMessage,
        List<FileStatus> files,
        List<TrackerStatus> trackers,
        String savePath) {

    public TorrentStatus {
        files = List.copyOf(files);
        trackers = List.copyOf(trackers);
    }

    /** True when every wanted piece is verified. */
    public boolean isComplete() {
        return wantedBytes > 0 ? doneBytes >= wantedBytes : state == TorrentState.SEEDING;
    }

    /** Per-file progress. */
    public record FileStatus(int index, String path, long length, long doneBytes, int priority) {
    }

    /** Per-tracker status, as the tracker client reports it. */
    public record TrackerStatus(String url, int tier, String lastResult, String message, long nextAnnounceSeconds,
                                int seeders, int leechers) {
    }
}
