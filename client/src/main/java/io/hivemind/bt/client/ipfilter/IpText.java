package io.hivemind.bt.client.ipfilter;

/**
 * Hand-written parsers of textual IPv4 and IPv6 addresses over byte ranges (ASCII), used by the blocklist
 * loader (no regular expressions, no Strings). They never resolve names: a string that is not an address literal is simply invalid.
 * IPv4 groups may carry leading zeros, which are decimal (eMule lists write {@code 001.002.003.004}), unlike
 * {@code inet_aton}'s octal. IPv6 follows RFC 4291 text forms (one {@code ::}, an embedded dotted quad at the end);
 * zone ids are rejected.
 *
 * <p>Stateless and thread-safe.
 */
final class IpText {
    private IpText() {
    }

    /** The IPv4 address in {@code b[from, to)} as an unsigned 32-bit value, or -1 if it is not one. */
    static long parseV4(byte[] b, int from, int to) {
        long value = 0;
        int groups = 0;
        int p = from;
        while (true) {
            int digits = 0;
            int g = 0;
            while (p < to && b[p] >= '0' && b[p] <= '9') {
                g = g * 10 + (b[p] - '0');
                p++;
                if (++digits > 3) {
                    return -1;
                }
            }
            if (digits == 0 || g > 255) {
                return -1;
            }
            value = value << 8 | g;
            groups++;
            if (groups == 4) {
                return p == to ? value : -1;
            }
            if (p >= to || b[p] != '.') {
                return -1;
            }
            p++;
        }
    }

    /**
     * Parses the IPv6 address in {@code b[from, to)} into {@code out[0]} (high 64 bits) and {@code out[1]}
     * (low 64 bits). Returns false if it is not one.
     */
    static boolean parseV6(byte[] b, int from, int to, long[] out) {
        // Up to 8 groups; 'gap' is the group index where "::" stood, or -1.
        int[] groups = new int[8];
        int n = 0;
        int gap = -1;
        int p = from;
        if (to - from < 2) {
            return false;
        }
        if (b[p] == ':') {
            if (b[p + 1] != ':') {
                return false;
            }
            gap = 0;
            p += 2;
            if (p == to) {
                out[0] = 0;
                out[1] = 0;
                return true;
            }
        }
        while (p < to) {
            // An embedded IPv4 address ends the text.
            int q = p;
            boolean dotted = false;
            while (q < to && b[q] != ':') {
                if (b[q] == '.') {
                    dotted = true;
                }
                q++;
            }
            if (dotted) {
                if (q != to || n > 6) {
                    return false;
                }
                long v4 = parseV4(b, p, to);
                if (v4 < 0) {
                    return false;
                }
                groups[n++] = (int) (v4 >>> 16);
                groups[n++] = (int) (v4 & 0xffff);
                p = to;
                break;
            }
            int len = q - p;
            if (len == 0 || len > 4 || n == 8) {
                return false;
            }
            int g = 0;
            for (int k = p; k < q; k++) {
                int d = hex(b[k]);
                if (d < 0) {
                    return false;
                }
                g = g << 4 | d;
            }
            groups[n++] = g;
            p = q;
            if (p == to) {
                break;
            }
            // b[p] == ':'
            p++;
            if (p < to && b[p] == ':') {
                if (gap >= 0) {
                    return false;
                }
                gap = n;
                p++;
                if (p == to) {
                    break;
                }
            } else if (p == to) {
                return false; // trailing single colon
            }
        }
        if (gap < 0 && n != 8 || gap >= 0 && n > 7) {
            return false;
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = groups;
        } else {
            int tail = n - gap;
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - tail, tail);
        }
        long hi = 0;
        long lo = 0;
        for (int k = 0; k < 4; k++) {
            hi = hi << 16 | full[k];
            lo = lo << 16 | full[k + 4];
        }
        out[0] = hi;
        out[1] = lo;
        return true;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
