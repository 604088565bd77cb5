package io.hivemind.bt.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.ext.ExtensionProtocolException;
import io.hivemind.bt.wire.ext.UtMetadata;

/**
 * BEP 9 {@code ut_metadata}: arbitrary bytes decode or throw {@link ExtensionProtocolException}, nothing else;
 * what decodes round-trips. A 64 KiB metadata limit keeps data messages reachable for the fuzzer.
 */
class UtMetadataFuzzTest {
    private static final int MAX = 64 * 1024;

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        UtMetadata m;
        try {
            m = UtMetadata.decode(input, MAX);
        } catch (ExtensionProtocolException expected) {
            return;
        }
        byte[] encoded = m.encode();
        UtMetadata back = UtMetadata.decode(encoded, MAX);
        assertEquals(m, back);
        assertArrayEquals(encoded, back.encode());
    }
}
