package io.hivemind.bt.wire.peer;

import io.netty.channel.ChannelException;

/**
 * A peer connection timed out; fired into {@code exceptionCaught} by {@link PeerIdleHandler} just before it
 * closes the channel, so the session can count {@link #kind()} as the disconnect reason. No stack trace is filled
 * in: it would only show the timer.
 */
public final class PeerTimeoutException extends ChannelException {

    /** Which deadline passed. */
    public enum Kind {
        /** The remote handshake did not arrive in time after the connection became active (MSE included). */
        HANDSHAKE,
        /** Nothing arrived from the peer for the read timeout (not even a keep-alive). */
        READ
    }

    private final Kind kind;

    public PeerTimeoutException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
