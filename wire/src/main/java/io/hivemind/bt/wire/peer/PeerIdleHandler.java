package io.hivemind.bt.wire.peer;

import io.hivemind.bt.wire.peer.PeerMessage.KeepAlive;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Peer connection timers: a handshake timeout, a keep-alive after writer idleness and a read timeout.
 *
 * <ul>
 *   <li><b>Handshake</b>: if no {@link PeerHandshake} has passed inbound {@code handshakeTimeout} after the channel
 *   became active (an MSE/PE exchange included), the handler fires {@link PeerTimeoutException.Kind#HANDSHAKE}.</li>
 *   <li><b>Keep-alive</b> (BEP 3): once the handshake is done, after {@code keepAliveInterval} without any outbound
 *   write it writes {@link KeepAlive} through the whole pipeline ({@code channel().writeAndFlush}).</li>
 *   <li><b>Read timeout</b>: once the handshake is done, after {@code readTimeout} without any inbound read it fires
 *   {@link PeerTimeoutException.Kind#READ}.</li>
 * </ul>
 * A timeout is fired as {@code exceptionCaught} towards the tail (so the session can record the disconnect reason)
 * and then the channel is closed.
 *
 * <p>Defaults: handshake 20 s; keep-alive every 60 s; read timeout 180 s. BEP 3 says keep-alives are "generally sent
 * once every two minutes", but libtorrent (the most common peer) drops a connection after 120 s of silence
 * ({@code peer_timeout}) and itself sends keep-alives every 60 s, so sending ours only at 120 s would race its timer.
 * The read timeout leaves peers that keep-alive every two minutes a minute of slack.
 *
 * <p>Place it after {@link PeerHandshakeDecoder} (it must see the {@link PeerHandshake} pass); right after it, it
 * sees every plaintext read, including parts of a large message still being assembled. It holds no buffers and
 * passes every message on untouched. Not sharable: one instance per channel, used on its event loop; time comes from
 * the event loop's {@link io.netty.util.concurrent.Ticker}, so tests can drive it with
 * {@code EmbeddedChannel.advanceTimeBy}.
 */
public final class PeerIdleHandler extends ChannelDuplexHandler {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);
    public static final Duration DEFAULT_KEEP_ALIVE_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(180);

    private final long handshakeNanos;
    private final long keepAliveNanos;
    private final long readNanos;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean started;
    private boolean stopped;
    private boolean handshakeDone;
    private long startNanos;
    private long lastReadNanos;
    private long lastWriteNanos;

    /** A handler with the default timeouts. */
    public PeerIdleHandler() {
        this(DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_KEEP_ALIVE_INTERVAL, DEFAULT_READ_TIMEOUT);
    }

    public PeerIdleHandler(Duration handshakeTimeout, Duration keepAliveInterval, Duration readTimeout) {
        this.handshakeNanos = positiveNanos(handshakeTimeout, "handshakeTimeout");
        this.keepAliveNanos = positiveNanos(keepAliveInterval, "keepAliveInterval");
        this.readNanos = positiveNanos(readTimeout, "readTimeout");
    }

    private static long positiveNanos(Duration d, String name) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isActive()) {
            start();
        }
        super.channelRegistered(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastReadNanos = now();
        if (!handshakeDone && msg instanceof PeerHandshake) {
            handshakeDone = true;
            lastWriteNanos = lastReadNanos; // our handshake went out no later than theirs arrived
            reschedule();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        lastWriteNanos = now();
        ctx.write(msg, promise);
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void start() {
        if (started || stopped) {
            return;
        }
        started = true;
        startNanos = now();
        lastReadNanos = startNanos;
        lastWriteNanos = startNanos;
        reschedule();
    }

    private void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void reschedule() {
        if (stopped) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        long deadline = handshakeDone
                ? Math.min(lastReadNanos + readNanos, lastWriteNanos + keepAliveNanos)
                : startNanos + handshakeNanos;
        timer = ctx.executor().schedule(this::onTimer, Math.max(0, deadline - now()), TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        timer = null;
        if (stopped || !ctx.channel().isActive()) {
            return;
        }
        long now = now();
        if (!handshakeDone) {
            if (now - startNanos >= handshakeNanos) {
                timeout(PeerTimeoutException.Kind.HANDSHAKE, "no handshake after " + Duration.ofNanos(handshakeNanos));
                return;
            }
        } else {
            if (now - lastReadNanos >= readNanos) {
                timeout(PeerTimeoutException.Kind.READ, "nothing received for " + Duration.ofNanos(readNanos));
                return;
            }
            if (now - lastWriteNanos >= keepAliveNanos) {
                lastWriteNanos = now;
                ctx.channel().writeAndFlush(KeepAlive.INSTANCE);
            }
        }
        reschedule();
    }

    private void timeout(PeerTimeoutException.Kind kind, String message) {
        stop();
        ctx.fireExceptionCaught(new PeerTimeoutException(kind, message));
        ctx.close();
    }
}
