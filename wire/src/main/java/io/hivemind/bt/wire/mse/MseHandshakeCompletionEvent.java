package io.hivemind.bt.wire.mse;

import java.util.Objects;

/**
 * Fired once by {@link MseHandler} through {@code fireUserEventTriggered} when its stage ends, before any
 * payload byte reaches the next handler. Exactly one of {@link #result()} and {@link #cause()} is non-null.
 * Immutable.
 */
public final class MseHandshakeCompletionEvent {
    private final MseResult result;
    private final MseException cause;
    private final boolean plaintextRetryAdvised;

    private MseHandshakeCompletionEvent(MseResult result, MseException cause, boolean plaintextRetryAdvised) {
        this.result = result;
        this.cause = cause;
        this.plaintextRetryAdvised = plaintextRetryAdvised;
    }

    static MseHandshakeCompletionEvent success(MseResult result) {
        return new MseHandshakeCompletionEvent(Objects.requireNonNull(result), null, false);
    }

    static MseHandshakeCompletionEvent failure(MseException cause, boolean plaintextRetryAdvised) {
        return new MseHandshakeCompletionEvent(null, Objects.requireNonNull(cause), plaintextRetryAdvised);
    }

    public boolean isSuccess() {
        return result != null;
    }

    /** The outcome on success, else null. */
    public MseResult result() {
        return result;
    }

    /** The failure, else null. */
    public MseException cause() {
        return cause;
    }

    /**
     * True when an outgoing connection under {@link MsePolicy#ENABLED} failed before the peer showed that it
     * speaks MSE (it hung up, timed out, or sent no valid reply): the session should dial again without the
     * handler and remember that this peer wants plaintext. Always false for responders, for
     * {@link MsePolicy#FORCED}, and once the peer's encrypted verification constant was seen.
     */
    public boolean plaintextRetryAdvised() {
        return plaintextRetryAdvised;
    }

    @Override
    public String toString() {
        return isSuccess() ? "MseHandshakeCompletionEvent(" + result + ")"
                : "MseHandshakeCompletionEvent(" + cause.reason() + (plaintextRetryAdvised ? ", retry plaintext)" : ")");
    }
}
