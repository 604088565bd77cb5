package io.hivemind.bt.tracker.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hivemind.bt.tracker.AnnounceRequest;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.protocol.UdpTrackerProtocol;
import io.hivemind.bt.tracker.server.TrackerServer;
import io.hivemind.bt.tracker.server.internal.ServerContext;
import io.hivemind.bt.tracker.server.internal.UdpTrackerHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;

/**
 * Server side of BEP 15: arbitrary datagrams decode to a request or a {@link TrackerException}, decoded announces
 * and scrapes re-encode to the same bytes, and the whole UDP handler never answers a packet without a valid
 * connection id with more bytes than it received (HARDENING.md), never leaks a buffer, never throws.
 */
class UdpTrackerRequestFuzzTest {
    private static final InetSocketAddress SENDER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 6969);

    @FuzzTest(maxDuration = "10s")
    void parseRequest(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        UdpTrackerProtocol.Request r;
        try {
            r = UdpTrackerProtocol.parseRequest(in, 50);
        } catch (TrackerException expected) {
            return;
        }
        assertEquals(0, in.readerIndex());
        ByteBuf out = Unpooled.buffer();
        try {
            switch (r) {
                case UdpTrackerProtocol.ConnectRequest c -> {
                    UdpTrackerProtocol.writeConnect(out, c.transactionId());
                    assertArrayEquals(java.util.Arrays.copyOf(input, 16), bytes(out));
                }
                case UdpTrackerProtocol.ScrapeRequest s -> {
                    UdpTrackerProtocol.writeScrape(out, s.connectionId(), s.transactionId(), s.infoHashes());
                    byte[] again = bytes(out);
                    assertArrayEquals(java.util.Arrays.copyOf(input, again.length), again);
                }
                case UdpTrackerProtocol.AnnounceRequestPacket a -> {
                    UdpTrackerProtocol.writeAnnounce(out, a.connectionId(), a.transactionId(), AnnounceRequest.builder()
                            .infoHash(a.infoHash()).peerId(a.peerId()).downloaded(Math.max(0, a.downloaded()))
                            .left(Math.max(0, a.left())).uploaded(Math.max(0, a.uploaded())).event(a.event())
                            .key(a.key()).numWant(Math.max(-1, a.numWant())).port(a.port()).build());
                    var b = (UdpTrackerProtocol.AnnounceRequestPacket) UdpTrackerProtocol.parseRequest(out, 50);
                    assertEquals(a.connectionId(), b.connectionId());
                    assertEquals(a.transactionId(), b.transactionId());
                    assertArrayEquals(a.infoHash(), b.infoHash());
                    assertArrayEquals(a.peerId(), b.peerId());
                    assertEquals(a.event(), b.event());
                    assertEquals(a.key(), b.key());
                    assertEquals(a.port(), b.port());
                    assertEquals(Math.max(0, a.left()), b.left());
                }
            }
        } finally {
            out.release();
        }
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }

    @FuzzTest(maxDuration = "10s")
    void serverNeverAmplifies(byte[] input) {
        TrackerServer.Builder b = TrackerServer.builder().keySource(new SplittableRandom(1)).ticker(() -> 1_000_000_000L);
        ServerContext ctx = new ServerContext(b.config(), null, () -> 1_000_000_000L, new SplittableRandom(1));
        EmbeddedChannel ch = new EmbeddedChannel(new UdpTrackerHandler(ctx));
        try {
            ch.writeInbound(new DatagramPacket(Unpooled.copiedBuffer(input), LOCAL, SENDER));
            DatagramPacket reply;
            while ((reply = ch.readOutbound()) != null) {
                try {
                    assertTrue(reply.content().readableBytes() <= input.length,
                            "reply of " + reply.content().readableBytes() + " bytes to a packet of " + input.length);
                } finally {
                    reply.release();
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
