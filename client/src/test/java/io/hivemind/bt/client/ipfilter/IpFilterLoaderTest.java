package io.hivemind.bt.client.ipfilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.ipfilter.IpFilter.Action;
import io.hivemind.bt.client.ipfilter.IpFilterException.Reason;
import io.hivemind.bt.client.ipfilter.IpFilterLoader.Limits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blocklist formats, their limits and error reports, and a million-range load. */
class IpFilterLoaderTest {

    static IpFilterLoader.Result load(String text, IpFilter.Builder b, Limits limits) throws IOException {
        return IpFilterLoader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), b, Action.DENY, limits);
    }

    static boolean blocked(IpFilter f, String address) throws Exception {
        return f.isBlocked(InetAddress.getByName(address));
    }

    @Test
    void emuleDat() throws Exception {
        String dat = """
                # eMule ipfilter.dat
                001.002.004.000 - 001.002.004.255 , 000 , China Internet Information Center (CNNIC)
                001.002.008.000 - 001.002.008.255 , 127 , Level 127 still blocks, even with commas, in the text
                001.002.009.000 - 001.002.009.255 , 128 , level 128 is not filtered
                003.000.000.000-003.255.255.255,100,no spaces
                2001:db8::1 - 2001:db8::ff , 50 , IPv6 in a dat file
                """;
        IpFilter.Builder b = IpFilter.builder();
        IpFilterLoader.Result r = load(dat, b, Limits.STRICT);
        assertEquals(6, r.lines());
        assertEquals(4, r.rules());
        assertEquals(1, r.ignored());
        IpFilter f = b.build();
        assertTrue(blocked(f, "1.2.4.77"));
        assertTrue(blocked(f, "1.2.8.0"));
        assertFalse(blocked(f, "1.2.9.1"));
        assertTrue(blocked(f, "3.4.5.6"));
        assertTrue(blocked(f, "2001:db8::80"));
        assertFalse(blocked(f, "2001:db8::100"));
    }

    @Test
    void peerGuardianP2p() throws Exception {
        String p2p = "Some Org:1.2.3.0-1.2.3.255\r\n"
                + "A:B:C, Inc. with colons:5.6.7.8-5.6.7.9\r\n"
                + "// comment\r\n"
                + "\r\n"
                + "Spaces around :  9.9.9.0 - 9.9.9.10  \r\n";
        IpFilter.Builder b = IpFilter.builder();
        IpFilterLoader.Result r = load(p2p, b, Limits.STRICT);
        assertEquals(3, r.rules());
        IpFilter f = b.build();
        assertTrue(blocked(f, "1.2.3.200"));
        assertTrue(blocked(f, "5.6.7.9"));
        assertFalse(blocked(f, "5.6.7.10"));
        assertTrue(blocked(f, "9.9.9.10"));
    }

    @Test
    void plainCidrAndSingleAddressesWithBom() throws Exception {
        String plain = "\uFEFF10.0.0.0/8\n192.168.0.1\n2001:db8::/32\n::1\n172.16.0.0 - 172.16.0.9\n::ffff:8.8.8.8";
        IpFilter.Builder b = IpFilter.builder();
        IpFilterLoader.Result r = load(plain, b, Limits.STRICT);
        assertEquals(6, r.rules());
        IpFilter f = b.build();
        assertTrue(blocked(f, "10.255.0.1"));
        assertTrue(blocked(f, "192.168.0.1"));
        assertFalse(blocked(f, "192.168.0.2"));
        assertTrue(blocked(f, "2001:db8:ffff::1"));
        assertTrue(blocked(f, "::1"));
        assertTrue(blocked(f, "172.16.0.9"));
        assertTrue(blocked(f, "8.8.8.8"), "mapped line blocks the IPv4 address");
    }

    @Test
    void badLinesAreCountedWithTheirLineNumbersOrFailStrictLoads() throws Exception {
        String text = "1.2.3.4\nnot an address\n1.2.3.4 - 1.2.3.1\n5.6.7.8/40\n1.2.3.0 - 1.2.3.255 , x1 , bad level\n"
                + "1.2.3.4 - ::1\n9.9.9.9\n";
        IpFilter.Builder b = IpFilter.builder();
        IpFilterLoader.Result r = load(text, b, Limits.DEFAULT);
        assertEquals(2, r.rules());
        assertEquals(5, r.badLines());
        assertEquals(Arrays.asList(2L, 3L, 4L, 5L, 6L), r.errors().stream().map(IpFilterException::line).toList());
        assertEquals(Arrays.asList(Reason.BAD_ADDRESS, Reason.BAD_RANGE, Reason.BAD_PREFIX, Reason.BAD_LEVEL,
                Reason.MIXED_FAMILIES), r.errors().stream().map(IpFilterException::reason).toList());

        IpFilterException strict = assertThrows(IpFilterException.class, () -> load(text, IpFilter.builder(), Limits.STRICT));
        assertEquals(2, strict.line());
        assertEquals(Reason.BAD_ADDRESS, strict.reason());

        IpFilterException tooMany = assertThrows(IpFilterException.class,
                () -> load(text, IpFilter.builder(), new Limits(4096, 100, 1 << 20, 3)));
        assertEquals(Reason.TOO_MANY_BAD_LINES, tooMany.reason());
        assertEquals(5, tooMany.line());
    }

    @Test
    void limits() {
        String longLine = "1.2.3.4\n" + "#" + "x".repeat(100) + "\n";
        IpFilterException e = assertThrows(IpFilterException.class,
                () -> load(longLine, IpFilter.builder(), new Limits(64, 100, 1 << 20, 0)));
        assertEquals(Reason.LINE_TOO_LONG, e.reason());
        assertEquals(2, e.line());

        // A line that never ends is cut off without being buffered whole.
        InputStream endless = new InputStream() {
            long n;

            @Override
            public int read() {
                return n++ < 100_000_000L ? 'x' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'x');
                n += len;
                return len;
            }
        };
        IpFilterException endlessLine = assertThrows(IpFilterException.class,
                () -> IpFilterLoader.read(endless, IpFilter.builder(), Action.DENY, Limits.DEFAULT));
        assertEquals(Reason.LINE_TOO_LONG, endlessLine.reason());

        IpFilterException lines = assertThrows(IpFilterException.class,
                () -> load("1.1.1.1\n".repeat(11), IpFilter.builder(), new Limits(64, 10, 1 << 20, 0)));
        assertEquals(Reason.TOO_MANY_LINES, lines.reason());
        assertEquals(11, lines.line());

        IpFilterException bytes = assertThrows(IpFilterException.class,
                () -> load("1.1.1.1\n".repeat(20_000), IpFilter.builder(), new Limits(64, 1_000_000, 100_000, 0)));
        assertEquals(Reason.FILE_TOO_LARGE, bytes.reason());
    }

    @Test
    void gzipIsDecompressedWithinTheByteLimitAndCorruptionIsTyped() throws Exception {
        byte[] gz = gzip("1.2.3.0/24\n".repeat(1000).getBytes(StandardCharsets.US_ASCII));
        IpFilter.Builder b = IpFilter.builder();
        IpFilterLoader.Result r = IpFilterLoader.read(new ByteArrayInputStream(gz), b, Action.DENY, Limits.STRICT);
        assertEquals(1000, r.rules());
        assertTrue(b.build().isBlockedV4(0x01020304));

        // A gzip bomb: 64 MB of newlines in a small file stops at the byte limit.
        byte[] bomb = gzip(new byte[64 << 20]);
        assertTrue(bomb.length < 200_000);
        IpFilterException e = assertThrows(IpFilterException.class, () -> IpFilterLoader.read(
                new ByteArrayInputStream(bomb), IpFilter.builder(), Action.DENY, new Limits(4096, 1L << 40, 1 << 20, 0)));
        assertTrue(e.reason() == Reason.FILE_TOO_LARGE || e.reason() == Reason.LINE_TOO_LONG, e.toString());

        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        IpFilterException t = assertThrows(IpFilterException.class, () -> IpFilterLoader.read(
                new ByteArrayInputStream(truncated), IpFilter.builder(), Action.DENY, Limits.DEFAULT));
        assertEquals(Reason.BAD_COMPRESSION, t.reason());
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(data);
        }
        return bos.toByteArray();
    }

    /** Writes {@code n} random eMule-format IPv4 ranges (and every 10th an IPv6 CIDR line). */
    static void writeRanges(Path file, int n, long seed) throws IOException {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder(n * 60);
        for (int k = 0; k < n; k++) {
            if (k % 10 == 9) {
                sb.append(String.format("2001:%x:%x::/48%n", rnd.nextInt(0x10000), rnd.nextInt(0x10000)));
                continue;
            }
            long start = rnd.nextLong(0x100000000L);
            long end = Math.min(0xffffffffL, start + rnd.nextInt(4096));
            sb.append(dotted(start)).append(" - ").append(dotted(end)).append(" , 000 , range ").append(k).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.US_ASCII);
    }

    static String dotted(long v) {
        return String.format("%03d.%03d.%03d.%03d", v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    }

    /** A million ranges: loads and builds; the time is printed, not asserted (IpFilterBenchmark measures it). */
    @Test
    void millionRanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("million.dat");
        writeRanges(file, 1_000_000, 1);
        long t0 = System.nanoTime();
        IpFilter.Builder b = IpFilter.builder();
        IpFilterLoader.Result r = IpFilterLoader.load(file, b, Action.DENY, Limits.STRICT);
        long t1 = System.nanoTime();
        IpFilter f = b.build();
        long t2 = System.nanoTime();
        assertEquals(1_000_000, r.rules());
        assertTrue(f.blockedRangesV4() > 0 && f.blockedRangesV6() > 0);
        System.out.printf("IpFilter: 1,000,000 ranges (%d MB) parsed in %d ms, resolved in %d ms -> %s%n",
                Files.size(file) >> 20, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, f);
        // Spot-check against the file's own first line.
        String first = Files.readAllLines(file).get(0);
        String startText = first.substring(0, first.indexOf(' '));
        assertTrue(blocked(f, startText.replaceAll("\\b0+(\\d)", "$1")));
    }
}
