package io.hivemind.bt.tracker.server.internal;

import io.hivemind.bt.tracker.AnnounceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * The tracker server's memory: every swarm and its peers, the pure core under the HTTP and UDP handlers (no
 * sockets, no clock: callers pass {@code nowNanos} and a {@link RandomGenerator}).
 *
 * <p>Implementation note. Swarms live in {@value #SHARDS} shards chosen by info-hash bits; each shard is an
 * open-addressing table of {@link Swarm} objects (linear probing, backward-shift deletion) guarded by the shard's
 * monitor, so announces to different swarms rarely contend and no lock is held across I/O. Peers are primitive
 * tables inside each swarm (see {@link Swarm}); 100,000 swarms with 1,000,000 IPv4 peers take about 30 MB.
 * Limits: at most {@link Limits#maxSwarms()} swarms (a new info-hash beyond that is refused with
 * {@link Outcome#SWARM_LIMIT}) and {@link Limits#maxPeersPerSwarm()} peers per swarm (a newcomer then replaces the
 * stalest of a few sampled peers). {@link #expire} drops peers not seen for {@link Limits#peerTimeout()} and
 * swarms empty for as long.
 *
 * <p>Thread-safe.
 */
public final class SwarmRegistry {
    static final int SHARDS = 64;

    /**
     * Memory bounds and expiry.
     *
     * @param maxSwarms        most swarms held
     * @param maxPeersPerSwarm most peers per swarm
     * @param peerTimeout      a peer not seen for this long is dropped (1 s to 24 h)
     */
    public record Limits(int maxSwarms, int maxPeersPerSwarm, Duration peerTimeout) {
        public Limits {
            if (maxSwarms < 1 || maxPeersPerSwarm < 1 || peerTimeout.toSeconds() < 1
                    || peerTimeout.toSeconds() > Swarm.MAX_TIMEOUT_SECONDS) {
                throw new IllegalArgumentException("bad registry limits: " + maxSwarms + ", " + maxPeersPerSwarm
                        + ", " + peerTimeout);
            }
        }
    }

    /** What an announce did. */
    public enum Outcome { OK, SWARM_LIMIT }

    /**
     * The answer to one announce, written into reusable arrays: one instance per thread, reused for every request
     * (no allocation per announce). {@code peers4} holds {@code count4} 6-byte entries, {@code peers6} holds
     * {@code count6} 18-byte entries. Not thread-safe.
     */
    public static final class AnnounceResult {
        public final byte[] peers4;
        public final byte[] peers6;
        public int count4;
        public int count6;
        public int seeders;
        public int leechers;
        public int downloaded;
        public Outcome outcome;

        /** @param maxPeers the largest numwant that will be asked for */
        public AnnounceResult(int maxPeers) {
            peers4 = new byte[6 * maxPeers];
            peers6 = new byte[18 * maxPeers];
        }

        public int maxPeers() {
            return peers4.length / 6;
        }
    }

    private static final class Shard {
        Swarm[] table = new Swarm[16];
        int size;
        long seeders;
        long leechers;
    }

    private final Limits limits;
    private final long seed;
    private final long epochNanos;
    private final Shard[] shards = new Shard[SHARDS];
    private final AtomicInteger swarms = new AtomicInteger();

    /**
     * @param seed       keys the hash tables (use a random value)
     * @param epochNanos ticker time the registry counts seconds from
     */
    public SwarmRegistry(Limits limits, long seed, long epochNanos) {
        this.limits = limits;
        this.seed = seed;
        this.epochNanos = epochNanos;
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard();
        }
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Records an announce and picks peers for the answer.
     *
     * @param infoHash  20 bytes
     * @param address   the peer's address, 4 or 16 bytes
     * @param port      its announced TCP port (1..65535)
     * @param seeder    {@code left == 0}
     * @param numWant   peers wanted, already clamped by the caller to {@code out.maxPeers()}
     * @param otherFamily also fill the answer with peers of the other address family when the own one runs short
     */
    public void announce(byte[] infoHash, byte[] address, int port, boolean seeder, AnnounceEvent event, int numWant,
                         boolean otherFamily, long nowNanos, RandomGenerator random, AnnounceResult out) {
        long h0 = getLong(infoHash, 0);
        long h1 = getLong(infoHash, 8);
        int h2 = getInt(infoHash, 16);
        int now = seconds(nowNanos);
        boolean stopped = event == AnnounceEvent.STOPPED;
        boolean v4 = address.length == 4;
        out.count4 = 0;
        out.count6 = 0;
        out.outcome = Outcome.OK;
        int want = Math.min(numWant, out.maxPeers());
        Shard shard = shard(h0, h1, h2);
        synchronized (shard) {
            Swarm s = find(shard, h0, h1, h2);
            if (s == null) {
                if (stopped) {
                    out.seeders = 0;
                    out.leechers = 0;
                    out.downloaded = 0;
                    return;
                }
                if (swarms.get() >= limits.maxSwarms()) {
                    out.outcome = Outcome.SWARM_LIMIT;
                    out.seeders = 0;
                    out.leechers = 0;
                    out.downloaded = 0;
                    return;
                }
                s = new Swarm(h0, h1, h2);
                insert(shard, s);
            }
            int seedersBefore = s.seeders;
            int leechersBefore = s.leechers;
            int self;
            if (v4) {
                self = s.update4(getInt(address, 0), port, seeder, stopped, now, limits.maxPeersPerSwarm(), seed,
                        random);
            } else {
                self = s.update6(getLong(address, 0), getLong(address, 8), port, seeder, stopped, now,
                        limits.maxPeersPerSwarm(), seed, random);
            }
            if (event == AnnounceEvent.COMPLETED && s.downloaded < Integer.MAX_VALUE) {
                s.downloaded++;
            }
            shard.seeders += s.seeders - seedersBefore;
            shard.leechers += s.leechers - leechersBefore;
            if (!stopped && want > 0) {
                if (v4) {
                    out.count4 = s.select4(want, self, seeder, out.peers4, 0, random);
                    if (otherFamily) {
                        out.count6 = s.select6(want - out.count4, -1, seeder, out.peers6, 0, random);
                    }
                } else {
                    out.count6 = s.select6(want, self, seeder, out.peers6, 0, random);
                    if (otherFamily) {
                        out.count4 = s.select4(want - out.count6, -1, seeder, out.peers4, 0, random);
                    }
                }
            }
            out.seeders = s.seeders;
            out.leechers = s.leechers;
            out.downloaded = s.downloaded;
        }
    }

    /**
     * Writes seeders, completed and leechers of a swarm into {@code out[off..off+2]} (the BEP 15 scrape order);
     * zeros for an unknown swarm.
     */
    public void scrape(byte[] infoHash, int[] out, int off) {
        long h0 = getLong(infoHash, 0);
        long h1 = getLong(infoHash, 8);
        int h2 = getInt(infoHash, 16);
        Shard shard = shard(h0, h1, h2);
        synchronized (shard) {
            Swarm s = find(shard, h0, h1, h2);
            out[off] = s == null ? 0 : s.seeders;
            out[off + 1] = s == null ? 0 : s.downloaded;
            out[off + 2] = s == null ? 0 : s.leechers;
        }
    }

    /**
     * Drops peers not seen for the peer timeout and swarms that have been empty as long. Locks one shard at a
     * time. Returns the number of peers dropped.
     */
    public int expire(long nowNanos) {
        int now = seconds(nowNanos);
        int timeout = (int) limits.peerTimeout().toSeconds();
        int dropped = 0;
        for (Shard shard : shards) {
            synchronized (shard) {
                List<Swarm> empty = new ArrayList<>();
                for (Swarm s : shard.table) {
                    if (s == null) {
                        continue;
                    }
                    int seedersBefore = s.seeders;
                    int leechersBefore = s.leechers;
                    int d = s.expire(now, timeout, seed);
                    dropped += d;
                    shard.seeders += s.seeders - seedersBefore;
                    shard.leechers += s.leechers - leechersBefore;
                    if (s.size() == 0 && now - s.lastActiveSeconds > timeout) {
                        empty.add(s);
                    }
                }
                for (Swarm s : empty) {
                    remove(shard, s);
                }
            }
        }
        return dropped;
    }

    /** Number of swarms. */
    public int swarms() {
        return swarms.get();
    }

    /** Totals over all swarms: {seeders, leechers}. Locks each shard briefly. */
    public long[] totals() {
        long seeders = 0;
        long leechers = 0;
        for (Shard shard : shards) {
            synchronized (shard) {
                seeders += shard.seeders;
                leechers += shard.leechers;
            }
        }
        return new long[] {seeders, leechers};
    }

    /** Peers in one swarm, or -1 when unknown (tests and statistics). */
    public int peers(byte[] infoHash) {
        long h0 = getLong(infoHash, 0);
        long h1 = getLong(infoHash, 8);
        int h2 = getInt(infoHash, 16);
        Shard shard = shard(h0, h1, h2);
        synchronized (shard) {
            Swarm s = find(shard, h0, h1, h2);
            return s == null ? -1 : s.size();
        }
    }

    int seconds(long nowNanos) {
        long s = (nowNanos - epochNanos) / 1_000_000_000L;
        return (int) Math.max(0, Math.min(s, (1 << 30) - 1));
    }

    // ------------------------------------------------------------------ swarm table

    private Shard shard(long h0, long h1, int h2) {
        return shards[(int) (Swarm.mix(h1 ^ seed) >>> 58)];
    }

    private int home(long h0, long h1, int h2, int mask) {
        return (int) Swarm.mix(Swarm.mix(h0 ^ seed) + h1 * 0x9E3779B97F4A7C15L + h2) & mask;
    }

    private Swarm find(Shard shard, long h0, long h1, int h2) {
        Swarm[] t = shard.table;
        int mask = t.length - 1;
        for (int i = home(h0, h1, h2, mask); ; i = (i + 1) & mask) {
            Swarm s = t[i];
            if (s == null) {
                return null;
            }
            if (s.h0 == h0 && s.h1 == h1 && s.h2 == h2) {
                return s;
            }
        }
    }

    private void insert(Shard shard, Swarm s) {
        if ((shard.size + 1) * 4 > shard.table.length * 3) {
            Swarm[] old = shard.table;
            shard.table = new Swarm[old.length * 2];
            for (Swarm o : old) {
                if (o != null) {
                    place(shard.table, o);
                }
            }
        }
        place(shard.table, s);
        shard.size++;
        swarms.incrementAndGet();
    }

    private void place(Swarm[] t, Swarm s) {
        int mask = t.length - 1;
        int i = home(s.h0, s.h1, s.h2, mask);
        while (t[i] != null) {
            i = (i + 1) & mask;
        }
        t[i] = s;
    }

    private void remove(Shard shard, Swarm s) {
        Swarm[] t = shard.table;
        int mask = t.length - 1;
        int i = home(s.h0, s.h1, s.h2, mask);
        while (t[i] != s) {
            if (t[i] == null) {
                return;
            }
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            Swarm o = t[j];
            if (o == null) {
                break;
            }
            int h = home(o.h0, o.h1, o.h2, mask);
            if (((j - h) & mask) >= ((j - i) & mask)) {
                t[i] = o;
                i = j;
            }
        }
        t[i] = null;
        shard.size--;
        swarms.decrementAndGet();
    }

    static long getLong(byte[] b, int o) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = v << 8 | (b[o + k] & 0xff);
        }
        return v;
    }

    static int getInt(byte[] b, int o) {
        return (b[o] & 0xff) << 24 | (b[o + 1] & 0xff) << 16 | (b[o + 2] & 0xff) << 8 | (b[o + 3] & 0xff);
    }
}
