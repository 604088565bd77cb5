package io.hivemind.bt.client.core.picker;

import static io.hivemind.bt.client.core.picker.PiecePicker.BLOCK_NONE;
import static io.hivemind.bt.client.core.picker.PiecePicker.BLOCK_RECEIVED;
import static io.hivemind.bt.client.core.picker.PiecePicker.BLOCK_REQUESTED;
import static io.hivemind.bt.client.core.picker.PiecePicker.BLOCK_WRITTEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.picker.PiecePicker.BlockResult;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Unit tests for {@link PiecePicker}, with state set up from compact strings, one character per piece:
 * availability {@code "1234"} (digits), have {@code " x  "} ('x' = verified), priority {@code "4470"} (digits).
 * Pieces have 4 blocks of 16 KiB unless a test says otherwise, so piece {@code p} owns blocks {@code 4p..4p+3}.
 */
class PiecePickerTest {
    static final int BPP = 4; // blocks per piece in the default layout
    static final long NOW = 1_000_000_000L;

    static PiecePicker picker(String availability, String have, String priority) {
        return picker(availability, have, priority, PiecePicker.Config.DEFAULT, 1);
    }

    static PiecePicker picker(String availability, String have, String priority, PiecePicker.Config config, long seed) {
        int n = availability.length();
        PiecePicker p = new PiecePicker(BlockLayout.uniform(BPP * BlockLayout.BLOCK_SIZE, (long) n * BPP * BlockLayout.BLOCK_SIZE),
                new SplittableRandom(seed), config);
        for (int i = 0; i < n; i++) {
            for (int a = availability.charAt(i) - '0'; a > 0; a--) {
                p.peerHas(i);
            }
            if (have != null && have.charAt(i) == 'x') {
                p.pieceVerified(i);
            }
            if (priority != null) {
                p.setPriority(i, priority.charAt(i) - '0');
            }
        }
        p.checkInvariants();
        return p;
    }

    static int[] pick(PiecePicker p, PickerPeer peer, int max) {
        IntList out = new IntList();
        int n = p.pickBlocks(peer, max, NOW, out);
        assertEquals(out.size(), n);
        p.checkInvariants();
        return out.toArray();
    }

    static Set<Integer> pieces(int[] blocks) {
        Set<Integer> s = new TreeSet<>();
        for (int b : blocks) {
            s.add(b / BPP);
        }
        return s;
    }

    static String all(int n) {
        return "x".repeat(n);
    }

    @Test
    void picksRarestPieceFirst() {
        PiecePicker p = picker("3141592", null, null);
        Set<Integer> first = pieces(pick(p, TestPeer.of(0, all(7)), 4));
        first.addAll(pieces(pick(p, TestPeer.of(1, all(7)), 4)));
        assertEquals(Set.of(1, 3), first); // the two pieces of availability 1
        assertEquals(Set.of(6), pieces(pick(p, TestPeer.of(2, all(7)), 4))); // then availability 2
    }

    @Test
    void picksOnlyPiecesThePeerHasAndWeLack() {
        PiecePicker p = picker("1111", "x   ", null);
        TestPeer peer = TestPeer.of(0, "xx x");
        assertEquals(Set.of(1, 3), pieces(pick(p, peer, 100)));
        assertEquals(0, pick(p, TestPeer.of(1, "x   "), 100).length);
    }

    @Test
    void seedsShiftEveryPieceEqually() {
        PiecePicker p = picker("2212", null, null);
        p.seedJoined();
        p.seedJoined();
        assertEquals(4, p.availability(0));
        assertEquals(3, p.availability(2));
        assertEquals(Set.of(2), pieces(pick(p, TestPeer.seed(0, 4), 4)));
        p.seedLeft();
        assertEquals(1, p.seedCount());
    }

