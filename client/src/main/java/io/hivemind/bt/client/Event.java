package io.hivemind.bt.client;

import io.hivemind.bt.wire.metainfo.InfoHashes;
import java.net.InetSocketAddress;

/**
 * Something that happened in a session, delivered to subscribers of {@link Session#events()}. Events are immutable
 * records; each belongs to one {@link Category} so subscribers can filter.
 */
public sealed interface Event {

    /** Event categories for filtering. */
    enum Category { TORRENT, PROGRESS, PEER, TRACKER, STORAGE, ERROR, DHT }

    Category category();

    /** Nanoseconds on the session's clock when the event was made. */
    long atNanos();

    record TorrentAdded(long atNanos, InfoHashes infoHashes, String name) implements Event {
        public Category category() {
            return Category.TORRENT;
        }
    }

    record TorrentRemoved(long atNanos, InfoHashes infoHashes) implements Event {
        public Category category() {
            return Category.TORRENT;
        }
    }

    record StateChanged(long atNanos, InfoHashes infoHashes, TorrentState from, TorrentState to) implements Event {
        public Category category() {
            return Category.TORRENT;
        }
    }

    /** All wanted pieces are verified and written. */
    record TorrentFinished(long atNanos, InfoHashes infoHashes) implements Event {
        public Category category() {
            return Category.TORRENT;
        }
    }

    /** The info dictionary of a magnet download arrived and verified (BEP 9). */
    record MetadataReceived(long atNanos, InfoHashes infoHashes, String name) implements Event {
        public Category category() {
            return Category.TORRENT;
        }
    }

    record PieceVerified(long atNanos, InfoHashes infoHashes, int piece) implements Event {
        public Category category() {
            return Category.PROGRESS;
        }
    }

    /** A piece failed its hash check; {@code contributors} sent its blocks. */
    record HashFailed(long atNanos, InfoHashes infoHashes, int piece, java.util.List<InetSocketAddress> contributors)
            implements Event {
        public Category category() {
            return Category.ERROR;
        }
    }

    record PeerConnected(long atNanos, InfoHashes infoHashes, InetSocketAddress peer, String client, boolean incoming)
            implements Event {
        public Category category() {
            return Category.PEER;
        }
    }

    record PeerDisconnected(long atNanos, InfoHashes infoHashes, InetSocketAddress peer, DisconnectReason reason)
            implements Event {
        public Category category() {
            return Category.PEER;
        }
    }

    record PeerBanned(long atNanos, InfoHashes infoHashes, InetSocketAddress peer, String why) implements Event {
        public Category category() {
            return Category.PEER;
        }
    }

    record TrackerReply(long atNanos, InfoHashes infoHashes, String url, int peers, String warning) implements Event {
        public Category category() {
            return Category.TRACKER;
        }
    }

    record TrackerError(long atNanos, InfoHashes infoHashes, String url, String message) implements Event {
        public Category category() {
            return Category.TRACKER;
        }
    }

    /** A storage fault (disk full, read-only, files missing); the torrent is in the error state or upload-only. */
    record StorageError(long atNanos, InfoHashes infoHashes, String message) implements Event {
        public Category category() {
            return Category.STORAGE;
        }
    }

    record ListenFailed(long atNanos, String address, String message) implements Event {
        public Category category() {
            return Category.ERROR;
        }
    }

    record ListenSucceeded(long atNanos, InetSocketAddress address, String transport) implements Event {
        public Category category() {
            return Category.TORRENT;
        }
    }
}
