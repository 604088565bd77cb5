package io.hivemind.bt.wire.mse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A minimal BitTorrent peer for interop tests, standing behind the MSE handler: it writes the 68-byte
 * handshake itself (on connect when dialing, after the peer's handshake when accepting), then reads the peer's
 * handshake and messages until the peer's piece announcement (bitfield, id 5, or BEP 6 have-all, id 14).
 */
final class BtProbe extends ChannelInboundHandlerAdapter {
    /** What the probe saw: the peer's handshake and the id of its piece announcement. */
    record Seen(byte[] handshake, int announcementId, MseHandshakeCompletionEvent mse) {
    }

    final CompletableFuture<Seen> seen = new CompletableFuture<>();
    final CompletableFuture<MseHandshakeCompletionEvent> mse = new CompletableFuture<>();
    private final byte[] infoHash;
    private final boolean dialing;
    private ByteBuf acc;
    private byte[] handshake;

    BtProbe(byte[] infoHash, boolean dialing) {
        this.infoHash = infoHash;
        this.dialing = dialing;
    }

    static byte[] handshake(byte[] infoHash) {
        ByteBuf b = Unpooled.buffer(68);
        b.writeByte(19).writeBytes("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 0x04}); // BEP 6 fast extension
        b.writeBytes(infoHash);
        b.writeBytes("-HV0001-mseinterop01".getBytes(StandardCharsets.US_ASCII));
        byte[] out = new byte[68];
        b.readBytes(out);
        b.release();
        return out;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        acc = ctx.alloc().heapBuffer();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        acc.release();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (dialing) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(handshake(infoHash)));
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof MseHandshakeCompletionEvent e) {
            mse.complete(e);
            if (!e.isSuccess()) {
                seen.completeExceptionally(e.cause());
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        acc.writeBytes(b);
        b.release();
        if (handshake == null) {
            if (acc.readableBytes() < 68) {
                return;
            }
            handshake = new byte[68];
            acc.readBytes(handshake);
            if (!dialing) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(handshake(infoHash)));
            }
        }
        while (acc.readableBytes() >= 4) {
            int len = acc.getInt(acc.readerIndex());
            if (len < 0 || len > 1 << 20) {
                seen.completeExceptionally(new IllegalStateException("bad length prefix " + len));
                ctx.close();
                return;
            }
            if (acc.readableBytes() < 4 + len) {
                return;
            }
            acc.skipBytes(4);
            int id = len == 0 ? -1 : acc.getUnsignedByte(acc.readerIndex());
            acc.skipBytes(len);
            if (id == 5 || id == 14) {
                seen.complete(new Seen(handshake, id, mse.getNow(null)));
                return;
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        seen.completeExceptionally(new IllegalStateException("closed; handshake so far "
                + (handshake == null ? "none" : Arrays.toString(handshake))));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        seen.completeExceptionally(cause);
        ctx.close();
    }
}
