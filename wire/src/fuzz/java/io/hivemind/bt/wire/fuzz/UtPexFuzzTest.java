package io.hivemind.bt.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.ext.ExtensionProtocolException;
import io.hivemind.bt.wire.ext.UtPex;

/**
 * BEP 11 {@code ut_pex}: arbitrary bytes decode or throw {@link ExtensionProtocolException}, nothing else; lists
 * stay within their bound; what decodes round-trips.
 */
class UtPexFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        UtPex pex;
        try {
            pex = UtPex.decode(input);
        } catch (ExtensionProtocolException expected) {
            return;
        }
        assertTrue(pex.added().size() <= 2 * UtPex.MAX_PEERS_PER_LIST);
        assertTrue(pex.dropped().size() <= 2 * UtPex.MAX_PEERS_PER_LIST);
        byte[] encoded = pex.encode();
        UtPex back = UtPex.decode(encoded);
        assertEquals(pex, back);
        assertArrayEquals(encoded, back.encode());
    }
}
