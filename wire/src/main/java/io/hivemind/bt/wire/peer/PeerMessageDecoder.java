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
import io.hivemind.bt.wire.peer.PeerProtocolException.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes the length-prefixed peer-wire message stream (BEP 3 "messages") into {@link PeerMessage}s.
 *
 * <p>Hardening: a length prefix above {@link #maxMessageLength()} fails at once with
 * {@link Reason#MESSAGE_TOO_LONG}, after reading only the 4-byte prefix, so a peer cannot make us buffer more than
 * that (HARDENING.md: "&gt; 1 MiB → disconnect after reading at most that"). A message whose length does not fit its
 * id fails as soon as the id byte is in ({@link Reason#BAD_MESSAGE_LENGTH}); unsigned fields at or above 2^31 fail
 * with {@link Reason#FIELD_OUT_OF_RANGE}; a BEP 52 request breaking the BEP's rules with
 * {@link Reason#INVALID_HASH_REQUEST}. After a failure every further byte is dropped. Ids it does not know become
 * {@link Unknown} messages.
 *
 * <p>Buffer ownership: payloads are {@code readRetainedSlice}s of the cumulation buffer (no copy); the handler that
 * receives a message owns it (see {@link PeerMessage}).
 *
 * <p>Implementation note: the cumulator is Netty's {@link #COMPOSITE_CUMULATOR}, not the default merge cumulator.
 * A block almost never ends where a socket read ends, so with merging nearly every read is copied behind the
 * unfinished message before it is decoded; the composite cumulator appends the read as a component instead, and the
 * block's slice may span two read buffers. In {@code PeerMessageCodecBenchmark} (64 KiB reads) this decoded streams
 * of 16 KiB blocks 2.2 times faster than merging, and streams of 17-byte requests 1.7 times slower (reading fields
 * across components costs more); blocks are more than 99.9 % of the bytes a peer receives. Call
 * {@link #setCumulator} before use to choose otherwise.
 *
 * <p>Not sharable: one instance per channel, used on its event loop. Handshake objects and any other non-buffer
 * messages pass through unchanged, so this decoder can sit behind {@link PeerHandshakeDecoder} from the start.
 */
public final class PeerMessageDecoder extends ByteToMessageDecoder {

    /**
     * The default maximum length of one message (the prefix's value, excluding the prefix itself): 1 MiB for any
     * payload (a bitfield of 2,097,152 pieces is 256 KiB; a 16 KiB block with its header is far below) plus 1 KiB
     * of slack for the headers of a payload that is exactly 1 MiB.
     */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = (1 << 20) + 1024;

    private final int maxMessageLength;
    private boolean failed;

    /** A decoder with {@link #DEFAULT_MAX_MESSAGE_LENGTH}. */
    public PeerMessageDecoder() {
        this(DEFAULT_MAX_MESSAGE_LENGTH);
    }

    /** A decoder refusing messages longer than {@code maxMessageLength} bytes (excluding the 4-byte prefix). */
    public PeerMessageDecoder(int maxMessageLength) {
        if (maxMessageLength < 64) {
            throw new IllegalArgumentException("maxMessageLength " + maxMessageLength + " below 64 bytes");
        }
        this.maxMessageLength = maxMessageLength;
        setCumulator(COMPOSITE_CUMULATOR);
    }

    public int maxMessageLength() {
        return maxMessageLength;
    }

    /** Bytes held in the cumulation buffer, waiting for the rest of a message (for tests). */
    int bufferedBytes() {
        return actualReadableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (readable < 4) {
            return;
        }
        int base = in.readerIndex();
        long length = in.getUnsignedInt(base);
        if (length > maxMessageLength) {
            throw fail(in, Reason.MESSAGE_TOO_LONG, "message of " + length + " bytes, limit " + maxMessageLength);
        }
        if (length == 0) {
            in.skipBytes(4);
            out.add(KeepAlive.INSTANCE);
            return;
        }
        if (readable < 5) {
            return;
        }
        int len = (int) length;
        int id = in.getUnsignedByte(base + 4);
        checkLength(in, id, len);
        if (readable < 4 + len) {
            return;
        }
        in.skipBytes(5);
        out.add(switch (id) {
            case Choke.ID -> Choke.INSTANCE;
            case Unchoke.ID -> Unchoke.INSTANCE;
            case Interested.ID -> Interested.INSTANCE;
            case NotInterested.ID -> NotInterested.INSTANCE;
            case Have.ID -> new Have(readIndex(in, "piece"));
            case Bitfield.ID -> new Bitfield(in.readRetainedSlice(len - 1));
            case Request.ID -> new Request(readIndex(in, "piece"), readIndex(in, "begin"), readIndex(in, "length"));
            case Piece.ID -> {
                int piece = readIndex(in, "piece");
                int begin = readIndex(in, "begin");
                yield new Piece(piece, begin, in.readRetainedSlice(len - 9));
            }
            case Cancel.ID -> new Cancel(readIndex(in, "piece"), readIndex(in, "begin"), readIndex(in, "length"));
            case Port.ID -> new Port(in.readUnsignedShort());
            case SuggestPiece.ID -> new SuggestPiece(readIndex(in, "piece"));
            case HaveAll.ID -> HaveAll.INSTANCE;
            case HaveNone.ID -> HaveNone.INSTANCE;
            case RejectRequest.ID -> new RejectRequest(readIndex(in, "piece"), readIndex(in, "begin"), readIndex(in, "length"));
            case AllowedFast.ID -> new AllowedFast(readIndex(in, "piece"));
            case Extended.ID -> {
                int extendedId = in.readUnsignedByte();
                yield new Extended(extendedId, in.readRetainedSlice(len - 2));
            }
            case HashRequest.ID -> readHashRequest(in);
            case Hashes.ID -> {
                HashRequest request = readHashRequest(in);
                yield new Hashes(request, in.readRetainedSlice(len - 1 - HashRequest.FIELDS_LENGTH));
            }
            case HashReject.ID -> new HashReject(readHashRequest(in));
            default -> new Unknown(id, in.readRetainedSlice(len - 1));
        });
    }

    /** Checks the length against the id before waiting for the body, so a wrong length fails early. */
    private void checkLength(ByteBuf in, int id, int len) {
        boolean ok = switch (id) {
            case Choke.ID, Unchoke.ID, Interested.ID, NotInterested.ID, HaveAll.ID, HaveNone.ID -> len == 1;
            case Have.ID, SuggestPiece.ID, AllowedFast.ID -> len == 5;
            case Request.ID, Cancel.ID, RejectRequest.ID -> len == 13;
            case Piece.ID -> len >= 9;
            case Port.ID -> len == 3;
            case Extended.ID -> len >= 2;
            case HashRequest.ID, HashReject.ID -> len == 1 + HashRequest.FIELDS_LENGTH;
            case Hashes.ID -> len >= 1 + HashRequest.FIELDS_LENGTH && (len - 1 - HashRequest.FIELDS_LENGTH) % 32 == 0;
            default -> true; // bitfield and unknown ids: any length up to the maximum
        };
        if (!ok) {
            throw fail(in, Reason.BAD_MESSAGE_LENGTH, "message id " + id + " with length " + len);
        }
    }

    private int readIndex(ByteBuf in, String field) {
        int v = in.readInt();
        if (v < 0) {
            throw fail(in, Reason.FIELD_OUT_OF_RANGE, field + " " + Integer.toUnsignedString(v) + " is 2^31 or more");
        }
        return v;
    }

    private HashRequest readHashRequest(ByteBuf in) {
        byte[] root = new byte[32];
        in.readBytes(root);
        int baseLayer = readIndex(in, "base layer");
        int index = readIndex(in, "index");
        int length = readIndex(in, "length");
        int proofLayers = readIndex(in, "proof layers");
        HashRequest r = new HashRequest(root, baseLayer, index, length, proofLayers);
        if (!r.isWellFormed()) {
            throw fail(in, Reason.INVALID_HASH_REQUEST, "hash request with index " + index + " and length " + length);
        }
        return r;
    }

    private PeerProtocolException fail(ByteBuf in, Reason reason, String message) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return new PeerProtocolException(reason, message);
    }
}
