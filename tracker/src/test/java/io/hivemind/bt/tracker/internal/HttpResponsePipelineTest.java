package io.hivemind.bt.tracker.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The client's response pipeline (HTTP codec, gzip, 1 MiB aggregation) fed whole, split at every offset and in
 * chunks of 1…69 bytes (HARDENING.md), chunked transfer encoding included.
 */
class HttpResponsePipelineTest {
    private static final byte[] BODY = "d8:intervali1800e5:peers6:\u0001\u0002\u0003\u0004\u0005\u0006e"
            .getBytes(StandardCharsets.ISO_8859_1);

    private static byte[] response() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(BODY);
        }
        byte[] z = gz.toByteArray();
        int half = z.length / 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(z, 0, half);
        out.write(("\r\n" + Integer.toHexString(z.length - half) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(z, half, z.length - half);
        out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static HttpTrackerClient.Result feed(byte[][] chunks, int maxBytes) throws Exception {
        CompletableFuture<HttpTrackerClient.Result> result = new CompletableFuture<>();
        EmbeddedChannel ch = new EmbeddedChannel();
        HttpTrackerClient.addResponseHandlers(ch.pipeline(), maxBytes, result);
        try {
            // The codec must have seen a request before it parses a response.
            ch.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/announce"));
            Object o;
            while ((o = ch.readOutbound()) != null) {
                io.netty.util.ReferenceCountUtil.release(o);
            }
            for (byte[] c : chunks) {
                if (!ch.isOpen()) {
                    break; // the pipeline refused the response and closed
                }
                ch.writeInbound(Unpooled.wrappedBuffer(c));
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void sameBodyHoweverTheResponseIsSplit() throws Exception {
        byte[] r = response();
        assertArrayEquals(BODY, feed(new byte[][] {r}, 1 << 20).body());
        for (int cut = 1; cut < r.length; cut++) {
            HttpTrackerClient.Result res = feed(new byte[][] {Arrays.copyOfRange(r, 0, cut),
                    Arrays.copyOfRange(r, cut, r.length)}, 1 << 20);
            assertEquals(200, res.status());
            assertArrayEquals(BODY, res.body(), "split at " + cut);
        }
        for (int size = 1; size <= 69; size++) {
            int n = (r.length + size - 1) / size;
            byte[][] chunks = new byte[n][];
            for (int i = 0; i < n; i++) {
                chunks[i] = Arrays.copyOfRange(r, i * size, Math.min(r.length, (i + 1) * size));
            }
            assertArrayEquals(BODY, feed(chunks, 1 << 20).body(), "chunks of " + size);
        }
    }

    @Test
    void decodedSizeLimitAppliesInEveryChunking() throws Exception {
        byte[] r = response();
        for (int size : new int[] {1, 7, 69, r.length}) {
            int n = (r.length + size - 1) / size;
            byte[][] chunks = new byte[n][];
            for (int i = 0; i < n; i++) {
                chunks[i] = Arrays.copyOfRange(r, i * size, Math.min(r.length, (i + 1) * size));
            }
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                    () -> feed(chunks, BODY.length - 1));
            TrackerException t = assertInstanceOf(TrackerException.class, e);
            assertEquals(Reason.RESPONSE_TOO_LARGE, t.reason(), t.getMessage());
        }
    }
}
