package io.hivemind.bt.dht.core;

import io.hivemind.bt.dht.NodeId;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.random.RandomGenerator;

/**
 * Write tokens for {@code announce_peer} and BEP 44 {@code put} (BEP 5 "tokens").
 *
 * <p>Implementation note: a token is the first {@value #TOKEN_LENGTH} bytes of SHA-1(secret ‖ requester IP ‖
 * target), so it proves that the requester received our {@code get_peers}/{@code get} answer at that IP for that
 * key, and nothing is stored per requester. The secret rotates every {@code rotation} (5–10 minutes); a token is
 * accepted while made with the current or the previous secret, so it lives between one and two rotation periods,
 * as BEP 5 suggests. Not thread-safe: owned by the node's event loop; time is passed in.
 */
public final class TokenManager {
    /** Bytes in a token. */
    public static final int TOKEN_LENGTH = 8;

    private final RandomGenerator random;
    private final long rotationNanos;
    private byte[] current = new byte[16];
    private byte[] previous = new byte[16];
    private long rotatedAt;
    private final MessageDigest sha1;

    public TokenManager(RandomGenerator random, long rotationNanos, long nowNanos) {
        if (rotationNanos <= 0) {
            throw new IllegalArgumentException("rotation must be positive");
        }
        this.random = random;
        this.rotationNanos = rotationNanos;
        fill(current);
        fill(previous);
        this.rotatedAt = nowNanos;
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rotates the secret when a period has passed. */
    public void tick(long nowNanos) {
        long periods = (nowNanos - rotatedAt) / rotationNanos;
        if (periods <= 0) {
            return;
        }
        if (periods == 1) {
            previous = current;
        } else {
            previous = new byte[16];
            fill(previous); // both secrets are older than a period: neither may validate any more
        }
        current = new byte[16];
        fill(current);
        rotatedAt += periods * rotationNanos;
    }

    /** The token to hand to {@code ip} for writes under {@code target}. */
    public byte[] token(InetAddress ip, NodeId target) {
        return make(current, ip, target);
    }

    /** True when {@code token} was made for {@code ip} and {@code target} with the current or previous secret. */
    public boolean valid(byte[] token, InetAddress ip, NodeId target) {
        if (token == null || token.length != TOKEN_LENGTH) {
            return false;
        }
        return MessageDigest.isEqual(token, make(current, ip, target))
                || MessageDigest.isEqual(token, make(previous, ip, target));
    }

    private byte[] make(byte[] secret, InetAddress ip, NodeId target) {
        sha1.reset();
        sha1.update(secret);
        sha1.update(ip.getAddress());
        sha1.update(target.toBytes());
        byte[] d = sha1.digest();
        byte[] t = new byte[TOKEN_LENGTH];
        System.arraycopy(d, 0, t, 0, TOKEN_LENGTH);
        return t;
    }

    private void fill(byte[] b) {
        random.nextBytes(b);
    }
}
