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
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * BEP 9 metadata exchange for one torrent: serves the info dictionary to peers that ask for it, and for a magnet
 * link fetches it in 16 KiB pieces from peers that have it, verifies it against the info-hash (v1 and/or v2) and
 * hands it to the torrent.
 *
 * <h2>Implementation note</h2>
 * Limits: a {@code metadata_size} above the cap (16 MiB, HARDENING.md) is ignored; the size we fetch is the one
 * most peers announce; a piece is kept only if we asked that peer for it, and memory is taken piece by piece as
 * data arrives (so a size hint alone allocates nothing but a table of references); the assembled dictionary is
 * always hash-checked; each peer may have only a few of our requests outstanding, and we serve at most
 * {@value #MAX_SERVED_PER_TICK} pieces per 100 ms tick.
 *
 * <p>Lying peers: we remember which peer sent each piece. When the whole fails the hash check and a single peer
 * sent it all, that peer is distrusted (its address never asked again) and disconnected with
 * {@code METADATA_ERROR}. When several contributed, the next attempt takes every piece from one of them only, so
 * that the liar is caught alone. If every peer announcing the chosen size is gone or distrusted, another
 * announced size is tried (a liar may announce a wrong size too).
 *
 * <p>Not thread-safe: owned by the torrent's event loop.
 */
final class MetadataExchange {
    private static final System.Logger LOG = System.getLogger(MetadataExchange.class.getName());
    static final int MAX_METADATA_SIZE = UtMetadata.DEFAULT_MAX_METADATA_SIZE;
    private static final long REQUEST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_SERVED_PER_TICK = 64;
    private static final int MAX_OUTSTANDING_PER_PEER = 4;
    private static final int MAX_DISTRUSTED = 1024;

    private final Torrent torrent;
    private final InfoHashes infoHashes;
    private byte[] metadata;          // known metadata (serving)
    // fetching
    private int size = -1;
    private byte[][] pieces;          // received pieces, allocated as they arrive
    private PeerConnection[] sentBy;
    private PeerConnection[] requestedFrom;
    private long[] requestedAt;
    private final Map<PeerConnection, Integer> sizes = new LinkedHashMap<>();
    private final Set<PeerConnection> rejectedBy = new HashSet<>();
    private final Set<InetSocketAddress> distrusted = new HashSet<>();
    private PeerConnection soleSource;
    private long bufferedBytes;
    private int hashFailures;
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
        resetFetch();
        sizes.clear();
        rejectedBy.clear();
        soleSource = null;
    }

    private void resetFetch() {
        pieces = null;
        sentBy = null;
        requestedFrom = null;
        requestedAt = null;
        bufferedBytes = 0;
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
        if (isDistrusted(p)) {
            return;
        }
        sizes.put(p, (int) s);
        if (size < 0) {
            chooseSize();
        }
        requestMore(torrent.session.now());
    }

    private boolean isDistrusted(PeerConnection p) {
        return distrusted.contains(p.address())
                || (p.remoteListenAddress() != null && distrusted.contains(p.remoteListenAddress()));
    }

    /**
     * Picks the size most peers announce (the first announced on a tie), counting only peers that have not failed
     * us lately when there are any, and starts over with it.
     */
    private void chooseSize() {
        boolean anyFresh = false;
        for (PeerConnection q : sizes.keySet()) {
            anyFresh |= !rejectedBy.contains(q);
        }
        Map<Integer, Integer> votes = new LinkedHashMap<>();
        for (Map.Entry<PeerConnection, Integer> e : sizes.entrySet()) {
            if (!anyFresh || !rejectedBy.contains(e.getKey())) {
                votes.merge(e.getValue(), 1, Integer::sum);
            }
        }
        int best = -1;
        int bestVotes = 0;
        for (Map.Entry<Integer, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        size = best;
        resetFetch();
        soleSource = null;
        if (size > 0) {
            int n = UtMetadata.pieceCount(size);
            pieces = new byte[n][];
            sentBy = new PeerConnection[n];
            requestedFrom = new PeerConnection[n];
            requestedAt = new long[n];
        }
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
                rejectedBy.add(p);
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
            p.flush();
            return;
        }
        servedThisTick++;
        int from = piece * UtMetadata.PIECE_SIZE;
        int len = UtMetadata.pieceLength(piece, metadata.length);
        p.send(new UtMetadata.Data(piece, metadata.length, Arrays.copyOfRange(metadata, from, from + len)).toMessage(id));
        p.flush();
    }

    private void onData(PeerConnection p, UtMetadata.Data d) {
        if (metadata != null || pieces == null) {
            return;
        }
        int i = d.piece();
        if (d.totalSize() != size || i >= pieces.length || pieces[i] != null || requestedFrom[i] != p) {
            return; // not what we asked this peer for
        }
        pieces[i] = d.data();
        bufferedBytes += pieces[i].length;
        sentBy[i] = p;
        requestedFrom[i] = null;
        for (byte[] b : pieces) {
            if (b == null) {
                requestMore(torrent.session.now());
                return;
            }
        }
        complete();
    }

    private void complete() {
        byte[] bytes = new byte[size];
        for (int i = 0; i < pieces.length; i++) {
            System.arraycopy(pieces[i], 0, bytes, i * UtMetadata.PIECE_SIZE, pieces[i].length);
        }
        Metainfo mi;
        try {
            List<List<String>> trackers = new ArrayList<>();
            mi = Metainfo.fromInfoDictionary(bytes, infoHashes, trackers);
        } catch (MetainfoException e) {
            hashFailed(e);
            return;
        }
        metadata = bytes;
        resetFetch();
        sizes.clear();
        soleSource = null;
        torrent.session.publish(new Event.MetadataReceived(torrent.session.now(), infoHashes, mi.info().name()));
        if (PieceLayerFetch.needed(mi)) {
            torrent.layerFetch = PieceLayerFetch.start(torrent, mi); // BEP 52: a pure v2 torrent needs its layers
        } else {
            torrent.metadataArrived(mi);
        }
    }

    private void hashFailed(MetainfoException e) {
        hashFailures++;
        List<PeerConnection> contributors = new ArrayList<>();
        for (PeerConnection q : sentBy) {
            if (q != null && !contributors.contains(q)) {
                contributors.add(q);
            }
        }
        LOG.log(System.Logger.Level.INFO, "metadata for {0} from {1} rejected: {2}", infoHashes, contributors,
                e.getMessage());
        if (contributors.size() == 1) {
            PeerConnection liar = contributors.getFirst();
            distrust(liar);
            soleSource = null;
            liar.close(DisconnectReason.METADATA_ERROR);
        } else {
            soleSource = contributors.getFirst(); // next round from one peer only: a liar is then caught alone
        }
        int keep = size;
        if (!sizes.containsValue(keep)) {
            chooseSize();
        } else {
            java.util.Arrays.fill(pieces, null);
            java.util.Arrays.fill(sentBy, null);
            java.util.Arrays.fill(requestedFrom, null);
            bufferedBytes = 0;
        }
        requestMore(torrent.session.now());
    }

    private void distrust(PeerConnection p) {
        if (distrusted.size() < MAX_DISTRUSTED) {
            distrusted.add(p.address());
            if (p.remoteListenAddress() != null) {
                distrusted.add(p.remoteListenAddress());
            }
        }
        sizes.remove(p);
        rejectedBy.remove(p);
    }

    /** Sends requests for missing pieces to peers that announced the chosen size, a few outstanding per peer. */
    private void requestMore(long now) {
        if (metadata != null || pieces == null) {
            return;
        }
        if (soleSource != null && !sizes.containsKey(soleSource)) {
            soleSource = null;
        }
        Map<PeerConnection, Integer> load = new HashMap<>();
        for (PeerConnection q : requestedFrom) {
            if (q != null) {
                load.merge(q, 1, Integer::sum);
            }
        }
        for (int i = 0; i < pieces.length; i++) {
            if (pieces[i] != null || requestedFrom[i] != null) {
                continue;
            }
            PeerConnection pick = null;
            int pickLoad = Integer.MAX_VALUE;
            for (Map.Entry<PeerConnection, Integer> e : sizes.entrySet()) {
                PeerConnection q = e.getKey();
                if (e.getValue() != size || rejectedBy.contains(q) || (soleSource != null && q != soleSource)) {
                    continue;
                }
                int l = load.getOrDefault(q, 0);
                if (l < MAX_OUTSTANDING_PER_PEER && l < pickLoad) {
                    pick = q;
                    pickLoad = l;
                }
            }
            if (pick == null) {
                return;
            }
            load.merge(pick, 1, Integer::sum);
            requestedFrom[i] = pick;
            requestedAt[i] = now;
            pick.send(new UtMetadata.Request(i).toMessage(pick.remoteUtMetadata()));
            pick.flush();
        }
    }

    void tick(long now) {
        servedThisTick = 0;
        if (metadata != null || requestedFrom == null) {
            if (metadata == null && size < 0 && !sizes.isEmpty()) {
                chooseSize();
                requestMore(now);
            }
            return;
        }
        for (int i = 0; i < requestedFrom.length; i++) {
            if (requestedFrom[i] != null && now - requestedAt[i] > REQUEST_TIMEOUT_NANOS) {
                rejectedBy.add(requestedFrom[i]);
                requestedFrom[i] = null;
            }
        }
        boolean anyForSize = false;
        boolean anyOther = false;
        for (Map.Entry<PeerConnection, Integer> e : sizes.entrySet()) {
            if (!rejectedBy.contains(e.getKey())) {
                anyForSize |= e.getValue() == size;
                anyOther |= e.getValue() != size;
            }
        }
        if (!anyForSize && !sizes.isEmpty()) {
            if (anyOther || !sizes.containsValue(size)) {
                chooseSize(); // the peers of this size failed or left: try a size others announce
            } else {
                rejectedBy.clear(); // everyone failed once: try them all again
            }
        }
        requestMore(now);
    }

    void peerGone(PeerConnection p) {
        sizes.remove(p);
        rejectedBy.remove(p);
        if (soleSource == p) {
            soleSource = null;
        }
        if (requestedFrom != null) {
            for (int i = 0; i < requestedFrom.length; i++) {
                if (requestedFrom[i] == p) {
                    requestedFrom[i] = null;
                }
            }
        }
    }

    /** Bytes of metadata pieces held while fetching (0 until data arrives). */
    long bufferedBytes() {
        return bufferedBytes;
    }

    /** Assembled metadata that failed the hash check so far. */
    int hashFailures() {
        return hashFailures;
    }

    /** Addresses whose metadata failed the hash check. */
    int distrustedCount() {
        return distrusted.size();
    }
}
