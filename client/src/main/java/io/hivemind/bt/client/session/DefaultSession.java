package io.hivemind.bt.client.session;

import io.hivemind.bt.client.AddTorrent;
import io.hivemind.bt.client.ClientException;
import io.hivemind.bt.client.Event;
import io.hivemind.bt.client.EventStream;
import io.hivemind.bt.client.HostPort;
import io.hivemind.bt.client.PeerIds;
import io.hivemind.bt.client.Session;
import io.hivemind.bt.client.SessionSettings;
import io.hivemind.bt.client.SessionStats;
import io.hivemind.bt.client.TorrentHandle;
import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.net.Transport;
import io.hivemind.bt.client.ipfilter.FilterPoint;
import io.hivemind.bt.client.nat.PortMapper;
import io.hivemind.bt.client.nat.PortMapperStatus;
import io.hivemind.bt.client.nat.Protocol;
import io.hivemind.bt.client.ipfilter.IpFilter;
import io.hivemind.bt.client.ipfilter.ReloadableIpFilter;
import io.hivemind.bt.dht.DhtConfig;
import io.hivemind.bt.wire.mse.CryptoMethod;
import io.hivemind.bt.wire.mse.MseConfig;
import io.hivemind.bt.wire.mse.MsePolicy;
import io.hivemind.bt.wire.mse.MseSkeyIndex;
import io.hivemind.bt.dht.DhtNode;
import io.hivemind.bt.storage.Storage;
import io.hivemind.bt.tracker.TrackerClient;
import io.hivemind.bt.tracker.TrackerTransport;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.MetainfoException;
import io.hivemind.bt.wire.magnet.MagnetException;
import io.hivemind.bt.wire.magnet.MagnetLink;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The session: event loops on the best transport, listening sockets, the storage runtime, the tracker client and
 * the torrents. Each torrent lives on one event loop (its owner); peer channels talk to it by posting tasks.
 * Session-wide state here is either immutable, concurrent ({@link ConcurrentHashMap}, atomics) or a
 * {@link SharedBucket}. Thread-safe.
 */
public final class DefaultSession implements Session {
    private static final System.Logger LOG = System.getLogger(DefaultSession.class.getName());

    private final LongSupplier clock;
    private final long startedNanos;
    private final Transport transport;
    private final EventLoopGroup group;
    private final Storage storage;
    private final TrackerClient trackerClient;
    private final byte[] peerId;
    private final EventStream events;
    private final SessionCounters counters = new SessionCounters();
    private final ConcurrentHashMap<IdKey, Torrent> byWireId = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Torrent> torrents = new CopyOnWriteArrayList<>();
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger halfOpen = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SharedBucket globalUp;
    private final SharedBucket globalDown;
    private volatile DhtNode dht;
    private volatile PortMapper portMapper;
    private final SessionQueue queue;
    private volatile LsdService lsd;
    private final MseSkeyIndex skeys = new MseSkeyIndex();
    private volatile MseConfig mse;
    private final ReloadableIpFilter blocklist = new ReloadableIpFilter();
    private volatile IpFilter ipRules = IpFilter.builder().build();
    private volatile SessionSettings settings;
    private volatile PeerLimits peerLimits = PeerLimits.DEFAULT;
    private volatile io.hivemind.bt.wire.peer.PeerMessageDecoder.MessageBudget messageBudget =
            io.hivemind.bt.wire.peer.PeerMessageDecoder.MessageBudget.of(PeerLimits.DEFAULT.largeMessageBudget());
    private final IncomingGate incomingGate = new IncomingGate(() -> peerLimits.maxPendingIncoming());

    private DefaultSession(SessionSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.startedNanos = clock.getAsLong();
        this.transport = Transport.select(settings.transport());
        int threads = settings.networkThreads() > 0 ? settings.networkThreads() : Runtime.getRuntime().availableProcessors();
        this.group = transport.newGroup(threads, new DefaultThreadFactory("hivebt-net", true));
        this.storage = Storage.builder().pieceBufferBudget(settings.pieceBufferBudgetBytes()).ticker(clock).build();
        this.trackerClient = TrackerClient.builder(new TrackerTransport(group,
                new ReflectiveChannelFactory<>(transport.socket()), new ReflectiveChannelFactory<>(transport.datagram())))
                .build();
        this.peerId = PeerIds.generate(settings.peerIdPrefix());
        this.events = new EventStream(settings.eventQueueCapacity());
        this.globalUp = new SharedBucket(settings.uploadRateLimit(), startedNanos);
        this.globalDown = new SharedBucket(settings.downloadRateLimit(), startedNanos);
        this.mse = mseConfig(settings.encryption());
        this.queue = new SessionQueue(this, group.next(), settings);
        this.queue.start();
        loadBlocklist(settings.blocklistFile());
    }

