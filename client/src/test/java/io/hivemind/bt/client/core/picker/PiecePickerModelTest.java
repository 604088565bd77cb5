package io.hivemind.bt.client.core.picker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.picker.PiecePicker.BlockResult;
import io.hivemind.bt.wire.bits.Bitfield;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Property test: the {@link PiecePicker} agrees with a naive reference model (plain arrays and sets, no buckets,
 * slots or lists) over random sequences of peer, priority, pick, block and piece events. After every event the
 * picker's invariants hold and its observable state (availability, block states, requesters, have, done,
 * endgame) equals the model's. Every pick is checked against the rules the picker promises: only wanted blocks
 * the peer has; all free blocks up to the limit; partial pieces before new ones; new pieces rarest first (or in
 * order when sequential) within priority tiers; duplicates only in endgame, fewest requesters first; only the
 * allowed-fast set (BEP 6) while choked.
 */
class PiecePickerModelTest {
    static final byte NONE = PiecePicker.BLOCK_NONE;
    static final byte REQ = PiecePicker.BLOCK_REQUESTED;
    static final byte RECV = PiecePicker.BLOCK_RECEIVED;
    static final byte WRITTEN = PiecePicker.BLOCK_WRITTEN;
    static final int PEERS = 6;

    @Test
    void agreesWithReferenceModel() {
        qt().withExamples(400).withShrinkCycles(200)
                .forAll(longs().all(), lists().of(integers().all()).ofSizeBetween(1, 160))
                .checkAssert(PiecePickerModelTest::run);
    }

    /** A few fixed long runs, so regressions show even if the random examples change. */
    @Test
    void longRuns() {
        for (long seed = 1; seed <= 6; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            List<Integer> ops = new ArrayList<>();
            for (int i = 0; i < 1500; i++) {
                ops.add(r.nextInt());
            }
            run(seed, ops);
        }
    }

    static void run(long seed, List<Integer> ops) {
        Model m = new Model(new SplittableRandom(seed));
        for (int op : ops) {
            m.step(op);
        }
    }

    static final class Model {
        final BlockLayout layout;
        final PiecePicker picker;
        final int n;
        final int maxReq;
        final int[] avail;
        int seeds;
        final int[] prio;
        final boolean[] have;
        final byte[] state;
        final List<Set<Integer>> requesters = new ArrayList<>();
        boolean sequential;
        final TreeMap<Integer, Bitfield> peers = new TreeMap<>(); // connected peer -> pieces (null bits = seed)
        final Set<Integer> seedPeers = new HashSet<>();
        long now = 1;

        Model(SplittableRandom r) {
            n = r.nextInt(1, 25);
            boolean uniform = r.nextBoolean();
            int uniformBlocks = r.nextInt(1, 6);
            int[] sizes = new int[n];
            for (int i = 0; i < n; i++) {
                int blocks = uniform ? uniformBlocks : r.nextInt(1, 6);
                sizes[i] = blocks * BlockLayout.BLOCK_SIZE - (r.nextInt(4) == 0 ? r.nextInt(BlockLayout.BLOCK_SIZE) : 0);
            }
            if (uniform) {
                sizes[n - 1] = r.nextInt(1, sizes[0] + 1);
            }
            layout = BlockLayout.of(n, i -> sizes[i]);
            maxReq = r.nextInt(1, 4);
            sequential = r.nextInt(4) == 0;
            picker = new PiecePicker(layout, new SplittableRandom(r.nextLong()),
                    new PiecePicker.Config(sequential, maxReq));
            picker.sparseFactor = switch (r.nextInt(3)) {
                case 0 -> 0; // always the bitfield walk
                case 1 -> 1 << 20; // always the bucket scan
                default -> picker.sparseFactor;
            };
            avail = new int[n];
            prio = new int[n];
            java.util.Arrays.fill(prio, PiecePicker.PRIORITY_DEFAULT);
            have = new boolean[n];
            state = new byte[layout.totalBlocks()];
            for (int b = 0; b < state.length; b++) {
                requesters.add(new TreeSet<>());
            }
        }

