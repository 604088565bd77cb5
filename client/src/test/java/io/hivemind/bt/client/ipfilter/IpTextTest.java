package io.hivemind.bt.client.ipfilter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The address parsers: accepted forms, rejected forms, and agreement with the JDK's literal parser. */
class IpTextTest {

    static long v4(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return IpText.parseV4(b, 0, b.length);
    }

    static long[] v6(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        long[] out = new long[2];
        return IpText.parseV6(b, 0, b.length, out) ? out : null;
    }

    @Test
    void ipv4() {
        assertEquals(0x01020304L, v4("1.2.3.4"));
        assertEquals(0x01020304L, v4("001.002.003.004"), "eMule zero padding is decimal");
        assertEquals(0x0a000008L, v4("010.0.0.008"));
        assertEquals(0xffffffffL, v4("255.255.255.255"));
        assertEquals(0L, v4("0.0.0.0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "256.0.0.0", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "1.2.3.",
            "0001.2.3.4", "a.b.c.d", "1.2.3.-4", "1.2.3.4/8", "::1"})
    void ipv4Rejects(String s) {
        assertEquals(-1, v4(s));
    }

    @Test
    void ipv6Forms() throws Exception {
        String[] ok = {"::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "fe80::1:2:3:4",
                "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4", "1::8",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"};
        for (String s : ok) {
            long[] got = v6(s);
            assertTrue(got != null, s);
            byte[] expected = InetAddress.getByName(s).getAddress();
            if (expected.length == 4) { // the JDK turns ::ffff:a.b.c.d into an Inet4Address
                expected = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, expected[0], expected[1], expected[2],
                        expected[3]};
            }
            assertArrayEquals(expected, bytes(got), s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", ":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",
            "g::", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "fe80::1%eth0", ":1::", "1::2:", "1.2.3.4", "::1.2.3.4:5",
            "1:2:3:4:5:6:7:8::"})
    void ipv6Rejects(String s) {
        assertEquals(null, v6(s));
    }

    @Test
    void randomAddressesRoundTripThroughTheJdkForm() throws Exception {
        Random rnd = new Random(8);
        for (int k = 0; k < 5000; k++) {
            byte[] a = new byte[16];
            rnd.nextBytes(a);
            // Runs of zero groups exercise "::".
            for (int g = 0; g < 8; g++) {
                if (rnd.nextInt(3) == 0) {
                    a[2 * g] = 0;
                    a[2 * g + 1] = 0;
                }
            }
            String text = compressed(a);
            long[] got = v6(text);
            assertTrue(got != null, text);
            assertArrayEquals(a, bytes(got), text);
            String jdk = InetAddress.getByAddress(a).getHostAddress();
            if (!jdk.contains(".")) {
                assertArrayEquals(a, bytes(v6(jdk)), jdk);
            }
        }
    }

    /** RFC 5952-ish text: the longest run of zero groups as "::". */
    static String compressed(byte[] a) {
        int[] g = new int[8];
        for (int k = 0; k < 8; k++) {
            g[k] = (a[2 * k] & 0xff) << 8 | (a[2 * k + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) {
                k++;
                continue;
            }
            int s = k;
            while (k < 8 && g[k] == 0) {
                k++;
            }
            if (k - s > bestLen) {
                bestLen = k - s;
                bestStart = s;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            if (k == bestStart && bestLen > 1) {
                sb.append("::");
                k += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[k]));
        }
        return sb.toString();
    }

    static byte[] bytes(long[] hl) {
        byte[] b = new byte[16];
        for (int k = 0; k < 8; k++) {
            b[k] = (byte) (hl[0] >>> (56 - 8 * k));
            b[k + 8] = (byte) (hl[1] >>> (56 - 8 * k));
        }
        return b;
    }

    @Test
    void rangeSyntax() {
        IpRange r = IpRange.parse("10.1.2.3/8");
        assertTrue(r.isV4());
        assertEquals(0x0a000000L, r.firstLow());
        assertEquals(0x0affffffL, r.lastLow());
        assertEquals(IpRange.parse("0.0.0.0 - 255.255.255.255"), IpRange.parse("1.2.3.4/0"));
        IpRange six = IpRange.parse("2001:db8::/32");
        assertFalse(six.isV4());
        assertEquals(0x20010db800000000L, six.firstHigh());
        assertEquals(0L, six.firstLow());
        assertEquals(0x20010db8ffffffffL, six.lastHigh());
        assertEquals(-1L, six.lastLow());
        IpRange host = IpRange.parse("2001:db8::5/128");
        assertEquals(host.firstLow(), host.lastLow());
        IpRange half = IpRange.parse("::/65");
        assertEquals(0x7fffffffffffffffL, half.lastLow());
        assertEquals(IpRange.parse("1.2.3.4"), IpRange.parse("::ffff:1.2.3.4"), "mapped addresses are IPv4");
        assertEquals(IpFilterException.Reason.BAD_RANGE, reason("1.2.3.5 - 1.2.3.4"));
        assertEquals(IpFilterException.Reason.MIXED_FAMILIES, reason("1.2.3.4 - ::5"));
        assertEquals(IpFilterException.Reason.BAD_PREFIX, reason("1.2.3.4/33"));
        assertEquals(IpFilterException.Reason.BAD_PREFIX, reason("::/129"));
        assertEquals(IpFilterException.Reason.BAD_PREFIX, reason("1.2.3.4/"));
        assertEquals(IpFilterException.Reason.BAD_ADDRESS, reason("example.com"));
        assertEquals("1.2.3.4 - 1.2.3.9", IpRange.parse(" 1.2.3.4-1.2.3.9 ").toString());
    }

    /**
     * An IPv6 range reaching into ::ffff:0:0/96 (here ::/80, found by IpFilterLoaderFuzzTest#range): its last address
     * stays IPv6, its text parses back to it, and it blocks the IPv4 addresses whose mapped forms it covers, since
     * lookups treat a mapped address as the IPv4 address it is.
     */
    @Test
    void ipv6RangeCoveringMappedAddresses() {
        IpRange r = IpRange.parse("::f/80");
        assertFalse(r.isV4());
        assertEquals(16, r.last().getAddress().length);
        assertEquals(r, IpRange.parse(r.toString()));
        IpFilter.Builder b = IpFilter.builder().add(IpFilter.Action.DENY, r);
        assertEquals(1, b.ruleCount());
        IpFilter f = b.build();
        assertTrue(f.isBlocked(r.last().getAddress()));
        assertTrue(f.isBlocked(new byte[] {1, 2, 3, 4}));
        IpFilter narrow = IpFilter.builder().deny("::ffff:0:0 - ::ffff:a00:ff").build(); // to 10.0.0.255
        assertTrue(narrow.isBlocked(new byte[] {10, 0, 0, (byte) 255}));
        assertFalse(narrow.isBlocked(new byte[] {10, 0, 1, 0}));
        assertFalse(narrow.isBlocked(new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    }

    static IpFilterException.Reason reason(String s) {
        try {
            IpRange.parse(s);
            return null;
        } catch (IpFilterException e) {
            return e.reason();
        }
    }
}
