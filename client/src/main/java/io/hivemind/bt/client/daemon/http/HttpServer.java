package io.hivemind.bt.client.daemon.http;

import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.SessionSettings.TransportKind;
import io.hivemind.bt.client.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon's HTTP/1.1 server on Netty: one listening socket per {@link #bind} call, each serving an
 * {@link HttpApp} behind a {@link RequestGuard}. Request lines are capped at 8 KiB, headers at 16 KiB, idle
 * connections are closed after two minutes, and at most {@code maxConnections} are open at once. Thread-safe.
 */
public final class HttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HttpServer.class.getName());

    private final Transport transport;
    private final EventLoopGroup group;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("hivebt-http-", 0).factory());
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private final java.util.List<Channel> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public HttpServer(int threads, int maxConnections) {
        this.transport = Transport.select(TransportKind.AUTO);
        this.group = transport.newGroup(threads, Thread.ofPlatform().name("hivebt-http-io-", 0).daemon(true).factory());
        this.maxConnections = maxConnections;
    }

    /** Binds {@code address} and serves {@code app} there; returns the bound address (port 0 resolved). */
    public InetSocketAddress bind(HostPort address, HttpApp app, RequestGuard guard) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverSocket())
                .option(ChannelOption.SO_BACKLOG, 128)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.incrementAndGet() > maxConnections) {
                            open.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, 120, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec(8192, 16384, 64 * 1024))
                                .addLast(new FlowControlHandler())
                                .addLast(new HttpConnectionHandler(app, guard, workers));
                    }
                });
        Channel ch = b.bind(address.toSocketAddress()).sync().channel();
        listeners.add(ch);
        InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
        LOG.log(System.Logger.Level.INFO, "HTTP listening on {0} ({1})", bound, transport.name());
        return bound;
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        for (Channel c : listeners) {
            c.close().awaitUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownNow();
    }
}
