package io.hivemind.bt.client.daemon.http;

import io.hivemind.bt.client.daemon.json.JsonException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * One HTTP connection of the daemon: runs the {@link RequestGuard} on each request head, receives the body as the
 * {@link HttpApp} asks (buffered with a cap, or streamed to disk), hands the request to the app on a virtual thread
 * and writes its reply. Not sharable: one instance per connection, confined to its event loop.
 *
 * <p>Flow control: while a request is being handled, auto-read is off and a {@code FlowControlHandler} in front of
 * this handler holds any pipelined message already decoded, so responses stay in order and nothing more is read
 * until the reply is written. An upload streams to disk synchronously inside {@link #channelRead0}, so the event
 * loop reads the next chunk only once the previous one is written: a slow disk slows the client instead of filling
 * the heap.
 *
 * <p>Buffers: every {@link HttpObject} read is released by {@link SimpleChannelInboundHandler} after
 * {@link #channelRead0}; bytes kept beyond it are copied. Replies are built as unpooled heap buffers owned by the
 * outbound pipeline once written.
 */
final class HttpConnectionHandler extends SimpleChannelInboundHandler<HttpObject> {
    private static final System.Logger LOG = System.getLogger(HttpConnectionHandler.class.getName());

    private enum State { IDLE, BUFFERING, STREAMING, DISCARDING, HANDLING }

    private final HttpApp app;
    private final RequestGuard guard;
    private final ExecutorService workers;
    private final byte[] scratch = new byte[16 * 1024];
    private State state = State.IDLE;
    private HttpRequest head;
    private String path;
    private boolean bearer;
    private ByteArrayOutputStream body;
    private int bodyLimit;
    private UploadReceiver upload;
    private boolean closeAfterReply;

    HttpConnectionHandler(HttpApp app, RequestGuard guard, ExecutorService workers) {
        this.app = app;
        this.guard = guard;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            Throwable cause = msg.decoderResult().cause();
            int status = cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongHttpHeaderException ? 431
                    : cause instanceof TooLongFrameException ? 413 : 400;
            cleanupUpload();
            state = State.DISCARDING;
            sendAndClose(ctx, HttpReply.error(status, "bad HTTP request"), null);
            return;
        }
        if (msg instanceof HttpRequest req) {
            if (state != State.IDLE) {
                sendAndClose(ctx, HttpReply.error(400, "unexpected request"), null);
                return;
            }
            onHead(ctx, req);
        }
        if (msg instanceof HttpContent content) {
            onContent(ctx, content);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest req) {
        head = req;
        closeAfterReply = !HttpUtil.isKeepAlive(req);
        QueryStringDecoder qs;
        try {
            qs = QueryStringDecoder.builder().maxParams(64).build(req.uri());
            path = qs.path();
            if (path.equals(RequestGuard.RPC_PATH + "/")) {
                path = RequestGuard.RPC_PATH; // transmission-remote 3.00 posts to /transmission/rpc/
            }
        } catch (IllegalArgumentException e) {
            state = State.DISCARDING;
            sendAndClose(ctx, HttpReply.error(400, "bad request URI"), req);
            return;
        }
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        RequestGuard.Verdict v = guard.check(req.method().name(), path, req.headers(), remote.getAddress());
        boolean hasBody = HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
        if (!v.passed()) {
            // Nothing of the body is read and no state is touched; a body would have to be drained, so close.
            if (hasBody) {
                state = State.DISCARDING;
                sendAndClose(ctx, v.reject(), req);
            } else {
                state = State.DISCARDING;
                send(ctx, v.reject(), req, false);
            }
            return;
        }
        bearer = v.bearer();
        HttpApp.BodyPolicy policy;
        try {
            policy = app.bodyPolicy(req, path);
        } catch (ApiException e) {
            state = State.DISCARDING;
            if (hasBody) {
                sendAndClose(ctx, HttpReply.error(e.status(), e.getMessage()), req);
            } else {
                send(ctx, HttpReply.error(e.status(), e.getMessage()), req, false);
            }
            return;
        } catch (MultipartException e) {
            state = State.DISCARDING;
            sendAndClose(ctx, HttpReply.error(400, e.getMessage()), req);
            return;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot prepare request " + path, e);
            state = State.DISCARDING;
            sendAndClose(ctx, HttpReply.error(500, "cannot receive the request"), req);
            return;
        }
        switch (policy) {
            case HttpApp.Buffer b -> {
                long declared = HttpUtil.getContentLength(req, -1L);
                if (declared > b.maxBytes()) {
                    state = State.DISCARDING;
                    sendAndClose(ctx, HttpReply.error(413, "body larger than " + b.maxBytes() + " bytes"), req);
                    return;
                }
                bodyLimit = b.maxBytes();
                body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 256);
                state = State.BUFFERING;
            }
            case HttpApp.Stream s -> {
                upload = s.receiver();
                state = State.STREAMING;
            }
        }
        if (HttpUtil.is100ContinueExpected(req)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        ByteBuf buf = content.content();
        switch (state) {
            case BUFFERING -> {
                if (body.size() + buf.readableBytes() > bodyLimit) {
                    state = State.DISCARDING;
                    body = null;
                    sendAndClose(ctx, HttpReply.error(413, "body larger than " + bodyLimit + " bytes"), head);
                    return;
                }
                body.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(buf));
            }
            case STREAMING -> {
                try {
                    while (buf.isReadable()) {
                        int n = Math.min(scratch.length, buf.readableBytes());
                        buf.readBytes(scratch, 0, n);
                        upload.feed(scratch, 0, n);
                    }
                } catch (MultipartException e) {
                    cleanupUpload();
                    state = State.DISCARDING;
                    sendAndClose(ctx, HttpReply.error(e.reason() == MultipartException.Reason.TOO_LARGE ? 413 : 400,
                            e.getMessage()), head);
                    return;
                } catch (UncheckedIOException e) {
                    cleanupUpload();
                    state = State.DISCARDING;
                    sendAndClose(ctx, HttpReply.error(507, "cannot store the upload: " + e.getCause().getMessage()),
                            head);
                    return;
                }
            }
            default -> {
                // DISCARDING: drop the bytes
            }
        }
        if (content instanceof LastHttpContent) {
            switch (state) {
                case BUFFERING -> dispatch(ctx, body.toByteArray(), null);
                case STREAMING -> {
                    Upload u;
                    try {
                        u = upload.finish();
                    } catch (MultipartException e) {
                        cleanupUpload();
                        state = State.DISCARDING;
                        sendAndClose(ctx, HttpReply.error(400, e.getMessage()), head);
                        return;
                    }
                    dispatch(ctx, new byte[0], u);
                }
                case DISCARDING -> {
                    if (!ctx.channel().isActive()) {
                        return;
                    }
                    state = State.IDLE;
                }
                default -> {
                }
            }
        }
    }

    private void dispatch(ChannelHandlerContext ctx, byte[] bytes, Upload u) {
        state = State.HANDLING;
        ctx.channel().config().setAutoRead(false);
        body = null;
        HttpRequest req = head;
        UploadReceiver receiver = upload;
        upload = null;
        QueryStringDecoder qs = QueryStringDecoder.builder().maxParams(64).build(req.uri());
        HttpHeaders headers = new DefaultHttpHeaders().add(req.headers());
        Request request = new Request(req.method().name(), path, Map.copyOf(qs.parameters()), headers, bytes, u,
                (InetSocketAddress) ctx.channel().remoteAddress(), bearer);
        workers.execute(() -> {
            HttpReply reply;
            try {
                reply = app.handle(request);
            } catch (ApiException e) {
                reply = HttpReply.error(e.status(), e.getMessage());
            } catch (JsonException | MultipartException | IllegalArgumentException e) {
                reply = HttpReply.error(400, e.getMessage());
            } catch (UnsupportedOperationException e) {
                reply = HttpReply.error(501, e.getMessage() == null ? "not supported" : e.getMessage());
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "request " + request.method() + " " + request.path() + " failed", t);
                reply = HttpReply.error(500, "internal error: " + t);
            } finally {
                if (receiver != null) {
                    receiver.cleanup();
                }
            }
            HttpReply r = reply;

            ctx.channel().eventLoop().execute(() -> send(ctx, r, req, false, true));
        });
    }

    private void send(ChannelHandlerContext ctx, HttpReply reply, HttpRequest req, boolean close) {
        send(ctx, reply, req, close, false);
    }

    /**
     * Writes a reply. {@code resume} is set for the reply to a handled request: once it is written the connection
     * reads again. Rejections are sent while the rest of their request is still being read.
     */
    private void send(ChannelHandlerContext ctx, HttpReply reply, HttpRequest req, boolean close, boolean resume) {
        boolean closeIt = close || closeAfterReply;
        FullHttpResponse resp = toResponse(reply, req);
        if (closeIt) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        } else {
            if (req != null && req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(resp).addListener(f -> {
                if (!f.isSuccess()) {
                    ctx.close();
                    return;
                }
                if (resume) {
                    state = State.IDLE;
                    head = null;
                    ctx.channel().config().setAutoRead(true);
                }
            });
        }
    }

    private void sendAndClose(ChannelHandlerContext ctx, HttpReply reply, HttpRequest req) {
        send(ctx, reply, req, true);
    }

    static FullHttpResponse toResponse(HttpReply reply, HttpRequest req) {
        boolean headOnly = req != null && req.method().equals(HttpMethod.HEAD);
        ByteBuf content = headOnly ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body());
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), content);
        HttpHeaders h = resp.headers();
        if (reply.contentType() != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        }
        HttpUtil.setContentLength(resp, reply.body().length);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        if (!h.contains(HttpHeaderNames.CACHE_CONTROL)) {
            h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        }
        for (Map.Entry<String, String> e : reply.headers().entrySet()) {
            h.set(e.getKey(), e.getValue());
        }
        return resp;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent && state != State.HANDLING) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cleanupUpload();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "HTTP connection error", cause);
        cleanupUpload();
        ctx.close();
    }

    private void cleanupUpload() {
        if (upload != null) {
            upload.cleanup();
            upload = null;
        }
    }
}
