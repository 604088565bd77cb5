package io.hivemind.bt.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.mse.MseHandshakeCompletionEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The last handler of an MSE fuzz pipeline ({@link MseInitiatorFuzzTest}, {@link MseResponderFuzzTest}): records
 * what leaves the MSE stage, and checks the properties both sides must keep whatever the peer sent.
 */
final class MseHandshakeSink extends ChannelInboundHandlerAdapter {
    final List<MseHandshakeCompletionEvent> events = new ArrayList<>();
    int bytesBeforeEvent;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        if (events.isEmpty()) {
            bytesBeforeEvent += b.readableBytes();
        }
        b.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof MseHandshakeCompletionEvent e) {
            events.add(e);
        }
    }

    /**
     * At most one completion event, no payload before it, a failure with a typed reason closes the channel, and
     * every buffer fed in ({@code fed}) is released once the channel is finished.
     */
    void assertSound(EmbeddedChannel ch, List<ByteBuf> fed) {
        ch.checkException();
        assertTrue(events.size() <= 1, "one completion event at most");
        assertEquals(0, bytesBeforeEvent, "no payload before the decision");
        if (!events.isEmpty() && !events.get(0).isSuccess()) {
            assertTrue(events.get(0).cause().reason() != null);
            assertTrue(!ch.isActive(), "closed after a failure");
        }
        ch.finishAndReleaseAll();
        for (ByteBuf b : fed) {
            assertEquals(0, b.refCnt(), "leaked an input buffer");
        }
    }
}
