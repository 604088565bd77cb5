package io.hivemind.bt.client.distribution;

import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.wire.internal.Hex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a worker takes a signed announcement (BEP 44 "mutable items", BEP 46): the key and salt must be
 * a followed channel (salt = channel name) or a task of a followed key (salt = {@code task:<id>}), the Ed25519
 * signature must verify, the value must decode as an {@link Announcement} of the kind its salt says, and the
 * sequence number must be above every one accepted before under that key and salt. An equal sequence number is a
 * duplicate when the value is the same and stale otherwise (a publisher never signs two values with one number, so
 * a second value is a forgery or a mistake).
 *
 * <p>Implementation note: the gate remembers, per key and salt, the highest accepted sequence number and the
 * SHA-256 of that value; it never forgets (the owner persists {@link #entries()} and restores them), so a replay of
 * any older item is refused however long ago it was superseded. Pure: no I/O, no clock. Not thread-safe (the
 * worker calls it under its lock).
 */
final class VersionGate {
    /** The highest accepted version of one key and salt. */
    record Entry(String publicKeyHex, String saltHex, long seq, String valueDigest) {
    }

    private final Map<String, Entry> accepted = new HashMap<>();

    static String key(byte[] publicKey, byte[] salt) {
        return Hex.encode(publicKey) + "/" + Hex.encode(salt);
    }

    /** Checks {@code item} against the channels followed; changes nothing. */
    Verdict check(MutableItem item, Set<Channel> followed) {
        String pub = Hex.encode(item.publicKey());
        List<Channel> ofKey = followed.stream().filter(c -> c.publicKeyHex().equals(pub)).toList();
        if (ofKey.isEmpty()) {
            return new Verdict(Verdict.Outcome.UNKNOWN_CHANNEL, "not signed by a followed channel key", null, null);
        }
        String salt = new String(item.salt(), StandardCharsets.ISO_8859_1);
        Channel channel = null;
        String taskId = null;
        for (Channel c : ofKey) {
            if (c.name().equals(salt)) {
                channel = c;
            }
        }
        if (channel == null) {
            if (salt.startsWith(Channel.TASK_PREFIX) && Names.isName(salt.substring(Channel.TASK_PREFIX.length()))) {
                channel = ofKey.getFirst();
                taskId = salt.substring(Channel.TASK_PREFIX.length());
            } else {
                return new Verdict(Verdict.Outcome.UNKNOWN_CHANNEL, "salt names no followed channel", null, null);
            }
        }
        if (!item.verify()) {
            return new Verdict(Verdict.Outcome.BAD_SIGNATURE, "the signature does not verify", channel, null);
        }
        if (item.seq() < 0) {
            return new Verdict(Verdict.Outcome.MALFORMED, "negative sequence number", channel, null);
        }
        Announcement a;
        try {
            a = Announcement.decode(item.value());
        } catch (AnnouncementException e) {
            return new Verdict(Verdict.Outcome.MALFORMED, "bad announcement (" + e.reason() + "): " + e.getMessage(),
                    channel, null);
        }
        boolean kindOk = taskId == null ? a.kind() == DistributionKind.MODEL
                : a.kind() == DistributionKind.TASK && taskId.equals(a.taskId());
        if (!kindOk) {
            return new Verdict(Verdict.Outcome.MALFORMED, "the announcement does not match its salt", channel, null);
        }
        Entry last = accepted.get(key(item.publicKey(), item.salt()));
        if (last != null) {
            if (item.seq() < last.seq()) {
                return new Verdict(Verdict.Outcome.STALE, "sequence number " + item.seq() + " is below "
                        + last.seq() + " (replay)", channel, a);
            }
            if (item.seq() == last.seq()) {
                return digest(item).equals(last.valueDigest())
                        ? new Verdict(Verdict.Outcome.DUPLICATE, "already have sequence number " + item.seq(), channel, a)
                        : new Verdict(Verdict.Outcome.STALE, "a different value under sequence number " + item.seq(),
                        channel, a);
            }
        }
        return new Verdict(Verdict.Outcome.ACCEPTED, "sequence number " + item.seq(), channel, a);
    }

    /** Records {@code item} as the newest of its key and salt (call after an ACCEPTED verdict). */
    void commit(MutableItem item) {
        String k = key(item.publicKey(), item.salt());
        Entry old = accepted.get(k);
        if (old == null || item.seq() > old.seq()) {
            accepted.put(k, new Entry(Hex.encode(item.publicKey()), Hex.encode(item.salt()), item.seq(), digest(item)));
        }
    }

    /** Restores a persisted entry (ignored when a higher one is known). */
    void restore(Entry e) {
        String k = e.publicKeyHex() + "/" + e.saltHex();
        Entry old = accepted.get(k);
        if (old == null || e.seq() > old.seq()) {
            accepted.put(k, e);
        }
    }

    /** The highest accepted sequence number for a key and salt, or -1. */
    long lastSeq(byte[] publicKey, byte[] salt) {
        Entry e = accepted.get(key(publicKey, salt));
        return e == null ? -1 : e.seq();
    }

    List<Entry> entries() {
        return List.copyOf(accepted.values());
    }

    static String digest(MutableItem item) {
        try {
            return Hex.encode(MessageDigest.getInstance("SHA-256").digest(item.value().encode()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
