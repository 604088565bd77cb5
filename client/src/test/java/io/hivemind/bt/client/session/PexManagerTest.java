package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.ext.PexPeer;
import io.hivemind.bt.wire.ext.UtPex;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** BEP 11 decisions on a virtual clock: diffs, pacing, limits, and what we take from others. */
class PexManagerTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final long T0 = 5_000_000_000_000L;

    /** A fake connection. Identity matters, not equality. */
    private static final class P implements PexManager.Peer {
        final InetSocketAddress listen;
        int flags;

        P(int port) {
            this.listen = port == 0 ? null : new InetSocketAddress("127.0.0.1", port);
        }

        @Override
        public InetSocketAddress remoteListenAddress() {
            return listen;
        }

        @Override
        public int pexFlags() {
            return flags;
        }
    }

    private static Set<Integer> ports(List<PexPeer> l) {
        Set<Integer> s = new HashSet<>();
        for (PexPeer p : l) {
            s.add(p.address().getPort());
        }
        return s;
    }

    private static Set<Integer> droppedPorts(UtPex m) {
        Set<Integer> s = new HashSet<>();
        for (InetSocketAddress a : m.dropped()) {
            s.add(a.getPort());
        }
        return s;
    }

    @Test
    void firstMessageAfterTheHandshakeThenOnePerMinuteWithDiffs() {
        PexManager m = new PexManager(PexManager.Config.DEFAULT);
        P to = new P(1000);
        P a = new P(1001);
        P b = new P(1002);
        a.flags = PexPeer.SEED | PexPeer.REACHABLE;
        List<P> connected = new ArrayList<>(List.of(to, a, b));
        assertNull(m.nextMessage(to, connected, T0), "no handshake yet");
        m.handshake(to, 7, T0);
        assertEquals(7, m.remoteId(to));
        assertNull(m.nextMessage(to, connected, T0 + S / 2), "first delay");
        UtPex first = m.nextMessage(to, connected, T0 + S);
        assertNotNull(first);
        assertEquals(Set.of(1001, 1002), ports(first.added()), "everyone but the recipient");
        assertEquals(PexPeer.SEED | PexPeer.REACHABLE, first.added().get(0).flags());
        assertTrue(first.dropped().isEmpty());

        // b leaves, c arrives: nothing before a minute has passed (BEP 11: at most one message per minute)
        P c = new P(1003);
        connected.remove(b);
        connected.add(c);
        for (long t = T0 + 2 * S; t < T0 + 61 * S; t += S) {
            assertNull(m.nextMessage(to, connected, t), "at " + (t - T0) / S + " s");
        }
        UtPex second = m.nextMessage(to, connected, T0 + 61 * S);
        assertEquals(Set.of(1003), ports(second.added()));
        assertEquals(Set.of(1002), droppedPorts(second));
        assertEquals(2, m.messagesSent(to));
    }

    /** BEP 11: transient connections between two messages may be elided; never added and dropped together. */
    @Test
    void transientConnectionsAreElided() {
        PexManager m = new PexManager(PexManager.Config.DEFAULT);
        P to = new P(1000);
        P a = new P(1001);
        m.handshake(to, 1, T0);
        assertNotNull(m.nextMessage(to, List.of(to, a), T0 + S));
        P flash = new P(1009);
        assertNull(m.nextMessage(to, List.of(to, a, flash), T0 + 30 * S));
        // flash came and went before the next message: not mentioned at all
        assertNull(m.nextMessage(to, List.of(to, a), T0 + 62 * S), "nothing changed since the last message");
        P d = new P(1004);
        UtPex next = m.nextMessage(to, List.of(to, d), T0 + 63 * S);
        assertEquals(Set.of(1004), ports(next.added()));
        assertEquals(Set.of(1001), droppedPorts(next));
        for (PexPeer p : next.added()) {
            assertTrue(!next.dropped().contains(p.address()));
        }
    }

    @Test
    void peersWithoutAListenAddressAndTheRecipientAreNotAdvertised() {
        PexManager m = new PexManager(PexManager.Config.DEFAULT);
        P to = new P(1000);
        P incomingNoPort = new P(0);
        m.handshake(to, 1, T0);
        assertNull(m.nextMessage(to, List.of(to, incomingNoPort), T0 + S), "nothing to say");
        P a = new P(1001);
        assertEquals(Set.of(1001), ports(m.nextMessage(to, List.of(to, incomingNoPort, a), T0 + 2 * S).added()));
    }

    /** BEP 11: at most 50 added and 50 dropped per message; the rest follows in the next. */
    @Test
    void listsAreCapped() {
        PexManager m = new PexManager(PexManager.Config.DEFAULT);
        P to = new P(1000);
        List<P> many = new ArrayList<>(List.of(to));
        for (int i = 0; i < 120; i++) {
            many.add(new P(2000 + i));
        }
        m.handshake(to, 1, T0);
        Set<Integer> told = new HashSet<>();
        long t = T0 + S;
        for (int round = 0; round < 3; round++, t += 60 * S) {
            UtPex msg = m.nextMessage(to, many, t);
            assertTrue(msg.added().size() <= 50, "added " + msg.added().size());
            told.addAll(ports(msg.added()));
        }
        assertEquals(120, told.size(), "everyone advertised within three messages");
        UtPex drops = m.nextMessage(to, List.of(to), t);
        assertEquals(50, drops.dropped().size());
        assertTrue(drops.added().isEmpty());
    }

    @Test
    void handshakeWithIdZeroStopsMessages() {
        PexManager m = new PexManager(PexManager.Config.DEFAULT);
        P to = new P(1000);
        m.handshake(to, 0, T0);
        assertNull(m.nextMessage(to, List.of(to, new P(1001)), T0 + 10 * S));
        m.handshake(to, 3, T0 + 10 * S);
        m.handshake(to, 0, T0 + 10 * S);
        assertEquals(0, m.remoteId(to));
        assertNull(m.nextMessage(to, List.of(to, new P(1001)), T0 + 20 * S));
        m.gone(to);
        assertEquals(0, m.size());
    }

    /** Inbound pacing: a burst of three, then one per 45 s; a peer that keeps flooding is flagged. */
    @Test
    void inboundFloodsAreIgnoredThenFlagged() {
        PexManager m = new PexManager(PexManager.Config.DEFAULT);
        P from = new P(1000);
        UtPex msg = new UtPex(List.of(PexPeer.of(new InetSocketAddress("10.0.0.1", 1))), List.of());
        List<PexManager.Verdict> v = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            v.add(m.received(from, msg, T0, new ArrayList<>()));
        }
        assertEquals(List.of(PexManager.Verdict.ACCEPTED, PexManager.Verdict.ACCEPTED, PexManager.Verdict.ACCEPTED,
                PexManager.Verdict.IGNORED, PexManager.Verdict.IGNORED, PexManager.Verdict.IGNORED,
                PexManager.Verdict.IGNORED, PexManager.Verdict.IGNORED, PexManager.Verdict.FLOOD), v);
        P polite = new P(1001);
        for (int i = 0; i < 20; i++) {
            assertEquals(PexManager.Verdict.ACCEPTED, m.received(polite, msg, T0 + i * 60 * S, new ArrayList<>()),
                    "one a minute is always fine");
        }
    }

    /** BEP 11 "Security Considerations": bounded intake per source and per IP; junk addresses dropped. */
    @Test
    void intakeIsBounded() {
        PexManager m = new PexManager(PexManager.Config.DEFAULT);
        P from = new P(1000);
        List<PexPeer> added = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            added.add(PexPeer.of(new InetSocketAddress("10.0.0.9", i))); // 30 ports of one host
        }
        added.add(PexPeer.of(new InetSocketAddress("10.0.0.8", 0)));
        added.add(PexPeer.of(new InetSocketAddress("0.0.0.0", 5)));
        added.add(PexPeer.of(new InetSocketAddress("224.0.0.1", 5)));
        added.add(PexPeer.of(new InetSocketAddress("10.0.0.7", 5)));
        added.add(PexPeer.of(new InetSocketAddress("10.0.0.7", 5)));
        List<PexPeer> take = new ArrayList<>();
        m.received(from, new UtPex(added, List.of()), T0, take);
        assertEquals(8 + 1, take.size(), "8 ports of 10.0.0.9 and 10.0.0.7 once: " + take);

        List<PexPeer> lots = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            lots.add(PexPeer.of(new InetSocketAddress("10.1." + (i / 250) + "." + (i % 250 + 1), 6881)));
        }
        int total = take.size();
        for (int round = 0; round < 3; round++) {
            List<PexPeer> t = new ArrayList<>();
            m.received(from, new UtPex(lots, List.of()), T0 + (round + 1) * 60 * S, t);
            total += t.size();
        }
        assertEquals(200, total, "at most 200 addresses from one peer over its connection");
    }
}
