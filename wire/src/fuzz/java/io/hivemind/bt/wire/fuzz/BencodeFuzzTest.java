package io.hivemind.bt.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeException;
import io.hivemind.bt.wire.bencode.BencodeLimits;

/**
 * Arbitrary bytes never hang and never throw anything but {@link BencodeException}; whatever decodes
 * re-encodes canonically and decodes to the same value. Run longer with {@code ./fuzz.sh BencodeFuzzTest 10}.
 */
class BencodeFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void decode(byte[] input) {
        BValue v;
        try {
            v = BencodeDecoder.decode(input, BencodeLimits.DEFAULT);
        } catch (BencodeException expected) {
            return;
        }
        byte[] canonical = v.encode();
        BValue again = BencodeDecoder.decode(canonical, BencodeLimits.DEFAULT.withStrict(true));
        assertEquals(v, again);
        assertArrayEquals(canonical, again.encode());
    }
}
