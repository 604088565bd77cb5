package io.hivemind.bt.client.core.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TorrentQueueTest {
    static final long SEC = 1_000_000_000L;
    static final long NOW = 1000 * SEC;

    static final class T implements QueuedTorrentView {
        final int id;
        boolean autoManaged = true;
        boolean running;
        boolean finished;
        boolean error;
        long down = 100_000;
        long up = 100_000;
        long startedAt = 0;
        long downloaded;
        long uploaded;
        long wanted = 1000;
        long seedingTime;
        int seeds = -1;
        int leechers = -1;

        T(int id) {
            this.id = id;
        }

        public int torrentId() {
            return id;
        }

        public boolean autoManaged() {
            return autoManaged;
        }

        public boolean running() {
            return running;
        }

        public boolean finished() {
            return finished;
        }

        public boolean hasError() {
            return error;
        }

        public long downloadRate() {
            return down;
        }

        public long uploadRate() {
            return up;
        }

        public long startedAtNanos() {
            return startedAt;
        }

        public long totalDownloaded() {
            return downloaded;
        }

        public long totalUploaded() {
            return uploaded;
        }

        public long wantedBytes() {
            return wanted;
        }

        public long seedingTimeNanos() {
            return seedingTime;
        }

        public int swarmSeeds() {
            return seeds;
        }

        public int swarmLeechers() {
            return leechers;
        }
    }

    static List<T> torrents(int n) {
        List<T> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new T(i));
        }
        return l;
    }

    static void apply(List<T> ts, QueueDecision d, long now) {
        for (T t : ts) {
            if (d.start().contains(t.id)) {
                t.running = true;
                t.startedAt = now;
            }
            if (d.stop().contains(t.id) || d.limitReached().contains(t.id)) {
                t.running = false;
            }
        }
    }

    static Set<Integer> running(List<T> ts) {
        Set<Integer> s = new HashSet<>();
        for (T t : ts) {
            if (t.running) {
                s.add(t.id);
            }
        }
        return s;
    }

    @Test
    void positions() {
        TorrentQueue q = new TorrentQueue(TorrentQueue.Config.DEFAULT);
        for (int i = 0; i < 5; i++) {
            q.add(i);
        }
        q.add(3);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, q.order());
        q.moveToTop(3);
        q.moveDown(0);
        q.moveToBottom(1);
        q.moveUp(4);
        assertArrayEquals(new int[] {3, 0, 4, 2, 1}, q.order());
        q.setPosition(3, 99);
        assertEquals(4, q.position(3));
        assertTrue(q.remove(2));
        assertEquals(-1, q.position(2));
        assertThrows(IllegalArgumentException.class, () -> q.setPosition(2, 0));
    }

    @Test
    void startsTheFirstDownloadsInQueueOrder() {
        TorrentQueue q = new TorrentQueue(TorrentQueue.Config.DEFAULT);
        List<T> ts = torrents(5);
        for (int i = 4; i >= 0; i--) {
            q.add(i); // queue order 4, 3, 2, 1, 0
        }
        QueueDecision d = q.decide(ts, NOW);
        assertEquals(List.of(4, 3, 2), d.start());
        apply(ts, d, NOW);
        ts.get(3).finished = true; // finishing frees a download slot
        d = q.decide(ts, NOW);
        assertEquals(List.of(1), d.start());
        assertTrue(d.stop().isEmpty());
        apply(ts, d, NOW);
        assertEquals(Set.of(4, 3, 2, 1), running(ts));
        q.moveToTop(0); // 0 overtakes: 1 goes back to the queue
        d = q.decide(ts, NOW);
        assertEquals(List.of(0), d.start());
        assertEquals(List.of(1), d.stop());
    }

    @Test
    void slowTorrentsDoNotTakeASlotAfterTheirGrace() {
        TorrentQueue q = new TorrentQueue(TorrentQueue.Config.DEFAULT.withLimits(1, 1, 10));
        List<T> ts = torrents(3);
        apply(ts, q.decide(ts, NOW), NOW);
        assertEquals(Set.of(0), running(ts));
        ts.get(0).down = 100;
        ts.get(0).up = 0;
        assertTrue(q.decide(ts, NOW + 59 * SEC).isEmpty()); // still in its start-up grace
        QueueDecision d = q.decide(ts, NOW + 60 * SEC);
        assertEquals(List.of(1), d.start());
        assertTrue(d.stop().isEmpty()); // the slow one keeps running
        TorrentQueue strict = new TorrentQueue(TorrentQueue.Config.DEFAULT.withLimits(1, 1, 10).withDontCountSlowTorrents(false));
        assertTrue(strict.decide(ts, NOW + 60 * SEC).isEmpty());
    }

    @Test
    void activeLimitCapsEverything() {
        TorrentQueue q = new TorrentQueue(TorrentQueue.Config.DEFAULT.withLimits(3, 3, 4));
        List<T> ts = torrents(8);
        for (int i = 4; i < 8; i++) {
            ts.get(i).finished = true;
        }
        QueueDecision d = q.decide(ts, NOW);
        assertEquals(List.of(0, 1, 2, 4), d.start());
        TorrentQueue unlimited = new TorrentQueue(TorrentQueue.Config.DEFAULT.withLimits(-1, -1, -1));
        assertEquals(8, unlimited.decide(ts, NOW).start().size());
    }

    @Test
    void manualAndFailedTorrentsAreLeftAlone() {
        TorrentQueue q = new TorrentQueue(TorrentQueue.Config.DEFAULT.withLimits(1, 1, 1));
        List<T> ts = torrents(3);
        ts.get(0).autoManaged = false;
        ts.get(0).running = true;
        ts.get(1).error = true;
        QueueDecision d = q.decide(ts, NOW);
        assertEquals(List.of(2), d.start()); // the manual torrent does not count
        assertTrue(d.stop().isEmpty());
    }

    @Test
    void shareRatioAndSeedTimeLimits() {
        TorrentQueue q = new TorrentQueue(TorrentQueue.Config.DEFAULT.withShareLimits(2.0, 3600 * SEC, TorrentQueue.LimitAction.REMOVE));
        List<T> ts = torrents(4);
        for (T t : ts) {
            t.finished = true;
            t.running = true;
        }
        ts.get(0).downloaded = 1000;
        ts.get(0).uploaded = 2000; // ratio 2
        ts.get(1).uploaded = 1999; // origin: downloaded 0, ratio against the 1000 wanted bytes
        ts.get(2).seedingTime = 3600 * SEC;
        ts.get(3).finished = false; // a download never hits a share limit
        ts.get(3).uploaded = 1_000_000;
        QueueDecision d = q.decide(ts, NOW);
        assertEquals(List.of(0, 2), d.limitReached());
        assertEquals(TorrentQueue.LimitAction.REMOVE, q.config().onLimit());
        assertEquals(1.999, TorrentQueue.shareRatio(ts.get(1)), 1e-9);
    }

    @Test
    void seedsThatTheSwarmNeedsMostRunFirst() {
        TorrentQueue q = new TorrentQueue(TorrentQueue.Config.DEFAULT.withLimits(3, 2, 10));
        List<T> ts = torrents(4);
        for (T t : ts) {
            t.finished = true;
        }
        ts.get(0).seeds = 50;
        ts.get(0).leechers = 1;
        ts.get(1).seeds = 1;
        ts.get(1).leechers = 30;
        ts.get(2).uploaded = 0; // unknown swarm, ratio 0
        ts.get(3).uploaded = 5000; // unknown swarm, ratio 5
        assertEquals(List.of(1, 2), q.decide(ts, NOW).start());
    }

    /**
     * Property: running downloads form a prefix of the queue among auto-managed healthy downloads, and the number
     * of slot-holding (non-slow) running torrents never exceeds a limit while a queued one waits.
     */
    @Test
    void respectsLimitsAndOrder() {
        qt().withExamples(300).forAll(longs().all(), integers().between(0, 30)).checkAssert((seed, n) -> {
            SplittableRandom r = new SplittableRandom(seed);
            TorrentQueue.Config cfg = TorrentQueue.Config.DEFAULT.withLimits(r.nextInt(-1, 6), r.nextInt(-1, 6), r.nextInt(-1, 10));
            TorrentQueue q = new TorrentQueue(cfg);
            List<T> ts = torrents(n);
            for (T t : ts) {
                t.autoManaged = r.nextInt(5) != 0;
                t.running = r.nextBoolean();
                t.finished = r.nextInt(3) == 0;
                t.error = r.nextInt(10) == 0;
                t.down = r.nextBoolean() ? 0 : 1_000_000;
                t.up = r.nextBoolean() ? 0 : 1_000_000;
                t.startedAt = NOW - r.nextLong(200 * SEC);
            }
            QueueDecision d = q.decide(ts, NOW);
            apply(ts, d, NOW);
            List<T> downloads = new ArrayList<>();
            for (int id : q.order()) {
                T t = ts.get(id);
                if (t.autoManaged && !t.error && !t.finished) {
                    downloads.add(t);
                }
            }
            boolean gap = false;
            for (T t : downloads) {
                if (!t.running) {
                    gap = true;
                } else {
                    assertTrue(!gap, "a later download runs while an earlier one is queued");
                }
            }
            int dl = 0;
            int sd = 0;
            boolean waiting = false;
            for (T t : ts) {
                if (!t.autoManaged || t.error) {
                    continue;
                }
                boolean slow = NOW - t.startedAt >= cfg.startupGraceNanos() && t.down < 2048 && t.up < 2048;
                if (!t.running) {
                    waiting = true;
                } else if (!slow || d.start().contains(t.id)) {
                    if (t.finished) {
                        sd++;
                    } else {
                        dl++;
                    }
                }
            }
            if (waiting) {
                assertTrue(cfg.activeDownloads() < 0 || dl <= cfg.activeDownloads(), "downloads " + dl);
                assertTrue(cfg.activeSeeds() < 0 || sd <= cfg.activeSeeds(), "seeds " + sd);
                assertTrue(cfg.activeLimit() < 0 || dl + sd <= cfg.activeLimit(), "total " + (dl + sd));
            }
        });
    }
}
