package io.hivemind.bt.client.core.conn;

import static io.hivemind.bt.client.core.conn.PeerCandidateList.SOURCE_DHT;
import static io.hivemind.bt.client.core.conn.PeerCandidateList.SOURCE_INCOMING;
import static io.hivemind.bt.client.core.conn.PeerCandidateList.SOURCE_LSD;
import static io.hivemind.bt.client.core.conn.PeerCandidateList.SOURCE_PEX;
import static io.hivemind.bt.client.core.conn.PeerCandidateList.SOURCE_TRACKER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.hivemind.bt.client.core.conn.PeerCandidateList.State;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PeerCandidateListTest {
    static final long SEC = 1_000_000_000L;

    static InetSocketAddress addr(int i) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}), 6881);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static List<InetSocketAddress> dial(PeerCandidateList l, int max, long now) {
        List<InetSocketAddress> out = new ArrayList<>();
        l.nextToDial(max, now, false, out);
        return out;
    }

    @Test
    void deduplicatesAndMergesSources() {
        PeerCandidateList l = new PeerCandidateList(PeerCandidateList.Config.DEFAULT);
        assertTrue(l.add(addr(1), SOURCE_TRACKER, 0));
        assertFalse(l.add(addr(1), SOURCE_DHT, 0));
        assertEquals(1, l.size());
        assertEquals(SOURCE_TRACKER | SOURCE_DHT, l.sources(addr(1)));
        assertFalse(l.add(new InetSocketAddress(addr(2).getAddress(), 0), SOURCE_PEX, 0)); // port 0
        assertFalse(l.add(InetSocketAddress.createUnresolved("example.org", 1), SOURCE_PEX, 0));
        assertThrows(IllegalArgumentException.class, () -> l.add(addr(3), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> l.add(addr(3), 1 << 10, 0));
    }

    @Test
    void dialsUntriedAndBetterSourcesFirst() {
        PeerCandidateList l = new PeerCandidateList(PeerCandidateList.Config.DEFAULT);
        l.add(addr(1), SOURCE_DHT, 0);
        l.add(addr(2), SOURCE_PEX, 0);
        l.add(addr(3), SOURCE_LSD, 0);
        l.add(addr(4), SOURCE_TRACKER, 0);
        assertEquals(List.of(addr(3), addr(4)), dial(l, 2, 0));
        assertEquals(State.CONNECTING, l.state(addr(3)));
        assertEquals(List.of(addr(2), addr(1)), dial(l, 5, 0));
        assertEquals(List.of(), dial(l, 5, 0)); // everything is connecting
        l.disconnected(addr(3), 0);
        assertEquals(List.of(), dial(l, 5, 59 * SEC)); // reconnect delay
        assertEquals(List.of(addr(3)), dial(l, 5, 60 * SEC));
    }

    @Test
    void failedDialsBackOffExponentiallyThenDrop() {
        PeerCandidateList l = new PeerCandidateList(PeerCandidateList.Config.DEFAULT);
        l.add(addr(1), SOURCE_TRACKER, 0);
        long now = 0;
        long wait = 30 * SEC;
        for (int f = 1; f < 5; f++) {
            assertEquals(List.of(addr(1)), dial(l, 1, now));
            l.dialFailed(addr(1), now);
            assertEquals(f, l.failures(addr(1)));
            assertEquals(List.of(), dial(l, 1, now + wait - 1));
            now += wait;
            wait *= 2;
        }
        assertEquals(List.of(addr(1)), dial(l, 1, now));
        l.dialFailed(addr(1), now); // fifth failure: dropped
        assertFalse(l.contains(addr(1)));
    }

    @Test
    void successResetsFailures() {
        PeerCandidateList l = new PeerCandidateList(PeerCandidateList.Config.DEFAULT);
        l.add(addr(1), SOURCE_TRACKER, 0);
        dial(l, 1, 0);
        l.dialFailed(addr(1), 0);
        dial(l, 1, 30 * SEC);
        assertTrue(l.connected(addr(1), 31 * SEC));
        assertEquals(0, l.failures(addr(1)));
        assertEquals(State.CONNECTED, l.state(addr(1)));
    }

    @Test
    void bannedAndSelfAreNeverDialed() {
        PeerCandidateList l = new PeerCandidateList(PeerCandidateList.Config.DEFAULT);
        l.add(addr(1), SOURCE_TRACKER, 0);
        l.ban(addr(1), 0);
        l.markSelf(addr(2), 0);
        l.add(addr(2), SOURCE_TRACKER, 0);
        l.add(addr(1), SOURCE_PEX, 0);
        assertEquals(List.of(), dial(l, 10, 0));
        assertTrue(l.isBanned(addr(1)));
        assertTrue(l.isBanned(addr(2)));
        assertFalse(l.connected(addr(1), 0)); // an incoming banned peer must be closed
        assertFalse(l.remove(addr(1)));
        assertFalse(l.addresses().contains(addr(2)));
    }

    @Test
    void incomingPeersJoinTheList() {
        PeerCandidateList l = new PeerCandidateList(PeerCandidateList.Config.DEFAULT);
        assertTrue(l.connected(addr(5), 0));
        assertEquals(SOURCE_INCOMING, l.sources(addr(5)));
        assertEquals(State.CONNECTED, l.state(addr(5)));
        assertNull(l.state(addr(6)));
    }

    @Test
    void seedsAreSkippedWhenWeSeed() {
        PeerCandidateList l = new PeerCandidateList(PeerCandidateList.Config.DEFAULT);
        l.add(addr(1), SOURCE_PEX, 0);
        l.markSeed(addr(1), true);
        List<InetSocketAddress> out = new ArrayList<>();
        assertEquals(0, l.nextToDial(5, 0, true, out));
        assertEquals(0, l.dialableCount(0, true));
        assertEquals(1, l.nextToDial(5, 0, false, out));
    }

    @Test
    void fullListEvictsTheWorstIdleCandidate() {
        PeerCandidateList l = new PeerCandidateList(new PeerCandidateList.Config(3, 5, SEC, 10 * SEC, SEC));
        l.add(addr(1), SOURCE_TRACKER, 0);
        l.add(addr(2), SOURCE_TRACKER, 1);
        l.add(addr(3), SOURCE_TRACKER, 2);
        InetSocketAddress connecting = dial(l, 1, 10 * SEC).get(0);
        InetSocketAddress failed = dial(l, 1, 20 * SEC).get(0);
        l.dialFailed(failed, 20 * SEC);
        assertTrue(l.add(addr(4), SOURCE_DHT, 30 * SEC));
        assertEquals(3, l.size());
        assertFalse(l.contains(failed)); // the idle entry with the most failures made room
        assertTrue(l.contains(connecting));
        PeerCandidateList busy = new PeerCandidateList(new PeerCandidateList.Config(1, 5, SEC, 10 * SEC, SEC));
        busy.add(addr(1), SOURCE_TRACKER, 0);
        dial(busy, 1, 0);
        assertFalse(busy.add(addr(2), SOURCE_TRACKER, 0)); // the only entry is connecting
    }

    /**
     * Property: the list never exceeds its bound, never hands out an address twice, and never dials one that is
     * banned, ours, already connecting or connected, or still backing off.
     */
    @Test
    void neverDialsWhatItMustNot() {
        qt().withExamples(300).forAll(lists().of(integers().all()).ofSizeBetween(1, 300)).checkAssert(ops -> {
            PeerCandidateList.Config cfg = new PeerCandidateList.Config(20, 3, SEC, 8 * SEC, 2 * SEC);
            PeerCandidateList l = new PeerCandidateList(cfg);
            Map<InetSocketAddress, Long> notBefore = new HashMap<>();
            Set<InetSocketAddress> busy = new HashSet<>();
            Set<InetSocketAddress> banned = new HashSet<>();
            long now = 0;
            for (int op : ops) {
                SplittableRandom r = new SplittableRandom(op);
                now += r.nextLong(0, 3 * SEC);
                InetSocketAddress a = addr(r.nextInt(40));
                switch (r.nextInt(7)) {
                    case 0, 1 -> l.add(a, 1 << r.nextInt(7), now);
                    case 2 -> {
                        List<InetSocketAddress> out = dial(l, r.nextInt(1, 6), now);
                        assertEquals(out.size(), new HashSet<>(out).size());
                        for (InetSocketAddress d : out) {
                            assertFalse(banned.contains(d), "dialed a banned address");
                            assertTrue(busy.add(d), "dialed an address in use");
                            assertTrue(notBefore.getOrDefault(d, Long.MIN_VALUE) <= now, "dialed during back-off");
                        }
                    }
                    case 3 -> {
                        if (busy.remove(a)) {
                            l.dialFailed(a, now);
                            long f = l.failures(a);
                            notBefore.put(a, now + Math.min(8 * SEC, SEC << Math.max(0, f - 1)));
                        }
                    }
                    case 4 -> {
                        if (busy.contains(a)) {
                            l.connected(a, now);
                        }
                    }
                    case 5 -> {
                        if (busy.remove(a)) {
                            l.disconnected(a, now);
                            notBefore.put(a, now + 2 * SEC);
                        }
                    }
                    default -> {
                        if (r.nextBoolean()) {
                            l.ban(a, now);
                            if (l.contains(a)) {
                                banned.add(a);
                            }
                        }
                    }
                }
                assertTrue(l.size() <= 20);
                if (!l.contains(a)) {
                    notBefore.remove(a);
                }
            }
        });
    }
}
