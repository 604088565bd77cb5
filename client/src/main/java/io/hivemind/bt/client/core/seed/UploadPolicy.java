package io.hivemind.bt.client.core.seed;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.picker.BlockLayout;
import io.hivemind.bt.client.core.picker.PieceAvailability;
import io.hivemind.bt.wire.bits.Bitfield;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Initial-seeding policy for an origin: which queued requests to serve first, which pieces to suggest or offer
 * allowed-fast to each peer, and (optionally) which requests to turn down, so that every piece leaves the origin
 * once before any piece leaves it twice while the uplink stays busy.
 *
 * <h2>Why</h2>
 * In a swarm fed by one origin, every duplicate piece the origin uploads is bandwidth no other peer can replace:
 * the swarm cannot finish faster than the origin can push one full copy. Measured libtorrent origins sent the
 * file about 2.1 times over before the swarm completed; BEP 16 super-seeding cut that to 1.1 times but left the
 * origin idle half the time, because it hides pieces and waits to see them spread. This policy keeps the full
 * bitfield visible (so peers always have something to request and the uplink never idles) and steers instead:
 * <ol>
 *   <li><b>Serve order</b> ({@link #serveKey}, {@link #nextToServe}): among queued requests, serve blocks of
 *       pieces with the fewest copies sent by us first, then the rarest in the swarm. Fresh data goes out first;
 *       duplicates fill the uplink only when nothing fresh is asked for.</li>
 *   <li><b>Hints</b> ({@link #suggest}): to each peer, suggest (BEP 6 suggest piece, or as its allowed-fast
 *       set) pieces that have not left us yet, are rarest, and are not reserved for another peer. Suggested and
 *       served pieces are reserved for that peer for a while, so two peers are not steered to the same piece
 *       at once (the race that makes rarest-first clients duplicate: both see the same rarest piece before
 *       either announces it). Once every piece has left, suggestions follow the fewest copies sent.</li>
 *   <li><b>Optional strictness</b> ({@link #judge}): a request for a piece that already left us, or that is
 *       reserved for another peer, can be deferred, or rejected (BEP 6 reject request) when the requester lacks
 *       a piece that has never left us: it will re-pick, and the suggestion tells it what to take.
 *       {@link Verdict#SERVE_LATER} never idles the uplink (serve it when nothing better is queued);
 *       {@link Verdict#REJECT} is only returned in strict mode.</li>
 * </ol>
 * Counters ({@link #blocksSent()}, {@link #duplicateBlocksSent()}, {@link #piecesLeft()}) expose the
 * "origin bytes sent / file size" figure the swarm benchmark watches.
 *
 * <p>Not thread-safe: owned by the torrent's event loop.
 */
public final class UploadPolicy {
    /** What to do with an incoming request. */
    public enum Verdict {
        /** Serve in normal order. */
        SERVE,
        /** Serve only when no request for fresher data is waiting (the piece already left us or is reserved). */
        SERVE_LATER,
        /** Strict mode: reject (BEP 6) so the peer asks for something that has not left us yet. */
        REJECT
    }

    /**
     * Settings.
     *
     * @param reservationNanos how long a suggested or served piece stays reserved for one peer
     * @param strict reject requests for pieces that already left us while the peer lacks never-sent pieces
     */
    public record Config(long reservationNanos, boolean strict) {
        public static final Config DEFAULT = new Config(20_000_000_000L, false);

        public Config {
            if (reservationNanos < 0) {
                throw new IllegalArgumentException("reservationNanos " + reservationNanos);
            }
        }
    }

    private final BlockLayout layout;
    private final PieceAvailability availability;
    private final RandomGenerator random;
    private final Config config;
    private final int pieceCount;
    private final Bitfield blockSentOnce;
    private final int[] distinctSent;   // distinct blocks of the piece sent at least once
    private final int[] totalSent;      // blocks of the piece sent, duplicates included
    private final Bitfield neverLeft;   // pieces not every block of which has been sent
    private final Bitfield reserved;    // pieces reserved (possibly expired: cleaned lazily)
    private final int[] reservedFor;
    private final long[] reservedUntil;
    private long blocksSent;
    private long bytesSent;
    private long duplicateBlocks;
    private final long[] bestKeys = new long[64];

    public UploadPolicy(BlockLayout layout, PieceAvailability availability, RandomGenerator random, Config config) {
        if (availability.pieceCount() != layout.pieceCount()) {
            throw new IllegalArgumentException("availability for " + availability.pieceCount() + " pieces, layout has "
                    + layout.pieceCount());
        }
        this.layout = layout;
        this.availability = availability;
        this.random = random;
        this.config = config;
        this.pieceCount = layout.pieceCount();
        this.blockSentOnce = new Bitfield(layout.totalBlocks());
        this.distinctSent = new int[pieceCount];
        this.totalSent = new int[pieceCount];
        this.neverLeft = Bitfield.full(pieceCount);
        this.reserved = new Bitfield(pieceCount);
        this.reservedFor = new int[pieceCount];
        this.reservedUntil = new long[pieceCount];
        Arrays.fill(reservedFor, -1);
    }

    /** We uploaded {@code block} to {@code peerId}; the piece is reserved for that peer. */
    public void blockSent(int block, int peerId, long nowNanos) {
        int p = layout.pieceOf(block);
        blocksSent++;
        bytesSent += layout.blockLength(block);
        totalSent[p]++;
        if (blockSentOnce.set(block)) {
            if (++distinctSent[p] == layout.blocksInPiece(p)) {
                neverLeft.clear(p);
            }
        } else {
            duplicateBlocks++;
        }
        reserve(p, peerId, nowNanos);
    }

    /** Whole copies of {@code piece} we have uploaded (blocks sent / blocks in the piece, rounded down). */
    public int copiesSent(int piece) {
        return totalSent[piece] / layout.blocksInPiece(piece);
    }

    /** True once every block of the piece has been uploaded at least once. */
    public boolean hasLeft(int piece) {
        return !neverLeft.get(piece);
    }

    public int piecesLeft() {
        return pieceCount - neverLeft.count();
    }

    public boolean allLeft() {
        return neverLeft.isEmpty();
    }

    public long blocksSent() {
        return blocksSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    /** Blocks uploaded that had been uploaded before (the origin's wasted bandwidth). */
    public long duplicateBlocksSent() {
        return duplicateBlocks;
    }

    /** Serving order key for a queued request: lower first (fewest copies sent, then rarest in the swarm). */
    public long serveKey(int block) {
        int p = layout.pieceOf(block);
        long copies = Math.min(totalSent[p] / layout.blocksInPiece(p), 0x7fff_ffffL);
        return (copies << 32) | Math.min(availability.availability(p), 0x7fff_ffff);
    }

    /** Index in {@code queuedBlocks} of the request to serve next (the lowest {@link #serveKey}, first on ties), or -1. */
    public int nextToServe(IntList queuedBlocks) {
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        for (int i = 0, n = queuedBlocks.size(); i < n; i++) {
            long k = serveKey(queuedBlocks.get(i));
            if (k < bestKey) {
                bestKey = k;
                best = i;
            }
        }
        return best;
    }

    /**
     * How to treat a request from {@code peerId} (whose pieces are {@code peerHas}) for {@code block}: serve it
     * unless the piece already left us or is reserved for another peer while the peer lacks a piece that never
     * left us. A peer without the fast extension cannot be sent a reject: treat {@link Verdict#REJECT} as
     * {@link Verdict#SERVE_LATER} for it.
     */
    public Verdict judge(int block, int peerId, Bitfield peerHas, long nowNanos) {
        return judge(block, peerId, peerHas, nowNanos, new FreshOption());
    }

    /**
     * {@link #judge(int, int, Bitfield, long)} for many requests of one peer in a row (a scan of its queue): the
     * peer-wide half of the answer (does it lack a piece that never left us?), which costs a pass over the
     * bitfields, is worked out once per {@code scan} instead of once per request. Use a new {@link FreshOption} for
     * each scan, for one peer, within one event-loop turn.
     */
    public Verdict judge(int block, int peerId, Bitfield peerHas, long nowNanos, FreshOption scan) {
        int p = layout.pieceOf(block);
        boolean reservedByOther = isReservedForOther(p, peerId, nowNanos);
        if (!reservedByOther && neverLeft.get(p)) {
            return Verdict.SERVE;
        }
        if (scan.known == 0) {
            scan.known = hasFreshOption(peerHas) ? 1 : -1;
        }
        if (scan.known < 0) {
            return Verdict.SERVE;
        }
        return config.strict() ? Verdict.REJECT : Verdict.SERVE_LATER;
    }

    /** Memo of one queue scan for {@link #judge(int, int, Bitfield, long, FreshOption)}; not thread-safe. */
    public static final class FreshOption {
        private int known; // 0 unknown, 1 the peer lacks a fresh piece, -1 it does not
    }

    /**
     * Appends up to {@code max} pieces to suggest to a peer (BEP 6 suggest piece or allowed fast) and reserves
     * them for it: pieces it lacks that are not reserved for another peer, fewest copies sent first, then
     * rarest in the swarm, random among equals. Returns how many were appended (possibly none).
     */
    public int suggest(Bitfield peerHas, int peerId, int max, long nowNanos, IntList out) {
        if (peerHas.size() != pieceCount) {
            throw new IllegalArgumentException("bitfield of " + peerHas.size() + " pieces");
        }
        max = Math.min(max, bestKeys.length);
        if (max <= 0) {
            return 0;
        }
        int found = 0;
        for (int w = 0, words = peerHas.wordCount(); w < words; w++) {
            long lacks = ~peerHas.word(w);
            if (w == words - 1 && (pieceCount & 63) != 0) {
                lacks &= (1L << pieceCount) - 1;
            }
            while (lacks != 0) {
                int p = (w << 6) + Long.numberOfTrailingZeros(lacks);
                lacks &= lacks - 1;
                if (isReservedForOther(p, peerId, nowNanos)) {
                    continue;
                }
                long copies = Math.min(totalSent[p] / layout.blocksInPiece(p), 0x3fff);
                long avail = Math.min(availability.availability(p), 0x3fff);
                long key = (copies << 49) | (avail << 35) | ((long) random.nextInt(1 << 4) << 31) | p;
                found = insertBest(key, found, max);
            }
        }
        for (int i = 0; i < found; i++) {
            int p = (int) (bestKeys[i] & 0x7fff_ffffL);
            reserve(p, peerId, nowNanos);
            out.add(p);
        }
        return found;
    }

    /** Releases every reservation held by a peer (it disconnected). */
    public void peerGone(int peerId) {
        for (int p = reserved.nextSet(0); p >= 0; p = reserved.nextSet(p + 1)) {
            if (reservedFor[p] == peerId) {
                reserved.clear(p);
                reservedFor[p] = -1;
            }
        }
    }

    private int insertBest(long key, int found, int max) {
        if (found == max && key >= bestKeys[found - 1]) {
            return found;
        }
        int i = found == max ? max - 1 : found;
        while (i > 0 && bestKeys[i - 1] > key) {
            bestKeys[i] = bestKeys[i - 1];
            i--;
        }
        bestKeys[i] = key;
        return found == max ? max : found + 1;
    }

    private void reserve(int p, int peerId, long now) {
        reserved.set(p);
        reservedFor[p] = peerId;
        reservedUntil[p] = now + config.reservationNanos();
    }

    private boolean isReservedForOther(int p, int peerId, long now) {
        if (!reserved.get(p)) {
            return false;
        }
        if (now - reservedUntil[p] >= 0) {
            reserved.clear(p);
            reservedFor[p] = -1;
            return false;
        }
        return reservedFor[p] != peerId;
    }

    /** True if the peer lacks a piece that never left us and is not reserved (stale reservations count). */
    private boolean hasFreshOption(Bitfield peerHas) {
        for (int w = 0, n = neverLeft.wordCount(); w < n; w++) {
            if ((neverLeft.word(w) & ~peerHas.word(w) & ~reserved.word(w)) != 0) {
                return true;
            }
        }
        return false;
    }
}
