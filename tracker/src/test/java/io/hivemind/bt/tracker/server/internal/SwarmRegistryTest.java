package io.hivemind.bt.tracker.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import io.hivemind.bt.tracker.AnnounceEvent;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** The pure swarm registry: BEP 3 announce semantics, BEP 48 scrape counters, limits and expiry. */
class SwarmRegistryTest {
    private static final long SEC = 1_000_000_000L;

    private static byte[] hash(int n) {
        byte[] h = new byte[20];
        h[0] = (byte) (n >>> 24);
        h[1] = (byte) (n >>> 16);
        h[2] = (byte) (n >>> 8);
        h[3] = (byte) n;
        h[19] = 0x5a;
        return h;
    }

    private static byte[] v4(int last) {
        return new byte[] {10, 0, (byte) (last >>> 8), (byte) last};
    }

    private static SwarmRegistry registry(int maxSwarms, int maxPerSwarm, int timeoutSeconds) {
        return new SwarmRegistry(new SwarmRegistry.Limits(maxSwarms, maxPerSwarm, Duration.ofSeconds(timeoutSeconds)),
                42, 0);
    }

    private static Set<String> peers4(SwarmRegistry.AnnounceResult r) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < r.count4; i++) {
            byte[] e = Arrays.copyOfRange(r.peers4, 6 * i, 6 * i + 6);
            assertTrue(out.add(Arrays.toString(e)), "no duplicates");
        }
        return out;
    }

    private static String entry(byte[] addr, int port) {
        return Arrays.toString(new byte[] {addr[0], addr[1], addr[2], addr[3], (byte) (port >>> 8), (byte) port});
    }

    @Test
    void announceStoresPeersAndNeverReturnsTheAnnouncerItself() {
        SwarmRegistry reg = registry(10, 100, 60);
        SwarmRegistry.AnnounceResult r = new SwarmRegistry.AnnounceResult(200);
        SplittableRandom rnd = new SplittableRandom(1);
        reg.announce(hash(1), v4(1), 6881, false, AnnounceEvent.STARTED, 50, false, 0, rnd, r);
        assertEquals(0, r.count4);
        assertEquals(1, r.leechers);
        reg.announce(hash(1), v4(2), 6881, true, AnnounceEvent.STARTED, 50, false, 0, rnd, r);
        assertEquals(Set.of(entry(v4(1), 6881)), peers4(r));
        assertEquals(1, r.seeders);
        assertEquals(1, r.leechers);
        reg.announce(hash(1), v4(1), 6881, false, AnnounceEvent.NONE, 50, false, 0, rnd, r);
        assertEquals(Set.of(entry(v4(2), 6881)), peers4(r));
        assertEquals(2, reg.peers(hash(1)));
        assertEquals(1, reg.swarms());
    }

    @Test
    void samePeerOnAnotherPortIsAnotherPeerAndCompletedCountsDownloads() {
        SwarmRegistry reg = registry(10, 100, 60);
        SwarmRegistry.AnnounceResult r = new SwarmRegistry.AnnounceResult(200);
        SplittableRandom rnd = new SplittableRandom(1);
        reg.announce(hash(1), v4(1), 1000, false, AnnounceEvent.STARTED, 50, false, 0, rnd, r);
        reg.announce(hash(1), v4(1), 1001, false, AnnounceEvent.STARTED, 50, false, 0, rnd, r);
        assertEquals(2, r.leechers);
        reg.announce(hash(1), v4(1), 1000, true, AnnounceEvent.COMPLETED, 50, false, SEC, rnd, r);
        assertEquals(1, r.seeders);
        assertEquals(1, r.leechers);
        assertEquals(1, r.downloaded);
        int[] scrape = new int[3];
        reg.scrape(hash(1), scrape, 0);
        assertEquals(List.of(1, 1, 1), List.of(scrape[0], scrape[1], scrape[2]), "seeders, completed, leechers");
        reg.scrape(hash(2), scrape, 0);
        assertEquals(List.of(0, 0, 0), List.of(scrape[0], scrape[1], scrape[2]));
    }

    @Test
    void stoppedRemovesThePeerAndCreatesNoSwarm() {
        SwarmRegistry reg = registry(10, 100, 60);
        SwarmRegistry.AnnounceResult r = new SwarmRegistry.AnnounceResult(200);
        SplittableRandom rnd = new SplittableRandom(1);
        reg.announce(hash(1), v4(1), 1000, false, AnnounceEvent.STARTED, 50, false, 0, rnd, r);
        reg.announce(hash(1), v4(1), 1000, false, AnnounceEvent.STOPPED, 50, false, 0, rnd, r);
        assertEquals(0, r.leechers);
        assertEquals(0, r.count4);
        assertEquals(0, reg.peers(hash(1)));
        reg.announce(hash(7), v4(1), 1000, false, AnnounceEvent.STOPPED, 50, false, 0, rnd, r);
        assertEquals(-1, reg.peers(hash(7)));
    }

    @Test
    void seedersGetOnlyLeechersAndNumwantIsHonoured() {
        SwarmRegistry reg = registry(10, 1000, 60);
        SwarmRegistry.AnnounceResult r = new SwarmRegistry.AnnounceResult(200);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 300; i++) {
            reg.announce(hash(1), v4(i), 5000, i % 2 == 0, AnnounceEvent.STARTED, 0, false, 0, rnd, r);
        }
        reg.announce(hash(1), v4(999), 5000, true, AnnounceEvent.STARTED, 200, false, 0, rnd, r);
        assertEquals(150, r.count4, "a seeder gets only the 150 leechers");
        for (int i = 0; i < r.count4; i++) {
            int last = (r.peers4[6 * i + 2] & 0xff) << 8 | (r.peers4[6 * i + 3] & 0xff);
            assertEquals(1, last % 2, "leechers have odd numbers");
        }
        reg.announce(hash(1), v4(1000), 5000, false, AnnounceEvent.STARTED, 37, false, 0, rnd, r);
        assertEquals(37, r.count4);
        peers4(r);
    }

    @Test
    void ipv6PeersAndTheOtherFamilyFill() throws Exception {
        SwarmRegistry reg = registry(10, 100, 60);
        SwarmRegistry.AnnounceResult r = new SwarmRegistry.AnnounceResult(200);
        SplittableRandom rnd = new SplittableRandom(1);
        byte[] six = java.net.InetAddress.getByName("2001:db8::7").getAddress();
        reg.announce(hash(1), six, 443, false, AnnounceEvent.STARTED, 50, true, 0, rnd, r);
        reg.announce(hash(1), v4(1), 80, false, AnnounceEvent.STARTED, 50, false, 0, rnd, r);
        assertEquals(0, r.count4);
        assertEquals(0, r.count6, "UDP over IPv4 asks for its own family only");
        reg.announce(hash(1), v4(1), 80, false, AnnounceEvent.NONE, 50, true, 0, rnd, r);
        assertEquals(1, r.count6);
        assertTrue(Arrays.equals(six, Arrays.copyOfRange(r.peers6, 0, 16)));
        assertEquals(443, (r.peers6[16] & 0xff) << 8 | (r.peers6[17] & 0xff));
        reg.announce(hash(1), six, 443, false, AnnounceEvent.NONE, 50, true, 0, rnd, r);
        assertEquals(0, r.count6);
        assertEquals(1, r.count4);
        assertEquals(2, r.leechers);
        reg.announce(hash(1), six, 443, false, AnnounceEvent.STOPPED, 50, true, 0, rnd, r);
        assertEquals(1, reg.peers(hash(1)));
    }

    @Test
    void swarmLimitRefusesNewSwarmsOnly() {
        SwarmRegistry reg = registry(3, 100, 60);
        SwarmRegistry.AnnounceResult r = new SwarmRegistry.AnnounceResult(200);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 3; i++) {
            reg.announce(hash(i), v4(1), 1, false, AnnounceEvent.STARTED, 50, false, 0, rnd, r);
            assertEquals(SwarmRegistry.Outcome.OK, r.outcome);
        }
        reg.announce(hash(3), v4(1), 1, false, AnnounceEvent.STARTED, 50, false, 0, rnd, r);
        assertEquals(SwarmRegistry.Outcome.SWARM_LIMIT, r.outcome);
        reg.announce(hash(0), v4(2), 1, false, AnnounceEvent.STARTED, 50, false, 0, rnd, r);
        assertEquals(SwarmRegistry.Outcome.OK, r.outcome);
        assertEquals(3, reg.swarms());
    }

    /** Per-swarm memory is bounded: a full swarm replaces a stale peer with the newcomer. */
    @Test
    void fullSwarmEvictsTheStalest() {
        SwarmRegistry reg = registry(10, 64, 3600);
        SwarmRegistry.AnnounceResult r = new SwarmRegistry.AnnounceResult(200);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 64; i++) {
            reg.announce(hash(1), v4(i), 1, false, AnnounceEvent.STARTED, 0, false, i * SEC, rnd, r);
        }
        for (int i = 64; i < 10_000; i++) {
            reg.announce(hash(1), v4(i), 1, false, AnnounceEvent.STARTED, 0, false, i * SEC, rnd, r);
            assertEquals(64, reg.peers(hash(1)));
            assertEquals(64, r.leechers);
        }
        reg.announce(hash(1), v4(20_000), 1, false, AnnounceEvent.STARTED, 200, false, 10_000 * SEC, rnd, r);
        assertTrue(r.count4 > 0 && r.count4 <= 63);
        for (int i = 0; i < r.count4; i++) {
            int last = (r.peers4[6 * i + 2] & 0xff) << 8 | (r.peers4[6 * i + 3] & 0xff);
            assertTrue(last >= 9000, "recent peers survive, got " + last);
        }
    }

    @Test
    void expiryDropsQuietPeersAndEmptySwarms() {
        SwarmRegistry reg = registry(10, 100, 60);
        SwarmRegistry.AnnounceResult r = new SwarmRegistry.AnnounceResult(200);
        SplittableRandom rnd = new SplittableRandom(1);
        reg.announce(hash(1), v4(1), 1, false, AnnounceEvent.STARTED, 0, false, 0, rnd, r);
        reg.announce(hash(1), v4(2), 1, true, AnnounceEvent.STARTED, 0, false, 0, rnd, r);
        reg.announce(hash(2), v4(3), 1, false, AnnounceEvent.STARTED, 0, false, 0, rnd, r);
        reg.announce(hash(1), v4(2), 1, true, AnnounceEvent.NONE, 0, false, 50 * SEC, rnd, r);
        assertEquals(0, reg.expire(63 * SEC), "last-seen times have 4 s steps: expiry may be up to 4 s late");
        assertEquals(2, reg.expire(64 * SEC), "peers 1 and 3 were last seen at 0");
        assertEquals(1, reg.peers(hash(1)));
        assertEquals(-1, reg.peers(hash(2)), "the empty swarm is gone");
        assertEquals(1, reg.swarms());
        assertEquals(1, reg.totals()[0]);
        assertEquals(0, reg.totals()[1]);
    }

    /** The registry agrees with a naive model (a map of maps) under random operations. */
    @Test
    void agreesWithANaiveModel() {
        Gen<int[]> ops = Generate.intArrays(Generate.range(1, 400), Generate.range(0, Integer.MAX_VALUE));
        qt().withExamples(200).forAll(ops).checkAssert(this::replay);
    }

    private void replay(int[] ops) {
        SwarmRegistry reg = registry(1000, 1000, 30);
        SwarmRegistry.AnnounceResult r = new SwarmRegistry.AnnounceResult(200);
        SplittableRandom rnd = new SplittableRandom(7);
        Map<Integer, Map<String, long[]>> model = new HashMap<>(); // swarm -> peer -> {lastSeen, seeder}
        long now = 0;
        for (int op : ops) {
            int swarm = op % 3;
            int peer = (op >>> 2) % 12;
            int port = 1 + (op >>> 6) % 2;
            boolean seeder = ((op >>> 8) & 1) == 1;
            int kind = (op >>> 9) % 8;
            now += ((op >>> 12) % 7) * SEC;
            String key = entry(v4(peer), port);
            if (kind == 7) {
                reg.expire(now);
                long nowUnits = now / SEC / 4; // the registry keeps last-seen times in 4 s steps
                for (Map<String, long[]> s : model.values()) {
                    s.values().removeIf(v -> (nowUnits - v[0] / 4) * 4 > 30);
                }
                continue;
            }
            AnnounceEvent event = kind == 6 ? AnnounceEvent.STOPPED : AnnounceEvent.NONE;
            int want = (op >>> 20) % 15;
            reg.announce(hash(swarm), v4(peer), port, seeder, event, want, false, now, rnd, r);
            Map<String, long[]> s = model.computeIfAbsent(swarm, k -> new HashMap<>());
            if (event == AnnounceEvent.STOPPED) {
                s.remove(key);
                assertEquals(0, r.count4);
            } else {
                s.put(key, new long[] {now / SEC, seeder ? 1 : 0});
                Set<String> eligible = new HashSet<>();
                for (Map.Entry<String, long[]> e : s.entrySet()) {
                    if (!e.getKey().equals(key) && !(seeder && e.getValue()[1] == 1)) {
                        eligible.add(e.getKey());
                    }
                }
                Set<String> got = peers4(r);
                assertTrue(eligible.containsAll(got), "only eligible peers returned");
                assertEquals(Math.min(want, eligible.size()), got.size(), "as many as wanted or available");
            }
            long seeders = s.values().stream().filter(v -> v[1] == 1).count();
            if (event != AnnounceEvent.STOPPED || reg.peers(hash(swarm)) >= 0) {
                assertEquals(seeders, r.seeders);
                assertEquals(s.size() - seeders, r.leechers);
            }
        }
        long total = 0;
        for (Map<String, long[]> s : model.values()) {
            total += s.size();
        }
        long[] totals = reg.totals();
        assertEquals(total, totals[0] + totals[1]);
        assertFalse(totals[0] < 0 || totals[1] < 0);
    }
}
