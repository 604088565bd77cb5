package io.hivemind.bt.wire.mse;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Settings of the MSE/PE handshake, shared by every connection of a session (immutable, thread-safe).
 *
 * @param policy            whether the MSE handshake is used, accepted or required
 * @param allowedMethods    payload-stream methods we provide (initiator) or accept (responder); not empty
 * @param preferRc4         responder: when the peer provides both and both are allowed, select RC4 (otherwise
 *                          plaintext, which is faster: libtorrent's default is the same)
 * @param handshakeTimeout  from the handler being added to the end of the MSE handshake
 * @param maxPadLength      the most random padding we send after our public key (0..512; the spec's maximum)
 * @param maxInitialPayload responder: the longest initial payload (IA) accepted (0..65535)
 * @param initialPayloadSendLimit initiator: the most bytes of queued writes sent along as IA (0..65535, 0 sends
 *                          none). The default, 68, carries exactly the BitTorrent handshake, which is what
 *                          libtorrent and Transmission send and expect; more would be legal but untested with
 *                          other clients.
 * @param random            the source of private keys and padding; must be thread-safe ({@link SecureRandom} is)
 */
public record MseConfig(MsePolicy policy, Set<CryptoMethod> allowedMethods, boolean preferRc4,
                        Duration handshakeTimeout, int maxPadLength, int maxInitialPayload,
                        int initialPayloadSendLimit, Random random) {

    /** The spec's bound on PadA, PadB, PadC and PadD. */
    public static final int MAX_PAD = 512;

    /**
     * Enabled, both methods allowed, plaintext preferred, 15 s timeout, full padding, IA accepted up to 65535
     * bytes and sent up to 68.
     */
    public static final MseConfig DEFAULT = builder().build();

    public MseConfig {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(random, "random");
        if (allowedMethods == null || allowedMethods.isEmpty()) {
            throw new IllegalArgumentException("allowedMethods must name at least one method");
        }
        allowedMethods = Set.copyOf(EnumSet.copyOf(allowedMethods));
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
        }
        if (maxPadLength < 0 || maxPadLength > MAX_PAD) {
            throw new IllegalArgumentException("maxPadLength must be 0.." + MAX_PAD + ": " + maxPadLength);
        }
        if (maxInitialPayload < 0 || maxInitialPayload > 0xffff) {
            throw new IllegalArgumentException("maxInitialPayload must be 0..65535: " + maxInitialPayload);
        }
        if (initialPayloadSendLimit < 0 || initialPayloadSendLimit > 0xffff) {
            throw new IllegalArgumentException("initialPayloadSendLimit must be 0..65535: " + initialPayloadSendLimit);
        }
    }

    /** The crypto_provide / allowed bitfield. */
    public int allowedBits() {
        return CryptoMethod.bits(allowedMethods);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.policy = policy;
        b.allowedMethods = EnumSet.copyOf(allowedMethods);
        b.preferRc4 = preferRc4;
        b.handshakeTimeout = handshakeTimeout;
        b.maxPadLength = maxPadLength;
        b.maxInitialPayload = maxInitialPayload;
        b.initialPayloadSendLimit = initialPayloadSendLimit;
        b.random = random;
        return b;
    }

    /** Builder of {@link MseConfig}; not thread-safe. */
    public static final class Builder {
        private MsePolicy policy = MsePolicy.ENABLED;
        private Set<CryptoMethod> allowedMethods = EnumSet.allOf(CryptoMethod.class);
        private boolean preferRc4;
        private Duration handshakeTimeout = Duration.ofSeconds(15);
        private int maxPadLength = MAX_PAD;
        private int maxInitialPayload = 0xffff;
        private int initialPayloadSendLimit = 68;
        private Random random = new SecureRandom();

        private Builder() {
        }

        public Builder policy(MsePolicy policy) {
            this.policy = policy;
            return this;
        }

        public Builder allowedMethods(Set<CryptoMethod> methods) {
            this.allowedMethods = methods;
            return this;
        }

        public Builder allowedMethods(CryptoMethod first, CryptoMethod... rest) {
            this.allowedMethods = EnumSet.of(first, rest);
            return this;
        }

        public Builder preferRc4(boolean preferRc4) {
            this.preferRc4 = preferRc4;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        public Builder maxPadLength(int maxPadLength) {
            this.maxPadLength = maxPadLength;
            return this;
        }

        public Builder maxInitialPayload(int maxInitialPayload) {
            this.maxInitialPayload = maxInitialPayload;
            return this;
        }

        public Builder initialPayloadSendLimit(int limit) {
            this.initialPayloadSendLimit = limit;
            return this;
        }

        public Builder random(Random random) {
            this.random = random;
            return this;
        }

        public MseConfig build() {
            return new MseConfig(policy, allowedMethods, preferRc4, handshakeTimeout, maxPadLength,
                    maxInitialPayload, initialPayloadSendLimit, random);
        }
    }
}
