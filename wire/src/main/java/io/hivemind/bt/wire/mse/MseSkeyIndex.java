package io.hivemind.bt.wire.mse;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The session's table of HASH('req2', info-hash) → info-hash, for every torrent it serves over MSE.
 * The session adds a torrent's 20-byte key(s) when the torrent starts and removes them when it stops.
 *
 * <p>Thread-safe (a {@link ConcurrentHashMap}); lookups do not lock.
 */
public final class MseSkeyIndex implements MseSkeyLookup {
    private final ConcurrentHashMap<ByteBuffer, byte[]> byReq2 = new ConcurrentHashMap<>();

    /** Serves {@code skey} (20 bytes: a v1 info-hash, or a v2 info-hash truncated to 20 bytes). */
    public void add(byte[] skey) {
        byte[] copy = checked(skey).clone();
        byReq2.put(ByteBuffer.wrap(MseCrypto.req2(copy)), copy);
    }

    /** Stops serving {@code skey}. */
    public void remove(byte[] skey) {
        byReq2.remove(ByteBuffer.wrap(MseCrypto.req2(checked(skey))));
    }

    /** Number of keys served. */
    public int size() {
        return byReq2.size();
    }

    @Override
    public byte[] findSkey(byte[] req2Hash) {
        byte[] skey = byReq2.get(ByteBuffer.wrap(req2Hash));
        return skey == null ? null : skey.clone();
    }

    private static byte[] checked(byte[] skey) {
        if (skey.length != 20) {
            throw new IllegalArgumentException("SKEY must be 20 bytes, got " + skey.length);
        }
        return skey;
    }
}