        void step(int op) {
            SplittableRandom r = new SplittableRandom(op);
            now += r.nextInt(1, 1000);
            switch (Math.floorMod(op, 13)) {
                case 0, 1 -> connect(r);
                case 2 -> haveMessage(r);
                case 3 -> leave(r);
                case 4 -> setPriority(r);
                case 5, 6, 7 -> pick(r);
                case 8, 9 -> receive(r);
                case 10 -> abort(r);
                case 11 -> pieceDone(r);
                default -> other(r);
            }
            picker.checkInvariants();
            compare();
        }

        void connect(SplittableRandom r) {
            int id = r.nextInt(PEERS);
            if (peers.containsKey(id)) {
                return;
            }
            if (r.nextInt(5) == 0) {
                peers.put(id, Bitfield.full(n));
                seedPeers.add(id);
                picker.seedJoined();
                seeds++;
                return;
            }
            Bitfield b = new Bitfield(n);
            int density = r.nextInt(1, 5);
            for (int i = 0; i < n; i++) {
                if (r.nextInt(density) == 0) {
                    b.set(i);
                    avail[i]++;
                }
            }
            peers.put(id, b);
            picker.peerBitfield(b);
        }

        void haveMessage(SplittableRandom r) {
            Integer id = randomPeer(r);
            if (id == null || seedPeers.contains(id)) {
                return;
            }
            Bitfield b = peers.get(id);
            int p = b.nextClear(r.nextInt(n));
            if (p < 0) {
                return;
            }
            b.set(p);
            avail[p]++;
            picker.peerHas(p);
        }

        void leave(SplittableRandom r) {
            Integer id = randomPeer(r);
            if (id == null) {
                return;
            }
            Bitfield b = peers.remove(id);
            if (seedPeers.remove(id)) {
                picker.seedLeft();
                seeds--;
            } else {
                picker.peerLeft(b);
                for (int p = b.nextSet(0); p >= 0; p = b.nextSet(p + 1)) {
                    avail[p]--;
                }
            }
            int expected = 0;
            for (int blk = 0; blk < state.length; blk++) {
                if (state[blk] == REQ && requesters.get(blk).contains(id)) {
                    expected++;
                    dropRequester(blk, id);
                }
            }
            assertEquals(expected, picker.peerGone(id), "peerGone count");
        }

        void setPriority(SplittableRandom r) {
            int p = r.nextInt(n);
            int pr = r.nextInt(4) == 0 ? 0 : r.nextInt(8);
            prio[p] = pr;
            picker.setPriority(p, pr);
        }

        void pick(SplittableRandom r) {
            Integer id = randomPeer(r);
            if (id == null) {
                return;
            }
            Bitfield has = peers.get(id);
            TestPeer peer = new TestPeer(id, has);
            int max = r.nextInt(1, 13);
            if (r.nextInt(8) == 0) {
                peer.choking = true;
                for (int i = r.nextInt(4); i > 0; i--) {
                    peer.allowedFast.add(r.nextInt(n + 1));
                }
            }
            IntList out = new IntList();
            int count = picker.pickBlocks(peer, max, now, out);
            assertEquals(out.size(), count);
            if (peer.choking) {
                checkChokedPick(peer, has, max, out);
            } else {
                checkPick(id, has, max, out);
            }
            for (int i = 0; i < out.size(); i++) {
                int blk = out.get(i);
                state[blk] = REQ;
                requesters.get(blk).add(id);
            }
        }

        void checkChokedPick(TestPeer peer, Bitfield has, int max, IntList out) {
            int free = 0;
            Set<Integer> allowed = new HashSet<>();
            for (int i = 0; i < peer.allowedFast.size(); i++) {
                int p = peer.allowedFast.get(i);
                if (p < n && allowed.add(p) && has.get(p) && prio[p] > 0 && !have[p]) {
                    free += noneBlocks(p);
                }
            }
            assertEquals(Math.min(max, free), out.size(), "choked pick count");
            for (int i = 0; i < out.size(); i++) {
                int blk = out.get(i);
                assertTrue(allowed.contains(layout.pieceOf(blk)), "choked pick outside the allowed-fast set");
                assertEquals(NONE, state[blk]);
            }
        }