    /**
     * MSE/PE settings for a policy: ENABLED offers both plaintext and RC4 after an encrypted handshake (libtorrent's
     * default, plaintext preferred); FORCED requires the encrypted handshake and RC4 for the whole stream.
     */
    private static MseConfig mseConfig(SessionSettings.EncryptionPolicy policy) {
        return switch (policy) {
            case DISABLED -> MseConfig.builder().policy(MsePolicy.DISABLED).build();
            case ENABLED -> MseConfig.builder().policy(MsePolicy.ENABLED)
                    .allowedMethods(CryptoMethod.PLAINTEXT, CryptoMethod.RC4).build();
            case FORCED -> MseConfig.builder().policy(MsePolicy.FORCED).allowedMethods(CryptoMethod.RC4).build();
        };
    }

    private void loadBlocklist(java.nio.file.Path file) {
        if (file == null) {
            blocklist.setSources(List.of());
            blocklist.set(IpFilter.builder().build());
            return;
        }
        blocklist.setSources(List.of(new ReloadableIpFilter.Source(file, IpFilter.Action.DENY)));
        try {
            blocklist.reload();
        } catch (IOException | RuntimeException e) {
            throw new ClientException("cannot load the blocklist " + file + ": " + e.getMessage(), e);
        }
    }

    /** Starts a session: event loops, storage, listening sockets. Fails with {@link ClientException} if no address binds. */
    public static Session start(SessionSettings settings, LongSupplier nanoClock) {
        return start(settings, nanoClock, LsdService.Config.DEFAULT);
    }

    /** {@link #start(SessionSettings, LongSupplier)} with LSD settings of its own (tests use another UDP port). */
    static Session start(SessionSettings settings, LongSupplier nanoClock, LsdService.Config lsdConfig) {
        DefaultSession s = new DefaultSession(settings, nanoClock);
        try {
            s.listen();
            s.startPortMapper();
            if (settings.enableDht()) {
                s.startDht();
                s.followExternalAddress();
            }
            if (settings.enableLsd() && !s.listeners.isEmpty()) {
                s.lsd = LsdService.start(s, lsdConfig);
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void listen() {
        List<String> failures = new ArrayList<>();
        for (String l : settings.listen()) {
            HostPort hp = HostPort.parse(l);
            ServerBootstrap b = new ServerBootstrap().group(group).channel(transport.serverSocket())
                    .option(ChannelOption.SO_BACKLOG, 256)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            PeerChannels.initIncoming(ch, DefaultSession.this);
                        }
                    });
            try {
                Channel ch = b.bind(hp.toSocketAddress()).sync().channel();
                listeners.add(ch);
                events.publish(new Event.ListenSucceeded(now(), (InetSocketAddress) ch.localAddress(), transport.name()));
                LOG.log(System.Logger.Level.INFO, "listening on {0} ({1})", ch.localAddress(), transport.name());
            } catch (Exception e) {
                failures.add(l + ": " + e.getMessage());
                events.publish(new Event.ListenFailed(now(), l, String.valueOf(e.getMessage())));
            }
        }
        if (listeners.isEmpty() && !settings.listen().isEmpty()) {
            throw new ClientException("could not listen on " + String.join("; ", failures));
        }
    }

