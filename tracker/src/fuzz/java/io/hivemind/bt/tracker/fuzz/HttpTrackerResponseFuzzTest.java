package io.hivemind.bt.tracker.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.tracker.AnnounceResponse;
import io.hivemind.bt.tracker.ScrapeResponse;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.protocol.HttpTrackerResponses;
import io.hivemind.bt.tracker.protocol.ResponseLimits;

/** HTTP tracker response bodies (BEP 3, 23, 7, 48): a response or a {@link TrackerException}, limits respected. */
class HttpTrackerResponseFuzzTest {
    private static final ResponseLimits LIMITS = new ResponseLimits(1 << 16, 20, 5);

    @FuzzTest(maxDuration = "10s")
    void parseAnnounce(byte[] input) {
        try {
            AnnounceResponse r = HttpTrackerResponses.parseAnnounce(input, LIMITS);
            assertTrue(r.peers().size() <= 20);
            assertTrue(r.intervalSeconds() >= 0);
        } catch (TrackerException expected) {
            // typed rejection
        }
    }

    @FuzzTest(maxDuration = "10s")
    void parseScrape(byte[] input) {
        try {
            ScrapeResponse r = HttpTrackerResponses.parseScrape(input, LIMITS);
            assertTrue(r.entries().size() <= 5);
        } catch (TrackerException expected) {
            // typed rejection
        }
    }
}
