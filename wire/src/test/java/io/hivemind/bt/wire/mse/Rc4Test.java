package io.hivemind.bt.wire.mse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hivemind.bt.wire.internal.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** {@link Rc4} against published test vectors and against the JDK's ARCFOUR on every kind of buffer. */
class Rc4Test {

    static byte[] jdk(byte[] key, int skip, byte[] data) throws Exception {
        Cipher c = Cipher.getInstance("ARCFOUR");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
        c.update(new byte[skip]);
        return c.update(data);
    }

    @Test
    void wikipediaVectors() {
        assertEquals("bbf316e8d940af0ad3", encrypt("Key", "Plaintext"));
        assertEquals("1021bf0420", encrypt("Wiki", "pedia"));
        assertEquals("45a01f645fc35b383552544b9bf5", encrypt("Secret", "Attack at dawn"));
    }

    private static String encrypt(String key, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        new Rc4(key.getBytes(StandardCharsets.US_ASCII)).process(b, 0, b.length);
        return Hex.encode(b);
    }

    @Test
    void matchesJdkOnArraysByteBufsAndCompositesInPieces() throws Exception {
        Random rnd = new Random(5);
        for (int round = 0; round < 200; round++) {
            byte[] key = new byte[5 + rnd.nextInt(36)]; // the JDK takes 40..1024-bit keys
            rnd.nextBytes(key);
            int skip = rnd.nextInt(2000);
            byte[] data = new byte[rnd.nextInt(3000)];
            rnd.nextBytes(data);
            byte[] expected = jdk(key, skip, data);

            Rc4 onArray = new Rc4(key);
            onArray.skip(skip);
            byte[] a = data.clone();
            onArray.process(a, 0, a.length);
            assertArrayEquals(expected, a, "byte[]");

            for (int kind = 0; kind < 4; kind++) {
                ByteBuf buf = switch (kind) {
                    case 0 -> Unpooled.buffer(data.length + 3).writeZero(3).writeBytes(data).skipBytes(3);
                    case 1 -> PooledByteBufAllocator.DEFAULT.directBuffer(data.length + 5).writeZero(5).writeBytes(data)
                            .skipBytes(5);
                    case 2 -> Unpooled.directBuffer(data.length).writeBytes(data);
                    default -> composite(data, rnd);
                };
                try {
                    Rc4 c = new Rc4(key);
                    c.skip(skip);
                    // In place, in random pieces: the keystream continues across calls.
                    int pos = buf.readerIndex();
                    int end = buf.writerIndex();
                    while (pos < end) {
                        int n = Math.min(end - pos, rnd.nextInt(37));
                        c.process(buf, pos, buf, pos, n);
                        pos += n;
                    }
                    byte[] got = new byte[buf.readableBytes()];
                    buf.getBytes(buf.readerIndex(), got);
                    assertArrayEquals(expected, got, "kind " + kind);
                } finally {
                    buf.release();
                }
            }

            // Copying from a heap buffer into a direct one.
            Rc4 c = new Rc4(key);
            c.skip(skip);
            ByteBuf src = Unpooled.wrappedBuffer(data);
            ByteBuf dst = Unpooled.directBuffer(data.length);
            c.process(src, 0, dst, 0, data.length);
            dst.writerIndex(data.length);
            byte[] got = new byte[data.length];
            dst.getBytes(0, got);
            assertArrayEquals(expected, got, "copy");
            assertArrayEquals(Arrays.copyOf(data, data.length), src.array(), "source untouched");
            src.release();
            dst.release();
        }
    }

    private static ByteBuf composite(byte[] data, Random rnd) {
        CompositeByteBuf comp = Unpooled.compositeBuffer();
        int pos = 0;
        while (pos < data.length) {
            int n = Math.min(data.length - pos, 1 + rnd.nextInt(100));
            comp.addComponent(true, Unpooled.directBuffer(n).writeBytes(data, pos, n));
            pos += n;
        }
        return comp;
    }

    @Test
    void rejectsBadKeys() {
        assertThrows(IllegalArgumentException.class, () -> new Rc4(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new Rc4(new byte[257]));
    }
}
