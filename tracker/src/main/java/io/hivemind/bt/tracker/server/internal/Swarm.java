package io.hivemind.bt.tracker.server.internal;

import java.util.random.RandomGenerator;

/**
 * The peers of one swarm, in two open-addressing hash tables of primitives. An IPv4 peer is one {@code long}:
 * {@code ip(32) ‖ port(16) ‖ meta(16)}; an IPv6 peer is two {@code long}s of address and one {@code int}
 * {@code port(16) ‖ meta(16)}. {@code meta} is {@code lastSeen(15) ‖ seeder(1)}, the time counted in
 * {@value #UNIT_SECONDS}-second units modulo 2¹⁵ (36 hours, more than the longest peer timeout allowed, so an age
 * computed modulo the wrap is exact). A peer is identified by its endpoint (address and announced port), as
 * opentracker does; no peer id is stored.
 *
 * <p>Implementation note. Linear probing with backward-shift deletion (no tombstones); tables start at 4 slots and
 * double at 3/4 load, so an IPv4 peer costs 8 bytes per slot, about 14 bytes on average, and a lookup touches one
 * array. Slots are found with a keyed mix ({@code seed} is random per registry) so chosen ports or addresses cannot
 * pile peers into one probe chain. Peer selection starts at a random slot and walks the table, which gives a
 * random window of the swarm in O(numwant) for leechers. Expiry rebuilds a table only when it dropped something,
 * shrinking it when it became sparse.
 *
 * <p>Not thread-safe: guarded by its registry shard.
 */
final class Swarm {
    static final int UNIT_SECONDS = 4;
    /** Longest peer timeout the 15-bit clock supports exactly (24 h, under the 36 h wrap). */
    static final int MAX_TIMEOUT_SECONDS = 24 * 3600;
    private static final int CLOCK_MASK = 0x7fff;
    private static final long[] NO_LONGS = new long[0];
    private static final int[] NO_INTS = new int[0];
    private static final int MIN_CAPACITY = 4;

    final long h0;
    final long h1;
    final int h2;

    private long[] slots4 = NO_LONGS;
    private int size4;

    private long[] hi6 = NO_LONGS;
    private long[] lo6 = NO_LONGS;
    private int[] portMeta6 = NO_INTS;
    private int size6;

    int seeders;
    int leechers;
    int downloaded;
    int lastActiveSeconds;

    Swarm(long h0, long h1, int h2) {
        this.h0 = h0;
        this.h1 = h1;
        this.h2 = h2;
    }

    int size() {
        return size4 + size6;
    }

    static int meta(int nowSeconds, boolean seeder) {
        return ((nowSeconds / UNIT_SECONDS) & CLOCK_MASK) << 1 | (seeder ? 1 : 0);
    }

    /** Seconds since a peer with this meta was last seen (exact within the 36 h wrap, in 4 s steps). */
    static int ageSeconds(int meta, int nowSeconds) {
        int now = (nowSeconds / UNIT_SECONDS) & CLOCK_MASK;
        return ((now - (meta >>> 1)) & CLOCK_MASK) * UNIT_SECONDS;
    }

    // ------------------------------------------------------------------ updates

    /**
     * Adds or refreshes an IPv4 peer, or removes it when {@code stopped}. Returns the slot of the peer after the
     * update, or -1 when it is not (or no longer) in the table.
     */
    int update4(int ip, int port, boolean seeder, boolean stopped, int nowSeconds, int maxPeers, long seed,
                RandomGenerator random) {
        lastActiveSeconds = nowSeconds;
        long addr = addr4(ip, port);
        int slot = find4(addr, seed);
        if (stopped) {
            if (slot >= 0) {
                count((int) slots4[slot] & 0xffff, -1);
                removeAt4(slot, seed);
            }
            return -1;
        }
        int meta = meta(nowSeconds, seeder);
        if (slot >= 0) {
            count((int) slots4[slot] & 0xffff, -1);
            slots4[slot] = addr << 16 | meta;
            count(meta, 1);
            return slot;
        }
        if (size() >= maxPeers && !evict(true, nowSeconds, seed, random)) {
            return -1;
        }
        if ((size4 + 1) * 4 > slots4.length * 3) {
            resize4(Math.max(MIN_CAPACITY, slots4.length * 2), seed);
        }
        slot = insert4(addr << 16 | meta, seed);
        count(meta, 1);
        return slot;
    }

