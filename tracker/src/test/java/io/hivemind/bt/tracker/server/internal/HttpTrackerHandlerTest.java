package io.hivemind.bt.tracker.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.tracker.server.TrackerServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The HTTP tracker pipeline fed whole, split at every byte offset and re-chunked in sizes 1…69 (HARDENING.md):
 * the answers are the same and no buffer leaks.
 */
class HttpTrackerHandlerTest {
    private static final String ANNOUNCE = "GET /announce?info_hash=" + "%AB".repeat(20) + "&peer_id=" + "p".repeat(20)
            + "&port=6881&left=0&numwant=5 HTTP/1.1\r\nHost: t\r\n\r\n";

    /** An embedded channel whose peer is a loopback address, as the handler needs one. */
    private static final class FromLoopback extends EmbeddedChannel {
        FromLoopback(ServerContext ctx) {
            super(new HttpRequestDecoder(new HttpDecoderConfig().setMaxInitialLineLength(8192)
                    .setMaxHeaderSize(8192).setMaxChunkSize(8192).setValidateHeaders(false)), new HttpTrackerHandler(ctx));
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
        }
    }

    private static ServerContext context() {
        TrackerServer.Builder b = TrackerServer.builder();
        return new ServerContext(b.config(), null, () -> 5_000_000_000L, new SplittableRandom(3));
    }

    /** Feeds the chunks and returns everything written back, as text. */
    private static String exchange(ServerContext ctx, List<byte[]> chunks) {
        FromLoopback ch = new FromLoopback(ctx);
        StringBuilder out = new StringBuilder();
        try {
            for (byte[] c : chunks) {
                ch.writeInbound(Unpooled.wrappedBuffer(c));
                ByteBuf o;
                while ((o = ch.readOutbound()) != null) {
                    out.append(o.toString(StandardCharsets.ISO_8859_1));
                    o.release();
                    assertEquals(0, o.refCnt());
                }
            }
            assertFalse(ch.finish(), "nothing left over");
        } finally {
            ch.finishAndReleaseAll();
        }
        return out.toString();
    }

    private static List<byte[]> chunked(byte[] all, int size) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < all.length; i += size) {
            out.add(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + size)));
        }
        return out;
    }

    @Test
    void sameAnswerHoweverTheRequestIsSplit() {
        byte[] req = (ANNOUNCE + ANNOUNCE).getBytes(StandardCharsets.ISO_8859_1); // two pipelined requests
        String whole = exchange(context(), List.of(req));
        assertTrue(whole.startsWith("HTTP/1.1 200 OK"), whole);
        assertEquals(2, whole.split("HTTP/1.1 200 OK", -1).length - 1, whole);
        assertTrue(whole.contains("8:completei1e"), whole);
        for (int cut = 1; cut < req.length; cut++) {
            List<byte[]> two = List.of(java.util.Arrays.copyOfRange(req, 0, cut),
                    java.util.Arrays.copyOfRange(req, cut, req.length));
            assertEquals(whole, exchange(context(), two), "split at " + cut);
        }
        for (int size = 1; size <= 69; size++) {
            assertEquals(whole, exchange(context(), chunked(req, size)), "chunks of " + size);
        }
    }

    @Test
    void badRequestsGetA4xxOrAFailureReason() {
        String bad = exchange(context(), List.of("GET /announce?port=1 HTTP/1.1\r\n\r\n".getBytes()));
        assertTrue(bad.contains("failure reason"), bad);
        String post = exchange(context(), List.of("POST /announce HTTP/1.1\r\nContent-Length: 0\r\n\r\n".getBytes()));
        assertTrue(post.startsWith("HTTP/1.1 405"), post);
        String junk = exchange(context(), List.of("\u0001\u0002 garbage\r\n\r\n".getBytes()));
        assertTrue(junk.startsWith("HTTP/1.0 400"), "[" + junk + "]"); // no version could be read
        String longLine = exchange(context(), List.of(("GET /announce?" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n")
                .getBytes()));
        assertTrue(longLine.startsWith("HTTP/1.0 400"), "[" + longLine + "]"); // the line was never read
    }
}
