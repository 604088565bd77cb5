package io.hivemind.bt.tracker.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * UDP connection ids (BEP 15 "UDP connections / spoofing"; HARDENING.md "Trackers"): accepted for two minutes from
 * the address they were given to, with ~10 s of skew, and nothing forged gets through.
 */
class ConnectionIdsTest {
    private static final long SEC = 1_000_000_000L;
    private static final byte[] A = {10, 1, 2, 3};
    private static final byte[] B = {10, 1, 2, 4};
    private static final byte[] V6 = new byte[16];

    private static ConnectionIds ids(long seed) {
        return ConnectionIds.standard(new SplittableRandom(seed), 0);
    }

    @Test
    void acceptedForTwoMinutesFromTheSameAddressAndPort() {
        ConnectionIds ids = ids(1);
        long t0 = 1000 * SEC;
        long id = ids.mint(A, 6881, t0);
        assertTrue(ids.verify(id, A, 6881, t0));
        assertTrue(ids.verify(id, A, 6881, t0 + 60 * SEC));
        assertTrue(ids.verify(id, A, 6881, t0 + 120 * SEC));
        assertFalse(ids.verify(id, A, 6881, t0 + 121 * SEC), "older than two minutes");
        assertFalse(ids.verify(id, B, 6881, t0), "another address");
        assertFalse(ids.verify(id, A, 6882, t0), "another port");
        V6[15] = 1;
        long id6 = ids.mint(V6, 6881, t0);
        assertTrue(ids.verify(id6, V6, 6881, t0 + 5 * SEC));
        assertFalse(ids.verify(id6, A, 6881, t0 + 5 * SEC));
    }

    @Test
    void toleratesTenSecondsOfSkewAndNoMore() {
        ConnectionIds ids = ids(2);
        long t0 = 500 * SEC;
        long id = ids.mint(A, 1, t0);
        assertTrue(ids.verify(id, A, 1, t0 - 10 * SEC), "minted up to 10 s in the future");
        assertFalse(ids.verify(id, A, 1, t0 - 11 * SEC));
    }

    @Test
    void survivesSecretRotationAndRejectsAfterTwoRotations() {
        ConnectionIds ids = ids(3);
        long t0 = 299 * SEC; // one second before the first rotation (5 min)
        long id = ids.mint(A, 1, t0);
        assertTrue(ids.verify(id, A, 1, t0 + 100 * SEC), "verified with the previous secret");
        long later = ids.mint(A, 1, t0 + 100 * SEC);
        assertNotEquals(id, later);
        assertTrue(ids.verify(later, A, 1, t0 + 100 * SEC));
        // A whole lifetime of 16-bit timestamp wrap later (65536 s), the same bits must not verify.
        assertFalse(ids.verify(id, A, 1, t0 + 65_536 * SEC));
    }

    @Test
    void differentServersHaveDifferentSecrets() {
        long t = 100 * SEC;
        long id = ids(4).mint(A, 1, t);
        assertFalse(ids(5).verify(id, A, 1, t));
    }

    /** HARDENING.md: a million forged ids (random, from another address, expired, future-dated) — none accepted. */
    @Test
    void aMillionForgedIdsAreAllRejected() {
        ConnectionIds ids = ids(6);
        SplittableRandom rnd = new SplittableRandom(99);
        long now = 10_000 * SEC;
        long genuine = ids.mint(A, 6881, now);
        int accepted = 0;
        for (int i = 0; i < 1_000_000; i++) {
            long forged;
            byte[] addr = A;
            int port = 6881;
            long at = now;
            switch (i % 5) {
                case 0 -> forged = rnd.nextLong(); // random
                case 1 -> {
                    forged = (genuine & 0xFFFF_0000_0000_0000L) | (rnd.nextLong() & 0xFFFF_FFFF_FFFFL);
                } // right time, guessed MAC
                case 2 -> {
                    forged = genuine;
                    addr = new byte[] {10, 1, (byte) (i >>> 8), (byte) i};
                    if (addr[2] == A[2] && addr[3] == A[3]) {
                        addr[1] = 9;
                    }
                } // stolen id used from another address
                case 3 -> {
                    forged = ids.mint(A, 6881, now - (121 + rnd.nextInt(5000)) * SEC);
                } // expired
                default -> {
                    forged = ((now / SEC + 11 + rnd.nextInt(30000)) & 0xffff) << 48
                            | (rnd.nextLong() & 0xFFFF_FFFF_FFFFL);
                } // future-dated
            }
            if (ids.verify(forged, addr, port, at)) {
                accepted++;
            }
        }
        assertEquals(0, accepted);
        assertTrue(ids.verify(genuine, A, 6881, now), "while the genuine id still works");
    }

    /** The prepared-state HMAC is exactly javax.crypto's HmacSHA256 (RFC 2104). */
    @Test
    void preparedHmacEqualsTheJdksHmacSha256() throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < 500; i++) {
            byte[] key = new byte[1 + rnd.nextInt(64)];
            byte[] msg = new byte[rnd.nextInt(100)];
            rnd.nextBytes(key);
            rnd.nextBytes(msg);
            javax.crypto.Mac jdk = javax.crypto.Mac.getInstance("HmacSHA256");
            jdk.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            ConnectionIds.PreparedHmac ours = new ConnectionIds.PreparedHmac(key);
            org.junit.jupiter.api.Assertions.assertArrayEquals(jdk.doFinal(msg), ours.mac(msg, msg.length));
            org.junit.jupiter.api.Assertions.assertArrayEquals(jdk.doFinal(msg), ours.mac(msg, msg.length),
                    "the prepared states are reusable");
        }
    }

    @Test
    void rejectsBadTiming() {
        SplittableRandom r = new SplittableRandom(1);
        assertThrows(IllegalArgumentException.class,
                () -> new ConnectionIds(r, 0, Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofMinutes(1)));
    }
}
