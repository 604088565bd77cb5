package io.hivemind.bt.client.core.seed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.wire.bits.Bitfield;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** BEP 16 superseeding behaviour of {@link SuperSeeder}. */
class SuperSeederTest {
    static final long SEC = 1_000_000_000L;

    final Map<Integer, Bitfield> peers = new HashMap<>();
    final IntList who = new IntList();
    final IntList what = new IntList();

    SuperSeeder seeder(String availability, SuperSeeder.Config config) {
        return new SuperSeeder(UploadPolicyTest.avail(availability), peers::get, new SplittableRandom(3), config);
    }

    int join(SuperSeeder s, int id, String has) {
        peers.put(id, UploadPolicyTest.bits(has));
        who.clear();
        what.clear();
        s.peerJoined(id, 0, who, what);
        return who.size();
    }

    /** BEP 16: each connecting peer is told of one piece nobody else was given, the rarest first. */
    @Test
    void offersOneDistinctRarePiecePerPeer() {
        SuperSeeder s = seeder("2122", SuperSeeder.Config.BEP16);
        assertEquals(1, join(s, 0, "    "));
        assertEquals(0, who.get(0));
        assertEquals(1, what.get(0)); // rarest
        assertEquals(1, join(s, 1, "    "));
        assertNotEquals(1, what.get(0));
        assertTrue(s.mayServe(0, 1));
        assertFalse(s.mayServe(0, what.get(0)));
        assertArrayEquals(new int[] {1}, s.offersOf(0));
    }

    /** BEP 16: no new piece until the one given has been seen on another peer. */
    @Test
    void waitsForThePieceToSpread() {
        SuperSeeder s = seeder("1111", SuperSeeder.Config.BEP16);
        join(s, 0, "    ");
        int given = what.get(0);
        join(s, 1, "    ");
        who.clear();
        what.clear();
        peers.get(0).set(given);
        assertEquals(0, s.peerHas(0, given, SEC, who, what)); // peer 0 finished it: not enough
        peers.get(1).set(given);
        assertEquals(1, s.peerHas(1, given, SEC, who, what)); // seen at peer 1: peer 0 gets another
        assertEquals(0, who.get(0));
        assertNotEquals(given, what.get(0));
        assertEquals(0, s.holderOf(what.get(0)));
        assertEquals(-1, s.holderOf(given));
    }

    @Test
    void aJoiningPeerThatHasThePieceProvesItSpread() {
        SuperSeeder s = seeder("1111", SuperSeeder.Config.BEP16);
        join(s, 0, "    ");
        int given = what.get(0);
        String has = "    ".substring(0, given) + "x" + "    ".substring(given + 1);
        assertEquals(2, join(s, 1, has)); // peer 0 re-offered, peer 1 offered
    }

    @Test
    void departedHoldersReleaseTheirPieces() {
        SuperSeeder s = seeder("11", SuperSeeder.Config.BEP16);
        join(s, 0, "  ");
        join(s, 1, "  ");
        assertEquals(0, join(s, 2, "  ")); // both pieces held
        s.peerLeft(0);
        who.clear();
        what.clear();
        s.peerLeft(2);
        assertEquals(1, join(s, 2, "  "));
    }

    @Test
    void eagerModeRecyclesStaleOffers() {
        SuperSeeder s = seeder("1111", new SuperSeeder.Config(2, 10 * SEC));
        assertEquals(2, join(s, 0, "    "));
        who.clear();
        what.clear();
        assertEquals(0, s.tick(5 * SEC, who, what));
        assertEquals(2, s.tick(10 * SEC, who, what)); // both replaced by pieces never shown to the peer
        assertEquals(2, s.offersOf(0).length);
        assertEquals(0, s.tick(11 * SEC, who, what)); // the new offers are fresh
    }

    /** Property: a piece has at most one holder, a peer at most offersPerPeer offers, offers are pieces it lacked. */
    @Test
    void offersStayConsistent() {
        qt().withExamples(200).forAll(longs().all(), lists().of(integers().all()).ofSizeBetween(1, 200))
                .checkAssert((seed, ops) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int n = r.nextInt(1, 30);
                    int per = r.nextInt(1, 4);
                    int[] a = new int[n];
                    Map<Integer, Bitfield> table = new HashMap<>();
                    SuperSeeder s = new SuperSeeder(UploadPolicyTest.avail(a), table::get, new SplittableRandom(seed),
                            new SuperSeeder.Config(per, r.nextBoolean() ? 0 : 5 * SEC));
                    long now = 0;
                    for (int op : ops) {
                        SplittableRandom o = new SplittableRandom(op);
                        now += o.nextInt(1, (int) SEC);
                        int id = o.nextInt(6);
                        IntList ws = new IntList();
                        IntList ps = new IntList();
                        switch (o.nextInt(4)) {
                            case 0 -> {
                                if (!table.containsKey(id)) {
                                    Bitfield b = new Bitfield(n);
                                    for (int i = 0; i < n; i++) {
                                        if (o.nextInt(4) == 0) {
                                            b.set(i);
                                        }
                                    }
                                    table.put(id, b);
                                    s.peerJoined(id, now, ws, ps);
                                }
                            }
                            case 1 -> {
                                if (table.containsKey(id)) {
                                    int p = o.nextInt(n);
                                    if (table.get(id).set(p)) {
                                        s.peerHas(id, p, now, ws, ps);
                                    }
                                }
                            }
                            case 2 -> {
                                table.remove(id);
                                s.peerLeft(id);
                            }
                            default -> s.tick(now, ws, ps);
                        }
                        for (int i = 0; i < ws.size(); i++) {
                            assertFalse(table.get(ws.get(i)).get(ps.get(i)), "offered a piece the peer has");
                        }
                        int[] holders = new int[n];
                        java.util.Arrays.fill(holders, -1);
                        for (int peer : List.copyOf(table.keySet())) {
                            int[] mine = s.offersOf(peer);
                            assertTrue(mine.length <= per, "too many offers");
                            for (int p : mine) {
                                assertEquals(-1, holders[p], "piece held twice");
                                holders[p] = peer;
                                assertTrue(s.mayServe(peer, p));
                            }
                        }
                        for (int p = 0; p < n; p++) {
                            assertEquals(holders[p], s.holderOf(p), "holder of " + p);
                        }
                    }
                });
    }
}
