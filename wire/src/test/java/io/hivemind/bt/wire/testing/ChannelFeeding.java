package io.hivemind.bt.wire.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Feeds bytes into an {@link EmbeddedChannel} the way a socket would (one pooled direct buffer per read), collects
 * what comes out, and checks that everything was released afterwards. For codec tests and fuzz targets.
 */
public final class ChannelFeeding {
    private ChannelFeeding() {
    }

    /** What a fresh channel produced from a sequence of reads: messages in order and at most one error. */
    public record Outcome(List<Object> messages, Throwable error, List<ByteBuf> inputs) {

        /**
         * Releases the messages, then asserts that every message and every input buffer has reached refCnt 0. (Only
         * after all are released: a retained slice may share its reference count with the buffer it was cut from,
         * as buffers of Netty 4.2's adaptive allocator do.)
         */
        public void releaseAndCheck() {
            for (Object m : messages) {
                if (m instanceof ReferenceCounted rc) {
                    rc.release();
                }
            }
            for (int i = 0; i < messages.size(); i++) {
                if (messages.get(i) instanceof ReferenceCounted rc) {
                    int index = i;
                    assertEquals(0, rc.refCnt(), () -> "message " + index + " of " + messages + " not released");
                }
            }
            for (ByteBuf b : inputs) {
                assertEquals(0, b.refCnt(), "input buffer not released");
            }
        }
    }

    /**
     * Feeds {@code parts} as separate reads into a new channel built from {@code handlers}, drains the inbound queue
     * after each read, and finishes the channel (asserting {@code finish()} is false). An exception from a read is
     * recorded; a second one fails the test (a decoder that has failed must stay quiet).
     */
    public static Outcome feed(Supplier<ChannelHandler[]> handlers, List<byte[]> parts) {
        EmbeddedChannel ch = new EmbeddedChannel(handlers.get());
        List<Object> messages = new ArrayList<>();
        List<ByteBuf> inputs = new ArrayList<>();
        Throwable error = null;
        for (byte[] part : parts) {
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(part.length).writeBytes(part);
            inputs.add(b);
            try {
                ch.writeInbound(b);
            } catch (Throwable t) {
                assertNull(error, () -> "second error " + t + " after " + messages);
                error = t;
            }
            for (Object m; (m = ch.readInbound()) != null; ) {
                messages.add(m);
            }
        }
        assertFalse(ch.finish(), "channel still holds messages");
        return new Outcome(messages, error, inputs);
    }

    /** Writes {@code msgs} through {@code handlers} and returns the outbound bytes, releasing every written buffer. */
    public static byte[] encode(ChannelHandler handler, Object... msgs) {
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        for (Object m : msgs) {
            ch.writeOutbound(m);
        }
        ByteBuf all = ByteBufAllocator.DEFAULT.heapBuffer();
        try {
            for (Object o; (o = ch.readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) o;
                all.writeBytes(b, b.readerIndex(), b.readableBytes());
                b.release();
                assertEquals(0, b.refCnt());
                if (b instanceof CompositeByteBuf c) {
                    assertEquals(0, c.refCnt());
                }
            }
            assertFalse(ch.finish());
            byte[] out = new byte[all.readableBytes()];
            all.readBytes(out);
            return out;
        } finally {
            all.release();
        }
    }

    public static void releaseAll(List<?> msgs) {
        for (Object m : msgs) {
            ReferenceCountUtil.release(m);
        }
    }
}
