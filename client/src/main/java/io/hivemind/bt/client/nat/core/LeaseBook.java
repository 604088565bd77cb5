package io.hivemind.bt.client.nat.core;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The port mapper's bookkeeping: for each wanted mapping (one per method, protocol and port), its state, when to
 * (re)request it, when the granted lease ends, and the last error. The shell asks {@link #due} which requests to
 * send, reports each outcome with {@link #granted} or {@link #failed}, and sleeps until {@link #nextWakeupNanos}.
 *
 * <p>Implementation note: a granted lease of L seconds is renewed at L/2 (RFC 6886 §3.3 "halfway to expiry";
 * RFC 6887 §11.2.1 allows 1/2 to 5/8; UPnP leases are treated alike); a lease of 0 is permanent and never renewed.
 * A failed request is retried after a back-off that doubles from {@code baseBackoff} up to {@code maxBackoff}, or
 * after the gateway's own hint (PCP error lifetimes); a mapping whose renewal fails stays {@link State#MAPPED} until
 * its lease runs out, retrying no later than halfway to expiry. Pure: time is the caller's {@code nowNanos};
 * not thread-safe (the port mapper confines it to its event loop).
 *
 * @param <K> the mapping key
 */
public final class LeaseBook<K> {

    /** A mapping's state. */
    public enum State {
        /** Not yet granted; a request is due or in flight. */
        PENDING,
        /** Granted and not expired. */
        MAPPED,
        /** Every attempt so far failed (or the lease expired); retried after a back-off. */
        FAILED
    }

    /** A read-only view of one entry. */
    public record View<K>(K key, State state, int externalPort, InetAddress externalAddress, long lifetimeSeconds,
                          long expiresAtNanos, long nextActionNanos, int failures, String lastError) {
    }

    private static final class Entry<K> {
        final K key;
        State state = State.PENDING;
        long nextAction;
        boolean inFlight;
        long expiresAt = Long.MAX_VALUE;
        long lifetime;
        int externalPort;
        InetAddress externalAddress;
        int failures;
        String lastError;

        Entry(K key) {
            this.key = key;
        }
    }

    private final Map<K, Entry<K>> entries = new LinkedHashMap<>();
    private final long baseBackoff;
    private final long maxBackoff;
    private final long minRetry;

    /** A book with back-off from {@code baseBackoffNanos} doubling up to {@code maxBackoffNanos}. */
    public LeaseBook(long baseBackoffNanos, long maxBackoffNanos) {
        if (baseBackoffNanos <= 0 || maxBackoffNanos < baseBackoffNanos) {
            throw new IllegalArgumentException("back-off must be positive and max >= base");
        }
        this.baseBackoff = baseBackoffNanos;
        this.maxBackoff = maxBackoffNanos;
        this.minRetry = Math.min(baseBackoffNanos, TimeUnit.SECONDS.toNanos(5));
    }

    /** Wants {@code key} mapped; its first request is due now. No-op if already present. */
    public boolean add(K key, long nowNanos) {
        if (entries.containsKey(key)) {
            return false;
        }
        Entry<K> e = new Entry<>(Objects.requireNonNull(key));
        e.nextAction = nowNanos;
        entries.put(key, e);
        return true;
    }

    public boolean contains(K key) {
        return entries.containsKey(key);
    }

    /** Forgets {@code key}; returns its last view (to delete a granted mapping), or null. */
    public View<K> remove(K key) {
        Entry<K> e = entries.remove(key);
        return e == null ? null : view(e);
    }

    /**
     * Keys whose request is due at {@code nowNanos} and not in flight; they are marked in flight until
     * {@link #granted} or {@link #failed}. Also expires mappings whose lease ran out.
     */
    public List<K> due(long nowNanos) {
        List<K> out = new ArrayList<>();
        for (Entry<K> e : entries.values()) {
            if (e.state == State.MAPPED && nowNanos - e.expiresAt >= 0 && e.expiresAt != Long.MAX_VALUE) {
                e.state = State.FAILED;
                e.lastError = e.lastError == null ? "lease expired before it could be renewed" : e.lastError;
            }
            if (!e.inFlight && nowNanos - e.nextAction >= 0) {
                e.inFlight = true;
                out.add(e.key);
            }
        }
        return out;
    }

    /**
     * Records a granted lease of {@code lifetimeSeconds} (0 = permanent) on {@code externalPort}; the renewal is
     * due at half the lifetime.
     */
    public void granted(K key, int externalPort, InetAddress externalAddress, long lifetimeSeconds, long nowNanos) {
        Entry<K> e = entries.get(key);
        if (e == null) {
            return;
        }
        e.inFlight = false;
        e.state = State.MAPPED;
        e.externalPort = externalPort;
        e.externalAddress = externalAddress;
        e.lifetime = lifetimeSeconds;
        e.failures = 0;
        e.lastError = null;
        if (lifetimeSeconds == 0) {
            e.expiresAt = Long.MAX_VALUE;
            e.nextAction = Long.MAX_VALUE;
        } else {
            long life = TimeUnit.SECONDS.toNanos(lifetimeSeconds);
            e.expiresAt = nowNanos + life;
            e.nextAction = nowNanos + life / 2;
        }
    }

    /**
     * Records a failed request. {@code retryAfterNanos} &gt; 0 is the gateway's hint; otherwise the back-off
     * applies. A mapping still within its lease stays mapped and retries no later than halfway to expiry.
     */
    public void failed(K key, String error, long retryAfterNanos, long nowNanos) {
        Entry<K> e = entries.get(key);
        if (e == null) {
            return;
        }
        e.inFlight = false;
        e.lastError = error;
        long backoff = Math.min(maxBackoff, baseBackoff << Math.min(e.failures, 20));
        e.failures++;
        long wait = retryAfterNanos > 0 ? retryAfterNanos : backoff;
        if (e.state == State.MAPPED && e.expiresAt != Long.MAX_VALUE && e.expiresAt - nowNanos > 0) {
            wait = Math.min(wait, Math.max(minRetry, (e.expiresAt - nowNanos) / 2));
        } else if (e.state != State.MAPPED) {
            e.state = State.FAILED;
        }
        e.nextAction = nowNanos + wait;
    }

    /** The gateway lost its state (epoch check): every entry is requested again now. */
    public void renewAll(long nowNanos) {
        for (Entry<K> e : entries.values()) {
            e.nextAction = nowNanos;
        }
    }

    /** When the next request falls due (not counting ones in flight), or {@link Long#MAX_VALUE}. */
    public long nextWakeupNanos() {
        long next = Long.MAX_VALUE;
        for (Entry<K> e : entries.values()) {
            if (!e.inFlight) {
                long t = e.nextAction;
                if (e.state == State.MAPPED && e.expiresAt != Long.MAX_VALUE) {
                    t = minTime(t, e.expiresAt);
                }
                next = minTime(next, t);
            }
        }
        return next;
    }

    private static long minTime(long a, long b) {
        if (a == Long.MAX_VALUE) {
            return b;
        }
        if (b == Long.MAX_VALUE) {
            return a;
        }
        return a - b <= 0 ? a : b;
    }

    public View<K> view(K key) {
        Entry<K> e = entries.get(key);
        return e == null ? null : view(e);
    }

    public List<View<K>> views() {
        List<View<K>> out = new ArrayList<>(entries.size());
        for (Entry<K> e : entries.values()) {
            out.add(view(e));
        }
        return out;
    }

    private static <K> View<K> view(Entry<K> e) {
        return new View<>(e.key, e.state, e.externalPort, e.externalAddress, e.lifetime, e.expiresAt, e.nextAction,
                e.failures, e.lastError);
    }

    public int size() {
        return entries.size();
    }
}