    /** Ties are broken at random: different seeds choose different pieces, always among the rarest. */
    @Test
    void breaksTiesRandomly() {
        Set<Integer> firsts = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            PiecePicker p = picker("2111112", null, null, PiecePicker.Config.DEFAULT, seed);
            int first = pick(p, TestPeer.of(0, all(7)), 1)[0] / BPP;
            assertTrue(first >= 1 && first <= 5, "picked a non-rarest piece " + first);
            firsts.add(first);
        }
        assertTrue(firsts.size() >= 3, "ties not randomised: " + firsts);
    }

    @Test
    void priorityTiersComeBeforeRarity() {
        PiecePicker p = picker("2195", null, "4471");
        assertEquals(Set.of(2), pieces(pick(p, TestPeer.of(0, all(4)), 4))); // priority 7 despite availability 9
        assertEquals(Set.of(1), pieces(pick(p, TestPeer.of(0, all(4)), 4))); // then priority 4, rarest first
        assertEquals(Set.of(0), pieces(pick(p, TestPeer.of(0, all(4)), 4)));
        assertEquals(Set.of(3), pieces(pick(p, TestPeer.of(0, all(4)), 4))); // priority 1 last
    }

    @Test
    void skippedPiecesAreNeverPickedAndNotNeededForDone() {
        PiecePicker p = picker("1111", null, "4040");
        assertEquals(2, p.wantedCount());
        assertEquals(Set.of(0, 2), pieces(pick(p, TestPeer.of(0, all(4)), 100)));
        assertFalse(p.isInteresting(TestPeer.bits(" x x")));
        assertTrue(p.isInteresting(TestPeer.bits("x   ")));
        p.pieceVerified(0);
        assertFalse(p.isDone());
        p.pieceVerified(2);
        assertTrue(p.isDone());
        assertFalse(p.isSeed());
        assertEquals(0, pick(p, TestPeer.of(0, all(4)), 100).length);
        p.setPriority(1, 1);
        assertFalse(p.isDone());
        assertEquals(Set.of(1), pieces(pick(p, TestPeer.of(0, all(4)), 100)));
        p.checkInvariants();
    }

    /** A started piece is finished before a new one is started, even when the new one is rarer. */
    @Test
    void prefersPartialPieces() {
        PiecePicker p = picker("5511", null, null);
        TestPeer a = TestPeer.of(0, "x   ");
        assertArrayEquals(new int[] {0}, pick(p, a, 1)); // piece 0 started with one block
        TestPeer b = TestPeer.of(1, all(4));
        int[] picked = pick(p, b, 4);
        assertArrayEquals(new int[] {1, 2, 3}, java.util.Arrays.copyOf(picked, 3)); // rest of piece 0 first
        assertTrue(picked[3] == 8 || picked[3] == 12, "then a rarest piece: " + picked[3]);
        assertEquals(2, p.downloadingCount());
    }

    @Test
    void partialPreferenceRespectsHigherPriorityFreshPieces() {
        PiecePicker p = picker("1111", null, null);
        assertArrayEquals(new int[] {0}, pick(p, TestPeer.of(0, "x   "), 1));
        p.setPriority(3, 7);
        assertEquals(3, pick(p, TestPeer.of(1, all(4)), 4)[0] / BPP); // top-priority piece before partial piece 0
    }

    @Test
    void shortLastPieceHasFewerBlocks() {
        BlockLayout layout = BlockLayout.uniform(4 * BlockLayout.BLOCK_SIZE, 4L * 4 * BlockLayout.BLOCK_SIZE + 100);
        assertEquals(5, layout.pieceCount());
        assertEquals(1, layout.blocksInPiece(4));
        assertEquals(100, layout.blockLength(16));
        PiecePicker p = new PiecePicker(layout, new SplittableRandom(1));
        p.peerHas(0);
        p.peerHas(1);
        p.peerHas(2);
        p.peerHas(3);
        assertArrayEquals(new int[] {16}, pick(p, TestPeer.seed(0, 5), 1)); // piece 4 is rarest
        IntList cancel = new IntList();
        assertEquals(BlockResult.PIECE_COMPLETE, p.blockReceived(16, 0, NOW, cancel));
    }

    /** BEP 52: v2 pieces end at file boundaries, so any piece may be short. */
    @Test
    void perPieceSizesFromAFunction() {
        int[] sizes = {65536, 20000, 65536, 1, 49152};
        BlockLayout layout = BlockLayout.of(sizes.length, i -> sizes[i]);
        assertEquals(4 + 2 + 4 + 1 + 3, layout.totalBlocks());
        assertEquals(4, layout.firstBlock(1));
        assertEquals(1, layout.pieceOf(5));
        assertEquals(20000 - 16384, layout.blockLength(5));
        assertEquals(16384, layout.blockOffset(5));
        assertEquals(3, layout.pieceOf(10));
        assertEquals(4, layout.pieceOf(13));
        assertEquals(2, layout.pieceAt(65536 + 20000));
        assertEquals(3, layout.pieceAt(65536 + 20000 + 65536));
        PiecePicker p = new PiecePicker(layout, new SplittableRandom(1));
        IntList out = new IntList();
        p.pickBlocks(TestPeer.seed(0, 5), 100, NOW, out);
        assertEquals(14, out.size());
        Set<Integer> distinct = new HashSet<>();
        for (int i = 0; i < out.size(); i++) {
            distinct.add(out.get(i));
        }
        assertEquals(14, distinct.size());
        IntList cancel = new IntList();
        assertEquals(BlockResult.ACCEPTED, p.blockReceived(4, 0, NOW, cancel));
        assertEquals(BlockResult.PIECE_COMPLETE, p.blockReceived(5, 0, NOW, cancel));
        assertEquals(BlockResult.PIECE_COMPLETE, p.blockReceived(10, 0, NOW, cancel));
        p.checkInvariants();
    }

    @Test
    void sequentialModePicksInIndexOrderWithinPriorityTiers() {
        PiecePicker p = picker("911119", null, "444474", PiecePicker.Config.DEFAULT.withSequential(true), 1);
        TestPeer peer = TestPeer.of(0, "xx xxx");
        assertEquals(Set.of(4), pieces(pick(p, peer, 4)));
        assertEquals(Set.of(0), pieces(pick(p, peer, 4)));
        assertEquals(Set.of(1), pieces(pick(p, peer, 4)));
        assertEquals(Set.of(3), pieces(pick(p, peer, 4))); // peer lacks 2
        p.setSequential(false);
        assertEquals(Set.of(5), pieces(pick(p, peer, 4)));
        p.pieceFailed(0); // back to fresh: the cursor must find it again
        p.setSequential(true);
        assertEquals(Set.of(0), pieces(pick(p, TestPeer.seed(1, 6), 4)));
    }

    @Test
    void endgameDuplicatesRequestsAndCancelsOnArrival() {
        PiecePicker p = picker("11", null, null);
        TestPeer a = TestPeer.of(0, "xx");
        TestPeer b = TestPeer.of(1, "xx");
        TestPeer c = TestPeer.of(2, "xx");
        TestPeer d = TestPeer.of(3, "xx");
        assertEquals(8, pick(p, a, 100).length);
        assertTrue(p.isEndgame());
        int[] dup = pick(p, b, 3);
        assertEquals(3, dup.length);
        assertEquals(8, pick(p, c, 100).length); // c duplicates every block, preferring those with one requester
        assertEquals(5, pick(p, d, 100).length); // at most 3 requesters per block: 8 blocks * 3 - 8 - 3 - 8
        assertEquals(0, pick(p, b, 100).length);
        IntList req = new IntList();
        assertEquals(3, p.requesters(dup[0], req));
        IntList cancel = new IntList();
        assertEquals(BlockResult.ACCEPTED, p.blockReceived(dup[0], 1, NOW, cancel));
        assertEquals(Set.of(0, 1, 2), asSet(req)); // a, b, and c (d found it full)
        assertEquals(Set.of(0, 2), asSet(cancel));
        cancel.clear();
        assertEquals(BlockResult.DUPLICATE, p.blockReceived(dup[0], 0, NOW, cancel));
        assertTrue(cancel.isEmpty());
    }

    @Test
    void endgameIsNotEnteredWhileAnotherPeerCouldStillFetchFreshBlocks() {
        PiecePicker p = picker("11", null, null);
        assertEquals(4, pick(p, TestPeer.of(0, "x "), 100).length);
        assertFalse(p.isEndgame());
        assertEquals(0, pick(p, TestPeer.of(1, "x "), 100).length); // piece 1 is still fresh: no duplicates
    }

    @Test
    void endgameWithOneRequesterPerBlockNeverDuplicates() {
        PiecePicker p = picker("1", null, null, PiecePicker.Config.DEFAULT.withEndgameMaxRequesters(1), 1);
        pick(p, TestPeer.of(0, "x"), 100);
        assertTrue(p.isEndgame());
        assertEquals(0, pick(p, TestPeer.of(1, "x"), 100).length);
    }

    /** BEP 6: a choking peer serves only its allowed-fast set. */
    @Test
    void chokedPeerGetsOnlyAllowedFastPieces() {
        PiecePicker p = picker("1111", " x  ", null);
        TestPeer peer = TestPeer.of(0, all(4));
        peer.choking = true;
        assertEquals(0, pick(p, peer, 100).length);
        peer.allowedFast.add(1); // had
        peer.allowedFast.add(3);
        peer.allowedFast.add(99); // out of range: ignored
        assertEquals(Set.of(3), pieces(pick(p, peer, 100)));
        peer.choking = false;
        assertEquals(Set.of(0, 2), pieces(pick(p, peer, 100)));
    }

    /** BEP 6 suggest piece: taken before rarer pieces of the same priority, ignored for lower priorities. */
    @Test
    void suggestedPiecesAreHints() {
        PiecePicker p = picker("1155", null, "4441");
        TestPeer peer = TestPeer.of(0, all(4));
        peer.suggested.add(3); // lower priority: not before the others
        peer.suggested.add(2);
        assertEquals(Set.of(2), pieces(pick(p, peer, 4)));
        assertEquals(1, p.downloadingCount());
        Set<Integer> next = pieces(pick(p, peer, 8));
        assertEquals(Set.of(0, 1), next);
    }

    @Test
    void failedHashResetsThePiece() {
        PiecePicker p = picker("12", null, null);
        TestPeer peer = TestPeer.of(0, "xx");
        int[] blocks = pick(p, peer, 4);
        IntList cancel = new IntList();
        for (int i = 0; i < 3; i++) {
            assertEquals(BlockResult.ACCEPTED, p.blockReceived(blocks[i], 0, NOW, cancel));
        }
        assertEquals(BlockResult.PIECE_COMPLETE, p.blockReceived(blocks[3], 0, NOW, cancel));
        assertTrue(p.blockWritten(blocks[0]));
        assertEquals(BLOCK_WRITTEN, p.blockState(blocks[0]));
        assertEquals(BLOCK_RECEIVED, p.blockState(blocks[1]));
        assertEquals(0, p.blockSource(blocks[1]));
        p.pieceFailed(0);
        p.checkInvariants();
        assertTrue(p.isFresh(0));
        assertEquals(BLOCK_NONE, p.blockState(blocks[0]));
        assertEquals(Set.of(0), pieces(pick(p, TestPeer.of(1, "xx"), 4)));
        for (int b : blocks) {
            p.blockReceived(b, 1, NOW, cancel);
        }
        p.pieceVerified(0);
        assertTrue(p.hasPiece(0));
        assertEquals(BlockResult.DUPLICATE, p.blockReceived(blocks[0], 1, NOW, cancel));
        assertThrows(IllegalStateException.class, () -> p.pieceFailed(0));
    }

    @Test
    void disconnectReleasesRequestedBlocks() {
        PiecePicker p = picker("111", null, null);
        TestPeer a = TestPeer.of(0, all(3));
        int[] blocks = pick(p, a, 6); // one whole piece and half of another
        IntList cancel = new IntList();
        p.blockReceived(blocks[0], 0, NOW, cancel);
        assertEquals(5, p.peerGone(0));
        p.checkInvariants();
        assertEquals(1, p.downloadingCount()); // the piece with a received block stays partial
        assertEquals(2, pieces(blocks).size());
        int[] again = pick(p, TestPeer.of(1, all(3)), 3);
        assertArrayEquals(new int[] {blocks[1], blocks[2], blocks[3]}, again); // partial piece first
        assertEquals(0, p.peerGone(0));
    }

    @Test
    void abortedRequestsBecomeRequestableAgain() {
        PiecePicker p = picker("1", null, null);
        int[] blocks = pick(p, TestPeer.of(0, "x"), 2);
        assertTrue(p.abortRequest(blocks[1], 0));
        assertFalse(p.abortRequest(blocks[1], 0));
        assertFalse(p.abortRequest(blocks[0], 7));
        assertEquals(BLOCK_NONE, p.blockState(blocks[1]));
        assertEquals(BLOCK_REQUESTED, p.blockState(blocks[0]));
        assertArrayEquals(new int[] {1, 2, 3}, pick(p, TestPeer.of(1, "x"), 3));
        assertTrue(p.abortRequest(blocks[0], 0));
        p.checkInvariants();
    }

    @Test
    void abortingEveryRequestReturnsThePieceToFresh() {
        PiecePicker p = picker("1", null, null);
        int[] blocks = pick(p, TestPeer.of(0, "x"), 2);
        for (int b : blocks) {
            p.abortRequest(b, 0);
        }
        assertTrue(p.isFresh(0));
        assertEquals(0, p.downloadingCount());
        p.checkInvariants();
    }

    @Test
    void unrequestedBlocksAreAcceptedForWantedPieces() {
        PiecePicker p = picker("11", null, "40");
        IntList cancel = new IntList();
        assertEquals(BlockResult.ACCEPTED, p.blockReceived(2, 5, NOW, cancel));
        assertEquals(1, p.downloadingCount());
        assertEquals(BlockResult.UNWANTED, p.blockReceived(5, 5, NOW, cancel));
        assertEquals(BlockResult.DUPLICATE, p.blockReceived(2, 5, NOW, cancel));
        assertArrayEquals(new int[] {0, 1, 3}, pick(p, TestPeer.of(0, "xx"), 10));
    }

    @Test
    void skippingADownloadingPieceStopsRequestsButKeepsBlocks() {
        PiecePicker p = picker("1", null, null);
        int[] first = pick(p, TestPeer.of(0, "x"), 1);
        p.setPriority(0, 0);
        assertEquals(0, pick(p, TestPeer.of(1, "x"), 10).length);
        assertTrue(p.isDone());
        IntList cancel = new IntList();
        assertEquals(BlockResult.ACCEPTED, p.blockReceived(first[0], 0, NOW, cancel));
        p.setPriority(0, 2);
        assertEquals(3, pick(p, TestPeer.of(1, "x"), 10).length);
        p.checkInvariants();
    }

    @Test
    void availabilityFromBitfieldsAndDisconnects() {
        PiecePicker p = picker("0000", null, null);
        p.peerBitfield(TestPeer.bits("xx x"));
        p.peerBitfield(TestPeer.bits(" x x"));
        p.peerHas(2);
        assertEquals(1, p.availability(0));
        assertEquals(2, p.availability(1));
        assertEquals(1, p.availability(2));
        p.peerLeft(TestPeer.bits("xx x"));
        assertEquals(0, p.availability(0));
        assertEquals(1, p.availability(3));
        p.checkInvariants();
        assertThrows(IllegalStateException.class, () -> p.peerLost(0));
        assertThrows(IllegalStateException.class, p::seedLeft);
        assertThrows(IllegalArgumentException.class, () -> p.peerBitfield(TestPeer.bits("xx")));
        assertThrows(IndexOutOfBoundsException.class, () -> p.peerHas(4));
    }

    /** A peer with few pieces goes through the bitfield walk; the result must still be its rarest piece. */
    @Test
    void sparsePeerGetsItsRarestPiece() {
        StringBuilder avail = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            avail.append((char) ('1' + (i % 7)));
        }
        avail.setCharAt(150, '5');
        avail.setCharAt(170, '2');
        PiecePicker p = picker(avail.toString(), null, null);
        StringBuilder has = new StringBuilder(" ".repeat(200));
        has.setCharAt(150, 'x');
        has.setCharAt(170, 'x');
        has.setCharAt(171, 'x'); // availability 3
        assertEquals(Set.of(170), pieces(pick(p, TestPeer.of(0, has.toString()), 4)));
    }

    @Test
    void lostPiecesAreWantedAgain() {
        PiecePicker p = picker("11", "xx", null);
        assertTrue(p.isDone());
        assertTrue(p.isSeed());
        p.pieceLost(1);
        assertFalse(p.isDone());
        assertEquals(Set.of(1), pieces(pick(p, TestPeer.of(0, "xx"), 10)));
    }

    @Test
    void rejectsBadArguments() {
        PiecePicker p = picker("11", null, null);
        assertThrows(IllegalArgumentException.class, () -> p.setPriority(0, 8));
        assertThrows(IllegalArgumentException.class, () -> p.setPriority(0, -1));
        assertThrows(IllegalArgumentException.class, () -> p.pickBlocks(TestPeer.of(-1, "xx"), 1, NOW, new IntList()));
        assertThrows(IllegalArgumentException.class, () -> p.pickBlocks(TestPeer.of(0, "xxx"), 1, NOW, new IntList()));
        assertThrows(IndexOutOfBoundsException.class, () -> p.blockReceived(8, 0, NOW, new IntList()));
        assertThrows(IllegalArgumentException.class, () -> new PiecePicker.Config(false, 0));
    }

    @Test
    void emptyTorrentIsDone() {
        PiecePicker p = new PiecePicker(BlockLayout.uniform(16384, 0), new SplittableRandom(1));
        assertTrue(p.isDone());
        assertEquals(0, p.pickBlocks(TestPeer.of(0, ""), 10, NOW, new IntList()));
    }

    private static Set<Integer> asSet(IntList l) {
        Set<Integer> s = new TreeSet<>();
        for (int i = 0; i < l.size(); i++) {
            s.add(l.get(i));
        }
        return s;
    }
}
