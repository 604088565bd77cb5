package io.hivemind.bt.client.nat;

import io.hivemind.bt.client.nat.NatException.Reason;
import io.hivemind.bt.client.nat.core.ExternalAddressVoter;
import io.hivemind.bt.client.nat.core.LeaseBook;
import io.hivemind.bt.client.nat.core.RetrySchedule;
import io.hivemind.bt.client.nat.core.SsdpMessages;
import io.hivemind.bt.client.net.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Maps our listen ports on the NAT gateway with UPnP IGD and/or NAT-PMP/PCP, keeps the leases renewed, learns our
 * external address, and deletes the mappings on {@link #close()}.
 *
 * <pre>{@code
 * PortMapper mapper = PortMapper.builder().upnp(true).natpmp(true).eventLoopGroup(group).transport(transport).build();
 * mapper.addExternalAddressListener(address -> dht.restartWithExternalAddress(address));
 * mapper.map(Protocol.TCP, 6881);            // completes when the first method maps it
 * mapper.map(Protocol.UDP, 6881);
 * PortMapperStatus status = mapper.status(); // per mapping and method: state, external port, lease, last error
 * mapper.close();                            // DeletePortMapping / lifetime 0, bounded by closeTimeout
 * }</pre>
 *
 * <p>Both methods run side by side, each with its own state per mapping ({@link MappingStatus}); a {@link #map}
 * future completes with the first method's success, or fails (with every method's reason) once every enabled
 * method has failed once; the mapper keeps retrying in the background with a back-off, so a router that comes up
 * later is still used. With both methods off the mapper maps nothing and serves only as the external address
 * voter ({@link #reportExternalAddress}), which the session feeds from trackers' and peers' reports.
 *
 * <p>Threading: all state is confined to one event loop of the given group; public methods are thread-safe and
 * post to it. {@link #status()} and {@link #externalAddress()} read the snapshot published after every change.
 * Listeners run on the loop and must not block. {@link #close()} blocks up to the close timeout and must not be
 * called on the loop.
 */
public final class PortMapper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PortMapper.class.getName());

    final EventLoop loop;
    private final EventLoopGroup ownedGroup;
    final Transport transport;
    final LongSupplier ticker;
    private final Clock clock;
    final RandomGenerator random;
    final boolean pcpEnabled;
    final InetSocketAddress ssdpTarget;
    final int ssdpRounds;
    final long ssdpTimeoutMillis;
    final long httpTimeoutMillis;
    final int pmpPort;
    final long upnpLeaseSeconds;
    final long pmpLifetimeSeconds;
    final String description;
    final RetrySchedule natPmpSchedule;
    final RetrySchedule pcpSchedule;
    final RetrySchedule deleteSchedule;
    final long baseBackoffNanos;
    final long maxBackoffNanos;
    private final long closeTimeoutMillis;
    final Supplier<InetAddress> gatewayFinder;

    private final UpnpDriver upnp;
    private final PmpDriver pmp;
    private final List<MappingDriver> drivers = new ArrayList<>();
    private final ExternalAddressVoter voter;
    private final Map<MappingKey, CompletableFuture<Mapping>> waiting = new HashMap<>();
    private final Map<MappingKey, Map<MappingMethod, String>> failures = new HashMap<>();
    private final List<Consumer<InetAddress>> listeners = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> timer;
    private long timerAt;
    private ScheduledFuture<?> voteExpiry;
    volatile boolean closing;
    private volatile PortMapperStatus status;

    private PortMapper(Builder b) {
        this.ownedGroup = b.group == null ? b.transport.newGroup(1, r -> {
            Thread t = new Thread(r, "hivebt-portmap");
            t.setDaemon(true);
            return t;
        }) : null;
        this.loop = (b.group != null ? b.group : ownedGroup).next();
        this.transport = b.transport;
        this.ticker = b.ticker;
        this.clock = b.clock;
        this.random = b.random;
        this.pcpEnabled = b.pcp;
        this.ssdpTarget = b.ssdpTarget;
        this.ssdpRounds = b.ssdpRounds;
        this.ssdpTimeoutMillis = b.ssdpTimeout.toMillis();
        this.httpTimeoutMillis = b.httpTimeout.toMillis();
        this.pmpPort = b.pmpPort;
        this.upnpLeaseSeconds = b.upnpLeaseSeconds;
        this.pmpLifetimeSeconds = b.pmpLifetimeSeconds;
        this.description = b.description;
        this.natPmpSchedule = b.natPmpSchedule;
        this.pcpSchedule = b.pcpSchedule != null ? b.pcpSchedule : RetrySchedule.pcp(b.random, 4);
        this.deleteSchedule = b.deleteSchedule;
        this.baseBackoffNanos = b.baseBackoff.toNanos();
        this.maxBackoffNanos = b.maxBackoff.toNanos();
        this.closeTimeoutMillis = b.closeTimeout.toMillis();
        this.gatewayFinder = b.gateway != null ? () -> b.gateway : Gateways::defaultGateway;
        this.voter = new ExternalAddressVoter(200, TimeUnit.HOURS.toNanos(1), b.allowPrivateExternal);
        this.upnp = b.upnp ? new UpnpDriver(this) : null;
        this.pmp = b.natpmp ? new PmpDriver(this) : null;
        if (pmp != null) {
            drivers.add(pmp);
        }
        if (upnp != null) {
            drivers.add(upnp);
        }
        this.status = snapshot();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- public API -------------------------------------------------------------------------------------------------

    /**
     * Maps {@code internalPort} for {@code protocol} with every enabled method and keeps it mapped until
     * {@link #unmap} or {@link #close}. Completes with the first granted mapping, or fails with a
     * {@link NatException} once every enabled method failed (the mapper keeps retrying in the background). Calling
     * it again for a mapping already wanted returns the current state.
     */
    public CompletableFuture<Mapping> map(Protocol protocol, int internalPort) {
        Objects.requireNonNull(protocol, "protocol");
        if (internalPort < 1 || internalPort > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + internalPort);
        }
        MappingKey key = new MappingKey(protocol, internalPort);
        CompletableFuture<Mapping> f = new CompletableFuture<>();
        onLoop(() -> {
            if (closing) {
                f.completeExceptionally(new NatException(Reason.CLOSED, "the port mapper is closed"));
                return;
            }
            if (drivers.isEmpty()) {
                f.completeExceptionally(new NatException(Reason.CLOSED, "UPnP and NAT-PMP/PCP are both disabled"));
                return;
            }
            Mapping done = grantedMapping(key);
            if (done != null) {
                f.complete(done);
                return;
            }
            CompletableFuture<Mapping> existing = waiting.putIfAbsent(key, f);
            if (existing != null) {
                existing.whenComplete((m, e) -> {
                    if (e != null) {
                        f.completeExceptionally(e);
                    } else {
                        f.complete(m);
                    }
                });
            }
            long now = now();
            for (MappingDriver d : drivers) {
                d.book.add(key, now);
            }
            changed();
        });
        return f;
    }

    /** Stops mapping {@code internalPort}/{@code protocol} and deletes it at the gateway. */
    public CompletableFuture<Void> unmap(Protocol protocol, int internalPort) {
        MappingKey key = new MappingKey(protocol, internalPort);
        CompletableFuture<Void> f = new CompletableFuture<>();
        onLoop(() -> {
            List<CompletableFuture<Void>> deletes = new ArrayList<>();
            for (MappingDriver d : drivers) {
                LeaseBook.View<MappingKey> v = d.book.remove(key);
                if (v != null) {
                    deletes.add(d.delete(v));
                }
            }
            CompletableFuture<Mapping> w = waiting.remove(key);
            if (w != null) {
                w.completeExceptionally(new NatException(Reason.CLOSED, "unmapped before it was granted"));
            }
            failures.remove(key);
            changed();
            CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> f.complete(null));
        });
        return f;
    }

    /** The latest status snapshot. Never blocks. */
    public PortMapperStatus status() {
        return status;
    }

    /** Our external address as decided so far (gateway, trackers, peers), if any. Never blocks. */
    public Optional<InetAddress> externalAddress() {
        return Optional.ofNullable(status.externalAddress());
    }

    /**
     * Feeds the external address voter: {@code reporter} (a tracker's or peer's IP) says our address is
     * {@code claimed} (a tracker's {@code external ip}, a peer's {@code yourip}, a DHT node's {@code ip}).
     */
    public void reportExternalAddress(InetAddress claimed, ExternalAddressVoter.Source source, InetAddress reporter) {
        Objects.requireNonNull(source);
        Objects.requireNonNull(reporter);
        if (claimed == null) {
            return;
        }
        onLoop(() -> {
            if (voter.vote(claimed, source, reporter, now())) {
                addressChanged();
            }
            changed();
        });
    }

    /** Called on the mapper's loop with the new address whenever the decided external address changes. */
    public void addExternalAddressListener(Consumer<InetAddress> listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeExternalAddressListener(Consumer<InetAddress> listener) {
        listeners.remove(listener);
    }

    /**
     * Deletes every granted mapping at its gateway and releases sockets, waiting at most the close timeout.
     * Idempotent. Must not be called on the mapper's event loop.
     */
    @Override
    public void close() {
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        onLoop(() -> {
            if (closing) {
                deleted.complete(null);
                return;
            }
            closing = true;
            if (timer != null) {
                timer.cancel(false);
            }
            if (voteExpiry != null) {
                voteExpiry.cancel(false);
            }
            for (CompletableFuture<Mapping> w : waiting.values()) {
                w.completeExceptionally(new NatException(Reason.CLOSED, "the port mapper was closed"));
            }
            waiting.clear();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (MappingDriver d : drivers) {
                all.add(d.deleteAll());
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .completeOnTimeout(null, closeTimeoutMillis, TimeUnit.MILLISECONDS)
                    .whenComplete((v, e) -> onLoop(() -> {
                        for (MappingDriver d : drivers) {
                            d.close();
                        }
                        deleted.complete(null);
                    }));
        });
        if (!loop.inEventLoop()) {
            try {
                deleted.get(closeTimeoutMillis + 2000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(System.Logger.Level.DEBUG, "port mapper close: {0}", e.toString());
            }
        }
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    // ---- driver callbacks (on the loop) -----------------------------------------------------------------------------

    long now() {
        return ticker.getAsLong();
    }

    void onLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    void granted(MappingDriver d, MappingKey key) {
        status = snapshot();
        CompletableFuture<Mapping> w = waiting.remove(key);
        failures.remove(key);
        if (w != null) {
            w.complete(mapping(d, d.book.view(key)));
        }
    }

    void failed(MappingDriver d, MappingKey key, NatException e) {
        LOG.log(System.Logger.Level.DEBUG, "{0} {1}: {2}", d.method(), key, e.getMessage());
        status = snapshot();
        CompletableFuture<Mapping> w = waiting.get(key);
        if (w == null) {
            return;
        }
        Map<MappingMethod, String> byMethod = failures.computeIfAbsent(key, k -> new EnumMap<>(MappingMethod.class));
        byMethod.put(d instanceof UpnpDriver ? MappingMethod.UPNP : MappingMethod.NATPMP, e.getMessage());
        if (byMethod.size() >= drivers.size()) {
            waiting.remove(key);
            StringBuilder sb = new StringBuilder("cannot map " + key + ": ");
            byMethod.forEach((m, msg) -> sb.append(m == MappingMethod.NATPMP ? "NAT-PMP/PCP" : "UPnP")
                    .append(": ").append(msg).append("; "));
            sb.setLength(sb.length() - 2);
            w.completeExceptionally(new NatException(e.reason(), e.code(), sb.toString(), e));
        }
    }

    void gatewayReportedAddress(InetAddress external, String gatewayHost) {
        if (external == null) {
            return;
        }
        InetAddress reporter;
        try {
            reporter = InetAddress.getByName(gatewayHost); // an IP literal from a URL or the gateway itself
        } catch (java.net.UnknownHostException e) {
            return;
        }
        if (voter.vote(external, ExternalAddressVoter.Source.GATEWAY, reporter, now())) {
            addressChanged();
        }
    }

    private void addressChanged() {
        InetAddress a = voter.current();
        status = snapshot();
        LOG.log(System.Logger.Level.INFO, "external address: {0}", a == null ? "unknown" : a.getHostAddress());
        for (Consumer<InetAddress> l : listeners) {
            try {
                l.accept(a);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "external address listener failed", e);
            }
        }
    }

    /** Publishes a new snapshot and reschedules the tick. */
    void changed() {
        status = snapshot();
        if (closing) {
            return;
        }
        long now = now();
        long next = Long.MAX_VALUE;
        for (MappingDriver d : drivers) {
            long t = d.nextWakeupNanos(now);
            if (t != Long.MAX_VALUE && (next == Long.MAX_VALUE || t - next < 0)) {
                next = t;
            }
        }
        if (next == Long.MAX_VALUE) {
            return;
        }
        if (timer != null && !timer.isDone() && timerAt - next <= 0) {
            return; // an earlier tick is already scheduled
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = next;
        timer = loop.schedule(this::tick, Math.max(0, next - now), TimeUnit.NANOSECONDS);
        if (voteExpiry == null) {
            voteExpiry = loop.scheduleAtFixedRate(() -> {
                if (voter.expire(now())) {
                    addressChanged();
                }
            }, 10, 10, TimeUnit.MINUTES);
        }
    }

    private void tick() {
        timer = null;
        if (closing) {
            return;
        }
        long now = now();
        for (MappingDriver d : drivers) {
            try {
                d.tick(now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "port mapping " + d.method() + " failed unexpectedly", e);
            }
        }
        changed();
    }

    // ---- snapshots ------------------------------------------------------------------------------------------------

    private Mapping grantedMapping(MappingKey key) {
        for (MappingDriver d : drivers) {
            LeaseBook.View<MappingKey> v = d.book.view(key);
            if (v != null && v.state() == LeaseBook.State.MAPPED) {
                return mapping(d, v);
            }
        }
        return null;
    }

    private Mapping mapping(MappingDriver d, LeaseBook.View<MappingKey> v) {
        return new Mapping(v.key().protocol(), v.key().port(), v.externalPort(), v.externalAddress(), d.method(),
                expiry(v));
    }

    private Instant expiry(LeaseBook.View<MappingKey> v) {
        if (v.state() != LeaseBook.State.MAPPED || v.expiresAtNanos() == Long.MAX_VALUE) {
            return null;
        }
        return clock.instant().plusNanos(v.expiresAtNanos() - now());
    }

    private PortMapperStatus snapshot() {
        List<MappingStatus> list = new ArrayList<>();
        for (MappingDriver d : drivers) {
            for (LeaseBook.View<MappingKey> v : d.book.views()) {
                MappingStatus.State s = switch (v.state()) {
                    case PENDING -> MappingStatus.State.PENDING;
                    case MAPPED -> MappingStatus.State.MAPPED;
                    case FAILED -> MappingStatus.State.FAILED;
                };
                list.add(new MappingStatus(v.key().protocol(), v.key().port(), d.method(), s, v.externalPort(),
                        v.externalAddress(), expiry(v), v.lastError()));
            }
        }
        return new PortMapperStatus(upnp != null, pmp != null, upnp == null ? null : upnp.device(),
                upnp == null ? null : upnp.error(), pmp == null ? null : pmp.gateway(),
                pmp == null ? null : pmp.error(), voter.current(), list);
    }

    static NatException natException(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof NatException n) {
            return n;
        }
        return new NatException(Reason.NETWORK, 0, String.valueOf(t.getMessage() != null ? t.getMessage() : t), t);
    }

    // ---- builder ----------------------------------------------------------------------------------------------------

    /** Builder; not thread-safe. Defaults: both methods off, NIO transport, RFC retry schedules. */
    public static final class Builder {
        private boolean upnp;
        private boolean natpmp;
        private boolean pcp = true;
        private EventLoopGroup group;
        private Transport transport = Transport.nio();
        private LongSupplier ticker = System::nanoTime;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = new SecureRandom();
        private InetAddress gateway;
        private InetSocketAddress ssdpTarget = new InetSocketAddress(SsdpMessages.MULTICAST_ADDRESS, SsdpMessages.PORT);
        private int ssdpRounds = 3;
        private Duration ssdpTimeout = Duration.ofSeconds(5);
        private Duration httpTimeout = Duration.ofSeconds(10);
        private int pmpPort = 5351;
        private long upnpLeaseSeconds = 3600;
        private long pmpLifetimeSeconds = 7200;
        private String description = "hivebt";
        private RetrySchedule natPmpSchedule = RetrySchedule.NAT_PMP;
        private RetrySchedule pcpSchedule;
        private RetrySchedule deleteSchedule = RetrySchedule.fixed(250_000_000L, 500_000_000L, 1_000_000_000L);
        private Duration baseBackoff = Duration.ofMinutes(1);
        private Duration maxBackoff = Duration.ofMinutes(30);
        private Duration closeTimeout = Duration.ofSeconds(3);
        private boolean allowPrivateExternal;

        private Builder() {
        }

        /** Map with UPnP IGD (session setting {@code enable_upnp}). */
        public Builder upnp(boolean on) {
            this.upnp = on;
            return this;
        }

        /** Map with NAT-PMP/PCP (session setting {@code enable_natpmp}). */
        public Builder natpmp(boolean on) {
            this.natpmp = on;
            return this;
        }

        /** Try PCP before NAT-PMP (default true); false speaks only NAT-PMP. */
        public Builder pcp(boolean on) {
            this.pcp = on;
            return this;
        }

        /** The session's event loops; default: a one-thread group the mapper owns. */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.group = group;
            return this;
        }

        /** Channel classes matching the group; default NIO. */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport);
            return this;
        }

        public Builder ticker(LongSupplier nanoTicker) {
            this.ticker = Objects.requireNonNull(nanoTicker);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Source of PCP nonces and retransmission jitter. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** The NAT-PMP/PCP gateway; default: the default route in {@code /proc/net/route}. */
        public Builder gateway(InetAddress gateway) {
            this.gateway = gateway;
            return this;
        }

        /** Where M-SEARCH goes; default 239.255.255.250:1900 (tests point it at a loopback responder). */
        public Builder ssdpTarget(InetSocketAddress target) {
            this.ssdpTarget = Objects.requireNonNull(target);
            return this;
        }

        /** M-SEARCH rounds, one second apart (default 3), and how long to collect replies (default 5 s). */
        public Builder ssdp(int rounds, Duration timeout) {
            if (rounds < 1 || rounds > 10 || timeout.isNegative() || timeout.toMillis() < 100) {
                throw new IllegalArgumentException("ssdp rounds 1..10 and a timeout of at least 100 ms");
            }
            this.ssdpRounds = rounds;
            this.ssdpTimeout = timeout;
            return this;
        }

        /** Deadline of one HTTP exchange with a UPnP device (default 10 s). */
        public Builder httpTimeout(Duration timeout) {
            if (timeout.toMillis() < 1) {
                throw new IllegalArgumentException("httpTimeout must be positive");
            }
            this.httpTimeout = timeout;
            return this;
        }

        /** The gateway's NAT-PMP/PCP port (default 5351; tests use another). */
        public Builder natPmpPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535");
            }
            this.pmpPort = port;
            return this;
        }

        /** Lease requested: UPnP (default 3600 s, 0 = permanent) and NAT-PMP/PCP (default 7200 s, RFC 6886 §3.3). */
        public Builder leases(long upnpSeconds, long natPmpSeconds) {
            if (upnpSeconds < 0 || upnpSeconds > 604_800 || natPmpSeconds < 1 || natPmpSeconds > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("UPnP lease 0..604800 s, NAT-PMP lifetime positive");
            }
            this.upnpLeaseSeconds = upnpSeconds;
            this.pmpLifetimeSeconds = natPmpSeconds;
            return this;
        }

        /** The mapping description shown in the router (default "hivebt"). */
        public Builder description(String description) {
            this.description = Objects.requireNonNull(description);
            return this;
        }

        /** Retransmissions: NAT-PMP (default RFC 6886, 9 sends), PCP (default RFC 6887, 4 sends), deletes on close. */
        public Builder schedules(RetrySchedule natPmp, RetrySchedule pcp, RetrySchedule delete) {
            this.natPmpSchedule = Objects.requireNonNull(natPmp);
            this.pcpSchedule = pcp;
            this.deleteSchedule = Objects.requireNonNull(delete);
            return this;
        }

        /** Back-off after failures: from {@code base} doubling to {@code max} (default 1 and 30 minutes). */
        public Builder backoff(Duration base, Duration max) {
            if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
                throw new IllegalArgumentException("back-off must be positive and max >= base");
            }
            this.baseBackoff = base;
            this.maxBackoff = max;
            return this;
        }

        /** How long {@link #close()} waits for deletions (default 3 s). */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Believe private external addresses (test networks); default false. */
        public Builder allowPrivateExternal(boolean on) {
            this.allowPrivateExternal = on;
            return this;
        }

        public PortMapper build() {
            return new PortMapper(this);
        }
    }
}
