package io.hivemind.bt.client.session;

import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.wire.ext.ExtensionHandshake;
import io.hivemind.bt.wire.ext.ExtensionProtocolException;
import io.hivemind.bt.wire.ext.UtMetadata;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.MetainfoException;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * BEP 9 metadata exchange for one torrent: serves the info dictionary to peers that ask for it, and for a magnet
 * link fetches it in 16 KiB pieces from peers that have it, verifies it against the info-hash (v1 and/or v2) and
 * hands it to the torrent.
 *
 * <p>Limits: a {@code metadata_size} above the cap (16 MiB) is ignored and nothing is allocated until a size is
 * accepted; the assembled dictionary is always hash-checked; each peer may have at most a few requests to us
 * outstanding per second. Not thread-safe: owned by the torrent's event loop.
 */
final class MetadataExchange {
    private static final System.Logger LOG = System.getLogger(MetadataExchange.class.getName());
    static final int MAX_METADATA_SIZE = UtMetadata.DEFAULT_MAX_METADATA_SIZE;
    private static final long REQUEST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_SERVED_PER_TICK = 64;

    private final Torrent torrent;
    private final InfoHashes infoHashes;
    private byte[] metadata;          // known metadata (serving)
    // fetching
    private int size = -1;
    private byte[] assembling;
    private boolean[] received;
    private PeerConnection[] requestedFrom;
    private long[] requestedAt;
    private final Map<PeerConnection, Integer> sizes = new HashMap<>();
    private final List<PeerConnection> rejectedBy = new ArrayList<>();
    private int servedThisTick;

    MetadataExchange(Torrent torrent, InfoHashes infoHashes, SessionSettings settings) {
        this.torrent = torrent;
        this.infoHashes = infoHashes;
    }

    static MetadataExchange serving(Torrent torrent, byte[] raw, SessionSettings settings) {
        MetadataExchange m = new MetadataExchange(torrent, torrent.infoHashes(), settings);
        m.metadata = raw;
        return m;
    }

    void metadataKnown(byte[] raw) {
        metadata = raw;
        assembling = null;
        received = null;
        requestedFrom = null;
    }

    /** A peer's BEP 10 handshake arrived: note its metadata size and start fetching if we need metadata. */
    void peerHandshake(PeerConnection p, ExtensionHandshake hs) {
        if (metadata != null || hs.metadataSize() == null || p.remoteUtMetadata() <= 0) {
            return;
        }
        long s = hs.metadataSize();
        if (s <= 0 || s > MAX_METADATA_SIZE) {
            LOG.log(System.Logger.Level.DEBUG, "ignoring metadata_size {0} from {1}", s, p.address());
            return;
        }
        sizes.put(p, (int) s);
        if (size < 0) {
            size = (int) s;
            int pieces = UtMetadata.pieceCount(size);
            assembling = new byte[size];
            received = new boolean[pieces];
            requestedFrom = new PeerConnection[pieces];
            requestedAt = new long[pieces];
        }
        requestMore(torrent.session.now());
    }

    /** A {@code ut_metadata} message (payload owned by the caller). */
    void onMessage(PeerConnection p, ByteBuf payload) {
        UtMetadata m;
        try {
            m = UtMetadata.decode(payload, MAX_METADATA_SIZE);
        } catch (ExtensionProtocolException e) {
            p.close(DisconnectReason.PROTOCOL_ERROR);
            return;
        }
        switch (m) {
            case UtMetadata.Request r -> serve(p, r.piece());
            case UtMetadata.Data d -> onData(p, d);
            case UtMetadata.Reject r -> {
                if (requestedFrom != null && r.piece() < requestedFrom.length && requestedFrom[r.piece()] == p) {
                    requestedFrom[r.piece()] = null;
                }
                if (!rejectedBy.contains(p)) {
                    rejectedBy.add(p);
                }
                requestMore(torrent.session.now());
            }
            case UtMetadata.Unknown u -> {
            }
        }
    }

