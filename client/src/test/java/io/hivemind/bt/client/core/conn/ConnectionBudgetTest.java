package io.hivemind.bt.client.core.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.hivemind.bt.client.core.IntList;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {
    static final long SEC = 1_000_000_000L;

    @Test
    void dialsAreLimitedByEveryLevel() {
        ConnectionBudget b = new ConnectionBudget(new ConnectionBudget.Config(10, 3, 5, 100, 2), 0);
        assertEquals(3, b.dialsAllowed(1)); // half-open
        b.dialStarted(1);
        b.dialStarted(1);
        b.dialStarted(1);
        assertEquals(0, b.dialsAllowed(1));
        b.dialSucceeded(1);
        b.dialSucceeded(1);
        b.dialFailed(1);
        assertEquals(2, b.connections());
        assertEquals(0, b.halfOpen());
        assertEquals(3, b.dialsAllowed(1));
        for (int i = 0; i < 3; i++) {
            b.dialStarted(1);
            b.dialSucceeded(1);
        }
        assertEquals(0, b.dialsAllowed(1)); // torrent limit 5
        assertEquals(3, b.dialsAllowed(2));
    }

    @Test
    void incomingUsesTheSlackButNotTheTorrentLimit() {
        ConnectionBudget b = new ConnectionBudget(new ConnectionBudget.Config(2, 2, 2, 100, 1), 0);
        assertTrue(b.acceptIncoming(1));
        assertTrue(b.acceptIncoming(1));
        assertFalse(b.acceptIncoming(1)); // torrent limit
        assertTrue(b.acceptIncoming(2)); // slack above the global limit
        assertTrue(b.overLimit());
        assertFalse(b.acceptIncoming(3));
        assertEquals(0, b.dialsAllowed(3));
        b.closed(2);
        assertFalse(b.overLimit());
        assertThrows(IllegalStateException.class, () -> b.closed(2));
        assertThrows(IllegalStateException.class, () -> b.dialSucceeded(1));
    }

    /** Dials are shared round-robin, so a torrent with many candidates cannot starve others. */
    @Test
    void planSharesDialsFairly() {
        ConnectionBudget b = new ConnectionBudget(new ConnectionBudget.Config(200, 9, 100, 100, 0), 0);
        IntList ts = IntList.of(1, 2, 3);
        IntList want = IntList.of(1000, 2, 1000);
        IntList outT = new IntList();
        IntList outD = new IntList();
        assertEquals(9, b.plan(ts, want, 0, outT, outD));
        assertEquals(IntList.of(1, 2, 3), outT);
        assertEquals(IntList.of(4, 2, 3), outD); // one dial each per round: 3 + 3 + 2 (torrent 2 is satisfied) + 1
    }

    @Test
    void planRespectsTheDialRate() {
        ConnectionBudget b = new ConnectionBudget(new ConnectionBudget.Config(200, 200, 200, 10, 0), 0);
        IntList outT = new IntList();
        IntList outD = new IntList();
        assertEquals(10, b.plan(IntList.of(1), IntList.of(100), 0, outT, outD));
        assertEquals(0, b.plan(IntList.of(1), IntList.of(100), 0, outT, outD));
        assertEquals(5, b.plan(IntList.of(1), IntList.of(100), SEC / 2, outT, outD));
    }

    /** Property: counts never go negative and outgoing dials never exceed the limits. */
    @Test
    void countsStayWithinLimits() {
        qt().withExamples(300).forAll(lists().of(integers().all()).ofSizeBetween(1, 300)).checkAssert(ops -> {
            ConnectionBudget.Config cfg = new ConnectionBudget.Config(12, 4, 6, 1000, 3);
            ConnectionBudget b = new ConnectionBudget(cfg, 0);
            int[] half = new int[3];
            int[] est = new int[3];
            for (int op : ops) {
                SplittableRandom r = new SplittableRandom(op);
                int t = r.nextInt(3);
                switch (r.nextInt(5)) {
                    case 0 -> {
                        if (b.dialsAllowed(t) > 0) {
                            b.dialStarted(t);
                            half[t]++;
                        }
                    }
                    case 1 -> {
                        if (half[t] > 0) {
                            b.dialSucceeded(t);
                            half[t]--;
                            est[t]++;
                        }
                    }
                    case 2 -> {
                        if (half[t] > 0) {
                            b.dialFailed(t);
                            half[t]--;
                        }
                    }
                    case 3 -> {
                        if (b.acceptIncoming(t)) {
                            est[t]++;
                        }
                    }
                    default -> {
                        if (est[t] > 0) {
                            b.closed(t);
                            est[t]--;
                        }
                    }
                }
                int total = 0;
                int halfTotal = 0;
                for (int i = 0; i < 3; i++) {
                    assertEquals(half[i] + est[i], b.connections(i));
                    assertTrue(b.connections(i) <= cfg.maxConnectionsPerTorrent());
                    total += half[i] + est[i];
                    halfTotal += half[i];
                }
                assertEquals(total, b.connections());
                assertEquals(halfTotal, b.halfOpen());
                assertTrue(halfTotal <= cfg.halfOpenLimit());
                assertTrue(total <= cfg.connectionsLimit() + cfg.incomingSlack());
            }
        });
    }
}
