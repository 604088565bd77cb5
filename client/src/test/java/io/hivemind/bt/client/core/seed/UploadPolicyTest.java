package io.hivemind.bt.client.core.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.picker.BlockLayout;
import io.hivemind.bt.client.core.picker.PieceAvailability;
import io.hivemind.bt.client.core.seed.UploadPolicy.Verdict;
import io.hivemind.bt.wire.bits.Bitfield;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UploadPolicyTest {
    static final long SEC = 1_000_000_000L;

    /** Availability from a compact string, one digit per piece. */
    static PieceAvailability avail(String digits) {
        int[] a = new int[digits.length()];
        for (int i = 0; i < a.length; i++) {
            a[i] = digits.charAt(i) - '0';
        }
        return avail(a);
    }

    static PieceAvailability avail(int[] a) {
        return new PieceAvailability() {
            @Override
            public int pieceCount() {
                return a.length;
            }

            @Override
            public int availability(int piece) {
                return a[piece];
            }
        };
    }

    static Bitfield bits(String s) {
        Bitfield b = new Bitfield(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == 'x') {
                b.set(i);
            }
        }
        return b;
    }

    static UploadPolicy policy(String availability, boolean strict) {
        BlockLayout layout = BlockLayout.uniform(2 * BlockLayout.BLOCK_SIZE, availability.length() * 2L * BlockLayout.BLOCK_SIZE);
        return new UploadPolicy(layout, avail(availability), new SplittableRandom(7), new UploadPolicy.Config(10 * SEC, strict));
    }

    @Test
    void suggestsRarestPiecesThatNeverLeftAndReservesThem() {
        UploadPolicy u = policy("31214", false);
        IntList a = new IntList();
        assertEquals(2, u.suggest(bits("     "), 0, 2, 0, a));
        assertEquals(Set.of(1, 3), set(a)); // the two pieces of availability 1
        IntList b = new IntList();
        u.suggest(bits("     "), 1, 2, 0, b);
        assertEquals(Set.of(2, 0), set(b)); // reserved pieces go to nobody else
        IntList c = new IntList();
        assertEquals(1, u.suggest(bits("x    "), 2, 3, SEC, c));
        assertEquals(Set.of(4), set(c));
        IntList d = new IntList();
        u.suggest(bits("     "), 3, 1, 11 * SEC, d); // reservations expired
        assertEquals(1, d.size());
        assertTrue(d.get(0) == 1 || d.get(0) == 3);
    }

    @Test
    void piecesSentOnceAreSuggestedAfterNeverSentOnes() {
        UploadPolicy u = policy("111", false);
        u.blockSent(0, 9, 0);
        u.blockSent(1, 9, 0); // piece 0 left
        u.peerGone(9);
        assertTrue(u.hasLeft(0));
        IntList out = new IntList();
        u.suggest(bits("   "), 0, 3, 0, out);
        assertEquals(List.of(1, 2), List.of(out.get(0), out.get(1)).stream().sorted().toList());
        assertEquals(0, out.get(2)); // fewest copies first: the piece already sent comes last
    }

    @Test
    void countsCopiesAndDuplicates() {
        UploadPolicy u = policy("11", false);
        u.blockSent(0, 1, 0);
        assertFalse(u.hasLeft(0));
        u.blockSent(0, 2, 0);
        assertEquals(1, u.duplicateBlocksSent());
        assertEquals(1, u.copiesSent(0));
        assertFalse(u.hasLeft(0)); // block 1 never went out
        u.blockSent(1, 2, 0);
        assertTrue(u.hasLeft(0));
        assertEquals(1, u.piecesLeft());
        assertEquals(3, u.blocksSent());
        assertEquals(3L * BlockLayout.BLOCK_SIZE, u.bytesSent());
        u.blockSent(2, 2, 0);
        u.blockSent(3, 2, 0);
        assertTrue(u.allLeft());
    }

    @Test
    void servesFreshDataFirst() {
        UploadPolicy u = policy("515", false);
        u.blockSent(2, 1, 0);
        u.blockSent(3, 1, 0); // piece 1 sent once
        IntList queue = IntList.of(2, 0, 4, 5, 1);
        assertEquals(1, u.nextToServe(queue)); // block 0: piece 0 never sent; before piece 2 (same key) by order
        assertEquals(-1, u.nextToServe(new IntList()));
        assertTrue(u.serveKey(0) < u.serveKey(2));
    }

    @Test
    void judgesRequestsForDataThatAlreadyLeft() {
        for (boolean strict : new boolean[] {false, true}) {
            UploadPolicy u = policy("111", strict);
            u.blockSent(0, 1, 0);
            u.blockSent(1, 1, 0); // piece 0 left, reserved for peer 1
            assertEquals(Verdict.SERVE, u.judge(2, 2, bits("   "), 0)); // fresh piece
            Verdict later = strict ? Verdict.REJECT : Verdict.SERVE_LATER;
            assertEquals(later, u.judge(0, 2, bits("   "), 0));
            assertEquals(Verdict.SERVE, u.judge(0, 2, bits(" xx"), 0)); // the peer has every fresh piece
            u.blockSent(2, 3, 0);
            assertEquals(later, u.judge(3, 2, bits("   "), 0)); // piece 1 is in transit to peer 3
            assertEquals(Verdict.SERVE, u.judge(3, 3, bits("   "), 0));
        }
    }

    /**
     * Property: judging a peer's whole queue with one {@link UploadPolicy.FreshOption} (how the seeding strategy
     * scans) gives, request by request, the verdicts of {@link UploadPolicy#judge(int, int, Bitfield, long)}, for
     * any blocks sent, reservations (none expiring during the scan) and peer bitfields, strict or not.
     */
    @Test
    void aScanWithOneFreshOptionJudgesLikeSingleCalls() {
        qt().withExamples(300).forAll(longs().all(), integers().between(1, 150), integers().between(0, 400))
                .checkAssert((seed, pieces, sent) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    BlockLayout layout = BlockLayout.uniform(2 * BlockLayout.BLOCK_SIZE, pieces * 2L * BlockLayout.BLOCK_SIZE);
                    UploadPolicy u = new UploadPolicy(layout, avail(new int[pieces]), new SplittableRandom(seed),
                            new UploadPolicy.Config(1_000 * SEC, r.nextBoolean()));
                    for (int i = 0; i < sent; i++) {
                        u.blockSent(r.nextInt(layout.totalBlocks()), r.nextInt(4), i);
                    }
                    int peer = r.nextInt(4);
                    Bitfield has = new Bitfield(pieces);
                    for (int p = 0; p < pieces; p++) {
                        if (r.nextInt(3) == 0) {
                            has.set(p);
                        }
                    }
                    long now = sent + 1;
                    UploadPolicy.FreshOption scan = new UploadPolicy.FreshOption();
                    for (int i = 0; i < 50; i++) {
                        int block = r.nextInt(layout.totalBlocks());
                        assertEquals(u.judge(block, peer, has, now), u.judge(block, peer, has, now, scan),
                                "block " + block);
                    }
                });
    }

    /**
     * Property: an origin whose peers each download the piece it suggests (one piece per peer at a time, any
     * interleaving of blocks) sends no block twice before every piece has left it, and finishes with all left.
     */
    @Test
    void suggestionsNeverDuplicateBeforeEveryPieceLeft() {
        qt().withExamples(200).forAll(longs().all(), integers().between(1, 60), integers().between(1, 12))
                .checkAssert((seed, pieces, peerCount) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int[] sizes = new int[pieces];
                    for (int i = 0; i < pieces; i++) {
                        sizes[i] = r.nextInt(1, 4) * BlockLayout.BLOCK_SIZE;
                    }
                    BlockLayout layout = BlockLayout.of(pieces, i -> sizes[i]);
                    int[] a = new int[pieces];
                    UploadPolicy u = new UploadPolicy(layout, avail(a), new SplittableRandom(seed),
                            new UploadPolicy.Config(1_000 * SEC, false));
                    List<Bitfield> has = new ArrayList<>();
                    int[] target = new int[peerCount];
                    int[] next = new int[peerCount];
                    for (int i = 0; i < peerCount; i++) {
                        has.add(new Bitfield(pieces));
                        target[i] = -1;
                    }
                    long now = 0;
                    for (int step = 0; step < 100_000 && !u.allLeft(); step++) {
                        now += 1000;
                        int peer = r.nextInt(peerCount);
                        if (target[peer] < 0) {
                            IntList s = new IntList();
                            if (u.suggest(has.get(peer), peer, 1, now, s) == 0) {
                                continue;
                            }
                            target[peer] = s.get(0);
                            next[peer] = layout.firstBlock(s.get(0));
                        }
                        int p = target[peer];
                        u.blockSent(next[peer]++, peer, now);
                        assertTrue(u.allLeft() || u.duplicateBlocksSent() == 0, "duplicate before all pieces left");
                        if (next[peer] == layout.firstBlock(p) + layout.blocksInPiece(p)) {
                            has.get(peer).set(p);
                            a[p]++;
                            target[peer] = -1;
                        }
                    }
                    assertTrue(u.allLeft(), "some piece never left");
                    assertEquals(0, u.duplicateBlocksSent());
                });
    }

    private static Set<Integer> set(IntList l) {
        Set<Integer> s = new HashSet<>();
        for (int i = 0; i < l.size(); i++) {
            s.add(l.get(i));
        }
        return s;
    }
}
