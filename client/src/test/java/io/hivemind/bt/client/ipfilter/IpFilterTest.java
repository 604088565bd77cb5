package io.hivemind.bt.client.ipfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.ipfilter.IpFilter.Action;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The resolved filter agrees with a naive reference model (whitelist wins, then deny, then the default) on
 * random overlapping rules in both families, at range edges and family extremes.
 */
class IpFilterTest {

    record Rule(Action action, boolean v4, BigInteger first, BigInteger last) {
        boolean covers(boolean isV4, BigInteger x) {
            return v4 == isV4 && first.compareTo(x) <= 0 && x.compareTo(last) <= 0;
        }
    }

    static boolean naiveBlocked(List<Rule> rules, Action def, boolean v4, BigInteger x) {
        boolean denied = def == Action.DENY;
        for (Rule r : rules) {
            if (r.action() == Action.ALLOW && r.covers(v4, x)) {
                return false;
            }
            if (r.action() == Action.DENY && r.covers(v4, x)) {
                denied = true;
            }
        }
        return denied;
    }

    static long hi(BigInteger x) {
        return x.shiftRight(64).longValue();
    }

    static long lo(BigInteger x) {
        return x.longValue();
    }

    static final BigInteger V6_BASE = new BigInteger("20010db8000000000000000000000000", 16);
    static final BigInteger V6_MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    @Test
    void agreesWithNaiveModelOnRandomOverlappingRules() {
        Random rnd = new Random(21);
        for (int round = 0; round < 300; round++) {
            List<Rule> rules = new ArrayList<>();
            Action def = rnd.nextInt(5) == 0 ? Action.DENY : Action.ALLOW;
            IpFilter.Builder b = IpFilter.builder().defaultAction(def);
            int n = rnd.nextInt(40);
            // A small window of each family (plus the family edges) so that rules overlap, nest and touch.
            for (int k = 0; k < n; k++) {
                Action a = rnd.nextInt(3) == 0 ? Action.ALLOW : Action.DENY;
                boolean v4 = rnd.nextBoolean();
                BigInteger base = v4 ? BigInteger.valueOf(rnd.nextInt(4) == 0 ? 0xffffff00L : 0x0a000000L)
                        : rnd.nextInt(4) == 0 ? V6_MAX.subtract(BigInteger.valueOf(255)) : rnd.nextInt(4) == 0
                        ? BigInteger.ZERO : V6_BASE.add(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.valueOf(128)));
                BigInteger f = base.add(BigInteger.valueOf(rnd.nextInt(256)));
                BigInteger l = f.add(BigInteger.valueOf(rnd.nextInt(40)));
                BigInteger max = v4 ? BigInteger.valueOf(0xffffffffL) : V6_MAX;
                if (l.compareTo(max) > 0) {
                    l = max;
                }
                rules.add(new Rule(a, v4, f, l));
                if (v4) {
                    b.addV4(a, f.intValue(), l.intValue());
                } else {
                    b.addV6(a, hi(f), lo(f), hi(l), lo(l));
                }
            }
            IpFilter filter = b.build();
            for (int q = 0; q < 600; q++) {
                boolean v4 = rnd.nextBoolean();
                BigInteger x;
                if (v4) {
                    long[] bases = {0x0a000000L, 0xffffff00L, 0, 0x09ffffffL};
                    x = BigInteger.valueOf(bases[rnd.nextInt(bases.length)] + rnd.nextInt(300));
                    if (x.compareTo(BigInteger.valueOf(0xffffffffL)) > 0) {
                        x = BigInteger.valueOf(0xffffffffL);
                    }
                    assertEquals(naiveBlocked(rules, def, true, x), filter.isBlockedV4(x.intValue()), "v4 " + x);
                } else {
                    BigInteger[] bases = {V6_BASE.add(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.valueOf(128))),
                            V6_MAX.subtract(BigInteger.valueOf(299)), BigInteger.ZERO};
                    x = bases[rnd.nextInt(bases.length)].add(BigInteger.valueOf(rnd.nextInt(300)));
                    if (x.compareTo(V6_MAX) > 0) {
                        x = V6_MAX;
                    }
                    assertEquals(naiveBlocked(rules, def, false, x), filter.isBlockedV6(hi(x), lo(x)), "v6 " + x.toString(16));
                }
            }
        }
    }

    /** Enough IPv4 rules to switch on the /16 bucket table; rules span buckets, queries hit bucket edges. */
    @Test
    void bucketedIpv4LookupAgreesWithNaiveModel() {
        Random rnd = new Random(33);
        for (int round = 0; round < 5; round++) {
            int n = 1000 + rnd.nextInt(3000);
            long[] first = new long[n];
            long[] last = new long[n];
            boolean[] allow = new boolean[n];
            IpFilter.Builder b = IpFilter.builder();
            for (int k = 0; k < n; k++) {
                long base = (long) rnd.nextInt(64) << 16 | 0x0a000000L;
                first[k] = rnd.nextInt(10) == 0 ? rnd.nextLong(0x100000000L) : base + rnd.nextInt(0x20000) - 0x8000;
                last[k] = Math.min(0xffffffffL, first[k] + (rnd.nextInt(50) == 0 ? rnd.nextInt(0x40000) : rnd.nextInt(50)));
                allow[k] = rnd.nextInt(6) == 0;
                b.addV4(allow[k] ? Action.ALLOW : Action.DENY, (int) first[k], (int) last[k]);
            }
            IpFilter f = b.build();
            assertTrue(f.blockedRangesV4() >= 256, "bucket table in use: " + f);
            for (int q = 0; q < 20_000; q++) {
                long x = switch (rnd.nextInt(4)) {
                    case 0 -> ((long) rnd.nextInt(70) << 16 | 0x0a000000L) + rnd.nextInt(3) - 1;
                    case 1 -> first[rnd.nextInt(n)] + rnd.nextInt(3) - 1;
                    case 2 -> last[rnd.nextInt(n)] + rnd.nextInt(3) - 1;
                    default -> rnd.nextLong(0x100000000L);
                };
                x = Math.max(0, Math.min(0xffffffffL, x));
                boolean denied = false;
                boolean allowed = false;
                for (int k = 0; k < n; k++) {
                    if (first[k] <= x && x <= last[k]) {
                        if (allow[k]) {
                            allowed = true;
                        } else {
                            denied = true;
                        }
                    }
                }
                assertEquals(denied && !allowed, f.isBlockedV4((int) x), "x=" + Long.toHexString(x));
            }
        }
    }

    /** Enough IPv6 ranges for the two-level search (blocks of 32), across a carry of the low 64 bits. */
    @Test
    void sampledIpv6LookupAgreesWithNaiveModel() {
        Random rnd = new Random(34);
        for (int round = 0; round < 5; round++) {
            int n = 100 + rnd.nextInt(3000);
            long[][] first = new long[n][];
            long[][] last = new long[n][];
            boolean[] allow = new boolean[n];
            IpFilter.Builder b = IpFilter.builder();
            for (int k = 0; k < n; k++) {
                long hi = 0x20010db800000000L + rnd.nextInt(2);
                long lo = hi == 0x20010db800000000L ? -1L - rnd.nextInt(200_000) : rnd.nextInt(200_000);
                long len = rnd.nextInt(40) == 0 ? rnd.nextInt(100_000) : rnd.nextInt(60);
                long lastLo = lo + len;
                long lastHi = Long.compareUnsigned(lastLo, lo) < 0 ? hi + 1 : hi;
                first[k] = new long[] {hi, lo};
                last[k] = new long[] {lastHi, lastLo};
                allow[k] = rnd.nextInt(6) == 0;
                b.addV6(allow[k] ? Action.ALLOW : Action.DENY, hi, lo, lastHi, lastLo);
            }
            IpFilter f = b.build();
            assertTrue(f.blockedRangesV6() > 64, "several blocks: " + f);
            for (int q = 0; q < 20_000; q++) {
                long[] base = switch (rnd.nextInt(3)) {
                    case 0 -> first[rnd.nextInt(n)];
                    case 1 -> last[rnd.nextInt(n)];
                    default -> new long[] {0x20010db800000000L, -1L - rnd.nextInt(200_000)};
                };
                long d = rnd.nextInt(3) - 1;
                long lo = base[1] + d;
                long hi = d > 0 && lo == 0 ? base[0] + 1 : d < 0 && base[1] == 0 ? base[0] - 1 : base[0];
                boolean denied = false;
                boolean allowed = false;
                for (int k = 0; k < n; k++) {
                    if (IpFilter.compare(first[k][0], first[k][1], hi, lo) <= 0
                            && IpFilter.compare(hi, lo, last[k][0], last[k][1]) <= 0) {
                        if (allow[k]) {
                            allowed = true;
                        } else {
                            denied = true;
                        }
                    }
                }
                assertEquals(denied && !allowed, f.isBlockedV6(hi, lo), Long.toHexString(hi) + ":" + Long.toHexString(lo));
            }
        }
    }

    @Test
    void familyEdgesAndWhitelistMode() throws Exception {
        IpFilter f = IpFilter.builder().deny("0.0.0.0/0").allow("192.168.1.0/24").deny("::/0").allow("::1").build();
        assertTrue(f.isBlocked(InetAddress.getByName("0.0.0.0")));
        assertTrue(f.isBlocked(InetAddress.getByName("255.255.255.255")));
        assertFalse(f.isBlocked(InetAddress.getByName("192.168.1.77")));
        assertTrue(f.isBlocked(InetAddress.getByName("192.168.2.0")));
        assertFalse(f.isBlocked(InetAddress.getByName("::1")));
        assertTrue(f.isBlocked(InetAddress.getByName("::")));
        assertTrue(f.isBlocked(InetAddress.getByName("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertEquals(2, f.blockedRangesV4());
        assertEquals(2, f.blockedRangesV6());

        IpFilter whitelist = IpFilter.builder().defaultAction(Action.DENY).allow("10.0.0.0/8").allow("fd00::/8").build();
        assertFalse(whitelist.isBlocked(InetAddress.getByName("10.9.8.7")));
        assertTrue(whitelist.isBlocked(InetAddress.getByName("11.0.0.0")));
        assertFalse(whitelist.isBlocked(InetAddress.getByName("fd12::1")));
        assertTrue(whitelist.isBlocked(InetAddress.getByName("fe80::1")));
    }

    @Test
    void mappedAndRawAddressesUseTheIpv4Rules() throws Exception {
        IpFilter f = IpFilter.builder().deny("1.2.3.0/24").build();
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 1, 2, 3, 4};
        assertTrue(f.isBlocked(mapped));
        assertTrue(f.isBlocked(new byte[] {1, 2, 3, (byte) 255}));
        assertFalse(f.isBlocked(new byte[] {1, 2, 4, 0}));
        assertTrue(f.isBlockedV4(0x01020304));
        assertTrue(f.isBlocked(new InetSocketAddress(InetAddress.getByName("1.2.3.9"), 6881)));
        assertFalse(f.isBlocked(InetSocketAddress.createUnresolved("1.2.3.9", 6881)));
        assertThrows(IllegalArgumentException.class, () -> f.isBlocked(new byte[5]));
        assertFalse(IpFilter.allowAll().isBlocked(InetAddress.getByName("1.2.3.4")));
        assertTrue(IpFilter.allowAll().isEmpty());
    }

    @Test
    void overlappingAndAdjacentRulesMerge() {
        IpFilter f = IpFilter.builder().deny("1.0.0.0 - 1.0.0.10").deny("1.0.0.11 - 1.0.0.20").deny("1.0.0.5 - 1.0.0.7")
                .deny("2001:db8::/64").deny("2001:db8:0:1::/64").build();
        assertEquals(1, f.blockedRangesV4());
        assertEquals(1, f.blockedRangesV6());
    }
}
