package io.hivemind.bt.dht.core;

import io.hivemind.bt.wire.bencode.BValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * BEP 44 "Signature Verification": the buffer a mutable item's signature covers, and Ed25519 verification with
 * Bouncy Castle. Stateless and thread-safe.
 */
public final class ItemSigning {
    private ItemSigning() {
    }

    /**
     * {@code ("4:salt" len ":" salt) "3:seqi" seq "e1:v" <bencoded v>}: the salt part only for a non-empty salt,
     * exactly as BEP 44 prescribes (built by concatenation, not by encoding a dictionary).
     */
    public static byte[] signatureBuffer(byte[] salt, long seq, BValue v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + v.encode().length);
        if (salt != null && salt.length > 0) {
            out.writeBytes(("4:salt" + salt.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(salt);
        }
        out.writeBytes(("3:seqi" + seq + "e1:v").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(v.encode());
        return out.toByteArray();
    }

    /** True when {@code sig} is a valid Ed25519 signature by {@code publicKey} of the item. */
    public static boolean verify(byte[] publicKey, byte[] sig, byte[] salt, long seq, BValue v) {
        if (publicKey == null || publicKey.length != 32 || sig == null || sig.length != 64) {
            return false;
        }
        try {
            Ed25519PublicKeyParameters key = new Ed25519PublicKeyParameters(publicKey, 0);
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, key);
            byte[] buffer = signatureBuffer(salt, seq, v);
            verifier.update(buffer, 0, buffer.length);
            return verifier.verifySignature(sig);
        } catch (IllegalArgumentException e) {
            return false; // not a point on the curve
        }
    }
}
