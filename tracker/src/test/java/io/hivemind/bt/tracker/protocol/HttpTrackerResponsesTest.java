package io.hivemind.bt.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.tracker.AnnounceResponse;
import io.hivemind.bt.tracker.ScrapeResponse;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HTTP tracker response parsing: BEP 3 (dictionary peers, failure reason), BEP 23 (compact), BEP 7 (peers6), BEP 48. */
class HttpTrackerResponsesTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static AnnounceResponse parse(byte[] body) {
        return HttpTrackerResponses.parseAnnounce(body, ResponseLimits.DEFAULT);
    }

    @Test
    void bep23CompactPeers() throws Exception {
        byte[] peers = {127, 0, 0, 1, 0x1A, (byte) 0xE1, 10, 0, 0, 2, 0, 80};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b("d8:completei3e10:incompletei4e8:intervali1800e12:min intervali60e5:peers12:"));
        out.write(peers);
        out.write(b("e"));
        AnnounceResponse r = parse(out.toByteArray());
        assertEquals(1800, r.intervalSeconds());
        assertEquals(60, r.minIntervalSeconds());
        assertEquals(3, r.seeders());
        assertEquals(4, r.leechers());
        assertEquals(-1, r.downloaded());
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 6881),
                new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 80)), r.peers());
        assertNull(r.warningMessage());
    }

    @Test
    void bep7Peers6Example() throws Exception {
        // BEP 7's example response: d8:intervali1800e5:peers6:iiiipp6:peers618:iiiiiiiiiiiiiiiippe
        byte[] v6 = InetAddress.getByName("2001:db8::1").getAddress();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b("d8:intervali1800e5:peers6:"));
        out.write(new byte[] {1, 2, 3, 4, 0, 1});
        out.write(b("6:peers618:"));
        out.write(v6);
        out.write(new byte[] {0x1A, (byte) 0xE1});
        out.write(b("e"));
        AnnounceResponse r = parse(out.toByteArray());
        assertEquals(2, r.peers().size());
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 6881), r.peers().get(1));
    }

    @Test
    void bep3DictionaryPeersSkipHostNamesAndBadPorts() throws Exception {
        BDict body = BDict.builder().put("interval", 900)
                .put("peers", BList.of(
                        BDict.builder().put("ip", "192.168.1.5").put("peer id", "x".repeat(20)).put("port", 51413).build(),
                        BDict.builder().put("ip", "evil.example.com").put("port", 6881).build(),
                        BDict.builder().put("ip", "::1").put("port", 7000).build(),
                        BDict.builder().put("ip", "10.1.1.1").put("port", 0).build(),
                        BDict.builder().put("ip", "10.1.1.2").put("port", 70000).build()))
                .build();
        AnnounceResponse r = parse(body.encode());
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("192.168.1.5"), 51413),
                new InetSocketAddress(InetAddress.getByName("::1"), 7000)), r.peers());
    }

    @Test
    void failureReasonIsATypedPermanentError() {
        TrackerException e = assertThrows(TrackerException.class,
                () -> parse(b("d14:failure reason20:unregistered torrente")));
        assertEquals(Reason.TRACKER_FAILURE, e.reason());
        assertEquals("unregistered torrent", e.getMessage());
        assertTrue(e.isPermanent());
    }

    @Test
    void warningMessageTrackerIdAndExternalIpAreKept() {
        byte[] body = BDict.builder().put("interval", 60).put("warning message", "slow down")
                .put("tracker id", "abc").put("external ip", new byte[] {8, 8, 4, 4}).put("peers", new byte[0])
                .build().encode();
        AnnounceResponse r = parse(body);
        assertEquals("slow down", r.warningMessage());
        assertEquals("abc", r.trackerId());
        assertEquals("8.8.4.4", r.externalIp().getHostAddress());
        assertTrue(r.peers().isEmpty());
    }

    @Test
    void malformedResponsesAreTyped() {
        Object[][] cases = {
                {b("not bencode"), Reason.MALFORMED_RESPONSE},
                {b("li1ee"), Reason.MALFORMED_RESPONSE},
                {b("d5:peers0:e"), Reason.MALFORMED_RESPONSE}, // no interval
                {b("d8:interval3:abc5:peers0:e"), Reason.MALFORMED_RESPONSE},
                {b("d8:intervali10e5:peers5:abcdee"), Reason.MALFORMED_RESPONSE}, // not a multiple of 6
                {b("d8:intervali10e6:peers67:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaae"),
                        Reason.MALFORMED_RESPONSE},
                {b("d8:intervali10e5:peersi3ee"), Reason.MALFORMED_RESPONSE},
                {b("d8:intervali10e5:peersli1eee"), Reason.MALFORMED_RESPONSE},
                {b("d8:intervali10e5:peerslde" + "e" + "e"), Reason.MALFORMED_RESPONSE},
                {new byte[0], Reason.MALFORMED_RESPONSE},
        };
        for (Object[] c : cases) {
            TrackerException e = assertThrows(TrackerException.class, () -> parse((byte[]) c[0]),
                    new String((byte[]) c[0], StandardCharsets.ISO_8859_1));
            assertEquals(c[1], e.reason(), new String((byte[]) c[0], StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void bodyOverTheSizeLimitIsRejectedBeforeDecoding() {
        byte[] big = new byte[(1 << 20) + 1];
        TrackerException e = assertThrows(TrackerException.class, () -> parse(big));
        assertEquals(Reason.RESPONSE_TOO_LARGE, e.reason());
    }

    @Test
    void peerCountIsCappedNotRejected() {
        byte[] peers = new byte[6 * 5000];
        for (int i = 0; i < 5000; i++) {
            peers[6 * i] = 10;
            peers[6 * i + 2] = (byte) (i >> 8);
            peers[6 * i + 3] = (byte) i;
            peers[6 * i + 5] = 1;
        }
        byte[] body = BDict.builder().put("interval", 60).put("peers", peers).build().encode();
        assertEquals(2000, parse(body).peers().size());
        assertEquals(10, HttpTrackerResponses.parseAnnounce(body, new ResponseLimits(1 << 20, 10, 10)).peers().size());
    }

    @Test
    void negativeAndHugeNumbersAreClamped() {
        byte[] body = b("d8:completei-5e8:intervali99999999999e5:peers0:e");
        AnnounceResponse r = parse(body);
        assertEquals(Integer.MAX_VALUE, r.intervalSeconds());
        assertEquals(-1, r.seeders());
    }

    @Test
    void bep48ScrapeExample() {
        String x = "xxxxxxxxxxxxxxxxxxxx";
        String y = "yyyyyyyyyyyyyyyyyyyy";
        byte[] body = b("d5:filesd20:" + x + "d8:completei11e10:downloadedi13772e10:incompletei19ee20:" + y
                + "d8:completei21e10:downloadedi206e10:incompletei20eeee");
        ScrapeResponse r = HttpTrackerResponses.parseScrape(body, ResponseLimits.DEFAULT);
        assertEquals(2, r.entries().size());
        ScrapeResponse.Entry ex = r.find(b(x));
        assertEquals(11, ex.seeders());
        assertEquals(19, ex.leechers());
        assertEquals(13772, ex.downloaded());
        assertEquals(206, r.find(b(y)).downloaded());
    }

    @Test
    void scrapeSkipsBadKeysAndFailsOnFailureReason() {
        byte[] body = b("d5:filesd3:abcd8:completei1eeee");
        assertTrue(HttpTrackerResponses.parseScrape(body, ResponseLimits.DEFAULT).entries().isEmpty());
        TrackerException e = assertThrows(TrackerException.class,
                () -> HttpTrackerResponses.parseScrape(b("d14:failure reason4:nopee"), ResponseLimits.DEFAULT));
        assertEquals(Reason.TRACKER_FAILURE, e.reason());
        e = assertThrows(TrackerException.class,
                () -> HttpTrackerResponses.parseScrape(b("de"), ResponseLimits.DEFAULT));
        assertEquals(Reason.MALFORMED_RESPONSE, e.reason());
    }

    @Test
    void failureReasonOrNullFindsTheReasonInErrorBodies() {
        assertEquals("banned", HttpTrackerResponses.failureReasonOrNull(b("d14:failure reason6:bannede"),
                ResponseLimits.DEFAULT));
        assertNull(HttpTrackerResponses.failureReasonOrNull(b("<html>404</html>"), ResponseLimits.DEFAULT));
        assertNull(HttpTrackerResponses.failureReasonOrNull(BDict.builder().put("x", BInt.of(1)).build().encode(),
                ResponseLimits.DEFAULT));
    }
}
