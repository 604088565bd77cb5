package io.hivemind.bt.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.ext.ExtensionHandshake;
import io.hivemind.bt.wire.ext.ExtensionProtocolException;

/**
 * BEP 10 extension handshake: arbitrary bytes decode or throw {@link ExtensionProtocolException}, nothing else;
 * what decodes re-encodes to bytes that decode to the same handshake and re-encode identically.
 */
class ExtensionHandshakeFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        ExtensionHandshake h;
        try {
            h = ExtensionHandshake.decode(input);
        } catch (ExtensionProtocolException expected) {
            return;
        }
        byte[] encoded = h.encode();
        ExtensionHandshake back = ExtensionHandshake.decode(encoded);
        assertEquals(h, back);
        assertArrayEquals(encoded, back.encode());
    }
}
