package io.hivemind.bt.tracker.internal;

import io.hivemind.bt.tracker.TrackerException;
import io.hivemind.bt.tracker.TrackerException.Reason;
import io.hivemind.bt.tracker.TrackerResolver;
import io.hivemind.bt.tracker.TrackerTransport;
import io.hivemind.bt.tracker.protocol.HttpTrackerResponses;
import io.hivemind.bt.tracker.protocol.IpLiterals;
import io.hivemind.bt.tracker.protocol.ResponseLimits;
import io.hivemind.bt.tracker.protocol.TrackerUrls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * HTTP(S) GET for tracker announces and scrapes, on Netty. One connection per request ({@code Connection: close}),
 * gzip accepted and the body capped at {@link ResponseLimits#maxBytes()} <em>after</em> decompression (the
 * aggregator sits behind the decompressor), one deadline for the whole exchange, TLS through the JDK provider with
 * host name verification. Redirects: at most {@code maxRedirects}, only to http or https, and never from a
 * tracker on a public address to a non-public one (HARDENING.md), which stops a public tracker from pointing us
 * at services on our own network.
 *
 * <p>Thread-safe; every exchange lives on one event loop of the transport. Buffers: the aggregated response is
 * copied into a {@code byte[]} and released by the inbound handler.
 */
public final class HttpTrackerClient {
    /**
     * Settings.
     *
     * @param nonPublic which addresses count as private for the redirect rule ({@link IpLiterals#isNonPublic})
     */
    public record Settings(Duration timeout, Duration connectTimeout, ResponseLimits limits, int maxRedirects,
                           String userAgent, boolean allowPrivateRedirects, Predicate<InetAddress> nonPublic) {
        public Settings(Duration timeout, Duration connectTimeout, ResponseLimits limits, int maxRedirects,
                        String userAgent, boolean allowPrivateRedirects) {
            this(timeout, connectTimeout, limits, maxRedirects, userAgent, allowPrivateRedirects,
                    IpLiterals::isNonPublic);
        }
    }

    /** A finished HTTP exchange. */
    record Result(int status, String location, byte[] body) {
    }

    private final TrackerTransport transport;
    private final TrackerResolver resolver;
    private final SslContext ssl;
    private final Settings settings;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public HttpTrackerClient(TrackerTransport transport, TrackerResolver resolver, SslContext ssl, Settings settings) {
        this.transport = Objects.requireNonNull(transport);
        this.resolver = Objects.requireNonNull(resolver);
        this.ssl = Objects.requireNonNull(ssl);
        this.settings = Objects.requireNonNull(settings);
    }

    /**
     * GETs {@code uri}, following redirects; completes with the body of a 200 response, or fails with a
     * {@link TrackerException}: {@link Reason#TRACKER_FAILURE} when an error status came with a bencoded
     * {@code failure reason}, {@link Reason#HTTP_STATUS} otherwise.
     */
    public CompletableFuture<byte[]> get(URI uri) {
        CompletableFuture<byte[]> out = new CompletableFuture<>();
        fetch(uri, 0, null, out);
        return out;
    }

    /** Closes every open connection; their futures fail with {@link Reason#CLOSED}. */
    public void close() {
        closed = true;
        for (Channel ch : open) {
            ch.close();
        }
    }

    private void fetch(URI uri, int hop, Boolean originPublic, CompletableFuture<byte[]> out) {
        if (closed) {
            out.completeExceptionally(new TrackerException(Reason.CLOSED, "tracker client closed"));
            return;
        }
        TrackerUrls.Scheme scheme;
        try {
            scheme = TrackerUrls.scheme(uri);
        } catch (TrackerException e) {
            out.completeExceptionally(hop == 0 ? e
                    : new TrackerException(Reason.BAD_REDIRECT, "redirect to an unusable URL: " + uri, e));
            return;
        }
        if (scheme == TrackerUrls.Scheme.UDP) {
            out.completeExceptionally(new TrackerException(hop == 0 ? Reason.UNSUPPORTED_URL : Reason.BAD_REDIRECT,
                    "not an HTTP URL: " + uri));
            return;
        }
        String host = TrackerUrls.host(uri);
        int port = TrackerUrls.port(uri);
        resolver.resolve(host).whenComplete((addresses, err) -> {
            if (err != null) {
                out.completeExceptionally(asTracker(unwrap(err), Reason.UNRESOLVED_HOST, "cannot resolve " + host));
                return;
            }
            if (addresses.isEmpty()) {
                out.completeExceptionally(new TrackerException(Reason.UNRESOLVED_HOST, "no address for " + host));
                return;
            }
            InetAddress address = addresses.getFirst();
            boolean isPublic = !settings.nonPublic().test(address);
            Boolean origin = originPublic == null ? isPublic : originPublic;
            if (hop > 0 && origin && !isPublic && !settings.allowPrivateRedirects()) {
                out.completeExceptionally(new TrackerException(Reason.BAD_REDIRECT, "tracker on a public address "
                        + "redirected to a non-public one (" + address.getHostAddress() + "): " + uri));
                return;
            }
            exchange(uri, scheme == TrackerUrls.Scheme.HTTPS, host, new InetSocketAddress(address, port))
                    .whenComplete((result, e2) -> {
                        if (e2 != null) {
                            out.completeExceptionally(unwrap(e2));
                            return;
                        }
                        handle(uri, hop, origin, result, out);
                    });
        });
    }

