package io.hivemind.bt.wire.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak check itself: a buffer dropped without release is reported (so {@link NoLeaks} can fail a class). */
class NoLeaksTest {

    @Test
    void aDroppedBufferIsReported() {
        new NoLeaks().beforeAll(null);
        leak();
        NoLeaks.collect();
        assertFalse(NoLeaks.drain().isEmpty(), "leak not reported");
    }

    private static void leak() {
        ByteBufAllocator.DEFAULT.directBuffer(16).writeInt(1);
    }
}
