package io.hivemind.bt.client.daemon;

import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Makes a {@code .torrent} from data on disk, for {@code POST /api/create_torrent}. The daemon is written against
 * this interface so that it does not depend on how torrents are created; the application wires it to the wire
 * module's torrent creator. Implementations must be thread-safe; {@link #create} may take long (it hashes the
 * data) and is called on a virtual thread.
 */
public interface TorrentFactory {

    /**
     * What to create.
     *
     * @param content   a file, or a directory whose files (recursively, in name order) make up the torrent
     * @param name      the torrent's name (the file or directory name)
     * @param trackers  announce tiers (BEP 12), may be empty
     * @param comment   the {@code comment}, or null
     * @param isPrivate set {@code private} (BEP 27)
     * @param pieceSize bytes per piece, or 0 to choose automatically
     * @param kind      v1, v2 or hybrid (BEP 52)
     */
    record Spec(Path content, String name, List<List<String>> trackers, String comment, boolean isPrivate,
                long pieceSize, TorrentVersion kind) {
        public Spec {
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            trackers = trackers.stream().map(List::copyOf).toList();
            if (pieceSize != 0 && (pieceSize < 16 * 1024 || Long.bitCount(pieceSize) != 1 || pieceSize > 64L << 20)) {
                throw new IllegalArgumentException("piece size must be 0 (automatic) or a power of two from 16 KiB to 64 MiB");
            }
        }
    }

    /** Creates the torrent and returns the bytes of the {@code .torrent} file. */
    byte[] create(Spec spec) throws IOException;

    /** A factory that refuses every request (a daemon without torrent creation). */
    TorrentFactory UNSUPPORTED = spec -> {
        throw new UnsupportedOperationException("torrent creation is not available in this daemon");
    };
}
