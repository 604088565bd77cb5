package io.hivemind.bt.wire.mse;

/**
 * How a responder finds the torrent an incoming MSE connection is for. The initiator never sends the
 * info-hash (SKEY) in clear: it sends HASH('req2', SKEY) xor HASH('req3', S), from which the responder recovers
 * HASH('req2', SKEY) and asks this lookup for the SKEY that hashes to it.
 *
 * <p>Called on the connection's event loop, once per incoming MSE handshake: implementations must be
 * thread-safe and fast (a hash-map lookup). {@link MseSkeyIndex} is the ready-made one.
 */
@FunctionalInterface
public interface MseSkeyLookup {
    /**
     * @param req2Hash HASH('req2', SKEY), 20 bytes; the callee must not modify or keep it
     * @return the 20-byte SKEY (the torrent's v1 info-hash, or its v2 info-hash truncated to 20 bytes), or
     *         null when we serve no such torrent
     */
    byte[] findSkey(byte[] req2Hash);
}