        void checkPick(int id, Bitfield has, int max, IntList out) {
            int top = 0;
            for (int p = 0; p < n; p++) {
                if (isFresh(p)) {
                    top = Math.max(top, prio[p]);
                }
            }
            int free = 0;
            Set<Integer> preferred = new HashSet<>();
            Set<Integer> freshHad = new TreeSet<>();
            for (int p = 0; p < n; p++) {
                if (!has.get(p) || prio[p] == 0 || have[p]) {
                    continue;
                }
                free += noneBlocks(p);
                if (isFresh(p)) {
                    freshHad.add(p);
                } else if (prio[p] >= top) {
                    for (int b = layout.firstBlock(p), e = b + layout.blocksInPiece(p); b < e; b++) {
                        if (state[b] == NONE) {
                            preferred.add(b);
                        }
                    }
                }
            }
            Set<Integer> seen = new HashSet<>();
            Set<Integer> regular = new HashSet<>();
            List<Integer> dups = new ArrayList<>();
            Set<Integer> started = new TreeSet<>();
            boolean lowerPartial = false;
            for (int i = 0; i < out.size(); i++) {
                int blk = out.get(i);
                assertTrue(seen.add(blk), "block picked twice");
                int p = layout.pieceOf(blk);
                assertTrue(has.get(p), "peer lacks piece " + p);
                assertTrue(prio[p] > 0 && !have[p], "piece " + p + " not wanted");
                if (state[blk] == NONE) {
                    assertTrue(dups.isEmpty(), "regular block after an endgame duplicate");
                    regular.add(blk);
                    if (freshHad.contains(p)) {
                        started.add(p);
                    } else if (!preferred.contains(blk)) {
                        lowerPartial = true;
                    }
                } else {
                    assertEquals(REQ, state[blk], "duplicate of a block not requested");
                    assertFalse(requesters.get(blk).contains(id), "peer asked twice for one block");
                    assertTrue(requesters.get(blk).size() < maxReq, "too many requesters");
                    dups.add(blk);
                }
            }
            assertEquals(Math.min(max, free), regular.size(), "regular pick count");
            if (preferred.size() >= max) {
                assertTrue(preferred.containsAll(regular), "new piece started before partial pieces were served");
            } else {
                assertTrue(regular.containsAll(preferred), "partial piece blocks left unpicked");
            }
            if (lowerPartial) {
                assertEquals(freshHad, started, "lower-priority partial piece before fresh pieces");
            }
            // started pieces are the lowest keys among the fresh pieces the peer has
            long maxStarted = Long.MIN_VALUE;
            for (int p : started) {
                maxStarted = Math.max(maxStarted, key(p));
            }
            for (int p : freshHad) {
                if (!started.contains(p)) {
                    assertTrue(key(p) >= maxStarted, "piece " + p + " skipped for a worse one (sequential=" + sequential + ")");
                }
            }
            // endgame duplicates
            int globalNone = 0;
            for (int p = 0; p < n; p++) {
                if (prio[p] > 0 && !have[p]) {
                    for (int b = layout.firstBlock(p), e = b + layout.blocksInPiece(p); b < e; b++) {
                        if (state[b] == NONE && !regular.contains(b)) {
                            globalNone++;
                        }
                    }
                }
            }
            boolean endgame = globalNone == 0 && !isDone();
            int dupCandidates = 0;
            int maxDupLevel = 0;
            for (int b : dups) {
                maxDupLevel = Math.max(maxDupLevel, requesters.get(b).size());
            }
            if (endgame) {
                for (int p = 0; p < n; p++) {
                    if (!has.get(p) || prio[p] == 0 || have[p]) {
                        continue;
                    }
                    for (int b = layout.firstBlock(p), e = b + layout.blocksInPiece(p); b < e; b++) {
                        if (state[b] == REQ && !requesters.get(b).contains(id) && requesters.get(b).size() < maxReq) {
                            dupCandidates++;
                            if (!dups.contains(b)) {
                                assertTrue(requesters.get(b).size() >= maxDupLevel,
                                        "endgame duplicated a busier block before a quieter one");
                            }
                        }
                    }
                }
                assertEquals(Math.min(max - regular.size(), dupCandidates), dups.size(), "endgame duplicate count");
            } else {
                assertTrue(dups.isEmpty(), "duplicates outside endgame");
            }
        }

