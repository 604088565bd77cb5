package io.hivemind.bt.tracker.server.internal;

import java.util.random.RandomGenerator;

/**
 * The peers of one swarm, in two open-addressing hash tables of primitives: IPv4 peers as one {@code long} each
 * ({@code ip << 16 | port}) plus an {@code int} of metadata, IPv6 peers as two {@code long}s, an {@code int} port
 * and an {@code int} of metadata. Metadata is {@code lastSeenSeconds << 1 | seeder}. A peer is identified by its
 * endpoint (address and announced port), as opentracker does; no peer id is stored.
 *
 * <p>Implementation note. Linear probing with backward-shift deletion (no tombstones), tables start at 4 slots
 * and double at 3/4 load, so a swarm of n IPv4 peers costs about 12·n/load bytes (≈ 21 bytes per peer on
 * average) plus one small object. Slots are found with a keyed mix ({@code seed} is random per registry) so
 * chosen ports or addresses cannot pile peers into one probe chain. Peer selection starts at a random slot and
 * walks the table, which returns a random window of the swarm in O(numwant) for leechers. Expiry rebuilds a table
 * only when it dropped something, shrinking it when it became sparse.
 *
 * <p>Not thread-safe: guarded by its registry shard.
 */
final class Swarm {
    private static final long[] NO_LONGS = new long[0];
    private static final int[] NO_INTS = new int[0];
    private static final int MIN_CAPACITY = 4;

    final long h0;
    final long h1;
    final int h2;
    private final long seed;

    private long[] keys4 = NO_LONGS;
    private int[] meta4 = NO_INTS;
    private int size4;

    private long[] hi6 = NO_LONGS;
    private long[] lo6 = NO_LONGS;
    private int[] port6 = NO_INTS;
    private int[] meta6 = NO_INTS;
    private int size6;

    int seeders;
    int leechers;
    int downloaded;
    int lastActiveSeconds;

    Swarm(long h0, long h1, int h2, long seed) {
        this.h0 = h0;
        this.h1 = h1;
        this.h2 = h2;
        this.seed = seed;
    }

    int size() {
        return size4 + size6;
    }

    /** Heap bytes held by the tables (not the object header), for statistics. */
    long tableBytes() {
        return 8L * keys4.length + 4L * meta4.length + 16L * hi6.length + 8L * port6.length;
    }

    // ------------------------------------------------------------------ updates

    /**
     * Adds or refreshes an IPv4 peer, or removes it when {@code stopped}. Returns the slot of the peer after the
     * update, or -1 when it is not (or no longer) in the table.
     */
    int update4(int ip, int port, boolean seeder, boolean stopped, int nowSeconds, int maxPeers,
                RandomGenerator random) {
        lastActiveSeconds = nowSeconds;
        long key = key4(ip, port);
        int slot = find4(key);
        if (stopped) {
            if (slot >= 0) {
                count(meta4[slot], -1);
                removeAt4(slot);
            }
            return -1;
        }
        int meta = nowSeconds << 1 | (seeder ? 1 : 0);
        if (slot >= 0) {
            count(meta4[slot], -1);
            meta4[slot] = meta;
            count(meta, 1);
            return slot;
        }
        if (size() >= maxPeers && !evict(true, random)) {
            return -1;
        }
        if ((size4 + 1) * 4 > keys4.length * 3) {
            resize4(Math.max(MIN_CAPACITY, keys4.length * 2));
        }
        slot = insert4(key, meta);
        count(meta, 1);
        return slot;
    }

    /** As {@link #update4} for an IPv6 peer. */
    int update6(long hi, long lo, int port, boolean seeder, boolean stopped, int nowSeconds, int maxPeers,
                RandomGenerator random) {
        lastActiveSeconds = nowSeconds;
        int slot = find6(hi, lo, port);
        if (stopped) {
            if (slot >= 0) {
                count(meta6[slot], -1);
                removeAt6(slot);
            }
            return -1;
        }
        int meta = nowSeconds << 1 | (seeder ? 1 : 0);
        if (slot >= 0) {
            count(meta6[slot], -1);
            meta6[slot] = meta;
            count(meta, 1);
            return slot;
        }
        if (size() >= maxPeers && !evict(false, random)) {
            return -1;
        }
        if ((size6 + 1) * 4 > hi6.length * 3) {
            resize6(Math.max(MIN_CAPACITY, hi6.length * 2));
        }
        slot = insert6(hi, lo, port, meta);
        count(meta, 1);
        return slot;
    }

    private void count(int meta, int delta) {
        if ((meta & 1) != 0) {
            seeders += delta;
        } else {
            leechers += delta;
        }
    }

