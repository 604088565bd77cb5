package io.hivemind.bt.client.daemon.http;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Throttles failed logins per client address (HARDENING.md "Web UI, REST and RPC"): after
 * {@code freeFailures} failures an address is blocked for {@code baseBlockNanos}, doubling with every further
 * failure up to {@code maxBlockNanos}; a success clears its record, and records expire after {@code maxBlockNanos}
 * without failures. While blocked, requests are refused before their credentials are even compared, so guessing
 * proceeds at most at one try per block period. At most {@code maxTracked} addresses are remembered (the oldest
 * record is dropped first), so a flood from many addresses costs bounded memory.
 *
 * <p>A pure core: time comes in as {@code nowNanos}. Thread-safe (synchronized; it is touched once per
 * authenticated request, far from any hot path).
 */
public final class LoginThrottle {
    private final int freeFailures;
    private final long baseBlockNanos;
    private final long maxBlockNanos;
    private final int maxTracked;
    private final LinkedHashMap<InetAddress, Record> records = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Record {
        int failures;
        long lastFailure;
        long blockedUntil;
    }

    public LoginThrottle(int freeFailures, long baseBlockNanos, long maxBlockNanos, int maxTracked) {
        if (freeFailures < 1 || baseBlockNanos <= 0 || maxBlockNanos < baseBlockNanos || maxTracked < 1) {
            throw new IllegalArgumentException("bad throttle parameters");
        }
        this.freeFailures = freeFailures;
        this.baseBlockNanos = baseBlockNanos;
        this.maxBlockNanos = maxBlockNanos;
        this.maxTracked = maxTracked;
    }

    /** Defaults: 5 free failures, then 1 s doubling up to 5 minutes; 10,000 addresses tracked. */
    public static LoginThrottle defaults() {
        return new LoginThrottle(5, 1_000_000_000L, 300_000_000_000L, 10_000);
    }

    /** Nanoseconds {@code address} must still wait before its credentials are checked, 0 when it may try now. */
    public synchronized long blockedFor(InetAddress address, long nowNanos) {
        Record r = records.get(address);
        if (r == null) {
            return 0;
        }
        if (nowNanos - r.lastFailure > maxBlockNanos && nowNanos - r.blockedUntil > 0) {
            records.remove(address);
            return 0;
        }
        return Math.max(0, r.blockedUntil - nowNanos);
    }

    public synchronized void failure(InetAddress address, long nowNanos) {
        Record r = records.get(address);
        if (r == null) {
            r = new Record();
            records.put(address, r);
            if (records.size() > maxTracked) {
                var it = records.entrySet().iterator();
                it.next();
                it.remove();
            }
        }
        r.failures++;
        r.lastFailure = nowNanos;
        if (r.failures >= freeFailures) {
            int doublings = Math.min(r.failures - freeFailures, 40);
            long block = Math.min(maxBlockNanos, baseBlockNanos << Math.min(doublings, 30));
            if (block < 0) {
                block = maxBlockNanos;
            }
            r.blockedUntil = nowNanos + block;
        }
    }

    public synchronized void success(InetAddress address) {
        records.remove(address);
    }

    public synchronized void clear() {
        records.clear();
    }

    /** Addresses currently remembered. */
    public synchronized int tracked() {
        return records.size();
    }

    synchronized Map<InetAddress, Integer> failuresForTest() {
        Map<InetAddress, Integer> m = new LinkedHashMap<>();
        records.forEach((k, v) -> m.put(k, v.failures));
        return m;
    }
}