        long key(int p) {
            long tier = PiecePicker.PRIORITY_TOP - prio[p];
            return sequential ? (tier << 32) + p : (tier << 32) + Math.min(avail[p], PiecePicker.AVAILABILITY_LEVELS - 1);
        }

        void receive(SplittableRandom r) {
            int blk;
            int from;
            List<int[]> pairs = requestedPairs();
            if (!pairs.isEmpty() && r.nextInt(5) != 0) {
                int[] pair = pairs.get(r.nextInt(pairs.size()));
                blk = pair[0];
                from = pair[1];
            } else {
                blk = r.nextInt(state.length);
                from = r.nextInt(PEERS);
            }
            int p = layout.pieceOf(blk);
            IntList cancel = new IntList();
            BlockResult result = picker.blockReceived(blk, from, now, cancel);
            BlockResult expected;
            Set<Integer> expectedCancel = new TreeSet<>();
            if (have[p] || state[blk] == RECV || state[blk] == WRITTEN) {
                expected = BlockResult.DUPLICATE;
            } else if (prio[p] == 0 && !isDownloading(p)) {
                expected = BlockResult.UNWANTED;
            } else {
                expectedCancel.addAll(requesters.get(blk));
                expectedCancel.remove(from);
                requesters.get(blk).clear();
                state[blk] = RECV;
                expected = receivedAll(p) ? BlockResult.PIECE_COMPLETE : BlockResult.ACCEPTED;
                if (r.nextBoolean()) {
                    assertTrue(picker.blockWritten(blk));
                    state[blk] = WRITTEN;
                }
                assertEquals(from, picker.blockSource(blk));
            }
            assertEquals(expected, result, "blockReceived result");
            Set<Integer> cancelled = new TreeSet<>();
            for (int i = 0; i < cancel.size(); i++) {
                assertTrue(cancelled.add(cancel.get(i)), "peer cancelled twice");
            }
            assertEquals(expectedCancel, cancelled, "peers to cancel");
        }

        void abort(SplittableRandom r) {
            List<int[]> pairs = requestedPairs();
            int blk;
            int id;
            if (!pairs.isEmpty() && r.nextInt(4) != 0) {
                int[] pair = pairs.get(r.nextInt(pairs.size()));
                blk = pair[0];
                id = pair[1];
            } else {
                blk = r.nextInt(state.length);
                id = r.nextInt(PEERS);
            }
            boolean expected = state[blk] == REQ && requesters.get(blk).contains(id);
            assertEquals(expected, picker.abortRequest(blk, id), "abortRequest result");
            if (expected) {
                dropRequester(blk, id);
            }
        }

        void pieceDone(SplittableRandom r) {
            List<Integer> complete = new ArrayList<>();
            for (int p = 0; p < n; p++) {
                if (!have[p] && receivedAll(p)) {
                    complete.add(p);
                }
            }
            if (complete.isEmpty()) {
                return;
            }
            int p = complete.get(r.nextInt(complete.size()));
            if (r.nextInt(3) == 0) {
                picker.pieceFailed(p);
                resetPiece(p);
            } else {
                picker.pieceVerified(p);
                resetPiece(p);
                have[p] = true;
            }
        }

