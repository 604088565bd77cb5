package io.hivemind.bt.client.session;

import io.hivemind.bt.client.DisconnectReason;
import io.hivemind.bt.wire.peer.PeerHandshake;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Bounds the accepted connections that have not completed their BitTorrent handshake (a half-open flood: many
 * connections that say nothing, or say it slowly). Every accepted channel is registered; when more than the limit
 * are pending, the <i>oldest</i> is closed with {@link DisconnectReason#TOO_MANY_CONNECTIONS}, so a flood cannot lock
 * out a real peer, whose handshake takes milliseconds, the way refusing new connections would. Each pending
 * connection is also bounded in time by the handshake timeout ({@link PeerLimits#handshakeTimeout()}).
 *
 * <p>Thread-safe: channels of every event loop register here.
 */
final class IncomingGate {
    private final ConcurrentLinkedDeque<Channel> pending = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final IntSupplier limit;

    IncomingGate(IntSupplier limit) {
        this.limit = limit;
    }

    /** Registers an accepted channel and returns the handler that lets it go at its handshake or close. */
    ChannelInboundHandlerAdapter admit(Channel ch) {
        pending.addLast(ch);
        int n = size.incrementAndGet();
        int max = limit.getAsInt();
        while (n > max) {
            Channel oldest = pending.pollFirst();
            if (oldest == null) {
                break;
            }
            n = size.decrementAndGet();
            evict(oldest);
        }
        return new Watcher(ch);
    }

    /** Connections now pending (for tests and statistics). */
    int pendingCount() {
        return size.get();
    }

    private void release(Channel ch) {
        if (pending.remove(ch)) {
            size.decrementAndGet();
        }
    }

    private static void evict(Channel ch) {
        PeerConnection conn = ch.pipeline().get(PeerConnection.class);
        if (conn != null) {
            conn.close(DisconnectReason.TOO_MANY_CONNECTIONS);
        } else {
            ch.close();
        }
    }

    /** Sits after the handshake decoder: the first {@link PeerHandshake} (or the close) ends the pending state. */
    private final class Watcher extends ChannelInboundHandlerAdapter {
        private final Channel ch;

        Watcher(Channel ch) {
            this.ch = ch;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof PeerHandshake) {
                release(ch);
                ctx.pipeline().remove(this);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            release(ch);
            ctx.fireChannelInactive();
        }
    }
}
