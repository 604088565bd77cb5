package io.hivemind.bt.wire.mse;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;

/**
 * The arithmetic of the MSE/PE handshake: the 768-bit Diffie-Hellman group, the SHA-1 based hashes that
 * synchronise the stream and hide the info-hash, and the derivation of the two RC4 keys.
 *
 * <p><b>Implementation note.</b> Diffie-Hellman is {@link BigInteger#modPow} with a 160-bit private exponent,
 * as the specification asks; two exponentiations per handshake (public key, shared secret) cost well under a
 * millisecond on this machine kind (see {@code MseBenchmark.handshake}). Public keys are checked to lie in
 * {@code [2, P-2]}: the values 0, 1 and P-1 would force a shared secret that an observer can guess.
 * The shared secret S and public keys are always 96 bytes, big-endian, left-padded with zeros.
 *
 * <p>Thread-safe: all methods are static and pure apart from the caller's random source.
 */
public final class MseCrypto {
    /** The 768-bit safe prime of the specification (the Oakley group 1 prime). */
    public static final BigInteger P = new BigInteger(
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF"
                    + "9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563",
            16);
    /** The generator. */
    public static final BigInteger G = BigInteger.TWO;
    /** Length of a public key and of the shared secret on the wire. */
    public static final int KEY_BYTES = 96;
    /** Bits in a private key. */
    public static final int PRIVATE_KEY_BITS = 160;
    /** Keystream bytes each RC4 cipher drops before use. */
    public static final int RC4_DISCARD = 1024;

    private static final BigInteger P_MINUS_1 = P.subtract(BigInteger.ONE);
    private static final byte[] REQ1 = ascii("req1");
    private static final byte[] REQ2 = ascii("req2");
    private static final byte[] REQ3 = ascii("req3");
    private static final byte[] KEY_A = ascii("keyA");
    private static final byte[] KEY_B = ascii("keyB");

    private MseCrypto() {
    }

    /** A Diffie-Hellman key pair: the private exponent and the 96-byte public key. */
    public record KeyPair(BigInteger privateKey, byte[] publicKey) {
        public KeyPair {
            Objects.requireNonNull(privateKey, "privateKey");
            if (publicKey.length != KEY_BYTES) {
                throw new IllegalArgumentException("public key must be " + KEY_BYTES + " bytes");
            }
        }
    }

    /** Makes a key pair with a fresh 160-bit private key drawn from {@code random}. */
    public static KeyPair generateKeyPair(Random random) {
        BigInteger x;
        do {
            x = new BigInteger(PRIVATE_KEY_BITS, random);
        } while (x.signum() == 0);
        return new KeyPair(x, toFixed(G.modPow(x, P)));
    }

    /** Makes a key pair from a {@link SecureRandom} of the platform's default kind. */
    public static KeyPair generateKeyPair() {
        return generateKeyPair(new SecureRandom());
    }

    /**
     * Computes the 96-byte shared secret S = Y^x mod P.
     *
     * @param ownPrivateKey  our private exponent
     * @param peerPublicKey  the peer's 96 bytes, big-endian
     * @throws MseException  {@link MseException.Reason#INVALID_PUBLIC_KEY} when the peer's key is outside [2, P-2]
     */
    public static byte[] sharedSecret(BigInteger ownPrivateKey, byte[] peerPublicKey) {
        if (peerPublicKey.length != KEY_BYTES) {
            throw new IllegalArgumentException("public key must be " + KEY_BYTES + " bytes");
        }
        BigInteger y = new BigInteger(1, peerPublicKey);
        if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(P_MINUS_1) >= 0) {
            throw new MseException(MseException.Reason.INVALID_PUBLIC_KEY,
                    "peer's Diffie-Hellman public key is 0, 1, P-1 or not below P");
        }
        return toFixed(y.modPow(ownPrivateKey, P));
    }

    /** HASH('req1', S): the marker the responder searches for to find the end of PadA. */
    public static byte[] req1(byte[] s) {
        return sha1(REQ1, s);
    }

    /** HASH('req2', SKEY): what a responder indexes its torrents by. */
    public static byte[] req2(byte[] skey) {
        return sha1(REQ2, skey);
    }

    /** HASH('req3', S). */
    public static byte[] req3(byte[] s) {
        return sha1(REQ3, s);
    }

    /** HASH('req2', SKEY) xor HASH('req3', S), as the initiator sends it. */
    public static byte[] obfuscatedSkey(byte[] skey, byte[] s) {
        byte[] a = req2(skey);
        byte[] b = req3(s);
        for (int k = 0; k < a.length; k++) {
            a[k] ^= b[k];
        }
        return a;
    }

    /** The RC4 cipher of the initiator's direction (key HASH('keyA', S, SKEY)), its first 1024 bytes dropped. */
    public static Rc4 cipherA(byte[] s, byte[] skey) {
        Rc4 c = new Rc4(sha1(KEY_A, s, skey));
        c.skip(RC4_DISCARD);
        return c;
    }

    /** The RC4 cipher of the responder's direction (key HASH('keyB', S, SKEY)), its first 1024 bytes dropped. */
    public static Rc4 cipherB(byte[] s, byte[] skey) {
        Rc4 c = new Rc4(sha1(KEY_B, s, skey));
        c.skip(RC4_DISCARD);
        return c;
    }

    /** SHA-1 of the concatenation of {@code parts}. */
    static byte[] sha1(byte[]... parts) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    private static byte[] toFixed(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[KEY_BYTES];
        int n = Math.min(raw.length, KEY_BYTES);
        System.arraycopy(raw, raw.length - n, out, KEY_BYTES - n, n);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
