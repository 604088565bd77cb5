package io.hivemind.bt.client.core.choker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hivemind.bt.client.core.choker.Choker.SeedingAlgorithm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChokerTest {
    static final long SEC = 1_000_000_000L;

    static final class Peer implements ChokerPeerView {
        final int id;
        boolean interested = true;
        boolean snubbed;
        long down;
        long up;
        boolean unchoked;
        long unchokedAt = Long.MIN_VALUE;
        long uploadedSinceUnchoke;
        long connectedAt;
        long lastOptimistic = Long.MIN_VALUE;

        Peer(int id) {
            this.id = id;
        }

        @Override
        public int peerId() {
            return id;
        }

        @Override
        public boolean interested() {
            return interested;
        }

        @Override
        public boolean snubbed() {
            return snubbed;
        }

        @Override
        public long downloadRate() {
            return down;
        }

        @Override
        public long uploadRate() {
            return up;
        }

        @Override
        public boolean unchoked() {
            return unchoked;
        }

        @Override
        public long unchokedAtNanos() {
            return unchokedAt;
        }

        @Override
        public long uploadedSinceUnchoke() {
            return uploadedSinceUnchoke;
        }

        @Override
        public long connectedAtNanos() {
            return connectedAt;
        }

        @Override
        public long lastOptimisticNanos() {
            return lastOptimistic;
        }

        @Override
        public String toString() {
            return "peer" + id;
        }
    }

    static List<Peer> peers(int n) {
        List<Peer> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new Peer(i));
        }
        return l;
    }

    /** Applies a decision the way the session does. */
    static void apply(List<Peer> peers, ChokeDecision<Peer> d, long now) {
        for (Peer p : peers) {
            boolean on = d.unchokes(p);
            if (on && !p.unchoked) {
                p.unchokedAt = now;
                p.uploadedSinceUnchoke = 0;
            }
            p.unchoked = on;
        }
        for (Peer p : d.optimistic()) {
            p.lastOptimistic = now;
        }
    }

    static Set<Integer> ids(List<Peer> l) {
        return l.stream().map(p -> p.id).collect(Collectors.toSet());
    }

    /** Tit-for-tat: the four peers that send to us fastest, among interested ones. */
    @Test
    void downloadingUnchokesTheFastestInterestedPeers() {
        List<Peer> ps = peers(8);
        long[] rates = {10, 80, 30, 70, 60, 20, 90, 50};
        for (int i = 0; i < 8; i++) {
            ps.get(i).down = rates[i];
        }
        ps.get(6).interested = false; // fastest but not interested
        Choker c = new Choker(Choker.Config.DEFAULT, new SplittableRandom(1));
        ChokeDecision<Peer> d = c.decide(ps, false, 0);
        assertEquals(Set.of(1, 3, 4, 7), ids(d.regular()));
        assertEquals(1, d.optimistic().size());
        assertFalse(ids(d.optimistic()).contains(6));
        assertEquals(5, d.unchokedCount());
    }

    /** Anti-snubbing: a snubbing peer loses its regular slot but may still be unchoked optimistically. */
    @Test
    void snubbedPeersOnlyGetTheOptimisticSlot() {
        List<Peer> ps = peers(5);
        for (int i = 0; i < 5; i++) {
            ps.get(i).down = 100 * (i + 1);
        }
        ps.get(4).snubbed = true;
        Choker c = new Choker(Choker.Config.DEFAULT, new SplittableRandom(1));
        ChokeDecision<Peer> d = c.decide(ps, false, 0);
        assertEquals(Set.of(0, 1, 2, 3), ids(d.regular()));
        assertEquals(Set.of(4), ids(d.optimistic()));
    }

    @Test
    void seedingFastestUpload() {
        List<Peer> ps = peers(6);
        long[] up = {5, 1, 9, 7, 3, 8};
        for (int i = 0; i < 6; i++) {
            ps.get(i).up = up[i];
            ps.get(i).down = 100 - i; // ignored while seeding
        }
        Choker c = new Choker(Choker.Config.DEFAULT.withSeeding(SeedingAlgorithm.FASTEST_UPLOAD), new SplittableRandom(1));
        assertEquals(Set.of(2, 3, 5, 0), ids(c.decide(ps, true, 0).regular()));
    }

    /** Round robin: a peer keeps its slot until its quota is used, then the longest-choked peers get a turn. */
    @Test
    void seedingRoundRobinRotatesTurns() {
        List<Peer> ps = peers(6);
        Choker c = new Choker(Choker.Config.DEFAULT.withMaxUploads(2).withOptimisticSlots(0), new SplittableRandom(1));
        long now = 0;
        ChokeDecision<Peer> d = c.decide(ps, true, now);
        apply(ps, d, now);
        Set<Integer> first = ids(d.regular());
        assertEquals(2, first.size());
        now += 10 * SEC;
        d = c.decide(ps, true, now);
        assertEquals(first, ids(d.regular())); // quota not used: keep
        for (Peer p : ps) {
            if (p.unchoked) {
                p.uploadedSinceUnchoke = 4L << 20;
            }
        }
        apply(ps, d, now);
        now += 10 * SEC;
        d = c.decide(ps, true, now);
        Set<Integer> second = ids(d.regular());
        assertEquals(2, second.size());
        assertTrue(second.stream().noneMatch(first::contains), first + " then " + second);
        apply(ps, d, now);
        // time limit: after 60 s the turn ends even without the quota
        now += 60 * SEC;
        d = c.decide(ps, true, now);
        Set<Integer> third = ids(d.regular());
        assertTrue(third.stream().noneMatch(second::contains), second + " then " + third);
        assertTrue(third.stream().noneMatch(first::contains), "never-unchoked peers wait longest: " + third);
    }

    /** The optimistic slot is held for 30 s across 10 s rounds, then moves; a holder that leaves is replaced at once. */
    @Test
    void optimisticSlotRotatesEveryThirtySeconds() {
        List<Peer> ps = peers(7);
        for (int i = 0; i < 4; i++) {
            ps.get(i).down = 1000;
        }
        Choker c = new Choker(Choker.Config.DEFAULT, new SplittableRandom(5));
        ChokeDecision<Peer> d = c.decide(ps, false, 0);
        apply(ps, d, 0);
        Peer opt = d.optimistic().get(0);
        for (long t = 10 * SEC; t < 30 * SEC; t += 10 * SEC) {
            assertFalse(c.isDue(t - 1));
            assertTrue(c.isDue(t));
            d = c.decide(ps, false, t);
            assertEquals(List.of(opt), d.optimistic());
        }
        d = c.decide(ps, false, 30 * SEC);
        apply(ps, d, 30 * SEC);
        Peer next = d.optimistic().get(0);
        assertTrue(next != opt);
        next.interested = false;
        d = c.decide(ps, false, 40 * SEC);
        assertEquals(1, d.optimistic().size());
        assertTrue(d.optimistic().get(0) != next);
    }

    /** New peers (never optimistic, recently connected) are weighted x3, as in the original client. */
    @Test
    void newPeersAreFavoured() {
        List<Peer> ps = peers(2);
        ps.get(0).connectedAt = 0;
        ps.get(0).lastOptimistic = 60 * SEC; // waited 40 s at t = 100 s
        ps.get(1).connectedAt = 90 * SEC; // new: (10 + 30) s * 3
        Choker c = new Choker(Choker.Config.DEFAULT.withMaxUploads(0), new SplittableRandom(1));
        assertEquals(List.of(ps.get(1)), c.decide(ps, false, 100 * SEC).optimistic());
    }

    /** Property: exact slot counts, disjoint, interested only, no snubbed regular peer. */
    @Test
    void slotCountsAreExact() {
        qt().withExamples(500).forAll(longs().all(), integers().between(0, 60), integers().between(0, 8))
                .checkAssert((seed, n, maxUploads) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    List<Peer> ps = peers(n);
                    for (Peer p : ps) {
                        p.interested = r.nextInt(4) != 0;
                        p.snubbed = r.nextInt(6) == 0;
                        p.down = r.nextInt(4) == 0 ? 0 : r.nextLong(1L << 42);
                        p.up = r.nextLong(1000);
                        p.unchoked = r.nextBoolean();
                        p.unchokedAt = r.nextBoolean() ? Long.MIN_VALUE : r.nextLong(100 * SEC);
                        p.connectedAt = r.nextLong(100 * SEC);
                        p.lastOptimistic = r.nextBoolean() ? Long.MIN_VALUE : r.nextLong(100 * SEC);
                    }
                    boolean seeding = r.nextBoolean();
                    Choker.Config cfg = Choker.Config.DEFAULT.withMaxUploads(maxUploads)
                            .withSeeding(r.nextBoolean() ? SeedingAlgorithm.ROUND_ROBIN : SeedingAlgorithm.FASTEST_UPLOAD);
                    ChokeDecision<Peer> d = new Choker(cfg, new SplittableRandom(seed)).decide(ps, seeding, 100 * SEC);
                    long candidates = ps.stream().filter(p -> p.interested && !p.snubbed).count();
                    long interested = ps.stream().filter(p -> p.interested).count();
                    assertEquals(Math.min(candidates, maxUploads), d.regular().size());
                    assertEquals(Math.min(1, interested - d.regular().size()), d.optimistic().size());
                    Set<Peer> all = new HashSet<>(d.regular());
                    for (Peer p : d.optimistic()) {
                        assertTrue(all.add(p), "peer in both lists");
                    }
                    for (Peer p : all) {
                        assertTrue(p.interested);
                    }
                    for (Peer p : d.regular()) {
                        assertFalse(p.snubbed);
                    }
                    if (!seeding) { // tit-for-tat: no candidate left out is faster than one chosen
                        long slowestChosen = d.regular().stream().mapToLong(p -> p.down).min().orElse(Long.MAX_VALUE);
                        for (Peer p : ps) {
                            if (p.interested && !p.snubbed && !d.regular().contains(p)) {
                                assertTrue(Math.min(p.down, (1L << 40) - 1) <= Math.min(slowestChosen, (1L << 40) - 1));
                            }
                        }
                    }
                });
    }

    /**
     * Property: over repeated 30 s rotations, every interested peer without a regular slot holds the optimistic
     * slot within k rotations, k being the number of such peers (plus one per peer that arrives meanwhile).
     */
    @Test
    void optimisticSlotRotatesFairly() {
        qt().withExamples(200).forAll(longs().all(), integers().between(1, 40), integers().between(0, 6))
                .checkAssert((seed, eligible, arrivals) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    List<Peer> ps = peers(4 + eligible);
                    for (int i = 0; i < 4; i++) {
                        ps.get(i).down = 1_000_000; // the regular slots
                    }
                    for (Peer p : ps) {
                        p.connectedAt = -r.nextLong(1000 * SEC);
                    }
                    Choker c = new Choker(Choker.Config.DEFAULT, new SplittableRandom(seed));
                    int[] waited = new int[4 + eligible + arrivals];
                    int bound = eligible + arrivals;
                    long now = 0;
                    int nextId = 4 + eligible;
                    for (int round = 0; round < 4 * bound + 4; round++) {
                        if (nextId < waited.length && r.nextInt(3) == 0) {
                            Peer p = new Peer(nextId++);
                            p.connectedAt = now;
                            ps.add(p);
                        }
                        ChokeDecision<Peer> d = c.decide(ps, false, now);
                        assertEquals(1, d.optimistic().size());
                        apply(ps, d, now);
                        for (Peer p : ps) {
                            if (p.id < 4) {
                                continue;
                            }
                            waited[p.id] = d.optimistic().contains(p) ? 0 : waited[p.id] + 1;
                            assertTrue(waited[p.id] <= bound, p + " waited " + waited[p.id] + " rotations (bound " + bound + ")");
                        }
                        now += 30 * SEC;
                    }
                });
    }

    /** The same seed and inputs give the same decisions. */
    @Test
    void deterministicWithSeededRandom() {
        for (int run = 0; run < 20; run++) {
            List<Peer> a = peers(30);
            List<Peer> b = peers(30);
            Choker ca = new Choker(Choker.Config.DEFAULT, new SplittableRandom(run));
            Choker cb = new Choker(Choker.Config.DEFAULT, new SplittableRandom(run));
            for (long t = 0; t < 300 * SEC; t += 10 * SEC) {
                ChokeDecision<Peer> da = ca.decide(a, t % 20 == 0, t);
                ChokeDecision<Peer> db = cb.decide(b, t % 20 == 0, t);
                assertEquals(ids(da.regular()), ids(db.regular()));
                assertEquals(ids(da.optimistic()), ids(db.optimistic()));
                apply(a, da, t);
                apply(b, db, t);
            }
        }
    }
}
