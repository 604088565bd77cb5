package io.hivemind.bt.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.magnet.MagnetException;
import io.hivemind.bt.wire.magnet.MagnetLink;

/**
 * Arbitrary strings give a {@link MagnetLink} or a {@link MagnetException} with a reason, never anything else; every
 * link that parses formats to a link that parses to the same value (BEP 9, BEP 52, BEP 53).
 */
class MagnetFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parse(String input) {
        MagnetLink link;
        try {
            link = MagnetLink.parse(input);
        } catch (MagnetException expected) {
            assertNotNull(expected.reason());
            return;
        }
        assertEquals(link, MagnetLink.parse(link.format()));
    }
}
