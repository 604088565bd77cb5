package io.hivemind.bt.dht;

import io.hivemind.bt.dht.core.ItemSigning;
import io.hivemind.bt.wire.bencode.BValue;
import java.util.Objects;

/**
 * A BEP 44 mutable item as published or read: the Ed25519 public key, the optional salt (empty when none), the
 * sequence number, the value and its signature. Immutable; the arrays must not be modified.
 *
 * @param publicKey 32-byte Ed25519 public key ({@code k})
 * @param salt      salt, empty when none (at most 64 bytes)
 * @param seq       sequence number
 * @param value     the value ({@code v}), canonical bencode
 * @param signature 64-byte signature over {@code salt}/{@code seq}/{@code v}
 */
public record MutableItem(byte[] publicKey, byte[] salt, long seq, BValue value, byte[] signature) {
    public MutableItem {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(signature, "signature");
        salt = salt == null ? new byte[0] : salt;
    }

    /** Signs a new item with {@code keys}. */
    public static MutableItem sign(DhtKeyPair keys, byte[] salt, long seq, BValue value) {
        byte[] s = salt == null ? new byte[0] : salt;
        return new MutableItem(keys.publicKey(), s, seq, value,
                keys.sign(ItemSigning.signatureBuffer(s, seq, value)));
    }

    /** The DHT key it is stored under: SHA-1 of the public key followed by the salt. */
    public NodeId target() {
        return target(publicKey, salt);
    }

    /** SHA-1({@code publicKey} ‖ {@code salt}). */
    public static NodeId target(byte[] publicKey, byte[] salt) {
        return NodeId.sha1(publicKey, salt == null ? new byte[0] : salt);
    }

    /** True when the signature verifies. */
    public boolean verify() {
        return ItemSigning.verify(publicKey, signature, salt, seq, value);
    }
}
