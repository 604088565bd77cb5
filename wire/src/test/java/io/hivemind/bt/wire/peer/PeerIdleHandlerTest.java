package io.hivemind.bt.wire.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.peer.PeerMessage.Have;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The timers of {@link PeerIdleHandler} on the embedded channel's virtual clock (BEP 3 "keep-alive"): nothing here
 * waits for real time.
 */
class PeerIdleHandlerTest {

    static final PeerHandshake HANDSHAKE = new PeerHandshake(0, new byte[20], new byte[20]);

    /** Records exceptions that reach the tail. */
    static final class Errors extends ChannelInboundHandlerAdapter {
        final List<Throwable> seen = new ArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add(cause);
        }
    }

    record Rig(EmbeddedChannel ch, Errors errors) {
        void advance(long seconds) {
            ch.advanceTimeBy(seconds, TimeUnit.SECONDS);
            ch.runScheduledPendingTasks();
        }
    }

    static Rig rig() {
        Errors errors = new Errors();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new PeerIdleHandler(Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(180)),
                PeerMessageEncoder.INSTANCE, errors);
        return new Rig(ch, errors);
    }

    @Test
    void noHandshakeInTimeClosesWithAHandshakeTimeout() {
        Rig r = rig();
        r.advance(19);
        assertTrue(r.ch().isActive());
        r.advance(1);
        assertFalse(r.ch().isActive());
        PeerTimeoutException e = assertInstanceOf(PeerTimeoutException.class, r.errors().seen.getFirst());
        assertEquals(PeerTimeoutException.Kind.HANDSHAKE, e.kind());
        assertEquals(1, r.errors().seen.size());
    }

    @Test
    void handshakeInTimeStopsTheHandshakeTimer() {
        Rig r = rig();
        r.advance(10);
        r.ch().writeInbound(HANDSHAKE);
        assertEquals(HANDSHAKE, r.ch().readInbound());
        r.advance(30);
        assertTrue(r.ch().isActive());
        assertTrue(r.errors().seen.isEmpty());
        assertNull(r.ch().readOutbound(), "no keep-alive before the interval");
        r.ch().close();
    }

    /** BEP 3: keep-alives go out when nothing else was written for the interval, and not before the handshake. */
    @Test
    void sendsAKeepAliveAfterWriterIdleness() {
        Rig r = rig();
        r.ch().writeInbound(HANDSHAKE);
        r.ch().readInbound();
        r.advance(59);
        assertNull(r.ch().readOutbound());
        r.advance(1);
        assertKeepAlive(r.ch().readOutbound());
        r.advance(30);
        r.ch().writeInbound(Unpooled.wrappedBuffer(new byte[4])); // the peer's own keep-alive keeps reads alive
        ByteBuf in = r.ch().readInbound();
        in.release();
        r.ch().writeAndFlush(new Have(1)); // a real message resets the writer clock
        ((ByteBuf) r.ch().readOutbound()).release();
        r.advance(59);
        assertNull(r.ch().readOutbound());
        r.advance(1);
        assertKeepAlive(r.ch().readOutbound());
        assertTrue(r.errors().seen.isEmpty());
        r.ch().close();
    }

    @Test
    void silenceForTheReadTimeoutClosesWithAReadTimeout() {
        Rig r = rig();
        r.ch().writeInbound(HANDSHAKE);
        r.ch().readInbound();
        r.advance(100);
        r.ch().writeInbound(Unpooled.wrappedBuffer(new byte[4]));
        ((ByteBuf) r.ch().readInbound()).release();
        r.advance(179);
        assertTrue(r.ch().isActive(), "the read at 100 s reset the clock");
        r.advance(1);
        assertFalse(r.ch().isActive());
        PeerTimeoutException e = assertInstanceOf(PeerTimeoutException.class, r.errors().seen.getFirst());
        assertEquals(PeerTimeoutException.Kind.READ, e.kind());
        for (Object o; (o = r.ch().readOutbound()) != null; ) {
            assertKeepAlive(o); // the keep-alives sent meanwhile
        }
    }

    @Test
    void closingStopsTheTimers() {
        Rig r = rig();
        r.ch().close();
        r.advance(1000);
        assertTrue(r.errors().seen.isEmpty());
        assertNull(r.ch().readOutbound());
    }

    @Test
    void timeoutsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new PeerIdleHandler(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new PeerIdleHandler(Duration.ofSeconds(1), Duration.ofSeconds(-1), Duration.ofSeconds(1)));
    }

    @Test
    void defaultsAreSaferThanLibtorrentsPeerTimeout() {
        // libtorrent drops peers silent for 120 s: keep-alives must go out well before that
        assertTrue(PeerIdleHandler.DEFAULT_KEEP_ALIVE_INTERVAL.compareTo(Duration.ofSeconds(120)) < 0);
        // peers keep-alive every two minutes (BEP 3): the read timeout must leave them room
        assertTrue(PeerIdleHandler.DEFAULT_READ_TIMEOUT.compareTo(Duration.ofSeconds(120)) > 0);
    }

    private static void assertKeepAlive(Object out) {
        ByteBuf b = assertInstanceOf(ByteBuf.class, out);
        try {
            assertEquals("00000000", Hex.encode(io.netty.buffer.ByteBufUtil.getBytes(b)));
        } finally {
            b.release();
        }
    }
}