        void other(SplittableRandom r) {
            switch (r.nextInt(4)) {
                case 0 -> {
                    sequential = !sequential;
                    picker.setSequential(sequential);
                }
                case 1 -> { // resume data or recheck marks a piece had, whatever its state
                    int p = r.nextInt(n);
                    picker.pieceVerified(p);
                    resetPiece(p);
                    have[p] = true;
                }
                case 2 -> {
                    int p = r.nextInt(n);
                    picker.pieceLost(p);
                    have[p] = false;
                }
                default -> {
                    for (int i = 0; i < PEERS; i++) {
                        if (!peers.containsKey(i)) {
                            assertEquals(0, picker.peerGone(i), "peer " + i + " is gone but had requests");
                        }
                    }
                }
            }
        }

        void compare() {
            for (int p = 0; p < n; p++) {
                assertEquals(avail[p] + seeds, picker.availability(p), "availability of " + p);
                assertEquals(have[p], picker.hasPiece(p), "have " + p);
                assertEquals(isFresh(p), picker.isFresh(p), "fresh " + p);
                for (int b = layout.firstBlock(p), e = b + layout.blocksInPiece(p); b < e; b++) {
                    byte expected = have[p] ? WRITTEN : state[b];
                    assertEquals(expected, picker.blockState(b), "state of block " + b);
                    IntList req = new IntList();
                    picker.requesters(b, req);
                    Set<Integer> got = new TreeSet<>();
                    for (int i = 0; i < req.size(); i++) {
                        got.add(req.get(i));
                    }
                    assertEquals(have[p] ? Set.of() : requesters.get(b), got, "requesters of block " + b);
                }
            }
            assertEquals(isDone(), picker.isDone(), "done");
            boolean none = false;
            for (int p = 0; p < n; p++) {
                if (prio[p] > 0 && !have[p] && noneBlocks(p) > 0) {
                    none = true;
                }
            }
            assertEquals(!none && !isDone(), picker.isEndgame(), "endgame");
        }

        boolean isDone() {
            for (int p = 0; p < n; p++) {
                if (prio[p] > 0 && !have[p]) {
                    return false;
                }
            }
            return true;
        }

        boolean isFresh(int p) {
            return prio[p] > 0 && !have[p] && !isDownloading(p);
        }

        boolean isDownloading(int p) {
            if (have[p]) {
                return false;
            }
            for (int b = layout.firstBlock(p), e = b + layout.blocksInPiece(p); b < e; b++) {
                if (state[b] != NONE) {
                    return true;
                }
            }
            return false;
        }

        int noneBlocks(int p) {
            int c = 0;
            for (int b = layout.firstBlock(p), e = b + layout.blocksInPiece(p); b < e; b++) {
                if (state[b] == NONE) {
                    c++;
                }
            }
            return c;
        }

        boolean receivedAll(int p) {
            for (int b = layout.firstBlock(p), e = b + layout.blocksInPiece(p); b < e; b++) {
                if (state[b] != RECV && state[b] != WRITTEN) {
                    return false;
                }
            }
            return true;
        }

        void resetPiece(int p) {
            for (int b = layout.firstBlock(p), e = b + layout.blocksInPiece(p); b < e; b++) {
                state[b] = NONE;
                requesters.get(b).clear();
            }
        }

        void dropRequester(int blk, int id) {
            requesters.get(blk).remove(id);
            if (requesters.get(blk).isEmpty()) {
                state[blk] = NONE;
            }
        }

        List<int[]> requestedPairs() {
            List<int[]> pairs = new ArrayList<>();
            for (int b = 0; b < state.length; b++) {
                if (state[b] == REQ) {
                    for (int id : requesters.get(b)) {
                        pairs.add(new int[] {b, id});
                    }
                }
            }
            return pairs;
        }

        Integer randomPeer(SplittableRandom r) {
            if (peers.isEmpty()) {
                return null;
            }
            List<Integer> ids = new ArrayList<>(peers.keySet());
            return ids.get(r.nextInt(ids.size()));
        }
    }
}
