package io.hivemind.bt.wire.mse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Stands where the peer-wire decoders will be: records the bytes and events that come out of the MSE stage. */
final class Capture extends ChannelInboundHandlerAdapter {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<MseHandshakeCompletionEvent> events = new ArrayList<>();
    /** Bytes received before the completion event (must stay 0). */
    int bytesBeforeEvent;
    boolean inactive;
    boolean active;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        try {
            if (events.isEmpty()) {
                bytesBeforeEvent += b.readableBytes();
            }
            byte[] a = new byte[b.readableBytes()];
            b.readBytes(a);
            bytes.writeBytes(a);
        } finally {
            b.release();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof MseHandshakeCompletionEvent e) {
            events.add(e);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
    }

    MseHandshakeCompletionEvent event() {
        if (events.size() != 1) {
            throw new AssertionError("expected exactly one completion event, got " + events);
        }
        return events.get(0);
    }

    byte[] received() {
        return bytes.toByteArray();
    }
}
