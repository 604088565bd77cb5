package io.hivemind.bt.client;

import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A torrent in a session. Thread-safe: every call posts to the torrent's event loop and returns a future or an
 * immutable snapshot. A handle stays usable after the torrent is removed (calls then fail with
 * {@link ClientException}).
 */
public interface TorrentHandle {

    InfoHashes infoHashes();

    /** The metainfo, or null while a magnet link waits for metadata. */
    Metainfo metainfo();

    /** A snapshot of the torrent's state. */
    TorrentStatus status();

    /** Completes when every wanted piece is verified and written; fails if the torrent is removed or fails. */
    CompletableFuture<TorrentHandle> completion();

    /** Completes when the info dictionary is known (at once for torrents added from a file). */
    CompletableFuture<Metainfo> metadata();

    CompletableFuture<Void> pause();

    CompletableFuture<Void> resume();

    /** Re-verifies all data (the torrent is CHECKING meanwhile). */
    CompletableFuture<Void> recheck();

    /** Announces to trackers now (respecting their {@code min interval}). */
    CompletableFuture<Void> reannounce();

    /** Connects to a peer directly. */
    CompletableFuture<Void> connectPeer(InetSocketAddress peer);

    /** One entry per file, 0 = skip … 7. */
    CompletableFuture<Void> setFilePriorities(List<Integer> priorities);

    /** Per-torrent rate limits in bytes/s, 0 = none. */
    CompletableFuture<Void> setLimits(long uploadLimit, long downloadLimit);

    CompletableFuture<Void> setSequential(boolean sequential);

    /** The connected peers. */
    CompletableFuture<List<PeerInfo>> peers();

    /**
     * Points the torrent at {@code newSavePath}: with {@code moveData} its files are moved there, without it the
     * data is expected to be there already (and is rechecked). Sessions that cannot do this fail the future with
     * {@link UnsupportedOperationException}.
     */
    default CompletableFuture<Void> moveStorage(java.nio.file.Path newSavePath, boolean moveData) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("moving storage is not supported"));
    }

    /**
     * Moves the torrent to {@code position} in the session's download queue (0 = first; beyond the end = last).
     * Sessions that cannot do this fail the future with {@link UnsupportedOperationException}.
     */
    default CompletableFuture<Void> setQueuePosition(int position) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("queue positions are not supported"));
    }
}