    /**
     * Makes room by dropping the stalest of up to 8 randomly probed peers of the newcomer's family (or of the other
     * family when that one is empty). Keeps a full swarm fair: an attacker's entries age out like anyone's.
     */
    private boolean evict(boolean v4, RandomGenerator random) {
        boolean use4 = v4 ? size4 > 0 : size6 == 0;
        int cap = use4 ? keys4.length : hi6.length;
        if ((use4 ? size4 : size6) == 0) {
            return false;
        }
        int best = -1;
        int bestSeen = Integer.MAX_VALUE;
        int found = 0;
        for (int tries = 0; tries < 64 && found < 8; tries++) {
            int i = random.nextInt(cap);
            boolean occupied = use4 ? keys4[i] != 0 : port6[i] != 0;
            if (occupied) {
                found++;
                int seen = (use4 ? meta4[i] : meta6[i]) >>> 1;
                if (seen < bestSeen) {
                    bestSeen = seen;
                    best = i;
                }
            }
        }
        if (best < 0) {
            return false;
        }
        if (use4) {
            count(meta4[best], -1);
            removeAt4(best);
        } else {
            count(meta6[best], -1);
            removeAt6(best);
        }
        return true;
    }

    // ------------------------------------------------------------------ selection

    /**
     * Writes up to {@code want} IPv4 peers as 6-byte compact entries into {@code out} at {@code off}, skipping
     * the slot {@code self} and, when {@code skipSeeders}, seeders. Returns how many were written.
     */
    int select4(int want, int self, boolean skipSeeders, byte[] out, int off, RandomGenerator random) {
        int cap = keys4.length;
        if (want <= 0 || size4 == 0) {
            return 0;
        }
        int start = random.nextInt(cap);
        int n = 0;
        for (int k = 0; k < cap && n < want; k++) {
            int i = (start + k) & (cap - 1);
            long key = keys4[i];
            if (key == 0 || i == self || (skipSeeders && (meta4[i] & 1) != 0)) {
                continue;
            }
            int o = off + 6 * n;
            out[o] = (byte) (key >>> 40);
            out[o + 1] = (byte) (key >>> 32);
            out[o + 2] = (byte) (key >>> 24);
            out[o + 3] = (byte) (key >>> 16);
            out[o + 4] = (byte) (key >>> 8);
            out[o + 5] = (byte) key;
            n++;
        }
        return n;
    }

    /** As {@link #select4} for IPv6 peers, 18-byte entries. */
    int select6(int want, int self, boolean skipSeeders, byte[] out, int off, RandomGenerator random) {
        int cap = hi6.length;
        if (want <= 0 || size6 == 0) {
            return 0;
        }
        int start = random.nextInt(cap);
        int n = 0;
        for (int k = 0; k < cap && n < want; k++) {
            int i = (start + k) & (cap - 1);
            if (port6[i] == 0 || i == self || (skipSeeders && (meta6[i] & 1) != 0)) {
                continue;
            }
            int o = off + 18 * n;
            putLong(out, o, hi6[i]);
            putLong(out, o + 8, lo6[i]);
            out[o + 16] = (byte) (port6[i] >>> 8);
            out[o + 17] = (byte) port6[i];
            n++;
        }
        return n;
    }

    private static void putLong(byte[] b, int o, long v) {
        for (int k = 7; k >= 0; k--) {
            b[o + k] = (byte) v;
            v >>>= 8;
        }
    }

    // ------------------------------------------------------------------ expiry

    /** Drops peers last seen before {@code cutoffSeconds}; returns how many were dropped. */
    int expire(int cutoffSeconds) {
        int dropped = 0;
        if (size4 > 0) {
            int live = 0;
            for (int i = 0; i < keys4.length; i++) {
                if (keys4[i] != 0 && (meta4[i] >>> 1) >= cutoffSeconds) {
                    live++;
                }
            }
            if (live != size4) {
                long[] oldK = keys4;
                int[] oldM = meta4;
                dropped += size4 - live;
                int cap = capacityFor(live);
                keys4 = live == 0 ? NO_LONGS : new long[cap];
                meta4 = live == 0 ? NO_INTS : new int[cap];
                size4 = 0;
                for (int i = 0; i < oldK.length; i++) {
                    if (oldK[i] != 0) {
                        if ((oldM[i] >>> 1) >= cutoffSeconds) {
                            insert4(oldK[i], oldM[i]);
                        } else {
                            count(oldM[i], -1);
                        }
                    }
                }
            }
        }
        if (size6 > 0) {
            int live = 0;
            for (int i = 0; i < hi6.length; i++) {
                if (port6[i] != 0 && (meta6[i] >>> 1) >= cutoffSeconds) {
                    live++;
                }
            }
            if (live != size6) {
                long[] oh = hi6;
                long[] ol = lo6;
                int[] op = port6;
                int[] om = meta6;
                dropped += size6 - live;
                int cap = capacityFor(live);
                allocate6(live == 0 ? 0 : cap);
                size6 = 0;
                for (int i = 0; i < oh.length; i++) {
                    if (op[i] != 0) {
                        if ((om[i] >>> 1) >= cutoffSeconds) {
                            insert6(oh[i], ol[i], op[i] & 0xffff, om[i]);
                        } else {
                            count(om[i], -1);
                        }
                    }
                }
            }
        }
        return dropped;
    }

