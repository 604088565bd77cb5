package io.hivemind.bt.tracker.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small server helpers: rate window, address ranges, whitelist set. */
class ServerPartsTest {
    @Test
    void rateWindowMeasuresTheLastSamples() {
        RateWindow w = new RateWindow(3);
        assertEquals(0, w.perSecond());
        w.sample(0, 0);
        w.sample(100, 1_000_000_000L);
        assertEquals(100, w.perSecond(), 1e-9);
        w.sample(300, 2_000_000_000L);
        w.sample(300, 3_000_000_000L);
        assertEquals(100, w.perSecond(), 1e-9, "(300-100)/2 s over the last three samples");
    }

    @Test
    void addressRanges() throws Exception {
        AddressRange r = AddressRange.parse("10.0.0.0/8");
        assertTrue(r.contains(InetAddress.getByName("10.200.1.1")));
        assertFalse(r.contains(InetAddress.getByName("11.0.0.1")));
        assertFalse(r.contains(InetAddress.getByName("::1")));
        assertTrue(AddressRange.parse("192.168.1.128/25").contains(InetAddress.getByName("192.168.1.200")));
        assertFalse(AddressRange.parse("192.168.1.128/25").contains(InetAddress.getByName("192.168.1.100")));
        assertTrue(AddressRange.parse("::1").contains(InetAddress.getByName("::1")));
        assertTrue(AddressRange.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8")));
        for (String bad : new String[] {"10.0.0.0/33", "host.example", "1.2.3.4/x", "::/129"}) {
            assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(bad), bad);
        }
    }

    @Test
    void whitelistFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("whitelist");
        Files.writeString(f, "# torrents\n" + "ab".repeat(20) + "\n\n" + "CD".repeat(20) + "  comment\n");
        InfoHashSet s = InfoHashSet.readHexFile(f);
        assertEquals(2, s.size());
        byte[] ab = new byte[20];
        java.util.Arrays.fill(ab, (byte) 0xab);
        assertTrue(s.contains(ab));
        ab[19] = 0;
        assertFalse(s.contains(ab));
        assertFalse(s.contains(new byte[3]));
        Files.writeString(f, "xyz\n");
        assertThrows(IOException.class, () -> InfoHashSet.readHexFile(f));
        byte[][] many = new byte[1000][];
        for (int i = 0; i < many.length; i++) {
            many[i] = new byte[20];
            many[i][0] = (byte) i;
            many[i][1] = (byte) (i >> 8);
        }
        InfoHashSet big = InfoHashSet.of(many);
        assertEquals(1000, big.size());
        for (byte[] h : many) {
            assertTrue(big.contains(h));
        }
    }
}
