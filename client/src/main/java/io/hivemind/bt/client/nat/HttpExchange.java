package io.hivemind.bt.client.nat;

import io.hivemind.bt.client.nat.NatException.Reason;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 request to a UPnP device ({@code Connection: close}), on Netty: a device description GET or a SOAP
 * POST. The reply's header section is capped at 8 KiB and its body at the caller's limit (Netty's
 * {@link HttpObjectAggregator}); the whole exchange, connect included, at the caller's timeout. Every failure is a
 * {@link NatException}: {@link Reason#TOO_LARGE}, {@link Reason#MALFORMED_HTTP}, {@link Reason#TIMEOUT} or
 * {@link Reason#NETWORK}.
 *
 * <p>Buffers: the request body is wrapped and released by Netty once written; the aggregated response is copied to
 * a byte array and released by {@link SimpleChannelInboundHandler}. Thread-safe (each call has its own channel).
 */
final class HttpExchange {
    private static final int MAX_HEADER_BYTES = 8192;

    /** A reply: its status, body, and the local address of the connection (our address on the device's link). */
    record Result(int status, byte[] body, InetSocketAddress localAddress) {
    }

    private HttpExchange() {
    }

    static CompletableFuture<Result> send(EventLoop loop, Class<? extends SocketChannel> channelClass, URI uri,
                                          HttpMethod method, Map<String, String> headers, byte[] body, int maxBody,
                                          long timeoutMillis) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String target = path;
        Bootstrap b = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(timeoutMillis, 60_000)))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(4096, MAX_HEADER_BYTES, 8192),
                                new HttpObjectAggregator(maxBody), new Reply(result));
                    }
                });
        String what = method + " " + uri;
        b.connect(uri.getHost(), port).addListener((ChannelFutureListener) cf -> {
            if (!cf.isSuccess()) {
                result.completeExceptionally(new NatException(Reason.NETWORK, 0, "cannot connect to "
                        + uri.getHost() + ":" + port + ": " + cf.cause().getMessage(), cf.cause()));
                return;
            }
            Channel ch = cf.channel();
            ScheduledFuture<?> timer = loop.schedule(() -> {
                result.completeExceptionally(new NatException(Reason.TIMEOUT, "no complete HTTP reply to " + what
                        + " within " + timeoutMillis + " ms"));
                ch.close();
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            result.whenComplete((r, e) -> {
                timer.cancel(false);
                ch.close();
            });
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target,
                    body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
            req.headers().set(HttpHeaderNames.HOST, uri.getHost() + ":" + port);
            req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            req.headers().set(HttpHeaderNames.USER_AGENT, "hivebt/0.1 UPnP/1.1");
            req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body == null ? 0 : body.length);
            headers.forEach(req.headers()::set);
            ch.writeAndFlush(req).addListener((ChannelFutureListener) wf -> {
                if (!wf.isSuccess()) {
                    result.completeExceptionally(new NatException(Reason.NETWORK, 0, "cannot send " + what + ": "
                            + wf.cause().getMessage(), wf.cause()));
                }
            });
        });
        return result;
    }

    private static final class Reply extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final CompletableFuture<Result> result;

        Reply(CompletableFuture<Result> result) {
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
            if (msg.decoderResult().isFailure()) {
                fail(msg.decoderResult().cause());
                return;
            }
            result.complete(new Result(msg.status().code(), ByteBufUtil.getBytes(msg.content()),
                    (InetSocketAddress) ctx.channel().localAddress()));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new NatException(Reason.MALFORMED_HTTP,
                    "the device closed the connection before a complete HTTP reply"));
        }

        private void fail(Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                result.completeExceptionally(new NatException(Reason.TOO_LARGE, 0, "HTTP reply too large: "
                        + cause.getMessage(), cause));
            } else {
                result.completeExceptionally(new NatException(Reason.MALFORMED_HTTP, 0, "unreadable HTTP reply: "
                        + cause, cause));
            }
        }
    }
}