    /** As {@link #update4} for an IPv6 peer. */
    int update6(long hi, long lo, int port, boolean seeder, boolean stopped, int nowSeconds, int maxPeers, long seed,
                RandomGenerator random) {
        lastActiveSeconds = nowSeconds;
        int slot = find6(hi, lo, port, seed);
        if (stopped) {
            if (slot >= 0) {
                count(portMeta6[slot] & 0xffff, -1);
                removeAt6(slot, seed);
            }
            return -1;
        }
        int meta = meta(nowSeconds, seeder);
        if (slot >= 0) {
            count(portMeta6[slot] & 0xffff, -1);
            portMeta6[slot] = port << 16 | meta;
            count(meta, 1);
            return slot;
        }
        if (size() >= maxPeers && !evict(false, nowSeconds, seed, random)) {
            return -1;
        }
        if ((size6 + 1) * 4 > hi6.length * 3) {
            resize6(Math.max(MIN_CAPACITY, hi6.length * 2), seed);
        }
        slot = insert6(hi, lo, port << 16 | meta, seed);
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
    private boolean evict(boolean v4, int nowSeconds, long seed, RandomGenerator random) {
        boolean use4 = v4 ? size4 > 0 : size6 == 0;
        if ((use4 ? size4 : size6) == 0) {
            return false;
        }
        int cap = use4 ? slots4.length : hi6.length;
        int best = -1;
        int bestAge = -1;
        int found = 0;
        for (int tries = 0; tries < 64 && found < 8; tries++) {
            int i = random.nextInt(cap);
            int meta = use4 ? (slots4[i] == 0 ? -1 : (int) slots4[i] & 0xffff)
                    : (portMeta6[i] == 0 ? -1 : portMeta6[i] & 0xffff);
            if (meta >= 0) {
                found++;
                int age = ageSeconds(meta, nowSeconds);
                if (age > bestAge) {
                    bestAge = age;
                    best = i;
                }
            }
        }
        if (best < 0) {
            return false;
        }
        if (use4) {
            count((int) slots4[best] & 0xffff, -1);
            removeAt4(best, seed);
        } else {
            count(portMeta6[best] & 0xffff, -1);
            removeAt6(best, seed);
        }
        return true;
    }

    // ------------------------------------------------------------------ selection

    /**
     * Writes up to {@code want} IPv4 peers as 6-byte compact entries into {@code out} at {@code off}, skipping
     * the slot {@code self} and, when {@code skipSeeders}, seeders. Returns how many were written.
     */
    int select4(int want, int self, boolean skipSeeders, byte[] out, int off, RandomGenerator random) {
        int cap = slots4.length;
        if (want <= 0 || size4 == 0) {
            return 0;
        }
        int start = random.nextInt(cap);
        int n = 0;
        for (int k = 0; k < cap && n < want; k++) {
            int i = (start + k) & (cap - 1);
            long v = slots4[i];
            if (v == 0 || i == self || (skipSeeders && (v & 1) != 0)) {
                continue;
            }
            int o = off + 6 * n;
            out[o] = (byte) (v >>> 56);
            out[o + 1] = (byte) (v >>> 48);
            out[o + 2] = (byte) (v >>> 40);
            out[o + 3] = (byte) (v >>> 32);
            out[o + 4] = (byte) (v >>> 24);
            out[o + 5] = (byte) (v >>> 16);
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
            int pm = portMeta6[i];
            if (pm == 0 || i == self || (skipSeeders && (pm & 1) != 0)) {
                continue;
            }
            int o = off + 18 * n;
            putLong(out, o, hi6[i]);
            putLong(out, o + 8, lo6[i]);
            out[o + 16] = (byte) (pm >>> 24);
            out[o + 17] = (byte) (pm >>> 16);
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

    /** Drops peers not seen for more than {@code timeoutSeconds}; returns how many were dropped. */
    int expire(int nowSeconds, int timeoutSeconds, long seed) {
        int dropped = 0;
        if (size4 > 0) {
            int live = 0;
            for (long v : slots4) {
                if (v != 0 && ageSeconds((int) v & 0xffff, nowSeconds) <= timeoutSeconds) {
                    live++;
                }
            }
            if (live != size4) {
                long[] old = slots4;
                dropped += size4 - live;
                slots4 = live == 0 ? NO_LONGS : new long[capacityFor(live)];
                size4 = 0;
                for (long v : old) {
                    if (v != 0) {
                        if (ageSeconds((int) v & 0xffff, nowSeconds) <= timeoutSeconds) {
                            insert4(v, seed);
                        } else {
                            count((int) v & 0xffff, -1);
                        }
                    }
                }
            }
        }
        if (size6 > 0) {
            int live = 0;
            for (int pm : portMeta6) {
                if (pm != 0 && ageSeconds(pm & 0xffff, nowSeconds) <= timeoutSeconds) {
                    live++;
                }
            }
            if (live != size6) {
                long[] oh = hi6;
                long[] ol = lo6;
                int[] op = portMeta6;
                dropped += size6 - live;
                allocate6(live == 0 ? 0 : capacityFor(live));
                size6 = 0;
                for (int i = 0; i < oh.length; i++) {
                    if (op[i] != 0) {
                        if (ageSeconds(op[i] & 0xffff, nowSeconds) <= timeoutSeconds) {
                            insert6(oh[i], ol[i], op[i], seed);
                        } else {
                            count(op[i] & 0xffff, -1);
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

    static long addr4(int ip, int port) {
        return (ip & 0xffffffffL) << 16 | (port & 0xffff);
    }

    private static int home4(long addr, long seed, int mask) {
        return (int) mix(addr ^ seed) & mask;
    }

    private int find4(long addr, long seed) {
        if (size4 == 0) {
            return -1;
        }
        int mask = slots4.length - 1;
        for (int i = home4(addr, seed, mask); ; i = (i + 1) & mask) {
            long v = slots4[i];
            if (v == 0) {
                return -1;
            }
            if (v >>> 16 == addr) {
                return i;
            }
        }
    }

    private int insert4(long value, long seed) {
        int mask = slots4.length - 1;
        int i = home4(value >>> 16, seed, mask);
        while (slots4[i] != 0) {
            i = (i + 1) & mask;
        }
        slots4[i] = value;
        size4++;
        return i;
    }

    private void removeAt4(int i, long seed) {
        int mask = slots4.length - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            long v = slots4[j];
            if (v == 0) {
                break;
            }
            int home = home4(v >>> 16, seed, mask);
            if (((j - home) & mask) >= ((j - i) & mask)) {
                slots4[i] = v;
                i = j;
            }
        }
        slots4[i] = 0;
        size4--;
    }

    private void resize4(int cap, long seed) {
        long[] old = slots4;
        slots4 = new long[cap];
        size4 = 0;
        for (long v : old) {
            if (v != 0) {
                insert4(v, seed);
            }
        }
    }

    // ------------------------------------------------------------------ IPv6 table

    private static int home6(long hi, long lo, int port, long seed, int mask) {
        return (int) mix(mix(hi ^ seed) + lo * 0x9E3779B97F4A7C15L + port) & mask;
    }

    private int find6(long hi, long lo, int port, long seed) {
        if (size6 == 0) {
            return -1;
        }
        int mask = hi6.length - 1;
        for (int i = home6(hi, lo, port, seed, mask); ; i = (i + 1) & mask) {
            int pm = portMeta6[i];
            if (pm == 0) {
                return -1;
            }
            if (pm >>> 16 == port && hi6[i] == hi && lo6[i] == lo) {
                return i;
            }
        }
    }

    private int insert6(long hi, long lo, int portMeta, long seed) {
        int mask = hi6.length - 1;
        int i = home6(hi, lo, portMeta >>> 16, seed, mask);
        while (portMeta6[i] != 0) {
            i = (i + 1) & mask;
        }
        hi6[i] = hi;
        lo6[i] = lo;
        portMeta6[i] = portMeta;
        size6++;
        return i;
    }

    private void removeAt6(int i, long seed) {
        int mask = hi6.length - 1;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (portMeta6[j] == 0) {
                break;
            }
            int home = home6(hi6[j], lo6[j], portMeta6[j] >>> 16, seed, mask);
            if (((j - home) & mask) >= ((j - i) & mask)) {
                hi6[i] = hi6[j];
                lo6[i] = lo6[j];
                portMeta6[i] = portMeta6[j];
                i = j;
            }
        }
        hi6[i] = 0;
        lo6[i] = 0;
        portMeta6[i] = 0;
        size6--;
    }

    private void allocate6(int cap) {
        if (cap == 0) {
            hi6 = NO_LONGS;
            lo6 = NO_LONGS;
            portMeta6 = NO_INTS;
        } else {
            hi6 = new long[cap];
            lo6 = new long[cap];
            portMeta6 = new int[cap];
        }
    }

    private void resize6(int cap, long seed) {
        long[] oh = hi6;
        long[] ol = lo6;
        int[] op = portMeta6;
        allocate6(cap);
        size6 = 0;
        for (int i = 0; i < oh.length; i++) {
            if (op[i] != 0) {
                insert6(oh[i], ol[i], op[i], seed);
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
