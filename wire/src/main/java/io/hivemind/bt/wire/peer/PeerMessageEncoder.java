package io.hivemind.bt.wire.peer;

import io.hivemind.bt.wire.peer.PeerMessage.AllowedFast;
import io.hivemind.bt.wire.peer.PeerMessage.Bitfield;
import io.hivemind.bt.wire.peer.PeerMessage.Cancel;
import io.hivemind.bt.wire.peer.PeerMessage.Choke;
import io.hivemind.bt.wire.peer.PeerMessage.Extended;
import io.hivemind.bt.wire.peer.PeerMessage.HashReject;
import io.hivemind.bt.wire.peer.PeerMessage.HashRequest;
import io.hivemind.bt.wire.peer.PeerMessage.Hashes;
import io.hivemind.bt.wire.peer.PeerMessage.Have;
import io.hivemind.bt.wire.peer.PeerMessage.HaveAll;
import io.hivemind.bt.wire.peer.PeerMessage.HaveNone;
import io.hivemind.bt.wire.peer.PeerMessage.Interested;
import io.hivemind.bt.wire.peer.PeerMessage.KeepAlive;
import io.hivemind.bt.wire.peer.PeerMessage.NotInterested;
import io.hivemind.bt.wire.peer.PeerMessage.Piece;
import io.hivemind.bt.wire.peer.PeerMessage.Port;
import io.hivemind.bt.wire.peer.PeerMessage.RejectRequest;
import io.hivemind.bt.wire.peer.PeerMessage.Request;
import io.hivemind.bt.wire.peer.PeerMessage.SuggestPiece;
import io.hivemind.bt.wire.peer.PeerMessage.Unchoke;
import io.hivemind.bt.wire.peer.PeerMessage.Unknown;
import io.hivemind.bt.wire.peer.PeerMessage.WithPayload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;

/**
 * Encodes outbound {@link PeerMessage}s and {@link PieceRegion}s into the BEP 3 wire form; any other message passes
 * through untouched (so it can sit above {@link PeerHandshakeEncoder}).
 *
 * <p>Implementation note: fixed-size messages are written into an exact-size buffer from the channel's allocator.
 * A payload of more than {@value #COPY_THRESHOLD} bytes (every 16 KiB block) is never copied: the exact header goes
 * into a small buffer and header and payload leave as one two-component {@link CompositeByteBuf}, which the transport
 * writes with one gathering write. One composite write was measured against two separate writes (header, then
 * payload) in {@code PeerMessageCodecBenchmark}; see the package documentation for the figures. Smaller payloads
 * (extension messages, small bitfields) are copied after the header, because one small buffer is cheaper than a
 * composite. A {@link PieceRegion} is written as its header and then the {@link io.netty.channel.FileRegion}, two
 * writes, the caller's promise on the second.
 *
 * <p>Ownership: the encoder takes over the written message as Netty encoders do: the payload's reference moves into
 * the outbound buffer (or is released right after a copy), and on any failure the message is released and the
 * promise failed. Stateless and {@link Sharable}: use {@link #INSTANCE}.
 */
@Sharable
public final class PeerMessageEncoder extends ChannelOutboundHandlerAdapter {

    /** The shared instance. */
    public static final PeerMessageEncoder INSTANCE = new PeerMessageEncoder();

    /** Payloads up to this many bytes are copied behind the header; longer ones are sent without copying. */
    static final int COPY_THRESHOLD = 512;

