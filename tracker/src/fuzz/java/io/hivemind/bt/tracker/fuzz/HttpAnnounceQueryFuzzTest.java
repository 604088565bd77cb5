package io.hivemind.bt.tracker.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.protocol.AnnounceQuery;
import io.hivemind.bt.tracker.protocol.HttpTrackerQueryParser;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The server's HTTP query parser (BEP 3, BEP 48): any string gives a well-formed query or a {@link TrackerException}
 * with an offset inside the input.
 */
class HttpAnnounceQueryFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parseAnnounce(byte[] input) {
        String q = new String(input, StandardCharsets.ISO_8859_1);
        try {
            AnnounceQuery a = HttpTrackerQueryParser.parseAnnounce(q);
            assertEquals(20, a.infoHash().length);
            assertEquals(20, a.peerId().length);
            assertTrue(a.port() >= 1 && a.port() <= 65535);
            assertTrue(a.uploaded() >= 0 && a.downloaded() >= 0 && a.left() >= -1 && a.numWant() >= -1);
        } catch (TrackerException e) {
            assertTrue(e.offset() >= 0 && e.offset() <= Math.max(q.length(), HttpTrackerQueryParser.MAX_QUERY_LENGTH));
        }
    }

    @FuzzTest(maxDuration = "10s")
    void parseScrape(byte[] input) {
        String q = new String(input, StandardCharsets.ISO_8859_1);
        try {
            List<byte[]> hashes = HttpTrackerQueryParser.parseScrape(q, 50);
            assertTrue(hashes.size() <= 50);
            for (byte[] h : hashes) {
                assertEquals(20, h.length);
            }
        } catch (TrackerException e) {
            assertTrue(e.offset() >= 0);
        }
    }
}
