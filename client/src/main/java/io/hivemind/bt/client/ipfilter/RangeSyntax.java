package io.hivemind.bt.client.ipfilter;

import io.hivemind.bt.client.ipfilter.IpFilterException.Reason;

/**
 * The range forms shared by {@link IpRange#parse} and the blocklist loader: {@code first - last} (spaces
 * optional), CIDR {@code address/length} (host bits are masked off), or a single address. Works on ASCII byte
 * ranges without allocating Strings. Stateless and thread-safe.
 */
final class RangeSyntax {
    private RangeSyntax() {
    }

    /**
     * Parses {@code b[from, to)} (already trimmed) into {@code out = [family (4|6), firstHi, firstLo, lastHi, lastLo]}.
     *
     * @throws IpFilterException (line -1) when it is not a range
     */
    static void parse(byte[] b, int from, int to, long[] out) {
        int dash = indexOf(b, from, to, (byte) '-');
        if (dash >= 0) {
            int e1 = trimEnd(b, from, dash);
            int s2 = trimStart(b, dash + 1, to);
            long[] a = new long[3];
            long[] c = new long[3];
            address(b, from, e1, a);
            address(b, s2, to, c);
            if (a[0] != c[0]) {
                // Both ends written as IPv6 with one IPv4-mapped (0:0:0:0:0:0:0:0 - 0:0:0:0:0:ffff:ffff:ffff, the
                // text form of ::/80): an IPv6 range, not a mix.
                if (indexOf(b, from, e1, (byte) ':') < 0 || indexOf(b, s2, to, (byte) ':') < 0) {
                    throw new IpFilterException(Reason.MIXED_FAMILIES, -1, "range mixes IPv4 and IPv6");
                }
                unmap(a);
                unmap(c);
            }
            if (IpFilter.compare(a[1], a[2], c[1], c[2]) > 0) {
                throw new IpFilterException(Reason.BAD_RANGE, -1, "range start after its end");
            }
            out[0] = a[0];
            out[1] = a[1];
            out[2] = a[2];
            out[3] = c[1];
            out[4] = c[2];
            return;
        }
        int slash = indexOf(b, from, to, (byte) '/');
        long[] a = new long[3];
        if (slash < 0) {
            address(b, from, to, a);
            out[0] = a[0];
            out[1] = a[1];
            out[2] = a[2];
            out[3] = a[1];
            out[4] = a[2];
            return;
        }
        address(b, from, trimEnd(b, from, slash), a);
        int p = trimStart(b, slash + 1, to);
        int bits = 0;
        int digits = 0;
        for (; p < to; p++) {
            if (b[p] < '0' || b[p] > '9' || ++digits > 3) {
                throw new IpFilterException(Reason.BAD_PREFIX, -1, "prefix length is not a small number");
            }
            bits = bits * 10 + (b[p] - '0');
        }
        int max = a[0] == 4 ? 32 : 128;
        if (digits == 0 || bits > max) {
            throw new IpFilterException(Reason.BAD_PREFIX, -1, "prefix length must be 0.." + max);
        }
        out[0] = a[0];
        if (a[0] == 4) {
            long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
            out[1] = 0;
            out[2] = a[2] & mask;
            out[3] = 0;
            out[4] = (a[2] & mask) | (~mask & 0xffffffffL);
        } else {
            long hiMask = bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
            long loMask = bits <= 64 ? 0 : bits == 128 ? -1L : -1L << (128 - bits);
            out[1] = a[1] & hiMask;
            out[2] = a[2] & loMask;
            out[3] = a[1] | ~hiMask;
            out[4] = a[2] | ~loMask;
        }
    }

    /** Parses one address into {@code a = [family, hi, lo]}. */
    /** An IPv4 address (family 4) back to its IPv4-mapped IPv6 form ::ffff:a.b.c.d. */
    private static void unmap(long[] a) {
        if (a[0] == 4) {
            a[0] = 6;
            a[1] = 0;
            a[2] = 0xffff00000000L | a[2];
        }
    }

    static void address(byte[] b, int from, int to, long[] a) {
        if (from < to && indexOf(b, from, to, (byte) ':') < 0) {
            long v4 = IpText.parseV4(b, from, to);
            if (v4 >= 0) {
                a[0] = 4;
                a[1] = 0;
                a[2] = v4;
                return;
            }
        } else if (from < to) {
            long[] hl = new long[2];
            if (IpText.parseV6(b, from, to, hl)) {
                if (hl[0] == 0 && (hl[1] >>> 32) == 0xffffL) {
                    // IPv4-mapped: filter it as the IPv4 address it is.
                    a[0] = 4;
                    a[1] = 0;
                    a[2] = hl[1] & 0xffffffffL;
                } else {
                    a[0] = 6;
                    a[1] = hl[0];
                    a[2] = hl[1];
                }
                return;
            }
        }
        throw new IpFilterException(Reason.BAD_ADDRESS, -1, "not an IP address");
    }

    static int indexOf(byte[] b, int from, int to, byte c) {
        for (int k = from; k < to; k++) {
            if (b[k] == c) {
                return k;
            }
        }
        return -1;
    }

    static int lastIndexOf(byte[] b, int from, int to, byte c) {
        for (int k = to - 1; k >= from; k--) {
            if (b[k] == c) {
                return k;
            }
        }
        return -1;
    }

    static int trimStart(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        return from;
    }

    static int trimEnd(byte[] b, int from, int to) {
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t' || b[to - 1] == '\r')) {
            to--;
        }
        return to;
    }
}
