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
 * A payload of more than {@value #COPY_THRESHOLD} bytes (every 16 KiB block) is never copied: its exact header goes
 * into a small buffer and header and payload leave as two consecutive writes, which the transport sends with one
 * gathering write. That was measured in {@code PeerMessageCodecBenchmark} against one two-component
 * {@link io.netty.buffer.CompositeByteBuf} per block: 296 bytes of heap per block with the composite, 88 with two
 * writes (mostly the header's promise and the benchmark's own {@code Piece} record), and two writes were not slower
 * (the composite's median throughput was 9 % lower, within the noise of that machine). Smaller
 * payloads (extension messages, small bitfields) are copied behind the header, because one small buffer is cheaper
 * than two writes. A {@link PieceRegion} is written the same way, header then the {@link io.netty.channel.FileRegion}.
 * The header of a two-part write gets its own promise (the caller's promise completes with the payload), or the
 * caller's promise when that is a void promise.
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
        if (msg instanceof WithPayload p && p.payload().readableBytes() > COPY_THRESHOLD) {
            ByteBuf header;
            try {
                header = ctx.alloc().ioBuffer(p.wireLength() - p.payload().readableBytes());
                writeHeader(header, p);
            } catch (Throwable t) {
                p.release();
                promise.setFailure(t);
                return;
            }
            ctx.write(header, headerPromise(ctx, promise));
            ctx.write(p.payload(), promise);
        } else if (msg instanceof PeerMessage m) {
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
            ctx.write(header, headerPromise(ctx, promise));
            ctx.write(r.region(), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /**
     * The header of a two-part write gets a promise of its own (a failure of the header also fails the payload
     * behind it, which completes the caller's promise); a caller that passed a void promise gets it reused.
     */
    private static ChannelPromise headerPromise(ChannelHandlerContext ctx, ChannelPromise promise) {
        return promise.isVoid() ? promise : ctx.newPromise();
    }

    /**
     * Encodes all of {@code m} into one new buffer from {@code alloc}, copying any payload, and releases {@code m}.
     * The caller owns the result. (The channel path avoids the copy for large payloads; this is for tests and tools.)
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

    /** Encodes a payload message into one buffer: header, then a copy of the payload, which is released. */
    private static ByteBuf encodeWithPayload(ByteBufAllocator alloc, WithPayload m) {
        ByteBuf payload = m.payload();
        int payloadLength = payload.readableBytes();
        ByteBuf out = alloc.ioBuffer(m.wireLength());
        try {
            writeHeader(out, m);
            out.writeBytes(payload, payload.readerIndex(), payloadLength);
        } catch (Throwable t) {
            out.release();
            throw t;
        }
        payload.release();
        return out;
    }

    /** Writes everything of {@code m} before its payload: length prefix, id and fixed fields. */
    private static void writeHeader(ByteBuf out, WithPayload m) {
        out.writeInt(m.wireLength() - 4);
        out.writeByte(m.id());
        switch (m) {
            case Piece p -> out.writeInt(p.piece()).writeInt(p.begin());
            case Extended e -> out.writeByte(e.extendedId());
            case Hashes h -> h.request().writeFields(out);
            case Bitfield b -> {
            }
            case Unknown u -> {
            }
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
