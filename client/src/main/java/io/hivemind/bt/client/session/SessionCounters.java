package io.hivemind.bt.client.session;

import io.hivemind.bt.client.DisconnectReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Session-wide counters, updated from every event loop without locks ({@link LongAdder}s) and read for
 * {@link io.hivemind.bt.client.SessionStats} and metrics. Thread-safe.
 */
final class SessionCounters {
    final LongAdder payloadDown = new LongAdder();
    final LongAdder payloadUp = new LongAdder();
    final LongAdder protocolDown = new LongAdder();
    final LongAdder protocolUp = new LongAdder();
    final LongAdder hashFailures = new LongAdder();
    final LongAdder piecesVerified = new LongAdder();
    final LongAdder wastedBytes = new LongAdder();
    final LongAdder smartBans = new LongAdder();
    private final AtomicLongArray disconnects = new AtomicLongArray(DisconnectReason.values().length);

    void disconnected(DisconnectReason reason) {
        disconnects.incrementAndGet(reason.ordinal());
    }

    long disconnects(DisconnectReason reason) {
        return disconnects.get(reason.ordinal());
    }

    Map<DisconnectReason, Long> disconnectsByReason() {
        Map<DisconnectReason, Long> m = new EnumMap<>(DisconnectReason.class);
        for (DisconnectReason r : DisconnectReason.values()) {
            long n = disconnects.get(r.ordinal());
            if (n > 0) {
                m.put(r, n);
            }
        }
        return m;
    }
}
