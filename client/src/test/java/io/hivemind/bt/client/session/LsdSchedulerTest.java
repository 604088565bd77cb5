package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** BEP 14 "Usage": announce at start, every 5 minutes, never more than once a minute per torrent; inbound limits. */
class LsdSchedulerTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final long MIN = TimeUnit.MINUTES.toNanos(1);
    private static final long T0 = 1_000_000_000_000L;

    private static byte[] hash(int i) {
        byte[] h = new byte[20];
        h[0] = (byte) (i >> 8);
        h[1] = (byte) i;
        h[19] = 1;
        return h;
    }

    private static int count(List<List<byte[]>> batches) {
        int n = 0;
        for (List<byte[]> b : batches) {
            n += b.size();
        }
        return n;
    }

    @Test
    void announcesAtOnceThenAfterAMinuteThenEveryFiveMinutes() {
        LsdScheduler s = new LsdScheduler(LsdScheduler.Config.DEFAULT, T0);
        List<byte[]> active = List.of(hash(1));
        List<Long> sentAt = new ArrayList<>();
        for (long t = T0; t <= T0 + 16 * MIN; t += S) {
            if (count(s.due(active, 25, t)) > 0) {
                sentAt.add(t - T0);
            }
        }
        assertEquals(List.of(0L, MIN, 6 * MIN, 11 * MIN, 16 * MIN), sentAt);
    }

    @Test
    void neverMoreThanOncePerMinuteEvenWhenReadded() {
        LsdScheduler s = new LsdScheduler(LsdScheduler.Config.DEFAULT, T0);
        assertEquals(1, count(s.due(List.of(hash(1)), 25, T0)));
        assertEquals(0, count(s.due(List.of(hash(1)), 25, T0 + MIN - 1)));
        // removed and added again: forgotten, so announced at once (a new torrent)
        assertEquals(0, count(s.due(List.of(), 25, T0 + 2 * S)));
        assertEquals(0, s.tracked());
        assertEquals(1, count(s.due(List.of(hash(1)), 25, T0 + 3 * S)));
    }

    /** BEP 14: several info-hashes per packet; packets paced by the budget (4 at once, then one per 10 s). */
    @Test
    void batchesAndPacesPackets() {
        LsdScheduler s = new LsdScheduler(LsdScheduler.Config.DEFAULT, T0);
        List<byte[]> active = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            active.add(hash(i));
        }
        List<List<byte[]>> first = s.due(active, 25, T0);
        assertEquals(4, first.size());
        for (List<byte[]> b : first) {
            assertEquals(25, b.size());
        }
        assertArrayEquals(hash(0), first.get(0).get(0));
        assertEquals(0, s.due(active, 25, T0 + S).size(), "budget spent");
        List<List<byte[]>> next = s.due(active, 25, T0 + 10 * S);
        assertEquals(1, next.size());
        assertArrayEquals(hash(100), next.get(0).get(0), "the ones never announced come first");
        // every torrent is announced within a bounded time, round-robin
        int total = 125;
        for (long t = T0 + 11 * S; t < T0 + 2 * MIN && total < 200; t += S) {
            total += count(s.due(active, 25, t));
        }
        assertEquals(200, total);
    }

    @Test
    void oldestFirstWhenTheBudgetIsShort() {
        LsdScheduler.Config c = new LsdScheduler.Config(5 * MIN, MIN, 1, 100 * MIN, 10, 10, 10, S, 16);
        LsdScheduler s = new LsdScheduler(c, T0);
        assertEquals(1, count(s.due(List.of(hash(1)), 1, T0)));
        List<List<byte[]>> b = s.due(List.of(hash(1), hash(2)), 1, T0 + 200 * MIN);
        assertArrayEquals(hash(2), b.get(0).get(0), "never announced beats overdue");
    }

    @Test
    void inboundBudgetPerSourceAndGlobal() throws Exception {
        LsdScheduler.Config c = new LsdScheduler.Config(5 * MIN, MIN, 4, 10 * S, 20, 20, 3, S, 4);
        LsdScheduler s = new LsdScheduler(c, T0);
        InetAddress a = InetAddress.getByName("127.0.0.2");
        int ok = 0;
        for (int i = 0; i < 10; i++) {
            if (s.admit(a, T0)) {
                ok++;
            }
        }
        assertEquals(3, ok, "per-source burst");
        assertFalse(s.admit(a, T0 + S / 2));
        assertTrue(s.admit(a, T0 + S), "one more per second");
        // many sources: the global budget (burst 20) holds
        int admitted = 0;
        for (int i = 0; i < 100; i++) {
            if (s.admit(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}), T0 + S)) {
                admitted++;
            }
        }
        assertEquals(20 - 1, admitted, "global budget (refilled to 20 within the second) minus what source a took");
        assertTrue(s.sourcesTracked() <= 4, "source table bounded: " + s.sourcesTracked());
        assertTrue(s.refused() > 0);
    }
}
