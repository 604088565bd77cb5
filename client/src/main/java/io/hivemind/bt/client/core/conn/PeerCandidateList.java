package io.hivemind.bt.client.core.conn;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The peers a torrent has learned of (trackers, DHT, PEX, LSD, incoming connections, resume data) and may dial:
 * bounded, deduplicated by address, with the sources that reported each peer and its connection history.
 *
 * <h2>Implementation note</h2>
 * Candidates live in a hash map by address. {@link #nextToDial} scans them (O(n), n &le; {@code maxCandidates},
 * called at most a few times per second per torrent) and takes the best eligible ones by: never tried first,
 * then source rank (manual and resume data, then local discovery, trackers, PEX, DHT, incoming), then fewest
 * failures, then the oldest attempt. A failed dial backs off exponentially ({@code retryBase * 2^(failures-1)},
 * capped at {@code retryMax}); after {@code maxFailures} consecutive failures the candidate is dropped. A
 * connection that ends normally may be retried after {@code reconnectDelay}. Banned addresses and our own
 * (connect-to-self) are kept, flagged, and never dialed, so rediscovery cannot bring them back. When the list
 * is full, a new address replaces the worst idle candidate (most failures, then least recently heard of), or
 * is refused if every entry is connected, banned or ours.
 *
 * <p>Addresses are taken as given ({@link InetSocketAddress} built from literal IPs; nothing here resolves
 * names). Not thread-safe: owned by the torrent's event loop.
 */
public final class PeerCandidateList {
    public static final int SOURCE_MANUAL = 1;
    public static final int SOURCE_RESUME = 1 << 1;
    public static final int SOURCE_LSD = 1 << 2;
    public static final int SOURCE_TRACKER = 1 << 3;
    public static final int SOURCE_PEX = 1 << 4;
    public static final int SOURCE_DHT = 1 << 5;
    public static final int SOURCE_INCOMING = 1 << 6;
    private static final int ALL_SOURCES = (1 << 7) - 1;

    /** Where a candidate stands. */
    public enum State { IDLE, CONNECTING, CONNECTED }

    /**
     * Settings.
     *
     * @param maxCandidates addresses kept at most (libtorrent's max_peerlist_size)
     * @param maxFailures consecutive failed dials before an address is dropped
     * @param retryBaseNanos wait after the first failure
     * @param retryMaxNanos longest wait between attempts
     * @param reconnectDelayNanos wait after a connection that ended normally
     */
    public record Config(int maxCandidates, int maxFailures, long retryBaseNanos, long retryMaxNanos,
            long reconnectDelayNanos) {
        public static final Config DEFAULT = new Config(4000, 5, 30_000_000_000L, 3_600_000_000_000L,
                60_000_000_000L);

        public Config {
            if (maxCandidates < 1 || maxFailures < 1 || retryBaseNanos < 0 || retryMaxNanos < retryBaseNanos
                    || reconnectDelayNanos < 0) {
                throw new IllegalArgumentException("bad candidate list settings " + this);
            }
        }
    }

    private static final class Candidate {
        final InetSocketAddress address;
        int sources;
        State state = State.IDLE;
        int failures;
        int attempts;
        long lastAttempt = Long.MIN_VALUE;
        long nextAttempt = Long.MIN_VALUE;
        long lastHeard;
        boolean banned;
        boolean self;
        boolean seed;

        Candidate(InetSocketAddress address) {
            this.address = address;
        }

        boolean idle() {
            return state == State.IDLE && !banned && !self;
        }
    }

    private final Config config;
    private final Map<InetSocketAddress, Candidate> candidates = new HashMap<>();

    public PeerCandidateList(Config config) {
        this.config = config;
    }

