package io.hivemind.bt.client.ipfilter;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable IP filter: which IPv4 and IPv6 addresses the session refuses to talk to (incoming and outgoing
 * peer connections, peers from trackers, the DHT and PEX).
 *
 * <p><b>Semantics.</b> Rules are address ranges with an {@link Action}. An address is <em>blocked</em> when it
 * lies in a {@code DENY} range and in no {@code ALLOW} range: <b>the whitelist wins</b>, whatever the order the
 * rules were added in. Addresses in no range get the default action ({@code ALLOW} unless
 * {@link Builder#defaultAction(Action)} says {@code DENY}, which turns the filter into a pure whitelist).
 * IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) are checked as the IPv4 address.
 *
 * <p><b>Implementation note.</b> {@link Builder#build()} resolves all rules into one sorted list of disjoint,
 * non-adjacent blocked ranges per family ((deny ∪ default) minus allow, merged), kept in primitive arrays:
 * IPv4 bounds as {@code int}s with the sign bit flipped so signed comparison is unsigned order, IPv6 bounds as
 * two {@code long}s each. A lookup is one binary search with no allocation on the {@code int}, {@code long} and
 * {@code byte[]} paths. For IPv4 lists of 256 ranges or more, a 65,537-entry table (256 KiB) indexed by the
 * address's top 16 bits narrows the search to the ranges starting in that /16 (about 15 for a million random
 * ranges), which saves most of the cache misses of a plain binary search over 8 MB of bounds. IPv6 bounds keep
 * each 128-bit value's halves side by side, and a first-level index of every 32nd start (1/32 of the size, so it
 * stays in cache) picks the block of 32 ranges to search; this works whatever the distribution, as IPv6 lists
 * cluster in few prefixes. Building sorts with
 * {@link Arrays#sort(long[])} for IPv4 (start and end packed in one long) and a merge sort of indices for IPv6;
 * a million ranges build in well under a second ({@code IpFilterLoaderTest}, {@code IpFilterBenchmark}).
 * libtorrent's {@code ip_filter} keeps a {@code std::set} of ranges, which is the same idea with pointers.
 *
 * <p>Immutable and thread-safe; share one instance between all event loops, and swap it atomically to reload
 * ({@link ReloadableIpFilter}).
 */
public final class IpFilter {

    /** What a rule does with the addresses it covers. */
    public enum Action { ALLOW, DENY }

    private static final IpFilter ALLOW_ALL = builder().build();

    // Blocked IPv4 ranges, sign-flipped, sorted, disjoint.
    private final int[] v4Start;
    private final int[] v4End;
    // v4Bucket[b] = number of ranges starting below address b << 16 (65537 entries), or null for small filters.
    private final int[] v4Bucket;
    // Blocked IPv6 ranges, sorted, disjoint, compared unsigned; (hi, lo) pairs interleaved so that one probe
    // reads one cache line. v6Sample holds the start of every SAMPLE-th range: a small first-level index.
    private final long[] v6Start;
    private final long[] v6End;
    private final long[] v6Sample;
    private static final int SAMPLE = 32;

    private IpFilter(int[] v4Start, int[] v4End, long[] v6StartHi, long[] v6StartLo, long[] v6EndHi, long[] v6EndLo) {
        this.v4Start = v4Start;
        this.v4End = v4End;
        this.v4Bucket = v4Start.length < BUCKET_THRESHOLD ? null : buckets(v4Start);
        int n6 = v6StartHi.length;
        this.v6Start = new long[2 * n6];
        this.v6End = new long[2 * n6];
        for (int k = 0; k < n6; k++) {
            v6Start[2 * k] = v6StartHi[k];
            v6Start[2 * k + 1] = v6StartLo[k];
            v6End[2 * k] = v6EndHi[k];
            v6End[2 * k + 1] = v6EndLo[k];
        }
        int samples = (n6 + SAMPLE - 1) / SAMPLE;
        this.v6Sample = new long[2 * samples];
        for (int k = 0; k < samples; k++) {
            v6Sample[2 * k] = v6StartHi[k * SAMPLE];
            v6Sample[2 * k + 1] = v6StartLo[k * SAMPLE];
        }
    }

    private static final int BUCKET_THRESHOLD = 256;

    private static int[] buckets(int[] flippedStarts) {
        int[] b = new int[65537];
        int i = 0;
        for (int bucket = 0; bucket <= 65536; bucket++) {
            long bound = (long) bucket << 16; // unsigned address where this bucket begins
            while (i < flippedStarts.length && ((flippedStarts[i] ^ Integer.MIN_VALUE) & 0xffffffffL) < bound) {
                i++;
            }
            b[bucket] = i;
        }
        return b;
    }

    /** A filter that blocks nothing. */
    public static IpFilter allowAll() {
        return ALLOW_ALL;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of disjoint blocked IPv4 ranges after resolution. */
    public int blockedRangesV4() {
        return v4Start.length;
    }

    /** Number of disjoint blocked IPv6 ranges after resolution. */
    public int blockedRangesV6() {
        return v6Start.length / 2;
    }

    /** True when nothing is blocked. */
    public boolean isEmpty() {
        return v4Start.length == 0 && v6Start.length == 0;
    }

    /** Is this address blocked? {@code null} is not blocked. */
    public boolean isBlocked(InetAddress address) {
        if (address instanceof Inet4Address || address instanceof Inet6Address) {
            return isBlocked(address.getAddress());
        }
        return false;
    }

    /** Is the socket address's IP blocked? Unresolved addresses are not blocked (they have no IP yet). */
    public boolean isBlocked(InetSocketAddress address) {
        return address != null && isBlocked(address.getAddress());
    }

    /** Is this 4-byte (IPv4) or 16-byte (IPv6, IPv4-mapped allowed) address blocked? Other lengths throw. */
    public boolean isBlocked(byte[] address) {
        if (address.length == 4) {
            return isBlockedV4((address[0] & 0xff) << 24 | (address[1] & 0xff) << 16 | (address[2] & 0xff) << 8
                    | (address[3] & 0xff));
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
        }
        long hi = 0;
        long lo = 0;
        for (int k = 0; k < 8; k++) {
            hi = hi << 8 | (address[k] & 0xff);
            lo = lo << 8 | (address[k + 8] & 0xff);
        }
        return isBlockedV6(hi, lo);
    }

    /** Is the IPv4 address {@code address} (big-endian, as {@code a << 24 | b << 16 | c << 8 | d}) blocked? */
    public boolean isBlockedV4(int address) {
        int[] starts = v4Start;
        int x = address ^ Integer.MIN_VALUE;
        int lo = 0;
        int hi = starts.length - 1;
        int[] bucket = v4Bucket;
        if (bucket != null) {
            // Only ranges starting inside this /16 can be the answer, else the last one starting before it.
            int b = address >>> 16;
            lo = bucket[b];
            hi = bucket[b + 1] - 1;
            if (hi < lo) {
                hi = lo - 1;
                return hi >= 0 && x <= v4End[hi];
            }
        }
        // Find the last range whose start <= x.
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= x) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && x <= v4End[hi];
    }

    /** Is the IPv6 address with these high and low 64 bits blocked? IPv4-mapped addresses check the IPv4 rules. */
    public boolean isBlockedV6(long high, long low) {
        if (high == 0 && (low >>> 32) == 0xffffL) {
            return isBlockedV4((int) low);
        }
        // First level: the last sampled start <= x names the block of SAMPLE ranges holding the answer.
        // Both searches are branch-free (the JIT turns the ternaries into conditional moves): with random
        // addresses a branchy search mispredicts about half of its steps.
        long[] sample = v6Sample;
        int n = sample.length / 2;
        if (n == 0) {
            return false;
        }
        int base = 0;
        for (int len = n; len > 1; ) {
            int half = len >>> 1;
            int probe = base + half;
            base = lessOrEqual(sample[2 * probe], sample[2 * probe + 1], high, low) ? probe : base;
            len -= half;
        }
        if (!lessOrEqual(sample[2 * base], sample[2 * base + 1], high, low)) {
            return false; // below the first range
        }
        long[] st = v6Start;
        base *= SAMPLE;
        for (int len = Math.min(st.length / 2 - base, SAMPLE); len > 1; ) {
            int half = len >>> 1;
            int probe = base + half;
            base = lessOrEqual(st[2 * probe], st[2 * probe + 1], high, low) ? probe : base;
            len -= half;
        }
        return lessOrEqual(high, low, v6End[2 * base], v6End[2 * base + 1]);
    }

    /** (aHi, aLo) <= (bHi, bLo), unsigned 128-bit, without branches. */
    private static boolean lessOrEqual(long aHi, long aLo, long bHi, long bLo) {
        long ah = aHi + Long.MIN_VALUE;
        long bh = bHi + Long.MIN_VALUE;
        return ah < bh | ah == bh & aLo + Long.MIN_VALUE <= bLo + Long.MIN_VALUE;
    }

    static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    @Override
    public String toString() {
        return "IpFilter[" + v4Start.length + " IPv4 and " + v6Start.length / 2 + " IPv6 blocked ranges]";
    }

    /**
     * Collects rules; {@link #build()} resolves them. Not thread-safe. Memory: 8 bytes per IPv4 rule and 32 per
     * IPv6 rule while building.
     */
    public static final class Builder {
        private final LongList v4Deny = new LongList();
        private final LongList v4Allow = new LongList();
        private final LongList v6Deny = new LongList();
        private final LongList v6Allow = new LongList();
        private static final long MAPPED_FIRST = 0xffff00000000L;
        private static final long MAPPED_LAST = 0xffffffffffffL;
        private long mappedProjections;
        private Action defaultAction = Action.ALLOW;

        private Builder() {
        }

        /** What addresses in no rule get; {@code DENY} makes the filter a whitelist. Default {@code ALLOW}. */
        public Builder defaultAction(Action action) {
            this.defaultAction = Objects.requireNonNull(action, "action");
            return this;
        }

        /** Adds a rule for an {@link IpRange}. */
        public Builder add(Action action, IpRange range) {
            if (range.isV4()) {
                return addV4(action, (int) range.firstLow(), (int) range.lastLow());
            }
            return addV6(action, range.firstHigh(), range.firstLow(), range.lastHigh(), range.lastLow());
        }

        /** Adds a deny rule parsed by {@link IpRange#parse(String)} (CIDR, {@code a-b}, or one address). */
        public Builder deny(String range) {
            return add(Action.DENY, IpRange.parse(range));
        }

        /** Adds an allow rule parsed by {@link IpRange#parse(String)}. */
        public Builder allow(String range) {
            return add(Action.ALLOW, IpRange.parse(range));
        }

        /** Adds the IPv4 range [first, last] (unsigned big-endian ints). */
        public Builder addV4(Action action, int first, int last) {
            long f = first & 0xffffffffL;
            long l = last & 0xffffffffL;
            if (f > l) {
                throw new IllegalArgumentException("range start after its end");
            }
            (action == Action.DENY ? v4Deny : v4Allow).add(f << 32 | l);
            return this;
        }

        /** Adds the IPv6 range [first, last], each as high and low 64 bits. */
        public Builder addV6(Action action, long firstHigh, long firstLow, long lastHigh, long lastLow) {
            if (compare(firstHigh, firstLow, lastHigh, lastLow) > 0) {
                throw new IllegalArgumentException("range start after its end");
            }
            // Lookups send IPv4-mapped addresses (::ffff:a.b.c.d) to the IPv4 table, so the part of the range inside
            // ::ffff:0:0/96 goes there as well (else ::/80 would not cover ::ffff:1.2.3.4; found by
            // IpFilterLoaderFuzzTest#range). It is not counted as a rule of its own.
            if (compare(firstHigh, firstLow, 0, MAPPED_LAST) <= 0 && compare(lastHigh, lastLow, 0, MAPPED_FIRST) >= 0) {
                long f = compare(firstHigh, firstLow, 0, MAPPED_FIRST) < 0 ? MAPPED_FIRST : firstLow;
                long t = compare(lastHigh, lastLow, 0, MAPPED_LAST) > 0 ? MAPPED_LAST : lastLow;
                addV4(action, (int) f, (int) t);
                mappedProjections++;
            }
            LongList l = action == Action.DENY ? v6Deny : v6Allow;
            l.add(firstHigh);
            l.add(firstLow);
            l.add(lastHigh);
            l.add(lastLow);
            return this;
        }

        /** Rules collected so far (both families, both actions). */
        public long ruleCount() {
            return v4Deny.size + v4Allow.size + (v6Deny.size + v6Allow.size) / 4 - mappedProjections;
        }

        public IpFilter build() {
            long[] deny4 = defaultAction == Action.DENY ? new long[] {0, 0xffffffffL} : mergeV4(v4Deny);
            long[] allow4 = mergeV4(v4Allow);
            long[] blocked4 = subtractV4(deny4, allow4);
            int n4 = blocked4.length / 2;
            int[] s4 = new int[n4];
            int[] e4 = new int[n4];
            for (int k = 0; k < n4; k++) {
                s4[k] = (int) blocked4[2 * k] ^ Integer.MIN_VALUE;
                e4[k] = (int) blocked4[2 * k + 1] ^ Integer.MIN_VALUE;
            }
            long[] deny6 = defaultAction == Action.DENY ? new long[] {0, 0, -1, -1} : mergeV6(v6Deny);
            long[] allow6 = mergeV6(v6Allow);
            long[] blocked6 = subtractV6(deny6, allow6);
            int n6 = blocked6.length / 4;
            long[] sh = new long[n6];
            long[] sl = new long[n6];
            long[] eh = new long[n6];
            long[] el = new long[n6];
            for (int k = 0; k < n6; k++) {
                sh[k] = blocked6[4 * k];
                sl[k] = blocked6[4 * k + 1];
                eh[k] = blocked6[4 * k + 2];
                el[k] = blocked6[4 * k + 3];
            }
            return new IpFilter(s4, e4, sh, sl, eh, el);
        }

        /** Sorts packed (start << 32 | end) ranges and merges overlapping and adjacent ones into [s0, e0, s1, e1…]. */
        private static long[] mergeV4(LongList rules) {
            long[] packed = new long[rules.size];
            for (int k = 0; k < packed.length; k++) {
                packed[k] = rules.values[k] ^ Long.MIN_VALUE; // signed order of the flipped value = unsigned order
            }
            Arrays.sort(packed);
            long[] out = new long[2 * packed.length];
            int n = 0;
            for (long flipped : packed) {
                long p = flipped ^ Long.MIN_VALUE;
                long s = p >>> 32;
                long e = p & 0xffffffffL;
                if (n > 0 && s <= out[n - 1] + 1) {
                    out[n - 1] = Math.max(out[n - 1], e);
                } else {
                    out[n++] = s;
                    out[n++] = e;
                }
            }
            return Arrays.copyOf(out, n);
        }

        /** deny minus allow, both sorted and disjoint, as [s0, e0, …]. */
        private static long[] subtractV4(long[] deny, long[] allow) {
            LongList out = new LongList();
            int j = 0;
            for (int d = 0; d < deny.length; d += 2) {
                long s = deny[d];
                long e = deny[d + 1];
                while (j < allow.length && allow[j + 1] < s) {
                    j += 2;
                }
                int k = j;
                while (true) {
                    if (k >= allow.length || allow[k] > e) {
                        out.add(s);
                        out.add(e);
                        break;
                    }
                    if (allow[k] > s) {
                        out.add(s);
                        out.add(allow[k] - 1);
                    }
                    if (allow[k + 1] >= e) {
                        break;
                    }
                    s = allow[k + 1] + 1;
                    k += 2;
                }
            }
            return Arrays.copyOf(out.values, out.size);
        }

        /** Sorts IPv6 rules [sh, sl, eh, el]* by start and merges overlapping and adjacent ones. */
        private static long[] mergeV6(LongList rules) {
            int n = rules.size / 4;
            long[] v = rules.values;
            int[] idx = new int[n];
            for (int k = 0; k < n; k++) {
                idx[k] = k;
            }
            mergeSort(idx, new int[n], 0, n, v);
            long[] out = new long[4 * n];
            int m = 0;
            for (int k = 0; k < n; k++) {
                int r = 4 * idx[k];
                long sh = v[r];
                long sl = v[r + 1];
                long eh = v[r + 2];
                long el = v[r + 3];
                if (m > 0 && touches(out[m - 2], out[m - 1], sh, sl)) {
                    if (compare(eh, el, out[m - 2], out[m - 1]) > 0) {
                        out[m - 2] = eh;
                        out[m - 1] = el;
                    }
                } else {
                    out[m++] = sh;
                    out[m++] = sl;
                    out[m++] = eh;
                    out[m++] = el;
                }
            }
            return Arrays.copyOf(out, m);
        }

        /** True when a range ending at (eh, el) overlaps or is adjacent to one starting at (sh, sl) >= its start. */
        private static boolean touches(long eh, long el, long sh, long sl) {
            if (compare(sh, sl, eh, el) <= 0) {
                return true;
            }
            // adjacent: end + 1 == start
            long nl = el + 1;
            long nh = nl == 0 ? eh + 1 : eh;
            return nh == sh && nl == sl;
        }

        private static long[] subtractV6(long[] deny, long[] allow) {
            LongList out = new LongList();
            int j = 0;
            for (int d = 0; d < deny.length; d += 4) {
                long sh = deny[d];
                long sl = deny[d + 1];
                long eh = deny[d + 2];
                long el = deny[d + 3];
                while (j < allow.length && compare(allow[j + 2], allow[j + 3], sh, sl) < 0) {
                    j += 4;
                }
                int k = j;
                while (true) {
                    if (k >= allow.length || compare(allow[k], allow[k + 1], eh, el) > 0) {
                        out.add(sh);
                        out.add(sl);
                        out.add(eh);
                        out.add(el);
                        break;
                    }
                    if (compare(allow[k], allow[k + 1], sh, sl) > 0) {
                        // [s, allowStart - 1]
                        long pl = allow[k + 1] - 1;
                        long ph = allow[k + 1] == 0 ? allow[k] - 1 : allow[k];
                        out.add(sh);
                        out.add(sl);
                        out.add(ph);
                        out.add(pl);
                    }
                    if (compare(allow[k + 2], allow[k + 3], eh, el) >= 0) {
                        break;
                    }
                    sl = allow[k + 3] + 1;
                    sh = sl == 0 ? allow[k + 2] + 1 : allow[k + 2];
                    k += 4;
                }
            }
            return Arrays.copyOf(out.values, out.size);
        }

        /** Stable merge sort of rule indices by (start, end), comparing the rules' 128-bit starts unsigned. */
        private static void mergeSort(int[] a, int[] tmp, int from, int to, long[] v) {
            if (to - from < 24) {
                for (int i = from + 1; i < to; i++) {
                    int x = a[i];
                    int j = i - 1;
                    while (j >= from && cmpRule(v, a[j], x) > 0) {
                        a[j + 1] = a[j];
                        j--;
                    }
                    a[j + 1] = x;
                }
                return;
            }
            int mid = (from + to) >>> 1;
            mergeSort(a, tmp, from, mid, v);
            mergeSort(a, tmp, mid, to, v);
            if (cmpRule(v, a[mid - 1], a[mid]) <= 0) {
                return;
            }
            System.arraycopy(a, from, tmp, from, to - from);
            int i = from;
            int j = mid;
            for (int k = from; k < to; k++) {
                if (j >= to || i < mid && cmpRule(v, tmp[i], tmp[j]) <= 0) {
                    a[k] = tmp[i++];
                } else {
                    a[k] = tmp[j++];
                }
            }
        }

        private static int cmpRule(long[] v, int x, int y) {
            return compare(v[4 * x], v[4 * x + 1], v[4 * y], v[4 * y + 1]);
        }
    }

    /** A growable long array. */
    static final class LongList {
        long[] values = new long[16];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }
    }
}
