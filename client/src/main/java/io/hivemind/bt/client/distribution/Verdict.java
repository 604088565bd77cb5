package io.hivemind.bt.client.distribution;

import java.util.Objects;

/**
 * What a worker made of a signed announcement (from the DHT, a direct notification or the coordinator). Only
 * {@link Outcome#ACCEPTED} changes anything. Immutable.
 *
 * @param outcome      the decision
 * @param message      why, for logs and HTTP answers
 * @param channel      the channel the item belongs to, or null when it matched none
 * @param announcement the decoded value, or null unless the signature checked out and the value decoded
 */
public record Verdict(Outcome outcome, String message, Channel channel, Announcement announcement) {

    /** The possible decisions, with the HTTP status a notification endpoint answers with. */
    public enum Outcome {
        /** A new version (sequence number above every one seen for this key and salt) with a valid signature. */
        ACCEPTED(202),
        /** The version already held: same sequence number and same value. */
        DUPLICATE(200),
        /** Signed by a key, or under a salt, that the worker does not follow. */
        UNKNOWN_CHANNEL(403),
        /** The Ed25519 signature does not verify. */
        BAD_SIGNATURE(403),
        /** A sequence number below the one held (a replay), or the same number with a different value. */
        STALE(409),
        /** The value is not a valid announcement, or does not match its salt. */
        MALFORMED(400);

        private final int httpStatus;

        Outcome(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    public Verdict {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(message, "message");
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
