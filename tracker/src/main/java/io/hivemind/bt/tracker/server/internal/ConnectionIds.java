package io.hivemind.bt.tracker.server.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * Stateless UDP tracker connection ids (BEP 15 "UDP connections / spoofing", HARDENING.md "Trackers"): a syn
 * cookie the server can check without having stored anything for the client.
 *
 * <p>Implementation note. An id is 64 bits: the low 16 bits of the minting time in seconds, then the first 48 bits
 * of HMAC-SHA256(secret, full time ‖ client address ‖ client port). To check one, the full time is rebuilt from
 * the 16 bits and the current time (accepting ages of 0..{@code lifetime} and up to {@code skew} into the future),
 * the MAC is recomputed for that time and the packet's source address, and the two are compared in constant time
 * (one XOR, no early exit). Secrets rotate every {@code rotation} (at least lifetime + skew); the secret of the
 * previous period is kept, and the minting time says which of the two to use, so every check costs exactly one MAC.
 * A forged id passes with probability 2⁻⁴⁸ per try.
 *
 * <p>Thread-safe: the secrets are an immutable snapshot swapped atomically; each thread keeps its own prepared
 * HMAC states ({@link PreparedHmac}), re-keyed only when the secrets rotate.
 */
public final class ConnectionIds {
    private record Secrets(long period, byte[] current, byte[] previous) {
    }

    /**
     * HMAC-SHA256 with the key's inner and outer pad blocks hashed once (RFC 2104 section 4 "Implementation
     * note"): each MAC clones the two prepared digests instead of hashing the pads again, two SHA-256 compressions
     * instead of four. The result is exactly HMAC-SHA256. Not thread-safe.
     */
    static final class PreparedHmac {
        private final MessageDigest inner;
        private final MessageDigest outer;

        PreparedHmac(byte[] key) {
            if (key.length > 64) {
                throw new IllegalArgumentException("keys longer than the SHA-256 block are not used here");
            }
            byte[] ipad = new byte[64];
            byte[] opad = new byte[64];
            for (int i = 0; i < 64; i++) {
                byte k = i < key.length ? key[i] : 0;
                ipad[i] = (byte) (k ^ 0x36);
                opad[i] = (byte) (k ^ 0x5c);
            }
            inner = sha256();
            outer = sha256();
            inner.update(ipad);
            outer.update(opad);
        }

