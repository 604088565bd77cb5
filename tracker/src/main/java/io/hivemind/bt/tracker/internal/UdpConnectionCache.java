package io.hivemind.bt.tracker.internal;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Connection ids obtained from UDP trackers, kept for their one-minute validity (BEP 15 "UDP connections /
 * spoofing": a client may use an id until one minute after it received it). Pure; not thread-safe (owned by the
 * UDP client's event loop). Bounded: at most {@link #MAX_ENTRIES} trackers, expired entries purged on insert.
 */
public final class UdpConnectionCache {
    public static final long VALIDITY_NANOS = 60_000_000_000L;
    static final int MAX_ENTRIES = 4096;

    private record Entry(long connectionId, long obtainedNanos) {
    }

    private final Map<InetSocketAddress, Entry> entries = new HashMap<>();

    /** Whether a still-valid connection id is known for {@code tracker}. */
    public boolean has(InetSocketAddress tracker, long nowNanos) {
        Entry e = entries.get(tracker);
        return e != null && nowNanos - e.obtainedNanos < VALIDITY_NANOS;
    }

    /** The valid connection id for {@code tracker}; call {@link #has} first. */
    public long get(InetSocketAddress tracker, long nowNanos) {
        Entry e = entries.get(tracker);
        if (e == null || nowNanos - e.obtainedNanos >= VALIDITY_NANOS) {
            throw new IllegalStateException("no valid connection id for " + tracker);
        }
        return e.connectionId;
    }

    /** When the id for {@code tracker} was obtained, or {@link Long#MIN_VALUE}. */
    public long obtainedNanos(InetSocketAddress tracker) {
        Entry e = entries.get(tracker);
        return e == null ? Long.MIN_VALUE : e.obtainedNanos;
    }

    public void put(InetSocketAddress tracker, long connectionId, long nowNanos) {
        if (entries.size() >= MAX_ENTRIES) {
            purge(nowNanos);
            if (entries.size() >= MAX_ENTRIES) {
                entries.remove(entries.keySet().iterator().next());
            }
        }
        entries.put(tracker, new Entry(connectionId, nowNanos));
    }

    /** Forgets the id (the tracker rejected it, or restarted). */
    public void invalidate(InetSocketAddress tracker) {
        entries.remove(tracker);
    }

    void purge(long nowNanos) {
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().obtainedNanos >= VALIDITY_NANOS) {
                it.remove();
            }
        }
    }

    int size() {
        return entries.size();
    }
}
