package io.hivemind.bt.client.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.internal.Hex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BEP 14 "Protocol": the BT-SEARCH announce, its parser's leniency and its limits. */
class LsdMessageTest {
    private static final String IH = "c43a8ce3908abd6fef31632e0f6d9fb5ef985d0e";

    private static LsdMessage parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return LsdMessage.parse(b, 0, b.length);
    }

    private static LsdException.Reason refusal(String s) {
        return assertThrows(LsdException.class, () -> parse(s)).reason();
    }

    /** The exact bytes libtorrent 2.0.8 sends (captured on loopback), including its extra CRLF at the end. */
    @Test
    void parsesLibtorrentsAnnounce() {
        LsdMessage m = parse("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 41619\r\nInfohash: " + IH
                + "\r\ncookie: 1c7eafd6\r\n\r\n\r\n");
        assertEquals(41619, m.port());
        assertEquals(1, m.infoHashCount());
        assertArrayEquals(Hex.decode(IH), m.infoHash(0));
        assertEquals("1c7eafd6", m.cookie());
        assertEquals("239.192.152.143:6771", m.host());
    }

    /** BEP 14: several consecutive Infohash headers; header names are case-insensitive (HTTP); bare LF accepted. */
    @Test
    void severalInfoHashesAnyCaseAndBareLineFeeds() {
        String other = "00112233445566778899AABBCCDDEEFF00112233";
        LsdMessage m = parse("bt-search * HTTP/1.1\nHOST: [ff15::efc0:988f]:6771\nport:6881\ninfohash: " + IH
                + "\nINFOHASH:\t" + other + "  \nX-Unknown: whatever\n\n");
        assertEquals(6881, m.port());
        assertEquals(2, m.infoHashCount());
        assertArrayEquals(Hex.decode(other.toLowerCase()), m.infoHash(1));
        assertNull(m.cookie());
    }

    @Test
    void headersEndAtTheEndOfThePacketToo() {
        LsdMessage m = parse("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: " + IH);
        assertEquals(1, m.port());
    }

    @Test
    void textAfterTheBlankLineIsIgnored() {
        LsdMessage m = parse("BT-SEARCH * HTTP/1.1\r\nPort: 7\r\nInfohash: " + IH + "\r\n\r\nno colon here\r\n");
        assertEquals(7, m.port());
    }

    /** Like libtorrent: a malformed, short or all-zero info-hash is skipped, duplicates are merged. */
    @Test
    void badInfoHashesAreSkipped() {
        LsdMessage m = parse("BT-SEARCH * HTTP/1.1\r\nPort: 7\r\nInfohash: xyz\r\nInfohash: "
                + "0".repeat(40) + "\r\nInfohash: " + "g".repeat(40) + "\r\nInfohash: " + IH + "\r\nInfohash: " + IH
                + "\r\n\r\n");
        assertEquals(1, m.infoHashCount());
        assertEquals(LsdException.Reason.NO_INFO_HASH,
                refusal("BT-SEARCH * HTTP/1.1\r\nPort: 7\r\nInfohash: " + "0".repeat(40) + "\r\n\r\n"));
    }

    @Test
    void onlyTheFirstPortCounts() {
        assertEquals(10, parse("BT-SEARCH * HTTP/1.1\r\nPort: 10\r\nPort: 20\r\nInfohash: " + IH + "\r\n\r\n").port());
    }

    @Test
    void refusals() {
        assertEquals(LsdException.Reason.NOT_BT_SEARCH, refusal("M-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: " + IH));
        assertEquals(LsdException.Reason.NOT_BT_SEARCH, refusal("BT-SEARCHING * HTTP/1.1\r\nPort: 1\r\n"));
        assertEquals(LsdException.Reason.NOT_BT_SEARCH, refusal(""));
        assertEquals(LsdException.Reason.MISSING_PORT, refusal("BT-SEARCH * HTTP/1.1\r\nInfohash: " + IH + "\r\n\r\n"));
        assertEquals(LsdException.Reason.BAD_HEADER, refusal("BT-SEARCH * HTTP/1.1\r\nPort 1\r\n\r\n"));
        for (String port : List.of("0", "65536", "-1", "+5", "12a", "", "000001", "1 2")) {
            assertEquals(LsdException.Reason.BAD_PORT,
                    refusal("BT-SEARCH * HTTP/1.1\r\nPort: " + port + "\r\nInfohash: " + IH + "\r\n\r\n"), port);
        }
        assertEquals(LsdException.Reason.NO_INFO_HASH, refusal("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n\r\n"));
    }

    /** Limits: packet length, header count and info-hash count are capped. */
    @Test
    void limits() {
        StringBuilder big = new StringBuilder("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: " + IH + "\r\nX: ");
        big.append("a".repeat(LsdMessage.MAX_PACKET));
        assertEquals(LsdException.Reason.TOO_LONG, refusal(big.toString()));

        StringBuilder headers = new StringBuilder("BT-SEARCH * HTTP/1.1\r\n");
        for (int i = 0; i <= LsdMessage.MAX_HEADERS; i++) {
            headers.append("X:\r\n");
        }
        assertEquals(LsdException.Reason.TOO_MANY_HEADERS, refusal(headers.toString()));

        StringBuilder hashes = new StringBuilder("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n");
        for (int i = 0; i <= LsdMessage.MAX_INFO_HASHES; i++) {
            hashes.append("Infohash: ").append(i).append("\r\n"); // malformed ones count too
        }
        assertEquals(LsdException.Reason.TOO_MANY_INFO_HASHES, refusal(hashes.toString()));
    }

    @Test
    void longCookiesAreDropped() {
        LsdMessage m = parse("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: " + IH + "\r\ncookie: "
                + "c".repeat(LsdMessage.MAX_COOKIE + 1) + "\r\n\r\n");
        assertNull(m.cookie());
    }

    @Test
    void offsetAndLengthAreHonoured() {
        byte[] inner = ("BT-SEARCH * HTTP/1.1\r\nPort: 99\r\nInfohash: " + IH + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] outer = new byte[inner.length + 20];
        java.util.Arrays.fill(outer, (byte) 'z');
        System.arraycopy(inner, 0, outer, 10, inner.length);
        assertEquals(99, LsdMessage.parse(outer, 10, inner.length).port());
        assertThrows(IndexOutOfBoundsException.class, () -> LsdMessage.parse(outer, 10, outer.length));
    }

    /** Encoding follows BEP 14's layout and parses back; a full packet stays within 1400 bytes. */
    @Test
    void encodeRoundTripsAndFitsTheMtu() {
        String cookie = "5f0a1c2e";
        int cap = LsdMessage.capacity(LsdMessage.HOST6, cookie);
        assertTrue(cap >= 20 && cap <= LsdMessage.MAX_INFO_HASHES, "capacity " + cap);
        List<byte[]> hashes = new ArrayList<>();
        for (int i = 0; i < cap; i++) {
            byte[] h = new byte[20];
            h[0] = (byte) (i + 1);
            h[19] = (byte) 0xff;
            hashes.add(h);
        }
        byte[] packet = LsdMessage.encode(LsdMessage.HOST6, 65535, hashes, cookie);
        assertTrue(packet.length <= LsdMessage.MAX_SEND, packet.length + " bytes");
        LsdMessage m = LsdMessage.parse(packet, 0, packet.length);
        assertEquals(65535, m.port());
        assertEquals(cookie, m.cookie());
        assertEquals(LsdMessage.HOST6, m.host());
        for (int i = 0; i < cap; i++) {
            assertArrayEquals(hashes.get(i), m.infoHash(i));
        }
        String text = new String(LsdMessage.encode(LsdMessage.HOST4, 6881, List.of(Hex.decode(IH)), null),
                StandardCharsets.US_ASCII);
        assertEquals("BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\nInfohash: " + IH
                + "\r\n\r\n\r\n", text);
        hashes.add(new byte[20]);
        assertThrows(IllegalArgumentException.class, () -> LsdMessage.encode(LsdMessage.HOST6, 1, hashes, cookie));
        assertThrows(IllegalArgumentException.class,
                () -> LsdMessage.encode(LsdMessage.HOST4, 1, List.of(Hex.decode(IH)), "bad cookie"));
        assertThrows(IllegalArgumentException.class,
                () -> LsdMessage.encode(LsdMessage.HOST4, 0, List.of(Hex.decode(IH)), null));
    }
}
