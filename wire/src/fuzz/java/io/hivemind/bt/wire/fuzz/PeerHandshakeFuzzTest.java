package io.hivemind.bt.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.wire.peer.PeerHandshake;
import io.hivemind.bt.wire.peer.PeerHandshakeDecoder;
import io.hivemind.bt.wire.peer.PeerHandshakePrefix;
import io.hivemind.bt.wire.peer.PeerMessage;
import io.hivemind.bt.wire.peer.PeerMessageDecoder;
import io.hivemind.bt.wire.peer.PeerProtocolException;
import io.hivemind.bt.wire.testing.ChannelFeeding;
import io.hivemind.bt.wire.testing.Chunkings;
import io.netty.channel.ChannelHandler;
import java.util.List;

/**
 * BEP 3 handshake followed by messages, from an incoming connection: arbitrary bytes give a prefix, a handshake and
 * messages, or a {@link PeerProtocolException}, never another exception or a leak; and the same whether the bytes
 * arrive at once or in 7-byte reads. The info-hash filter accepts hashes whose first byte is even, so both the
 * accept and the refuse paths are reached.
 */
class PeerHandshakeFuzzTest {

    static ChannelHandler[] pipeline() {
        return new ChannelHandler[] {PeerHandshakeDecoder.incoming(h -> (h[0] & 1) == 0), new PeerMessageDecoder(4096)};
    }

    @FuzzTest(maxDuration = "10s")
    void handshake(byte[] input) {
        ChannelFeeding.Outcome whole = ChannelFeeding.feed(PeerHandshakeFuzzTest::pipeline, List.of(input));
        ChannelFeeding.Outcome chunked = ChannelFeeding.feed(PeerHandshakeFuzzTest::pipeline, Chunkings.chunked(input, 7).parts());
        try {
            check(whole);
            check(chunked);
            assertEquals(whole.messages(), chunked.messages());
            assertEquals(reason(whole), reason(chunked));
        } finally {
            whole.releaseAndCheck();
            chunked.releaseAndCheck();
        }
    }

    private static void check(ChannelFeeding.Outcome o) {
        if (o.error() != null) {
            assertInstanceOf(PeerProtocolException.class, o.error());
        }
        List<Object> m = o.messages();
        for (int i = 0; i < m.size(); i++) {
            Object x = m.get(i);
            switch (i) {
                case 0 -> assertInstanceOf(PeerHandshakePrefix.class, x);
                case 1 -> assertInstanceOf(PeerHandshake.class, x);
                default -> assertInstanceOf(PeerMessage.class, x);
            }
        }
        if (!m.isEmpty()) {
            assertTrue((((PeerHandshakePrefix) m.getFirst()).infoHash()[0] & 1) == 0, "refused hash passed");
        }
    }

    private static Object reason(ChannelFeeding.Outcome o) {
        return o.error() == null ? null : ((PeerProtocolException) o.error()).reason();
    }
}