    private static int capacityFor(int n) {
        int cap = MIN_CAPACITY;
        while (n * 4 > cap * 3) {
            cap <<= 1;
        }
        return cap;
    }

    // ------------------------------------------------------------------ IPv4 table

    static long key4(int ip, int port) {
        return (ip & 0xffffffffL) << 16 | (port & 0xffff);
    }

    private int home4(long key, int mask) {
        return (int) mix(key ^ seed) & mask;
    }

    private int find4(long key) {
        if (size4 == 0) {
            return -1;
        }
        int mask = keys4.length - 1;
        for (int i = home4(key, mask); ; i = (i + 1) & mask) {
            long k = keys4[i];
            if (k == key) {
                return i;
            }
            if (k == 0) {
                return -1;
            }
        }
    }

    private int insert4(long key, int meta) {
        int mask = keys4.length - 1;
        int i = home4(key, mask);
        while (keys4[i] != 0) {
            i = (i + 1) & mask;
        }
        keys4[i] = key;
        meta4[i] = meta;
        size4++;
        return i;
    }

    private void removeAt4(int i) {
        int mask = keys4.length - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long k = keys4[j];
            if (k == 0) {
                break;
            }
            int home = home4(k, mask);
            if (((j - home) & mask) >= ((j - i) & mask)) {
                keys4[i] = k;
                meta4[i] = meta4[j];
                i = j;
            }
        }
        keys4[i] = 0;
        meta4[i] = 0;
        size4--;
    }

    private void resize4(int cap) {
        long[] oldK = keys4;
        int[] oldM = meta4;
        keys4 = new long[cap];
        meta4 = new int[cap];
        size4 = 0;
        for (int i = 0; i < oldK.length; i++) {
            if (oldK[i] != 0) {
                insert4(oldK[i], oldM[i]);
            }
        }
    }

    // ------------------------------------------------------------------ IPv6 table

    private int home6(long hi, long lo, int port, int mask) {
        return (int) mix(mix(hi ^ seed) + lo * 0x9E3779B97F4A7C15L + port) & mask;
    }

    private int find6(long hi, long lo, int port) {
        if (size6 == 0) {
            return -1;
        }
        int mask = hi6.length - 1;
        int tagged = port | 0x10000;
        for (int i = home6(hi, lo, port, mask); ; i = (i + 1) & mask) {
            int p = port6[i];
            if (p == 0) {
                return -1;
            }
            if (p == tagged && hi6[i] == hi && lo6[i] == lo) {
                return i;
            }
        }
    }

    private int insert6(long hi, long lo, int port, int meta) {
        int mask = hi6.length - 1;
        int i = home6(hi, lo, port, mask);
        while (port6[i] != 0) {
            i = (i + 1) & mask;
        }
        hi6[i] = hi;
        lo6[i] = lo;
        port6[i] = port | 0x10000;
        meta6[i] = meta;
        size6++;
        return i;
    }

    private void removeAt6(int i) {
        int mask = hi6.length - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (port6[j] == 0) {
                break;
            }
            int home = home6(hi6[j], lo6[j], port6[j] & 0xffff, mask);
            if (((j - home) & mask) >= ((j - i) & mask)) {
                hi6[i] = hi6[j];
                lo6[i] = lo6[j];
                port6[i] = port6[j];
                meta6[i] = meta6[j];
                i = j;
            }
        }
        hi6[i] = 0;
        lo6[i] = 0;
        port6[i] = 0;
        meta6[i] = 0;
        size6--;
    }

    private void allocate6(int cap) {
        if (cap == 0) {
            hi6 = NO_LONGS;
            lo6 = NO_LONGS;
            port6 = NO_INTS;
            meta6 = NO_INTS;
        } else {
            hi6 = new long[cap];
            lo6 = new long[cap];
            port6 = new int[cap];
            meta6 = new int[cap];
        }
    }

    private void resize6(int cap) {
        long[] oh = hi6;
        long[] ol = lo6;
        int[] op = port6;
        int[] om = meta6;
        allocate6(cap);
        size6 = 0;
        for (int i = 0; i < oh.length; i++) {
            if (op[i] != 0) {
                insert6(oh[i], ol[i], op[i] & 0xffff, om[i]);
            }
        }
    }

    /** Murmur3's 64-bit finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb53a85ec2b7fL;
        return z ^ (z >>> 33);
    }
}
