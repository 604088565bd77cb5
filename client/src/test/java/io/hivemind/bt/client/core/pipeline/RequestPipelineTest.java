package io.hivemind.bt.client.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.hivemind.bt.client.core.IntList;
import io.hivemind.bt.client.core.pipeline.RequestPipeline.Answer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RequestPipelineTest {
    static final long MS = 1_000_000L;
    static final long SEC = 1_000_000_000L;
    static final int B = 16 * 1024;

    static RequestPipeline unchoked() {
        RequestPipeline p = new RequestPipeline(0);
        p.unchoked(0);
        return p;
    }

    static int send(RequestPipeline p, int from, long now) {
        int n = p.requestsWanted(now);
        for (int i = 0; i < n; i++) {
            p.requestSent(from + i, now);
        }
        return n;
    }

    @Test
    void startsAtTheInitialDepthAndGrowsInSlowStart() {
        RequestPipeline p = unchoked();
        assertEquals(4, send(p, 0, 0));
        assertEquals(0, p.requestsWanted(0));
        assertEquals(Answer.EXPECTED, p.blockReceived(0, B, 10 * MS));
        assertEquals(2, p.requestsWanted(10 * MS)); // depth 5, 3 outstanding
        assertTrue(p.inSlowStart());
        assertEquals(10 * MS, p.rttMinimum());
    }

    /** A steady peer ends up with about rate * (queue time + latency) / 16 KiB requests. */
    @Test
    void depthFollowsRateAndLatency() {
        RequestPipeline p = unchoked();
        p.setPeerRequestQueue(1000);
        long now = 0;
        int next = 0;
        // serve 64 blocks/s (1 MiB/s) with 100 ms latency for 20 s
        List<long[]> inFlight = new ArrayList<>();
        for (long t = 0; t < 20 * SEC; t += SEC / 64) {
            now = t;
            int n = p.requestsWanted(now);
            for (int i = 0; i < n; i++) {
                p.requestSent(next, now);
                inFlight.add(new long[] {next++, now});
            }
            if (!inFlight.isEmpty() && inFlight.get(0)[1] + 100 * MS <= now) {
                assertEquals(Answer.EXPECTED, p.blockReceived((int) inFlight.remove(0)[0], B, now));
            }
            p.tick(now, new IntList());
        }
        assertFalse(p.inSlowStart());
        long rate = p.downloadRate(now);
        assertTrue(Math.abs(rate - 1024 * 1024) < 60_000, "rate " + rate);
        int expected = (int) Math.ceil(rate * (3.0 + p.rttMinimum() / 1e9) / B);
        assertEquals(expected, p.targetDepth(now));
        assertTrue(p.rttMinimum() >= 100 * MS && p.rttMinimum() < 150 * MS, "rtt " + p.rttMinimum());
    }

    @Test
    void depthIsClampedByReqqAndLimits() {
        RequestPipeline p = unchoked();
        p.setPeerRequestQueue(3);
        assertEquals(3, p.targetDepth(0));
        p.setPeerRequestQueue(1);
        assertEquals(1, p.targetDepth(0));
        p.setPeerRequestQueue(0); // ignored
        assertEquals(1, p.targetDepth(0));
        assertThrows(IllegalArgumentException.class,
                () -> new RequestPipeline.Config(3, 2, 3, 1, 1, 1, 1, 1));
    }

    /** No block for 60 s while unchoked with requests out: snubbed, requests released, depth 1. */
    @Test
    void snubDetection() {
        RequestPipeline p = unchoked();
        send(p, 0, 0);
        IntList released = new IntList();
        assertEquals(0, p.tick(59 * SEC, released));
        assertFalse(p.isSnubbed());
        assertEquals(4, p.tick(60 * SEC, released));
        assertTrue(p.isSnubbed());
        assertEquals(IntList.of(0, 1, 2, 3), released);
        assertEquals(1, p.targetDepth(60 * SEC));
        assertEquals(0, p.outstanding());
        assertEquals(Answer.LATE, p.blockReceived(2, B, 61 * SEC)); // crossed our cancel: harmless
        assertFalse(p.isSnubbed());
        assertEquals(Answer.UNEXPECTED, p.blockReceived(2, B, 61 * SEC));
    }

    @Test
    void chokedPeersAreNotSnubbing() {
        RequestPipeline p = new RequestPipeline(0);
        p.setFastExtension(true);
        send(p, 0, 0); // allowed-fast requests while choked
        assertEquals(0, p.tick(59 * SEC, new IntList()));
        assertEquals(4, p.tick(60 * SEC, new IntList())); // never answered while choked: released
        assertFalse(p.isSnubbed()); // but a choking peer is not snubbing
        send(p, 10, 60 * SEC);
        p.unchoked(70 * SEC);
        assertEquals(0, p.tick(129 * SEC, new IntList()));
        assertEquals(4, p.tick(130 * SEC, new IntList()));
        assertTrue(p.isSnubbed());
    }

    /** BEP 3: choke discards requests. BEP 6: with the fast extension it does not. */
    @Test
    void chokeDropsRequestsOnlyWithoutFastExtension() {
        RequestPipeline p = unchoked();
        send(p, 0, 0);
        IntList dropped = new IntList();
        assertEquals(4, p.choked(dropped));
        assertEquals(4, dropped.size());
        assertEquals(Answer.LATE, p.blockReceived(1, B, MS));

        RequestPipeline f = unchoked();
        f.setFastExtension(true);
        send(f, 0, 0);
        assertEquals(0, f.choked(dropped));
        assertEquals(4, f.outstanding());
        assertEquals(Answer.EXPECTED, f.rejected(0)); // BEP 6: the peer rejects what it will not serve
        assertEquals(Answer.UNEXPECTED, f.rejected(0));
        assertEquals(Answer.EXPECTED, f.blockReceived(1, B, MS)); // allowed-fast pieces are still served
    }

    @Test
    void cancelledRequestsAnswerLate() {
        RequestPipeline p = unchoked();
        send(p, 10, 0);
        assertTrue(p.cancel(11));
        assertFalse(p.cancel(11));
        assertEquals(Answer.LATE, p.rejected(11));
        assertEquals(Answer.UNEXPECTED, p.rejected(99));
        assertEquals(3, p.outstanding());
        IntList out = new IntList();
        assertEquals(3, p.drain(out));
        assertEquals(IntList.of(10, 12, 13), out);
    }

    /** One stuck request is released after the request timeout while the others flow. */
    @Test
    void stuckRequestTimesOut() {
        RequestPipeline p = unchoked();
        p.requestSent(100, 0);
        int next = 0;
        IntList released = new IntList();
        for (long t = SEC; t <= 31 * SEC; t += SEC) {
            p.requestSent(next, t);
            p.blockReceived(next++, B, t);
            p.tick(t, released);
        }
        assertEquals(IntList.of(100), released);
        assertFalse(p.isSnubbed());
    }

    /**
     * Property: the outstanding set equals a model's, answers are EXPECTED exactly for outstanding blocks and
     * LATE exactly for blocks released, cancelled or dropped (and not answered since), and the target depth
     * stays within its bounds.
     */
    @Test
    void agreesWithModel() {
        qt().withExamples(300).forAll(lists().of(integers().all()).ofSizeBetween(1, 300)).checkAssert(ops -> {
            RequestPipeline p = new RequestPipeline(0);
            Set<Integer> out = new LinkedHashSet<>();
            LateModel late = new LateModel(RequestPipeline.Config.DEFAULT.lateMemory());
            long now = 0;
            boolean fast = false;
            int next = 0;
            for (int op : ops) {
                SplittableRandom r = new SplittableRandom(op);
                now += r.nextLong(1, 5 * SEC);
                int blk = out.isEmpty() || r.nextInt(4) == 0 ? r.nextInt(next + 1) : new ArrayList<>(out).get(r.nextInt(out.size()));
                IntList list = new IntList();
                switch (r.nextInt(9)) {
                    case 0, 1 -> {
                        int n = Math.min(p.requestsWanted(now), 20);
                        for (int i = 0; i < n; i++) {
                            p.requestSent(next, now);
                            out.add(next++);
                        }
                    }
                    case 2 -> {
                        Answer a = p.blockReceived(blk, B, now);
                        assertEquals(out.remove(blk) ? Answer.EXPECTED : late.remove(blk) ? Answer.LATE : Answer.UNEXPECTED, a);
                        assertFalse(p.isSnubbed());
                    }
                    case 3 -> assertEquals(out.remove(blk) ? Answer.EXPECTED : late.remove(blk) ? Answer.LATE : Answer.UNEXPECTED, p.rejected(blk));
                    case 4 -> {
                        boolean had = out.remove(blk);
                        assertEquals(had, p.cancel(blk));
                        if (had) {
                            late.add(blk);
                        }
                    }
                    case 5 -> {
                        p.choked(list);
                        if (!fast) {
                            out.forEach(late::add);
                            assertEquals(new ArrayList<>(out), toList(list));
                            out.clear();
                        } else {
                            assertTrue(list.isEmpty());
                        }
                    }
                    case 6 -> {
                        p.unchoked(now);
                    }
                    case 7 -> {
                        fast = r.nextBoolean();
                        p.setFastExtension(fast);
                    }
                    default -> {
                        p.tick(now, list);
                        for (int b : toList(list)) {
                            assertTrue(out.remove(b), "released a block not outstanding");
                            late.add(b);
                        }
                    }
                }
                assertEquals(out.size(), p.outstanding());
                for (int b : out) {
                    assertTrue(p.isOutstanding(b));
                }
                int depth = p.targetDepth(now);
                if (p.isSnubbed()) {
                    assertEquals(1, depth);
                } else {
                    assertTrue(depth >= 2 && depth <= 250, "depth " + depth);
                }
            }
        });
    }

    /** The pipeline's memory of released requests: the last {@code size} remembered, answered ones struck out. */
    static final class LateModel {
        final int size;
        final List<Integer> ring = new ArrayList<>();

        LateModel(int size) {
            this.size = size;
        }

        void add(int block) {
            ring.add(block);
            if (ring.size() > size) {
                ring.remove(0);
            }
        }

        boolean remove(int block) {
            for (int i = ring.size() - 1; i >= 0; i--) {
                if (ring.get(i) == block) {
                    ring.set(i, -1);
                    return true;
                }
            }
            return false;
        }
    }

    private static List<Integer> toList(IntList l) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(l.get(i));
        }
        return out;
    }
}
