package io.hivemind.bt.wire.peer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link PeerHandshake} as its 68-byte BEP 3 wire form into an exact-size buffer from the channel's
 * allocator; every other outbound message passes through untouched. Stateless and {@link Sharable}: use
 * {@link #INSTANCE}. {@code PeerHandshake} holds no buffers, so there is nothing to release.
 */
@Sharable
public final class PeerHandshakeEncoder extends MessageToByteEncoder<PeerHandshake> {

    /** The shared instance. */
    public static final PeerHandshakeEncoder INSTANCE = new PeerHandshakeEncoder();

    private PeerHandshakeEncoder() {
        super(PeerHandshake.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, PeerHandshake msg, boolean preferDirect) {
        return preferDirect ? ctx.alloc().ioBuffer(PeerHandshake.LENGTH) : ctx.alloc().heapBuffer(PeerHandshake.LENGTH);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, PeerHandshake msg, ByteBuf out) {
        msg.writeTo(out);
    }
}