        /** HMAC-SHA256(key, in[0, len)). */
        byte[] mac(byte[] in, int len) {
            try {
                MessageDigest i = (MessageDigest) inner.clone();
                i.update(in, 0, len);
                MessageDigest o = (MessageDigest) outer.clone();
                o.update(i.digest());
                return o.digest();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("SHA-256 digests are cloneable in every JDK", e);
            }
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required by every JDK", e);
            }
        }
    }

    /**
     * The per-thread part of the authority: prepared HMAC states and a scratch buffer. A UDP handler keeps its own
     * (one event loop thread) and passes it to {@link #mint(Context, byte[], int, long)} and
     * {@link #verify(Context, long, byte[], int, long)}; the context-free methods use a thread-local one. Not
     * thread-safe.
     */
    public static final class Context {
        Secrets secrets;
        PreparedHmac current;
        PreparedHmac previous;
        final byte[] input = new byte[8 + 16 + 2];
    }

    private final RandomGenerator keySource;
    private final long epochNanos;
    private final long lifetimeSeconds;
    private final long skewSeconds;
    private final long rotationSeconds;
    private final AtomicReference<Secrets> secrets = new AtomicReference<>();
    private final ThreadLocal<Context> perThread = ThreadLocal.withInitial(Context::new);

    /**
     * @param keySource  makes the 32-byte secrets (use a {@link java.security.SecureRandom})
     * @param epochNanos ticker time that counts as second 0
     * @param lifetime   how long an id is accepted (BEP 15: two minutes)
     * @param skew       how far in the future an id's time may lie (clock skew between tracker instances)
     * @param rotation   how often the secret changes; at least lifetime + skew
     */
    public ConnectionIds(RandomGenerator keySource, long epochNanos, Duration lifetime, Duration skew,
                         Duration rotation) {
        this.keySource = keySource;
        this.epochNanos = epochNanos;
        this.lifetimeSeconds = lifetime.toSeconds();
        this.skewSeconds = skew.toSeconds();
        this.rotationSeconds = rotation.toSeconds();
        if (lifetimeSeconds < 1 || skewSeconds < 0 || rotationSeconds < lifetimeSeconds + skewSeconds
                || lifetimeSeconds + skewSeconds >= 30000) {
            throw new IllegalArgumentException("bad connection id timing: lifetime " + lifetime + ", skew " + skew
                    + ", rotation " + rotation);
        }
        secrets.set(new Secrets(0, newKey(), newKey()));
    }

    /** Two-minute lifetime, 10 s skew, secrets rotating every 5 minutes. */
    public static ConnectionIds standard(RandomGenerator keySource, long epochNanos) {
        return new ConnectionIds(keySource, epochNanos, Duration.ofMinutes(2), Duration.ofSeconds(10),
                Duration.ofMinutes(5));
    }

    /** A connection id for a client at {@code address} (4 or 16 bytes) and {@code port}. */
    public long mint(byte[] address, int port, long nowNanos) {
        return mint(perThread.get(), address, port, nowNanos);
    }

    /** Whether {@code id} was minted by us, for this address and port, within its lifetime. */
    public boolean verify(long id, byte[] address, int port, long nowNanos) {
        return verify(perThread.get(), id, address, port, nowNanos);
    }

    /** A context for one thread's use of {@link #mint(Context, byte[], int, long)} and {@link #verify}. */
    public Context newContext() {
        return new Context();
    }

    /** As {@link #mint(byte[], int, long)} with the caller's context. */
    public long mint(Context ctx, byte[] address, int port, long nowNanos) {
        long now = seconds(nowNanos);
        Secrets s = secretsFor(now);
        long mac = mac(ctx, address, port, now, now / rotationSeconds == s.period, s);
        return (now & 0xffff) << 48 | mac;
    }

    /** As {@link #verify(long, byte[], int, long)} with the caller's context. */
    public boolean verify(Context ctx, long id, byte[] address, int port, long nowNanos) {
        long now = seconds(nowNanos);
        long stamp = id >>> 48;
        long age = (now - stamp) & 0xffff;
        long minted;
        if (age <= lifetimeSeconds) {
            minted = now - age;
        } else if (0x10000 - age <= skewSeconds) {
            minted = now + (0x10000 - age);
        } else {
            return false;
        }
        if (minted < 0) {
            return false;
        }
        Secrets s = secretsFor(now);
        long period = minted / rotationSeconds;
        boolean current;
        if (period == s.period) {
            current = true;
        } else if (period == s.period - 1) {
            current = false;
        } else {
            return false;
        }
        long expected = mac(ctx, address, port, minted, current, s);
        return ((id ^ expected) & 0xFFFF_FFFF_FFFFL) == 0;
    }

    private long seconds(long nowNanos) {
        return Math.max(0, (nowNanos - epochNanos) / 1_000_000_000L);
    }

    /** The secrets for the period of {@code now}, rotating them when a period has begun. */
    private Secrets secretsFor(long now) {
        long period = now / rotationSeconds;
        while (true) {
            Secrets s = secrets.get();
            if (period <= s.period) {
                return s;
            }
            byte[] previous = period == s.period + 1 ? s.current : newKey();
            Secrets next = new Secrets(period, newKey(), previous);
            if (secrets.compareAndSet(s, next)) {
                return next;
            }
        }
    }

    private static long mac(Context t, byte[] address, int port, long mintedSeconds, boolean current, Secrets s) {
        if (t.secrets != s) {
            t.current = new PreparedHmac(s.current);
            t.previous = new PreparedHmac(s.previous);
            t.secrets = s;
        }
        PreparedHmac mac = current ? t.current : t.previous;
        byte[] in = t.input;
        for (int k = 0; k < 8; k++) {
            in[k] = (byte) (mintedSeconds >>> (56 - 8 * k));
        }
        System.arraycopy(address, 0, in, 8, address.length);
        int n = 8 + address.length;
        in[n] = (byte) (port >>> 8);
        in[n + 1] = (byte) port;
        byte[] out = mac.mac(in, n + 2);
        long v = 0;
        for (int k = 0; k < 6; k++) {
            v = v << 8 | (out[k] & 0xff);
        }
        return v;
    }

    private byte[] newKey() {
        byte[] k = new byte[32];
        keySource.nextBytes(k);
        return k;
    }
}