    private PeerMessageEncoder() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof PeerMessage m) {
            ByteBuf encoded;
            try {
                encoded = encode(ctx.alloc(), m);
            } catch (Throwable t) {
                ReferenceCountUtil.release(m);
                promise.setFailure(t);
                return;
            }
            ctx.write(encoded, promise);
        } else if (msg instanceof PieceRegion r) {
            ByteBuf header;
            try {
                header = ctx.alloc().ioBuffer(Piece.HEADER_LENGTH);
                writePieceHeader(header, r.piece(), r.begin(), r.length());
            } catch (Throwable t) {
                r.release();
                promise.setFailure(t);
                return;
            }
            ctx.write(header);
            ctx.write(r.region(), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /**
     * Encodes {@code m} into a new buffer from {@code alloc}, taking ownership of {@code m}: large payloads move into
     * the result (a composite), small ones are copied and released. The caller owns the result.
     */
    static ByteBuf encode(ByteBufAllocator alloc, PeerMessage m) {
        if (m instanceof WithPayload p) {
            return encodeWithPayload(alloc, p);
        }
        ByteBuf out = alloc.ioBuffer(m.wireLength());
        try {
            switch (m) {
                case KeepAlive k -> out.writeInt(0);
                case Choke c -> simple(out, Choke.ID);
                case Unchoke u -> simple(out, Unchoke.ID);
                case Interested i -> simple(out, Interested.ID);
                case NotInterested n -> simple(out, NotInterested.ID);
                case HaveAll h -> simple(out, HaveAll.ID);
                case HaveNone h -> simple(out, HaveNone.ID);
                case Have h -> index(out, Have.ID, h.piece());
                case SuggestPiece s -> index(out, SuggestPiece.ID, s.piece());
                case AllowedFast a -> index(out, AllowedFast.ID, a.piece());
                case Request r -> block(out, Request.ID, r.piece(), r.begin(), r.length());
                case Cancel c -> block(out, Cancel.ID, c.piece(), c.begin(), c.length());
                case RejectRequest r -> block(out, RejectRequest.ID, r.piece(), r.begin(), r.length());
                case Port p -> out.writeInt(3).writeByte(Port.ID).writeShort(p.port());
                case HashRequest r -> {
                    out.writeInt(1 + HashRequest.FIELDS_LENGTH).writeByte(HashRequest.ID);
                    r.writeFields(out);
                }
                case HashReject r -> {
                    out.writeInt(1 + HashRequest.FIELDS_LENGTH).writeByte(HashReject.ID);
                    r.request().writeFields(out);
                }
                case WithPayload p -> throw new AssertionError(p);
            }
            return out;
        } catch (Throwable t) {
            out.release();
            throw t;
        }
    }

    private static ByteBuf encodeWithPayload(ByteBufAllocator alloc, WithPayload m) {
        ByteBuf payload = m.payload();
        int payloadLength = payload.readableBytes();
        int headerLength = m.wireLength() - payloadLength;
        boolean copy = payloadLength <= COPY_THRESHOLD;
        ByteBuf header = alloc.ioBuffer(copy ? headerLength + payloadLength : headerLength);
        try {
            header.writeInt(m.wireLength() - 4);
            header.writeByte(m.id());
            switch (m) {
                case Piece p -> header.writeInt(p.piece()).writeInt(p.begin());
                case Extended e -> header.writeByte(e.extendedId());
                case Hashes h -> h.request().writeFields(header);
                case Bitfield b -> {
                }
                case Unknown u -> {
                }
            }
            if (copy) {
                header.writeBytes(payload, payload.readerIndex(), payloadLength);
                payload.release();
                return header;
            }
            CompositeByteBuf composite = alloc.compositeDirectBuffer(2);
            composite.addComponents(true, header, payload);
            return composite;
        } catch (Throwable t) {
            header.release();
            throw t;
        }
    }

    /** Writes the 13-byte header of a {@code piece} message carrying {@code length} bytes. */
    static void writePieceHeader(ByteBuf out, int piece, int begin, int length) {
        out.writeInt(9 + length).writeByte(Piece.ID).writeInt(piece).writeInt(begin);
    }

    private static void simple(ByteBuf out, int id) {
        out.writeInt(1).writeByte(id);
    }

    private static void index(ByteBuf out, int id, int index) {
        out.writeInt(5).writeByte(id).writeInt(index);
    }

    private static void block(ByteBuf out, int id, int piece, int begin, int length) {
        out.writeInt(13).writeByte(id).writeInt(piece).writeInt(begin).writeInt(length);
    }
}
