package io.hivemind.bt.client.core.picker;

import static io.hivemind.bt.client.core.picker.PiecePickerTest.NOW;
import static io.hivemind.bt.client.core.picker.PiecePickerTest.pick;
import static io.hivemind.bt.client.core.picker.PiecePickerTest.picker;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.picker.PiecePicker.BlockResult;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Parole mode of {@link PiecePicker} (smart ban support): a peer on parole downloads whole pieces of its own, and
 * nobody else shares them. Pieces have 4 blocks (see {@link PiecePickerTest}).
 */
class PiecePickerParoleTest {

    @Test
    void paroledPeerStartsItsOwnPieceInsteadOfJoiningAnOpenOne() {
        PiecePicker p = picker("2222", null, null);
        TestPeer a = TestPeer.seed(0, 4);
        TestPeer b = TestPeer.seed(1, 4);
        int[] first = pick(p, a, 2); // a opens a piece and takes half of it
        int piece = first[0] / 4;
        p.setParole(1, true, null);
        int[] second = pick(p, b, 4);
        assertEquals(4, second.length);
        int own = second[0] / 4;
        assertTrue(own != piece, "parole peer must not join the shared piece");
        for (int blk : second) {
            assertEquals(own, blk / 4);
        }
        assertEquals(1, p.owner(own));
        assertEquals(-1, p.owner(piece));
        // a continues its own piece and then starts another: never the owned one
        int[] more = pick(p, a, 16);
        for (int blk : more) {
            assertTrue(blk / 4 != own, "block " + blk + " of the owned piece went to another peer");
        }
        p.checkInvariants();
    }

    @Test
    void goingOnParoleReleasesRequestsInSharedPiecesAndTheirLateBlocksAreUnwanted() {
        PiecePicker p = picker("22", null, null);
        TestPeer a = TestPeer.seed(0, 2);
        TestPeer b = TestPeer.seed(1, 2);
        int[] ofA = pick(p, a, 2);
        int[] ofB = pick(p, b, 2); // same piece as a (partial-piece preference)
        assertEquals(ofA[0] / 4, ofB[0] / 4);
        IntList released = new IntList();
        p.setParole(1, true, released);
        assertArrayEquals(ofB, released.toArray());
        assertEquals(PiecePicker.BLOCK_NONE, p.blockState(ofB[0]));
        assertEquals(BlockResult.UNWANTED, p.blockReceived(ofB[0], 1, NOW, new IntList()));
        assertEquals(BlockResult.ACCEPTED, p.blockReceived(ofA[0], 0, NOW, new IntList()));
        p.checkInvariants();
    }

    @Test
    void blocksFromOthersIntoAnOwnedPieceAreUnwanted() {
        PiecePicker p = picker("22", null, null);
        p.setParole(1, true, null);
        int[] own = pick(p, TestPeer.seed(1, 2), 4);
        int piece = own[0] / 4;
        assertEquals(BlockResult.UNWANTED, p.blockReceived(own[0], 0, NOW, new IntList()));
        assertEquals(BlockResult.ACCEPTED, p.blockReceived(own[0], 1, NOW, new IntList()));
        assertEquals(1, p.owner(piece));
        p.checkInvariants();
    }

    @Test
    void taintedPiecesAreThoseWithABlockFromThePeer() {
        PiecePicker p = picker("222", null, null);
        TestPeer a = TestPeer.seed(0, 3);
        TestPeer b = TestPeer.seed(1, 3);
        int[] ofA = pick(p, a, 2);
        int[] ofB = pick(p, b, 2);
        p.blockReceived(ofA[0], 0, NOW, new IntList());
        p.blockReceived(ofB[0], 1, NOW, new IntList());
        IntList tainted = new IntList();
        assertEquals(1, p.taintedPieces(1, tainted));
        assertEquals(ofB[0] / 4, tainted.get(0));
        IntList none = new IntList();
        p.setParole(2, true, null);
        assertEquals(0, p.taintedPieces(2, none));
    }