    /**
     * Starts the DHT node on the session's event loops, on the first listen address's host and port (UDP). On a
     * loopback-only session (tests, the quickstart) many nodes share 127.0.0.1, so the per-IP routing and rate
     * restrictions are lifted. Bootstrap routers are resolved off the event loops.
     */
    private void startDht() {
        InetSocketAddress first = listenAddresses().get(0);
        boolean loopback = first.getAddress().isLoopbackAddress();
        DhtConfig.Builder config = DhtConfig.builder().restrictRoutingIps(!loopback);
        if (loopback) {
            config.rateLimit(1_000_000, java.time.Duration.ofSeconds(10), java.time.Duration.ofMinutes(5));
        }
        DhtNode.Builder b = DhtNode.builder().eventLoopGroup(group).channelFactory(new ReflectiveChannelFactory<>(transport.datagram()))
                .bind(first).config(config.build());
        if (settings.stateDirectory() != null) {
            b.stateFile(settings.stateDirectory().resolve("dht.state"));
        }
        DhtNode node = b.build();
        try {
            node.start().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            node.close();
            events.publish(new Event.ListenFailed(now(), "dht " + first, Torrent.rootMessage(e)));
            LOG.log(System.Logger.Level.WARNING, "DHT disabled: {0}", Torrent.rootMessage(e));
            return;
        }
        dht = node;
        List<String> routers = settings.dhtBootstrap();
        Thread.ofVirtual().name("hivebt-dht-bootstrap").start(() -> {
            List<InetSocketAddress> resolved = new ArrayList<>();
            for (String r : routers) {
                HostPort hp = HostPort.parse(r);
                InetSocketAddress a = new InetSocketAddress(hp.host(), hp.port());
                if (!a.isUnresolved()) {
                    resolved.add(a);
                }
            }
            if (!resolved.isEmpty() && !closed.get()) {
                node.bootstrap(resolved);
            }
        });
    }

    /**
     * UPnP IGD / NAT-PMP / PCP port mapping of the listen port (TCP and UDP), when enabled; the mapper also votes on
     * our external address from what trackers and peers report ({@code yourip}), so it always exists.
     */
    private void startPortMapper() {
        SessionSettings s = settings;
        PortMapper m = PortMapper.builder().upnp(s.enableUpnp()).natpmp(s.enableNatpmp()).pcp(s.enableNatpmp())
                .eventLoopGroup(group).transport(transport).build();
        portMapper = m;
        int port = listenPort();
        if ((s.enableUpnp() || s.enableNatpmp()) && port > 0 && !listenAddresses().get(0).getAddress().isLoopbackAddress()) {
            m.map(Protocol.TCP, port).whenComplete((mapping, e) -> {
                if (e != null) {
                    LOG.log(System.Logger.Level.WARNING, "port mapping of TCP {0} failed: {1}", port, Torrent.rootMessage(e));
                }
            });
            if (s.enableDht()) {
                m.map(Protocol.UDP, port);
            }
        }
    }

    SessionQueue queue() {
        return queue;
    }

    PortMapper portMapper() {
        return portMapper;
    }

    @Override
    public PortMapperStatus portMapping() {
        PortMapper m = portMapper;
        return m == null ? null : m.status();
    }

    /**
     * BEP 42: whenever the port mapper's vote (gateway, trackers' and peers' reports) settles on an external address,
     * the DHT node takes an id derived from it if its current one does not fit; loopback and private addresses are
     * exempt, so sessions on a LAN or on loopback keep their ids.
     */
    private void followExternalAddress() {
        PortMapper m = portMapper;
        if (m == null || dht == null) {
            return;
        }
        m.addExternalAddressListener(a -> {
            DhtNode node = dht;
            if (node != null && a != null && !closed.get()) {
                node.adoptExternalAddress(a);
            }
        });
        m.externalAddress().ifPresent(a -> dht.adoptExternalAddress(a));
    }

    /** The BEP 14 service, or null when LSD is off. */
    LsdService lsd() {
        return lsd;
    }

    /** The DHT node, or null when the DHT is off or failed to start. */
    DhtNode dht() {
        return dht;
    }

    @Override
    public java.util.Optional<DhtNode> dhtNode() {
        return java.util.Optional.ofNullable(dht);
    }

    /** True if {@code address} may not be talked to (the programmatic rules or the blocklist block it); counted. */
    boolean isBlocked(java.net.InetAddress address, FilterPoint point) {
        if (address == null) {
            return false;
        }
        return ipRules.isBlocked(address) || blocklist.check(address, point);
    }

    @Override
    public void setIpFilter(IpFilter filter) {
        this.ipRules = java.util.Objects.requireNonNull(filter, "filter");
    }

    MseConfig mseConfig() {
        return mse;
    }

    /** Limits against hostile peers; new connections use them. */
    PeerLimits peerLimits() {
        return peerLimits;
    }

