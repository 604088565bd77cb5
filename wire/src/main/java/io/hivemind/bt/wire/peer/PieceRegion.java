package io.hivemind.bt.wire.peer;

import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * An outbound BEP 3 {@code piece} message whose block is a {@link FileRegion}, for zero-copy {@code sendfile} on
 * plaintext connections whose transport supports file regions (epoll and NIO do). {@link PeerMessageEncoder} writes
 * the 13-byte header into a small buffer and then the region itself, untouched.
 *
 * <p>Never decoded (inbound blocks are {@link PeerMessage.Piece}s) and never for an encrypted connection: an MSE/PE
 * handler between the encoder and the socket cannot encrypt a file region, so the session must send a
 * {@link PeerMessage.Piece} there.
 *
 * <p>Ownership: the record owns one reference of the region; writing it hands that to the pipeline, which releases
 * it after the transfer or on failure. Reference counting delegates to the region.
 *
 * @param piece  piece index
 * @param begin  offset of the block in the piece
 * @param region the block; {@code region.count()} bytes are sent
 */
public record PieceRegion(int piece, int begin, FileRegion region) implements ReferenceCounted {

    public PieceRegion {
        if (piece < 0 || begin < 0) {
            throw new IllegalArgumentException("piece " + piece + " begin " + begin);
        }
        Objects.requireNonNull(region, "region");
        if (region.count() > Integer.MAX_VALUE - 9) {
            throw new IllegalArgumentException("region of " + region.count() + " bytes is too large for one message");
        }
    }

    /** The block length. */
    public int length() {
        return (int) region.count();
    }

    @Override
    public int refCnt() {
        return region.refCnt();
    }

    @Override
    public PieceRegion retain() {
        region.retain();
        return this;
    }

    @Override
    public PieceRegion retain(int increment) {
        region.retain(increment);
        return this;
    }

    @Override
    public PieceRegion touch() {
        region.touch();
        return this;
    }

    @Override
    public PieceRegion touch(Object hint) {
        region.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return region.release();
    }

    @Override
    public boolean release(int decrement) {
        return region.release(decrement);
    }

    @Override
    public String toString() {
        return "PieceRegion[piece=" + piece + ", begin=" + begin + ", length=" + region.count() + "]";
    }
}
