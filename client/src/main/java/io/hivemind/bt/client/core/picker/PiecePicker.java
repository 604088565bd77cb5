package io.hivemind.bt.client.core.picker;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.wire.bits.Bitfield;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Decides which blocks to request from which peer: rarest first within piece priorities, finishing started
 * pieces first, with endgame, BEP 6 allowed-fast and suggest hints, and the per-block state of every piece
 * in flight. It also tracks which pieces we have and which we still want.
 *
 * <h2>Implementation note</h2>
 * Pieces live in one of three places:
 * <ul>
 *   <li><b>fresh</b>: wanted (priority &gt; 0), not had, nothing requested or received. Fresh pieces sit in
 *       buckets keyed by {@code (7 - priority) * 256 + min(availability, 255)}, so the first non-empty bucket
 *       holds the most important, rarest pieces. Each bucket is an {@code int[]} whose order is kept a uniformly
 *       random permutation (new members are inserted at a random position, the "inside-out" Fisher-Yates step),
 *       which gives random tie-breaking without sorting. A {@code long} bitmap of non-empty buckets makes the
 *       scan skip empty ones. An availability change moves one piece between adjacent buckets in O(1)
 *       (swap-remove, random insert), so a have is O(1) and a bitfield O(pieces set). Peers with every piece
 *       ("seeds") are only counted ({@link #seedJoined()}), since they shift every piece equally.
 *   <li><b>downloading</b>: a <i>slot</i> holds per-block state (none / requested / received / written), the
 *       requesting peer, and the number of requesters for endgame duplicates. Slot arrays are flat
 *       ({@code slot * maxBlocksPerPiece + block}) and reused, so steady-state picking allocates nothing. Slots
 *       with unrequested blocks of wanted pieces form the <i>open</i> list, oldest first; the picker serves it
 *       before starting any new piece, which keeps the number of pieces in flight small (partial-piece
 *       preference) and completes pieces, so they can be shared, sooner.
 *   <li><b>had</b>: verified ({@link #pieceVerified}).
 * </ul>
 * A pick takes, in order: open partial pieces of at least the top fresh priority the peer has; pieces the peer
 * suggested (BEP 6) if they are of the top fresh priority; fresh pieces (rarest first, or in index order in
 * sequential mode; priority tiers first either way); lower-priority partial pieces; and finally, once every
 * wanted block is requested (<i>endgame</i>), blocks already requested from other peers, fewest requesters first,
 * up to {@link Config#endgameMaxRequesters()} requesters per block. A peer that chokes us gets blocks only from
 * its BEP 6 allowed-fast set.
 *
 * <p>Smart ban support: a peer put on <i>parole</i> ({@link #setParole}, after it contributed to a piece that failed
 * its hash) downloads whole pieces of its own, which nobody else touches, the way libtorrent's parole mode does; so
 * if such a piece fails, its one contributor is the liar. {@link #taintedPieces} lists the shared pieces it had
 * already delivered blocks to.
 *
 * <p>For peers holding few of the fresh pieces, scanning buckets would visit many pieces the peer lacks, so the
 * picker instead walks the peer's bitfield ANDed with a per-priority fresh bitfield, starting at a random word
 * (ties go to the first found, so they are spread without a random draw per piece) and stopping early at a
 * piece as rare as the tier's rarest. Both paths pick a piece of minimal key.
 *
 * <p>Compared with libtorrent's {@code piece_picker} (one sorted vector with priority boundaries, updated by
 * swaps across boundaries), this uses separate buckets so that removing a piece is O(1) rather than a walk
 * across boundaries, and priorities are strict tiers rather than weights on availability.
 *
 * <p>Not thread-safe: owned by the torrent's event loop. Peer ids are the session's small non-negative ints.
 */
public final class PiecePicker implements PieceAvailability {
    public static final int PRIORITY_SKIP = 0;
    public static final int PRIORITY_LOW = 1;
    public static final int PRIORITY_DEFAULT = 4;
    public static final int PRIORITY_TOP = 7;

    /** Block states, as returned by {@link #blockState(int)}. */
    public static final byte BLOCK_NONE = 0;
    public static final byte BLOCK_REQUESTED = 1;
    public static final byte BLOCK_RECEIVED = 2;
    public static final byte BLOCK_WRITTEN = 3;

    /** Availability at or above this many non-seed peers counts as equally common. */
    static final int AVAILABILITY_LEVELS = 256;
    private static final int KEYS = PRIORITY_TOP * AVAILABILITY_LEVELS;
    /** Use the bitfield walk when the peer has fewer than 1/SPARSE_FACTOR of the fresh pieces. */
    private static final int SPARSE_FACTOR = 8;

    /** What {@link #blockReceived} made of a block. */
    public enum BlockResult {
        /** Stored; the piece still misses blocks. */
        ACCEPTED,
        /** Stored, and every block of the piece is now received: hash it, then call pieceVerified/pieceFailed. */
        PIECE_COMPLETE,
        /** We already had this block (an endgame race or a late answer): drop the data. */
        DUPLICATE,
        /** The piece has priority 0 and nothing of it is in flight: drop the data. */
        UNWANTED
    }

    /**
     * Picker settings.
     *
     * @param sequential pick fresh pieces in index order (within priority tiers) instead of rarest first
     * @param endgameMaxRequesters in endgame, at most this many peers may have one block requested at once (&ge; 1)
     */
    public record Config(boolean sequential, int endgameMaxRequesters) {
        public static final Config DEFAULT = new Config(false, 3);

        public Config {
            if (endgameMaxRequesters < 1 || endgameMaxRequesters > 100) {
                throw new IllegalArgumentException("endgameMaxRequesters " + endgameMaxRequesters + " not in [1, 100]");
            }
        }

        public Config withSequential(boolean on) {
            return new Config(on, endgameMaxRequesters);
        }

        public Config withEndgameMaxRequesters(int n) {
            return new Config(sequential, n);
        }
    }

    private final BlockLayout layout;
    private final int pieceCount;
    private final RandomGenerator random;
    private final int endgameMaxRequesters;
    private boolean sequential;
    /** Tests set this to 0 (always walk the bitfield) or a huge value (always scan buckets). */
    int sparseFactor = SPARSE_FACTOR;

    // availability
    private final int[] avail;
    private int seeds;

    // priorities and piece sets
    private final byte[] priority;
    private final Bitfield have;
    private final Bitfield wantedMissing;
    private int wantedCount;

    // fresh pieces: buckets, plus one bitfield per priority for sequential and sparse scans
    private final int[][] bucket = new int[KEYS][];
    private final int[] bucketSize = new int[KEYS];
    private final long[] nonEmpty = new long[(KEYS + 63) >>> 6];
    private final short[] keyOf;       // bucket of a fresh piece, -1 otherwise
    private final int[] bucketPos;
    private final Bitfield[] freshByPriority = new Bitfield[PRIORITY_TOP + 1];
    private final int[] freshCountByPriority = new int[PRIORITY_TOP + 1];
    private final int[] sequentialCursor = new int[PRIORITY_TOP + 1];
    private int freshCount;

    // downloading pieces
    private final int[] pieceSlot;
    private final int stride;
    private int slotCapacity;
    private int slotHigh;            // slots [0, slotHigh) have been used at least once
    private int slotsInUse;
    private final IntList freeSlots = new IntList();
    private int[] slotPiece;
    private int[] slotFirst;
    private int[] slotBlocks;
    private int[] slotNone;
    private int[] slotReceived;
    private int[] slotWritten;
    private int[] slotHint;          // no unrequested block below this index
    private long[] slotActivity;
    private int[] openPrev;
    private int[] openNext;
    private boolean[] slotOpen;
    private int openHead = -1;
    private int openTail = -1;
    private byte[] blockState;
    private int[] blockPeer;         // first requester while requested; the sender once received
    private byte[] blockRequesters;
    // endgame: extra requesters beyond blockPeer, as (flat block, peer) pairs
    private final IntList dupBlock = new IntList();
    private final IntList dupPeer = new IntList();
    // smart-ban parole: peers that may only download pieces of their own; a slot's owner, or -1
    private long[] parole = new long[1];
    private int paroleCount;
    private int[] slotOwner;

    public PiecePicker(BlockLayout layout, RandomGenerator random) {
        this(layout, random, Config.DEFAULT);
    }

    /** A picker where every piece is wanted at {@link #PRIORITY_DEFAULT} and none is had yet. */
    public PiecePicker(BlockLayout layout, RandomGenerator random, Config config) {
        this.layout = layout;
        this.pieceCount = layout.pieceCount();
        this.random = random;
        this.endgameMaxRequesters = config.endgameMaxRequesters();
        this.sequential = config.sequential();
        this.avail = new int[pieceCount];
        this.priority = new byte[pieceCount];
        this.have = new Bitfield(pieceCount);
        this.wantedMissing = Bitfield.full(pieceCount);
        this.keyOf = new short[pieceCount];
        this.bucketPos = new int[pieceCount];
        this.pieceSlot = new int[pieceCount];
        Arrays.fill(keyOf, (short) -1);
        Arrays.fill(pieceSlot, -1);
        for (int p = 1; p <= PRIORITY_TOP; p++) {
            freshByPriority[p] = new Bitfield(pieceCount);
        }
        this.stride = Math.max(1, layout.maxBlocksPerPiece());
        growSlots(8);
        Arrays.fill(priority, (byte) PRIORITY_DEFAULT);
        this.wantedCount = pieceCount;
        for (int p = 0; p < pieceCount; p++) {
            addFresh(p);
        }
    }

    public BlockLayout layout() {
        return layout;
    }

    @Override
    public int pieceCount() {
        return pieceCount;
    }

    // ---------------------------------------------------------------- availability

    @Override
    public int availability(int piece) {
        return avail[checkPiece(piece)] + seeds;
    }

    /** Number of connected peers counted as having every piece. */
    public int seedCount() {
        return seeds;
    }

    /** A connected peer announced {@code piece} (BEP 3 "have"). */
    public void peerHas(int piece) {
        avail[checkPiece(piece)]++;
        if (keyOf[piece] >= 0) {
            rekey(piece);
        }
    }

    /** Reverses one {@link #peerHas}; used when a peer that had {@code piece} disconnects. */
    public void peerLost(int piece) {
        if (avail[checkPiece(piece)] == 0) {
            throw new IllegalStateException("availability of piece " + piece + " is already 0");
        }
        avail[piece]--;
        if (keyOf[piece] >= 0) {
            rekey(piece);
        }
    }

    /** A connected peer sent its bitfield: every set piece gains one. O(pieces set). */
    public void peerBitfield(Bitfield pieces) {
        checkSize(pieces);
        for (int w = 0, n = pieces.wordCount(); w < n; w++) {
            long bits = pieces.word(w);
            while (bits != 0) {
                peerHas((w << 6) + Long.numberOfTrailingZeros(bits));
                bits &= bits - 1;
            }
        }
    }

    /** A peer whose pieces were counted with {@link #peerBitfield}/{@link #peerHas} left: undo its counts. */
    public void peerLeft(Bitfield pieces) {
        checkSize(pieces);
        for (int w = 0, n = pieces.wordCount(); w < n; w++) {
            long bits = pieces.word(w);
            while (bits != 0) {
                peerLost((w << 6) + Long.numberOfTrailingZeros(bits));
                bits &= bits - 1;
            }
        }
    }

    /** A peer with every piece connected (BEP 6 have-all, or a full bitfield): O(1). */
    public void seedJoined() {
        seeds++;
    }

    /** A peer counted by {@link #seedJoined()} left. */
    public void seedLeft() {
        if (seeds == 0) {
            throw new IllegalStateException("no seed to remove");
        }
        seeds--;
    }

    // ---------------------------------------------------------------- priorities and piece sets

    public int priority(int piece) {
        return priority[checkPiece(piece)];
    }

    /**
     * Sets a piece's priority: 0 skips it, 1 (low) to 7 (top) order pieces strictly before availability.
     * A downloading piece set to 0 keeps the blocks already received but no new ones are requested.
     */
    public void setPriority(int piece, int newPriority) {
        checkPiece(piece);
        if (newPriority < PRIORITY_SKIP || newPriority > PRIORITY_TOP) {
            throw new IllegalArgumentException("priority " + newPriority + " not in [0, 7]");
        }
        int old = priority[piece];
        if (old == newPriority) {
            return;
        }
        if (keyOf[piece] >= 0) {
            removeFresh(piece);
        }
        priority[piece] = (byte) newPriority;
        if (old == 0) {
            wantedCount++;
        } else if (newPriority == 0) {
            wantedCount--;
        }
        boolean had = have.get(piece);
        if (!had) {
            if (newPriority > 0) {
                wantedMissing.set(piece);
            } else {
                wantedMissing.clear(piece);
            }
        }
        int s = pieceSlot[piece];
        if (s >= 0) {
            boolean shouldOpen = newPriority > 0 && slotNone[s] > 0;
            if (shouldOpen && !slotOpen[s]) {
                addOpen(s);
            } else if (!shouldOpen && slotOpen[s]) {
                removeOpen(s);
            }
        } else if (!had && newPriority > 0) {
            addFresh(piece);
        }
    }

    /** Sets every piece's priority (see {@link PiecePriorities} to derive them from file priorities). */
    public void setPriorities(byte[] priorities) {
        if (priorities.length != pieceCount) {
            throw new IllegalArgumentException(priorities.length + " priorities for " + pieceCount + " pieces");
        }
        for (int p = 0; p < pieceCount; p++) {
            setPriority(p, priorities[p]);
        }
    }

    public boolean isSequential() {
        return sequential;
    }

    /** Switches between rarest-first and in-order picking of fresh pieces; takes effect at the next pick. */
    public void setSequential(boolean on) {
        this.sequential = on;
    }

    /** True once {@link #pieceVerified} was called for {@code piece}. */
    public boolean hasPiece(int piece) {
        return have.get(checkPiece(piece));
    }

    /** A copy of the verified pieces. */
    public Bitfield have() {
        return have.copy();
    }

    public int haveCount() {
        return have.count();
    }

    /** Pieces with priority &gt; 0. */
    public int wantedCount() {
        return wantedCount;
    }

    /** Wanted pieces not verified yet. */
    public int wantedRemaining() {
        return wantedMissing.count();
    }

    /** All wanted pieces are verified (the torrent is finished; it may still lack skipped pieces). */
    public boolean isDone() {
        return wantedMissing.isEmpty();
    }

    /** We have every piece. */
    public boolean isSeed() {
        return have.isFull();
    }

    /** True if a peer with these pieces has one we want and lack (we should be interested, BEP 3). */
    public boolean isInteresting(Bitfield peerPieces) {
        checkSize(peerPieces);
        for (int w = 0, n = peerPieces.wordCount(); w < n; w++) {
            if ((peerPieces.word(w) & wantedMissing.word(w)) != 0) {
                return true;
            }
        }
        return false;
    }

    /** True if we want and lack {@code piece} (a have for it makes us interested). */
    public boolean isInteresting(int piece) {
        return wantedMissing.get(checkPiece(piece));
    }

    // ---------------------------------------------------------------- picking

    /**
     * Picks up to {@code maxBlocks} blocks to request from {@code peer}, appends their flat indices to
     * {@code out} and marks them requested by the peer. Returns how many were appended. Allocates nothing
     * unless a new piece needs a slot beyond the current capacity.
     */
    public int pickBlocks(PickerPeer peer, int maxBlocks, long nowNanos, IntList out) {
        if (maxBlocks <= 0 || wantedMissing.isEmpty()) {
            return 0;
        }
        Bitfield has = peer.pieces();
        checkSize(has);
        int peerId = peer.peerId();
        if (peerId < 0) {
            throw new IllegalArgumentException("peer id " + peerId);
        }
        int want = maxBlocks;
        boolean onParole = onParole(peerId);
        if (peer.chokingUs()) {
            for (int i = 0, n = peer.allowedFastCount(); i < n && want > 0; i++) {
                want -= takeFromPiece(peer.allowedFast(i), has, peerId, want, 0, nowNanos, out);
            }
            return maxBlocks - want;
        }
        int top = topFreshPriority();
        if (peer.preferUnique() && !sequential) {
            return maxBlocks - pickUnique(peer, has, peerId, want, top, nowNanos, out);
        }
        want = takeFromOpen(has, peerId, want, top, nowNanos, out);
        for (int i = peer.suggestedCount() - 1; i >= 0 && want > 0; i--) {
            want -= takeFromPiece(peer.suggested(i), has, peerId, want, top, nowNanos, out);
        }
        while (want > 0 && freshCount > 0) {
            int p = sequential ? nextSequential(has) : nextRarest(has);
            if (p < 0) {
                break;
            }
            want -= takeBlocks(startPiece(p, nowNanos, peerId), peerId, want, nowNanos, out);
        }
        if (want > 0 && top > PRIORITY_LOW) {
            want = takeFromOpen(has, peerId, want, PRIORITY_LOW, nowNanos, out);
        }
        if (want > 0 && freshCount == 0 && !onParole && !hasOpenFor(peerId)) {
            want -= endgamePick(has, peerId, want, nowNanos, out);
        }
        return maxBlocks - want;
    }

    /**
     * Picks for a {@link PickerPeer#preferUnique()} peer (a seed while others serve us): its suggestions first
     * (it reserved them for us), then started pieces no non-seed peer has, then, only if it suggests nothing,
     * fresh pieces no non-seed peer has (rarest first puts those first). Returns the blocks still wanted.
     */
    private int pickUnique(PickerPeer peer, Bitfield has, int peerId, int want, int top, long now, IntList out) {
        int suggestions = peer.suggestedCount();
        for (int i = suggestions - 1; i >= 0 && want > 0; i--) {
            want -= takeFromPiece(peer.suggested(i), has, peerId, want, top, now, out);
        }
        for (int s = openHead; s >= 0 && want > 0; ) {
            int next = openNext[s];
            int p = slotPiece[s];
            if (priority[p] >= top && avail[p] == 0 && has.get(p)) {
                want -= takeBlocks(s, peerId, want, now, out);
            }
            s = next;
        }
        if (suggestions == 0) {
            while (want > 0 && freshCount > 0) {
                int p = nextRarest(has);
                if (p < 0 || avail[p] > 0) {
                    break;
                }
                want -= takeBlocks(startPiece(p, now, peerId), peerId, want, now, out);
            }
        }
        return want;
    }

    /** True when every block of every wanted piece is requested or received, so picks duplicate requests. */
    public boolean isEndgame() {
        return freshCount == 0 && openHead < 0 && !wantedMissing.isEmpty();
    }

    private int topFreshPriority() {
        for (int p = PRIORITY_TOP; p > 0; p--) {
            if (freshCountByPriority[p] > 0) {
                return p;
            }
        }
        return 0;
    }

    private int takeFromOpen(Bitfield has, int peerId, int want, int minPriority, long now, IntList out) {
        for (int s = openHead; s >= 0 && want > 0; ) {
            int next = openNext[s];
            int p = slotPiece[s];
            if (priority[p] >= minPriority && has.get(p) && mayTake(s, peerId)) {
                want -= takeBlocks(s, peerId, want, now, out);
            }
            s = next;
        }
        return want;
    }

    /** A hinted piece (allowed-fast or suggested): continue or start it if it is wanted and important enough. */
    private int takeFromPiece(int p, Bitfield has, int peerId, int want, int minPriority, long now, IntList out) {
        if (p < 0 || p >= pieceCount || priority[p] == 0 || priority[p] < minPriority || !has.get(p)) {
            return 0;
        }
        int s = pieceSlot[p];
        if (s >= 0) {
            return slotOpen[s] && mayTake(s, peerId) ? takeBlocks(s, peerId, want, now, out) : 0;
        }
        if (keyOf[p] >= 0) {
            return takeBlocks(startPiece(p, now, peerId), peerId, want, now, out);
        }
        return 0;
    }

    private int takeBlocks(int s, int peerId, int want, long now, IntList out) {
        int n = slotBlocks[s];
        int base = s * stride;
        int first = slotFirst[s];
        int b = slotHint[s];
        int taken = 0;
        for (; b < n && taken < want; b++) {
            int i = base + b;
            if (blockState[i] == BLOCK_NONE) {
                blockState[i] = BLOCK_REQUESTED;
                blockPeer[i] = peerId;
                blockRequesters[i] = 1;
                out.add(first + b);
                taken++;
            }
        }
        slotHint[s] = b;
        if (taken > 0) {
            slotActivity[s] = now;
            slotNone[s] -= taken;
            if (slotNone[s] == 0 && slotOpen[s]) {
                removeOpen(s);
            }
        }
        return taken;
    }

    private int nextRarest(Bitfield has) {
        if (has.isFull()) {
            int k = nextNonEmptyKey(0);
            return k < 0 ? -1 : bucket[k][0];
        }
        if ((long) has.count() * sparseFactor < freshCount) {
            return sparseRarest(has);
        }
        for (int k = nextNonEmptyKey(0); k >= 0; k = nextNonEmptyKey(k + 1)) {
            int[] arr = bucket[k];
            for (int i = 0, n = bucketSize[k]; i < n; i++) {
                int p = arr[i];
                if ((has.word(p >>> 6) & (1L << p)) != 0) {
                    return p;
                }
            }
        }
        return -1;
    }

    private int sparseRarest(Bitfield has) {
        for (int pr = PRIORITY_TOP; pr > 0; pr--) {
            if (freshCountByPriority[pr] == 0) {
                continue;
            }
            // the rarest fresh piece of this tier overall: a candidate with this availability cannot be beaten
            int floor = nextNonEmptyKey((PRIORITY_TOP - pr) * AVAILABILITY_LEVELS) - (PRIORITY_TOP - pr) * AVAILABILITY_LEVELS;
            Bitfield fresh = freshByPriority[pr];
            int words = fresh.wordCount();
            int start = random.nextInt(words); // ties go to the first found after a random word
            int best = -1;
            int bestAvail = Integer.MAX_VALUE;
            for (int k = 0; k < words; k++) {
                int w = start + k < words ? start + k : start + k - words;
                long bits = fresh.word(w) & has.word(w);
                while (bits != 0) {
                    int p = (w << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    int a = Math.min(avail[p], AVAILABILITY_LEVELS - 1);
                    if (a < bestAvail) {
                        best = p;
                        bestAvail = a;
                        if (a == floor) {
                            return p;
                        }
                    }
                }
            }
            if (best >= 0) {
                return best;
            }
        }
        return -1;
    }

    private int nextSequential(Bitfield has) {
        for (int pr = PRIORITY_TOP; pr > 0; pr--) {
            if (freshCountByPriority[pr] == 0) {
                continue;
            }
            Bitfield fresh = freshByPriority[pr];
            int from = fresh.nextSet(sequentialCursor[pr]);
            if (from < 0) {
                continue;
            }
            sequentialCursor[pr] = from;
            long mask = -1L << from;
            for (int w = from >>> 6, n = fresh.wordCount(); w < n; w++) {
                long bits = fresh.word(w) & has.word(w) & mask;
                if (bits != 0) {
                    return (w << 6) + Long.numberOfTrailingZeros(bits);
                }
                mask = -1L;
            }
        }
        return -1;
    }

    private int endgamePick(Bitfield has, int peerId, int want, long now, IntList out) {
        int taken = 0;
        for (int level = 1; level < endgameMaxRequesters && taken < want; level++) {
            for (int s = 0; s < slotHigh && taken < want; s++) {
                int p = slotPiece[s];
                if (p < 0 || priority[p] == 0 || !has.get(p) || slotOwner[s] >= 0) {
                    continue;
                }
                int base = s * stride;
                int first = slotFirst[s];
                for (int b = 0, n = slotBlocks[s]; b < n && taken < want; b++) {
                    int i = base + b;
                    if (blockState[i] == BLOCK_REQUESTED && blockRequesters[i] == level
                            && blockPeer[i] != peerId && dupIndex(first + b, peerId) < 0) {
                        dupBlock.add(first + b);
                        dupPeer.add(peerId);
                        blockRequesters[i]++;
                        out.add(first + b);
                        taken++;
                        slotActivity[s] = now;
                    }
                }
            }
        }
        return taken;
    }

    // ---------------------------------------------------------------- block events

    /**
     * A block arrived from {@code peerId}. Other peers that requested the same block (endgame) are appended to
     * {@code cancelPeers}: send them a cancel. A block nobody requested (after a timeout or a reset) is still
     * accepted if the piece is wanted; the session decides separately whether the peer broke BEP 6 by sending it.
     */
    public BlockResult blockReceived(int block, int peerId, long nowNanos, IntList cancelPeers) {
        int p = layout.pieceOf(block);
        if (have.get(p)) {
            return BlockResult.DUPLICATE;
        }
        int s = pieceSlot[p];
        boolean paroled = paroleCount > 0 && onParole(peerId);
        if (s >= 0 && slotOwner[s] >= 0 ? slotOwner[s] != peerId : paroled) {
            return BlockResult.UNWANTED; // parole: an owned piece takes blocks from its owner only, a paroled peer only gives to its own
        }
        if (s < 0) {
            if (priority[p] == 0) {
                return BlockResult.UNWANTED;
            }
            s = startPiece(p, nowNanos, -1);
        }
        int b = block - slotFirst[s];
        int i = s * stride + b;
        byte st = blockState[i];
        if (st == BLOCK_RECEIVED || st == BLOCK_WRITTEN) {
            return BlockResult.DUPLICATE;
        }
        if (st == BLOCK_REQUESTED) {
            if (blockPeer[i] != peerId) {
                cancelPeers.add(blockPeer[i]);
            }
            if (blockRequesters[i] > 1) {
                for (int d = dupBlock.size() - 1; d >= 0; d--) {
                    if (dupBlock.get(d) == block) {
                        int other = dupPeer.get(d);
                        if (other != peerId) {
                            cancelPeers.add(other);
                        }
                        removeDup(d);
                    }
                }
            }
        } else {
            slotNone[s]--;
            if (slotNone[s] == 0 && slotOpen[s]) {
                removeOpen(s);
            }
        }
        blockState[i] = BLOCK_RECEIVED;
        blockPeer[i] = peerId;
        blockRequesters[i] = 0;
        slotActivity[s] = nowNanos;
        return ++slotReceived[s] == slotBlocks[s] ? BlockResult.PIECE_COMPLETE : BlockResult.ACCEPTED;
    }

    /** A received block reached the store (optional bookkeeping). Returns false if it was not in received state. */
    public boolean blockWritten(int block) {
        int p = layout.pieceOf(block);
        int s = pieceSlot[p];
        if (s < 0) {
            return false;
        }
        int i = s * stride + (block - slotFirst[s]);
        if (blockState[i] != BLOCK_RECEIVED) {
            return false;
        }
        blockState[i] = BLOCK_WRITTEN;
        slotWritten[s]++;
        return true;
    }

    /**
     * {@code peerId} will not deliver {@code block}: it rejected it (BEP 6), choked us without the fast
     * extension, timed out, or we cancelled it. The block becomes requestable again once no peer has it
     * requested; a piece left with nothing requested or received goes back to the fresh pieces.
     * Returns false if the peer had not requested the block.
     */
    public boolean abortRequest(int block, int peerId) {
        int p = layout.pieceOf(block);
        int s = pieceSlot[p];
        if (s < 0) {
            return false;
        }
        if (slotOwner[s] == peerId) {
            slotOwner[s] = -1; // the owner will not finish it: others may (see setParole)
        }
        return removeRequester(s, block - slotFirst[s], block, peerId);
    }

    /** A peer disconnected: every block it had requested is released. Returns how many. */
    public int peerGone(int peerId) {
        if (paroleCount > 0 && onParole(peerId)) {
            setParole(peerId, false, null);
        }
        int n = 0;
        for (int d = dupPeer.size() - 1; d >= 0; d--) {
            if (dupPeer.get(d) == peerId) {
                int block = dupBlock.get(d);
                removeDup(d);
                int s = pieceSlot[layout.pieceOf(block)];
                blockRequesters[s * stride + (block - slotFirst[s])]--;
                n++;
            }
        }
        for (int s = 0; s < slotHigh; s++) {
            if (slotPiece[s] < 0) {
                continue;
            }
            int base = s * stride;
            for (int b = 0, count = slotBlocks[s]; b < count; b++) {
                int i = base + b;
                if (blockState[i] == BLOCK_REQUESTED && blockPeer[i] == peerId) {
                    removeRequester(s, b, slotFirst[s] + b, peerId);
                    n++;
                    if (slotPiece[s] < 0) {
                        break; // slot released
                    }
                }
            }
        }
        return n;
    }

    private boolean removeRequester(int s, int b, int block, int peerId) {
        int i = s * stride + b;
        if (blockState[i] != BLOCK_REQUESTED) {
            return false;
        }
        if (blockPeer[i] == peerId) {
            int d = blockRequesters[i] > 1 ? dupBlock.indexOf(block) : -1;
            if (d >= 0) {
                blockPeer[i] = dupPeer.get(d);
                removeDup(d);
            } else {
                blockPeer[i] = -1;
            }
        } else {
            int d = blockRequesters[i] > 1 ? dupIndex(block, peerId) : -1;
            if (d < 0) {
                return false;
            }
            removeDup(d);
        }
        if (--blockRequesters[i] == 0) {
            blockState[i] = BLOCK_NONE;
            blockPeer[i] = -1;
            if (b < slotHint[s]) {
                slotHint[s] = b;
            }
            int p = slotPiece[s];
            if (++slotNone[s] == slotBlocks[s]) {
                releaseSlot(s);
                if (priority[p] > 0) {
                    addFresh(p);
                }
            } else if (!slotOpen[s] && priority[p] > 0) {
                addOpen(s);
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- smart-ban parole

    /**
     * Puts a peer on parole (smart ban: it contributed to a piece that failed its hash) or lifts it. A peer on parole
     * only downloads pieces of its own: a fresh piece it starts is <i>owned</i> by it, it gets blocks from no other
     * piece (no endgame duplicates either), and no other peer gets blocks of its pieces. A piece that then fails has
     * one contributor, which names the liar. Blocks the peer had requested in pieces it does not own are released and
     * appended to {@code releasedBlocks} (if not null: cancel them); if they still arrive they are
     * {@link BlockResult#UNWANTED}. Blocks it already delivered to shared pieces stay: {@link #taintedPieces} finds
     * them. Lifting parole (or {@link #peerGone}) turns its pieces into ordinary ones. When an owner aborts a request
     * (choke, reject, timeout) its piece becomes ordinary too, so a stalled owner cannot hold a piece hostage.
     */
    public void setParole(int peerId, boolean on, IntList releasedBlocks) {
        if (peerId < 0) {
            throw new IllegalArgumentException("peer id " + peerId);
        }
        if (on == onParole(peerId)) {
            return;
        }
        int w = peerId >>> 6;
        if (on) {
            if (w >= parole.length) {
                parole = Arrays.copyOf(parole, Math.max(w + 1, parole.length * 2));
            }
            parole[w] |= 1L << peerId;
            paroleCount++;
            for (int s = 0; s < slotHigh; s++) {
                if (slotPiece[s] < 0 || slotOwner[s] == peerId) {
                    continue;
                }
                int base = s * stride;
                for (int b = 0, n = slotBlocks[s]; b < n; b++) {
                    int i = base + b;
                    if (blockState[i] == BLOCK_REQUESTED && (blockPeer[i] == peerId
                            || blockRequesters[i] > 1 && dupIndex(slotFirst[s] + b, peerId) >= 0)) {
                        int block = slotFirst[s] + b;
                        if (releasedBlocks != null) {
                            releasedBlocks.add(block);
                        }
                        removeRequester(s, b, block, peerId);
                        if (slotPiece[s] < 0) {
                            break; // slot released: the piece is fresh again
                        }
                    }
                }
            }
        } else {
            parole[w] &= ~(1L << peerId);
            paroleCount--;
            for (int s = 0; s < slotHigh; s++) {
                if (slotOwner[s] == peerId) {
                    slotOwner[s] = -1;
                }
            }
        }
    }

    /** True if the peer is on parole ({@link #setParole}). */
    public boolean onParole(int peerId) {
        int w = peerId >>> 6;
        return w < parole.length && (parole[w] & (1L << peerId)) != 0;
    }

    /** The peer that owns a downloading piece (it is on parole), or -1. */
    public int owner(int piece) {
        int s = pieceSlot[checkPiece(piece)];
        return s < 0 ? -1 : slotOwner[s];
    }

    /**
     * Appends the downloading pieces that hold a block received from {@code peerId}. When the peer goes on parole
     * these mix its data with others', so a failure would not say who lied; when it is banned its blocks are suspect.
     * The session abandons them ({@link #pieceFailed}) so that every piece a suspect touches is its own. Returns how
     * many.
     */
    public int taintedPieces(int peerId, IntList out) {
        int n = 0;
        for (int s = 0; s < slotHigh; s++) {
            if (slotPiece[s] < 0) {
                continue;
            }
            int base = s * stride;
            for (int b = 0, count = slotBlocks[s]; b < count; b++) {
                if (blockState[base + b] >= BLOCK_RECEIVED && blockPeer[base + b] == peerId) {
                    out.add(slotPiece[s]);
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /** May {@code peerId} take blocks of slot {@code s}: owned slots are their owner's, a paroled peer takes only its own. */
    private boolean mayTake(int s, int peerId) {
        int owner = slotOwner[s];
        if (owner >= 0) {
            return owner == peerId;
        }
        return paroleCount == 0 || !onParole(peerId);
    }

    /** True if an open slot exists that {@code peerId} may take blocks of (endgame waits until none is left). */
    private boolean hasOpenFor(int peerId) {
        for (int s = openHead; s >= 0; s = openNext[s]) {
            if (mayTake(s, peerId)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- piece events

    /** The piece passed its hash check (or was found complete at startup): we have it. */
    public void pieceVerified(int piece) {
        checkPiece(piece);
        if (have.get(piece)) {
            return;
        }
        int s = pieceSlot[piece];
        if (s >= 0) {
            releaseSlot(s);
        } else if (keyOf[piece] >= 0) {
            removeFresh(piece);
        }
        have.set(piece);
        wantedMissing.clear(piece);
    }

    /**
     * The piece failed its hash check: all its blocks are reset and it is wanted again. Outstanding requests
     * for it are forgotten; blocks that still arrive are accepted as unrequested.
     */
    public void pieceFailed(int piece) {
        checkPiece(piece);
        if (have.get(piece)) {
            throw new IllegalStateException("piece " + piece + " was verified; use pieceLost");
        }
        int s = pieceSlot[piece];
        if (s >= 0) {
            releaseSlot(s);
            if (priority[piece] > 0) {
                addFresh(piece);
            }
        }
    }

    /** A piece we had is gone (data deleted or failed a recheck): it is wanted again if its priority allows. */
    public void pieceLost(int piece) {
        checkPiece(piece);
        if (!have.clear(piece)) {
            return;
        }
        if (priority[piece] > 0) {
            wantedMissing.set(piece);
            addFresh(piece);
        }
    }

    // ---------------------------------------------------------------- inspection

    /** State of a block: {@link #BLOCK_NONE}, {@link #BLOCK_REQUESTED}, {@link #BLOCK_RECEIVED} or {@link #BLOCK_WRITTEN}; had pieces report written. */
    public byte blockState(int block) {
        int p = layout.pieceOf(block);
        if (have.get(p)) {
            return BLOCK_WRITTEN;
        }
        int s = pieceSlot[p];
        return s < 0 ? BLOCK_NONE : blockState[s * stride + (block - slotFirst[s])];
    }

    /** Appends the peers that have {@code block} requested; returns how many. */
    public int requesters(int block, IntList out) {
        int p = layout.pieceOf(block);
        int s = pieceSlot[p];
        if (s < 0) {
            return 0;
        }
        int i = s * stride + (block - slotFirst[s]);
        if (blockState[i] != BLOCK_REQUESTED) {
            return 0;
        }
        out.add(blockPeer[i]);
        int n = 1;
        for (int d = 0; d < dupBlock.size(); d++) {
            if (dupBlock.get(d) == block) {
                out.add(dupPeer.get(d));
                n++;
            }
        }
        return n;
    }

    /** The peer a received block came from, or -1 (for smart ban bookkeeping). */
    public int blockSource(int block) {
        int p = layout.pieceOf(block);
        int s = pieceSlot[p];
        if (s < 0) {
            return -1;
        }
        int i = s * stride + (block - slotFirst[s]);
        return blockState[i] >= BLOCK_RECEIVED ? blockPeer[i] : -1;
    }

    /** Number of pieces with blocks in flight or received but not yet verified. */
    public int downloadingCount() {
        return slotsInUse;
    }

    /** Appends the pieces that are downloading (partially requested, received or awaiting their hash). */
    public void downloadingPieces(IntList out) {
        for (int s = 0; s < slotHigh; s++) {
            if (slotPiece[s] >= 0) {
                out.add(slotPiece[s]);
            }
        }
    }

    /** True if the piece is wanted, not had, and nothing of it is requested or received. */
    public boolean isFresh(int piece) {
        return keyOf[checkPiece(piece)] >= 0;
    }

    /** Blocks of {@code piece} received so far (0 for pieces not downloading). */
    public int receivedBlocks(int piece) {
        int s = pieceSlot[checkPiece(piece)];
        return s < 0 ? 0 : slotReceived[s];
    }

    /** Nanos of the last request or block for a downloading piece, or {@link Long#MIN_VALUE}. */
    public long lastActivity(int piece) {
        int s = pieceSlot[checkPiece(piece)];
        return s < 0 ? Long.MIN_VALUE : slotActivity[s];
    }

    // ---------------------------------------------------------------- fresh buckets

    private int keyFor(int p) {
        return (PRIORITY_TOP - priority[p]) * AVAILABILITY_LEVELS + Math.min(avail[p], AVAILABILITY_LEVELS - 1);
    }

    private void addFresh(int p) {
        int pr = priority[p];
        bucketInsert(p, keyFor(p));
        freshByPriority[pr].set(p);
        freshCountByPriority[pr]++;
        if (p < sequentialCursor[pr]) {
            sequentialCursor[pr] = p;
        }
        freshCount++;
    }

    private void removeFresh(int p) {
        int pr = priority[p];
        bucketRemove(p);
        freshByPriority[pr].clear(p);
        freshCountByPriority[pr]--;
        freshCount--;
    }

    private void rekey(int p) {
        int k = keyFor(p);
        if (k != keyOf[p]) {
            bucketRemove(p);
            bucketInsert(p, k);
        }
    }

    private void bucketInsert(int p, int k) {
        int size = bucketSize[k];
        int[] arr = bucket[k];
        if (arr == null) {
            arr = bucket[k] = new int[8];
        } else if (size == arr.length) {
            arr = bucket[k] = Arrays.copyOf(arr, size << 1);
        }
        int r = size == 0 ? 0 : random.nextInt(size + 1);
        if (r != size) {
            int moved = arr[r];
            arr[size] = moved;
            bucketPos[moved] = size;
        }
        arr[r] = p;
        bucketPos[p] = r;
        bucketSize[k] = size + 1;
        keyOf[p] = (short) k;
        if (size == 0) {
            nonEmpty[k >>> 6] |= 1L << k;
        }
    }

    private void bucketRemove(int p) {
        int k = keyOf[p];
        int[] arr = bucket[k];
        int last = --bucketSize[k];
        int pos = bucketPos[p];
        int moved = arr[last];
        arr[pos] = moved;
        bucketPos[moved] = pos;
        keyOf[p] = -1;
        if (last == 0) {
            nonEmpty[k >>> 6] &= ~(1L << k);
        }
    }

    private int nextNonEmptyKey(int from) {
        if (from >= KEYS) {
            return -1;
        }
        int w = from >>> 6;
        long word = nonEmpty[w] & (-1L << from);
        while (true) {
            if (word != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(word);
            }
            if (++w == nonEmpty.length) {
                return -1;
            }
            word = nonEmpty[w];
        }
    }

    // ---------------------------------------------------------------- slots

    /** Starts a fresh piece; a peer on parole ({@code by}) becomes its owner. */
    private int startPiece(int p, long now, int by) {
        removeFresh(p);
        int s;
        if (!freeSlots.isEmpty()) {
            s = freeSlots.removeLast();
        } else {
            if (slotHigh == slotCapacity) {
                growSlots(slotCapacity << 1);
            }
            s = slotHigh++;
        }
        int n = layout.blocksInPiece(p);
        slotPiece[s] = p;
        slotFirst[s] = layout.firstBlock(p);
        slotBlocks[s] = n;
        slotNone[s] = n;
        slotReceived[s] = 0;
        slotWritten[s] = 0;
        slotHint[s] = 0;
        slotActivity[s] = now;
        int base = s * stride;
        Arrays.fill(blockState, base, base + n, BLOCK_NONE);
        Arrays.fill(blockPeer, base, base + n, -1);
        Arrays.fill(blockRequesters, base, base + n, (byte) 0);
        pieceSlot[p] = s;
        slotOwner[s] = by >= 0 && paroleCount > 0 && onParole(by) ? by : -1;
        slotsInUse++;
        addOpen(s);
        return s;
    }

    private void releaseSlot(int s) {
        int p = slotPiece[s];
        if (slotOpen[s]) {
            removeOpen(s);
        }
        if (!dupBlock.isEmpty()) {
            int first = slotFirst[s];
            int end = first + slotBlocks[s];
            for (int d = dupBlock.size() - 1; d >= 0; d--) {
                int blk = dupBlock.get(d);
                if (blk >= first && blk < end) {
                    removeDup(d);
                }
            }
        }
        pieceSlot[p] = -1;
        slotPiece[s] = -1;
        slotOwner[s] = -1;
        slotsInUse--;
        freeSlots.add(s);
    }

    private void addOpen(int s) {
        slotOpen[s] = true;
        openPrev[s] = openTail;
        openNext[s] = -1;
        if (openTail >= 0) {
            openNext[openTail] = s;
        } else {
            openHead = s;
        }
        openTail = s;
    }

    private void removeOpen(int s) {
        slotOpen[s] = false;
        int prev = openPrev[s];
        int next = openNext[s];
        if (prev >= 0) {
            openNext[prev] = next;
        } else {
            openHead = next;
        }
        if (next >= 0) {
            openPrev[next] = prev;
        } else {
            openTail = prev;
        }
    }

    private void growSlots(int capacity) {
        slotPiece = grow(slotPiece, capacity);
        slotFirst = grow(slotFirst, capacity);
        slotBlocks = grow(slotBlocks, capacity);
        slotNone = grow(slotNone, capacity);
        slotReceived = grow(slotReceived, capacity);
        slotWritten = grow(slotWritten, capacity);
        slotHint = grow(slotHint, capacity);
        openPrev = grow(openPrev, capacity);
        openNext = grow(openNext, capacity);
        int oldCapacity = slotOwner == null ? 0 : slotOwner.length;
        slotOwner = grow(slotOwner, capacity);
        Arrays.fill(slotOwner, oldCapacity, capacity, -1);
        slotActivity = slotActivity == null ? new long[capacity] : Arrays.copyOf(slotActivity, capacity);
        slotOpen = slotOpen == null ? new boolean[capacity] : Arrays.copyOf(slotOpen, capacity);
        long blocks = (long) capacity * stride;
        if (blocks > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("too many pieces in flight: " + capacity);
        }
        blockState = blockState == null ? new byte[(int) blocks] : Arrays.copyOf(blockState, (int) blocks);
        blockPeer = grow(blockPeer, (int) blocks);
        blockRequesters = blockRequesters == null ? new byte[(int) blocks] : Arrays.copyOf(blockRequesters, (int) blocks);
        slotCapacity = capacity;
    }

    private static int[] grow(int[] a, int capacity) {
        return a == null ? new int[capacity] : Arrays.copyOf(a, capacity);
    }

    private int dupIndex(int block, int peerId) {
        for (int d = 0, n = dupBlock.size(); d < n; d++) {
            if (dupBlock.get(d) == block && dupPeer.get(d) == peerId) {
                return d;
            }
        }
        return -1;
    }

    private void removeDup(int d) {
        dupBlock.removeAtSwap(d);
        dupPeer.removeAtSwap(d);
    }

    private int checkPiece(int piece) {
        if (piece < 0 || piece >= pieceCount) {
            throw new IndexOutOfBoundsException("piece " + piece + " of " + pieceCount);
        }
        return piece;
    }

    private void checkSize(Bitfield b) {
        if (b.size() != pieceCount) {
            throw new IllegalArgumentException("bitfield of " + b.size() + " pieces for a torrent of " + pieceCount);
        }
    }

    /** Verifies every internal invariant; for tests. Throws {@link AssertionError} on the first violation. */
    void checkInvariants() {
        int fresh = 0;
        int[] freshPr = new int[PRIORITY_TOP + 1];
        int wanted = 0;
        for (int p = 0; p < pieceCount; p++) {
            boolean isFresh = keyOf[p] >= 0;
            boolean downloading = pieceSlot[p] >= 0;
            boolean had = have.get(p);
            check(!(had && (isFresh || downloading)), "had piece " + p + " is fresh or downloading");
            check(!(isFresh && downloading), "piece " + p + " both fresh and downloading");
            if (priority[p] > 0) {
                wanted++;
                check(had || isFresh || downloading, "wanted piece " + p + " is nowhere");
            } else {
                check(!isFresh, "skipped piece " + p + " is fresh");
            }
            check(wantedMissing.get(p) == (!had && priority[p] > 0), "wantedMissing of " + p);
            for (int pr = 1; pr <= PRIORITY_TOP; pr++) {
                check(freshByPriority[pr].get(p) == (isFresh && priority[p] == pr), "freshByPriority of " + p);
            }
            if (isFresh) {
                fresh++;
                freshPr[priority[p]]++;
                int k = keyOf[p];
                check(k == keyFor(p), "key of " + p);
                check(bucket[k][bucketPos[p]] == p, "bucket position of " + p);
                check(p >= sequentialCursor[priority[p]], "sequential cursor past fresh piece " + p);
            }
        }
        check(fresh == freshCount, "fresh count");
        check(wanted == wantedCount, "wanted count");
        for (int pr = 1; pr <= PRIORITY_TOP; pr++) {
            check(freshPr[pr] == freshCountByPriority[pr], "fresh count of priority " + pr);
        }
        int bucketTotal = 0;
        for (int k = 0; k < KEYS; k++) {
            bucketTotal += bucketSize[k];
            check(((nonEmpty[k >>> 6] >>> k) & 1) == (bucketSize[k] > 0 ? 1 : 0), "non-empty bit of key " + k);
        }
        check(bucketTotal == freshCount, "bucket total");
        int used = 0;
        int openCount = 0;
        for (int s = 0; s < slotHigh; s++) {
            int p = slotPiece[s];
            if (p < 0) {
                check(!slotOpen[s], "free slot " + s + " is open");
                check(slotOwner[s] == -1, "free slot " + s + " has an owner");
                continue;
            }
            if (slotOwner[s] >= 0) {
                check(onParole(slotOwner[s]), "owner of slot " + s + " is not on parole");
                for (int b = 0; b < slotBlocks[s]; b++) {
                    int i = s * stride + b;
                    check(blockState[i] == BLOCK_NONE || blockPeer[i] == slotOwner[s] && blockRequesters[i] <= 1,
                            "block " + (slotFirst[s] + b) + " of an owned piece from another peer");
                }
            }
            used++;
            check(pieceSlot[p] == s, "slot " + s + " of piece " + p);
            int none = 0;
            int received = 0;
            int base = s * stride;
            for (int b = 0; b < slotBlocks[s]; b++) {
                byte st = blockState[base + b];
                if (st == BLOCK_NONE) {
                    none++;
                    check(b >= slotHint[s], "unrequested block below hint in slot " + s);
                    check(blockRequesters[base + b] == 0, "requesters of unrequested block");
                } else if (st == BLOCK_REQUESTED) {
                    int dups = 0;
                    for (int d = 0; d < dupBlock.size(); d++) {
                        if (dupBlock.get(d) == slotFirst[s] + b) {
                            dups++;
                            check(dupPeer.get(d) != blockPeer[base + b], "duplicate requester equals first");
                        }
                    }
                    check(blockRequesters[base + b] == 1 + dups, "requester count of block " + (slotFirst[s] + b));
                    check(blockPeer[base + b] >= 0, "requested block without requester");
                } else {
                    received++;
                }
            }
            check(none == slotNone[s], "none count of slot " + s);
            check(received == slotReceived[s], "received count of slot " + s);
            check(none < slotBlocks[s], "slot " + s + " with nothing requested or received");
            check(slotOpen[s] == (none > 0 && priority[p] > 0), "open flag of slot " + s);
            if (slotOpen[s]) {
                openCount++;
            }
        }
        check(used == slotsInUse, "slots in use");
        int listed = 0;
        for (int s = openHead, prev = -1; s >= 0; prev = s, s = openNext[s]) {
            check(openPrev[s] == prev, "open list links");
            check(slotOpen[s], "listed slot not open");
            listed++;
        }
        check(listed == openCount, "open list length");
        for (int d = 0; d < dupBlock.size(); d++) {
            check(blockState(dupBlock.get(d)) == BLOCK_REQUESTED, "duplicate for a block not requested");
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
