package io.hivemind.bt.tracker.server;

import io.hivemind.bt.tracker.server.internal.HttpTrackerHandler;
import io.hivemind.bt.tracker.server.internal.InfoHashSet;
import io.hivemind.bt.tracker.server.internal.ServerContext;
import io.hivemind.bt.tracker.server.internal.UdpTrackerHandler;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * A BitTorrent tracker: HTTP {@code /announce}, {@code /scrape} and {@code /stats} (BEP 3, BEP 23, BEP 7, BEP 48)
 * and the UDP tracker protocol (BEP 15) on one port number, the seed's
 * {@code Tracker(port, announce_interval, min_interval, max_peers)}.
 *
 * <pre>{@code
 * try (TrackerServer t = TrackerServer.builder().httpPort(8000).udpPort(8000)
 *         .announceInterval(Duration.ofSeconds(30)).minInterval(Duration.ofSeconds(10)).maxPeers(200)
 *         .build().start()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Embeddable: hand it the daemon's event loops with {@link Builder#transport}; without one it makes a small
 * NIO group of its own and shuts it down on {@link #close()}. Swarms live in memory (see the registry's notes);
 * peers expire after {@link TrackerServerConfig#peerTimeout()}, checked by a timer every few seconds. Thread-safe.
 */
public final class TrackerServer implements AutoCloseable {
    private final TrackerServerConfig config;
    private final ServerContext context;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ChannelFactory<? extends ServerChannel> serverChannels;
    private final ChannelFactory<? extends DatagramChannel> datagramChannels;
    private final Map<ChannelOption<?>, Object> udpOptions;
    private final SslContext ssl;
    private final List<Channel> channels = new ArrayList<>();
    private ScheduledFuture<?> timer;
    private InetSocketAddress httpAddress;
    private InetSocketAddress udpAddress;
    private boolean started;
    private boolean closed;

    private TrackerServer(Builder b, TrackerServerConfig config) {
        this.config = config;
        this.context = new ServerContext(config, b.whitelist, b.ticker, b.keySource);
        if (b.group == null) {
            this.group = new MultiThreadIoEventLoopGroup(Math.max(1, Math.min(4,
                    Runtime.getRuntime().availableProcessors())), NioIoHandler.newFactory());
            this.ownsGroup = true;
            this.serverChannels = NioServerSocketChannel::new;
            this.datagramChannels = NioDatagramChannel::new;
        } else {
            this.group = b.group;
            this.ownsGroup = false;
            this.serverChannels = b.serverChannels;
            this.datagramChannels = b.datagramChannels;
        }
        this.udpOptions = Map.copyOf(b.udpOptions);
        this.ssl = b.ssl;
    }

    public static Builder builder() {
        return new Builder();
    }

    public TrackerServerConfig config() {
        return config;
    }

    /**
     * Binds the HTTP and UDP sockets (blocking until bound) and starts the expiry timer. Must not be called on an
     * event loop.
     *
     * @throws IllegalStateException when a socket cannot be bound (the message says which); nothing stays open
     */
    public synchronized TrackerServer start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        InetAddress bind = config.bindAddress();
        try {
            if (config.httpPort() >= 0) {
                HttpTrackerHandler handler = new HttpTrackerHandler(context);
                Channel ch = new ServerBootstrap().group(group).channelFactory(serverChannels)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel c) {
                                if (ssl != null) {
                                    c.pipeline().addLast("tls", ssl.newHandler(c.alloc()));
                                }
                                c.pipeline().addLast("http", new HttpRequestDecoder(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(8192).setMaxHeaderSize(8192).setMaxChunkSize(8192)
                                        .setValidateHeaders(false)));
                                c.pipeline().addLast("idle", new IdleStateHandler(0, 0, 30));
                                c.pipeline().addLast("tracker", handler);
                            }
                        })
                        .bind(new InetSocketAddress(bind, config.httpPort())).syncUninterruptibly().channel();
                channels.add(ch);
                httpAddress = (InetSocketAddress) ch.localAddress();
            }
            if (config.udpPort() >= 0) {
                int port = config.udpPort();
                for (int i = 0; i < config.udpSockets(); i++) {
                    Bootstrap b = new Bootstrap().group(group).channelFactory(datagramChannels)
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                            .option(ChannelOption.SO_RCVBUF, 4 << 20)
                            .option(ChannelOption.SO_SNDBUF, 4 << 20)
                            .handler(new UdpTrackerHandler(context));
                    for (Map.Entry<ChannelOption<?>, Object> e : udpOptions.entrySet()) {
                        setOption(b, e.getKey(), e.getValue());
                    }
                    Channel ch = b.bind(new InetSocketAddress(bind, port)).syncUninterruptibly().channel();
                    channels.add(ch);
                    if (udpAddress == null) {
                        udpAddress = (InetSocketAddress) ch.localAddress();
                        port = udpAddress.getPort();
                    }
                }
            }
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("cannot start the tracker: " + e.getMessage(), e);
        }
        long period = Math.max(1, Math.min(5, config.peerTimeout().toSeconds() / 4));
        long[] tick = {0};
        timer = group.next().scheduleAtFixedRate(() -> {
            long now = context.ticker.getAsLong();
            context.sample(now);
            if (++tick[0] % period == 0) {
                context.registry.expire(now);
            }
        }, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    @SuppressWarnings("unchecked")
    private static <T> void setOption(Bootstrap b, ChannelOption<T> option, Object value) {
        b.option(option, (T) value);
    }

    /** The bound HTTP address, or null when HTTP is off or not started. */
    public InetSocketAddress httpAddress() {
        return httpAddress;
    }

    /** The bound UDP address, or null when UDP is off or not started. */
    public InetSocketAddress udpAddress() {
        return udpAddress;
    }

    /** A snapshot of the counters ({@code /stats}). */
    public TrackerServerStats stats() {
        return context.stats();
    }

    /** Replaces the whitelist (null serves every info-hash): a private tracker's torrent list changed. */
    public void whitelist(Collection<byte[]> infoHashes) {
        context.whitelist(infoHashes == null ? null : InfoHashSet.of(infoHashes.toArray(byte[][]::new)));
    }

    /** Replaces the whitelist with a file of hex info-hashes, one per line. */
    public void whitelist(Path file) throws IOException {
        context.whitelist(InfoHashSet.readHexFile(file));
    }

    /** Runs a peer expiry pass now (normally the timer's job); returns the peers dropped. */
    public int expireNow() {
        return context.registry.expire(context.ticker.getAsLong());
    }

    /** Closes the sockets and stops the timer; shuts the event loops down only if the server made them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.cancel(false);
        }
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Mutable builder; not thread-safe. Defaults follow the {@code hivebt tracker} command. */
    public static final class Builder {
        private InetAddress bindAddress;
        private int httpPort = 8000;
        private int udpPort = 8000;
        private Duration announceInterval = Duration.ofSeconds(30);
        private Duration minInterval = Duration.ofSeconds(10);
        private Duration peerTimeout;
        private int peerTimeoutFactor = 2;
        private int maxPeers = 200;
        private int defaultNumWant = 50;
        private int maxSwarms = 1_000_000;
        private int maxPeersPerSwarm = 50_000;
        private int maxScrapeHashes = 50;
        private List<String> trustedProxies = List.of();
        private int udpSockets = 1;
        private final Map<ChannelOption<?>, Object> udpOptions = new LinkedHashMap<>();
        private InfoHashSet whitelist;
        private EventLoopGroup group;
        private ChannelFactory<? extends ServerChannel> serverChannels;
        private ChannelFactory<? extends DatagramChannel> datagramChannels;
        private SslContext ssl;
        private LongSupplier ticker = System::nanoTime;
        private RandomGenerator keySource = new SecureRandom();

        private Builder() {
        }

        /** Listen on one address only; default: all. */
        public Builder bindAddress(InetAddress v) {
            this.bindAddress = v;
            return this;
        }

        /** HTTP port; 0 = any free port, -1 = no HTTP. Default 8000. */
        public Builder httpPort(int v) {
            this.httpPort = v;
            return this;
        }

        /** UDP port; 0 = any free port, -1 = no UDP. Default 8000. */
        public Builder udpPort(int v) {
            this.udpPort = v;
            return this;
        }

        /** Default 30 s. */
        public Builder announceInterval(Duration v) {
            this.announceInterval = Objects.requireNonNull(v);
            return this;
        }

        /** Default 10 s. */
        public Builder minInterval(Duration v) {
            this.minInterval = Objects.requireNonNull(v);
            return this;
        }

        /** Peers unseen this long are dropped; default {@code 2 × announceInterval}. */
        public Builder peerTimeout(Duration v) {
            this.peerTimeout = Objects.requireNonNull(v);
            return this;
        }

        /** The peer timeout as a multiple of the interval (when {@link #peerTimeout} is not set); default 2. */
        public Builder peerTimeoutFactor(int v) {
            if (v < 2 || v > 100) {
                throw new IllegalArgumentException("peer timeout factor must be 2..100");
            }
            this.peerTimeoutFactor = v;
            return this;
        }

        /** Cap on numwant; default 200. */
        public Builder maxPeers(int v) {
            this.maxPeers = v;
            return this;
        }

        /** Default 50. */
        public Builder defaultNumWant(int v) {
            this.defaultNumWant = v;
            return this;
        }

        /** Default 1,000,000. */
        public Builder maxSwarms(int v) {
            this.maxSwarms = v;
            return this;
        }

        /** Default 50,000. */
        public Builder maxPeersPerSwarm(int v) {
            this.maxPeersPerSwarm = v;
            return this;
        }

        /** Default 50. */
        public Builder maxScrapeHashes(int v) {
            this.maxScrapeHashes = v;
            return this;
        }

        /** CIDR ranges of reverse proxies whose forwarding headers and {@code ip=} are believed. Default none. */
        public Builder trustedProxies(List<String> v) {
            this.trustedProxies = List.copyOf(v);
            return this;
        }

        /** Serve only these info-hashes (private tracker mode); null = all. */
        public Builder whitelist(Collection<byte[]> v) {
            this.whitelist = v == null ? null : InfoHashSet.of(v.toArray(byte[][]::new));
            return this;
        }

        /** Serve only the hex info-hashes listed in {@code file}, one per line. */
        public Builder whitelist(Path file) throws IOException {
            this.whitelist = InfoHashSet.readHexFile(file);
            return this;
        }

        /**
         * Run on these event loops with these channel types (for example the daemon's epoll group). The group stays
         * the caller's: {@link TrackerServer#close()} does not shut it down.
         */
        public Builder transport(EventLoopGroup group, ChannelFactory<? extends ServerChannel> serverChannels,
                                 ChannelFactory<? extends DatagramChannel> datagramChannels) {
            this.group = Objects.requireNonNull(group);
            this.serverChannels = Objects.requireNonNull(serverChannels);
            this.datagramChannels = Objects.requireNonNull(datagramChannels);
            return this;
        }

        /**
         * Bind {@code n} UDP sockets to the port so that several event loops serve UDP; needs a transport with
         * {@code SO_REUSEPORT} set through {@link #udpOption}. Default 1.
         */
        public Builder udpSockets(int n) {
            this.udpSockets = n;
            return this;
        }

        /** An extra option for the UDP sockets (for example epoll's {@code SO_REUSEPORT}). */
        public <T> Builder udpOption(ChannelOption<T> option, T value) {
            udpOptions.put(option, value);
            return this;
        }

        /** Serve HTTPS instead of HTTP with this server context. */
        public Builder sslContext(SslContext v) {
            if (v != null && v.isClient()) {
                throw new IllegalArgumentException("a server SslContext is needed");
            }
            this.ssl = v;
            return this;
        }

        /** For tests: the nanosecond clock. */
        public Builder ticker(LongSupplier v) {
            this.ticker = Objects.requireNonNull(v);
            return this;
        }

        /** For tests: where the connection-id secrets and table seeds come from; default {@link SecureRandom}. */
        public Builder keySource(RandomGenerator v) {
            this.keySource = Objects.requireNonNull(v);
            return this;
        }

        /** The configuration this builder describes. @throws IllegalArgumentException on inconsistent settings */
        public TrackerServerConfig config() {
            Duration timeout = peerTimeout != null ? peerTimeout : announceInterval.multipliedBy(peerTimeoutFactor);
            return new TrackerServerConfig(bindAddress, httpPort, udpPort, announceInterval, minInterval, timeout,
                    maxPeers, Math.min(defaultNumWant, maxPeers), maxSwarms, maxPeersPerSwarm, maxScrapeHashes,
                    trustedProxies, udpSockets);
        }

        /** A server, not yet listening: call {@link TrackerServer#start()}. */
        public TrackerServer build() {
            return new TrackerServer(this, config());
        }
    }
}
