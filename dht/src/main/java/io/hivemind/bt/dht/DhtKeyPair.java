package io.hivemind.bt.dht;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 key pair for BEP 44 mutable items (Bouncy Castle). Built from a 32-byte seed, the standard RFC 8032
 * private key, which is also what libtorrent's {@code ed25519_create_keypair(seed)} takes. Immutable and
 * thread-safe (each signature uses its own signer).
 */
public final class DhtKeyPair {
    private final Ed25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;

    private DhtKeyPair(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.generatePublicKey().getEncoded();
    }

    /** A new random key pair. */
    public static DhtKeyPair generate(SecureRandom random) {
        return new DhtKeyPair(new Ed25519PrivateKeyParameters(random));
    }

    /** The key pair of a 32-byte seed. */
    public static DhtKeyPair fromSeed(byte[] seed) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, got " + seed.length);
        }
        return new DhtKeyPair(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** The 32-byte seed (keep it secret). */
    public byte[] seed() {
        return privateKey.getEncoded();
    }

    /** The 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The 64-byte signature of {@code message}. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }
}