    private void handle(URI uri, int hop, boolean originPublic, Result r, CompletableFuture<byte[]> out) {
        int s = r.status();
        if (s == 200) {
            out.complete(r.body());
            return;
        }
        if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && r.location() != null) {
            if (hop >= settings.maxRedirects()) {
                out.completeExceptionally(new TrackerException(Reason.BAD_REDIRECT,
                        "more than " + settings.maxRedirects() + " redirects from " + uri));
                return;
            }
            URI next;
            try {
                next = uri.resolve(URI.create(r.location().strip()));
            } catch (IllegalArgumentException e) {
                out.completeExceptionally(new TrackerException(Reason.BAD_REDIRECT, "bad redirect location", e));
                return;
            }
            fetch(next, hop + 1, originPublic, out);
            return;
        }
        String failure = HttpTrackerResponses.failureReasonOrNull(r.body(), settings.limits());
        if (failure != null) {
            out.completeExceptionally(new TrackerException(Reason.TRACKER_FAILURE, failure));
        } else {
            out.completeExceptionally(TrackerException.httpStatus(s, "tracker answered HTTP " + s + ": " + uri));
        }
    }

    private CompletableFuture<Result> exchange(URI uri, boolean tls, String host, InetSocketAddress address) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        int maxBytes = settings.limits().maxBytes();
        Bootstrap b = new Bootstrap()
                .group(transport.group())
                .channelFactory(transport.sockets())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (tls) {
                            SslHandler h = ssl.newHandler(ch.alloc(), host, address.getPort());
                            SSLEngine engine = h.engine();
                            SSLParameters params = engine.getSSLParameters();
                            params.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(params);
                            p.addLast("tls", h);
                        }
                        addResponseHandlers(p, maxBytes, result);
                    }
                });
        ChannelFuture cf = b.connect(address);
        Channel ch = cf.channel();
        open.add(ch);
        ch.closeFuture().addListener(f -> {
            open.remove(ch);
            // Run after whatever closed the channel has reported its reason (the aggregator closes, then throws).
            ch.eventLoop().execute(() -> {
                if (!result.isDone()) {
                    result.completeExceptionally(closed
                            ? new TrackerException(Reason.CLOSED, "tracker client closed")
                            : new TrackerException(Reason.NETWORK, "connection to " + uri.getHost()
                            + " closed before a complete response"));
                }
            });
        });
        ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> {
            if (result.completeExceptionally(new TrackerException(Reason.TIMEOUT, "no response from "
                    + uri.getHost() + " within " + settings.timeout().toSeconds() + " s"))) {
                ch.close();
            }
        }, settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((r, e) -> deadline.cancel(false));
        if (closed) {
            ch.close();
        }
        cf.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(new TrackerException(Reason.NETWORK, "cannot connect to "
                        + address + ": " + f.cause().getMessage(), f.cause()));
                return;
            }
            String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                target += "?" + uri.getRawQuery();
            }
            DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
            int defaultPort = tls ? 443 : 80;
            String hostHeader = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            req.headers().set(HttpHeaderNames.HOST,
                    address.getPort() == defaultPort ? hostHeader : hostHeader + ":" + address.getPort());
            req.headers().set(HttpHeaderNames.USER_AGENT, settings.userAgent());
            req.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.GZIP);
            req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ch.writeAndFlush(req).addListener(w -> {
                if (!w.isSuccess()) {
                    result.completeExceptionally(new TrackerException(Reason.NETWORK, "cannot send to " + address
                            + ": " + w.cause().getMessage(), w.cause()));
                    ch.close();
                }
            });
        });
        return result;
    }

    /**
     * The response side of the pipeline: HTTP codec, gzip/deflate, aggregation capped at {@code maxBytes} of
     * decoded content, and the handler completing {@code result}.
     */
    static void addResponseHandlers(ChannelPipeline p, int maxBytes, CompletableFuture<Result> result) {
        p.addLast("http", new HttpClientCodec(4096, 8192, 8192));
        p.addLast("inflate", new HttpContentDecompressor(false, maxBytes));
        p.addLast("aggregate", new HttpObjectAggregator(maxBytes));
        p.addLast("response", new ResponseHandler(result));
    }

    /** Not shareable: one per connection. Releases the aggregated response (SimpleChannelInboundHandler). */
    private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final CompletableFuture<Result> result;

        ResponseHandler(CompletableFuture<Result> result) {
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
            if (msg.decoderResult().isFailure()) {
                result.completeExceptionally(new TrackerException(Reason.MALFORMED_RESPONSE,
                        "bad HTTP response: " + msg.decoderResult().cause().getMessage()));
            } else {
                byte[] body = ByteBufUtil.getBytes(msg.content());
                result.complete(new Result(msg.status().code(), msg.headers().get(HttpHeaderNames.LOCATION), body));
            }
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof DecompressionException && String.valueOf(cause.getMessage()).contains("maximum size")) {
                result.completeExceptionally(new TrackerException(Reason.RESPONSE_TOO_LARGE,
                        "tracker response too large after decompression", cause));
            } else if (cause instanceof DecompressionException) {
                result.completeExceptionally(new TrackerException(Reason.MALFORMED_RESPONSE,
                        "bad compressed tracker response: " + cause.getMessage(), cause));
            } else if (cause instanceof TooLongFrameException) {
                result.completeExceptionally(new TrackerException(Reason.RESPONSE_TOO_LARGE,
                        "tracker response too large: " + cause.getMessage(), cause));
            } else {
                result.completeExceptionally(new TrackerException(Reason.NETWORK,
                        "tracker connection failed: " + cause.getMessage(), cause));
            }
            ctx.close();
        }
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static TrackerException asTracker(Throwable t, Reason reason, String message) {
        return t instanceof TrackerException te ? te : new TrackerException(reason, message + ": " + t, t);
    }
}
