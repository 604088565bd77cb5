package io.hivemind.bt.wire.mse;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * The RC4 stream cipher as MSE/PE uses it, working in place on {@link ByteBuf}s of any kind (heap, pooled
 * direct, composite) without allocating.
 *
 * <p><b>Implementation note.</b> RC4 is byte-serial, so no implementation is much faster than a tight loop over
 * a 256-entry state. The JDK's {@code Cipher.getInstance("ARCFOUR")} runs the same loop, but its
 * {@code update(ByteBuffer, ByteBuffer)} path copies direct buffers through fresh temporary {@code byte[]}
 * arrays on every call (see {@code CipherSpi.bufferCrypt}), which is a per-message allocation on the hot path
 * of an encrypted connection. This class instead generates eight keystream bytes into a {@code long} and XORs
 * them with {@code ByteBuf.getLong}/{@code setLong}, which are plain memory accesses on pooled direct buffers.
 * {@code MseBenchmark} measures both side by side, and {@code Rc4Test} checks this class against the JDK cipher.
 * The state is kept in an {@code int[256]} so that no sign masking is needed on reads.
 *
 * <p>Not thread-safe: one instance is one direction of one connection, confined to its event loop.
 * Buffer ownership: methods never retain or release the buffers they are given.
 */
public final class Rc4 {
    private final int[] s = new int[256];
    private int i;
    private int j;

    /**
     * Schedules the key (RC4 KSA).
     *
     * @param key 1 to 256 bytes
     */
    public Rc4(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0 || key.length > 256) {
            throw new IllegalArgumentException("RC4 key length must be 1..256, got " + key.length);
        }
        int[] st = s;
        for (int k = 0; k < 256; k++) {
            st[k] = k;
        }
        int jj = 0;
        for (int k = 0; k < 256; k++) {
            int t = st[k];
            jj = (jj + t + (key[k % key.length] & 0xff)) & 0xff;
            st[k] = st[jj];
            st[jj] = t;
        }
    }

    /** Advances the keystream by {@code n} bytes (MSE discards the first 1024). */
    public void skip(int n) {
        int[] st = s;
        int ii = i;
        int jj = j;
        for (int k = 0; k < n; k++) {
            ii = (ii + 1) & 0xff;
            int t = st[ii];
            jj = (jj + t) & 0xff;
            st[ii] = st[jj];
            st[jj] = t;
        }
        i = ii;
        j = jj;
    }

    /** XORs {@code len} bytes of {@code buf} at {@code off} with the keystream, in place. */
    public void process(byte[] buf, int off, int len) {
        process(buf, off, buf, off, len);
    }

    /**
     * XORs {@code len} bytes of {@code in} at {@code inOff} with the keystream into {@code out} at {@code outOff}.
     * The two ranges may be the same; other overlaps are not supported.
     */
    public void process(byte[] in, int inOff, byte[] out, int outOff, int len) {
        Objects.checkFromIndexSize(inOff, len, in.length);
        Objects.checkFromIndexSize(outOff, len, out.length);
        int[] st = s;
        int ii = i;
        int jj = j;
        for (int k = 0; k < len; k++) {
            ii = (ii + 1) & 0xff;
            int si = st[ii];
            jj = (jj + si) & 0xff;
            int sj = st[jj];
            st[ii] = sj;
            st[jj] = si;
            out[outOff + k] = (byte) (in[inOff + k] ^ st[(si + sj) & 0xff]);
        }
        i = ii;
        j = jj;
    }

    /** XORs the readable bytes of {@code buf} with the keystream, in place; indices are not moved. */
    public void processReadable(ByteBuf buf) {
        process(buf, buf.readerIndex(), buf, buf.readerIndex(), buf.readableBytes());
    }

    /**
     * XORs {@code len} bytes of {@code src} at {@code srcIndex} with the keystream into {@code dst} at
     * {@code dstIndex} (absolute indices; neither buffer's reader or writer index moves). {@code src} and
     * {@code dst} may be the same buffer at the same index (in place). {@code dst} must be writable there.
     */
    public void process(ByteBuf src, int srcIndex, ByteBuf dst, int dstIndex, int len) {
        if (len == 0) {
            return;
        }
        if (src.hasArray() && dst.hasArray()) {
            process(src.array(), src.arrayOffset() + srcIndex, dst.array(), dst.arrayOffset() + dstIndex, len);
            return;
        }
        int[] st = s;
        int ii = i;
        int jj = j;
        int k = 0;
        int longs = len & ~7;
        for (; k < longs; k += 8) {
            long ks = 0;
            for (int b = 0; b < 8; b++) {
                ii = (ii + 1) & 0xff;
                int si = st[ii];
                jj = (jj + si) & 0xff;
                int sj = st[jj];
                st[ii] = sj;
                st[jj] = si;
                ks = (ks << 8) | st[(si + sj) & 0xff];
            }
            dst.setLong(dstIndex + k, src.getLong(srcIndex + k) ^ ks);
        }
        for (; k < len; k++) {
            ii = (ii + 1) & 0xff;
            int si = st[ii];
            jj = (jj + si) & 0xff;
            int sj = st[jj];
            st[ii] = sj;
            st[jj] = si;
            dst.setByte(dstIndex + k, src.getByte(srcIndex + k) ^ st[(si + sj) & 0xff]);
        }
        i = ii;
        j = jj;
    }
}
