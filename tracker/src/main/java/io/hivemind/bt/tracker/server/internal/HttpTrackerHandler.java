package io.hivemind.bt.tracker.server.internal;

import io.hivemind.bt.tracker.AnnounceEvent;
import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.protocol.AnnounceQuery;
import io.hivemind.bt.tracker.protocol.HttpTrackerQueryParser;
import io.hivemind.bt.tracker.protocol.IpLiterals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HTTP tracker endpoints: {@code GET /announce} (BEP 3; compact by default, BEP 23; IPv6 peers in {@code peers6},
 * BEP 7; the dictionary model for {@code compact=0}, without peer ids), {@code GET /scrape} (BEP 48, at most
 * {@code maxScrapeHashes} info-hashes, no full scrape) and {@code GET /stats} (JSON).
 *
 * <p>Errors a client should show (unregistered torrent, malformed request) are bencoded {@code failure reason}s
 * with status 200 as BEP 3 has it; anything that is not a tracker request gets a plain 4xx. The peer's address is
 * the connection's; {@code X-Forwarded-For}, {@code X-Real-IP} and {@code ip=} are believed only when the
 * connection comes from a configured trusted proxy range. Keep-alive is honoured; idle connections are closed by
 * the pipeline's idle handler.
 *
 * <p>{@code @Sharable} and stateless; it sits behind an {@code HttpRequestDecoder} and writes responses as raw
 * bytes (no response encoder). Buffers: request objects are released here; each response is allocated from the
 * channel's allocator and released by the transport after writing.
 */
@ChannelHandler.Sharable
public final class HttpTrackerHandler extends ChannelInboundHandlerAdapter {
    private static final byte[] PEERS6 = "6:peers6".getBytes(StandardCharsets.US_ASCII);

    private final ServerContext ctx;