    /**
     * Records that {@code source} (one or more SOURCE_ flags) reported {@code address}. Returns true if the address
     * is new to the list; false if it was known (its sources are merged) or refused because the list is full.
     */
    public boolean add(InetSocketAddress address, int source, long nowNanos) {
        if (source == 0 || (source & ~ALL_SOURCES) != 0) {
            throw new IllegalArgumentException("source flags " + source);
        }
        if (address.getPort() == 0 || address.isUnresolved()) {
            return false;
        }
        Candidate c = candidates.get(address);
        if (c != null) {
            c.sources |= source;
            c.lastHeard = nowNanos;
            return false;
        }
        if (candidates.size() >= config.maxCandidates() && !evictOne()) {
            return false;
        }
        c = new Candidate(address);
        c.sources = source;
        c.lastHeard = nowNanos;
        candidates.put(address, c);
        return true;
    }

    /** Adds many addresses from one source; returns how many were new. */
    public int addAll(Collection<InetSocketAddress> addresses, int source, long nowNanos) {
        int n = 0;
        for (InetSocketAddress a : addresses) {
            if (add(a, source, nowNanos)) {
                n++;
            }
        }
        return n;
    }

    /** A hint (PEX flag, handshake, have-all) that the peer is a seed; seeds are skipped once we are a seed. */
    public void markSeed(InetSocketAddress address, boolean seed) {
        Candidate c = candidates.get(address);
        if (c != null) {
            c.seed = seed;
        }
    }

    /** Never dial this address again (smart ban, IP filter, protocol abuse). */
    public void ban(InetSocketAddress address, long nowNanos) {
        Candidate c = candidates.get(address);
        if (c == null) {
            if (candidates.size() >= config.maxCandidates() && !evictOne()) {
                return;
            }
            c = new Candidate(address);
            c.sources = SOURCE_MANUAL;
            c.lastHeard = nowNanos;
            candidates.put(address, c);
        }
        c.banned = true;
    }

    /** The address is our own listen address (connect-to-self detected): never dial it. */
    public void markSelf(InetSocketAddress address, long nowNanos) {
        ban(address, nowNanos);
        Candidate c = candidates.get(address);
        if (c != null) {
            c.banned = false;
            c.self = true;
        }
    }

    public boolean isBanned(InetSocketAddress address) {
        Candidate c = candidates.get(address);
        return c != null && (c.banned || c.self);
    }

    public boolean contains(InetSocketAddress address) {
        return candidates.containsKey(address);
    }

    public int size() {
        return candidates.size();
    }

    /** The sources that reported the address (SOURCE_ flags), 0 if unknown. */
    public int sources(InetSocketAddress address) {
        Candidate c = candidates.get(address);
        return c == null ? 0 : c.sources;
    }

    public State state(InetSocketAddress address) {
        Candidate c = candidates.get(address);
        return c == null ? null : c.state;
    }

    public int failures(InetSocketAddress address) {
        Candidate c = candidates.get(address);
        return c == null ? 0 : c.failures;
    }

    /**
     * Picks up to {@code max} candidates to dial now, best first, marks them connecting and appends them to
     * {@code out}. With {@code skipSeeds} (we are a seed), known seeds are not dialed. Returns how many.
     */
    public int nextToDial(int max, long nowNanos, boolean skipSeeds, List<InetSocketAddress> out) {
        if (max <= 0) {
            return 0;
        }
        Candidate[] best = new Candidate[max];
        long[] keys = new long[max];
        int found = 0;
        for (Candidate c : candidates.values()) {
            if (!c.idle() || (skipSeeds && c.seed) || backingOff(c, nowNanos)) {
                continue;
            }
            long key = dialKey(c);
            if (found == max && key >= keys[found - 1]) {
                continue;
            }
            int i = found == max ? max - 1 : found++;
            while (i > 0 && keys[i - 1] > key) {
                keys[i] = keys[i - 1];
                best[i] = best[i - 1];
                i--;
            }
            keys[i] = key;
            best[i] = c;
        }
        for (int i = 0; i < found; i++) {
            Candidate c = best[i];
            c.state = State.CONNECTING;
            c.attempts++;
            c.lastAttempt = nowNanos;
            out.add(c.address);
        }
        return found;
    }

