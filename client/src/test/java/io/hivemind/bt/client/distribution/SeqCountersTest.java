package io.hivemind.bt.client.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEP 44 sequence numbers of the publisher: increasing, persisted before use, surviving a lost or torn file. */
class SeqCountersTest {

    @Test
    void numbersIncreaseAndSurviveARestart(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("state/sequence.json");
        SeqCounters a = new SeqCounters(f);
        assertEquals(1, a.reserve("k/s", 0));
        assertEquals(2, a.reserve("k/s", 0));
        assertEquals(10, a.reserve("k/s", 10), "at least the floor (a newer number seen in the DHT)");
        assertEquals(1, a.reserve("k/other", 0));
        SeqCounters b = new SeqCounters(f);
        assertEquals(10, b.last("k/s"));
        assertEquals(11, b.reserve("k/s", 3));
    }

    @Test
    void aTornFileFallsBackToTheBackup(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("sequence.json");
        SeqCounters a = new SeqCounters(f);
        a.reserve("k", 0);
        a.reserve("k", 0); // the first version is now the .bak
        Files.writeString(f, "{\"k\": 2"); // torn
        assertEquals(1, new SeqCounters(f).last("k"), "the .bak holds the previous complete version");
    }
}
