package io.hivemind.bt.client.daemon;

import io.hivemind.bt.wire.create.TorrentCreator;
import java.io.IOException;
import java.util.List;

/**
 * The daemon's {@link TorrentFactory} over the wire module's {@link TorrentCreator}: v1, v2 or hybrid torrents
 * (BEP 3, BEP 52) with tracker tiers (BEP 12), the private flag (BEP 27) and a comment, hashed in parallel on
 * {@code threads} threads. Files are ordered as the reference tools order them, so a torrent created here over the
 * same files has the info-hash mktorrent (v1) or libtorrent (v2, hybrid) would give. Immutable and thread-safe.
 */
public final class CreatorTorrentFactory implements TorrentFactory {
    private final int threads;

    /** A factory hashing with {@code threads} threads (at least 1). */
    public CreatorTorrentFactory(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.threads = threads;
    }

    /** A factory hashing with one thread per core. */
    public static CreatorTorrentFactory defaults() {
        return new CreatorTorrentFactory(Runtime.getRuntime().availableProcessors());
    }

    /**
     * @throws IllegalArgumentException for a tracker URL the creator refuses, or content without data
     */
    @Override
    public byte[] create(Spec spec) throws IOException {
        TorrentCreator.Builder b = TorrentCreator.builder(spec.content())
                .name(spec.name())
                .version(spec.kind())
                .pieceLength(spec.pieceSize())
                .privateFlag(spec.isPrivate())
                .comment(spec.comment() == null || spec.comment().isBlank() ? null : spec.comment())
                .threads(threads);
        for (List<String> tier : spec.trackers()) {
            b.addTier(tier);
        }
        return b.build().create().encode();
    }
}
