package io.hivemind.bt.client.session;

import io.hivemind.bt.client.TorrentState;
import io.hivemind.bt.client.core.conn.PeerCandidateList;
import io.hivemind.bt.wire.metainfo.InfoHashes;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * BEP 14 Local Service Discovery for a session: announces the session's public torrents by UDP multicast on the
 * interfaces it listens on, and turns announces heard from neighbours into peer candidates
 * ({@link PeerCandidateList#SOURCE_LSD}) of the matching torrents.
 *
 * <p>One datagram channel per (interface, address family), on the session's transport, bound to the LSD port with
 * {@code SO_REUSEADDR} (several clients on one host each get every announce), joined to the group
 * ({@code 239.192.152.143} or {@code ff15::efc0:988f}) on that interface only, sending through it
 * ({@code IP_MULTICAST_IF}) with multicast loopback on, so clients on the same host hear each other. A listen
 * address names its interface; a wildcard one means every interface that is up and multicast-capable, loopback
 * excepted; a loopback listen address uses the loopback interface (Linux delivers IPv4 multicast on {@code lo} even
 * without its MULTICAST flag; IPv6 multicast on {@code lo} has no route, so that channel's sends fail quietly).
 * Because Linux hands a datagram to every socket bound to the port, each channel keeps only packets whose source
 * lies in one of its interface's subnets, as libtorrent does. Our own announces come back through the loopback and
 * are recognised by the cookie.
 *
 * <p>The decisions (when to announce, batching, inbound rate limits) are {@link LsdScheduler}'s; the parser is
 * {@link LsdMessage}. Private torrents (BEP 27) are never announced and never take LSD peers; a magnet whose
 * metadata is not known yet is treated as public until its info dictionary says otherwise.
 *
 * <p>Threading: every channel is registered on one event loop, which also runs the 1 s tick and owns the scheduler;
 * peers found are posted to each torrent's own loop. {@link #stats()} and {@link #close()} may be called from any
 * thread. Buffers: received packets are released by {@link SimpleChannelInboundHandler}; sent ones belong to the
 * channel once written.
 */
final class LsdService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LsdService.class.getName());

    /**
     * Where and how to multicast.
     *
     * @param group4    the IPv4 group (BEP 14: 239.192.152.143)
     * @param group6    the IPv6 group (BEP 14: ff15::efc0:988f)
     * @param port      the UDP port (BEP 14: 6771; tests use another to stay apart from real clients)
     * @param ttl       multicast hops (BEP 14 suggests above 1 since the groups are wider than a link; libtorrent 32)
     * @param schedule  announce and inbound limits
     * @param tickNanos how often due announces are looked for
     */
    record Config(InetAddress group4, InetAddress group6, int port, int ttl, LsdScheduler.Config schedule,
            long tickNanos) {
        static final Config DEFAULT = new Config(literal("239.192.152.143"), literal("ff15::efc0:988f"), 6771, 32,
                LsdScheduler.Config.DEFAULT, TimeUnit.SECONDS.toNanos(1));

        Config {
            if (!(group4 instanceof Inet4Address) || !group4.isMulticastAddress()
                    || !(group6 instanceof Inet6Address) || !group6.isMulticastAddress()) {
                throw new IllegalArgumentException("LSD groups must be IPv4 and IPv6 multicast addresses");
            }
            if (port < 1 || port > 65535 || ttl < 1 || ttl > 255 || tickNanos <= 0) {
                throw new IllegalArgumentException("bad LSD config " + port + " ttl " + ttl);
            }
        }

        Config withPort(int newPort) {
            return new Config(group4, group6, newPort, ttl, schedule, tickNanos);
        }

        Config withSchedule(LsdScheduler.Config s) {
            return new Config(group4, group6, port, ttl, s, tickNanos);
        }

        private static InetAddress literal(String ip) {
            try {
                return InetAddress.getByName(ip); // a literal: no name lookup
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Counters, all since start.
     *
     * @param endpoints    channels open (interface × family)
     * @param packetsSent  announce datagrams written (one per endpoint per batch)
     * @param sendFailures datagrams the kernel refused
     * @param received     datagrams received
     * @param offNetwork   ignored: source outside the receiving interface's subnets
     * @param refused      ignored: over the inbound rate limit
     * @param malformed    ignored: not a usable BT-SEARCH ({@link LsdException})
     * @param own          ignored: our own cookie
     * @param peersFound   new candidates added to a torrent
     */
    record Stats(int endpoints, long packetsSent, long sendFailures, long received, long offNetwork, long refused,
            long malformed, long own, long peersFound) {
    }

    /** One interface and family to multicast on. */
    record Target(NetworkInterface nif, boolean v4) {
    }

    private final DefaultSession session;
    private final Config config;
    private final EventLoop loop;
    private final LsdScheduler scheduler;
    private final String cookie;
    private final int perPacket;
    private final List<Endpoint> endpoints = Collections.synchronizedList(new ArrayList<>());
    private ScheduledFuture<?> ticker;
    private final AtomicLong packetsSent = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong offNetwork = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong own = new AtomicLong();
    private final AtomicLong peersFound = new AtomicLong();

    private LsdService(DefaultSession session, Config config) {
        this.session = session;
        this.config = config;
        this.loop = session.group().next();
        this.scheduler = new LsdScheduler(config.schedule(), session.now());
        this.cookie = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        this.perPacket = Math.min(LsdMessage.capacity(LsdMessage.HOST4, cookie),
                LsdMessage.capacity(LsdMessage.HOST6, cookie));
    }

    /**
     * Opens a channel per interface and family the session listens on and starts the announce tick. Interfaces that
     * fail (no multicast, port taken without SO_REUSEADDR) are logged and skipped; the service runs with whatever
     * opened, possibly none.
     */
    static LsdService start(DefaultSession session, Config config) {
        LsdService s = new LsdService(session, config);
        for (Target t : targets(session.listenAddresses())) {
            try {
                s.open(t);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "LSD unavailable on {0} ({1}): {2}", t.nif().getName(),
                        t.v4() ? "IPv4" : "IPv6", Torrent.rootMessage(e));
            }
        }
        s.ticker = s.loop.scheduleAtFixedRate(s::tick, 0, config.tickNanos(), TimeUnit.NANOSECONDS);
        return s;
    }

    /**
     * The interfaces and families to use for these listen addresses: the interface owning a specific address, or
     * for a wildcard address every interface that is up, multicast-capable and not loopback ({@code 0.0.0.0}: IPv4
     * only; {@code ::}: both families).
     */
    static List<Target> targets(List<InetSocketAddress> listen) {
        Map<String, Target> out = new LinkedHashMap<>();
        for (InetSocketAddress l : listen) {
            InetAddress a = l.getAddress();
            try {
                if (a == null) {
                    continue;
                }
                if (a.isAnyLocalAddress()) {
                    boolean both = a instanceof Inet6Address;
                    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                        if (!nif.isUp() || nif.isLoopback() || !nif.supportsMulticast()) {
                            continue;
                        }
                        for (InterfaceAddress ia : nif.getInterfaceAddresses()) {
                            boolean v4 = ia.getAddress() instanceof Inet4Address;
                            if (v4 || both) {
                                out.putIfAbsent(nif.getIndex() + (v4 ? "/4" : "/6"), new Target(nif, v4));
                            }
                        }
                    }
                } else {
                    NetworkInterface nif = NetworkInterface.getByInetAddress(a);
                    if (nif != null && nif.isUp()) {
                        boolean v4 = a instanceof Inet4Address;
                        out.putIfAbsent(nif.getIndex() + (v4 ? "/4" : "/6"), new Target(nif, v4));
                    }
                }
            } catch (SocketException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot list interfaces for LSD: {0}", e.getMessage());
            }
        }
        return List.copyOf(out.values());
    }

    private void open(Target t) throws Exception {
        SocketProtocolFamily family = t.v4() ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
        Class<? extends DatagramChannel> type = session.transport().datagram();
        ChannelFactory<DatagramChannel> factory = () -> {
            try {
                return type.getConstructor(SocketProtocolFamily.class).newInstance(family);
            } catch (ReflectiveOperationException e) {
                throw new ChannelException("cannot create a " + family + " datagram channel", e);
            }
        };
        InetAddress group = t.v4() ? config.group4() : config.group6();
        Endpoint ep = new Endpoint(t, new InetSocketAddress(group, config.port()),
                t.v4() ? LsdMessage.HOST4 : LsdMessage.HOST6);
        Bootstrap b = new Bootstrap().group(loop).channelFactory(factory)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.IP_MULTICAST_IF, t.nif())
                .option(ChannelOption.IP_MULTICAST_LOOP_DISABLED, false)
                .option(ChannelOption.IP_MULTICAST_TTL, config.ttl())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .handler(new Inbound(ep));
        InetAddress any = t.v4() ? InetAddress.getByAddress(new byte[4]) : InetAddress.getByAddress(new byte[16]);
        DatagramChannel ch = (DatagramChannel) b.bind(new InetSocketAddress(any, config.port()))
                .syncUninterruptibly().channel();
        try {
            ch.joinGroup(ep.group, t.nif()).syncUninterruptibly();
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
        ep.channel = ch;
        endpoints.add(ep);
        LOG.log(System.Logger.Level.DEBUG, "LSD on {0} {1}", t.nif().getName(), ep.group);
    }

    /** The cookie we put in our announces. */
    String cookie() {
        return cookie;
    }

    Config config() {
        return config;
    }

    Stats stats() {
        return new Stats(endpoints.size(), packetsSent.get(), sendFailures.get(), received.get(), offNetwork.get(),
                refused.get(), malformed.get(), own.get(), peersFound.get());
    }

    // ---- outbound (the service's loop) ----------------------------------------------------------------------------

    private void tick() {
        try {
            if (session.isClosed() || !session.settings().enableLsd() || endpoints.isEmpty()) {
                return;
            }
            int port = session.listenPort();
            if (port <= 0) {
                return;
            }
            List<byte[]> active = new ArrayList<>();
            for (Torrent t : session.torrentList()) {
                if (announceable(t)) {
                    InfoHashes ih = t.infoHashes();
                    if (ih.hasV1()) {
                        active.add(ih.v1());
                    }
                    if (ih.hasV2()) {
                        active.add(ih.v2Truncated());
                    }
                }
            }
            List<List<byte[]>> batches = scheduler.due(active, perPacket, session.now());
            for (List<byte[]> batch : batches) {
                List<Endpoint> eps;
                synchronized (endpoints) {
                    eps = new ArrayList<>(endpoints);
                }
                for (Endpoint ep : eps) {
                    ep.send(LsdMessage.encode(ep.host, port, batch, cookie));
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "LSD tick failed", e);
        }
    }

    /**
     * True if the torrent may be announced: running (not paused, not failed) and not private. Reads only
     * thread-safe state: the volatile state and the metadata future (a torrent added from a file has its metainfo
     * from construction, published to us through the session's torrent list).
     */
    static boolean announceable(Torrent t) {
        TorrentState s = t.state();
        if (s == TorrentState.PAUSED || s == TorrentState.ERROR) {
            return false;
        }
        return !knownPrivate(t);
    }

    private static boolean knownPrivate(Torrent t) {
        CompletableFuture<Metainfo> f = t.metadata();
        Metainfo mi = f.isDone() && !f.isCompletedExceptionally() ? f.join() : t.metainfo();
        return mi != null && mi.info().isPrivate();
    }

    // ---- inbound ----------------------------------------------------------------------------------------------------

    private void heard(Endpoint ep, DatagramPacket p) {
        received.incrementAndGet();
        if (session.isClosed() || !session.settings().enableLsd()) {
            return;
        }
        InetSocketAddress from = p.sender();
        ByteBuf content = p.content();
        if (from == null || from.getAddress() == null || !ep.covers(from.getAddress())) {
            offNetwork.incrementAndGet();
            return;
        }
        if (!scheduler.admit(from.getAddress(), session.now())) {
            refused.incrementAndGet();
            return;
        }
        int n = content.readableBytes();
        LsdMessage m;
        try {
            if (n > LsdMessage.MAX_PACKET) {
                throw new LsdException(LsdException.Reason.TOO_LONG, LsdMessage.MAX_PACKET, n + " bytes");
            }
            m = LsdMessage.parse(ByteBufUtil.getBytes(content), 0, n);
        } catch (LsdException e) {
            malformed.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, "LSD packet from {0} ignored: {1}", from, e.getMessage());
            return;
        }
        if (cookie.equals(m.cookie())) {
            own.incrementAndGet();
            return;
        }
        InetSocketAddress peer = new InetSocketAddress(from.getAddress(), m.port());
        for (int i = 0; i < m.infoHashCount(); i++) {
            Torrent t = session.torrentFor(m.infoHash(i));
            if (t != null) {
                deliver(t, peer);
            }
        }
    }

    private void deliver(Torrent t, InetSocketAddress peer) {
        try {
            t.loop.execute(() -> {
                if (t.isPrivate() || !session.settings().enableLsd()) {
                    return;
                }
                if (t.addCandidate(peer, PeerCandidateList.SOURCE_LSD)) {
                    peersFound.incrementAndGet();
                    t.connectCandidates();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // session shutting down
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        List<Endpoint> eps;
        synchronized (endpoints) {
            eps = new ArrayList<>(endpoints);
            endpoints.clear();
        }
        for (Endpoint ep : eps) {
            if (ep.channel != null) {
                ep.channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
    }

    /** One channel: an interface and family, its group and the subnets it accepts announces from. */
    private final class Endpoint {
        final Target target;
        final InetSocketAddress group;
        final String host;
        final List<InterfaceAddress> subnets;
        DatagramChannel channel;
        boolean warned;

        Endpoint(Target target, InetSocketAddress group, String host) {
            this.target = target;
            this.group = group;
            this.host = host;
            List<InterfaceAddress> s = new ArrayList<>();
            for (InterfaceAddress ia : target.nif().getInterfaceAddresses()) {
                if ((ia.getAddress() instanceof Inet4Address) == target.v4()) {
                    s.add(ia);
                }
            }
            this.subnets = List.copyOf(s);
        }

        /** True if {@code a} is in one of this interface's subnets (of this endpoint's family). */
        boolean covers(InetAddress a) {
            byte[] raw = a.getAddress();
            for (InterfaceAddress ia : subnets) {
                byte[] net = ia.getAddress().getAddress();
                if (net.length == raw.length && samePrefix(net, raw, ia.getNetworkPrefixLength())) {
                    return true;
                }
            }
            return false;
        }

        void send(byte[] packet) {
            DatagramChannel ch = channel;
            if (ch == null || !ch.isActive()) {
                return;
            }
            ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(packet), group)).addListener(f -> {
                if (f.isSuccess()) {
                    packetsSent.incrementAndGet();
                } else {
                    sendFailures.incrementAndGet();
                    if (!warned) {
                        warned = true;
                        LOG.log(System.Logger.Level.DEBUG, "LSD send on {0} failed: {1}", target.nif().getName(),
                                f.cause() == null ? "?" : f.cause().toString());
                    }
                }
            });
        }
    }

    static boolean samePrefix(byte[] a, byte[] b, int bits) {
        int full = bits / 8;
        for (int i = 0; i < full && i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0 || full >= a.length) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (b[full] & mask);
    }

    /** The handler of one endpoint's channel. */
    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Endpoint ep;

        Inbound(Endpoint ep) {
            this.ep = ep;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            heard(ep, p);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "LSD channel error: {0}", cause.toString());
        }
    }
}
