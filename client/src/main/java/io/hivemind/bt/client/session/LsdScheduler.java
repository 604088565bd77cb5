package io.hivemind.bt.client.session;

import io.hivemind.bt.client.core.rate.TokenBucket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The decisions of BEP 14 Local Service Discovery: which info-hashes to announce when, batched into packets, and
 * which received packets to process. Pure: no I/O, no clock of its own (every method takes {@code nowNanos}).
 *
 * <h2>Implementation note</h2>
 * Outbound: an info-hash is announced as soon as it appears, once more {@code minInterval} later (a datagram may be
 * lost, and a neighbour that started a moment after us would otherwise wait five minutes), then every
 * {@code announceInterval} (5 minutes, BEP 14 "Usage"). Never more than once per {@code minInterval} (1 minute)
 * per info-hash, as BEP 14 asks. Due info-hashes are packed several to a packet (BEP 14 allows consecutive
 * {@code Infohash} headers), oldest first, and packets are paced by a token bucket ({@code packetBurst} at once,
 * then one per {@code packetInterval}): with many torrents the announces turn round-robin, as BEP 14 suggests.
 * An info-hash that leaves the active set is forgotten, so adding it again announces it at once.
 *
 * <p>Inbound: a global token bucket and one per source address (kept for at most {@code maxSources} addresses,
 * least recently heard evicted) bound the packets processed, whatever a flood of spoofed sources does. Token
 * buckets count milli-packets so that rates below one per second stay exact.
 *
 * <p>Not thread-safe: owned by the LSD service's event loop.
 */
final class LsdScheduler {
    private static final long MILLI = 1000;

    /**
     * Settings.
     *
     * @param announceIntervalNanos  regular re-announce period per info-hash (BEP 14: 5 minutes)
     * @param minIntervalNanos       shortest time between two announces of one info-hash (BEP 14: 1 minute)
     * @param packetBurst            packets that may be sent back to back
     * @param packetIntervalNanos    one more packet allowed per this period after the burst
     * @param inboundBurst           packets processed back to back, all sources together
     * @param inboundPerSecond       packets processed per second, all sources together
     * @param perSourceBurst         packets processed back to back from one address
     * @param perSourceIntervalNanos one more packet from the same address allowed per this period
     * @param maxSources             source addresses whose budget is remembered
     */
    record Config(long announceIntervalNanos, long minIntervalNanos, int packetBurst, long packetIntervalNanos,
            int inboundBurst, int inboundPerSecond, int perSourceBurst, long perSourceIntervalNanos, int maxSources) {
        static final Config DEFAULT = new Config(TimeUnit.MINUTES.toNanos(5), TimeUnit.MINUTES.toNanos(1), 4,
                TimeUnit.SECONDS.toNanos(10), 100, 50, 10, TimeUnit.SECONDS.toNanos(1), 256);

        Config {
            if (announceIntervalNanos < minIntervalNanos || minIntervalNanos <= 0 || packetBurst < 1
                    || packetIntervalNanos <= 0 || inboundBurst < 1 || inboundPerSecond < 1 || perSourceBurst < 1
                    || perSourceIntervalNanos <= 0 || maxSources < 1) {
                throw new IllegalArgumentException("bad LSD settings " + this);
            }
        }
    }

    private static final class Entry {
        long last;
        int sent;
    }

    private final Config config;
    private final Map<DefaultSession.IdKey, Entry> entries = new HashMap<>();
    private final TokenBucket packets;
    private final TokenBucket inbound;
    private final LinkedHashMap<InetAddress, TokenBucket> sources;
    private long refused;

    LsdScheduler(Config config, long nowNanos) {
        this.config = config;
        this.packets = new TokenBucket(perSecondMilli(config.packetIntervalNanos()), config.packetBurst() * MILLI,
                nowNanos);
        this.inbound = new TokenBucket(config.inboundPerSecond() * MILLI, config.inboundBurst() * MILLI, nowNanos);
        this.sources = new LinkedHashMap<>(64, 0.75f, true);
    }

    private static long perSecondMilli(long intervalNanos) {
        return Math.max(1, MILLI * TimeUnit.SECONDS.toNanos(1) / intervalNanos);
    }

    /**
     * The announces to send now: batches of at most {@code perPacket} 20-byte info-hashes from {@code active}, one
     * batch per packet, as many packets as the budget allows. Returned info-hashes count as announced.
     */
    List<List<byte[]>> due(Collection<byte[]> active, int perPacket, long nowNanos) {
        if (perPacket < 1) {
            throw new IllegalArgumentException("perPacket " + perPacket);
        }
        Set<DefaultSession.IdKey> live = new HashSet<>();
        List<DefaultSession.IdKey> due = new ArrayList<>();
        for (byte[] id : active) {
            DefaultSession.IdKey k = new DefaultSession.IdKey(id.clone());
            if (!live.add(k)) {
                continue;
            }
            Entry e = entries.get(k);
            if (e == null || isDue(e, nowNanos)) {
                due.add(k);
            }
        }
        entries.keySet().retainAll(live);
        if (due.isEmpty()) {
            return List.of();
        }
        // never announced first, then the longest waiting
        due.sort((a, b) -> {
            Entry ea = entries.get(a);
            Entry eb = entries.get(b);
            if (ea == null || eb == null) {
                return ea == null ? (eb == null ? 0 : -1) : 1;
            }
            return Long.compare(ea.last - nowNanos, eb.last - nowNanos);
        });
        List<List<byte[]>> out = new ArrayList<>();
        int i = 0;
        while (i < due.size() && packets.tryConsumeAll(MILLI, nowNanos)) {
            List<byte[]> batch = new ArrayList<>(Math.min(perPacket, due.size() - i));
            for (int n = 0; n < perPacket && i < due.size(); n++, i++) {
                DefaultSession.IdKey k = due.get(i);
                Entry e = entries.computeIfAbsent(k, x -> new Entry());
                e.last = nowNanos;
                e.sent = Math.min(e.sent + 1, 2);
                batch.add(k.id().clone());
            }
            out.add(batch);
        }
        return out;
    }

    private boolean isDue(Entry e, long now) {
        long since = now - e.last;
        if (since < config.minIntervalNanos()) {
            return false;
        }
        return e.sent < 2 || since >= config.announceIntervalNanos();
    }

    /** How many info-hashes are tracked (announced at least once and still active). */
    int tracked() {
        return entries.size();
    }

    /**
     * True if a packet from {@code source} may be processed now; takes from both the global and the source's
     * budget. A refusal is counted ({@link #refused()}).
     */
    boolean admit(InetAddress source, long nowNanos) {
        TokenBucket b = sources.get(source);
        if (b == null) {
            if (sources.size() >= config.maxSources()) {
                var it = sources.entrySet().iterator();
                it.next();
                it.remove();
            }
            b = new TokenBucket(perSecondMilli(config.perSourceIntervalNanos()), config.perSourceBurst() * MILLI,
                    nowNanos);
            sources.put(source, b);
        }
        if (b.available(nowNanos) < MILLI || !inbound.tryConsumeAll(MILLI, nowNanos)) {
            refused++;
            return false;
        }
        b.tryConsumeAll(MILLI, nowNanos);
        return true;
    }

    /** Packets refused by {@link #admit} so far. */
    long refused() {
        return refused;
    }

    /** Source addresses whose budget is remembered (at most {@code maxSources}). */
    int sourcesTracked() {
        return sources.size();
    }
}
