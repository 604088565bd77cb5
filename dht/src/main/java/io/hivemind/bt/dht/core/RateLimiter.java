package io.hivemind.bt.dht.core;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-IP packet rate limit (HARDENING.md, DHT): an address that sends more than {@code rate} packets a second
 * averaged over {@code window} is ignored for {@code banTime}.
 *
 * <p>Implementation note: one token bucket per address, refilled at {@code rate} per second up to
 * {@code rate × window} tokens, so a burst of a window's worth is allowed and a sustained rate above
 * {@code rate} empties it; the packet that finds the bucket empty bans the address. The table is an
 * access-ordered map bounded by {@code maxTracked} entries (least recently seen evicted), so a flood from many
 * source addresses costs bounded memory; that flood is the global upload budget's job ({@link TokenBucket}).
 * Not thread-safe: owned by the node's event loop.
 */
public final class RateLimiter {
    private final double ratePerNano;
    private final double capacity;
    private final long banNanos;
    private final Map<InetAddress, State> states;
    private long banned;

    private static final class State {
        double tokens;
        long updated;
        long bannedUntil;
    }

    /**
     * @param ratePerSecond average packets a second allowed
     * @param windowNanos   the averaging window (bucket depth = rate × window)
     * @param banNanos      how long an address over the limit is ignored
     * @param maxTracked    most addresses remembered
     */
    public RateLimiter(double ratePerSecond, long windowNanos, long banNanos, int maxTracked) {
        if (ratePerSecond <= 0 || windowNanos <= 0 || banNanos < 0 || maxTracked < 1) {
            throw new IllegalArgumentException("bad rate limit settings");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.capacity = ratePerSecond * windowNanos / 1e9;
        this.banNanos = banNanos;
        this.states = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, State> eldest) {
                return size() > maxTracked;
            }
        };
    }

    /** Counts one packet from {@code ip}; false when it must be ignored. */
    public boolean allow(InetAddress ip, long nowNanos) {
        State s = states.get(ip);
        if (s == null) {
            s = new State();
            s.tokens = capacity;
            s.updated = nowNanos;
            states.put(ip, s);
        }
        if (s.bannedUntil != 0) {
            if (nowNanos - s.bannedUntil < 0) {
                return false;
            }
            s.bannedUntil = 0;
            s.tokens = capacity;
            s.updated = nowNanos;
        }
        s.tokens = Math.min(capacity, s.tokens + (nowNanos - s.updated) * ratePerNano);
        s.updated = nowNanos;
        if (s.tokens < 1) {
            s.bannedUntil = nowNanos + Math.max(1, banNanos);
            banned++;
            return false;
        }
        s.tokens -= 1;
        return true;
    }

    /** True while {@code ip} is banned. */
    public boolean isBanned(InetAddress ip, long nowNanos) {
        State s = states.get(ip);
        return s != null && s.bannedUntil != 0 && nowNanos - s.bannedUntil < 0;
    }

    /** Addresses banned so far. */
    public long bans() {
        return banned;
    }

    /** Addresses currently tracked. */
    public int tracked() {
        return states.size();
    }
}
