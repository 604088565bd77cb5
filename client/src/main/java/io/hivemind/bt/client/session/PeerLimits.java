package io.hivemind.bt.client.session;

import io.hivemind.bt.wire.peer.PeerIdleHandler;
import io.hivemind.bt.wire.peer.PeerMessageDecoder;
import java.time.Duration;
import java.util.Objects;

/**
 * Per-connection limits of a session against hostile peers (HARDENING.md "Peers"): timers, the bound on accepted
 * connections that have not finished their handshake, and the message decoder's caps. Immutable; the session reads
 * it when a connection opens, so a change applies to new connections.
 *
 * @param handshakeTimeout       time from accept/connect to a complete BitTorrent handshake, MSE included (slowloris)
 * @param keepAliveInterval      keep-alive after this much outbound silence
 * @param readTimeout            close after this much inbound silence
 * @param maxPendingIncoming     accepted connections still before their handshake; beyond it the oldest is closed
 *                               ({@link io.hivemind.bt.client.DisconnectReason#TOO_MANY_CONNECTIONS})
 * @param messages               the message decoder's per-type caps
 * @param largeMessageBudget     bytes that large partial messages of all connections may hold at once
 */
record PeerLimits(Duration handshakeTimeout, Duration keepAliveInterval, Duration readTimeout, int maxPendingIncoming,
                  PeerMessageDecoder.Limits messages, long largeMessageBudget) {

    static final PeerLimits DEFAULT = new PeerLimits(PeerIdleHandler.DEFAULT_HANDSHAKE_TIMEOUT,
            PeerIdleHandler.DEFAULT_KEEP_ALIVE_INTERVAL, PeerIdleHandler.DEFAULT_READ_TIMEOUT, 100,
            PeerMessageDecoder.Limits.STRICT, 8L << 20);

    PeerLimits {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(keepAliveInterval, "keepAliveInterval");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(messages, "messages");
        if (maxPendingIncoming < 1 || largeMessageBudget < 0) {
            throw new IllegalArgumentException("maxPendingIncoming " + maxPendingIncoming + ", budget " + largeMessageBudget);
        }
    }

    PeerLimits withHandshakeTimeout(Duration d) {
        return new PeerLimits(d, keepAliveInterval, readTimeout, maxPendingIncoming, messages, largeMessageBudget);
    }

    PeerLimits withMaxPendingIncoming(int n) {
        return new PeerLimits(handshakeTimeout, keepAliveInterval, readTimeout, n, messages, largeMessageBudget);
    }

    PeerIdleHandler newIdleHandler() {
        return new PeerIdleHandler(handshakeTimeout, keepAliveInterval, readTimeout);
    }
}
