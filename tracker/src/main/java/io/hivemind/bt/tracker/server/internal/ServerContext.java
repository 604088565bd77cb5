package io.hivemind.bt.tracker.server.internal;

import io.hivemind.bt.tracker.server.TrackerServerConfig;
import io.hivemind.bt.tracker.server.TrackerServerStats;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * What the HTTP and UDP handlers of one tracker server share: the settings, the {@link SwarmRegistry}, the
 * connection-id authority, the whitelist and the counters. Thread-safe.
 */
public final class ServerContext {
    public final TrackerServerConfig config;
    public final SwarmRegistry registry;
    public final ConnectionIds connectionIds;
    public final LongSupplier ticker;
    public final long startNanos;
    public final int intervalSeconds;
    public final int minIntervalSeconds;
    private final List<AddressRange> trusted;
    private volatile InfoHashSet whitelist;

    public final LongAdder announces = new LongAdder();
    public final LongAdder scrapes = new LongAdder();
    public final LongAdder connects = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    private final RateWindow announceRate = new RateWindow(11);
    private final RateWindow scrapeRate = new RateWindow(11);
    private final ThreadLocal<SwarmRegistry.AnnounceResult> results;

    public ServerContext(TrackerServerConfig config, InfoHashSet whitelist, LongSupplier ticker,
                         RandomGenerator keySource) {
        this.config = config;
        this.ticker = ticker;
        this.startNanos = ticker.getAsLong();
        this.whitelist = whitelist;
        this.registry = new SwarmRegistry(new SwarmRegistry.Limits(config.maxSwarms(), config.maxPeersPerSwarm(),
                config.peerTimeout()), keySource.nextLong(), startNanos);
        this.connectionIds = ConnectionIds.standard(keySource, startNanos);
        this.intervalSeconds = (int) config.announceInterval().toSeconds();
        this.minIntervalSeconds = (int) config.minInterval().toSeconds();
        List<AddressRange> t = new ArrayList<>();
        for (String s : config.trustedProxies()) {
            t.add(AddressRange.parse(s));
        }
        this.trusted = List.copyOf(t);
        int max = config.maxPeers();
        this.results = ThreadLocal.withInitial(() -> new SwarmRegistry.AnnounceResult(max));
    }

    /** This thread's reusable announce result. */
    public SwarmRegistry.AnnounceResult result() {
        return results.get();
    }

    /** {@code numwant} after the rules: negative means the default; capped at max peers. */
    public int numWant(int requested) {
        if (requested < 0) {
            return config.defaultNumWant();
        }
        return Math.min(requested, config.maxPeers());
    }

    /** Whether announces for {@code infoHash} are served (always, without a whitelist). */
    public boolean allowed(byte[] infoHash) {
        InfoHashSet w = whitelist;
        return w == null || w.contains(infoHash);
    }

    public void whitelist(InfoHashSet w) {
        this.whitelist = w;
    }

    public InfoHashSet whitelist() {
        return whitelist;
    }

    /** Whether forwarding headers and {@code ip=} from this direct peer are believed. */
    public boolean trusted(InetAddress direct) {
        for (AddressRange r : trusted) {
            if (r.contains(direct)) {
                return true;
            }
        }
        return false;
    }

    /** Takes a rate sample; called once a second by the server's timer. */
    public synchronized void sample(long nowNanos) {
        announceRate.sample(announces.sum(), nowNanos);
        scrapeRate.sample(scrapes.sum(), nowNanos);
    }

    public TrackerServerStats stats() {
        long[] totals = registry.totals();
        double a;
        double s;
        synchronized (this) {
            a = announceRate.perSecond();
            s = scrapeRate.perSecond();
        }
        Runtime rt = Runtime.getRuntime();
        return new TrackerServerStats(registry.swarms(), totals[0], totals[1], a, s, announces.sum(), scrapes.sum(),
                connects.sum(), rejected.sum(), (ticker.getAsLong() - startNanos) / 1_000_000_000L,
                rt.totalMemory() - rt.freeMemory());
    }
}
