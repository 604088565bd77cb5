package io.hivemind.bt.tracker.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import io.hivemind.bt.tracker.AnnounceEvent;
import io.hivemind.bt.tracker.AnnounceRequest;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Client-side HTTP request building ({@link HttpTrackerRequests}) and the server-side query parser
 * ({@link HttpTrackerQueryParser}): BEP 3 announce parameters, BEP 23 {@code compact}, BEP 7 {@code key},
 * BEP 48 scrape; and that one reads exactly what the other wrote.
 */
class HttpTrackerQueryTest {
    private static final byte[] HASH = new byte[20];
    private static final byte[] PEER = "-HV0001-abcdefghijkl".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int i = 0; i < 20; i++) {
            HASH[i] = (byte) (i * 13 + 0x7b);
        }
    }

    private static AnnounceRequest.Builder request() {
        return AnnounceRequest.builder().infoHash(HASH).peerId(PEER).port(6881).uploaded(1).downloaded(2).left(3);
    }

    @Test
    void announceUrlHasEveryParameterPercentEncoded() {
        URI u = HttpTrackerRequests.announceUri(URI.create("http://t.example:8000/announce"),
                request().event(AnnounceEvent.STARTED).numWant(30).key(0xCAFE).trackerId("id 1").build());
        String q = u.getRawQuery();
        assertTrue(q.startsWith("info_hash=%7B%88%95%A2"), q);
        assertTrue(q.contains("&peer_id=-HV0001-abcdefghijkl&port=6881&uploaded=1&downloaded=2&left=3&compact=1"), q);
        assertTrue(q.contains("&event=started&numwant=30&key=0000cafe&trackerid=id%201"), q);
        assertEquals("/announce", u.getRawPath());
    }

    @Test
    void existingQueryParametersAreKeptAndNoneEventIsOmitted() {
        URI u = HttpTrackerRequests.announceUri(URI.create("https://t.example/announce?passkey=s3cret"),
                request().numWant(AnnounceRequest.NUMWANT_DEFAULT).build());
        String q = u.getRawQuery();
        assertTrue(q.startsWith("passkey=s3cret&info_hash="), q);
        assertFalse(q.contains("event="), q);
        assertFalse(q.contains("numwant="), q);
    }

    @Test
    void serverReadsWhatTheClientWrote() {
        Gen<byte[]> hashes = Generate.byteArrays(Generate.constant(20), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        Gen<Long> counters = Generate.longRange(0, Long.MAX_VALUE);
        Gen<Integer> ports = Generate.range(1, 65535);
        Gen<AnnounceEvent> events = Generate.pick(List.of(AnnounceEvent.values()));
        qt().withExamples(500).forAll(hashes, counters, ports, events).checkAssert((hash, n, port, event) -> {
            AnnounceRequest r = AnnounceRequest.builder().infoHash(hash).peerId(hash).port(port).uploaded(n)
                    .downloaded(n / 3).left(n / 7).event(event).numWant(port % 300).build();
            URI u = HttpTrackerRequests.announceUri(URI.create("http://t/announce"), r);
            AnnounceQuery q = HttpTrackerQueryParser.parseAnnounce(u.getRawQuery());
            assertArrayEquals(hash, q.infoHash());
            assertArrayEquals(hash, q.peerId());
            assertEquals(port, q.port());
            assertEquals(n, q.uploaded());
            assertEquals(n / 3, q.downloaded());
            assertEquals(n / 7, q.left());
            assertEquals(event, q.event());
            assertEquals(port % 300, q.numWant());
            assertTrue(q.compact());
        });
    }

    @Test
    void scrapeUrlRoundTrip() {
        byte[] other = HASH.clone();
        other[0] = '&';
        URI u = HttpTrackerRequests.scrapeUri(URI.create("http://t/scrape"), List.of(HASH, other));
        List<byte[]> back = HttpTrackerQueryParser.parseScrape(u.getRawQuery(), 50);
        assertEquals(2, back.size());
        assertArrayEquals(HASH, back.get(0));
        assertArrayEquals(other, back.get(1));
    }

    @Test
    void parserDefaultsAndLiteralPlus() {
        AnnounceQuery q = HttpTrackerQueryParser.parseAnnounce(
                "info_hash=" + "+".repeat(20) + "&peer_id=" + "a".repeat(20) + "&port=1&compact=0&numwant=-1&ip=1.2.3.4&x=y");
        assertArrayEquals("+".repeat(20).getBytes(StandardCharsets.US_ASCII), q.infoHash());
        assertEquals(-1, q.left());
        assertEquals(-1, q.numWant());
        assertFalse(q.compact());
        assertEquals("1.2.3.4", q.ip());
        assertEquals(AnnounceEvent.NONE, q.event());
        AnnounceQuery q2 = HttpTrackerQueryParser.parseAnnounce(
                "info_hash=" + "a".repeat(20) + "&peer_id=" + "a".repeat(20) + "&port=65535&event=bogus");
        assertNull(q2.ip());
        assertEquals(AnnounceEvent.NONE, q2.event());
    }

    @Test
    void badQueriesAreRejectedWithOffsets() {
        String ok = "info_hash=" + "a".repeat(20) + "&peer_id=" + "b".repeat(20) + "&port=80";
        String[] bad = {
                "", "peer_id=" + "b".repeat(20) + "&port=80", "info_hash=" + "a".repeat(20) + "&port=80",
                "info_hash=" + "a".repeat(20) + "&peer_id=" + "b".repeat(20),
                ok.replace("port=80", "port=0"), ok.replace("port=80", "port=65536"), ok.replace("port=80", "port=8x"),
                ok.replace("port=80", "port="), ok.replace("a".repeat(20), "a".repeat(19)),
                ok.replace("a".repeat(20), "a".repeat(21)), ok.replace("a".repeat(20), "a".repeat(19) + "%"),
                ok.replace("a".repeat(20), "a".repeat(18) + "%g1"), ok.replace("a".repeat(20), "a".repeat(19) + "\u00e9"),
                ok + "&uploaded=-1", ok + "&left=99999999999999999999", ok + "&ip=" + "1".repeat(300),
                ok + "&a".repeat(70), "x".repeat(5000),
        };
        for (String q : bad) {
            TrackerException e = assertThrows(TrackerException.class, () -> HttpTrackerQueryParser.parseAnnounce(q),
                    q);
            assertEquals(Reason.BAD_REQUEST, e.reason(), q);
            assertTrue(e.offset() >= 0 && e.offset() <= Math.max(q.length(), HttpTrackerQueryParser.MAX_QUERY_LENGTH), q);
        }
    }

    /** HARDENING.md: a scrape of more than 50 info-hashes is refused. */
    @Test
    void scrapeLimit() {
        String one = "info_hash=" + "a".repeat(20);
        String fifty = String.join("&", java.util.Collections.nCopies(50, one));
        assertEquals(50, HttpTrackerQueryParser.parseScrape(fifty, 50).size());
        TrackerException e = assertThrows(TrackerException.class,
                () -> HttpTrackerQueryParser.parseScrape(fifty + "&" + one, 50));
        assertEquals(Reason.BAD_REQUEST, e.reason());
        assertTrue(HttpTrackerQueryParser.parseScrape("", 50).isEmpty());
    }

    /** HARDENING.md: a query with more parameters than a client ever sends is refused, empty ones are skipped. */
    @Test
    void parameterLimitAndEmptyParameters() {
        String base = "info_hash=" + "a".repeat(20) + "&peer_id=" + "b".repeat(20) + "&port=6881";
        String padding = String.join("&", java.util.Collections.nCopies(HttpTrackerQueryParser.MAX_PARAMETERS - 3, "x=1"));
        assertEquals(6881, HttpTrackerQueryParser.parseAnnounce(base + "&" + padding).port());
        TrackerException e = assertThrows(TrackerException.class,
                () -> HttpTrackerQueryParser.parseAnnounce(base + "&" + padding + "&x=1"));
        assertEquals(Reason.BAD_REQUEST, e.reason());
        assertThrows(TrackerException.class, () -> HttpTrackerQueryParser.parseScrape(padding + "&x=1&x=1&x=1&x=1", 50));
        // empty parameters do not count, and a key without '=' has an empty value
        String sparse = "&&" + base.replace("&", "&&&") + "&compact&&";
        AnnounceQuery a = HttpTrackerQueryParser.parseAnnounce(sparse + "&".repeat(200));
        assertEquals(6881, a.port());
        assertTrue(a.compact());
        assertEquals(2, HttpTrackerQueryParser.parseScrape("&info_hash=" + "a".repeat(20) + "&&info_hash=" + "c".repeat(20) + "&", 50).size());
    }

    @Test
    void pathAndQuerySplit() {
        assertEquals("/announce", HttpTrackerQueryParser.path("/announce?a=b"));
        assertEquals("a=b?c", HttpTrackerQueryParser.query("/announce?a=b?c"));
        assertEquals("", HttpTrackerQueryParser.query("/stats"));
    }
}
