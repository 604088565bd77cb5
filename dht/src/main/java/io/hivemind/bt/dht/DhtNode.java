package io.hivemind.bt.dht;

import io.hivemind.bt.dht.core.DhtEngine;
import io.hivemind.bt.dht.core.NodeIdRestriction;
import io.hivemind.bt.dht.krpc.NodeInfo;
import io.hivemind.bt.wire.bencode.BValue;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.ChannelFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A mainline DHT node on UDP (BEP 5, with BEP 32, 42, 43, 44 and 51): the Netty shell around {@link DhtEngine}.
 *
 * <p>Threading: the engine, its routing tables and stores are confined to one Netty {@link EventLoop} (the loop
 * of the node's channels). Every public method is thread-safe: it posts to that loop and returns a
 * {@link CompletableFuture} completed on the loop (do not block in its callbacks), except {@link #stats()}, which
 * returns the snapshot taken at the last tick (every 100 ms). The loop comes from the {@link EventLoopGroup} handed
 * to the builder (a session shares its loops that way) or from a one-thread group the node owns and shuts down on
 * {@link #close()}.
 *
 * <p>Buffers: each received datagram's content is copied into a byte array and the datagram released by the
 * inbound handler; each datagram sent wraps a fresh array the engine gave up (released by Netty once written).
 *
 * <p>State: with a {@link Builder#stateFile state file}, the node id and routing table are saved on
 * {@link #close()} and reloaded on {@link #start()}, where the saved nodes seed the bootstrap beside the
 * configured routers.
 */
public final class DhtNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DhtNode.class.getName());
    private static final long TICK_MILLIS = 100;

    private final DhtConfig config;
    private final List<InetSocketAddress> binds;
    private final List<InetSocketAddress> routers;
    private final Path stateFile;
    private final InetAddress externalAddress;
    private final NodeId requestedId;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final ChannelFactory<? extends DatagramChannel> channelFactory;
    private final List<Channel> channels = new ArrayList<>();
    private EventLoop loop;
    private volatile DhtEngine engine;
    private ScheduledFuture<?> ticker;
    private List<NodeInfo> savedNodes = List.of();
    private volatile DhtStats stats = new DhtStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    private volatile boolean closed;

    private DhtNode(Builder b) {
        this.config = b.config.toBuilder().readOnly(b.readOnly == null ? b.config.readOnly() : b.readOnly).build();
        this.binds = b.binds.isEmpty() ? List.of(new InetSocketAddress(6881)) : List.copyOf(b.binds);
        this.routers = List.copyOf(b.routers);
        this.stateFile = b.stateFile;
        this.externalAddress = b.externalAddress;
        this.requestedId = b.nodeId;
        this.ownsGroup = b.group == null;
        this.channelFactory = b.channelFactory;
        this.group = b.group != null ? b.group : new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the sockets, loads the saved state and starts bootstrapping; completes once bound. */
    public CompletableFuture<DhtNode> start() {
        CompletableFuture<DhtNode> started = new CompletableFuture<>();
        loop = group.next();
        List<CompletableFuture<Channel>> bound = new ArrayList<>();
        for (InetSocketAddress bind : binds) {
            CompletableFuture<Channel> f = new CompletableFuture<>();
            new Bootstrap().group(loop).channelFactory(channelFactory)
                    .option(ChannelOption.SO_RCVBUF, 1 << 20)
                    .handler(new Inbound())
                    .bind(bind).addListener((io.netty.channel.ChannelFutureListener) cf -> {
                        if (cf.isSuccess()) {
                            f.complete(cf.channel());
                        } else {
                            f.completeExceptionally(cf.cause());
                        }
                    });
            bound.add(f);
        }
        CompletableFuture.allOf(bound.toArray(CompletableFuture[]::new)).whenComplete((v, error) -> {
            for (CompletableFuture<Channel> f : bound) {
                if (!f.isCompletedExceptionally()) {
                    channels.add(f.join());
                }
            }
            if (error != null) {
                for (Channel ch : channels) {
                    ch.close();
                }
                started.completeExceptionally(new DhtException("cannot bind the DHT socket", error));
                return;
            }
            loop.execute(() -> {
                try {
                    startOnLoop();
                    started.complete(this);
                } catch (Throwable t) {
                    started.completeExceptionally(t);
                }
            });
        });
        return started;
    }

    private void startOnLoop() {
        SecureRandom seedSource = new SecureRandom();
        SplittableRandom random = new SplittableRandom(seedSource.nextLong());
        StateFile.State saved = stateFile == null ? null : StateFile.read(stateFile);
        NodeId id = chooseId(saved, random);
        if (saved != null) {
            savedNodes = saved.nodes();
        }
        boolean v4 = false;
        boolean v6 = false;
        for (InetSocketAddress bind : binds) {
            boolean isV4 = bind.getAddress() instanceof Inet4Address;
            v4 |= isV4;
            v6 |= !isV4;
        }
        engine = new DhtEngine(config, id, random, this::send, System.nanoTime());
        engine.setFamilies(v4, v6);
        ticker = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        List<InetSocketAddress> resolved = resolveRouters();
        if (!resolved.isEmpty() || !savedNodes.isEmpty()) {
            engine.bootstrap(resolved, savedNodes, System.nanoTime(), r -> LOG.log(System.Logger.Level.DEBUG,
                    "DHT bootstrap done: {0} nodes", engine.table(true).size() + engine.table(false).size()));
        }
        snapshot();
    }

    private NodeId chooseId(StateFile.State saved, SplittableRandom random) {
        if (requestedId != null) {
            return requestedId;
        }
        if (saved != null && (externalAddress == null || NodeIdRestriction.isValid(saved.id(), externalAddress))) {
            return saved.id();
        }
        if (externalAddress != null) {
            return NodeIdRestriction.generate(externalAddress, random); // BEP 42 on by default
        }
        return NodeId.random(random);
    }

    private List<InetSocketAddress> resolveRouters() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress r : routers) {
            InetSocketAddress a = r.isUnresolved() ? new InetSocketAddress(r.getHostString(), r.getPort()) : r;
            if (a.isUnresolved()) {
                LOG.log(System.Logger.Level.WARNING, "cannot resolve DHT router {0}", r);
            } else {
                out.add(a);
            }
        }
        return out;
    }

    private void tick() {
        engine.tick(System.nanoTime());
        snapshot();
    }

    private void snapshot() {
        stats = engine.stats();
    }

    private void send(InetSocketAddress to, byte[] payload) {
        boolean v4 = to.getAddress() instanceof Inet4Address;
        for (Channel ch : channels) {
            InetSocketAddress local = (InetSocketAddress) ch.localAddress();
            if ((local.getAddress() instanceof Inet4Address) == v4) {
                ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), to), ch.voidPromise());
                return;
            }
        }
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (engine == null) {
                return; // bound but not started yet
            }
            byte[] data = ByteBufUtil.getBytes(packet.content());
            engine.receive(packet.sender(), data, 0, data.length, System.nanoTime());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "DHT socket error", cause);
        }
    }

    // ------------------------------------------------------------------------------------------------ API

    /** Our node id (after {@link #start()}). */
    public NodeId id() {
        return engine.id();
    }

    /** The bound socket addresses (after {@link #start()}). */
    public List<InetSocketAddress> localAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel ch : channels) {
            out.add((InetSocketAddress) ch.localAddress());
        }
        return out;
    }

    /** The counters at the last tick. */
    public DhtStats stats() {
        return stats;
    }

    /**
     * Our external IP as voted by the nodes that answered us (BEP 42 {@code ip} field), once enough agree: what a
     * session can use for its own BEP 42 id, port mapping checks or announces.
     */
    public CompletableFuture<Optional<InetAddress>> externalAddress() {
        return call(done -> done.accept(Optional.ofNullable(engine.externalAddress())));
    }

    /** The confirmed (answering, not bad) routing-table nodes of both families, closest to our id first. */
    public CompletableFuture<List<NodeInfo>> nodes() {
        return call(done -> {
            List<NodeInfo> all = new ArrayList<>(engine.table(true).closest(engine.id(), Integer.MAX_VALUE,
                    System.nanoTime()));
            all.addAll(engine.table(false).closest(engine.id(), Integer.MAX_VALUE, System.nanoTime()));
            done.accept(all);
        });
    }

    /** Runs a bootstrap lookup again (through the routers and {@code extra} nodes); completes with the table size. */
    public CompletableFuture<Integer> bootstrap(List<InetSocketAddress> extra) {
        return call(done -> {
            List<InetSocketAddress> all = new ArrayList<>(resolveRouters());
            all.addAll(extra);
            engine.bootstrap(all, List.of(), System.nanoTime(),
                    r -> done.accept(engine.table(true).size() + engine.table(false).size()));
        });
    }

    /** Peers of {@code infoHash} found through the DHT (BEP 5 {@code get_peers}). */
    public CompletableFuture<List<InetSocketAddress>> getPeers(NodeId infoHash) {
        return call(done -> engine.getPeers(infoHash, System.nanoTime(), r -> done.accept(r.peers())));
    }

    /**
     * Announces this host as a peer of {@code infoHash} on {@code port} (0: the DHT socket's port, BEP 5
     * {@code implied_port}); completes with the number of nodes that accepted.
     */
    public CompletableFuture<Integer> announce(NodeId infoHash, int port) {
        return call(done -> engine.announce(infoHash, port, System.nanoTime(), r -> done.accept(r.accepted())));
    }

    /** Stores an immutable item (BEP 44); completes with its target and how many nodes took it. */
    public CompletableFuture<DhtEngine.StoreResult> putImmutable(BValue value) {
        return call(done -> engine.putImmutable(value, System.nanoTime(), done));
    }

    /** Reads an immutable item (BEP 44), verified against its target. */
    public CompletableFuture<Optional<BValue>> getImmutable(NodeId target) {
        return call(done -> engine.getItem(target, null, null, System.nanoTime(),
                r -> done.accept(Optional.ofNullable(r.value()))));
    }

    /** Signs and stores a mutable item (BEP 44); {@code cas} may be null. */
    public CompletableFuture<DhtEngine.StoreResult> putMutable(DhtKeyPair keys, byte[] salt, long seq, BValue value,
                                                              Long cas) {
        MutableItem item = MutableItem.sign(keys, salt, seq, value);
        return call(done -> engine.putMutable(item, cas, System.nanoTime(), done));
    }

    /**
     * Stores an item signed elsewhere (BEP 44): what a BEP 46 consumer does to keep the publisher's item alive
     * without holding its key. {@code cas} may be null.
     */
    public CompletableFuture<DhtEngine.StoreResult> putMutable(MutableItem item, Long cas) {
        return call(done -> engine.putMutable(item, cas, System.nanoTime(), done));
    }

    /** Reads the newest valid version of a mutable item (BEP 44). */
    public CompletableFuture<Optional<MutableItem>> getMutable(byte[] publicKey, byte[] salt) {
        NodeId target = MutableItem.target(publicKey, salt);
        return call(done -> engine.getItem(target, publicKey, salt, System.nanoTime(),
                r -> done.accept(Optional.ofNullable(r.mutable()))));
    }

    /** BEP 51: samples of info-hashes stored by the nodes on the way to {@code target}. */
    public CompletableFuture<DhtEngine.SampleResult> sampleInfohashes(NodeId target) {
        return call(done -> engine.sampleInfohashes(target, System.nanoTime(), done));
    }

    /** Pings {@code address} so that it may enter the routing table (e.g. a peer's BEP 5 PORT message). */
    public void addNode(InetSocketAddress address) {
        loop.execute(() -> engine.ping(address, System.nanoTime()));
    }

    private <T> CompletableFuture<T> call(Consumer<Consumer<T>> op) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (closed || loop == null) {
            f.completeExceptionally(new DhtException("DHT node is not running"));
            return f;
        }
        loop.execute(() -> {
            if (engine == null || closed) {
                f.completeExceptionally(new DhtException("DHT node is not running"));
                return;
            }
            try {
                op.accept(f::complete);
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** Saves the state file (if any), closes the sockets and, if the node owns its event loop, shuts it down. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loop != null) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Runnable shutdown = () -> {
                try {
                    if (ticker != null) {
                        ticker.cancel(false);
                    }
                    if (stateFile != null && engine != null) {
                        List<NodeInfo> nodes = new ArrayList<>(engine.table(true).all());
                        nodes.addAll(engine.table(false).all());
                        StateFile.write(stateFile, engine.id(), nodes);
                    }
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot save the DHT state to " + stateFile, e);
                } finally {
                    for (Channel ch : channels) {
                        ch.close();
                    }
                    done.complete(null);
                }
            };
            if (loop.inEventLoop()) {
                shutdown.run(); // called from a callback on our own loop: waiting would deadlock
            } else {
                loop.execute(shutdown);
            }
            try {
                if (!loop.inEventLoop()) {
                    done.get(10, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "DHT node did not close cleanly", e);
            }
        }
        if (ownsGroup) {
            var terminated = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (loop == null || !loop.inEventLoop()) {
                terminated.syncUninterruptibly();
            }
        }
    }

    /** Builder of a {@link DhtNode}; not thread-safe. */
    public static final class Builder {
        private ChannelFactory<? extends DatagramChannel> channelFactory = NioDatagramChannel::new;
        private DhtConfig config = DhtConfig.DEFAULT;
        private final List<InetSocketAddress> binds = new ArrayList<>();
        private final List<InetSocketAddress> routers = new ArrayList<>();
        private Path stateFile;
        private Boolean readOnly;
        private InetAddress externalAddress;
        private NodeId nodeId;
        private EventLoopGroup group;

        private Builder() {
        }

        /** A UDP address to bind (call twice for IPv4 and IPv6); default {@code 0.0.0.0:6881}. */
        public Builder bind(InetSocketAddress address) {
            binds.add(Objects.requireNonNull(address));
            return this;
        }

        /** Routers to bootstrap from (unresolved host names are resolved at start). */
        public Builder bootstrap(InetSocketAddress... nodes) {
            routers.addAll(List.of(nodes));
            return this;
        }

        public Builder bootstrap(List<InetSocketAddress> nodes) {
            routers.addAll(nodes);
            return this;
        }

        /** Where the node id and routing table are saved on close and read on start. */
        public Builder stateFile(Path file) {
            this.stateFile = file;
            return this;
        }

        /** BEP 43 read-only mode. */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /** Our external IP: the node id is then generated per BEP 42 (unless given or saved and still valid). */
        public Builder externalAddress(InetAddress address) {
            this.externalAddress = address;
            return this;
        }

        /** A fixed node id. */
        public Builder nodeId(NodeId id) {
            this.nodeId = id;
            return this;
        }

        /** Protocol and limit settings. */
        public Builder config(DhtConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** Run on this group's loops (not shut down by the node); default: a one-thread group of its own. */
        /**
         * Makes the node's UDP channels; must match the {@link #eventLoopGroup} handed in (io_uring, epoll or
         * NIO). Default: NIO, which matches the group the node makes for itself.
         */
        public Builder channelFactory(ChannelFactory<? extends DatagramChannel> factory) {
            this.channelFactory = java.util.Objects.requireNonNull(factory, "factory");
            return this;
        }

        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        public DhtNode build() {
            return new DhtNode(this);
        }
    }
}
