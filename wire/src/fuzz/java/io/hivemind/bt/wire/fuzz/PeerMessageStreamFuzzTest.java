package io.hivemind.bt.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.peer.PeerMessage;
import io.hivemind.bt.wire.peer.PeerMessageDecoder;
import io.hivemind.bt.wire.peer.PeerMessageEncoder;
import io.hivemind.bt.wire.peer.PeerProtocolException;
import io.hivemind.bt.wire.testing.ChannelFeeding;
import io.hivemind.bt.wire.testing.Chunkings;
import io.netty.channel.ChannelHandler;
import java.util.Arrays;
import java.util.List;

/**
 * The BEP 3 message stream after the handshake: arbitrary bytes give messages or a {@link PeerProtocolException}
 * (never another exception, never a leak, never a hang); the result does not depend on how the bytes are cut into
 * reads (the first input byte picks a read size of 1 to 69); and every decoded message re-encodes to a stream
 * that decodes to the same messages. The maximum length is lowered to 4 KiB so the limit is reached; {@code strictStream}
 * does the same with small per-type caps and a budget, as a session configures the decoder.
 */
class PeerMessageStreamFuzzTest {

    static ChannelHandler[] decoder() {
        return new ChannelHandler[] {new PeerMessageDecoder(4096)};
    }

    /** Small per-type caps, so the cap checks (and the budget bookkeeping for longer messages) are reached. */
    static final PeerMessageDecoder.Limits STRICT_SMALL = new PeerMessageDecoder.Limits(4096, 9 + 64, 1 + 16, 256, 128, 9 + 64);

    /**
     * The session's decoder configuration in miniature: per-type caps and a budget for messages longer than a block
     * message. The result does not depend on how the bytes are cut into reads, and whatever was reserved from the
     * budget is returned once the channel closes (the budget never refuses here, so both feedings agree).
     */
    @FuzzTest(maxDuration = "10s")
    void strictStream(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = 1 + (input[0] & 0xff) % Chunkings.MAX_CHUNK;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();
        PeerMessageDecoder.MessageBudget counting = new PeerMessageDecoder.MessageBudget() {
            @Override
            public boolean tryReserve(int bytes) {
                held.addAndGet(bytes);
                return true;
            }

            @Override
            public void release(int bytes) {
                held.addAndGet(-bytes);
            }
        };
        ChannelFeeding.Outcome whole = ChannelFeeding.feed(() -> new ChannelHandler[] {new PeerMessageDecoder(STRICT_SMALL, counting)},
                List.of(stream));
        ChannelFeeding.Outcome chunked = ChannelFeeding.feed(() -> new ChannelHandler[] {new PeerMessageDecoder(STRICT_SMALL, counting)},
                Chunkings.chunked(stream, chunk).parts());
        try {
            assertEquals(0, held.get(), "budget reservations not returned");
            assertSameOutcome(whole, chunked);
        } finally {
            whole.releaseAndCheck();
            chunked.releaseAndCheck();
        }
    }

    @FuzzTest(maxDuration = "10s")
    void stream(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int chunk = 1 + (input[0] & 0xff) % Chunkings.MAX_CHUNK;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        ChannelFeeding.Outcome whole = ChannelFeeding.feed(PeerMessageStreamFuzzTest::decoder, List.of(stream));
        ChannelFeeding.Outcome chunked = ChannelFeeding.feed(PeerMessageStreamFuzzTest::decoder, Chunkings.chunked(stream, chunk).parts());
        try {
            assertSameOutcome(whole, chunked);
            if (!whole.messages().isEmpty()) {
                // re-encode what was decoded; decoding that gives the same messages and re-encodes to the same bytes
                Object[] again = retainedCopies(whole.messages());
                byte[] encoded = ChannelFeeding.encode(PeerMessageEncoder.INSTANCE, again);
                ChannelFeeding.Outcome back = ChannelFeeding.feed(PeerMessageStreamFuzzTest::decoder, List.of(encoded));
                try {
                    assertNull(back.error());
                    assertEquals(whole.messages(), back.messages());
                    Object[] third = retainedCopies(back.messages());
                    assertArrayEquals(encoded, ChannelFeeding.encode(PeerMessageEncoder.INSTANCE, third));
                } finally {
                    back.releaseAndCheck();
                }
            }
        } finally {
            whole.releaseAndCheck();
            chunked.releaseAndCheck();
        }
    }

    /** Fed whole or cut into reads, a stream gives the same messages and fails (if it does) for the same reason. */
    private static void assertSameOutcome(ChannelFeeding.Outcome whole, ChannelFeeding.Outcome chunked) {
        if (whole.error() != null) {
            assertInstanceOf(PeerProtocolException.class, whole.error());
            assertEquals(((PeerProtocolException) whole.error()).reason(), ((PeerProtocolException) chunked.error()).reason());
        } else {
            assertNull(chunked.error());
        }
        assertEquals(whole.messages(), chunked.messages());
    }

    /** The decoded messages again, with payload buffers retained, ready to be encoded (which releases them). */
    private static Object[] retainedCopies(List<Object> messages) {
        return messages.stream().map(m -> m instanceof PeerMessage.WithPayload p ? p.retainedDuplicate() : m).toArray();
    }
}