    /** Replaces the peer limits (tests shorten the timeouts); applies to connections opened from now on. */
    void peerLimits(PeerLimits limits) {
        if (limits.largeMessageBudget() != peerLimits.largeMessageBudget()) {
            messageBudget = io.hivemind.bt.wire.peer.PeerMessageDecoder.MessageBudget.of(limits.largeMessageBudget());
        }
        peerLimits = java.util.Objects.requireNonNull(limits, "limits");
    }

    io.hivemind.bt.wire.peer.PeerMessageDecoder.MessageBudget messageBudget() {
        return messageBudget;
    }

    IncomingGate incomingGate() {
        return incomingGate;
    }

    MseSkeyIndex skeys() {
        return skeys;
    }

    // ---- accessors for torrents and channels --------------------------------------------------------------------

    long now() {
        return clock.getAsLong();
    }

    LongSupplier clock() {
        return clock;
    }

    Transport transport() {
        return transport;
    }

    EventLoopGroup group() {
        return group;
    }

    Storage storage() {
        return storage;
    }

    TrackerClient trackerClient() {
        return trackerClient;
    }

    SessionCounters counters() {
        return counters;
    }

    SharedBucket globalUp() {
        return globalUp;
    }

    SharedBucket globalDown() {
        return globalDown;
    }

    AtomicInteger connectionCount() {
        return connections;
    }

