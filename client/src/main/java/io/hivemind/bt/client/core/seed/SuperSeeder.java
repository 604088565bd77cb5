package io.hivemind.bt.client.core.seed;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.picker.PieceAvailability;
import io.hivemind.bt.wire.bits.Bitfield;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * BEP 16 super-seeding: the seed presents itself as having no pieces and reveals them one peer at a time, with
 * "have" messages, so each piece it uploads is one nobody else has; it reveals a new piece to a peer only after
 * the piece it gave that peer has been seen at another peer (the peer is sharing).
 *
 * <h2>Implementation note</h2>
 * Every piece is either unoffered or offered to one peer (its <i>holder</i>). A peer holds at most
 * {@link Config#offersPerPeer()} offers. An offer ends when the piece shows up at a peer other than the holder
 * (a have, or the bitfield of a newly connected peer), when the holder leaves, or, if
 * {@link Config#offerTimeoutNanos()} is set, when it is older than that; the holder then gets a fresh offer.
 * Offers are chosen among pieces the peer lacks and nobody holds: fewest times offered first, then rarest among
 * connected peers, random among equals. When every such piece is held, the peer waits (as BEP 16 intends).
 *
 * <p>Strict BEP 16 behaviour is {@code offersPerPeer = 1} without a timeout ({@link Config#BEP16}). Measured
 * against an origin's uplink, that idles when peers are slow to re-share; {@link Config#EAGER} keeps two offers
 * per peer and recycles stale ones, trading a little duplication for a busy uplink. {@link UploadPolicy} is the
 * alternative that never hides pieces.
 *
 * <p>Not thread-safe: owned by the torrent's event loop. The session sends HAVE for each returned offer, serves
 * only requests for which {@link #mayServe} is true, and must not send its real bitfield (send have-none or an
 * empty bitfield).
 */
public final class SuperSeeder {
    /** The pieces a connected peer has, by peer id (the session's peer table). */
    @FunctionalInterface
    public interface PeerPieces {
        Bitfield piecesOf(int peerId);
    }

    /**
     * Settings.
     *
     * @param offersPerPeer pieces revealed to a peer and not yet seen elsewhere, at most
     * @param offerTimeoutNanos replace an offer not seen elsewhere after this long; 0 = never (BEP 16)
     */
    public record Config(int offersPerPeer, long offerTimeoutNanos) {
        public static final Config BEP16 = new Config(1, 0);
        public static final Config EAGER = new Config(2, 60_000_000_000L);

        public Config {
            if (offersPerPeer < 1 || offersPerPeer > 64) {
                throw new IllegalArgumentException("offersPerPeer " + offersPerPeer + " not in [1, 64]");
            }
            if (offerTimeoutNanos < 0) {
                throw new IllegalArgumentException("offerTimeoutNanos " + offerTimeoutNanos);
            }
        }
    }

    private final int pieceCount;
    private final PieceAvailability availability;
    private final PeerPieces peers;
    private final RandomGenerator random;
    private final Config config;
    private final int[] holder;       // peer holding the offer of each piece, or -1
    private final long[] offeredAt;
    private final int[] timesOffered;
    private IntList[] offers = new IntList[16];   // by peer id; null when not connected
    private Bitfield[] revealed = new Bitfield[16];

    public SuperSeeder(PieceAvailability availability, PeerPieces peers, RandomGenerator random, Config config) {
        this.pieceCount = availability.pieceCount();
        this.availability = availability;
        this.peers = peers;
        this.random = random;
        this.config = config;
        this.holder = new int[pieceCount];
        this.offeredAt = new long[pieceCount];
        this.timesOffered = new int[pieceCount];
        Arrays.fill(holder, -1);
    }

    /**
     * A peer connected and its pieces are known ({@link PeerPieces}). Pieces it already has count as seen
     * elsewhere for other holders. Appends to {@code peersOut}/{@code piecesOut} the offers to announce,
     * for this peer and for holders whose offer just ended. Returns how many pairs were appended.
     */
    public int peerJoined(int peerId, long nowNanos, IntList peersOut, IntList piecesOut) {
        if (peerId < 0) {
            throw new IllegalArgumentException("peer id " + peerId);
        }
        if (peerId >= offers.length) {
            int n = Math.max(offers.length << 1, peerId + 1);
            offers = Arrays.copyOf(offers, n);
            revealed = Arrays.copyOf(revealed, n);
        }
        if (offers[peerId] != null) {
            throw new IllegalStateException("peer " + peerId + " already joined");
        }
        offers[peerId] = new IntList(config.offersPerPeer());
        revealed[peerId] = new Bitfield(pieceCount);
        int before = peersOut.size();
        Bitfield has = pieces(peerId);
        for (int p = has.nextSet(0); p >= 0; p = has.nextSet(p + 1)) {
            seenAt(peerId, p, nowNanos, peersOut, piecesOut);
        }
        fill(peerId, nowNanos, peersOut, piecesOut);
        return peersOut.size() - before;
    }

    /** A peer announced {@code piece}; returns the number of new offers appended. */
    public int peerHas(int peerId, int piece, long nowNanos, IntList peersOut, IntList piecesOut) {
        checkPiece(piece);
        int before = peersOut.size();
        seenAt(peerId, piece, nowNanos, peersOut, piecesOut);
        if (peerId >= 0 && peerId < offers.length && offers[peerId] != null) {
            fill(peerId, nowNanos, peersOut, piecesOut);
        }
        return peersOut.size() - before;
    }

    /** A peer disconnected: its offers end and go to nobody until re-offered. */
    public void peerLeft(int peerId) {
        IntList mine = peerId < offers.length ? offers[peerId] : null;
        if (mine == null) {
            return;
        }
        for (int i = 0; i < mine.size(); i++) {
            holder[mine.get(i)] = -1;
        }
        offers[peerId] = null;
        revealed[peerId] = null;
    }

    /** Ends offers older than the timeout (if one is set) and re-offers; returns the number of new offers. */
    public int tick(long nowNanos, IntList peersOut, IntList piecesOut) {
        if (config.offerTimeoutNanos() == 0) {
            return 0;
        }
        int before = peersOut.size();
        for (int peer = 0; peer < offers.length; peer++) {
            IntList mine = offers[peer];
            if (mine == null) {
                continue;
            }
            boolean changed = false;
            for (int i = mine.size() - 1; i >= 0; i--) {
                int p = mine.get(i);
                if (nowNanos - offeredAt[p] >= config.offerTimeoutNanos()) {
                    mine.removeAt(i);
                    holder[p] = -1;
                    changed = true;
                }
            }
            if (changed) {
                fill(peer, nowNanos, peersOut, piecesOut);
            }
        }
        return peersOut.size() - before;
    }

    /** True if {@code piece} was revealed to the peer (only those may be served). */
    public boolean mayServe(int peerId, int piece) {
        return peerId >= 0 && peerId < revealed.length && revealed[peerId] != null && revealed[peerId].get(piece);
    }

    /** The peer holding the current offer of {@code piece}, or -1. */
    public int holderOf(int piece) {
        return holder[checkPiece(piece)];
    }

    /** Current offers of a peer (a copy). */
    public int[] offersOf(int peerId) {
        IntList mine = peerId < offers.length ? offers[peerId] : null;
        return mine == null ? new int[0] : mine.toArray();
    }

    private void seenAt(int peerId, int piece, long now, IntList peersOut, IntList piecesOut) {
        int h = holder[piece];
        if (h < 0 || h == peerId) {
            return; // the holder itself finishing the piece does not prove it shares
        }
        IntList theirs = offers[h];
        theirs.removeAt(theirs.indexOf(piece));
        holder[piece] = -1;
        fill(h, now, peersOut, piecesOut);
    }

    private void fill(int peerId, long now, IntList peersOut, IntList piecesOut) {
        IntList mine = offers[peerId];
        Bitfield has = pieces(peerId);
        while (mine.size() < config.offersPerPeer()) {
            int p = choose(has, revealed[peerId]);
            if (p < 0) {
                return;
            }
            holder[p] = peerId;
            offeredAt[p] = now;
            timesOffered[p]++;
            mine.add(p);
            revealed[peerId].set(p);
            peersOut.add(peerId);
            piecesOut.add(p);
        }
    }

    /** The best piece to reveal to a peer that has {@code has} and was already shown {@code shown}, or -1. */
    private int choose(Bitfield has, Bitfield shown) {
        long bestKey = Long.MAX_VALUE;
        for (int w = 0, words = has.wordCount(); w < words; w++) {
            long candidates = ~has.word(w) & ~shown.word(w);
            if (w == words - 1 && (pieceCount & 63) != 0) {
                candidates &= (1L << pieceCount) - 1;
            }
            while (candidates != 0) {
                int p = (w << 6) + Long.numberOfTrailingZeros(candidates);
                candidates &= candidates - 1;
                if (holder[p] >= 0) {
                    continue;
                }
                long times = Math.min(timesOffered[p], 0xfff);
                long avail = Math.min(availability.availability(p), 0xfff);
                long key = (times << 50) | (avail << 38) | ((long) random.nextInt(1 << 6) << 31) | p;
                if (key < bestKey) {
                    bestKey = key;
                }
            }
        }
        return bestKey == Long.MAX_VALUE ? -1 : (int) (bestKey & 0x7fff_ffffL);
    }

    private Bitfield pieces(int peerId) {
        Bitfield b = peers.piecesOf(peerId);
        if (b.size() != pieceCount) {
            throw new IllegalArgumentException("peer " + peerId + " bitfield of " + b.size() + " pieces");
        }
        return b;
    }

    private int checkPiece(int piece) {
        if (piece < 0 || piece >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + piece + " of " + pieceCount);
        }
        return piece;
    }
}