    @Test
    void endgameNeverDuplicatesIntoOwnedPieces() {
        PiecePicker p = picker("22", null, null);
        TestPeer a = TestPeer.seed(0, 2);
        p.setParole(1, true, null);
        int[] own = pick(p, TestPeer.seed(1, 2), 4);
        int[] rest = pick(p, a, 4); // the other piece
        int[] dup = pick(p, a, 8); // endgame: only blocks of the piece a already has requested... none left to duplicate
        assertEquals(4, rest.length);
        for (int blk : dup) {
            assertTrue(blk / 4 != own[0] / 4, "endgame duplicated a block of an owned piece");
        }
        p.checkInvariants();
    }

    @Test
    void ownerAbortingTurnsThePieceIntoAnOrdinaryOne() {
        PiecePicker p = picker("22", null, null);
        p.setParole(1, true, null);
        int[] own = pick(p, TestPeer.seed(1, 2), 4);
        int piece = own[0] / 4;
        p.abortRequest(own[3], 1);
        assertEquals(-1, p.owner(piece));
        int[] other = pick(p, TestPeer.seed(0, 2), 8);
        Set<Integer> got = new HashSet<>();
        for (int blk : other) {
            got.add(blk);
        }
        assertTrue(got.contains(own[3]), "the aborted block is open to others");
        p.checkInvariants();
    }

    @Test
    void liftingParoleOrLeavingFreesOwnedPieces() {
        PiecePicker p = picker("22", null, null);
        p.setParole(1, true, null);
        p.setParole(2, true, null);
        int[] one = pick(p, TestPeer.seed(1, 2), 2);
        int[] two = pick(p, TestPeer.seed(2, 2), 2);
        p.setParole(1, false, null);
        assertFalse(p.onParole(1));
        assertEquals(-1, p.owner(one[0] / 4));
        p.peerGone(2);
        assertFalse(p.onParole(2));
        assertEquals(-1, p.owner(two[0] / 4));
        p.checkInvariants();
    }

    /** Random operations with parole changes keep every invariant, and no owned piece ever holds another peer's block. */
    @Test
    void randomOperationsKeepOwnershipExclusive() {
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int pieces = 2 + r.nextInt(12);
            PiecePicker p = picker("3".repeat(pieces), null, null);
            TestPeer[] peers = new TestPeer[4];
            for (int i = 0; i < peers.length; i++) {
                peers[i] = TestPeer.seed(i, pieces);
            }
            IntList[] outstanding = new IntList[peers.length];
            for (int i = 0; i < peers.length; i++) {
                outstanding[i] = new IntList();
            }
            for (int step = 0; step < 300 && !p.isDone(); step++) {
                int who = r.nextInt(peers.length);
                switch (r.nextInt(6)) {
                    case 0, 1 -> {
                        IntList out = new IntList();
                        p.pickBlocks(peers[who], 1 + r.nextInt(6), NOW, out);
                        for (int i = 0; i < out.size(); i++) {
                            outstanding[who].add(out.get(i));
                        }
                    }
                    case 2, 3 -> {
                        if (!outstanding[who].isEmpty()) {
                            int blk = outstanding[who].removeAtSwap(r.nextInt(outstanding[who].size()));
                            int owner = p.owner(blk / 4);
                            BlockResult res = p.blockReceived(blk, who, NOW, new IntList());
                            if (owner >= 0 && owner != who) {
                                assertEquals(BlockResult.UNWANTED, res);
                            }
                            if (res == BlockResult.PIECE_COMPLETE) {
                                if (r.nextBoolean()) {
                                    p.pieceVerified(blk / 4);
                                } else {
                                    p.pieceFailed(blk / 4);
                                }
                            }
                        }
                    }
                    case 4 -> p.setParole(who, r.nextBoolean(), new IntList());
                    default -> {
                        if (!outstanding[who].isEmpty()) {
                            p.abortRequest(outstanding[who].removeLast(), who);
                        }
                    }
                }
                p.checkInvariants();
            }
        }
    }
}