    public HttpTrackerHandler(ServerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                handle(c, req);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(ChannelHandlerContext c, HttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            ctx.rejected.increment();
            plain(c, req, HttpResponseStatus.BAD_REQUEST, "bad request\n", false);
            return;
        }
        if (!HttpMethod.GET.equals(req.method())) {
            ctx.rejected.increment();
            plain(c, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n", keepAlive);
            return;
        }
        String uri = req.uri();
        String path = HttpTrackerQueryParser.path(uri);
        switch (path) {
            case "/announce" -> announce(c, req, HttpTrackerQueryParser.query(uri), keepAlive);
            case "/scrape" -> scrape(c, req, HttpTrackerQueryParser.query(uri), keepAlive);
            case "/stats" -> {
                ByteBuf body = ByteBufUtil.writeUtf8(c.alloc(), ctx.stats().toJson() + "\n");
                respond(c, req, HttpResponseStatus.OK, body, "application/json", keepAlive);
            }
            default -> plain(c, req, HttpResponseStatus.NOT_FOUND, "not found\n", keepAlive);
        }
    }

    private void announce(ChannelHandlerContext c, HttpRequest req, String query, boolean keepAlive) {
        AnnounceQuery q;
        try {
            q = HttpTrackerQueryParser.parseAnnounce(query);
        } catch (TrackerException e) {
            ctx.rejected.increment();
            failure(c, req, "bad announce: " + e.getMessage(), keepAlive);
            return;
        }
        if (!ctx.allowed(q.infoHash())) {
            ctx.rejected.increment();
            failure(c, req, "unregistered torrent", keepAlive);
            return;
        }
        byte[] address = peerAddress(c, req, q.ip());
        if (address == null) {
            ctx.rejected.increment();
            failure(c, req, "cannot tell the peer's address", keepAlive);
            return;
        }
        SwarmRegistry.AnnounceResult r = ctx.result();
        int want = q.event() == AnnounceEvent.STOPPED ? 0 : ctx.numWant(q.numWant());
        ctx.registry.announce(q.infoHash(), address, q.port(), q.left() == 0, q.event(), want, true,
                ctx.ticker.getAsLong(), ThreadLocalRandom.current(), r);
        if (r.outcome == SwarmRegistry.Outcome.SWARM_LIMIT) {
            ctx.rejected.increment();
            failure(c, req, "tracker full", keepAlive);
            return;
        }
        ByteBuf body = c.alloc().buffer(160 + 6 * r.count4 + 18 * r.count6);
        ascii(body, "d8:completei").ascii(body, r.seeders).ascii(body, "e10:downloadedi").ascii(body, r.downloaded)
                .ascii(body, "e10:incompletei").ascii(body, r.leechers).ascii(body, "e8:intervali")
                .ascii(body, ctx.intervalSeconds).ascii(body, "e12:min intervali").ascii(body, ctx.minIntervalSeconds)
                .ascii(body, "e");
        if (q.compact()) {
            ascii(body, "5:peers").ascii(body, 6 * r.count4).ascii(body, ":");
            body.writeBytes(r.peers4, 0, 6 * r.count4);
            if (r.count6 > 0) {
                body.writeBytes(PEERS6);
                ascii(body, 18 * r.count6).ascii(body, ":");
                body.writeBytes(r.peers6, 0, 18 * r.count6);
            }
        } else {
            ascii(body, "5:peersl");
            for (int i = 0; i < r.count4; i++) {
                dictPeer(body, r.peers4, 6 * i, 4);
            }
            for (int i = 0; i < r.count6; i++) {
                dictPeer(body, r.peers6, 18 * i, 16);
            }
            ascii(body, "e");
        }
        ascii(body, "e");
        ctx.announces.increment();
        respond(c, req, HttpResponseStatus.OK, body, "text/plain", keepAlive);
    }

    private void scrape(ChannelHandlerContext c, HttpRequest req, String query, boolean keepAlive) {
        List<byte[]> hashes;
        try {
            hashes = HttpTrackerQueryParser.parseScrape(query, ctx.config.maxScrapeHashes());
        } catch (TrackerException e) {
            ctx.rejected.increment();
            failure(c, req, "bad scrape: " + e.getMessage(), keepAlive);
            return;
        }
        if (hashes.isEmpty()) {
            ctx.rejected.increment();
            failure(c, req, "full scrape is not supported", keepAlive);
            return;
        }
        List<byte[]> sorted = new ArrayList<>(hashes);
        sorted.sort(Arrays::compareUnsigned); // bencoded dictionary keys must be sorted and unique
        ByteBuf body = c.alloc().buffer(16 + 80 * sorted.size());
        ascii(body, "d5:filesd");
        int[] counters = new int[3];
        byte[] previous = null;
        for (byte[] h : sorted) {
            if (previous != null && Arrays.equals(previous, h)) {
                continue;
            }
            previous = h;
            if (ctx.allowed(h)) {
                ctx.registry.scrape(h, counters, 0);
            } else {
                Arrays.fill(counters, 0);
            }
            ascii(body, "20:");
            body.writeBytes(h);
            ascii(body, "d8:completei").ascii(body, counters[0]).ascii(body, "e10:downloadedi").ascii(body, counters[1])
                    .ascii(body, "e10:incompletei").ascii(body, counters[2]).ascii(body, "ee");
        }
        ascii(body, "ee");
        ctx.scrapes.increment();
        respond(c, req, HttpResponseStatus.OK, body, "text/plain", keepAlive);
    }

    /**
     * The address to store for this announce: the connection's, or with a trusted proxy the forwarded one (or the
     * {@code ip=} parameter when it is an IP literal).
     */
    private byte[] peerAddress(ChannelHandlerContext c, HttpRequest req, String ipParam) {
        if (!(c.channel().remoteAddress() instanceof InetSocketAddress remote) || remote.getAddress() == null) {
            return null;
        }
        InetAddress direct = remote.getAddress();
        if (!ctx.trusted(direct)) {
            return direct.getAddress();
        }
        if (ipParam != null) {
            byte[] literal = IpLiterals.parse(ipParam);
            if (literal != null) {
                return literal;
            }
        }
        String xff = req.headers().get("X-Forwarded-For");
        if (xff != null) {
            String[] hops = xff.split(",");
            for (int i = hops.length - 1; i >= 0 && i >= hops.length - 8; i--) {
                byte[] a = IpLiterals.parse(hops[i].strip());
                if (a == null) {
                    break;
                }
                InetAddress hop = toAddress(a);
                if (!ctx.trusted(hop)) {
                    return a; // the right-most address not added by one of our own proxies
                }
            }
        }
        String real = req.headers().get("X-Real-IP");
        if (real != null) {
            byte[] a = IpLiterals.parse(real.strip());
            if (a != null) {
                return a;
            }
        }
        return direct.getAddress();
    }

    private static InetAddress toAddress(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void dictPeer(ByteBuf body, byte[] src, int off, int addrLen) {
        byte[] a = Arrays.copyOfRange(src, off, off + addrLen);
        String ip = toAddress(a).getHostAddress();
        int port = (src[off + addrLen] & 0xff) << 8 | (src[off + addrLen + 1] & 0xff);
        ascii(body, "d2:ip").ascii(body, ip.length()).ascii(body, ":").ascii(body, ip).ascii(body, "4:porti")
                .ascii(body, port).ascii(body, "ee");
    }

    private void failure(ChannelHandlerContext c, HttpRequest req, String reason, boolean keepAlive) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuf body = c.alloc().buffer(32 + r.length);
        ascii(body, "d14:failure reason").ascii(body, r.length).ascii(body, ":");
        body.writeBytes(r);
        ascii(body, "e");
        respond(c, req, HttpResponseStatus.OK, body, "text/plain", keepAlive);
    }

    private void plain(ChannelHandlerContext c, HttpRequest req, HttpResponseStatus status, String text,
                       boolean keepAlive) {
        respond(c, req, status, ByteBufUtil.writeAscii(c.alloc(), text), "text/plain", keepAlive);
    }

    /**
     * Writes the response without an HTTP encoder: a status line and three headers are all a tracker sends, and
     * skipping {@code HttpResponseEncoder} saves a headers object per request. The body buffer is handed to the
     * channel (released by the transport after writing).
     */
    private static void respond(ChannelHandlerContext c, HttpRequest req, HttpResponseStatus status, ByteBuf body,
                                String type, boolean keepAlive) {
        boolean http10 = req.protocolVersion().equals(HttpVersion.HTTP_1_0);
        ByteBuf head = c.alloc().buffer(128);
        head.writeCharSequence(http10 ? "HTTP/1.0 " : "HTTP/1.1 ", StandardCharsets.US_ASCII);
        head.writeCharSequence(status.codeAsText(), StandardCharsets.US_ASCII);
        head.writeByte(' ');
        head.writeCharSequence(status.reasonPhrase(), StandardCharsets.US_ASCII);
        head.writeCharSequence("\r\nContent-Type: ", StandardCharsets.US_ASCII);
        head.writeCharSequence(type, StandardCharsets.US_ASCII);
        head.writeCharSequence("\r\nContent-Length: ", StandardCharsets.US_ASCII);
        head.writeCharSequence(Integer.toString(body.readableBytes()), StandardCharsets.US_ASCII);
        if (!keepAlive) {
            head.writeCharSequence("\r\nConnection: close\r\n\r\n", StandardCharsets.US_ASCII);
            c.write(head, c.voidPromise());
            c.writeAndFlush(body).addListener(ChannelFutureListener.CLOSE);
        } else {
            head.writeCharSequence(http10 ? "\r\nConnection: keep-alive\r\n\r\n" : "\r\n\r\n",
                    StandardCharsets.US_ASCII);
            c.write(head, c.voidPromise());
            c.write(body, c.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext c) {
        c.flush();
        c.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext c, Object evt) {
        if (evt instanceof IdleStateEvent) {
            c.close();
        } else {
            c.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        c.close(); // a reset or a TLS failure: this connection only
    }

    // Small fluent helpers writing ASCII into a buffer.
    private static final Ascii ASCII = new Ascii();

    private static Ascii ascii(ByteBuf b, String s) {
        return ASCII.ascii(b, s);
    }

    private static Ascii ascii(ByteBuf b, long v) {
        return ASCII.ascii(b, v);
    }

    private static final class Ascii {
        Ascii ascii(ByteBuf b, String s) {
            b.writeCharSequence(s, StandardCharsets.US_ASCII);
            return this;
        }

        Ascii ascii(ByteBuf b, long v) {
            if (v >= 0 && v < 10) {
                b.writeByte('0' + (int) v);
            } else {
                b.writeCharSequence(Long.toString(v), StandardCharsets.US_ASCII);
            }
            return this;
        }
    }
}
