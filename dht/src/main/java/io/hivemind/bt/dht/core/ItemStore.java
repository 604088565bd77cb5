package io.hivemind.bt.dht.core;

import io.hivemind.bt.dht.MutableItem;
import io.hivemind.bt.dht.NodeId;
import io.hivemind.bt.dht.krpc.KrpcError;
import io.hivemind.bt.wire.bencode.BValue;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * BEP 44 item storage: immutable items under SHA-1 of their value, mutable items under SHA-1 of key ‖ salt, each
 * checked before it is stored (size, salt length, signature, sequence number, compare-and-swap).
 *
 * <p>Implementation note: a map in order of last write, bounded by {@code maxItems}; a new item evicts the least
 * recently written one. Items expire {@code ttl} after their last write (BEP 44: "MAY expire in 2 hours"; a
 * rewrite of the same item resets the timer). Not thread-safe; owned by the node's event loop, time passed in.
 */
public final class ItemStore {
    /** BEP 44: largest bencoded value stored. */
    public static final int MAX_VALUE = 1000;
    /** BEP 44: longest salt. */
    public static final int MAX_SALT = 64;

    /** What a put did; a rejection carries its BEP 44 error code. */
    public enum Outcome {
        STORED(0), VALUE_TOO_BIG(KrpcError.VALUE_TOO_BIG), INVALID_SIGNATURE(KrpcError.INVALID_SIGNATURE),
        SALT_TOO_BIG(KrpcError.SALT_TOO_BIG), CAS_MISMATCH(KrpcError.CAS_MISMATCH),
        SEQ_TOO_LOW(KrpcError.SEQ_TOO_LOW);

        private final int errorCode;

        Outcome(int errorCode) {
            this.errorCode = errorCode;
        }

        /** The KRPC error code to answer with, 0 for success. */
        public int errorCode() {
            return errorCode;
        }
    }

    /** A stored item; {@code k} is null for an immutable item. */
    public record Stored(BValue v, byte[] k, byte[] salt, long seq, byte[] sig, long expiresAt) {
        public boolean mutable() {
            return k != null;
        }
    }

    private final int maxItems;
    private final long ttlNanos;
    private final LinkedHashMap<NodeId, Stored> items = new LinkedHashMap<>();

    public ItemStore(int maxItems, long ttlNanos) {
        if (maxItems < 1 || ttlNanos <= 0) {
            throw new IllegalArgumentException("bad item store limits");
        }
        this.maxItems = maxItems;
        this.ttlNanos = ttlNanos;
    }

    /** The target an immutable value is stored under. */
    public static NodeId immutableTarget(BValue v) {
        return NodeId.sha1(v.encode());
    }

    /** Stores an immutable item under SHA-1 of its bencoding. */
    public Outcome putImmutable(BValue v, long nowNanos) {
        if (v.encode().length > MAX_VALUE) {
            return Outcome.VALUE_TOO_BIG;
        }
        store(immutableTarget(v), new Stored(v, null, null, 0, null, nowNanos + ttlNanos));
        return Outcome.STORED;
    }

    /** Stores a mutable item after checking it (BEP 44 "put message", "CAS", "Errors"). */
    public Outcome putMutable(byte[] k, byte[] salt, long seq, BValue v, byte[] sig, Long cas, long nowNanos) {
        if (v.encode().length > MAX_VALUE) {
            return Outcome.VALUE_TOO_BIG;
        }
        byte[] s = salt == null ? new byte[0] : salt;
        if (s.length > MAX_SALT) {
            return Outcome.SALT_TOO_BIG;
        }
        NodeId target = MutableItem.target(k, s);
        Stored old = live(target, nowNanos);
        if (old != null && cas != null && cas != old.seq()) {
            return Outcome.CAS_MISMATCH;
        }
        if (old != null && seq < old.seq()) {
            return Outcome.SEQ_TOO_LOW;
        }
        if (old != null && seq == old.seq()) {
            if (old.v().equals(v)) {
                // same item again: reset its timeout (the signature was checked when it was first stored)
                store(target, new Stored(old.v(), old.k(), old.salt(), old.seq(), old.sig(), nowNanos + ttlNanos));
                return Outcome.STORED;
            }
            return Outcome.SEQ_TOO_LOW;
        }
        if (!ItemSigning.verify(k, sig, s, seq, v)) {
            return Outcome.INVALID_SIGNATURE;
        }
        store(target, new Stored(v, k.clone(), s.clone(), seq, sig.clone(), nowNanos + ttlNanos));
        return Outcome.STORED;
    }

    /** The live item under {@code target}, or null. */
    public Stored get(NodeId target, long nowNanos) {
        return live(target, nowNanos);
    }

    private Stored live(NodeId target, long nowNanos) {
        Stored s = items.get(target);
        if (s != null && s.expiresAt() - nowNanos <= 0) {
            items.remove(target);
            return null;
        }
        return s;
    }

    private void store(NodeId target, Stored item) {
        items.remove(target);
        if (items.size() >= maxItems) {
            Iterator<NodeId> it = items.keySet().iterator();
            it.next();
            it.remove();
        }
        items.put(target, item);
    }

    /** Drops expired items. */
    public void expire(long nowNanos) {
        items.values().removeIf(s -> s.expiresAt() - nowNanos <= 0);
    }

    public int size() {
        return items.size();
    }
}