    /**
     * Records a connection (outgoing that completed its handshake, or incoming, which also adds the address with
     * {@link #SOURCE_INCOMING}). Returns false if the address is banned or ours: close it.
     */
    public boolean connected(InetSocketAddress address, long nowNanos) {
        Candidate c = candidates.get(address);
        if (c == null) {
            add(address, SOURCE_INCOMING, nowNanos);
            c = candidates.get(address);
            if (c == null) {
                return true; // list full of busy entries: allow, untracked
            }
        }
        if (c.banned || c.self) {
            return false;
        }
        c.state = State.CONNECTED;
        c.failures = 0;
        return true;
    }

    /** A dial failed (refused, timed out, handshake failed): back off, or drop the address after too many. */
    public void dialFailed(InetSocketAddress address, long nowNanos) {
        Candidate c = candidates.get(address);
        if (c == null) {
            return;
        }
        c.state = State.IDLE;
        c.failures++;
        if (c.failures >= config.maxFailures() && !c.banned && !c.self) {
            candidates.remove(address);
            return;
        }
        long wait = config.retryBaseNanos() << Math.min(c.failures - 1, 40);
        if (wait < 0 || wait > config.retryMaxNanos()) {
            wait = config.retryMaxNanos();
        }
        c.nextAttempt = nowNanos + wait;
    }

    /** An established connection closed; the address may be dialed again after the reconnect delay. */
    public void disconnected(InetSocketAddress address, long nowNanos) {
        Candidate c = candidates.get(address);
        if (c == null) {
            return;
        }
        c.state = State.IDLE;
        c.nextAttempt = nowNanos + config.reconnectDelayNanos();
    }

    /** Forgets an address (unless banned or ours). */
    public boolean remove(InetSocketAddress address) {
        Candidate c = candidates.get(address);
        if (c == null || c.banned || c.self) {
            return false;
        }
        candidates.remove(address);
        return true;
    }

    /** Number of candidates that could be dialed at {@code nowNanos}. */
    public int dialableCount(long nowNanos, boolean skipSeeds) {
        int n = 0;
        for (Candidate c : candidates.values()) {
            if (c.idle() && !(skipSeeds && c.seed) && !backingOff(c, nowNanos)) {
                n++;
            }
        }
        return n;
    }

    /** Addresses known, for PEX and resume data (idle and connected, not banned or ours). */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            if (!c.banned && !c.self) {
                out.add(c.address);
            }
        }
        return out;
    }

    private static boolean backingOff(Candidate c, long now) {
        return c.nextAttempt != Long.MIN_VALUE && now - c.nextAttempt < 0;
    }

    /** Lower is dialed first. */
    private static long dialKey(Candidate c) {
        long tried = c.attempts == 0 ? 0 : 1;
        long rank = sourceRank(c.sources);
        long failures = Math.min(c.failures, 255);
        long age = (c.lastAttempt - Long.MIN_VALUE) >>> 21; // unsigned: keeps the order of any nanoTime values
        return (tried << 62) | (rank << 58) | (failures << 50) | age;
    }

    private static int sourceRank(int sources) {
        if ((sources & (SOURCE_MANUAL | SOURCE_RESUME)) != 0) {
            return 0;
        }
        if ((sources & SOURCE_LSD) != 0) {
            return 1;
        }
        if ((sources & SOURCE_TRACKER) != 0) {
            return 2;
        }
        if ((sources & SOURCE_PEX) != 0) {
            return 3;
        }
        if ((sources & SOURCE_DHT) != 0) {
            return 4;
        }
        return 5;
    }

    /** Drops the worst idle candidate to make room; false if none can go. */
    private boolean evictOne() {
        Candidate worst = null;
        for (Candidate c : candidates.values()) {
            if (!c.idle()) {
                continue;
            }
            if (worst == null || c.failures > worst.failures
                    || (c.failures == worst.failures && c.lastHeard - worst.lastHeard < 0)) {
                worst = c;
            }
        }
        if (worst == null) {
            return false;
        }
        candidates.remove(worst.address);
        return true;
    }
}
