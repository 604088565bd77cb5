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
 * that decodes to the same messages. The maximum length is lowered to 4 KiB so the limit is reached.
 */
class PeerMessageStreamFuzzTest {

    static ChannelHandler[] decoder() {
        return new ChannelHandler[] {new PeerMessageDecoder(4096)};
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
            if (whole.error() != null) {
                assertInstanceOf(PeerProtocolException.class, whole.error());
                assertEquals(((PeerProtocolException) whole.error()).reason(), ((PeerProtocolException) chunked.error()).reason());
            } else {
                assertNull(chunked.error());
            }
            assertEquals(whole.messages(), chunked.messages());
            if (!whole.messages().isEmpty()) {
                // re-encode what was decoded; decoding that gives the same messages and re-encodes to the same bytes
                Object[] again = whole.messages().stream().map(m -> ((PeerMessage) m) instanceof PeerMessage.WithPayload p
                        ? p.retainedDuplicate() : m).toArray();
                byte[] encoded = ChannelFeeding.encode(PeerMessageEncoder.INSTANCE, again);
                ChannelFeeding.Outcome back = ChannelFeeding.feed(PeerMessageStreamFuzzTest::decoder, List.of(encoded));
                try {
                    assertNull(back.error());
                    assertEquals(whole.messages(), back.messages());
                    Object[] third = back.messages().stream().map(m -> ((PeerMessage) m) instanceof PeerMessage.WithPayload p
                            ? p.retainedDuplicate() : m).toArray();
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
}