    private void serve(PeerConnection p, int piece) {
        int id = p.remoteUtMetadata();
        if (id <= 0) {
            return;
        }
        if (metadata == null || servedThisTick >= MAX_SERVED_PER_TICK
                || piece >= UtMetadata.pieceCount(metadata.length)) {
            p.send(new UtMetadata.Reject(piece).toMessage(id));
            return;
        }
        servedThisTick++;
        int from = piece * UtMetadata.PIECE_SIZE;
        int len = UtMetadata.pieceLength(piece, metadata.length);
        p.send(new UtMetadata.Data(piece, metadata.length, Arrays.copyOfRange(metadata, from, from + len)).toMessage(id));
        p.flush();
    }

    private void onData(PeerConnection p, UtMetadata.Data d) {
        if (metadata != null || assembling == null) {
            return;
        }
        if (d.totalSize() != size || d.piece() >= received.length) {
            return;
        }
        if (received[d.piece()]) {
            return;
        }
        d.copyTo(assembling, d.piece() * UtMetadata.PIECE_SIZE);
        received[d.piece()] = true;
        requestedFrom[d.piece()] = null;
        for (boolean b : received) {
            if (!b) {
                requestMore(torrent.session.now());
                return;
            }
        }
        complete();
    }

    private void complete() {
        byte[] bytes = assembling;
        Metainfo mi;
        try {
            List<List<String>> trackers = new ArrayList<>();
            mi = Metainfo.fromInfoDictionary(bytes, infoHashes, trackers);
        } catch (MetainfoException e) {
            LOG.log(System.Logger.Level.INFO, "metadata for {0} rejected: {1}", infoHashes, e.getMessage());
            // start over; peers that sent bad pieces cannot be told apart without per-piece hashes
            Arrays.fill(received, false);
            Arrays.fill(requestedFrom, null);
            return;
        }
        metadata = bytes;
        assembling = null;
        torrent.session.publish(new Event.MetadataReceived(torrent.session.now(), infoHashes, mi.info().name()));
        torrent.metadataArrived(mi);
    }

    /** Sends requests for missing pieces to peers that have the metadata, one outstanding piece per peer. */
    private void requestMore(long now) {
        if (metadata != null || received == null) {
            return;
        }
        List<PeerConnection> busy = new ArrayList<>();
        for (PeerConnection q : requestedFrom) {
            if (q != null) {
                busy.add(q);
            }
        }
        for (int i = 0; i < received.length; i++) {
            if (received[i] || requestedFrom[i] != null) {
                continue;
            }
            PeerConnection pick = null;
            for (Map.Entry<PeerConnection, Integer> e : sizes.entrySet()) {
                PeerConnection q = e.getKey();
                if (e.getValue() == size && !busy.contains(q) && !rejectedBy.contains(q)) {
                    pick = q;
                    break;
                }
            }
            if (pick == null) {
                return;
            }
            busy.add(pick);
            requestedFrom[i] = pick;
            requestedAt[i] = now;
            pick.send(new UtMetadata.Request(i).toMessage(pick.remoteUtMetadata()));
            pick.flush();
        }
    }

    void tick(long now) {
        servedThisTick = 0;
        if (metadata != null || requestedFrom == null) {
            return;
        }
        for (int i = 0; i < requestedFrom.length; i++) {
            if (requestedFrom[i] != null && now - requestedAt[i] > REQUEST_TIMEOUT_NANOS) {
                rejectedBy.add(requestedFrom[i]);
                requestedFrom[i] = null;
            }
        }
        if (rejectedBy.size() >= sizes.size() && !sizes.isEmpty()) {
            rejectedBy.clear(); // everyone failed once: try them all again
        }
        requestMore(now);
    }

    void peerGone(PeerConnection p) {
        sizes.remove(p);
        rejectedBy.remove(p);
        if (requestedFrom != null) {
            for (int i = 0; i < requestedFrom.length; i++) {
                if (requestedFrom[i] == p) {
                    requestedFrom[i] = null;
                }
            }
        }
    }
}