    AtomicInteger halfOpenCount() {
        return halfOpen;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** The torrent a handshake's 20-byte info-hash names (v1 or truncated v2), or null. */
    Torrent torrentFor(byte[] wireInfoHash) {
        return byWireId.get(new IdKey(wireInfoHash));
    }

    /** Our listen port for announces (the first listener's). */
    int listenPort() {
        for (Channel c : listeners) {
            return ((InetSocketAddress) c.localAddress()).getPort();
        }
        return 0;
    }

    void publish(Event e) {
        events.publish(e);
    }

    // ---- Session API ----------------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<TorrentHandle> add(AddTorrent add) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(new ClientException("session is closed"));
        }
        Metainfo metainfo;
        MagnetLink magnet = null;
        try {
            if (add.metainfo() != null) {
                metainfo = add.metainfo();
            } else if (add.torrentFile() != null) {
                metainfo = Metainfo.parse(Files.readAllBytes(add.torrentFile()));
            } else {
                metainfo = null;
                magnet = MagnetLink.parse(add.magnet());
            }
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new ClientException("cannot read " + add.torrentFile() + ": " + e.getMessage(), e));
        } catch (MetainfoException | MagnetException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ClientException("bad torrent: " + e.getMessage(), e));
        }
        InfoHashes ih = metainfo != null ? metainfo.infoHashes() : magnet.infoHashes();
        EventLoop loop = group.next();
        Torrent t = new Torrent(this, loop, ih, metainfo, magnet, add);
        List<IdKey> keys = wireKeys(ih);
        for (IdKey k : keys) {
            Torrent existing = byWireId.putIfAbsent(k, t);
            if (existing != null) {
                for (IdKey undo : keys) {
                    byWireId.remove(undo, t);
                }
                return CompletableFuture.failedFuture(new ClientException("torrent already added: " + ih));
            }
        }
        torrents.add(t);
        for (IdKey k : keys) {
            skeys.add(k.id());
        }
        events.publish(new Event.TorrentAdded(now(), ih, t.name()));
        // an auto-managed torrent gets its queue decision before it starts, so it never runs outside its slot
        CompletableFuture<Void> queued = add.autoManaged() ? queue.add(t) : CompletableFuture.completedFuture(null);
        return queued.thenCompose(v -> t.start()).thenApply(v -> (TorrentHandle) t);
    }

    private static List<IdKey> wireKeys(InfoHashes ih) {
        List<IdKey> keys = new ArrayList<>(2);
        if (ih.hasV1()) {
            keys.add(new IdKey(ih.v1()));
        }
        if (ih.hasV2()) {
            keys.add(new IdKey(ih.v2Truncated()));
        }
        return keys;
    }

    @Override
    public CompletableFuture<Void> remove(InfoHashes infoHashes, boolean deleteData) {
        Torrent t = find0(infoHashes);
        if (t == null) {
            return CompletableFuture.failedFuture(new ClientException("no such torrent: " + infoHashes));
        }
        // completes once the torrent is gone and the queue positions of the others are updated
        return t.shutdown(true, deleteData).handle((v, e) -> {
            for (IdKey k : wireKeys(t.infoHashes())) {
                byWireId.remove(k, t);
                skeys.remove(k.id());
            }
            torrents.remove(t);
            CompletableFuture<Void> requeued = queue.remove(t);
            events.publish(new Event.TorrentRemoved(now(), t.infoHashes()));
            return requeued.thenCompose(x -> e == null ? CompletableFuture.<Void>completedFuture(null)
                    : CompletableFuture.<Void>failedFuture(e));
        }).thenCompose(f -> f);
    }

    private Torrent find0(InfoHashes ih) {
        for (IdKey k : wireKeys(ih)) {
            Torrent t = byWireId.get(k);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    @Override
    public Optional<TorrentHandle> find(InfoHashes infoHashes) {
        return Optional.ofNullable(find0(infoHashes));
    }

    @Override
    public List<TorrentHandle> torrents() {
        return List.copyOf(torrents);
    }

    Collection<Torrent> torrentList() {
        return torrents;
    }

    @Override
    public SessionStats stats() {
        long now = now();
        long up = 0;
        long down = 0;
        int peers = 0;
        int downloading = 0;
        int seeding = 0;
        for (Torrent t : torrents) {
            up += t.uploadRate(now);
            down += t.downloadRate(now);
            peers += t.peerCount();
            TorrentState s = t.state();
            if (s == TorrentState.DOWNLOADING || s == TorrentState.DOWNLOADING_METADATA) {
                downloading++;
            } else if (s == TorrentState.SEEDING) {
                seeding++;
            }
        }
        return new SessionStats(TimeUnit.NANOSECONDS.toSeconds(now - startedNanos), counters.payloadDown.sum(),
                counters.payloadUp.sum(), down, up, counters.protocolDown.sum(), counters.protocolUp.sum(), peers,
                halfOpen.get(), torrents.size(), downloading, seeding, dht != null ? dht.stats().nodeCount() : 0,
                counters.hashFailures.sum(),
                counters.disconnectsByReason(), transport.name(),
                queued(storage.diskExecutor()) + queued(storage.hashExecutor()), storage.pieceBuffers().inUse());
    }

    /** Tasks waiting in {@code executor}'s queue (0 for executors that do not say). */
    private static long queued(java.util.concurrent.Executor executor) {
        return executor instanceof java.util.concurrent.ThreadPoolExecutor t ? t.getQueue().size() : 0;
    }

    @Override
    public EventStream events() {
        return events;
    }

    @Override
    public SessionSettings settings() {
        return settings;
    }

    @Override
    public CompletableFuture<Void> apply(SessionSettings newSettings) {
        SessionSettings old = settings;
        if (!old.listen().equals(newSettings.listen())) {
            return CompletableFuture.failedFuture(new ClientException("listen addresses cannot change in a running session"));
        }
        settings = newSettings;
        mse = mseConfig(newSettings.encryption());
        if (!java.util.Objects.equals(old.blocklistFile(), newSettings.blocklistFile())) {
            loadBlocklist(newSettings.blocklistFile());
        }
        long now = now();
        globalUp.setRate(newSettings.uploadRateLimit(), now);
        globalDown.setRate(newSettings.downloadRateLimit(), now);
        queue.settingsChanged(newSettings);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (Torrent t : torrents) {
            all.add(t.settingsChanged());
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : listeners) {
            out.add((InetSocketAddress) c.localAddress());
        }
        return out;
    }

    @Override
    public byte[] peerId() {
        return peerId.clone();
    }

    boolean isOwnPeerId(byte[] id) {
        return Arrays.equals(peerId, id);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.close();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Torrent t : torrents) {
            stops.add(t.shutdown(false, false));
        }
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "torrents did not stop cleanly: {0}", e.toString());
        }
        for (Channel c : listeners) {
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (lsd != null) {
            lsd.close();
        }
        if (dht != null) {
            dht.close();
        }
        if (portMapper != null) {
            portMapper.close(); // deletes the mappings at the router
        }
        trackerClient.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        storage.close();
    }

    /** A 20-byte info-hash as a map key. */
    record IdKey(byte[] id) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdKey k && Arrays.equals(id, k.id);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(id);
        }
    }
}
