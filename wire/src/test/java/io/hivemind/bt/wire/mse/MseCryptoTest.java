package io.hivemind.bt.wire.mse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The MSE arithmetic: DH agreement and key checks, the req hashes, and RC4 key derivation with the discard. */
class MseCryptoTest {

    @Test
    void primeIsTheSpecsSafePrime() {
        assertEquals(768, MseCrypto.P.bitLength());
        assertEquals(true, MseCrypto.P.isProbablePrime(40));
        assertEquals(true, MseCrypto.P.shiftRight(1).isProbablePrime(40), "safe prime: (P-1)/2 is prime");
    }

    @Test
    void bothSidesAgreeOnA96ByteSecret() {
        Random rnd = new Random(3);
        for (int k = 0; k < 20; k++) {
            MseCrypto.KeyPair a = MseCrypto.generateKeyPair(rnd);
            MseCrypto.KeyPair b = MseCrypto.generateKeyPair(rnd);
            assertEquals(96, a.publicKey().length);
            assertEquals(true, a.privateKey().bitLength() <= 160);
            byte[] sa = MseCrypto.sharedSecret(a.privateKey(), b.publicKey());
            byte[] sb = MseCrypto.sharedSecret(b.privateKey(), a.publicKey());
            assertArrayEquals(sa, sb);
            assertEquals(96, sa.length);
            assertEquals(new BigInteger(1, b.publicKey()).modPow(a.privateKey(), MseCrypto.P), new BigInteger(1, sa));
        }
    }

    @Test
    void weakPeerKeysAreRejected() {
        BigInteger x = BigInteger.valueOf(12345);
        for (BigInteger y : new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, MseCrypto.P.subtract(BigInteger.ONE),
                MseCrypto.P, BigInteger.ONE.shiftLeft(768).subtract(BigInteger.ONE)}) {
            MseException e = assertThrows(MseException.class, () -> MseCrypto.sharedSecret(x, fixed(y)));
            assertEquals(MseException.Reason.INVALID_PUBLIC_KEY, e.reason());
        }
        MseCrypto.sharedSecret(x, fixed(BigInteger.TWO));
        MseCrypto.sharedSecret(x, fixed(MseCrypto.P.subtract(BigInteger.TWO)));
    }

    static byte[] fixed(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[96];
        int n = Math.min(raw.length, 96);
        System.arraycopy(raw, raw.length - n, out, 96 - n, n);
        return out;
    }

    @Test
    void hashesFollowTheSpec() throws Exception {
        byte[] s = new byte[96];
        new Random(1).nextBytes(s);
        byte[] skey = new byte[20];
        new Random(2).nextBytes(skey);
        assertArrayEquals(sha1("req1".getBytes(StandardCharsets.US_ASCII), s), MseCrypto.req1(s));
        byte[] obf = MseCrypto.obfuscatedSkey(skey, s);
        byte[] req3 = MseCrypto.req3(s);
        for (int k = 0; k < 20; k++) {
            obf[k] ^= req3[k];
        }
        assertArrayEquals(sha1("req2".getBytes(StandardCharsets.US_ASCII), skey), obf, "xor with req3 recovers req2");

        byte[] zeros = new byte[16];
        MseCrypto.cipherA(s, skey).process(zeros, 0, 16);
        assertArrayEquals(Rc4Test.jdk(sha1("keyA".getBytes(StandardCharsets.US_ASCII), s, skey), 1024, new byte[16]), zeros);
        zeros = new byte[16];
        MseCrypto.cipherB(s, skey).process(zeros, 0, 16);
        assertArrayEquals(Rc4Test.jdk(sha1("keyB".getBytes(StandardCharsets.US_ASCII), s, skey), 1024, new byte[16]), zeros);
    }

    static byte[] sha1(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    @Test
    void skeyIndexFindsServedTorrentsOnly() {
        MseSkeyIndex idx = new MseSkeyIndex();
        byte[] a = new byte[20];
        byte[] b = new byte[20];
        b[0] = 1;
        idx.add(a);
        assertArrayEquals(a, idx.findSkey(MseCrypto.req2(a)));
        assertNull(idx.findSkey(MseCrypto.req2(b)));
        idx.add(b);
        assertEquals(2, idx.size());
        idx.remove(a);
        assertNull(idx.findSkey(MseCrypto.req2(a)));
        assertArrayEquals(b, idx.findSkey(MseCrypto.req2(b)));
        assertThrows(IllegalArgumentException.class, () -> idx.add(new byte[32]));
    }
}
